# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan_refusals
short_description: Why a plan may not be applied here and now (an empty list when it may)
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Checks a plan document before anything is sent, and returns one sentence per reason to refuse it.
  - Refused are a value that is no plan, an unknown version, an id that does not match the content (the plan was
    edited), an expired plan (past C(expires_at), or older than O(max_age_hours)), a plan made in the future (more
    than 5 minutes of clock skew), a plan for another role or workspace, a plan made with other identities, and
    items whose key does not match their content or that appear twice.
  - An identity is compared for each API the plan names one for (C(created_by)); an API used by an item must have
    one.
options:
  _input:
    description: The plan document (the value of C(accessops_plan) in a plan file).
    type: raw
    required: true
  role:
    description: The role that applies the plan.
    type: str
    required: true
  workspace:
    description: The workspace of the apply run.
    type: str
    required: true
  identities:
    description: The identities of the apply run, C(bitbucket) (caller account id), C(admin) (organization id), C(scim) (directory id).
    type: dict
    default: {}
  max_age_hours:
    description: The oldest plan accepted, in hours since it was made.
    type: float
    default: 24
"""

EXAMPLES = r"""
- name: Refuse a plan that is edited, expired or made elsewhere
  ansible.builtin.assert:
    that: refusals | length == 0
    fail_msg: "{{ refusals | join(' ') }}"
  vars:
    refusals: >-
      {{ accessops_plan | accessops.atlassian.plan_refusals(role='offboarding', workspace='acme',
                                                            identities={'bitbucket': whoami_id, 'admin': org_id},
                                                            max_age_hours=24) }}
"""

RETURN = r"""
_value:
  description: The refusals, one sentence each; empty when the plan may be applied.
  type: list
  elements: str
"""

from datetime import datetime, timezone

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import check_plan


def plan_refusals(plan, role, workspace, identities=None, max_age_hours=24):
    try:
        return check_plan(
            plan,
            role=role,
            workspace=workspace,
            identities=dict(identities or {}),
            now=datetime.now(timezone.utc),  # noqa: UP017 (datetime.UTC is 3.11+)
            max_age_hours=float(max_age_hours),
        )
    except (TypeError, ValueError) as err:
        raise AnsibleFilterError("plan_refusals: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"plan_refusals": plan_refusals}
