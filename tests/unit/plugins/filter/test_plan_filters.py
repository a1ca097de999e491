# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan filters are thin over the plan library: the values it returns, its ValueErrors as AnsibleFilterError."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.accessops.atlassian.plugins.filter.plan_items import plan_items
from ansible_collections.accessops.atlassian.plugins.filter.plan_markdown import plan_markdown
from ansible_collections.accessops.atlassian.plugins.filter.plan_new import plan_new
from ansible_collections.accessops.atlassian.plugins.filter.plan_refusals import plan_refusals
from ansible_collections.accessops.atlassian.plugins.filter.plan_result_markdown import plan_result_markdown
from ansible_collections.accessops.atlassian.plugins.filter.plan_summary import plan_summary
from ansible_collections.accessops.atlassian.plugins.filter.plan_view import plan_view
from ansible_collections.accessops.atlassian.plugins.filter.plan_view_items import plan_view_items
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import parse_time

GRANT = {
    "api": "bitbucket",
    "kind": "repository_permission",
    "action": "grant",
    "target": {"workspace": "acme", "repository": "infra-core"},
    "subject": {"type": "user", "account_id": "712020:jane"},
    "before": None,
    "after": "write",
}
JOURNAL = json.dumps({"item": GRANT, "check_mode": True, "module": "bitbucket_repo_permission"}) + "\n"


def test_the_filters_chain_from_journal_to_plan():
    items = plan_items(JOURNAL, "onboarding", names={"712020:jane": "jane@acme.example"})
    summary = plan_summary(items, refused=["x"], calls_spent="3")
    plan = plan_new(
        items, role="onboarding", workspace="acme", created_by={"bitbucket": "me"}, max_age_hours="2", summary=summary
    )
    made = parse_time(plan["created_at"])
    assert abs(made - datetime.now(timezone.utc)) < timedelta(minutes=1)  # noqa: UP017
    assert parse_time(plan["expires_at"]) - made == timedelta(hours=2)
    assert summary["api_calls"] == {"plan": 3, "apply_expected": 2}
    assert plan_refusals(plan, role="onboarding", workspace="acme", identities={"bitbucket": "me"}) == []
    assert plan_refusals(plan, role="onboarding", workspace="acme", identities={"bitbucket": "you"}) == [
        "The plan was made with the Bitbucket account 'me', and this run has 'you'."
    ]
    line = "+ grant write on repository infra-core to jane@acme.example (onboarding: listed in the input)"
    assert plan_view(plan)[1:] == [line, "refused by guards:", "  x"]
    assert plan_view_items(iter(plan["items"])) == [line]
    assert "| 1 | `bitbucket:repository_permission:acme/infra-core:user:712020:jane` |" in plan_markdown(plan)
    assert "| Approved by | alice |" in plan_result_markdown(plan, {"applied": plan["items"], "approved_by": "alice"})


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plan_items("{oops", "onboarding"), "plan_items: journal line 1 is not JSON"),
        (lambda: plan_items([{"item": {"kind": "mystery"}}], "onboarding"), "plan_items: unknown change kind"),
        (lambda: plan_new([GRANT], role="onboarding", workspace="acme", max_age_hours="soon"), "plan_new: could not convert"),
        (lambda: plan_new([GRANT], role="onboarding", workspace="", max_age_hours=1), "plan_new: a plan needs its workspace"),
        (lambda: plan_refusals({}, role="onboarding", workspace="acme", max_age_hours="x"), "plan_refusals: could not convert"),
        (lambda: plan_view("not a plan"), "plan_view: the input is no plan document"),
        (lambda: plan_view_items({"not": "a list"}), "plan_view_items: takes a list"),
        (lambda: plan_markdown(None), "plan_markdown: the input is no plan document"),
        (lambda: plan_result_markdown({}, None), "plan_result_markdown: takes a plan document"),
        (lambda: plan_summary([], calls_spent="many"), "plan_summary: invalid literal"),
    ],
)
def test_errors_are_filter_errors(call, message):
    with pytest.raises(AnsibleFilterError, match=message):
        call()
