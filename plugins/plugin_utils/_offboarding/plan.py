# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding role's plan, in plain Python (issue 21): what the shared reads of step 1 ask for and, from their
answers, one record per person (before, the groups to leave or keep, a refusal of the guard). steps.py replays what
each later step did. The filters offboarding_plan, offboarding_todo and offboarding_result are thin over both.

A *state* is the dict the role keeps between tasks (``offboarding__state``): the run's options, then (``plan``) one
record per person and the run's own calls. The module results the later tasks registered are never merged into the
state by a task: ``advance(state, done)`` replays them (each person stops at its first failure), so the loop items of
a step and the result fact are pure functions of the state and the registered results.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.accessops.atlassian.plugins.filter.offboarding_guard import offboarding_guard
from ansible_collections.accessops.atlassian.plugins.plugin_utils._offboarding.tokens import new_tokens

ADMIN_ROLES = ("owner", "collaborator")
STEPS = ("collect", "permissions", "groups", "tokens", "verify", "account")
# the task names a failure is reported under (failed_step)
STEP_NAMES = {
    "collect": "Stop when the shared reads of step 1 failed",
    "guard": "Refuse to lock the run or the workspace out (the caller, the owner, the last admins)",
    "unknown": "Stop when the person is neither a workspace member nor an account of the organization",
    "repositories": "Remove the explicit repository permissions",
    "projects": "Remove the explicit project permissions",
    "groups": "Leave the groups that grant the workspace",
    "tokens": "Revoke the API tokens",
    "verify": "Stop when the shared read of step 4 failed",
    "suspend": "Suspend the account in the organization's directory",
    "scim_info": "Find the SCIM user",
    "scim_missing": "Stop when the account has no SCIM user to act on",
    "scim": "Deactivate or delete the SCIM user",
}
NO_ADMIN_NOTE = "the organization Admin API is not configured: group memberships (product access) were neither read nor changed"


def no_error_as_none(value: Any) -> Any:
    """A registered error of the role's shared reads, or None. ansible-core 2.16 templates a null inside a dict of
    vars to an empty string (or "None"), later versions keep None: all of them mean no error."""
    return None if value in (None, "", "None") else value


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return value if isinstance(value, list) else []


def _calls(result):
    try:
        return int(_dict(_dict(result).get("api_calls")).get("total") or 0)
    except (TypeError, ValueError):
        return 0


def _loop_calls(result):
    return sum(_calls(r) for r in _list(_dict(result).get("results")))


def _by_item(result):
    """{loop item key: item result} of a looped task (the key: the item's ``input``, or the item itself)."""
    found = {}
    for entry in _list(_dict(result).get("results")):
        if not isinstance(entry, dict):
            continue
        item = entry.get(entry.get("ansible_loop_var") or "item")
        key = item.get("input") if isinstance(item, dict) else item
        found[key] = entry
    return found


def _failed(result):
    return bool(_dict(result).get("failed"))


def _msg(result):
    return _dict(result).get("msg") or "failed"


def tag_selected(tag, run_tags=None, skip_tags=None):
    """Whether a task tagged only ``tag`` runs under ``--tags`` / ``--skip-tags`` (ansible_run_tags, ansible_skip_tags)."""
    run_tags, skip_tags = list(run_tags or ["all"]), list(skip_tags or [])
    if tag in skip_tags or "tagged" in skip_tags or "all" in skip_tags:
        return False
    return "all" in run_tags or "tagged" in run_tags or tag in run_tags


def _flatten(value):
    if isinstance(value, list):
        for one in value:
            yield from _flatten(one)
    else:
        yield value


def _direct_grants(user, ari):
    """The kinds of grant (not a group) of the account's roles on the workspace, each once."""
    found = []
    for assignment in _list(user.get("role_assignments")):
        if isinstance(assignment, dict) and assignment.get("resource_id") == ari:
            for grant in _flatten(assignment.get("granted_by")):
                kind = _dict(grant).get("type")
                if kind != "group" and kind not in found:
                    found.append(kind)
    return found


def _set_levels(levels):
    return {k: v for k, v in _dict(levels).items() if v != "none"}


# --- read: what the reads of step 1 ask for -------------------------------------------------------------------------
def _users_index(result):
    users = [u for u in _list(_dict(result).get("users")) if isinstance(u, dict)]
    index = {str(u.get("email") or "").lower(): u for u in users}
    index.update({u.get("account_id"): u for u in users})
    return index


def _members_index(result, by_id):
    index = {str(m["email"]).lower(): m for m in _list(_dict(result).get("members")) if isinstance(m, dict) and "email" in m}
    for entry in _list(_dict(by_id).get("results")):
        if isinstance(entry, dict) and "member" in entry:
            index[entry.get(entry.get("ansible_loop_var") or "item")] = entry["member"]
    return index


def collect_todo(state, reads):
    """What the shared reads of step 1 read, from the reads made so far."""
    people = state["people"]
    emails = [p for p in people if "@" in p]
    ids = [p for p in people if "@" not in p]
    users = _users_index(reads.get("users"))
    named = [i for i in ids if i in users]
    member_emails = []
    for email in emails + [users[i].get("email") for i in named if users[i].get("email")]:
        if email.lower() not in member_emails:
            member_emails.append(email.lower())
    members = _members_index(reads.get("members"), reads.get("members_by_id"))
    return {
        "emails": emails,
        "account_ids": [i for i in ids if not i.startswith("{")],
        "explicit_kinds": ["projects"] if len(people) == 1 else ["repositories", "projects"],
        "member_emails": member_emails,
        "ids_unnamed": [i for i in ids if i not in users],
        "need_whoami": not state.get("allow_self") and _dict(reads.get("members")).get("current_user") is None,
        "need_admins": any(_dict(m).get("workspace_permission") in ADMIN_ROLES for m in members.values()),
        "group_ids": list(
            dict.fromkeys(
                g.get("id") for u in _list(_dict(reads.get("users")).get("users")) for g in _list(_dict(u).get("groups"))
            )
        ),
    }


# --- plan: one record per person from the shared reads ----------------------------------------------------------------
def _person_groups(user, groups_before, ws_group_ids, ari):
    mine = [_dict(g).get("id") for g in _list(user.get("groups"))]
    found = []
    for group in groups_before:
        if not isinstance(group, dict) or group.get("id") not in mine:
            continue
        found.append(
            {
                "id": group.get("id"),
                "name": group.get("name"),
                "read_only_reason": group.get("read_only_reason"),
                "grants_workspace": group.get("id") in ws_group_ids,
                "other_products": [
                    _dict(a).get("resource_name")
                    for a in _list(group.get("role_assignments"))
                    if _dict(a).get("resource_id") != ari
                ],
            }
        )
    return found


def _group_plan(state, groups):
    allowed = [str(g) for g in state.get("groups") or []]
    remove, kept = [], []
    for group in groups:
        if not group["grants_workspace"]:
            continue
        named = str(group["name"]).lower() in [a.lower() for a in allowed] or group["id"] in allowed
        if group["read_only_reason"]:
            reason = "read-only for this key (%s)" % group["read_only_reason"]
        elif not state.get("remove_groups"):
            reason = "offboarding_remove_groups is false"
        elif group["other_products"] and not named:
            reason = "kept: also grants %s; name it in offboarding_groups to remove it" % ", ".join(group["other_products"])
        else:
            reason = ""
        if reason:
            kept.append(dict(group, reason=reason))
        else:
            remove.append(group)
    return {"remove": remove, "kept": kept}


def _new_person(state, person):
    return {
        "record": {
            "input": person,
            "account_id": None,
            "email": person if "@" in person else None,
            "display_name": None,
            "before": {},
        },
        "plan": {"remove": [], "kept": []},
        "actions": {
            "repositories_removed": [],
            "projects_removed": [],
            "groups_removed": [],
            "groups_kept": [],
            "api_tokens": new_tokens(state),
            "account": {"action": state.get("account_action"), "changed": False, "done": False, "detail": "not requested"},
        },
        "after": {},
        "residual": [],
        "notes": [],
        "changed": False,
        "calls": {"collect": 0, "permissions": 0, "groups": 0, "tokens": 0, "verify": 0, "account": 0},
        "explicit_after": {},
        "failed": None,
    }


def _fail(entry, step, msg):
    entry["failed"] = {"step": STEP_NAMES[step], "msg": msg}


def plan(state, reads):
    """The state with one record per person (before, the groups to leave or keep, a refusal) and the run's calls."""
    state = dict(state)
    state["steps"] = {
        step: tag_selected("offboarding_" + step, state.get("run_tags"), state.get("skip_tags"))
        for step in ("permissions", "groups", "tokens", "verify", "account", "report")
    }
    ws_groups = _dict(reads.get("workspace_groups"))
    ari = ws_groups.get("resource_id")
    has_ws = "resource_id" in ws_groups
    ws_group_ids = [g.get("id") for g in _list(ws_groups.get("groups"))] if has_ws else []
    state["workspace_ari"] = ari
    state["workspace_group_ids"] = ws_group_ids
    state["workspace_group_names"] = [g.get("name") for g in _list(ws_groups.get("groups"))] if has_ws else []
    users = _users_index(reads.get("users"))
    members = _members_index(reads.get("members"), reads.get("members_by_id"))
    caller = _dict(reads.get("members")).get("current_user") or _dict(reads.get("whoami")).get("current_user")
    everyone = _dict(reads.get("admins"))
    admins = (
        [m.get("account_id") for m in _list(everyone.get("members")) if _dict(m).get("workspace_permission") in ADMIN_ROLES]
        if "members" in everyone
        else None
    )
    groups_before = _list(_dict(reads.get("groups")).get("groups"))
    state["run_calls"] = {
        "collect": (_calls(ws_groups) if has_ws else 0)
        + sum(_calls(reads.get(k)) for k in ("members", "users", "whoami", "admins", "groups"))
        + _loop_calls(reads.get("members_by_id")),
        "tokens": 0,
        "verify": 0,
    }
    error = no_error_as_none(reads.get("error"))
    entries = []
    for person in state["people"]:
        entry = _new_person(state, person)
        entries.append(entry)
        if error is not None:
            _fail(entry, "collect", "The reads of step 1 (shared by everyone) failed, nothing was changed: %s" % error)
            continue
        by_email = "@" in person
        key = person.lower() if by_email else person
        member_key = key if by_email else (str(_dict(users.get(person)).get("email") or "").lower() or person)
        member = members.get(member_key) or {}
        user = users.get(key if by_email else member.get("account_id", person)) or {}
        explicit = _dict(member.get("explicit_permissions"))
        groups = _person_groups(user, groups_before, ws_group_ids, ari)
        record = entry["record"]
        record.update(
            {
                "account_id": member.get("account_id", user.get("account_id")),
                "explicit_read": "repositories" in explicit or "account_id" not in member,
                "email": user.get("email", member.get("email", record["email"])),
                "display_name": member.get("display_name", user.get("name")),
                "before": {
                    "in_workspace": "account_id" in member,
                    "workspace_permission": member.get("workspace_permission"),
                    "effective": member.get("repository_permissions", {}),
                    "explicit_repositories": _set_levels(explicit.get("repositories")),
                    "explicit_projects": _set_levels(explicit.get("projects")),
                    "organization_status": user.get("status"),
                    "groups": groups,
                    "granting_groups": [g["name"] for g in groups if g["grants_workspace"]],
                    "direct_grants": _direct_grants(user, ari),
                },
            }
        )
        refusal = offboarding_guard(
            record,
            caller=caller,
            people=list(members.values()),
            workspace_admins=admins,
            allow_self=bool(state.get("allow_self")),
            workspace=state.get("workspace") or "",
        )
        if refusal:
            _fail(entry, "guard", "%s: %s" % (person, refusal))
            continue
        if not record["before"]["in_workspace"] and record["before"]["organization_status"] is None:
            _fail(
                entry,
                "unknown",
                "%s is not a member of workspace %s%s: nothing to check or remove (a typo?). Explicit permissions of people "
                "who already left the workspace cannot be listed."
                % (
                    person,
                    state.get("workspace"),
                    " and has no account in the organization directory"
                    if state.get("use_admin_api")
                    else " (and the Admin API is not configured, so the organization directory was not searched)",
                ),
            )
            continue
        entry["plan"] = _group_plan(state, groups)
    state["entries"] = entries
    return state
