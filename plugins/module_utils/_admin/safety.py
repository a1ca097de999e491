# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``atlassian_group_member state=absent`` refuses before any write (issue 19, self-lockout), unless
``allow_self_removal``:

* removing the protected account (``protect_account``, by default ``BITBUCKET_USERNAME``: the account the Bitbucket
  modules act as) from a group that holds ``atlassian/admin`` on a Bitbucket workspace (one read of the group's role
  assignments per group removed, only for that account);
* emptying the last group that gives anyone ``atlassian/admin`` on a Bitbucket workspace, read cheaply: only when the
  group search says the removal leaves the group without members (``counts.users`` <= 1); then one search of the
  groups with a role on that workspace and their role assignments. Not protected: admins by a direct role assignment,
  the workspace owner (Bitbucket keeps the owner an admin), groups whose member count is not answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.info import _flat_roles, user_kind
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._admin.client import AdminClient

ADMIN_ROLE = "atlassian/admin"
WORKSPACE_ARI = "ari:cloud:bitbucket::workspace/"
OVERRIDE = "set allow_self_removal: true to remove it anyway"


class SelfLockoutError(ConfigurationError):
    """A removal that would lock the caller (or everyone) out of a workspace's administration; nothing was sent."""


def admin_workspaces(client: AdminClient, group: dict[str, Any]) -> list[str]:
    """The Bitbucket workspaces (resource ids) on which ``group`` holds ``atlassian/admin`` (one read, cached)."""
    found = []
    for item in client.group_role_assignments(group["id"]):
        rid = item.get("resourceId")
        bitbucket = isinstance(rid, str) and (rid.startswith(WORKSPACE_ARI) or item.get("resourceOwner") == "bitbucket")
        if bitbucket and ADMIN_ROLE in _flat_roles(item.get("roles")) and rid not in found:
            found.append(rid)
    return found


def is_account(user: dict[str, Any], protected: str | None) -> bool:
    """Whether ``user`` (an answered user) is the account ``protected`` names (an email or an account id)."""
    if not protected:
        return False
    kind, value = user_kind(protected, "protect_account")
    if kind == "email":
        return str(user.get("email") or "").lower() == value
    return user.get("accountId") == value


def _users(group: dict[str, Any]) -> int | None:
    counts = group.get("counts") if isinstance(group.get("counts"), dict) else {}
    return counts.get("users") if isinstance(counts.get("users"), int) else None


def _last_admin_group(client: AdminClient, group: dict[str, Any], removed: list[dict[str, Any]]) -> list[str]:
    """The workspaces for which ``group`` (left empty by the removal) is the last group with members giving admin."""
    users = _users(group)
    if users is None or users > 1:
        return []
    workspaces = admin_workspaces(client, group)
    if not workspaces:
        return []
    emptied = {g["id"] for g in removed if (_users(g) or 0) <= 1}
    left = []
    others = [g for g in client.search_groups(resource_ids=workspaces) if g.get("id") not in emptied and (_users(g) or 0) > 0]
    for rid in workspaces:
        if not any(rid in admin_workspaces(client, other) for other in others):
            left.append(rid)
    return left


def check_removals(client: AdminClient, user: dict[str, Any], removed: list[dict[str, Any]], params: dict[str, Any]) -> None:
    """Raise SelfLockoutError (before any write, check mode too) when removing ``user`` from ``removed`` would take the
    protected account's admin group away or empty the last admin group of a workspace."""
    if not removed or params.get("allow_self_removal"):
        return
    who = user.get("email") or user["accountId"]
    protected = is_account(user, params.get("protect_account"))
    reasons = []
    for group in removed:
        name = validate.show(str(group.get("name")))
        if protected:
            workspaces = admin_workspaces(client, group)
            if workspaces:
                reasons.append(
                    "%s is the account the Bitbucket modules act as (protect_account, by default BITBUCKET_USERNAME) "
                    "and the group %s gives it admin on the Bitbucket workspace %s: removing it would lock the "
                    "automation out" % (who, name, ", ".join(workspaces))
                )
                continue
        last = _last_admin_group(client, group, removed)
        if last:
            reasons.append(
                "the group %s is the last group that gives anyone admin on the Bitbucket workspace %s, and removing "
                "%s leaves it empty" % (name, ", ".join(last), who)
            )
    if reasons:
        raise SelfLockoutError("Refusing to remove %s: %s. Nothing was changed; %s" % (who, "; ".join(reasons), OVERRIDE))
