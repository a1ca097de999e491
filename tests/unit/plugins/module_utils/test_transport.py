# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport: construction, URLs, headers, TLS, the answers (error mapping) and accounting.

Retries (exact calls and waits), failing fast and "may have been applied": test_transport_retries.py."""

from __future__ import annotations

import importlib.util
import sys

import pytest
import requests
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils import _transport
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AccessTokenAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, ConfigurationError
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import ApiStats, Transport, _HeaderAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._version import COLLECTION_VERSION, USER_AGENT

from .conftest import API

URL = API + "/workspaces/acme/members"
PATH = "/workspaces/acme/members"


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
