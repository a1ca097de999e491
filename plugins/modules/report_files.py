#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: report_files
short_description: Write a runbook's report files (audit reports, plans, worksheets) into one directory in one task
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Writes each of O(files) into the directory O(path), making the directory (mode 0700) when it is missing. A file
    whose content is already the same is left alone; the others are replaced atomically (a temporary file in the same
    directory, renamed over it), with O(mode).
  - The collection's runbooks write their reports with it. It replaces an C(ansible.builtin.file) task and a looped
    C(ansible.builtin.copy) or C(ansible.builtin.template) task, which start two module processes a file.
  - "When the task runs on the controller (C(connection: local), no C(become)), the action writes the files itself, in
    the task's worker process. Otherwise, or with C(accessops_in_process: false), it transfers each file and installs it
    with C(ansible.builtin.copy), and makes the directory with C(ansible.builtin.file), as those modules would."
options:
  path:
    description: The directory that holds the files. Made, with mode 0700, when it does not exist.
    type: path
    required: true
  files:
    description: The files to write.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The file's name in O(path) (no directory part).
        type: str
        required: true
      content:
        description:
          - The file's content (a string), written as UTF-8. Render a role template with
            C(lookup('ansible.builtin.template', 'name.j2')).
          - Exactly one of O(files[].content) and O(files[].json) is required.
        type: raw
      json:
        description:
          - Data to write as JSON, as C(to_nice_json(indent=2)) writes it, with a final newline (a template result that
            looks like JSON may reach a module as data; this option takes the data itself).
        type: raw
  mode:
    description: The permissions of the files written, an octal string.
    type: str
    default: "0600"
extends_documentation_fragment:
  - accessops.atlassian.attributes
  - accessops.atlassian.attributes.controller_action
attributes:
  check_mode:
    support: full
    details:
      - In check mode nothing is written and RV(written) says which files would be. The runbooks set
        C(check_mode=false) on it, so that a check run still leaves its predicted report.
  diff_mode:
    support: none
seealso:
  - module: accessops.atlassian.run_ledger
  - name: ansible.builtin.copy
    description: What the action uses to install each file on a target that is not the controller.
    link: https://docs.ansible.com/ansible/latest/collections/ansible/builtin/copy_module.html
"""

EXAMPLES = r"""
- name: Write the JSON and Markdown audit reports
  accessops.atlassian.report_files:
    path: /var/tmp/accessops-reports
    files:
      - name: offboarding-20261205T101500Z.json
        json: "{{ offboarding_result }}"
      - name: offboarding-20261205T101500Z.md
        content: "{{ lookup('ansible.builtin.template', 'offboarding_report.md.j2') }}"
    mode: "0600"
"""

RETURN = r"""
path:
  description: The directory.
  returned: always
  type: str
  sample: /var/tmp/accessops-reports
files:
  description: The path of every file, in the order of O(files).
  returned: always
  type: list
  elements: str
written:
  description: The names of the files that were written (or would be, in check mode); the others already held the
    content.
  returned: always
  type: list
  elements: str
"""

import re

from ansible.module_utils.basic import AnsibleModule

# An octal mode the action accepts: 0600, 640, 0o644 are fine; u=rw is not.
MODE = re.compile(r"^(0o?)?[0-7]{3,4}$")


def argument_spec():
    """The options of the action plugins/action/report_files.py, which imports them from here; a new dict each call."""
    return dict(
        path=dict(type="path", required=True),
        files=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(name=dict(type="str", required=True), content=dict(type="raw"), json=dict(type="raw")),
            required_one_of=[["content", "json"]],
            mutually_exclusive=[["content", "json"]],
        ),
        mode=dict(type="str", default="0600"),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    module.fail_json(msg="accessops.atlassian.report_files runs only as an action plugin (on the controller), not as a module.")


if __name__ == "__main__":
    main()
