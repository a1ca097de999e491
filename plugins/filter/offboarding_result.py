# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: offboarding_result
short_description: The result fact of the offboarding role (offboarding_result) from the plan and every step's results
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Used by the P(accessops.atlassian.offboarding#role) role once, after the last step.
  - Replays every step's registered results on the planned state, each person stopping at the first failure - what
    the removals applied (also those of a removal that failed midway, from its per-target results), the groups left
    and kept, the state after (read again, or predicted in check mode), the residual access with its reasons, the
    account action.
  - Each person's C(status) - V(failed) (with C(error) and C(failed_step)), V(not_verified) (step 4 did not run),
    V(residual_access), or V(offboarded) (no residual access but groups that grant other products only).
options:
  _input:
    description: The state P(accessops.atlassian.offboarding_plan#filter) returned.
    type: dict
    required: true
  done:
    description: The registered results by step, as for P(accessops.atlassian.offboarding_todo#filter).
    type: dict
    default: {}
  finished:
    description: When the run finished (UTC, C(%Y-%m-%dT%H:%M:%SZ)).
    type: str
  reports:
    description: The report files (C(json), C(markdown)), or null when none is written.
    type: dict
  credentials:
    description:
      - The credential check of the run (C(plan_credentials), set by the task file C(credentials) of the role
        C(accessops.atlassian.plan) - P(accessops.atlassian.credential_warnings#filter)); its C(api_calls) are the
        C(credentials) counter of C(api_calls) (only with this option), in the total.
    type: dict
    version_added: "0.3.0"
"""

EXAMPLES = r"""
- name: Build the result
  ansible.builtin.set_fact:
    offboarding_result: >-
      {{ offboarding__state | accessops.atlassian.offboarding_result(offboarding__done,
                                                                     finished=now(utc=true, fmt='%Y-%m-%dT%H:%M:%SZ')) }}
"""

RETURN = r"""
_value:
  description:
    - C(offboarding_result) - C(workspace), C(check_mode), C(started), C(finished), C(account_action),
      C(remove_groups), C(allowed_groups), C(admin_api), C(scim), C(workspace_groups), C(people) (in the order given),
      C(offboarded), C(residual_access), C(not_verified), C(incomplete), C(changed), C(api_calls) (C(credentials),
      C(collect), C(permissions), C(groups), C(tokens), C(verify), C(account), C(total)), C(reports) and
      C(credentials) (the credential check given - C(warnings), C(expired), C(notes), C(credentials) - or V(null)).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._offboarding.steps import result


def _calls(credentials):
    calls = credentials.get("api_calls") if isinstance(credentials, dict) else None
    return calls if isinstance(calls, int) and not isinstance(calls, bool) else 0


def offboarding_result(state, done=None, finished=None, reports=None, credentials=None):
    if not isinstance(state, dict) or "entries" not in state:
        raise AnsibleFilterError("offboarding_result expects the state offboarding_plan returned")
    value = result(state, done if isinstance(done, dict) else {}, finished=finished, reports=reports)
    value["credentials"] = credentials if isinstance(credentials, dict) else None
    if value["credentials"] is not None:
        calls = _calls(credentials)
        value["api_calls"] = dict(value["api_calls"], credentials=calls, total=value["api_calls"]["total"] + calls)
    return value


class FilterModule:
    def filters(self):
        return {"offboarding_result": offboarding_result}
