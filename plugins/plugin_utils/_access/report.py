# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report of workspace access (docs/workspace_access.md), in Markdown (here) or HTML (``report_html``).

``render_markdown(model(drift, declared, actual, people, workspace=, plan_id=, generated_at=))`` renders the result
of ``drift.plan``: a header (workspace, plan id, the time given, the summary counts), one section per target with drift
(an item, a removal not made, a grant expiring soon) - repositories, then projects, then organization groups, in the
order of the plan - with one row per drifting subject (declared, actual, the change and its reason), the count of the
declared targets in step, then the grants expiring soon, the removals not made, the refusals and the errors.

``model(...)`` is the report as data (both formats render it): pure, deterministic, no clock.
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.drift import PREFIX, slugify
from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.people import People, _dict, _list

FORMATS = ("markdown", "html")
ACTIONS = ("grant", "change", "revoke", "add", "remove")
# section -> (what a target is called, the key naming it in actual, the item target's key)
KINDS = {
    "repositories": ("repository", "slug", "repository"),
    "projects": ("project", "key", "project"),
    "groups": ("organization group", "name", "group_name"),
}
ITEM_SECTIONS = {"repository_permission": "repositories", "project_permission": "projects", "group_membership": "groups"}
NOUNS = {
    "repositories": ("repository", "repositories"),
    "projects": ("project", "projects"),
    "groups": ("organization group", "organization groups"),
}
# the lists after the sections: (key of the model, title)
LISTS = (
    ("expiring", "Expiring soon"),
    ("not_made", "Removals not made"),
    ("refused", "Refused by the guardrails"),
    ("errors", "Errors"),
)
MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def _sorted_names(names: Any) -> list[str]:
    return sorted(names, key=lambda n: (n.lower(), n))


def _details(grant: dict[str, Any]) -> str:
    parts = ["until %s" % grant["expires"]] if grant.get("expires") else []
    if grant.get("ticket"):
        parts.append("ticket %s" % grant["ticket"])
    if grant.get("reason"):
        parts.append(str(grant["reason"]))
    parts.append("line %d" % grant["line"])
    return ", ".join(parts)


def _value(section: str, value: Any) -> str:
    if section == "groups":
        return "member" if value else "not a member"
    return value or "none"


class _Target:
    """One target: today's subjects, the declared ones, the rows of its drift."""

    def __init__(self, report: _Report, section: str, name: str, today: dict[str, Any], declared: dict[str, Any] | None):
        self.report, self.section, self.name, self.declared = report, section, name, declared
        self.label = "%s.%s" % (section, name)
        self.today: dict[tuple[str, str], Any] = {}
        self.wanted: dict[tuple[str, str], dict[str, Any]] = {}
        self.names: dict[str, str] = {}
        people = report.people
        if section == "groups":
            for member in map(_dict, _list(today.get("members"))):
                if isinstance(member.get("account_id"), str):
                    self.today[("user", member["account_id"])] = True
            grants = [("user", m) for m in (declared or {}).get("members") or []]
        else:
            for kind, key in (("user", "account_id"), ("group", "slug")):
                for entry in map(_dict, _list(today.get(kind + "s"))):
                    ident, level = entry.get(key), entry.get("permission")
                    if isinstance(ident, str) and ident and isinstance(level, str) and level not in ("", "none"):
                        ident = ident if kind == "user" else ident.lower()
                        self.today[(kind, ident)] = level
                        if kind == "group":
                            self.names[ident] = entry.get("name") or ident
            declared = declared or {}
            grants = [("user", g) for g in declared.get("users") or []] + [("group", g) for g in declared.get("groups") or []]
        for kind, grant in sorted(grants, key=lambda g: g[1]["line"]):
            ident = people.resolve(grant) if kind == "user" else grant["slug"].lower()
            if ident:
                self.wanted.setdefault((kind, ident), grant)
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}

    def display(self, key: tuple[str, str]) -> str:
        kind, ident = key
        if kind == "user":
            return self.report.people.display(ident)
        return self.names.get(ident) or self.report.group_names.get(ident) or ident

    def find(self, display: str) -> tuple[str, str]:
        """The subject a message names by its display (as ``drift`` wrote it)."""
        for key in sorted(set(self.today) | set(self.wanted)):
            if self.display(key) == display:
                return key
        return ("name", display)

    def row(self, key: tuple[str, str]) -> dict[str, Any]:
        if key not in self.rows:
            kind, ident = key
            subject = {"type": kind, "id": ident, "name": None, "email": None}
            if kind == "user":
                record = self.report.people.get(ident)
                subject.update(name=record["display_name"], email=record["email"])
            elif kind == "group":
                subject["name"] = self.display(key)
            else:
                subject.update(type="user", id=None, name=ident)
            grant = self.wanted.get(key)
            if grant is None:
                declared, detail = ("not declared" if self.declared is not None else "not in the file"), ""
            else:
                declared, detail = ("member" if self.section == "groups" else grant["level"]), _details(grant)
            self.rows[key] = {
                "subject": subject,
                "sort": (kind == "name", kind == "group", self.display(key).lower(), ident),
                "declared": declared,
                "declared_detail": detail,
                "actual": _value(self.section, self.today.get(key)),
                "action": None,
                "change": "",
                "reason": "",
                "notes": [],
            }
        return self.rows[key]


class _Report:
    def __init__(self, drift: Any, declared: Any, actual: Any, people: Any):
        if not isinstance(drift, dict) or not all(k in drift for k in ("items", "not_made", "expiring", "summary")):
            raise ValueError("the input must be the result of workspace_access_plan")
        if not isinstance(declared, dict) or "repositories" not in declared:
            raise ValueError("declared must be the result of workspace_access_declared")
        if not isinstance(actual, dict):
            raise ValueError("actual must be the result of workspace_access_actual")
        if not isinstance(people, list):
            raise ValueError("people must be the result of workspace_access_people (a list)")
        self.drift, self.declared, self.actual = drift, declared, actual
        self.people = People(people, actual)
        self.group_names: dict[str, str] = {}
        for section in ("repositories", "projects"):
            for target in map(_dict, _list(actual.get(section))):
                for group in map(_dict, _list(target.get("groups"))):
                    if isinstance(group.get("slug"), str):
                        self.group_names.setdefault(group["slug"].lower(), group.get("name") or group["slug"])
        for group in map(_dict, _list(actual.get("groups"))):
            if isinstance(group.get("name"), str):
                self.group_names.setdefault(slugify(group["name"]), group["name"])
        self.targets: list[_Target] = []
        self.by_label: dict[str, _Target] = {}
        for section, (_noun, key, _item_key) in KINDS.items():
            found = {t[key]: t for t in map(_dict, _list(actual.get(section))) if isinstance(t.get(key), str)}
            declared_sections = {s[key]: s for s in declared.get(section) or []}
            lowered = {n.lower(): s for n, s in declared_sections.items()}
            for name in _sorted_names(found):
                section_of = declared_sections.get(name) or lowered.get(name.lower())
                target = _Target(self, section, name, found[name], section_of)
                self.targets.append(target)
                self.by_label[target.label] = target

    def target(self, label: str) -> _Target:
        if label not in self.by_label:  # a target today's access does not list: rows by name only
            section, _dot, name = label.partition(".")
            target = _Target(self, section if section in KINDS else "repositories", name, {}, None)
            self.targets.append(target)
            self.by_label[label] = target
        return self.by_label[label]

    def fill(self) -> None:
        for item in map(_dict, _list(self.drift.get("items"))):
            section = ITEM_SECTIONS.get(item.get("kind"))
            if section is None:
                continue
            target = self.target("%s.%s" % (section, _dict(item.get("target")).get(KINDS[section][2])))
            subject = _dict(item.get("subject"))
            key = ("group", subject["slug"]) if subject.get("type") == "group" else ("user", subject.get("account_id"))
            row = target.row(key)
            reason = str(item.get("reason") or "")
            row.update(
                action=item.get("action"),
                change="%s %s -> %s"
                % (item.get("action"), _value(section, item.get("before")), _value(section, item.get("after"))),
                reason=reason[len(PREFIX) :] if reason.startswith(PREFIX) else reason,
            )
        for entry in map(_dict, _list(self.drift.get("not_made"))):
            target = self.target(str(entry.get("target")))
            why = str(entry.get("message") or "").partition(" not made: ")[2]
            for display in _list(entry.get("subjects")):
                row = target.row(target.find(str(display)))
                if row["action"] is None:
                    row.update(action="not_made", change="not made", reason=why)
        for entry in map(_dict, _list(self.drift.get("expiring"))):
            target = self.target(str(entry.get("target")))
            row = target.row(target.find(str(entry.get("subject"))))
            days = entry.get("days_left")
            note = "expires on %s (in %s day%s)" % (entry.get("expires"), days, "" if days == 1 else "s")
            row["notes"].append(note)
            if row["action"] is None:
                row.update(action="expiring", change="in step, expiring")

    def counts(self) -> list[tuple[str, int]]:
        summary = _dict(self.drift.get("summary"))
        by_action = _dict(summary.get("by_action"))
        actions = [a for a in ACTIONS if by_action.get(a)] + sorted(a for a in by_action if a not in ACTIONS and by_action[a])
        rows = [("plan items", len(_list(self.drift.get("items"))))] + [("items: " + a, by_action[a]) for a in actions]
        return rows + [
            ("removals not made", int(summary.get("not_made") or 0)),
            ("expiring soon", len(_list(self.drift.get("expiring")))),
            ("refused by the guardrails", len(_list(self.drift.get("refused")))),
            ("errors", len(_list(self.drift.get("errors")))),
        ]


def model(
    drift: Any, declared: Any, actual: Any, people: Any, workspace: Any = None, plan_id: Any = None, generated_at: Any = None
) -> dict[str, Any]:
    """The report as data: header, counts, sections (with their rows), the in-step counts and the lists."""
    run = _Report(drift, declared, actual, people)
    run.fill()
    sections, in_step = [], dict.fromkeys(KINDS, 0)
    for target in run.targets:
        if target.rows:
            rows = [dict(row) for row in sorted(target.rows.values(), key=lambda r: r["sort"])]
            for row in rows:
                del row["sort"]
            noun = KINDS[target.section][0]
            sections.append(
                {
                    "label": target.label,
                    "section": target.section,
                    "noun": noun,
                    "name": target.name,
                    "title": "%s %s" % (noun[0].upper() + noun[1:], target.name),
                    "declared": target.declared is not None,
                    "rows": rows,
                    "in_step": len((set(target.today) | set(target.wanted)) - set(target.rows)),
                }
            )
        elif target.declared is not None:
            in_step[target.section] += 1
    workspace = workspace or actual.get("workspace") or declared.get("workspace") or ""
    return {
        "title": "Workspace access drift of %s" % (workspace or "the workspace"),
        "workspace": workspace,
        "file": declared.get("file") or "",
        "plan_id": plan_id,
        "generated_at": generated_at,
        "counts": run.counts(),
        "sections": sections,
        "in_step": in_step,
        "expiring": [str(_dict(e).get("message") or "") for e in _list(drift.get("expiring"))],
        "not_made": [str(_dict(e).get("message") or "") for e in _list(drift.get("not_made"))],
        "refused": [str(text) for text in _list(drift.get("refused"))],
        "errors": [str(text) for text in _list(drift.get("errors"))],
    }


def in_step_line(in_step: dict[str, int]) -> str:
    """``3 declared targets have no drift (1 repository, 2 projects, 0 organization groups): not listed.``"""
    total = sum(in_step.values())
    parts = ["%d %s" % (count, NOUNS[section][0 if count == 1 else 1]) for section, count in in_step.items()]
    return "%d declared target%s %s no drift (%s): not listed." % (
        total,
        "" if total == 1 else "s",
        "has" if total == 1 else "have",
        ", ".join(parts),
    )


def subject_text(subject: dict[str, Any]) -> str:
    """``Name <email>, id`` of a user, ``group Name (slug)`` of a group."""
    if subject["type"] == "group":
        return "group %s (%s)" % (subject["name"], subject["id"])
    name = subject["name"] or subject["email"] or subject["id"] or ""
    if subject["email"] and subject["name"]:
        name = "%s <%s>" % (subject["name"], subject["email"])
    return "%s, %s" % (name, subject["id"]) if subject["id"] and subject["id"] != name else name


def header_line(data: dict[str, Any]) -> str:
    parts = ["Workspace %s" % data["workspace"]]
    if data["plan_id"]:
        parts.append("plan %s" % data["plan_id"])
    if data["generated_at"]:
        parts.append("generated at %s" % data["generated_at"])
    if data["file"]:
        parts.append("declared in %s" % data["file"])
    return ", ".join(parts) + "."


def md(value: Any) -> str:
    """A Markdown cell or line: one line (newlines folded), Markdown and HTML characters escaped."""
    text = " ".join(("" if value is None else str(value)).split())
    return MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;")


def _md_table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _header in headers) + "|"]
    return lines + ["| " + " | ".join(md(v) for v in row) + " |" for row in rows]


def render_markdown(data: dict[str, Any]) -> str:
    lines = ["# " + md(data["title"]), "", md(header_line(data)), ""]
    lines += _md_table(["what", "count"], [[label, count] for label, count in data["counts"]]) + [""]
    if not data["sections"]:
        lines += ["No drift: today's access is what the file declares.", ""]
    for section in data["sections"]:
        lines += ["## " + md(section["title"]), ""]
        if not section["declared"]:
            lines += ["Not in the file: nothing is changed here.", ""]
        rows = []
        for row in section["rows"]:
            declared = row["declared"] + (" (%s)" % row["declared_detail"] if row["declared_detail"] else "")
            reason = "; ".join(part for part in [row["reason"]] + row["notes"] if part)
            rows.append([subject_text(row["subject"]), declared, row["actual"], row["change"], reason])
        lines += _md_table(["subject", "declared", "actual", "change", "reason"], rows) + [""]
        if section["in_step"] > 0:
            lines += ["%d other subject%s in step." % (section["in_step"], "" if section["in_step"] == 1 else "s"), ""]
    lines += ["## In step", "", md(in_step_line(data["in_step"])), ""]
    for key, title in LISTS:
        if data[key]:
            lines += ["## " + title, ""] + ["- " + md(text) for text in data[key]] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"
