# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed exceptions of the client, their mapping from HTTP answers, and redaction of secrets.

Every message built here goes through :func:`redact`, so ``str(exception)`` never holds a
credential, even when a server echoes one back in its error body.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import base64
import json
import re
from urllib.parse import quote, quote_plus

REDACTED = "********"

# Authorization header forms and credential-looking query parameters, whatever the secret is.
_GENERIC_PATTERNS = (
    (re.compile(r"(?i)\b(Basic|Bearer|JWT)\s+[A-Za-z0-9._~+/=-]{16,}"), r"\1 " + REDACTED),
    (
        re.compile(r"(?i)\b(access_token|refresh_token|client_secret|api_token|scim_token|token|password)=[^&\s\"']+"),
        r"\1=" + REDACTED,
    ),
    (
        re.compile(r"(?i)(\"(?:access_token|refresh_token|client_secret|api_token|scim_token|password)\"\s*:\s*\")[^\"]*\""),
        r"\1" + REDACTED + '"',
    ),
)

_MAX_BODY_CHARS = 2000
# A run of this many leading characters of a secret (or more) is masked too: a secret cut by a truncation
# (a server's, a log's) must not leak all but its last characters.
SECRET_PREFIX_CHARS = 8


def _secret_forms(secret: str) -> set[str]:
    """The spellings in which ``secret`` may appear in text: raw, URL-quoted, JSON-escaped, base64."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret, safe=""), json.dumps(secret)[1:-1]}
    forms.add(base64.b64encode(secret.encode("utf-8")).decode("ascii"))
    return forms


def _mask_prefixes(text: str, forms: set[str]) -> str:
    """Replace every run of text that is a prefix, at least SECRET_PREFIX_CHARS long, of one of ``forms`` (a secret
    cut by a truncation); at each place the longest such run of any form is masked."""
    heads = {}
    for form in forms:
        if len(form) > SECRET_PREFIX_CHARS:
            heads.setdefault(form[:SECRET_PREFIX_CHARS], []).append(form)
    if not heads:
        return text
    out = []
    index = start = 0
    while index <= len(text) - SECRET_PREFIX_CHARS:
        candidates = heads.get(text[index : index + SECRET_PREFIX_CHARS])
        if not candidates:
            index += 1
            continue
        end = index + SECRET_PREFIX_CHARS
        for form in candidates:
            stop = index + SECRET_PREFIX_CHARS
            while stop < len(text) and stop - index < len(form) and text[stop] == form[stop - index]:
                stop += 1
            end = max(end, stop)
        out.append(text[start:index])
        out.append(REDACTED)
        index = start = end
    out.append(text[start:])
    return "".join(out)


def redact(text: str | None, secrets: Iterable[str] = ()) -> str | None:
    """Return ``text`` with every known secret (its encoded forms, and any prefix of them at least
    SECRET_PREFIX_CHARS long) and every ``Basic xxx`` / ``Bearer xxx`` credential replaced by ``********``.

    Redact before cutting text: :func:`truncate` is only ever applied to redacted text."""
    if text is None:
        return None
    text = str(text)
    forms = set()
    for secret in secrets or ():
        if secret:
            forms.update(_secret_forms(str(secret)))
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    text = _mask_prefixes(text, forms)
    for pattern, replacement in _GENERIC_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_data(data: Any, secrets: Iterable[str] = ()) -> Any:
    """Redact every string inside a JSON-like structure (dicts, lists, scalars)."""
    if isinstance(data, dict):
        return {redact(k, secrets): redact_data(v, secrets) for k, v in data.items()}
    if isinstance(data, list):
        return [redact_data(v, secrets) for v in data]
    if isinstance(data, str):
        return redact(data, secrets)
    return data


class AtlassianError(Exception):
    """Base of every error of the client.

    ``message``: the full human message (redacted); ``method``/``path``: the request (path only,
    never the query string); ``status``: HTTP status or None; ``api_message``: the API's own words.
    """

    def __init__(
        self,
        message: str,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        api_message: str | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        self.message = redact(message, secrets)
        self.method = method
        self.path = redact(path, secrets)
        self.status = status
        self.api_message = redact(api_message, secrets)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def as_result(self) -> dict[str, Any]:
        """The extra keys a module puts into ``fail_json`` (``msg`` included)."""
        return {
            "msg": self.message,
            "status": self.status,
            "method": self.method,
            "path": self.path,
            "api_message": self.api_message,
        }


class ConfigurationError(AtlassianError):
    """Bad or contradictory options (zero or several auth methods, bad URL...)."""


class TransportError(AtlassianError):
    """Connection error, TLS error or timeout (after the retries that were allowed)."""


class ApiError(AtlassianError):
    """A non-2xx answer (or an unusable 2xx body). ``body``: the parsed JSON or text, redacted."""

    def __init__(
        self,
        message: str,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        api_message: str | None = None,
        secrets: Iterable[str] = (),
        body: Any = None,
        scim_type: str | None = None,
    ) -> None:
        super().__init__(message, method=method, path=path, status=status, api_message=api_message, secrets=secrets)
        self.body = redact_data(body, secrets)
        self.scim_type = scim_type
        # the Admin API's error codes (``ADMIN-UAM-409-2``...), [] for other APIs
        self.codes = api_error_codes(self.body)


class AuthenticationError(ApiError):
    """401: the credentials were rejected."""


class ForbiddenError(ApiError):
    """403: authenticated, but not allowed."""


class NotFoundError(ApiError):
    """404."""


class ConflictError(ApiError):
    """409 (SCIM: the user already exists)."""


class PlanLimitError(ApiError):
    """402: the workspace plan's user limit is reached."""


class RateLimitedError(ApiError):
    """429 still answered after the retries."""


class UnexpectedAnswerError(ApiError):
    """A 2xx answer that does not match what was asked (a filter or key the server ignored, an object of
    another user, an id that is not a safe URL path segment, a redirect of a write). Nothing is acted on."""

    PREFIX = "Unexpected answer from the API: "

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(self.PREFIX + message + ". Nothing was changed because of it.", **kwargs)


_CLASSES = {
    401: AuthenticationError,
    402: PlanLimitError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}

_HINT_401 = {
    "api_token": (
        "the API token is invalid, expired or revoked, or username is not the Atlassian account email the token "
        "belongs to (app passwords no longer work)"
    ),
    "access_token": "the access token is invalid, expired or revoked",
    "client_credentials": "the OAuth access token obtained with client_id/client_secret was rejected (expired or revoked consumer)",
    "scim_token": "the directory API key (scim_token) is invalid or revoked, or directory_id does not match it",
    "admin_api_key": "the organization API key (admin_api_key) is invalid, expired or revoked",
}

_HINT_403 = {
    "api_token": (
        "the API token lacks a required scope (e.g. read:workspace:bitbucket, read:repository:bitbucket, "
        "admin:repository:bitbucket or admin:project:bitbucket with write:permission:bitbucket / "
        "delete:permission:bitbucket) or its account lacks admin rights on the target"
    ),
    "access_token": (
        "workspace, project and repository access tokens cannot query or change permissions; "
        "use an API token or OAuth consumer of a workspace admin (or the token lacks a required scope)"
    ),
    "client_credentials": "the OAuth consumer lacks a required scope, or its owner lacks admin rights on the target",
    "scim_token": "the directory API key is not allowed to manage this directory",
    "admin_api_key": (
        "the organization API key belongs to another organization than org_id, is a key with scopes (writes "
        "need an API key without scopes), or may not manage this directory or group"
    ),
}

# Bitbucket's 403 for an account that is no workspace member (any more): not a scope problem
_NOT_A_MEMBER = re.compile(r"(?i)not an? (member of|collaborator on)( the| this)? workspace")
HINT_NOT_A_MEMBER = (
    "the account of the credentials (username) may no longer be a member of the workspace - was it taken out of "
    "the group that gives it access (an offboarding, atlassian_group_member state=absent)? A workspace admin can "
    "give it back"
)

_HINT_429 = {
    "admin_api_key": "rate limit of the organization Admin API exceeded and still refused after the retries",
    "scim_token": "rate limit of the user provisioning API exceeded and still refused after the retries",
}

_HINT_OTHER = {
    402: "the workspace plan's user limit has been reached",
    404: "it does not exist or the credentials cannot see it",
    429: "rate limit exceeded and still refused after the retries (Bitbucket allows about 1,000 requests per hour per user)",
}


def truncate(text: str | None, limit: int = _MAX_BODY_CHARS) -> str | None:
    """``text`` cut to ``limit`` characters; apply to redacted text only."""
    if text is not None and len(text) > limit:
        return text[:limit] + "...(truncated)"
    return text


def _admin_error_text(item: Any) -> str:
    """``CODE: detail`` of one item of an Admin API ``{"errors": [...]}`` body (``title`` when there is no detail)."""
    if not isinstance(item, dict):
        return str(item)
    words = item.get("detail") or item.get("title") or item.get("message") or ""
    code = item.get("code")
    return "%s: %s" % (code, words) if code and words else str(code or words)


def api_error_codes(body: Any) -> list[str]:
    """The ``code`` of each item of an Admin API ``{"errors": [...]}`` body, and the v1 proxy body's ``code``."""
    if not isinstance(body, dict):
        return []
    errors = body.get("errors")
    if isinstance(errors, list):
        return [str(item["code"]) for item in errors if isinstance(item, dict) and item.get("code") is not None]
    if body.get("code") is not None and not isinstance(body.get("code"), (dict, list)):
        return [str(body["code"])]
    return []


def parse_error_body(text: str | None, secrets: Iterable[str] = ()) -> tuple[Any, str | None, str | None]:
    """Return ``(body, api_message, scim_type)`` from an error body of any shape.

    Bitbucket: ``{"type": "error", "error": {"message": ..., "detail": ...}}``; SCIM:
    ``{"schemas": [...], "status": "409", "detail": ..., "scimType": ...}``; Admin API:
    ``{"errors": [{"id", "code", "status", "title", "detail"}]}`` (``CODE: detail`` of each) or the v1 proxy's
    ``{"code", "message"}``; OAuth:
    ``{"error": "invalid_client", "error_description": ...}``; anything else: plain text.
    The text is redacted (``secrets``) before anything is cut from it.
    """
    text = redact((text or "").strip(), secrets)
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        plain = truncate(" ".join(text.split())) if text else None
        return (body if body is not None else plain), plain, None
    api_message = None
    error = body.get("error")
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        api_message = "; ".join(_admin_error_text(item) for item in errors[:5] if item) or None
    elif isinstance(error, dict):
        parts = [str(error[k]) for k in ("message", "detail") if error.get(k)]
        api_message = " - ".join(parts) or None
    elif isinstance(error, str):
        api_message = error
        if body.get("error_description"):
            api_message = "%s: %s" % (error, body["error_description"])
        elif isinstance(body.get("message"), str) and body["message"]:
            api_message = "%s: %s" % (error, body["message"])  # the gateway's envelope
    if api_message is None and body.get("detail"):
        api_message = str(body["detail"])
    if api_message is None and body.get("message"):
        api_message = str(body["message"])
    scim_type = body.get("scimType")
    return body, truncate(api_message), scim_type


def error_from_response(
    status: int,
    text: str | None,
    method: str,
    path: str,
    secrets: Iterable[str] = (),
    auth_kind: str | None = None,
    note: str | None = None,
) -> ApiError:
    """Build the typed :class:`ApiError` for a non-2xx answer."""
    body, api_message, scim_type = parse_error_body(text, secrets)
    cls = _CLASSES.get(status, ApiError)
    if status == 401:
        hint = _HINT_401.get(auth_kind, "the credentials were rejected")
    elif status == 403 and api_message and _NOT_A_MEMBER.search(api_message):
        hint = HINT_NOT_A_MEMBER
    elif status == 403:
        hint = _HINT_403.get(auth_kind, "the credentials lack a required scope or permission")
    elif status == 429 and auth_kind in _HINT_429:
        hint = _HINT_429[auth_kind]
    else:
        hint = _HINT_OTHER.get(status)
    message = "%s %s failed with HTTP %s" % (method, path, status)
    if api_message:
        message += ": %s" % api_message
    if hint:
        message += " (likely cause: %s)" % hint
    if note:
        message += ". %s" % note
    return cls(
        message, method=method, path=path, status=status, api_message=api_message, secrets=secrets, body=body, scim_type=scim_type
    )
