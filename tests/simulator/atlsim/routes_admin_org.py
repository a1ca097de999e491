# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Admin API, organization level: organizations (v1), directories, workspaces (``POST O/workspaces``), the
invitation (``POST O/users/invite``) and the direct user roles (v1), after the official spec
(``atlassian-admin-organization.swagger.v3.2026-08-21.json``).

The invitation answers 200 ``{"data": [{"email", "id", "results": [{"groupAssignmentResult": [...],
"roleAssignmentResult": [...]}]}]}``, or **206** (same body) when at least one invitation failed: an email whose
account is deactivated (left out of ``data`` when nothing else was asked, else every result ``ERROR``), a group of
another directory than the one the invitation adds the person to (that group's result ``ERROR``). 402 when the
organization has no paid subscription (seed ``paid: false``), 409 ``ADMIN-UAM-409-3`` when a product of the invitation
has no seat left. Writes run the live link (:meth:`atlsim.admin_state.Org.sync`).
"""

from __future__ import annotations

from .admin_common import (
    AdminCtx,
    AdminError,
    AdminRoute,
    decode_cursor,
    encode_cursor,
    license_error,
    limit_of,
    page,
    string_list,
    synced_group,
)
from .activity import iso_seconds, resolve_date
from .admin_state import GRANTING_ROLES, USER_ROLES, stable_id
from .web import empty_response, json_response

O_PATH = "/admin/v2/orgs/{orgId}"
MAX_INVITES = 25  # MultidirectoryInviteApiRequest.emails: "maximum: 25" (meant as maxItems)
MAX_WORKSPACES_LIMIT = 1000  # SearchWorkspacesRequestV2.limit: 1..1000, default 20
INVITE_KEYS = frozenset(("emails", "permissionRules", "additionalGroups", "sendNotification", "notificationText"))
READ_DIRECTORIES = "read:directories:admin"


# -- organizations (v1) --------------------------------------------------------------------------------
def _org_body(ctx: AdminCtx, org) -> dict:
    url = "%s/admin/v1/orgs/%s" % (ctx.request.host_url.rstrip("/"), org.id)
    return {
        "id": org.id,
        "type": "orgs",
        "attributes": {"name": org.name},
        "links": {"self": url},
        "relationships": {"domains": {"links": {"related": url + "/domains"}}, "users": {"links": {"related": url + "/users"}}},
    }


def list_orgs(ctx: AdminCtx):
    org = ctx.admin.orgs[ctx.key["org"]]
    return json_response({"data": [_org_body(ctx, org)], "links": {}})


def get_org(ctx: AdminCtx):
    return json_response({"data": _org_body(ctx, ctx.org())})


# -- directories ---------------------------------------------------------------------------------------
def list_directories(ctx: AdminCtx):
    """``GET O/directories``: ``accountId`` (the directories that hold it), ``directoryIds`` (at most 10),
    ``searchTerm`` (in the name), ``cursor`` / ``limit`` (default 20)."""
    org = ctx.org()
    args = ctx.request.args
    if args.get("cursor"):
        data = decode_cursor(args["cursor"], "directories")
        offset, limit, filters = data["o"], limit_of(data.get("l"), 20), data.get("f") or {}
    else:
        filters = {name: args.get(name) for name in ("accountId", "searchTerm") if args.get(name)}
        ids = args.getlist("directoryIds")
        if len(ids) > 10:
            raise AdminError(400, "directoryIds: at most 10 values per request, not %d." % len(ids))
        if ids:
            filters["directoryIds"] = ids
        offset, limit = 0, limit_of(args.get("limit"), 20)
    items = [
        d
        for d in org.directories.values()
        if ("accountId" not in filters or filters["accountId"] in d.users)
        and ("directoryIds" not in filters or d.id in filters["directoryIds"])
        and ("searchTerm" not in filters or filters["searchTerm"].casefold() in d.name.casefold())
    ]
    return json_response(page("directories", items, lambda d: {"directoryId": d.id, "name": d.name}, offset, limit, filters))


# -- workspaces ----------------------------------------------------------------------------------------
def _workspace_body(org, resource) -> dict:
    attributes = {
        "name": resource.name,
        "typeKey": resource.owner,
        "type": resource.owner,
        "owner": org.id,
        "status": "online",
        "statusDetails": [],
        "createdAt": resource.created,
        "capacity": resource.seats,
    }
    if resource.workspace is not None:
        attributes["hostUrl"] = "bitbucket.org/%s" % resource.workspace
        attributes["usage"] = len(org.users_with_access(resource.id))
    return {"id": resource.id, "type": "workspace", "attributes": attributes, "links": {"self": resource.id}}


def _query_matches(resource, query) -> bool:
    if not isinstance(query, dict) or len(query) != 1:
        raise AdminError(400, "query must be an object with one of: and, field.", "ADMIN-400-4")
    if "and" in query:
        if not isinstance(query["and"], list):
            raise AdminError(400, "query.and must be an array.", "ADMIN-400-4")
        return all(_query_matches(resource, part) for part in query["and"])
    if "field" in query and isinstance(query["field"], dict):
        name, values = query["field"].get("name"), query["field"].get("values")
        known = {"id": resource.id, "attributes.name": resource.name, "attributes.typeKey": resource.owner}
        if name not in known or not isinstance(values, list):
            raise AdminError(
                400, "query.field: name must be one of %s, values an array." % ", ".join(sorted(known)), "ADMIN-400-4"
            )
        return known[name] in values
    raise AdminError(400, "query: only 'and' and 'field' are supported by this simulator.", "ADMIN-400-4")


def query_workspaces(ctx: AdminCtx):
    """``POST O/workspaces``: ``query``, ``limit`` (1..1000, default 20), ``sort``; a ``cursor`` must come alone
    ("When a cursor is provided in the request body, no other properties may be present")."""
    org = ctx.org()
    body = ctx.body(optional=True)
    if body.get("cursor") is not None:
        if len(body) > 1:
            raise AdminError(
                400,
                "When a cursor is provided in the request body, no other properties may be present "
                "(found: %s)." % ", ".join(sorted(k for k in body if k != "cursor")),
                "ADMIN-400-4",
            )
        data = decode_cursor(body["cursor"], "workspaces")
        offset, limit, filters = data["o"], limit_of(data.get("l"), 20, MAX_WORKSPACES_LIMIT), data.get("f") or {}
    else:
        unknown = sorted(set(body) - {"query", "limit", "sort", "cursor"})
        if unknown:
            raise AdminError(400, "Unknown field(s): %s." % ", ".join(unknown), "ADMIN-400-4")
        offset, limit = 0, limit_of(body.get("limit"), 20, MAX_WORKSPACES_LIMIT)
        filters = {"query": body["query"]} if body.get("query") else {}
    items = [r for r in org.resources.values() if "query" not in filters or _query_matches(r, filters["query"])]
    result = page("workspaces", items, lambda r: _workspace_body(org, r), offset, limit, filters)
    shown = len(result["data"])
    result["meta"] = {"pageSize": limit, "startIndex": offset, "endIndex": offset + max(shown - 1, 0), "total": len(items)}
    return json_response(result)


# -- last-active dates (v1) --------------------------------------------------------------------------------
LAST_ACTIVE_PAGE = 5  # products per page (the spec states no page size; small, so that clients follow links.next)


def last_active_dates(ctx: AdminCtx):
    """``GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates[?cursor=]``: UserProductAccessActivityPage
    ``{"data": {"product_access": [{id, key, last_active, last_active_timestamp}], "added_to_org",
    "added_to_org_timestamp"}, "links": {"next"?}}``; ``id`` is the organization's resource of that product (else a
    stable id). 404 ``ADMIN-404-8`` for an account not in the organization; a cursor of another listing: 400."""
    org = ctx.org()
    account_id = ctx.params["accountId"]
    _directory, record = org.record(account_id)
    if record is None:
        raise AdminError(404, "User %s not found in the organization." % account_id, "ADMIN-404-8", "User not found")
    offset = 0
    if ctx.request.args.get("cursor") is not None:
        data = decode_cursor(ctx.request.args["cursor"], "last-active-dates")
        if data.get("a") != account_id:
            raise AdminError(400, "Invalid cursor: not a cursor of this user's listing.", "ADMIN-400-4")
        offset = data["o"]
    dates = sorted(ctx.state.activity.last_active.get(account_id, {}).items())
    access = []
    for product, moment in dates[offset : offset + LAST_ACTIVE_PAGE]:
        resource = next((r for r in org.resources.values() if r.owner == product), None)
        access.append(
            {
                "id": resource.id if resource is not None else stable_id("product", org.id, product),
                "key": product,
                "last_active": moment.strftime("%Y-%m-%d"),
                "last_active_timestamp": iso_seconds(moment),
            }
        )
    added = record.get("added")
    added_at = resolve_date(added, ctx.state.clock_at_load, "added") if added else None
    body = {
        "data": {
            "product_access": access,
            "added_to_org": added_at.strftime("%Y-%m-%d") if added_at else None,
            "added_to_org_timestamp": iso_seconds(added_at) if added_at else None,
        },
        "links": {},
    }
    if offset + LAST_ACTIVE_PAGE < len(dates):
        body["links"]["next"] = encode_cursor({"k": "last-active-dates", "o": offset + LAST_ACTIVE_PAGE, "a": account_id})
    return json_response(body)


# -- invitation ----------------------------------------------------------------------------------------
def _invite_body(ctx: AdminCtx, org) -> tuple[list, list, list]:
    """(emails, groups, permission rules) of a valid invitation body, checked as the spec declares it."""
    body = ctx.body()
    unknown = sorted(set(body) - INVITE_KEYS)
    if unknown:
        raise AdminError(400, "Unknown field(s): %s." % ", ".join(unknown))
    emails = string_list(body, "emails", MAX_INVITES)
    if not emails or not all("@" in email.strip("@") for email in emails):
        raise AdminError(400, "emails: one to %d email addresses are required." % MAX_INVITES)
    for name, kind in (("sendNotification", bool), ("notificationText", str)):
        if name in body and not isinstance(body[name], kind):
            raise AdminError(400, "%s must be a %s." % (name, "boolean" if kind is bool else "string"))
    rules = body.get("permissionRules") or []
    if not isinstance(rules, list) or not all(isinstance(r, dict) and set(r) == {"resource", "role"} for r in rules):
        raise AdminError(400, 'permissionRules must be an array of {"resource": <id>, "role": <role>}.')
    if not org.paid:
        raise AdminError(
            402,
            "This API is only available to organizations with at least one paid subscription.",
            "ADMIN-UAM-402-1",
            "Payment Required",
        )
    for rule in rules:
        if rule["role"] not in USER_ROLES:
            raise AdminError(400, "Invalid Role for Resource: %r." % rule["role"], "ADMIN-UAM-400-3", "Invalid Role for Resource")
        if rule["resource"] not in org.resources:
            raise AdminError(404, "Unknown resource %s." % rule["resource"])
    groups = []
    for gid in string_list(body, "additionalGroups") or ():
        group = next((d.groups[gid] for d in org.directories.values() if gid in d.groups), None)
        if group is None:
            raise AdminError(404, "Group %s not found in the organization" % gid, "ADMIN-UAM-404-3", "Group Not Found")
        if not group.modifiable:
            raise synced_group(group)
        groups.append(group)
    return emails, groups, rules


def _invite_one(ctx: AdminCtx, org, directory, email: str, groups: list, rules: list) -> tuple[dict | None, bool]:
    """(entry of ``data`` or None, whether it failed) for one email; applies what succeeds."""
    accounts = ctx.state.accounts
    existing = accounts.get_by_email(email)
    if existing is not None and existing.get("account_status", "active") != "active":
        if not groups and not rules:
            return None, True
        error = {"status": "ERROR", "statusReason": "ADMIN-UAM-400-2: Inactive user"}
        return {
            "email": email,
            "id": existing["account_id"],
            "results": [
                {
                    "groupAssignmentResult": [dict(error, group=g.id) for g in groups],
                    "roleAssignmentResult": [dict(error, resource=r["resource"], role=r["role"]) for r in rules],
                }
            ],
        }, True
    account_id = accounts.ensure_account(email)["account_id"]
    if org.record(account_id)[1] is None:
        ctx.admin.add_user(directory, account_id, source="invited")
    group_results, failed = [], False
    for group in groups:
        if group.directory_id == directory.id or account_id in org.directories[group.directory_id].users:
            group.members[account_id] = None
            group_results.append({"group": group.id, "status": "INVITED", "statusReason": None})
        else:
            failed = True
            group_results.append(
                {
                    "group": group.id,
                    "status": "ERROR",
                    "statusReason": "The user is not in the directory of the group (%s)." % group.directory_id,
                }
            )
    role_results = []
    for rule in rules:
        roles = org.user_roles.setdefault(account_id, {}).setdefault(rule["resource"], [])
        if rule["role"] not in roles:
            roles.append(rule["role"])
        role_results.append({"resource": rule["resource"], "role": rule["role"], "status": "INVITED", "statusReason": None})
    entry = {
        "email": email,
        "id": account_id,
        "results": [{"groupAssignmentResult": group_results, "roleAssignmentResult": role_results}],
    }
    return entry, failed


def invite_users(ctx: AdminCtx):
    org = ctx.org()
    emails, groups, rules = _invite_body(ctx, org)
    granting = {r["resource"] for r in rules if r["role"] in GRANTING_ROLES}
    for group in groups:
        granting.update(org.granting_resources(group))
    accounts = ctx.state.accounts
    known = [a["account_id"] for a in (accounts.get_by_email(e) for e in emails) if a is not None]
    full = org.over_limit(known, granting, extra=len(emails) - len(known))
    if full is not None:
        raise license_error(full)
    directory = next(iter(org.directories.values()))
    data, partial = [], False
    for email in dict.fromkeys(e.strip() for e in emails):
        entry, failed = _invite_one(ctx, org, directory, email, groups, rules)
        partial = partial or failed
        if entry is not None:
            data.append(entry)
    org.sync([entry["id"] for entry in data])
    return json_response({"data": data}, 206 if partial else 200)


# -- v1 direct user roles -------------------------------------------------------------------------------
def _role_body(ctx: AdminCtx, org):
    body = ctx.body()
    role, resource_id = body.get("role"), body.get("resource")
    if set(body) - {"role", "resource"}:
        raise AdminError(400, "Only role and resource are accepted.", "ADMIN-400-24", "Invalid request body")
    if role not in USER_ROLES:
        raise AdminError(400, "Invalid role %r." % role, "ADMIN-400-24", "Invalid request body")
    if not resource_id:
        raise AdminError(400, "Cloud Resource is empty", "ADMIN-UAM-400-5", "Bad Request")
    if resource_id not in org.resources:
        raise AdminError(400, "Invalid resource %s." % resource_id, "ADMIN-400-4", "Invalid resource")
    account_id = ctx.params["userId"]
    if org.record(account_id)[1] is None:
        raise AdminError(404, "User %s not found in the organization." % account_id, "ADMIN-404-8", "User not found")
    return account_id, role, resource_id


def assign_user_role(ctx: AdminCtx):
    org = ctx.org()
    account_id, role, resource_id = _role_body(ctx, org)
    if role in GRANTING_ROLES:
        full = org.over_limit([account_id], [resource_id])
        if full is not None:
            raise license_error(full, v1=True)
    roles = org.user_roles.setdefault(account_id, {}).setdefault(resource_id, [])
    if role not in roles:
        roles.append(role)
    org.sync([account_id])
    return empty_response(204)


def revoke_user_role(ctx: AdminCtx):
    org = ctx.org()
    account_id, role, resource_id = _role_body(ctx, org)
    roles = org.user_roles.get(account_id, {}).get(resource_id, [])
    if role in roles:
        roles.remove(role)
    org.sync([account_id])
    return empty_response(204)


ORG_ROUTES = [
    AdminRoute("GET", "/admin/v1/orgs", list_orgs, "*", v1=True),
    AdminRoute("GET", "/admin/v1/orgs/{orgId}", get_org, "*", v1=True),
    AdminRoute("POST", "/admin/v1/orgs/{orgId}/users/{userId}/roles/assign", assign_user_role, v1=True),
    AdminRoute("POST", "/admin/v1/orgs/{orgId}/users/{userId}/roles/revoke", revoke_user_role, v1=True),
    AdminRoute("GET", "/admin/v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates", last_active_dates, "*", v1=True),
    AdminRoute("GET", O_PATH + "/directories", list_directories, READ_DIRECTORIES),
    AdminRoute("POST", O_PATH + "/workspaces", query_workspaces, "read:workspaces:admin", errors="application"),
    AdminRoute("POST", O_PATH + "/users/invite", invite_users),
]
