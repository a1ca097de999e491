# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan items from the journal the write modules append to (option plan_journal): one JSON line per change
``{"item": change, "check_mode": bool, "module": name}``; and the summary of a plan."""

from __future__ import annotations

import json
from typing import Any

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import item_key

# the subject fields a person is known by, in the order names / reasons are looked up
IDENTIFIERS = ("account_id", "email", "user_name", "slug")
ACCOUNT_ACTIONS = {"invited": "invite", "suspended": "suspend", "active": "restore", "removed": "remove"}


def read_journal(text: str) -> list[dict]:
    """The entries of a journal's text, in order; blank lines are skipped, a malformed line is a ValueError that
    names its line number."""
    if not isinstance(text, str):
        raise ValueError("a journal is text (JSON lines), got %s" % type(text).__name__)
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as err:
            raise ValueError("journal line %d is not JSON: %s" % (number, err)) from None
        if not isinstance(entry, dict) or not isinstance(entry.get("item"), dict):
            raise ValueError('journal line %d is no {"item": {...}, ...} entry' % number)
        entries.append(entry)
    return entries


def _action(kind: str, before: Any, after: Any) -> str:
    """The action that takes ``before`` to ``after`` (a merged change may be another action than its parts)."""
    if kind in ("repository_permission", "project_permission"):
        return "grant" if before is None else "revoke" if after is None else "change"
    if kind == "group_membership":
        return "add" if after else "remove"
    if kind == "account":
        return ACCOUNT_ACTIONS.get(after, "remove" if after is None else str(after))
    if kind == "api_token":
        return "revoke_api_token"
    if before is None:
        return "create"
    if after is None:
        return "delete"
    if after == {"active": False} and before == {"active": True}:
        return "deactivate"
    return "update"


def _merge_scim(changes: list[dict]) -> tuple[Any, Any]:
    """before / after of several SCIM changes of one user: per attribute, the first before and the last after."""
    first, last = changes[0], changes[-1]
    before: Any = None
    if isinstance(first.get("before"), dict):
        before = {}
        for change in changes:
            for name, value in (change.get("before") or {}).items():
                before.setdefault(name, value)
    if not isinstance(last.get("after"), dict):
        return before, last.get("after")
    after: dict = {}
    for change in changes:
        if change.get("after") is None:
            after = {}
        else:
            after.update(change.get("after") or {})
    if isinstance(before, dict):
        touched = [name for name in after if before.get(name) != after[name] or name not in before]
        after = {name: after[name] for name in touched}
        before = {name: before.get(name) for name in touched}
    return before, after


def _person(subject: dict, table: dict[str, str]) -> str | None:
    for field in IDENTIFIERS:
        value = subject.get(field)
        if value and value in table:
            return table[value]
    return None


def _default_reason(role: str, who: str) -> str:
    if role == "onboarding":
        return "onboarding: listed in the input"
    if role == "offboarding":
        return "offboarding: %s is offboarded" % who
    return "%s: requested" % role


def items_from_journal(
    entries: list[dict],
    *,
    role: str,
    names: dict[str, str],
    reasons: dict[str, str] | None = None,
    confirmed_by: dict[str, str] | None = None,
) -> list[dict]:
    """The plan items of the journal's changes, in journal order, one per item_key: the first before and the last
    after (an item that ends where it started is dropped), with key, reason, ``subject.display`` and, for the kinds
    in ``confirmed_by``, the role variable that confirmed it."""
    names, reasons, confirmed_by = names or {}, reasons or {}, confirmed_by or {}
    grouped: dict[str, list[dict]] = {}
    for entry in entries:
        change = entry.get("item") if isinstance(entry, dict) else None
        if not isinstance(change, dict):
            raise ValueError("a journal entry has no item: %r" % (entry,))
        grouped.setdefault(item_key(change), []).append(change)
    items = []
    for key, changes in grouped.items():
        first, last = changes[0], changes[-1]
        kind = first["kind"]
        if kind == "scim_user":
            before, after = _merge_scim(changes)
        else:
            before, after = first.get("before"), last.get("after")
        if before == after or (kind == "scim_user" and isinstance(after, dict) and isinstance(before, dict) and not after):
            continue
        subject = dict(last.get("subject") or {})
        for field in IDENTIFIERS:
            # a later change may know what the first did not (the account id of an invited email)
            for change in changes:
                value = (change.get("subject") or {}).get(field)
                if value and not subject.get(field):
                    subject[field] = value
        target = first.get("target")
        # whose change it is: the subject, or for an API token the account that holds it (its target)
        person = dict(target or {}) if kind == "api_token" else subject
        display = _person(person, names)
        if display and kind == "api_token":
            target = dict(target, display=display)
        elif display:
            subject["display"] = display
        who = display or next((str(person[f]) for f in IDENTIFIERS if person.get(f)), "the person")
        item = {
            "key": key,
            "api": first["api"],
            "kind": kind,
            "action": _action(kind, before, after),
            "target": target,
            "subject": subject,
            "before": before,
            "after": after,
            "reason": _person(person, reasons) or _default_reason(role, who),
        }
        if confirmed_by.get(kind):
            item["confirmed_by"] = confirmed_by[kind]
        items.append(item)
    return items


def _admin_group(item: dict) -> tuple:
    subject = item.get("subject") or {}
    who = next((subject.get(f) for f in IDENTIFIERS if subject.get(f)), None)
    if item.get("kind") == "group_membership":
        # one atlassian_group_member call per account and direction, for all its groups
        return ("group_membership", who, item.get("action"))
    if item.get("kind") == "api_token":
        # one atlassian_api_token call per account (one read of its tokens, then a revocation per token)
        return ("api_token", (item.get("target") or {}).get("account_id"))
    return (item.get("kind"), who)


def summarize(items: list[dict], *, refused: list[str], deferred: list[str], calls_spent: int) -> dict:
    """The summary of a plan: counts by action, the guards' refusals, deferred work, and the API calls: those the
    plan run spent and an estimate of the apply run (one write per item, plus the reads that check the state
    first: one per distinct permission target, one per SCIM item, one per Admin API call group)."""
    by_action: dict[str, int] = {}
    targets, admin_groups, scim = set(), set(), 0
    for item in items:
        action = str(item.get("action"))
        by_action[action] = by_action.get(action, 0) + 1
        api = item.get("api")
        if api == "bitbucket":
            targets.add((item.get("kind"), json.dumps(item.get("target"), sort_keys=True)))
        elif api == "scim":
            scim += 1
        elif api == "admin":
            admin_groups.add(_admin_group(item))
    return {
        "items": len(items),
        "by_action": by_action,
        "refused": list(refused or []),
        "deferred": list(deferred or []),
        "api_calls": {"plan": int(calls_spent or 0), "apply_expected": len(items) + len(targets) + scim + len(admin_groups)},
    }
