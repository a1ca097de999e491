# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding role's steps after the plan, in plain Python (issue 21): what each step's module calls did for
each person (removals, groups, the state after - read or predicted -, the residual access, the account action), the
loop items of each step and the result fact. Pure functions of the planned state and the registered results."""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.accessops.atlassian.plugins.filter.offboarding_removed import _targets, offboarding_removed
from ansible_collections.accessops.atlassian.plugins.plugin_utils._offboarding.plan import (
    NO_ADMIN_NOTE,
    _by_item,
    _calls,
    _dict,
    _direct_grants,
    _fail,
    _failed,
    _list,
    _loop_calls,
    _members_index,
    _msg,
    collect_todo,
    no_error_as_none,
)
from ansible_collections.accessops.atlassian.plugins.plugin_utils._offboarding import tokens as api_tokens


# --- apply, verify, account: what each step's module calls did, person by person ------------------------------------
def _removal_targets(record):
    before = record["before"]
    if record.get("explicit_read", True):
        return list(before.get("explicit_repositories") or {})
    # one person: the lists were not read; the removal reads every repository the person reaches
    return list(before.get("effective") or {})


def _left_after(levels, result, account_id):
    """The explicit levels before, less the targets whose after-state (as the removal answered it) lost the account."""
    gone = [k for k, v in _dict(_dict(_dict(result).get("permissions")).get("after")).items() if account_id not in (v or {})]
    return {k: v for k, v in (levels or {}).items() if k not in gone}


def _step_repositories(entry, result):
    record = entry["record"]
    account_id = record["account_id"]
    permissions = _dict(_dict(result).get("permissions"))
    if not record.get("explicit_read", True) and "permissions" in _dict(result):
        held = {k: v for k, v in _dict(permissions.get("before")).items() if account_id in (v or {})}
        record["before"]["explicit_repositories"] = {k: v[account_id] for k, v in held.items()}
    entry["actions"]["repositories_removed"] = offboarding_removed(result, account_id, "repository")
    entry["changed"] = entry["changed"] or bool(_dict(result).get("changed"))
    entry["calls"]["permissions"] += _calls(result)
    entry["explicit_after"]["repositories"] = _left_after(record["before"].get("explicit_repositories"), result, account_id)


def _step_projects(entry, result):
    record = entry["record"]
    entry["actions"]["projects_removed"] = offboarding_removed(result, record["account_id"], "project")
    entry["changed"] = entry["changed"] or bool(_dict(result).get("changed"))
    entry["calls"]["permissions"] += _calls(result)
    entry["explicit_after"]["projects"] = _left_after(record["before"].get("explicit_projects"), result, record["account_id"])


def _step_groups(state, entry, result):
    entry["actions"]["groups_removed"] = offboarding_removed(result, entry["record"]["account_id"])
    entry["actions"]["groups_kept"] = [g["name"] for g in entry["plan"]["kept"]]
    entry["changed"] = entry["changed"] or bool(_dict(result).get("changed"))
    entry["calls"]["groups"] = _calls(result)
    if not state.get("use_admin_api"):
        entry["notes"].append(NO_ADMIN_NOTE)


def _after_read(state, entry, members, users):
    record, before = entry["record"], entry["record"]["before"]
    key = str(record["email"]).lower() if record["email"] else (record["account_id"] or record["input"])
    member = members.get(key) or {}
    user = users.get(record["account_id"]) or {}
    groups = [g for g in _list(user.get("groups")) if isinstance(g, dict)]
    explicit = entry["explicit_after"]
    return {
        "predicted": False,
        "in_workspace": "account_id" in member,
        "effective": member.get("repository_permissions", {}),
        # as the removals of step 2 answered them (the module read each target just before deleting)
        "explicit_repositories": explicit.get("repositories", before.get("explicit_repositories", {})),
        "explicit_projects": explicit.get("projects", before.get("explicit_projects", {})),
        "granting_groups": [g.get("name") for g in groups if g.get("id") in state["workspace_group_ids"]]
        if state.get("use_admin_api")
        else [],
        "groups": [g.get("name") for g in groups],
        "direct_grants": _direct_grants(user, state.get("workspace_ari")),
        "organization_status": user.get("status"),
    }


def _after_predicted(state, entry):
    before, actions = entry["record"]["before"], entry["actions"]
    granting = [g for g in before.get("granting_groups") or [] if g not in actions["groups_removed"]]
    keeps = bool(before.get("in_workspace") and (granting or before.get("direct_grants") or not state.get("use_admin_api")))
    return {
        "predicted": True,
        "in_workspace": keeps,
        "effective": (before.get("effective") or {}) if keeps else {},
        "explicit_repositories": {
            k: v for k, v in (before.get("explicit_repositories") or {}).items() if k not in actions["repositories_removed"]
        },
        "explicit_projects": {
            k: v for k, v in (before.get("explicit_projects") or {}).items() if k not in actions["projects_removed"]
        },
        "granting_groups": granting,
        "groups": [g["name"] for g in before.get("groups") or [] if g["name"] not in actions["groups_removed"]],
        "direct_grants": before.get("direct_grants") or [],
        "organization_status": before.get("organization_status"),
    }


def residual(state, entry):
    """The residual access of a person, each with its kind and reason, from the state after."""
    workspace, after = state.get("workspace"), entry["after"]
    granting, direct = after.get("granting_groups") or [], after.get("direct_grants") or []
    found = [dict(g, kind="group") for g in entry["plan"]["kept"] if g["name"] in granting]
    if direct:
        found.append(
            {
                "kind": "direct_role",
                "target": workspace,
                "reason": "a role on the workspace given %s, not through a group: revoke it in the organization administration"
                % ", ".join(direct),
            }
        )
    if after.get("in_workspace"):
        if granting:
            why = "still a member through " + ", ".join(granting)
        elif direct:
            why = "a direct role"
        elif not state.get("use_admin_api"):
            why = "the organization Admin API is not configured: product access was not removed"
        else:
            why = "still a workspace member"
        found.append({"kind": "workspace_membership", "target": workspace, "reason": why})
    repositories, projects = after.get("explicit_repositories") or {}, after.get("explicit_projects") or {}
    if after.get("effective"):
        found.append(
            {
                "kind": "effective_permissions",
                "target": workspace,
                "repositories": after["effective"],
                "reason": "through Bitbucket group permissions (repository or project) or the workspace role, while the "
                "person stays a workspace member"
                if not repositories and not projects
                else "explicit permissions are left, and group permissions while the person stays a member",
            }
        )
    if repositories or projects:
        found.append(
            {
                "kind": "explicit_permissions",
                "target": workspace,
                "repositories": repositories,
                "projects": projects,
                "reason": "explicit user permissions that were not removed",
            }
        )
    for group in entry["record"]["before"].get("groups") or []:
        if not group["grants_workspace"] and group["name"] in (after.get("groups") or []) and group["other_products"]:
            found.append(
                dict(
                    group,
                    kind="other_products",
                    reason="grants other products only, not workspace %s: left as is (leaving it would take the person "
                    "out of those products)" % workspace,
                )
            )
    return found


def _account_detail(action, result):
    changed = bool(_dict(result).get("changed"))
    if action == "suspend":
        return "suspended in " + ", ".join(_list(_dict(result).get("directories"))) if changed else "already suspended"
    if action == "scim_deactivate":
        return "SCIM user deactivated" if changed else "SCIM user already deactivated"
    if action == "scim_delete":
        return "SCIM user deleted" if changed else "no SCIM user (already deleted)"
    return "not requested (offboarding_account_action=none)"


def _scim_missing(state, entry, info):
    """Why the account action cannot act on the person's SCIM user (empty when it can)."""
    action, email = state.get("account_action"), entry["record"]["email"]
    if action not in ("scim_deactivate", "scim_delete"):
        return ""
    if email is None:
        why = (
            "the email address of %s is unknown (the Admin API is not configured and the Bitbucket member was not "
            "looked up by email)" % entry["record"]["input"]
        )
    elif action == "scim_deactivate" and _dict(info).get("total") == 0:
        why = "the SCIM directory has no user %s (not provisioned by the identity provider?): use suspend instead" % email
    else:
        return ""
    return "offboarding_account_action=%s: %s" % (action, why)


def _verify_index(done):
    members = _members_index(done.get("members_after"), done.get("members_after_ids"))
    users = {u.get("account_id"): u for u in _list(_dict(done.get("users_after")).get("users")) if isinstance(u, dict)}
    return members, users


ORDER = ("repositories", "projects", "groups", "tokens", "verify", "suspend", "scim_info", "scim_check", "scim", "record")
# the tag of each step's tasks (--skip-tags offboarding_<tag> skips the step and its bookkeeping)
TAG = {"repositories": "permissions", "projects": "permissions", "groups": "groups", "tokens": "tokens", "verify": "verify"}


def _run_step(state, entry, step, result, done, verify_index):
    """One step of one person; returns the failure message (None: go on)."""
    action = state.get("account_action")
    if step == "repositories":
        _step_repositories(entry, result)
    elif step == "projects":
        _step_projects(entry, result)
    elif step == "groups":
        _step_groups(state, entry, result)
    elif step == "tokens":
        # the person's own failure: the step's failure message, reported in the step "tokens"
        return api_tokens.step(state, entry, done.get("tokens_info"), result)
    elif step == "verify":
        if state.get("check"):
            entry["after"] = _after_predicted(state, entry)
        elif no_error_as_none(done.get("verify_error")) is not None:
            return "The read of step 4 (shared by everyone) failed, the changes above were made: %s" % done["verify_error"]
        else:
            entry["after"] = _after_read(state, entry, *verify_index)
        entry["residual"] = residual(state, entry)
    elif step == "scim_check":
        return _scim_missing(state, entry, result) or None
    elif step == "record":
        entry["actions"]["account"] = {
            "action": action,
            "done": action != "none",
            "changed": bool(result.get("changed")),
            "detail": _account_detail(action, result),
        }
        entry["changed"] = entry["changed"] or bool(result.get("changed"))
        entry["calls"]["account"] = _calls(result) + _calls(done["scim_info_of"])
    return _msg(result) if _failed(result) else None


def _plain(value):
    """A copy of ``value`` made of plain dicts and lists. ``copy.deepcopy`` of a lazy container of ansible-core 2.19+
    (what a filter receives) also copies its templar and with it every variable of the task: about a second per task of
    a one-person offboarding."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def advance(state, done, until=None):
    """Replay the steps' registered results on a copy of the planned state, each person stopping at its first failure.

    ``done``: the registered results by step (repositories, projects, groups, members_after, members_after_ids,
    users_after, verify_error, suspend, scim_info, scim; missing ones are skipped steps). ``until``: stop before that
    step (one of ORDER)."""
    state = _plain(state)
    done = dict(state.pop("done", None) or {}, **_dict(done))
    steps = state.get("steps") or {}
    order = ORDER[: ORDER.index(until)] if until in ORDER else ORDER
    by_item = {k: _by_item(done.get(k)) for k in ("repositories", "projects", "groups", "tokens", "suspend", "scim_info", "scim")}
    verify_index = _verify_index(done)
    state["run_calls"]["tokens"] = _calls(done.get("tokens_info"))
    state["run_calls"]["verify"] = (
        _calls(done.get("members_after")) + _loop_calls(done.get("members_after_ids")) + _calls(done.get("users_after"))
    )
    action = state.get("account_action")
    for entry in state["entries"]:
        person = entry["record"]["input"]
        done["scim_info_of"] = by_item["scim_info"].get(person, {})
        for step in order:
            if entry["failed"]:
                break
            if not steps.get(TAG.get(step, "account"), True):
                continue
            if step in ("scim_check", "record"):
                which = {"suspend": "suspend", "scim_deactivate": "scim", "scim_delete": "scim"}.get(action)
                result = by_item[which].get(person, {}) if which and step == "record" else done["scim_info_of"]
                result = {} if step == "record" and not which else result
            else:
                result = by_item.get(step, {}).get(person, {"skipped": True})
            if step == "projects" and _failed(by_item["repositories"].get(person)):
                result = {"skipped": True}
            msg = _run_step(state, entry, step, result, done, verify_index)
            if msg is not None:
                # the removals record both kinds even when the repositories' fails (projects then skipped)
                if step == "repositories":
                    _step_projects(entry, {"skipped": True})
                _fail(entry, {"scim_check": "scim_missing"}.get(step, step), msg)
    return state


def _slim(entry):
    """The part of one loop item's removal result the bookkeeping reads: status, calls, the per-target ``removed``
    lists and the account's own levels before and after (a removal over hundreds of repositories answers far more)."""
    loop_var = entry.get("ansible_loop_var") or "item"
    item = _dict(entry.get(loop_var))
    account_id = item.get("account_id")
    slim = {k: entry[k] for k in ("failed", "msg", "changed", "skipped", "api_calls", "removed", "user") if k in entry}
    slim.update({"ansible_loop_var": loop_var, loop_var: item})
    targets = _targets(entry)
    if targets is not None:
        keys = ("repository", "project", "target", "removed")
        slim["targets"] = [{k: t.get(k) for k in keys if k in t} for t in targets if isinstance(t, dict)]
    if "permissions" in entry:
        permissions = _dict(entry["permissions"])
        slim["permissions"] = {
            side: {
                t: ({account_id: v[account_id]} if account_id in (v or {}) else {})
                for t, v in _dict(permissions.get(side)).items()
            }
            for side in ("before", "after")
        }
    return slim


def record(state, done):
    """The state with what a step registered (``done``, by step as for ``advance``) kept in it, the removals' results
    slimmed to what the bookkeeping reads: later steps then pass the small state instead of the large results."""
    state = dict(state)
    kept = dict(state.get("done") or {})
    for step, result in _dict(done).items():
        if step in ("repositories", "projects"):
            result = dict(_dict(result), results=[_slim(e) for e in _list(_dict(result).get("results")) if isinstance(e, dict)])
        kept[step] = result
    state["done"] = kept
    return state


def todo(state, step, done=None):
    """The loop items of a step: the people that reached it with something to do (``collect``: what the shared
    reads of step 1 ask for; ``verify``: the emails and account ids to read again)."""
    if step == "collect":
        return collect_todo(state, _dict(done))
    state = advance(state, done, until="tokens" if step == "tokens_info" else step)
    pending = [e for e in state["entries"] if not e["failed"]]
    if step == "tokens_info":
        # the accounts whose tokens the shared read lists
        return api_tokens.account_ids(pending) if api_tokens.wanted(state) and state["steps"].get("tokens", True) else []
    if step == "tokens":
        info = _dict(_dict(done).get("tokens_info")) or _dict(_dict(state.get("done")).get("tokens_info"))
        if info.get("failed") or not api_tokens.wanted(state):
            return []
        return [i for i in (api_tokens.revoke_item(e, info) for e in pending) if i is not None]
    action = state.get("account_action")
    items = []
    if step == "verify":
        records = [e["record"] for e in pending]
        emails = []
        for record in records:
            if record["email"] and record["email"].lower() not in emails:
                emails.append(record["email"].lower())
        return {
            "people": len(records),
            "emails": emails,
            "ids": [r["account_id"] for r in records if not r["email"] and r["account_id"]]
            + [r["input"] for r in records if not r["email"] and not r["account_id"]],
            "account_ids": list(dict.fromkeys(r["account_id"] for r in records if r["account_id"])),
        }
    for entry in pending:
        record = entry["record"]
        item = {"input": record["input"], "account_id": record["account_id"], "email": record["email"]}
        if step == "repositories":
            item["repositories"] = _removal_targets(record)
            wanted = bool(item["repositories"])
        elif step == "projects":
            item["projects"] = list(record["before"].get("explicit_projects") or {})
            wanted = bool(item["projects"])
        elif step == "groups":
            item["groups"] = [g["id"] for g in entry["plan"]["remove"]]
            wanted = bool(item["groups"]) and bool(state.get("use_admin_api"))
        elif step == "suspend":
            wanted = action == "suspend"
        elif step == "scim_info":
            wanted = action == "scim_deactivate" and record["email"] is not None
        elif step == "scim":
            item["delete"] = action == "scim_delete"
            wanted = action in ("scim_deactivate", "scim_delete")
        else:
            raise ValueError("no step %r" % (step,))
        if wanted:
            items.append(item)
    return items


def _entry(state, entry):
    failed = entry["failed"]
    after, found = entry["after"], entry["residual"]
    if failed:
        status = "failed"
    elif not after:
        status = "not_verified"
    else:
        status = "residual_access" if [r for r in found if r.get("kind") != "other_products"] else "offboarded"
    calls = dict(entry["calls"])
    calls["total"] = sum(int(v) for v in calls.values())
    return dict(
        entry["record"],
        status=status,
        complete=not failed,
        error=failed["msg"] if failed else None,
        failed_step=failed["step"] if failed else None,
        predicted=bool(state.get("check")),
        changed=entry["changed"],
        actions=entry["actions"],
        after=after,
        residual=found,
        notes=entry["notes"],
        api_calls=calls,
    )


def result(state, done=None, finished=None, reports=None):
    """offboarding_result: the run's options, one entry per person in the order given, the lists by status and the
    API calls (the shared reads counted once, in collect and verify)."""
    state = advance(state, done)
    people = [_entry(state, e) for e in state["entries"]]
    run = state["run_calls"]
    calls = {
        "collect": int(run["collect"]) + sum(p["api_calls"]["collect"] for p in people),
        "permissions": sum(p["api_calls"]["permissions"] for p in people),
        "groups": sum(p["api_calls"]["groups"] for p in people),
        "tokens": int(run.get("tokens", 0)) + sum(p["api_calls"]["tokens"] for p in people),
        "verify": int(run["verify"]) + sum(p["api_calls"]["verify"] for p in people),
        "account": sum(p["api_calls"]["account"] for p in people),
    }
    calls["total"] = sum(calls.values())

    def inputs(status):
        return [p["input"] for p in people if p["status"] == status]

    return {
        "workspace": state.get("workspace"),
        "check_mode": bool(state.get("check")),
        "started": state.get("started"),
        "finished": finished,
        "account_action": state.get("account_action"),
        "remove_groups": bool(state.get("remove_groups")),
        "revoke_api_tokens": bool(state.get("revoke_api_tokens", True)),
        "allowed_groups": state.get("groups") or [],
        "admin_api": bool(state.get("use_admin_api")),
        "scim": bool(state.get("use_scim")),
        "workspace_groups": state.get("workspace_group_names") or [],
        "people": people,
        "offboarded": inputs("offboarded"),
        "residual_access": inputs("residual_access"),
        "not_verified": inputs("not_verified"),
        "incomplete": [p["input"] for p in people if not p["complete"]],
        "api_tokens_not_managed": [p["input"] for p in people if p["actions"]["api_tokens"].get("managed") is False],
        "changed": any(p["changed"] for p in people),
        "api_calls": calls,
        "reports": reports or {"json": None, "markdown": None},
    }
