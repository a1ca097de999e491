# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rows of a certification campaign and their reviewers, from the access review matrix
(plugins/filter/access_review_matrix.py).

A row is one access of one member: ``target_type`` (``repository``, ``project`` or ``workspace``), ``target`` (slug,
key or workspace), ``level`` and ``path``:

* ``repository user``: an explicit user permission on the repository (every one, also one below the effective level);
* ``project user``: an explicit user permission on the project;
* ``group``: a repository cell the matrix derives from a group permission; ``group`` names the Bitbucket group when
  the review identified it (the cell's ``group`` / ``groups``), and ``org_group`` the organization group of that name
  the member is in (Admin API), which is what a revoke removes the member from;
* ``workspace role``: a workspace admin (one row on the workspace).

The row id is a hash of what the row is about (workspace, account, target, path and group), never of its level: the
same access has the same id in every run, and a changed level makes the row stale, not unknown.

The reviewers of a repository are its admins (an explicit user permission or a group giving admin, workspace admins
left out as they reach every repository), else the admins of its project (explicit project admin), else the fallback
reviewer; those of a project its explicit admins, else the fallback; the workspace rows go to the fallback. Nobody
reviews their own access: a row of a reviewer goes to the other reviewers of its target, else to the fallback.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

ROW_VERSION = "1"
UNASSIGNED = "(no reviewer)"
TARGET_ORDER = {"workspace": 0, "project": 1, "repository": 2}
PATH_ORDER = {"workspace role": 0, "project user": 1, "repository user": 2, "group": 3}


class CampaignError(ValueError):
    """Input that cannot make a campaign (not a matrix, a bad option)."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def slugify(name: str) -> str:
    """The Bitbucket group slug an organization group's name gives (lower case, spaces as ``-``)."""
    return re.sub(r"\s+", "-", str(name).strip().lower())


def load(value: Any, what: str) -> dict[str, Any]:
    """A mapping, or the JSON text of one (the role passes the matrix as text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as err:
            raise CampaignError("%s is no JSON text: %s" % (what, err)) from None
    if not isinstance(value, dict):
        raise CampaignError("%s must be a mapping, got %s" % (what, type(value).__name__))
    return value


def row_id(workspace: str, account_id: str, target_type: str, target: str, path: str, group: str | None) -> str:
    """The stable id of a row: what it is about, never its level."""
    text = "|".join((ROW_VERSION, workspace, account_id, target_type, target, path, (group or "").lower()))
    return "r" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:15]


def _cell_groups(cell: dict[str, Any]) -> list[str]:
    """The Bitbucket groups the review named for a group cell (its ``groups`` or ``group``), as names or slugs."""
    named = cell.get("groups")
    if named is None:
        named = cell.get("group")
    found = []
    for entry in named if isinstance(named, list) else [named]:
        if isinstance(entry, dict):
            entry = entry.get("slug") or entry.get("name")
        if isinstance(entry, str) and entry.strip() and "not identifiable" not in entry:
            found.append(entry.strip())
    return found


def _org_group(member_groups: list[dict[str, Any]], group: str | None) -> dict[str, Any] | None:
    """The organization group {id, name} the member is in whose name (or slug) is the Bitbucket group's."""
    if not group:
        return None
    wanted = slugify(group)
    for entry in member_groups:
        if entry.get("id") and isinstance(entry.get("name"), str) and slugify(entry["name"]) == wanted:
            return {"id": entry["id"], "name": entry["name"]}
    return None


def _groups_by_account(admin_users: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        user["account_id"]: list(map(_dict, _list(user.get("groups"))))
        for user in map(_dict, _list(admin_users))
        if isinstance(user.get("account_id"), str)
    }


def _row(workspace: str, member: dict[str, Any], target_type: str, target: str, level: Any, path: str, **extra: Any):
    group = extra.get("group")
    row = {
        "id": row_id(workspace, member["account_id"], target_type, target, path, group),
        "account_id": member["account_id"],
        "member": member.get("display_name") or member.get("nickname") or member["account_id"],
        "email": member.get("email"),
        "target_type": target_type,
        "target": target,
        "level": str(level),
        "path": path,
        "group": group,
        "org_group": extra.get("org_group"),
    }
    row["revocable"] = path in ("repository user", "project user") or bool(row["org_group"])
    return row


def matrix_rows(matrix: Any, admin_users: Any = None) -> list[dict[str, Any]]:
    """Every row of the matrix, sorted (target, path, member)."""
    matrix = load(matrix, "the access review matrix")
    if not isinstance(matrix.get("members"), list) or not isinstance(matrix.get("repositories"), list):
        raise CampaignError("the access review matrix needs members and repositories (access_review_matrix's result)")
    workspace = str(matrix.get("workspace") or "")
    columns = set(matrix["repositories"])
    org_groups = _groups_by_account(admin_users)
    rows: dict[str, dict[str, Any]] = {}
    for member in map(_dict, matrix["members"]):
        if not isinstance(member.get("account_id"), str):
            continue
        explicit = _dict(member.get("explicit"))
        found = []
        if member.get("workspace_admin"):
            found.append(_row(workspace, member, "workspace", workspace, "admin", "workspace role"))
        for slug, level in sorted(_dict(explicit.get("repositories")).items()):
            if slug in columns:
                found.append(_row(workspace, member, "repository", slug, level, "repository user"))
        for key, level in sorted(_dict(explicit.get("projects")).items()):
            found.append(_row(workspace, member, "project", key, level, "project user"))
        if not member.get("workspace_admin"):
            for slug, cell in sorted(_dict(member.get("cells")).items()):
                cell = _dict(cell)
                if "group" not in _list(cell.get("sources")):
                    continue
                for group in _cell_groups(cell) or [None]:
                    org_group = _org_group(org_groups.get(member["account_id"], []), group)
                    found.append(
                        _row(
                            workspace,
                            member,
                            "repository",
                            slug,
                            cell.get("permission"),
                            "group",
                            group=group,
                            org_group=org_group,
                        )
                    )
        for row in found:
            rows.setdefault(row["id"], row)
    return sorted(
        rows.values(),
        key=lambda r: (TARGET_ORDER[r["target_type"]], r["target"], PATH_ORDER[r["path"]], r["member"].lower(), r["id"]),
    )


def repository_projects(matrix: dict[str, Any], given: Any = None) -> dict[str, str]:
    """{repository slug: project key}: those given, else the project the matrix names in a cell of the repository."""
    found: dict[str, str] = {}
    for member in map(_dict, _list(matrix.get("members"))):
        for slug, cell in _dict(member.get("cells")).items():
            project = _dict(cell).get("project")
            if isinstance(project, str) and project:
                found.setdefault(slug, project)
    found.update({k: v for k, v in _dict(given).items() if isinstance(v, str)})
    return found


def _person(member: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": member["account_id"],
        "account_id": member["account_id"],
        "name": member.get("display_name") or member.get("nickname") or member["account_id"],
        "email": member.get("email"),
    }


def _owners(matrix: dict[str, Any]) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, dict[str, Any]]]:
    """({repository: admin account ids}, {project: admin account ids}, {account id: person})."""
    repos: dict[str, set[str]] = {}
    projects: dict[str, set[str]] = {}
    people: dict[str, dict[str, Any]] = {}
    for member in map(_dict, _list(matrix.get("members"))):
        account_id = member.get("account_id")
        if not isinstance(account_id, str) or member.get("workspace_admin") or member.get("inactive"):
            continue
        for slug, cell in _dict(member.get("cells")).items():
            cell = _dict(cell)
            sources = _list(cell.get("sources"))
            if cell.get("permission") == "admin" and ("repository user" in sources or "group" in sources):
                repos.setdefault(slug, set()).add(account_id)
                people[account_id] = _person(member)
        for key, level in _dict(_dict(member.get("explicit")).get("projects")).items():
            if level == "admin":
                projects.setdefault(key, set()).add(account_id)
                people[account_id] = _person(member)
    return repos, projects, people


def _file_name(person: dict[str, Any], taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9._-]+", "-", str(person.get("email") or person.get("name") or person["key"]).lower()).strip("-._")
    base = "worksheet-" + (base or "reviewer")
    name, count = base, 1
    while name in taken:
        count += 1
        name = "%s-%d" % (base, count)
    taken.add(name)
    return name


def campaign(matrix: Any, *, admin_users: Any = None, fallback: Any = "", given_projects: Any = None, created_at: Any = None):
    """The campaign document: ``rows`` (each with its ``reviewers``), ``reviewers`` (key, name, email, file name,
    row count), ``id`` (sha256 of the workspace and rows), ``unassigned`` (rows of no reviewer: no fallback given)."""
    matrix = load(matrix, "the access review matrix")
    if fallback is not None and not isinstance(fallback, str):
        raise CampaignError("the fallback reviewer must be a string (an email or a name), got %r" % (fallback,))
    fallback = (fallback or "").strip()
    rows = matrix_rows(matrix, admin_users)
    repo_admins, project_admins, people = _owners(matrix)
    projects = repository_projects(matrix, given_projects)
    fallback_key = fallback or UNASSIGNED
    for row in rows:
        if row["target_type"] == "repository":
            owners = repo_admins.get(row["target"]) or project_admins.get(projects.get(row["target"], ""), set())
        elif row["target_type"] == "project":
            owners = project_admins.get(row["target"], set())
        else:
            owners = set()
        owners = sorted(owners - {row["account_id"]})
        row["reviewers"] = owners or [fallback_key]
    reviewers = []
    taken: set[str] = set()
    counts: dict[str, int] = {}
    for row in rows:
        for key in row["reviewers"]:
            counts[key] = counts.get(key, 0) + 1
    for key in sorted(counts, key=lambda k: (k == UNASSIGNED, str((people.get(k) or {}).get("name") or k).lower(), k)):
        person = people.get(key) or {
            "key": key,
            "account_id": None,
            "name": key,
            "email": key if "@" in key else None,
        }
        reviewers.append(dict(person, file=_file_name(person, taken), rows=counts[key]))
    body = {"workspace": matrix.get("workspace") or "", "rows": rows}
    doc = {
        "version": 1,
        "id": hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest(),
        "workspace": body["workspace"],
        "created_at": created_at,
        "fallback": fallback or None,
        "reviewers": reviewers,
        "rows": rows,
        "summary": {
            "rows": len(rows),
            "reviewers": len(reviewers),
            "revocable": sum(1 for r in rows if r["revocable"]),
            "unassigned": counts.get(UNASSIGNED, 0),
            "by_path": {p: sum(1 for r in rows if r["path"] == p) for p in PATH_ORDER},
        },
    }
    return doc
