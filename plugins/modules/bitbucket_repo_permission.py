#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bitbucket_repo_permission
short_description: Grant, change and revoke explicit user permissions on Bitbucket Cloud repositories
version_added: "0.1.0"
author:
  - accessops maintainers (@accessops)
description:
  - Makes the explicit (direct) user permissions of one or more Bitbucket Cloud repositories match what the task asks
    for, writing only the differences (C(PUT) to grant or change, C(DELETE) to revoke).
  - Users are named by Atlassian account ID, by C({uuid}) or by email address. Email addresses are resolved once per
    task, up to 90 per request, among the workspace members.
  - With O(exclusive=true), explicit user permissions of everyone not listed in O(users) (nor in O(exempt)) are removed.
    Nothing is removed from a repository whose permission list could not be read to its last page.
  - Safety rules checked before the first write, also in check mode. Granting a permission to the workspace owner is
    refused. The caller's own explicit C(admin) permission is never removed nor lowered; asking for it fails the task,
    and O(exclusive) keeps it (reported as C(protected)). This holds for an OAuth access token passed as O(access_token)
    too; only a token that Bitbucket refuses on C(GET /user) (a workspace, project or repository access token, which
    cannot change permissions anyway) is not checked.
  - With O(exclusive), every O(exempt) entry (email, account ID or C({uuid})) must match a workspace member, else the
    task fails before any write (a mistyped identifier would otherwise protect nobody). A user cannot be both in
    O(exempt) and listed with O(users[].state=absent).
  - Every identifier, slug and connection option is validated before the first request; a blank or malformed value
    (neither an email address, nor an account ID, nor a C({uuid})) fails the task with a message naming the option.
  - Every answer is checked against what was asked (a filtered look-up that returns someone else, an object of
    another user, an id that is not a plain URL path segment, a write answered by a redirect) before anything acts
    on it; such an answer fails the task with C(Unexpected answer from the API) and nothing is written.
  - Repositories are handled in parallel (O(concurrency)). When some repositories fail (for example HTTP 402 at the
    plan's user limit, 403, 404), the others still finish, the task fails, and C(results) says exactly what was
    applied, so running the task again completes the job.
  - Only explicit user permissions are managed. Access through groups, the project or the workspace is not changed; see
    M(accessops.atlassian.bitbucket_member_info) to read effective permissions.
extends_documentation_fragment:
  - accessops.atlassian.bitbucket
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and diff it would produce without modifying anything.
    support: full
    details:
      - Check mode makes the same read requests and the same safety checks as a real run, and predicts exactly the
        C(diff) the real run then makes. When a single user has no explicit permission on a repository, check mode makes
        one more read to tell a missing repository (the real run learns it from the C(PUT)).
  diff_mode:
    description: Returns details on what has changed (or would change in check mode) when in diff mode.
    support: full
    details:
      - C(diff) is a list with one entry per changed repository, with the explicit permissions before and after.
  action_group:
    description: Use C(group/accessops.atlassian.bitbucket) or C(group/accessops.atlassian.atlassian) in C(module_defaults)
      to set the connection options of this module once.
    support: full
    membership:
      - accessops.atlassian.bitbucket
      - accessops.atlassian.atlassian
options:
  workspace:
    description: The workspace slug (or UUID) that owns the repositories.
    type: str
    required: true
  repository:
    description:
      - The slug of one repository.
      - Exactly one of O(repository) and O(repositories) is required.
    type: str
  repositories:
    description:
      - Slugs of several repositories of O(workspace); the same permissions are applied to each.
    type: list
    elements: str
  user:
    description:
      - One user, as an Atlassian account ID (C(557058:6c1b...)), a C({uuid}) or an email address of a workspace member.
      - Use with O(permission) and O(state). Exactly one of O(user) and O(users) is required.
    type: str
  permission:
    description: The explicit permission O(user) must have. Required when O(state=present).
    type: str
    choices: [read, write, admin]
  state:
    description:
      - V(present) grants O(permission) to O(user) (or changes it); V(absent) removes the explicit permission of O(user).
      - Defaults to V(present).
    type: str
    choices: [present, absent]
  users:
    description:
      - Several users, each with its own permission and state.
      - An empty list is valid with O(exclusive=true) (it removes every explicit user permission but the protected ones).
    type: list
    elements: dict
    suboptions:
      user:
        description: Account ID, C({uuid}) or email address.
        type: str
        required: true
      permission:
        description: The explicit permission to have. Required when O(users[].state=present).
        type: str
        choices: [read, write, admin]
      state:
        description: Whether the explicit permission must be there.
        type: str
        choices: [present, absent]
        default: present
  exclusive:
    description:
      - With O(users), also remove the explicit permission of every user not listed, except those in O(exempt) and the
        caller's own admin permission.
      - Removes nothing from a repository unless every page of its current explicit permissions was read.
    type: bool
    default: false
  exempt:
    description:
      - Users (account ID, C({uuid}) or email) whose explicit permissions O(exclusive) never removes.
      - Each email address or C({uuid}) must match a workspace member, else the task fails before any write.
      - A user listed here cannot also be listed in O(users) with O(users[].state=absent).
    type: list
    elements: str
    default: []
  concurrency:
    description:
      - How many repositories are read and written at the same time (1 to 16). V(1) handles them one after another.
      - Each worker uses its own HTTP session; the rate limit of Bitbucket (about 1,000 requests per hour per user)
        is shared by all of them.
    type: int
    default: 4
notes:
  - "Credentials: an API token (O(username) is the Atlassian account email), an OAuth consumer (client credentials) or
    an OAuth access token (O(access_token)) of a user who is admin of the repositories. Workspace, project and
    repository access tokens cannot read or change permissions (Bitbucket answers HTTP 403: the task then stops at the
    first such answer)."
  - "API token scopes: C(read:repository:bitbucket), C(admin:repository:bitbucket), C(write:permission:bitbucket),
    C(delete:permission:bitbucket), C(read:workspace:bitbucket) (email and uuid look-ups, owner check) and
    C(read:user:bitbucket) (to recognize the caller before removing or lowering an admin permission).
    OAuth consumer scopes: C(repository:admin), C(account)."
  - "Resolving email addresses needs a workspace admin (Bitbucket only lets admins filter members by email)."
  - "Requests: one per repository to read (one per 100 explicit permissions when several users are involved, or one
    when a single user is; two when that user has no explicit permission and is to be removed, or in check mode), one
    per change, plus one per 90 email addresses, one per 50 C({uuid})s, one to find the workspace owner when someone is
    added (the same request confirms that the account IDs to be granted are workspace members), one per 50 account IDs
    to remove that no repository read showed (to tell a member with nothing left to remove from an ID that matches
    nobody), one per 50 O(exempt) account IDs, and one C(GET /user) when an admin permission would be removed or lowered.
    C(api_calls) in the result gives the exact count."
seealso:
  - module: accessops.atlassian.bitbucket_member_info
  - name: Bitbucket Cloud REST API, repository permissions
    description: The permissions-config endpoints this module uses.
    link: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/#api-repositories-workspace-repo-slug-permissions-config-users-get
"""

EXAMPLES = r"""
- name: Give one person write access to one repository
  accessops.atlassian.bitbucket_repo_permission:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    repository: infra-core
    user: dev002@acme.example
    permission: write

- name: Set several permissions on several repositories (connection options set once)
  module_defaults:
    group/accessops.atlassian.bitbucket:
      username: admin@acme.example
      api_token: "{{ bitbucket_api_token }}"
  block:
    - name: Platform team on the infrastructure repositories
      accessops.atlassian.bitbucket_repo_permission:
        workspace: acme
        repositories:
          - infra-core
          - infra-api
        users:
          - user: dev003@acme.example
            permission: admin
          - user: dev004@acme.example
            permission: read
          - user: dev005@acme.example
            state: absent
      register: platform

    - name: Show what changed
      ansible.builtin.debug:
        msg: "{{ platform.results | map(attribute='added') | list }}"

- name: Remove one person's explicit permission
  accessops.atlassian.bitbucket_repo_permission:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    repository: infra-core
    user: dev002@acme.example
    state: absent

- name: Exactly these explicit permissions on a repository, nobody else (keeps a break-glass account)
  accessops.atlassian.bitbucket_repo_permission:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    repository: platform-core
    users:
      - user: dev003@acme.example
        permission: admin
      - user: dev004@acme.example
        permission: write
    exclusive: true
    exempt:
      - dev010@acme.example
"""

RETURN = r"""
changed:
  description: Whether any permission was granted, changed or revoked (would be, in check mode).
  returned: always
  type: bool
diff:
  description:
    - "One entry per repository that changed, for C(--diff): the explicit permissions of the users the task manages
      (everybody's with O(exclusive)) before and after, as YAML text, one C(\"account_id\": permission) line per
      user with the display name and email as a comment when they are known."
    - C(before_header) and C(after_header) name the repository, so C(--diff) shows one block per repository.
    - For the same data as mappings, use RV(permissions).
  returned: always
  type: list
  elements: dict
  sample:
    - before_header: acme/infra-core
      after_header: acme/infra-core
      before: "\"557058:0002\": read  # Ben Nakamura <dev002@acme.example>\n"
      after: "\"557058:0002\": write  # Ben Nakamura <dev002@acme.example>\n\"557058:0003\": admin\n"
permissions:
  description:
    - "Explicit permissions of the managed users before and after, for every repository that could be read,
      as C({repository: {account_id: permission}})."
  returned: always
  type: dict
  sample:
    before: {"infra-core": {"557058:0002": "read"}}
    after: {"infra-core": {"557058:0002": "write", "557058:0003": "admin"}}
results:
  description:
    - One entry per repository, in the order given. C(added), C(updated) and C(removed) list the account IDs whose
      permission was actually granted, changed or revoked (would be, in check mode).
    - C(failed) lists what could not be done, with the HTTP status and the reason; C(operation) is C(read),
      C(grant), C(update) or C(revoke), and C(user) is null for a failed read. A repository that does not exist fails
      with HTTP 404 on its read, or on its C(grant) (message C(Repository <workspace>/<slug> not found ...)).
  returned: always
  type: list
  elements: dict
  sample:
    - repository: infra-core
      changed: true
      added: ["557058:0003"]
      updated: ["557058:0002"]
      removed: []
      unchanged: []
      protected: []
      failed: []
    - repository: billing
      changed: false
      added: []
      updated: []
      removed: []
      unchanged: []
      protected: []
      failed:
        - user: "557058:0003"
          operation: grant
          status: 402
          message: "PUT /2.0/repositories/acme/billing/permissions-config/users/557058:0003 failed with HTTP 402 ..."
failed_repositories:
  description: Slugs of the repositories where something failed; pass them as O(repositories) to retry only them.
  returned: always
  type: list
  elements: str
  sample: []
users:
  description: The users involved, by account ID, with what is known about them (uuid, display name, email).
  returned: always
  type: dict
  sample:
    "557058:0003": {"account_id": "557058:0003", "uuid": "{0b0f...}", "display_name": "Dev 003", "email": "dev003@acme.example"}
not_found:
  description:
    - Identifiers to remove (O(state=absent)) that match no workspace member. The task does not fail for them (there
      is nothing to remove, so a second run of a completed offboarding stays green), but they are always listed here.
    - An identifier to grant that matches no workspace member fails the task before any write, and so does an
      O(exempt) entry that matches nobody.
  returned: always
  type: list
  elements: str
  sample: []
api_calls:
  description: HTTP requests sent by the task, by method, retries included.
  returned: always
  type: dict
  sample: {"total": 4, "GET": 3, "PUT": 1}
rate_limit:
  description: The most recent rate-limit headers Bitbucket sent (only for access tokens), else empty.
  returned: always
  type: dict
  sample: {}
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.accessops.atlassian.plugins.module_utils._args import (
    accounting,
    bitbucket_argument_spec,
    bitbucket_transport_from_params,
    error_result,
    protect_url_credentials,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket import BitbucketClient
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket_repo_permission import run_repo_permission
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AtlassianError
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR

PERMISSIONS = ["read", "write", "admin"]
MAX_CONCURRENCY = 16


def argument_spec():
    spec = bitbucket_argument_spec()
    spec.update(
        workspace=dict(type="str", required=True),
        repository=dict(type="str"),
        repositories=dict(type="list", elements="str"),
        user=dict(type="str"),
        permission=dict(type="str", choices=PERMISSIONS),
        state=dict(type="str", choices=["present", "absent"]),
        users=dict(
            type="list", elements="dict",
            options=dict(
                user=dict(type="str", required=True),
                permission=dict(type="str", choices=PERMISSIONS),
                state=dict(type="str", choices=["present", "absent"], default="present"),
            ),
            required_if=[("state", "present", ("permission",))],
        ),
        exclusive=dict(type="bool", default=False),
        exempt=dict(type="list", elements="str", default=[]),
        concurrency=dict(type="int", default=4),
    )
    return spec


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("repository", "repositories"), ("user", "users")],
        required_one_of=[("repository", "repositories"), ("user", "users")],
        required_by={"permission": "user", "state": "user"},
    )
    protect_url_credentials(module)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    if not 1 <= module.params["concurrency"] <= MAX_CONCURRENCY:
        module.fail_json(msg="concurrency must be between 1 and %d" % MAX_CONCURRENCY)

    client = None
    try:
        client = BitbucketClient(bitbucket_transport_from_params(module.params, warn=module.warn))
        result, failed = run_repo_permission(client, module.params, check_mode=module.check_mode)
    except AtlassianError as err:
        module.fail_json(changed=False, **error_result(err, client))
    finally:
        if client is not None:
            client.close()

    result.update(accounting(client))
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
