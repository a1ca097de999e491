# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan_summary
short_description: The summary of a plan (counts, refusals, deferred work, API calls)
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Counts the plan items by action, keeps what the role's guards refused and what it deferred, and records the API
    calls the plan run spent and an estimate of those the apply run will make.
  - The estimate is one write per item plus the reads that check the state before writing - one per distinct
    permission target (repository or project), one per SCIM item, one per Admin API call (the group memberships
    of an account in one direction, or its account change).
options:
  _input:
    description: The plan items.
    type: list
    elements: dict
    required: true
  refused:
    description: What the role's guards refused, one sentence each.
    type: list
    elements: str
    default: []
  deferred:
    description: What the plan leaves for later, one sentence each.
    type: list
    elements: str
    default: []
  calls_spent:
    description: The API calls the plan run made.
    type: int
    default: 0
"""

EXAMPLES = r"""
- name: Summarize the plan
  ansible.builtin.set_fact:
    plan_summary: "{{ plan_items | accessops.atlassian.plan_summary(refused=guard_refusals, calls_spent=calls) }}"
"""

RETURN = r"""
_value:
  description: >-
    C(items) (count), C(by_action) (count per action), C(refused), C(deferred), C(api_calls) (C(plan): spent,
    C(apply_expected): the estimate).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.journal import summarize


def plan_summary(items, refused=None, deferred=None, calls_spent=0):
    try:
        return summarize(
            list(items or []), refused=list(refused or []), deferred=list(deferred or []), calls_spent=int(calls_spent or 0)
        )
    except (TypeError, ValueError) as err:
        raise AnsibleFilterError("plan_summary: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"plan_summary": plan_summary}
