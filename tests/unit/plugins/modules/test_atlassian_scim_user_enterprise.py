# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_scim_user: where department / organization are written (Atlassian: top-level, its enterprise
extension being read-only; RFC 7643 servers: the enterprise extension), and the email a creation requires."""

from __future__ import annotations

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
    atlassian_dept,
    by_name,
    list_response,
    make_user,
    patch_body,
    run_module,
    scim_env,
    user_args as args,
)
from .harness import api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("scim_env")

POSTED = {
    "schemas": [CORE, ENTERPRISE],
    "userName": NAME,
    "emails": [{"value": NAME, "type": "work", "primary": True}],
    ENTERPRISE: {"department": "Ops", "organization": "Acme"},
    "active": True,
}


def _without_department(user):
    user = dict(user)
    user.pop("department", None)
    user.pop(ENTERPRISE, None)
    user["schemas"] = [s for s in user["schemas"] if s != ENTERPRISE]
    return user


def test_create_on_atlassian_sets_ignored_values_top_level_with_one_patch(api):
    """Atlassian ignores the read-only extension of the POST: one PATCH sets department / organization top-level."""
    created = _without_department(make_user())
    completed = make_user(**atlassian_dept("Ops", "Acme"))
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=created, status=201)
    api.add(responses.PATCH, USERS + "/u-1", json=completed)
    result, failed = run_module(module, args(email=NAME, department="Ops", organization="Acme"), diff=True)
    assert not failed
    assert calls(api) == [
        ("GET", USERS_PATH, by_name(NAME), None),
        ("POST", USERS_PATH, {}, POSTED),
        (
            "PATCH",
            USER_PATH,
            {},
            patch_body(
                {"op": "replace", "path": "department", "value": "Ops"},
                {"op": "replace", "path": "organization", "value": "Acme"},
            ),
        ),
    ]
    assert result["changed"] is True and result["user"] == completed
    assert result["api_calls"] == {"total": 3, "GET": 1, "POST": 1, "PATCH": 1}
    assert result["diff"] == {
        "before": {},
        "after": {"user_name": NAME, "email": NAME, "department": "Ops", "organization": "Acme", "active": True},
    }


def test_create_on_atlassian_that_took_the_values_needs_no_patch(api):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=make_user(**atlassian_dept("Ops", "Acme")), status=201)
    result, failed = run_module(module, args(email=NAME, department="Ops", organization="Acme"))
    assert not failed and result["changed"] is True
    assert result["api_calls"] == {"total": 2, "GET": 1, "POST": 1}


def test_create_on_a_plain_server_sends_the_rfc_form_only(api):
    created = make_user(account_id=None, **{ENTERPRISE: {"department": "Ops", "organization": "Acme"}})
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=created, status=201)
    result, failed = run_module(module, args(email=NAME, department="Ops", organization="Acme"))
    assert not failed and result["changed"] is True
    assert calls(api)[1][3] == POSTED
    assert result["api_calls"] == {"total": 2, "GET": 1, "POST": 1}


def test_create_without_department_never_patches(api):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=_without_department(make_user()), status=201)
    result, failed = run_module(module, args(email=NAME, title=None))
    assert not failed and [c[0] for c in calls(api)] == ["GET", "POST"]


def test_atlassian_user_with_stale_extension_reads_the_top_level_value(api):
    """Top-level wins: no change when it matches, even if the read-only extension lags."""
    current = make_user(department="Ops", **{ENTERPRISE: {"department": "Old"}})
    api.add(responses.GET, USERS, json=list_response(current))
    result, failed = run_module(module, args(department="Ops"))
    assert not failed and result["changed"] is False
    assert result["api_calls"] == {"total": 1, "GET": 1}


def test_plain_server_user_is_patched_in_the_enterprise_extension(api):
    current = make_user(account_id=None)
    api.add(responses.GET, USERS, json=list_response(current))
    api.add(responses.PATCH, USERS + "/u-1", json=make_user(account_id=None, **{ENTERPRISE: {"department": "Ops"}}))
    result, failed = run_module(module, args(department="Ops"))
    assert not failed and result["changed"] is True
    assert calls(api)[1][3] == patch_body({"op": "replace", "path": ENTERPRISE + ":department", "value": "Ops"})


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check-mode"])
def test_create_without_email_fails_before_any_post(api, check_mode):
    api.add(responses.GET, USERS, json=list_response())
    result, failed = run_module(module, args(given_name="Jane"), check_mode=check_mode)
    assert failed
    assert "email is required to create the user" in result["msg"]
    assert [c[0] for c in calls(api)] == ["GET"]
    assert result["api_calls"] == {"total": 1, "GET": 1}


def test_existing_user_needs_no_email(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(given_name="Jane"))
    assert not failed and result["changed"] is False
