# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan_result_markdown
short_description: The Markdown audit of a plan's application
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - From the plan and the result of P(accessops.atlassian.plan_apply#module), the audit text of the apply run - the
    plan id, who approved it, and the changes applied, already in place, stale (the state expected by the plan and
    the one found), failed (with the message) and not attempted; or the refusals when nothing was sent.
options:
  _input:
    description: The plan document.
    type: dict
    required: true
  result:
    description:
      - The registered result of P(accessops.atlassian.plan_apply#module).
      - Its key C(approved_by), when the caller adds it (the role's C(accessops_approved_by)), names the approver.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Write the audit of the apply run
  ansible.builtin.copy:
    content: >-
      {{ accessops_plan | accessops.atlassian.plan_result_markdown(applied | combine({'approved_by': accessops_approved_by})) }}
    dest: "{{ report_dir }}/offboarding-applied-{{ accessops_plan.id }}.md"
    mode: "0600"
"""

RETURN = r"""
_value:
  description: The Markdown text.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.render import result_markdown


def plan_result_markdown(plan, result):
    if not isinstance(plan, dict) or not isinstance(result, dict):
        raise AnsibleFilterError("plan_result_markdown: takes a plan document and a plan_apply result")
    try:
        return result_markdown(plan, result)
    except ValueError as err:
        raise AnsibleFilterError("plan_result_markdown: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"plan_result_markdown": plan_result_markdown}
