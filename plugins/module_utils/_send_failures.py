# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a request that got no answer means (``Transport.send`` asks ``classify``): never sent (retry), the host cannot
be reached at all (fail at once, naming the host), or sent and unanswered (retry only an idempotent request: the
server may have acted)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

try:
    from requests import exceptions as rex
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    try:
        from urllib3.exceptions import NameResolutionError  # urllib3 2
    except ImportError:  # pragma: no cover
        NameResolutionError = None
except ImportError:  # the modules say that requests is missing before any request (_module.run_module)
    rex = None
    ConnectTimeoutError = None
    NewConnectionError = None
    NameResolutionError = None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and every exception behind it (arguments, ``reason``, cause, context), each once."""
    seen = set()
    todo = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo.extend(arg for arg in getattr(item, "args", ()) if isinstance(arg, BaseException))
        todo.append(getattr(item, "reason", None))
        todo.append(item.__cause__)
        todo.append(item.__context__)


def never_sent(exc: BaseException) -> bool:
    """True when the connection failed before the request could be sent."""
    if isinstance(exc, rex.ConnectTimeout):
        return True
    # urllib3's ConnectTimeoutError is also the base of NewConnectionError and NameResolutionError
    return any(isinstance(item, ConnectTimeoutError) for item in _chain(exc))


def unreachable(exc: BaseException) -> str | None:
    """``"name or service not known"`` / ``"connection refused"`` when the host cannot be reached at all (a name that
    does not resolve, nothing listening): retrying for seconds would not help. None otherwise."""
    for item in _chain(exc):
        if isinstance(item, socket.gaierror) or (NameResolutionError is not None and isinstance(item, NameResolutionError)):
            return "name or service not known"
        if isinstance(item, ConnectionRefusedError):
            return "connection refused"
        if NewConnectionError is not None and isinstance(item, NewConnectionError) and "refused" in str(item).lower():
            return "connection refused"
    return None


def classify(exc: BaseException, idempotent: bool, described: str, host: str, url_hint: str | None) -> tuple[bool, str]:
    """``(retryable, message)`` for a requests exception; ``described``: the exception as messages show it (redacted,
    no query string), ``host``: the API's host, ``url_hint``: the option and variable that set the API URL."""
    if isinstance(exc, rex.SSLError):
        return False, "TLS error (check validate_certs and ca_path): %s" % described
    why = unreachable(exc) if isinstance(exc, rex.ConnectionError) else None
    if why:
        return False, "cannot reach %s: %s (check %s)" % (
            host,
            why,
            url_hint or "the API URL option and its environment variable",
        )
    if isinstance(exc, (rex.ConnectTimeout, rex.ConnectionError)) and never_sent(exc):
        return True, "could not connect: %s" % described
    if isinstance(exc, (rex.ReadTimeout, rex.ConnectionError, rex.ChunkedEncodingError, rex.ContentDecodingError)):
        if idempotent:
            return True, "no answer: %s" % described
        return False, (
            "no complete answer (%s); the request may already have been applied, so it was not retried: read the "
            "current state before trying again" % described
        )
    return False, described
