# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: offboarding_todo
short_description: What one step of the offboarding role does - the people that reached it, with their targets
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Used by the P(accessops.atlassian.offboarding#role) role for the loop of each write step and the shared reads.
  - Replays the results the earlier steps registered on the planned state, each person stopping at the first failure,
    and returns the people that reached O(step) with something to do - one failure stops only that person.
  - V(collect) (before the plan) - what the shared reads of step 1 read - C(emails), C(account_ids),
    C(explicit_kinds), C(member_emails), C(ids_unnamed), C(need_whoami), C(need_admins), C(group_ids).
  - V(repositories) - C(repositories) with an explicit permission, or (one person, the lists not read) every
    repository the person reaches. V(projects) - C(projects). V(groups) - C(groups), the ids to leave.
    V(verify) - a dict - C(people) (how many), C(emails), C(ids) (people without an email), C(account_ids).
    V(suspend), V(scim_info), V(scim) - the people the account action acts on (C(delete) for V(scim)).
options:
  _input:
    description: The role's state, P(accessops.atlassian.offboarding_plan#filter)'s (the initial state for V(collect)).
    type: dict
    required: true
  step:
    description: The step.
    type: str
    required: true
    choices: [collect, repositories, projects, groups, verify, suspend, scim_info, scim]
  done:
    description:
      - The registered results so far - for V(collect) the reads of P(accessops.atlassian.offboarding_plan#filter);
        else by step C(repositories), C(projects), C(groups), C(members_after), C(members_after_ids), C(users_after),
        C(verify_error), C(suspend), C(scim_info), C(scim). A missing or skipped result is a step that did nothing.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Remove the explicit repository permissions
  accessops.atlassian.bitbucket_repo_permission:
    workspace: acme
    repositories: "{{ offboarding__item.repositories }}"
    users:
      - user: "{{ offboarding__item.account_id }}"
        state: absent
  loop: "{{ offboarding__state | accessops.atlassian.offboarding_todo('repositories') }}"
  loop_control:
    loop_var: offboarding__item
  register: offboarding__repo_removal
  ignore_errors: true
"""

RETURN = r"""
_value:
  description: A list of loop items (C(input), C(account_id), C(email) and the step's targets), or a dict (V(collect), V(verify)).
  type: raw
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._offboarding.steps import todo


def offboarding_todo(state, step, done=None):
    if not isinstance(state, dict) or not isinstance(state.get("people"), list):
        raise AnsibleFilterError("offboarding_todo expects the role's state")
    if step != "collect" and "entries" not in state:
        raise AnsibleFilterError("offboarding_todo(%r) expects the state offboarding_plan returned" % (step,))
    try:
        return todo(state, step, done if isinstance(done, dict) else {})
    except ValueError as err:
        raise AnsibleFilterError("offboarding_todo: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"offboarding_todo": offboarding_todo}
