#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: atlassian_scim_user
short_description: Provision, update, deactivate or delete a user of an Atlassian organization over SCIM
version_added: "0.1.0"
author:
  - accessops maintainers (@accessops)
description:
  - Creates, updates, deactivates or deletes a user of an identity provider directory of an Atlassian organization with
    the Atlassian user provisioning API (SCIM 2.0, RFC 7643 and RFC 7644). It works with any RFC 7644 SCIM server as well.
  - The user is found by O(user_name) with the filter C(userName eq "..."). Every user of the answer must have that
    C(userName) (without regard to case), every C(id) the server gives must be a plain URL path segment, and an answer
    to C(GET), C(PATCH) or C(POST) must be the user asked for; otherwise the task fails with C(Unexpected answer from
    the API) before any write, so a server that ignores the filter never makes the module change or delete another
    user.
  - O(user_name), O(email) and every attribute are validated before the first request (blank, control characters,
    malformed email address).
  - Only the attributes the task sets are compared and changed, with one minimal C(PATCH) request. The module never
    sends C(PUT), which would clear every attribute the request omits.
  - A user that does not exist is created with C(POST). When the server answers 409 because the user was created in the
    meantime, the module adopts that user and patches the differences. When the answer to the C(POST) is lost (connection
    error, timeout or server error), the request is not repeated; the user is read again and adopted if it exists.
  - B(Deactivation and deletion act on the whole organization.) A user deactivated with O(active=false) or deleted with
    O(state=absent) loses access to every Atlassian product of the organization (Jira, Confluence, Bitbucket and the
    others), not only to one of them.
  - B(SCIM grants no Bitbucket access and no repository permission.) Provisioning a user creates or links an Atlassian
    account; give it Bitbucket access by adding it to a group that grants the workspace, with
    M(accessops.atlassian.atlassian_group_member) (the organization Admin API), then repository and project
    permissions with the Bitbucket modules of this collection.
  - B(Many users in one task.) O(users) lists users, each with the options of the single form; they are handled
    O(concurrency) at a time, each with exactly the requests the single form makes for it. One user's failure does not
    stop the others; the task then fails at the end, naming the failed users (RV(failed_users)), and running it again
    completes the job. Every item is checked before the first request, and a user listed twice is refused.
  - Use SCIM when an identity provider drives provisioning (it needs Atlassian Guard). Use the organization Admin API
    modules for product access (group memberships), to suspend an account without deactivating it everywhere
    (M(accessops.atlassian.atlassian_user)), and to invite people when the organization has no Guard.
extends_documentation_fragment:
  - accessops.atlassian.scim
  - accessops.atlassian.scim_user
  - accessops.atlassian.attributes
  - accessops.atlassian.attributes.scim_actiongroup
  - accessops.atlassian.attributes.in_process
options:
  user_name:
    description:
      - The SCIM C(userName) of the user, unique in the directory. Atlassian directories usually use the email address.
      - The server compares it without regard to case.
      - Exactly one of O(user_name) and O(users) is required.
    type: str
  state:
    description:
      - V(present) (when not set) creates the user when it does not exist and makes the attributes the task sets match.
      - V(absent) deletes the user with C(DELETE). On Atlassian this deactivates the account in the whole organization and
        unlinks it from the directory. Nothing is done when the user does not exist. Attributes are ignored.
      - With O(users), set it in each item (O(users[].state)) instead.
    type: str
    choices: [present, absent]
  active:
    description:
      - Whether the user is active. V(false) deactivates the user (a C(PATCH) of C(active)) in the whole organization;
        V(true) activates it again.
      - When not set, an existing user keeps its state and a new user is created active.
    type: bool
  email:
    description:
      - The primary email address of the user (SCIM C(emails), type C(work), primary). Atlassian only accepts addresses on
        a verified domain of the organization.
      - B(Required to create a user.) Atlassian's SCIM API requires a primary email address on creation; the module
        requires it on every SCIM server, and fails before sending the C(POST) (also in check mode) when it is missing
        and the user does not exist yet. It is not needed to update, deactivate or delete an existing user.
      - It is compared without regard to case. When it differs, the primary address is replaced by this one; the other
        addresses of the user are kept.
      - It cannot be empty.
    type: str
  given_name:
    description:
      - Given (first) name, SCIM C(name.givenName).
      - For this option and the ones below, an empty string removes the attribute; when an option is not set, the
        attribute is left as it is.
    type: str
  family_name:
    description: Family (last) name, SCIM C(name.familyName).
    type: str
  display_name:
    description: Name shown in Atlassian products, SCIM C(displayName).
    type: str
  nick_name:
    description: Nickname, SCIM C(nickName).
    type: str
  title:
    description: Job title, SCIM C(title).
    type: str
  department:
    description:
      - Department. On Atlassian it is the top-level SCIM attribute C(department) (Atlassian repeats it in the enterprise
        extension, which is read-only there). On other SCIM servers it is C(department) of the enterprise extension
        C(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User), as RFC 7643 defines it.
      - The module tells Atlassian's service by the extension C(urn:scim:schemas:extension:atlassian-external:1.0) its users
        carry. A new user is created in the RFC 7643 form; on Atlassian, which ignores that form, one more C(PATCH) then sets
        O(department) and O(organization) (only when the task sets them).
    type: str
  organization:
    description:
      - Organization. Written and read like O(department) (top-level C(organization) on Atlassian, C(organization) of the
        enterprise extension elsewhere).
    type: str
  timezone:
    description: Time zone in the IANA format, for example V(Europe/Paris), SCIM C(timezone).
    type: str
  preferred_language:
    description: Preferred language, for example V(en-US), SCIM C(preferredLanguage).
    type: str
  locale:
    description:
      - B(Deprecated, ignored.) Atlassian's SCIM schema has no locale attribute; use O(preferred_language).
      - When it is set, the task warns and leaves it out of the requests, the comparison, the result and the diff (it
        never makes the task changed). It will be removed in version 1.0.0 of the collection.
    type: str
  external_id:
    description: Identifier of the user in the identity provider, SCIM C(externalId).
    type: str
  concurrency:
    description:
      - With O(users), how many users are handled at the same time (1 to 16). V(1) handles them one after another, in
        order. Results are in the order of O(users) whatever the value.
      - Each worker uses its own HTTP session; the requests of all of them are counted together in RV(api_calls).
      - Not used by the single form (it is still checked).
    type: int
    default: 8
    version_added: 0.3.0
attributes:
  check_mode:
    support: full
    details:
      - Check mode makes the same reads as a real run and predicts the changed status and the diff it produces, for every
        user of O(users) too; it sends no write.
  diff_mode:
    support: full
    details:
      - Returns the managed attributes before and after the change; with O(users), one before/after pair per changed
        user, headed with its C(userName).
notes:
  - The Atlassian account ID of the user (RV(atlassian_account_id)) is what the Bitbucket modules need to add the user to a
    workspace or give it repository permissions.
  - Renaming a user (changing its C(userName)) is not supported by this module.
seealso:
  - module: accessops.atlassian.atlassian_scim_user_info
  - module: accessops.atlassian.atlassian_group_member
  - module: accessops.atlassian.atlassian_user
  - name: Atlassian user provisioning REST API
    description: The API this module calls.
    link: https://developer.atlassian.com/cloud/admin/user-provisioning/rest/intro/
  - name: RFC 7644, SCIM protocol
    description: The C(PATCH) and filter syntax the module uses.
    link: https://www.rfc-editor.org/rfc/rfc7644
"""

EXAMPLES = r"""
# scim_directory_id and vault_scim_token come from the inventory or a vault. scim_url defaults to
# https://api.atlassian.com (or the ATLASSIAN_SCIM_URL environment variable).
- name: Provision users with the connection options set once
  module_defaults:
    group/accessops.atlassian.scim:
      directory_id: "{{ scim_directory_id }}"
      scim_token: "{{ vault_scim_token }}"
  block:
    - name: Make sure Jane Doe is provisioned with these attributes
      accessops.atlassian.atlassian_scim_user:
        user_name: jane.doe@acme.example
        email: jane.doe@acme.example
        given_name: Jane
        family_name: Doe
        display_name: Jane Doe
        title: Site Reliability Engineer
        department: Platform
        organization: Acme
        timezone: Europe/Paris
      register: jane

    - name: Show the Atlassian account ID, to add Jane to a Bitbucket workspace
      ansible.builtin.debug:
        msg: "{{ jane.atlassian_account_id }}"

    - name: Change only the job title (every other attribute is left as it is)
      accessops.atlassian.atlassian_scim_user:
        user_name: jane.doe@acme.example
        title: Engineering Manager

    - name: Remove the nickname
      accessops.atlassian.atlassian_scim_user:
        user_name: jane.doe@acme.example
        nick_name: ""

    - name: Deactivate Jane in the whole organization (all Atlassian products)
      accessops.atlassian.atlassian_scim_user:
        user_name: jane.doe@acme.example
        active: false

    - name: Delete Jane from the directory (deactivates and unlinks the Atlassian account)
      accessops.atlassian.atlassian_scim_user:
        user_name: jane.doe@acme.example
        state: absent

    - name: Provision a team in one task (4 users at a time, each with the requests of the single form)
      accessops.atlassian.atlassian_scim_user:
        users:
          - user_name: ana.lima@acme.example
            email: ana.lima@acme.example
            display_name: Ana Lima
            department: Platform
          - user_name: li.wei@acme.example
            email: li.wei@acme.example
            display_name: Li Wei
            title: Engineer
          - user_name: former.contractor@acme.example
            state: absent
        concurrency: 4
      register: team

    - name: Show the Atlassian account IDs of the team, in the order of the list
      ansible.builtin.debug:
        msg: "{{ team.users | map(attribute='atlassian_account_id') | list }}"

- name: Connection options from environment variables
  accessops.atlassian.atlassian_scim_user:
    user_name: john.roe@acme.example
    email: john.roe@acme.example
    display_name: John Roe
  environment:
    ATLASSIAN_SCIM_DIRECTORY_ID: "{{ scim_directory_id }}"
    ATLASSIAN_SCIM_TOKEN: "{{ vault_scim_token }}"
"""

RETURN = r"""
user:
  description:
    - The SCIM user resource after the task, as the server returned it.
    - Only with O(user_name); with O(users), each entry of RV(users) has it.
    - In check mode, the user the module predicts (without C(id) when it would be created).
    - With O(state=absent), the user as it was before it was deleted; V(null) when it did not exist.
  returned: when O(user_name) is set
  type: dict
  sample:
    schemas:
      - urn:ietf:params:scim:schemas:core:2.0:User
      - urn:ietf:params:scim:schemas:extension:enterprise:2.0:User
      - urn:scim:schemas:extension:atlassian-external:1.0
    id: 7c2d8f0e-5b1a-4a8e-9f55-1f3f1d2b7a10
    userName: jane.doe@acme.example
    name:
      givenName: Jane
      familyName: Doe
    displayName: Jane Doe
    title: Site Reliability Engineer
    department: Platform
    organization: Acme
    timezone: Europe/Paris
    active: true
    emails:
      - value: jane.doe@acme.example
        type: work
        primary: true
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
      department: Platform
      organization: Acme
    "urn:scim:schemas:extension:atlassian-external:1.0":
      atlassianAccountId: 712020:5f1a9c0e-0d3b-4b5a-9a56-2f0e8c1d4b7e
    meta:
      resourceType: User
      created: "2026-01-15T09:30:00Z"
      lastModified: "2026-01-15T09:30:00Z"
atlassian_account_id:
  description:
    - The Atlassian account ID linked to the user (C(atlassianAccountId) of the extension
      C(urn:scim:schemas:extension:atlassian-external:1.0)).
    - V(null) when the server does not have this extension (a SCIM server that is not Atlassian's), when the user
      does not exist, or in check mode for a user that would be created.
  returned: when O(user_name) is set
  type: str
  sample: 712020:5f1a9c0e-0d3b-4b5a-9a56-2f0e8c1d4b7e
diff:
  description:
    - The managed attributes before and after, keyed by option name. Only the attributes the task sets are shown
      (all known attributes when the user is created or deleted), with O(user_name).
    - C(before) is empty when the user is created, C(after) is empty when it is deleted.
    - With O(users), a list with one such pair per changed user (in the order of O(users)), with C(before_header)
      and C(after_header) set to its C(userName); empty when nothing changes.
  returned: always
  type: raw
  sample:
    before:
      user_name: jane.doe@acme.example
      title: Site Reliability Engineer
    after:
      user_name: jane.doe@acme.example
      title: Engineering Manager
users:
  description:
    - With O(users), one entry per user, in the order of O(users) (whatever O(concurrency)).
    - Not named C(results), which ansible-core would take for the list of a loop's items (a looped task would then
      show no diff).
    - In check mode, what the run would do (as RV(user) and RV(atlassian_account_id) describe it).
  returned: when O(users) is set
  type: list
  elements: dict
  version_added: 0.3.0
  contains:
    user_name:
      description: The C(userName) of the item.
      type: str
      returned: always
    changed:
      description:
        - Whether the user was (or, in check mode, would be) changed.
        - For a user that failed, whether a write of it had succeeded before the failure.
      type: bool
      returned: always
    user:
      description: The SCIM user after the task, as RV(user) (V(null) when it failed).
      type: dict
      returned: always
    atlassian_account_id:
      description: The Atlassian account ID of the user, as RV(atlassian_account_id) (V(null) when it failed).
      type: str
      returned: always
    failed:
      description: Whether handling this user failed.
      type: bool
      returned: always
    diff:
      description:
        - The user's own C(--diff) entry (C(before), C(after) and their headers), empty when it did not change; in a
          loop, it lets callbacks show the diff of each user.
      type: dict
      returned: always
    msg:
      description: Why it failed (no secret). C(not attempted) when an error that every request would meet (HTTP 401,
        unknown directory) stopped the task before this user.
      type: str
      returned: when the user failed
    status:
      description: The HTTP status of the failed request (V(null) when there was none).
      type: int
      returned: when the user failed
    method:
      description: The HTTP method of the failed request (V(null) when there was none).
      type: str
      returned: when the user failed
    path:
      description: The path of the failed request, without its query string (V(null) when there was none).
      type: str
      returned: when the user failed
    api_message:
      description: The API's own words about the failure (SCIM C(detail)), when it gave any.
      type: str
      returned: when the user failed
  sample:
    - user_name: ana.lima@acme.example
      changed: true
      user: {id: 7c2d8f0e-5b1a-4a8e-9f55-1f3f1d2b7a10, userName: ana.lima@acme.example, active: true}
      atlassian_account_id: 712020:5f1a9c0e-0d3b-4b5a-9a56-2f0e8c1d4b7e
      failed: false
    - {user_name: former.contractor@acme.example, changed: false, user: null, atlassian_account_id: null, failed: false}
failed_users:
  description:
    - With O(users), the C(userName) of every user that failed, in the order of O(users); empty when none did.
  returned: when O(users) is set
  type: list
  elements: str
  version_added: 0.3.0
  sample: []
changes:
  description:
    - The changes the task made, in check mode the changes it would make, one item each, in the shared item schema of
      the plans (docs/plans.md); empty when nothing changes.
    - When the task fails after changing something, what it changed before the failure.
    - With O(plan_journal), each item is also appended to that file.
    - One item per user that changes; with O(users), in the order of O(users).
  returned: success, and when a failure follows a change
  type: list
  elements: dict
  version_added: 0.3.0
  contains:
    api:
      description: The API, V(scim).
      type: str
      returned: always
    kind:
      description: What changes, V(scim_user).
      type: str
      returned: always
    action:
      description: V(create), V(update), V(deactivate) (only O(active) changes, to V(false)) or V(delete).
      type: str
      returned: always
    target:
      description: The directory, C(directory) (O(directory_id)).
      type: dict
      returned: always
    subject:
      description:
        - The user, C(type) V(scim_user), C(user_name) (as the task names it) and C(id), the SCIM id (V(null) for a
          user created in check mode).
      type: dict
      returned: always
    before:
      description:
        - V(null) for a creation, else the attributes the change touches as they were, keyed by option name
          (O(display_name)...).
        - For a deletion, C(active) alone.
      type: raw
      returned: always
    after:
      description:
        - The attributes the change touches, keyed by option name (an attribute removed is V(null)).
        - V(null) for a deletion.
      type: raw
      returned: always
  sample:
    - api: scim
      kind: scim_user
      action: update
      target: {directory: 2ef0f675-904a-5eed-949f-2d150ffd0457}
      subject: {type: scim_user, user_name: jane.doe@acme.example, id: 7c2d8f0e-5b1a-4a8e-9f55-1f3f1d2b7a10}
      before: {title: Site Reliability Engineer}
      after: {title: Engineering Manager}
api_calls:
  description: The HTTP requests sent to the SCIM API, in total and by method (retries included).
  returned: always
  type: dict
  sample:
    total: 2
    GET: 1
    PATCH: 1
rate_limit:
  description: Rate-limit headers seen in the answers (empty when the API sends none, as Atlassian's SCIM API does).
  returned: always
  type: dict
  sample: {}
"""

from ansible_collections.accessops.atlassian.plugins.module_utils._scim.user_module import run_user_module, user_argument_spec

argument_spec = user_argument_spec  # the module's options, as the other modules name them


def main():
    run_user_module()


if __name__ == "__main__":
    main()
