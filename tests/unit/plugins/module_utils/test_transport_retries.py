# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport retries: which requests are retried (exact calls and waits), the wait caps, which errors are not
retried, failing fast when the host cannot be reached, and whether an earlier attempt may have been applied."""

from __future__ import annotations

import email.utils

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, RateLimitedError, TransportError

from .conftest import EPOCH
from .test_transport import PATH, URL

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
