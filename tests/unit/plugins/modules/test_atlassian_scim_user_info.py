# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_scim_user_info: lookups by userName / externalId, every user page by page, the active filter, errors."""

from __future__ import annotations

import json

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils import _module as shell
from ansible_collections.accessops.atlassian.plugins.modules import atlassian_scim_user_info as module

from .scim_helpers import (  # pylint: disable=unused-import
    CONNECTION,
    TOKEN,
    USERS,
    USERS_PATH,
    list_response,
    make_user,
    run_module,
    scim_env,
    scim_error,
)
from .harness import api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("scim_env")


def args(**kwargs):
    result = dict(CONNECTION)
    result.update(kwargs)
    return result


def _users(count, offset=0):
    return [
        make_user(user_name="user%03d@acme.example" % (offset + i), user_id="u-%03d" % (offset + i), active=(offset + i) % 3 != 0)
        for i in range(count)
    ]


def test_every_user_is_read_page_by_page(api):
    everyone = _users(230)
    api.add(responses.GET, USERS, json=list_response(*everyone[:100], total=230, start=1))
    api.add(responses.GET, USERS, json=list_response(*everyone[100:200], total=230, start=101))
    api.add(responses.GET, USERS, json=list_response(*everyone[200:], total=230, start=201))
    result, failed = run_module(module, args())
    assert not failed
    assert calls(api) == [
        ("GET", USERS_PATH, {"startIndex": "1", "count": "100"}, None),
        ("GET", USERS_PATH, {"startIndex": "101", "count": "100"}, None),
        ("GET", USERS_PATH, {"startIndex": "201", "count": "100"}, None),
    ]
    assert result["changed"] is False
    assert result["total"] == 230
    assert [u["id"] for u in result["users"]] == [u["id"] for u in everyone]
    assert result["api_calls"] == {"total": 3, "GET": 3}


def test_server_with_smaller_pages_is_followed(api):
    everyone = _users(5)
    api.add(responses.GET, USERS, json=list_response(*everyone[:2], total=5, start=1))
    api.add(responses.GET, USERS, json=list_response(*everyone[2:4], total=5, start=3))
    api.add(responses.GET, USERS, json=list_response(*everyone[4:], total=5, start=5))
    result, failed = run_module(module, args())
    assert not failed and result["total"] == 5
    assert [c[2]["startIndex"] for c in calls(api)] == ["1", "3", "5"]


@pytest.mark.parametrize("active, expected", [(True, ["u-001", "u-002", "u-004"]), (False, ["u-000", "u-003"])])
def test_active_filter_is_applied_client_side(api, active, expected):
    api.add(responses.GET, USERS, json=list_response(*_users(5)))
    result, failed = run_module(module, args(active=active))
    assert not failed
    assert calls(api)[0][2] == {"startIndex": "1", "count": "100"}
    assert [u["id"] for u in result["users"]] == expected
    assert result["total"] == len(expected)


def test_user_without_active_counts_as_active(api):
    user = make_user()
    del user["active"]
    api.add(responses.GET, USERS, json=list_response(user))
    api.add(responses.GET, USERS, json=list_response(user))
    assert run_module(module, args(active=True))[0]["total"] == 1
    assert run_module(module, args(active=False))[0]["total"] == 0


def test_lookup_by_user_name(api):
    api.add(responses.GET, USERS, json=list_response(make_user(user_name='Jane"@acme.example')))
    result, failed = run_module(module, args(user_name='jane"@acme.example'))
    assert not failed
    query = {"filter": 'userName eq "jane\\"@acme.example"', "startIndex": "1", "count": "100"}
    assert calls(api) == [("GET", USERS_PATH, query, None)]
    assert result["total"] == 1 and result["users"][0]["userName"] == 'Jane"@acme.example'


def test_a_server_that_ignores_the_filter_is_refused(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(user_name="leaver@acme.example"))
    assert failed and result["msg"].startswith("Unexpected answer from the API: GET /scim/directory/")
    assert "ignored or misapplied the filter" in result["msg"] and "users" not in result


def test_lookup_by_external_id_not_found(api):
    api.add(responses.GET, USERS, json=list_response())
    result, failed = run_module(module, args(external_id="idp-42", active=True))
    assert not failed
    assert calls(api)[0][2]["filter"] == 'externalId eq "idp-42"'
    assert result == dict(result, users=[], total=0, changed=False)
    assert result["api_calls"] == {"total": 1, "GET": 1}


def test_check_mode_reads_the_same_way(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(user_name="jane@acme.example"), check_mode=True)
    assert not failed and result["total"] == 1


def test_user_name_and_external_id_are_mutually_exclusive(api):
    result, failed = run_module(module, args(user_name="a", external_id="b"))
    assert failed and "mutually exclusive" in result["msg"]
    assert len(api.calls) == 0


@pytest.mark.parametrize(
    "status, body, expected",
    [
        (401, {"error": "Unauthorized"}, "scim_token"),
        (404, scim_error(404, "Unknown SCIM directory"), "Unknown SCIM directory"),
        (400, scim_error(400, "Only the filters userName eq and externalId eq are supported", "invalidFilter"), "filters"),
    ],
)
def test_errors(api, status, body, expected):
    api.add(responses.GET, USERS, json=body, status=status)
    result, failed = run_module(module, args(user_name="x"))
    assert failed
    assert result["status"] == status and expected in result["msg"]
    assert result["api_calls"] == {"total": 1, "GET": 1}
    assert TOKEN not in json.dumps(result)


def test_error_on_a_later_page_fails_instead_of_returning_part_of_the_directory(api):
    api.add(responses.GET, USERS, json=list_response(*_users(100), total=150))
    api.add(responses.GET, USERS, json=scim_error(500, "boom"), status=500)
    result, failed = run_module(module, args())
    assert failed and result["status"] == 500
    assert "users" not in result
    assert result["api_calls"] == {"total": 2, "GET": 2}


def test_requests_missing(api, monkeypatch):
    monkeypatch.setattr(shell, "HAS_REQUESTS", False)  # the one module shell checks it
    result, failed = run_module(module, args())
    assert failed and "requests" in result["msg"]
    assert len(api.calls) == 0
