# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strategy plugin accessops.atlassian.linear: ansible.builtin.linear, with the collection's controller code imported
once in the main process (plugin_utils/_preload.py)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: linear
short_description: The linear strategy, with this collection's code imported once before the first task
description:
  - Runs the play exactly as C(ansible.builtin.linear) does (task by task, every host finishing a task before the next
    starts); the only difference is that the collection's controller code - its filter and action plugins, the modules
    it runs in the task's worker on the controller and C(requests) - is imported once in the main process of
    C(ansible-playbook) when the play starts.
  - Each task runs in a worker process forked from the main process. With this strategy the workers start with that code
    loaded instead of importing (and compiling) it again for each task, which is most of the time the collection's
    tasks spend besides their API calls - for example about 0.7 seconds of a one-person onboarding and 3 seconds of a
    one-person offboarding (C(make bench), docs/performance.md).
  - The collection's playbooks use it. Set the play keyword C(strategy) to V(accessops.atlassian.linear) on a play of
    your own that uses the collection's roles or modules, or make it the default with the environment variable
    C(ANSIBLE_STRATEGY) (or C(strategy) in the C([defaults]) section of C(ansible.cfg)).
  - A file that does not import in the main process (for example C(requests) missing on the controller) is left out;
    the task that needs it imports it then, as with C(ansible.builtin.linear). C(-vvv) shows what was imported and how
    long it took.
author: accessops.atlassian contributors (@accessops)
version_added: 0.3.0
seealso:
  - name: Controlling playbook execution - strategies
    description: How ansible-core runs the tasks of a play, and how a play chooses its strategy.
    link: https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_strategies.html
"""

from ansible.plugins.strategy.linear import StrategyModule as LinearStrategyModule
from ansible.utils.display import Display

from ansible_collections.accessops.atlassian.plugins.plugin_utils._preload import preload

display = Display()


class StrategyModule(LinearStrategyModule):
    """ansible.builtin.linear, after importing the collection's controller code in this (the main) process."""

    def __init__(self, tqm):
        super().__init__(tqm)
        display.vvv("accessops.atlassian.linear: %s" % preload().summary())
