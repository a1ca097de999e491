# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_user: suspend, restore and remove; check mode, already in state, not found, and where the writes go (the
concrete directory, organizations with several directories). Invitations: test_atlassian_user_invite.py."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_user as module

from .admin_helpers import (  # pylint: disable=unused-import
    DIR,
    DIRECTORIES,
    DIRECTORY,
    ORG,
    ORG_ID,
    OTHER_DIRECTORY,
    USERS_SEARCH,
    add,
    admin_env,
    aid,
    args,
    email,
    errors,
    page,
    run_module,
    user,
    user_search,
    writes,
)
from .harness import api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("admin_env")

NAME = "newhire02"
LOOKUP = ("POST", USERS_SEARCH, {}, user_search(email(NAME), expand=()))
DIRECTORY_LIST = ("GET", DIRECTORIES, {"limit": "100"}, None)
HEADER = "newhire02@acme.example (organization directory)"


def _task(**kwargs):
    options = {"user": email(NAME)}
    options.update(kwargs)
    return args(**options)


def _diff(before, after):
    return {"before": {"status": before}, "after": {"status": after}, "before_header": HEADER, "after_header": HEADER}


def _change(action, before, after, account_id=NAME):
    """The change item of newhire02's account (docs/plans.md); ``account_id`` None: not known (yet)."""
    return {
        "api": "admin",
        "kind": "account",
        "action": action,
        "target": {"org": ORG_ID},
        "subject": {"type": "user", "account_id": aid(account_id) if account_id else None, "email": email(NAME)},
        "before": before,
        "after": after,
    }


def _user_path(directory, action=""):
    return ORG + "/directories/%s/users/%s%s" % (directory, aid(NAME), action)


def _directories(api, *ids):
    add(api, "GET", DIRECTORIES, page([{"directoryId": d, "name": "directory %d" % i} for i, d in enumerate(ids)]))


def _found(api, status="active"):
    add(api, "POST", USERS_SEARCH, page([user(NAME, status=status)]))


def test_suspend_an_active_account(api):
    _found(api)
    _directories(api, DIRECTORY)
    add(api, "POST", _user_path(DIRECTORY, "/suspend"), status=204)
    result, failed = run_module(module, _task(state="suspended"), diff=True)
    assert not failed, result
    assert calls(api) == [LOOKUP, DIRECTORY_LIST, ("POST", DIR + "/users/%s/suspend" % aid(NAME), {}, None)]
    assert result["changed"] is True and result["directories"] == [DIRECTORY]
    assert result["user"]["account_id"] == aid(NAME) and result["user"]["status"] == "active"
    assert result["diff"] == _diff("active", "suspended")
    assert result["api_calls"] == {"total": 3, "POST": 2, "GET": 1}
    assert result["changes"] == [_change("suspend", "active", "suspended")]


def test_suspend_in_check_mode_reports_the_same_without_writing(api):
    _found(api)
    _directories(api, DIRECTORY)
    result, failed = run_module(module, _task(state="suspended"), check_mode=True)
    assert not failed and calls(api) == [LOOKUP, DIRECTORY_LIST]
    assert result["changed"] is True and result["directories"] == [DIRECTORY]
    assert result["diff"] == _diff("active", "suspended")
    assert result["changes"] == [_change("suspend", "active", "suspended")]


def test_suspend_a_suspended_account_writes_nothing(api):
    """Suspended organization-wide means in every directory: no directory needs to be read."""
    _found(api, status="suspended")
    result, failed = run_module(module, _task(state="suspended"))
    assert not failed and writes(api) == []
    assert result["changed"] is False and result["directories"] == [] and result["diff"] == _diff("suspended", "suspended")
    assert result["changes"] == []


def test_restore_a_suspended_account(api):
    _found(api, status="suspended")
    _directories(api, DIRECTORY)
    add(api, "POST", _user_path(DIRECTORY, "/restore"), status=204)
    result, failed = run_module(module, _task())  # state active is the default
    assert not failed, result
    assert writes(api) == [("POST", _user_path(DIRECTORY, "/restore"), {}, None)]
    assert result["changed"] is True and result["diff"] == _diff("suspended", "active")
    assert result["changes"] == [_change("restore", "suspended", "active")]


def test_restore_in_check_mode_and_an_active_account(api):
    _found(api, status="suspended")
    _directories(api, DIRECTORY)
    result, failed = run_module(module, _task(state="active"), check_mode=True)
    assert not failed and writes(api) == [] and result["changed"] is True
    assert result["changes"] == [_change("restore", "suspended", "active")]
    _found(api)
    _directories(api, DIRECTORY)
    result, failed = run_module(module, _task(state="active"))
    assert not failed and writes(api) == [] and result["changed"] is False
    assert result["diff"] == _diff("active", "active") and result["changes"] == []


def test_active_refuses_a_deactivated_account_with_zero_writes(api):
    """Restoring directory access does not reactivate an account deactivated at its source: said, not faked."""
    add(api, "POST", USERS_SEARCH, page([user(NAME, status="deactivated", accountStatus="inactive")]))
    result, failed = run_module(module, _task(state="active"))
    assert failed and writes(api) == []
    assert "the Atlassian account itself is inactive (status deactivated)" in result["msg"]


@pytest.mark.parametrize(
    "status, code, hint",
    [
        (400, "ADMIN-UAM-400-1", None),
        (403, "ADMIN-UAM-403-1", "likely cause: the organization API key"),
        (404, "ADMIN-UAM-404-1", "likely cause: it does not exist"),
        (409, "ADMIN-UAM-409-3", None),
    ],
)
def test_restore_errors_are_the_api_s(api, status, code, hint):
    """The spec declares 204, 400, 401, 403, 404, 429, 500 for a restore (no 409: an undeclared status is an error as
    it is, not read as a seat limit)."""
    _found(api, status="suspended")
    _directories(api, DIRECTORY)
    add(api, "POST", _user_path(DIRECTORY, "/restore"), errors(code, status, "why"), status=status)
    result, failed = run_module(module, _task())
    assert failed and result["status"] == status and result["changed"] is False
    assert result["msg"].startswith("POST %s failed with HTTP %d: %s: why" % (_user_path(DIRECTORY, "/restore"), status, code))
    assert hint is None or hint in result["msg"]


def test_remove_an_account(api):
    _found(api)
    _directories(api, DIRECTORY)
    add(api, "DELETE", _user_path(DIRECTORY), status=204)
    result, failed = run_module(module, _task(state="removed"))
    assert not failed
    assert writes(api) == [("DELETE", _user_path(DIRECTORY), {}, None)]
    assert result["changed"] is True and result["diff"] == _diff("active", "absent")
    assert result["changes"] == [_change("remove", "active", "removed")]


def test_remove_an_account_that_is_not_there_is_one_search(api):
    add(api, "POST", USERS_SEARCH, page([]))
    result, failed = run_module(module, _task(state="removed"), check_mode=True)
    assert not failed and calls(api) == [LOOKUP]
    assert result["changed"] is False and result["user"] is None and result["directories"] == []
    assert result["diff"] == _diff("absent", "absent") and result["changes"] == []


@pytest.mark.parametrize("state", ["active", "suspended"])
def test_an_account_not_in_the_directory_fails(api, state):
    add(api, "POST", USERS_SEARCH, page([]))
    result, failed = run_module(module, _task(state=state))
    assert failed and calls(api) == [LOOKUP]
    assert result["msg"].startswith("user 'newhire02@acme.example' has no account in the organization's directory")


def test_a_configured_directory_is_used_without_listing_directories(api):
    add(api, "POST", DIR + "/users/search", page([user(NAME)]))
    add(api, "POST", _user_path(DIRECTORY, "/suspend"), status=204)
    result, failed = run_module(module, _task(state="suspended", admin_directory_id=DIRECTORY))
    assert not failed
    assert [c[:2] for c in calls(api)] == [("POST", DIR + "/users/search"), ("POST", _user_path(DIRECTORY, "/suspend"))]
    assert result["directories"] == [DIRECTORY]


def test_two_directories_the_write_goes_to_the_one_holding_the_account(api):
    _found(api)
    _directories(api, OTHER_DIRECTORY, DIRECTORY)
    add(api, "GET", _user_path(OTHER_DIRECTORY), errors("ADMIN-UAM-404-1", 404, "not in the directory"), status=404)
    add(api, "GET", _user_path(DIRECTORY), {"data": user(NAME)})
    add(api, "POST", _user_path(DIRECTORY, "/suspend"), status=204)
    result, failed = run_module(module, _task(state="suspended"))
    assert not failed, result
    assert calls(api) == [
        LOOKUP,
        DIRECTORY_LIST,
        ("GET", _user_path(OTHER_DIRECTORY), {}, None),
        ("GET", _user_path(DIRECTORY), {}, None),
        ("POST", _user_path(DIRECTORY, "/suspend"), {}, None),
    ]
    assert result["directories"] == [DIRECTORY]


@pytest.fixture
def by_url():
    """responses answering by URL (the same answer as often as asked, in any order); every answer must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


def _two_directories(by_url, other=None, mine=None):
    _found(by_url)
    _directories(by_url, OTHER_DIRECTORY, DIRECTORY)
    for directory, record in ((OTHER_DIRECTORY, other), (DIRECTORY, mine)):
        if record is None:
            add(by_url, "GET", _user_path(directory), errors("ADMIN-UAM-404-1", 404, "not in the directory"), status=404)
        else:
            add(by_url, "GET", _user_path(directory), {"data": record})


def _reads(rsps):
    return sorted({c[1] for c in calls(rsps) if c[0] == "GET"})


def test_two_directories_each_is_written_as_its_own_record_says(by_url):
    """Suspended in one directory, active in the other: only the active one is suspended."""
    _two_directories(by_url, other=user(NAME, status="suspended"), mine=user(NAME))
    add(by_url, "POST", _user_path(DIRECTORY, "/suspend"), status=204)
    result, failed = run_module(module, _task(state="suspended"))
    assert not failed, result
    assert writes(by_url) == [("POST", _user_path(DIRECTORY, "/suspend"), {}, None)]
    assert _reads(by_url) == sorted([DIRECTORIES, _user_path(OTHER_DIRECTORY), _user_path(DIRECTORY)])
    assert result["directories"] == [DIRECTORY] and result["changed"] is True
    assert result["diff"] == _diff("active", "suspended")


def test_two_directories_removal_from_each(by_url):
    _two_directories(by_url, other=user(NAME), mine=user(NAME, status="suspended"))
    add(by_url, "DELETE", _user_path(OTHER_DIRECTORY), status=204)
    add(by_url, "DELETE", _user_path(DIRECTORY), status=204)
    result, failed = run_module(module, _task(state="removed"))
    assert not failed, result
    assert writes(by_url) == [("DELETE", _user_path(OTHER_DIRECTORY), {}, None), ("DELETE", _user_path(DIRECTORY), {}, None)]
    assert result["directories"] == [OTHER_DIRECTORY, DIRECTORY] and result["diff"] == _diff("active", "absent")
    assert result["changes"] == [_change("remove", "active", "removed")]  # one item for the account


def test_two_directories_none_holding_the_account_changes_nothing(by_url):
    _two_directories(by_url)
    result, failed = run_module(module, _task(state="suspended"))
    assert not failed and writes(by_url) == []
    assert result["changed"] is False and result["directories"] == [] and result["diff"] == _diff("active", "active")


def test_a_directory_answering_another_account_is_refused(api):
    _found(api)
    _directories(api, OTHER_DIRECTORY, DIRECTORY)
    add(api, "GET", _user_path(OTHER_DIRECTORY), {"data": user("mallory")})
    result, failed = run_module(module, _task(state="removed"))
    assert failed and writes(api) == []
    assert "answered the account %r instead of %s" % (aid("mallory"), aid(NAME)) in result["msg"]


def test_a_hostile_directory_id_is_refused(api):
    _found(api)
    _directories(api, "../..")
    result, failed = run_module(module, _task(state="removed"))
    assert failed and writes(api) == [] and "a directory id '../..'" in result["msg"]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"user": ""}, "user is empty"),
        ({"user": "a@"}, "user 'a@' is not an email address or an Atlassian account ID"),
        ({"state": "deleted"}, "value of state must be one of: active, suspended, removed, invited"),
        ({"send_notification": "maybe"}, "send_notification"),
    ],
)
def test_bad_options_fail_before_any_request(api, options, message):
    result, failed = run_module(module, _task(**options))
    assert failed and message in result["msg"], result["msg"]
    assert calls(api) == []


def test_two_directories_a_failure_after_a_removal_reports_the_change(by_url):
    _two_directories(by_url, other=user(NAME), mine=user(NAME))
    add(by_url, "DELETE", _user_path(OTHER_DIRECTORY), status=204)
    add(by_url, "DELETE", _user_path(DIRECTORY), errors("ADMIN-UAM-403-1", 403, "Forbidden"), status=403)
    result, failed = run_module(module, _task(state="removed"))
    assert failed and result["changed"] is True and result["directories"] == [OTHER_DIRECTORY]
    assert result["status"] == 403 and result["msg"].endswith(
        "Changed before the failure: directory %s; run the task again to finish" % OTHER_DIRECTORY
    )
    assert result["changes"] == [_change("remove", "active", "removed")]
