# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The groups behind a "group" cell of the access review.

A cell whose effective permission no explicit user permission explains comes from a group. The group is named when
it can be derived: a Bitbucket group holding that very level on the repository, or on the repository's project, whose
name (or slug) is one of the member's organization groups (the Admin API's memberships). Otherwise the cell reads
"group (not identifiable)": the group permissions were not read, the member's groups are not known (no Admin API),
or no such group has the member."""

from __future__ import annotations

from typing import Any

LEVELS = {"none": 0, "read": 1, "write": 2, "create-repo": 2, "admin": 3}
NOT_IDENTIFIABLE = "group (not identifiable)"


def _level(permission: Any) -> int:
    return LEVELS.get(str(permission or "none").lower(), 0)


def _groups(entries: Any) -> list[dict]:
    return [
        {"slug": g.get("slug"), "name": g.get("name") or g.get("slug"), "level": _level(g.get("permission"))}
        for g in entries or []
        if isinstance(g, dict) and (g.get("slug") or g.get("name"))
    ]


def group_index(permissions: Any) -> dict | None:
    """The result of bitbucket_permission_info (subjects groups) as ``{"repositories": {slug: [group]}, "projects":
    {key: [group]}, "repository_projects": {slug: key}}``; None when not read."""
    if not isinstance(permissions, dict):
        return None
    repositories, projects, owners = {}, {}, {}
    for repo in permissions.get("repositories") or []:
        if isinstance(repo, dict) and repo.get("slug"):
            repositories[repo["slug"]] = _groups(repo.get("groups"))
            if repo.get("project"):
                owners[repo["slug"]] = repo["project"]
    for project in permissions.get("projects") or []:
        if isinstance(project, dict) and project.get("key"):
            projects[project["key"]] = _groups(project.get("groups"))
    return {"repositories": repositories, "projects": projects, "repository_projects": owners}


def name_groups(index: dict | None, slug: str, project: str | None, permission: str, member_groups: Any) -> list[dict]:
    """The groups (``{"name", "slug", "via"}``, via ``repository`` or ``project <KEY>``) that give ``permission`` on
    ``slug`` to a member of ``member_groups`` (organization group names; None: not known)."""
    if index is None or member_groups is None:
        return []
    mine = {str(name).lower() for name in member_groups}
    level = _level(permission)
    found = []
    places = [("repository", index["repositories"].get(slug) or [])]
    if project:
        places.append(("project " + project, index["projects"].get(project) or []))
    for via, groups in places:
        for group in groups:
            names = {str(group["name"] or "").lower(), str(group["slug"] or "").lower()}
            if group["level"] == level and names & mine:
                found.append({"name": group["name"], "slug": group["slug"], "via": via})
    return found


def group_text(group: dict) -> str:
    """``group Developers`` (on the repository) or ``group Developers via project INFRA``."""
    if group.get("via") and group["via"] != "repository":
        return "group %s via %s" % (group["name"], group["via"])
    return "group %s" % group["name"]
