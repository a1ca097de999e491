# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_scim_user: error paths (401 bad key, 404 unknown directory, 400 bad filter...), option checks,
retries, and no secret in any result."""

from __future__ import annotations

import json

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils import _module as shell
from ansible_collections.accessops.atlassian.plugins.modules import atlassian_scim_user as module

from .scim_helpers import (  # pylint: disable=unused-import
    ATLASSIAN,
    NAME,
    TOKEN,
    USERS,
    USERS_PATH,
    list_response,
    make_user,
    run_module,
    scim_env,
    scim_error,
    user_args as args,
)
from .harness import api  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("scim_env")


def test_bad_api_key_401(api):
    api.add(responses.GET, USERS, json={"error": "Invalid token " + TOKEN}, status=401)
    result, failed = run_module(module, args(title="x"))
    assert failed
    assert result["status"] == 401
    assert "scim_token" in result["msg"]
    assert TOKEN not in json.dumps(result)
    assert result["api_calls"] == {"total": 1, "GET": 1}
    assert len(api.calls) == 1


def test_unknown_directory_404(api):
    api.add(responses.GET, USERS, json=scim_error(404, "Unknown SCIM directory"), status=404)
    result, failed = run_module(module, args(title="x"))
    assert failed
    assert result["status"] == 404 and result["api_message"] == "Unknown SCIM directory"
    assert result["path"] == USERS_PATH


def test_bad_filter_400(api):
    api.add(
        responses.GET,
        USERS,
        json=scim_error(400, 'Only the filters userName eq "..." are supported', "invalidFilter"),
        status=400,
    )
    result, failed = run_module(module, args(title="x"))
    assert failed
    assert result["status"] == 400 and "userName eq" in result["api_message"]
    assert result["method"] == "GET"


def test_patch_error_reports_calls(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    api.add(responses.PATCH, USERS + "/u-1", json=scim_error(400, "Invalid timezone", "invalidValue"), status=400)
    result, failed = run_module(module, args(timezone="Mars/Olympus"))
    assert failed
    assert result["api_calls"] == {"total": 2, "GET": 1, "PATCH": 1}


def test_read_is_retried_after_503_with_backoff(api, scim_env):
    api.add(responses.GET, USERS, json=scim_error(503, "busy"), status=503)
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args())
    assert not failed and result["changed"] is False
    assert result["api_calls"] == {"total": 2, "GET": 2}
    assert len(scim_env) == 1 and 0 <= scim_env[0] <= 1.0


def test_ambiguous_user_name_fails(api):
    api.add(
        responses.GET,
        USERS,
        json=list_response(make_user(user_name="Jane@acme.example"), make_user(user_name="JANE@acme.example", user_id="u-2")),
    )
    result, failed = run_module(module, args())
    assert failed and "refusing to guess" in result["msg"]


def test_case_insensitive_match_is_adopted(api):
    api.add(responses.GET, USERS, json=list_response(make_user(user_name="Jane@Acme.example")))
    result, failed = run_module(module, args())
    assert not failed and result["changed"] is False


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"user_name": " "}, "user_name is empty"),
        ({"email": ""}, "email must not be empty"),
    ],
)
def test_invalid_options_fail_before_any_call(api, bad, message):
    result, failed = run_module(module, args(**bad))
    assert failed and message in result["msg"]
    assert len(api.calls) == 0


def test_missing_directory_fails_with_configuration_error(api):
    result, failed = run_module(module, {"scim_token": TOKEN, "user_name": NAME})
    assert failed and "directory_id" in result["msg"]
    assert result["api_calls"] == {"total": 0}
    assert len(api.calls) == 0


def test_missing_token_from_environment(api, monkeypatch):
    monkeypatch.setenv("ATLASSIAN_SCIM_DIRECTORY_ID", "dir-1")
    monkeypatch.setenv("ATLASSIAN_SCIM_TOKEN", TOKEN)
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, {"user_name": NAME})
    assert not failed and result["changed"] is False
    assert api.calls[0].request.headers["Authorization"] == "Bearer " + TOKEN


def test_requests_missing(api, monkeypatch):
    monkeypatch.setattr(shell, "HAS_REQUESTS", False)  # the one module shell checks it
    result, failed = run_module(module, args())
    assert failed and "requests" in result["msg"]
    assert len(api.calls) == 0


def test_no_secret_in_result(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    api.add(responses.PATCH, USERS + "/u-1", json=make_user(title="T"))
    result, failed = run_module(module, args(title="T"), diff=True)
    assert not failed
    assert TOKEN not in json.dumps(result)
    assert ATLASSIAN in result["user"]["schemas"]
