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
    can reach with the date the user was last active in each (from the same search, no extra request), and, with
    O(include_role_assignments), every role held on every product and how it was given (directly, through which
    groups, or inferred).
  - Finds accounts by email even when they are not Bitbucket workspace members (the Bitbucket members email filter
    only finds members), so a playbook can find the account of a new hire before giving Bitbucket access.
  - The module only reads; it never changes anything.
extends_documentation_fragment:
  - accessops.atlassian.admin
  - accessops.atlassian.attributes.info_module
  - accessops.atlassian.attributes.admin_actiongroup
  - accessops.atlassian.attributes.in_process
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
  include_last_active:
    description:
      - Also read each user's last-active dates with the per-user last-active dates API (one request per user, more
        when the API pages the answer).
      - Not needed for the products a user has access to now - the search already gives their dates at no extra
        request (see RV(users)); this read also lists the products the user no longer has access to.
      - Each user of RV(users) then has C(last_active_dates), and its dates are merged into C(last_active) and the
        C(last_active) of each C(product_access) entry (the latest date wins).
      - These reads are paced to at most 200 requests in any minute, the documented limit of that API ("Rate limit
        per organization - 200 requests per minute", section "Rate limits" of the Organizations REST API), so a
        directory of N users takes at least about N / 200 minutes.
    type: bool
    default: false
    version_added: 0.3.0
notes:
  - Requests sent, besides paging (100 users a request, 100 emails or 10 account IDs a request) -
    one search (which also gives the groups, the product access and its last-active dates), then with
    O(include_role_assignments) one request for the products, one per user, one per group through which a role is
    held; with O(include_last_active) one more per user (paced to 200 a minute).
  - The last-active dates are the Admin API's - active means viewing a product's page for at least 2 seconds, and
    the data may be up to 24 hours late.
seealso:
  - module: accessops.atlassian.atlassian_user
  - module: accessops.atlassian.atlassian_group_member
  - module: accessops.atlassian.atlassian_group_info
  - name: Organizations REST API
    description: The API this module calls.
    link: https://developer.atlassian.com/cloud/admin/organization/rest/intro/
  - name: Rate limits of the Organizations REST API
    description: The 200 requests per minute of the last-active dates.
    link: https://developer.atlassian.com/cloud/admin/organization/rest/intro/#Rate%20limits
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

- name: When did two people last use Bitbucket? (one search request)
  accessops.atlassian.atlassian_user_info:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    emails:
      - dev001@acme.example
      - dev002@acme.example
    include_role_assignments: false
  register: activity

- name: Show the date of each (null - never, or no Bitbucket access)
  ansible.builtin.debug:
    msg: "{{ activity.users | map(attribute='last_active') | map(attribute='bitbucket', default=none) | list }}"

- name: Also the products a leaver no longer has access to (one more request, paced to 200 a minute)
  accessops.atlassian.atlassian_user_info:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    emails:
      - dev005@acme.example
    include_role_assignments: false
    include_last_active: true
  register: history

- name: Show the dates of every product ever used
  ansible.builtin.debug:
    msg: "{{ history.users[0].last_active }}"
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
    - Each C(product_access) entry (a product instance the user has access to) has C(last_active), the date
      (C(yyyy-MM-dd), UTC) of the user's latest activity there, from the search's C(lastActiveTimestamp) (no extra
      request), null when the API gives none (never active there).
    - C(last_active) maps each product key (C(bitbucket), C(confluence)...) to the latest of those dates over its
      instances, null for a product the user has access to and never used; an empty mapping - no product access.
    - With O(include_last_active), C(last_active_dates) is the per-user read's own list (C(id), C(key),
      C(last_active), C(last_active_timestamp) of each product instance, those the user no longer has access to
      included), merged into C(last_active) and each entry's C(last_active) (the latest date wins);
      C(last_active_dates) is null when that API does not know the account (HTTP 404), C(last_active) too when the
      search gave no product access either.
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
          last_active: "2026-07-30"
      last_active:
        bitbucket: "2026-07-30"
      last_active_dates:
        - id: ari:cloud:bitbucket::workspace/952d8857-3e73-43ed-b43d-a762b5770684
          key: bitbucket
          last_active: "2026-07-30"
          last_active_timestamp: "2026-07-30T14:03:11Z"
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
        include_last_active=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_module(module, admin_client, lambda client, module: user_info(client, module.params))


if __name__ == "__main__":
    main()
