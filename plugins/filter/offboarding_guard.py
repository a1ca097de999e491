# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: offboarding_guard
short_description: Whether offboarding a person would lock the run or the workspace out (the self-lockout guard)
version_added: "0.4.0"
author:
  - accessops maintainers (@accessops)
description:
  - Used by the P(accessops.atlassian.offboarding#role) role before any write. Returns the reason to refuse the person,
    or an empty string.
  - Refused - the account of the Bitbucket credentials of the run (C(GET /user)), since removing it makes every later
    request fail with HTTP 403; the workspace owner; a workspace admin (V(owner) or V(collaborator)) when no other
    admin would remain once the admins offboarded by the same run (the caller and the owner excepted, as they are
    refused) have left - every admin of the run is then refused.
  - With O(allow_self=true) the caller and the owner may be offboarded; the last-admin rule still applies (it has no
    override - without O(allow_self) it cannot fire, the caller and the owner being refused and so staying admins).
options:
  _input:
    description: The person's record (C(account_id), C(before.workspace_permission)).
    type: dict
    required: true
  caller:
    description: The caller's account (RV(accessops.atlassian.bitbucket_member_info#module:current_user)) or its account id.
    type: raw
  people:
    description: The records (or workspace member entries, with C(account_id) and C(workspace_permission)) of everyone the run offboards.
    type: list
    elements: dict
  workspace_admins:
    description:
      - Account ids of every workspace admin (owner and collaborators). Null when not read - the last-admin rule is
        then decided as "an admin may be the last one", so the admin is refused.
    type: list
    elements: str
  allow_self:
    description: The override (C(offboarding_allow_self)).
    type: bool
    default: false
  workspace:
    description: The workspace slug, for the message.
    type: str
"""

EXAMPLES = r"""
- name: Refuse to lock the run out
  ansible.builtin.fail:
    msg: "{{ reason }}"
  vars:
    reason: "{{ person | accessops.atlassian.offboarding_guard(caller=me, people=everyone, workspace_admins=admins) }}"
  when: reason | length > 0
"""

RETURN = r"""
_value:
  description: The reason to refuse the person (empty when the person may be offboarded).
  type: str
"""

ADMIN_ROLES = ("owner", "collaborator")


def _id(value):
    if isinstance(value, dict):
        return value.get("account_id")
    return value or None


def _role(person):
    before = person.get("before") if isinstance(person.get("before"), dict) else None
    if before is not None:
        return before.get("workspace_permission")
    return person.get("workspace_permission")


def offboarding_guard(person, caller=None, people=None, workspace_admins=None, allow_self=False, workspace=""):
    if not isinstance(person, dict):
        return ""
    where = "workspace %s" % workspace if workspace else "the workspace"
    nothing = " Nothing was changed for this person."
    override = "; set offboarding_allow_self=true to offboard it anyway." + nothing
    account_id = person.get("account_id")
    caller_id = _id(caller)
    role = _role(person)
    is_caller = bool(account_id and caller_id and account_id == caller_id)
    if not allow_self:
        if is_caller:
            return (
                "refused: this is the account of the Bitbucket credentials this run uses (BITBUCKET_USERNAME, GET "
                "/user); removing its access would lock this and every later job out of %s (HTTP 403)" % where + override
            )
        if role == "owner":
            return "refused: this is the owner of %s" % where + override
    if role not in ADMIN_ROLES:
        return ""
    if workspace_admins is None:
        return (
            "refused: a workspace admin of %s, and the other admins could not be read: this may be the last path "
            "that makes anyone an admin of it." % where + nothing
        )
    # the admins this run takes away: without the override, the caller and the owner are refused (they stay)
    leaving = set()
    for other in people or []:
        other_id = other.get("account_id") if isinstance(other, dict) else None
        if not other_id or _role(other) not in ADMIN_ROLES:
            continue
        if not allow_self and (other_id == caller_id or _role(other) == "owner"):
            continue
        leaving.add(other_id)
    if not set(workspace_admins) - leaving:
        return (
            "refused: this run would take away the last workspace admins of %s (%d, every one offboarded by this "
            "run): no one could administer it afterwards. Make someone else a workspace admin first (this rule has "
            "no override)." % (where, len(set(workspace_admins))) + nothing
        )
    return ""


class FilterModule:
    def filters(self):
        return {"offboarding_guard": offboarding_guard}
