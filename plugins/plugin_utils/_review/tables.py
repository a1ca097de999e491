# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review as CSV: ``csv`` (one row per member, one column per repository) and ``csv_long`` (one row per
member x target x path: each way a member reaches a repository or project, for pivot tables and audit sampling).

Values a spreadsheet would run as a formula are prefixed with a single quote. ``generated_at`` and ``run_by`` are
columns of every row when the review has them (a CSV file has no other place that every reader keeps)."""

from __future__ import annotations

import csv
import io
from typing import Any

from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.evidence import run_by_text
from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.groups import NOT_IDENTIFIABLE, group_text

CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")
MEMBER_COLUMNS = ["account_id", "display_name", "nickname", "email", "workspace_role"]
LONG_COLUMNS = MEMBER_COLUMNS + [
    "status",
    "flags",
    "target_type",
    "target",
    "project",
    "permission",
    "path",
    "via",
    "path_permission",
    "residual",
]


def csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA) else text


def source_texts(cell: dict) -> list[str]:
    """The sources of a cell as words: ``project user PLAT``, ``group Developers``, ``group (not identifiable)``."""
    texts = []
    for source in cell["sources"]:
        if source == "project user" and cell.get("project"):
            texts.append("project user %s" % cell["project"])
        elif source == "group":
            groups = cell.get("groups") or []
            texts.extend([group_text(g) for g in groups] or [NOT_IDENTIFIABLE])
        else:
            texts.append(source)
    return texts


def cell_text(cell: dict | None) -> str:
    if not cell:
        return ""
    sources = source_texts(cell)
    text = "%s (%s)" % (cell["permission"], ", ".join(sources)) if sources else cell["permission"]
    if cell.get("explicit") and "repository user" not in cell["sources"]:
        text += " [explicit %s]" % cell["explicit"]
    return text


def status_text(member: dict) -> str:
    parts = []
    if member.get("admin_status"):
        parts.append(member["admin_status"])
    if member.get("scim_active") is False:
        parts.append("SCIM deactivated")
    return ", ".join(parts)


def _evidence(matrix: dict) -> tuple[list[str], list[str]]:
    headers, values = [], []
    if matrix.get("generated_at"):
        headers.append("generated_at")
        values.append(matrix["generated_at"])
    if matrix.get("run_by") is not None:
        headers.append("run_by")
        values.append(run_by_text(matrix["run_by"]))
    return headers, values


def _last_active(member: dict) -> str:
    activity = member.get("last_active")
    if activity is None:
        return ""
    return activity.get("bitbucket") or ("never" if activity.get("bitbucket_access") else "")


def render_csv(matrix: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    evidence_headers, evidence = _evidence(matrix)
    writer.writerow(
        MEMBER_COLUMNS
        + ["workspace_admin", "status", "residual", "groups", "flags", "last_active_bitbucket", "api_tokens"]
        + evidence_headers
        + list(matrix["repositories"])
    )
    for member in matrix["members"]:
        tokens = member.get("api_tokens")
        row = [
            member["account_id"],
            member["display_name"],
            member["nickname"],
            member["email"],
            member["workspace_permission"],
            "yes" if member["workspace_admin"] else "",
            status_text(member),
            "yes" if member["residual"] else "",
            " ".join(member["groups"]),
            " ".join(member.get("flags") or []),
            _last_active(member),
            "" if not tokens else str(len(tokens["tokens"])),
        ]
        row += evidence
        row += [cell_text(member["cells"].get(slug)) for slug in matrix["repositories"]]
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def _paths(member: dict, slug: str, cell: dict) -> list[tuple[str, str, str]]:
    """(path, via, path_permission) of each way ``member`` reaches repository ``slug``."""
    paths = []
    for source in cell["sources"]:
        if source == "workspace role":
            paths.append((source, member["workspace_permission"] or "", "admin"))
        elif source == "repository user":
            paths.append((source, "", cell["explicit"] or ""))
        elif source == "project user":
            paths.append((source, cell["project"] or "", member["explicit"]["projects"].get(cell["project"], "")))
        elif source == "group":
            groups = cell.get("groups") or []
            for group in groups:
                paths.append(("group", "%s (%s)" % (group["name"], group["via"]), cell["permission"]))
            if not groups:
                paths.append((NOT_IDENTIFIABLE, "", cell["permission"]))
    if cell.get("explicit") and "repository user" not in cell["sources"]:
        paths.append(("repository user", "", cell["explicit"]))  # held, below the effective level
    return paths


def render_csv_long(matrix: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    evidence_headers, evidence = _evidence(matrix)
    writer.writerow(LONG_COLUMNS + evidence_headers)
    for member in matrix["members"]:
        head = [
            member["account_id"],
            member["display_name"],
            member["nickname"],
            member["email"],
            member["workspace_permission"],
            status_text(member),
            " ".join(member.get("flags") or []),
        ]
        rows = []
        for slug in sorted(member["cells"]):
            cell = member["cells"][slug]
            for path, via, level in _paths(member, slug, cell):
                rows.append(
                    ["repository", slug, cell.get("project") or "", cell["permission"], path, via, level]
                    + ["yes" if cell["residual"] else ""]
                )
        for key, level in sorted(member["explicit"]["projects"].items()):
            rows.append(["project", key, key, level, "project user", "", level, "yes" if member["residual"] else ""])
        if not rows:  # every member is in the file, even one who reaches nothing
            rows.append(["", "", "", "", "", "", "", ""])
        for row in rows:
            writer.writerow([csv_cell(value) for value in head + row + evidence])
    return out.getvalue()
