# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The subject options of every explicit-permission module (repositories and projects, users and groups).

    ``REPOSITORY`` and ``PROJECT`` (``accessops.atlassian.permissions.repository`` / ``.project``) add the target
    options and the options whose permission levels depend on the scope; they are generated from the ``SCOPES`` table
    of ``tests/update_doc_fragments.py``."""

    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    details:
      - Check mode makes the same read requests and the same safety checks as a real run, and predicts exactly the
        C(diff) the real run then makes. When a single user or group has no explicit permission on a target
        (repository or project), check mode makes one more read to tell a missing target (the real run learns it
        from the C(PUT)).
      - One thing check mode cannot know is whether a group slug exists (Bitbucket has no endpoint that lists groups and
        answers 404 only to the C(PUT)), so for a mistyped slug it predicts a grant that the real run then reports as
        failed, naming the group.
  diff_mode:
    support: full
    details:
      - C(diff) is a list with one entry per changed target (repository or project), with the explicit permissions
        before and after.
options:
  workspace:
    description: The workspace slug (or C({uuid})).
    type: str
    required: true
  user:
    description:
      - One user, as an Atlassian account ID (C(557058:6c1b...)), a C({uuid}) or an email address of a workspace member.
      - Use with O(permission) and O(state). At most one of O(user) and O(users).
      - At least one of O(user), O(users), O(group) and O(groups) is required.
    type: str
  group:
    description:
      - One group, by its slug (C(developers)). Groups belong to the Atlassian organization; Bitbucket has no
        endpoint that lists them, so an unknown slug is only found out when Bitbucket refuses the C(PUT) (HTTP 404),
        which the task then reports naming the group; in check mode it cannot be known.
      - Use with O(permission) and O(state). At most one of O(group) and O(groups).
    type: str
  state:
    description:
      - V(present) grants O(permission) to O(user) and/or O(group) (or changes it); V(absent) removes their explicit
        permission.
      - Defaults to V(present).
    type: str
    choices: [present, absent]
  exclusive:
    description:
      - Also remove the explicit permission of every subject not listed, for each list the task gives (O(users) and/or
        O(groups)). A task that names only users never touches groups, and the reverse. O(exempt) users and the
        caller's own admin permission are kept.
      - Removes nothing from a target unless every page of its current explicit permissions was read.
    type: bool
    default: false
  exempt:
    description:
      - Users (account ID, C({uuid}) or email) whose explicit permissions O(exclusive) never removes.
      - Each must match a workspace member, else the task fails before any write.
      - A user listed here cannot also be listed in O(users) with state V(absent).
    type: list
    elements: str
    default: []
  concurrency:
    description:
      - How many targets are read and written at the same time (1 to 16). V(1) handles them one after another.
      - Each worker uses its own HTTP session (kept alive); the rate limit of Bitbucket (about 1,000 requests per
        hour per user) and the request budget (O(requests_per_hour)) are shared by all of them.
      - "The default 8 was measured with the collection's benchmark (C(make bench), see the performance guide): at
        100 ms per request, granting one user 50 repositories took about 13 s with 1 worker, 9 s with 4 and 5-6 s with
        8, and 16 gained nothing more on a 2-core controller."
    type: int
    default: 8
notes:
  - "Permission changes need an API token: O(username) (the Atlassian account email) and O(api_token). Bitbucket
    refuses OAuth (O(client_id) / O(client_secret), or an OAuth O(access_token)) for permission writes (\"JWT and OAuth
    authentication methods are unsupported\"), so a task that would change something with them fails before the first
    write, also in check mode; a task that changes nothing may use them. Workspace, project and repository access
    tokens cannot even read permissions (HTTP 403: the task stops at the first such answer)."
  - Explicit entries with the level C(none), which Bitbucket may list, grant no access; they are left out of the results
    and never changed (they are not a level a task can set, and O(exclusive) leaves them in place).
  - Every identifier, slug and connection option is validated before the first request; a blank or malformed value
    fails the task with a message naming the option.
  - Every answer is checked against what was asked (a filtered look-up that returns someone else, an object of
    another user or group, an id that is not a plain URL path segment, a write answered by a redirect) before anything
    acts on it; such an answer fails the task with C(Unexpected answer from the API) and nothing is written.
  - Members are looked up by account ID or C({uuid}) with the workspace role listing filtered on them (50 per request);
    with an access token, or when Bitbucket answers a filter with HTTP 400, with
    C(/workspaces/{workspace}/members/{member}) or the member listing instead. Every filtered read falls back to a
    form the Bitbucket API documents when it is answered with HTTP 400.
  - Safety rules checked before the first write, also in check mode. Granting a permission to the workspace owner, or
    to an account ID that is no workspace member, is refused. The caller's own explicit C(admin) permission is never
    removed nor lowered; asking for it fails the task, and O(exclusive) keeps it (reported as C(protected)).
  - Targets are handled in parallel (O(concurrency)). When some fail (for example HTTP 402 at the plan's user limit,
    403, 404), the others still finish, the task fails, and C(targets) says exactly what was applied, so running the
    task again completes the job.
  - "Half-measures warn: when a task lowers a user's explicit repository permission, the users whose level it lowered
    or set are checked with one filtered read of the effective permissions (C(/workspaces/{workspace}/permissions/repositories),
    50 users and 50 repositories a query, after the writes), and a warning names each one who keeps more than the
    level set because another path (a group, the project or the workspace) still gives it; Bitbucket's answer holds
    the level, not the path. Check mode warns where the effective permission already exceeds the explicit one (when
    both are equal, no documented read tells whether a group gives the same level). A task that lowers nothing, or
    only removes, makes no such read; credentials that may not read effective permissions get no warning. Projects
    have no effective-permission read: the warning covers repositories only."
"""

    # BEGIN GENERATED scopes: from the tables of tests/update_doc_fragments.py (make doc-fragments)
    REPOSITORY = r"""
options:
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
  permission:
    description:
      - The explicit permission O(user) and/or O(group) must have. Required when O(state=present).
    type: str
    choices: [read, write, admin]
  users:
    description:
      - Several users, each with its own permission and state.
      - An empty list is valid with O(exclusive=true) (it removes every explicit user permission but the protected
        ones).
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
      expect:
        description:
          - "Compare-and-set: the explicit permission the user must hold on every target before the change; V(none)
            means no explicit permission."
          - "On a target where the user's explicit permission is another one (no explicit permission included), nothing
            is written for the user there: the task lists it in RV(stale) and in the target's entry of RV(targets) (also
            in check mode), is neither failed nor changed by it, and applies the other entries and targets as usual."
          - Not allowed with O(exclusive=true).
        type: str
        choices: [read, write, admin, none]
        version_added: 0.3.0
  groups:
    description:
      - Several groups, each with its own permission and state.
      - An empty list is valid with O(exclusive=true) (it removes every explicit group permission).
    type: list
    elements: dict
    suboptions:
      group:
        description: The group slug.
        type: str
        required: true
      permission:
        description: The explicit permission to have. Required when O(groups[].state=present).
        type: str
        choices: [read, write, admin]
      state:
        description: Whether the explicit permission must be there.
        type: str
        choices: [present, absent]
        default: present
      expect:
        description:
          - "Compare-and-set: the explicit permission the group must hold on every target before the change; V(none)
            means no explicit permission."
          - "On a target where the group's explicit permission is another one (no explicit permission included), nothing
            is written for the group there: the task lists it in RV(stale) and in the target's entry of RV(targets)
            (also in check mode), is neither failed nor changed by it, and applies the other entries and targets as
            usual."
          - Not allowed with O(exclusive=true).
        type: str
        choices: [read, write, admin, none]
        version_added: 0.3.0
notes:
  - "API token scopes: C(read:repository:bitbucket), C(admin:repository:bitbucket), C(write:permission:bitbucket)
    (grant, change), C(delete:permission:bitbucket) (revoke), C(read:workspace:bitbucket) (email and uuid look-ups,
    owner check) and C(read:user:bitbucket) (to recognize the caller before removing or lowering an admin permission).
    OAuth consumers (C(repository:admin), C(account)) can only read."
"""

    PROJECT = r"""
options:
  project:
    description:
      - The key of one project (C(INFRA)).
      - Exactly one of O(project) and O(projects) is required.
    type: str
  projects:
    description:
      - Keys of several projects of O(workspace); the same permissions are applied to each.
    type: list
    elements: str
  permission:
    description:
      - The explicit permission O(user) and/or O(group) must have. Required when O(state=present).
      - V(create-repo) is V(write) on every repository of the project plus creating repositories in it.
    type: str
    choices: [read, write, create-repo, admin]
  users:
    description:
      - Several users, each with its own permission and state.
      - An empty list is valid with O(exclusive=true) (it removes every explicit user permission but the protected
        ones).
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
        choices: [read, write, create-repo, admin]
      state:
        description: Whether the explicit permission must be there.
        type: str
        choices: [present, absent]
        default: present
      expect:
        description:
          - "Compare-and-set: the explicit permission the user must hold on every target before the change; V(none)
            means no explicit permission."
          - "On a target where the user's explicit permission is another one (no explicit permission included), nothing
            is written for the user there: the task lists it in RV(stale) and in the target's entry of RV(targets) (also
            in check mode), is neither failed nor changed by it, and applies the other entries and targets as usual."
          - Not allowed with O(exclusive=true).
        type: str
        choices: [read, write, create-repo, admin, none]
        version_added: 0.3.0
  groups:
    description:
      - Several groups, each with its own permission and state.
      - An empty list is valid with O(exclusive=true) (it removes every explicit group permission).
    type: list
    elements: dict
    suboptions:
      group:
        description: The group slug.
        type: str
        required: true
      permission:
        description: The explicit permission to have. Required when O(groups[].state=present).
        type: str
        choices: [read, write, create-repo, admin]
      state:
        description: Whether the explicit permission must be there.
        type: str
        choices: [present, absent]
        default: present
      expect:
        description:
          - "Compare-and-set: the explicit permission the group must hold on every target before the change; V(none)
            means no explicit permission."
          - "On a target where the group's explicit permission is another one (no explicit permission included), nothing
            is written for the group there: the task lists it in RV(stale) and in the target's entry of RV(targets)
            (also in check mode), is neither failed nor changed by it, and applies the other entries and targets as
            usual."
          - Not allowed with O(exclusive=true).
        type: str
        choices: [read, write, create-repo, admin, none]
        version_added: 0.3.0
notes:
  - "API token scopes: C(read:project:bitbucket), C(admin:project:bitbucket), C(write:permission:bitbucket) (grant,
    change), C(delete:permission:bitbucket) (revoke), C(read:workspace:bitbucket) (email and uuid look-ups, owner check)
    and C(read:user:bitbucket) (to recognize the caller before removing or lowering an admin permission). OAuth
    consumers (C(project:admin), C(account)) can only read."
"""
    # END GENERATED scopes
