# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport: URLs, headers, TLS, retries (exact calls and waits), error mapping, accounting."""

from __future__ import annotations

import email.utils
import importlib.util
import sys

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.accessops.atlassian.plugins.module_utils import _transport
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AccessTokenAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    ConfigurationError,
    RateLimitedError,
    TransportError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import ApiStats, Transport, _HeaderAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._version import COLLECTION_VERSION, USER_AGENT

from .conftest import API, EPOCH

URL = API + "/workspaces/acme/members"
PATH = "/workspaces/acme/members"
RATE_TEXT = "Rate limit for this resource has been exceeded"


def _refused():
    """A ConnectionError raised before anything was sent (connection refused)."""
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, URL, reason=reason))


def _aborted():
    """A ConnectionError after the request may have been sent (connection reset mid-answer)."""
    return requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))


def _methods(mocked):
    return [c.request.method for c in mocked.calls]


# -- construction, URLs, headers, TLS ------------------------------------------------------------------


def test_user_agent_accept_and_keep_alive_session(mocked, make_transport):
    mocked.add(responses.GET, URL, json={"a": 1})
    mocked.add(responses.GET, URL, json={"a": 2})
    transport = make_transport()
    session = transport.session
    transport.get_json(PATH)
    transport.get_json(PATH)
    assert transport.session is session
    assert USER_AGENT == "accessops.atlassian/%s (+ansible-collection)" % COLLECTION_VERSION
    assert COLLECTION_VERSION == "0.2.0"
    for call in mocked.calls:
        assert call.request.headers["User-Agent"] == USER_AGENT
        assert call.request.headers["Accept"] == "application/json"
        assert call.request.req_kwargs["timeout"] == 30.0
        assert call.request.req_kwargs["verify"] is True


@pytest.mark.parametrize(
    "validate_certs, ca_path, expected",
    [
        (True, None, True),
        (False, None, False),
        (True, "CA", "CA"),
        (False, "CA", False),
    ],
)
def test_tls_settings(mocked, make_transport, tmp_path, validate_certs, ca_path, expected):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    ca = str(bundle) if ca_path else None
    expected = str(bundle) if expected == "CA" else expected
    mocked.add(responses.GET, URL, json={})
    transport = make_transport(validate_certs=validate_certs, ca_path=ca, timeout=7)
    transport.get_json(PATH)
    assert transport.session.verify == expected
    assert mocked.calls[0].request.req_kwargs["verify"] == expected
    assert mocked.calls[0].request.req_kwargs["timeout"] == 7.0


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"base_url": "api.bitbucket.org/2.0"}, "not an absolute http(s) URL"),
        ({"base_url": "ftp://x/2.0"}, "not an absolute http(s) URL"),
        ({"base_url": "https://x/2.0?a=1"}, "query string"),
        ({"ca_path": "/nonexistent/ca.pem"}, "does not exist"),
        ({"timeout": "soon"}, "number of seconds"),
        ({"timeout": 0}, "greater than 0"),
    ],
)
def test_bad_construction(make_transport, kwargs, words):
    with pytest.raises(ConfigurationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        make_transport(**kwargs)


def test_missing_requests_is_a_configuration_error(monkeypatch):
    monkeypatch.setattr(_transport, "HAS_REQUESTS", False)
    with pytest.raises(ConfigurationError, match="requests is required"):
        Transport(API, None)
    assert _transport.REQUESTS_IMPORT_ERROR is None


def test_without_requests_the_import_error_is_kept(monkeypatch):
    # load a second copy of the module while "requests" cannot be imported
    monkeypatch.setitem(sys.modules, "requests", None)
    spec = importlib.util.spec_from_file_location("_transport_without_requests", _transport.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.HAS_REQUESTS is False
    assert "import requests" in module.REQUESTS_IMPORT_ERROR
    with pytest.raises(ConfigurationError, match="requests is required"):
        module.Transport(API, None)


def test_url_for(make_transport):
    transport = make_transport()
    assert transport.url_for("/workspaces/acme") == API + "/workspaces/acme"
    assert transport.url_for("workspaces/acme") == API + "/workspaces/acme"
    absolute = API + "/workspaces/acme/members?page=2&pagelen=100"
    assert transport.url_for(absolute) == absolute
    assert Transport(API + "/", None).base_url == API


def test_absolute_url_on_another_host_is_refused(mocked, make_transport):
    transport = make_transport()
    with pytest.raises(ApiError, match="Refusing to send credentials") as info:
        transport.request("GET", "https://evil.example/2.0/x?token=abc")
    assert info.value.path == "/2.0/x"
    assert "abc" not in str(info.value)
    assert not mocked.calls


def test_token_url_host_is_allowed(make_transport, cc_auth):
    transport = make_transport(cc_auth)
    assert transport.url_for("https://bitbucket.org/site/oauth2/access_token").startswith("https://bitbucket.org/")


def test_no_auth_sends_no_authorization(mocked):
    mocked.add(responses.GET, URL, json={})
    with Transport(API, None) as transport:
        transport.get_json(PATH)
        assert transport.secrets == ()
    assert "Authorization" not in mocked.calls[0].request.headers


def test_header_auth_sets_or_removes():
    prepared = requests.Request("GET", URL, headers={"Authorization": "from netrc"}).prepare()
    assert _HeaderAuth(None)(prepared).headers.get("Authorization") is None
    assert _HeaderAuth("Bearer x")(prepared).headers["Authorization"] == "Bearer x"


def test_request_sends_params_and_json(mocked, make_transport):
    mocked.add(
        responses.PUT,
        API + "/x/y",
        json={"ok": True},
        match=[
            responses.matchers.query_param_matcher({"fields": "+values.user.email"}),
            responses.matchers.json_params_matcher({"permission": "write"}),
        ],
    )
    body = make_transport().request_json("put", "/x/y", params={"fields": "+values.user.email"}, json={"permission": "write"})
    assert body == {"ok": True}


# -- retries -------------------------------------------------------------------------------------------


def test_get_retried_on_503_with_full_jitter_backoff(mocked, make_transport, fake_clock):
    mocked.add(responses.GET, URL, status=503)
    mocked.add(responses.GET, URL, status=502)
    mocked.add(responses.GET, URL, status=504)
    mocked.add(responses.GET, URL, json={"ok": 1})
    transport = make_transport()
    assert transport.get_json(PATH) == {"ok": 1}
    # rng() = 0.5; ceilings 1, 2, 4 -> waits 0.5, 1, 2
    assert fake_clock.sleeps == [0.5, 1.0, 2.0]
    assert transport.stats.as_result() == {"total": 4, "GET": 4}


def test_429_without_retry_after_uses_backoff_then_succeeds(mocked, make_transport, fake_clock):
    mocked.add(responses.GET, URL, status=429, body=RATE_TEXT, content_type="text/plain")
    mocked.add(responses.GET, URL, json={"ok": 1})
    assert make_transport().get_json(PATH) == {"ok": 1}
    assert fake_clock.sleeps == [0.5]


def test_retry_after_seconds_is_honoured(mocked, make_transport, fake_clock):
    mocked.add(responses.GET, URL, status=429, headers={"Retry-After": "7"}, body=RATE_TEXT, content_type="text/plain")
    mocked.add(responses.GET, URL, json={})
    make_transport().get_json(PATH)
    assert fake_clock.sleeps == [7.0]


def test_retry_after_http_date_is_honoured(mocked, make_transport, fake_clock):
    when = email.utils.formatdate(EPOCH + fake_clock.monotonic + 12, usegmt=True)
    mocked.add(responses.GET, URL, status=503, headers={"Retry-After": when})
    mocked.add(responses.GET, URL, json={})
    make_transport().get_json(PATH)
    assert fake_clock.sleeps == [12.0]


def test_max_retries_exhausted_raises_rate_limited(mocked, make_transport, fake_clock):
    for _attempt in range(3):
        mocked.add(
            responses.GET,
            URL + "?q=secret-filter",
            status=429,
            body=RATE_TEXT,
            content_type="text/plain",
            match=[responses.matchers.query_string_matcher("q=secret-filter")],
        )
    transport = make_transport(max_retries=2)
    with pytest.raises(RateLimitedError) as info:
        transport.request("GET", PATH, params={"q": "secret-filter"})
    error = info.value
    assert len(mocked.calls) == 3
    assert fake_clock.sleeps == [0.5, 1.0]
    assert error.status == 429
    assert error.api_message == RATE_TEXT
    assert error.path == "/2.0/workspaces/acme/members"
    assert "secret-filter" not in str(error)
    assert "Gave up after 2 retries" in str(error)
    assert transport.stats.as_result() == {"total": 3, "GET": 3}


def test_max_retries_zero_disables_retries(mocked, make_transport, fake_clock):
    mocked.add(responses.GET, URL, status=503, body="down", content_type="text/plain")
    with pytest.raises(ApiError) as info:
        make_transport(max_retries=0).get_json(PATH)
    assert info.value.status == 503
    assert fake_clock.sleeps == []


def test_total_wait_cap_stops_a_long_retry_after(mocked, make_transport, fake_clock):
    mocked.add(responses.GET, URL, status=429, headers={"Retry-After": "3600"}, body=RATE_TEXT, content_type="text/plain")
    with pytest.raises(RateLimitedError):
        make_transport().get_json(PATH)
    assert len(mocked.calls) == 1
    assert fake_clock.sleeps == []


def test_total_wait_cap_counts_the_time_already_spent(mocked, make_transport, fake_clock):
    policy = fake_clock.policy(max_retries=10, max_total_wait=10)
    mocked.add(responses.GET, URL, status=503, headers={"Retry-After": "4"})
    mocked.add(responses.GET, URL, status=503, headers={"Retry-After": "4"})
    mocked.add(responses.GET, URL, status=503, headers={"Retry-After": "4"})
    with pytest.raises(ApiError) as info:
        make_transport(retry_policy=policy).get_json(PATH)
    # 4 + 4 = 8 s waited; a third wait would reach 12 s > 10 s
    assert fake_clock.sleeps == [4.0, 4.0]
    assert len(mocked.calls) == 3
    assert info.value.status == 503


def test_get_retried_on_connection_error(mocked, make_transport, fake_clock):
    mocked.add(responses.GET, URL, body=_aborted())
    mocked.add(responses.GET, URL, body=requests.exceptions.ReadTimeout("read timed out"))
    mocked.add(responses.GET, URL, json={"ok": True})
    transport = make_transport()
    assert transport.get_json(PATH) == {"ok": True}
    assert fake_clock.sleeps == [0.5, 1.0]
    assert transport.stats.counts == {"GET": 3}


def test_get_connection_errors_exhausted(mocked, make_transport):
    mocked.add(responses.GET, URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    mocked.add(responses.GET, URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    with pytest.raises(TransportError) as info:
        make_transport(max_retries=1).get_json(PATH)
    assert "GET /2.0/workspaces/acme/members failed after 1 retries: could not connect" in str(info.value)
    assert info.value.status is None


def test_post_not_retried_on_503(mocked, make_transport, fake_clock):
    mocked.add(responses.POST, URL, status=503, json={"type": "error", "error": {"message": "Service Unavailable"}})
    transport = make_transport()
    with pytest.raises(ApiError) as info:
        transport.request("POST", PATH, json={"a": 1})
    assert len(mocked.calls) == 1
    assert fake_clock.sleeps == []
    assert info.value.status == 503
    assert "may already have been applied" in str(info.value)


def test_post_not_retried_on_read_timeout(mocked, make_transport, fake_clock):
    mocked.add(responses.POST, URL, body=requests.exceptions.ReadTimeout("Read timed out. (read timeout=30)"))
    with pytest.raises(TransportError) as info:
        make_transport().request("POST", PATH, json={"a": 1})
    assert len(mocked.calls) == 1
    assert fake_clock.sleeps == []
    assert "may already have been applied" in str(info.value)


def test_post_not_retried_after_connection_aborted(mocked, make_transport):
    mocked.add(responses.POST, URL, body=_aborted())
    with pytest.raises(TransportError, match="not retried"):
        make_transport().request("POST", PATH, json={})
    assert len(mocked.calls) == 1


def test_post_retried_when_never_sent(mocked, make_transport, fake_clock):
    mocked.add(responses.POST, URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    mocked.add(responses.POST, URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    mocked.add(responses.POST, URL, status=201, json={"id": 1})
    response = make_transport().request("POST", PATH, json={})
    assert response.status_code == 201
    assert _methods(mocked) == ["POST"] * 3
    assert fake_clock.sleeps == [0.5, 1.0]


def test_post_retried_on_429(mocked, make_transport, fake_clock):
    mocked.add(responses.POST, URL, status=429, body=RATE_TEXT, content_type="text/plain")
    mocked.add(responses.POST, URL, status=201, json={"id": 1})
    assert make_transport().request("POST", PATH, json={}).status_code == 201
    assert fake_clock.sleeps == [0.5]


def test_patch_retried_only_when_declared_idempotent(mocked, make_transport, fake_clock):
    mocked.add(responses.PATCH, URL, status=503)
    with pytest.raises(ApiError):
        make_transport().request("PATCH", PATH, json={})
    assert len(mocked.calls) == 1
    mocked.add(responses.PATCH, URL, status=503)
    mocked.add(responses.PATCH, URL, json={"ok": 1})
    assert make_transport().request("PATCH", PATH, json={}, idempotent=True).json() == {"ok": 1}
    assert len(mocked.calls) == 3
    assert fake_clock.sleeps == [0.5]


def test_put_and_delete_retried(mocked, make_transport):
    mocked.add(responses.PUT, URL, status=502)
    mocked.add(responses.PUT, URL, json={})
    mocked.add(responses.DELETE, URL, status=504)
    mocked.add(responses.DELETE, URL, status=204)
    transport = make_transport()
    transport.request("PUT", PATH, json={})
    assert transport.request("DELETE", PATH).status_code == 204
    assert transport.stats.as_result() == {"total": 4, "DELETE": 2, "PUT": 2}


def test_ssl_error_not_retried(mocked, make_transport):
    mocked.add(responses.GET, URL, body=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(TransportError) as info:
        make_transport().get_json(PATH)
    assert len(mocked.calls) == 1
    assert "validate_certs and ca_path" in str(info.value)


def test_other_request_errors_not_retried(mocked, make_transport):
    mocked.add(responses.GET, URL, body=requests.exceptions.TooManyRedirects("Exceeded 30 redirects."))
    with pytest.raises(TransportError, match="TooManyRedirects"):
        make_transport().get_json(PATH)
    assert len(mocked.calls) == 1


def test_transport_error_hides_query_and_secrets(mocked, make_transport):
    text = "HTTPSConnectionPool(host='api.bitbucket.org'): Max retries exceeded with url: /2.0/x?access_token=abc (Caused by x)"
    mocked.add(responses.GET, URL, body=requests.exceptions.InvalidURL(text + " s3cr3t-api-token-value"))
    with pytest.raises(TransportError) as info:
        make_transport().get_json(PATH)
    message = str(info.value)
    assert "access_token=abc" not in message
    assert "s3cr3t-api-token-value" not in message
    assert "/2.0/x" in message


# -- answers -------------------------------------------------------------------------------------------


def test_malformed_json_in_2xx(mocked, make_transport):
    mocked.add(responses.GET, URL, body="{not json", content_type="application/json")
    with pytest.raises(ApiError) as info:
        make_transport().get_json(PATH)
    assert "body was not JSON" in str(info.value)
    assert info.value.status == 200
    assert info.value.path == "/2.0/workspaces/acme/members"


def test_empty_and_non_object_bodies(mocked, make_transport):
    mocked.add(responses.GET, URL, body="")
    mocked.add(responses.GET, URL, json=[1, 2])
    mocked.add(responses.DELETE, URL, status=204)
    transport = make_transport()
    assert transport.get_json(PATH) == {}
    with pytest.raises(ApiError, match="JSON list where an object was expected"):
        transport.get_json(PATH)
    assert transport.request_json("DELETE", PATH) is None


def test_allow_returns_instead_of_raising(mocked, make_transport):
    mocked.add(responses.GET, URL, status=404, json={"type": "error", "error": {"message": "Not found"}})
    mocked.add(responses.GET, URL, status=404, json={"type": "error", "error": {"message": "Not found"}})
    transport = make_transport()
    assert transport.request("GET", PATH, allow=(404,)).status_code == 404
    with pytest.raises(ApiError):
        transport.request("GET", PATH)


def test_server_error_echoing_credentials_is_redacted(mocked, make_transport, bearer_auth):
    echo = {
        "type": "error",
        "error": {
            "message": "Bad header Authorization: Bearer bearer-secret-token-0123456789",
            "detail": "token=bearer-secret-token-0123456789",
        },
    }
    mocked.add(responses.GET, URL, status=400, json=echo)
    with pytest.raises(ApiError) as info:
        make_transport(bearer_auth).get_json(PATH)
    error = info.value
    for text in (str(error), error.api_message, repr(error.body), repr(error.as_result())):
        assert "bearer-secret-token-0123456789" not in text
    assert error.status == 400


# -- accounting ----------------------------------------------------------------------------------------


def test_rate_limit_headers_and_single_warning(mocked, make_transport, warnings):
    headers = {"X-RateLimit-Limit": "10000", "X-RateLimit-Resource": "api-repositories", "X-RateLimit-NearLimit": "true"}
    mocked.add(responses.GET, URL, json={}, headers=dict(headers, **{"X-RateLimit-NearLimit": "false"}))
    mocked.add(responses.GET, URL, json={}, headers=headers)
    mocked.add(responses.GET, URL, json={}, headers=headers)
    transport = make_transport(AccessTokenAuth("x"))
    transport.get_json(PATH)
    assert transport.stats.rate_limit == {"limit": 10000, "resource": "api-repositories", "near_limit": False}
    assert warnings == []
    transport.get_json(PATH)
    transport.get_json(PATH)
    assert transport.stats.rate_limit == {"limit": 10000, "resource": "api-repositories", "near_limit": True}
    assert len(warnings) == 1
    assert "near its rate limit" in warnings[0]


def test_no_rate_limit_headers_gives_empty_dict(mocked, make_transport):
    mocked.add(responses.GET, URL, json={})
    transport = make_transport()
    transport.get_json(PATH)
    assert transport.stats.rate_limit == {}


def test_near_limit_without_warn_callback(mocked):
    mocked.add(responses.GET, URL, json={}, headers={"X-RateLimit-NearLimit": "True", "X-RateLimit-Limit": "many"})
    transport = Transport(API, None)
    transport.get_json(PATH)
    assert transport.stats.rate_limit == {"limit": None, "resource": None, "near_limit": True}


def test_api_stats():
    stats = ApiStats()
    assert stats.as_result() == {"total": 0}
    for method in ("GET", "PUT", "GET", "DELETE"):
        stats.record(method)
    assert stats.counts == {"GET": 2, "PUT": 1, "DELETE": 1}
    assert stats.total == 4
    assert stats.as_result() == {"total": 4, "DELETE": 1, "GET": 2, "PUT": 1}
    assert list(stats.as_result()) == ["total", "DELETE", "GET", "PUT"]


# -- issue 19: fail fast when the host cannot be reached; whether an earlier attempt may have been applied ------------


def _dns_error():
    from urllib3.exceptions import NameResolutionError

    reason = NameResolutionError("api.bitbucket.org", None, OSError(-2, "Name or service not known"))
    return requests.exceptions.ConnectionError(MaxRetryError(None, URL, reason=reason))


@pytest.mark.parametrize("error, words", [(_dns_error, "name or service not known"), (_refused, "connection refused")])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unreachable_host_fails_at_once_naming_it(mocked, make_transport, fake_clock, error, words, method):
    mocked.add(method, URL, body=error())
    with pytest.raises(TransportError) as info:
        make_transport(url_hint="api_url / BITBUCKET_API_URL").request(method, PATH)
    assert len(mocked.calls) == 1 and fake_clock.sleeps == []
    message = str(info.value)
    assert "cannot reach api.bitbucket.org: %s (check api_url / BITBUCKET_API_URL)" % words in message
    assert "://" not in message


def test_maybe_applied_is_said_after_a_cut_connection_only(mocked, make_transport, fake_clock):
    transport = make_transport()
    mocked.add(responses.DELETE, URL, body=_aborted())
    mocked.add(responses.DELETE, URL, status=204)
    transport.request("DELETE", PATH)
    assert transport.last_maybe_applied is True
    mocked.add(responses.DELETE, URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    mocked.add(responses.DELETE, URL, status=503)
    mocked.add(responses.DELETE, URL, status=204)
    transport.request("DELETE", PATH)
    assert transport.last_maybe_applied is False
    mocked.add(responses.DELETE, URL, body=requests.exceptions.ReadTimeout("read timed out"))
    mocked.add(responses.DELETE, URL, status=204)
    transport.request("DELETE", PATH)
    assert transport.last_maybe_applied is True
