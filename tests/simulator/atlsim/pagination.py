# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bitbucket pagination (narrative_pagination.md).

List-based (default): ``page`` (1-based) and ``pagelen`` (default 10, 1..100) in, ``pagelen``,
``size``, ``page``, ``values``, ``next`` (absent on the last page) and ``previous`` (absent on the
first) out; ``next``/``previous`` are absolute URLs keeping every other query parameter.
``pagelen`` outside 1..100 or not a number: 400 ``Invalid pagelen`` (what Bitbucket answers above
its maximum); a ``page`` past the last one: 404 ``Invalid page``; a ``page`` that is not a positive
number: 400 ``Invalid page``.

Iterator mode (fault knob ``pagination: iterator``): only ``pagelen``, ``values`` and ``next``, the
``page`` value in ``next`` being an opaque token, as for Bitbucket's iterator-based collections;
there a numeric ``page`` (or any value not handed out in ``next``) is 400 ``Invalid page``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from urllib.parse import quote, urlencode

from .web import ApiError, Ctx

DEFAULT_PAGELEN = 10
MAX_PAGELEN = 100
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def page_url(ctx: Ctx, page_value: str) -> str:
    request = ctx.request
    params = [(key, value) for key, value in request.args.items(multi=True) if key != "page"]
    params.append(("page", page_value))
    return "%s%s?%s" % (ctx.base_url, quote(request.path, safe=_PATH_SAFE), urlencode(params, quote_via=quote))


def _token(page: int) -> str:
    return base64.urlsafe_b64encode(("atlsim-page:%d" % page).encode()).decode().rstrip("=")


def _untoken(value: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        prefix, _unused, number = raw.partition(":")
        if prefix != "atlsim-page" or not number.isdigit() or int(number) < 1:
            raise ValueError(value)
        return int(number)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "Invalid page") from exc


def _positive_int(raw: str | None, default: int, message: str) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ApiError(400, message) from exc
    if value < 1:
        raise ApiError(400, message)
    return value


def paginate(ctx: Ctx, items: Sequence, render: Callable, mode: str = "page", default_pagelen: int = DEFAULT_PAGELEN) -> dict:
    """The paginated wrapper for ``items`` (already filtered and sorted); ``render`` turns one item into JSON."""
    pagelen = _positive_int(ctx.arg("pagelen"), default_pagelen, "Invalid pagelen")
    if pagelen > MAX_PAGELEN:
        raise ApiError(400, "Invalid pagelen")
    raw_page = ctx.arg("page")
    if mode == "iterator":  # only the opaque token handed out in ``next``; a page number is 400
        page = _untoken(raw_page) if raw_page else 1
    else:
        page = _positive_int(raw_page, 1, "Invalid page")
    total = len(items)
    last = max(1, -(-total // pagelen))
    if page > last:
        raise ApiError(404, "Invalid page")
    values = [render(item) for item in items[(page - 1) * pagelen : page * pagelen]]
    if mode == "iterator":
        body = {"pagelen": pagelen, "values": values}
        if page < last:
            body["next"] = page_url(ctx, _token(page + 1))
        return body
    body = {"pagelen": pagelen, "size": total, "values": values, "page": page}
    if page < last:
        body["next"] = page_url(ctx, str(page + 1))
    if page > 1:
        body["previous"] = page_url(ctx, str(page - 1))
    return body
