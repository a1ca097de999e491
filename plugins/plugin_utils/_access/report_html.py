# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report of workspace access as one self-contained HTML page (``report.model``'s data).

Static: no JavaScript, no external asset (inline CSS, print styles included; a Content-Security-Policy that allows
nothing else). Every value goes through ``html.escape``, so a name can only ever be text.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.report import LISTS, header_line, in_step_line

ALERT = ("refused by the guardrails", "errors")
WARN = ("removals not made", "expiring soon")


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _subject(subject: dict[str, Any]) -> str:
    if subject["type"] == "group":
        return '<b>%s</b><span class="tag grp">group</span><small>%s</small>' % (e(subject["name"]), e(subject["id"]))
    name = subject["name"] or subject["email"] or subject["id"]
    small = [part for part in (subject["email"] if subject["name"] else None, subject["id"]) if part and part != name]
    return "<b>%s</b>%s" % (e(name), "<small>%s</small>" % " &middot; ".join(e(p) for p in small) if small else "")


def _row(row: dict[str, Any]) -> str:
    subject = row["subject"]
    declared = e(row["declared"]) + ("<small>%s</small>" % e(row["declared_detail"]) if row["declared_detail"] else "")
    action = row["action"] or ""
    notes = "".join('<small class="exp">%s</small>' % e(note) for note in row["notes"])
    return (
        '<tr class="a-%s" data-subject="%s" data-action="%s">' % (e(action), e(subject["id"] or subject["name"]), e(action))
        + '<td class="s">%s</td>' % _subject(subject)
        + '<td class="d%s">%s</td>' % (" none" if not row["declared_detail"] else "", declared)
        + '<td class="t">%s</td>' % e(row["actual"])
        + '<td class="c"><span class="act act-%s">%s</span></td>' % (e(action), e(row["change"]))
        + '<td class="r">%s%s</td>' % (e(row["reason"]), notes)
        + "</tr>"
    )


def _section(section: dict[str, Any]) -> str:
    out = ['<section class="target" id="%s" data-target="%s">' % (e(section["label"]), e(section["label"]))]
    tag = "" if section["declared"] else '<span class="tag out">not in the file: nothing is changed here</span>'
    out.append("<h2>%s%s</h2>" % (e(section["title"]), tag))
    out.append(
        '<div class="wrap"><table><colgroup><col class="s"><col class="d"><col class="t"><col class="c"><col class="r">'
        '</colgroup><thead><tr><th class="s">Subject</th><th>Declared</th><th>Actual</th><th>Change</th>'
        "<th>Reason</th></tr></thead><tbody>"
    )
    out += [_row(row) for row in section["rows"]]
    out.append("</tbody></table></div>")
    if section["in_step"] > 0:
        count = section["in_step"]
        out.append('<p class="sub">%d other subject%s in step.</p>' % (count, "" if count == 1 else "s"))
    out.append("</section>")
    return "\n".join(out)


def render_html(data: dict[str, Any]) -> str:
    cards = []
    for label, count in data["counts"]:
        level = "alert" if label in ALERT and count else "warn" if label in WARN and count else ""
        cards.append('<div class="card %s" data-count="%s"><b>%d</b>%s</div>' % (level, e(label), count, e(label)))
    body = [
        '<header><h1>%s</h1><div class="sub">%s</div></header>' % (e(data["title"]), e(header_line(data))),
        '<div class="cards">%s</div>' % "".join(cards),
        "<main>",
    ]
    if not data["sections"]:
        body.append('<p class="ok">No drift: today\'s access is what the file declares.</p>')
    body += [_section(section) for section in data["sections"]]
    body.append('<section id="in-step"><h2>In step</h2><p>%s</p></section>' % e(in_step_line(data["in_step"])))
    for key, title in LISTS:
        if data[key]:
            items = "".join("<li>%s</li>" % e(text) for text in data[key])
            body.append('<section class="list" id="%s"><h2>%s</h2><ul>%s</ul></section>' % (e(key), e(title), items))
    body.append("</main>")
    head, tail = PAGE.split("@@BODY@@")
    return head.replace("@@TITLE@@", e(data["title"])) + "\n".join(body) + tail


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>@@TITLE@@</title>
<style>
:root{--line:#e5e7eb;--alert:#dc2626;--warn:#b45309;--add:#14532d;--add-b:#dcfce7;--chg:#1e3a8a;--chg-b:#dbeafe;
  --del:#7f1d1d;--del-b:#fee2e2;--muted:#6b7280}
*{box-sizing:border-box}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{padding:16px 20px 8px}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:16px;margin:18px 0 6px}
.sub{color:#4b5563}
.cards{display:flex;flex-wrap:wrap;gap:8px;padding:4px 20px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 12px;min-width:110px}
.card b{display:block;font-size:20px}
.card.alert b{color:var(--alert)}.card.warn b{color:var(--warn)}
main{padding:0 20px 20px}
.wrap{overflow:auto;border:1px solid var(--line);background:#fff}
table{border-collapse:collapse;width:100%;table-layout:fixed}
col.s{width:24%}col.d{width:20%}col.t{width:10%}col.c{width:18%}col.r{width:28%}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
thead th{background:#f3f4f6;font-weight:600}
td small{display:block;color:var(--muted)}
td{overflow-wrap:anywhere}
td.d.none{color:var(--muted)}
small.exp{color:var(--warn)}
.act{display:inline-block;border-radius:4px;padding:0 5px;font-weight:600}
.act-grant,.act-add{background:var(--add-b);color:var(--add)}
.act-change{background:var(--chg-b);color:var(--chg)}
.act-revoke,.act-remove{background:var(--del-b);color:var(--del)}
.act-not_made{background:#f3f4f6;color:#374151}
.act-expiring{background:#fef3c7;color:var(--warn)}
.tag{display:inline-block;border-radius:9px;padding:0 6px;font-size:10px;margin-left:6px;font-weight:600;background:#e5e7eb;
  color:#374151;vertical-align:middle}
.tag.out{background:#fef3c7;color:var(--warn)}
.ok{color:var(--add);font-weight:600}
#errors li,#refused li{color:var(--alert)}
@media print{
  body{background:#fff;font-size:10px}
  .cards{padding:0}.card{border-color:#9ca3af;padding:4px 8px}
  main{padding:0}
  .wrap{overflow:visible;border:0}
  thead{display:table-header-group}
  tr,td,th{break-inside:avoid;page-break-inside:avoid}
  h2{break-after:avoid;page-break-after:avoid}
  .act,.tag,thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
</style>
</head>
<body>
@@BODY@@
</body>
</html>
"""
