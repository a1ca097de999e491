# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan items from a module journal (parsing, de-duplication, no-op changes dropped, names, reasons,
confirmations) and the plan summary (counts, the apply estimate)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.journal import items_from_journal, read_journal, summarize
from ansible_collections.accessops.atlassian.tests.unit.plugins.plugin_utils.plan_cases import (
    ORG,
    account,
    membership,
    project,
    repo,
    scim,
)


def line(change, check_mode=True, module="bitbucket_repo_permission"):
    return json.dumps({"item": change, "check_mode": check_mode, "module": module})


def entries(*changes):
    return [{"item": change, "check_mode": True, "module": "m"} for change in changes]


def test_read_journal_skips_blank_lines():
    text = (
        "\n".join([line(repo("grant", None, "write")), "", "   ", line(membership("add"), module="atlassian_group_member")])
        + "\n"
    )
    parsed = read_journal(text)
    assert [e["module"] for e in parsed] == ["bitbucket_repo_permission", "atlassian_group_member"]
    assert parsed[0]["item"] == repo("grant", None, "write")
    assert read_journal("") == []


@pytest.mark.parametrize(
    "text, message",
    [
        (line(repo("grant", None, "write")) + "\n\n{not json\n", "journal line 3 is not JSON"),
        ("[1, 2]\n", "journal line 1 is no"),
        ('{"check_mode": true}\n', "journal line 1 is no"),
        (b"{}", "a journal is text"),
    ],
)
def test_read_journal_names_the_malformed_line(text, message):
    with pytest.raises(ValueError, match=message):
        read_journal(text)


def test_items_keep_journal_order_with_key_reason_and_display():
    items = items_from_journal(
        entries(project("revoke", "admin", None), repo("revoke", "write", None), membership("remove")),
        role="offboarding",
        names={"712020:jane": "jane@acme.example"},
    )
    assert [i["key"] for i in items] == [
        "bitbucket:project_permission:acme/INFRA:user:712020:jane",
        "bitbucket:repository_permission:acme/infra-core:user:712020:jane",
        "admin:group_membership:%s/g-1:user:712020:jane" % ORG,
    ]
    assert items[0] == {
        "key": "bitbucket:project_permission:acme/INFRA:user:712020:jane",
        "api": "bitbucket",
        "kind": "project_permission",
        "action": "revoke",
        "target": {"workspace": "acme", "project": "INFRA"},
        "subject": {"type": "user", "account_id": "712020:jane", "display": "jane@acme.example"},
        "before": "admin",
        "after": None,
        "reason": "offboarding: jane@acme.example is offboarded",
    }
    assert {i["reason"] for i in items} == {"offboarding: jane@acme.example is offboarded"}


def test_duplicates_keep_the_first_before_and_the_last_after():
    items = items_from_journal(
        entries(repo("grant", None, "read"), repo("grant", None, "read"), repo("change", "read", "admin")),
        role="onboarding",
        names={},
    )
    assert len(items) == 1
    assert (items[0]["action"], items[0]["before"], items[0]["after"]) == ("grant", None, "admin")
    assert items[0]["reason"] == "onboarding: listed in the input"
    assert "display" not in items[0]["subject"]


def test_a_change_that_ends_where_it_started_is_dropped():
    items = items_from_journal(
        entries(
            repo("grant", None, "write"),
            membership("add"),
            repo("revoke", "write", None),
            project("change", "read", "write"),
            project("change", "write", "read"),
            scim("update", {"title": "Dev"}, {"title": "Lead"}),
            scim("update", {"title": "Lead"}, {"title": "Dev"}),
        ),
        role="onboarding",
        names={},
    )
    assert [i["kind"] for i in items] == ["group_membership"]


def test_scim_changes_merge_per_attribute():
    items = items_from_journal(
        entries(
            scim("update", {"display_name": "J"}, {"display_name": "Jane"}),
            scim("update", {"title": "Dev", "display_name": "Jane"}, {"title": "Lead", "display_name": "Jane D"}),
        ),
        role="onboarding",
        names={},
    )
    assert (items[0]["action"], items[0]["before"], items[0]["after"]) == (
        "update",
        {"display_name": "J", "title": "Dev"},
        {"display_name": "Jane D", "title": "Lead"},
    )
    created = items_from_journal(
        entries(
            scim("create", None, {"display_name": "Jane", "active": True}), scim("update", {"active": True}, {"active": False})
        ),
        role="onboarding",
        names={},
    )
    assert (created[0]["action"], created[0]["before"], created[0]["after"]) == (
        "create",
        None,
        {"display_name": "Jane", "active": False},
    )
    deactivated = items_from_journal(
        entries(scim("deactivate", {"active": True}, {"active": False})), role="offboarding", names={}
    )
    assert deactivated[0]["action"] == "deactivate"
    deleted = items_from_journal(
        entries(scim("deactivate", {"active": True}, {"active": False}), scim("delete", {"active": False}, None)),
        role="offboarding",
        names={},
    )
    assert (deleted[0]["action"], deleted[0]["before"], deleted[0]["after"]) == ("delete", {"active": True}, None)


def test_reasons_names_and_confirmations_by_person_and_kind():
    invite = account("invite", None, "invited", account_id=None, email="joe@acme.example")
    items = items_from_journal(
        entries(account("suspend", "active", "suspended"), invite, scim("deactivate", {"active": True}, {"active": False})),
        role="offboarding",
        names={"712020:jane": "Jane Doe", "jane@acme.example": "Jane (SCIM)"},
        reasons={"joe@acme.example": "joe asked for it", "jane@acme.example": "ticket IT-1"},
        confirmed_by={"account": "offboarding_confirm_org_wide"},
    )
    assert [(i["subject"].get("display"), i["reason"], i.get("confirmed_by")) for i in items] == [
        ("Jane Doe", "offboarding: Jane Doe is offboarded", "offboarding_confirm_org_wide"),
        (None, "joe asked for it", "offboarding_confirm_org_wide"),
        ("Jane (SCIM)", "ticket IT-1", None),
    ]
    assert items[1]["action"] == "invite"


def test_a_journal_entry_that_is_no_change_is_refused():
    with pytest.raises(ValueError, match="unknown change kind"):
        items_from_journal(entries({"kind": "mystery"}), role="onboarding", names={})
    with pytest.raises(ValueError, match="has no item"):
        items_from_journal([{"check_mode": True}], role="onboarding", names={})


def test_summary_counts_and_the_apply_estimate():
    items = items_from_journal(
        entries(
            repo("revoke", "write", None),
            repo("revoke", "admin", None, subject={"type": "group", "slug": "devs"}),  # same repository: one re-read
            repo("revoke", "read", None, repository="web-api"),
            project("revoke", "admin", None),
            membership("remove", group_id="g-1"),
            membership("remove", group_id="g-2"),  # same account and direction: one call group
            account("suspend", "active", "suspended"),
            scim("deactivate", {"active": True}, {"active": False}),
        ),
        role="offboarding",
        names={},
    )
    summary = summarize(items, refused=["owner refused"], deferred=[], calls_spent=17)
    # 8 writes + 3 permission targets + 1 SCIM read + 2 admin call groups (memberships, account)
    assert summary == {
        "items": 8,
        "by_action": {"revoke": 4, "remove": 2, "suspend": 1, "deactivate": 1},
        "refused": ["owner refused"],
        "deferred": [],
        "api_calls": {"plan": 17, "apply_expected": 14},
    }
    assert summarize([], refused=[], deferred=["later"], calls_spent=0)["api_calls"] == {"plan": 0, "apply_expected": 0}
