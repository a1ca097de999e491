# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: onboarding_group_problems
short_description: Why organization groups could not be given to an account (missing, or synced from an IdP)
version_added: "0.4.0"
author:
  - accessops maintainers (@accessops)
description:
  - From the result of P(accessops.atlassian.atlassian_group_info#module) read for the groups a person is to join,
    returns one line per group that P(accessops.atlassian.atlassian_group_member#module) would refuse - a name or ID
    the directory does not have, or a group this key cannot change (C(read_only_reason), such as a group synced from
    an identity provider).
  - The role C(accessops.atlassian.onboarding) uses it in check mode for an account that is yet to be created, so that
    the check run reports what the real run would meet.
options:
  _input:
    description: The registered result of P(accessops.atlassian.atlassian_group_info#module).
    type: dict
    required: true
  wanted:
    description: The group names or IDs the person is to join.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: What the real run would refuse
  ansible.builtin.debug:
    msg: "{{ info | accessops.atlassian.onboarding_group_problems(['bitbucket-users-acme', 'okta-engineering']) }}"
"""

RETURN = r"""
_value:
  description: One line per group that would be refused, in the order of O(wanted).
  type: list
  elements: str
"""


def onboarding_group_problems(info, wanted):
    info = info if isinstance(info, dict) else {}
    groups = [g for g in info.get("groups") or [] if isinstance(g, dict)]
    missing = {str(n).lower() for n in info.get("not_found") or []}
    problems = []
    for name in wanted or []:
        key = str(name).lower()
        group = next((g for g in groups if key in (str(g.get("name", "")).lower(), str(g.get("id", "")).lower())), None)
        if group is None:
            if key in missing or "groups" in info:
                problems.append("no group %s in the organization directory" % name)
            continue
        reason = group.get("read_only_reason")
        if reason:
            problems.append("cannot add the account to the group %s: %s" % (group.get("name") or name, reason))
    return problems


class FilterModule:
    def filters(self):
        return {"onboarding_group_problems": onboarding_group_problems}
