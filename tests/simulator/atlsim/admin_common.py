# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Admin API routes (``/admin/...``, :mod:`atlsim.routes_admin_users`, :mod:`atlsim.routes_admin_groups`)
share: the ``{"errors": [...]}`` body, the API key check, the route table, opaque base64 cursors and the
``{"data": [...], "links": {...}}`` pages.

Error bodies, as the official spec (``atlassian-admin-organization.swagger.v3.2026-08-21.json``) declares them: v2
directory operations and the invitation ``{"errors": [{"id", "code", "status", "title", "detail"}]}`` (``status`` a
string); ``POST O/workspaces`` one ``ApplicationError`` ``{"id", "code", "status", "title", "detail"}`` (not a list)
and its 401 the gateway's ``ProxyError`` ``{"code": <number>, "message"}``; the v1 role operations answer 401 and 429
with the ``ProxyError`` too.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

from werkzeug.wrappers import Request, Response

from .web import json_response

MAX_LIMIT = 100  # the page size a client may ask for (limitParam, the searches' `limit`: 1..100); else 400
# entries of one filter array: the spec's maxItems (MultiDirectoryUserSearchRequest / MultiDirectoryGroupSearchRequest);
# minItems is 1 everywhere (an empty array is a 400); 400 beyond
USER_FILTER_LIMITS = {
    "accountIds": 10,
    "emails": 100,
    "groupIds": 10,
    "directoryIds": 10,
    "emailDomains": 10,
    "resourceIds": 20,
    "roleIds": 10,
    "status": 4,
    "membershipStatus": 3,
    "accountStatus": 3,
}
GROUP_FILTER_LIMITS = {
    "accountIds": 10,
    "directoryIds": 10,
    "groupIds": 10,
    "groupNames": 100,
    "resourceIds": 20,
    "resourceOwners": 10,
    "roleIds": 10,
    "expand": 2,
}
TITLES = {
    400: "Bad Request",
    401: "Unauthenticated",
    402: "Payment Required",
    403: "Forbidden",
    404: "Unknown Resource",
    405: "Method Not Supported",
    409: "Resource Conflicts",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Error",
}
CODES = {
    400: "ADMIN-UAM-400-1",
    401: "ADMIN-UAM-401-1",
    403: "ADMIN-UAM-403-1",
    404: "ADMIN-UAM-404-1",
    405: "ADMIN-UAM-405-1",
    409: "ADMIN-UAM-409-2",
    415: "ADMIN-UAM-415-1",
    429: "ADMIN-429-1",
    500: "ADMIN-UAM-500-1",
}


class AdminError(Exception):
    """An Admin API error answer."""

    def __init__(
        self,
        status: int,
        detail: str,
        code: str | None = None,
        title: str | None = None,
        headers: dict | None = None,
        proxy: bool = False,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or CODES.get(status, "ADMIN-UAM-%d-1" % status)
        self.title = title or TITLES.get(status, "Error")
        self.headers = headers or {}
        self.proxy = proxy

    def response(self, shape: str = "errors") -> Response:
        """The answer in the operation's declared error shape: ``errors`` (a list), ``application`` (one
        ``ApplicationError``) or ``proxy`` (``ProxyError``, also whenever the error was raised as a proxy one)."""
        item = {
            "id": uuidlib.uuid4().hex[:8],
            "code": self.code,
            "status": str(self.status),
            "title": self.title,
            "detail": self.detail,
        }
        if self.proxy or shape == "proxy":
            body = {"code": self.status, "message": self.detail}
        elif shape == "application":
            body = item
        else:
            body = {"errors": [item]}
        return json_response(body, self.status, self.headers)


WORKSPACES_PATH = re.compile(r"^/admin/v2/orgs/[^/]+/workspaces/?$")


def error_response(status: int, detail: str, headers: dict | None = None, v1: bool = False, path: str | None = None) -> Response:
    """An error answer for ``status`` in the shape of the path's API version (fault and limiter answers). With ``path``,
    the workspaces operation's declared shape (one ``ApplicationError``; 401 and 429: ``ProxyError``)."""
    if path is not None and WORKSPACES_PATH.match(path):
        return AdminError(status, detail, headers=headers, proxy=status in (401, 429)).response("application")
    return AdminError(status, detail, headers=headers, proxy=v1 and status in (401, 429)).response()


def not_found_user(ident: str) -> AdminError:
    return AdminError(404, "One or more user not found in the directory (%s)" % ident, "ADMIN-UAM-404-1", "Unknown Resource")


def not_found_group(ident: str) -> AdminError:
    return AdminError(404, "Group %s not found in the directory" % ident, "ADMIN-UAM-404-3", "Group Not Found")


def license_error(resource, v1: bool = False) -> AdminError:
    """409: ``resource`` has no seat left (``ADMIN-UAM-409-3`` Product License Limit Exceeded; v1: ``ADMIN-409-3``)."""
    return AdminError(
        409,
        "Product License Limit Exceeded: %s %s has no seat left (%s seats)." % (resource.owner, resource.name, resource.seats),
        "ADMIN-409-3" if v1 else "ADMIN-UAM-409-3",
        "Product License Limit Exceeded",
    )


def synced_group(group) -> AdminError:
    return AdminError(
        403,
        "Group %s (%s) is synced from an identity provider and cannot be modified here: change it in "
        "the identity provider." % (group.name, group.id),
        "ADMIN-UAM-403-1",
        "Forbidden",
    )


@dataclass(frozen=True)
class AdminRoute:
    method: str
    pattern: str
    handler: Callable
    scope: str | None = None  # what a scoped key needs (reads); None: writes, scoped keys refused
    v1: bool = False
    errors: str = "errors"  # the declared error body: "errors" ({"errors": [...]}) or "application" (one error)


@dataclass
class AdminCtx:
    request: Request
    state: Any
    key: dict
    params: dict
    v1: bool = False

    @property
    def admin(self):
        return self.state.admin

    def body(self, optional: bool = False) -> dict:
        raw = self.request.get_data(cache=True)
        if not raw:
            if optional:
                return {}
            raise AdminError(400, "The request body is empty; a JSON object is required.")
        if not (self.request.mimetype or "").endswith("json"):
            raise AdminError(415, "Content-Type must be application/json.")
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise AdminError(400, "The request body is not valid JSON: %s" % exc) from exc
        if not isinstance(body, dict):
            raise AdminError(400, "The request body must be a JSON object.")
        return body

    def org(self):
        org = self.admin.orgs.get(self.params["orgId"])
        if org is None or (self.v1 and org.id != self.key["org"]):  # v1 GET org declares no 403: not found
            raise AdminError(
                404,
                "Organization %s not found" % self.params["orgId"],
                "ADMIN-404-2" if self.v1 else "ADMIN-UAM-404-2",
                "Organization not found",
            )
        if org.id != self.key["org"]:
            raise AdminError(
                403,
                "This API key is not allowed to manage organization %s." % org.id,
                "ADMIN-UAM-403-2",
                "Not allowed to manage the org",
            )
        return org

    def directories(self, org, write: bool = False):
        """The directories of the path's ``directoryId`` (``-``: all of them, reads only)."""
        ident = self.params["directoryId"]
        if ident == "-" and write:
            raise AdminError(
                400,
                "directoryId '-' is accepted by read operations only: name the user's or group's "
                "directory (GET .../directories).",
            )
        found = org.directories_for(ident)
        if found is None:
            raise AdminError(404, "Directory %s not found in organization %s" % (ident, org.id), "ADMIN-UAM-404-1")
        return found


def find_key(admin, request: Request) -> dict | None:
    """The organization API key of a ``Bearer`` Authorization header, or None."""
    header = request.headers.get("Authorization", "")
    parts = header.split(None, 1)
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    secret = parts[1].strip().encode("utf-8")
    for key in admin.keys:
        if hmac.compare_digest(key["key"].encode("utf-8"), secret):
            return key
    return None


def credential_of(admin, request: Request) -> str:
    """The request log's credential id: ``admin:<key id>``, ``admin:invalid`` or ``anonymous``."""
    if not request.headers.get("Authorization"):
        return "anonymous"
    key = find_key(admin, request)
    return "admin:%s" % key["id"] if key else "admin:invalid"


def route_table(routes) -> list:
    """[(compiled pattern, {method: route})] for path patterns like ``/2.0/users/{selected_user}`` (the Bitbucket
    router of :mod:`atlsim.app` uses it too)."""
    table = []
    by_pattern: dict = {}
    for route in routes:
        by_pattern.setdefault(route.pattern, {})[route.method] = route
    for pattern, methods in by_pattern.items():
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern))
        table.append((re.compile("^%s$" % regex), methods))
    return table


class AdminRouter:
    def __init__(self, routes):
        self._table = route_table(routes)

    def dispatch(self, request: Request, state) -> Response:
        path = request.path.rstrip("/") if len(request.path) > 1 else request.path
        v1 = path.startswith("/admin/v1/")
        shape = "errors"
        try:
            for regex, methods in self._table:
                found = regex.match(path)
                if not found:
                    continue
                route = methods.get("GET" if request.method == "HEAD" else request.method)
                shape = route.errors if route is not None else "errors"
                key = find_key(state.admin, request)
                if key is None:
                    # the workspaces operation declares its 401 as the gateway's ProxyError, as the v1 ones do
                    raise AdminError(
                        401,
                        "The API key is missing or not valid: send Authorization: Bearer <API key>.",
                        proxy=v1 or shape == "application",
                    )
                if route is None:
                    raise AdminError(
                        405,
                        "%s is not supported here; allowed: %s" % (request.method, ", ".join(sorted(methods))),
                        headers={"Allow": ", ".join(sorted(methods))},
                    )
                _check_scope(key, route)
                ctx = AdminCtx(request, state, key, found.groupdict(), v1=route.v1)
                with state.lock:
                    return route.handler(ctx)
            raise AdminError(404, "There is no API hosted at %s" % path, "ADMIN-UAM-404-1")
        except AdminError as exc:
            return exc.response(shape)


def _check_scope(key: dict, route: AdminRoute) -> None:
    scopes = key["scopes"]
    if scopes is None or route.scope == "*":
        return
    if route.scope is None:
        if route.v1:
            raise AdminError(
                401, "INSUFFICIENT_SCOPE: this operation needs an API key without scopes.", "ADMIN-401-2", "Unauthorized"
            )
        raise AdminError(403, "This API key has scopes; writes need an API key without scopes.", "ADMIN-UAM-403-1")
    if route.scope not in scopes:
        raise AdminError(403, "Insufficient scope: this API key lacks %s." % route.scope, "ADMIN-UAM-403-1")


# -- cursor pagination --------------------------------------------------------------------------
def encode_cursor(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor, kind: str) -> dict:
    if not isinstance(cursor, str) or not cursor:
        raise AdminError(400, "Invalid cursor: not a cursor this API handed out.")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise AdminError(400, "Invalid cursor: not a cursor this API handed out.") from exc
    if not isinstance(data, dict) or data.get("k") != kind or not isinstance(data.get("o"), int) or data["o"] < 0:
        raise AdminError(400, "Invalid cursor: not a cursor of this listing.")
    return data


def limit_of(value, default: int, maximum: int = MAX_LIMIT) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise AdminError(400, "limit must be an integer between 1 and %d." % maximum)
    try:
        limit = int(value)
    except (TypeError, ValueError) as exc:
        raise AdminError(400, "limit must be an integer between 1 and %d." % maximum) from exc
    if isinstance(value, float) or not 1 <= limit <= maximum:
        raise AdminError(400, "limit must be an integer between 1 and %d, not %r." % (maximum, value))
    return limit


def page(kind: str, items: list, render: Callable, offset: int, limit: int, filters: dict) -> dict:
    """``{"data": [...], "links": {"self", "prev"?, "next"?}}``: cursors carry the listing, the filters, the limit
    and the position (a later request with the cursor needs nothing else)."""

    def cursor(at: int) -> str:
        return encode_cursor({"k": kind, "o": at, "l": limit, "f": filters})

    links = {"self": cursor(offset)}
    if offset > 0:
        links["prev"] = cursor(max(0, offset - limit))
    if offset + limit < len(items):
        links["next"] = cursor(offset + limit)
    return {"data": [render(item) for item in items[offset : offset + limit]], "links": links}


def string_list(
    body: dict, name: str, limit: int | None = None, unique: bool = False, allowed: frozenset | tuple | None = None
) -> list | None:
    """A filter array of strings (None when absent); 400 when not an array of strings, empty (minItems 1), longer than
    ``limit`` (maxItems), with a repeated value when ``unique`` (uniqueItems), or with a value outside ``allowed`` (enum)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AdminError(400, "%s must be an array of strings." % name)
    if not value:
        raise AdminError(400, "%s must hold at least one value (leave it out to filter nothing)." % name)
    if limit is not None and len(value) > limit:
        raise AdminError(400, "%s: at most %d values per request, not %d." % (name, limit, len(value)))
    if unique and len(set(value)) != len(value):
        raise AdminError(400, "%s: every value must be unique." % name)
    bad = sorted(set(value) - set(allowed)) if allowed is not None else []
    if bad:
        raise AdminError(400, "%s: unknown value(s) %s (allowed: %s)." % (name, ", ".join(bad), ", ".join(sorted(allowed))))
    return value


SCALAR_ARGS = ("cursor", "limit", "searchTerm", "claimStatus", "mfaEnabled")


def args_body(args, paged: bool = True) -> dict:
    """The query parameters of the deprecated GET listings as a search body (arrays as repeated keys); ``paged``
    False (the counts): ``cursor`` and ``limit`` are ignored."""
    body = {name: args.getlist(name) for name in args if name not in SCALAR_ARGS}
    for name in SCALAR_ARGS if paged else SCALAR_ARGS[2:]:
        if args.get(name) is not None:
            body[name] = args.get(name)
    if "mfaEnabled" in body:
        if body["mfaEnabled"] not in ("true", "false"):
            raise AdminError(400, "mfaEnabled must be true or false.")
        body["mfaEnabled"] = body["mfaEnabled"] == "true"
    if "sortBy" in body or "counts" in body:
        raise AdminError(400, "sortBy / counts: use POST .../search (their GET serialization is not settled).")
    return body


ROLE_FILTER_LIMITS = {"directoryIds": 10, "resourceOwners": 10, "resourceIds": 20, "roleIds": 10}


def role_paging(args, kind: str) -> tuple[int, int, dict]:
    """(offset, limit, filters) of a GET role-assignments listing: ``cursor`` (every other parameter discarded, as
    cursorParam says), or ``limit`` (limitParam: default 20, 1..100) and the repeated ``directoryIds`` /
    ``resourceOwners`` / ``resourceIds`` / ``roleIds`` (their maxItems)."""
    if args.get("cursor"):
        data = decode_cursor(args["cursor"], kind)
        return data["o"], limit_of(data.get("l"), 20), data.get("f") or {}
    filters = {}
    for name, most in ROLE_FILTER_LIMITS.items():
        values = args.getlist(name)
        if len(values) > most:
            raise AdminError(400, "%s: at most %d values per request, not %d." % (name, most, len(values)))
        if values:
            filters[name] = values
    return 0, limit_of(args.get("limit"), 20), filters


def sort_of(body: dict, field: str) -> bool:
    """``sortBy``: one ``{"field": field, "direction": "asc"|"desc"}``; True for descending."""
    value = body.get("sortBy")
    if value is None:
        return False
    if not isinstance(value, list) or len(value) != 1 or not isinstance(value[0], dict):
        raise AdminError(400, 'sortBy must be an array of exactly one {"field": "%s", "direction": "asc|desc"}.' % field)
    if value[0].get("field") != field or value[0].get("direction", "asc") not in ("asc", "desc"):
        raise AdminError(400, "sortBy: field must be %s and direction asc or desc." % field)
    return value[0].get("direction") == "desc"
