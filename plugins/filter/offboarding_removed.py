# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: offboarding_removed
short_description: What a removal task applied for one account, from its per-target results (also of a failed task)
version_added: "0.4.0"
author:
  - accessops maintainers (@accessops)
description:
  - Reads the per-target results of P(accessops.atlassian.bitbucket_repo_permission#module) or
    P(accessops.atlassian.bitbucket_project_permission#module) - the key C(targets) when present, else the deprecated
    C(results) - and returns the targets (repository slugs or project keys) where the account was removed (would be,
    in check mode).
  - A failed task still lists per target what was applied before the failure, so a person who fails midway is
    reported with the removals that were made.
  - For P(accessops.atlassian.atlassian_group_member#module) (a result with C(removed) as a list of names and no
    per-target list), returns C(removed) when the result is about the account (its C(user.account_id), when
    present).
  - A skipped or missing result gives an empty list.
options:
  _input:
    description: The registered result of the removal task.
    type: raw
    required: true
  account_id:
    description: The account whose removals are wanted.
    type: str
    required: true
  key:
    description: The key naming each target (C(repository) or C(project)); guessed when not given.
    type: str
"""

EXAMPLES = r"""
- name: Record the repositories the removal took the person out of
  ansible.builtin.set_fact:
    removed: "{{ removal | accessops.atlassian.offboarding_removed(person.account_id) }}"
"""

RETURN = r"""
_value:
  description: The targets where the account was removed, in the order of the results.
  type: list
  elements: str
"""


def _targets(result):
    targets = result.get("targets")
    if isinstance(targets, list):
        return targets
    targets = result.get("results")
    # a looped task's `results` are loop items (each with `ansible_loop_var`), not per-target entries
    if isinstance(targets, list) and not any(isinstance(t, dict) and "ansible_loop_var" in t for t in targets):
        return targets
    return None


def offboarding_removed(result, account_id, key=None):
    if not isinstance(result, dict) or result.get("skipped") or not account_id:
        return []
    targets = _targets(result)
    if targets is None:
        removed = result.get("removed")
        user = result.get("user")
        if isinstance(removed, list) and (not isinstance(user, dict) or user.get("account_id") in (None, account_id)):
            return [r for r in removed if isinstance(r, str)]
        return []
    found = []
    for entry in targets:
        if not isinstance(entry, dict) or account_id not in (entry.get("removed") or []):
            continue
        name = entry.get(key) if key else (entry.get("repository") or entry.get("project") or entry.get("target"))
        if name and name not in found:
            found.append(name)
    return found


class FilterModule:
    def filters(self):
        return {"offboarding_removed": offboarding_removed}
