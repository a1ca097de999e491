# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filled worksheets back into a revoke plan.

``decide(doc, files, current, org=...)``: ``files`` are ``{"path", "text"}`` (the CSV worksheets as returned by the
reviewers: a spreadsheet may add a byte order mark, CRLF line ends or ``;`` separators), ``doc`` the campaign they
were made from, ``current`` the rows of today's review (``rows.matrix_rows``). For each ``revoke`` row:

* the row is gone today, or its level changed: **stale**, reported, not planned;
* ``repository user`` / ``project user``: a ``repository_permission`` / ``project_permission`` revoke of the user's
  explicit permission (``before`` today's level);
* ``group`` with an identified organization group: a ``group_membership`` remove (several rows of one membership make
  one item; the rows marked keep that the removal takes away too are listed in ``side_effects``);
* otherwise (workspace role, unidentified group, no organization id): **not plannable**, reported for a manual change.

An unknown row id, a row of another campaign, a decision other than keep / revoke (or empty: undecided) and a file
without the ``row_id`` / ``decision`` columns are **errors** naming ``file:line``. A row decided in several files
(it has several reviewers) is revoked when any of them says revoke (least privilege); ``conflicts`` lists those.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.rows import CampaignError, load
from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.worksheet import DECISIONS
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import item_key

PREFIX = "access_review: "
KIND_ORDER = {"repository_permission": 0, "project_permission": 1, "group_membership": 2}


def _reader(text: str) -> csv.reader:
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _value(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    text = cells[index].strip()
    return text[1:] if text.startswith("'") else text


def read_files(doc: dict[str, Any], files: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """(decisions: {row_id, decision, reviewer, comment, where}, errors naming file:line)."""
    known = {row["id"] for row in doc.get("rows") or []}
    short = str(doc.get("id") or "")[:12]
    decisions, errors = [], []
    if not isinstance(files, list) or not files:
        return [], ["no decision file was given (access_review_decisions: CSV files or a directory of them)"]
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not isinstance(entry.get("text"), str):
            raise CampaignError("a decision file must be {path, text}, got %r" % (entry,))
        path = entry["path"]
        reader = _reader(entry["text"])
        header = [h.strip().lower() for h in next(reader, [])]
        if "row_id" not in header or "decision" not in header:
            errors.append("%s:1: the worksheet has no row_id and decision columns (header: %s)" % (path, ",".join(header)))
            continue
        col = {name: header.index(name) for name in ("row_id", "decision", "campaign", "reviewer", "comment") if name in header}
        line = reader.line_num
        for cells in reader:
            where = "%s:%d" % (path, line + 1)
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            ident = _value(cells, col["row_id"])
            decision = _value(cells, col["decision"]).lower()
            campaign = _value(cells, col.get("campaign"))
            if campaign and short and campaign != short:
                errors.append("%s: the row is of campaign %s, not %s" % (where, campaign, short))
                continue
            if ident not in known:
                errors.append("%s: unknown row id %r (not a row of campaign %s)" % (where, ident, short))
                continue
            if decision and decision not in DECISIONS:
                errors.append("%s: the decision of row %s must be keep or revoke (or empty), got %r" % (where, ident, decision))
                continue
            decisions.append(
                {
                    "row_id": ident,
                    "decision": decision or None,
                    "reviewer": _value(cells, col.get("reviewer")) or None,
                    "comment": _value(cells, col.get("comment")) or None,
                    "where": where,
                }
            )
    return decisions, errors


def _item(row: dict[str, Any], today: dict[str, Any], workspace: str, org: Any) -> dict[str, Any] | None:
    subject = {"type": "user", "account_id": row["account_id"], "display": row.get("email") or row["member"]}
    if row["path"] in ("repository user", "project user"):
        scope = row["target_type"]
        item = {
            "api": "bitbucket",
            "kind": "%s_permission" % scope,
            "action": "revoke",
            "target": {"workspace": workspace, scope: row["target"]},
            "subject": subject,
            "before": today["level"],
            "after": None,
        }
    elif row["path"] == "group" and today.get("org_group") and org:
        group = today["org_group"]
        item = {
            "api": "admin",
            "kind": "group_membership",
            "action": "remove",
            "target": {"org": org, "group_id": group["id"], "group_name": group["name"]},
            "subject": {"type": "user", "account_id": row["account_id"], "display": subject["display"]},
            "before": True,
            "after": False,
        }
    else:
        return None
    item["key"] = item_key(item)
    return item


def _not_plannable(row: dict[str, Any], org: Any) -> str:
    what = "%s %s of %s (%s)" % (row["target_type"], row["target"], row.get("email") or row["member"], row["path"])
    if row["path"] == "workspace role":
        return "%s: the workspace admin role is not revoked by a plan; change it in Bitbucket by hand" % what
    if row["path"] == "group" and not row.get("group"):
        return "%s: the group giving this access could not be identified; remove it by hand" % what
    if row["path"] == "group" and not org:
        return "%s: removing the group membership needs the organization Admin API (ATLASSIAN_ORG_ID)" % what
    return "%s: no organization group named %s holds %s; remove it by hand" % (what, row.get("group"), row["account_id"])


def decide(doc: Any, files: Any, current: Any, *, org: Any = None, workspace: Any = None) -> dict[str, Any]:
    doc = load(doc, "the campaign")
    workspace = workspace or doc.get("workspace")
    if workspace != doc.get("workspace"):
        raise CampaignError("the campaign is of the workspace %r, not %r" % (doc.get("workspace"), workspace))
    rows = {row["id"]: row for row in doc.get("rows") or []}
    today = {row["id"]: row for row in current or []}
    decisions, errors = read_files(doc, files)
    by_row: dict[str, list[dict[str, Any]]] = {}
    for decision in decisions:
        by_row.setdefault(decision["row_id"], []).append(decision)
    conflicts, final = [], {}
    for ident, said in by_row.items():
        values = {d["decision"] for d in said if d["decision"]}
        if len(values) > 1:
            conflicts.append({"row_id": ident, "decisions": [{k: d[k] for k in ("decision", "reviewer", "where")} for d in said]})
        final[ident] = "revoke" if "revoke" in values else ("keep" if values else None)
    items: dict[str, dict[str, Any]] = {}
    item_rows: dict[str, list[str]] = {}
    stale, not_plannable, record = [], [], []
    for ident, row in rows.items():
        decision = final.get(ident)
        said = by_row.get(ident) or []
        entry = {
            "row_id": ident,
            "member": row.get("email") or row["member"],
            "target": "%s %s" % (row["target_type"], row["target"]),
            "level": row["level"],
            "path": row["path"] if row["path"] != "group" else "group %s" % (row.get("group") or "(not identifiable)"),
            "decision": decision,
            "reviewers": sorted({d["reviewer"] for d in said if d["reviewer"]}),
            "where": [d["where"] for d in said],
            "comments": [d["comment"] for d in said if d["comment"]],
        }
        if decision != "revoke":
            entry["status"] = decision or "undecided"
            record.append(entry)
            continue
        now = today.get(ident)
        if now is None or now["level"] != row["level"]:
            found = "gone" if now is None else "now %s" % now["level"]
            entry["status"] = "stale"
            stale.append(
                dict(
                    message="row %s (%s, %s, %s %s): changed since the worksheet (%s), not planned"
                    % (ident, entry["member"], entry["target"], row["level"], entry["path"], found),
                    row_id=ident,
                    found=None if now is None else now["level"],
                )
            )
            record.append(entry)
            continue
        item = _item(row, now, workspace, org)
        if item is None:
            entry["status"] = "not plannable"
            not_plannable.append({"row_id": ident, "message": "row %s: %s" % (ident, _not_plannable(now, org))})
            record.append(entry)
            continue
        entry["status"] = "planned"
        entry["item"] = item["key"]
        items.setdefault(item["key"], item)
        item_rows.setdefault(item["key"], []).append(ident)
        record.append(entry)
    side_effects = []
    for key, item in items.items():
        who = ", ".join(sorted({d["reviewer"] for i in item_rows[key] for d in by_row[i] if d["reviewer"]})) or "a reviewer"
        item["reason"] = "%scertification campaign %s: revoked by %s (row%s %s)" % (
            PREFIX,
            str(doc.get("id"))[:12],
            who,
            "s" if len(item_rows[key]) > 1 else "",
            ", ".join(item_rows[key]),
        )
        if item["kind"] == "group_membership":
            for other in today.values():
                if (
                    other["account_id"] == item["subject"]["account_id"]
                    and (other.get("org_group") or {}).get("id") == item["target"]["group_id"]
                    and other["id"] not in item_rows[key]
                ):
                    side_effects.append(
                        "removing %s from group %s also takes away %s %s (row %s, decided %s)"
                        % (
                            item["subject"]["display"],
                            item["target"]["group_name"],
                            other["target_type"],
                            other["target"],
                            other["id"],
                            final.get(other["id"]) or "undecided",
                        )
                    )
    ordered = sorted(items.values(), key=lambda i: (KIND_ORDER[i["kind"]], i["key"]))
    counts = {s: sum(1 for e in record if e["status"] == s) for s in ("keep", "planned", "stale", "not plannable", "undecided")}
    return {
        "campaign": doc.get("id"),
        "items": ordered,
        "stale": stale,
        "not_plannable": not_plannable,
        "errors": errors,
        "conflicts": conflicts,
        "side_effects": side_effects,
        "decisions": record,
        "summary": dict(counts, rows=len(record), items=len(ordered), files=len(files or [])),
    }
