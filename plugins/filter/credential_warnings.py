# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: credential_warnings
short_description: When the keys a runbook uses expire - warnings N days before, and the expired ones
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - The credential check of the runbooks (the task file C(credentials) of the role C(accessops.atlassian.plan);
    docs/credentials.md).
  - The Bitbucket API token - from the registered result of P(accessops.atlassian.atlassian_api_token_info#module) for
    the caller's account (an account the organization manages). The API does not say which token a request used - the
    token of this run is the one labelled O(token_label), else the account's only token, else the one whose
    C(last_access) is the newest (the run has just used its token). Otherwise the declared C(bitbucket_api_token)
    date of O(declared), if any.
  - The SCIM API key and the organization Admin API key - no API states when they expire - the declared dates of
    O(declared).
  - A date without a time is the start of that day (UTC) - the key counts as expired on that day.
options:
  _input:
    description:
      - The registered result of P(accessops.atlassian.atlassian_api_token_info#module) for the caller's account;
        V(null) or a skipped result when it was not read.
    type: dict
  account_id:
    description: The caller's Atlassian account ID (the account of the Bitbucket API token).
    type: str
  declared:
    description:
      - Declared expiry dates (C(YYYY-MM-DD) or an ISO 8601 date-time), by credential - C(bitbucket_api_token)
        (C(atlassian_api_token_expires), used only when the API does not say), C(scim_token)
        (C(atlassian_scim_token_expires)), C(admin_api_key) (C(atlassian_admin_api_key_expires)). Empty values are
        ignored.
    type: dict
  warn_days:
    description: Warn this many days before a key expires (C(atlassian_credential_warn_days)).
    type: int
    default: 14
  token_label:
    description: The label of the Bitbucket API token the run uses (C(atlassian_api_token_label)), when known.
    type: str
  now:
    description: The current time (ISO 8601), for tests; the controller's clock by default.
    type: str
"""

EXAMPLES = r"""
- name: Warn before the keys expire
  ansible.builtin.debug:
    msg: >-
      {{ (tokens | accessops.atlassian.credential_warnings(account_id=caller,
          declared={'scim_token': atlassian_scim_token_expires | default('')})).warnings }}
"""

RETURN = r"""
_value:
  description:
    - C(warn_days); C(credentials) - one entry per key checked - C(credential) (C(bitbucket_api_token), C(scim_token),
      C(admin_api_key)), C(name), C(source) (C(api), C(declared) or V(null) - not known), C(how) (how it is known),
      C(expires) (ISO 8601, UTC), C(days_left), C(status) (C(ok), C(expiring), C(expired), C(no_expiry), C(unknown)).
    - C(warnings) - one line per key that expires within C(warn_days); C(expired) - one line per expired key;
      C(notes) - why the Bitbucket API token's expiry is not known, or is taken from the declared date.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._hygiene.credentials import CredentialInputError, check


def credential_warnings(token_info, account_id=None, declared=None, warn_days=14, token_label=None, now=None):
    try:
        return check(token_info, account_id, declared, warn_days, now=now, token_label=token_label or None)
    except CredentialInputError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {"credential_warnings": credential_warnings}
