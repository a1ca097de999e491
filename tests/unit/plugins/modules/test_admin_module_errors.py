# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Admin API modules' connection and errors: ``{"errors": [...]}`` bodies in messages, 429 retried after
``X-RateLimit-Reset`` within the retry cap, redaction of the key, options and their environment variables."""

from __future__ import annotations

import json

import pytest

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_group_member as member_module
from ansible_collections.accessops.atlassian.plugins.modules import atlassian_user_info as module

from .admin_helpers import (  # pylint: disable=unused-import
    ADMIN_URL,
    DIRECTORY,
    GROUPS_SEARCH,
    KEY,
    ORG_ID,
    USERS_SEARCH,
    add,
    admin_env,
    aid,
    args,
    errors,
    page,
    run_module,
    user,
)
from .harness import FakeClock, api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("admin_env")

TASK = {"emails": ["jane@acme.example"], "include_role_assignments": False}
RATE_LIMITED = errors("ADMIN-429-1", 429, "Rate limit exceeded", "Too Many Requests")


def _limited(api, reset=None, retry_after=None):
    headers = {"X-RateLimit-Remaining": "0"}
    if reset is not None:
        headers["X-RateLimit-Reset"] = reset
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    add(api, "POST", USERS_SEARCH, RATE_LIMITED, status=429, headers=headers)


def _found(api):
    add(api, "POST", USERS_SEARCH, page([user("jane")]))


@pytest.mark.parametrize(
    "status, code, detail, hint",
    [
        (
            401,
            "ADMIN-UAM-401-1",
            "The API key is invalid",
            "the organization API key (admin_api_key) is invalid, expired or revoked",
        ),
        (
            403,
            "ADMIN-UAM-403-2",
            "Not allowed to manage the organization",
            "the organization API key belongs to another organization than org_id",
        ),
    ],
)
def test_auth_errors_give_the_code_the_detail_and_the_likely_cause(api, status, code, detail, hint):
    add(api, "POST", USERS_SEARCH, errors(code, status, detail), status=status)
    result, failed = run_module(module, args(**TASK))
    assert failed
    assert result["msg"].startswith(
        "POST %s failed with HTTP %d: %s: %s (likely cause: %s" % (USERS_SEARCH, status, code, detail, hint)
    )
    assert result["status"] == status and result["api_message"] == "%s: %s" % (code, detail)
    assert result["method"] == "POST" and result["path"] == USERS_SEARCH
    assert result["api_calls"] == {"total": 1, "POST": 1}


def test_the_v1_proxy_body_gives_its_message(api):
    add(api, "POST", USERS_SEARCH, {"code": 401, "message": "Unauthorized; scope does not match"}, status=401)
    result, failed = run_module(module, args(**TASK))
    assert failed and result["api_message"] == "Unauthorized; scope does not match"


def test_a_key_echoed_by_the_api_is_redacted(api):
    add(api, "POST", USERS_SEARCH, errors("ADMIN-UAM-401-1", 401, "bad key Bearer %s (%s)" % (KEY, KEY[:12])), status=401)
    result, failed = run_module(module, args(**TASK))
    assert failed and "ADMIN-UAM-401-1" in result["msg"]
    assert KEY[:8] not in json.dumps(result)


def test_429_without_retry_after_waits_until_the_reset(api):
    _limited(api, reset="2026-01-01T00:00:07Z")
    _found(api)
    clock = FakeClock()
    result, failed = run_module(module, args(**TASK), clock=clock)
    assert not failed, result
    assert clock.sleeps == [7.0]
    assert len(calls(api)) == 2 and calls(api)[0] == calls(api)[1]
    assert result["api_calls"] == {"total": 2, "POST": 2}
    # the rate-limit headers of the last answer that had some: the 429
    assert result["rate_limit"] == {"remaining": 0, "reset": "2026-01-01T00:00:07Z"}


def test_429_reset_as_an_offset_and_as_epoch_seconds(api):
    _limited(api, reset="2026-01-01T01:00:03+01:00")
    _limited(api, reset="1767225615")
    _found(api)
    clock = FakeClock()
    result, failed = run_module(module, args(**TASK), clock=clock)
    assert not failed
    assert clock.sleeps == [3.0, 12.0]  # the second wait counts from the end of the first one


def test_retry_after_wins_over_the_reset(api):
    _limited(api, reset="2026-01-01T00:00:07Z", retry_after="2")
    _found(api)
    clock = FakeClock()
    assert not run_module(module, args(**TASK), clock=clock)[1]
    assert clock.sleeps == [2.0]


def test_a_reset_in_the_past_falls_back_to_the_backoff(api):
    _limited(api, reset="2025-12-31T23:59:00Z")
    _found(api)
    clock = FakeClock()
    assert not run_module(module, args(**TASK), clock=clock)[1]
    assert clock.sleeps == [0.5]  # rng 0.5 * min(cap, base * 2 ** 0)


def test_a_reset_only_counts_on_a_429(api):
    add(api, "POST", USERS_SEARCH, "<html>busy</html>", status=503, headers={"X-RateLimit-Reset": "2026-01-01T00:00:07Z"})
    _found(api)
    clock = FakeClock()
    assert not run_module(module, args(**TASK), clock=clock)[1]
    assert clock.sleeps == [0.5]


def test_a_reset_beyond_the_retry_cap_gives_up_without_sleeping(api):
    _limited(api, reset="2026-01-01T00:05:00Z")  # 300 s > max_total_wait (120 s)
    clock = FakeClock()
    result, failed = run_module(module, args(**TASK), clock=clock)
    assert failed and clock.sleeps == []
    assert result["status"] == 429 and len(calls(api)) == 1
    assert result["msg"] == (
        "POST %s failed with HTTP 429: ADMIN-429-1: Rate limit exceeded (likely cause: rate limit "
        "of the organization Admin API exceeded and still refused after the retries)" % USERS_SEARCH
    )
    assert result["rate_limit"] == {"remaining": 0, "reset": "2026-01-01T00:05:00Z"}


def test_the_retry_cap_counts_the_time_already_waited(api):
    _limited(api, reset="2026-01-01T00:01:00Z")  # 60 s
    _limited(api, reset="2026-01-01T00:01:50Z")  # 50 s more: 110 s in all, within 120
    _limited(api, reset="2026-01-01T00:02:01Z")  # 11 s more would be 121 s: give up
    clock = FakeClock()
    result, failed = run_module(module, args(**TASK), clock=clock)
    assert failed and clock.sleeps == [60.0, 50.0]
    assert result["msg"].endswith("Gave up after 2 retries") and len(calls(api)) == 3


def test_max_retries_zero_does_not_retry_a_429(api):
    _limited(api, reset="2026-01-01T00:00:01Z")
    clock = FakeClock()
    result, failed = run_module(module, args(max_retries=0, **TASK), clock=clock)
    assert failed and result["status"] == 429 and clock.sleeps == [] and len(calls(api)) == 1


def test_a_membership_addition_is_sent_again_after_a_503(api):
    """Issue 19 item 7: adding a member is safe to repeat (a repeat is answered 409 and read again)."""
    add(api, "POST", USERS_SEARCH, page([user("jane")]))
    add(
        api,
        "POST",
        GROUPS_SEARCH,
        page([{"id": "0e35343a-3bbd-59e8-bdb5-d019d29449e6", "name": "devs", "directoryId": DIRECTORY}]),
    )
    path = "/admin/v2/orgs/%s/directories/%s/groups/0e35343a-3bbd-59e8-bdb5-d019d29449e6/memberships" % (ORG_ID, DIRECTORY)
    for _attempt in range(6):
        add(api, "POST", path, "<html>unavailable</html>", status=503)
    clock = FakeClock()
    result, failed = run_module(member_module, args(user="jane@acme.example", groups=["devs"]), clock=clock)
    assert failed and len(clock.sleeps) == 5 and result["status"] == 503
    assert "Gave up after 5 retries" in result["msg"]


def test_options_come_from_the_environment(api, monkeypatch):
    monkeypatch.setenv("ATLASSIAN_ORG_ID", ORG_ID)
    monkeypatch.setenv("ATLASSIAN_ADMIN_API_KEY", KEY)
    monkeypatch.setenv("ATLASSIAN_ADMIN_URL", "https://admin.example.test/")
    monkeypatch.setenv("ATLASSIAN_ADMIN_DIRECTORY_ID", DIRECTORY)
    api.add(
        "POST",
        "https://admin.example.test/admin/v2/orgs/%s/directories/%s/users/search" % (ORG_ID, DIRECTORY),
        json=page([user("jane")]),
    )
    result, failed = run_module(module, TASK)
    assert not failed, result
    assert api.calls[0].request.headers["Authorization"] == "Bearer " + KEY
    assert result["users"][0]["account_id"] == aid("jane")


def test_the_default_admin_url(api):
    _found(api)
    assert not run_module(module, args(**TASK))[1]
    assert api.calls[0].request.url == ADMIN_URL + USERS_SEARCH


@pytest.mark.parametrize(
    "options, message",
    [
        ({"org_id": None}, "org_id is required: set it or ATLASSIAN_ORG_ID"),
        ({"org_id": ""}, "org_id is required"),
        ({"org_id": "../x"}, "org_id '../x' is not an organization id"),
        (
            {"admin_api_key": None},
            "No organization API key given: set admin_api_key or the ATLASSIAN_ADMIN_API_KEY environment variable",
        ),
        ({"admin_directory_id": "a/b"}, "admin_directory_id 'a/b' is not a directory id"),
        ({"admin_url": "https://u:p4ssw0rd-value@api.atlassian.com"}, "admin_url must not hold credentials"),
        ({"timeout": 0}, "timeout must be a number of seconds greater than 0"),
    ],
)
def test_bad_connection_options_fail_before_any_request(api, options, message):
    task = dict(args(**TASK), **options)
    task = {k: v for k, v in task.items() if v is not None}
    result, failed = run_module(module, task)
    assert failed and message in result["msg"], result["msg"]
    assert calls(api) == [] and "p4ssw0rd-value" not in result["msg"]
