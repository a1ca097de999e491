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
    its members and inactive accounts (C(workspace), C(repositories), C(sources), C(summary), C(highlights)).
  - The input may be the matrix or its JSON text.
  - C(csv) has one row per member and one column per repository; a cell reads C(permission (source, source)).
    Values that a spreadsheet would run as a formula (starting with C(=), C(+), C(-), C(@), tab or carriage return) are
    prefixed with a single quote.
  - C(markdown) has the summary, the legend, the workspace admins, the residual access, the inactive accounts outside
    the workspace and one line per member (too many repositories for a readable matrix, the CSV and HTML have it).
    Markdown and HTML special characters in names are escaped.
  - C(html) is one page without external assets (inline CSS and JavaScript, the data embedded as JSON with C(<), C(>)
    and C(&) escaped, so no name can close the script); a sortable, filterable matrix with a legend and summary
    counts. The page reads its initial filter from the URL fragment, e.g. C(#q=dev002&repo=infra&only=residual).
options:
  _input:
    description: The matrix built by P(accessops.atlassian.access_review_matrix#filter).
    type: dict
    required: true
  format:
    description: The output format.
    type: str
    choices: [json, csv, markdown, html, compact, digest]
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

import csv
import io
import json
import re

from ansible.errors import AnsibleFilterError

ABBREVIATIONS = {"workspace role": "WS", "repository user": "RU", "project user": "PU", "group": "G"}
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA) else text


def _cell_text(cell):
    if not cell:
        return ""
    sources = list(cell["sources"])
    if cell.get("project") and "project user" in sources:
        sources[sources.index("project user")] = "project user %s" % cell["project"]
    text = "%s (%s)" % (cell["permission"], ", ".join(sources)) if sources else cell["permission"]
    if cell.get("explicit") and "repository user" not in sources:
        text += " [explicit %s]" % cell["explicit"]
    return text


def _status(member):
    parts = []
    if member.get("admin_status"):
        parts.append(member["admin_status"])
    if member.get("scim_active") is False:
        parts.append("SCIM deactivated")
    return ", ".join(parts)


def render_csv(matrix):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["account_id", "display_name", "nickname", "email", "workspace_role", "workspace_admin", "status", "residual", "groups"]
        + list(matrix["repositories"])
    )
    for member in matrix["members"]:
        row = [
            member["account_id"],
            member["display_name"],
            member["nickname"],
            member["email"],
            member["workspace_permission"],
            "yes" if member["workspace_admin"] else "",
            _status(member),
            "yes" if member["residual"] else "",
            " ".join(member["groups"]),
        ]
        row += [_cell_text(member["cells"].get(slug)) for slug in matrix["repositories"]]
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


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
        + [("%s cells" % k, v) for k, v in s["by_permission"].items()],
    )
    lines += [
        "",
        "Sources: **workspace role** (a workspace admin reaches every repository as admin), **repository user** "
        "(explicit user permission on the repository), **project user** (explicit user permission on its project), "
        "**group** (the effective permission is higher than the member's explicit user permissions explain: a group "
        "permission on the repository or its project).",
        "",
    ]
    lines += ["## Workspace admins", ""]
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
            "read/write/admin",
            "explicit repository permissions",
            "explicit project permissions",
        ],
        rows,
    )
    return "\n".join(lines) + "\n"


def _script_json(value):
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _html_escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;")


def render_html(matrix, title):
    return PAGE.replace("@@TITLE@@", _html_escape(title)).replace("@@DATA@@", _script_json(matrix))


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
        return {key: matrix.get(key) for key in ("workspace", "repositories", "sources", "summary", "highlights")}
    if format == "csv":
        return render_csv(matrix)
    if format == "markdown":
        return render_markdown(matrix, title)
    if format == "html":
        return render_html(matrix, title)
    raise AnsibleFilterError("access_review_render: format must be json, csv, markdown or html, not %r" % (format,))


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>@@TITLE@@</title>
<style>
:root{--read:#dbeafe;--read-t:#1e3a8a;--write:#dcfce7;--write-t:#14532d;--admin:#fed7aa;--admin-t:#7c2d12;--res:#dc2626;--ws:#b45309;--line:#e5e7eb}
*{box-sizing:border-box}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{padding:16px 20px 8px}
h1{font-size:20px;margin:0 0 4px}
.sub{color:#4b5563}
.cards{display:flex;flex-wrap:wrap;gap:8px;padding:4px 20px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 12px;min-width:110px}
.card b{display:block;font-size:20px}
.card.alert b{color:var(--res)}.card.warn b{color:var(--ws)}
.bar{display:flex;flex-wrap:wrap;gap:10px;align-items:center;padding:10px 20px;position:sticky;top:0;background:#f9fafb;
  z-index:5;border-bottom:1px solid var(--line)}
.bar input,.bar select{font:inherit;padding:5px 8px;border:1px solid #d1d5db;border-radius:6px}
.bar input[type=search]{width:240px}
.legend{display:flex;flex-wrap:wrap;gap:10px;padding:6px 20px;color:#374151}
.legend span{display:inline-flex;align-items:center;gap:4px}
.sw{display:inline-block;width:22px;height:16px;border-radius:3px;border:1px solid #d1d5db;text-align:center;font-size:10px;line-height:14px}
.wrap{overflow:auto;max-height:calc(100vh - 60px);margin:8px 20px 20px;border:1px solid var(--line);background:#fff}
table{border-collapse:separate;border-spacing:0}
th,td{border-bottom:1px solid var(--line);border-right:1px solid var(--line);padding:3px 5px;white-space:nowrap}
thead th{position:sticky;top:0;background:#f3f4f6;z-index:3;cursor:pointer;user-select:none;vertical-align:bottom}
thead th.repo{height:120px;width:34px;min-width:34px;padding:4px 2px}
thead th.repo div{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:500}
thead th.sorted{background:#e0e7ff}
th.m,td.m{position:sticky;left:0;background:#fff;z-index:2;min-width:220px;max-width:260px;overflow:hidden;text-overflow:ellipsis}
thead th.m{z-index:4;background:#f3f4f6}
td.m small{color:#6b7280;display:block}
td.c{text-align:center;font-weight:600;font-size:11px;min-width:34px}
td.c sub{font-weight:400;font-size:9px;opacity:.8;margin-left:1px}
.p-read{background:var(--read);color:var(--read-t)}.p-write{background:var(--write);color:var(--write-t)}
.p-admin{background:var(--admin);color:var(--admin-t)}
td.c.res{outline:2px solid var(--res);outline-offset:-2px;background-image:repeating-linear-gradient(45deg,rgba(220,38,38,.18) 0 4px,transparent 4px 8px)}
tr.wsadmin td.m{box-shadow:inset 4px 0 0 var(--ws)}
tr.inactive td{color:#6b7280}
tr.residual td.m{box-shadow:inset 4px 0 0 var(--res);background:#fef2f2}
tr.residual td.m b{color:var(--res)}
.tag{display:inline-block;border-radius:9px;padding:0 6px;font-size:10px;margin-left:4px;font-weight:600}
.tag.ws{background:#fef3c7;color:var(--ws)}.tag.res{background:#fee2e2;color:var(--res)}.tag.ina{background:#e5e7eb;color:#374151}
#empty{padding:16px;color:#6b7280}
section{padding:0 20px 20px}
</style>
</head>
<body data-ready="0">
<header><h1>@@TITLE@@</h1><div class="sub" id="sub"></div></header>
<div class="cards" id="cards"></div>
<div class="legend" id="legend"></div>
<div class="bar">
<label>Members <input type="search" id="q" placeholder="name, email, account, status, group"></label>
<label>Repositories <input type="search" id="repo" placeholder="slug"></label>
<label>Show <select id="only"><option value="">everyone</option><option value="admins">workspace admins</option>
<option value="residual">residual access</option><option value="inactive">inactive accounts</option>
<option value="explicit">explicit permissions</option><option value="admincells">admin cells</option></select></label>
<span id="shown" class="sub"></span>
</div>
<noscript><p>This report needs JavaScript to draw the matrix; the JSON, CSV and Markdown reports hold the same data.</p></noscript>
<div class="wrap"><table id="matrix"><thead></thead><tbody></tbody></table><div id="empty" hidden>No member matches.</div></div>
<section id="outside"></section>
<script type="application/json" id="data">@@DATA@@</script>
<script>
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var LEVEL = {read: 1, write: 2, admin: 3};
  var ABBR = {"workspace role": "WS", "repository user": "RU", "project user": "PU", "group": "G"};
  var state = {q: "", repo: "", only: "", sort: "name", dir: 1};
  function esc(v) {
    return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function $(id) { return document.getElementById(id); }
  function status(m) {
    var s = [];
    if (m.admin_status) { s.push(m.admin_status); }
    if (m.scim_active === false) { s.push("SCIM deactivated"); }
    return s.join(", ");
  }
  function cellTitle(m, slug, c) {
    var src = c.sources.map(function (s) { return s === "project user" && c.project ? s + " " + c.project : s; });
    var t = (m.display_name || m.account_id) + " on " + slug + ": " + c.permission + " (" + src.join(", ") + ")";
    if (c.explicit && c.sources.indexOf("repository user") < 0) { t += "; explicit " + c.explicit; }
    if (c.residual) { t += "; RESIDUAL ACCESS of an inactive account"; }
    return t;
  }
  var s = D.summary;
  $("sub").textContent = "Workspace " + D.workspace + " \\u00b7 " + s.members + " members \\u00b7 " + s.repositories +
    " repositories \\u00b7 joined in: " + ([D.sources.admin ? "Admin API status" : "", D.sources.scim ? "SCIM status" : ""]
    .filter(Boolean).join(", ") || "nothing (Bitbucket only)");
  var cards = [["members", s.members, ""], ["repositories", s.repositories, ""], ["cells with access", s.cells, ""],
    ["workspace admins", s.workspace_admins, "warn"], ["admin cells", s.admin_cells, "warn"],
    ["explicit user cells", s.explicit_cells, ""], ["inactive members", s.inactive_members, s.inactive_members ? "alert" : ""],
    ["residual access", s.residual_members, s.residual_members ? "alert" : ""], ["residual cells", s.residual_cells, s.residual_cells ? "alert" : ""],
    ["inactive outside", s.inactive_outside, s.inactive_outside ? "warn" : ""]];
  $("cards").innerHTML = cards.map(function (c) {
    return '<div class="card ' + c[2] + '" data-count="' + esc(c[0]) + '"><b>' + esc(c[1]) + "</b>" + esc(c[0]) + "</div>";
  }).join("");
  $("legend").innerHTML = '<span><i class="sw p-read">R</i>read</span><span><i class="sw p-write">W</i>write</span>' +
    '<span><i class="sw p-admin">A</i>admin</span><span><i class="sw res p-read" style="outline:2px solid var(--res)">R</i>residual access</span>' +
    '<span><span class="tag ws">workspace admin</span></span><span><span class="tag res">residual</span></span>' +
    "<span>sources: <b>WS</b> workspace role \\u00b7 <b>RU</b> repository user \\u00b7 <b>PU</b> project user \\u00b7 " +
    "<b>G</b> group (effective above every explicit user permission)</span>";
  function rowMatches(m) {
    if (state.only === "admins" && !m.workspace_admin) { return false; }
    if (state.only === "residual" && !m.residual) { return false; }
    if (state.only === "inactive" && !m.inactive) { return false; }
    if (state.only === "explicit" && !Object.keys(m.explicit.repositories).length && !Object.keys(m.explicit.projects).length) { return false; }
    if (state.only === "admincells" && !Object.keys(m.cells).some(function (k) { return m.cells[k].admin; })) { return false; }
    if (!state.q) { return true; }
    var hay = [m.display_name, m.nickname, m.email, m.account_id, m.workspace_permission, status(m),
      m.workspace_admin ? "workspace admin" : "", m.residual ? "residual" : "", (m.groups || []).join(" ")].join(" ").toLowerCase();
    return state.q.toLowerCase().split(/\\s+/).every(function (w) { return !w || hay.indexOf(w) >= 0; });
  }
  function columns() {
    var f = state.repo.toLowerCase();
    return D.repositories.filter(function (r) { return !f || r.toLowerCase().indexOf(f) >= 0; });
  }
  function sortKey(m) {
    if (state.sort === "name") { return (m.display_name || m.account_id || "").toLowerCase(); }
    if (state.sort === "role") { return (m.workspace_admin ? "0" : "1") + (m.workspace_permission || ""); }
    if (state.sort === "status") { return (m.residual ? "0" : m.inactive ? "1" : "2") + status(m); }
    if (state.sort === "count") { return Object.keys(m.cells).length; }
    var c = m.cells[state.sort.slice(2)];
    return c ? LEVEL[c.permission] || 0 : 0;
  }
  function draw() {
    var cols = columns();
    var head = '<tr><th class="m" data-sort="name">Member</th><th data-sort="role">Role</th><th data-sort="status">Status</th>' +
      '<th data-sort="count" title="repositories reached">#</th>' + cols.map(function (r) {
        return '<th class="repo" data-sort="r:' + esc(r) + '" data-repo="' + esc(r) + '" title="' + esc(r) + '"><div>' + esc(r) + "</div></th>";
      }).join("") + "</tr>";
    document.querySelector("#matrix thead").innerHTML = head;
    var ths = document.querySelectorAll("#matrix thead th");
    Array.prototype.forEach.call(ths, function (th) {
      if (th.getAttribute("data-sort") === state.sort) { th.className += " sorted"; th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending"); }
      th.addEventListener("click", function () {
        var k = th.getAttribute("data-sort");
        state.dir = state.sort === k ? -state.dir : (k.slice(0, 2) === "r:" || k === "count" ? -1 : 1);
        state.sort = k; update();
      });
    });
    var rows = D.members.filter(rowMatches);
    rows.sort(function (a, b) {
      var x = sortKey(a), y = sortKey(b);
      return (x < y ? -1 : x > y ? 1 : 0) * state.dir || ((a.display_name || "") < (b.display_name || "") ? -1 : 1);
    });
    var html = rows.map(function (m) {
      var cls = [m.workspace_admin ? "wsadmin" : "", m.inactive ? "inactive" : "", m.residual ? "residual" : ""].join(" ");
      var tags = (m.workspace_admin ? '<span class="tag ws">workspace admin</span>' : "") +
        (m.residual ? '<span class="tag res">residual</span>' : m.inactive ? '<span class="tag ina">inactive</span>' : "");
      var out = '<tr class="' + cls + '" data-account="' + esc(m.account_id) + '" data-nickname="' + esc(m.nickname) + '">' +
        '<td class="m" title="' + esc(m.account_id) + '"><b>' + esc(m.display_name || m.account_id) + "</b>" + tags +
        "<small>" + esc(m.email || m.nickname || "") + "</small></td><td>" + esc(m.workspace_permission) + "</td><td>" +
        esc(status(m)) + "</td><td>" + Object.keys(m.cells).length + "</td>";
      cols.forEach(function (r) {
        var c = m.cells[r];
        if (!c) { out += '<td class="c" data-repo="' + esc(r) + '"></td>'; return; }
        out += '<td class="c p-' + esc(c.permission) + (c.residual ? " res" : "") + '" data-repo="' + esc(r) +
          '" data-permission="' + esc(c.permission) + '" data-sources="' + esc(c.sources.join(",")) + '" title="' +
          esc(cellTitle(m, r, c)) + '">' + esc(c.permission.charAt(0).toUpperCase()) + "<sub>" +
          esc(c.sources.map(function (x) { return ABBR[x] || x; }).join("+")) + "</sub></td>";
      });
      return out + "</tr>";
    }).join("");
    document.querySelector("#matrix tbody").innerHTML = html;
    $("empty").hidden = rows.length > 0;
    $("shown").textContent = rows.length + " of " + D.members.length + " members, " + cols.length + " of " +
      D.repositories.length + " repositories";
    document.body.setAttribute("data-shown", String(rows.length));
  }
  function update() {
    var h = [];
    ["q", "repo", "only"].forEach(function (k) { if (state[k]) { h.push(k + "=" + encodeURIComponent(state[k])); } });
    if (state.sort !== "name" || state.dir !== 1) { h.push("sort=" + encodeURIComponent(state.sort) + "&dir=" + state.dir); }
    if (window.history && history.replaceState) {
      try { history.replaceState(null, "", h.length ? "#" + h.join("&") : location.pathname); } catch (e) { /* file: */ }
    }
    draw();
  }
  (location.hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
    var i = kv.indexOf("="), k = kv.slice(0, i), v = i < 0 ? "" : decodeURIComponent(kv.slice(i + 1).replace(/\\+/g, " "));
    if (k === "q" || k === "repo" || k === "only" || k === "sort") { state[k] = v; }
    if (k === "dir") { state.dir = v === "-1" ? -1 : 1; }
  });
  $("q").value = state.q; $("repo").value = state.repo; $("only").value = state.only;
  $("q").addEventListener("input", function () { state.q = this.value; update(); });
  $("repo").addEventListener("input", function () { state.repo = this.value; update(); });
  $("only").addEventListener("change", function () { state.only = this.value; update(); });
  if (D.inactive_outside.length) {
    $("outside").innerHTML = "<h2>Inactive accounts outside the workspace</h2><p class=\\"sub\\">Suspended or deactivated " +
      "accounts of the organization that are not workspace members. Bitbucket lists explicit permissions for members only: " +
      "permissions stored for these accounts (applied again if they come back) are not shown.</p><ul>" +
      D.inactive_outside.map(function (u) {
        return "<li>" + esc(u.name || "") + " &lt;" + esc(u.email || u.account_id) + "&gt; " + esc(u.admin_status || "") +
          (u.scim_active === false ? " (SCIM deactivated)" : "") + "</li>";
      }).join("") + "</ul>";
  }
  draw();
  document.body.setAttribute("data-ready", "1");
}());
</script>
</body>
</html>
"""


class FilterModule:
    def filters(self):
        return {"access_review_render": access_review_render}
