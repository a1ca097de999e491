# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of every value that becomes part of a request: task options (ConfigurationError naming the
option, before any request) and values taken from a server's answer (UnexpectedAnswerError).

Rules:

* a value that becomes a URL path segment is non-empty, not ``.`` / ``..``, has no ``/``, ``\\``, whitespace or
  control character, follows the API's own syntax where it has one (slugs, keys, account ids) and is
  percent-encoded as one segment (:func:`segment`);
* a user identifier is an email address, an Atlassian account id or a ``{uuid}``, nothing else;
* URLs are absolute http(s) URLs without credentials, query, fragment, whitespace or control characters;
* numbers are finite and within bounds.
"""

from __future__ import annotations

import ipaddress
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ConfigurationError,
    UnexpectedAnswerError,
)

MAX_IDENTIFIER_CHARS = 254
MAX_SLUG_CHARS = 255
MAX_URL_CHARS = 2048
MAX_TIMEOUT = 3600.0
MAX_RETRIES = 20

UUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
# Atlassian account ids: 24 hex digits, or a prefix and one to three ":"-separated parts ("557058:<uuid>",
# "712020:<uuid>", "qm:<uuid>:<uuid>"). A bare word ("42", "dev002") is none.
ACCOUNT_ID = re.compile(r"^(?:[0-9a-fA-F]{24}|[0-9A-Za-z]{1,64}(?::[0-9A-Za-z-]{1,128}){1,3})$")
EMAIL = re.compile(r"^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$")
# Workspace and repository slugs (letters, digits, "-", "_", "."), or a {uuid}.
SLUG = re.compile(r"^[A-Za-z0-9_.-]+$")
# Bitbucket project keys: a letter, then letters, digits or "_".
PROJECT_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Directory ids (UUIDs at Atlassian) and other opaque ids: unreserved URL characters.
OPAQUE_ID = re.compile(r"^[A-Za-z0-9._~-]+$")
# What a server may use as an id in a path: anything printable but separators and dot segments.
_UNSAFE_IN_SEGMENT = re.compile(r"[/\\?#%\s]")
# A "." or ".." path segment, also percent-encoded (%2e): never in a base URL (the server would resolve it elsewhere).
DOT_SEGMENT = re.compile(r"(?i)(^|/)(\.|%2e){1,2}(/|$)")


def has_control(text: str) -> bool:
    """True when ``text`` holds a control, format or line/paragraph separator character."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text)


def _text(value: Any, option: str, max_chars: int, what: str) -> str:
    """``value`` as a non-blank string without control characters (ConfigurationError naming ``option``)."""
    if not isinstance(value, str):
        raise ConfigurationError("%s must be a string (%s), not %s" % (option, what, type(value).__name__))
    if not value.strip():
        raise ConfigurationError("%s is empty: give %s" % (option, what))
    if has_control(value):
        raise ConfigurationError("%s holds a line break or another control character: give %s" % (option, what))
    if len(value) > max_chars:
        raise ConfigurationError(
            "%s is %d characters long, more than the %d that %s can have" % (option, len(value), max_chars, what)
        )
    return value.strip()


def encode_segment(value: Any) -> str:
    """One URL path segment: every reserved character percent-encoded (``:`` and ``@`` are valid in a segment)."""
    return quote(str(value), safe=":@")


def _dot_segment(value: str) -> bool:
    return value in (".", "..")


def slug(value: Any, option: str, what: str = "a slug (letters, digits, '-', '_', '.') or a {uuid}") -> str:
    """A workspace or repository slug (or ``{uuid}``) from the task."""
    text = _text(value, option, MAX_SLUG_CHARS, what)
    if UUID.match(text):
        return "{%s}" % UUID.match(text).group(1).lower()
    if _dot_segment(text) or not SLUG.match(text):
        raise ConfigurationError("%s %s is not %s" % (option, _show(text), what))
    return text


def workspace(value: Any, option: str = "workspace") -> str:
    return slug(value, option, "a workspace slug (letters, digits, '-', '_', '.') or a {uuid}")


def repository(value: Any, option: str = "repository") -> str:
    return slug(
        value, option, "a repository slug (letters, digits, '-', '_', '.'; the slug only, without the workspace) or a {uuid}"
    )


def project_key(value: Any, option: str = "project") -> str:
    text = _text(value, option, MAX_SLUG_CHARS, "a project key")
    if not PROJECT_KEY.match(text):
        raise ConfigurationError("%s %s is not a project key (a letter, then letters, digits or '_')" % (option, _show(text)))
    return text


def opaque_id(value: Any, option: str, what: str = "an identifier (letters, digits, '-', '_', '.', '~')") -> str:
    """An id given by the task that becomes a path segment (SCIM directory id, group id...)."""
    text = _text(value, option, MAX_SLUG_CHARS, what)
    if _dot_segment(text) or not OPAQUE_ID.match(text):
        raise ConfigurationError("%s %s is not %s" % (option, _show(text), what))
    return text


def identifier_kind(value: str, lenient: bool = False) -> str | None:
    """``"email"``, ``"uuid"``, ``"account_id"`` or None (malformed) for a stripped identifier.

    ``lenient=True``, for identifiers already validated or read from the API: the value is stripped first, any
    ``@`` makes an email, and whatever is neither an email nor a uuid is an account id (never None)."""
    if lenient:
        value = (value or "").strip()
        if "@" in value:
            return "email"
        return "uuid" if UUID.match(value) else "account_id"
    if "@" in value:
        return "email" if EMAIL.match(value) and len(value) <= MAX_IDENTIFIER_CHARS else None
    if UUID.match(value):
        return "uuid"
    if ACCOUNT_ID.match(value):
        return "account_id"
    return None


def user_identifier(value: Any, option: str, kinds: tuple[str, ...] = ("email", "account_id", "uuid")) -> tuple[str, str]:
    """(kind, normalized) of a user named by the task: emails lower-cased, uuids as ``{lower-case}``."""
    names = {"email": "an email address", "account_id": "an Atlassian account ID (such as 557058:6c1b...)", "uuid": "a {uuid}"}
    wanted = " or ".join(names[k] for k in kinds)
    text = _text(value, option, MAX_IDENTIFIER_CHARS, wanted)
    kind = identifier_kind(text)
    if kind not in kinds:
        raise ConfigurationError("%s %s is not %s" % (option, _show(text), wanted))
    if kind == "email":
        return kind, text.lower()
    if kind == "uuid":
        return kind, "{%s}" % UUID.match(text).group(1).lower()
    return kind, text


def text(value: Any, option: str, what: str, max_chars: int = MAX_IDENTIFIER_CHARS) -> str:
    """A free-text value sent in a query or body (SCIM userName, externalId...): not blank, no control character."""
    return _text(value, option, max_chars, what)


def _show(value: str, limit: int = 60) -> str:
    """A short, printable rendering of a value for a message."""
    shown = value if len(value) <= limit else value[:limit] + "..."
    return repr(shown)


# -- values from a server ----------------------------------------------------------------------------------


def show(value: str, limit: int = 60) -> str:
    """A value for a message: quoted, cut to ``limit`` characters, control characters escaped."""
    return _show(value, limit)


def server_segment(value: Any, what: str, method: str | None = None, path: str | None = None) -> str:
    """A value from a server's answer used as a URL path segment (a SCIM id, an account id from a list):
    UnexpectedAnswerError unless it is a plain, safe segment; the encoded segment otherwise."""
    if (
        not isinstance(value, str)
        or not value
        or _dot_segment(value)
        or _UNSAFE_IN_SEGMENT.search(value)
        or has_control(value)
        or len(value) > MAX_SLUG_CHARS
    ):
        raise UnexpectedAnswerError(
            "%s %s answered %s %s, which is not a safe URL path segment (empty, '.', '..', or "
            "with '/', '\\', '%%', '?', '#', spaces or control characters): the server is not "
            "behaving as the API does" % (method or "the request", path or "", what, _show(str(value))),
            method=method,
            path=path,
            status=200,
        )
    return encode_segment(value)


def path_segment(value: Any) -> str:
    """One URL path segment for a value already validated as a task option, or taken from an answer (then checked
    here: UnexpectedAnswerError before the request is sent); ``{uuid}`` braces and any reserved character encoded."""
    return server_segment(value, "the value")


# -- connection options ------------------------------------------------------------------------------------


def is_loopback(host: str | None) -> bool:
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url(value: Any, option: str, warn: Callable[[str], Any] | None = None) -> str:
    """An absolute http(s) URL without credentials, query, fragment, ``.`` / ``..`` path segments, whitespace or control
    characters.

    Plain ``http://`` to a host that is not this machine is accepted with a warning (credentials would
    travel unencrypted)."""
    if not isinstance(value, str) or not value:
        raise ConfigurationError("%s is empty: give an absolute https:// URL, or leave the option out for the default" % option)
    if has_control(value) or any(char.isspace() for char in value):
        raise ConfigurationError(
            "%s holds spaces, a line break or another control character (check for a trailing "
            "newline): give an absolute https:// URL" % option
        )
    if len(value) > MAX_URL_CHARS:
        raise ConfigurationError("%s is longer than %d characters" % (option, MAX_URL_CHARS))
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            "%s must be an absolute https:// URL (scheme http or https, with a host), not %s"
            % (option, _show(value.split("?")[0].split("@")[-1]))
        )
    if "@" in parts.netloc:
        raise ConfigurationError(
            "%s must not hold credentials (user:password@): give credentials with their own "
            "options, which are never shown" % option
        )
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise ConfigurationError("%s must not have a query string or fragment" % option)
    if DOT_SEGMENT.search(parts.path):
        raise ConfigurationError(
            "%s must not hold '.' or '..' path segments (such as /2.0/../x): give the API's base URL as it is" % option
        )
    try:
        _port = parts.port  # reading it raises ValueError for an invalid port
    except ValueError:
        raise ConfigurationError("%s has an invalid port" % option) from None
    if parts.scheme.lower() == "http" and not is_loopback(parts.hostname) and warn is not None:
        warn(
            "%s uses plain http:// to %s, which is not this machine: credentials and answers travel unencrypted. "
            "Use https://" % (option, parts.hostname)
        )
    return value


def url_passwords(params: dict[str, Any], options: Iterable[str]) -> list[str]:
    """The passwords (and user:password pairs) written into URL options, to mask them wherever the value is shown
    (ansible-core echoes the options into a failed result's ``invocation``)."""
    found = []
    for option in options:
        value = params.get(option)
        if isinstance(value, str) and "@" in value:
            userinfo = urlsplit(value.strip()).netloc.rpartition("@")[0]
            if userinfo:
                found.append(userinfo)
                found.extend(part for part in userinfo.split(":", 1)[1:] if part)
    return found


def timeout(value: Any, option: str = "timeout") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 < value <= MAX_TIMEOUT:
        raise ConfigurationError("%s must be a number of seconds greater than 0 and at most %d" % (option, int(MAX_TIMEOUT)))
    return float(value)


def bounded_int(value: Any, option: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ConfigurationError("%s must be a whole number from %d to %d" % (option, minimum, maximum))
    return value
