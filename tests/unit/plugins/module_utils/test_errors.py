# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error mapping of every status the APIs use, and redaction of secrets."""

from __future__ import annotations

import base64
import json

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AccessTokenAuth, ApiTokenAuth, ScimTokenAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AtlassianError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PlanLimitError,
    RateLimitedError,
    TransportError,
    error_from_response,
    parse_error_body,
    redact,
    redact_data,
)

from .conftest import API, SCIM

URL = API + "/workspaces/acme/permissions-config/users/%7Babc%7D"
PATH = "/workspaces/acme/permissions-config/users/{abc}"
SECRET = "s3cr3t-api-token-value"


def _bb(message, detail=None):
    error = {"message": message}
    if detail:
        error["detail"] = detail
    return {"type": "error", "error": error}


def _scim(status, detail, scim_type=None):
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return body


@pytest.mark.parametrize(
    "status, body, cls, api_message, words",
    [
        (
            400,
            _bb("Bad request", "User is not a member of this workspace"),
            ApiError,
            "Bad request - User is not a member of this workspace",
            ["HTTP 400"],
        ),
        (
            401,
            _bb("Unauthorized"),
            AuthenticationError,
            "Unauthorized",
            ["invalid, expired or revoked", "Atlassian account email"],
        ),
        (
            402,
            _bb("Payment required", "You have reached the user limit of your plan"),
            PlanLimitError,
            "Payment required - You have reached the user limit of your plan",
            ["user limit"],
        ),
        (
            403,
            _bb("Your credentials lack one or more required privilege scopes."),
            ForbiddenError,
            "Your credentials lack one or more required privilege scopes.",
            ["lacks a required scope", "admin rights"],
        ),
        (
            404,
            _bb("No workspace member with UUID {abc}"),
            NotFoundError,
            "No workspace member with UUID {abc}",
            ["does not exist"],
        ),
        (409, _bb("Conflict"), ConflictError, "Conflict", ["HTTP 409"]),
        (
            429,
            "Rate limit for this resource has been exceeded",
            RateLimitedError,
            "Rate limit for this resource has been exceeded",
            ["rate limit exceeded"],
        ),
        (500, _bb("Something went wrong"), ApiError, "Something went wrong", ["HTTP 500"]),
    ],
)
def test_bitbucket_error_mapping(mocked, make_transport, status, body, cls, api_message, words):
    if isinstance(body, dict):
        mocked.add(responses.PUT, URL, status=status, json=body)
    else:
        mocked.add(responses.PUT, URL, status=status, body=body, content_type="text/plain")
    transport = make_transport(max_retries=0)
    with pytest.raises(cls) as info:
        transport.request("PUT", PATH, json={"permission": "member"})
    error = info.value
    assert error.__class__ is cls
    assert isinstance(error, ApiError)
    assert isinstance(error, AtlassianError)
    assert error.status == status
    assert error.method == "PUT"
    assert error.path == "/2.0" + PATH
    assert error.api_message == api_message
    assert str(error).startswith("PUT /2.0%s failed with HTTP %s: %s" % (PATH, status, api_message))
    for word in words:
        assert word in str(error)
    assert error.as_result() == {
        "msg": str(error),
        "status": status,
        "method": "PUT",
        "path": "/2.0" + PATH,
        "api_message": api_message,
    }


@pytest.mark.parametrize(
    "status, body, cls, words",
    [
        (400, _scim(400, "Invalid filter", "invalidFilter"), ApiError, ["Invalid filter"]),
        (401, _scim(401, "Unauthorized"), AuthenticationError, ["directory API key", "directory_id"]),
        (403, _scim(403, "Forbidden"), ForbiddenError, ["not allowed to manage this directory"]),
        (404, _scim(404, "User not found"), NotFoundError, ["User not found"]),
        (409, _scim(409, "A user with this userName already exists", "uniqueness"), ConflictError, ["already exists"]),
        (500, _scim(500, "Internal error"), ApiError, ["Internal error"]),
    ],
)
def test_scim_error_mapping(mocked, make_transport, status, body, cls, words):
    mocked.add(responses.POST, SCIM + "/Users", status=status, json=body)
    transport = make_transport(ScimTokenAuth("scim-secret-key-value"), base_url=SCIM, max_retries=0)
    with pytest.raises(cls) as info:
        transport.request("POST", "/Users", json={"userName": "a@b.c"})
    error = info.value
    assert error.__class__ is cls
    assert error.api_message == body["detail"]
    assert error.scim_type == body.get("scimType")
    assert error.body == body
    assert error.path == "/scim/directory/dir-1/Users"
    for word in words:
        assert word in str(error)


def test_forbidden_with_access_token_names_the_limitation(mocked, make_transport):
    mocked.add(responses.GET, URL, status=403, json=_bb("Forbidden"))
    with pytest.raises(ForbiddenError) as info:
        make_transport(AccessTokenAuth("wat")).request("GET", PATH)
    assert "access tokens cannot query or change permissions" in str(info.value)


def test_hints_without_auth_kind():
    assert "credentials were rejected" in str(error_from_response(401, "", "GET", "/x"))
    assert "lack a required scope" in str(error_from_response(403, "", "GET", "/x"))
    error = error_from_response(418, "", "GET", "/x")
    assert str(error) == "GET /x failed with HTTP 418"
    assert error.api_message is None and error.body is None


def test_unknown_status_and_html_body():
    error = error_from_response(502, "<html>\n<body>Bad   gateway</body></html>", "GET", "/x", note="Gave up after 3 retries")
    assert error.__class__ is ApiError
    assert error.api_message == "<html> <body>Bad gateway</body></html>"
    assert str(error).endswith(". Gave up after 3 retries")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", (None, None, None)),
        ("   ", (None, None, None)),
        ('{"type": "error", "error": {"message": "m", "detail": "d"}}', "m - d"),
        ('{"type": "error", "error": {"message": "m"}}', "m"),
        ('{"error": "invalid_grant"}', "invalid_grant"),
        ('{"error": "invalid_client", "error_description": "bad"}', "invalid_client: bad"),
        ('{"detail": "scim says"}', "scim says"),
        ('{"message": "generic"}', "generic"),
        ('{"something": "else"}', None),
        ("[1, 2]", "[1, 2]"),
        ("plain text", "plain text"),
    ],
)
def test_parse_error_body(text, expected):
    body, api_message, scim_type = parse_error_body(text)
    if isinstance(expected, tuple):
        assert (body, api_message, scim_type) == expected
    else:
        assert api_message == expected
    if text.strip().startswith(("{", "[")):
        assert body == json.loads(text)


def test_long_bodies_are_truncated():
    api_message = parse_error_body("x" * 5000)[1]
    assert len(api_message) < 2100
    assert api_message.endswith("...(truncated)")


def test_redact_every_form_of_a_secret():
    b64 = base64.b64encode(("admin@acme.example:" + SECRET).encode()).decode()
    text = "raw %s; basic %s; url %s; header Authorization: Basic %s; bearer Bearer %s" % (
        SECRET,
        b64,
        "s3cr3t%2Dapi",
        b64,
        SECRET,
    )
    out = redact(text, ApiTokenAuth("admin@acme.example", SECRET).secrets)
    assert SECRET not in out
    assert b64 not in out
    assert out.count("********") >= 4


def test_redact_url_quoted_secret():
    secret = "a/b+c=d&e"
    assert redact("q?token2=a%2Fb%2Bc%3Dd%26e", [secret]) == "q?token2=********"
    assert redact("q?x=a%2Fb%2Bc%3Dd%26e", [secret]) == "q?x=********"


def test_redact_generic_credentials_without_knowing_them():
    out = redact(
        "Authorization: Bearer abcdefghijklmnop1234 and Basic YWRtaW46cGFzc3dvcmQxMjM0NTY= "
        'and ?access_token=xyz&x=1 and {"client_secret": "shh"}'
    )
    assert "abcdefghijklmnop1234" not in out
    assert "YWRtaW46cGFzc3dvcmQxMjM0NTY=" not in out
    assert "xyz" not in out
    assert "shh" not in out
    assert "&x=1" in out
    # ordinary words after Basic / Bearer are kept
    assert redact("Basic authentication failed") == "Basic authentication failed"


def test_redact_none_and_non_strings():
    assert redact(None, ["x"]) is None
    assert redact(404, ["x"]) == "404"
    assert redact("abc", [None, ""]) == "abc"


def test_redact_data():
    data = {"error": {"message": "bad token tok-1234"}, "list": ["tok-1234", 3, None], "n": 1}
    assert redact_data(data, ["tok-1234"]) == {"error": {"message": "bad token ********"}, "list": ["********", 3, None], "n": 1}


def test_exception_attributes_are_redacted():
    error = AtlassianError(
        "failed with tok-1234", method="GET", path="/x/tok-1234", status=None, api_message="echo tok-1234", secrets=["tok-1234"]
    )
    assert "tok-1234" not in str(error)
    assert "tok-1234" not in error.path
    assert "tok-1234" not in error.api_message
    assert "tok-1234" not in repr(error.args)
    for cls in (ConfigurationError, TransportError):
        assert issubclass(cls, AtlassianError) and not issubclass(cls, ApiError)


@pytest.mark.parametrize("kind", ["api_token", "client_credentials", None])
def test_a_403_not_a_member_of_the_workspace_says_the_account_may_have_left_it(kind):
    """Issue 19: the account was taken out of the workspace (its group removed): the hint is not about token scopes."""
    body = json.dumps(
        {
            "type": "error",
            "error": {
                "message": "Your credentials lack one or more required privilege scopes. You are not a member of workspace acme"
            },
        }
    )
    err = error_from_response(403, body, "GET", "/2.0/workspaces/acme/members", auth_kind=kind)
    assert "may no longer be a member of the workspace" in err.message
    assert "lacks a required scope" not in err.message.split("likely cause")[1]
