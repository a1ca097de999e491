# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication methods.

Bitbucket Cloud (exactly one per task):

* ``ApiTokenAuth``: HTTP Basic with the Atlassian account email and an API token;
* ``AccessTokenAuth``: ``Bearer`` OAuth access token or workspace/project/repository access token;
* ``ClientCredentialsAuth``: OAuth 2 client credentials grant of an OAuth consumer; the token is
  fetched on first use, cached for the life of the Transport and fetched again once on a 401.

Atlassian SCIM: ``ScimTokenAuth``, ``Bearer`` directory API key.

Atlassian organization Admin API: ``AdminKeyAuth``, ``Bearer`` organization API key.

Every auth object exposes ``kind`` and ``secrets`` (all the values to redact from messages).
"""

from __future__ import annotations

import base64
import threading
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    UnexpectedAnswerError,
    error_from_response,
    parse_error_body,
)

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport

DEFAULT_TOKEN_URL = "https://bitbucket.org/site/oauth2/access_token"

# Fetch a client-credentials token again this many seconds before it expires.
TOKEN_EXPIRY_MARGIN = 60.0


def basic_header(username: str, password: str) -> str:
    """``Basic base64(username:password)``."""
    raw = ("%s:%s" % (username, password)).encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


class _Auth:
    """Common interface: ``header(transport)`` gives the Authorization header value."""

    kind = None
    refreshable = False

    def header(self, transport: Transport) -> str:  # pylint: disable=unused-argument
        raise NotImplementedError

    @property
    def secrets(self) -> tuple[str, ...]:
        return ()

    def invalidate(self, header: str | None = None) -> None:
        """Forget a cached token so that the next ``header()`` fetches a new one.

        ``header``: the Authorization value that was refused; when another thread has already
        replaced that token, nothing is forgotten.
        """


class ApiTokenAuth(_Auth):
    """HTTP Basic: ``username`` is the Atlassian account email, ``api_token`` the API token."""

    kind = "api_token"

    def __init__(self, username: str, api_token: str) -> None:
        self.username = username
        self._api_token = api_token

    def header(self, transport: Transport) -> str:
        return basic_header(self.username, self._api_token)

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self._api_token, "%s:%s" % (self.username, self._api_token))


class BearerAuth(_Auth):
    """A fixed ``Bearer`` token."""

    kind = "bearer"

    def __init__(self, token: str) -> None:
        self._token = token

    def header(self, transport: Transport) -> str:
        return "Bearer " + self._token

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self._token,)


class AccessTokenAuth(BearerAuth):
    """OAuth access token, or workspace / project / repository access token (``Bearer``).

    Workspace, project and repository access tokens cannot query or change permissions.
    """

    kind = "access_token"


class ScimTokenAuth(BearerAuth):
    """Atlassian organization directory API key (``Bearer``) for SCIM."""

    kind = "scim_token"


class AdminKeyAuth(BearerAuth):
    """Atlassian organization API key (``Bearer``) for the organization Admin API."""

    kind = "admin_api_key"


class ClientCredentialsAuth(_Auth):
    """OAuth 2 client credentials grant (RFC 6749 4.4) of a Bitbucket OAuth consumer.

    The token request is ``POST token_url`` with the form ``grant_type=client_credentials`` and
    HTTP Basic ``client_id:client_secret``. It goes through the Transport, so it is counted in
    ``ApiStats`` as a ``POST``.
    """

    kind = "client_credentials"
    refreshable = True

    def __init__(self, client_id: str, client_secret: str, token_url: str | None = DEFAULT_TOKEN_URL) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url or DEFAULT_TOKEN_URL
        self._token = None
        self._expires_at = None
        self.fetch_count = 0
        # One auth object may serve the Transports of several worker threads: one fetch at a time.
        self._lock = threading.RLock()

    @property
    def secrets(self) -> tuple[str, ...]:
        values = [self._client_secret, "%s:%s" % (self.client_id, self._client_secret)]
        if self._token:
            values.append(self._token)
        return tuple(values)

    def invalidate(self, header: str | None = None) -> None:
        with self._lock:
            if header is not None and self._token is not None and header != "Bearer " + self._token:
                return
            self._token = None
            self._expires_at = None

    def header(self, transport: Transport) -> str:
        with self._lock:
            clock = transport.retry_policy.clock
            if self._token is None or (self._expires_at is not None and clock() >= self._expires_at):
                self._fetch(transport)
            return "Bearer " + self._token

    def _fetch(self, transport: Transport) -> None:
        self._token = None
        response = transport.send(
            "POST",
            self.token_url,
            idempotent=True,
            auth_header=basic_header(self.client_id, self._client_secret),
            data={"grant_type": "client_credentials"},
            headers={"Accept": "application/json"},
        )
        self.fetch_count += 1
        path = transport.path_of(self.token_url)
        if response.status_code in (400, 401):
            _body, api_message, _scim = parse_error_body(response.text, self.secrets)
            raise AuthenticationError(
                "Could not obtain an OAuth access token from token_url (HTTP %s%s): check client_id and client_secret "
                "of the OAuth consumer (it must be private to use the client credentials grant)"
                % (response.status_code, ": " + api_message if api_message else ""),
                method="POST",
                path=path,
                status=response.status_code,
                api_message=api_message,
                secrets=self.secrets,
                body=_body,
            )
        if not 200 <= response.status_code < 300:
            raise error_from_response(
                response.status_code, response.text, "POST", path, secrets=self.secrets, auth_kind=self.kind
            )
        try:
            payload = response.json()
        except ValueError:
            payload = None
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not token or not isinstance(token, str):
            raise ApiError(
                "POST %s answered HTTP %s without an access_token in a JSON body" % (path, response.status_code),
                method="POST",
                path=path,
                status=response.status_code,
                secrets=self.secrets,
            )
        if not _header_ok(token):
            raise UnexpectedAnswerError(
                "POST %s (token_url) issued an OAuth access token that cannot be sent in an HTTP header (it holds "
                "spaces, line breaks or non-ASCII characters), so it was not used" % path,
                method="POST",
                path=path,
                status=response.status_code,
                secrets=self.secrets + (token,),
            )
        self._token = token
        expires_in = payload.get("expires_in")
        if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0:
            self._expires_at = transport.retry_policy.clock() + max(0.0, float(expires_in) - TOKEN_EXPIRY_MARGIN)
        else:
            self._expires_at = None


def _given(value: Any) -> bool:
    return value is not None and value != ""


def _header_ok(text: str) -> bool:
    return bool(text) and not any(ord(char) <= 32 or ord(char) >= 127 for char in text)


def _header_safe(option: str, value: Any) -> str:
    """A credential must be printable ASCII with no spaces (a pasted curly quote or a trailing newline would
    otherwise fail deep in the HTTP library, or be sent as part of the secret). The message names the option,
    never the value."""
    text = value if isinstance(value, str) else str(value)
    if not _header_ok(text):
        raise ConfigurationError(
            "%s holds characters a credential cannot have (spaces, line breaks or non-ASCII characters "
            "such as curly quotes): check how it was copied" % option
        )
    return text


def _username(value: Any) -> str:
    """The Atlassian account email that goes with an API token."""
    text = value if isinstance(value, str) else str(value)
    if not _header_ok(text) or ":" in text or "@" not in text.strip("@"):
        raise ConfigurationError(
            "username must be the Atlassian account email address the API token belongs to "
            "(API tokens do not work with a Bitbucket nickname), without spaces, ':' or line breaks"
        )
    return text


def bitbucket_auth(
    username: str | None = None,
    api_token: str | None = None,
    access_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    token_url: str | None = None,
) -> _Auth:
    """Pick the one Bitbucket auth method the options describe; ConfigurationError otherwise."""
    methods = []
    if _given(username) or _given(api_token):
        methods.append("username + api_token")
    if _given(access_token):
        methods.append("access_token")
    if _given(client_id) or _given(client_secret):
        methods.append("client_id + client_secret")
    if not methods:
        raise ConfigurationError(
            "No Bitbucket credentials given: set exactly one of username + api_token (Atlassian account email and API token), "
            "access_token, or client_id + client_secret (OAuth consumer); or the BITBUCKET_USERNAME/BITBUCKET_API_TOKEN, "
            "BITBUCKET_ACCESS_TOKEN, BITBUCKET_CLIENT_ID/BITBUCKET_CLIENT_SECRET environment variables"
        )
    if len(methods) > 1:
        raise ConfigurationError(
            "Several Bitbucket authentication methods given (%s), from options or environment variables: use exactly one of "
            "username + api_token, access_token, client_id + client_secret" % ", ".join(methods)
        )
    if methods[0] == "username + api_token":
        if not (_given(username) and _given(api_token)):
            raise ConfigurationError("username and api_token must be given together (username is the Atlassian account email)")
        return ApiTokenAuth(_username(username), _header_safe("api_token", api_token))
    if methods[0] == "access_token":
        return AccessTokenAuth(_header_safe("access_token", access_token))
    if not (_given(client_id) and _given(client_secret)):
        raise ConfigurationError("client_id and client_secret must be given together (OAuth consumer key and secret)")
    return ClientCredentialsAuth(
        _header_safe("client_id", client_id), _header_safe("client_secret", client_secret), token_url or DEFAULT_TOKEN_URL
    )


def scim_auth(scim_token: str | None = None) -> ScimTokenAuth:
    """The SCIM Bearer auth; ConfigurationError when no directory API key is given."""
    if not _given(scim_token):
        raise ConfigurationError(
            "No SCIM directory API key given: set scim_token or the ATLASSIAN_SCIM_TOKEN environment variable"
        )
    return ScimTokenAuth(_header_safe("scim_token", scim_token))


def admin_auth(admin_api_key: str | None = None) -> AdminKeyAuth:
    """The Admin API Bearer auth; ConfigurationError when no organization API key is given."""
    if not _given(admin_api_key):
        raise ConfigurationError(
            "No organization API key given: set admin_api_key or the ATLASSIAN_ADMIN_API_KEY environment variable"
        )
    return AdminKeyAuth(_header_safe("admin_api_key", admin_api_key))
