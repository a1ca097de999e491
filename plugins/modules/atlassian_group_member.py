#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: atlassian_group_member
short_description: Add an account to, or remove it from, groups of an Atlassian organization (product access)
version_added: "0.2.0"
author:
  - accessops maintainers (@accessops)
description:
  - Ensures that one account of the organization is (O(state=present)) or is not (O(state=absent)) a member of each
    of O(groups), with the organization Admin API.
  - This is how Bitbucket access is given and taken in an organization - a group that holds the C(atlassian/user)
    (or C(atlassian/admin)) role on a Bitbucket workspace makes its members workspace members, and repository or
    project permissions can then be granted to them. Removing the last such membership takes the person out of the
    workspace members; their explicit Bitbucket permissions stay stored and apply again if they come back.
  - Leaving a group takes the person out of B(every) product that group grants (use
    M(accessops.atlassian.atlassian_group_info) to see what a group grants).
  - Groups that the API says cannot be changed by this key (synced from an identity provider, or not modifiable)
    are refused before any change, with the reason; change those in the identity provider.
  - When a product the group grants has no seat left, the task fails with a message naming that product (with its
    seats used and its limit when the API tells them).
extends_documentation_fragment:
  - accessops.atlassian.admin
  - accessops.atlassian.attributes
  - accessops.atlassian.attributes.admin_actiongroup
  - accessops.atlassian.attributes.in_process
attributes:
  check_mode:
    support: full
    details:
      - Reads the account and the groups as a real run does, then reports the memberships it would add or remove
        without sending any change.
  diff_mode:
    support: full
    details:
      - The diff lists the account's memberships among O(groups), before and after.
options:
  user:
    description:
      - The account - its email address or its Atlassian account ID.
      - The account must be in the organization's directory; invite an email first with
        M(accessops.atlassian.atlassian_user) and O(accessops.atlassian.atlassian_user#module:state=invited).
    type: str
    required: true
  groups:
    description:
      - The groups, by name (exact, without regard to case) or by ID (a UUID).
      - A name held by groups of several directories is refused; name such a group by ID or set O(admin_directory_id).
      - Every group must exist; nothing is changed when one does not.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) adds the account to each group it is not a member of; V(absent) removes it from each group it is
        a member of. Other groups of the account are left alone.
    type: str
    choices: [present, absent]
    default: present
  protect_account:
    description:
      - The account the automation acts as in Bitbucket (an email or an account ID), protected from losing its
        workspace admin - with O(state=absent), removing this account from a group that holds C(atlassian/admin) on a
        Bitbucket workspace is refused before any change (check mode predicts the refusal), unless
        O(allow_self_removal=true).
      - Defaults to the E(BITBUCKET_USERNAME) environment variable (the account the Bitbucket modules act as); the
        organization API key itself is no person.
    type: str
    version_added: "0.3.0"
  allow_self_removal:
    description:
      - Remove anyway what O(state=absent) otherwise refuses - the O(protect_account) account from a group giving it
        admin on a Bitbucket workspace, or the last member of the last group with members that gives anyone admin on
        a Bitbucket workspace (checked only when the group search says the group has at most one member; admins by a
        direct role assignment and the workspace owner are not counted).
    type: bool
    default: false
    version_added: "0.3.0"
notes:
  - Requests sent - one search for the account (with its groups), one search for the groups named by name and one
    for those named by ID, then one request a membership to add or remove.
  - When a membership change fails after others were made, the task fails and still reports C(changed) and the
    groups changed in RV(added) or RV(removed); run it again to finish.
  - The API answers an addition with HTTP 409 for two reasons - the account already is a member (another run added
    it meanwhile), or a product the group grants has no seat left. The module then reads the membership again (one
    search in the group's directory) - a member is listed in RV(unchanged_by_api) and is no change; otherwise the task
    fails naming the product out of seats (two more reads - the group's role assignments and the organization's
    products).
  - A membership change whose answer was lost (the connection cut after the API acted) is sent again; when the
    retry is answered HTTP 409 (already a member) or 404 (no longer a member) and the read confirms it, the change
    is reported as made by this run (C(changed), RV(answer_lost)). An addition answered HTTP 503 is sent again.
  - With O(state=absent), the group's role assignments are read (one request a group) when the account is
    O(protect_account); a group the search counts at most one member in also costs a search of the groups with a role
    on its workspaces.
  - The API answers a removal with HTTP 404 when the organization, the directory, the group or the account is not
    found. The module then reads the account and the group again (a search and a read of the group) - when both are
    there and the account is not a member, the group is listed in RV(unchanged_by_api) and is no change; otherwise the
    task fails, saying what is missing.
seealso:
  - module: accessops.atlassian.atlassian_group_info
  - module: accessops.atlassian.atlassian_user
  - module: accessops.atlassian.bitbucket_repo_permission
  - name: Organizations REST API
    description: The API this module calls.
    link: https://developer.atlassian.com/cloud/admin/organization/rest/intro/
"""

EXAMPLES = r"""
- name: Give a new hire Bitbucket access, then write access to a repository
  module_defaults:
    group/accessops.atlassian.admin:
      org_id: "{{ org_id }}"
      admin_api_key: "{{ vault_admin_api_key }}"
  block:
    - name: Add the account to the group that grants the acme workspace
      accessops.atlassian.atlassian_group_member:
        user: newhire02@acme.example
        groups:
          - bitbucket-users-acme

    - name: Grant write on a repository (the person is a workspace member now)
      accessops.atlassian.bitbucket_repo_permission:
        username: "{{ bitbucket_admin_email }}"
        api_token: "{{ vault_bitbucket_api_token }}"
        workspace: acme
        repository: infra-core
        user: newhire02@acme.example
        permission: write

- name: Take Bitbucket access away (the person keeps the other products)
  accessops.atlassian.atlassian_group_member:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    user: newhire02@acme.example
    groups:
      - bitbucket-users-acme
    state: absent
"""

RETURN = r"""
user:
  description: The account, as the directory has it (see RV(accessops.atlassian.atlassian_user_info#module:users)).
  returned: success
  type: dict
  sample:
    account_id: 712020:6c1bd5c7-5a4e-5f6b-9d0d-31b1f0f3a9a2
    email: newhire02@acme.example
    name: New Hire 02
    nickname: newhire02
    status: active
    account_status: active
    membership_status: active
    management_source: null
    added_to_org: "2026-11-20T09:00:00Z"
groups:
  description: Each group of O(groups), and whether the account is a member after the task (predicted in check mode).
  returned: success
  type: list
  elements: dict
  sample:
    - id: 0e35343a-3bbd-59e8-bdb5-d019d29449e6
      name: bitbucket-users-acme
      directory_id: 2ef0f675-904a-5eed-949f-2d150ffd0457
      member: true
added:
  description: The names of the groups the account was added to (would be, in check mode).
  returned: success
  type: list
  elements: str
  sample:
    - bitbucket-users-acme
removed:
  description: The names of the groups the account was removed from (would be, in check mode).
  returned: success
  type: list
  elements: str
  sample: []
unchanged_by_api:
  description:
    - Groups that already held (or no longer held) the account when the change was sent - the API answered HTTP 409
      (404 for a removal) and a read made right after confirmed it.
  returned: when the API answered so
  type: list
  elements: str
  sample: []
answer_lost:
  description:
    - >-
      Changes made by this run whose answer was lost - the retry was answered "already so" and a read confirmed it
      (C(<group>: applied; answer lost, verified by re-read)). They are in RV(added) or RV(removed) too.
  returned: when an answer was lost
  type: list
  elements: str
  version_added: "0.3.0"
  sample:
    - "bitbucket-users-acme: applied; answer lost, verified by re-read"
changes:
  description:
    - The changes the task made, in check mode the changes it would make, one item each, in the shared item schema of
      the plans (docs/plans.md); empty when nothing changes.
    - When the task fails after changing something, what it changed before the failure.
    - With O(plan_journal), each item is also appended to that file.
    - One item per group whose membership changes, in the order of the group names.
  returned: success, and when a failure follows a change
  type: list
  elements: dict
  version_added: 0.3.0
  contains:
    api:
      description: The API, V(admin).
      type: str
      returned: always
    kind:
      description: What changes, V(group_membership).
      type: str
      returned: always
    action:
      description: V(add) or V(remove).
      type: str
      returned: always
    target:
      description: The group, C(org) (O(org_id)), C(group_id) and C(group_name).
      type: dict
      returned: always
    subject:
      description: The account, C(type) V(user) and C(account_id).
      type: dict
      returned: always
    before:
      description: Whether the account was a member (a bool).
      type: raw
      returned: always
    after:
      description: Whether the account is a member after the change (a bool).
      type: raw
      returned: always
  sample:
    - api: admin
      kind: group_membership
      action: add
      target:
        org: 0475f711-2971-5a21-a71a-659f380ffd26
        group_id: 0e35343a-3bbd-59e8-bdb5-d019d29449e6
        group_name: bitbucket-users-acme
      subject: {type: user, account_id: "712020:6c1bd5c7-5a4e-5f6b-9d0d-31b1f0f3a9a2"}
      before: false
      after: true
api_calls:
  description: The HTTP requests sent to the Admin API, in total and by method (retries included).
  returned: always
  type: dict
  sample:
    total: 3
    POST: 3
rate_limit:
  description: The rate-limit headers of the last answer that had some (C(remaining), C(reset)); empty when none had.
  returned: always
  type: dict
  sample: {}
"""

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.ensure import group_membership
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import admin_argument_spec, admin_client
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module


def main():
    spec = admin_argument_spec()
    spec.update(
        user=dict(type="str", required=True),
        groups=dict(type="list", elements="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        protect_account=dict(type="str", fallback=(env_fallback, ["BITBUCKET_USERNAME"])),
        allow_self_removal=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_module(module, admin_client, lambda client, module: group_membership(client, module.params, check_mode=module.check_mode))


if __name__ == "__main__":
    main()
