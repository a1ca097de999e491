# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The texts of a plan: the exact line of each action, the changes-only view, the approval Markdown and the audit of
an apply run."""

from __future__ import annotations

import pytest

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import item_key, new_plan
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.render import (
    changes_view,
    item_line,
    plan_markdown,
    result_markdown,
    subject_text,
)
from ansible_collections.accessops.atlassian.tests.unit.plugins.plugin_utils.plan_cases import (
    IDENTITIES,
    NOW,
    account,
    every_kind,
    membership,
    project,
    repo,
    scim,
)

JANE = {"type": "user", "account_id": "712020:jane", "display": "jane@acme.example"}
DEVS = {"type": "group", "slug": "devs"}


def named(change, reason=None, **extra):
    item = dict(change, key=item_key(change), **extra)
    if item["kind"] != "scim_user" and item["subject"].get("type") == "user":
        item["subject"] = dict(item["subject"], display="jane@acme.example")
    if reason:
        item["reason"] = reason
    return item


@pytest.mark.parametrize(
    "item, line",
    [
        (
            named(repo("grant", None, "write"), "listed in the input"),
            "+ grant write on repository infra-core to jane@acme.example (listed in the input)",
        ),
        (
            named(repo("change", "write", "admin", repository="web-api", subject=DEVS), "onboarding: listed in the input"),
            "~ change write -> admin on repository web-api for group devs (onboarding: listed in the input)",
        ),
        (
            named(project("revoke", "admin", None), "offboarding"),
            "- revoke admin on project INFRA from jane@acme.example (offboarding)",
        ),
        (named(project("grant", None, "create-repo", subject=DEVS)), "+ grant create-repo on project INFRA to group devs"),
        (
            named(membership("add"), "onboarding: listed in the input"),
            "+ add jane@acme.example to group bitbucket-users-acme (onboarding: listed in the input)",
        ),
        (named(membership("remove")), "- remove jane@acme.example from group bitbucket-users-acme"),
        (named(scim("create", None, {"display_name": "Jane", "active": True})), "+ create SCIM user jane@acme.example"),
        (
            named(scim("update", {"display_name": "J"}, {"display_name": "Jane", "active": True})),
            "~ update SCIM user jane@acme.example: active, display_name",
        ),
        (
            named(
                scim("deactivate", {"active": True}, {"active": False}),
                "offboarding: jane@acme.example is offboarded",
                confirmed_by="offboarding_confirm_org_wide",
            ),
            "~ deactivate SCIM user jane@acme.example (offboarding: jane@acme.example is offboarded;"
            " confirmed by offboarding_confirm_org_wide)",
        ),
        (named(scim("delete", {"active": False}, None)), "- delete SCIM user jane@acme.example"),
        (
            named(account("invite", None, "invited", account_id=None, email="jane@acme.example")),
            "+ invite jane@acme.example",
        ),
        (named(account("suspend", "active", "suspended")), "~ suspend account jane@acme.example"),
        (named(account("restore", "suspended", "active")), "~ restore account jane@acme.example"),
        (named(account("remove", "active", "removed")), "- remove account jane@acme.example"),
    ],
)
def test_the_line_of_each_action(item, line):
    assert item_line(item) == line


@pytest.mark.parametrize(
    "subject, text",
    [
        ({"type": "user", "account_id": "712020:jane", "display": "Jane"}, "Jane"),
        ({"type": "user", "account_id": "712020:jane", "email": "jane@acme.example"}, "jane@acme.example"),
        ({"type": "user", "account_id": "712020:jane"}, "712020:jane"),
        ({"type": "group", "slug": "devs"}, "devs"),
        ({"type": "scim_user", "user_name": "jane@acme.example", "id": None}, "jane@acme.example"),
        ({}, "(unknown subject)"),
    ],
)
def test_subject_text(subject, text):
    assert subject_text({"subject": subject}) == text


def plan(items=None, summary=None):
    return new_plan(
        role="offboarding",
        workspace="acme",
        inputs={},
        items=every_kind() if items is None else items,
        created_by=dict(IDENTITIES),
        now=NOW,
        max_age_hours=24,
        summary=summary or {"refused": [], "deferred": []},
    )


def test_changes_view():
    document = plan(
        summary={"refused": ["owner@acme.example: the workspace owner is never offboarded"], "deferred": ["joe: later"]}
    )
    lines = changes_view(document)
    assert lines[0] == "Plan %s (offboarding, workspace acme): 6 changes, expires 2026-12-06T13:40:00Z" % document["id"][:12]
    assert lines[1:7] == [item_line(item) for item in document["items"]]
    assert lines[1] == "+ grant write on repository infra-core to 712020:jane (offboarding: jane@acme.example is offboarded)"
    assert lines[7:] == [
        "refused by guards:",
        "  owner@acme.example: the workspace owner is never offboarded",
        "deferred:",
        "  joe: later",
    ]


def test_changes_view_of_an_empty_plan():
    document = plan(items=[])
    assert changes_view(document) == [
        "Plan %s (offboarding, workspace acme): 0 changes, expires 2026-12-06T13:40:00Z" % document["id"][:12],
        "  no change",
    ]


def test_plan_markdown_has_every_item_and_how_to_apply():
    document = plan(
        summary={"by_action": {"grant": 1}, "refused": ["a | b"], "deferred": [], "api_calls": {"plan": 9, "apply_expected": 14}}
    )
    text = plan_markdown(document)
    assert text.startswith("# Plan %s: offboarding, workspace acme\n" % document["id"][:12])
    assert "| Plan id | `%s` |" % document["id"] in text
    assert "| Expires | 2026-12-06T13:40:00Z |" in text
    assert "| API calls | plan: 9, apply (expected): 14 |" in text
    for item in document["items"]:
        assert "`%s`" % item["key"] in text
    assert (
        "| 1 | `bitbucket:repository_permission:acme/infra-core:user:712020:jane` | + grant | repository infra-core | 712020:jane"
        " | none -> write | offboarding: jane@acme.example is offboarded |   |" in text
    )
    assert "| group devs | write -> admin |" in text
    assert "| SCIM directory demo-directory | jane@acme.example | active=true -> active=false |" in text
    assert "| group bitbucket-users-acme | 712020:jane | no -> yes |" in text
    # a pipe in a cell does not break the table
    assert "- a \\| b" in text
    assert "## Deferred\n\n- none" in text
    assert (
        "ansible-playbook accessops.atlassian.offboarding -e @offboarding-plan-%s.json -e offboarding_workspace=%s"
        " -e offboarding_mode=apply" % (document["id"], document["workspace"]) in text
    )


def test_plan_markdown_of_an_empty_plan():
    assert "No change: applying this plan writes nothing." in plan_markdown(plan(items=[]))


def test_result_markdown_lists_each_outcome():
    document = plan()
    items = document["items"]
    result = {
        "plan_id": document["id"],
        "approved_by": "Alice Approver",
        "refused": [],
        "applied": [items[0], items[1]],
        "already": [items[2]],
        "stale": [{"item": items[3], "found": True}],
        "failed": [{"item": items[4], "msg": "HTTP 500 from the Admin API"}],
        "not_attempted": [items[5]],
        "api_calls": {"total": 11},
    }
    text = result_markdown(document, result)
    assert "| Approved by | Alice Approver |" in text
    assert "| Outcome | 2 applied, 1 already, 1 stale, 1 failed, 1 not attempted |" in text
    assert "| API calls | 11 |" in text
    applied = text.split("## Applied")[1].split("##")[0]
    assert "`%s`" % items[0]["key"] in applied and "`%s`" % items[1]["key"] in applied
    assert "`%s`" % items[2]["key"] in text.split("## Already in place")[1].split("##")[0]
    stale = text.split("## Stale")[1].split("##")[0]
    assert "| `%s` | %s | no -> yes |" % (items[3]["key"], item_line(items[3])) in stale
    failed = text.split("## Failed")[1].split("##")[0]
    assert "| HTTP 500 from the Admin API |" in failed
    assert "`%s`" % items[5]["key"] in text.split("## Not attempted")[1]


def test_result_markdown_of_a_refused_plan():
    text = result_markdown(plan(), {"refused": ["The plan expired at X: make a new plan."]})
    assert "| Approved by | not recorded |" in text
    assert "| Outcome | refused |" in text
    assert "## Refused: nothing was sent\n\n- The plan expired at X: make a new plan." in text
    assert "## Applied\n\nNone." in text
