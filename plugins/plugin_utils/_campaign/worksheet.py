# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A reviewer's worksheet: CSV (what is filled and fed back) and HTML (to read and print)."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.rows import CampaignError, load

COLUMNS = (
    "row_id",
    "campaign",
    "reviewer",
    "member",
    "email",
    "account_id",
    "target_type",
    "target",
    "level",
    "path",
    "group",
    "decision",
    "comment",
)
DECISIONS = ("keep", "revoke")
CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV value a spreadsheet does not run as a formula (a leading ``=``, ``+``, ``-``, ``@``... gets a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA) else text


def reviewer_of(doc: dict[str, Any], key: str) -> dict[str, Any]:
    for reviewer in doc.get("reviewers") or []:
        if reviewer.get("key") == key or reviewer.get("file") == key:
            return reviewer
    raise CampaignError("the campaign has no reviewer %r" % (key,))


def reviewer_rows(doc: dict[str, Any], reviewer: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in doc.get("rows") or [] if reviewer["key"] in (row.get("reviewers") or [])]


def _path_text(row: dict[str, Any]) -> str:
    if row["path"] != "group":
        return row["path"]
    if not row.get("group"):
        return "group (not identifiable)"
    return "group %s" % row["group"]


def render_csv(doc: Any, key: str) -> str:
    doc = load(doc, "the campaign")
    reviewer = reviewer_of(doc, key)
    who = reviewer.get("email") or reviewer.get("name") or reviewer["key"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in reviewer_rows(doc, reviewer):
        values = (
            row["id"],
            doc["id"][:12],
            who,
            row["member"],
            row.get("email"),
            row["account_id"],
            row["target_type"],
            row["target"],
            row["level"],
            _path_text(row),
            row.get("group"),
            "",
            "",
        )
        writer.writerow([csv_cell(v) for v in values])
    return out.getvalue()


STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #172b4d; }
h1 { font-size: 1.4em; margin-bottom: .2em; }
p.meta { color: #5e6c84; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: .85em; }
th, td { border: 1px solid #c1c7d0; padding: .25em .4em; text-align: left; vertical-align: top; }
th { background: #f4f5f7; }
td.decision { width: 6em; }
td.id { font-family: monospace; }
tr.revocable-no td.path { color: #5e6c84; font-style: italic; }
@media print {
  body { margin: 0; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  @page { size: A4 landscape; margin: 12mm; }
}
"""


def render_html(doc: Any, key: str, title: str | None = None) -> str:
    doc = load(doc, "the campaign")
    reviewer = reviewer_of(doc, key)
    rows = reviewer_rows(doc, reviewer)
    esc = html.escape
    title = title or "Access certification of %s" % doc.get("workspace")
    who = reviewer.get("name") or reviewer["key"]
    if reviewer.get("email") and reviewer.get("email") != who:
        who = "%s <%s>" % (who, reviewer["email"])
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>%s - %s</title>" % (esc(title), esc(who)),
        "<style>%s</style></head><body>" % STYLE,
        "<h1>%s</h1>" % esc(title),
        '<p class="meta">Reviewer: <strong>%s</strong> &middot; campaign %s &middot; %d rows%s</p>'
        % (
            esc(who),
            esc(doc["id"][:12]),
            len(rows),
            (" &middot; made %s" % esc(str(doc["created_at"]))) if doc.get("created_at") else "",
        ),
        "<p>For each row, write <code>keep</code> or <code>revoke</code> in the <code>decision</code> column of the CSV "
        "worksheet <code>%s.csv</code> (this page is its printable copy) and return the CSV. Rows marked "
        "<em>not revocable here</em> (a workspace role, a group that could not be identified) are recorded, and a "
        "revoke of them is reported for a manual change.</p>" % esc(reviewer["file"]),
        "<table><thead><tr>%s</tr></thead><tbody>"
        % "".join("<th>%s</th>" % h for h in ("row id", "member", "email", "target", "level", "path", "decision")),
    ]
    for row in rows:
        path = _path_text(row) + ("" if row["revocable"] else " (not revocable here)")
        lines.append(
            '<tr class="revocable-%s"><td class="id">%s</td><td>%s</td><td>%s</td><td>%s %s</td><td>%s</td>'
            '<td class="path">%s</td><td class="decision"></td></tr>'
            % (
                "yes" if row["revocable"] else "no",
                esc(row["id"]),
                esc(row["member"]),
                esc(row.get("email") or ""),
                esc(row["target_type"]),
                esc(row["target"]),
                esc(row["level"]),
                esc(path),
            )
        )
    lines.append("</tbody></table></body></html>")
    return "\n".join(lines) + "\n"
