# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: workspace_access_declared
short_description: The declared file of workspace access, checked and normalized with its line numbers
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Reads the text of a workspace access file (docs/workspace_access.md) - who may reach which repository and project
    of a Bitbucket workspace, and who is in which organization group - and checks it before anything is read from the
    APIs.
  - Fails with every problem of the file, each as C(<file>:<line>) and the problem - not a mapping, an unknown key, a bad
    level (the allowed ones are named), a bad C(expires) date, a bad C(guardrails.max_removals), a key given twice
    (both lines named), a repository, project, group or user declared twice (a repository or project also with
    another case).
  - Dates are YAML dates (V(2027-03-31)) or C(YYYY-MM-DD) text; they come back as C(YYYY-MM-DD) text.
options:
  _input:
    description: The file's text (for example C(lookup('ansible.builtin.file', path))).
    type: str
    required: true
  file:
    description: The file's name, in the messages.
    type: str
    default: workspace_access_file
"""

EXAMPLES = r"""
- name: Read the declared file
  ansible.builtin.set_fact:
    workspace_access__declared: >-
      {{ lookup('ansible.builtin.file', workspace_access_file)
         | accessops.atlassian.workspace_access_declared(file=workspace_access_file) }}
"""

RETURN = r"""
_value:
  description:
    - C(file), C(workspace), C(line) (of C(workspace)), C(lines) (top-level key -> line), C(defaults) (C(exclusive),
      C(line)), C(exempt) (C(user), C(email), C(account_id), C(line)), C(guardrails) (C(min_admins),
      C(require_caller_admin), C(max_removals) (null - no limit), C(max_removals_percent), C(lines)).
    - C(repositories) (by C(slug)) and C(projects) (by C(key)) - C(line), C(exclusive), C(exclusive_line),
      C(exclusive_by) (C(section) or C(defaults)), C(users) (C(user), C(email), C(account_id), C(level), C(expires),
      C(reason), C(ticket), C(line)) and C(groups) (C(slug), C(level), C(expires), C(reason), C(ticket), C(line)).
    - C(groups) - null without a C(groups) section, else the organization groups by C(name) - C(line), C(exclusive),
      C(exclusive_line), C(exclusive_by), C(members) (C(user), C(email), C(account_id), C(expires), C(reason),
      C(ticket), C(line)).
    - C(emails) - every email the file names, lower-cased and sorted (whom to look up).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.declared import DEFAULT_FILE, DeclaredError, declared


def workspace_access_declared(text, file=DEFAULT_FILE):
    try:
        return declared(text, file=file or DEFAULT_FILE)
    except DeclaredError as err:
        raise AnsibleFilterError(str(err)) from None


class FilterModule:
    def filters(self):
        return {"workspace_access_declared": workspace_access_declared}
