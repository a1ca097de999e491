# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: onboarding_result
short_description: The onboarding_result fact of the onboarding role, from its per-person record
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Turns the record of P(accessops.atlassian.onboarding_state#filter) into the C(onboarding_result) fact of the role
    C(accessops.atlassian.onboarding) - one entry per person with their status (C(complete), C(pending) - invited, or
    C(incomplete) - any error), the lists of emails by status, the counts of what changed and the API calls.
options:
  _input:
    description: The value of P(accessops.atlassian.onboarding_state#filter).
    type: dict
    required: true
  workspace:
    description: The workspace slug.
    type: str
    required: true
  check_mode:
    description: Whether the writes were only predicted (check mode, or the plan mode).
    type: bool
    default: false
  credentials:
    description:
      - The credential check of the run (C(plan_credentials), set by the task file C(credentials) of the role
        C(accessops.atlassian.plan) - P(accessops.atlassian.credential_warnings#filter)); its C(api_calls) are added to
        the total.
    type: dict
    version_added: "0.3.0"
"""

EXAMPLES = r"""
- name: Set the onboarding_result fact
  ansible.builtin.set_fact:
    onboarding_result: "{{ state | accessops.atlassian.onboarding_result('acme', check_mode=ansible_check_mode) }}"
"""

RETURN = r"""
_value:
  description:
    - C(workspace), C(check_mode), C(people) (each - C(email), C(status), C(account_id), C(account), C(changed), C(scim),
      C(invited), C(groups_added), C(projects_granted), C(repositories_granted), C(verified), C(suggestions),
      C(actions), C(errors)), C(complete), C(pending), C(incomplete) (emails), C(changed) (counts - C(people),
      C(scim_users_created), C(scim_users_updated), C(invitations), C(group_memberships), C(project_permissions),
      C(repository_permissions)) and C(api_calls) (C(total)).
    - C(seats) - the seat check of the Bitbucket workspace (V(null) when nobody joined a group) - C(workspace),
      C(checked), C(capacity), C(usage), C(available), C(needed) (emails that take a seat), C(refused) (emails out
      of seats), C(note) (why the seats were not checked).
    - C(credentials) - the credential check given (V(null) without one) - C(warnings), C(expired), C(credentials).
  type: dict
"""

KEYS = (
    "email",
    "status",
    "account_id",
    "account",
    "changed",
    "scim",
    "invited",
    "groups_added",
    "projects_granted",
    "repositories_granted",
    "verified",
    "suggestions",
    "actions",
    "errors",
)


def _status(person):
    if person.get("errors"):
        return "incomplete"
    return "pending" if person.get("invited") or person.get("awaiting") else "complete"


def onboarding_result(state, workspace, check_mode=False, credentials=None):
    state = state if isinstance(state, dict) else {}
    people = []
    for person in state.get("people") or []:
        entry = dict(person, status=_status(person))
        people.append({key: entry.get(key) for key in KEYS})

    def emails(status):
        return [p["email"] for p in people if p["status"] == status]

    def count(key):
        return sum(len(p.get(key) or ()) for p in people)

    return {
        "workspace": workspace,
        "check_mode": bool(check_mode),
        "people": people,
        "complete": emails("complete"),
        "pending": emails("pending"),
        "incomplete": emails("incomplete"),
        "changed": {
            "people": sum(1 for p in people if p["changed"]),
            "scim_users_created": sum(1 for p in people if p["scim"] == "created"),
            "scim_users_updated": sum(1 for p in people if p["scim"] == "updated"),
            "invitations": sum(1 for p in people if p["invited"]),
            "group_memberships": count("groups_added"),
            "project_permissions": count("projects_granted"),
            "repository_permissions": count("repositories_granted"),
        },
        "api_calls": {"total": int(state.get("api_calls") or 0) + _calls(credentials)},
        "seats": state.get("seats"),
        "credentials": credentials if isinstance(credentials, dict) else None,
    }


def _calls(credentials):
    calls = credentials.get("api_calls") if isinstance(credentials, dict) else None
    return calls if isinstance(calls, int) and not isinstance(calls, bool) else 0


class FilterModule:
    def filters(self):
        return {"onboarding_result": onboarding_result}
