# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication methods: the exact HTTP calls each one makes, in order."""

from __future__ import annotations

import base64
import threading
from urllib.parse import parse_qs

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils._auth import (
    DEFAULT_TOKEN_URL,
    AccessTokenAuth,
    ApiTokenAuth,
    ScimTokenAuth,
    basic_header,
    bitbucket_auth,
    scim_auth,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    RateLimitedError,
)

from .conftest import API, SCIM, TOKEN_URL

MEMBERS = API + "/workspaces/acme/members"
TOKEN_BODY = {
    "access_token": "oauth-access-token-AAAA1111",
    "token_type": "bearer",
    "expires_in": 7200,
    "scopes": "account",
    "state": "client_credentials",
}


def _basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def test_api_token_sends_basic_with_email_and_token(mocked, make_transport):
    mocked.add(responses.GET, MEMBERS, json={"values": []})
    transport = make_transport(ApiTokenAuth("admin@acme.example", "tok-123"))
    transport.get_json("/workspaces/acme/members")
    assert len(mocked.calls) == 1
    assert mocked.calls[0].request.headers["Authorization"] == "Basic YWRtaW5AYWNtZS5leGFtcGxlOnRvay0xMjM="
    assert mocked.calls[0].request.headers["Authorization"] == _basic("admin@acme.example", "tok-123")
    assert transport.auth_kind == "api_token"


def test_api_token_secrets_cover_the_basic_form():
    auth = ApiTokenAuth("admin@acme.example", "tok-123")
    assert auth.kind == "api_token"
    assert "tok-123" in auth.secrets
    assert "admin@acme.example:tok-123" in auth.secrets
    assert basic_header("a", "b") == "Basic YTpi"


def test_access_token_sends_bearer(mocked, make_transport):
    mocked.add(responses.GET, MEMBERS, json={"values": []})
    transport = make_transport(AccessTokenAuth("wat-secret"))
    transport.get_json("/workspaces/acme/members")
    assert mocked.calls[0].request.headers["Authorization"] == "Bearer wat-secret"
    assert transport.auth.kind == "access_token"
    assert transport.auth.secrets == ("wat-secret",)


def test_scim_token_sends_bearer(mocked, make_transport):
    mocked.add(responses.GET, SCIM + "/Users", json={"Resources": []})
    transport = make_transport(ScimTokenAuth("scim-key"), base_url=SCIM)
    transport.get_json("/Users")
    assert mocked.calls[0].request.headers["Authorization"] == "Bearer scim-key"
    assert transport.auth.kind == "scim_token"


def test_access_token_401_is_not_retried(mocked, make_transport):
    mocked.add(responses.GET, MEMBERS, status=401, json={"type": "error", "error": {"message": "Unauthorized"}})
    transport = make_transport(AccessTokenAuth("wat-secret"))
    with pytest.raises(AuthenticationError) as info:
        transport.get_json("/workspaces/acme/members")
    assert len(mocked.calls) == 1
    assert "access token is invalid, expired or revoked" in str(info.value)


def test_client_credentials_fetches_token_then_uses_bearer(mocked, make_transport, cc_auth):
    mocked.add(responses.POST, TOKEN_URL, json=TOKEN_BODY)
    mocked.add(responses.GET, MEMBERS, json={"values": [1]})
    mocked.add(responses.GET, MEMBERS, json={"values": [2]})
    transport = make_transport(cc_auth)
    assert transport.get_json("/workspaces/acme/members") == {"values": [1]}
    assert transport.get_json("/workspaces/acme/members") == {"values": [2]}
    token_request = mocked.calls[0].request
    assert token_request.method == "POST"
    assert token_request.url == TOKEN_URL
    assert token_request.headers["Authorization"] == _basic("my-client-id", "my-client-secret-0123456789")
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token_request.body) == {"grant_type": ["client_credentials"]}
    # the token is cached: fetched once, used for both calls
    assert [c.request.headers["Authorization"] for c in mocked.calls[1:]] == ["Bearer oauth-access-token-AAAA1111"] * 2
    assert cc_auth.fetch_count == 1
    # the token POST is counted
    assert transport.stats.as_result() == {"total": 3, "GET": 2, "POST": 1}
    assert "oauth-access-token-AAAA1111" in cc_auth.secrets


def test_client_credentials_401_fetches_token_again_once_and_retries(mocked, make_transport, cc_auth):
    mocked.add(responses.POST, TOKEN_URL, json=TOKEN_BODY)
    mocked.add(responses.GET, MEMBERS, status=401, json={"type": "error", "error": {"message": "Access token expired."}})
    mocked.add(responses.POST, TOKEN_URL, json=dict(TOKEN_BODY, access_token="oauth-access-token-BBBB2222"))
    mocked.add(responses.GET, MEMBERS, json={"values": ["ok"]})
    transport = make_transport(cc_auth)
    assert transport.get_json("/workspaces/acme/members") == {"values": ["ok"]}
    assert [(c.request.method, c.request.url) for c in mocked.calls] == [
        ("POST", TOKEN_URL),
        ("GET", MEMBERS),
        ("POST", TOKEN_URL),
        ("GET", MEMBERS),
    ]
    assert mocked.calls[1].request.headers["Authorization"] == "Bearer oauth-access-token-AAAA1111"
    assert mocked.calls[3].request.headers["Authorization"] == "Bearer oauth-access-token-BBBB2222"
    assert cc_auth.fetch_count == 2


def test_client_credentials_second_401_raises(mocked, make_transport, cc_auth):
    mocked.add(responses.POST, TOKEN_URL, json=TOKEN_BODY)
    mocked.add(responses.GET, MEMBERS, status=401, json={"type": "error", "error": {"message": "Unauthorized"}})
    mocked.add(responses.POST, TOKEN_URL, json=dict(TOKEN_BODY, access_token="oauth-access-token-BBBB2222"))
    mocked.add(responses.GET, MEMBERS, status=401, json={"type": "error", "error": {"message": "Unauthorized"}})
    transport = make_transport(cc_auth)
    with pytest.raises(AuthenticationError) as info:
        transport.get_json("/workspaces/acme/members")
    assert len(mocked.calls) == 4
    assert info.value.status == 401
    assert info.value.method == "GET"
    assert info.value.path == "/2.0/workspaces/acme/members"
    assert "OAuth access token" in str(info.value)
    assert "oauth-access-token" not in str(info.value)


def test_client_credentials_rejected_by_token_endpoint(mocked, make_transport, cc_auth):
    mocked.add(
        responses.POST,
        TOKEN_URL,
        status=400,
        json={"error": "invalid_client", "error_description": "Invalid OAuth client credentials"},
    )
    transport = make_transport(cc_auth)
    with pytest.raises(AuthenticationError) as info:
        transport.get_json("/workspaces/acme/members")
    assert len(mocked.calls) == 1
    message = str(info.value)
    assert "invalid_client: Invalid OAuth client credentials" in message
    assert "client_id and client_secret" in message
    assert "my-client-secret" not in message
    assert info.value.path == "/site/oauth2/access_token"


def test_client_credentials_token_endpoint_without_token(mocked, make_transport, cc_auth):
    mocked.add(responses.POST, TOKEN_URL, body="<html>oops</html>", content_type="text/html")
    with pytest.raises(ApiError) as info:
        make_transport(cc_auth).get_json("/workspaces/acme/members")
    assert "without an access_token" in str(info.value)


def test_client_credentials_token_endpoint_rate_limited(mocked, make_transport, cc_auth, fake_clock):
    # the token request is retried on 429 like any request, then mapped
    mocked.add(
        responses.POST, TOKEN_URL, status=429, body="Rate limit for this resource has been exceeded", content_type="text/plain"
    )
    mocked.add(
        responses.POST, TOKEN_URL, status=429, body="Rate limit for this resource has been exceeded", content_type="text/plain"
    )
    with pytest.raises(RateLimitedError):
        make_transport(cc_auth, max_retries=1).get_json("/workspaces/acme/members")
    assert len(fake_clock.sleeps) == 1


def test_client_credentials_token_is_fetched_again_after_expiry(mocked, make_transport, cc_auth, fake_clock):
    mocked.add(responses.POST, TOKEN_URL, json=dict(TOKEN_BODY, expires_in=3600))
    mocked.add(responses.GET, MEMBERS, json={})
    mocked.add(responses.POST, TOKEN_URL, json=dict(TOKEN_BODY, access_token="oauth-access-token-CCCC", expires_in=3600))
    mocked.add(responses.GET, MEMBERS, json={})
    transport = make_transport(cc_auth)
    transport.get_json("/workspaces/acme/members")
    fake_clock.monotonic += 3600 - 60  # within the safety margin
    transport.get_json("/workspaces/acme/members")
    assert mocked.calls[3].request.headers["Authorization"] == "Bearer oauth-access-token-CCCC"


def test_client_credentials_without_expires_in_is_kept(mocked, make_transport, cc_auth, fake_clock):
    body = dict(TOKEN_BODY)
    del body["expires_in"]
    mocked.add(responses.POST, TOKEN_URL, json=body)
    mocked.add(responses.GET, MEMBERS, json={})
    mocked.add(responses.GET, MEMBERS, json={})
    transport = make_transport(cc_auth)
    transport.get_json("/workspaces/acme/members")
    fake_clock.monotonic += 100000
    transport.get_json("/workspaces/acme/members")
    assert cc_auth.fetch_count == 1


def test_bitbucket_auth_picks_each_method():
    assert bitbucket_auth(username="a@b.c", api_token="t").kind == "api_token"
    assert bitbucket_auth(access_token="t").kind == "access_token"
    auth = bitbucket_auth(client_id="i", client_secret="s")
    assert auth.kind == "client_credentials"
    assert auth.token_url == DEFAULT_TOKEN_URL
    assert bitbucket_auth(client_id="i", client_secret="s", token_url="http://127.0.0.1/t").token_url == "http://127.0.0.1/t"
    # empty strings (an unset environment variable) mean "not given"
    assert bitbucket_auth(username="", api_token="", access_token="t", client_id="").kind == "access_token"


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (
            {},
            [
                "No Bitbucket credentials",
                "username + api_token",
                "access_token",
                "client_id + client_secret",
                "BITBUCKET_ACCESS_TOKEN",
            ],
        ),
        ({"username": "a@b.c", "api_token": "t", "access_token": "x"}, ["Several", "username + api_token, access_token"]),
        ({"access_token": "x", "client_id": "i", "client_secret": "s"}, ["Several", "access_token, client_id + client_secret"]),
        ({"username": "a@b.c"}, ["username and api_token must be given together"]),
        ({"api_token": "t"}, ["username and api_token must be given together"]),
        ({"client_id": "i"}, ["client_id and client_secret must be given together"]),
        ({"client_secret": "s"}, ["client_id and client_secret must be given together"]),
    ],
)
def test_bitbucket_auth_configuration_errors(kwargs, words):
    with pytest.raises(ConfigurationError) as info:
        bitbucket_auth(**kwargs)
    for word in words:
        assert word in str(info.value)


def test_scim_auth():
    assert scim_auth("k").kind == "scim_token"
    with pytest.raises(ConfigurationError, match="ATLASSIAN_SCIM_TOKEN"):
        scim_auth(None)


def test_base_auth_interface():
    from ansible_collections.accessops.atlassian.plugins.module_utils._auth import _Auth

    auth = _Auth()
    assert auth.secrets == ()
    assert auth.invalidate() is None
    with pytest.raises(NotImplementedError):
        auth.header(None)


def test_client_credentials_invalidate_ignores_a_stale_header(mocked, make_transport, cc_auth):
    mocked.add(responses.POST, TOKEN_URL, json=TOKEN_BODY)
    transport = make_transport(cc_auth)
    assert cc_auth.header(transport) == "Bearer oauth-access-token-AAAA1111"
    cc_auth.invalidate("Bearer some-older-token")  # another thread already replaced that one
    assert cc_auth.header(transport) == "Bearer oauth-access-token-AAAA1111"
    cc_auth.invalidate("Bearer oauth-access-token-AAAA1111")
    mocked.add(responses.POST, TOKEN_URL, json=dict(TOKEN_BODY, access_token="oauth-access-token-BBBB2222"))
    assert cc_auth.header(transport) == "Bearer oauth-access-token-BBBB2222"
    assert cc_auth.fetch_count == 2


def test_client_credentials_shared_between_threads_fetches_once(mocked, make_transport, cc_auth):
    mocked.add(responses.POST, TOKEN_URL, json=TOKEN_BODY)
    transports = [make_transport(cc_auth) for dummy in range(6)]
    barrier = threading.Barrier(len(transports))
    headers = []

    def work(transport):
        barrier.wait(timeout=10)
        headers.append(cc_auth.header(transport))

    threads = [threading.Thread(target=work, args=(t,)) for t in transports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert headers == ["Bearer oauth-access-token-AAAA1111"] * 6
    assert cc_auth.fetch_count == 1
    assert len(mocked.calls) == 1


@pytest.mark.parametrize("bad", ["SuperSecretTokenValue\u2019X", "token-with-newline\n", "two words", "tab\there"])
def test_tokens_that_cannot_go_in_a_header_are_refused_without_echoing_them(bad):
    with pytest.raises(ConfigurationError) as caught:
        bitbucket_auth(access_token=bad)
    assert "access_token" in str(caught.value) and bad.strip() not in str(caught.value)
    with pytest.raises(ConfigurationError) as caught:
        scim_auth(bad)
    assert "scim_token" in str(caught.value) and bad.strip() not in str(caught.value)
