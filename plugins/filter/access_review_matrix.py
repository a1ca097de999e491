# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: access_review_matrix
short_description: Build the members x repositories access matrix of a Bitbucket workspace
version_added: "0.2.0"
author:
  - accessops maintainers (@accessops)
description:
  - Joins the members read by M(accessops.atlassian.bitbucket_member_info) (with C(include_permissions=true)), the
    organization users read by M(accessops.atlassian.atlassian_user_info) and the SCIM users read by
    M(accessops.atlassian.atlassian_scim_user_info) into one matrix, one row per member and one cell per repository
    the member reaches.
  - "Each cell holds the effective permission and where it comes from: C(workspace role) (a workspace admin reaches
    every repository as admin), C(repository user) (an explicit user permission on the repository at the effective
    level), C(project user) (an explicit user permission on the repository's project at the effective level), or
    C(group) (derived: the effective permission is higher than every explicit user permission of the member explains,
    so it comes from a group permission on the repository or on its project)."
  - The repository of a project is known from O(repository_projects) when given; otherwise a project may hold a
    repository when every member with an explicit permission on that project reaches the repository at least at that
    level (the modules do not return the project of a repository).
  - "Residual access: a member whose account is suspended or deactivated (organization status C(suspended),
    C(deactivated) or C(for_deletion), or SCIM C(active=false)) while still holding explicit repository or project
    permissions."
  - Used by the role C(accessops.atlassian.access_review); its output is what P(accessops.atlassian.access_review_render#filter)
    renders.
options:
  _input:
    description: The RV(accessops.atlassian.bitbucket_member_info#module:members) list, read with C(include_permissions=true).
    type: list
    elements: dict
    required: true
  workspace:
    description: The workspace slug, copied into the result.
    type: str
    default: ""
  admin_users:
    description: The RV(accessops.atlassian.atlassian_user_info#module:users) list; null when the Admin API is not used.
    type: list
    elements: dict
  scim_users:
    description: The RV(accessops.atlassian.atlassian_scim_user_info#module:users) list; null when SCIM is not used.
    type: list
    elements: dict
  admin_roles:
    description: The workspace roles (RV(accessops.atlassian.bitbucket_member_info#module:members[].workspace_permission)) that make a workspace admin.
    type: list
    elements: str
    default: [owner]
  repositories:
    description: Only these repository slugs become columns (all the members reach when empty or null).
    type: list
    elements: str
  repository_projects:
    description: The project key of repository slugs, where known; used instead of the inference above.
    type: dict
"""

EXAMPLES = r"""
- name: Build the matrix
  ansible.builtin.set_fact:
    review: >-
      {{ members.members | accessops.atlassian.access_review_matrix(workspace='acme',
         admin_users=org.users, scim_users=directory.users, admin_roles=['owner', 'collaborator']) }}

- name: Who holds residual access
  ansible.builtin.debug:
    msg: "{{ review.members | selectattr('residual') | map(attribute='display_name') | list }}"
"""

RETURN = r"""
_value:
  description:
    - C(workspace), C(repositories) (the column slugs, sorted), C(sources) (C(admin) and C(scim), whether that data was
      joined in), C(summary) (counts), C(members) (one entry per member, sorted by display name) and C(inactive_outside)
      (suspended or deactivated accounts of the organization that are not workspace members) and C(highlights) (the
      workspace admins and inactive members, with their admin and residual repositories).
    - Each member has C(account_id), C(display_name), C(nickname), C(email) (from the Admin API), C(workspace_permission),
      C(workspace_admin), C(admin_status), C(scim_active), C(groups) (organization groups), C(inactive), C(residual),
      C(explicit) (C(repositories) and C(projects) explicit user permissions) and C(cells).
    - Each cell (by repository slug) has C(permission), C(sources) (list), C(project) (the project whose user
      permission explains it, else null), C(explicit) (the explicit repository user permission, else null),
      C(admin) (an admin cell) and C(residual).
  type: dict
"""

from ansible.errors import AnsibleFilterError

LEVELS = {"none": 0, "read": 1, "write": 2, "create-repo": 2, "admin": 3}
REPO_LEVEL = {1: "read", 2: "write", 3: "admin"}
INACTIVE_STATUSES = ("suspended", "deactivated", "for_deletion")
SCIM_EXTENSION = "urn:scim:schemas:extension:atlassian-external:1.0"
SOURCES = ("workspace role", "repository user", "project user", "group")


def _level(permission):
    return LEVELS.get(str(permission or "none").lower(), 0)


def _project_candidates(members, repository_projects):
    """{project_key: set(repository slugs it may hold)}, from the members holding a permission on it."""
    holders = {}
    for member in members:
        for key, permission in ((member.get("explicit_permissions") or {}).get("projects") or {}).items():
            if _level(permission):
                holders.setdefault(key, []).append((member.get("repository_permissions") or {}, _level(permission)))
    candidates = {}
    for key, held in holders.items():
        repos = None
        for effective, level in held:
            reached = {slug for slug, perm in effective.items() if _level(perm) >= level}
            repos = reached if repos is None else repos & reached
        candidates[key] = repos or set()
    for slug, key in (repository_projects or {}).items():
        for other, repos in candidates.items():
            if other != key:
                repos.discard(slug)
        candidates.setdefault(key, set()).add(slug)
    return candidates


def _cell(slug, effective, explicit_repos, explicit_projects, candidates, workspace_admin):
    level = _level(effective)
    explicit = explicit_repos.get(slug)
    sources, project = [], None
    if workspace_admin:
        sources.append("workspace role")
    if explicit is not None and _level(explicit) and _level(explicit) == level:
        sources.append("repository user")
    for key in sorted(explicit_projects):
        if level and _level(explicit_projects[key]) == level and slug in candidates.get(key, ()):
            sources.append("project user")
            project = key
            break
    if level and len(sources) == (1 if workspace_admin else 0):
        sources.append("group")
    permission = "admin" if workspace_admin else REPO_LEVEL.get(level, "none")
    return {
        "permission": permission,
        "sources": sources,
        "project": project,
        "explicit": explicit,
        "admin": permission == "admin",
        "residual": False,
    }


def _scim_by_account(scim_users):
    found = {}
    for user in scim_users or []:
        account_id = (user.get(SCIM_EXTENSION) or {}).get("atlassianAccountId")
        if account_id:
            found[account_id] = user
    return found


def access_review_matrix(
    members, workspace="", admin_users=None, scim_users=None, admin_roles=None, repositories=None, repository_projects=None
):
    if not isinstance(members, list):
        raise AnsibleFilterError("access_review_matrix expects the members list of bitbucket_member_info")
    admin_roles = set(admin_roles if admin_roles is not None else ["owner"])
    admins_by_id = {u.get("account_id"): u for u in admin_users or [] if u.get("account_id")}
    scim_by_id = _scim_by_account(scim_users)
    reached = set()
    for member in members:
        if "repository_permissions" not in member or "explicit_permissions" not in member:
            raise AnsibleFilterError(
                "member %s has no repository_permissions/explicit_permissions: read the members "
                "with include_permissions=true" % member.get("account_id")
            )
        reached.update(member.get("repository_permissions") or {})
        reached.update(((member.get("explicit_permissions") or {}).get("repositories")) or {})
    columns = sorted(reached if not repositories else set(repositories))
    candidates = _project_candidates(members, repository_projects)
    rows, member_ids = [], set()
    for member in members:
        account_id = member.get("account_id")
        member_ids.add(account_id)
        org = admins_by_id.get(account_id) or {}
        scim = scim_by_id.get(account_id)
        explicit = member.get("explicit_permissions") or {}
        explicit_repos = {k: v for k, v in (explicit.get("repositories") or {}).items() if _level(v)}
        explicit_projects = {k: v for k, v in (explicit.get("projects") or {}).items() if _level(v)}
        workspace_admin = member.get("workspace_permission") in admin_roles
        effective = member.get("repository_permissions") or {}
        admin_status = org.get("status") if org else None
        scim_active = scim.get("active", True) if scim is not None else None
        inactive = admin_status in INACTIVE_STATUSES or scim_active is False
        residual = inactive and bool(explicit_repos or explicit_projects)
        cells = {}
        for slug in columns:
            if slug in effective or workspace_admin or slug in explicit_repos:
                cell = _cell(slug, effective.get(slug), explicit_repos, explicit_projects, candidates, workspace_admin)
                cell["residual"] = inactive and (
                    "repository user" in cell["sources"] or "project user" in cell["sources"] or cell["explicit"] is not None
                )
                cells[slug] = cell
        rows.append(
            {
                "account_id": account_id,
                "uuid": member.get("uuid"),
                "display_name": member.get("display_name"),
                "nickname": member.get("nickname"),
                "email": member.get("email") or org.get("email"),
                "workspace_permission": member.get("workspace_permission"),
                "workspace_admin": workspace_admin,
                "admin_status": admin_status,
                "scim_active": scim_active,
                "groups": sorted(g.get("name") for g in org.get("groups") or [] if g.get("name")),
                "inactive": inactive,
                "residual": residual,
                "explicit": {"repositories": explicit_repos, "projects": explicit_projects},
                "cells": cells,
            }
        )
    rows.sort(key=lambda r: (str(r["display_name"] or "").lower(), str(r["account_id"] or "")))
    outside = []
    for user in admin_users or []:
        scim = scim_by_id.get(user.get("account_id"))
        if user.get("account_id") not in member_ids and (
            user.get("status") in INACTIVE_STATUSES or (scim is not None and scim.get("active") is False)
        ):
            outside.append(
                {
                    "account_id": user.get("account_id"),
                    "email": user.get("email"),
                    "name": user.get("name"),
                    "admin_status": user.get("status"),
                    "scim_active": scim.get("active", True) if scim is not None else None,
                }
            )
    outside.sort(key=lambda u: str(u.get("email") or u.get("account_id") or ""))
    return {
        "workspace": workspace,
        "repositories": columns,
        "sources": {"admin": admin_users is not None, "scim": scim_users is not None},
        "summary": _summary(rows, columns, outside),
        "members": rows,
        "inactive_outside": outside,
        "highlights": [_highlight(r) for r in rows if r["workspace_admin"] or r["inactive"]],
    }


def _highlight(row):
    return {
        "account_id": row["account_id"],
        "display_name": row["display_name"],
        "email": row["email"],
        "workspace_admin": row["workspace_admin"],
        "admin_status": row["admin_status"],
        "scim_active": row["scim_active"],
        "inactive": row["inactive"],
        "residual": row["residual"],
        "explicit": row["explicit"],
        "admin_repositories": sorted(slug for slug, cell in row["cells"].items() if cell["admin"]),
        "residual_repositories": sorted(slug for slug, cell in row["cells"].items() if cell["residual"]),
    }


def _summary(rows, columns, outside):
    cells = [cell for row in rows for cell in row["cells"].values()]
    by_source = {source: sum(1 for c in cells if source in c["sources"]) for source in SOURCES}
    by_permission = {perm: sum(1 for c in cells if c["permission"] == perm) for perm in ("read", "write", "admin")}
    return {
        "members": len(rows),
        "repositories": len(columns),
        "cells": len(cells),
        "workspace_admins": sum(1 for r in rows if r["workspace_admin"]),
        "admin_cells": sum(1 for c in cells if c["admin"]),
        "explicit_cells": sum(1 for c in cells if c["explicit"] is not None or "project user" in c["sources"]),
        "inactive_members": sum(1 for r in rows if r["inactive"]),
        "residual_members": sum(1 for r in rows if r["residual"]),
        "residual_cells": sum(1 for c in cells if c["residual"]),
        "inactive_outside": len(outside),
        "by_source": by_source,
        "by_permission": by_permission,
    }


class FilterModule:
    def filters(self):
        return {"access_review_matrix": access_review_matrix}
