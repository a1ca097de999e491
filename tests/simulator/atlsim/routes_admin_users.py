# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Admin API: organizations, directories, users (search, details, suspend / restore / remove, role
assignments, invite), direct user roles (v1) and workspaces (``POST .../workspaces``).

``O`` = ``/admin/v2/orgs/{orgId}``, ``D`` = ``O/directories/{directoryId}`` (``-``: every directory, reads only).
Writes answer 204 without a body (invite: 202 without a body) and then run the live link
(:meth:`atlsim.admin_state.Org.sync`).
"""

from __future__ import annotations

from .admin_common import (AdminCtx, AdminError, AdminRoute, args_body, decode_cursor, encode_cursor, limit_of,
                           role_paging, not_found_user, page, sort_of, string_list)
from .admin_state import GRANTING_ROLES, USER_ROLES
from .web import empty_response, json_response

O_PATH = "/admin/v2/orgs/{orgId}"
D_PATH = O_PATH + "/directories/{directoryId}"
USER_KEYS = frozenset(("cursor", "limit", "accountIds", "emails", "groupIds", "status", "membershipStatus", "accountStatus",
                       "resourceIds", "searchTerm", "expand", "sortBy", "directoryIds"))
USER_EXPANDS = frozenset(("platformRoles", "counts.resources", "productAccess", "groups"))
MAX_INVITES = 10  # emails per invite (INFERRED)
READ_DIRECTORIES = "read:directories:admin"


# -- rendering -------------------------------------------------------------------------------------
def status_of(account: dict, record: dict) -> str:
    if account.get("account_status", "active") != "active":
        return "deactivated"
    return "suspended" if record["status"] == "suspended" else "active"


def render_user(org, account: dict, record: dict, expand=()) -> dict:
    account_id = account["account_id"]
    domain = account["email"].rsplit("@", 1)[-1].lower()
    body = {
        "accountId": account_id, "accountType": "atlassian", "status": status_of(account, record),
        "accountStatus": "active" if account.get("account_status", "active") == "active" else "inactive",
        "membershipStatus": record["status"], "addedToOrg": record.get("added") or account["created_on"],
        "name": account["display_name"], "nickname": account["nickname"], "email": account["email"], "emailVerified": True,
        "claimStatus": "managed" if domain in org.domains else "unmanaged", "platformRoles": [],
        "managementSource": record.get("source"), "mfaEnabled": False,
        "links": {"self": encode_cursor({"k": "user", "id": account_id})},
    }
    if "groups" in expand:
        body["groups"] = [{"id": g.id, "name": g.name, "description": g.description}
                          for d in org.directories.values() for g in d.groups_of(account_id)]
    if "productAccess" in expand:
        body["productAccess"] = [{"key": r.owner, "id": r.id, "lastActiveTimestamp": None}
                                 for r in org.resources.values() if org.has_access(account_id, r.id)]
    if "counts.resources" in expand:
        body["counts"] = {"resources": sum(1 for r in org.resources.values() if org.roles_on(account_id, r.id))}
    return body


# -- search ----------------------------------------------------------------------------------------
def _filters(body: dict) -> dict:
    unknown = sorted(set(body) - USER_KEYS)
    if unknown:
        raise AdminError(400, "Unknown field(s): %s." % ", ".join(unknown))
    names = ("accountIds", "emails", "groupIds", "status", "membershipStatus", "resourceIds", "expand")
    filters = {name: string_list(body, name) for name in names}
    term = body.get("searchTerm")
    if term is not None and not isinstance(term, str):
        raise AdminError(400, "searchTerm must be a string.")
    if term is not None and filters["emails"] is not None:
        raise AdminError(400, "searchTerm and emails cannot be used together.")
    bad = sorted(set(filters["expand"] or ()) - USER_EXPANDS)
    if bad:
        raise AdminError(400, "expand: unknown value(s) %s (allowed: %s)." % (", ".join(bad), ", ".join(sorted(USER_EXPANDS))))
    filters["searchTerm"] = term
    filters["desc"] = sort_of(body, "nick_name")
    return {name: value for name, value in filters.items() if value}


def _matches(org, account: dict, record: dict, filters: dict) -> bool:
    account_id = account["account_id"]
    checks = (
        ("accountIds", lambda v: account_id in v),
        ("emails", lambda v: account["email"].lower() in {e.lower() for e in v}),
        ("status", lambda v: status_of(account, record) in v),
        ("membershipStatus", lambda v: record["status"] in v),
        ("groupIds", lambda v: any(account_id in g.members for d in org.directories.values() for g in d.groups.values()
                                   if g.id in v)),
        ("resourceIds", lambda v: any(org.roles_on(account_id, rid) for rid in v)),
        ("searchTerm", lambda v: v.lower() in account["display_name"].lower() or v.lower() in account["email"].lower()),
    )
    return all(test(filters[name]) for name, test in checks if name in filters)


def _search(ctx: AdminCtx, body: dict):
    org = ctx.org()
    directories = ctx.directories(org)
    if body.get("cursor") is not None:   # a cursor carries the listing: the other parameters are discarded
        data = decode_cursor(body["cursor"], "users")
        offset, limit, filters = data["o"], limit_of(data.get("l"), 50), data.get("f") or {}
    else:
        offset, limit, filters = 0, limit_of(body.get("limit"), 50), _filters(body)
    accounts = ctx.state.accounts.by_id
    seen: dict = {}
    for directory in directories:
        for account_id, record in directory.users.items():
            seen.setdefault(account_id, record)
    items = [(accounts[a], r) for a, r in seen.items() if _matches(org, accounts[a], r, filters)]
    items.sort(key=lambda item: (item[0]["nickname"].lower(), item[0]["account_id"]), reverse=bool(filters.get("desc")))
    expand = filters.get("expand") or ()
    return json_response(page("users", items, lambda item: render_user(org, item[0], item[1], expand), offset, limit, filters))


def search_users(ctx: AdminCtx):
    return _search(ctx, ctx.body(optional=True))


def list_users(ctx: AdminCtx):
    """The deprecated ``GET D/users``: the same filters as query parameters."""
    return _search(ctx, args_body(ctx.request.args))


def count_users(ctx: AdminCtx):
    """``GET D/users/count``: ``{"count": n}`` for the filters of ``GET D/users`` (no paging)."""
    org = ctx.org()
    filters = _filters(args_body(ctx.request.args, paged=False))
    accounts = ctx.state.accounts.by_id
    directories = ctx.directories(org)
    seen = {a: org.record(a, directories)[1] for d in directories for a in d.users}
    return json_response({"count": sum(1 for a, r in seen.items() if _matches(org, accounts[a], r, filters))})


def _user(ctx: AdminCtx, write: bool = False):
    org = ctx.org()
    directories = ctx.directories(org, write=write)
    account_id = ctx.params["accountId"]
    directory, record = org.record(account_id, directories)
    if record is None:
        raise not_found_user(account_id)
    return org, directory, ctx.state.accounts.by_id[account_id], record


def get_user(ctx: AdminCtx):
    org, _unused, account, record = _user(ctx)
    return json_response({"data": render_user(org, account, record)})


def suspend_user(ctx: AdminCtx):
    org, _unused, account, record = _user(ctx, write=True)
    record["status"] = "suspended"   # idempotent (INFERRED): suspending a suspended user changes nothing
    org.sync([account["account_id"]])
    return empty_response(204)


def restore_user(ctx: AdminCtx):
    org, _unused, account, record = _user(ctx, write=True)
    account_id = account["account_id"]
    if record["status"] != "active":   # back to the roles and groups held before: 409 when a product is full
        granting = [rid for rid in org.resources if GRANTING_ROLES & set(org.roles_on(account_id, rid))]
        full = org.over_limit([account_id], granting, extra=1) if granting else None
        if full is not None:
            raise license_error(full)
        record["status"] = "active"
    org.sync([account_id])
    return empty_response(204)


def license_error(resource, v1: bool = False) -> AdminError:
    return AdminError(409, "Product License Limit Exceeded: %s %s has no seat left (%s seats)."
                      % (resource.owner, resource.name, resource.seats),
                      "ADMIN-409-3" if v1 else "ADMIN-UAM-409-3", "Product License Limit Exceeded")


def remove_user(ctx: AdminCtx):
    org, directory, account, _unused = _user(ctx, write=True)
    account_id = account["account_id"]
    del directory.users[account_id]
    for group in directory.groups.values():
        group.members.pop(account_id, None)
    if org.record(account_id)[1] is None:
        org.user_roles.pop(account_id, None)
    org.sync([account_id])
    return empty_response(204)


def user_role_assignments(ctx: AdminCtx):
    org, directory, account, record = _user(ctx)
    offset, limit, filters = role_paging(ctx.request.args, "user-roles")
    items = []
    for resource in org.resources.values():
        roles = org.roles_on(account["account_id"], resource.id)
        if "roleIds" in filters:
            roles = {role: how for role, how in roles.items() if role in filters["roleIds"]}
        if not roles or resource.id not in filters.get("resourceIds", [resource.id]) \
                or resource.owner not in filters.get("resourceOwners", [resource.owner]):
            continue
        items.append({"resourceId": resource.id, "resourceOwner": resource.owner, "roles": sorted(roles),
                      "roleAssignments": [{"role": role, "roleAssignmentMethods": how} for role, how in sorted(roles.items())],
                      "directoryId": directory.id, "userDirectoryStatus": record["status"]})
    return json_response(page("user-roles", items, lambda item: item, offset, limit, filters))


# -- invite ------------------------------------------------------------------------------------------
def invite_users(ctx: AdminCtx):
    org = ctx.org()
    body = ctx.body()
    unknown = sorted(set(body) - {"emails", "permissionRules", "additionalGroups", "sendNotification", "notificationText"})
    if unknown:
        raise AdminError(400, "Unknown field(s): %s." % ", ".join(unknown))
    emails = string_list(body, "emails", MAX_INVITES)
    if not emails or not all("@" in email.strip("@") for email in emails):
        raise AdminError(400, "emails: one to %d email addresses are required." % MAX_INVITES)
    rules = body.get("permissionRules") or []
    if not isinstance(rules, list) or not all(isinstance(r, dict) and set(r) == {"resource", "role"} for r in rules):
        raise AdminError(400, "permissionRules must be an array of {\"resource\": <id>, \"role\": <role>}.")
    for rule in rules:
        if rule["role"] not in USER_ROLES:
            raise AdminError(400, "Invalid Role for Resource: %r." % rule["role"], "ADMIN-UAM-400-3")
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
    granting = {r["resource"] for r in rules if r["role"] in GRANTING_ROLES}
    for group in groups:
        granting.update(org.granting_resources(group))
    accounts = ctx.state.accounts
    known = [a["account_id"] for a in (accounts.get_by_email(e) for e in emails) if a is not None]
    full = org.over_limit(known, granting, extra=len(emails) - len(known))
    if full is not None:
        raise license_error(full)
    directory = next(iter(org.directories.values()))
    touched = []
    for email in emails:
        account_id = accounts.ensure_account(email.strip())["account_id"]
        touched.append(account_id)
        if org.record(account_id)[1] is None:
            ctx.admin.add_user(directory, account_id, source="invited")
        for group in groups:
            if group.directory_id == directory.id or account_id in org.directories[group.directory_id].users:
                group.members[account_id] = None
        for rule in rules:
            roles = org.user_roles.setdefault(account_id, {}).setdefault(rule["resource"], [])
            if rule["role"] not in roles:
                roles.append(rule["role"])
    org.sync(touched)
    return empty_response(202)


def synced_group(group) -> AdminError:
    return AdminError(403, "Group %s (%s) is synced from an identity provider and cannot be modified here: change it in "
                      "the identity provider." % (group.name, group.id), "ADMIN-UAM-403-1", "Forbidden")


# -- organizations, directories, workspaces ----------------------------------------------------------
def _org_body(ctx: AdminCtx, org) -> dict:
    return {"id": org.id, "type": "orgs", "attributes": {"name": org.name},
            "links": {"self": "%s/admin/v1/orgs/%s" % (ctx.request.host_url.rstrip("/"), org.id)}}


def list_orgs(ctx: AdminCtx):
    org = ctx.admin.orgs[ctx.key["org"]]
    return json_response({"data": [_org_body(ctx, org)], "links": {}})


def get_org(ctx: AdminCtx):
    return json_response({"data": _org_body(ctx, ctx.org())})


def list_directories(ctx: AdminCtx):
    org = ctx.org()
    args = ctx.request.args
    if args.get("cursor"):
        data = decode_cursor(args["cursor"], "directories")
        offset, limit = data["o"], limit_of(data.get("l"), 20)
    else:
        offset, limit = 0, limit_of(args.get("limit"), 20)
    items = list(org.directories.values())
    return json_response(page("directories", items, lambda d: {"directoryId": d.id, "name": d.name, "icon": None},
                              offset, limit, {}))


def _workspace_body(org, resource) -> dict:
    attributes = {"name": resource.name, "typeKey": resource.owner, "type": resource.owner, "owner": org.id,
                  "status": "online", "statusDetails": [], "createdAt": resource.created, "capacity": resource.seats}
    if resource.workspace is not None:
        attributes["hostUrl"] = "bitbucket.org/%s" % resource.workspace
        attributes["usage"] = len(org.users_with_access(resource.id))
    return {"id": resource.id, "type": "workspace", "attributes": attributes, "links": {"self": resource.id}}


def _query_matches(resource, query) -> bool:
    if not isinstance(query, dict) or len(query) != 1:
        raise AdminError(400, "query must be an object with one of: and, field.")
    if "and" in query:
        if not isinstance(query["and"], list):
            raise AdminError(400, "query.and must be an array.")
        return all(_query_matches(resource, part) for part in query["and"])
    if "field" in query and isinstance(query["field"], dict):
        name, values = query["field"].get("name"), query["field"].get("values")
        known = {"id": resource.id, "attributes.name": resource.name, "attributes.typeKey": resource.owner}
        if name not in known or not isinstance(values, list):
            raise AdminError(400, "query.field: name must be one of %s, values an array." % ", ".join(sorted(known)))
        return known[name] in values
    raise AdminError(400, "query: only 'and' and 'field' are supported by this simulator.")


def query_workspaces(ctx: AdminCtx):
    org = ctx.org()
    body = ctx.body(optional=True)
    if body.get("cursor") is not None:
        data = decode_cursor(body["cursor"], "workspaces")
        offset, limit, filters = data["o"], limit_of(data.get("l"), 20), data.get("f") or {}
    else:
        unknown = sorted(set(body) - {"query", "limit", "sort", "cursor"})
        if unknown:
            raise AdminError(400, "Unknown field(s): %s." % ", ".join(unknown))
        offset, limit, filters = 0, limit_of(body.get("limit"), 20), {"query": body["query"]} if body.get("query") else {}
    items = [r for r in org.resources.values() if "query" not in filters or _query_matches(r, filters["query"])]
    result = page("workspaces", items, lambda r: _workspace_body(org, r), offset, limit, filters)
    shown = len(result["data"])
    result["meta"] = {"pageSize": limit, "startIndex": offset, "endIndex": offset + max(shown - 1, 0), "total": len(items)}
    return json_response(result)


# -- v1 direct user roles -----------------------------------------------------------------------------
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


ROUTES = [
    AdminRoute("GET", "/admin/v1/orgs", list_orgs, "*", v1=True),
    AdminRoute("GET", "/admin/v1/orgs/{orgId}", get_org, "*", v1=True),
    AdminRoute("POST", "/admin/v1/orgs/{orgId}/users/{userId}/roles/assign", assign_user_role, v1=True),
    AdminRoute("POST", "/admin/v1/orgs/{orgId}/users/{userId}/roles/revoke", revoke_user_role, v1=True),
    AdminRoute("GET", O_PATH + "/directories", list_directories, READ_DIRECTORIES),
    AdminRoute("POST", O_PATH + "/workspaces", query_workspaces, "read:workspaces:admin"),
    AdminRoute("POST", O_PATH + "/users/invite", invite_users),
    AdminRoute("POST", D_PATH + "/users/search", search_users, READ_DIRECTORIES),
    AdminRoute("GET", D_PATH + "/users", list_users, READ_DIRECTORIES),
    AdminRoute("GET", D_PATH + "/users/count", count_users, READ_DIRECTORIES),
    AdminRoute("GET", D_PATH + "/users/{accountId}", get_user, READ_DIRECTORIES),
    AdminRoute("DELETE", D_PATH + "/users/{accountId}", remove_user),
    AdminRoute("POST", D_PATH + "/users/{accountId}/suspend", suspend_user),
    AdminRoute("POST", D_PATH + "/users/{accountId}/restore", restore_user),
    AdminRoute("GET", D_PATH + "/users/{accountId}/role-assignments", user_role_assignments, READ_DIRECTORIES),
]
