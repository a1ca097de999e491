# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plugin_utils/_in_process.py: a module run in the worker answers as the same module run as a process would."""

from __future__ import annotations

import json
import os
import sys
import types

import pytest
from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.plugin_utils import _in_process
from ansible_collections.accessops.atlassian.plugins.plugin_utils._in_process import (
    _same_python,
    module_short_name,
    run_module_main,
)


def fake_module(body):
    """A module object whose main() is ``body(AnsibleModule)``, as the collection's modules are shaped."""
    module = types.ModuleType("ansible_collections.accessops.atlassian.plugins.modules.fake")

    def main():
        body(
            AnsibleModule(
                argument_spec={"name": {"type": "str", "required": True}, "secret": {"type": "str", "no_log": True}},
                supports_check_mode=True,
            )
        )

    module.main = main
    return module


def answer(low_level):
    """The JSON object a module printed (AnsiballZ's stdout may start with a blank line)."""
    return json.loads(low_level["stdout"].strip())


def test_short_names():
    assert module_short_name("accessops.atlassian.bitbucket_repo_permission") == "bitbucket_repo_permission"
    assert module_short_name("ansible.builtin.ping") is None
    assert module_short_name("accessops.atlassian.") is None
    assert module_short_name("accessops.atlassian.a.b") is None
    assert module_short_name(None) is None


def test_same_python():
    assert _same_python(None)
    assert _same_python("")
    assert _same_python(sys.executable)
    assert _same_python("{{ ansible_playbook_python }}")
    assert not _same_python("/nonexistent/python3")


def test_a_module_answers_with_its_arguments_the_environment_and_no_log():
    seen = {}

    def body(module):
        seen["check_mode"] = module.check_mode
        module.exit_json(changed=True, name=module.params["name"], env=os.environ.get("ACCESSOPS_TEST_ENV"))

    os.environ.pop("ACCESSOPS_TEST_ENV", None)
    low_level = run_module_main(
        fake_module(body),
        {"name": "jane", "secret": "s3cr3t-value", "_ansible_check_mode": True},
        {"ACCESSOPS_TEST_ENV": "from the task"},
    )
    assert low_level["rc"] == 0
    result = answer(low_level)
    assert result["changed"] is True
    assert result["name"] == "jane"
    assert result["env"] == "from the task"
    assert seen["check_mode"] is True
    assert "s3cr3t-value" not in low_level["stdout"]
    assert "ACCESSOPS_TEST_ENV" not in os.environ  # the task's environment is undone
    assert basic._ANSIBLE_ARGS is None  # so is the module's input


def test_a_failure_is_the_module_answer():
    low_level = run_module_main(fake_module(lambda module: module.fail_json(msg="refused")), {"name": "x"}, {})
    assert low_level["rc"] == 1
    assert answer(low_level)["msg"] == "refused"
    assert answer(low_level)["failed"] is True


def test_missing_required_argument_fails_as_in_a_process():
    low_level = run_module_main(fake_module(lambda module: module.exit_json(changed=False)), {}, {})
    assert low_level["rc"] == 1
    assert "name" in answer(low_level)["msg"]


def test_a_crash_is_a_traceback_on_stderr():
    def body(module):
        raise RuntimeError("boom")

    low_level = run_module_main(fake_module(body), {"name": "x"}, {})
    assert low_level["rc"] == 1
    assert low_level["stdout"] == ""
    assert "RuntimeError: boom" in low_level["stderr"]


def test_a_module_that_does_not_exit_fails():
    low_level = run_module_main(fake_module(lambda module: None), {"name": "x"}, {})
    assert low_level["rc"] == 1
    assert "returned without an answer" in low_level["stderr"]


def test_warnings_of_one_run_do_not_reach_the_next():
    """A loop runs its items in one worker: the second item must not repeat the first one's warning."""

    def warn_once(module):
        if module.params["name"] == "first":
            module.warn("only the first")
        module.exit_json(changed=False)

    first = answer(run_module_main(fake_module(warn_once), {"name": "first"}, {}))
    second = answer(run_module_main(fake_module(warn_once), {"name": "second"}, {}))
    assert "only the first" in json.dumps(first.get("warnings"))
    assert "only the first" not in json.dumps(second.get("warnings", []))


@pytest.mark.parametrize("value", [False, "false", "no", 0])
def test_the_switch_turns_it_off(value):
    assert _in_process.SWITCH == "accessops_in_process"

    class Action(_in_process.InProcessModuleAction):
        def __init__(self):  # pylint: disable=super-init-not-called
            self._connection = types.SimpleNamespace(transport="local")
            self._task = types.SimpleNamespace(async_val=0)
            self._play_context = types.SimpleNamespace(become=False)

    action = Action()
    assert action.in_process_reason("bitbucket_repo_permission", {}) is None
    assert action.in_process_reason("bitbucket_repo_permission", {_in_process.SWITCH: value}) == "accessops_in_process is false"
    assert action.in_process_reason(None, {}) == "not a module of accessops.atlassian"
    action._connection.transport = "ssh"
    assert action.in_process_reason("bitbucket_repo_permission", {}) == "the connection is not local"
    action._connection.transport = "local"
    action._play_context.become = True
    assert action.in_process_reason("bitbucket_repo_permission", {}) == "become"
    action._play_context.become = False
    action._task.async_val = 30
    assert action.in_process_reason("bitbucket_repo_permission", {}) == "async"
    action._task.async_val = 0
    assert action.in_process_reason("x", {"ansible_python_interpreter": "/nonexistent/python3"}) == "another Python interpreter"
