# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: onboarding_suggest
short_description: The existing email addresses closest to one that has no account ("did you mean")
version_added: "0.4.0"
author:
  - accessops maintainers (@accessops)
description:
  - Compares an email address that matches no account with the email addresses of the organization directory (for
    example the C(users) of P(accessops.atlassian.atlassian_user_info#module)) and returns the closest ones, best
    first, without regard to case.
  - Used by the role C(accessops.atlassian.onboarding) to report a typo (C(jnae.doe@acme.example)) instead of creating
    an account for it.
options:
  _input:
    description: The email address without an account.
    type: str
    required: true
  known:
    description: The existing email addresses, or the user entries (dicts with C(email)) of the directory.
    type: list
    elements: raw
    required: true
  limit:
    description: How many suggestions at most.
    type: int
    default: 3
  cutoff:
    description: The lowest similarity (0 to 1, as C(difflib.get_close_matches)) of a suggestion.
    type: float
    default: 0.8
"""

EXAMPLES = r"""
- name: Did you mean
  ansible.builtin.debug:
    msg: "{{ 'jnae.doe@acme.example' | accessops.atlassian.onboarding_suggest(directory.users) }}"
"""

RETURN = r"""
_value:
  description: The closest existing email addresses, best first (an empty list when none is close).
  type: list
  elements: str
"""

import difflib


def _email(entry):
    if isinstance(entry, dict):
        entry = entry.get("email")
    return entry if isinstance(entry, str) and entry else None


def onboarding_suggest(email, known, limit=3, cutoff=0.8):
    if not isinstance(email, str) or not email:
        return []
    wanted = email.strip().lower()
    by_lower = {}
    for entry in known or []:
        found = _email(entry)
        if found and found.lower() != wanted:
            by_lower.setdefault(found.lower(), found)
    matches = difflib.get_close_matches(wanted, list(by_lower), n=int(limit), cutoff=float(cutoff))
    return [by_lower[m] for m in matches]


class FilterModule:
    def filters(self):
        return {"onboarding_suggest": onboarding_suggest}
