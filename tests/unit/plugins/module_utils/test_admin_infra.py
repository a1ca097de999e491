# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Admin API added to the shared layers: cursor pagination, X-RateLimit-Reset, the Admin error bodies,
rate-limit accounting, and the connection options."""

from __future__ import annotations

import json
import math

import pytest

from ansible.module_utils.basic import env_fallback

from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import ApiStats
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import (
    DEFAULT_ADMIN_URL,
    admin_argument_spec,
    admin_client,
    admin_settings,
    admin_transport_from_params,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.writes import ALL_DIRECTORIES
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AdminKeyAuth, admin_auth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    RateLimitedError,
    api_error_codes,
    error_from_response,
    parse_error_body,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._pagination import iter_admin_values
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy, parse_rate_limit_reset

BASE = "https://api.atlassian.com/admin"
KEY = "admin-key-0123456789abcdef"
NOW = 1767225600.0  # 2026-01-01T00:00:00Z


@pytest.fixture
def transport(make_transport):
    return make_transport(auth=AdminKeyAuth(KEY), base_url=BASE)


def _bodies(mocked):
    return [json.loads(c.request.body) if c.request.body else None for c in mocked.calls]


# -- iter_admin_values -----------------------------------------------------------------------------------------------


def test_post_search_resends_the_filters_with_the_cursor(transport, mocked):
    mocked.add("POST", BASE + "/s", json={"data": [1, 2], "links": {"self": "c1", "next": "c2"}})
    mocked.add("POST", BASE + "/s", json={"data": [3], "links": {"self": "c2", "prev": "c1"}})
    assert list(iter_admin_values(transport, "s", body={"emails": ["a@b.example"]}, limit=2)) == [1, 2, 3]
    assert _bodies(mocked) == [{"emails": ["a@b.example"], "limit": 2}, {"emails": ["a@b.example"], "limit": 2, "cursor": "c2"}]


def test_get_listing_sends_the_limit_then_the_cursor_alone(transport, mocked):
    mocked.add("GET", BASE + "/l", json={"data": ["a"], "links": {"next": "c=2&x"}})
    mocked.add("GET", BASE + "/l", json={"data": ["b"]})
    assert list(iter_admin_values(transport, "l", method="GET")) == ["a", "b"]
    assert [c.request.url for c in mocked.calls] == [BASE + "/l?limit=100", BASE + "/l?cursor=c%3D2%26x"]


def test_a_repeated_cursor_stops_with_a_warning(transport, mocked, warnings):
    mocked.add("POST", BASE + "/s", json={"data": [1], "links": {"next": "c2"}})
    mocked.add("POST", BASE + "/s", json={"data": [2], "links": {"next": "c2"}})
    assert list(iter_admin_values(transport, "s")) == [1, 2]
    assert warnings == ["Pagination of /admin/s stopped: the API repeated a cursor"]
    assert len(mocked.calls) == 2


def test_an_empty_page_with_a_next_cursor_stops_with_a_warning(transport, mocked, warnings):
    mocked.add("POST", BASE + "/s", json={"data": [], "links": {"next": "c2"}})
    assert list(iter_admin_values(transport, "s")) == []
    assert warnings == ["Pagination of /admin/s stopped: an empty page still had a next cursor"]


@pytest.mark.parametrize("links", [None, "c2", {"next": ""}, {"next": 2}, {"next": None}])
def test_no_usable_next_cursor_is_the_last_page(transport, mocked, warnings, links):
    mocked.add("POST", BASE + "/s", json={"data": [1], "links": links})
    assert list(iter_admin_values(transport, "s")) == [1] and warnings == []


@pytest.mark.parametrize("body", [{"values": []}, {"data": {"a": 1}}, [1, 2], {"data": None}])
def test_a_page_without_a_data_list_is_an_error(transport, mocked, body):
    mocked.add("POST", BASE + "/s", json=body)
    with pytest.raises(ApiError, match="^POST /admin/s answered a page without a data list$") as caught:
        list(iter_admin_values(transport, "s"))
    assert caught.value.status == 200


def test_an_empty_body_is_an_error_too(transport, mocked):
    mocked.add("GET", BASE + "/l", body="")
    with pytest.raises(ApiError, match="without a data list"):
        list(iter_admin_values(transport, "l", method="GET"))


def test_a_search_page_is_read_again_after_a_503(transport, mocked, fake_clock):
    """A search is a read, though it is a POST."""
    mocked.add("POST", BASE + "/s", status=503)
    mocked.add("POST", BASE + "/s", json={"data": [1]})
    assert list(iter_admin_values(transport, "s")) == [1] and fake_clock.sleeps == [0.5]


# -- X-RateLimit-Reset -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-01-01T00:00:07Z", 7.0),
        ("2026-01-01T00:00:07z", 7.0),
        ("2026-01-01T00:00:07.5Z", 7.5),
        ("2026-01-01T02:00:30+02:00", 30.0),
        (" 2026-01-01T00:01:00Z ", 60.0),
        ("1767225610", 10.0),
        ("1767225610.25", 10.25),
        (1767225620, 20.0),
        ("2026-01-01T00:00:00Z", None),  # now: nothing to wait
        ("2025-12-31T23:00:00Z", None),  # past
        ("2026-01-01T00:00:07", None),  # no time zone: unreadable
        ("7", None),  # a delay is not an epoch time
        ("nan", None),
        ("inf", None),
        ("-1", None),
        ("soon", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_rate_limit_reset(value, expected):
    assert parse_rate_limit_reset(value, now=NOW) == expected


def test_parse_rate_limit_reset_uses_the_wall_clock_by_default():
    wait = parse_rate_limit_reset("4102444800")  # 2100-01-01
    assert wait is not None and wait > 0 and math.isfinite(wait)


def _policy(**kwargs):
    return RetryPolicy(max_retries=3, rng=lambda: 0.5, now=lambda: NOW, **kwargs)


def test_next_delay_honours_the_reset_when_retry_after_is_missing_or_unreadable():
    policy = _policy()
    assert policy.next_delay(0, 0, reset_at="2026-01-01T00:00:09Z") == 9.0
    assert policy.next_delay(0, 0, retry_after="soon", reset_at="2026-01-01T00:00:09Z") == 9.0
    assert policy.next_delay(0, 0, retry_after="3", reset_at="2026-01-01T00:00:09Z") == 3.0
    assert policy.next_delay(1, 0, reset_at="garbage") == 1.0  # backoff: 0.5 * min(30, 2)


def test_next_delay_keeps_the_reset_within_the_caps():
    policy = _policy(max_total_wait=100)
    assert policy.next_delay(0, 0, reset_at="2026-01-01T00:01:40Z") == 100.0
    assert policy.next_delay(0, 0, reset_at="2026-01-01T00:01:41Z") is None
    assert policy.next_delay(0, 50, reset_at="2026-01-01T00:00:51Z") is None
    assert policy.next_delay(3, 0, reset_at="2026-01-01T00:00:01Z") is None  # max_retries reached


def test_transport_passes_the_reset_of_a_429_only(make_transport, mocked):
    sleeps = []
    policy = RetryPolicy(max_retries=2, sleep=sleeps.append, clock=lambda: 0.0, now=lambda: NOW, rng=lambda: 0.25)
    transport = make_transport(auth=AdminKeyAuth(KEY), base_url=BASE, retry_policy=policy)
    reset = {"X-RateLimit-Reset": "2026-01-01T00:00:05Z"}
    mocked.add("GET", BASE + "/x", status=429, headers=reset)
    mocked.add("GET", BASE + "/x", status=503, headers=reset)
    mocked.add("GET", BASE + "/x", json={"ok": True})
    assert transport.get_json("x") == {"ok": True}
    assert sleeps == [5.0, 0.5]  # the 503: backoff 0.25 * min(30, 2)


# -- error bodies ----------------------------------------------------------------------------------------------------


def _parsed(body):
    return parse_error_body(json.dumps(body) if not isinstance(body, str) else body)


@pytest.mark.parametrize(
    "body, message, codes",
    [
        (
            {
                "errors": [
                    {
                        "id": "1",
                        "code": "ADMIN-UAM-404-1",
                        "status": "404",
                        "title": "Unknown Resource",
                        "detail": "One or more user not found in the directory",
                    }
                ]
            },
            "ADMIN-UAM-404-1: One or more user not found in the directory",
            ["ADMIN-UAM-404-1"],
        ),
        (
            {"errors": [{"code": "ADMIN-UAM-400-1", "title": "Bad Request"}, {"code": "ADMIN-UAM-400-3", "detail": "role"}]},
            "ADMIN-UAM-400-1: Bad Request; ADMIN-UAM-400-3: role",
            ["ADMIN-UAM-400-1", "ADMIN-UAM-400-3"],
        ),
        ({"errors": [{"code": "ADMIN-UAM-500-1"}]}, "ADMIN-UAM-500-1", ["ADMIN-UAM-500-1"]),
        ({"errors": [{"detail": "no code"}]}, "no code", []),
        ({"errors": [{"message": "a message"}, None, "plain"]}, "a message; plain", []),
        (
            {"errors": [{"code": "E%d" % i, "detail": "d"} for i in range(7)]},
            "; ".join("E%d: d" % i for i in range(5)),
            ["E%d" % i for i in range(7)],
        ),
        ({"errors": [{}]}, None, []),
        ({"errors": []}, None, []),
        # the v1 proxy body
        ({"code": 401, "message": "Unauthorized"}, "Unauthorized", ["401"]),
        ({"code": "ADMIN-401-2", "message": "INSUFFICIENT_SCOPE"}, "INSUFFICIENT_SCOPE", ["ADMIN-401-2"]),
        # the gateway's envelope
        (
            {
                "timestamp": "2026-01-01T00:00:00Z",
                "path": "/admin/v2/orgs/x",
                "status": 404,
                "error": "Not Found",
                "requestId": "r-1",
                "message": "TCS validation failed",
            },
            "Not Found: TCS validation failed",
            [],
        ),
        ({"error": "Not Found", "message": ""}, "Not Found", []),
        ({"code": {"nested": 1}, "message": "m"}, "m", []),
    ],
)
def test_admin_error_bodies(body, message, codes):
    parsed, api_message, scim_type = _parsed(body)
    assert parsed == body and api_message == message and scim_type is None
    assert api_error_codes(parsed) == codes


@pytest.mark.parametrize("body", ["not json", [1, 2], None, {"a": 1}])
def test_error_codes_of_other_bodies_are_empty(body):
    assert api_error_codes(body) == []


def test_api_error_codes_and_redaction():
    text = json.dumps({"errors": [{"code": "ADMIN-UAM-401-1", "detail": "key %s rejected" % KEY}]})
    err = error_from_response(
        401, text, "POST", "/admin/v2/orgs/o/directories/-/users/search", secrets=(KEY,), auth_kind="admin_api_key"
    )
    assert isinstance(err, AuthenticationError) and err.codes == ["ADMIN-UAM-401-1"]
    assert KEY not in str(err) and KEY not in json.dumps(err.body) and KEY[:8] not in err.api_message
    assert str(err).startswith(
        "POST /admin/v2/orgs/o/directories/-/users/search failed with HTTP 401: ADMIN-UAM-401-1: "
        "key ******** rejected (likely cause: the organization API key (admin_api_key) is invalid"
    )
    assert ApiError("x").codes == []


@pytest.mark.parametrize(
    "status, kind, hint",
    [
        (403, "admin_api_key", "is a key with scopes (writes need an API key without scopes)"),
        (429, "admin_api_key", "rate limit of the organization Admin API exceeded and still refused after the retries"),
        (429, "scim_token", "rate limit of the user provisioning API exceeded"),
        (429, "api_token", "Bitbucket allows about 1,000 requests per hour per user"),
    ],
)
def test_hints(status, kind, hint):
    err = error_from_response(status, "{}", "GET", "/p", auth_kind=kind)
    assert hint in str(err)
    if status == 429:
        assert isinstance(err, RateLimitedError)


# -- accounting ------------------------------------------------------------------------------------------------------


def test_admin_rate_limit_headers_are_remembered():
    stats = ApiStats()
    assert stats.observe({}) is False and stats.rate_limit == {}
    assert stats.observe({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-01-01T00:00:07Z"}) is False
    assert stats.rate_limit == {"remaining": 0, "reset": "2026-01-01T00:00:07Z"}
    stats.observe({"X-RateLimit-Remaining": "many"})
    assert stats.rate_limit == {"remaining": None, "reset": None}
    stats.observe({"X-RateLimit-Reset": "x" * 100})
    assert stats.rate_limit == {"remaining": None, "reset": "x" * 64}
    stats.observe({"Content-Type": "application/json"})  # an answer without them keeps the last ones
    assert stats.rate_limit == {"remaining": None, "reset": "x" * 64}


def test_bitbucket_headers_still_win():
    stats = ApiStats()
    assert stats.observe({"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "3", "X-RateLimit-NearLimit": "true"})
    assert stats.rate_limit == {"limit": 1000, "resource": None, "near_limit": True}


# -- connection options ----------------------------------------------------------------------------------------------


def test_admin_argument_spec():
    spec = admin_argument_spec()
    assert spec is not admin_argument_spec()
    assert spec["admin_api_key"]["no_log"] is True
    assert spec["admin_url"]["default"] == DEFAULT_ADMIN_URL and spec["admin_directory_id"]["default"] == "-"
    assert spec["org_id"].get("required") is not True  # required in code: the message names the variable
    variables = {name: option["fallback"][1] for name, option in spec.items() if "fallback" in option}
    assert all(spec[name]["fallback"][0] is env_fallback for name in variables)
    assert variables == {
        "admin_url": ["ATLASSIAN_ADMIN_URL"],
        "org_id": ["ATLASSIAN_ORG_ID"],
        "admin_api_key": ["ATLASSIAN_ADMIN_API_KEY"],
        "admin_directory_id": ["ATLASSIAN_ADMIN_DIRECTORY_ID"],
        "validate_certs": ["ATLASSIAN_ADMIN_VALIDATE_CERTS"],
        "ca_path": ["ATLASSIAN_ADMIN_CA_PATH"],
        "timeout": ["ATLASSIAN_ADMIN_TIMEOUT"],
        "max_retries": ["ATLASSIAN_ADMIN_MAX_RETRIES"],
        "plan_journal": ["ACCESSOPS_PLAN_JOURNAL"],
    }


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"org_id": "org-1"}, ("org-1", ALL_DIRECTORIES)),
        ({"org_id": " org-1 ", "admin_directory_id": None}, ("org-1", ALL_DIRECTORIES)),
        ({"org_id": "org-1", "admin_directory_id": "-"}, ("org-1", "-")),
        (
            {"org_id": "org-1", "admin_directory_id": "2ef0f675-904a-5eed-949f-2d150ffd0457"},
            ("org-1", "2ef0f675-904a-5eed-949f-2d150ffd0457"),
        ),
        ({"org_id": "o.r~g_1", "admin_directory_id": "--"}, ("o.r~g_1", "--")),
    ],
)
def test_admin_settings(params, expected):
    assert admin_settings(params) == expected


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "org_id is required: set it or ATLASSIAN_ORG_ID"),
        ({"org_id": ""}, "org_id is required"),
        ({"org_id": "  "}, "org_id is empty"),
        ({"org_id": ".."}, "org_id '..' is not an organization id"),
        ({"org_id": "a/b"}, "org_id 'a/b' is not an organization id"),
        ({"org_id": "org\n"}, "org_id holds a line break"),
        ({"org_id": 42}, "org_id must be a string"),
        ({"org_id": "org-1", "admin_directory_id": ""}, "admin_directory_id is empty"),
        ({"org_id": "org-1", "admin_directory_id": "."}, "admin_directory_id '.' is not a directory id"),
        ({"org_id": "org-1", "admin_directory_id": "%2e"}, "admin_directory_id '%2e' is not a directory id"),
    ],
)
def test_admin_settings_refused(params, message):
    with pytest.raises(ConfigurationError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        admin_settings(params)


def test_admin_transport_from_params():
    params = {
        "org_id": "org-1",
        "admin_api_key": KEY,
        "admin_url": "https://admin.example.test/",
        "timeout": 5.0,
        "max_retries": 2,
        "validate_certs": True,
    }
    transport = admin_transport_from_params(params)
    assert transport.base_url == "https://admin.example.test/admin"
    assert transport.auth_kind == "admin_api_key" and transport.secrets == (KEY,)
    assert transport.timeout == 5.0 and transport.retry_policy.max_retries == 2
    assert admin_transport_from_params({"org_id": "o", "admin_api_key": KEY}).base_url == DEFAULT_ADMIN_URL + "/admin"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"org_id": "o"}, "No organization API key given: set admin_api_key or the ATLASSIAN_ADMIN_API_KEY environment"),
        ({"org_id": "o", "admin_api_key": ""}, "No organization API key given"),
        ({"org_id": "o", "admin_api_key": KEY + "\n"}, "admin_api_key holds characters a credential cannot have"),
        ({"admin_api_key": KEY}, "org_id is required"),
        ({"org_id": "o", "admin_api_key": KEY, "admin_url": ""}, "admin_url is empty"),
        ({"org_id": "o", "admin_api_key": KEY, "admin_url": "https://u:pw@x.example"}, "admin_url must not hold credentials"),
        ({"org_id": "o", "admin_api_key": KEY, "max_retries": 21}, "max_retries must be a whole number from 0 to 20"),
    ],
)
def test_admin_transport_from_params_refused(params, message):
    with pytest.raises(ConfigurationError, match="^" + message):
        admin_transport_from_params(params)


def test_admin_auth():
    auth = admin_auth(KEY)
    assert isinstance(auth, AdminKeyAuth) and auth.kind == "admin_api_key"
    assert auth.header(None) == "Bearer " + KEY
    with pytest.raises(ConfigurationError, match="ATLASSIAN_ADMIN_API_KEY"):
        admin_auth(None)


def test_admin_client_of_a_task():
    warned = []
    client = admin_client(
        {"org_id": "org-1", "admin_api_key": KEY, "admin_directory_id": "d1", "admin_url": "http://admin.example.test"},
        warned.append,
    )
    assert client.org_id == "org-1" and client.directory_id == "d1"
    assert client.transport.base_url == "http://admin.example.test/admin"
    assert warned and "plain http://" in warned[0]
    client.close()
