# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read side of the organization Admin API modules: how users and groups are named in a task, looked up, and
shown in results (``atlassian_user_info``, ``atlassian_group_info``, and the ``user`` / ``groups`` keys of the
ensure modules).

Results use snake_case keys and say how each product role was given: ``direct``, ``group`` (with the groups of the
user that hold it) or ``inferred``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.client import group_key
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.last_active import (
    add_last_active,
    day_of,
    search_dates,
    seats,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError, UnexpectedAnswerError

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._admin.client import AdminClient

BITBUCKET = "bitbucket"
_GROUP_ID = validate.UUID
_METHODS = {"direct": "direct", "group_direct": "group", "inferred": "inferred"}


# -- naming ----------------------------------------------------------------------------------------------


def user_kind(value: Any, option: str = "user") -> tuple[str, str]:
    """``(kind, value)`` of an account named by the task: ``email`` (lower-cased) or ``account_id``."""
    return validate.user_identifier(value, option, kinds=("email", "account_id"))


def split_groups(values: Iterable[Any] | None, option: str = "groups") -> tuple[list[str], list[str]]:
    """``(ids, names)`` of groups named by the task: a UUID (or a group ARI) is an id, anything else a name."""
    ids, names = [], []
    for value in values or ():
        text = validate.text(value, option, "a group name or id", max_chars=validate.MAX_SLUG_CHARS)
        key = group_key(text.strip())
        if _GROUP_ID.match(key) and not key.startswith("{"):
            if key.lower() not in ids:
                ids.append(key.lower())
        elif text.strip().lower() not in [n.lower() for n in names]:
            names.append(text.strip())
    return ids, names


def find_groups(
    client: AdminClient, ids: list[str], names: list[str], option: str = "groups"
) -> tuple[list[dict[str, Any]], list[str]]:
    """``(groups, not_found)``: the groups of ``ids`` and ``names`` (one search per kind), in the order asked.

    A name held by groups of several directories is refused (name the group by id, or set admin_directory_id)."""
    found, not_found = [], []
    by_id = {}
    if ids:
        for group in client.search_groups(ids=ids):
            by_id[group["id"].lower()] = group
    for gid in ids:
        (found.append(by_id[gid]) if gid in by_id else not_found.append(gid))
    if names:
        by_name = {}
        for group in client.search_groups(names=names):
            by_name.setdefault(str(group.get("name")).lower(), []).append(group)
        for name in names:
            matches = by_name.get(name.lower(), [])
            if len(matches) > 1:
                raise ConfigurationError(
                    "%s: the name %s is held by %d groups (in directories %s): name the group by id, "
                    "or set admin_directory_id"
                    % (option, validate.show(name), len(matches), ", ".join(sorted(str(g.get("directoryId")) for g in matches)))
                )
            (found.append(matches[0]) if matches else not_found.append(name))
    unique, seen = [], set()
    for group in found:
        if group["id"] not in seen:
            seen.add(group["id"])
            unique.append(group)
    return unique, not_found


def find_user(
    client: AdminClient, value: Any, option: str = "user", expand: Iterable[str] | None = ("groups",)
) -> dict[str, Any] | None:
    """The account named by ``value`` (email or account id) in the directory, or None. One search request."""
    kind, normalized = user_kind(value, option)
    if kind == "email":
        users = client.search_users(emails=[normalized], expand=expand)
    else:
        users = client.search_users(account_ids=[normalized], expand=expand)
    distinct = {u["accountId"]: u for u in users}
    if len(distinct) > 1:
        raise UnexpectedAnswerError(
            "the directory answered %d accounts (%s) for %s"
            % (len(distinct), ", ".join(sorted(distinct)), validate.show(normalized))
        )
    return next(iter(distinct.values()), None)


def is_read_only(group: dict[str, Any]) -> str | None:
    """Why the API says ``group`` cannot be changed by this key (synced from an identity provider, or not
    modifiable), or None."""
    access = group.get("managementAccess") if isinstance(group.get("managementAccess"), dict) else {}
    if group.get("externalSynced") is True or group.get("managedBy") == "external":
        return "synced from an identity provider: change its members there"
    if access.get("modifiable") is False:
        return "not modifiable with this API key (managementAccess.modifiable is false)"
    return None


# -- shaping ---------------------------------------------------------------------------------------------


def resource_names(client: AdminClient) -> dict[str, dict[str, Any]]:
    """``{resource id: {"name", "product", "seats"}}`` of the organization's resources (one request)."""
    names = {}
    for item in client.workspaces():
        attributes = item.get("attributes") if isinstance(item.get("attributes"), dict) else {}
        names[item["id"]] = {"name": attributes.get("name"), "product": attributes.get("typeKey"), "seats": seats(attributes)}
    return names


def _flat_roles(roles: Iterable[Any] | None) -> list[Any]:
    """Group role-assignment ``roles``: a flat list, or the spec's list of lists."""
    flat = []
    for role in roles or ():
        for item in role if isinstance(role, list) else [role]:
            if isinstance(item, str) and item not in flat:
                flat.append(item)
    return flat


def group_roles(assignments: Iterable[dict[str, Any]], names: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Role assignments of a group, shaped."""
    names = names or {}
    shaped = []
    for item in assignments:
        rid = item.get("resourceId")
        shaped.append(
            {
                "resource_id": rid,
                "resource_owner": item.get("resourceOwner"),
                "resource_name": (names.get(rid) or {}).get("name"),
                "roles": _flat_roles(item.get("roles")),
                "default_role": item.get("defaultRole"),
            }
        )
    return shaped


def grants(
    assignments: Iterable[dict[str, Any]], resource_id: str, roles: Iterable[str] = ("atlassian/user", "atlassian/admin")
) -> list[str]:
    """The roles of ``roles`` that a group's assignments give on ``resource_id``."""
    held = []
    for item in assignments:
        if item.get("resourceId") == resource_id:
            held.extend(role for role in _flat_roles(item.get("roles")) if role in roles and role not in held)
    return held


def shape_group(
    group: dict[str, Any],
    assignments: list[dict[str, Any]] | None = None,
    names: dict[str, dict[str, Any]] | None = None,
    members: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    access = group.get("managementAccess") if isinstance(group.get("managementAccess"), dict) else {}
    counts = group.get("counts") if isinstance(group.get("counts"), dict) else {}
    shaped = {
        "id": group.get("id"),
        "name": group.get("name"),
        "description": group.get("description"),
        "directory_id": group.get("directoryId"),
        "external_synced": bool(group.get("externalSynced")),
        "managed_by": group.get("managedBy"),
        "modifiable": access.get("modifiable"),
        "deletable": access.get("deletable"),
        "member_count": counts.get("users"),
        "read_only_reason": is_read_only(group),
    }
    if assignments is not None:
        shaped["role_assignments"] = group_roles(assignments, names)
    if members is not None:
        shaped["members"] = [shape_user(user) for user in members]
    return shaped


def shape_user(
    user: dict[str, Any],
    assignments: list[dict[str, Any]] | None = None,
    names: dict[str, dict[str, Any]] | None = None,
    group_assignments: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """A user of the directory, shaped. ``assignments``: its role assignments; ``group_assignments``:
    ``{group id: assignments}`` of its groups, to name the groups through which each role is held. A search that
    expanded ``productAccess`` gives each product access entry its ``last_active`` date (``lastActiveTimestamp``,
    null when the API leaves it out: never active there) and the user ``last_active`` (``{product: latest date}``)."""
    names = names or {}
    groups = [{"id": group_key(g.get("id")), "name": g.get("name")} for g in user.get("groups") or () if isinstance(g, dict)]
    shaped = {
        "account_id": user.get("accountId"),
        "email": user.get("email"),
        "name": user.get("name"),
        "nickname": user.get("nickname"),
        "account_type": user.get("accountType"),
        "status": user.get("status"),
        "account_status": user.get("accountStatus"),
        "membership_status": user.get("membershipStatus"),
        "management_source": user.get("managementSource"),
        "added_to_org": user.get("addedToOrg"),
    }
    if "groups" in user:
        shaped["groups"] = groups
    if "productAccess" in user:
        shaped["product_access"] = [
            {
                "product": p.get("key"),
                "resource_id": p.get("id"),
                "resource_name": (names.get(p.get("id")) or {}).get("name"),
                "last_active": day_of(p.get("lastActiveTimestamp")),
            }
            for p in user.get("productAccess") or ()
            if isinstance(p, dict)
        ]
        shaped["last_active"] = search_dates(shaped["product_access"])
    if assignments is not None:
        shaped["role_assignments"] = user_roles(assignments, names, groups, group_assignments or {})
    return shaped


def user_roles(
    assignments: Iterable[dict[str, Any]],
    names: dict[str, dict[str, Any]],
    groups: list[dict[str, Any]],
    group_assignments: dict[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    shaped = []
    for item in assignments:
        rid = item.get("resourceId")
        for assignment in item.get("roleAssignments") or ():
            if not isinstance(assignment, dict):
                continue
            role = assignment.get("role")
            granted_by = []
            for method in assignment.get("roleAssignmentMethods") or ():
                kind = _METHODS.get(method, method)
                if kind == "group":
                    via = [g for g in groups if role in grants(group_assignments.get(g["id"], ()), rid, (role,))]
                    granted_by.append({"type": "group", "groups": via})
                else:
                    granted_by.append({"type": kind})
            shaped.append(
                {
                    "resource_id": rid,
                    "resource_owner": item.get("resourceOwner"),
                    "resource_name": (names.get(rid) or {}).get("name"),
                    "role": role,
                    "granted_by": granted_by,
                    "directory_id": item.get("directoryId"),
                }
            )
    return shaped


# -- the info modules ------------------------------------------------------------------------------------


def user_info(client: AdminClient, params: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """``atlassian_user_info``: the users asked for (or all), with their groups, product access and role
    assignments; ``not_found`` lists what was asked and not found."""
    emails = []
    for email in params.get("emails") or ():
        kind, normalized = user_kind(email, "emails")
        if kind != "email":
            raise ConfigurationError("emails: %s is not an email address" % validate.show(str(email)))
        emails.append(normalized)
    account_ids = []
    for value in params.get("account_ids") or ():
        kind, normalized = user_kind(value, "account_ids")
        if kind != "account_id":
            raise ConfigurationError("account_ids: %s is not an Atlassian account ID" % validate.show(str(value)))
        account_ids.append(normalized)
    if params.get("emails") == [] or params.get("account_ids") == []:
        raise ConfigurationError("emails and account_ids must not be empty lists: leave both out to list every user")
    expand = ("groups", "productAccess")
    if emails or account_ids:
        users = client.search_users(emails=emails or None, account_ids=account_ids or None, expand=expand)
    else:
        users = client.search_users(expand=expand)
    unique = list({u["accountId"]: u for u in users}.values())
    found_emails = {str(u.get("email") or "").lower() for u in unique}
    found_ids = {u["accountId"] for u in unique}
    not_found = [e for e in emails if e not in found_emails] + [a for a in account_ids if a not in found_ids]
    shaped = []
    if params.get("include_role_assignments"):
        names = resource_names(client)
        for user in unique:
            assignments = client.user_role_assignments(user["accountId"])
            group_ids = [group_key(g.get("id")) for g in user.get("groups") or () if isinstance(g, dict)]
            needed = any(
                "group_direct" in (a.get("roleAssignmentMethods") or ())
                for item in assignments
                for a in item.get("roleAssignments") or ()
                if isinstance(a, dict)
            )
            by_group = {gid: client.group_role_assignments(gid) for gid in group_ids} if needed else {}
            shaped.append(shape_user(user, assignments, names, by_group))
    else:
        shaped = [shape_user(user) for user in unique]
    if params.get("include_last_active"):
        add_last_active(client, unique, shaped)
    return {"changed": False, "users": shaped, "not_found": not_found}, False


def group_info(client: AdminClient, params: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """``atlassian_group_info``: groups by name, id, the resource they grant (a Bitbucket workspace), or all."""
    if params.get("names") == [] or params.get("ids") == []:
        raise ConfigurationError("names and ids must not be empty lists: leave both out to list every group")
    ids = []
    for value in params.get("ids") or ():
        found, unused = split_groups([value], "ids")
        if not found:
            raise ConfigurationError("ids: %s is not a group ID (a UUID)" % validate.show(str(value)))
        ids.extend(i for i in found if i not in ids)
    names = []
    for value in params.get("names") or ():
        name = validate.text(value, "names", "a group name", max_chars=validate.MAX_SLUG_CHARS).strip()
        if name.lower() not in [n.lower() for n in names]:
            names.append(name)
    resource_id = params.get("resource_id")
    workspace = params.get("workspace")
    if workspace is not None:
        workspace = validate.workspace(workspace)
    elif resource_id is not None:
        resource_id = validate.text(resource_id, "resource_id", "a resource id (ARI)")
    resources = resource_names(client) if (params.get("include_role_assignments") or workspace or resource_id) else {}
    if workspace is not None:
        matches = [rid for rid, info in resources.items() if info["name"] == workspace and info["product"] == BITBUCKET]
        if not matches:
            raise ConfigurationError(
                "workspace: the organization has no Bitbucket workspace %s among its products" % validate.show(workspace)
            )
        resource_id = matches[0]
    not_found = []
    if ids or names:
        groups, not_found = find_groups(client, ids, names, "names")
    elif resource_id is not None:
        groups = client.search_groups(resource_ids=[resource_id])
    else:
        groups = client.search_groups()
    shaped = []
    for group in groups:
        assignments = None
        if params.get("include_role_assignments") or resource_id is not None:
            assignments = client.group_role_assignments(group["id"])
            # the resource filter is checked on the group's own role assignments
            if resource_id is not None and not any(a.get("resourceId") == resource_id for a in assignments):
                continue
        members = client.search_users(group_ids=[group["id"]], expand=("groups",)) if params.get("include_members") else None
        shaped.append(shape_group(group, assignments if params.get("include_role_assignments") else None, resources, members))
    result = {"changed": False, "groups": shaped, "not_found": not_found}
    if resource_id is not None:
        result["resource_id"] = resource_id
    if workspace is not None:
        result["seats"] = resources[resource_id]["seats"]
    return result, False
