# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of accessops.atlassian.atlassian_group_member: the module runs in the task's worker process on the controller
(plugin_utils/_in_process.py), as a process everywhere else."""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.plugin_utils._in_process import InProcessModuleAction


class ActionModule(InProcessModuleAction):
    """accessops.atlassian.atlassian_group_member (documented in plugins/modules/atlassian_group_member.py)."""
