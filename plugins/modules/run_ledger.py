#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: run_ledger
short_description: Make or remove the directory of a run's request ledger (the collection playbooks' run-wide budget)
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - The collection playbooks give every Bitbucket task of a run one request ledger (the C(requests_ledger) option of
    the modules), so that the run as a whole keeps to the account's requests per hour. This makes the directory that
    holds it before the run's first task, and removes it at the end of a run that succeeded.
  - V(present) makes a new directory named C(accessops-requests-ledger-*) in the temporary directory, that only this
    user can enter (mode 0700), and returns its RV(path) and the RV(ledger) file to give the modules (the modules
    create the file, mode 0600).
  - V(absent) removes a directory V(present) made. It refuses, with nothing removed, a path not named
    C(accessops-requests-ledger-*), a link, or a directory of another user.
  - "This is an action plugin - it runs on the controller, in the task itself (no module process), where the collection
    playbooks run their modules (C(connection: local)). It never changes anything else and always reports
    C(changed=false)."
options:
  state:
    description: Make the directory, or remove it.
    type: str
    choices: [present, absent]
    default: present
  path:
    description: The directory to remove (the RV(path) of V(present)). Required with O(state=absent).
    type: path
extends_documentation_fragment:
  - accessops.atlassian.attributes
  - accessops.atlassian.attributes.controller_action
attributes:
  check_mode:
    support: full
    details:
      - Runs in check mode too (the ledger is the run's own bookkeeping, and a check run counts its reads against the
        same budget).
  diff_mode:
    support: none
seealso:
  - module: accessops.atlassian.bitbucket_repo_permission
"""

EXAMPLES = r"""
- name: One request budget for the whole run
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/accessops.atlassian.bitbucket:
      requests_ledger: "{{ run_ledger.ledger | default(omit) }}"
  pre_tasks:
    - name: Make the run's request ledger directory
      accessops.atlassian.run_ledger:
      register: run_ledger
  tasks:
    - name: Every Bitbucket task of the run counts its requests in the same ledger
      accessops.atlassian.bitbucket_member_info:
        workspace: acme
  post_tasks:
    - name: Remove the run's request ledger directory
      accessops.atlassian.run_ledger:
        state: absent
        path: "{{ run_ledger.path }}"
"""

RETURN = r"""
path:
  description: The directory (made, or asked to be removed).
  returned: always
  type: str
  sample: /tmp/accessops-requests-ledger-k2j3h4
ledger:
  description: The ledger file to give the modules' O(accessops.atlassian.bitbucket_repo_permission#module:requests_ledger).
  returned: when O(state=present)
  type: str
  sample: /tmp/accessops-requests-ledger-k2j3h4/bitbucket-requests.ledger
removed:
  description: Whether the directory was there to remove (false when it was already gone).
  returned: when O(state=absent)
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

# The name every run ledger directory starts with (the action removes nothing else).
PREFIX = "accessops-requests-ledger-"


def argument_spec():
    """The options of the action plugins/action/run_ledger.py, which imports them from here; a new dict each call."""
    return dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        path=dict(type="path"),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    module.fail_json(msg="accessops.atlassian.run_ledger runs only as an action plugin (on the controller), not as a module.")


if __name__ == "__main__":
    main()
