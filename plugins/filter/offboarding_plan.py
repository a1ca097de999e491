# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: offboarding_plan
short_description: The offboarding role's plan - one record per person from the shared reads of step 1
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Used by the P(accessops.atlassian.offboarding#role) role once, after the shared reads and before any write.
  - For each person (in the order given) - the record before the run (workspace membership and role, effective and
    explicit permissions, the account's status, groups and direct roles), the organization groups to leave and those
    kept with the reason (read-only, C(remove_groups) false, or a multi-product group not named in
    C(groups)), or the reason the person is refused - the self-lockout guard
    (P(accessops.atlassian.offboarding_guard#filter)), a person neither member nor
    account, or a failed shared read (every person then fails in step 1, nothing was changed).
  - The run's own API calls of the shared reads are counted once.
options:
  _input:
    description:
      - The role's state - C(workspace), C(people) (the inputs, trimmed and unique), C(check), C(account_action),
        C(remove_groups), C(groups), C(allow_self), C(use_admin_api), C(use_scim), C(steps) (whether each step's tag
        is selected), C(started).
    type: dict
    required: true
  reads:
    description:
      - The registered results of the shared reads - C(workspace_groups) (M(accessops.atlassian.atlassian_group_info)
        with O(accessops.atlassian.atlassian_group_info#module:workspace)), C(users)
        (M(accessops.atlassian.atlassian_user_info)), C(members) (M(accessops.atlassian.bitbucket_member_info) with
        O(accessops.atlassian.bitbucket_member_info#module:emails)), C(members_by_id) (the same, looped over account
        ids), C(whoami), C(admins) (the member listing), C(groups) (the people's groups) and C(error) (the message of
        a failed read, or null). A skipped or missing read is an empty one.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Plan each person from the shared reads
  ansible.builtin.set_fact:
    offboarding__state: "{{ offboarding__state | accessops.atlassian.offboarding_plan(offboarding__reads) }}"
"""

RETURN = r"""
_value:
  description:
    - The state with C(entries) (per person - C(record), C(plan) with C(remove) and C(kept), C(actions), C(after),
      C(residual), C(notes), C(changed), C(calls), C(failed)), C(run_calls), C(workspace_ari), C(workspace_group_ids)
      and C(workspace_group_names). Read it with P(accessops.atlassian.offboarding_todo#filter) and
      P(accessops.atlassian.offboarding_result#filter).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._offboarding.plan import plan


def offboarding_plan(state, reads):
    if not isinstance(state, dict) or not isinstance(state.get("people"), list):
        raise AnsibleFilterError("offboarding_plan expects the role's state (a dict with people)")
    return plan(state, reads if isinstance(reads, dict) else {})


class FilterModule:
    def filters(self):
        return {"offboarding_plan": offboarding_plan}
