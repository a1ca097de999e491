# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: onboarding_state
short_description: The onboarding role's per-person record and the work of its next step, from the results so far
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - The bookkeeping of the role C(accessops.atlassian.onboarding), in one place - the role registers the result of
    each module task and calls this filter to know, per person, where they stand and what the next task does.
  - The steps, in order - C(lookup) (P(accessops.atlassian.atlassian_user_info#module) by email), C(directory) (the
    directory's users, for "did you mean"), C(scim) (P(accessops.atlassian.atlassian_scim_user#module) with C(users)),
    C(invite) (P(accessops.atlassian.atlassian_user#module) C(state=invited), looped), C(group_check) (check mode,
    P(accessops.atlassian.atlassian_group_info#module) for accounts yet to be created), C(groups)
    (P(accessops.atlassian.atlassian_group_member#module), looped), C(members_before) (check mode, who is a workspace
    member already), C(repositories_exist) (check mode, looped), C(repository_grants) and C(project_grants)
    (P(accessops.atlassian.bitbucket_repo_permission#module) and P(accessops.atlassian.bitbucket_project_permission#module),
    looped over each person's permission levels), C(readback) (P(accessops.atlassian.bitbucket_member_info#module)).
  - A step whose result is missing (V(null), not run yet or skipped by a tag) changes nothing; a skipped task (nothing to
    do) counts as run. A person stops at the first step that fails for them; the others go on.
  - Failed tasks are read as registered with C(ignore_errors) - one loop item per person, a failed item is that person's
    failure (with what it applied before failing).
options:
  _input:
    description: C(onboarding_people).
    type: list
    elements: dict
    required: true
  settings:
    description:
      - C(workspace), C(default_groups), C(use_scim), C(create_accounts), C(allowed_domains), C(invite), C(verify) and
        C(check) (the writes are only predicted - check mode, or the plan mode).
    type: dict
    required: true
  results:
    description: The registered result of each step so far, by step name (see above); V(null) for a step not run.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Grant the repository permissions
  accessops.atlassian.bitbucket_repo_permission:
    workspace: acme
    repositories: "{{ onboarding_item.repositories }}"
    user: "{{ onboarding_item.user }}"
    permission: "{{ onboarding_item.permission }}"
  loop: "{{ (onboarding_people | accessops.atlassian.onboarding_state(settings, results)).todo.repository_grants }}"
  loop_control:
    loop_var: onboarding_item
"""

RETURN = r"""
_value:
  description:
    - C(people) - one record per person, in the order of the input - C(email), C(account_id), C(account), C(scim),
      C(invited), C(predicted) (check mode - the account is yet to be created), C(awaiting) (the invitation's account is
      not known yet), C(stopped), C(suggestions), C(groups_added), C(projects_granted), C(projects_have),
      C(repositories_granted), C(verified), C(actions), C(errors).
    - C(todo) - what each step has to do, given the steps before it - C(lookup), C(verify), C(members_before),
      C(group_check), C(repositories_exist), C(verify_repositories), C(verify_account_ids) (lists of emails, group names,
      repository names, account IDs - the read-back checks those repositories, by account ID when every account is
      known), C(directory) (bool),
      C(scim) (the C(users) items), C(invite), C(groups), C(repository_grants), C(project_grants) (loop items, each with
      C(email)); C(accounts) (bool - one of C(directory), C(seats), C(scim), C(invite), C(group_check), C(groups) has
      work) and C(predict) (bool - C(members_before) or C(repositories_exist) has work), which decide whether the role
      includes those steps at all.
    - C(api_calls) - the API calls of every result given (each module's C(api_calls.total), summed).
  type: dict
"""

from ansible_collections.accessops.atlassian.plugins.plugin_utils._onboarding.state import fold


def onboarding_state(people, settings, results):
    return fold(people, settings, results)


class FilterModule:
    def filters(self):
        return {"onboarding_state": onboarding_state}
