# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan_view_items
short_description: Plan items as plain lines, one per item
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - The change lines of P(accessops.atlassian.plan_view#filter) for a list of plan items (for example the stale items
    of an apply run), without the plan's header.
  - A value of the list that is not an item is skipped.
options:
  _input:
    description: The plan items.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Show the items an apply run found stale
  ansible.builtin.debug:
    msg: "{{ applied.stale | map(attribute='item') | accessops.atlassian.plan_view_items }}"
"""

RETURN = r"""
_value:
  description: One line per item, for example C(- revoke admin on project INFRA from jane@acme.example) and its reason.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.render import item_line


def plan_view_items(items):
    if isinstance(items, (dict, str)):
        raise AnsibleFilterError("plan_view_items: takes a list of plan items")
    try:
        return [item_line(item) for item in items or [] if isinstance(item, dict)]
    except ValueError as err:
        raise AnsibleFilterError("plan_view_items: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"plan_view_items": plan_view_items}
