# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: plan_items
short_description: The plan items of a plan journal (the changes the write modules predicted or made)
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Reads the text of a plan journal, the file the write modules append one JSON line per change to when their
    option C(plan_journal) (or the environment variable E(ACCESSOPS_PLAN_JOURNAL)) is set, and returns the items of a
    plan (docs/plans.md).
  - The changes are kept in journal order and de-duplicated by item key (API, kind, target, subject); a change
    reported several times keeps its first C(before) and its last C(after); one that ends where it started is dropped.
  - Each item gets its C(key), a C(reason) and C(subject.display) (the name the approver knows the person by).
  - A malformed line fails the task with its line number.
options:
  _input:
    description: The journal's text (JSON lines); a list of already parsed entries is accepted too.
    type: raw
    required: true
  role:
    description: The role the plan is for (C(onboarding), C(offboarding)); it gives the default reason.
    type: str
    required: true
  names:
    description: The name to show for a person, by account id, email or SCIM user name (for example their email).
    type: dict
    default: {}
  reasons:
    description:
      - The reason of the changes of a person, by account id, email or SCIM user name.
      - "Default: C(onboarding: listed in the input) or C(offboarding: <person> is offboarded)."
    type: dict
    default: {}
  confirmed_by:
    description: The role variable that confirmed the changes of a kind, by kind (for example C(account)).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Turn the check run's journal into plan items
  ansible.builtin.set_fact:
    plan_items: >-
      {{ lookup('ansible.builtin.file', journal_path)
         | accessops.atlassian.plan_items('offboarding', names=people_names,
                                          confirmed_by={'account': 'offboarding_confirm_org_wide',
                                                        'scim_user': 'offboarding_confirm_org_wide'}) }}
"""

RETURN = r"""
_value:
  description:
    - The plan items, each a change (C(api), C(kind), C(action), C(target), C(subject), C(before), C(after)) with
      C(key), C(reason) and, when given for its kind, C(confirmed_by).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.journal import items_from_journal, read_journal


def plan_items(journal, role, names=None, reasons=None, confirmed_by=None):
    try:
        entries = journal if isinstance(journal, list) else read_journal(journal or "")
        return items_from_journal(entries, role=role, names=names or {}, reasons=reasons or {}, confirmed_by=confirmed_by or {})
    except ValueError as err:
        raise AnsibleFilterError("plan_items: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"plan_items": plan_items}
