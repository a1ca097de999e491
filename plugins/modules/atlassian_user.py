#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: atlassian_user
short_description: Invite, suspend, restore or remove an account in an Atlassian organization's directory
version_added: "0.2.0"
author:
  - accessops maintainers (@accessops)
description:
  - Ensures the state of one account in the organization's directory with the organization Admin API.
  - O(state=suspended) suspends the account's access in the directory - the person can no longer reach B(any)
    product of the organization (Bitbucket, Jira, Confluence...), and is not billed; groups and roles are kept and
    come back on restore. It does not deactivate the Atlassian account itself, which stays usable elsewhere.
  - O(state=active) restores a suspended account - it regains the groups and roles it held before, and is billed
    again.
  - O(state=removed) removes the account from the directory - it loses every group and role of the organization.
    B(This cannot be undone) except by inviting the email again and giving the groups again.
  - O(state=invited) invites an email that has no account in the directory yet (optionally into O(groups)), so that
    organizations without Atlassian Guard (which SCIM provisioning needs) can onboard people too. An account already
    in the directory is left as it is.
  - The invitation API is only available to organizations with at least one paid subscription; without one the task
    fails saying so. When a product the invitation gives access to has no seat left, the task fails naming it.
  - To give or take Bitbucket access without touching the other products, change group memberships with
    M(accessops.atlassian.atlassian_group_member) instead.
extends_documentation_fragment:
  - accessops.atlassian.admin
  - accessops.atlassian.attributes
  - accessops.atlassian.attributes.admin_actiongroup
  - accessops.atlassian.attributes.in_process
attributes:
  check_mode:
    support: full
    details:
      - Reads the account as a real run does and reports what would change, without sending any change. An
        invitation is predicted without its account ID (RV(user) is null).
  diff_mode:
    support: full
    details:
      - The diff shows the account's status in the directory before and after (C(absent) when it is not in the
        directory).
options:
  user:
    description:
      - The account - its email address or its Atlassian account ID. O(state=invited) needs an email address.
    type: str
    required: true
  state:
    description:
      - V(active) restores a suspended account; V(suspended) suspends it; V(removed) removes it from the directory;
        V(invited) invites an email that has no account in the directory.
      - V(active) and V(suspended) fail when the directory has no such account; V(removed) then changes nothing.
    type: str
    choices: [active, suspended, removed, invited]
    default: active
  groups:
    description:
      - With O(state=invited) only - the groups (names or IDs) a new account joins with the invitation.
      - Groups synced from an identity provider, or not modifiable with this key, are refused before the invitation.
    type: list
    elements: str
  send_notification:
    description:
      - With O(state=invited) only - whether Atlassian emails the invitation to the person.
    type: bool
    default: true
notes:
  - Requests sent - one search for the account; with O(admin_directory_id=-), one request for the organization's
    directories to find where to write (and one a directory when it has several), except when the account is already
    suspended for O(state=suspended); one request a directory changed. An invitation is followed by one search for the
    new account.
  - When a change fails after another directory was changed, the task fails and still reports C(changed) and the
    directories changed.
  - The invitation is answered with a result for the email (RV(invitations)), and the search right after it reads
    the new account; when the search does not find it yet, the task reports RV(pending).
  - When the API answers that the invitation failed, in whole or in part (HTTP 206, or a group it could not give),
    the task fails, reports what failed in RV(invitations), and C(changed) when the account was invited all the same.
  - A removal answered HTTP 404 (the organization, directory or account not found) is read again - when the directory
    answers without the account, there was nothing to remove; otherwise the task fails. When that 404 answered a
    retry whose first attempt's answer was lost, the removal is reported as made by this run (RV(answer_lost)).
seealso:
  - module: accessops.atlassian.atlassian_group_member
  - module: accessops.atlassian.atlassian_user_info
  - module: accessops.atlassian.atlassian_scim_user
  - name: Organizations REST API
    description: The API this module calls.
    link: https://developer.atlassian.com/cloud/admin/organization/rest/intro/
"""

EXAMPLES = r"""
- name: Manage accounts of the organization
  module_defaults:
    group/accessops.atlassian.admin:
      org_id: "{{ org_id }}"
      admin_api_key: "{{ vault_admin_api_key }}"
  block:
    - name: Invite a new hire straight into the group that grants Bitbucket
      accessops.atlassian.atlassian_user:
        user: newhire04@acme.example
        state: invited
        groups:
          - bitbucket-users-acme
      register: invitation

    - name: Suspend a leaver in every product of the organization
      accessops.atlassian.atlassian_user:
        user: newhire02@acme.example
        state: suspended

    - name: Bring them back
      accessops.atlassian.atlassian_user:
        user: newhire02@acme.example
        state: active
"""

RETURN = r"""
user:
  description:
    - The account as it was read before the change (see RV(accessops.atlassian.atlassian_user_info#module:users)),
      or after the invitation; null when the directory has no such account, and for an invitation in check mode or
      still pending.
  returned: always
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
directories:
  description: The directories in which the account was (or, in check mode, would be) suspended, restored or removed.
  returned: when O(state) is not V(invited)
  type: list
  elements: str
  sample:
    - 2ef0f675-904a-5eed-949f-2d150ffd0457
answer_lost:
  description:
    - >-
      Removals made by this run whose answer was lost - the retry was answered HTTP 404 and a read confirmed the
      account gone (C(directory <id>: applied; answer lost, verified by re-read)).
  returned: when an answer was lost
  type: list
  elements: str
  version_added: "0.3.0"
  sample: []
invited:
  description: Whether an invitation was sent (would be, in check mode).
  returned: when O(state=invited)
  type: bool
  sample: true
pending:
  description: Whether the invited account is not known yet (check mode, or not found right after the invitation).
  returned: when O(state=invited)
  type: bool
  sample: false
groups:
  description: The names of the groups the invitation adds the account to.
  returned: when an invitation is sent
  type: list
  elements: str
  sample:
    - bitbucket-users-acme
invitations:
  description:
    - The API's answer to the invitation, for each email - whether it was invited without a failure, the account ID
      it answered, and what failed (a group or a role the invitation could not give, with the API's reason).
  returned: when an invitation was sent (not in check mode)
  type: list
  elements: dict
  contains:
    email:
      description: The email invited.
      type: str
    account_id:
      description: The account ID the API answered for it, or null.
      type: str
    invited:
      description: Whether the invitation succeeded in full.
      type: bool
    failures:
      description: "What failed - C(group <name>: <reason>), C(role <role> on <resource>: <reason>)."
      type: list
      elements: str
  sample:
    - email: newhire04@acme.example
      account_id: 712020:0b7c9f6e-2d6f-5c3e-9a51-7f1d2c4b8e10
      invited: true
      failures: []
changes:
  description:
    - The changes the task made, in check mode the changes it would make, one item each, in the shared item schema of
      the plans (docs/plans.md); empty when nothing changes.
    - When the task fails after changing something, what it changed before the failure.
    - With O(plan_journal), each item is also appended to that file.
    - At most one item, for the account (whatever the number of its directories).
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
      description: What changes, V(account).
      type: str
      returned: always
    action:
      description: V(invite), V(suspend), V(restore) or V(remove).
      type: str
      returned: always
    target:
      description: The organization, C(org) (O(org_id)).
      type: dict
      returned: always
    subject:
      description:
        - The account, C(type) V(user), C(account_id) and C(email).
        - C(account_id) is V(null) for an invitation in check mode, or when the invited account cannot be read yet.
      type: dict
      returned: always
    before:
      description: The account's status before (V(active), V(suspended)...), V(null) when there was no account.
      type: raw
      returned: always
    after:
      description: The status after the change, V(invited), V(suspended), V(active) or V(removed).
      type: raw
      returned: always
  sample:
    - api: admin
      kind: account
      action: suspend
      target: {org: 0475f711-2971-5a21-a71a-659f380ffd26}
      subject: {type: user, account_id: "712020:6c1bd5c7-5a4e-5f6b-9d0d-31b1f0f3a9a2", email: leaver@acme.example}
      before: active
      after: suspended
api_calls:
  description: The HTTP requests sent to the Admin API, in total and by method (retries included).
  returned: always
  type: dict
  sample:
    total: 3
    POST: 2
    GET: 1
rate_limit:
  description: The rate-limit headers of the last answer that had some (C(remaining), C(reset)); empty when none had.
  returned: always
  type: dict
  sample: {}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.ensure import account_state
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import admin_argument_spec, admin_client
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module


def main():
    spec = admin_argument_spec()
    spec.update(
        user=dict(type="str", required=True),
        state=dict(type="str", choices=["active", "suspended", "removed", "invited"], default="active"),
        groups=dict(type="list", elements="str"),
        send_notification=dict(type="bool", default=True),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_module(module, admin_client, lambda client, module: account_state(client, module.params, check_mode=module.check_mode))


if __name__ == "__main__":
    main()
