# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The declared file of workspace access (docs/workspace_access.md), checked and normalized with its lines.

``declared(text, file)`` reads the YAML text (``source.load``) and returns, or raises ``DeclaredError`` whose
``errors`` are ``<file>:<line>: <problem>`` sentences (all the file's problems, not only the first)::

    {"file": "workspace_access_file", "workspace": "acme", "line": 1, "lines": {top-level key: its line},
     "defaults": {"exclusive": False, "line": None},
     "exempt": [{"user", "email", "account_id", "line"}],
     "guardrails": {"min_admins": 1, "require_caller_admin": True, "max_removals": None, "max_removals_percent": False,
                    "lines": {"min_admins": None, "require_caller_admin": None, "max_removals": None}},
     "repositories": [{"slug", "line", "exclusive", "exclusive_line", "exclusive_by": "section" | "defaults",
                       "users": [USER GRANT], "groups": [{"slug", "level", "expires", "reason", "ticket", "line"}]}],
     "projects": [{"key", ... as repositories}],
     "groups": None (no groups section) | [{"name", "line", "exclusive", "exclusive_line", "exclusive_by",
                                           "members": [{"user", "email", "account_id", "expires", "reason", "ticket",
                                                        "line"}]}],
     "emails": [every email the file names, lower-cased, sorted]}

USER GRANT = ``{"user" (as written), "email" (lower-cased, or None), "account_id" (or None), "level", "expires"
("YYYY-MM-DD" or None), "reason", "ticket" (or None), "line"}``. A user is an email when it holds an ``@``, an
account id otherwise. Lists are sorted: repositories by slug, projects by key, groups by name, users by their text,
groups by slug. A guardrail not given has its default (its line None); ``max_removals`` None is no limit, and with
``max_removals_percent`` it is a percentage.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.targets import PROJECT_LEVELS, REPOSITORY_LEVELS
from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.source import Lined, LinedList, SourceError, load

DEFAULT_FILE = "workspace_access_file"
TOP_KEYS = ("workspace", "defaults", "exempt", "guardrails", "repositories", "projects", "groups")
DEFAULTS_KEYS = ("exclusive",)
GUARDRAIL_DEFAULTS = {"min_admins": 1, "require_caller_admin": True, "max_removals": None}
TARGET_KEYS = ("exclusive", "users", "groups")
ORG_GROUP_KEYS = ("exclusive", "members")
GRANT_KEYS = ("level", "expires", "reason", "ticket")
MEMBER_KEYS = ("user", "expires", "reason", "ticket")
# section -> (what one target is called, its levels, the key naming it in the normalized shape)
SECTIONS = {
    "repositories": ("repository", REPOSITORY_LEVELS, "slug"),
    "projects": ("project", PROJECT_LEVELS, "key"),
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ACCOUNT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$")
SLUG = re.compile(r"^[^\s/]+$")
PERCENT = re.compile(r"^\s*(\d{1,3})\s*%\s*$")


class DeclaredError(ValueError):
    """The file's problems, each ``<file>:<line>: <problem>`` (``errors``)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class _Check:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[str] = []

    def error(self, line: int, text: str) -> None:
        self.errors.append("%s:%d: %s" % (self.file, line, text))

    def mapping(self, value: Any, line: int, where: str, allowed: tuple[str, ...] | None = None) -> Lined:
        """``value`` as a mapping (null: an empty one), its unknown keys reported."""
        if value is None:
            empty = Lined()
            empty.line = line
            return empty
        if not isinstance(value, Lined):
            self.error(line, "%s must be a mapping, got %s" % (where, _kind(value)))
            empty = Lined()
            empty.line = line
            return empty
        for key in value:
            if allowed is not None and key not in allowed:
                self.error(value.line_of(key), "unknown key %r in %s (allowed: %s)" % (key, where, ", ".join(allowed)))
        return value

    def flag(self, mapping: Lined, key: str, where: str, default: bool) -> bool:
        value = mapping.get(key, default)
        if not isinstance(value, bool):
            self.error(mapping.line_of(key), "%s.%s must be true or false, got %r" % (where, key, value))
            return default
        return value

    def text(self, mapping: Lined, key: str, where: str) -> str | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.error(mapping.line_of(key), "%s.%s must be text, got %s" % (where, key, _kind(value)))
            return None
        return str(value)

    def date(self, mapping: Lined, key: str, where: str) -> str | None:
        value = mapping.get(key)
        if value is None:
            return None
        parsed = as_date(value)
        if parsed is None:
            self.error(mapping.line_of(key), "%s.%s must be a date (YYYY-MM-DD), got %r" % (where, key, value))
            return None
        return parsed.isoformat()

    def user(self, value: Any, line: int, where: str) -> dict[str, Any] | None:
        """{"user", "email", "account_id"} of an email or account id, or None (reported)."""
        if not isinstance(value, str) or isinstance(value, bool):
            self.error(
                line,
                '%s: the user %r must be an email or an account id, as text (quote an account id: "557058:...")' % (where, value),
            )
            return None
        text = value.strip()
        if "@" in text:
            if not EMAIL.match(text):
                self.error(line, "%s: %r is no email address" % (where, value))
                return None
            return {"user": text, "email": text.lower(), "account_id": None}
        if not ACCOUNT_ID.match(text):
            self.error(line, "%s: %r is neither an email nor an account id" % (where, value))
            return None
        return {"user": text, "email": None, "account_id": text}


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return "%r" % (value,)


def as_date(value: Any) -> datetime.date | None:
    """A date of the file (a YAML date, a datetime, or ``YYYY-MM-DD`` text), or None when it is none."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()) if re.match(r"^\s*\d{4}-\d{2}-\d{2}\s*$", value) else None
        except ValueError:
            return None
    return None


def _level(check: _Check, value: Any, line: int, where: str, levels: tuple[str, ...]) -> str | None:
    if not isinstance(value, str) or value not in levels:
        check.error(line, "%s: bad level %r (one of %s)" % (where, value, ", ".join(levels)))
        return None
    return value


def _grant(check: _Check, value: Any, line: int, where: str, levels: tuple[str, ...]) -> dict[str, Any] | None:
    """{"level", "expires", "reason", "ticket"} of ``write`` or ``{level: write, expires: ..., ...}``."""
    if isinstance(value, Lined):
        check.mapping(value, line, where, GRANT_KEYS)
        if "level" not in value:
            check.error(line, "%s: a level is needed (one of %s)" % (where, ", ".join(levels)))
            return None
        level = _level(check, value["level"], value.line_of("level"), where, levels)
        grant = {
            "level": level,
            "expires": check.date(value, "expires", where),
            "reason": check.text(value, "reason", where),
            "ticket": check.text(value, "ticket", where),
        }
        return grant if level is not None else None
    level = _level(check, value, line, where, levels)
    if level is None:
        return None
    return {"level": level, "expires": None, "reason": None, "ticket": None}


def _exclusive(check: _Check, mapping: Lined, where: str, defaults: dict[str, Any]) -> dict[str, Any]:
    if "exclusive" in mapping:
        return {
            "exclusive": check.flag(mapping, "exclusive", where, defaults["exclusive"]),
            "exclusive_line": mapping.line_of("exclusive"),
            "exclusive_by": "section",
        }
    return {"exclusive": defaults["exclusive"], "exclusive_line": defaults["line"], "exclusive_by": "defaults"}


def _users(check: _Check, value: Any, line: int, where: str, levels: tuple[str, ...]) -> list[dict[str, Any]]:
    users = check.mapping(value, line, where + ".users")
    found: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for key, grant_value in users.items():
        key_line = users.line_of(key)
        person = check.user(key, key_line, where + ".users")
        if person is None:
            continue
        same = person["email"] or person["account_id"]
        if same in seen:
            check.error(key_line, "%s: %s is declared twice (lines %d and %d)" % (where, person["user"], seen[same], key_line))
            continue
        seen[same] = key_line
        grant = _grant(check, grant_value, key_line, "%s.users.%s" % (where, person["user"]), levels)
        if grant is not None:
            found.append(dict(person, line=key_line, **grant))
    return sorted(found, key=lambda g: g["user"].lower())


def _groups(check: _Check, value: Any, line: int, where: str, levels: tuple[str, ...]) -> list[dict[str, Any]]:
    groups = check.mapping(value, line, where + ".groups")
    found: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for key, grant_value in groups.items():
        key_line = groups.line_of(key)
        if not isinstance(key, str) or not SLUG.match(key):
            check.error(key_line, "%s.groups: %r is no Bitbucket group slug" % (where, key))
            continue
        if key.lower() in seen:
            check.error(
                key_line, "%s: the group %s is declared twice (lines %d and %d)" % (where, key, seen[key.lower()], key_line)
            )
            continue
        seen[key.lower()] = key_line
        grant = _grant(check, grant_value, key_line, "%s.groups.%s" % (where, key), levels)
        if grant is not None:
            found.append(dict(slug=key, line=key_line, **grant))
    return sorted(found, key=lambda g: g["slug"].lower())


def _targets(check: _Check, doc: Lined, section: str, defaults: dict[str, Any]) -> list[dict[str, Any]]:
    noun, levels, name_key = SECTIONS[section]
    targets = check.mapping(doc.get(section), doc.line_of(section), section)
    found: list[dict[str, Any]] = []
    seen: dict[str, tuple[str, int]] = {}
    for name, body in targets.items():
        line = targets.line_of(name)
        if not isinstance(name, str) or not SLUG.match(name):
            check.error(line, "%s: %r is no %s %s" % (section, name, noun, "slug" if noun == "repository" else "key"))
            continue
        if name.lower() in seen:
            first, first_line = seen[name.lower()]
            check.error(
                line, "the %s %s is declared twice (as %s line %d and %s line %d)" % (noun, name, first, first_line, name, line)
            )
            continue
        seen[name.lower()] = (name, line)
        where = "%s.%s" % (section, name)
        body = check.mapping(body, line, where, TARGET_KEYS)
        target = {name_key: name, "line": line}
        target.update(_exclusive(check, body, where, defaults))
        target["users"] = _users(check, body.get("users"), body.line_of("users"), where, levels)
        target["groups"] = _groups(check, body.get("groups"), body.line_of("groups"), where, levels)
        found.append(target)
    return sorted(found, key=lambda t: t[name_key].lower())


def _member(check: _Check, value: Any, line: int, where: str) -> dict[str, Any] | None:
    if isinstance(value, Lined):
        check.mapping(value, line, where, MEMBER_KEYS)
        if "user" not in value:
            check.error(line, "%s: a member mapping needs user (an email or an account id)" % where)
            return None
        person = check.user(value["user"], value.line_of("user"), where)
        if person is None:
            return None
        return dict(
            person,
            expires=check.date(value, "expires", where),
            reason=check.text(value, "reason", where),
            ticket=check.text(value, "ticket", where),
            line=line,
        )
    person = check.user(value, line, where)
    return dict(person, expires=None, reason=None, ticket=None, line=line) if person else None


def _org_groups(check: _Check, doc: Lined, defaults: dict[str, Any]) -> list[dict[str, Any]] | None:
    if "groups" not in doc:
        return None
    groups = check.mapping(doc["groups"], doc.line_of("groups"), "groups")
    found: list[dict[str, Any]] = []
    seen: dict[str, tuple[str, int]] = {}
    for name, body in groups.items():
        line = groups.line_of(name)
        if not isinstance(name, str) or not name.strip():
            check.error(line, "groups: %r is no group name (quote it)" % (name,))
            continue
        if name.lower() in seen:
            first, first_line = seen[name.lower()]
            check.error(
                line, "the group %s is declared twice (as %s line %d and %s line %d)" % (name, first, first_line, name, line)
            )
            continue
        seen[name.lower()] = (name, line)
        where = "groups.%s" % name
        body = check.mapping(body, line, where, ORG_GROUP_KEYS)
        group = {"name": name, "line": line}
        group.update(_exclusive(check, body, where, defaults))
        members_value = body.get("members")
        members: list[dict[str, Any]] = []
        if members_value is not None and not isinstance(members_value, LinedList):
            check.error(body.line_of("members"), "%s.members must be a list, got %s" % (where, _kind(members_value)))
            members_value = None
        known: dict[str, int] = {}
        for index, value in enumerate(members_value or []):
            item_line = members_value.line_of(index)
            member = _member(check, value, item_line, where + ".members")
            if member is None:
                continue
            same = member["email"] or member["account_id"]
            if same in known:
                check.error(
                    item_line, "%s: %s is listed twice (lines %d and %d)" % (where, member["user"], known[same], item_line)
                )
                continue
            known[same] = item_line
            members.append(member)
        group["members"] = sorted(members, key=lambda m: m["user"].lower())
        found.append(group)
    return sorted(found, key=lambda g: g["name"].lower())


def _guardrails(check: _Check, doc: Lined) -> dict[str, Any]:
    body = check.mapping(doc.get("guardrails"), doc.line_of("guardrails"), "guardrails", tuple(GUARDRAIL_DEFAULTS))
    rails: dict[str, Any] = dict(GUARDRAIL_DEFAULTS, max_removals_percent=False)
    rails["lines"] = {key: (body.line_of(key) if key in body else None) for key in GUARDRAIL_DEFAULTS}
    if "min_admins" in body:
        value = body["min_admins"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            check.error(body.line_of("min_admins"), "guardrails.min_admins must be a whole number >= 0, got %r" % (value,))
        else:
            rails["min_admins"] = value
    rails["require_caller_admin"] = check.flag(body, "require_caller_admin", "guardrails", True)
    if body.get("max_removals") is not None:
        value = body["max_removals"]
        match = PERCENT.match(value) if isinstance(value, str) else None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            rails["max_removals"] = value
        elif match and int(match.group(1)) <= 100:
            rails["max_removals"], rails["max_removals_percent"] = int(match.group(1)), True
        else:
            check.error(
                body.line_of("max_removals"),
                'guardrails.max_removals must be a whole number >= 0 or a percentage ("10%%"), got %r' % (value,),
            )
    return rails


def _exempt(check: _Check, doc: Lined) -> list[dict[str, Any]]:
    value = doc.get("exempt")
    if value is None:
        return []
    if not isinstance(value, LinedList):
        check.error(doc.line_of("exempt"), "exempt must be a list of emails and account ids, got %s" % _kind(value))
        return []
    found: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(value):
        person = check.user(item, value.line_of(index), "exempt")
        if person is not None:
            found.setdefault(person["email"] or person["account_id"], dict(person, line=value.line_of(index)))
    return sorted(found.values(), key=lambda p: p["user"].lower())


def _emails(result: dict[str, Any]) -> list[str]:
    emails = {p["email"] for p in result["exempt"] if p["email"]}
    for section in ("repositories", "projects"):
        emails.update(g["email"] for t in result[section] for g in t["users"] if g["email"])
    emails.update(m["email"] for g in result["groups"] or [] for m in g["members"] if m["email"])
    return sorted(emails)


def declared(text: Any, file: str = DEFAULT_FILE) -> dict[str, Any]:
    """The normalized declared file (module docstring), or DeclaredError naming every problem's line."""
    file = file or DEFAULT_FILE
    try:
        doc, problems = load(text)
    except SourceError as err:
        raise DeclaredError(["%s:%d: %s" % (file, err.line, err.problem)]) from None
    check = _Check(file)
    for line, problem in problems:
        check.error(line, problem)
    if not isinstance(doc, Lined):
        check.error(
            getattr(doc, "line", 1) or 1, "the file must be a mapping (workspace, repositories, ...), got %s" % _kind(doc)
        )
        raise DeclaredError(check.errors)
    for key in doc:
        if key not in TOP_KEYS:
            check.error(doc.line_of(key), "unknown top-level key %r (allowed: %s)" % (key, ", ".join(TOP_KEYS)))
    workspace = doc.get("workspace")
    if not isinstance(workspace, str) or not SLUG.match(workspace):
        check.error(doc.line_of("workspace"), "workspace must be the workspace's slug (text), got %s" % _kind(workspace))
        workspace = None
    defaults_body = check.mapping(doc.get("defaults"), doc.line_of("defaults"), "defaults", DEFAULTS_KEYS)
    defaults = {
        "exclusive": check.flag(defaults_body, "exclusive", "defaults", False),
        "line": defaults_body.line_of("exclusive") if "exclusive" in defaults_body else None,
    }
    result: dict[str, Any] = {
        "file": file,
        "workspace": workspace,
        "line": doc.line_of("workspace"),
        "lines": {key: doc.line_of(key) for key in TOP_KEYS if key in doc},
        "defaults": defaults,
        "exempt": _exempt(check, doc),
        "guardrails": _guardrails(check, doc),
        "repositories": _targets(check, doc, "repositories", defaults),
        "projects": _targets(check, doc, "projects", defaults),
        "groups": _org_groups(check, doc, defaults),
    }
    if check.errors:
        raise DeclaredError(sorted(check.errors, key=_line_order))
    result["emails"] = _emails(result)
    return result


def _line_order(error: str) -> int:
    match = re.match(r"^.*?:(\d+): ", error)
    return int(match.group(1)) if match else 0
