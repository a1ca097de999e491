# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_group_member: add and remove memberships, idempotence, check mode, refusals before any write, and the
API's answers to a write (409 already a member, 409 licence limit, 404 on remove)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_group_member as module

from .admin_helpers import (  # pylint: disable=unused-import
    ACME_ARI,
    ORG_ID,
    DIR,
    DIR_USERS_SEARCH,
    DIRECTORY,
    WIKI_ARI,
    WORKSPACES,
    GROUPS_SEARCH,
    ORG,
    OTHER_DIRECTORY,
    USERS_SEARCH,
    add,
    admin_env,
    aid,
    args,
    email,
    errors,
    gid,
    group,
    group_search,
    group_role,
    page,
    reread,
    run_module,
    user,
    user_search,
    workspace,
    writes,
)
from .harness import api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("admin_env")

USERS = "bitbucket-users-acme"
ADMINS = "bitbucket-admins-acme"
SYNCED = "okta-engineering"


def _members(name, directory=DIRECTORY):
    return ORG + "/directories/%s/groups/%s/memberships" % (directory, gid(name))


def _task(**kwargs):
    options = {"user": "NewHire02@acme.example", "groups": [USERS]}
    options.update(kwargs)
    return args(**options)


def _read(api, member_of=(), groups=(USERS,), **group_options):
    add(api, "POST", USERS_SEARCH, page([user("newhire02", groups=list(member_of))]))
    add(api, "POST", GROUPS_SEARCH, page([group(name, **group_options) for name in groups]))


READS = [("POST", USERS_SEARCH, {}, user_search(email("newhire02"))), ("POST", GROUPS_SEARCH, {}, group_search(names=[USERS]))]


def _change(name, action="add"):
    """The change item of one membership of newhire02 (docs/plans.md)."""
    return {
        "api": "admin",
        "kind": "group_membership",
        "action": action,
        "target": {"org": ORG_ID, "group_id": gid(name), "group_name": name},
        "subject": {"type": "user", "account_id": aid("newhire02")},
        "before": action == "remove",
        "after": action == "add",
    }


def _diff(before, after):
    header = "newhire02@acme.example (managed groups)"
    return {"before": {"groups": before}, "after": {"groups": after}, "before_header": header, "after_header": header}


def test_present_adds_the_membership_in_the_group_directory(api):
    _read(api)
    add(api, "POST", _members(USERS), status=204)
    result, failed = run_module(module, _task(), diff=True)
    assert not failed, result
    assert calls(api) == READS + [("POST", DIR + "/groups/%s/memberships" % gid(USERS), {}, {"accountId": aid("newhire02")})]
    assert result["changed"] is True and result["added"] == [USERS] and result["removed"] == []
    assert result["groups"] == [{"id": gid(USERS), "name": USERS, "directory_id": DIRECTORY, "member": True}]
    assert result["user"]["account_id"] == aid("newhire02") and "groups" not in result["user"]
    assert result["diff"] == _diff([], [USERS])
    assert "unchanged_by_api" not in result
    assert result["api_calls"] == {"total": 3, "POST": 3}
    assert result["changes"] == [_change(USERS)]


def test_second_run_writes_nothing(api):
    _read(api, member_of=[USERS])
    result, failed = run_module(module, _task())
    assert not failed
    assert calls(api) == READS and writes(api) == []
    assert result["changed"] is False and result["added"] == []
    assert result["groups"][0]["member"] is True and result["diff"] == _diff([USERS], [USERS])
    assert result["changes"] == []


def test_check_mode_reads_the_same_and_reports_the_same_without_writing(api):
    _read(api)
    checked, failed = run_module(module, _task(), check_mode=True, diff=True)
    assert not failed and calls(api) == READS
    _read(api)
    add(api, "POST", _members(USERS), status=204)
    applied, failed = run_module(module, _task(), diff=True)
    assert not failed
    for key in ("changed", "added", "removed", "groups", "diff", "user", "changes"):
        assert checked[key] == applied[key], key
    assert checked["changes"] == [_change(USERS)]
    assert checked["api_calls"] == {"total": 2, "POST": 2}


def test_absent_removes_only_the_groups_it_is_a_member_of(api):
    add(api, "POST", USERS_SEARCH, page([user("newhire02", groups=[USERS, "other"])]))
    add(api, "POST", GROUPS_SEARCH, page([group(USERS), group(ADMINS)]))
    add(api, "DELETE", _members(USERS) + "/" + aid("newhire02"), status=204)
    result, failed = run_module(module, _task(groups=[USERS, ADMINS], state="absent"))
    assert not failed, result
    assert writes(api) == [("DELETE", DIR + "/groups/%s/memberships/%s" % (gid(USERS), aid("newhire02")), {}, None)]
    assert result["changed"] is True and result["removed"] == [USERS] and result["added"] == []
    assert [(g["name"], g["member"]) for g in result["groups"]] == [(USERS, False), (ADMINS, False)]
    assert result["diff"]["before"] == {"groups": [USERS]} and result["diff"]["after"] == {"groups": []}
    assert result["changes"] == [_change(USERS, "remove")]


def test_absent_when_not_a_member_writes_nothing(api):
    _read(api, member_of=["other"])
    result, failed = run_module(module, _task(state="absent"))
    assert not failed and writes(api) == [] and result["changed"] is False


def test_groups_by_id_match_the_ari_ids_of_the_user_groups(api):
    member = user("newhire02")
    member["groups"] = [{"id": "ari:cloud:identity::group/" + gid(USERS), "name": USERS}]
    add(api, "POST", USERS_SEARCH, page([member]))
    add(api, "POST", GROUPS_SEARCH, page([group(USERS)]))
    result, failed = run_module(module, args(user=aid("newhire02"), groups=[gid(USERS).upper()]))
    assert not failed
    assert calls(api) == [
        ("POST", USERS_SEARCH, {}, {"expand": ["groups"], "accountIds": [aid("newhire02")], "limit": 100}),
        ("POST", GROUPS_SEARCH, {}, group_search(ids=[gid(USERS)])),
    ]
    assert result["changed"] is False and result["groups"][0]["member"] is True


def test_only_the_missing_membership_is_written(api):
    add(api, "POST", USERS_SEARCH, page([user("newhire02", groups=[ADMINS])]))
    add(api, "POST", GROUPS_SEARCH, page([group(USERS), group(ADMINS, directory=OTHER_DIRECTORY)]))
    add(api, "POST", _members(USERS), status=204)
    result, failed = run_module(module, _task(groups=[ADMINS, USERS]))
    assert not failed
    assert [c[1] for c in writes(api)] == [_members(USERS)]
    assert result["added"] == [USERS] and [g["member"] for g in result["groups"]] == [True, True]


@pytest.mark.parametrize(
    "options, reason",
    [
        ({"synced": True}, "it is synced from an identity provider: change its members there"),
        ({"modifiable": False}, "it is not modifiable with this API key (managementAccess.modifiable is false)"),
        ({"managedBy": "external"}, "it is synced from an identity provider"),
    ],
)
def test_a_group_the_key_cannot_change_is_refused_with_zero_writes(api, options, reason):
    _read(api, groups=(SYNCED,), **options)
    result, failed = run_module(module, _task(groups=[SYNCED]))
    assert failed
    assert result["msg"].startswith("Cannot add newhire02@acme.example to the group 'okta-engineering': " + reason)
    assert result["msg"].endswith("Nothing was changed")
    assert writes(api) == [] and len(calls(api)) == 2


def test_a_synced_group_is_refused_even_when_another_group_could_be_changed(api):
    add(api, "POST", USERS_SEARCH, page([user("newhire02", groups=[USERS, SYNCED])]))
    add(api, "POST", GROUPS_SEARCH, page([group(USERS), group(SYNCED, synced=True)]))
    result, failed = run_module(module, _task(groups=[USERS, SYNCED], state="absent"))
    assert failed and result["msg"].startswith("Cannot remove newhire02@acme.example from the group 'okta-engineering'")
    assert writes(api) == []


def test_a_synced_group_that_needs_no_change_is_fine(api):
    _read(api, member_of=[SYNCED], groups=(SYNCED,), synced=True)
    result, failed = run_module(module, _task(groups=[SYNCED]))
    assert not failed and result["changed"] is False and writes(api) == []


def test_a_group_that_does_not_exist_is_refused_with_zero_writes(api):
    add(api, "POST", USERS_SEARCH, page([user("newhire02")]))
    add(api, "POST", GROUPS_SEARCH, page([group(USERS)]))
    result, failed = run_module(module, _task(groups=[USERS, "Ghosts"]))
    assert failed
    assert result["msg"] == (
        "groups: no group 'Ghosts' in the organization's directory (or the key cannot see it); nothing was changed"
    )
    assert writes(api) == []


def test_a_user_not_in_the_directory_is_refused_after_one_search(api):
    add(api, "POST", USERS_SEARCH, page([]))
    result, failed = run_module(module, _task())
    assert failed
    assert result["msg"].startswith("user 'NewHire02@acme.example' has no account in the organization's directory")
    assert "state=invited" in result["msg"]
    assert len(calls(api)) == 1


def test_a_search_answering_another_user_is_refused_before_any_write(api):
    add(api, "POST", USERS_SEARCH, page([user("mallory")]))
    result, failed = run_module(module, _task())
    assert failed and result["msg"].startswith("Unexpected answer from the API")
    assert len(calls(api)) == 1


def test_two_accounts_for_one_email_are_refused(api):
    add(api, "POST", USERS_SEARCH, page([user("newhire02"), user("newhire02", accountId="712020:other")]))
    result, failed = run_module(module, _task())
    assert failed and "the directory answered 2 accounts" in result["msg"]
    assert writes(api) == []


def test_409_read_again_as_a_member_is_not_a_change(api):
    """The spec's 409 has two reasons: a read of the membership tells them apart (here: already a member)."""
    _read(api)
    add(api, "POST", _members(USERS), errors("ADMIN-UAM-409-2", 409, "User is already a member of the group"), status=409)
    add(api, "POST", DIR_USERS_SEARCH, page([user("newhire02", groups=[USERS])]))
    result, failed = run_module(module, _task())
    assert not failed, result
    assert result["changed"] is False and result["added"] == []
    assert result["unchanged_by_api"] == [USERS] and result["groups"][0]["member"] is True
    assert result["changes"] == []  # the API's "already a member" is no change of this run
    assert calls(api)[2:] == [
        ("POST", _members(USERS), {}, {"accountId": aid("newhire02")}),
        ("POST", DIR_USERS_SEARCH, {}, reread("newhire02")),
    ]
    assert result["api_calls"] == {"total": 4, "POST": 4}


def _seats(api, usage=300):
    add(
        api,
        "GET",
        ORG + "/directories/-/groups/%s/role-assignments" % gid(USERS),
        page([group_role(ACME_ARI, "atlassian/user"), group_role(WIKI_ARI, "atlassian/user", owner="confluence")]),
    )
    full = workspace("acme", ACME_ARI)
    full["attributes"].update(usage=usage, capacity=300)
    add(api, "POST", WORKSPACES, page([full, workspace("acme-wiki", WIKI_ARI, "confluence")]))


def test_409_read_again_as_no_member_names_the_product_out_of_seats(api):
    _read(api)
    detail = "The product bitbucket (resource acme) has reached its user limit of 300"
    add(api, "POST", _members(USERS), errors("ADMIN-UAM-409-3", 409, detail, "Product License Limit Exceeded"), status=409)
    add(api, "POST", DIR_USERS_SEARCH, page([user("newhire02", groups=[])]))
    _seats(api)
    result, failed = run_module(module, _task())
    assert failed
    assert result["msg"] == (
        "Cannot add %s to the group %s: out of seats: bitbucket acme (300 of 300 seats used) (HTTP 409: ADMIN-UAM-409-3: "
        "%s). Free a seat or raise the user limit in admin.atlassian.com, then run again" % (aid("newhire02"), USERS, detail)
    )
    assert result["status"] == 409 and result["api_message"] == "ADMIN-UAM-409-3: " + detail
    assert [c[1] for c in calls(api)[2:]] == [
        _members(USERS),
        DIR_USERS_SEARCH,
        ORG + "/directories/-/groups/%s/role-assignments" % gid(USERS),
        WORKSPACES,
    ]
    assert result["api_calls"] == {"total": 6, "POST": 5, "GET": 1}


def test_409_without_a_full_product_names_those_the_group_grants(api):
    _read(api)
    add(api, "POST", _members(USERS), errors("ADMIN-UAM-409-1", 409, "Conflict"), status=409)
    add(api, "POST", DIR_USERS_SEARCH, page([user("newhire02", groups=[])]))
    _seats(api, usage=12)
    result, failed = run_module(module, _task())
    assert failed and result["status"] == 409
    assert result["msg"].startswith(
        "Cannot add %s to the group %s: out of seats: one of bitbucket acme, confluence "
        "acme-wiki (HTTP 409: ADMIN-UAM-409-1: Conflict)" % (aid("newhire02"), USERS)
    )


def test_a_failure_after_a_write_fails_the_task_and_reports_the_change(api):
    _read(api, groups=(USERS, ADMINS))
    add(api, "POST", _members(USERS), status=204)
    add(api, "POST", _members(ADMINS), errors("ADMIN-UAM-400-1", 400, "Bad Request"), status=400)
    result, failed = run_module(module, _task(groups=[USERS, ADMINS]))
    assert failed and result["changed"] is True and result["added"] == [USERS]
    assert result["status"] == 400 and "ADMIN-UAM-400-1: Bad Request" in result["msg"]
    assert result["msg"].endswith("Changed before the failure: %s; run the task again to finish" % USERS)
    assert result["changes"] == [_change(USERS)]  # what was applied, not the failed one
    assert [w[1] for w in writes(api)] == [_members(USERS), _members(ADMINS)]


def test_a_failure_of_the_first_write_changes_nothing(api):
    _read(api, groups=(USERS, ADMINS))
    add(api, "POST", _members(USERS), errors("ADMIN-UAM-400-1", 400, "Bad Request"), status=400)
    result, failed = run_module(module, _task(groups=[USERS, ADMINS]))
    assert failed and result["changed"] is False and [w[1] for w in writes(api)] == [_members(USERS)]


def test_404_on_remove_confirmed_by_a_read_is_not_a_change(api):
    """The spec's 404 ("the organization, directory, group, or user") is "nothing to remove" only when a read finds
    the account in the group's directory, not a member, and the group there."""
    _read(api, member_of=[USERS])
    add(
        api,
        "DELETE",
        _members(USERS) + "/" + aid("newhire02"),
        errors("ADMIN-UAM-404-1", 404, "One or more user not found in the directory"),
        status=404,
    )
    add(api, "POST", DIR_USERS_SEARCH, page([user("newhire02", groups=[])]))
    add(api, "GET", DIR + "/groups/" + gid(USERS), {"data": group(USERS)})
    result, failed = run_module(module, _task(state="absent"))
    assert not failed, result
    assert result["changed"] is False and result["removed"] == [] and result["unchanged_by_api"] == [USERS]
    assert calls(api)[3:] == [
        ("POST", DIR_USERS_SEARCH, {}, reread("newhire02")),
        ("GET", DIR + "/groups/" + gid(USERS), {}, None),
    ]


def test_404_group_gone_on_remove_fails(api):
    _read(api, member_of=[USERS])
    add(api, "DELETE", _members(USERS) + "/" + aid("newhire02"), errors("ADMIN-UAM-404-3", 404, "Group Not Found"), status=404)
    add(api, "POST", DIR_USERS_SEARCH, page([user("newhire02", groups=[])]))
    add(api, "GET", DIR + "/groups/" + gid(USERS), errors("ADMIN-UAM-404-3", 404, "Group Not Found"), status=404)
    result, failed = run_module(module, _task(state="absent"))
    assert failed and result["status"] == 404 and "ADMIN-UAM-404-3: Group Not Found" in result["msg"]
    assert result["msg"].endswith("; the group '%s' no longer exists in the directory %s" % (USERS, DIRECTORY))


def test_404_account_gone_on_remove_fails(api):
    _read(api, member_of=[USERS])
    add(api, "DELETE", _members(USERS) + "/" + aid("newhire02"), errors("ADMIN-UAM-404-1", 404, "not found"), status=404)
    add(api, "POST", DIR_USERS_SEARCH, page([]))
    result, failed = run_module(module, _task(state="absent"))
    assert failed and result["status"] == 404 and result["changed"] is False
    assert result["msg"].endswith("; the account is not in the directory %s of the group" % DIRECTORY)


def test_a_write_is_refused_when_the_group_directory_is_unknown(api):
    _read(api, directory=None)
    result, failed = run_module(module, _task())
    assert failed
    assert "the group 'bitbucket-users-acme' was answered without its directoryId" in result["msg"]
    assert writes(api) == []


def test_a_configured_directory_is_searched_and_written(api):
    add(api, "POST", DIR + "/users/search", page([user("newhire02")]))
    add(api, "POST", DIR + "/groups/search", page([group(USERS, directory=None)]))
    add(api, "POST", _members(USERS), status=204)
    result, failed = run_module(module, _task(admin_directory_id=DIRECTORY))
    assert not failed and result["changed"] is True
    assert [c[1] for c in calls(api)] == [DIR + "/users/search", DIR + "/groups/search", _members(USERS)]


def test_a_hostile_directory_id_of_a_group_is_not_written_to(api):
    _read(api, directory="../../v1")
    result, failed = run_module(module, _task())
    assert failed and "is not a safe URL path segment" in result["msg"]
    assert writes(api) == []


@pytest.mark.parametrize(
    "options, message",
    [
        ({"groups": []}, "groups must name at least one group"),
        ({"groups": [""]}, "groups is empty"),
        ({"groups": ["a" * 300]}, "groups is 300 characters long"),
        ({"user": "  "}, "user is empty"),
        ({"user": "newhire02@"}, "user 'newhire02@' is not an email address or an Atlassian account ID"),
        ({"user": "557058:a/b"}, "is not an email address or an Atlassian account ID"),
        ({"state": "gone"}, "value of state must be one of: present, absent"),
    ],
)
def test_bad_options_fail_before_any_request(api, options, message):
    result, failed = run_module(module, _task(**options))
    assert failed and message in result["msg"], result["msg"]
    assert calls(api) == []


def test_the_changes_are_appended_to_the_plan_journal(api, tmp_path, monkeypatch):
    """The module shell writes plan_journal (here from ACCESSOPS_PLAN_JOURNAL): one line per change, check mode said."""
    journal = tmp_path / "journal.jsonl"
    monkeypatch.setenv("ACCESSOPS_PLAN_JOURNAL", str(journal))
    _read(api)
    checked, failed = run_module(module, _task(), check_mode=True)
    assert not failed
    _read(api)
    add(api, "POST", _members(USERS), status=204)
    applied, failed = run_module(module, _task())
    assert not failed
    _read(api, member_of=[USERS])
    again, failed = run_module(module, _task())
    assert not failed and again["changes"] == []
    found = [json.loads(line) for line in journal.read_text().splitlines()]
    assert found == [
        {"item": _change(USERS), "check_mode": True, "module": "atlassian_group_member"},
        {"item": _change(USERS), "check_mode": False, "module": "atlassian_group_member"},
    ]
    assert oct(journal.stat().st_mode & 0o777) == "0o600" and checked["changes"] == applied["changes"]


def test_a_plan_journal_that_cannot_be_written_fails_before_any_request(api, tmp_path):
    result, failed = run_module(module, _task(plan_journal=str(tmp_path / "missing" / "journal")))
    assert failed and result["msg"].startswith("plan_journal: cannot write") and calls(api) == []
