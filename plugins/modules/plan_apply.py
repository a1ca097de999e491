#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: plan_apply
short_description: Apply exactly the changes of an approved access plan, refusing stale ones
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Applies the items of a plan (the C(accessops_plan) document a runbook wrote in plan mode, then approved) with the
    collection's write modules, and nothing else - no call is made that no item asks for.
  - "The plan is checked first, and refused when it is not a plan of this collection, was edited after it was made (its
    id is the hash of its content), has expired (O(max_age_hours)), was made for another role, workspace or identity
    (O(identities)), or holds an item that is not valid. A refused plan sends B(nothing): the task fails and lists why in
    RV(refused)."
  - "Each item is compare-and-set: it is applied only where the state is still the item's C(before). Permission items
    pass it as C(expect) to M(accessops.atlassian.bitbucket_repo_permission) and
    M(accessops.atlassian.bitbucket_project_permission), which write nothing where another level is found; a SCIM user
    is read again with M(accessops.atlassian.atlassian_scim_user_info) before M(accessops.atlassian.atlassian_scim_user)
    writes it. An item whose state is already its C(after) is reported in RV(already); one whose state is neither is
    B(stale) (RV(stale), nothing written). Group memberships and account states have two values, so a change the module
    did not need to make is RV(already)."
  - "Items are grouped into the fewest module calls: the permission items of one subject with the same levels before
    and after in one call over all their repositories (or projects); the memberships of one account added (or removed)
    in one M(accessops.atlassian.atlassian_group_member) call; one M(accessops.atlassian.atlassian_user) call per
    account item; one SCIM re-read per user name and one write per SCIM item. Calls run in the order of the plan's
    items; a failed call does not stop the next ones (they are independent), except that after HTTP 401 no other call
    of the same API is made (its items are RV(not_attempted))."
  - The task fails when the plan is refused, and when any item is stale, failed or not attempted; RV(applied) then still
    lists what was applied, and running a new plan finishes the job.
  - This is an action plugin - it runs on the controller and calls the modules from there; it has no module of its own.
options:
  plan:
    description:
      - The plan document (the C(accessops_plan) value of the plan file; see the plans guide and
        C(docs/plans.schema.json)).
    type: dict
    required: true
  role:
    description: The runbook the plan must have been made for (C(onboarding), C(offboarding)).
    type: str
    required: true
  workspace:
    description: The Bitbucket workspace the plan must have been made for.
    type: str
    required: true
  identities:
    description:
      - The identities this run acts as. For each API the plan names an identity of (its C(created_by)), the one given
        here must be the same, else the plan is refused.
    type: dict
    default: {}
    suboptions:
      bitbucket:
        description: The account ID of the Bitbucket credentials (C(whoami) of M(accessops.atlassian.bitbucket_member_info)).
        type: str
      admin:
        description: The organization ID of the Admin API key.
        type: str
      scim:
        description: The SCIM directory ID.
        type: str
  max_age_hours:
    description:
      - The oldest plan accepted, in hours since it was made (and never after its own C(expires_at)).
    type: float
    default: 24.0
  module_args:
    description:
      - Options added to every module call of each API, for example the connection options when no C(module_defaults)
        give them, C(requests_ledger) or C(plan_journal).
      - They cannot set what the calls take from the items (targets, users, groups, levels, states, SCIM attributes),
        nor O(accessops.atlassian.bitbucket_repo_permission#module:exclusive),
        O(accessops.atlassian.bitbucket_repo_permission#module:exempt) and
        O(accessops.atlassian.atlassian_group_member#module:allow_self_removal); such an option fails the task before
        anything is sent.
      - The modules also take their options from the C(module_defaults) of this task (their own names or their action
        groups, C(group/accessops.atlassian.bitbucket)...) and from their environment variables, as any task of them would;
        there, the options that module_args cannot set are left out.
    type: dict
    default: {}
    suboptions:
      bitbucket:
        description: Options of M(accessops.atlassian.bitbucket_repo_permission) and M(accessops.atlassian.bitbucket_project_permission).
        type: dict
        default: {}
      admin:
        description: Options of M(accessops.atlassian.atlassian_group_member) and M(accessops.atlassian.atlassian_user).
        type: dict
        default: {}
      scim:
        description: Options of M(accessops.atlassian.atlassian_scim_user_info) and M(accessops.atlassian.atlassian_scim_user).
        type: dict
        default: {}
extends_documentation_fragment:
  - accessops.atlassian.attributes
  - accessops.atlassian.attributes.controller_action
attributes:
  check_mode:
    support: full
    details:
      - The plan is checked, then every module call runs in check mode - the modules make their reads (the SCIM re-reads
        too) and no write. RV(applied) lists what the real run would apply, RV(already) and RV(stale) what it would find;
        RV(check_mode) is true.
  diff_mode:
    support: none
notes:
  - Request count - the requests of the module calls, summed in RV(api_calls); the plan's C(summary.api_calls) estimates
    them.
  - A plan's items carry account IDs, group IDs and user names only; credentials are never part of a plan nor of the
    result. Messages name items by their keys.
seealso:
  - module: accessops.atlassian.bitbucket_repo_permission
  - module: accessops.atlassian.bitbucket_project_permission
  - module: accessops.atlassian.atlassian_group_member
  - module: accessops.atlassian.atlassian_user
  - module: accessops.atlassian.atlassian_scim_user
"""

EXAMPLES = r"""
- name: Apply the approved offboarding plan
  module_defaults:
    group/accessops.atlassian.bitbucket:
      username: "{{ bitbucket_admin_email }}"
      api_token: "{{ vault_bitbucket_api_token }}"
    group/accessops.atlassian.admin:
      org_id: "{{ org_id }}"
      admin_api_key: "{{ vault_admin_api_key }}"
  block:
    - name: Find the account the Bitbucket credentials act as
      accessops.atlassian.bitbucket_member_info:
        workspace: acme
        whoami: true
      register: caller

    - name: Apply the plan (refused unless approved for this role, workspace and these identities)
      accessops.atlassian.plan_apply:
        plan: "{{ accessops_plan }}"
        role: offboarding
        workspace: acme
        identities:
          bitbucket: "{{ caller.current_user.account_id }}"
          admin: "{{ org_id }}"
        max_age_hours: 24
        module_args:
          bitbucket:
            requests_ledger: "{{ ledger_file }}"
      register: applied

    - name: Show what was done
      ansible.builtin.debug:
        msg: "{{ applied.applied | map(attribute='key') | list }}"
"""

RETURN = r"""
plan_id:
  description: The id of the plan given.
  returned: always
  type: str
  sample: 3f0c9a6e1b2d4c5e8f7a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e
refused:
  description: Why the plan was refused, one sentence each; when not empty, the task failed and nothing was sent.
  returned: always
  type: list
  elements: str
  sample: ["The plan expired at 2026-12-05T09:00:00Z (it is now 2026-12-06T10:00:00Z): make a new plan."]
applied:
  description: The plan items applied (would be, in check mode), as in the plan.
  returned: always
  type: list
  elements: dict
  sample:
    - key: "bitbucket:repository_permission:acme/infra-core:user:712020:abc"
      api: bitbucket
      kind: repository_permission
      action: revoke
      target: {"workspace": "acme", "repository": "infra-core"}
      subject: {"type": "user", "account_id": "712020:abc"}
      before: write
      after: null
      reason: "offboarding: jane@acme.example is offboarded"
already:
  description: The plan items whose state already was their C(after); nothing was written for them.
  returned: always
  type: list
  elements: dict
  sample: []
stale:
  description:
    - The plan items whose state was neither their C(before) nor their C(after); nothing was written for them. C(found)
      is the state read (a level or null for a permission; null or the item's SCIM attributes for a SCIM user).
  returned: always
  type: list
  elements: dict
  sample:
    - item: {"key": "bitbucket:repository_permission:acme/web-core:user:712020:abc", "before": "read", "after": null}
      found: admin
failed_items:
  description:
    - The plan items that could not be applied, each with the module's message (C(item), C(msg)).
    - Named C(failed_items) because C(failed) is the task's own status.
  returned: always
  type: list
  elements: dict
  sample:
    - item: {"key": "admin:group_membership:0475f711/0e35343a:user:712020:abc", "action": "remove"}
      msg: "Group 0e35343a... is synced from an identity provider and cannot be changed here"
not_attempted:
  description: The plan items of the calls not made (after HTTP 401 from their API).
  returned: always
  type: list
  elements: dict
  sample: []
check_mode:
  description: Whether the modules ran in check mode (RV(applied) then lists what would be applied).
  returned: when the plan was not refused
  type: bool
  sample: false
calls:
  description: The module calls made, in order, with the keys of their items, whether each changed something and failed.
  returned: always
  type: list
  elements: dict
  sample:
    - module: bitbucket_repo_permission
      items: ["bitbucket:repository_permission:acme/infra-core:user:712020:abc"]
      changed: true
      failed: false
api_calls:
  description:
    - The HTTP requests of all the module calls (C(total) and by method), C(module_calls) the module calls made and
      C(rereads) those of them that were SCIM re-reads.
  returned: always
  type: dict
  sample: {"total": 5, "GET": 3, "DELETE": 1, "POST": 1, "module_calls": 3, "rereads": 0}
"""

from ansible.module_utils.basic import AnsibleModule


def argument_spec():
    """The options of the action plugins/action/plan_apply.py, which imports them from here (written once, next to their
    documentation); a new dict each call (the validator fills defaults in place)."""
    return dict(
        plan=dict(type="dict", required=True),
        role=dict(type="str", required=True),
        workspace=dict(type="str", required=True),
        identities=dict(
            type="dict",
            default={},
            options=dict(bitbucket=dict(type="str"), admin=dict(type="str"), scim=dict(type="str")),
        ),
        max_age_hours=dict(type="float", default=24.0),
        module_args=dict(
            type="dict",
            default={},
            options=dict(
                bitbucket=dict(type="dict", default={}), admin=dict(type="dict", default={}), scim=dict(type="dict", default={})
            ),
        ),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    module.fail_json(msg="accessops.atlassian.plan_apply runs only as an action plugin (on the controller), not as a module.")


if __name__ == "__main__":
    main()
