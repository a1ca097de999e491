# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization audit log of the Admin API (``atlassian-admin-organization.swagger.v3.2026-08-21.json``, tag
Events), over the events of :mod:`atlsim.audit_events`:

``GET /admin/v1/orgs/{orgId}/event-actions``: ``{"data": [{"id", "type": "event-actions", "attributes":
{"displayName", "groupDisplayName"}}]}``.

``GET /admin/v1/orgs/{orgId}/events-stream`` (``cursor``, ``from``, ``to``, ``limit``, ``sortOrder``): a
``PollingEventPage`` ``{"data": [...], "links": {"self", "next"?}, "meta": {"next", "page_size"}}`` sorted by
processing time (``asc`` by default). ``from`` / ``to``: epoch milliseconds, inclusive, on ``processedAt``; neither a
cursor nor ``from``: from the oldest kept event (180 days). The cursor (opaque) carries the position (just after the
last event returned), the order, ``from`` / ``to`` and the limit (a ``limit`` sent with it wins); ``meta.next`` is
always there (on the last page and on an empty one too: polled later it returns only newer events; an empty page
keeps the position), ``links.next`` only when more events are already available. 400 ``ADMIN-400-1`` (Invalid page
cursor) for a cursor not handed out for this organization, ``ADMIN-400-3`` for a ``from`` / ``to`` that is not epoch
milliseconds (or ``from`` after ``to``), ``ADMIN-400-19`` for ``limit`` outside 1..500 or an unknown ``sortOrder``.
At most :data:`atlsim.audit_events.STREAM_LIMIT` requests per organization in a sliding 60 s window of the
simulator's clock (the spec: 50 per path): then 429 ``text/plain`` ``Rate limit exceeded``, no ``Retry-After``.

``GET /admin/v1/orgs/{orgId}/events/{eventId}``: ``{"data": <EventModel>}`` (no ``processedAt``); 404 ``ADMIN-404-4``.

All three: ``Authorization: Bearer <organization API key>`` of the organization (else 401 / 404 as the other v1
operations), scope ``read:events:admin`` for a key with scopes.
"""

from __future__ import annotations

import copy

from .admin_common import AdminCtx, AdminError, AdminRoute, decode_cursor, encode_cursor
from .audit_events import ACTIONS, STREAM_LIMIT
from .web import json_response, text_response

READ_EVENTS = "read:events:admin"
ORG = "/admin/v1/orgs/{orgId}"
DEFAULT_LIMIT = 200
MAX_LIMIT = 500


def event_actions(ctx: AdminCtx):
    ctx.org()
    data = [
        {"id": ident, "type": "event-actions", "attributes": {"displayName": name, "groupDisplayName": group}}
        for ident, name, group in ACTIONS
    ]
    return json_response({"data": data})


def _rendered(ctx: AdminCtx, event: dict, processed: bool = True) -> dict:
    event = copy.deepcopy(event)
    if not processed:
        event["attributes"].pop("processedAt", None)
    if "links" in event:
        event["links"]["self"] = ctx.request.host_url.rstrip("/") + event["links"]["self"]
    return event


def _millis(value, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise AdminError(
            400, "%s must be a UNIX epoch time in milliseconds, not %r." % (name, value), "ADMIN-400-3", "Invalid time date"
        )
    return int(value)


def _limit(value) -> int | None:
    if value is None or value == "":
        return None
    if not value.lstrip("-").isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise AdminError(
            400,
            "limit must be an integer between 1 and %d, not %r." % (MAX_LIMIT, value),
            "ADMIN-400-19",
            "Invalid request syntax",
        )
    return int(value)


def _position(ctx: AdminCtx, org_id: str) -> dict:
    """The cursor data: ``o`` org, ``s`` position (sequence number), ``d`` order, ``f`` / ``t`` from / to, ``l`` limit."""
    args = ctx.request.args
    limit = _limit(args.get("limit"))
    if args.get("cursor") is not None:
        try:
            data = decode_cursor(args["cursor"], "events")
        except AdminError as exc:
            raise AdminError(
                400, "INVALID_PAGE_CURSOR: the cursor was not handed out by this API.", "ADMIN-400-1", "Invalid page cursor"
            ) from exc
        if data.get("g") != org_id or data.get("d") not in ("asc", "desc"):
            raise AdminError(
                400, "INVALID_PAGE_CURSOR: the cursor belongs to another listing.", "ADMIN-400-1", "Invalid page cursor"
            )
        if limit is not None:
            data["l"] = limit
        return data
    order = args.get("sortOrder") or "asc"
    if order not in ("asc", "desc"):
        raise AdminError(400, "sortOrder must be asc or desc, not %r." % order, "ADMIN-400-19", "Invalid request syntax")
    start, end = _millis(args.get("from"), "from"), _millis(args.get("to"), "to")
    if start is not None and end is not None and start > end:
        raise AdminError(400, "from must not be after to.", "ADMIN-400-3", "Invalid time date")
    return {"k": "events", "o": 0, "g": org_id, "d": order, "f": start, "t": end, "l": limit or DEFAULT_LIMIT}


def events_stream(ctx: AdminCtx):
    org = ctx.org()
    allowed, _used = ctx.state.events.limiter.hit("events-stream:" + org.id, STREAM_LIMIT)
    if not allowed:
        return text_response("Rate limit exceeded", 429)
    data = _position(ctx, org.id)
    descending = data["d"] == "desc"
    records = ctx.state.events.kept(org.id)
    if data.get("f") is not None:
        records = [r for r in records if r["ms"] >= data["f"]]
    if data.get("t") is not None:
        records = [r for r in records if r["ms"] <= data["t"]]
    if descending:
        records = [r for r in reversed(records) if not data["o"] or r["seq"] < data["o"]]
    else:
        records = [r for r in records if r["seq"] > data["o"]]
    limit = data.get("l") or DEFAULT_LIMIT
    chosen = records[:limit]
    position = dict(data, o=chosen[-1]["seq"] if chosen else data["o"], l=limit)
    cursor = encode_cursor(position)
    url = ctx.request.base_url
    links = {"self": ctx.request.url}
    if len(records) > limit:
        links["next"] = "%s?cursor=%s" % (url, cursor)
    body = {
        "data": [_rendered(ctx, r["event"]) for r in chosen],
        "links": links,
        "meta": {"next": cursor, "page_size": len(chosen)},
    }
    return json_response(body)


def get_event(ctx: AdminCtx):
    org = ctx.org()
    event = ctx.state.events.find(org.id, ctx.params["eventId"])
    if event is None:
        raise AdminError(
            404, "Event %s not found in organization %s." % (ctx.params["eventId"], org.id), "ADMIN-404-4", "Event not found"
        )
    return json_response({"data": _rendered(ctx, event, processed=False)})


ROUTES = [
    AdminRoute("GET", ORG + "/event-actions", event_actions, READ_EVENTS, v1=True),
    AdminRoute("GET", ORG + "/events-stream", events_stream, READ_EVENTS, v1=True),
    AdminRoute("GET", ORG + "/events/{eventId}", get_event, READ_EVENTS, v1=True),
]
