# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: workspace_access_gather
short_description: Today's workspace access written as a declared file (YAML text)
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Writes today's explicit repository and project permissions (and organization group memberships, when they were
    read) as a workspace access file (docs/workspace_access.md). Applied as is, the file changes nothing - planned by
    P(accessops.atlassian.workspace_access_plan#filter) against the same access, it gives no item.
  - Keys are sorted; each user line is commented with the display name, C((bot)), C((workspace owner)) and
    C((caller)) marked. A person is named by email when known, by account id otherwise. Repositories and projects
    without explicit permissions are left out. The bots found are listed in C(exempt).
options:
  _input:
    description: Today's access, as for P(accessops.atlassian.workspace_access_plan#filter).
    type: dict
    required: true
  people:
    description: Every account the role resolved - C(account_id), C(email), C(display_name), C(bot), C(owner).
    type: list
    elements: dict
    required: true
  workspace:
    description: The workspace (default - C(workspace) of the access).
    type: str
  gathered_at:
    description: When the access was read, written in the header comment.
    type: str
  caller:
    description: The account id of the credentials, marked C((caller)).
    type: str
"""

EXAMPLES = r"""
- name: Write today's access as a file
  ansible.builtin.copy:
    content: >-
      {{ workspace_access__actual | accessops.atlassian.workspace_access_gather(workspace_access__people, 'acme',
         gathered_at=now(utc=true).isoformat()) }}
    dest: workspace-access-acme.yml
    mode: "0600"
"""

RETURN = r"""
_value:
  description: The YAML text of the file (header comment, C(workspace), C(defaults), C(exempt), C(guardrails),
    C(repositories), C(projects), C(groups)).
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.gather import gather


def workspace_access_gather(actual, people, workspace=None, gathered_at=None, caller=None):
    try:
        return gather(actual, people, workspace=workspace, gathered_at=gathered_at, caller=caller)
    except (TypeError, ValueError) as err:
        raise AnsibleFilterError("workspace_access_gather: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"workspace_access_gather": workspace_access_gather}
