#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: atlassian_group_info
short_description: Find the groups of an Atlassian organization, the products they grant, and their members
version_added: "0.2.0"
author:
  - accessops maintainers (@accessops)
description:
  - Reads the groups of the organization's directory with the organization Admin API, by name, by ID, by the
    product they grant (a Bitbucket O(workspace) or any O(resource_id)), or all of them.
  - For each group it returns its member count, whether the API lets this key change it (groups synced from an
    identity provider cannot be), and its role assignments - which product each group grants, with which role - so a
    playbook can ask which groups give access to a Bitbucket workspace.
  - With O(include_members), the members of each group too.
  - The module only reads; it never changes anything.
extends_documentation_fragment:
  - accessops.atlassian.admin
  - accessops.atlassian.attributes.info_module
  - accessops.atlassian.attributes.admin_actiongroup
  - accessops.atlassian.attributes.in_process
options:
  names:
    description:
      - Only the groups with these names (exact, without regard to case).
      - Can be combined with O(ids). When O(names), O(ids), O(workspace) and O(resource_id) are all left out, every
        group of the directory is returned.
    type: list
    elements: str
  ids:
    description:
      - Only the groups with these IDs.
    type: list
    elements: str
  workspace:
    description:
      - Only the groups that hold a role on this Bitbucket workspace (its slug, as in C(bitbucket.org/{workspace})).
      - The workspace is looked up among the organization's products; a workspace that is not one fails the task.
      - With O(names) or O(ids), keeps those of the named groups that hold a role on it.
      - The result then has the workspace's RV(seats), from the same look-up (no extra request).
      - Mutually exclusive with O(resource_id).
    type: str
  resource_id:
    description:
      - Only the groups that hold a role on this product resource (its ARI, such as
        C(ari:cloud:confluence::site/<uuid>)).
      - Mutually exclusive with O(workspace).
    type: str
  include_role_assignments:
    description:
      - Return the role assignments of each group (one request per group, and one for the organization's products,
        to name them).
      - The groups found by O(workspace) or O(resource_id) are checked on their role assignments in any case.
    type: bool
    default: true
  include_members:
    description:
      - Also return the members of each group (one search per group, 100 members a request).
    type: bool
    default: false
seealso:
  - module: accessops.atlassian.atlassian_group_member
  - module: accessops.atlassian.atlassian_user_info
  - name: Organizations REST API
    description: The API this module calls.
    link: https://developer.atlassian.com/cloud/admin/organization/rest/intro/
"""

EXAMPLES = r"""
- name: Which groups give access to the Bitbucket workspace acme?
  accessops.atlassian.atlassian_group_info:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    workspace: acme
  register: acme_groups

- name: Show the groups a new hire may be added to (not synced from the identity provider)
  ansible.builtin.debug:
    msg: "{{ acme_groups.groups | rejectattr('read_only_reason') | map(attribute='name') | list }}"

- name: Read one group with its members
  accessops.atlassian.atlassian_group_info:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    names:
      - bitbucket-admins-acme
    include_members: true
  register: admins

- name: Show the product admins of acme
  ansible.builtin.debug:
    msg: "{{ admins.groups[0].members | map(attribute='email') | list }}"
"""

RETURN = r"""
groups:
  description:
    - The groups found, each once.
    - C(read_only_reason) says why this key cannot change the group (synced from an identity provider, or not
      modifiable), or is null.
    - C(role_assignments) (with O(include_role_assignments)) has one entry a resource, with the roles the group
      grants there; C(resource_name) is the product's name (a Bitbucket workspace's slug).
    - C(members) only with O(include_members), each shaped as the C(users) of M(accessops.atlassian.atlassian_user_info).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 0e35343a-3bbd-59e8-bdb5-d019d29449e6
      name: bitbucket-users-acme
      description: Product access to the Bitbucket workspace acme
      directory_id: 2ef0f675-904a-5eed-949f-2d150ffd0457
      external_synced: false
      managed_by: admins
      modifiable: true
      deletable: true
      member_count: 261
      read_only_reason: null
      role_assignments:
        - resource_id: ari:cloud:bitbucket::workspace/952d8857-3e73-43ed-b43d-a762b5770684
          resource_owner: bitbucket
          resource_name: acme
          roles:
            - atlassian/user
          default_role: atlassian/user
not_found:
  description: The names and IDs asked for that the directory does not have.
  returned: always
  type: list
  elements: str
  sample: []
seats:
  description:
    - The seats of the Bitbucket O(workspace), as the organization's workspace search gives them - C(capacity) its
      seat limit, C(usage) the seats in use, C(available) what is left (C(capacity) - C(usage), never below 0).
    - The spec describes C(usage) in odd words ("the maximum number of active users/seats allowed ... (soft
      limit)"); the collection reads it as the seats in use, the number it is compared with C(capacity) as.
    - Each is null when the API leaves it out.
  returned: when O(workspace) is set
  type: dict
  version_added: 0.3.0
  sample:
    capacity: 300
    usage: 262
    available: 38
resource_id:
  description: The resource the groups were filtered on (the ARI of O(workspace), or O(resource_id)).
  returned: when O(workspace) or O(resource_id) is set
  type: str
  sample: ari:cloud:bitbucket::workspace/952d8857-3e73-43ed-b43d-a762b5770684
api_calls:
  description: The HTTP requests sent to the Admin API, in total and by method (retries included).
  returned: always
  type: dict
  sample:
    total: 5
    POST: 2
    GET: 3
rate_limit:
  description: The rate-limit headers of the last answer that had some (C(remaining), C(reset)); empty when none had.
  returned: always
  type: dict
  sample: {}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.info import group_info
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import admin_argument_spec, admin_client
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module


def main():
    spec = admin_argument_spec()
    spec.update(
        names=dict(type="list", elements="str"),
        ids=dict(type="list", elements="str"),
        workspace=dict(type="str"),
        resource_id=dict(type="str"),
        include_role_assignments=dict(type="bool", default=True),
        include_members=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=spec, mutually_exclusive=[("workspace", "resource_id")], supports_check_mode=True)
    run_module(module, admin_client, lambda client, module: group_info(client, module.params))


if __name__ == "__main__":
    main()
