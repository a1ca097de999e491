# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding role's bookkeeping with plain data (issue 21): what the shared reads ask for, the plan (records
before, the guard, groups left or kept), the loop items of each step (a failure stops only that person), the state
after (read or predicted), the residual access, the account action and the result fact."""

from __future__ import annotations

import copy

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_plan import offboarding_plan
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_record import offboarding_record
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_result import offboarding_result
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_todo import offboarding_todo
from ansible_collections.accessops.atlassian.plugins.plugin_utils._offboarding.plan import tag_selected

ARI = "ari:cloud:bitbucket::workspace/1"
WIKI = "ari:cloud:confluence::site/2"
A, B, C = "dev003@acme.example", "dev120@acme.example", "557058:ccc"
IDS = {A: "557058:aaa", B: "557058:bbb"}


def start(people, **options):
    state = {
        "workspace": "acme",
        "people": people,
        "check": False,
        "account_action": "none",
        "remove_groups": True,
        "groups": [],
        "allow_self": False,
        "use_admin_api": True,
        "use_scim": False,
        "run_tags": ["all"],
        "skip_tags": [],
        "started": "2026-01-01T12:00:00Z",
    }
    state.update(options)
    return state


def member(email, account_id, effective, explicit=None, role="member"):
    found = {"email": email, "account_id": account_id, "display_name": email.split("@")[0], "workspace_permission": role}
    found["repository_permissions"] = effective
    found["explicit_permissions"] = explicit if explicit is not None else {"projects": {}}
    return found


def user(email, account_id, groups, status="active"):
    return {
        "email": email,
        "account_id": account_id,
        "name": email.split("@")[0].title(),
        "status": status,
        "groups": [{"id": g, "name": g} for g in groups],
        "role_assignments": [{"resource_id": ARI, "granted_by": [{"type": "group", "id": groups[0]}] if groups else []}],
    }


GROUPS = [
    {
        "id": "users",
        "name": "users",
        "read_only_reason": None,
        "role_assignments": [{"resource_id": ARI, "resource_name": "acme"}],
    },
    {"id": "okta", "name": "okta", "read_only_reason": "synced", "role_assignments": [{"resource_id": ARI}]},
    {
        "id": "eng",
        "name": "eng",
        "read_only_reason": None,
        "role_assignments": [{"resource_id": ARI, "resource_name": "acme"}, {"resource_id": WIKI, "resource_name": "wiki"}],
    },
    {
        "id": "wiki",
        "name": "wiki",
        "read_only_reason": "synced",
        "role_assignments": [{"resource_id": WIKI, "resource_name": "wiki"}],
    },
]


def reads(**extra):
    found = {
        "workspace_groups": {
            "resource_id": ARI,
            "groups": [{"id": "users", "name": "users"}, {"id": "okta", "name": "okta"}, {"id": "eng", "name": "eng"}],
            "api_calls": {"total": 2},
        },
        "users": {
            "users": [user(A, "557058:aaa", ["users", "wiki"]), user(B, "557058:bbb", ["users", "okta", "eng"])],
            "api_calls": {"total": 1},
        },
        "members": {
            "members": [
                member(
                    A,
                    "557058:aaa",
                    {"infra-core": "admin", "web": "read"},
                    {"repositories": {"infra-core": "admin", "web": "none"}, "projects": {"INFRA": "read"}},
                ),
                member(B, "557058:bbb", {"platform-core": "write"}, {"repositories": {}, "projects": {}}),
            ],
            "current_user": {"account_id": "557058:admin"},
            "api_calls": {"total": 5},
        },
        "groups": {"groups": GROUPS, "api_calls": {"total": 1}},
    }
    found.update(extra)
    return found


def looped(**by_input):
    """A looped task's registered result: one entry per person (input -> the module's result)."""
    return {
        "results": [
            dict(res, offboarding__item={"input": key, "account_id": IDS.get(key)}, ansible_loop_var="offboarding__item")
            for key, res in by_input.items()
        ]
    }


def removal(account_id, removed, held, failed=False, calls=2, key="repository"):
    return {
        "changed": bool(removed),
        "failed": failed,
        "msg": "1 target failed: HTTP 500" if failed else "",
        "targets": [{key: t, "removed": [account_id] if t in removed else []} for t in held],
        "permissions": {
            "before": {t: {account_id: level} for t, level in held.items()},
            "after": {t: ({} if t in removed else {account_id: held[t]}) for t in held},
        },
        "api_calls": {"total": calls},
    }


def test_the_shared_reads_ask_for_what_the_earlier_ones_found():
    state = start([A, C, "{uuid-1}"])
    first = offboarding_todo(state, "collect", {})
    assert first["emails"] == [A] and first["account_ids"] == [C] and first["explicit_kinds"] == ["repositories", "projects"]
    assert first["member_emails"] == [A] and first["need_whoami"] and not first["need_admins"]
    named = {"users": {"users": [user("Carl@acme.example", C, ["users"])]}}
    second = offboarding_todo(state, "collect", named)
    assert second["member_emails"] == [A, "carl@acme.example"] and second["ids_unnamed"] == ["{uuid-1}"]
    assert second["group_ids"] == ["users"]
    admins = {"members": {"members": [member(A, "557058:aaa", {}, role="owner")], "current_user": {"account_id": "x"}}}
    third = offboarding_todo(start([A], allow_self=True), "collect", admins)
    assert third["need_admins"] and not third["need_whoami"] and third["explicit_kinds"] == ["projects"]


def test_the_plan_records_each_person_before_and_the_groups_left_or_kept():
    state = offboarding_plan(start([A, B], groups=[]), reads())
    first, second = state["entries"]
    assert first["failed"] is None and first["record"]["account_id"] == "557058:aaa"
    before = first["record"]["before"]
    assert before["explicit_repositories"] == {"infra-core": "admin"} and before["explicit_projects"] == {"INFRA": "read"}
    assert before["granting_groups"] == ["users"] and before["in_workspace"] and before["organization_status"] == "active"
    assert [g["name"] for g in before["groups"]] == ["users", "wiki"] and before["groups"][1]["other_products"] == ["wiki"]
    assert [g["id"] for g in first["plan"]["remove"]] == ["users"] and first["plan"]["kept"] == []
    kept = {g["name"]: g["reason"] for g in second["plan"]["kept"]}
    assert kept == {
        "okta": "read-only for this key (synced)",
        "eng": "kept: also grants wiki; name it in offboarding_groups to remove it",
    }
    assert state["run_calls"] == {"collect": 9, "tokens": 0, "verify": 0}
    named = offboarding_plan(start([B], groups=["ENG"]), reads())["entries"][0]
    assert [g["id"] for g in named["plan"]["remove"]] == ["users", "eng"]
    none = offboarding_plan(start([B], remove_groups=False), reads())["entries"][0]
    assert none["plan"]["remove"] == [] and {g["reason"] for g in none["plan"]["kept"]} >= {"offboarding_remove_groups is false"}


def test_the_plan_refuses_the_caller_the_unknown_and_everyone_after_a_failed_read():
    caller = reads()
    caller["members"] = dict(caller["members"], current_user={"account_id": "557058:bbb"})
    entries = offboarding_plan(start([A, B, "nobody@acme.example"]), caller)["entries"]
    assert entries[0]["failed"] is None
    assert entries[1]["failed"]["msg"].startswith(B + ": refused: this is the account of the Bitbucket credentials")
    assert "Refuse to lock" in entries[1]["failed"]["step"]
    assert "nobody@acme.example is not a member of workspace acme and has no account" in entries[2]["failed"]["msg"]
    failed = offboarding_plan(start([A, B]), dict(reads(), error="HTTP 429"))["entries"]
    assert all("(shared by everyone) failed, nothing was changed: HTTP 429" in e["failed"]["msg"] for e in failed)
    assert failed[0]["record"]["before"] == {}
    for no_error in ("", "None", None):  # a null in the role's vars dict: "" on ansible-core 2.16, None later
        assert all(e["failed"] is None for e in offboarding_plan(start([A]), dict(reads(), error=no_error))["entries"])
    with pytest.raises(AnsibleFilterError):
        offboarding_plan({}, {})
    with pytest.raises(AnsibleFilterError):
        offboarding_todo(start([A]), "repositories")


def test_one_person_removes_every_reached_repository_and_takes_the_levels_from_the_removal():
    one = reads()  # one person: the repository lists are not read (include_explicit: [projects])
    one["members"]["members"][0]["explicit_permissions"] = {"projects": {"INFRA": "read"}}
    state = offboarding_plan(start([A]), one)
    items = offboarding_todo(state, "repositories")
    assert items == [{"input": A, "account_id": "557058:aaa", "email": A, "repositories": ["infra-core", "web"]}]
    done = {"repositories": looped(**{A: removal("557058:aaa", ["infra-core"], {"infra-core": "admin"})})}
    assert offboarding_todo(state, "projects", done)[0]["projects"] == ["INFRA"]
    result = offboarding_result(state, done)
    person = result["people"][0]
    assert person["before"]["explicit_repositories"] == {"infra-core": "admin"}
    assert person["actions"]["repositories_removed"] == ["infra-core"] and person["api_calls"]["permissions"] == 2


def test_a_failure_stops_only_that_person_and_keeps_what_was_removed_before():
    state = offboarding_plan(start([A, B]), reads())
    assert [i["input"] for i in offboarding_todo(state, "repositories")] == [A]  # B has no explicit permission
    held = {"infra-core": "admin"}
    done = {"repositories": looped(**{A: removal("557058:aaa", ["infra-core"], dict(held, web="read"), failed=True)})}
    assert offboarding_todo(state, "projects", done) == []  # A stopped; B has no explicit project permission
    assert [i["input"] for i in offboarding_todo(state, "groups", done)] == [B]
    verify = offboarding_todo(state, "verify", done)
    assert verify == {"people": 1, "emails": [B], "ids": [], "account_ids": ["557058:bbb"]}
    result = offboarding_result(state, done)
    first = result["people"][0]
    assert first["status"] == "failed" and first["failed_step"] == "Remove the explicit repository permissions"
    assert first["actions"]["repositories_removed"] == ["infra-core"] and first["error"].endswith("HTTP 500")
    assert first["after"] == {} and result["incomplete"] == [A] and result["people"][1]["complete"]


def test_verify_reads_the_state_after_and_explains_the_residual_access():
    state = offboarding_plan(start([A, B]), reads())
    done = {
        "repositories": looped(**{A: removal("557058:aaa", ["infra-core"], {"infra-core": "admin"})}),
        "projects": looped(**{A: removal("557058:aaa", ["INFRA"], {"INFRA": "read"}, key="project")}),
        "groups": looped(
            **{
                A: {"changed": True, "removed": ["users"], "user": {"account_id": "557058:aaa"}, "api_calls": {"total": 3}},
                B: {"changed": True, "removed": ["users"], "user": {"account_id": "557058:bbb"}, "api_calls": {"total": 3}},
            }
        ),
        "members_after": {"members": [member(B, "557058:bbb", {"platform-core": "write"})], "api_calls": {"total": 2}},
        "users_after": {
            "users": [user(A, "557058:aaa", ["wiki"]), user(B, "557058:bbb", ["okta", "eng"])],
            "api_calls": {"total": 1},
        },
    }
    result = offboarding_result(state, done, finished="2026-01-01T12:00:09Z", reports={"json": "/r.json", "markdown": "/r.md"})
    first, second = result["people"]
    assert first["status"] == "offboarded" and first["after"]["in_workspace"] is False
    assert first["after"]["explicit_repositories"] == {} and first["after"]["explicit_projects"] == {}
    assert [r["kind"] for r in first["residual"]] == ["other_products"]
    assert second["status"] == "residual_access" and second["actions"]["groups_kept"] == ["okta", "eng"]
    kinds = [r["kind"] for r in second["residual"]]
    assert kinds == ["group", "group", "workspace_membership", "effective_permissions"]
    assert second["residual"][2]["reason"] == "still a member through okta, eng"
    assert result["offboarded"] == [A] and result["residual_access"] == [B] and result["changed"] is True
    assert result["api_calls"] == {
        "collect": 9,
        "permissions": 4,
        "groups": 6,
        "tokens": 0,
        "verify": 3,
        "account": 0,
        "total": 22,
    }
    assert result["workspace_groups"] == ["users", "okta", "eng"] and result["reports"]["json"] == "/r.json"
    failed = offboarding_result(state, dict(done, verify_error="HTTP 503"))
    assert [p["status"] for p in failed["people"]] == ["failed", "failed"]
    assert failed["people"][0]["error"].startswith("The read of step 4 (shared by everyone) failed")


def test_replaying_the_steps_leaves_the_planned_state_as_it_was():
    """Each task replays the registered results on a working copy (only the records and plans are shared): the state
    the role keeps is the same after any number of replays, and a second replay answers like the first."""
    state = offboarding_plan(start([A, B]), reads())
    planned = copy.deepcopy(state)
    done = {
        "repositories": looped(**{A: removal("557058:aaa", ["infra-core"], {"infra-core": "admin"})}),
        "groups": looped(**{A: {"changed": True, "removed": ["users"], "user": {"account_id": "557058:aaa"}}}),
        "members_after": {"members": [member(B, "557058:bbb", {"platform-core": "write"})], "api_calls": {"total": 2}},
        "users_after": {"users": [user(A, "557058:aaa", ["wiki"]), user(B, "557058:bbb", ["okta"])]},
    }
    first = offboarding_result(state, done, finished="2026-01-01T12:00:09Z")
    assert offboarding_todo(state, "verify", done)["people"] == 2
    assert state == planned
    assert offboarding_result(state, done, finished="2026-01-01T12:00:09Z") == first
    assert first["people"][0]["actions"]["repositories_removed"] == ["infra-core"]
    assert state["entries"][0]["actions"]["repositories_removed"] == []


def test_check_mode_predicts_the_state_after_from_the_actions():
    state = offboarding_plan(start([A, B], check=True), reads())
    done = {
        "groups": looped(
            **{
                A: {"changed": True, "removed": ["users"], "user": {"account_id": "557058:aaa"}},
                B: {"changed": True, "removed": ["users"], "user": {"account_id": "557058:bbb"}},
            }
        )
    }
    first, second = offboarding_result(state, done)["people"]
    assert first["after"]["predicted"] is True and first["after"]["in_workspace"] is False and first["after"]["effective"] == {}
    assert first["predicted"] is True and first["after"]["explicit_repositories"] == {"infra-core": "admin"}
    assert second["after"]["in_workspace"] is True and second["after"]["granting_groups"] == ["okta", "eng"]
    skipped = offboarding_result(offboarding_plan(start([A], check=True, skip_tags=["offboarding_verify"]), reads()))
    assert skipped["people"][0]["status"] == "not_verified" and skipped["people"][0]["after"] == {}


def test_the_account_action_per_person():
    state = offboarding_plan(start([A, B], account_action="suspend", confirm=True), reads())
    assert [i["input"] for i in offboarding_todo(state, "suspend", {})] == [A, B]
    done = {
        "suspend": looped(
            **{A: {"changed": True, "directories": ["dir-1"], "api_calls": {"total": 2}}, B: {"failed": True, "msg": "HTTP 403"}}
        )
    }
    first, second = offboarding_result(state, done)["people"]
    assert first["actions"]["account"] == {"action": "suspend", "done": True, "changed": True, "detail": "suspended in dir-1"}
    assert second["status"] == "failed" and second["failed_step"] == "Suspend the account in the organization's directory"
    scim = offboarding_plan(start([A, B], account_action="scim_deactivate", use_scim=True), reads())
    assert [i["input"] for i in offboarding_todo(scim, "scim_info", {})] == [A, B]
    info = {"scim_info": looped(**{A: {"total": 1, "api_calls": {"total": 1}}, B: {"total": 0}})}
    assert offboarding_todo(scim, "scim", info) == [{"input": A, "account_id": "557058:aaa", "email": A, "delete": False}]
    done = dict(info, scim=looped(**{A: {"changed": True, "api_calls": {"total": 1}}}))
    first, second = offboarding_result(scim, done)["people"]
    assert first["actions"]["account"]["detail"] == "SCIM user deactivated" and first["api_calls"]["account"] == 2
    assert "the SCIM directory has no user %s" % B in second["error"]


def test_tags_select_the_steps():
    assert tag_selected("offboarding_verify", ["all"], [])
    assert not tag_selected("offboarding_verify", ["all"], ["offboarding_verify"])
    assert not tag_selected("offboarding_verify", ["offboarding_collect"], [])
    assert tag_selected("offboarding_groups", ["offboarding_groups"], [])


def test_a_recorded_result_is_slimmed_and_replayed_like_a_registered_one():
    state = offboarding_plan(start([A]), reads())
    big = removal("557058:aaa", ["infra-core"], {"infra-core": "admin", "web": "read"}, failed=True)
    big["permissions"]["before"]["web"]["557058:other"] = "write"  # another user's level: not kept
    big["targets"][0]["diff"] = {"before": "x" * 1000}
    done = {"repositories": looped(**{A: big})}
    kept = offboarding_record(state, done)
    slim = kept["done"]["repositories"]["results"][0]
    assert "diff" not in slim["targets"][0] and slim["permissions"]["before"]["web"] == {"557058:aaa": "read"}
    assert offboarding_result(kept) == offboarding_result(state, done)
    assert offboarding_todo(kept, "groups") == offboarding_todo(state, "groups", done) == []
    with pytest.raises(AnsibleFilterError):
        offboarding_record({}, done)
