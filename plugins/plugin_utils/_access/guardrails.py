# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guardrails of the declared file, on a plan as a whole: one sentence per breach, and the role refuses the
whole plan (nothing written) when there is any.

* ``min_admins``: every repository or project the plan touches keeps at least this many explicit admins (users and
  groups), unless it had fewer before and the plan does not lower their number;
* ``require_caller_admin``: the plan neither revokes nor lowers an explicit ``admin`` of the caller (the account of
  the credentials), nor removes the caller from an organization group (not checked without a caller);
* ``max_removals``: the revoke and remove items are at most N, or at most N% of every explicit permission and group
  membership of today, rounded down but at least 1 (``0%`` allows none). None: no limit.
"""

from __future__ import annotations

from typing import Any

SCOPES = {"repository_permission": ("repository", "repositories", "slug"), "project_permission": ("project", "projects", "key")}
REMOVALS = ("revoke", "remove")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _rule(declared: dict[str, Any], name: str) -> str:
    rails = _dict(declared.get("guardrails"))
    line = _dict(rails.get("lines")).get(name)
    if line:
        return "guardrails.%s (%s line %d)" % (name, declared.get("file") or "workspace_access_file", line)
    return "guardrails.%s (default)" % name


def _levels_today(actual: dict[str, Any]) -> dict[tuple[str, str], dict[tuple[str, str], str]]:
    """{(kind, target name): {(subject type, id): level}} of today's explicit permissions."""
    found: dict[tuple[str, str], dict[tuple[str, str], str]] = {}
    for kind, (_noun, section, name_key) in SCOPES.items():
        for target in map(_dict, _list(actual.get(section))):
            levels = found.setdefault((kind, str(target.get(name_key))), {})
            for user in map(_dict, _list(target.get("users"))):
                levels[("user", str(user.get("account_id")))] = user.get("permission")
            for group in map(_dict, _list(target.get("groups"))):
                levels[("group", str(group.get("slug")).lower())] = group.get("permission")
    return found


def _subject(item: dict[str, Any]) -> tuple[str, str]:
    subject = item["subject"]
    return ("group", subject["slug"].lower()) if subject.get("type") == "group" else ("user", subject["account_id"])


def _min_admins(items: list[dict[str, Any]], actual: dict[str, Any], declared: dict[str, Any]) -> list[str]:
    wanted = _dict(declared.get("guardrails")).get("min_admins", 1) or 0
    if not wanted:
        return []
    today = _levels_today(actual)
    after: dict[tuple[str, str], dict[tuple[str, str], Any]] = {}
    for item in items:
        if item["kind"] in SCOPES:
            noun = SCOPES[item["kind"]][0]
            where = (item["kind"], item["target"][noun])
            after.setdefault(where, dict(today.get(where, {})))[_subject(item)] = item["after"]
    found = []
    for (kind, name), levels in after.items():
        before = sum(1 for level in today.get((kind, name), {}).values() if level == "admin")
        count = sum(1 for level in levels.values() if level == "admin")
        if count < wanted and count < before:
            found.append(
                "%s: the %s %s would keep %d explicit admin%s (users and groups), fewer than %d (it has %d today)."
                % (_rule(declared, "min_admins"), SCOPES[kind][0], name, count, "" if count == 1 else "s", wanted, before)
            )
    return found


def _caller_admin(items: list[dict[str, Any]], declared: dict[str, Any], caller: Any, people: Any) -> list[str]:
    if not caller or not _dict(declared.get("guardrails")).get("require_caller_admin", True):
        return []
    who = people.display(caller) if people is not None else caller
    found = []
    for item in items:
        subject = item["subject"]
        if subject.get("type") != "user" or subject.get("account_id") != caller:
            continue
        if item["kind"] in SCOPES and item["before"] == "admin" and item["after"] != "admin":
            noun = SCOPES[item["kind"]][0]
            what = "revokes" if item["after"] is None else "lowers to %s" % item["after"]
            found.append(
                "%s: the plan %s the explicit admin permission of the caller (%s) on the %s %s."
                % (_rule(declared, "require_caller_admin"), what, who, noun, item["target"][noun])
            )
        elif item["kind"] == "group_membership" and item["action"] == "remove":
            found.append(
                "%s: the plan removes the caller (%s) from the organization group %s."
                % (_rule(declared, "require_caller_admin"), who, item["target"]["group_name"])
            )
    return found


def total_access(actual: dict[str, Any]) -> int:
    """Every explicit permission (users and groups of each repository and project) and group membership of today."""
    count = 0
    for _kind, (_noun, section, _name) in SCOPES.items():
        for target in map(_dict, _list(actual.get(section))):
            count += len(_list(target.get("users"))) + len(_list(target.get("groups")))
    for group in map(_dict, _list(actual.get("groups"))):
        count += len(_list(group.get("members")))
    return count


def removal_limit(declared: dict[str, Any], actual: dict[str, Any]) -> tuple[int | None, str]:
    """(the most removals allowed, or None; how a percentage was computed, else "")."""
    rails = _dict(declared.get("guardrails"))
    value = rails.get("max_removals")
    if value is None:
        return None, "no limit"
    if not rails.get("max_removals_percent"):
        return value, ""
    total = total_access(actual)
    limit = total * value // 100
    if value > 0:
        limit = max(1, limit)
    return limit, "%d%% of the %d explicit permissions and group memberships of today, rounded down%s" % (
        value,
        total,
        ", at least 1" if value > 0 else "",
    )


def _max_removals(items: list[dict[str, Any]], actual: dict[str, Any], declared: dict[str, Any]) -> list[str]:
    limit, how = removal_limit(declared, actual)
    removals = sum(1 for item in items if item["action"] in REMOVALS)
    if limit is None or removals <= limit:
        return []
    return [
        "%s: the plan revokes or removes %d permissions or memberships, more than the %d allowed%s."
        % (_rule(declared, "max_removals"), removals, limit, " (%s)" % how if how else "")
    ]


def refusals(
    items: list[dict[str, Any]], actual: Any, declared: dict[str, Any], caller: Any = None, people: Any = None
) -> list[str]:
    """Why the plan as a whole is refused, one sentence per breached guardrail ([]: none)."""
    actual = _dict(actual)
    return (
        _min_admins(items, actual, declared)
        + _caller_admin(items, declared, caller, people)
        + _max_removals(items, actual, declared)
    )
