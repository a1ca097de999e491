# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: onboarding_grants
short_description: What the permission tasks of one person granted, held and failed (also of a failed task)
version_added: "0.4.0"
author:
  - accessops maintainers (@accessops)
description:
  - Reads the registered results of P(accessops.atlassian.bitbucket_repo_permission#module) or
    P(accessops.atlassian.bitbucket_project_permission#module) for one account, one result per permission level, and
    returns what they granted or changed (would, in check mode), the level each target holds after the task, and
    one error line per target that failed.
  - The per-target entries are read from the key C(targets) when present, else from the deprecated C(results).
  - A failed task still lists per target what was applied before the failure, so a person who fails midway is
    reported with the grants that were made. The error lines are built from the per-target failures (not from the
    task message), and the task message is used only when no target failed.
options:
  _input:
    description: The registered results, each with C(onboarding_level) (the permission the task set) added.
    type: list
    elements: dict
    required: true
  kind:
    description: The key naming each target.
    type: str
    choices: [repository, project]
    required: true
"""

EXAMPLES = r"""
- name: Record the repository grants
  ansible.builtin.set_fact:
    grants: "{{ [reg | combine({'onboarding_level': 'write'})] | accessops.atlassian.onboarding_grants('repository') }}"
"""

RETURN = r"""
_value:
  description:
    - "C(granted) (C({target: level}) of the targets changed), C(held) (C({target: level}) of the explicit permission
      of the account after the task, for each target the task could read), C(held_pairs) (the same as C(TARGET=level)
      strings), C(described) (C(write on a, b; read on c) for C(granted)), C(errors) (one C(<kind> <target>: <message>)
      line per failed target) and C(api_calls) (the sum of the results' C(api_calls.total))."
  type: dict
"""


def _targets(result):
    for key in ("targets", "results"):
        targets = result.get(key)
        if isinstance(targets, list) and not any(isinstance(t, dict) and "ansible_loop_var" in t for t in targets):
            return targets
    return []


def _message(result):
    msg = result.get("msg")
    if not isinstance(msg, str) or not msg:
        return "failed (the details are hidden by onboarding_no_log)" if result.get("censored") else "failed"
    return msg.split(". Everything else was applied")[0]


def onboarding_grants(results, kind):
    granted, held, errors, calls = {}, {}, [], 0
    for result in results or []:
        if not isinstance(result, dict):
            continue
        total = (result.get("api_calls") or {}).get("total") if isinstance(result.get("api_calls"), dict) else None
        calls += total if isinstance(total, int) else 0
        if result.get("skipped"):
            continue
        level = result.get("onboarding_level")
        targets = _targets(result)
        target_failed = False
        for entry in targets:
            if not isinstance(entry, dict):
                continue
            name = entry.get(kind)
            if entry.get("changed") and name and level:
                granted[name] = level
            for failure in entry.get("failed") or []:
                target_failed = True
                message = failure.get("message") if isinstance(failure, dict) else str(failure)
                errors.append("%s %s: %s" % (kind, name, message))
        after = (result.get("permissions") or {}).get("after") or {}
        for name, by_account in after.items():
            if isinstance(by_account, dict) and by_account:
                held[name] = next(iter(by_account.values()))
        if result.get("failed") and not target_failed:
            errors.append(_message(result))
    by_level = {}
    for name, level in granted.items():
        by_level.setdefault(level, []).append(name)
    described = "; ".join("%s on %s" % (level, ", ".join(names)) for level, names in sorted(by_level.items()))
    return {
        "granted": granted,
        "held": held,
        "held_pairs": ["%s=%s" % kv for kv in held.items()],
        "described": described,
        "errors": errors,
        "api_calls": calls,
    }


class FilterModule:
    def filters(self):
        return {"onboarding_grants": onboarding_grants}
