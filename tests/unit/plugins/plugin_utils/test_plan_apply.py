# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plugin_utils/_plan/apply.py: the module calls of a plan's items, and what a result says of each item."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.apply import (
    Call,
    PlanItemError,
    calls_for,
    classify,
    reread_verdict,
)
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import item_key

ORG = "0475f711-2971-5a21-a71a-659f380ffd26"
JANE = "712020:jane"
BEN = "712020:ben"


def keyed(change):
    item = dict(change)
    item["key"] = item_key(item)
    item["reason"] = "test"
    return item


def repo(repository, before, after, who=JANE, kind="user", workspace="acme"):
    action = "grant" if before is None else "revoke" if after is None else "change"
    subject = {"type": "user", "account_id": who} if kind == "user" else {"type": "group", "slug": who}
    return keyed(
        {
            "api": "bitbucket",
            "kind": "repository_permission",
            "action": action,
            "target": {"workspace": workspace, "repository": repository},
            "subject": subject,
            "before": before,
            "after": after,
        }
    )


def project(key, before, after, who=JANE):
    action = "grant" if before is None else "revoke" if after is None else "change"
    return keyed(
        {
            "api": "bitbucket",
            "kind": "project_permission",
            "action": action,
            "target": {"workspace": "acme", "project": key},
            "subject": {"type": "user", "account_id": who},
            "before": before,
            "after": after,
        }
    )


def membership(group_id, action, who=JANE):
    return keyed(
        {
            "api": "admin",
            "kind": "group_membership",
            "action": action,
            "target": {"org": ORG, "group_id": group_id, "group_name": "name-" + group_id},
            "subject": {"type": "user", "account_id": who},
            "before": action == "remove",
            "after": action == "add",
        }
    )


def account(action, who=JANE, email="jane@acme.example", before="active", after="suspended"):
    return keyed(
        {
            "api": "admin",
            "kind": "account",
            "action": action,
            "target": {"org": ORG},
            "subject": {"type": "user", "account_id": who, "email": email},
            "before": before,
            "after": after,
        }
    )


def scim(action, before, after, user_name="jane@acme.example", scim_id=None):
    return keyed(
        {
            "api": "scim",
            "kind": "scim_user",
            "action": action,
            "target": {"directory": "demo-directory"},
            "subject": {"type": "scim_user", "user_name": user_name, "id": scim_id},
            "before": before,
            "after": after,
        }
    )


def change_of(item, **overrides):
    """The change item a module reports for a plan item (no key, reason)."""
    change = {k: copy.deepcopy(v) for k, v in item.items() if k not in ("key", "reason", "confirmed_by")}
    change.update(overrides)
    return change


def scim_resource(user_name="jane@acme.example", active=True, display_name="Jane", scim_id="s-1"):
    return {
        "id": scim_id,
        "userName": user_name,
        "displayName": display_name,
        "active": active,
        "emails": [{"value": user_name.upper(), "type": "work", "primary": True}],
    }


# --- calls_for ---------------------------------------------------------------------------------------------------------


def test_permission_items_of_one_subject_and_levels_make_one_call_over_their_targets():
    items = [repo("infra-core", None, "write"), repo("web-api", None, "write"), repo("infra-core", None, "write", who=BEN)]
    calls = calls_for(items)
    assert [(c.module, c.api, c.args) for c in calls] == [
        (
            "bitbucket_repo_permission",
            "bitbucket",
            {
                "workspace": "acme",
                "repositories": ["infra-core", "web-api"],
                "users": [{"user": JANE, "permission": "write", "expect": "none"}],
            },
        ),
        (
            "bitbucket_repo_permission",
            "bitbucket",
            {
                "workspace": "acme",
                "repositories": ["infra-core"],
                "users": [{"user": BEN, "permission": "write", "expect": "none"}],
            },
        ),
    ]
    assert [c.keys for c in calls] == [[items[0]["key"], items[1]["key"]], [items[2]["key"]]]


def test_other_levels_before_or_after_are_other_calls_and_revokes_are_absent_with_expect():
    items = [repo("a", "read", "write"), repo("b", "admin", "write"), repo("c", "write", None), repo("d", "read", "write")]
    calls = calls_for(items)
    assert [c.args["users"] for c in calls] == [
        [{"user": JANE, "permission": "write", "expect": "read"}],
        [{"user": JANE, "permission": "write", "expect": "admin"}],
        [{"user": JANE, "state": "absent", "expect": "write"}],
    ]
    assert calls[0].args["repositories"] == ["a", "d"]


def test_groups_and_projects():
    items = [repo("a", None, "read", who="devs", kind="group"), project("INFRA", "admin", None), project("PLAT", "admin", None)]
    calls = calls_for(items)
    assert [(c.module, c.args) for c in calls] == [
        (
            "bitbucket_repo_permission",
            {"workspace": "acme", "repositories": ["a"], "groups": [{"group": "devs", "permission": "read", "expect": "none"}]},
        ),
        (
            "bitbucket_project_permission",
            {"workspace": "acme", "projects": ["INFRA", "PLAT"], "users": [{"user": JANE, "state": "absent", "expect": "admin"}]},
        ),
    ]


def test_memberships_are_grouped_by_user_and_action():
    items = [membership("g1", "remove"), membership("g2", "add"), membership("g3", "remove"), membership("g1", "remove", who=BEN)]
    calls = calls_for(items)
    assert [(c.module, c.api, c.args, len(c.items)) for c in calls] == [
        ("atlassian_group_member", "admin", {"user": JANE, "groups": ["g1", "g3"], "state": "absent"}, 2),
        ("atlassian_group_member", "admin", {"user": JANE, "groups": ["g2"], "state": "present"}, 1),
        ("atlassian_group_member", "admin", {"user": BEN, "groups": ["g1"], "state": "absent"}, 1),
    ]


def test_accounts_are_one_call_each_by_account_id_else_email():
    items = [
        account("suspend"),
        account("invite", who=None, email="new@acme.example", before=None, after="invited"),
        account("restore", who=BEN, email=None, before="suspended", after="active"),
        account("remove", who=None, email="old@acme.example", before="active", after="removed"),
    ]
    calls = calls_for(items)
    assert [(c.module, c.args) for c in calls] == [
        ("atlassian_user", {"user": JANE, "state": "suspended"}),
        ("atlassian_user", {"user": "new@acme.example", "state": "invited"}),
        ("atlassian_user", {"user": BEN, "state": "active"}),
        ("atlassian_user", {"user": "old@acme.example", "state": "removed"}),
    ]


def test_scim_items_are_one_reread_then_one_write_each():
    create = scim(
        "create", None, {"email": "new@acme.example", "display_name": "New", "nick_name": None}, user_name="new@acme.example"
    )
    update = scim("update", {"display_name": "Jane", "title": "Dev"}, {"display_name": "Jane Doe", "title": None})
    deactivate = scim("deactivate", {"active": True}, {"active": False}, user_name="ben@acme.example")
    delete = scim("delete", {"active": False}, None, user_name="old@acme.example", scim_id="s-9")
    calls = calls_for([create, update, deactivate, delete])
    assert [(c.module, c.args, c.reread, c.needs_reread) for c in calls] == [
        ("atlassian_scim_user_info", {"user_name": "new@acme.example"}, True, False),
        (
            "atlassian_scim_user",
            {"user_name": "new@acme.example", "email": "new@acme.example", "display_name": "New"},
            False,
            True,
        ),
        ("atlassian_scim_user_info", {"user_name": "jane@acme.example"}, True, False),
        ("atlassian_scim_user", {"user_name": "jane@acme.example", "display_name": "Jane Doe", "title": ""}, False, True),
        ("atlassian_scim_user_info", {"user_name": "ben@acme.example"}, True, False),
        ("atlassian_scim_user", {"user_name": "ben@acme.example", "active": False}, False, True),
        ("atlassian_scim_user_info", {"user_name": "old@acme.example"}, True, False),
        ("atlassian_scim_user", {"user_name": "old@acme.example", "state": "absent"}, False, True),
    ]
    assert {c.api for c in calls} == {"scim"}


def test_calls_follow_the_first_appearance_of_their_items_across_kinds():
    items = [
        membership("g1", "add"),
        repo("a", None, "read"),
        membership("g2", "add"),
        account("suspend"),
        repo("b", None, "read"),
    ]
    assert [(c.module, len(c.items)) for c in calls_for(items)] == [
        ("atlassian_group_member", 2),
        ("bitbucket_repo_permission", 2),
        ("atlassian_user", 1),
    ]


def test_no_items_no_calls():
    assert calls_for([]) == []


@pytest.mark.parametrize(
    "item, words",
    [
        ({"kind": "teleport", "key": "k"}, "unknown kind"),
        (dict(repo("a", None, "read"), subject={"type": "robot"}), "unknown type"),
        (dict(repo("a", None, "read"), before=None, after=None), "neither a before nor an after"),
        (dict(membership("g", "add"), action="join"), "unknown action"),
        (dict(account("invite", who=JANE, email=None, before=None, after="invited")), "no email"),
        (scim("deactivate", {"active": True}, {"active": True}), "not active false"),
        (scim("create", {"active": True}, {"display_name": "X"}), "has a before state"),
        (scim("delete", {"active": True}, {"active": False}), "has an after state"),
        ("not a dict", "not a mapping"),
    ],
)
def test_items_that_cannot_be_made_are_refused_before_any_call(item, words):
    with pytest.raises(PlanItemError, match=words):
        calls_for([repo("ok", None, "read"), item])


# --- classify: permissions ------------------------------------------------------------------------------------------


def test_permission_applied_already_and_stale():
    items = [repo("a", "read", "write"), repo("b", "read", "write"), repo("c", "read", "write")]
    (call,) = calls_for(items)
    result = {
        "changed": True,
        "changes": [change_of(items[0])],
        "stale": [
            {"repository": "b", "user": JANE, "expected": "read", "found": "write"},
            {"repository": "c", "user": JANE, "expected": "read", "found": "admin"},
        ],
    }
    assert classify(call, result) == ([items[0]], [items[1]], [{"item": items[2], "found": "admin"}], [])


def test_a_stale_entry_of_another_subject_or_target_does_not_count():
    (call,) = calls_for([repo("a", "read", "write")])
    result = {
        "changes": [],
        "stale": [{"repository": "a", "user": BEN, "found": "write"}, {"repository": "z", "user": JANE, "found": "write"}],
    }
    applied, already, stale, failed = classify(call, result)
    assert (applied, already, stale) == ([], [], [])
    assert failed == [{"item": call.items[0], "msg": "the module reported neither a change nor a stale state for this item"}]


def test_a_change_on_another_target_is_not_this_item():
    items = [repo("a", None, "read"), repo("b", None, "read")]
    (call,) = calls_for(items)
    other = change_of(items[0])
    other["target"] = {"workspace": "acme", "repository": "zzz"}
    result = {"failed": True, "msg": "boom", "changes": [change_of(items[1]), other]}
    assert classify(call, result) == ([items[1]], [], [], [{"item": items[0], "msg": "boom"}])


def test_a_revoke_already_gone_is_already_and_a_group_revoke_stale_as_none():
    user_revoke = repo("a", "write", None)
    group_revoke = repo("a", "read", None, who="devs", kind="group")
    (call_user,) = calls_for([user_revoke])
    (call_group,) = calls_for([group_revoke])
    assert classify(call_user, {"changes": [], "stale": [], "not_found": [JANE]}) == ([], [user_revoke], [], [])
    stale_none = {"changes": [], "stale": [{"repository": "a", "group": "devs", "expected": "read", "found": None}]}
    assert classify(call_group, stale_none) == ([], [group_revoke], [], [])


def test_a_subject_listed_unchanged_on_its_target_is_already():
    user_item, group_item = repo("a", None, "read"), repo("a", None, "read", who="devs", kind="group")
    (user_call,) = calls_for([user_item])
    (group_call,) = calls_for([group_item])
    targets = [{"repository": "a", "unchanged": [JANE], "groups": {"unchanged": ["devs"]}}]
    assert classify(user_call, {"changes": [], "stale": [], "targets": targets}) == ([], [user_item], [], [])
    assert classify(group_call, {"changes": [], "stale": [], "targets": targets}) == ([], [group_item], [], [])


def test_a_failed_permission_call_names_the_targets_own_failure():
    items = [project("INFRA", None, "read"), project("PLAT", None, "read"), project("WEB", None, "read")]
    (call,) = calls_for(items)
    result = {
        "failed": True,
        "msg": "1 of 3 projects failed",
        "changes": [change_of(items[1])],
        "stale": [],
        "targets": [
            {
                "project": "INFRA",
                "failed": [{"user": JANE, "operation": "grant", "status": 402, "message": "HTTP 402 plan limit"}],
            },
            {"project": "PLAT", "failed": []},
            {"project": "WEB", "failed": [{"user": BEN, "operation": "grant", "message": "other user"}]},
        ],
    }
    assert classify(call, result) == (
        [items[1]],
        [],
        [],
        [{"item": items[0], "msg": "HTTP 402 plan limit"}, {"item": items[2], "msg": "1 of 3 projects failed"}],
    )


# --- classify: admin ------------------------------------------------------------------------------------------------


def test_membership_changes_applied_no_change_already():
    items = [membership("g1", "add"), membership("g2", "add")]
    (call,) = calls_for(items)
    assert classify(call, {"changed": True, "changes": [change_of(items[1])]}) == ([items[1]], [items[0]], [], [])


def test_a_failed_membership_call_keeps_what_it_applied():
    items = [membership("g1", "remove"), membership("g2", "remove")]
    (call,) = calls_for(items)
    result = {"failed": True, "changed": True, "msg": "HTTP 500", "changes": [change_of(items[0])]}
    assert classify(call, result) == ([items[0]], [], [], [{"item": items[1], "msg": "HTTP 500"}])


def test_account_items():
    suspend = account("suspend")
    (call,) = calls_for([suspend])
    assert classify(call, {"changed": True, "changes": [change_of(suspend)]}) == ([suspend], [], [], [])
    assert classify(call, {"changed": False, "changes": []}) == ([], [suspend], [], [])
    assert classify(call, {"failed": True, "msg": "no such account"}) == (
        [],
        [],
        [],
        [{"item": suspend, "msg": "no such account"}],
    )


def test_an_invitation_matches_its_change_by_email_when_the_plan_has_no_account_id():
    invite = account("invite", who=None, email="New@acme.example", before=None, after="invited")
    (call,) = calls_for([invite])
    change = change_of(invite, subject={"type": "user", "account_id": "712020:new", "email": "new@acme.example"})
    assert classify(call, {"changed": True, "changes": [change]}) == ([invite], [], [], [])


def test_a_changed_result_without_changes_is_not_taken_for_already():
    suspend = account("suspend")
    (call,) = calls_for([suspend])
    applied, already, stale, failed = classify(call, {"changed": True})
    assert (applied, already, stale) == ([], [], [])
    assert failed[0]["msg"].startswith("the module changed something but reported no change items")


# --- classify and the SCIM re-read ----------------------------------------------------------------------------------


def test_reread_verdicts():
    update = scim("update", {"display_name": "Jane", "active": True}, {"display_name": "Jane Doe", "active": True})
    assert reread_verdict(update, {"users": [scim_resource(display_name="Jane")], "total": 1}) == ("write", None)
    assert reread_verdict(update, {"users": [scim_resource(display_name="Jane Doe")]}) == ("already", None)
    assert reread_verdict(update, {"users": [scim_resource(display_name="J.")]}) == (
        "stale",
        {"display_name": "J.", "active": True},
    )
    assert reread_verdict(update, {"users": []}) == ("stale", None)
    failed = reread_verdict(update, {"failed": True, "msg": "HTTP 500"})
    assert failed == ("failed", "not written: the re-read of the SCIM user failed: HTTP 500")


def test_reread_of_create_and_delete():
    create = scim("create", None, {"email": "jane@acme.example", "display_name": "Jane"})
    assert reread_verdict(create, {"users": []}) == ("write", None)
    # the email is compared without regard to case (the resource has it upper case)
    assert reread_verdict(create, {"users": [scim_resource()]}) == ("already", None)
    assert reread_verdict(create, {"users": [scim_resource(display_name="Other")]}) == (
        "stale",
        {"email": "JANE@ACME.EXAMPLE", "display_name": "Other"},
    )
    delete = scim("delete", {"active": False}, None, scim_id="s-1")
    assert reread_verdict(delete, {"users": [scim_resource(active=False)]}) == ("write", None)
    assert reread_verdict(delete, {"users": []}) == ("already", None)
    assert reread_verdict(delete, {"users": [scim_resource(active=True)]}) == ("stale", {"active": True})
    # the same user name, another user (deleted and created again since the plan): stale, never deleted
    assert reread_verdict(delete, {"users": [scim_resource(active=False, scim_id="s-2")]}) == (
        "stale",
        {"active": False, "id": "s-2"},
    )


def test_reread_ignores_other_user_names_and_refuses_two_matches():
    deactivate = scim("deactivate", {"active": True}, {"active": False})
    other = scim_resource(user_name="someone@acme.example")
    assert reread_verdict(deactivate, {"users": [other, scim_resource(user_name="JANE@acme.example")]}) == ("write", None)
    verdict, msg = reread_verdict(deactivate, {"users": [scim_resource(), scim_resource(scim_id="s-2")]})
    assert verdict == "failed" and "2 SCIM users" in msg


def test_classify_a_reread_leaves_out_the_items_to_write():
    deactivate = scim("deactivate", {"active": True}, {"active": False})
    read = Call("atlassian_scim_user_info", {"user_name": "jane@acme.example"}, (deactivate,), reread=True)
    assert classify(read, {"users": [scim_resource(active=True)]}) == ([], [], [], [])
    assert classify(read, {"users": [scim_resource(active=False)]}) == ([], [deactivate], [], [])
    assert classify(read, {"users": []}) == ([], [], [{"item": deactivate, "found": None}], [])
    assert classify(read, {"failed": True, "msg": "HTTP 401"})[3] == [
        {"item": deactivate, "msg": "not written: the re-read of the SCIM user failed: HTTP 401"}
    ]


def test_classify_a_scim_write():
    update = scim("update", {"title": "Dev"}, {"title": "Lead"})
    write = calls_for([update])[1]
    assert classify(write, {"changed": True, "changes": [change_of(update)]}) == ([update], [], [], [])
    assert classify(write, {"changed": False, "changes": []}) == ([], [update], [], [])
    assert classify(write, {"failed": True, "msg": "HTTP 400"}) == ([], [], [], [{"item": update, "msg": "HTTP 400"}])
