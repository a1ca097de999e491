# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport of the client: one ``requests.Session`` (keep-alive) per Transport.

It joins paths to the base URL, sends the auth header, applies timeouts and TLS settings,
retries what is safe to retry (see ``_retry``), maps error answers to typed exceptions
(see ``_errors``) and counts every request it sends (``ApiStats``).

Accounting: ``ApiStats`` counts every HTTP request actually sent, retries included, and the
OAuth client-credentials token request (counted as ``POST``).
"""

from __future__ import annotations

import math
import os
import re
import ssl
import traceback
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import ApiStats
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    ConfigurationError,
    TransportError,
    UnexpectedAnswerError,
    error_from_response,
    redact,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._send_failures import classify, never_sent
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import (
    RETRY_STATUSES,
    RetryPolicy,
    is_idempotent,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._version import USER_AGENT

if TYPE_CHECKING:
    from typing import Self

    from ansible_collections.accessops.atlassian.plugins.module_utils._auth import _Auth

try:
    import requests
    from requests import exceptions as rex

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    requests = None
    rex = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

_QUERY = re.compile(r"\?[^\s)'\"]*")
# A "." or ".." path segment, also percent-encoded: never in a URL taken from an answer (next, Location).
_DOT_SEGMENT = re.compile(r"(?i)(^|/)(\.|%2e){1,2}(/|$)")
# Redirects followed for reads, to the API's own origin only; a write answered by a redirect is an error.
MAX_REDIRECTS = 5
_READ_METHODS = ("GET", "HEAD")
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.scheme.lower(), parts.netloc.lower())


def _default_trust_stores() -> set[str]:
    """The trust store files requests and OpenSSL use by default (real paths)."""
    paths = set()
    try:
        import certifi  # requests depends on it

        paths.add(certifi.where())
    except ImportError:  # pragma: no cover
        pass
    defaults = ssl.get_default_verify_paths()
    paths.update(p for p in (defaults.cafile, defaults.openssl_cafile) if p)
    paths.update(("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"))
    return {os.path.realpath(p) for p in paths}


def _warn_ca_bundle_variable(warn: Callable[[str], Any]) -> None:
    """requests trusts the file named by REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) instead of its default store when
    verify is true: honoured, and said when that file is not a default trust store (a TLS-inspecting proxy's CA?)."""
    for name in CA_BUNDLE_VARIABLES:
        value = os.environ.get(name)
        if value:
            if os.path.realpath(value) not in _default_trust_stores():
                warn(
                    "The environment variable %s is set, so TLS certificates are checked against the CA file it names "
                    "instead of the default trust store. Set ca_path to the file you mean to trust to make this "
                    "explicit (and silence this warning)" % name
                )
            return


class _HeaderAuth:
    """requests auth callable that sets (or leaves out) the Authorization header.

    Passing an auth callable on every request also stops requests from applying ~/.netrc
    credentials over ours.
    """

    def __init__(self, value: str | None) -> None:
        self.value = value

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.value:
            prepared.headers["Authorization"] = self.value
        else:
            prepared.headers.pop("Authorization", None)
        return prepared


class Transport:
    """HTTP access to one API (Bitbucket ``/2.0`` or one SCIM directory)."""

    def __init__(
        self,
        base_url: str,
        auth: _Auth | None,
        timeout: float = 30,
        validate_certs: bool = True,
        ca_path: str | None = None,
        max_retries: int = 5,
        retry_policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
        warn: Callable[[str], Any] | None = None,
        stats: ApiStats | None = None,
        url_hint: str | None = None,
    ) -> None:
        if session is None and not HAS_REQUESTS:
            raise ConfigurationError("The Python library requests is required")
        parts = urlsplit(base_url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError("The API URL %r is not an absolute http(s) URL" % (base_url,))
        if parts.query or parts.fragment:
            raise ConfigurationError("The API URL must not have a query string or fragment")
        if ca_path and not os.path.exists(ca_path):
            raise ConfigurationError("ca_path %s does not exist" % ca_path)
        try:
            self.timeout = float(timeout)
        except (TypeError, ValueError):
            raise ConfigurationError("timeout must be a number of seconds") from None
        if not math.isfinite(self.timeout) or self.timeout <= 0:
            raise ConfigurationError("timeout must be a finite number of seconds greater than 0")
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        if not validate_certs:
            self.verify = False
        else:
            self.verify = ca_path or True
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.warn = warn
        # one ApiStats per task: a worker's Transport is given the main one (see clone)
        self.stats = stats if stats is not None else ApiStats()
        self.last_retries = 0
        # True when an earlier attempt of the last request may have reached the server (a read timeout, a cut
        # connection, a gateway's 502 / 504) before the attempt that answered: a retried write may find its own work
        self.last_maybe_applied = False
        # the options that set the base URL, named when its host cannot be reached ("admin_url / ATLASSIAN_ADMIN_URL")
        self.url_hint = url_hint
        self._origins = {_origin(self.base_url)}
        token_url = getattr(auth, "token_url", None)
        if token_url:
            self._origins.add(_origin(token_url))
        self.session = session if session is not None else requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.session.verify = self.verify
        if self.verify is True and warn is not None:
            _warn_ca_bundle_variable(warn)

    # -- helpers ---------------------------------------------------------------------------------------

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(self.auth.secrets) if self.auth is not None else ()

    @property
    def auth_kind(self) -> str | None:
        return getattr(self.auth, "kind", None)

    def clone(self) -> Transport:
        """A Transport for another thread: its own requests.Session, the same base URL, auth object, timeouts, TLS
        settings, retry policy, warn callback and ApiStats (request budget included), so every request of the task is
        counted once, in one place, and the near-limit warning appears once."""
        verify = self.verify
        clone = Transport(
            self.base_url,
            self.auth,
            timeout=self.timeout,
            validate_certs=verify is not False,
            ca_path=verify if isinstance(verify, str) else None,
            retry_policy=self.retry_policy,
            stats=self.stats,
            url_hint=self.url_hint,
        )
        clone.warn = self.warn  # set afterwards: the CA-bundle warning was already given once, by this Transport
        return clone

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def url_for(self, path_or_url: str) -> str:
        """Absolute URL: a path is joined to base_url, an absolute URL (``next``) is kept verbatim
        provided it points at the API's own host (credentials never go elsewhere)."""
        if re.match(r"(?i)^https?://", path_or_url):
            if _origin(path_or_url) not in self._origins:
                raise ApiError(
                    "Refusing to send credentials to %s, which is not the API host of %s"
                    % (redact(self.path_of(path_or_url), self.secrets), _origin(self.base_url)[1]),
                    path=self.path_of(path_or_url),
                    secrets=self.secrets,
                )
            if _DOT_SEGMENT.search(urlsplit(path_or_url).path) or any(ord(c) < 33 or ord(c) == 127 for c in path_or_url):
                raise UnexpectedAnswerError(
                    "the API gave a link (%s) with '.' or '..' path segments or control characters, "
                    "which is not followed" % redact(_QUERY.sub("", path_or_url), self.secrets),
                    path=self.path_of(path_or_url),
                    secrets=self.secrets,
                )
            return path_or_url
        return self.base_url + "/" + path_or_url.lstrip("/")

    @staticmethod
    def path_of(url: str) -> str:
        """The path of a URL, never its query string."""
        return urlsplit(url).path or "/"

    def shown_path(self, path_or_url: str) -> str:
        """The path of a request as messages show it: with the base path, without a query string."""
        return self.path_of(self.url_for(path_or_url))

    def _observe(self, response: requests.Response) -> None:
        if self.stats.observe(response.headers) and self.warn is not None:
            rate = self.stats.rate_limit
            self.warn(
                "Bitbucket reports the token is near its rate limit (X-RateLimit-NearLimit: resource %s, limit %s "
                "requests per hour); later requests may be refused with HTTP 429" % (rate["resource"], rate["limit"])
            )

    def _describe(self, exc: BaseException) -> str:
        return redact(_QUERY.sub("", "%s: %s" % (type(exc).__name__, exc)), self.secrets)

    def _host(self) -> str:
        """The API's host (and port), never credentials or a path."""
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        return "%s:%s" % (host, parts.port) if parts.port else host

    def _classify(self, exc: BaseException, idempotent: bool) -> tuple[bool, str]:
        """Return (retryable, message) for a requests exception (``_send_failures.classify``)."""
        return classify(exc, idempotent, self._describe(exc), self._host(), self.url_hint)

    # -- sending ---------------------------------------------------------------------------------------

    def send(
        self, method: str, url: str, idempotent: bool | None = None, auth_header: str | None = None, **kwargs: Any
    ) -> requests.Response:
        """Send one logical request to an absolute URL with the retries allowed; return the last
        response (whatever its status) or raise TransportError.

        Retries: 429 always (the server refused to act); 502/503/504, connection errors and
        read timeouts only for idempotent requests; a connection that failed before the request
        was sent, always, except a name that does not resolve or a refused connection (fails at
        once, naming the host). ``last_maybe_applied`` tells whether an earlier attempt may have
        reached the server.
        """
        method = method.upper()
        idem = is_idempotent(method, idempotent)
        policy = self.retry_policy
        started = policy.clock()
        attempt = 0
        path = self.path_of(url)
        self.last_maybe_applied = False
        maybe_applied = False
        while True:
            self.stats.pace()
            self.stats.record(method)
            try:
                response = self.session.request(
                    method,
                    url,
                    timeout=self.timeout,
                    verify=self.verify,
                    auth=_HeaderAuth(auth_header),
                    allow_redirects=False,
                    **kwargs,
                )
            except rex.RequestException as exc:
                retryable, detail = self._classify(exc, idem)
                delay = policy.next_delay(attempt, policy.clock() - started) if retryable else None
                if retryable and not never_sent(exc):
                    maybe_applied = True  # the request may have reached the server before the connection failed
                if delay is None:
                    tried = " after %d retries" % attempt if attempt else ""
                    raise TransportError(
                        "%s %s failed%s: %s" % (method, path, tried, detail), method=method, path=path, secrets=self.secrets
                    ) from exc
            else:
                self._observe(response)
                status = response.status_code
                if status not in RETRY_STATUSES or not (idem or status == 429):
                    self.last_retries = attempt
                    self.last_maybe_applied = maybe_applied
                    return response
                if status in (502, 504):
                    maybe_applied = True  # a gateway's answer: the server behind it may have acted
                reset_at = response.headers.get("X-RateLimit-Reset") if status == 429 else None
                delay = policy.next_delay(attempt, policy.clock() - started, response.headers.get("Retry-After"), reset_at)
                if delay is None:
                    self.last_retries = attempt
                    self.last_maybe_applied = maybe_applied
                    return response
                response.close()
            policy.sleep(delay)
            attempt += 1

    def request(
        self,
        method: str,
        path_or_url: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        allow: Collection[int] = (),
        headers: dict[str, str] | None = None,
        data: Any = None,
    ) -> requests.Response:
        """Send a request with auth, retries and error mapping; return the ``requests.Response``.

        ``idempotent`` defaults to method != POST (PATCH callers that set absolute state pass True).
        ``allow``: extra status codes returned instead of raised (e.g. ``(404,)``).
        """
        method = method.upper()
        url = self.url_for(path_or_url)
        path = self.path_of(url)
        refreshed = False
        hops = 0
        while True:
            auth_header = self.auth.header(self) if self.auth is not None else None
            response = self.send(
                method, url, idempotent=idempotent, auth_header=auth_header, params=params, json=json, headers=headers, data=data
            )
            if response.status_code == 401 and not refreshed and getattr(self.auth, "refreshable", False):
                refreshed = True
                self.auth.invalidate(auth_header)
                continue
            if 300 <= response.status_code < 400 and response.status_code != 304:
                url = self._redirect_target(method, url, response, hops)
                hops += 1
                params = None  # the Location holds the whole URL, query included
                continue
            break
        status = response.status_code
        if 200 <= status < 300 or status in allow:
            return response
        note = None
        if self.last_retries:
            note = "Gave up after %d retries" % self.last_retries
        elif status >= 500 and not is_idempotent(method, idempotent):
            note = (
                "The request was not retried because it may already have been applied: read the current state before trying again"
            )
        raise error_from_response(status, response.text, method, path, secrets=self.secrets, auth_kind=self.auth_kind, note=note)

    def _redirect_target(self, method: str, url: str, response: requests.Response, hops: int) -> str:
        """The URL to read again after a redirect: only for a read, to the API's own origin, a few times.
        Anything else raises: a write is only reported as applied when the API itself answered it."""
        status = response.status_code
        location = response.headers.get("Location")
        target = urljoin(url, location) if location else None
        response.close()
        path = self.path_of(url)
        if method in _READ_METHODS and target and _origin(target) in self._origins and hops < MAX_REDIRECTS:
            return self.url_for(target)
        where = "%s://%s" % _origin(target) if target else "no Location"
        if method not in _READ_METHODS:
            raise UnexpectedAnswerError(
                "%s %s was answered with an HTTP %s redirect (to %s) instead of by the API, so it was not applied and was "
                "not sent again: check api_url (a proxy or a moved endpoint?)" % (method, path, status, where),
                method=method,
                path=path,
                status=status,
                secrets=self.secrets,
            )
        raise UnexpectedAnswerError(
            "%s %s was answered with an HTTP %s redirect to %s, which is not followed (only redirects to the API's own "
            "origin are, at most %d times): check api_url" % (method, path, status, where, MAX_REDIRECTS),
            method=method,
            path=path,
            status=status,
            secrets=self.secrets,
        )

    def decode_json(self, response: requests.Response, method: str, path_or_url: str) -> Any:
        """The JSON body of a response; None when the body is empty; ApiError when it is not JSON."""
        if not response.content or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            path = self.shown_path(path_or_url)
            raise ApiError(
                "%s %s answered HTTP %s but the body was not JSON (Content-Type: %s)"
                % (method.upper(), path, response.status_code, response.headers.get("Content-Type", "none")),
                method=method.upper(),
                path=path,
                status=response.status_code,
                secrets=self.secrets,
            ) from None

    def request_json(
        self,
        method: str,
        path_or_url: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        allow: Collection[int] = (),
        headers: dict[str, str] | None = None,
    ) -> Any:
        """``request()`` then the decoded JSON body (None for an empty body)."""
        response = self.request(
            method, path_or_url, params=params, json=json, idempotent=idempotent, allow=allow, headers=headers
        )
        return self.decode_json(response, method, path_or_url)

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET and return the JSON object ({} for an empty body)."""
        body = self.decode_json(self.request("GET", path, params=params), "GET", path)  # request_json, one frame less
        if body is None:
            return {}
        if not isinstance(body, dict):
            path_only = self.shown_path(path)
            raise ApiError(
                "GET %s answered a JSON %s where an object was expected" % (path_only, type(body).__name__),
                method="GET",
                path=path_only,
                status=200,
                secrets=self.secrets,
            )
        return body


class ApiClient:
    """What every product client (BitbucketClient, ScimClient, AdminClient) has: one Transport, its ApiStats,
    ``close()`` and ``for_worker()``. A client is not shared between threads: ``for_worker`` gives a worker thread
    the same client on ``Transport.clone()`` (own requests.Session, shared auth and ApiStats)."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    @property
    def stats(self) -> ApiStats:
        return self.transport.stats

    def close(self) -> None:
        self.transport.close()

    def for_worker(self) -> Self:
        """A client for another thread (``_workers.WorkerPool``)."""
        return self._on(self.transport.clone())

    def _on(self, transport: Transport) -> Self:
        """This client's kind and settings on ``transport`` (a subclass with more settings passes them on)."""
        return type(self)(transport)
