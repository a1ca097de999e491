# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: workspace_access_actual
short_description: Today's access of a workspace, from the results of the reads of the workspace_access role
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Puts the registered results of M(accessops.atlassian.bitbucket_permission_info) (the explicit repository and
    project permissions) and M(accessops.atlassian.atlassian_group_info) (organization groups, with their members) into
    the one C(actual) value that P(accessops.atlassian.workspace_access_plan#filter) and
    P(accessops.atlassian.workspace_access_gather#filter) compare the declared file with.
  - A read that was skipped (a result without the key) gives an empty list of repositories or projects; a skipped or
    absent group read gives C(groups=null) (the Admin API is not used).
options:
  _input:
    description: The registered result of M(accessops.atlassian.bitbucket_permission_info) (or a skipped one).
    type: dict
    required: true
  groups:
    description: The registered result of M(accessops.atlassian.atlassian_group_info) with C(include_members=true).
    type: dict
  workspace:
    description: The workspace slug.
    type: str
"""

EXAMPLES = r"""
- name: Today's access
  ansible.builtin.set_fact:
    actual: "{{ permissions | accessops.atlassian.workspace_access_actual(groups=org_groups, workspace='acme') }}"
"""

RETURN = r"""
_value:
  description:
    - C(workspace); C(repositories) and C(projects) as M(accessops.atlassian.bitbucket_permission_info) returns them;
      C(groups) - null, or a list of C({id, name, members}) with each member C({account_id, email, display_name}).
  type: dict
"""


def _list(result, key):
    value = result.get(key) if isinstance(result, dict) else None
    return list(value) if isinstance(value, list) else []


def _groups(result):
    if not isinstance(result, dict) or not isinstance(result.get("groups"), list):
        return None
    groups = []
    for group in result["groups"]:
        members = [
            {"account_id": m.get("account_id"), "email": m.get("email"), "display_name": m.get("name") or m.get("display_name")}
            for m in group.get("members") or []
            if isinstance(m, dict) and m.get("account_id")
        ]
        groups.append(
            {"id": group.get("id"), "name": group.get("name"), "members": sorted(members, key=lambda m: m["account_id"])}
        )
    return sorted(groups, key=lambda g: str(g["name"]).lower())


def workspace_access_actual(permissions, groups=None, workspace=None):
    return {
        "workspace": workspace,
        "repositories": _list(permissions, "repositories"),
        "projects": _list(permissions, "projects"),
        "groups": _groups(groups),
    }


class FilterModule:
    def filters(self):
        return {"workspace_access_actual": workspace_access_actual}
