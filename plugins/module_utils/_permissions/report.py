# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The result of a permission task, from what was read, planned and applied: one entry per target in ``targets``
(and its deprecated alias ``results``, the same list; users at the top, groups under ``groups``, the target's own
``diff`` and ``stale``), the before/after permissions, the ``--diff`` text, ``changes`` (one change item per target
and subject changed, the shared item schema of the plans) and ``stale`` (the subjects whose ``expect`` did not hold).
Check mode reports the plans, a real run what was applied, with the same code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils._engine import Plan, make_diff

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.identity import Directory
    from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.desired import Wishes
    from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.engine import TargetState
    from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import Scope


class Outcome:
    """What was applied to one target for one subject: ``add``/``update``/``remove`` like a Plan, plus ``failed``
    and ``fatal`` (an error that stops the task)."""

    def __init__(self) -> None:
        self.add = {}
        self.update = {}
        self.remove = {}
        self.failed = []
        self.fatal = None


def failure(name: str, key: str | None, operation: str, err: Exception | str) -> dict[str, Any]:
    """The record of one failed operation on a target, as listed in its ``failed``: ``{name: key}`` (``user`` or
    ``group``: who, None for a read of the target), ``operation``, ``status`` and ``message``. ``err``: the error, or
    the message of an operation not attempted (no HTTP status)."""
    if isinstance(err, str):
        status, message = None, err
    else:
        status, message = getattr(err, "status", None), getattr(err, "message", None) or str(err)
    return {name: key, "operation": operation, "status": status, "message": message}


def _lists(done: Plan | Outcome, plan: Plan) -> dict[str, list[str]]:
    return {
        "added": sorted(done.add),
        "updated": sorted(done.update),
        "removed": sorted(done.remove),
        "unchanged": sorted(plan.unchanged),
    }


def _target_result(
    scope: Scope, state: TargetState, plans: dict[str, Plan], outcomes: dict[str, Outcome] | None, check_mode: bool
) -> tuple[dict[str, Any], dict[str, tuple[dict[str, Any], dict[str, Any]]]]:
    """The result entry of one target, and {subject: (before, after)}."""
    result = {
        scope.name: state.target,
        "changed": False,
        "added": [],
        "updated": [],
        "removed": [],
        "unchanged": [],
        "protected": [],
        "failed": [],
        "diff": {},
        "stale": stale_items(scope, state),
    }
    if state.error is not None:
        result["failed"].append(failure("user", None, "read", state.error))
        return result, {}
    sides = {}
    for name, plan in plans.items():
        outcome = (outcomes or {}).get(name) or Outcome()
        done = plan if check_mode else outcome
        lists = _lists(done, plan)
        if name == "user":
            result.update(lists)
            result["protected"] = sorted(plan.protected)
        else:
            result["groups"] = dict(lists, protected=sorted(plan.protected))
        result["changed"] = result["changed"] or bool(done.add or done.update or done.remove)
        if not check_mode:
            result["failed"].extend(outcome.failed)
        before = plan.before()
        sides[name] = (before, plan.after(None if check_mode else outcome))
    return result, sides


def stale_items(scope: Scope, state: TargetState) -> list[dict[str, Any]]:
    """The stale subjects of one target, users before groups, in the order of the entries: ``{scope.name: target,
    "user"|"group": key, "expected": level or None, "found": level or None}``."""
    return [
        {scope.name: state.target, name: key, "expected": expected, "found": found}
        for name in ("user", "group")
        for key, (expected, found) in state.stale.get(name, {}).items()
    ]


def change_items(scope: Scope, workspace: str, target: str, name: str, done: Plan | Outcome) -> list[dict[str, Any]]:
    """The change items of one target and subject kind (``name``: ``user`` or ``group``) for what ``done`` holds
    (the plan in check mode, the applied part of it in a real run), in the order they are sent: revokes, changes,
    grants, keys sorted. Users are named by account id, groups by slug."""
    items = []
    for action, source in (("revoke", done.remove), ("change", done.update), ("grant", done.add)):
        for key in sorted(source):
            if action == "revoke":
                before, after = source[key], None
            elif action == "change":
                before, after = source[key]
            else:
                before, after = None, source[key]
            items.append(
                {
                    "api": "bitbucket",
                    "kind": "%s_permission" % scope.name,
                    "action": action,
                    "target": {"workspace": workspace, scope.name: target},
                    "subject": {"type": "user", "account_id": key} if name == "user" else {"type": "group", "slug": key},
                    "before": before,
                    "after": after,
                }
            )
    return items


def render_permissions(users: dict[str, str], groups: dict[str, str], known: dict[str, dict[str, Any]]) -> str:
    """Explicit permissions as YAML text for ``--diff``: one ``"account_id": permission`` line per user, sorted by
    account id, with the display name and email (when known) as a comment; then one ``"group:slug": permission``
    line per group."""
    lines = []
    for account_id, permission in sorted(users.items()):
        info = known.get(account_id) or {}
        label = " ".join(
            part for part in (info.get("display_name"), "<%s>" % info["email"] if info.get("email") else None) if part
        )
        lines.append('"%s": %s%s' % (account_id, permission, "  # " + label if label else ""))
    for slug, permission in sorted(groups.items()):
        lines.append('"group:%s": %s' % (slug, permission))
    return "".join(line + "\n" for line in lines)


def _failure_message(scope: Scope, results: list[dict[str, Any]], check_mode: bool = False) -> str:
    failed = [r for r in results if r["failed"]]
    parts = []
    for entry in failed[:5]:
        first = entry["failed"][0]
        who = first.get("user") or first.get("group")
        parts.append("%s (%s%s: %s)" % (entry[scope.name], first["operation"], " %s" % who if who else "", first["message"]))
    more = " and %d more" % (len(failed) - 5) if len(failed) > 5 else ""
    if check_mode:  # nothing was applied: say what a real run would meet
        return "Check mode: %d of %d %s would fail: %s%s. Nothing was changed; the others are listed in targets." % (
            len(failed),
            len(results),
            scope.plural,
            "; ".join(parts),
            more,
        )
    return (
        "Failed on %d of %d %s: %s%s. Everything else was applied and is listed in targets; fix the cause and run "
        "the task again to complete it." % (len(failed), len(results), scope.plural, "; ".join(parts), more)
    )


def report(
    scope: Scope,
    workspace: str,
    states: list[TargetState],
    plans: dict[str, dict[str, Plan]],
    outcomes: dict[str, dict[str, Outcome]],
    wishes: dict[str, Wishes],
    directory: Directory,
    check_mode: bool,
) -> tuple[dict[str, Any], bool]:
    """``(result, failed)`` of the task."""
    results, diffs, changes, stale = [], [], [], []
    sides_of = {}
    for state in states:
        by_subject = plans.get(state.target, {})
        entry, sides = _target_result(scope, state, by_subject, outcomes.get(state.target), check_mode)
        results.append(entry)
        stale.extend(entry["stale"])
        done_of = by_subject if check_mode else (outcomes.get(state.target) or {})
        for name in ("user", "group"):
            if name in done_of:
                changes.extend(change_items(scope, workspace, state.target, name, done_of[name]))
        if state.error is None:
            sides_of[state.target] = sides
        if entry["changed"]:
            header = "%s/%s" % (workspace, state.target)
            users = sides.get("user", ({}, {}))
            groups = sides.get("group", ({}, {}))
            # each entry carries its own diff: in a loop, ansible-core's callbacks read the deprecated ``results``
            # alias as the loop's own list and show the diffs of its entries
            entry["diff"] = make_diff(
                render_permissions(users[0], groups[0], directory.users),
                render_permissions(users[1], groups[1], directory.users),
                before_header=header,
                after_header=header,
            )
            diffs.append(entry["diff"])
    result = {
        "changed": any(r["changed"] for r in results),
        "diff": diffs,
        "targets": results,
        # deprecated alias of targets (the same list), removed in 0.3.0
        "results": results,
        "failed_%s" % scope.plural: [r[scope.name] for r in results if r["failed"]],
        "changes": changes,
        "stale": stale,
    }
    for name, key in (("user", "permissions"), ("group", "group_permissions")):
        if name in wishes:
            result[key] = {
                "before": {t: s[name][0] for t, s in sides_of.items()},
                "after": {t: s[name][1] for t, s in sides_of.items()},
            }
    users = wishes.get("user")
    if users is not None:
        involved = set(users.involved)
        for sides in sides_of.values():
            involved.update(sides["user"][0])
        result["users"] = {k: v for k, v in sorted(directory.users.items()) if k in involved}
        result["not_found"] = users.not_found
    else:
        result["users"] = {}
        result["not_found"] = []
    failed = bool(result["failed_%s" % scope.plural])
    if failed:
        result["msg"] = _failure_message(scope, results, check_mode)
    return result, failed
