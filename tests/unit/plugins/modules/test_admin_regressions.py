# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Regressions: bugs found in the Admin API code while writing its unit tests (each test failed on the code before
its fix): the reported membership after a 409/404 answer, a resource that is not an object, validation before the
first request, one read a directory, and a removal answered 404."""

from __future__ import annotations

import pytest

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_group_info as group_info_module
from ansible_collections.accessops.atlassian.plugins.modules import atlassian_group_member as member_module
from ansible_collections.accessops.atlassian.plugins.modules import atlassian_user as user_module

from .admin_helpers import (  # pylint: disable=unused-import
    DIR,
    DIR_USERS_SEARCH,
    DIRECTORIES,
    DIRECTORY,
    GROUPS_SEARCH,
    ORG,
    OTHER_DIRECTORY,
    USERS_SEARCH,
    WORKSPACES,
    add,
    admin_env,
    aid,
    args,
    errors,
    gid,
    group,
    page,
    reread,
    run_module,
    user,
    writes,
)
from .harness import api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("admin_env")

USERS = "bitbucket-users-acme"


def _members(name):
    return ORG + "/directories/%s/groups/%s/memberships" % (DIRECTORY, gid(name))


def test_bug1_a_409_already_member_is_reported_as_member(api):
    """_admin.ensure.group_membership: after = before | done; a group the API answered 409 for (and a read again
    finds a member) is a member, yet it is reported member: false and left out of the diff's after."""
    add(api, "POST", USERS_SEARCH, page([user("newhire02", groups=[])]))
    add(api, "POST", GROUPS_SEARCH, page([group(USERS)]))
    add(api, "POST", _members(USERS), errors("ADMIN-UAM-409-2", 409, "already a member"), status=409)
    add(api, "POST", DIR_USERS_SEARCH, page([user("newhire02", groups=[USERS])]))
    result, failed = run_module(member_module, args(user="newhire02@acme.example", groups=[USERS]))
    assert not failed and result["unchanged_by_api"] == [USERS]
    assert calls(api)[-1] == ("POST", DIR_USERS_SEARCH, {}, reread("newhire02"))
    assert result["groups"][0]["member"] is True
    assert result["diff"]["after"] == {"groups": [USERS]}


def test_bug1_a_404_not_a_member_on_remove_is_reported_as_not_member(api):
    add(api, "POST", USERS_SEARCH, page([user("newhire02", groups=[USERS])]))
    add(api, "POST", GROUPS_SEARCH, page([group(USERS)]))
    add(api, "DELETE", _members(USERS) + "/" + aid("newhire02"), errors("ADMIN-UAM-404-1", 404, "not a member"), status=404)
    add(api, "POST", DIR_USERS_SEARCH, page([user("newhire02", groups=[])]))  # read again: in the directory, no member
    add(api, "GET", DIR + "/groups/" + gid(USERS), {"data": group(USERS)})  # and the group is there
    result, failed = run_module(member_module, args(user="newhire02@acme.example", groups=[USERS], state="absent"))
    assert not failed and result["unchanged_by_api"] == [USERS]
    assert result["groups"][0]["member"] is False
    assert result["diff"]["after"] == {"groups": []}


def test_bug2_a_workspace_list_holding_a_non_object_is_an_unexpected_answer(api):
    """_admin.AdminClient.workspaces: ``item.get("id")`` on a non-dict item raises AttributeError (a traceback)."""
    add(api, "POST", WORKSPACES, page(["junk"]))
    result, failed = run_module(group_info_module, args(names=["devs"]))
    assert failed and result["msg"].startswith("Unexpected answer from the API")


@pytest.mark.parametrize("options", [{"workspace": ".."}, {"workspace": "a/b"}, {"resource_id": "ari\n"}, {"resource_id": " "}])
def test_bug3_workspace_and_resource_id_are_checked_before_any_request(api, options):
    """_admin.info.group_info: resource_names() (POST O/workspaces) is sent before workspace / resource_id are
    validated."""
    add(api, "POST", WORKSPACES, page([]))  # not consumed once fixed: strict registry, see below
    api.assert_all_requests_are_fired = False
    result, failed = run_module(group_info_module, args(**options))
    assert failed and calls(api) == []


def test_bug4_invited_needs_an_email_even_when_the_account_exists(api):
    """_admin.ensure.account_state: the email check of state=invited runs only when the lookup found nobody, after a
    request; with an existing account the task succeeds. Same for groups: [""] with state=invited."""
    api.assert_all_requests_are_fired = False
    add(api, "POST", USERS_SEARCH, page([user("newhire02")]))
    result, failed = run_module(user_module, args(user=aid("newhire02"), state="invited"))
    assert failed and "state=invited needs user to be an email address" in result["msg"]
    assert calls(api) == []


def test_bug4_invited_groups_are_checked_before_any_request(api):
    api.assert_all_requests_are_fired = False
    add(api, "POST", USERS_SEARCH, page([]))
    result, failed = run_module(user_module, args(user="newhire02@acme.example", state="invited", groups=[""]))
    assert failed and "groups is empty" in result["msg"] and calls(api) == []


def test_bug5_each_directory_is_read_once(api):
    """AdminClient.user_directories reads the account in each directory, then _admin.ensure._directory_records reads
    it again in each (the module notes say one request a directory)."""
    add(api, "POST", USERS_SEARCH, page([user("newhire02")]))
    add(api, "GET", DIRECTORIES, page([{"directoryId": OTHER_DIRECTORY}, {"directoryId": DIRECTORY}]))
    add(api, "GET", ORG + "/directories/%s/users/%s" % (OTHER_DIRECTORY, aid("newhire02")), {"data": user("newhire02")})
    add(api, "GET", ORG + "/directories/%s/users/%s" % (DIRECTORY, aid("newhire02")), {"data": user("newhire02")})
    add(api, "POST", ORG + "/directories/%s/users/%s/suspend" % (OTHER_DIRECTORY, aid("newhire02")), status=204)
    add(api, "POST", ORG + "/directories/%s/users/%s/suspend" % (DIRECTORY, aid("newhire02")), status=204)
    result, failed = run_module(user_module, args(user="newhire02@acme.example", state="suspended"))
    assert not failed, result
    assert [c[0] for c in calls(api)] == ["POST", "GET", "GET", "GET", "POST", "POST"]
    assert result["directories"] == [OTHER_DIRECTORY, DIRECTORY]


def test_bug6_a_removal_answered_404_is_not_a_change(api):
    """_admin.ensure.account_state ignores the False of AdminClient.remove_user (404: the account was already gone)."""
    add(api, "POST", USERS_SEARCH, page([user("newhire02")]))
    add(api, "GET", DIRECTORIES, page([{"directoryId": DIRECTORY}]))
    add(
        api,
        "DELETE",
        ORG + "/directories/%s/users/%s" % (DIRECTORY, aid("newhire02")),
        errors("ADMIN-UAM-404-1", 404, "not in the directory"),
        status=404,
    )
    add(api, "POST", DIR_USERS_SEARCH, page([]))  # read again: the directory answers without the account
    result, failed = run_module(user_module, args(user="newhire02@acme.example", state="removed"))
    assert not failed
    assert result["changed"] is False and result["directories"] == []
    assert writes(api)  # the DELETE was sent
