# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The O(users) list of accessops.atlassian.atlassian_scim_user: each item has the options of the single form."""

    DOCUMENTATION = r"""
options:
  users:
    description:
      - Several users, each described by the options of the single form. Mutually exclusive with O(user_name).
      - With O(users), the top-level O(state), O(active), O(email) and the other attribute options are refused (the task
        fails before any request); set them in each item. They are not defaults for the items, so that no attribute
        (an email address, an external ID) is given to many users by mistake. The deprecated O(locale) is ignored with a
        warning, as everywhere.
      - Each user costs the requests of the single form (a C(GET) with the filter C(userName eq "..."), then a C(POST),
        one C(PATCH), a C(DELETE) or nothing), whatever the other items.
      - Every item is validated before the first request, and a C(user_name) listed twice (compared without regard to
        case) is refused before any request.
      - An empty list does nothing and sends no request.
    type: list
    elements: dict
    version_added: 0.3.0
    suboptions:
      user_name:
        description: The SCIM C(userName) of the user, as O(user_name).
        type: str
        required: true
      state:
        description: V(present) or V(absent), as O(state).
        type: str
        choices: [present, absent]
        default: present
      active:
        description: Whether the user is active, as O(active).
        type: bool
      email:
        description: The primary email address, as O(email) (required to create the user).
        type: str
      given_name:
        description: Given name, as O(given_name). For this option and the ones below, an empty string removes the
          attribute and an option not set leaves it as it is.
        type: str
      family_name:
        description: Family name, as O(family_name).
        type: str
      display_name:
        description: Display name, as O(display_name).
        type: str
      nick_name:
        description: Nickname, as O(nick_name).
        type: str
      title:
        description: Job title, as O(title).
        type: str
      department:
        description: Department, as O(department).
        type: str
      organization:
        description: Organization, as O(organization).
        type: str
      timezone:
        description: Time zone, as O(timezone).
        type: str
      preferred_language:
        description: Preferred language, as O(preferred_language).
        type: str
      locale:
        description:
          - B(Deprecated, ignored), as O(locale). Atlassian's SCIM schema has no locale attribute; use
            O(users[].preferred_language).
          - When an item sets it, the task warns (naming the item) and leaves it out of that user's requests, comparison,
            result and diff. It will be removed in version 1.0.0 of the collection.
        type: str
      external_id:
        description: Identifier in the identity provider, as O(external_id).
        type: str
"""
