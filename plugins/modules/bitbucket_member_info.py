#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: bitbucket_member_info
short_description: Look up Bitbucket Cloud workspace members, their roles and their repository permissions
version_added: "0.1.0"
author:
  - accessops maintainers (@accessops)
description:
  - Lists the members of a Bitbucket Cloud workspace with their workspace role (V(owner), V(collaborator), V(member)),
    or looks up one member (by account ID, C({uuid}) or email address) or many members by email address.
  - Optionally adds each member's effective repository permissions (direct or through groups), their public profile,
    the explicit user and group permissions of one repository, and the caller's own account and email addresses.
  - Never fails because something was not found; what matched nobody is listed in RV(not_found).
  - Fails before any request on a blank or malformed O(member) or O(emails) entry (neither an email address, an account
    ID nor a C({uuid})), an empty O(emails) list, or a bad O(workspace) or O(repository) slug; an empty O(member) never
    reads as "every member".
  - Every answer of a filtered or keyed read is checked against what was asked (a server that ignores the filter, or
    answers another user, fails the task with C(Unexpected answer from the API)), so a member is never reported as
    someone else.
  - "Members: without O(member) nor O(emails), every member is listed, unless the task only asks for O(repository)
    and/or O(whoami)."
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
  member:
    description:
      - One member to look up, as an Atlassian account ID, a C({uuid}) or an email address.
      - Looking up by email needs a workspace admin (or a workspace access token).
    type: str
  emails:
    description:
      - Email addresses to resolve to workspace members (90 per request). Needs a workspace admin (or a workspace access
        token).
      - Addresses that match no member are returned in RV(not_found).
    type: list
    elements: str
  account_ids:
    description:
      - Atlassian account IDs of members to look up (50 per request). Needs a workspace admin (an access token reads
        one member per request).
      - With O(include_permissions=true) the effective permissions are read at the same time as the memberships (both
        need only the IDs) - one round of requests where a look-up by O(emails) needs three.
      - IDs that match no member are returned in RV(not_found).
    type: list
    elements: str
    version_added: 0.3.0
  repository:
    description:
      - A repository slug; adds its explicit user and group permissions as RV(repository_permissions).
      - A repository that does not exist gives a warning and a null RV(repository_permissions).
    type: str
  include_permissions:
    description:
      - Add each returned member's effective repository permissions (the highest level, direct, through the project,
        through groups or the workspace role), and their explicit repository and project user permissions, so that
        access that comes only through a group or the workspace role shows as an effective permission without an
        explicit one.
      - Effective permissions are read with paginated queries joined in memory, never one per member - the whole
        workspace listing when every member is returned, else one query per 50 returned members. Explicit ones are
        read from the permission lists of the repositories the members can reach and of every project, concurrently
        (O(concurrency)); O(include_explicit) leaves either out. Needs a workspace admin.
    type: bool
    default: false
  include_explicit:
    description:
      - With O(include_permissions=true), which explicit user permissions to read next to the effective ones -
        V(repositories) (one permission list per repository the returned members can reach) and V(projects) (the
        project listing and one permission list per project).
      - A kind left out is not read and is absent from RV(members[].explicit_permissions) (not known, rather than
        empty); V([]) reads the effective permissions only, which costs no request per repository or project. For
        example V([projects]) gives the effective permissions and the explicit project permissions of a member
        who reaches hundreds of repositories with a handful of requests.
      - Only used with O(include_permissions=true).
    type: list
    elements: str
    choices: [repositories, projects]
    default: [repositories, projects]
    version_added: 0.3.0
  within_repositories:
    description:
      - With O(include_permissions=true), the permissions on these repositories (slugs) only - RV(members[].repository_permissions)
        and the explicit repository permissions then cover just these. Each effective-permission query is narrowed to
        50 of them, so a member who reaches hundreds of repositories is checked on a few with one request (how the
        onboarding role verifies its grants).
      - Only used with O(include_permissions=true).
    type: list
    elements: str
    version_added: 0.3.0
  concurrency:
    description: How many permission lists O(include_permissions) reads at the same time (1 to 16).
    type: int
    default: 8
  include_profile:
    description:
      - Add each returned member's public profile (C(GET /users/{id})). Costs one request per member.
    type: bool
    default: false
  whoami:
    description:
      - Add the caller's own account and email addresses as RV(current_user).
      - Needs an API token, an OAuth consumer or an OAuth access token. Workspace, project and repository access tokens
        are not user accounts; Bitbucket refuses them on C(GET /user), and the task fails with a message saying so.
    type: bool
    default: false
notes:
  - "API token scopes: C(read:workspace:bitbucket) (members and roles), C(read:repository:bitbucket) (repository and
    effective permissions), C(read:user:bitbucket) (profiles, O(whoami)). OAuth consumer scopes: C(account),
    C(repository:admin) (for O(repository)), C(email) (for O(whoami))."
  - "Requests: listing every member costs one request per 100 members; O(include_permissions) adds one request per
    100 effective permissions of the returned members (plus one per 50 members when only some are returned), one per
    100 projects, and one per 100 explicit user permissions of each project and of each repository the returned
    members can reach (only the kinds of O(include_explicit)). RV(api_calls) gives the exact count."
  - Bitbucket never shows members' email addresses, except to a workspace admin who filters by them (O(member) as
    an email, O(emails)); RV(members[].email) is only set then.
  - "Workspace access tokens: Bitbucket lets them list members and look members up by email, but not read workspace
    roles (C(/workspaces/{workspace}/permissions) answers HTTP 403). Members are then read from
    C(/workspaces/{workspace}/members) (one request per 100; O(member) by account ID or C({uuid}) with
    C(/workspaces/{workspace}/members/{member}); emails with the email filter), RV(members[].workspace_permission) is
    null, and the task warns once. O(include_permissions) needs user credentials of a workspace admin."
seealso:
  - module: accessops.atlassian.bitbucket_repo_permission
"""

EXAMPLES = r"""
- name: List every member of the workspace with their role
  accessops.atlassian.bitbucket_member_info:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
  register: everyone

- name: Show the workspace owner's name
  ansible.builtin.debug:
    msg: "{{ everyone.members | selectattr('workspace_permission', 'equalto', 'owner') | map(attribute='display_name') | list }}"

- name: Look up one member by email, with the repositories they can reach
  accessops.atlassian.bitbucket_member_info:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    member: dev001@acme.example
    include_permissions: true
  register: dev

- name: Effective permissions and explicit project permissions, without a request per repository
  accessops.atlassian.bitbucket_member_info:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    emails:
      - dev001@acme.example
      - dev002@acme.example
    include_permissions: true
    include_explicit: [projects]
  register: access

- name: Check two members' permissions on two repositories only (one round of requests)
  accessops.atlassian.bitbucket_member_info:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    account_ids:
      - "557058:6c1b8f2e-0000-4000-8000-000000000001"
      - "557058:6c1b8f2e-0000-4000-8000-000000000002"
    include_permissions: true
    include_explicit: []
    within_repositories: [infra-core, web-api]
  register: checked

- name: Resolve many email addresses at once
  accessops.atlassian.bitbucket_member_info:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    emails:
      - dev001@acme.example
      - dev002@acme.example
      - nobody@acme.example
  register: resolved

- name: Account ids by email, and who is unknown
  ansible.builtin.debug:
    msg:
      ids: "{{ resolved.members | items2dict(key_name='email', value_name='account_id') }}"
      unknown: "{{ resolved.not_found }}"

- name: Who has explicit access to a repository, and who am I
  accessops.atlassian.bitbucket_member_info:
    username: admin@acme.example
    api_token: "{{ bitbucket_api_token }}"
    workspace: acme
    repository: infra-core
    whoami: true
  register: repo
"""

RETURN = r"""
members:
  description: The members asked for (every member without O(member) nor O(emails)).
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: Atlassian account ID.
      type: str
      sample: "557058:0001"
    uuid:
      description: Bitbucket user UUID.
      type: str
      sample: "{1f6b4a10-7f8e-4c9b-9a11-2c7d0e8b5a01}"
    display_name:
      description: Display name (as the user's privacy settings allow).
      type: str
      sample: Dev 001
    nickname:
      description: Nickname.
      type: str
      sample: dev001
    workspace_permission:
      description: V(owner), V(collaborator) or V(member); null with a workspace access token (which may not read roles).
      type: str
      sample: member
    email:
      description: Email address, only when the member was looked up by email.
      type: str
      returned: when looked up by email
      sample: dev001@acme.example
    repository_permissions:
      description: Effective permission per repository slug.
      type: dict
      returned: when O(include_permissions=true)
      sample: {"infra-core": "write", "web": "read"}
    explicit_permissions:
      description:
        - The member's explicit user permissions, per repository slug and per project key. An effective permission in
          RV(members[].repository_permissions) with neither an explicit repository permission nor one on its project
          comes through a group or the workspace role.
        - Holds only the kinds of O(include_explicit) (C(repositories), C(projects)); empty with O(include_explicit=[]).
      type: dict
      returned: when O(include_permissions=true)
      sample: {"repositories": {"infra-core": "write"}, "projects": {"INFRA": "read"}}
    profile:
      description: The public profile (C(GET /users/{id}) without links), null when there is none.
      type: dict
      returned: when O(include_profile=true)
      sample:
        account_id: "557058:0001"
        uuid: "{1f6b4a10-7f8e-4c9b-9a11-2c7d0e8b5a01}"
        display_name: Dev 001
        nickname: dev001
        type: user
        account_status: active
        created_on: "2024-01-15T09:30:00+00:00"
        is_staff: false
        location: null
        website: null
member:
  description: The member found for O(member) (same content as its RV(members) entry), else null.
  returned: always
  type: dict
  sample:
    account_id: "557058:0001"
    uuid: "{1f6b4a10-7f8e-4c9b-9a11-2c7d0e8b5a01}"
    display_name: Dev 001
    nickname: dev001
    workspace_permission: member
    email: dev001@acme.example
not_found:
  description: The O(member), O(emails) or O(account_ids) values that matched no workspace member.
  returned: always
  type: list
  elements: str
  sample: ["nobody@acme.example"]
repository_permissions:
  description: Explicit permissions of O(repository), null when not asked for or not found.
  returned: always
  type: dict
  sample:
    repository: infra-core
    users: [{"account_id": "557058:0001", "uuid": "{...}", "display_name": "Dev 001", "nickname": "dev001", "permission": "write"}]
    groups: [{"slug": "developers", "name": "Developers", "full_slug": "acme:developers", "permission": "read"}]
current_user:
  description: The caller's account with C(emails) (all addresses) and C(primary_email), when O(whoami=true), else null.
  returned: always
  type: dict
  sample: {"account_id": "557058:0000", "display_name": "Admin", "emails": ["admin@acme.example"], "primary_email": "admin@acme.example"}
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
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.members import run_member_info
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module
from ansible_collections.accessops.atlassian.plugins.module_utils._workers import DEFAULT_CONCURRENCY


def argument_spec():
    spec = bitbucket_argument_spec()
    spec.update(
        workspace=dict(type="str", required=True),
        member=dict(type="str"),
        emails=dict(type="list", elements="str"),
        account_ids=dict(type="list", elements="str"),
        repository=dict(type="str"),
        include_permissions=dict(type="bool", default=False),
        include_explicit=dict(
            type="list", elements="str", choices=["repositories", "projects"], default=["repositories", "projects"]
        ),
        within_repositories=dict(type="list", elements="str"),
        include_profile=dict(type="bool", default=False),
        whoami=dict(type="bool", default=False),
        concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
    )
    return spec


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("member", "emails", "account_ids")],
    )
    run_module(
        module,
        bitbucket_client,
        lambda client, module: (dict(changed=False, **run_member_info(client, module.params, warn=module.warn)), False),
    )


if __name__ == "__main__":
    main()
