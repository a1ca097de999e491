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
  - "The group behind a C(group) cell is named (C(groups) of each cell of RV(_value)) when it can be derived: a Bitbucket
    group holding that level on the repository or on its project (O(group_permissions)) whose name or slug is one of
    the member's organization groups (O(admin_users)); otherwise the cell reads C(group (not identifiable))."
  - "Risk flags per member (C(flags) of each member of RV(_value)): C(dormant) (last active on Bitbucket more than O(dormant_days)
    before O(now), or no Bitbucket activity recorded, from O(last_active_users)), C(direct_admin) (admin through an
    explicit user permission on a repository or project), C(group_admin) (admin on a repository through a group),
    C(residual) (residual access, above), C(token_unused) (an API token last used, or never used and created, more
    than O(token_unused_days) before O(now)) and C(token_expiring) (an API token expiring within O(token_expiry_days))
    from O(api_tokens)."
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
    description:
      - The project key of repository slugs, where known; used instead of the inference above.
      - The projects of the repositories listed in O(group_permissions) are used too (this mapping wins).
    type: dict
  group_permissions:
    description:
      - The result of M(accessops.atlassian.bitbucket_permission_info) read with C(subjects=[groups]) (its
        C(repositories) and C(projects)); null when not read (no group is named then).
    type: dict
    version_added: 0.3.0
  last_active_users:
    description:
      - The RV(accessops.atlassian.atlassian_user_info#module:users) list whose C(last_active) dates decide the
        C(dormant) flag - the same list as O(admin_users) (the search's product access carries each product's
        last-active date, no extra request), or one read with C(include_last_active=true) (which adds the products a
        user no longer has access to); null when not used (no C(dormant) flag then).
      - A member with Bitbucket access and no date there was never active on Bitbucket (flagged).
    type: list
    elements: dict
    version_added: 0.3.0
  api_tokens:
    description:
      - The C(accounts) list of M(accessops.atlassian.atlassian_api_token_info); null when not read (no token flag
        then).
    type: list
    elements: dict
    version_added: 0.3.0
  now:
    description:
      - The time of the review (ISO 8601, UTC), what the dormancy and token ages are counted from; the current time when
        not given.
    type: str
    version_added: 0.3.0
  generated_at:
    description: The time written in the review as C(generated_at) (left out when null).
    type: str
    version_added: 0.3.0
  run_by:
    description:
      - The identities the review was made with, written as C(run_by) (left out when null) - C(bitbucket) (account id),
        C(bitbucket_name), C(admin) (organization id), C(scim) (directory id).
    type: dict
    version_added: 0.3.0
  dormant_days:
    description: A member last active on Bitbucket more than this many days ago is C(dormant).
    type: int
    default: 90
    version_added: 0.3.0
  token_unused_days:
    description: An API token not used for more than this many days is flagged C(token_unused).
    type: int
    default: 90
    version_added: 0.3.0
  token_expiry_days:
    description: An API token expiring within this many days is flagged C(token_expiring).
    type: int
    default: 30
    version_added: 0.3.0
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
    - C(workspace), C(repositories) (the column slugs, sorted), C(sources) (C(admin), C(scim), C(group_permissions),
      C(last_active), C(api_tokens), whether that data was joined in), C(generated_at) and C(run_by) (when given),
      C(summary) (counts), C(members) (one entry per member, sorted by display name), C(inactive_outside) (suspended
      or deactivated accounts of the organization that are not workspace members) and C(highlights) (the workspace
      admins, inactive and flagged members, with their admin and residual repositories and their flags).
    - Each member has C(account_id), C(display_name), C(nickname), C(email) (from the Admin API), C(workspace_permission),
      C(workspace_admin), C(admin_status), C(scim_active), C(groups) (organization groups), C(inactive), C(residual),
      C(explicit) (C(repositories) and C(projects) explicit user permissions), C(cells), C(last_active) (C(bitbucket)
      date and C(bitbucket_access), null when not read), C(api_tokens) (C(managed), C(reason), C(tokens), null when
      not read), C(flags) (names, in a fixed order) and C(flag_details) (a sentence per flag).
    - Each cell (by repository slug) has C(permission), C(sources) (list), C(project) (the project whose user
      permission explains it, else null), C(explicit) (the explicit repository user permission, else null),
      C(admin) (an admin cell), C(residual) and C(groups) (the groups named behind a C(group) source, each with C(name),
      C(slug), C(via) C(repository) or C(project <KEY>); empty when not identifiable).
    - C(summary) has C(flags) (members per flag) and C(flagged_members).
  type: dict
"""

import datetime

from ansible.errors import AnsibleFilterError
from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.evidence import run_by as _run_by
from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.groups import group_index, name_groups
from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.risk import (
    FLAGS,
    UTC,
    activity_of,
    member_flags,
    parse_time,
    tokens_of,
)

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


def _by_account(items):
    return {i.get("account_id"): i for i in items or [] if isinstance(i, dict) and i.get("account_id")}


def access_review_matrix(
    members,
    workspace="",
    admin_users=None,
    scim_users=None,
    admin_roles=None,
    repositories=None,
    repository_projects=None,
    group_permissions=None,
    last_active_users=None,
    api_tokens=None,
    now=None,
    generated_at=None,
    run_by=None,
    dormant_days=90,
    token_unused_days=90,
    token_expiry_days=30,
):
    if not isinstance(members, list):
        raise AnsibleFilterError("access_review_matrix expects the members list of bitbucket_member_info")
    when = parse_time(now) if now else datetime.datetime.now(UTC)
    if when is None:
        raise AnsibleFilterError("access_review_matrix: now must be an ISO 8601 date-time, not %r" % (now,))
    index = group_index(group_permissions)
    repository_projects = dict(index["repository_projects"] if index else {}, **(repository_projects or {}))
    activity_by_id = _by_account(last_active_users) if last_active_users is not None else None
    tokens_by_id = _by_account(api_tokens) if api_tokens is not None else None
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
                cell["groups"] = (
                    name_groups(
                        index,
                        slug,
                        repository_projects.get(slug),
                        cell["permission"],
                        [g.get("name") for g in org.get("groups") or []] if admin_users is not None else None,
                    )
                    if "group" in cell["sources"]
                    else []
                )
                cell["residual"] = inactive and (
                    "repository user" in cell["sources"] or "project user" in cell["sources"] or cell["explicit"] is not None
                )
                cells[slug] = cell
        row = {
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
            "last_active": activity_of(activity_by_id.get(account_id) or {}) if activity_by_id is not None else None,
            "api_tokens": tokens_of(tokens_by_id.get(account_id)) if tokens_by_id is not None else None,
        }
        row["flags"], row["flag_details"] = member_flags(
            row, row["last_active"], row["api_tokens"], when, int(dormant_days), int(token_unused_days), int(token_expiry_days)
        )
        rows.append(row)
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
    review = {
        "workspace": workspace,
        "repositories": columns,
        "sources": {
            "admin": admin_users is not None,
            "scim": scim_users is not None,
            "group_permissions": index is not None,
            "last_active": last_active_users is not None,
            "api_tokens": api_tokens is not None,
        },
        "summary": _summary(rows, columns, outside),
        "members": rows,
        "inactive_outside": outside,
        "highlights": [_highlight(r) for r in rows if r["workspace_admin"] or r["inactive"] or r["flags"]],
    }
    if generated_at:
        review["generated_at"] = str(generated_at)
    if run_by is not None:
        review["run_by"] = _run_by(run_by)
    return review


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
        "flags": row["flags"],
        "flag_details": row["flag_details"],
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
        "flags": {flag: sum(1 for r in rows if flag in r["flags"]) for flag in FLAGS},
        "flagged_members": sum(1 for r in rows if r["flags"]),
    }


class FilterModule:
    def filters(self):
        return {"access_review_matrix": access_review_matrix}
