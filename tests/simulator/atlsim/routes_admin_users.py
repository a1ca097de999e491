# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Admin API users: search, details, count, suspend / restore / remove and role assignments, after the official spec
(``atlassian-admin-organization.swagger.v3.2026-08-21.json``); :data:`ROUTES` also holds the organization-level
routes of :mod:`atlsim.routes_admin_org` (organizations, directories, workspaces, invitation, v1 roles).

``O`` = ``/admin/v2/orgs/{orgId}``, ``D`` = ``O/directories/{directoryId}`` (``-``: every directory, reads only).
Suspend, restore and remove answer 204 without a body (the spec declares no other success) and then run the live
link (:meth:`atlsim.admin_state.Org.sync`). A search takes every field of ``MultiDirectoryUserSearchRequest``, with
its bounds (``accountIds`` / ``groupIds`` at most 10 values, ``emails`` 100, ``resourceIds`` 20...; never empty).
"""

from __future__ import annotations

from .admin_common import (
    USER_FILTER_LIMITS,
    AdminCtx,
    AdminError,
    AdminRoute,
    args_body,
    decode_cursor,
    encode_cursor,
    license_error,
    limit_of,
    not_found_user,
    page,
    role_paging,
    sort_of,
    string_list,
    synced_group,
)
from .activity import iso_seconds
from .admin_state import ROLE_IDS
from .audit_events import admin_event, status_change
from .routes_admin_org import ORG_ROUTES
from .web import empty_response, json_response

__all__ = ["D_PATH", "O_PATH", "ROUTES", "license_error", "synced_group"]  # the groups' routes take these from here

O_PATH = "/admin/v2/orgs/{orgId}"
D_PATH = O_PATH + "/directories/{directoryId}"
USER_KEYS = frozenset(
    (
        "cursor",
        "limit",
        "accountIds",
        "accountStatus",
        "claimStatus",
        "directoryIds",
        "emailDomains",
        "emails",
        "expand",
        "groupIds",
        "membershipStatus",
        "mfaEnabled",
        "resourceIds",
        "roleIds",
        "searchTerm",
        "sortBy",
        "status",
    )
)
USER_EXPANDS = frozenset(("platformRoles", "counts.resources", "productAccess", "groups"))
ENUMS = {
    "status": ("active", "suspended", "not_invited", "deactivated", "for_deletion"),
    "membershipStatus": ("active", "suspended", "no_membership"),
    "accountStatus": ("active", "inactive", "closed"),
    "roleIds": ROLE_IDS,
    "expand": tuple(USER_EXPANDS),
}
READ_DIRECTORIES = "read:directories:admin"


# -- rendering -------------------------------------------------------------------------------------
def status_of(account: dict, record: dict) -> str:
    if account.get("account_status", "active") != "active":
        return "deactivated"
    return "suspended" if record["status"] == "suspended" else "active"


def render_user(org, account: dict, record: dict, expand=(), last_active=None) -> dict:
    """A MultiDirectoryUser; ``last_active`` (product key -> datetime, the seed's ``last_active`` of the account) gives
    each product instance of ``productAccess`` its ``lastActiveTimestamp``."""
    account_id = account["account_id"]
    domain = account["email"].rsplit("@", 1)[-1].lower()
    body = {
        "accountId": account_id,
        "accountType": account.get("account_type") or "atlassian",  # "app" for a bot (seed: account_type)
        "status": status_of(account, record),
        "accountStatus": "active" if account.get("account_status", "active") == "active" else "inactive",
        "membershipStatus": record["status"],
        "addedToOrg": record.get("added") or account["created_on"],
        "name": account["display_name"],
        "nickname": account["nickname"],
        "email": account["email"],
        "emailVerified": True,
        "claimStatus": "managed" if domain in org.domains else "unmanaged",
        "platformRoles": [],
        "managementSource": record.get("source"),
        "mfaEnabled": False,
        "links": {"self": encode_cursor({"k": "user", "id": account_id})},
    }
    if "groups" in expand:
        body["groups"] = [
            {"id": g.id, "name": g.name, "description": g.description}
            for d in org.directories.values()
            for g in d.groups_of(account_id)
        ]
    if "productAccess" in expand:
        body["productAccess"] = []
        for resource in org.resources.values():
            if org.has_access(account_id, resource.id):
                item = {"key": resource.owner, "id": resource.id}
                moment = (last_active or {}).get(resource.owner)
                if moment is not None:  # lastActiveTimestamp (date-time, not nullable) left out: never active
                    item["lastActiveTimestamp"] = iso_seconds(moment)
                body["productAccess"].append(item)
    if "counts.resources" in expand:
        body["counts"] = {"resources": sum(1 for r in org.resources.values() if org.roles_on(account_id, r.id))}
    return body


# -- search ----------------------------------------------------------------------------------------
def _filters(body: dict) -> dict:
    unknown = sorted(set(body) - USER_KEYS)
    if unknown:
        raise AdminError(400, "Unknown field(s): %s." % ", ".join(unknown))
    filters = {
        name: string_list(body, name, USER_FILTER_LIMITS.get(name), unique=name in ("emails", "expand"), allowed=ENUMS.get(name))
        for name in sorted(USER_FILTER_LIMITS) + ["expand"]
    }
    term = body.get("searchTerm")
    if term is not None and not isinstance(term, str):
        raise AdminError(400, "searchTerm must be a string.")
    if term is not None and filters["emails"] is not None:
        raise AdminError(400, "searchTerm and emails cannot be used together.")
    if body.get("claimStatus") not in (None, "managed", "unmanaged"):
        raise AdminError(400, "claimStatus must be managed or unmanaged.")
    if body.get("mfaEnabled") is not None and not isinstance(body["mfaEnabled"], bool):
        raise AdminError(400, "mfaEnabled must be a boolean.")
    filters.update(searchTerm=term, claimStatus=body.get("claimStatus"))
    if body.get("mfaEnabled") is not None:
        filters["mfaEnabled"] = [body["mfaEnabled"]]
    filters["desc"] = sort_of(body, "nick_name")
    return {name: value for name, value in filters.items() if value}


def _matches(org, account: dict, record: dict, filters: dict) -> bool:
    account_id = account["account_id"]
    checks = (
        ("accountIds", lambda v: account_id in v),
        ("emails", lambda v: account["email"].lower() in {e.lower() for e in v}),
        ("status", lambda v: status_of(account, record) in v),
        ("membershipStatus", lambda v: record["status"] in v),
        (
            "groupIds",
            lambda v: any(account_id in g.members for d in org.directories.values() for g in d.groups.values() if g.id in v),
        ),
        ("resourceIds", lambda v: any(org.roles_on(account_id, rid) for rid in v)),
        ("roleIds", lambda v: any(set(v) & set(org.roles_on(account_id, rid)) for rid in org.resources)),
        ("directoryIds", lambda v: any(account_id in org.directories[d].users for d in v if d in org.directories)),
        ("accountStatus", lambda v: render_user(org, account, record)["accountStatus"] in v),
        ("claimStatus", lambda v: render_user(org, account, record)["claimStatus"] == v),
        ("emailDomains", lambda v: account["email"].rsplit("@", 1)[-1].lower() in {d.lower().lstrip("@") for d in v}),
        ("mfaEnabled", lambda v: v == [False]),  # nobody has MFA in the simulator
        ("searchTerm", lambda v: v.lower() in account["display_name"].lower() or v.lower() in account["email"].lower()),
    )
    return all(test(filters[name]) for name, test in checks if name in filters)


def _search(ctx: AdminCtx, body: dict):
    org = ctx.org()
    directories = ctx.directories(org)
    if body.get("cursor") is not None:  # a cursor carries the listing: the other parameters are discarded
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
    dates = ctx.state.activity.last_active

    def render(item):
        return render_user(org, item[0], item[1], expand, dates.get(item[0]["account_id"]))

    return json_response(page("users", items, render, offset, limit, filters))


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
    with status_change(ctx, org, account, record):  # audit event when the status changed
        record["status"] = "suspended"  # idempotent (INFERRED): suspending a suspended user changes nothing
    org.sync([account["account_id"]])
    return empty_response(204)


def restore_user(ctx: AdminCtx):
    """Back to the roles and groups held before (the spec: "We resume billing you for this user"; it declares no 409,
    so no seat check refuses a restore: the seats of a product may then be exceeded, and the next addition is refused)."""
    org, _unused, account, record = _user(ctx, write=True)
    with status_change(ctx, org, account, record):
        record["status"] = "active"
    org.sync([account["account_id"]])
    return empty_response(204)


def remove_user(ctx: AdminCtx):
    org, directory, account, _unused = _user(ctx, write=True)
    account_id = account["account_id"]
    del directory.users[account_id]
    for group in directory.groups.values():
        group.members.pop(account_id, None)
    if org.record(account_id)[1] is None:
        org.user_roles.pop(account_id, None)
    org.sync([account_id])
    admin_event(ctx, org, "user_removed_from_directory", account)
    return empty_response(204)


def user_role_assignments(ctx: AdminCtx):
    org, directory, account, record = _user(ctx)
    offset, limit, filters = role_paging(ctx.request.args, "user-roles")
    items = []
    for resource in org.resources.values():
        roles = org.roles_on(account["account_id"], resource.id)
        if "roleIds" in filters:
            roles = {role: how for role, how in roles.items() if role in filters["roleIds"]}
        if (
            not roles
            or resource.id not in filters.get("resourceIds", [resource.id])
            or resource.owner not in filters.get("resourceOwners", [resource.owner])
            or directory.id not in filters.get("directoryIds", [directory.id])
        ):
            continue
        items.append(
            {
                "resourceId": resource.id,
                "resourceOwner": resource.owner,
                "roles": sorted(roles),
                "roleAssignments": [{"role": role, "roleAssignmentMethods": how} for role, how in sorted(roles.items())],
                "directoryId": directory.id,
                "userDirectoryStatus": record["status"],
            }
        )
    return json_response(page("user-roles", items, lambda item: item, offset, limit, filters))


ROUTES = ORG_ROUTES + [
    AdminRoute("POST", D_PATH + "/users/search", search_users, READ_DIRECTORIES),
    AdminRoute("GET", D_PATH + "/users", list_users, READ_DIRECTORIES),
    AdminRoute("GET", D_PATH + "/users/count", count_users, READ_DIRECTORIES),
    AdminRoute("GET", D_PATH + "/users/{accountId}", get_user, READ_DIRECTORIES),
    AdminRoute("DELETE", D_PATH + "/users/{accountId}", remove_user),
    AdminRoute("POST", D_PATH + "/users/{accountId}/suspend", suspend_user),
    AdminRoute("POST", D_PATH + "/users/{accountId}/restore", restore_user),
    AdminRoute("GET", D_PATH + "/users/{accountId}/role-assignments", user_role_assignments, READ_DIRECTORIES),
]
