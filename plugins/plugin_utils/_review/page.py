# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review as one self-contained HTML page: inline CSS and JavaScript, the review embedded as JSON (``<``,
``>`` and ``&`` escaped, so no name can close the script), a sortable, filterable matrix on screen (the filter read
from the URL fragment, e.g. ``#q=dev002&repo=infra&only=flag:dormant``) and, for print (print styles), a table of
one row per member with their access as text: every member shown, rows split across pages, the header repeated on
each page, nothing clipped by a fixed height or a scroll box."""

from __future__ import annotations

import json

from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.evidence import evidence_line


def script_json(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def html_escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;")


def render_html(matrix: dict, title: str) -> str:
    # one pass over the template: a replaced value is never searched again for a marker
    values = {
        "@@TITLE@@": html_escape(title),
        "@@EVIDENCE@@": html_escape(evidence_line(matrix) or ""),
        "@@DATA@@": script_json(matrix),
    }
    parts = PAGE.split("@@")
    return "".join(values.get("@@%s@@" % part, part) if i % 2 else part for i, part in enumerate(parts))


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
.tag.flag{background:#ede9fe;color:#5b21b6;font-weight:500}
td.f{white-space:normal;min-width:110px;max-width:220px}
#evidence{color:#374151;margin-top:2px}
#print,#printnote{display:none}
@media print{
  @page{size:A4 landscape;margin:10mm}
  body{background:#fff;font-size:8pt;color:#000}
  .bar,.wrap,noscript{display:none !important}
  *{position:static !important;overflow:visible !important;max-height:none !important}
  header,.cards,.legend,section{padding-left:0;padding-right:0}
  .cards{gap:4px}.card{padding:2px 6px;min-width:0;border-radius:4px}.card b{display:inline;font-size:10pt;margin-right:4px}
  #printnote{display:block;margin:4px 0}
  #print{display:table;width:100%;border-collapse:collapse;table-layout:fixed}
  #print thead{display:table-header-group}
  #print tfoot{display:table-footer-group}
  #print tr{break-inside:auto;page-break-inside:auto}
  #print th,#print td{border:1px solid #9ca3af;padding:2px 4px;vertical-align:top;white-space:normal;overflow-wrap:anywhere;
    text-align:left;height:auto}
  #print th{background:#f3f4f6}
  #print td small{display:block;color:#374151}
  details>*{display:block}
  h2{break-after:avoid}
}
section{padding:0 20px 20px}
</style>
</head>
<body data-ready="0">
<header><h1>@@TITLE@@</h1><div class="sub" id="sub"></div><div id="evidence">@@EVIDENCE@@</div></header>
<div class="cards" id="cards"></div>
<div class="legend" id="legend"></div>
<div class="bar">
<label>Members <input type="search" id="q" placeholder="name, email, account, status, group"></label>
<label>Repositories <input type="search" id="repo" placeholder="slug"></label>
<label>Show <select id="only"><option value="">everyone</option><option value="admins">workspace admins</option>
<option value="residual">residual access</option><option value="inactive">inactive accounts</option>
<option value="explicit">explicit permissions</option><option value="admincells">admin cells</option>
<option value="flagged">any risk flag</option><option value="flag:dormant">dormant on Bitbucket</option>
<option value="flag:direct_admin">direct user admin</option><option value="flag:group_admin">admin through a group</option>
<option value="flag:token_unused">API token unused</option><option value="flag:token_expiring">API token expiring</option>
</select></label>
<span id="shown" class="sub"></span>
</div>
<noscript><p>This report needs JavaScript to draw the matrix; the JSON, CSV and Markdown reports hold the same data.</p></noscript>
<div class="wrap"><table id="matrix"><thead></thead><tbody></tbody></table><div id="empty" hidden>No member matches.</div></div>
<p id="printnote"></p>
<table id="print"><colgroup><col style="width:3%"><col style="width:18%"><col style="width:9%"><col style="width:20%">
<col style="width:50%"></colgroup><thead><tr><th>#</th><th>Member</th><th>Role, status</th><th>Risk flags</th>
<th>Access: permission (sources): repositories</th></tr></thead><tbody></tbody></table>
<section id="outside"></section>
<script type="application/json" id="data">@@DATA@@</script>
<script>
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var LEVEL = {read: 1, write: 2, admin: 3};
  var ABBR = {"workspace role": "WS", "repository user": "RU", "project user": "PU", "group": "G"};
  var FLAGS = {dormant: "dormant", direct_admin: "direct admin", group_admin: "group admin", residual: "residual",
    token_unused: "token unused", token_expiring: "token expiring"};
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
  function srcText(c) {
    var out = [];
    c.sources.forEach(function (s) {
      if (s === "project user" && c.project) { out.push(s + " " + c.project); return; }
      if (s === "group") {
        if (!(c.groups || []).length) { out.push("group (not identifiable)"); return; }
        c.groups.forEach(function (g) { out.push("group " + g.name + (g.via !== "repository" ? " via " + g.via : "")); });
        return;
      }
      out.push(s);
    });
    return out;
  }
  function cellText(c) {
    var t = c.permission + " (" + srcText(c).join(", ") + ")";
    if (c.explicit && c.sources.indexOf("repository user") < 0) { t += " [explicit " + c.explicit + "]"; }
    return t;
  }
  function flagsOf(m) { return m.flags || []; }
  function flagTitle(m) {
    return flagsOf(m).map(function (f) { return FLAGS[f] + ": " + ((m.flag_details || {})[f] || ""); }).join("\\n");
  }
  function flagTags(m) {
    return flagsOf(m).map(function (f) {
      return '<span class="tag flag" data-flag="' + esc(f) + '">' + esc(FLAGS[f] || f) + "</span>";
    }).join(" ");
  }
  function cellTitle(m, slug, c) {
    var src = srcText(c);
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
    ["inactive outside", s.inactive_outside, s.inactive_outside ? "warn" : ""],
    ["flagged members", s.flagged_members || 0, s.flagged_members ? "alert" : ""]].concat(
    Object.keys(FLAGS).filter(function (f) { return f !== "residual"; }).map(function (f) {
      var n = (s.flags || {})[f] || 0;
      return ["flag: " + FLAGS[f], n, n ? "warn" : ""];
    }));
  $("cards").innerHTML = cards.map(function (c) {
    return '<div class="card ' + c[2] + '" data-count="' + esc(c[0]) + '"><b>' + esc(c[1]) + "</b>" + esc(c[0]) + "</div>";
  }).join("");
  $("legend").innerHTML = '<span><i class="sw p-read">R</i>read</span><span><i class="sw p-write">W</i>write</span>' +
    '<span><i class="sw p-admin">A</i>admin</span><span><i class="sw res p-read" style="outline:2px solid var(--res)">R</i>residual access</span>' +
    '<span><span class="tag ws">workspace admin</span></span><span><span class="tag res">residual</span></span>' +
    "<span>sources: <b>WS</b> workspace role \\u00b7 <b>RU</b> repository user \\u00b7 <b>PU</b> project user \\u00b7 " +
    "<b>G</b> group (effective above every explicit user permission; the group is named in the cell's tooltip " +
    "when it can be derived)</span>";
  function rowMatches(m) {
    if (state.only === "admins" && !m.workspace_admin) { return false; }
    if (state.only === "residual" && !m.residual) { return false; }
    if (state.only === "inactive" && !m.inactive) { return false; }
    if (state.only === "explicit" && !Object.keys(m.explicit.repositories).length && !Object.keys(m.explicit.projects).length) { return false; }
    if (state.only === "admincells" && !Object.keys(m.cells).some(function (k) { return m.cells[k].admin; })) { return false; }
    if (state.only === "flagged" && !flagsOf(m).length) { return false; }
    if (state.only.slice(0, 5) === "flag:" && flagsOf(m).indexOf(state.only.slice(5)) < 0) { return false; }
    if (!state.q) { return true; }
    var hay = [m.display_name, m.nickname, m.email, m.account_id, m.workspace_permission, status(m),
      m.workspace_admin ? "workspace admin" : "", m.residual ? "residual" : "", (m.groups || []).join(" "),
      flagsOf(m).map(function (f) { return FLAGS[f]; }).join(" ")].join(" ").toLowerCase();
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
    if (state.sort === "flags") { return flagsOf(m).length; }
    var c = m.cells[state.sort.slice(2)];
    return c ? LEVEL[c.permission] || 0 : 0;
  }
  function draw() {
    var cols = columns();
    var head = '<tr><th class="m" data-sort="name">Member</th><th data-sort="role">Role</th><th data-sort="status">Status</th>' +
      '<th data-sort="flags">Risk flags</th>' +
      '<th data-sort="count" title="repositories reached">#</th>' + cols.map(function (r) {
        return '<th class="repo" data-sort="r:' + esc(r) + '" data-repo="' + esc(r) + '" title="' + esc(r) + '"><div>' + esc(r) + "</div></th>";
      }).join("") + "</tr>";
    document.querySelector("#matrix thead").innerHTML = head;
    var ths = document.querySelectorAll("#matrix thead th");
    Array.prototype.forEach.call(ths, function (th) {
      if (th.getAttribute("data-sort") === state.sort) { th.className += " sorted"; th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending"); }
      th.addEventListener("click", function () {
        var k = th.getAttribute("data-sort");
        state.dir = state.sort === k ? -state.dir : (k.slice(0, 2) === "r:" || k === "count" || k === "flags" ? -1 : 1);
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
      var out = '<tr class="' + cls + '" data-account="' + esc(m.account_id) + '" data-nickname="' + esc(m.nickname) +
        '" data-flags="' + esc(flagsOf(m).join(" ")) + '">' +
        '<td class="m" title="' + esc(m.account_id) + '"><b>' + esc(m.display_name || m.account_id) + "</b>" + tags +
        "<small>" + esc(m.email || m.nickname || "") + "</small></td><td>" + esc(m.workspace_permission) + "</td><td>" +
        esc(status(m)) + '</td><td class="f" title="' + esc(flagTitle(m)) + '">' + flagTags(m) + "</td><td>" +
        Object.keys(m.cells).length + "</td>";
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
    drawPrint(rows);
    $("empty").hidden = rows.length > 0;
    $("shown").textContent = rows.length + " of " + D.members.length + " members, " + cols.length + " of " +
      D.repositories.length + " repositories";
    document.body.setAttribute("data-shown", String(rows.length));
  }
  function access(m) {
    // one line per kind of access ("write (group Developers)"), with the repositories that have it
    var slugs = Object.keys(m.cells).sort();
    if (m.workspace_admin) {
      return "<div>admin (workspace role): every repository (" + slugs.length + ")</div>";
    }
    var kinds = {}, order = [];
    slugs.forEach(function (r) {
      var t = cellText(m.cells[r]);
      if (!kinds[t]) { kinds[t] = []; order.push(t); }
      kinds[t].push(r);
    });
    order.sort(function (a, b) { return (LEVEL[b.split(" ")[0]] || 0) - (LEVEL[a.split(" ")[0]] || 0) || (a < b ? -1 : 1); });
    return order.map(function (t) {
      return "<div><b>" + esc(t) + "</b>: " + esc(kinds[t].join(", ")) + "</div>";
    }).join("");
  }
  function drawPrint(rows) {
    // the printed document (print styles): every member shown, one row each, the access as text (no matrix columns)
    document.querySelector("#print tbody").innerHTML = rows.map(function (m, i) {
      var flags = flagsOf(m).map(function (f) {
        return "<small><b>" + esc(FLAGS[f]) + "</b>: " + esc((m.flag_details || {})[f] || "") + "</small>";
      }).join("");
      return '<tr data-account="' + esc(m.account_id) + '"><td>' + (i + 1) + "</td><td><b>" + esc(m.display_name || m.account_id) +
        "</b><small>" + esc(m.email || m.nickname || "") + "</small><small>" + esc(m.account_id) + "</small></td><td>" +
        esc(m.workspace_permission) + (m.workspace_admin ? " (workspace admin)" : "") + "<small>" + esc(status(m)) +
        "</small></td><td>" + (flags || "-") + "</td><td>" + (access(m) || "no repository") + "</td></tr>";
    }).join("");
    $("printnote").textContent = rows.length + " of " + D.members.length + " members" +
      (state.q || state.repo || state.only ? " (filtered on screen before printing)" : "") + ".";
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
