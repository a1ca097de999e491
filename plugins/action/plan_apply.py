# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of accessops.atlassian.plan_apply (documented in plugins/modules/plan_apply.py): apply exactly the
items of an approved plan with the collection's write modules, refusing stale ones.

The plan is checked first (check_plan of plugin_utils/_plan/document.py): a refused plan sends nothing. Then every
call that calls_for (plugin_utils/_plan/apply.py) derives from the items runs its module (in this worker on the
controller, plugin_utils/_in_process.py, else with ActionBase._execute_module), the
``module_args`` of its API merged in; a failed call does not stop the next one (the calls are independent), and a SCIM write runs only when its re-read
found the item's ``before``. Nothing runs that is not derived from an item.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ansible.errors import AnsibleActionFail

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.apply import (
    Call,
    PlanItemError,
    calls_for,
    classify,
    reread_verdict,
)
from ansible_collections.accessops.atlassian.plugins.modules.plan_apply import argument_spec
from ansible_collections.accessops.atlassian.plugins.plugin_utils._in_process import InProcessModules
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import check_plan, plain_times

COLLECTION = "accessops.atlassian"
APIS = ("bitbucket", "admin", "scim")


# Options module_args may not set: what the calls derive from the items, and what would widen a call beyond them
# (exclusive removes unlisted permissions, exempt goes with it, allow_self_removal lifts a safety rule).
RESERVED = {
    "bitbucket": {
        "workspace",
        "repository",
        "repositories",
        "project",
        "projects",
        "user",
        "users",
        "group",
        "groups",
        "permission",
        "state",
        "exclusive",
        "exempt",
    },
    "admin": {"user", "groups", "state", "allow_self_removal", "account_id", "token_ids", "token_id", "all"},
    "scim": {
        "user_name",
        "users",
        "state",
        "active",
        "email",
        "given_name",
        "family_name",
        "display_name",
        "nick_name",
        "title",
        "department",
        "organization",
        "timezone",
        "preferred_language",
        "locale",
        "external_id",
    },
}

_UTC = timezone.utc  # noqa: UP017 (controller code is compiled for older Pythons by ansible-test too)


def reserved_options(module_args: dict[str, Any]) -> list[str]:
    """``api.option`` for every option of ``module_args`` the apply sets itself or never lets widen a call."""
    return ["%s.%s" % (api, name) for api in APIS for name in sorted(module_args.get(api) or {}) if name in RESERVED[api]]


def _add_api_calls(total: dict[str, int], result: dict[str, Any]) -> None:
    counts = result.get("api_calls")
    if isinstance(counts, dict):
        for method, count in counts.items():
            if isinstance(count, int) and not isinstance(count, bool):
                total[method] = total.get(method, 0) + count


class ActionModule(InProcessModules):
    """Apply an approved plan (see plugins/modules/plan_apply.py); each call runs in this worker when it may."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result, task_vars, args = self.begin(tmp, task_vars, argument_spec())
        module_args = args.get("module_args") or {}
        reserved = reserved_options(module_args)
        if reserved:
            raise AnsibleActionFail(
                "module_args may not set %s: the apply derives those from the plan's items only. Nothing was sent."
                % ", ".join(reserved)
            )
        if args["max_age_hours"] <= 0:
            raise AnsibleActionFail("max_age_hours must be a positive number. Nothing was sent.")
        plan = plain_times(args["plan"])
        result.update(self._empty(plan))
        refused = check_plan(
            plan,
            role=args["role"],
            workspace=args["workspace"],
            identities=args.get("identities") or {},
            now=datetime.now(_UTC),
            max_age_hours=args["max_age_hours"],
        )
        calls: list[Call] = []
        if not refused:
            try:
                calls = calls_for(plan.get("items") or [])
            except PlanItemError as err:
                refused = ["The plan cannot be applied: %s." % err]
        if refused:
            result.update(failed=True, refused=refused, msg="The plan was refused; nothing was sent: " + " ".join(refused))
            return result
        try:
            self._apply(calls, module_args, task_vars, result)
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return self._conclude(result)

    @staticmethod
    def _empty(plan: Any) -> dict[str, Any]:
        return {
            "plan_id": plan.get("id") if isinstance(plan, dict) else None,
            "refused": [],
            "applied": [],
            "already": [],
            "stale": [],
            "failed_items": [],
            "not_attempted": [],
            "changed": False,
            "api_calls": {"total": 0, "module_calls": 0, "rereads": 0},
            "calls": [],
        }

    def _with_module_defaults(self, fqcn: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """``arguments`` over the task's ``module_defaults`` for ``fqcn`` (its action groups included), as ansible-core's
        own package and service actions do for the module they pick."""
        try:
            from ansible.executor.module_common import _apply_action_arg_defaults
        except ImportError:  # ansible-core < 2.19
            from ansible.executor.module_common import get_action_args_with_defaults

            return get_action_args_with_defaults(
                fqcn,
                arguments,
                self._task.module_defaults,
                self._templar,
                action_groups=self._task._parent._play._action_groups,
            )
        return _apply_action_arg_defaults(fqcn, self._task, arguments, self._templar)

    def _run_call(self, call: Call, module_args: dict[str, Any], task_vars: dict[str, Any]) -> dict[str, Any]:
        fqcn = "%s.%s" % (COLLECTION, call.module)
        arguments = dict(module_args.get(call.api) or {})
        arguments.update(call.args)
        arguments = self._with_module_defaults(fqcn, arguments)
        for name in RESERVED[call.api] - set(call.args):
            arguments.pop(name, None)  # from module_defaults: only the items say what a call does
        return self.run_collection_module(fqcn, arguments, task_vars)

    def _apply(self, calls: list[Call], module_args: dict[str, Any], task_vars: dict[str, Any], result: dict[str, Any]) -> None:
        counts: dict[str, int] = {"total": 0}
        to_write: set[str] = set()  # keys of the SCIM items whose re-read found their before
        refused_by: dict[str, str] = {}  # api -> the call whose credentials were refused (HTTP 401)
        for call in calls:
            if call.needs_reread and not all(key in to_write for key in call.keys):
                continue  # settled by its re-read (already, stale or failed): nothing written
            if call.api in refused_by:
                result["not_attempted"].extend(call.items)  # the same credentials would be refused again
                continue
            try:
                outcome = self._run_call(call, module_args, task_vars)
            except Exception as err:  # a call that could not run at all: the next ones still may
                outcome = {"failed": True, "msg": "the module %s could not be run: %s" % (call.module, err)}
            if not isinstance(outcome, dict):
                outcome = {"failed": True, "msg": "the module %s returned no result" % call.module}
            _add_api_calls(counts, outcome)
            result["api_calls"]["module_calls"] += 1
            applied, already, stale, failed = classify(call, outcome)
            if call.reread:
                result["api_calls"]["rereads"] += 1
                if not outcome.get("failed"):
                    to_write.update(item["key"] for item in call.items if reread_verdict(item, outcome)[0] == "write")
            if outcome.get("failed") and outcome.get("status") == 401:
                refused_by[call.api] = call.module
            changed = bool(outcome.get("changed")) and not call.reread
            result["changed"] = result["changed"] or changed
            result["applied"].extend(applied)
            result["already"].extend(already)
            result["stale"].extend(stale)
            result["failed_items"].extend(failed)
            result["calls"].append(
                {"module": call.module, "items": call.keys, "changed": changed, "failed": bool(outcome.get("failed"))}
            )
        result["api_calls"].update(counts)

    def _conclude(self, result: dict[str, Any]) -> dict[str, Any]:
        done = "would be applied (check mode)" if self._task.check_mode else "applied"
        result["check_mode"] = bool(self._task.check_mode)
        counts = {name: len(result[name]) for name in ("applied", "already", "stale", "failed_items", "not_attempted")}
        summary = "Plan %s: %d %s, %d already in place, %d stale (not written), %d failed, %d not attempted." % (
            str(result["plan_id"])[:12],
            counts["applied"],
            done,
            counts["already"],
            counts["stale"],
            counts["failed_items"],
            counts["not_attempted"],
        )
        result["msg"] = summary
        if counts["stale"] or counts["failed_items"] or counts["not_attempted"]:
            result["failed"] = True
            keys = [entry["item"]["key"] for entry in result["stale"] + result["failed_items"]]
            keys += [item["key"] for item in result["not_attempted"]]
            result["msg"] = summary + " Not done: " + ", ".join(keys)
        return result
