# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: access_review_render
short_description: Render an access review matrix as JSON, CSV, Markdown or a self-contained HTML page
version_added: "0.2.0"
author:
  - accessops maintainers (@accessops)
description:
  - Renders the result of P(accessops.atlassian.access_review_matrix#filter) in one format.
  - C(json) is the matrix itself, indented, keys sorted. C(compact) is the same on one line (what the role passes between
    its tasks, as text is cheaper to hand around than the structure). C(digest) returns (not text) the matrix without
    its members and inactive accounts (C(workspace), C(repositories), C(sources), C(summary), C(highlights),
    C(generated_at) and C(run_by), null when the matrix has none).
  - The input may be the matrix or its JSON text.
  - C(csv) has one row per member and one column per repository; a cell reads C(permission (source, source)), a
    group source C(group <name>) (C(group <name> via project <KEY>)) or C(group (not identifiable)).
    Values that a spreadsheet would run as a formula (starting with C(=), C(+), C(-), C(@), tab or carriage return) are
    prefixed with a single quote.
  - C(csv_long) has one row per member x target (repository or project) x path (C(workspace role), C(repository
    user), C(project user), C(group) with the group in C(via), C(group (not identifiable))), with the effective
    C(permission) and the C(path_permission) of that path; a member who reaches nothing has one row with empty
    target columns.
  - "Every format carries the time of the review (C(generated_at), UTC) and who made it (C(run_by): the Bitbucket
    account, the organization and the SCIM directory used) when the matrix has them: JSON keys, CSV columns of every
    row, a line under the Markdown and HTML titles. A matrix built without them (the role's
    C(access_review_timestamp=false)) gives byte-stable reports."
  - "The risk flags of each member (see P(accessops.atlassian.access_review_matrix#filter)) are a column of both CSV
    formats, a section and a column of the Markdown, a column and a filter (C(only=flagged), C(only=flag:dormant)...)
    of the HTML page."
  - C(markdown) has the summary, the legend, the workspace admins, the residual access, the inactive accounts outside
    the workspace and one line per member (too many repositories for a readable matrix, the CSV and HTML have it).
    Markdown and HTML special characters in names are escaped.
  - C(html) is one page without external assets (inline CSS and JavaScript, the data embedded as JSON with C(<), C(>)
    and C(&) escaped, so no name can close the script); a sortable, filterable matrix with a legend and summary
    counts. The page reads its initial filter from the URL fragment, e.g. C(#q=dev002&repo=infra&only=residual).
    Printed (or saved as PDF), the page is a table of one row per member shown with their access as text, the header
    repeated on every page.
options:
  _input:
    description: The matrix built by P(accessops.atlassian.access_review_matrix#filter).
    type: dict
    required: true
  format:
    description: The output format.
    type: str
    choices: [json, csv, csv_long, markdown, html, compact, digest]
    required: true
  title:
    description: The title of the Markdown and HTML reports (default C(Access review of <workspace>)).
    type: str
"""

EXAMPLES = r"""
- name: Write the HTML report
  ansible.builtin.copy:
    content: "{{ review | accessops.atlassian.access_review_render('html') }}"
    dest: /srv/reports/access-review.html
    mode: "0600"
"""

RETURN = r"""
_value:
  description: The report text, ending with a newline (C(digest) - a dict).
  type: raw
"""

import json
import re

from ansible.errors import AnsibleFilterError
from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.evidence import evidence_line
from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.page import render_html
from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.risk import FLAG_TITLES
from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.tables import (
    cell_text as _cell_text,
    render_csv,
    render_csv_long,
    status_text as _status,
)

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md(value):
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;")


def _md_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for header in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(md(v) for v in row) + " |")
    return lines


def _who(member):
    name = member["display_name"] or member["account_id"]
    return "%s <%s>" % (name, member["email"]) if member.get("email") else name


def render_markdown(matrix, title):
    s = matrix["summary"]
    lines = ["# " + md(title), ""]
    if evidence_line(matrix):
        lines += [md(evidence_line(matrix)) + ".", ""]
    joined = [
        name for name, on in (("Admin API status", matrix["sources"]["admin"]), ("SCIM status", matrix["sources"]["scim"])) if on
    ]
    lines += [
        "Workspace `%s`: %d members, %d repositories. Joined in: %s."
        % (md(matrix["workspace"]), s["members"], s["repositories"], ", ".join(joined) or "nothing (Bitbucket only)"),
        "",
    ]
    lines += _md_table(
        ["what", "count"],
        [
            ("cells (member x repository with access)", s["cells"]),
            ("workspace admins", s["workspace_admins"]),
            ("admin cells", s["admin_cells"]),
            ("cells through an explicit user permission", s["explicit_cells"]),
            ("inactive members", s["inactive_members"]),
            ("members with residual access", s["residual_members"]),
            ("residual cells", s["residual_cells"]),
            ("inactive accounts outside the workspace", s["inactive_outside"]),
        ]
        + [("cells from " + k, v) for k, v in s["by_source"].items()]
        + [("cells at level %s" % k, v) for k, v in s["by_permission"].items()],
    )
    lines += [
        "",
        "Sources: **workspace role** (a workspace admin reaches every repository as admin), **repository user** "
        "(explicit user permission on the repository), **project user** (explicit user permission on its project), "
        "**group** (the effective permission is higher than the member's explicit user permissions explain: a group "
        "permission on the repository or its project; named when a Bitbucket group with that level there has the member "
        "in the organization's groups, else **group (not identifiable)**).",
        "",
    ]
    lines += ["## Risk flags", ""]
    flagged = [(_who(m), FLAG_TITLES[flag], m["flag_details"][flag]) for m in matrix["members"] for flag in m.get("flags") or []]
    counts = ", ".join("%s %d" % (FLAG_TITLES[k], v) for k, v in (s.get("flags") or {}).items())
    lines += ["Members per flag: %s." % (counts or "none"), ""] if counts else []
    lines += _md_table(["member", "flag", "detail"], flagged) if flagged else ["None."]
    lines += ["", "## Workspace admins", ""]
    admins = [(_who(m), m["workspace_permission"], _status(m)) for m in matrix["members"] if m["workspace_admin"]]
    lines += _md_table(["member", "role", "status"], admins)
    lines += ["", "## Residual access (suspended or deactivated accounts still holding explicit permissions)", ""]
    residual = [
        (_who(m), _status(m), slug, _cell_text(m["cells"][slug]))
        for m in matrix["members"]
        if m["residual"]
        for slug in sorted(m["cells"])
        if m["cells"][slug]["residual"]
    ]
    residual += [
        (_who(m), _status(m), "project " + key, perm)
        for m in matrix["members"]
        if m["residual"]
        for key, perm in sorted(m["explicit"]["projects"].items())
    ]
    lines += _md_table(["member", "status", "repository / project", "access"], residual) if residual else ["None."]
    lines += ["", "## Inactive accounts outside the workspace", ""]
    outside = [
        (
            u.get("name") or "",
            u.get("email") or u.get("account_id"),
            u.get("admin_status") or "",
            "deactivated" if u.get("scim_active") is False else "",
        )
        for u in matrix["inactive_outside"]
    ]
    lines += (
        (
            _md_table(["name", "account", "organization status", "SCIM"], outside)
            + [
                "",
                "Their stored explicit permissions (kept by Bitbucket, applied again if they come back) are not listed: "
                "Bitbucket reports them for workspace members only.",
            ]
        )
        if outside
        else ["None."]
    )
    lines += ["", "## Members", ""]
    rows = []
    for m in matrix["members"]:
        perms = [c["permission"] for c in m["cells"].values()]
        explicit = ", ".join("%s %s" % (k, v) for k, v in sorted(m["explicit"]["repositories"].items()))
        projects = ", ".join("%s %s" % (k, v) for k, v in sorted(m["explicit"]["projects"].items()))
        rows.append(
            (
                _who(m),
                m["workspace_permission"] + (" (admin)" if m["workspace_admin"] else ""),
                _status(m),
                "yes" if m["residual"] else "",
                ", ".join(FLAG_TITLES[f] for f in m.get("flags") or []),
                "%d/%d/%d" % (perms.count("read"), perms.count("write"), perms.count("admin")),
                explicit,
                projects,
            )
        )
    lines += _md_table(
        [
            "member",
            "role",
            "status",
            "residual",
            "risk flags",
            "read/write/admin",
            "explicit repository permissions",
            "explicit project permissions",
        ],
        rows,
    )
    return "\n".join(lines) + "\n"


def access_review_render(matrix, format=None, title=None):  # pylint: disable=redefined-builtin
    if isinstance(matrix, str):
        try:
            matrix = json.loads(matrix)
        except ValueError as err:
            raise AnsibleFilterError("access_review_render: the input is not the JSON of a matrix: %s" % err) from None
    if not isinstance(matrix, dict) or "members" not in matrix or "repositories" not in matrix:
        raise AnsibleFilterError("access_review_render expects the result of access_review_matrix")
    title = title or "Access review of %s" % (matrix.get("workspace") or "the workspace")
    if format == "json":
        return json.dumps(matrix, indent=1, sort_keys=True) + "\n"
    if format == "compact":
        return json.dumps(matrix, sort_keys=True, separators=(",", ":"))
    if format == "digest":
        keys = ("workspace", "repositories", "sources", "summary", "highlights", "generated_at", "run_by")
        return {key: matrix.get(key) for key in keys}
    if format == "csv":
        return render_csv(matrix)
    if format == "csv_long":
        return render_csv_long(matrix)
    if format == "markdown":
        return render_markdown(matrix, title)
    if format == "html":
        return render_html(matrix, title)
    raise AnsibleFilterError("access_review_render: format must be json, csv, csv_long, markdown or html, not %r" % (format,))


class FilterModule:
    def filters(self):
        return {"access_review_render": access_review_render}
