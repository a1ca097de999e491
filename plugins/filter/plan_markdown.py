# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan_markdown
short_description: The Markdown text an approver reads before approving a plan
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - A header table (id, role, workspace, created, expires, identities, counts, API calls), the table of the changes
    (key, action, target, subject, before -> after, reason, confirmed by), what the guards refused, what was
    deferred, and how to apply the plan (C(-e @<role>-plan-<id>.json -e <role>_mode=apply)).
options:
  _input:
    description: The plan document.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Write the approval text beside the plan
  ansible.builtin.copy:
    content: "{{ accessops_plan | accessops.atlassian.plan_markdown }}"
    dest: "{{ report_dir }}/offboarding-plan-{{ accessops_plan.id }}.md"
    mode: "0600"
"""

RETURN = r"""
_value:
  description: The Markdown text.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.render import plan_markdown as render_plan_markdown


def plan_markdown(plan):
    if not isinstance(plan, dict):
        raise AnsibleFilterError("plan_markdown: the input is no plan document")
    try:
        return render_plan_markdown(plan)
    except ValueError as err:
        raise AnsibleFilterError("plan_markdown: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"plan_markdown": plan_markdown}
