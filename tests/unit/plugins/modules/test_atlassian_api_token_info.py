# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_api_token_info: the tokens of managed accounts from the user-management API (at admin_url, not under
/admin), accounts not managed or not found reported, never a token value, the answer checks."""

from __future__ import annotations

import json

import pytest

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_api_token_info as module

from .admin_helpers import KEY, add, admin_env, aid, args, run_module  # pylint: disable=unused-import
from .harness import api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("admin_env")

SECRET_VALUE = "ATATT3xFfGF0-a-token-value-never-returned"


def tokens_path(name):
    return "/users/%s/manage/api-tokens" % aid(name)


def token(token_id, label, created="2026-01-05T09:00:00.000Z", expiry=None, last_access=None, **extra):
    """An ApiTokenModel as the API answers it (expiry and lastAccess left out when None)."""
    item = {"id": token_id, "label": label, "createdAt": created}
    if expiry:
        item["expiry"] = expiry
    if last_access:
        item["lastAccess"] = last_access
    item.update(extra)
    return item


def shaped(name, token_id, label, created="2026-01-05T09:00:00.000Z", expires_at=None, last_access=None):
    return {
        "account_id": aid(name),
        "id": token_id,
        "label": label,
        "created_at": created,
        "expires_at": expires_at,
        "last_access": last_access,
    }


NOT_MANAGED = {"key": "forbidden.action", "context": {"allowed": False, "reason": {"key": "managedAccount"}}}


def test_tokens_of_managed_accounts_and_the_accounts_not_managed_or_not_found(api):
    add(
        api,
        "GET",
        tokens_path("jane"),
        [
            # a value field the API does not document is never copied into the result
            token(
                "tok-1",
                "ci-deploy",
                expiry="2027-01-01T00:00:00.000Z",
                last_access="2026-08-01T12:00:00.000Z",
                token=SECRET_VALUE,
            ),
            token("tok-2", "laptop"),
        ],
    )
    add(api, "GET", tokens_path("partner"), NOT_MANAGED, status=403)
    add(api, "GET", tokens_path("ghost"), {"key": "accountNotFound"}, status=404)
    add(api, "GET", tokens_path("bob"), [])
    result, failed = run_module(module, args(account_ids=[aid("jane"), aid("partner"), aid("ghost"), aid("bob"), aid("jane")]))
    assert not failed, result
    # one GET per account, asked once each, at admin_url itself (no /admin)
    assert calls(api) == [
        ("GET", tokens_path("jane"), {}, None),
        ("GET", tokens_path("partner"), {}, None),
        ("GET", tokens_path("ghost"), {}, None),
        ("GET", tokens_path("bob"), {}, None),
    ]
    jane = [
        shaped("jane", "tok-1", "ci-deploy", expires_at="2027-01-01T00:00:00.000Z", last_access="2026-08-01T12:00:00.000Z"),
        shaped("jane", "tok-2", "laptop"),
    ]
    assert result["accounts"] == [
        {"account_id": aid("jane"), "managed": True, "reason": None, "tokens": jane},
        {
            "account_id": aid("partner"),
            "managed": False,
            "reason": "not managed by the organization (forbidden.action: managedAccount)",
            "tokens": [],
        },
        {"account_id": aid("ghost"), "managed": False, "reason": "account not found (accountNotFound)", "tokens": []},
        {"account_id": aid("bob"), "managed": True, "reason": None, "tokens": []},
    ]
    assert result["tokens"] == jane
    assert result["changed"] is False and result["api_calls"] == {"total": 4, "GET": 4}
    assert SECRET_VALUE not in json.dumps(result) and KEY not in json.dumps(result)


def test_the_alias_takes_one_account(api):
    add(api, "GET", tokens_path("jane"), [token("tok-1", "ci-deploy")])
    result, failed = run_module(module, args(account_id=aid("jane")))
    assert not failed, result
    assert calls(api) == [("GET", tokens_path("jane"), {}, None)]
    assert [t["id"] for t in result["tokens"]] == ["tok-1"]


def test_an_unverified_account_is_not_managed(api):
    add(api, "GET", tokens_path("jane"), {"key": "forbidden.targetUnverified"}, status=403)
    result, failed = run_module(module, args(account_ids=[aid("jane")]))
    assert not failed
    assert result["accounts"][0]["managed"] is False
    assert "forbidden.targetUnverified" in result["accounts"][0]["reason"]


def test_a_plain_403_is_the_key_lacking_permission_and_fails(api):
    add(api, "GET", tokens_path("jane"), {"key": "forbidden"}, status=403)
    result, failed = run_module(module, args(account_ids=[aid("jane")]))
    assert failed and result["status"] == 403
    assert result["msg"].startswith("GET /users/%s/manage/api-tokens failed with HTTP 403" % aid("jane"))
    assert result["api_calls"] == {"total": 1, "GET": 1}


def test_a_rejected_key_fails_without_showing_it(api):
    add(api, "GET", tokens_path("jane"), {"key": "unauthorized"}, status=401)
    result, failed = run_module(module, args(account_ids=[aid("jane")]))
    assert failed and result["status"] == 401
    assert KEY not in json.dumps(result)
    assert api.calls[0].request.headers["Authorization"] == "Bearer " + KEY


def test_a_token_id_that_is_no_safe_path_segment_fails(api):
    add(api, "GET", tokens_path("jane"), [token("../../admin", "evil")])
    result, failed = run_module(module, args(account_ids=[aid("jane")]))
    assert failed and "is not a safe URL path segment" in result["msg"]


def test_an_answer_that_is_no_list_fails(api):
    add(api, "GET", tokens_path("jane"), {"data": []})
    result, failed = run_module(module, args(account_ids=[aid("jane")]))
    assert failed and "where a list of API tokens was expected" in result["msg"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"account_ids": ["jane@acme.example"]}, "account_ids 'jane@acme.example' is not an Atlassian account ID"),
        ({"account_ids": []}, "account_ids must name at least one Atlassian account ID"),
    ],
)
def test_bad_options_fail_before_any_request(api, options, message):
    result, failed = run_module(module, args(**options))
    assert failed and result["msg"].startswith(message), result["msg"]
    assert calls(api) == []


def test_a_retry_after_503_reads_again(api):
    add(api, "GET", tokens_path("jane"), {"key": "unavailable"}, status=503)
    add(api, "GET", tokens_path("jane"), [token("tok-1", "ci-deploy")])
    result, failed = run_module(module, args(account_ids=[aid("jane")]))
    assert not failed
    assert calls(api) == [("GET", tokens_path("jane"), {}, None)] * 2
    assert result["api_calls"] == {"total": 2, "GET": 2}
