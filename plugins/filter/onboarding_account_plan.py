# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: onboarding_account_plan
short_description: Decide, per email, whether the onboarding role uses an account, makes one, or refuses to
version_added: "0.4.0"
author:
  - accessops maintainers (@accessops)
description:
  - For each person of C(onboarding_people), given the users the organization directory has for their emails (the
    C(users) of P(accessops.atlassian.atlassian_user_info#module)), says what the role C(accessops.atlassian.onboarding)
    does about the account.
  - C(existing) - the directory has an account for the email. C(create) - no account, and creating one over SCIM was
    asked for (C(create_account) on the person, else O(create_accounts)). C(invite) - no account, no SCIM, and
    O(invite) is on. C(off-domain) - no account, and O(allowed_domains) is set and does not hold the email's domain.
    C(refused) - no account, and making one was not asked for.
  - An account is never made for an email because it merely has no account (a typo such as C(jnae.doe@acme.example)).
options:
  _input:
    description: The people (each a dict with C(email), optionally C(create_account)).
    type: list
    elements: dict
    required: true
  users:
    description: The directory users found for the emails (dicts with C(email)).
    type: list
    elements: dict
    required: true
  use_scim:
    description: Whether accounts are provisioned over SCIM.
    type: bool
    default: false
  create_accounts:
    description: Whether SCIM may create an account for a person without C(create_account).
    type: bool
    default: false
  invite:
    description: Without SCIM, whether an email without an account is invited.
    type: bool
    default: false
  allowed_domains:
    description: When not empty, accounts are made only for emails of these domains.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: What each email gets
  ansible.builtin.debug:
    msg: "{{ onboarding_people | accessops.atlassian.onboarding_account_plan(lookup.users, use_scim=true) }}"
"""

RETURN = r"""
_value:
  description: C({lower-cased email - existing | create | invite | off-domain | refused}).
  type: dict
"""


def _flag(value, default):
    if value is None:
        return bool(default)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
    return bool(value)


def onboarding_account_plan(people, users, use_scim=False, create_accounts=False, invite=False, allowed_domains=None):
    known = {u["email"].lower() for u in users or [] if isinstance(u, dict) and isinstance(u.get("email"), str)}
    domains = {d.strip().lower().lstrip("@") for d in allowed_domains or [] if isinstance(d, str) and d.strip()}
    plan = {}
    for person in people or []:
        if not isinstance(person, dict) or not isinstance(person.get("email"), str):
            continue
        email = person["email"].lower()
        if email in known:
            plan[email] = "existing"
            continue
        if domains and email.rpartition("@")[2] not in domains:
            plan[email] = "off-domain"
        elif use_scim:
            plan[email] = "create" if _flag(person.get("create_account"), create_accounts) else "refused"
        else:
            plan[email] = "invite" if _flag(invite, False) else "refused"
    return plan


class FilterModule:
    def filters(self):
        return {"onboarding_account_plan": onboarding_account_plan}
