# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The texts of a plan: one line per change (the changes-only view), the Markdown an approver reads, and the
Markdown audit of its application."""

from __future__ import annotations

import json
from typing import Any

SIGNS = {
    "grant": "+",
    "add": "+",
    "create": "+",
    "invite": "+",
    "change": "~",
    "update": "~",
    "deactivate": "~",
    "suspend": "~",
    "restore": "~",
    "revoke": "-",
    "remove": "-",
    "delete": "-",
    "revoke_api_token": "-",
}
SCOPES = {"repository_permission": "repository", "project_permission": "project"}


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def subject_text(item: dict) -> str:
    """Who the change is about: ``subject.display`` when set, else the email, account id, group slug or user_name."""
    subject = _dict(item.get("subject"))
    for field in ("display", "email", "account_id", "slug", "user_name", "id"):
        if subject.get(field):
            return str(subject[field])
    return "(unknown subject)"


def _who(item: dict) -> str:
    if item.get("kind") == "api_token":
        return "API token " + _token_name(item)
    text = subject_text(item)
    return "group " + text if _dict(item.get("subject")).get("type") == "group" else text


def value_text(value: Any) -> str:
    """A before / after value in words: none, a level, yes / no, attribute=value pairs."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join("%s=%s" % (k, json.dumps(v, ensure_ascii=False)) for k, v in value.items()) or "{}"
    return str(value)


def target_text(item: dict) -> str:
    """Where the change is: ``repository infra-core``, ``project INFRA``, ``group NAME``, ``organization ORG``,
    ``SCIM directory ID``."""
    kind = item.get("kind")
    target = _dict(item.get("target"))
    if kind in SCOPES:
        scope = SCOPES[kind]
        return "%s %s" % (scope, target.get(scope))
    if kind == "group_membership":
        return "group %s" % (target.get("group_name") or target.get("group_id"))
    if kind == "account":
        return "organization %s" % target.get("org")
    if kind == "scim_user":
        return "SCIM directory %s" % target.get("directory")
    if kind == "api_token":
        return "account %s" % (target.get("display") or target.get("account_id"))
    return json.dumps(target, sort_keys=True)


def _token_name(item: dict) -> str:
    subject = _dict(item.get("subject"))
    label = subject.get("label") or _dict(item.get("before")).get("label")
    return '"%s" (%s)' % (label, subject.get("id")) if label else str(subject.get("id"))


def token_dates(token: Any) -> str:
    """An API token's dates in words: ``created 2026-01-02, last used 2026-03-04, expires never``."""
    token = _dict(token)
    return "created %s, last used %s, %s" % (
        token.get("created_at") or "unknown",
        token.get("last_access") or "never",
        "expires %s" % token["expires_at"] if token.get("expires_at") else "no expiry date",
    )


def _phrase(item: dict) -> str:
    kind, action = item.get("kind"), item.get("action")
    before, after = item.get("before"), item.get("after")
    who, where = _who(item), target_text(item)
    if kind in SCOPES:
        if action == "grant":
            return "grant %s on %s to %s" % (value_text(after), where, who)
        if action == "revoke":
            return "revoke %s on %s from %s" % (value_text(before), where, who)
        return "change %s -> %s on %s for %s" % (value_text(before), value_text(after), where, who)
    if kind == "group_membership":
        return ("add %s to %s" if action == "add" else "remove %s from %s") % (who, where)
    if kind == "scim_user":
        if action == "update":
            return "update SCIM user %s: %s" % (who, ", ".join(sorted(_dict(after))) or "nothing")
        return "%s SCIM user %s" % (action, who)
    if kind == "account":
        return ("invite %s" % who) if action == "invite" else "%s account %s" % (action, who)
    if kind == "api_token":
        return "revoke API token %s of %s (%s)" % (_token_name(item), where[len("account ") :], token_dates(before))
    return "%s %s %s on %s" % (action, kind, who, where)


def item_line(item: dict) -> str:
    """One line of the changes-only view: sign, what, and the reason (and confirmation) in parentheses."""
    line = "%s %s" % (SIGNS.get(str(item.get("action")), "?"), _phrase(item))
    why = [str(item["reason"])] if item.get("reason") else []
    if item.get("confirmed_by"):
        why.append("confirmed by %s" % item["confirmed_by"])
    return line + (" (%s)" % "; ".join(why) if why else "")


def _items(plan: dict) -> list[dict]:
    return [i for i in plan.get("items") or [] if isinstance(i, dict)]


def _plural(count: int, word: str) -> str:
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def changes_view(plan: dict) -> list[str]:
    """The plan in a few lines: a header, one line per change, what the guards refused and what was deferred."""
    items = _items(plan)
    summary = _dict(plan.get("summary"))
    lines = [
        "Plan %s (%s, workspace %s): %s, expires %s"
        % (
            str(plan.get("id") or "")[:12],
            plan.get("role"),
            plan.get("workspace"),
            _plural(len(items), "change"),
            plan.get("expires_at"),
        )
    ]
    lines.extend(item_line(item) for item in items)
    if not items:
        lines.append("  no change")
    for title, key in (("refused by guards:", "refused"), ("deferred:", "deferred")):
        entries = summary.get(key) or []
        if entries:
            lines.append(title)
            lines.extend("  %s" % entry for entry in entries)
    return lines


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else value_text(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ") or " "


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| %s |" % " | ".join(header), "|%s" % ("---|" * len(header))]
    lines.extend("| %s |" % " | ".join(_cell(c) for c in row) for row in rows)
    return lines


def _identities(created_by: dict) -> str:
    named = ["%s `%s`" % (api, value) for api, value in created_by.items() if value is not None]
    return ", ".join(named) or "none"


def _bullets(entries: list, empty: str) -> list[str]:
    return ["- %s" % _cell(e) for e in entries] if entries else ["- %s" % empty]


def plan_markdown(plan: dict) -> str:
    """The approval text: what the plan is, every change (key, action, target, subject, before -> after, reason,
    confirmation), what the guards refused, what was deferred, how to apply it."""
    items = _items(plan)
    summary = _dict(plan.get("summary"))
    role, plan_id = plan.get("role"), plan.get("id")
    calls = _dict(summary.get("api_calls"))
    by_action = _dict(summary.get("by_action"))
    lines = ["# Plan %s: %s, workspace %s" % (str(plan_id or "")[:12], role, plan.get("workspace")), ""]
    lines += _table(
        ["Field", "Value"],
        [
            ["Plan id", "`%s`" % plan_id],
            ["Role", role],
            ["Workspace", plan.get("workspace")],
            ["Created", plan.get("created_at")],
            ["Expires", plan.get("expires_at")],
            ["Made with", _identities(_dict(plan.get("created_by")))],
            ["Changes", "%d (%s)" % (len(items), ", ".join("%s %s" % (a, n) for a, n in by_action.items()) or "none")],
            ["API calls", "plan: %s, apply (expected): %s" % (calls.get("plan", "?"), calls.get("apply_expected", "?"))],
        ],
    )
    lines += ["", "## Changes", ""]
    if items:
        rows = [
            [
                n,
                "`%s`" % item.get("key"),
                "%s %s" % (SIGNS.get(str(item.get("action")), "?"), item.get("action")),
                target_text(item),
                _who(item),
                "%s -> %s" % (value_text(item.get("before")), value_text(item.get("after"))),
                item.get("reason") or "",
                item.get("confirmed_by") or "",
            ]
            for n, item in enumerate(items, 1)
        ]
        lines += _table(["#", "Key", "Action", "Target", "Subject", "Before -> after", "Reason", "Confirmed by"], rows)
    else:
        lines.append("No change: applying this plan writes nothing.")
    lines += ["", "## Refused by the guards", ""] + _bullets(summary.get("refused") or [], "none")
    lines += ["", "## Deferred", ""] + _bullets(summary.get("deferred") or [], "none")
    lines += [
        "",
        "## How to apply",
        "",
        "Approve this plan id, then run the same role in apply mode with the plan file and the workspace (the people"
        " are not needed: the plan's items are what is done):",
        "",
        "```",
        "ansible-playbook accessops.atlassian.%s -e @%s-plan-%s.json -e %s_workspace=%s -e %s_mode=apply"
        % (role, role, plan_id, role, plan.get("workspace"), role),
        "```",
        "",
        "The apply run refuses a plan that was edited, has expired, or is applied to another workspace or with other"
        " credentials; a change whose current state is neither its before nor its after is reported stale and not"
        " written.",
        "",
    ]
    return "\n".join(lines)


def _entry_item(entry: Any) -> dict:
    """An item of an apply result list: the item itself, or the ``item`` of a {item, found} / {item, msg} entry."""
    if isinstance(entry, dict) and isinstance(entry.get("item"), dict):
        return entry["item"]
    return entry if isinstance(entry, dict) else {}


def result_markdown(plan: dict, result: dict) -> str:
    """The audit of an apply run: plan id, approver, then the items applied, already in place, stale (expected
    vs found), failed (with the message) and not attempted."""
    result = _dict(result)
    items = _items(plan)
    refused = result.get("refused") or []
    calls = _dict(result.get("api_calls"))
    lines = [
        "# Applied plan %s: %s, workspace %s" % (str(plan.get("id") or "")[:12], plan.get("role"), plan.get("workspace")),
        "",
    ]
    lines += _table(
        ["Field", "Value"],
        [
            ["Plan id", "`%s`" % (result.get("plan_id") or plan.get("id"))],
            ["Approved by", result.get("approved_by") or "not recorded"],
            ["Plan made", plan.get("created_at")],
            ["Plan expires", plan.get("expires_at")],
            ["Changes planned", len(items)],
            [
                "Outcome",
                "refused"
                if refused
                else "%d applied, %d already, %d stale, %d failed, %d not attempted"
                % tuple(len(result.get(k) or []) for k in ("applied", "already", "stale", "failed", "not_attempted")),
            ],
            ["API calls", calls.get("total", "?")],
        ],
    )
    if refused:
        lines += ["", "## Refused: nothing was sent", ""] + _bullets(refused, "none")
    sections = [
        ("Applied", "applied", lambda e: []),
        ("Already in place (nothing written)", "already", lambda e: []),
        ("Stale (nothing written: the state changed since the plan)", "stale", lambda e: [_stale(e)]),
        ("Failed", "failed", lambda e: [_dict(e).get("msg") or ""]),
        ("Not attempted", "not_attempted", lambda e: []),
    ]
    for title, key, extra in sections:
        entries = result.get(key) or []
        lines += ["", "## %s" % title, ""]
        if not entries:
            lines.append("None.")
            continue
        header = ["Key", "Change"] + (["Expected -> found"] if key == "stale" else ["Message"] if key == "failed" else [])
        lines += _table(header, [["`%s`" % _entry_item(e).get("key"), item_line(_entry_item(e))] + extra(e) for e in entries])
    lines.append("")
    return "\n".join(lines)


def _stale(entry: Any) -> str:
    item = _entry_item(entry)
    return "%s -> %s" % (value_text(item.get("before")), value_text(_dict(entry).get("found")))
