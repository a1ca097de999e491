# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan_new
short_description: A new plan document (the changes an approver approves by its id)
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Builds the plan document of docs/plans.md from plan items (P(accessops.atlassian.plan_items#filter)).
  - The document is dated now (UTC), expires O(max_age_hours) later, and its C(id) is the SHA-256 of its whole
    content, so any edit (an item added, a level changed, the expiry pushed) changes the id.
  - The items keep their order.
options:
  _input:
    description: The plan items.
    type: list
    elements: dict
    required: true
  role:
    description: The role that made the plan and will apply it.
    type: str
    required: true
  workspace:
    description: The Bitbucket workspace the plan is for.
    type: str
    required: true
  inputs:
    description: The role's inputs the plan was made from (people, levels), kept for the record.
    type: raw
    default: {}
  created_by:
    description:
      - The identities the plan was made with; an apply run must have the same ones.
      - C(bitbucket) the caller's account id, C(admin) the organization id, C(scim) the SCIM directory id; null when
        the API is not used.
    type: dict
    default: {}
  max_age_hours:
    description: How long the plan may be applied, in hours.
    type: float
    default: 24
  summary:
    description: The plan summary (P(accessops.atlassian.plan_summary#filter)).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Make the plan
  ansible.builtin.set_fact:
    accessops_plan: >-
      {{ plan_items | accessops.atlassian.plan_new(role='offboarding', workspace='acme', inputs={'people': people},
                                                   created_by={'bitbucket': whoami_id, 'admin': org_id, 'scim': None},
                                                   max_age_hours=24, summary=plan_summary) }}
"""

RETURN = r"""
_value:
  description: >-
    The plan document: C(version), C(id), C(role), C(created_at), C(expires_at), C(created_by), C(workspace),
    C(inputs), C(items), C(summary) (docs/plans.schema.json).
  type: dict
"""

from datetime import datetime, timezone

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import new_plan


def plan_new(items, role, workspace, inputs=None, created_by=None, max_age_hours=24, summary=None):
    try:
        return new_plan(
            role=role,
            workspace=workspace,
            inputs=inputs if inputs is not None else {},
            items=list(items or []),
            created_by=dict(created_by or {}),
            now=datetime.now(timezone.utc),  # noqa: UP017 (datetime.UTC is 3.11+)
            max_age_hours=float(max_age_hours),
            summary=dict(summary or {}),
        )
    except (TypeError, ValueError) as err:
        raise AnsibleFilterError("plan_new: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"plan_new": plan_new}
