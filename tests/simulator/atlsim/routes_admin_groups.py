# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Admin API groups: search / list / get / count, memberships (add, remove) and role assignments
(list, assign, revoke) under ``/admin/v2/orgs/{orgId}/directories/{directoryId}/groups``.

Members of a group are listed with ``POST .../users/search {"groupIds": [id]}`` (there is no members
endpoint). Groups synced from an identity provider (``externalSynced: true``, ``managedBy: external``,
``managementAccess.modifiable/deletable: false``) refuse membership and role writes with 403
``ADMIN-UAM-403-1``. Membership and role writes run the live link (:meth:`atlsim.admin_state.Org.sync`).

As the official spec declares: adding a member answers 204, or 409 for either of two reasons (already a member:
``ADMIN-UAM-409-2``; a product the group grants has no seat left: ``ADMIN-UAM-409-3``); removing one answers 204, or
404 when the account is not a member (or not in the directory, or the group does not exist); assigning a role to a
group answers **200** without a body, revoking one 204. The spec declares no body for these answers: errors carry
the v2 ``{"errors": [...]}`` shape.
"""

from __future__ import annotations

from .admin_common import (
    GROUP_FILTER_LIMITS,
    AdminCtx,
    AdminError,
    AdminRoute,
    args_body,
    decode_cursor,
    encode_cursor,
    license_error,
    limit_of,
    not_found_group,
    not_found_user,
    page,
    role_paging,
    sort_of,
    string_list,
    synced_group,
)
from .admin_state import GRANTING_ROLES, GROUP_ROLES
from .audit_events import admin_event
from .routes_admin_users import D_PATH
from .web import empty_response, json_response

GROUP_KEYS = frozenset(
    (
        "cursor",
        "limit",
        "sortBy",
        "accountIds",
        "directoryIds",
        "roleIds",
        "resourceOwners",
        "resourceIds",
        "searchTerm",
        "groupIds",
        "groupNames",
        "expand",
    )
)
GROUP_EXPANDS = frozenset(("counts.resources", "counts.users"))
READ_GROUPS = "read:groups:admin"


def render_group(group, counts=("counts.users", "counts.resources")) -> dict:
    body = {
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "directoryId": group.directory_id,
        "managementAccess": {"deletable": group.modifiable, "modifiable": group.modifiable, "readable": True},
        "externalSynced": group.synced,
        "managedBy": "external" if group.synced else "admins",
        "links": {"self": encode_cursor({"k": "group", "id": group.id})},
    }
    if counts:
        body["counts"] = {}
        if "counts.users" in counts:
            body["counts"]["users"] = len(group.members)
        if "counts.resources" in counts:
            body["counts"]["resources"] = len(group.roles)
    return body


def _filters(body: dict) -> dict:
    unknown = sorted(set(body) - GROUP_KEYS)
    if unknown:
        raise AdminError(400, "Unknown field(s): %s." % ", ".join(unknown))
    # every array of MultiDirectoryGroupSearchRequest is uniqueItems, 1..maxItems values
    filters = {
        name: string_list(body, name, limit, unique=True, allowed=GROUP_EXPANDS if name == "expand" else None)
        for name, limit in GROUP_FILTER_LIMITS.items()
        if name != "directoryIds"
    }
    filters["directoryIds"] = string_list(body, "directoryIds", GROUP_FILTER_LIMITS["directoryIds"], unique=True)
    term = body.get("searchTerm")
    if term is not None and not isinstance(term, str):
        raise AdminError(400, "searchTerm must be a string.")
    if filters["groupNames"] is not None and (term is not None or filters["groupIds"] is not None):
        raise AdminError(400, "groupNames cannot be combined with searchTerm or groupIds.")
    filters["searchTerm"] = term
    filters["desc"] = sort_of(body, "name")
    return {name: value for name, value in filters.items() if value}


def _matches(org, group, filters: dict) -> bool:
    checks = (
        ("accountIds", lambda v: any(a in group.members for a in v)),
        ("groupIds", lambda v: group.id in v),
        ("directoryIds", lambda v: group.directory_id in v),
        ("groupNames", lambda v: group.name.casefold() in {n.casefold() for n in v}),
        ("searchTerm", lambda v: v.casefold() in group.name.casefold()),
        ("resourceIds", lambda v: any(r in group.roles for r in v)),
        ("resourceOwners", lambda v: any(org.resources[r].owner in v for r in group.roles)),
        ("roleIds", lambda v: any(role in v for roles in group.roles.values() for role in roles)),
    )
    return all(test(filters[name]) for name, test in checks if name in filters)


def _search(ctx: AdminCtx, body: dict):
    org = ctx.org()
    directories = ctx.directories(org)
    if body.get("cursor") is not None:  # a cursor carries the listing: the other parameters are discarded
        data = decode_cursor(body["cursor"], "groups")
        offset, limit, filters = data["o"], limit_of(data.get("l"), 20), data.get("f") or {}
    else:
        offset, limit, filters = 0, limit_of(body.get("limit"), 20), _filters(body)
    items = [g for d in directories for g in d.groups.values() if _matches(org, g, filters)]
    items.sort(key=lambda g: (g.name.casefold(), g.id), reverse=bool(filters.get("desc")))
    counts = tuple(filters.get("expand") or ())
    return json_response(page("groups", items, lambda g: render_group(g, counts), offset, limit, filters))


def search_groups(ctx: AdminCtx):
    return _search(ctx, ctx.body(optional=True))


def list_groups(ctx: AdminCtx):
    """The deprecated ``GET D/groups`` (no counts: ask ``POST .../groups/search`` with ``expand``)."""
    return _search(ctx, args_body(ctx.request.args))


def count_groups(ctx: AdminCtx):
    org = ctx.org()
    filters = _filters(args_body(ctx.request.args, paged=False))
    return json_response({"count": sum(1 for d in ctx.directories(org) for g in d.groups.values() if _matches(org, g, filters))})


def _group(ctx: AdminCtx, write: bool = False):
    org = ctx.org()
    for directory in ctx.directories(org, write=write):
        group = directory.group(ctx.params["groupId"])
        if group is not None:
            return org, directory, group
    raise not_found_group(ctx.params["groupId"])


def get_group(ctx: AdminCtx):
    _unused, _directory, group = _group(ctx)
    return json_response({"data": render_group(group)})


def add_member(ctx: AdminCtx):
    org, directory, group = _group(ctx, write=True)
    body = ctx.body()
    account_id = body.get("accountId")
    if set(body) != {"accountId"} or not isinstance(account_id, str) or not account_id:
        raise AdminError(400, 'The body must be {"accountId": "<account id>"}.')
    if not group.modifiable:
        raise synced_group(group)
    if account_id not in directory.users:
        raise not_found_user(account_id)
    account = ctx.state.accounts.by_id[account_id]
    if account.get("account_status", "active") != "active":
        raise AdminError(400, "Inactive user %s cannot be added to a group." % account_id, "ADMIN-UAM-400-2", "Inactive user")
    if account_id in group.members:
        raise AdminError(
            409, "User %s is already a member of group %s." % (account_id, group.name), "ADMIN-UAM-409-2", "Resource Conflicts"
        )
    full = org.over_limit([account_id], org.granting_resources(group))
    if full is not None:
        raise license_error(full)
    group.members[account_id] = None
    org.sync([account_id])
    admin_event(ctx, org, "group_member_added", account, group)
    return empty_response(204)


def remove_member(ctx: AdminCtx):
    org, _directory, group = _group(ctx, write=True)
    account_id = ctx.params["accountId"]
    if not group.modifiable:
        raise synced_group(group)
    if account_id not in group.members:
        raise AdminError(404, "User %s is not a member of group %s." % (account_id, group.name), "ADMIN-UAM-404-1")
    del group.members[account_id]
    org.sync([account_id])
    admin_event(ctx, org, "group_member_removed", ctx.state.accounts.by_id[account_id], group)
    return empty_response(204)


def group_role_assignments(ctx: AdminCtx):
    org, _directory, group = _group(ctx)
    offset, limit, filters = role_paging(ctx.request.args, "group-roles")
    items = []
    for resource_id, roles in group.roles.items():
        resource = org.resources[resource_id]
        shown = [role for role in roles if role in filters.get("roleIds", roles)]
        if (
            not shown
            or resource_id not in filters.get("resourceIds", [resource_id])
            or resource.owner not in filters.get("resourceOwners", [resource.owner])
            or group.directory_id not in filters.get("directoryIds", [group.directory_id])
        ):
            continue
        items.append({"resourceId": resource_id, "resourceOwner": resource.owner, "defaultRole": shown[0], "roles": shown})
    return json_response(page("group-roles", items, lambda item: item, offset, limit, filters))


def _role_body(ctx: AdminCtx, org) -> tuple:
    body = ctx.body()
    resource_id, role = body.get("resourceId"), body.get("roleId")
    if set(body) != {"resourceId", "roleId"} or not isinstance(resource_id, str) or not isinstance(role, str):
        raise AdminError(400, 'The body must be {"resourceId": "<resource ARI>", "roleId": "<role>"}.')
    if role not in GROUP_ROLES:
        raise AdminError(
            400,
            "Invalid Role for Resource: %r (one of %s)." % (role, ", ".join(GROUP_ROLES)),
            "ADMIN-UAM-400-3",
            "Invalid Role for Resource",
        )
    if resource_id not in org.resources:
        raise AdminError(404, "Unknown resource %s." % resource_id, "ADMIN-UAM-404-1")
    return resource_id, role


def assign_group_role(ctx: AdminCtx):
    org, _directory, group = _group(ctx, write=True)
    resource_id, role = _role_body(ctx, org)
    if not group.modifiable:
        raise synced_group(group)
    roles = group.roles.setdefault(resource_id, [])
    if role not in roles:
        if role in GRANTING_ROLES:
            full = org.over_limit(list(group.members), [resource_id])
            if full is not None:
                if not roles:
                    del group.roles[resource_id]
                raise license_error(full)
        roles.append(role)
    org.sync(list(group.members))
    return empty_response(200)  # the spec's answer to an assignment: 200 "Success", no body


def revoke_group_role(ctx: AdminCtx):
    org, _directory, group = _group(ctx, write=True)
    resource_id, role = _role_body(ctx, org)
    if not group.modifiable:
        raise synced_group(group)
    roles = group.roles.get(resource_id, [])
    if role in roles:
        roles.remove(role)
        if not roles:
            del group.roles[resource_id]
    org.sync(list(group.members))
    return empty_response(204)


ROUTES = [
    AdminRoute("POST", D_PATH + "/groups/search", search_groups, READ_GROUPS),
    AdminRoute("GET", D_PATH + "/groups", list_groups, READ_GROUPS),
    AdminRoute("GET", D_PATH + "/groups/count", count_groups, READ_GROUPS),
    AdminRoute("GET", D_PATH + "/groups/{groupId}", get_group, READ_GROUPS),
    AdminRoute("POST", D_PATH + "/groups/{groupId}/memberships", add_member),
    AdminRoute("DELETE", D_PATH + "/groups/{groupId}/memberships/{accountId}", remove_member),
    AdminRoute("GET", D_PATH + "/groups/{groupId}/role-assignments", group_role_assignments, READ_GROUPS),
    AdminRoute("POST", D_PATH + "/groups/{groupId}/role-assignments/assign", assign_group_role),
    AdminRoute("POST", D_PATH + "/groups/{groupId}/role-assignments/revoke", revoke_group_role),
]
