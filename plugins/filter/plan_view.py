# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan_view
short_description: A plan as a few plain lines (the changes only)
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - A header line (role, workspace, the first 12 characters of the id, the number of changes, the expiry), one line
    per change and the refusals and deferred work of the plan's summary.
  - A change line starts with C(+) (grant, add, create, invite), C(~) (change, update, deactivate, suspend, restore)
    or C(-) (revoke, remove, delete) and ends with its reason in parentheses, for example
    C(+ grant write on repository infra-core to jane@acme.example) followed by the reason.
options:
  _input:
    description: The plan document.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Show what the plan would change
  ansible.builtin.debug:
    msg: "{{ accessops_plan | accessops.atlassian.plan_view }}"
"""

RETURN = r"""
_value:
  description: The lines.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.render import changes_view


def plan_view(plan):
    if not isinstance(plan, dict):
        raise AnsibleFilterError("plan_view: the input is no plan document")
    try:
        return changes_view(plan)
    except ValueError as err:
        raise AnsibleFilterError("plan_view: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"plan_view": plan_view}
