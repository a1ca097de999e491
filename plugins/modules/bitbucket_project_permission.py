#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bitbucket_project_permission
short_description: Grant, change and revoke explicit user and group permissions on Bitbucket Cloud projects
version_added: "0.1.0"
author:
  - accessops maintainers (@accessops)
description:
  - Makes the explicit user and group permissions of one or more Bitbucket Cloud projects match what the task asks
    for, writing only the differences (C(PUT) to grant or change, C(DELETE) to revoke). A project permission applies
    to every repository of the project, so onboarding a team is one task, not one grant per repository.
  - Users are named by Atlassian account ID, by C({uuid}) or by email address (resolved once per task, up to 90 per
    request, among the workspace members). Groups are named by slug.
  - With O(exclusive=true), explicit permissions of every user not listed in O(users) (nor in O(exempt)), and of every
    group not listed in O(groups), are removed, for each list the task gives.
  - Repository permissions are not changed; see M(accessops.atlassian.bitbucket_repo_permission).
extends_documentation_fragment:
  - accessops.atlassian.bitbucket
  - accessops.atlassian.permissions
  - accessops.atlassian.permissions.project
  - accessops.atlassian.attributes
  - accessops.atlassian.attributes.bitbucket_actiongroup
  - accessops.atlassian.attributes.in_process
notes:
  - "Requests: one per project and subject kind to read (one per 100 explicit permissions when several users or groups
    are involved, or one when a single one is; two when it has no explicit permission and is to be removed, or is
    expected to hold a level (O(users[].expect)), or in check mode), one per change, plus the identity look-ups and
    safety reads of M(accessops.atlassian.bitbucket_repo_permission). RV(api_calls) gives the exact count."
seealso:
  - module: accessops.atlassian.bitbucket_repo_permission
  - module: accessops.atlassian.bitbucket_member_info
  - name: Bitbucket Cloud REST API, project permissions
    description: The C(permissions-config) endpoints of projects this module uses.
    link: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-projects/
"""

EXAMPLES = r"""
- name: The platform team writes to every repository of the INFRA project
  accessops.atlassian.bitbucket_project_permission:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    project: INFRA
    users:
      - user: dev003@acme.example
        permission: create-repo
      - user: dev004@acme.example
        permission: write
    groups:
      - group: developers
        permission: read

- name: Exactly these groups on two projects, no other group (user permissions are left alone)
  accessops.atlassian.bitbucket_project_permission:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    projects: [INFRA, WEB]
    groups:
      - group: developers
        permission: write
    exclusive: true

- name: Offboarding - remove one person's explicit project permission
  accessops.atlassian.bitbucket_project_permission:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    projects: [INFRA, WEB, DATA]
    user: dev005@acme.example
    state: absent
"""

RETURN = r"""
diff:
  description:
    - One entry per project that changed, for C(--diff), with the explicit permissions of the managed users and groups
      before and after, as YAML text (see M(accessops.atlassian.bitbucket_repo_permission)).
  returned: always
  type: list
  elements: dict
  sample:
    - before_header: acme/INFRA
      after_header: acme/INFRA
      before: "\"group:developers\": read\n"
      after: "\"557058:0003\": create-repo  # Dev 003 <dev003@acme.example>\n\"group:developers\": write\n"
permissions:
  description: "Explicit permissions of the managed users before and after, as C({project: {account_id: permission}})."
  returned: when the task names O(user) or O(users)
  type: dict
  sample:
    before: {"INFRA": {}}
    after: {"INFRA": {"557058:0003": "create-repo"}}
group_permissions:
  description: "Explicit permissions of the managed groups before and after, as C({project: {group_slug: permission}})."
  returned: when the task names O(group) or O(groups)
  type: dict
  sample:
    before: {"INFRA": {"developers": "read"}}
    after: {"INFRA": {"developers": "write"}}
targets:
  description:
    - One entry per project, in the order given; C(added), C(updated), C(removed), C(unchanged) and C(protected) list
      account IDs, C(groups) the same for group slugs (when the task manages groups), C(failed) what could not be done
      (C(operation) is C(read), C(grant), C(update) or C(revoke), with C(user) or C(group), the HTTP status and the
      reason).
    - C(diff) is the project's own C(--diff) entry (empty when it did not change); in a loop, it lets callbacks show
      the diff of each project.
    - C(stale) lists the users and groups of this project whose O(users[].expect) or O(groups[].expect) did not hold
      (see RV(stale)).
  returned: always
  version_added: 0.3.0
  type: list
  elements: dict
  sample:
    - project: INFRA
      changed: true
      added: ["557058:0003"]
      updated: []
      removed: []
      unchanged: []
      protected: []
      failed: []
      stale: []
      groups: {"added": [], "updated": ["developers"], "removed": [], "unchanged": [], "protected": []}
results:
  description:
    - Deprecated alias of RV(targets) (the same list), removed in 0.4.0; read RV(targets) instead.
    - In a loop, ansible-core reads a C(results) key as the loop's own list; each entry's C(diff) keeps C(--diff) working
      until the alias is removed.
  returned: always
  type: list
  elements: dict
failed_projects:
  description: Keys of the projects where something failed; pass them as O(projects) to retry only them.
  returned: always
  type: list
  elements: str
  sample: []
users:
  description: The users involved, by account ID, with what is known about them (uuid, display name, email).
  returned: always
  type: dict
  sample:
    "557058:0003": {"account_id": "557058:0003", "display_name": "Dev 003", "email": "dev003@acme.example"}
not_found:
  description: Identifiers to remove (state V(absent)) that match no workspace member; the task does not fail for them.
  returned: always
  type: list
  elements: str
  sample: []
changes:
  description:
    - One change item per project and user or group whose explicit permission the task changed (would change, in check
      mode), in the order of the projects given, users before groups, then revokes, changes and grants; after a failure
      midway, only what was applied. Nothing else is in the list (an empty list when nothing changed).
    - C(kind) is C(project_permission); C(action) is C(grant) (C(before) null), C(change) or C(revoke) (C(after) null);
      C(before) and C(after) are permission levels or null (no explicit permission).
    - C(target) holds C(workspace) and C(project); C(subject) names a user by account ID (C(type) V(user) and
      C(account_id), never an email address) or a group by slug (C(type) V(group) and C(slug)).
  returned: always
  version_added: 0.3.0
  type: list
  elements: dict
  sample:
    - api: bitbucket
      kind: project_permission
      action: change
      target: {"workspace": "acme", "project": "INFRA"}
      subject: {"type": "user", "account_id": "557058:0002"}
      before: read
      after: create-repo
stale:
  description:
    - The users and groups whose O(users[].expect) or O(groups[].expect) did not hold on a project, one entry per
      project and subject, in the order of the projects given, users before groups. Nothing was written for them on
      that project; the other entries and projects were applied as usual.
    - C(expected) and C(found) are permission levels, or null for no explicit permission. C(user) is the account ID.
    - A stale entry neither fails the task nor makes it changed, in check mode as in a real run. Each entry of
      RV(targets) lists its own in C(stale).
  returned: always
  version_added: 0.3.0
  type: list
  elements: dict
  sample:
    - project: WEB
      user: "557058:0002"
      expected: read
      found: write
api_calls:
  description: HTTP requests sent by the task, by method, retries included.
  returned: always
  type: dict
  sample: {"total": 5, "GET": 3, "PUT": 2}
rate_limit:
  description: >-
    The most recent rate-limit headers Bitbucket sent, else empty; C(paced_seconds) when the task waited for room
    in its request budget (O(requests_per_hour)).
  returned: always
  type: dict
  sample: {}
"""

from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.argspec import run_permission_module
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import PROJECT


def main():
    run_permission_module(PROJECT)


if __name__ == "__main__":
    main()
