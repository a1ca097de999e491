#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bitbucket_permission_info
short_description: Read the explicit user and group permissions of Bitbucket Cloud repositories and projects
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Reads the explicit (direct) user and group permissions of the repositories and projects of a Bitbucket Cloud
    workspace - every one of them, or those the task names - each permission list once, and returns them sorted, so
    that the result can be compared with the access a team keeps as code.
  - Access that comes through the project or the workspace role is not explicit and is not listed here; see
    M(accessops.atlassian.bitbucket_member_info) for the effective permissions of members.
  - Fails on a repository or project that does not exist, naming it (an unknown name is never silently skipped), and
    on a permission list the credentials may not read (HTTP 403, with the rights it needs).
  - Fails before any request on a blank or malformed O(workspace), O(repositories) or O(projects) entry, an empty
    O(repositories) or O(projects) list, or O(repositories) / O(projects) given while O(include) leaves that kind out.
extends_documentation_fragment:
  - accessops.atlassian.bitbucket
  - accessops.atlassian.attributes.info_module
  - accessops.atlassian.attributes.bitbucket_actiongroup
  - accessops.atlassian.attributes.in_process
options:
  workspace:
    description: The workspace slug (or UUID).
    type: str
    required: true
  repositories:
    description:
      - The slugs of the repositories to read.
      - Without it, every repository of the workspace the credentials can see (C(GET /repositories/{workspace}), one
        request per 100 repositories), with its name and project key.
      - The permission lists do not name their repository, so the repositories named here have a null
        RV(repositories[].name) and RV(repositories[].project) rather than cost one more request each.
      - Duplicates (in any case) are read once.
    type: list
    elements: str
  projects:
    description:
      - The keys of the projects to read.
      - Without it, every project of the workspace (C(GET /workspaces/{workspace}/projects), one request per 100
        projects), with its name.
      - The projects named here have a null RV(projects[].name), for the same reason as O(repositories).
    type: list
    elements: str
  include:
    description:
      - Which kinds of targets to read at all. A kind left out costs no request and its result list is empty.
    type: list
    elements: str
    choices: [repositories, projects]
    default: [repositories, projects]
  subjects:
    description:
      - Which permission lists to read on each target - V(users), V(groups) or both. Each kind costs one request per
        target (per 100 entries).
      - A kind left out is absent from the targets of the result (not known, rather than empty). V([]) lists the
        targets only (with their names and projects when they come from the listings).
    type: list
    elements: str
    choices: [users, groups]
    default: [users, groups]
  include_owner:
    description:
      - Also return the workspace owner in RV(owners) (one request, C(GET /workspaces/{workspace}/permissions) filtered
        on C(permission = "owner")). Bitbucket refuses explicit permissions for the owner.
    type: bool
    default: false
  missing:
    description:
      - What a repository named in O(repositories) or a project named in O(projects) that does not exist (HTTP 404)
        does - V(fail) the task (naming it), or V(report) it in RV(missing) and read the others.
      - A target of the workspace listings that disappears while the task reads fails the task in any case.
    type: str
    choices: [fail, report]
    default: fail
  concurrency:
    description:
      - How many permission lists are read at the same time (1 to 16). V(1) reads them one after another.
      - Each worker uses its own HTTP session; the rate limit of Bitbucket and the request budget
        (O(requests_per_hour)) are shared by all of them.
    type: int
    default: 8
notes:
  - "Needs admin rights on every target read (a workspace admin reads them all). API token scopes:
    C(read:repository:bitbucket) (repositories), C(read:project:bitbucket) (projects). OAuth consumer scopes:
    C(repository:admin) (repositories), C(project:admin) (projects). Workspace, project and repository access tokens
    cannot read permissions."
  - "Requests: one per 100 repositories of the workspace when O(repositories) is not given, one per 100 projects when
    O(projects) is not given, then for every repository and project read, one per 100 entries of each kind of
    O(subjects) (at least one). For example every repository and project of a workspace with 120 repositories and 5
    projects, users and groups, each list under 100 entries: 2 + 1 + 2 x 125 = 253 requests; O(repositories=[a, b])
    with O(include=[repositories]): 4; O(include_owner=true) adds one. RV(api_calls) gives the exact count."
  - A permission list that fails stops the task; the lists not started yet are not read.
  - An explicit permission C(none) (which Bitbucket may list and which grants nothing) is left out, as the permission
    modules leave it out.
seealso:
  - module: accessops.atlassian.bitbucket_repo_permission
  - module: accessops.atlassian.bitbucket_project_permission
  - module: accessops.atlassian.bitbucket_member_info
  - name: Bitbucket Cloud REST API, repository permissions
    description: The C(permissions-config) endpoints this module reads.
    link: https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/
"""

EXAMPLES = r"""
- name: Read every explicit permission of the workspace
  accessops.atlassian.bitbucket_permission_info:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
  register: access

- name: Who has explicit admin on which repository
  ansible.builtin.debug:
    msg: "{{ item.slug }}: {{ item.users | selectattr('permission', 'equalto', 'admin') | map(attribute='display_name') | list }}"
  loop: "{{ access.repositories }}"
  loop_control:
    label: "{{ item.slug }}"

- name: The user permissions of two repositories only
  accessops.atlassian.bitbucket_permission_info:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    repositories:
      - infra-core
      - infra-api
    include: [repositories]
    subjects: [users]
  register: two

- name: The group permissions of every project
  accessops.atlassian.bitbucket_permission_info:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    include: [projects]
    subjects: [groups]
  register: project_groups
"""

RETURN = r"""
repositories:
  description:
    - The repositories read, sorted by slug; empty when O(include) leaves repositories out.
  returned: always
  type: list
  elements: dict
  contains:
    slug:
      description: The repository slug.
      type: str
      sample: infra-core
    name:
      description: The repository name; null for a repository named in O(repositories).
      type: str
      sample: Infra Core
    project:
      description: The key of the repository's project; null for a repository named in O(repositories).
      type: str
      sample: INFRA
    users:
      description: The explicit user permissions, sorted by account ID.
      type: list
      elements: dict
      returned: when O(subjects) holds V(users)
      sample:
        - {"account_id": "557058:0001", "display_name": "Dev 001", "nickname": "dev001", "permission": "write"}
      contains:
        account_id:
          description: Atlassian account ID (the C({uuid}) of a user without one).
          type: str
        display_name:
          description: Display name (as the user's privacy settings allow).
          type: str
        nickname:
          description: Nickname, or null.
          type: str
        permission:
          description: V(read), V(write) or V(admin).
          type: str
    groups:
      description: The explicit group permissions, sorted by group slug.
      type: list
      elements: dict
      returned: when O(subjects) holds V(groups)
      sample:
        - {"slug": "developers", "name": "Developers", "permission": "read"}
      contains:
        slug:
          description: The group slug.
          type: str
        name:
          description: The group name.
          type: str
        permission:
          description: V(read), V(write) or V(admin).
          type: str
projects:
  description:
    - The projects read, sorted by key; empty when O(include) leaves projects out.
  returned: always
  type: list
  elements: dict
  contains:
    key:
      description: The project key.
      type: str
      sample: INFRA
    name:
      description: The project name; null for a project named in O(projects).
      type: str
      sample: Infrastructure
    users:
      description:
        - The explicit user permissions, sorted by account ID, as in RV(repositories[].users).
        - The level is V(read), V(write), V(create-repo) or V(admin).
      type: list
      elements: dict
      returned: when O(subjects) holds V(users)
      sample:
        - {"account_id": "557058:0003", "display_name": "Dev 003", "nickname": "dev003", "permission": "create-repo"}
    groups:
      description:
        - The explicit group permissions, sorted by group slug, as in RV(repositories[].groups).
        - The level is V(read), V(write), V(create-repo) or V(admin).
      type: list
      elements: dict
      returned: when O(subjects) holds V(groups)
      sample:
        - {"slug": "developers", "name": "Developers", "permission": "write"}
owners:
  description: With O(include_owner=true), the workspace owner(s) as C({account_id, display_name}); null otherwise.
  returned: always
  type: list
  elements: dict
  sample: [{"account_id": "557058:0000", "display_name": "Olivia Owner"}]
missing:
  description:
    - With O(missing=report), the named repositories (slugs) and projects (keys) that do not exist; they are not in
      RV(repositories) / RV(projects). Empty lists otherwise.
  returned: always
  type: dict
  sample: {"repositories": ["no-such-repo"], "projects": []}
api_calls:
  description: HTTP requests sent by the task, by method, retries included.
  returned: always
  type: dict
  sample: {"total": 3, "GET": 3}
rate_limit:
  description: >-
    The most recent rate-limit headers Bitbucket sent (only for access tokens), else empty; C(paced_seconds) when the
    task waited for room in its request budget (O(requests_per_hour)).
  returned: always
  type: dict
  sample: {}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.connection import (
    bitbucket_argument_spec,
    bitbucket_client,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.permission_listing import (
    INCLUDE,
    SUBJECT_KINDS,
    run_permission_info,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module
from ansible_collections.accessops.atlassian.plugins.module_utils._workers import DEFAULT_CONCURRENCY


def argument_spec():
    spec = bitbucket_argument_spec()
    spec.update(
        workspace=dict(type="str", required=True),
        repositories=dict(type="list", elements="str"),
        projects=dict(type="list", elements="str"),
        include=dict(type="list", elements="str", choices=list(INCLUDE), default=list(INCLUDE)),
        subjects=dict(type="list", elements="str", choices=list(SUBJECT_KINDS), default=list(SUBJECT_KINDS)),
        include_owner=dict(type="bool", default=False),
        missing=dict(type="str", choices=["fail", "report"], default="fail"),
        concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    run_module(
        module,
        bitbucket_client,
        lambda client, module: (dict(changed=False, **run_permission_info(client, module.params)), False),
    )


if __name__ == "__main__":
    main()
