# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_group_member (issue 19): the caller's own admin group is not removed without allow_self_removal (check
mode predicts the refusal); the last group giving admin on a workspace is not emptied; a membership write whose
answer was lost, retried and answered "already so", is reported as made by this run; a 503 on an addition is
retried."""

from __future__ import annotations

import pytest
import requests
from urllib3.exceptions import ProtocolError

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_group_member as module

from .admin_helpers import (  # pylint: disable=unused-import
    ACME_ARI,
    ADMIN_URL,
    DIR,
    DIR_USERS_SEARCH,
    GROUPS_SEARCH,
    ORG,
    USERS_SEARCH,
    add,
    admin_env,
    aid,
    args,
    email,
    errors,
    gid,
    group,
    group_role,
    page,
    run_module,
    user,
    writes,
)
from .harness import api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("admin_env")

USERS = "bitbucket-users-acme"
ADMINS = "bitbucket-admins-acme"


def _members(name):
    return DIR + "/groups/%s/memberships" % gid(name)


def _roles(api, name, *assignments):
    add(api, "GET", ORG + "/directories/-/groups/%s/role-assignments" % gid(name), page(list(assignments)))


def _read(api, who, member_of, groups, users=3):
    add(api, "POST", USERS_SEARCH, page([user(who, groups=list(member_of))]))
    add(api, "POST", GROUPS_SEARCH, page([group(name, users=users) for name in groups]))


def _aborted():
    return requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_caller_is_not_removed_from_its_admin_group(api, monkeypatch, check_mode, how):
    _read(api, "admin", [USERS, ADMINS], [ADMINS])
    _roles(api, ADMINS, group_role(ACME_ARI, "atlassian/admin"))
    options = {"user": email("admin"), "groups": [ADMINS], "state": "absent"}
    if how == "option":
        options["protect_account"] = "Admin@acme.example"
    else:
        monkeypatch.setenv("BITBUCKET_USERNAME", email("admin"))
    result, failed = run_module(module, args(**options), check_mode=check_mode)
    assert failed and writes(api) == [], result
    assert "allow_self_removal" in result["msg"] and ADMINS in result["msg"] and "admin@acme.example" in result["msg"]
    assert ACME_ARI in result["msg"] and "Nothing was changed" in result["msg"]


def test_allow_self_removal_removes_the_caller(api):
    _read(api, "admin", [USERS, ADMINS], [ADMINS])
    add(api, "DELETE", _members(ADMINS) + "/" + aid("admin"), status=204)
    options = {"user": email("admin"), "groups": [ADMINS], "state": "absent"}
    result, failed = run_module(module, args(protect_account=email("admin"), allow_self_removal=True, **options))
    assert not failed and result["removed"] == [ADMINS], result


def test_the_caller_leaves_a_group_without_admin_and_another_person_leaves_the_admin_group(api):
    _read(api, "admin", [USERS, ADMINS], [USERS])
    _roles(api, USERS, group_role(ACME_ARI, "atlassian/user"))
    add(api, "DELETE", _members(USERS) + "/" + aid("admin"), status=204)
    result, failed = run_module(module, args(protect_account=email("admin"), user=email("admin"), groups=[USERS], state="absent"))
    assert not failed and result["removed"] == [USERS], result
    # another person, from a group of 3 members: no role read at all
    _read(api, "dev010", [ADMINS], [ADMINS])
    add(api, "DELETE", _members(ADMINS) + "/" + aid("dev010"), status=204)
    result, failed = run_module(
        module, args(protect_account=email("admin"), user=email("dev010"), groups=[ADMINS], state="absent")
    )
    assert not failed and result["removed"] == [ADMINS], result


def test_the_last_member_of_the_last_admin_group_is_not_removed(api):
    _read(api, "dev010", [ADMINS], [ADMINS], users=1)
    _roles(api, ADMINS, group_role(ACME_ARI, "atlassian/admin"))
    add(api, "POST", GROUPS_SEARCH, page([group(ADMINS, users=1), group(USERS, users=40)]))
    _roles(api, USERS, group_role(ACME_ARI, "atlassian/user"))
    result, failed = run_module(module, args(user=email("dev010"), groups=[ADMINS], state="absent"), check_mode=True)
    assert failed and writes(api) == [], result
    assert "last group" in result["msg"] and "allow_self_removal" in result["msg"]


def test_a_lost_removal_answer_verified_by_a_read_is_a_change_of_this_run(api):
    _read(api, "newhire02", [USERS], [USERS])
    api.add("DELETE", ADMIN_URL + _members(USERS) + "/" + aid("newhire02"), body=_aborted())
    add(api, "DELETE", _members(USERS) + "/" + aid("newhire02"), errors("ADMIN-UAM-404-1", 404, "not a member"), status=404)
    add(api, "POST", DIR_USERS_SEARCH, page([user("newhire02", groups=[])]))
    add(api, "GET", DIR + "/groups/" + gid(USERS), {"data": group(USERS)})
    result, failed = run_module(module, args(user=email("newhire02"), groups=[USERS], state="absent"))
    assert not failed, result
    assert result["changed"] is True and result["removed"] == [USERS] and "unchanged_by_api" not in result
    assert result["answer_lost"] == ["%s: applied; answer lost, verified by re-read" % USERS]


def test_a_lost_addition_answer_then_409_member_is_a_change_of_this_run(api):
    _read(api, "newhire02", [], [USERS])
    api.add("POST", ADMIN_URL + _members(USERS), body=_aborted())
    add(api, "POST", _members(USERS), errors("ADMIN-UAM-409-2", 409, "already a member"), status=409)
    add(api, "POST", DIR_USERS_SEARCH, page([user("newhire02", groups=[USERS])]))
    result, failed = run_module(module, args(user=email("newhire02"), groups=[USERS]))
    assert not failed, result
    assert result["changed"] is True and result["added"] == [USERS]
    assert result["answer_lost"] == ["%s: applied; answer lost, verified by re-read" % USERS]


def test_an_addition_answered_503_is_sent_again(api):
    _read(api, "newhire02", [], [USERS])
    add(api, "POST", _members(USERS), errors("ADMIN-UAM-503", 503, "unavailable"), status=503)
    add(api, "POST", _members(USERS), status=204)
    result, failed = run_module(module, args(user=email("newhire02"), groups=[USERS]))
    assert not failed, result
    assert result["changed"] is True and [w[1] for w in writes(api)] == [_members(USERS)] * 2
    assert "answer_lost" not in result
