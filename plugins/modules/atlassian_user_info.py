#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: atlassian_user_info
short_description: Find the accounts of an Atlassian organization, their groups and product access
version_added: "0.2.0"
author:
  - accessops maintainers (@accessops)
description:
  - Reads the users of the organization's directory with the organization Admin API, by exact email address, by
    account ID, or all of them.
  - For each user it returns the status in the organization (active, suspended...), the groups, the products the user
    can reach, and, with O(include_role_assignments), every role held on every product and how it was given
    (directly, through which groups, or inferred).
  - Finds accounts by email even when they are not Bitbucket workspace members (the Bitbucket members email filter
    only finds members), so a playbook can find the account of a new hire before giving Bitbucket access.
  - The module only reads; it never changes anything.
extends_documentation_fragment:
  - accessops.atlassian.admin
  - accessops.atlassian.attributes.info_module
  - accessops.atlassian.attributes.admin_actiongroup
options:
  emails:
    description:
      - Only the accounts with these email addresses (exact, without regard to case).
      - Can be combined with O(account_ids); when neither is given, every user of the directory is returned.
    type: list
    elements: str
  account_ids:
    description:
      - Only the accounts with these Atlassian account IDs.
    type: list
    elements: str
  include_role_assignments:
    description:
      - Also read the role assignments of each user found (one request per user, and one per group that grants a
        role, read once per task), and the organization's products (one request) to name them.
      - V(false) returns the groups and product access only, which cost no extra request.
    type: bool
    default: true
notes:
  - Requests sent, besides paging (100 users a request, 100 emails or 10 account IDs a request) -
    one search, then with O(include_role_assignments) one request for the products, one per user, one per group
    through which a role is held.
seealso:
  - module: accessops.atlassian.atlassian_user
  - module: accessops.atlassian.atlassian_group_member
  - module: accessops.atlassian.atlassian_group_info
  - name: Organizations REST API
    description: The API this module calls.
    link: https://developer.atlassian.com/cloud/admin/organization/rest/intro/
"""

EXAMPLES = r"""
# org_id and vault_admin_api_key come from the inventory or a vault. admin_url defaults to
# https://api.atlassian.com (or the ATLASSIAN_ADMIN_URL environment variable).
- name: Find a new hire's account
  accessops.atlassian.atlassian_user_info:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    emails:
      - newhire02@acme.example
  register: found

- name: Show whether the account exists, and its products
  ansible.builtin.debug:
    msg: >-
      {{ 'no account yet' if found.not_found else
         (found.users[0].account_id ~ ' ' ~ found.users[0].status ~ ' ' ~
          (found.users[0].product_access | map(attribute='product') | list | join(','))) }}

- name: List the suspended users of the organization (groups and product access only)
  accessops.atlassian.atlassian_user_info:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    include_role_assignments: false
  register: everyone

- name: Show them
  ansible.builtin.debug:
    msg: "{{ everyone.users | selectattr('status', 'equalto', 'suspended') | map(attribute='email') | list }}"
"""

RETURN = r"""
users:
  description:
    - The accounts found, each once.
    - C(account_type) is C(atlassian), C(customer) or C(app) (a bot, an app's account) as the API says.
    - C(status) is C(active), C(suspended), C(not_invited), C(deactivated) or C(for_deletion) as the API says;
      C(membership_status) is C(active), C(suspended) or C(no_membership).
    - C(role_assignments) (with O(include_role_assignments)) has one entry a role on a resource; its C(granted_by)
      lists how the role is held, C(direct), C(inferred), or C(group) with the user's groups that hold that role on
      that resource.
  returned: always
  type: list
  elements: dict
  sample:
    - account_id: 712020:9d2b5d83-7c7e-5c1e-b1cf-4d6c0a8f1e27
      email: dev001@acme.example
      name: Dev 001
      nickname: dev001
      account_type: atlassian
      status: active
      account_status: active
      membership_status: active
      management_source: null
      added_to_org: "2024-03-01T09:00:00Z"
      groups:
        - id: 0e35343a-3bbd-59e8-bdb5-d019d29449e6
          name: bitbucket-users-acme
      product_access:
        - product: bitbucket
          resource_id: ari:cloud:bitbucket::workspace/952d8857-3e73-43ed-b43d-a762b5770684
          resource_name: acme
      role_assignments:
        - resource_id: ari:cloud:bitbucket::workspace/952d8857-3e73-43ed-b43d-a762b5770684
          resource_owner: bitbucket
          resource_name: acme
          role: atlassian/user
          directory_id: 2ef0f675-904a-5eed-949f-2d150ffd0457
          granted_by:
            - type: group
              groups:
                - id: 0e35343a-3bbd-59e8-bdb5-d019d29449e6
                  name: bitbucket-users-acme
not_found:
  description: The emails (lower-cased) and account IDs asked for that the directory does not have.
  returned: always
  type: list
  elements: str
  sample:
    - newhire99@acme.example
api_calls:
  description: The HTTP requests sent to the Admin API, in total and by method (retries included).
  returned: always
  type: dict
  sample:
    total: 4
    POST: 2
    GET: 2
rate_limit:
  description: The rate-limit headers of the last answer that had some (C(remaining), C(reset)); empty when none had.
  returned: always
  type: dict
  sample: {}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.info import user_info
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import admin_argument_spec, admin_client
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module


def main():
    spec = admin_argument_spec()
    spec.update(
        emails=dict(type="list", elements="str"),
        account_ids=dict(type="list", elements="str"),
        include_role_assignments=dict(type="bool", default=True),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_module(module, admin_client, lambda client, module: user_info(client, module.params))


if __name__ == "__main__":
    main()
