# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Today's access written as a declared file (``gather``): YAML text that, read back by ``declared.declared`` and
planned by ``drift.plan`` against the same ``actual`` and ``people``, gives no item.

Written by hand, for its comments: each user and member line ends with the account's display name (``(bot)``,
``(workspace owner)``, ``(caller)`` marked); every scalar YAML could read as something else (a number, a date, a
boolean, a text with ``:`` or ``#``) is double-quoted. A person is named by email when the email names the account
back, by account id otherwise. Repositories and projects without explicit permissions are left out; the ``groups``
section is written only when the organization groups were read (``actual.groups`` not None). The bots found are
listed in ``exempt``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.people import People, _dict, _list

PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@+/-]*$")
INDENT = "  "


def scalar(value: Any) -> str:
    """``value`` as a YAML scalar that reads back as the same text: plain when it is safe, else double-quoted."""
    text = str(value)
    if PLAIN.match(text):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    text = " ".join(text.split())
    return "  # " + text if text else ""


def _levels(entries: Any, ident: str) -> dict[str, str]:
    found = {}
    for entry in map(_dict, _list(entries)):
        key, level = entry.get(ident), entry.get("permission")
        if isinstance(key, str) and key and isinstance(level, str) and level not in ("", "none"):
            found[key] = level
    return found


class _Writer:
    def __init__(self, people: People, caller: Any) -> None:
        self.people = people
        self.caller = caller
        self.lines: list[str] = []
        self.seen: set[str] = set()

    def name(self, account_id: str) -> tuple[str, str]:
        """(how the file names the account, the comment of its line)."""
        self.seen.add(account_id)
        record = self.people.get(account_id)
        marks = [
            "(%s)" % mark
            for mark, on in (("bot", record["bot"]), ("workspace owner", record["owner"]), ("caller", account_id == self.caller))
            if on
        ]
        comment = " ".join([record["display_name"] or ""] + marks).strip()
        return self.people.email_of(account_id) or account_id, comment

    def add(self, depth: int, text: str, comment: str = "") -> None:
        self.lines.append(INDENT * depth + text + _comment(comment))

    def users(self, depth: int, levels: dict[str, str]) -> None:
        named = sorted(((self.name(account_id), level) for account_id, level in levels.items()), key=lambda e: e[0][0].lower())
        self.add(depth, "users:")
        for (key, comment), level in named:
            self.add(depth + 1, "%s: %s" % (scalar(key), scalar(level)), comment)

    def groups(self, depth: int, levels: dict[str, str], names: dict[str, str]) -> None:
        self.add(depth, "groups:")
        for slug in sorted(levels, key=str.lower):
            name = names.get(slug) or ""
            self.add(depth + 1, "%s: %s" % (scalar(slug), scalar(levels[slug])), name if name != slug else "")

    def targets(self, section: str, targets: Any, name_key: str) -> None:
        kept = []
        for target in map(_dict, _list(targets)):
            users, groups = _levels(target.get("users"), "account_id"), _levels(target.get("groups"), "slug")
            if isinstance(target.get(name_key), str) and (users or groups):
                kept.append((target, users, groups))
        if not kept:
            self.add(0, "%s: {}" % section)
            return
        self.add(0, "%s:" % section)
        for target, users, groups in sorted(kept, key=lambda entry: entry[0][name_key].lower()):
            name = target.get("name")
            self.add(1, "%s:" % scalar(target[name_key]), name if name and name != target[name_key] else "")
            if users:
                self.users(2, users)
            if groups:
                names = {g.get("slug"): g.get("name") for g in map(_dict, _list(target.get("groups")))}
                self.groups(2, groups, names)

    def org_groups(self, groups: Any) -> None:
        kept = [g for g in map(_dict, _list(groups)) if isinstance(g.get("name"), str) and g.get("id")]
        if not kept:
            self.add(0, "groups: {}")
            return
        self.add(0, "groups:")
        for group in sorted(kept, key=lambda g: (g["name"].lower(), g["name"])):
            self.add(1, "%s:" % scalar(group["name"]))
            ids = {m.get("account_id") for m in map(_dict, _list(group.get("members"))) if isinstance(m.get("account_id"), str)}
            named = sorted((self.name(account_id) for account_id in ids), key=lambda entry: entry[0].lower())
            if not named:
                self.add(2, "members: []")
                continue
            self.add(2, "members:")
            for key, comment in named:
                self.add(3, "- %s" % scalar(key), comment)


def gather(actual: Any, people: Any, workspace: Any = None, gathered_at: Any = None, caller: Any = None) -> str:
    """Today's access (``actual``) as the text of a declared file (module docstring)."""
    actual = _dict(actual)
    workspace = workspace or actual.get("workspace")
    if not isinstance(workspace, str) or not workspace:
        raise ValueError("gather needs the workspace")
    index = People(people, actual)
    body = _Writer(index, caller)
    body.targets("repositories", actual.get("repositories"), "slug")
    body.targets("projects", actual.get("projects"), "key")
    if actual.get("groups") is not None:
        body.org_groups(actual.get("groups"))
    head = _Writer(index, caller)
    head.lines = [
        "# Workspace access of %s (accessops.atlassian.workspace_access)%s."
        % (workspace, ", gathered %s" % " ".join(str(gathered_at).split()) if gathered_at else ""),
        "# Applied as is, this file changes nothing: it is today's explicit repository and project permissions"
        + ("," if actual.get("groups") is not None else "."),
        *(["# and organization group memberships."] if actual.get("groups") is not None else []),
        "# Additive by default (defaults.exclusive: false): access this file does not name is kept; a section with",
        "# exclusive: true removes what it does not name. Levels: read, write, admin (projects: create-repo too).",
        "workspace: %s" % scalar(workspace),
        "defaults:",
        "  exclusive: false",
    ]
    bots = sorted((head.name(a) for a in body.seen if index.get(a)["bot"]), key=lambda entry: entry[0].lower())
    if bots:
        head.add(0, "exempt:", "accounts never revoked nor removed (bots, break-glass)")
        for key, comment in bots:
            head.add(1, "- %s" % scalar(key), comment)
    else:
        head.add(0, "exempt: []", "accounts never revoked nor removed (bots, break-glass)")
    head.add(0, "guardrails:")
    head.add(1, "min_admins: 1")
    head.add(1, "require_caller_admin: true")
    head.add(1, "# max_removals: 10%  (a number, or a percentage of today's grants and memberships; no limit when absent)")
    return "\n".join(head.lines + body.lines) + "\n"
