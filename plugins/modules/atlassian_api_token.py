#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: atlassian_api_token
short_description: Revoke API tokens of an account managed by an Atlassian organization
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Revokes API tokens of one account the organization manages, named by ID (O(token_ids)) or all of them
    (O(all=true)), with Atlassian's user-management API.
  - A user's API token keeps working until it is revoked or the account is deleted - taking a leaver out of every
    group does not stop it; this module does.
  - Idempotent - the tokens are listed first, and only those still there are revoked; a token already gone is
    listed in RV(not_found) and is no change.
  - An account the organization does not manage (or that the API does not know) is reported with RV(managed=false)
    and RV(reason), never a failure, and nothing is changed.
  - Token values are never read nor returned.
extends_documentation_fragment:
  - accessops.atlassian.admin
  - accessops.atlassian.attributes
  - accessops.atlassian.attributes.admin_actiongroup
  - accessops.atlassian.attributes.in_process
attributes:
  check_mode:
    support: full
    details:
      - Lists the tokens as a real run does, then reports those it would revoke without sending any change.
  diff_mode:
    support: full
    details:
      - The diff lists the account's tokens (C(id (label))) before and after.
options:
  account_id:
    description:
      - The Atlassian account ID whose tokens are revoked (find it by email with
        M(accessops.atlassian.atlassian_user_info)).
    type: str
    required: true
  token_ids:
    description:
      - The IDs of the tokens to revoke (as M(accessops.atlassian.atlassian_api_token_info) lists them).
      - Exactly one of O(token_ids) and O(all=true) is required.
    type: list
    elements: str
    aliases: [token_id]
  all:
    description:
      - Revoke every token of the account.
    type: bool
    default: false
  state:
    description:
      - V(absent) revokes the tokens; it is the only state (a token is created by its owner only).
    type: str
    choices: [absent]
    default: absent
notes:
  - The user-management API is served at O(admin_url) itself (not under C(/admin)) and takes the same organization
    API key, which must be allowed to write (a read-only key is refused with HTTP 403). O(admin_directory_id) is not
    used.
  - Requests sent - one C(GET /users/{account_id}/manage/api-tokens), then one C(DELETE) per token to revoke.
  - When a revocation fails after others were made, the task fails and still reports C(changed) and the tokens
    revoked in RV(revoked); run it again to finish.
  - A C(DELETE) whose answer was lost is sent again; a retry answered HTTP 404 (the token is gone) is the revocation
    of this run (RV(answer_lost)).
seealso:
  - module: accessops.atlassian.atlassian_api_token_info
  - module: accessops.atlassian.atlassian_user
  - name: User management REST API
    description: The API this module calls (API tokens of managed accounts).
    link: https://developer.atlassian.com/cloud/admin/user-management/rest/intro/
"""

EXAMPLES = r"""
- name: Revoke every API token of a leaver
  accessops.atlassian.atlassian_api_token:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    account_id: "{{ leaver_account_id }}"
    all: true
  register: revoked

- name: Say which were revoked, or why none could be
  ansible.builtin.debug:
    msg: "{{ revoked.revoked | map(attribute='label') | list if revoked.managed else revoked.reason }}"

- name: Revoke one token by its id
  accessops.atlassian.atlassian_api_token:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    account_id: "{{ leaver_account_id }}"
    token_ids:
      - "{{ token_id }}"
    state: absent
"""

RETURN = r"""
managed:
  description: Whether the organization manages the account (false when the API answers HTTP 403 or 404; nothing is changed then).
  returned: success
  type: bool
  sample: true
reason:
  description: Why the account's tokens cannot be managed (not managed by the organization, or not found), or null.
  returned: success
  type: str
  sample: null
revoked:
  description:
    - The tokens revoked (would be, in check mode), shaped as the RV(accessops.atlassian.atlassian_api_token_info#module:tokens)
      of M(accessops.atlassian.atlassian_api_token_info) - never a token value.
  returned: success, and when a failure follows a revocation
  type: list
  elements: dict
  sample:
    - account_id: 712020:9d2b5d83-7c7e-5c1e-b1cf-4d6c0a8f1e27
      id: 5f3c9a1e-tok-ci-deploy
      label: ci-deploy
      created_at: "2026-01-05T09:00:00.000Z"
      expires_at: null
      last_access: "2026-08-01T12:00:00.000Z"
not_found:
  description:
    - The token IDs of O(token_ids) the account does not have (already revoked, or never its own), and those that
      went away between the listing and the revocation; all of O(token_ids) when the account is not managed.
  returned: success
  type: list
  elements: str
  sample: []
answer_lost:
  description:
    - >-
      Revocations of this run whose answer was lost (C(<token id>: revoked; answer lost, the retry found it gone)).
      They are in RV(revoked) too.
  returned: when an answer was lost
  type: list
  elements: str
  sample: []
changes:
  description:
    - The changes the task made, in check mode the changes it would make, one item per token, in the shared item
      schema of the plans (docs/plans.md); empty when nothing changes. With O(plan_journal), each item is also
      appended to that file.
  returned: success, and when a failure follows a revocation
  type: list
  elements: dict
  contains:
    api:
      description: The API, V(admin).
      type: str
      returned: always
    kind:
      description: What changes, V(api_token).
      type: str
      returned: always
    action:
      description: V(revoke_api_token).
      type: str
      returned: always
    target:
      description: The account that holds the token, C(org) (O(org_id)) and C(account_id).
      type: dict
      returned: always
    subject:
      description: The token, C(type) V(api_token), C(id) and C(label).
      type: dict
      returned: always
    before:
      description: The token as listed - C(label), C(created_at), C(expires_at), C(last_access).
      type: dict
      returned: always
    after:
      description: Null (revoked).
      type: raw
      returned: always
  sample:
    - api: admin
      kind: api_token
      action: revoke_api_token
      target: {org: 0475f711-2971-5a21-a71a-659f380ffd26, account_id: "712020:9d2b5d83-7c7e-5c1e-b1cf-4d6c0a8f1e27"}
      subject: {type: api_token, id: 5f3c9a1e-tok-ci-deploy, label: ci-deploy}
      before:
        label: ci-deploy
        created_at: "2026-01-05T09:00:00.000Z"
        expires_at: null
        last_access: "2026-08-01T12:00:00.000Z"
      after: null
api_calls:
  description: The HTTP requests sent, in total and by method (retries included).
  returned: always
  type: dict
  sample:
    total: 2
    GET: 1
    DELETE: 1
rate_limit:
  description: The rate-limit headers of the last answer that had some (C(remaining), C(reset)); empty when none had.
  returned: always
  type: dict
  sample: {}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.tokens import revoke_tokens
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import admin_argument_spec, api_tokens_client
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module


def main():
    spec = admin_argument_spec()
    spec.update(
        account_id=dict(type="str", required=True),
        token_ids=dict(type="list", elements="str", aliases=["token_id"], no_log=False),
        all=dict(type="bool", default=False),
        state=dict(type="str", choices=["absent"], default="absent"),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_module(
        module, api_tokens_client, lambda client, module: revoke_tokens(client, module.params, check_mode=module.check_mode)
    )


if __name__ == "__main__":
    main()
