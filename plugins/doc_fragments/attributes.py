# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The attributes every module documents (check mode, diff mode, action group), written once."""

    # Every module: the descriptions; each module sets support and details.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return the changed status prediction without modifying anything.
  diff_mode:
    description: Returns details on what has changed (or possibly needs changing in check mode), when in diff mode.
"""

    # Every API module (its action plugin runs it in the task's worker on the controller, plugin_utils/_in_process.py).
    IN_PROCESS = r"""
options: {}
attributes:
  action:
    description: The module has an action plugin. Where the task runs on the controller (C(connection=local), no
      C(become) or C(async), the controller's Python), the module's code runs in the task's worker process instead of
      a new Python process; anywhere else, or with the variable C(accessops_in_process=false), it runs as a process.
      The result and the requests are the same.
    support: full
"""

    # The action-only modules (plan_apply, run_ledger, report_files): an action plugin does all their work.
    CONTROLLER_ACTION = r"""
options: {}
attributes:
  action:
    description: Runs on the controller as an action plugin.
    support: full
"""

    # Modules that only read (instead of DOCUMENTATION above: the first fragment's description wins a merge).
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode; the module only reads, so a check-mode run returns the same result.
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    description: Not applicable; the module only reads and never returns a diff.
    support: N/A
    details:
      - This action does not modify state.
"""

    BITBUCKET_ACTIONGROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/accessops.atlassian.bitbucket) or C(group/accessops.atlassian.atlassian) in
      C(module_defaults) to set the connection options of this module once.
    support: full
    membership:
      - accessops.atlassian.bitbucket
      - accessops.atlassian.atlassian
"""

    SCIM_ACTIONGROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/accessops.atlassian.scim) or C(group/accessops.atlassian.atlassian) in
      C(module_defaults) to set the connection options of this module once.
    support: full
    membership:
      - accessops.atlassian.scim
      - accessops.atlassian.atlassian
"""

    ADMIN_ACTIONGROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/accessops.atlassian.admin) or C(group/accessops.atlassian.atlassian) in
      C(module_defaults) to set the connection options of this module once.
    support: full
    membership:
      - accessops.atlassian.admin
      - accessops.atlassian.atlassian
"""
