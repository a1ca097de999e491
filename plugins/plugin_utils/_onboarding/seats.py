# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Onboarding's seat check (issue 23), pure Python: before any write, who would take a seat of the Bitbucket
workspace (added to a group that grants it, not holding product access yet) and who is out of seats.

The seats come from ``atlassian_group_info`` with ``workspace`` (``seats: {capacity, usage, available}``, read from the
organization's workspace listing; ``usage`` is read as the seats in use: roles/onboarding/README.md, "Seats"). People are given the free seats in the order of
``onboarding_people``; the ones after the last free seat are refused with "out of seats for Bitbucket workspace acme
(N of N used)"."""

from __future__ import annotations

GRANTING_ROLES = ("atlassian/user", "atlassian/admin")
OUT = "seats: out of seats for Bitbucket workspace %s (%d of %d used%s): %s %s the workspace; free a seat or raise its user limit, then run again"


def _int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def granting_groups(info):
    """``{lower-cased name or id: name}`` of the groups of an ``atlassian_group_info`` result (``workspace`` set) that
    give product access (a user or admin role) on the workspace."""
    resource = info.get("resource_id")
    found = {}
    for group in info.get("groups") or []:
        if not isinstance(group, dict):
            continue
        roles = [
            role
            for item in group.get("role_assignments") or []
            if isinstance(item, dict) and (resource is None or item.get("resource_id") == resource)
            for role in item.get("roles") or []
        ]
        # without role assignments in the result, a group found by the workspace filter is taken as granting it
        if "role_assignments" in group and not any(role in GRANTING_ROLES for role in roles):
            continue
        for key in (group.get("name"), group.get("id")):
            if isinstance(key, str):
                found[key.lower()] = group.get("name") or group.get("id")
    return found


def holds_access(user, resource_id):
    """Whether an ``atlassian_user_info`` user holds product access on ``resource_id`` already."""
    access = (user or {}).get("product_access") or []
    return bool(resource_id) and any(isinstance(p, dict) and p.get("resource_id") == resource_id for p in access)


def groups_to_add(wanted, user):
    """The groups of ``wanted`` the account is not in yet (all of them for an account yet to be made)."""
    held = set()
    for group in (user or {}).get("groups") or []:
        if isinstance(group, dict):
            held.update(str(group.get(k)).lower() for k in ("id", "name") if group.get(k))
    return [g for g in wanted if str(g).lower() not in held]


def needs_check(entries, users):
    """Whether anyone would be added to a group (the seat read is needed)."""
    return any(groups_to_add(e["groups"], users.get(e["key"])) for e in entries if e["groups"])


def allocate(entries, users, info, workspace):
    """``(seats, refused)``: the seat summary of the result and ``{person key: error}`` of the people out of seats.

    ``entries``: the people still going (``key``, ``groups``), in input order; ``users``: ``{lower-cased email: user of
    the look-up}``; ``info``: the registered ``atlassian_group_info`` result."""
    summary = {"workspace": workspace, "checked": False, "capacity": None, "usage": None, "available": None, "needed": []}
    if not isinstance(info, dict) or info.get("skipped"):
        return summary, {}
    if info.get("failed"):
        summary["note"] = "seats not checked: the workspace's groups could not be read: %s" % (info.get("msg") or "unknown error")
        return summary, {}
    seats = info.get("seats") if isinstance(info.get("seats"), dict) else {}
    capacity, usage = _int(seats.get("capacity")), _int(seats.get("usage"))
    summary.update(capacity=capacity, usage=usage, available=_int(seats.get("available")))
    granting = granting_groups(info)
    resource = info.get("resource_id")
    needing = []
    for entry in entries:
        user = users.get(entry["key"])
        adding = [granting[g.lower()] for g in groups_to_add(entry["groups"], user) if str(g).lower() in granting]
        if adding and not holds_access(user, resource):
            needing.append((entry, adding))
    summary["needed"] = [entry["email"] for entry, _adding in needing]
    if capacity is None or usage is None:
        summary["note"] = "seats not checked: the workspace states no %s" % ("capacity" if capacity is None else "usage")
        return summary, {}
    summary["checked"] = True
    refused, taken = {}, 0
    for entry, adding in needing:
        if usage + taken >= capacity:
            counted = ", counting %d for people before in this list" % taken if taken else ""
            groups = ("the group " if len(adding) == 1 else "the groups ") + ", ".join(adding)
            refused[entry["key"]] = OUT % (
                workspace,
                usage + taken,
                capacity,
                counted,
                groups,
                "grants" if len(adding) == 1 else "grant",
            )
        else:
            taken += 1
    summary["refused"] = [entry["email"] for entry, _adding in needing if entry["key"] in refused]
    return summary, refused
