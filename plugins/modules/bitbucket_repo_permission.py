#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bitbucket_repo_permission
short_description: Grant, change and revoke explicit user and group permissions on Bitbucket Cloud repositories
version_added: "0.1.0"
author:
  - accessops maintainers (@accessops)
description:
  - Makes the explicit (direct) user and group permissions of one or more Bitbucket Cloud repositories match what the
    task asks for, writing only the differences (C(PUT) to grant or change, C(DELETE) to revoke).
  - Users are named by Atlassian account ID, by C({uuid}) or by email address. Email addresses are resolved once per
    task, up to 90 per request, among the workspace members. Groups are named by slug.
  - With O(exclusive=true), explicit permissions of every user not listed in O(users) (nor in O(exempt)), and of every
    group not listed in O(groups), are removed, for each list the task gives.
  - Access through the project (see M(accessops.atlassian.bitbucket_project_permission)) or the workspace role is not
    changed; see M(accessops.atlassian.bitbucket_member_info) to read every path of access.
extends_documentation_fragment:
  - accessops.atlassian.bitbucket
  - accessops.atlassian.permissions
  - accessops.atlassian.permissions.repository
  - accessops.atlassian.attributes
  - accessops.atlassian.attributes.bitbucket_actiongroup
  - accessops.atlassian.attributes.in_process
notes:
  - "Resolving email addresses needs a workspace admin (Bitbucket only lets admins filter members by email)."
  - "Requests: one per repository and subject kind to read (one per 100 explicit permissions when several users or
    groups are involved, or one when a single one is; two when it has no explicit permission and is to be removed, or
    is expected to hold a level (O(users[].expect)), or in check mode), one per change, plus one per 90 email
    addresses, one per 50 C({uuid})s, one to find the workspace owner when a user is added (the same request confirms
    that the account IDs to be granted are workspace members), one per 50 account IDs to remove that no repository read
    showed (to tell a member with nothing left to remove from an ID that matches nobody), one per 50 O(exempt) account
    IDs, and one C(GET /user) when an admin permission would be removed or lowered. RV(api_calls) in the result gives
    the exact count."
seealso:
  - module: accessops.atlassian.bitbucket_project_permission
  - module: accessops.atlassian.bitbucket_member_info
  - name: Bitbucket Cloud REST API, repository permissions
    description: The C(permissions-config) endpoints this module uses.
    link: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/
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
        msg: "{{ platform.targets | map(attribute='added') | list }}"

- name: The developers group writes to two repositories, the auditors group only reads one
  accessops.atlassian.bitbucket_repo_permission:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    repositories: [infra-core, infra-api]
    groups:
      - group: developers
        permission: write
      - group: auditors
        state: absent

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

- name: Compare-and-set - raise dev004 to write only where they still hold read (as a reviewed plan saw it)
  accessops.atlassian.bitbucket_repo_permission:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    repositories: [infra-core, infra-api]
    users:
      - user: dev004@acme.example
        permission: write
        expect: read
  register: raised  # raised.stale lists the repositories where dev004 held another level (nothing written there)
"""

RETURN = r"""
diff:
  description:
    - "One entry per repository that changed, for C(--diff): the explicit permissions of the users the task manages
      (everybody's with O(exclusive)) before and after, as YAML text, one C(\"account_id\": permission) line per
      user with the display name and email as a comment when they are known, then one C(\"group:slug\": permission)
      line per managed group."
    - C(before_header) and C(after_header) name the repository, so C(--diff) shows one block per repository.
    - For the same data as mappings, use RV(permissions) and RV(group_permissions).
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
  returned: when the task names O(user) or O(users)
  type: dict
  sample:
    before: {"infra-core": {"557058:0002": "read"}}
    after: {"infra-core": {"557058:0002": "write", "557058:0003": "admin"}}
group_permissions:
  description:
    - "Explicit permissions of the managed groups before and after, for every repository that could be read,
      as C({repository: {group_slug: permission}})."
  returned: when the task names O(group) or O(groups)
  type: dict
  sample:
    before: {"infra-core": {"developers": "read"}}
    after: {"infra-core": {"developers": "write"}}
targets:
  description:
    - One entry per repository, in the order given. C(added), C(updated) and C(removed) list the account IDs whose
      permission was actually granted, changed or revoked (would be, in check mode); C(groups) holds the same lists
      for group slugs when the task manages groups.
    - A failed write of a group has C(group) instead of C(user); an unknown group slug fails its C(grant) with
      C(Group <slug> not found in workspace <workspace>).
    - C(failed) lists what could not be done, with the HTTP status and the reason; C(operation) is C(read),
      C(grant), C(update) or C(revoke), and C(user) is null for a failed read. A repository that does not exist fails
      with HTTP 404 on its read, or on its C(grant) (message C(Repository <workspace>/<slug> not found ...)).
    - C(diff) is the repository's own C(--diff) entry (empty when it did not change); in a loop, it lets callbacks show
      the diff of each repository.
    - C(stale) lists the users and groups of this repository whose O(users[].expect) or O(groups[].expect) did not
      hold (see RV(stale)).
  returned: always
  version_added: 0.3.0
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
      stale: []
      groups: {"added": ["developers"], "updated": [], "removed": [], "unchanged": [], "protected": []}
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
      stale: []
results:
  description:
    - Deprecated alias of RV(targets) (the same list), removed in 0.4.0; read RV(targets) instead.
    - In a loop, ansible-core reads a C(results) key as the loop's own list; each entry's C(diff) keeps C(--diff) working
      until the alias is removed.
  returned: always
  type: list
  elements: dict
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
changes:
  description:
    - One change item per repository and user or group whose explicit permission the task changed (would change, in check
      mode), in the order of the repositories given, users before groups, then revokes, changes and grants; after a failure
      midway, only what was applied. Nothing else is in the list (an empty list when nothing changed).
    - C(kind) is C(repository_permission); C(action) is C(grant) (C(before) null), C(change) or C(revoke) (C(after) null);
      C(before) and C(after) are permission levels or null (no explicit permission).
    - C(target) holds C(workspace) and C(repository); C(subject) names a user by account ID (C(type) V(user) and
      C(account_id), never an email address) or a group by slug (C(type) V(group) and C(slug)).
  returned: always
  version_added: 0.3.0
  type: list
  elements: dict
  sample:
    - api: bitbucket
      kind: repository_permission
      action: change
      target: {"workspace": "acme", "repository": "infra-core"}
      subject: {"type": "user", "account_id": "557058:0002"}
      before: read
      after: write
stale:
  description:
    - The users and groups whose O(users[].expect) or O(groups[].expect) did not hold on a repository, one entry per
      repository and subject, in the order of the repositories given, users before groups. Nothing was written for them on
      that repository; the other entries and repositories were applied as usual.
    - C(expected) and C(found) are permission levels, or null for no explicit permission. C(user) is the account ID.
    - A stale entry neither fails the task nor makes it changed, in check mode as in a real run. Each entry of
      RV(targets) lists its own in C(stale).
  returned: always
  version_added: 0.3.0
  type: list
  elements: dict
  sample:
    - repository: web-core
      user: "557058:0002"
      expected: read
      found: write
api_calls:
  description: HTTP requests sent by the task, by method, retries included.
  returned: always
  type: dict
  sample: {"total": 4, "GET": 3, "PUT": 1}
rate_limit:
  description: >-
    The most recent rate-limit headers Bitbucket sent (only for access tokens), else empty; C(paced_seconds) when the
    task waited for room in its request budget (O(requests_per_hour)).
  returned: always
  type: dict
  sample: {}
"""

from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.argspec import run_permission_module
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import REPOSITORY


def main():
    run_permission_module(REPOSITORY)


if __name__ == "__main__":
    main()
