# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared client trusts no answer and no input: secrets masked before any cut, URLs and numbers
validated, redirects of writes refused, issued tokens checked, a CA bundle from the environment said."""

from __future__ import annotations

import json
import math

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.connection import (
    bitbucket_transport_from_params,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.connection import scim_transport_from_params
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import (
    AccessTokenAuth,
    ApiTokenAuth,
    ClientCredentialsAuth,
    ScimTokenAuth,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    REDACTED,
    ApiError,
    ConfigurationError,
    UnexpectedAnswerError,
    redact,
)

from .conftest import API, SCIM, TOKEN_URL

API_TOKEN = "ATATT3xFfGF0-unit-api-token-0123456789abcdef"
ACCESS_TOKEN = "access-token-unit-0123456789abcdefghij"
CLIENT_SECRET = "client-secret-unit-0123456789abcdefghij"
ISSUED_TOKEN = "issued-oauth-token-unit-0123456789abcdefghij"
SCIM_TOKEN = "scim-directory-key-unit-0123456789abcdefghij"


def _leaks(text, secret, prefix=8):
    """True when ``text`` holds ``secret`` or any run of its first ``prefix`` or more characters."""
    return secret[:prefix] in text


# -- class 4: secrets are masked before anything is cut ---------------------------------------------------


def _auths():
    return [
        ("api_token", ApiTokenAuth("admin@acme.example", API_TOKEN), API_TOKEN),
        ("access_token", AccessTokenAuth(ACCESS_TOKEN), ACCESS_TOKEN),
        ("scim_token", ScimTokenAuth(SCIM_TOKEN), SCIM_TOKEN),
    ]


@pytest.mark.parametrize("kind, auth, secret", _auths(), ids=[a[0] for a in _auths()])
@pytest.mark.parametrize("shape", ["bitbucket", "scim", "plain"])
def test_an_echoed_secret_never_escapes_at_any_offset_around_the_cut(mocked, make_transport, kind, auth, secret, shape):
    transport = make_transport(auth=auth, max_retries=0, base_url=SCIM if kind == "scim_token" else API)
    base = transport.base_url
    offsets = list(range(1990, 2011)) + [0, 1000, 5000]
    for pad in offsets:
        echo = "x" * pad + secret + " and again " + secret[:-1]
        body = {
            "bitbucket": json.dumps({"type": "error", "error": {"message": echo}}),
            "scim": json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "400", "detail": echo}),
            "plain": echo,
        }[shape]
        mocked.add("GET", base + "/x", body=body, status=400)
    for pad in offsets:
        with pytest.raises(ApiError) as caught:
            transport.request("GET", "/x")
        everything = " ".join(str(v) for v in caught.value.as_result().values()) + json.dumps(caught.value.body)
        assert not _leaks(everything, secret), (kind, pad)
        if pad < 1900:
            assert REDACTED in caught.value.message


def test_prefixes_of_secrets_and_of_their_encoded_forms_are_masked():
    assert redact("token=" + API_TOKEN[:12] + "...(truncated)", [API_TOKEN]) == "token=" + REDACTED
    assert redact("cut: " + API_TOKEN[:9], [API_TOKEN]) == "cut: " + REDACTED
    assert redact("short " + API_TOKEN[:7], [API_TOKEN]) == "short " + API_TOKEN[:7]  # 7 characters prove nothing
    assert redact('{"k": "%s"}' % json.dumps('a"b\\c-secret-long')[1:-1], ['a"b\\c-secret-long']) == '{"k": "%s"}' % REDACTED


def test_an_issued_oauth_token_with_a_line_break_is_refused_and_never_shown(mocked, make_transport):
    auth = ClientCredentialsAuth("client-id", CLIENT_SECRET, TOKEN_URL)
    transport = make_transport(auth=auth)
    mocked.add("POST", TOKEN_URL, json={"access_token": ISSUED_TOKEN[:20] + "\n" + ISSUED_TOKEN[20:], "expires_in": 7200})
    with pytest.raises(UnexpectedAnswerError) as caught:
        transport.request("GET", "/user")
    message = str(caught.value)
    assert "token_url" in message and "cannot be sent in an HTTP header" in message
    assert not _leaks(message, ISSUED_TOKEN) and len(mocked.calls) == 1


def test_an_oauth_error_echoing_the_client_secret_is_masked_past_the_cut(mocked, make_transport):
    auth = ClientCredentialsAuth("client-id", CLIENT_SECRET, TOKEN_URL)
    transport = make_transport(auth=auth)
    mocked.add("POST", TOKEN_URL, status=401, json={"error": "invalid_client", "error_description": "x" * 1995 + CLIENT_SECRET})
    with pytest.raises(ApiError) as caught:
        transport.request("GET", "/user")
    assert not _leaks(str(caught.value) + str(caught.value.api_message), CLIENT_SECRET)


# -- class 5: URLs and numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, words",
    [
        ("https://u:p@api.bitbucket.org/2.0", "must not hold credentials"),
        ("https://api.bitbucket.org/2.0\n", "trailing newline"),
        (" https://api.bitbucket.org/2.0", "spaces"),
        ("file:///etc/passwd", "must be an absolute https:// URL"),
        ("ftp://api.bitbucket.org/2.0", "must be an absolute https:// URL"),
        ("https://", "must be an absolute https:// URL"),
        ("https://api.bitbucket.org/2.0?x=1", "query string"),
        ("https://api.bitbucket.org/2.0#f", "query string or fragment"),
        ("https://api.bitbucket.org:99999/2.0", "invalid port"),
        ("https://api.bitbucket.org/" + "a" * 3000, "longer than"),
        ("https://api.bitbucket.org/2.0/../x", "'.' or '..' path segments"),
        ("https://api.bitbucket.org/./2.0", "'.' or '..' path segments"),
        ("https://api.bitbucket.org/2.0/%2E%2e", "'.' or '..' path segments"),
        ("https://api.bitbucket.org/2.0/..", "'.' or '..' path segments"),
    ],
)
@pytest.mark.parametrize("option", ["api_url", "token_url"])
def test_bad_urls_are_refused_naming_the_option(value, words, option):
    params = (
        {"username": "admin@acme.example", "api_token": API_TOKEN}
        if option == "api_url"
        else {"client_id": "id", "client_secret": CLIENT_SECRET}
    )
    params[option] = value
    with pytest.raises(ConfigurationError) as caught:
        bitbucket_transport_from_params(params)
    assert caught.value.message.startswith(option) and words in caught.value.message
    assert "u:p" not in caught.value.message


@pytest.mark.parametrize(
    "value",
    ["https://bitbucket.example/proxy.v1/2.0", "https://h/.well-known/2.0/", "https://h/...", "https://h/a..b/", "https://h/.x/"],
)
def test_dots_inside_a_path_segment_are_fine(value):
    assert validate.url(value, "api_url") == value


def test_plain_http_to_another_host_and_validate_certs_false_are_warned_about():
    warnings = []
    params = {
        "username": "admin@acme.example",
        "api_token": API_TOKEN,
        "api_url": "http://bitbucket.internal/2.0",
        "validate_certs": False,
    }
    bitbucket_transport_from_params(params, warn=warnings.append)
    assert len(warnings) == 2
    assert "api_url uses plain http:// to bitbucket.internal" in warnings[0]
    assert warnings[1].startswith("validate_certs is false")
    quiet = []
    bitbucket_transport_from_params(dict(params, api_url="http://127.0.0.1:8080/2.0", validate_certs=True), warn=quiet.append)
    assert quiet == []


@pytest.mark.parametrize(
    "options, words",
    [
        ({"timeout": math.nan}, "timeout must be a number of seconds greater than 0"),
        ({"timeout": math.inf}, "timeout must be"),
        ({"timeout": 0}, "timeout must be"),
        ({"timeout": -1.0}, "timeout must be"),
        ({"timeout": 1e9}, "at most 3600"),
        ({"max_retries": -1}, "max_retries must be a whole number from 0 to 20"),
        ({"max_retries": 1000}, "max_retries must be"),
        ({"ca_path": "/tmp/x\n"}, "ca_path holds a line break"),
    ],
)
def test_bad_numbers_are_refused_naming_the_option(options, words):
    with pytest.raises(ConfigurationError, match=words):
        scim_transport_from_params(dict({"directory_id": "d", "scim_token": SCIM_TOKEN}, **options))


@pytest.mark.parametrize("directory_id", ["..", ".", "%2e%2e", "a/b", "a b", "d\n", "dév", "x" * 300, " "])
def test_directory_ids_that_are_no_plain_segment_are_refused(directory_id):
    with pytest.raises(ConfigurationError, match="^directory_id "):
        scim_transport_from_params({"directory_id": directory_id, "scim_token": SCIM_TOKEN})


def test_credentials_with_control_characters_and_usernames_that_are_no_email_are_refused():
    for params, option in (
        ({"username": "admin@acme.example", "api_token": API_TOKEN + "\n"}, "api_token"),
        ({"username": "admin", "api_token": API_TOKEN}, "username"),
        ({"username": "admin@acme.example:x", "api_token": API_TOKEN}, "username"),
        ({"client_id": "id\t", "client_secret": CLIENT_SECRET}, "client_id"),
        ({"client_id": "id", "client_secret": CLIENT_SECRET + " "}, "client_secret"),
    ):
        with pytest.raises(ConfigurationError) as caught:
            bitbucket_transport_from_params(params)
        assert caught.value.message.startswith(option) and API_TOKEN not in caught.value.message


# -- redirects: a write is only applied when the API itself answered it -------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirected_write_is_an_error_and_is_not_sent_elsewhere(mocked, make_transport, status):
    transport = make_transport()
    mocked.add("PUT", API + "/r", status=status, headers={"Location": "https://evil.example/sink/r"})
    with pytest.raises(UnexpectedAnswerError) as caught:
        transport.request("PUT", "/r", json={"permission": "write"})
    assert "HTTP %d redirect (to https://evil.example)" % status in str(caught.value)
    assert "not applied" in str(caught.value) and len(mocked.calls) == 1


def test_reads_follow_redirects_to_the_api_origin_only(mocked, make_transport):
    transport = make_transport()
    mocked.add("GET", API + "/old", status=301, headers={"Location": API + "/new?page=2"})
    mocked.add("GET", API + "/new", json={"ok": True})
    assert transport.get_json("/old", params={"pagelen": 10}) == {"ok": True}
    assert mocked.calls[1].request.url == API + "/new?page=2"
    mocked.add("GET", API + "/away", status=302, headers={"Location": "https://evil.example/x"})
    with pytest.raises(UnexpectedAnswerError, match="redirect to https://evil.example, which is not followed"):
        transport.get_json("/away")
    assert transport.stats.as_result() == {"total": 3, "GET": 3}


def test_a_redirect_loop_on_a_read_stops(mocked, make_transport):
    transport = make_transport()
    for _index in range(validate.MAX_RETRIES):
        mocked.add("GET", API + "/loop", status=302, headers={"Location": API + "/loop"})
    mocked.assert_all_requests_are_fired = False
    with pytest.raises(UnexpectedAnswerError, match="at most 5 times"):
        transport.get_json("/loop")
    assert len(mocked.calls) == 6


# -- the CA bundle of the environment ----------------------------------------------------------------------


def test_a_ca_bundle_from_the_environment_is_said_unless_it_is_a_default_store(monkeypatch, tmp_path, make_transport, warnings):
    bundle = tmp_path / "proxy-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    make_transport()
    assert len(warnings) == 1 and warnings[0].startswith("The environment variable REQUESTS_CA_BUNDLE is set")
    make_transport(ca_path=str(bundle))
    assert len(warnings) == 1  # an explicit ca_path is what is trusted: nothing to say
    import certifi

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    make_transport()
    assert len(warnings) == 1


# -- identifiers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, kind",
    [
        ("Dev1@Acme.Example", "email"),
        ("557058:6c1b7f1e-0000-4000-8000-000000000001", "account_id"),
        ("5b10ac8d82e05b22cc7d4ef5", "account_id"),
        ("qm:a1b2:c3d4", "account_id"),
        ("{0F1E2D3C-0000-4000-8000-000000000001}", "uuid"),
        ("0f1e2d3c-0000-4000-8000-000000000001", "uuid"),
    ],
)
def test_well_formed_identifiers(value, kind):
    assert validate.user_identifier(value, "user")[0] == kind


@pytest.mark.parametrize(
    "value",
    [
        "",
        "  ",
        "{not-a-uuid",
        "557058:",
        "dev002.acme.example",
        "@",
        "a@",
        "x y@z.example",
        "a@b",
        "a\n@b.example",
        "..",
        "557058:a/b",
        "x" * 5000,
        "dév",
        42,
    ],
)
def test_malformed_identifiers_name_the_option(value):
    with pytest.raises(ConfigurationError, match="^users\\[3\\].user "):
        validate.user_identifier(value, "users[3].user")


@pytest.mark.parametrize("link", [API + "/../../evil", API + "/a/%2E%2E/b", API + "/x/./y", API + "/x\n", API + "/x y"])
def test_links_from_answers_with_dot_segments_or_control_characters_are_not_followed(make_transport, link):
    with pytest.raises(UnexpectedAnswerError, match="is not followed"):
        make_transport().url_for(link)
    assert make_transport().url_for(API + "/a.b/..c/d?page=2") == API + "/a.b/..c/d?page=2"


def test_secrets_sharing_a_prefix_with_another_form_are_masked_whole():
    auth = ClientCredentialsAuth("demo-client-id", "demo-client-secret", TOKEN_URL)
    text = "echo demo-client-id:demo-client-secret demo-client-secret demo-client-secr"
    assert redact(text, auth.secrets) == "echo %s %s %s" % (REDACTED, REDACTED, REDACTED)
