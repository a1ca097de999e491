# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: offboarding_record
short_description: Keep what a step of the offboarding role registered in the role's state, slimmed
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Used by the P(accessops.atlassian.offboarding#role) role after a step whose results are large (the removal of
    the explicit permissions of hundreds of repositories) - the state keeps, per person, only what the bookkeeping
    reads (status, API calls, the per-target C(removed) lists and the person's own levels before and after), so the
    later steps pass the small state to P(accessops.atlassian.offboarding_todo#filter) and
    P(accessops.atlassian.offboarding_result#filter) instead of the large registered results.
  - A result recorded here is replayed like one passed in their O(accessops.atlassian.offboarding_todo#filter:done)
    (one passed there for the same step wins).
options:
  _input:
    description: The state P(accessops.atlassian.offboarding_plan#filter) returned.
    type: dict
    required: true
  done:
    description: The registered results to keep, by step (as for P(accessops.atlassian.offboarding_todo#filter)).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Keep what the repository removals did
  ansible.builtin.set_fact:
    offboarding__state: >-
      {{ offboarding__state | accessops.atlassian.offboarding_record({'repositories': offboarding__repo_removal}) }}
"""

RETURN = r"""
_value:
  description: The state, with the results kept under C(done).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._offboarding.steps import record


def offboarding_record(state, done):
    if not isinstance(state, dict) or "entries" not in state:
        raise AnsibleFilterError("offboarding_record expects the state offboarding_plan returned")
    return record(state, done if isinstance(done, dict) else {})


class FilterModule:
    def filters(self):
        return {"offboarding_record": offboarding_record}
