# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: workspace_access_people
short_description: Everyone the workspace_access role could name, from the results of its reads
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Merges, by account id, the people found in the registered results of the role's reads - the accounts of
    M(accessops.atlassian.atlassian_user_info) (C(users)), the members of M(accessops.atlassian.bitbucket_member_info)
    (C(members), with their email when looked up by email and their workspace role), the members of the groups of
    M(accessops.atlassian.atlassian_group_info) and the users of M(accessops.atlassian.bitbucket_permission_info).
  - The first email and display name found win; C(owner) is true for a workspace owner (C(workspace_permission) of
    M(accessops.atlassian.bitbucket_member_info), or C(owners) of M(accessops.atlassian.bitbucket_permission_info));
    C(bot) for an account of type C(app) (C(account_type) of the Admin API's users and group members).
options:
  _input:
    description: The registered results (skipped ones and nulls are ignored).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Everyone the role can name
  ansible.builtin.set_fact:
    people: "{{ [accounts, members, org_groups, permissions] | accessops.atlassian.workspace_access_people }}"
"""

RETURN = r"""
_value:
  description: One entry per account, sorted by account id - C({account_id, email, display_name, bot, owner}).
  type: list
  elements: dict
"""


def _entries(result):
    """(account_id, email, display_name, workspace_permission) of every person a result names."""
    if not isinstance(result, dict):
        return
    for user in result.get("users") or []:  # atlassian_user_info
        yield user.get("account_id"), user.get("email"), user.get("name"), "bot" if user.get("account_type") == "app" else None
    for member in result.get("members") or []:  # bitbucket_member_info
        yield member.get("account_id"), member.get("email"), member.get("display_name"), member.get("workspace_permission")
    for group in result.get("groups") or []:  # atlassian_group_info include_members
        for member in group.get("members") or []:
            bot = "bot" if member.get("account_type") == "app" else None
            yield member.get("account_id"), member.get("email"), member.get("name"), bot
    for owner in result.get("owners") or []:  # bitbucket_permission_info include_owner
        yield owner.get("account_id"), None, owner.get("display_name"), "owner"
    for target in (result.get("repositories") or []) + (result.get("projects") or []):  # bitbucket_permission_info
        for user in target.get("users") or []:
            yield user.get("account_id"), None, user.get("display_name"), None


def workspace_access_people(results):
    people = {}
    for result in results or []:
        for account_id, email, name, role in _entries(result):
            if not account_id:
                continue
            person = people.setdefault(
                account_id, {"account_id": account_id, "email": None, "display_name": None, "bot": False, "owner": False}
            )
            if email and not person["email"]:
                person["email"] = str(email).lower()
            if name and not person["display_name"]:
                person["display_name"] = name
            if role == "owner":
                person["owner"] = True
            elif role == "bot":
                person["bot"] = True
    return [people[key] for key in sorted(people)]


class FilterModule:
    def filters(self):
        return {"workspace_access_people": workspace_access_people}
