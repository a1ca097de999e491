#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: atlassian_scim_user_info
short_description: List the users of an Atlassian organization directory over SCIM
version_added: "0.1.0"
author:
  - accessops maintainers (@accessops)
description:
  - Reads the users of an identity provider directory of an Atlassian organization with the Atlassian user provisioning
    API (SCIM 2.0), to audit who is provisioned. It works with any RFC 7644 SCIM server as well.
  - Finds one user by O(user_name) or the users of an O(external_id) with the server's C(eq) filter, or lists every
    user of the directory page by page (C(startIndex) and C(count)).
  - The module only reads; it never changes anything.
  - Every user of a filtered answer must match the filter (C(userName) without regard to case, C(externalId)
    exactly); a server that ignores the filter fails the task with C(Unexpected answer from the API) instead of
    reporting other users as the ones asked for.
extends_documentation_fragment:
  - accessops.atlassian.scim
  - accessops.atlassian.attributes.info_module
  - accessops.atlassian.attributes.scim_actiongroup
  - accessops.atlassian.attributes.in_process
options:
  user_name:
    description:
      - Only the user with this SCIM C(userName) (the server compares it without regard to case).
      - Mutually exclusive with O(external_id).
    type: str
  external_id:
    description:
      - Only the users with this SCIM C(externalId) (the identifier of the user in the identity provider).
      - Mutually exclusive with O(user_name).
    type: str
  active:
    description:
      - V(true) keeps only the active users, V(false) only the deactivated ones. When not set, all users are returned.
      - Atlassian filters on C(userName) and C(externalId) only, so this filter is applied by the module to the users read.
      - A user without an C(active) attribute (possible on other SCIM servers) counts as active.
    type: bool
notes:
  - Listing every user reads the whole directory, 100 users a request.
  - A user of the directory is an Atlassian account of the organization; it does not mean that the user can reach
    Bitbucket or any repository. Use the Bitbucket modules to audit workspace members and repository permissions.
seealso:
  - module: accessops.atlassian.atlassian_scim_user
  - name: Atlassian user provisioning REST API
    description: The API this module calls.
    link: https://developer.atlassian.com/cloud/admin/user-provisioning/rest/intro/
"""

EXAMPLES = r"""
# scim_directory_id and vault_scim_token come from the inventory or a vault. scim_url defaults to
# https://api.atlassian.com (or the ATLASSIAN_SCIM_URL environment variable).
- name: Audit the directory
  module_defaults:
    group/accessops.atlassian.scim:
      directory_id: "{{ scim_directory_id }}"
      scim_token: "{{ vault_scim_token }}"
  block:
    - name: Read every user of the directory
      accessops.atlassian.atlassian_scim_user_info:
      register: directory

    - name: Show how many users the directory holds
      ansible.builtin.debug:
        msg: "{{ directory.total }} users, {{ directory.users | selectattr('active', 'equalto', false) | list | length }} deactivated"

    - name: Read the deactivated users only
      accessops.atlassian.atlassian_scim_user_info:
        active: false
      register: deactivated

    - name: Show their user names
      ansible.builtin.debug:
        msg: "{{ deactivated.users | map(attribute='userName') | list }}"

    - name: Look one user up
      accessops.atlassian.atlassian_scim_user_info:
        user_name: dev001@acme.example
      register: dev001

    - name: Show whether that user is provisioned and active
      ansible.builtin.debug:
        msg: "{{ 'not provisioned' if dev001.total == 0 else ('active' if dev001.users[0].active else 'deactivated') }}"

    - name: Find the users an identity provider knows under one ID
      accessops.atlassian.atlassian_scim_user_info:
        external_id: "00u1a2b3c4d5e6f7g8h9"
"""

RETURN = r"""
users:
  description:
    - The SCIM user resources found, in the order the server returned them.
    - Each has the attributes the server stores (C(id), C(userName), C(name), C(emails), C(active) and others);
      Atlassian adds the account ID under C(urn:scim:schemas:extension:atlassian-external:1.0).
  returned: always
  type: list
  elements: dict
  sample:
    - schemas:
        - urn:ietf:params:scim:schemas:core:2.0:User
        - urn:scim:schemas:extension:atlassian-external:1.0
      id: 7c2d8f0e-5b1a-4a8e-9f55-1f3f1d2b7a10
      userName: jane.doe@acme.example
      displayName: Jane Doe
      active: true
      emails:
        - value: jane.doe@acme.example
          type: work
          primary: true
      "urn:scim:schemas:extension:atlassian-external:1.0":
        atlassianAccountId: 712020:5f1a9c0e-0d3b-4b5a-9a56-2f0e8c1d4b7e
total:
  description: The number of users returned in RV(users) (after the O(active) filter).
  returned: always
  type: int
  sample: 1
api_calls:
  description: The HTTP requests sent to the SCIM API, in total and by method (retries included).
  returned: always
  type: dict
  sample:
    total: 3
    GET: 3
rate_limit:
  description: Rate-limit headers seen in the answers (empty when the API sends none, as Atlassian's SCIM API does).
  returned: always
  type: dict
  sample: {}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.connection import (
    scim_argument_spec,
    scim_transport_from_params,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.client import ScimClient


def read_users(client, user_name=None, external_id=None, active=None):
    """The users the options select: by userName, by externalId or all of them; then by ``active``."""
    if user_name is not None:
        users = client.find_users("userName", validate.text(user_name, "user_name", "a userName"))
    elif external_id is not None:
        users = client.find_users("externalId", validate.text(external_id, "external_id", "an externalId"))
    else:
        users = list(client.iter_users())
    if active is not None:
        # SCIM's default for a missing "active" is unspecified; Atlassian always sends it. Treat missing as active.
        users = [u for u in users if (u.get("active") is not False) == active]
    return users


def main():
    spec = scim_argument_spec()
    spec.update(
        user_name=dict(type="str"),
        external_id=dict(type="str"),
        active=dict(type="bool"),
    )
    module = AnsibleModule(argument_spec=spec, mutually_exclusive=[("user_name", "external_id")], supports_check_mode=True)

    def work(client, module):
        params = module.params
        users = read_users(client, params["user_name"], params["external_id"], params["active"])
        return {"changed": False, "users": users, "total": len(users)}, False

    run_module(module, lambda params, warn: ScimClient(scim_transport_from_params(params, warn=warn)), work)


if __name__ == "__main__":
    main()
