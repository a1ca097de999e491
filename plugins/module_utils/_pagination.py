# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pagination: Bitbucket ``next`` links, SCIM ``startIndex``/``count`` and the Admin API's opaque cursors.

Both stop on loops (a repeated ``next`` URL, a page that adds nothing) instead of spinning,
and let ApiError raised mid-way propagate: a caller that gets the iterator to its end has
read every page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport

BITBUCKET_MAX_PAGELEN = 100


def _warn(transport: Transport, message: str) -> None:
    warn = getattr(transport, "warn", None)
    if warn is not None:
        warn(message)


def _fingerprint(item: Any) -> str:
    try:
        return json.dumps(item, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(item)


def _bad_page(transport: Transport, path: str, what: str) -> ApiError:
    path_only = transport.shown_path(path)
    return ApiError(
        "GET %s answered a page without %s" % (path_only, what),
        method="GET",
        path=path_only,
        status=200,
        secrets=transport.secrets,
    )


def iter_bitbucket_pages(
    transport: Transport, path: str, params: dict[str, Any] | None = None, pagelen: int = BITBUCKET_MAX_PAGELEN
) -> Iterator[dict[str, Any]]:
    """Yield each page (dict) of a Bitbucket paginated collection.

    The first request carries ``params`` and ``pagelen`` (max 100); then the opaque ``next``
    URL is followed verbatim (it already holds the query). ``size``/``page``/``previous`` are
    never needed. Stops when there is no ``next``, when a ``next`` was already visited, or
    when a page brings no value (empty, or the same values as the page before).
    """
    query = dict(params or {})
    if pagelen:
        query.setdefault("pagelen", min(int(pagelen), BITBUCKET_MAX_PAGELEN))
    url = path
    visited = set()
    previous = None
    while True:
        page = transport.get_json(url, params=query)
        values = page.get("values", [])
        if not isinstance(values, list):
            raise _bad_page(transport, url, "a values list")
        fingerprint = [_fingerprint(v) for v in values]
        if values and fingerprint == previous:
            _warn(
                transport,
                "Pagination of %s stopped: the API answered the same page twice" % transport.shown_path(path),
            )
            return
        previous = fingerprint
        yield page
        next_url = page.get("next")
        if not next_url:
            return
        if not values:
            _warn(
                transport,
                "Pagination of %s stopped: an empty page still had a next link" % transport.shown_path(path),
            )
            return
        if next_url in visited:
            _warn(transport, "Pagination of %s stopped: the API repeated a next link" % transport.shown_path(path))
            return
        visited.add(next_url)
        url = next_url
        query = None


def iter_bitbucket_values(
    transport: Transport, path: str, params: dict[str, Any] | None = None, pagelen: int = BITBUCKET_MAX_PAGELEN
) -> Iterator[Any]:
    """Yield every item of every page (see :func:`iter_bitbucket_pages`)."""
    for page in iter_bitbucket_pages(transport, path, params=params, pagelen=pagelen):
        yield from page.get("values", [])


def iter_scim_resources(transport: Transport, path: str, params: dict[str, Any] | None = None, count: int = 100) -> Iterator[Any]:
    """Yield every resource of a SCIM list (``startIndex`` is 1-based).

    Moves ``startIndex`` on by the number of resources actually returned (a server may return
    fewer than ``count``); stops when ``totalResults`` is reached, when a page is empty, or when
    a page adds nothing new (every resource ``id`` already seen).
    """
    start = 1
    seen = set()
    while True:
        query = dict(params or {})
        query["startIndex"] = start
        query["count"] = count
        page = transport.get_json(path, params=query)
        resources = page.get("Resources", [])
        if resources is None:
            resources = []
        if not isinstance(resources, list):
            raise _bad_page(transport, path, "a Resources list")
        fresh = []
        for resource in resources:
            key = resource.get("id") if isinstance(resource, dict) and resource.get("id") else _fingerprint(resource)
            if key not in seen:
                seen.add(key)
                fresh.append(resource)
        yield from fresh
        if not fresh:
            if resources:
                _warn(
                    transport,
                    "Pagination of %s stopped: a page added no new resource" % transport.shown_path(path),
                )
            return
        start += len(resources)
        total = page.get("totalResults")
        if isinstance(total, int) and not isinstance(total, bool) and start > total:
            return


ADMIN_MAX_LIMIT = 100


def _admin_page(
    transport: Transport, method: str, path: str, body: dict[str, Any] | None, params: dict[str, Any] | None
) -> dict[str, Any]:
    # a search is a read: safe to send again after a timeout, though it is a POST
    page = transport.request_json(method, path, json=body, params=params, idempotent=True)
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        path_only = transport.shown_path(path)
        raise ApiError(
            "%s %s answered a page without a data list" % (method, path_only),
            method=method,
            path=path_only,
            status=200,
            secrets=transport.secrets,
        )
    return page


def iter_admin_values(
    transport: Transport,
    path: str,
    body: dict[str, Any] | None = None,
    method: str = "POST",
    limit: int = ADMIN_MAX_LIMIT,
    cursor_alone: bool = False,
) -> Iterator[Any]:
    """Yield every item of an Admin API list: ``{"data": [...], "links": {"next": <cursor>}}``.

    ``POST`` searches send ``body`` with ``limit``, then the same body with ``cursor`` (the API discards the other
    fields when a cursor is given, so resending them is harmless), or ``cursor`` alone when ``cursor_alone`` (the
    workspaces search: "When a cursor is provided in the request body, no other properties may be present");
    ``GET`` listings send ``limit``, then ``cursor`` alone, in the query. Cursors are opaque values, never URLs. Stops
    when there is no ``next``, when a cursor repeats or when a page brings nothing.
    """
    seen = set()
    cursor = None
    while True:
        if method == "POST":
            request_body = dict(body or {})
            request_body["limit"] = limit
            if cursor is not None:
                request_body = {"cursor": cursor} if cursor_alone else dict(request_body, cursor=cursor)
            page = _admin_page(transport, method, path, request_body, None)
        else:
            params = {"cursor": cursor} if cursor is not None else {"limit": limit}
            page = _admin_page(transport, method, path, None, params)
        values = page["data"]
        yield from values
        links = page.get("links")
        cursor = links.get("next") if isinstance(links, dict) else None
        if not cursor or not isinstance(cursor, str):
            return
        if not values:
            _warn(
                transport,
                "Pagination of %s stopped: an empty page still had a next cursor" % transport.shown_path(path),
            )
            return
        if cursor in seen:
            _warn(transport, "Pagination of %s stopped: the API repeated a cursor" % transport.shown_path(path))
            return
        seen.add(cursor)
