#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: atlassian_api_token_info
short_description: List the API tokens of accounts managed by an Atlassian organization
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Lists the API tokens of each account of O(account_ids) with Atlassian's user-management API - the label, when the
    token was created, when it expires and when it was last used. The token values themselves are never read nor
    returned (the API does not give them).
  - Only the accounts the organization manages (accounts of its verified domains) can be read. An account the
    organization does not manage, or that the API does not know, is reported with the reason in RV(accounts), never
    a failure.
  - A user's API token keeps working until it is revoked or the account is deleted - removing the person from
    groups does not stop it. Revoke tokens with M(accessops.atlassian.atlassian_api_token).
  - The module only reads; it never changes anything.
extends_documentation_fragment:
  - accessops.atlassian.admin
  - accessops.atlassian.attributes.info_module
  - accessops.atlassian.attributes.admin_actiongroup
  - accessops.atlassian.attributes.in_process
options:
  account_ids:
    description:
      - The Atlassian account IDs whose tokens are listed (find them by email with
        M(accessops.atlassian.atlassian_user_info)).
    type: list
    elements: str
    required: true
    aliases: [account_id]
notes:
  - The user-management API is served at O(admin_url) itself (not under C(/admin)) and takes the same organization
    API key. O(admin_directory_id) is not used.
  - Requests sent - one C(GET /users/{account_id}/manage/api-tokens) per account.
seealso:
  - module: accessops.atlassian.atlassian_api_token
  - module: accessops.atlassian.atlassian_user_info
  - name: User management REST API
    description: The API this module calls (API tokens of managed accounts).
    link: https://developer.atlassian.com/cloud/admin/user-management/rest/intro/
"""

EXAMPLES = r"""
- name: Find the account of a leaver
  accessops.atlassian.atlassian_user_info:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    emails:
      - dev042@acme.example
    include_role_assignments: false
  register: leaver

- name: List the leaver's API tokens
  accessops.atlassian.atlassian_api_token_info:
    org_id: "{{ org_id }}"
    admin_api_key: "{{ vault_admin_api_key }}"
    account_ids: "{{ leaver.users | map(attribute='account_id') | list }}"
  register: tokens

- name: Show the tokens (label, last use) and the accounts the organization does not manage
  ansible.builtin.debug:
    msg:
      tokens: "{{ tokens.tokens | map(attribute='label') | list }}"
      last_used: "{{ tokens.tokens | map(attribute='last_access') | list }}"
      not_managed: "{{ tokens.accounts | rejectattr('managed') | map(attribute='reason') | list }}"
"""

RETURN = r"""
accounts:
  description:
    - One entry per account asked for, in the order asked.
    - C(managed) is false, with the C(reason), when the organization does not manage the account (the API answers
      HTTP 403) or the API does not know it (HTTP 404); its C(tokens) are then empty. C(reason) is null otherwise.
    - C(tokens) are shaped as RV(tokens).
  returned: always
  type: list
  elements: dict
  sample:
    - account_id: 712020:9d2b5d83-7c7e-5c1e-b1cf-4d6c0a8f1e27
      managed: true
      reason: null
      tokens:
        - account_id: 712020:9d2b5d83-7c7e-5c1e-b1cf-4d6c0a8f1e27
          id: 5f3c9a1e-tok-ci-deploy
          label: ci-deploy
          created_at: "2026-01-05T09:00:00.000Z"
          expires_at: null
          last_access: "2026-08-01T12:00:00.000Z"
    - account_id: 557058:0a1b2c3d-4e5f-6789-abcd-ef0123456789
      managed: false
      reason: "not managed by the organization (forbidden.action: managedAccount)"
      tokens: []
tokens:
  description:
    - Every token of every managed account, one flat list - C(account_id) (whose token), C(id), C(label),
      C(created_at), C(expires_at) and C(last_access) (ISO 8601 timestamps as the API gives them, null when it gives
      none - a token without expiry date, or never used).
    - Never a token value.
  returned: always
  type: list
  elements: dict
  sample:
    - account_id: 712020:9d2b5d83-7c7e-5c1e-b1cf-4d6c0a8f1e27
      id: 5f3c9a1e-tok-ci-deploy
      label: ci-deploy
      created_at: "2026-01-05T09:00:00.000Z"
      expires_at: null
      last_access: "2026-08-01T12:00:00.000Z"
api_calls:
  description: The HTTP requests sent, in total and by method (retries included).
  returned: always
  type: dict
  sample:
    total: 2
    GET: 2
rate_limit:
  description: The rate-limit headers of the last answer that had some (C(remaining), C(reset)); empty when none had.
  returned: always
  type: dict
  sample: {}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.tokens import token_info
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import admin_argument_spec, api_tokens_client
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module


def main():
    spec = admin_argument_spec()
    spec.update(
        account_ids=dict(type="list", elements="str", required=True, aliases=["account_id"]),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run_module(module, api_tokens_client, lambda client, module: token_info(client, module.params))


if __name__ == "__main__":
    main()
