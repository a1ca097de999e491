# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_scim_user creating a user: the exact HTTP calls, in order, of the POST, of a conflict (the existing user
adopted) and of a lost answer (the POST never sent twice). The other paths are in test_atlassian_scim_user.py, errors
in test_atlassian_scim_user_errors.py."""

from __future__ import annotations

import json

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_scim_user as module

from .scim_helpers import (  # pylint: disable=unused-import
    CORE,
    ENTERPRISE,
    NAME,
    USER_PATH,
    USERS,
    USERS_PATH,
    by_name,
    list_response,
    lost_connection,
    make_user,
    patch_body,
    run_module,
    scim_change,
    scim_env,
    scim_error,
    user_args as args,
)
from .harness import api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("scim_env")


# -- create ---------------------------------------------------------------------------------------------


def test_create_posts_the_user(api):
    created = make_user(id="u-9")
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=created, status=201)
    result, failed = run_module(module, args(email=NAME, given_name="Jane", family_name="Doe", department="Platform"))
    assert not failed
    assert calls(api) == [
        ("GET", USERS_PATH, by_name(NAME), None),
        (
            "POST",
            USERS_PATH,
            {},
            {
                "schemas": [CORE, ENTERPRISE],
                "userName": NAME,
                "emails": [{"value": NAME, "type": "work", "primary": True}],
                "name": {"givenName": "Jane", "familyName": "Doe"},
                ENTERPRISE: {"department": "Platform"},
                "active": True,
            },
        ),
    ]
    assert result["changed"] is True
    assert result["user"] == created
    assert result["atlassian_account_id"] == "712020:aaaa-1111"
    assert result["api_calls"] == {"total": 2, "GET": 1, "POST": 1}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {
        "user_name": NAME,
        "email": NAME,
        "given_name": "Jane",
        "family_name": "Doe",
        "department": "Platform",
        "active": True,
    }
    created = {"email": NAME, "given_name": "Jane", "family_name": "Doe", "department": "Platform", "active": True}
    assert result["changes"] == [scim_change("create", None, created, user_id="u-9")]


def test_create_inactive_user(api):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=make_user(active=False), status=201)
    result, failed = run_module(module, args(email=NAME, active=False))
    assert not failed
    assert calls(api)[1][3]["active"] is False


def test_create_conflict_adopts_the_existing_user_and_patches_the_differences(api):
    existing = make_user(title="Engineer")
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=scim_error(409, "User already exists", "uniqueness"), status=409)
    api.add(responses.GET, USERS, json=list_response(existing))
    api.add(responses.PATCH, USERS + "/u-1", json=make_user(title="Manager"))
    result, failed = run_module(module, args(email=NAME, title="Manager"))
    assert not failed
    assert [(c[0], c[1], c[2]) for c in calls(api)] == [
        ("GET", USERS_PATH, by_name(NAME)),
        ("POST", USERS_PATH, {}),
        ("GET", USERS_PATH, by_name(NAME)),
        ("PATCH", USER_PATH, {}),
    ]
    assert calls(api)[3][3] == patch_body({"op": "replace", "path": "title", "value": "Manager"})
    assert result["changed"] is True
    assert result["diff"]["before"] == {"user_name": NAME, "email": NAME, "title": "Engineer"}
    assert result["api_calls"] == {"total": 4, "GET": 2, "POST": 1, "PATCH": 1}
    assert result["changes"] == [scim_change("update", {"title": "Engineer"}, {"title": "Manager"})]  # adopted: no creation


def test_create_conflict_with_an_identical_user_changes_nothing(api):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=scim_error(409, "User already exists", "uniqueness"), status=409)
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(email=NAME))
    assert not failed
    assert result["changed"] is False and result["changes"] == []
    assert [c[0] for c in calls(api)] == ["GET", "POST", "GET"]


def test_create_conflict_on_another_attribute_fails_clearly(api):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=scim_error(409, "externalId already used", "uniqueness"), status=409)
    api.add(responses.GET, USERS, json=list_response())
    result, failed = run_module(module, args(email=NAME, external_id="idp-1"))
    assert failed
    assert result["status"] == 409
    assert "externalId already used" in result["msg"]
    assert "No user named" in result["msg"]
    assert result["api_calls"] == {"total": 3, "GET": 2, "POST": 1}


def test_lost_post_answer_is_not_repeated_and_the_created_user_is_adopted(api):
    created = make_user()
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, body=lost_connection())
    api.add(responses.GET, USERS, json=list_response(created))
    result, failed = run_module(module, args(email=NAME, given_name="Jane"))
    assert not failed
    assert [c[0] for c in calls(api)] == ["GET", "POST", "GET"]
    assert result["changed"] is True
    assert result["user"] == created
    assert result["diff"]["before"] == {}
    assert result["api_calls"] == {"total": 3, "GET": 2, "POST": 1}
    # the lost POST created it: a creation of this run
    assert result["changes"] == [scim_change("create", None, {"email": NAME, "given_name": "Jane", "active": True})]


def test_lost_post_answer_then_adopted_user_differs_gets_onepatch_body(api):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, body=lost_connection())
    api.add(responses.GET, USERS, json=list_response(make_user(title="Old")))
    api.add(responses.PATCH, USERS + "/u-1", json=make_user(title="New"))
    result, failed = run_module(module, args(email=NAME, title="New"))
    assert not failed and result["changed"] is True
    assert [c[0] for c in calls(api)] == ["GET", "POST", "GET", "PATCH"]
    assert calls(api)[3][3] == patch_body({"op": "replace", "path": "title", "value": "New"})
    assert result["diff"] == {"before": {}, "after": {"user_name": NAME, "email": NAME, "title": "New", "active": True}}


def test_lost_post_answer_then_user_missing_fails_without_repeating(api, scim_env):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, body=lost_connection())
    api.add(responses.GET, USERS, json=list_response())
    result, failed = run_module(module, args(email=NAME))
    assert failed
    assert [c[0] for c in calls(api)] == ["GET", "POST", "GET"]
    assert "not repeated" in result["msg"] and "no such user exists" in result["msg"]
    assert result["method"] == "POST"
    assert scim_env == []


def test_post_server_error_is_not_retried_and_the_user_is_read_again(api, scim_env):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=scim_error(503, "Service unavailable"), status=503)
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(email=NAME))
    assert not failed and result["changed"] is True
    assert [c[0] for c in calls(api)] == ["GET", "POST", "GET"]
    assert scim_env == []


def test_post_bad_request_fails_without_reading_again(api):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=scim_error(400, "Email domain is not verified", "invalidValue"), status=400)
    result, failed = run_module(module, args(email="jane@other.example"))
    assert failed
    assert result["status"] == 400 and result["api_message"] == "Email domain is not verified"
    assert [c[0] for c in calls(api)] == ["GET", "POST"]


def test_a_failure_after_the_creation_reports_it_and_the_journal_has_it(api, tmp_path):
    """POST created the user, the PATCH that sets its department top level (Atlassian) failed: the task fails, and
    the creation is in changes and in the plan journal."""
    created = make_user(id="u-9")
    del created["department"], created[ENTERPRISE]
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=created, status=201)
    api.add(responses.PATCH, USERS + "/u-9", json=scim_error(400, "department is too long", "invalidValue"), status=400)
    journal = tmp_path / "journal"
    result, failed = run_module(module, args(email=NAME, department="Ops", plan_journal=str(journal)))
    assert failed and result["status"] == 400 and result["changed"] is True
    change = scim_change("create", None, {"email": NAME, "department": None, "active": True}, user_id="u-9")
    assert result["changes"] == [change]
    assert [json.loads(line) for line in journal.read_text().splitlines()] == [
        {"item": change, "check_mode": False, "module": "atlassian_scim_user"}
    ]
