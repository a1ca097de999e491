# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift of the declared file (``declared.declared``) from today's access, as plan items (docs/plans.md).

``plan(declared, actual, people, caller=, org=, today=, warn_days=)`` returns ``{"items", "not_made", "expiring",
"errors", "refused", "summary"}``:

* a declared grant or membership that is not so today: ``grant`` / ``change`` / ``add``;
* an explicit grant or membership today that the file does not declare: ``revoke`` / ``remove`` only when its section
  is exclusive (its own ``exclusive``, else ``defaults.exclusive``); otherwise it is counted in ``not_made``. A target
  the file does not name is never touched (counted in ``not_made`` too);
* a grant whose ``expires`` is before ``today``: revoked (removed) when it exists, else nothing; one expiring within
  ``warn_days`` is listed in ``expiring``;
* an ``exempt`` account is never revoked nor removed (``not_made`` names the exempt entry); its level may change;
* ``errors``: what the file names that does not exist (``<file>:<line>: ...``); ``refused``: the guardrails
  (``guardrails.refusals``) on the plan as a whole.

Items come in a fixed order: repositories (by slug), projects (by key), organization groups (by name); within a
target, users then groups, by display then id.
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.declared import SECTIONS, as_date
from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.guardrails import refusals
from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.people import People, _dict, _list
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import item_key

PREFIX = "workspace_access: "


def slugify(name: str) -> str:
    """The Bitbucket group slug an organization group's name gives (lower case, spaces as ``-``)."""
    return re.sub(r"\s+", "-", name.strip().lower())


def _why(grant: dict[str, Any]) -> str:
    ticket, reason = grant.get("ticket"), grant.get("reason")
    if ticket and reason:
        return "ticket %s: %s" % (ticket, reason)
    return "ticket %s" % ticket if ticket else (reason or "")


def _plural(count: int) -> str:
    return "%d removal%s" % (count, "" if count == 1 else "s")


class _Run:
    def __init__(self, declared: dict[str, Any], actual: dict[str, Any], people: Any, org: Any, today: Any, warn_days: Any):
        self.declared = declared
        self.file = declared.get("file") or "workspace_access_file"
        self.workspace = actual.get("workspace") or declared.get("workspace")
        self.org = org
        parsed = as_date(today)
        if parsed is None:
            raise ValueError("today must be the date of the run (YYYY-MM-DD), got %r" % (today,))
        self.today = parsed
        if isinstance(warn_days, bool) or not isinstance(warn_days, int) or warn_days < 0:
            raise ValueError("warn_days must be a whole number >= 0, got %r" % (warn_days,))
        self.warn_days = warn_days
        self.people = People(people, actual)
        self.items: list[dict[str, Any]] = []
        self.not_made: list[dict[str, Any]] = []
        self.expiring: list[dict[str, Any]] = []
        self.errors: list[tuple[int, str]] = []
        self.exempt: dict[str, dict[str, Any]] = {}
        for entry in declared.get("exempt") or []:
            account_id = self.people.resolve(entry) or entry.get("account_id")
            if account_id:
                self.exempt.setdefault(account_id, entry)
        self.org_missing = False
        # Bitbucket group slugs known (those of today's permissions, the organization groups' names as slugs)
        self.group_slugs: set[str] = set()
        self.group_names: dict[str, str] = {}

    def error(self, line: int, text: str) -> None:
        self.errors.append((line or 0, "%s:%d: %s" % (self.file, line or 0, text)))

    def add(self, kind: str, action: str, target: dict, subject: dict, before: Any, after: Any, reason: str) -> None:
        item = {"api": "admin" if kind == "group_membership" else "bitbucket", "kind": kind, "action": action}
        item.update(target=target, subject=subject, before=before, after=after, reason=PREFIX + reason)
        self.items.append(dict(key=item_key(item), **item))

    def resolve(self, user: dict[str, Any], where: str) -> str | None:
        account_id = self.people.resolve(user)
        if account_id is None:
            if user.get("email"):
                self.error(
                    user["line"],
                    "%s: no account found for %s (not a workspace member or directory account)" % (where, user["user"]),
                )
            else:
                self.error(user["line"], "%s: the account id %s is not known here (no person, no grant)" % (where, user["user"]))
        return account_id

    def expiry(self, grant: dict[str, Any], label: str, display: str) -> bool:
        """Whether the grant has expired (else, when it expires within warn_days, it is listed in ``expiring``)."""
        expires = as_date(grant.get("expires"))
        if expires is None:
            return False
        if expires < self.today:
            return True
        days_left = (expires - self.today).days
        if days_left <= self.warn_days:
            self.expiring.append(
                {
                    "target": label,
                    "subject": display,
                    "expires": expires.isoformat(),
                    "days_left": days_left,
                    "line": grant["line"],
                    "message": "%s on %s expires on %s (in %d day%s; %s line %d)"
                    % (display, label, expires.isoformat(), days_left, "" if days_left == 1 else "s", self.file, grant["line"]),
                }
            )
        return False

    def declared_reason(self, grant: dict[str, Any]) -> str:
        detail = [part for part in (_why(grant), "until %s" % grant["expires"] if grant.get("expires") else "") if part]
        return "declared in %s line %d%s" % (self.file, grant["line"], " (%s)" % "; ".join(detail) if detail else "")

    def expired_reason(self, grant: dict[str, Any]) -> str:
        return "expired on %s (%s)" % (grant["expires"], _why(grant) or "%s line %d" % (self.file, grant["line"]))


def _exclusive_reason(section: dict[str, Any], label: str) -> str:
    if section["exclusive_by"] == "section":
        return "not declared, and %s is exclusive (line %d)" % (label, section["exclusive_line"])
    return "not declared, and %s is exclusive (defaults.exclusive, line %d)" % (label, section["exclusive_line"] or 0)


class _Target:
    """One target's decisions: items through the run, removals not made counted here."""

    def __init__(self, run: _Run, label: str, noun: str, section: dict[str, Any] | None):
        self.run, self.label, self.noun, self.section = run, label, noun, section
        self.kept: list[str] = []
        self.exempted: list[tuple[str, dict[str, Any]]] = []

    def undeclared(self, display: str, account_id: str | None) -> str | None:
        """The reason to remove an undeclared subject, or None (counted as not made)."""
        if self.section is None or not self.section["exclusive"]:
            self.kept.append(display)
            return None
        return self.removal(display, account_id, _exclusive_reason(self.section, self.label))

    def removal(self, display: str, account_id: str | None, reason: str) -> str | None:
        if account_id is not None and account_id in self.run.exempt:
            self.exempted.append((display, self.run.exempt[account_id]))
            return None
        return reason

    def close(self) -> None:
        if self.kept:
            why = "the section is not exclusive" if self.section else "the %s is not in the file" % self.noun
            count = len(self.kept)
            self.run.not_made.append(
                {
                    "target": self.label,
                    "count": count,
                    "message": "%s: %s not made: %s" % (self.label, _plural(count), why),
                    "subjects": sorted(self.kept, key=str.lower),
                }
            )
        for display, entry in self.exempted:
            self.run.not_made.append(
                {
                    "target": self.label,
                    "count": 1,
                    "message": "%s: 1 removal not made: %s is exempt (exempt: %s, line %d)"
                    % (self.label, display, entry["user"], entry["line"]),
                    "subjects": [display],
                }
            )


def _permission_subjects(run: _Run, target: _Target, kind: str, where: dict, section: dict | None, actual: dict) -> None:
    """The items of one repository or project: its users, then its groups."""
    label = target.label
    for subject_type in ("users", "groups"):
        today: dict[str, str] = {}
        names: dict[str, str] = {}
        for entry in _list(actual.get(subject_type)):
            entry = _dict(entry)
            ident = entry.get("account_id") if subject_type == "users" else entry.get("slug")
            level = entry.get("permission")
            if isinstance(ident, str) and ident and isinstance(level, str) and level not in ("", "none"):
                ident = ident if subject_type == "users" else ident.lower()
                today[ident] = level
                names[ident] = entry.get("name") or ident
        wanted: dict[str, dict[str, Any]] = {}
        for grant in sorted((section or {}).get(subject_type) or [], key=lambda g: g["line"]):
            if subject_type == "users":
                ident = run.resolve(grant, label)
            else:
                ident = grant["slug"].lower()
                if ident not in run.group_slugs:
                    run.error(grant["line"], "%s: no Bitbucket group %s in the workspace" % (label, grant["slug"]))
                    ident = None
            if ident is None:
                continue
            if ident in wanted:
                run.error(
                    grant["line"],
                    "%s: %s is declared twice (lines %d and %d)"
                    % (label, grant["user" if subject_type == "users" else "slug"], wanted[ident]["line"], grant["line"]),
                )
                continue
            wanted[ident] = grant
        subjects = []
        for ident in set(today) | set(wanted):
            if subject_type == "users":
                subject = {"type": "user", "account_id": ident, "display": run.people.display(ident)}
            else:
                subject = {"type": "group", "slug": ident, "display": names.get(ident) or run.group_names.get(ident) or ident}
            subjects.append(subject)
        subjects.sort(key=lambda s: (s["display"].lower(), s.get("account_id") or s.get("slug")))
        for subject in subjects:
            ident = subject.get("account_id") or subject["slug"]
            account_id = subject.get("account_id")
            before, grant = today.get(ident), wanted.get(ident)
            if grant is not None:
                if run.expiry(grant, label, subject["display"]):
                    reason = run.expired_reason(grant)
                    if before is not None and target.removal(subject["display"], account_id, reason):
                        run.add(kind, "revoke", where, subject, before, None, reason)
                    continue
                if before == grant["level"]:
                    continue
                if account_id and run.people.get(account_id)["owner"]:
                    run.error(
                        grant["line"],
                        "%s: %s is the workspace owner, who takes no explicit permission" % (label, subject["display"]),
                    )
                    continue
                action = "grant" if before is None else "change"
                run.add(kind, action, where, subject, before, grant["level"], run.declared_reason(grant))
            elif before is not None:
                reason = target.undeclared(subject["display"], account_id)
                if reason:
                    run.add(kind, "revoke", where, subject, before, None, reason)


def _permissions(run: _Run, section_name: str, actual: dict[str, Any]) -> None:
    noun, _levels, name_key = SECTIONS[section_name]
    kind = noun + "_permission"
    today = {t[name_key].lower(): t for t in map(_dict, _list(actual.get(section_name))) if isinstance(t.get(name_key), str)}
    declared: dict[str, dict[str, Any]] = {}
    for section in run.declared.get(section_name) or []:
        found = today.get(section[name_key].lower())
        if found is None:
            run.error(
                section["line"],
                "%s.%s: no %s %s in the workspace %s" % (section_name, section[name_key], noun, section[name_key], run.workspace),
            )
            continue
        declared[section[name_key].lower()] = section
    for lowered in sorted(today):
        name = today[lowered][name_key]
        target = _Target(run, "%s.%s" % (section_name, name), noun, declared.get(lowered))
        where = {"workspace": run.workspace, noun: name}
        _permission_subjects(run, target, kind, where, declared.get(lowered), today[lowered])
        target.close()


def _memberships(run: _Run, actual_groups: Any) -> None:
    declared_groups = run.declared.get("groups")
    line = (run.declared.get("lines") or {}).get("groups", 0)
    if actual_groups is None:
        if declared_groups:
            run.error(
                line,
                "groups: the organization Admin API is not configured, so organization groups can be neither read nor changed"
                " (configure it, or leave the groups section out)",
            )
        return
    today = {g["name"]: g for g in map(_dict, _list(actual_groups)) if isinstance(g.get("name"), str) and g.get("id")}
    lowered = {}
    for name in today:
        lowered.setdefault(name.lower(), []).append(name)
    declared: dict[str, dict[str, Any]] = {}
    for section in declared_groups or []:
        name = section["name"] if section["name"] in today else None
        if name is None and len(lowered.get(section["name"].lower(), [])) == 1:
            name = lowered[section["name"].lower()][0]
        if name is None:
            run.error(section["line"], "groups.%s: no organization group named %s" % (section["name"], section["name"]))
            continue
        declared[name] = section
    for name in sorted(today, key=lambda n: (n.lower(), n)):
        group, section = today[name], declared.get(name)
        label = "groups.%s" % name
        target = _Target(run, label, "group", section)
        where = {"org": run.org, "group_id": group["id"], "group_name": name}
        members = {m["account_id"] for m in map(_dict, _list(group.get("members"))) if isinstance(m.get("account_id"), str)}
        wanted: dict[str, dict[str, Any]] = {}
        for member in sorted((section or {}).get("members") or [], key=lambda m: m["line"]):
            account_id = run.resolve(member, label)
            if account_id is None:
                continue
            if account_id in wanted:
                run.error(
                    member["line"],
                    "%s: %s is listed twice (lines %d and %d)"
                    % (label, member["user"], wanted[account_id]["line"], member["line"]),
                )
                continue
            wanted[account_id] = member
        for account_id in sorted(members | set(wanted), key=lambda a: (run.people.display(a).lower(), a)):
            subject = {"type": "user", "account_id": account_id, "display": run.people.display(account_id)}
            before, member = account_id in members, wanted.get(account_id)
            action, reason = None, None
            if member is not None:
                if run.expiry(member, label, subject["display"]):
                    if before:
                        action, reason = "remove", target.removal(subject["display"], account_id, run.expired_reason(member))
                elif not before:
                    action, reason = "add", run.declared_reason(member)
            elif before:
                action, reason = "remove", target.undeclared(subject["display"], account_id)
            if action and reason:
                if not run.org:
                    if not run.org_missing:
                        run.error(line, "groups: the organization id (org) is not known, so group memberships cannot be planned")
                    run.org_missing = True
                    continue
                run.add("group_membership", action, where, subject, before, action == "add", reason)
        target.close()


def plan(
    declared: Any, actual: Any, people: Any, *, caller: Any = None, org: Any = None, today: Any = None, warn_days: Any = 30
) -> dict[str, Any]:
    """The plan of the declared file against today's access (module docstring)."""
    if not isinstance(declared, dict) or "repositories" not in declared:
        raise ValueError("declared must be the result of workspace_access_declared")
    actual = _dict(actual)
    run = _Run(declared, actual, people, org, today, warn_days)
    if actual.get("workspace") and declared.get("workspace") and actual["workspace"].lower() != declared["workspace"].lower():
        run.error(
            declared.get("line") or 1,
            "the file is for the workspace %s, and the role reads %s" % (declared["workspace"], actual["workspace"]),
        )
    for section_name in ("repositories", "projects"):
        for target in map(_dict, _list(actual.get(section_name))):
            for group in map(_dict, _list(target.get("groups"))):
                if isinstance(group.get("slug"), str):
                    run.group_slugs.add(group["slug"].lower())
                    run.group_names.setdefault(group["slug"].lower(), group.get("name") or group["slug"])
    for group in map(_dict, _list(actual.get("groups"))):
        if isinstance(group.get("name"), str):
            run.group_slugs.add(slugify(group["name"]))
            run.group_names.setdefault(slugify(group["name"]), group["name"])
    _permissions(run, "repositories", actual)
    _permissions(run, "projects", actual)
    _memberships(run, actual.get("groups"))
    errors = [text for _line, text in sorted(run.errors, key=lambda e: e[0])]
    refused = refusals(run.items, actual, declared, caller, run.people)
    by_action: dict[str, int] = {}
    for item in run.items:
        by_action[item["action"]] = by_action.get(item["action"], 0) + 1
    summary = {
        "items": len(run.items),
        "by_action": by_action,
        "not_made": sum(entry["count"] for entry in run.not_made),
        "expiring": len(run.expiring),
        "errors": len(errors),
        "refused": len(refused),
        "declared": {
            "repositories": len(declared.get("repositories") or []),
            "projects": len(declared.get("projects") or []),
            "groups": len(declared.get("groups") or []),
        },
    }
    return {
        "items": run.items,
        "not_made": run.not_made,
        "expiring": run.expiring,
        "errors": errors,
        "refused": refused,
        "summary": summary,
    }
