# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the collection's modules inside the task's worker process when the task runs on the controller.

Every module of the collection only talks to Atlassian Cloud over HTTPS, and most runs of it are on the controller
(``localhost``, ``connection: local``, ``delegate_to: localhost``: how AWX and the collection's playbooks run them).
There, ActionBase._execute_module builds an AnsiballZ payload and starts a new Python process that imports
``ansible.module_utils.basic``, ``requests`` and the collection's module_utils before its first request: about half a
second a task (docs/performance.md). ``InProcessModuleAction`` runs the same module code in the worker process that
Ansible already forked for the task, with the same arguments (_update_module_args: check mode, diff, no_log,
verbosity), the task's ``environment``, and the same parsing of its JSON answer (_parse_returned_data: untrusted
values, internal keys), so the result is the one the subprocess would have given.

It falls back to _execute_module (the module as a process, unchanged) whenever the module would not run as the
controller's own Python: another connection than ``local``, ``become``, ``async``, an ``ansible_python_interpreter``
that is not the controller's, ``requests`` missing on the controller, or ``accessops_in_process: false``.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import io
import json
import os
import sys
import traceback
from typing import Any

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

COLLECTION = "accessops.atlassian"
MODULES_PACKAGE = "ansible_collections.accessops.atlassian.plugins.modules"
SWITCH = "accessops_in_process"
PROFILE = "legacy"  # the serialization profile of every Python module in ansible-core 2.19+
LOCAL = {"local", "ansible.builtin.local", "ansible.legacy.local"}


def module_short_name(action: str | None) -> str | None:
    """``bitbucket_repo_permission`` for ``accessops.atlassian.bitbucket_repo_permission``; None for other names."""
    prefix = COLLECTION + "."
    if not action or not action.startswith(prefix):
        return None
    name = action[len(prefix) :]
    return name if name.isidentifier() else None


def _same_python(interpreter: Any) -> bool:
    """True when ``interpreter`` (``ansible_python_interpreter``, possibly unset) is this Python."""
    if not interpreter:
        return True
    text = str(interpreter).strip()
    if text in (sys.executable, "{{ ansible_playbook_python }}"):
        return True
    try:
        return os.path.realpath(text) == os.path.realpath(sys.executable)
    except (OSError, ValueError):
        return False


def _encode_args(module_args: dict[str, Any]) -> bytes:
    """The module arguments as AnsiballZ hands them over (with 2.19+'s serialization profile when there is one)."""
    payload = {"ANSIBLE_MODULE_ARGS": module_args}
    try:
        from ansible.module_utils.common.json import Direction, get_module_encoder  # ansible-core 2.19+
    except ImportError:
        return json.dumps(payload).encode("utf-8")
    return json.dumps(payload, cls=get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)).encode("utf-8")


def _reset_module_globals() -> None:
    """Forget what an earlier module run in this process left (a loop runs its items in one worker)."""
    for name in ("_global_warnings", "_global_deprecations"):  # a list up to 2.18, a dict from 2.19
        getattr(module_warnings, name).clear()
    if hasattr(basic, "_PARSED_MODULE_ARGS"):
        basic._PARSED_MODULE_ARGS = None  # pylint: disable=protected-access


@contextlib.contextmanager
def _as_on_a_target():
    """ansible-core 2.19+ module_utils behave as on a target host while the module runs (its warnings go into its
    result, its JSON is the module side's), as they would in the AnsiballZ process."""
    try:
        internal = importlib.import_module("ansible.module_utils._internal")
    except ImportError:  # ansible-core up to 2.18: nothing differs
        yield
        return
    saved = getattr(internal, "is_controller", None)
    if saved is None:
        yield
        return
    internal.is_controller = False
    try:
        yield
    finally:
        internal.is_controller = saved


@contextlib.contextmanager
def _environment(values: dict[str, Any]):
    """os.environ with the task's ``environment`` added, restored afterwards."""
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            os.environ[str(key)] = str(value)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_module_main(module: Any, module_args: dict[str, Any], environment: dict[str, Any]) -> dict[str, Any]:
    """Run ``module.main()`` as AnsiballZ would: arguments in ``basic``, its answer read from stdout.

    Returns the low-level result ``{rc, stdout, stderr}`` that _parse_returned_data takes.
    """
    out, err = io.StringIO(), io.StringIO()
    _reset_module_globals()
    saved = (getattr(basic, "_ANSIBLE_ARGS", None), getattr(basic, "_ANSIBLE_PROFILE", None))
    basic._ANSIBLE_ARGS = _encode_args(module_args)  # as the controller encodes them  # pylint: disable=protected-access
    if hasattr(basic, "_ANSIBLE_PROFILE"):
        basic._ANSIBLE_PROFILE = PROFILE  # pylint: disable=protected-access
    rc = 0
    try:
        with _as_on_a_target(), _environment(environment), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                module.main()
                rc = 1  # a module prints its result and exits; reaching here is a failure
                err.write("The module %s returned without an answer.\n" % module.__name__)
            except SystemExit as exc:
                rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            # a crash is the module's result, as in a process
            except Exception:  # pylint: disable=broad-exception-caught
                rc = 1
                err.write(traceback.format_exc())
    finally:
        basic._ANSIBLE_ARGS = saved[0]  # pylint: disable=protected-access
        if hasattr(basic, "_ANSIBLE_PROFILE"):
            basic._ANSIBLE_PROFILE = saved[1]  # pylint: disable=protected-access
        _reset_module_globals()
    return {"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()}


class InProcessModules(ActionBase):
    """What an action plugin needs to run a module of the collection in its worker (see the module's docstring)."""

    def begin(self, tmp: Any, task_vars: dict[str, Any] | None, spec: dict[str, Any]) -> tuple[dict, dict, dict]:
        """The start of an action's run(): its result so far, its task vars and its arguments checked against spec."""
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=spec)
        return result, task_vars or {}, args

    def controller_reason(self, task_vars: dict[str, Any]) -> str | None:
        """Why this task's work cannot be done in this worker, as on the target itself (None: it can)."""
        checks = (
            (not boolean(task_vars.get(SWITCH, True), strict=False), "%s is false" % SWITCH),
            (getattr(self._connection, "transport", None) not in LOCAL, "the connection is not local"),
            (bool(self._task.async_val), "async"),
            (bool(getattr(self._play_context, "become", False)), "become"),
        )
        return next((why for failed, why in checks if failed), None)

    def in_process_reason(self, name: str | None, task_vars: dict[str, Any]) -> str | None:
        """Why the module must run as a process (None: it may run here)."""
        if name is None:
            return "not a module of %s" % COLLECTION
        checks = (
            (not _same_python(task_vars.get("ansible_python_interpreter")), "another Python interpreter"),
            (importlib.util.find_spec("requests") is None, "requests is not installed on the controller"),
        )
        return self.controller_reason(task_vars) or next((why for failed, why in checks if failed), None)

    def run_collection_module(self, fqcn: str, module_args: dict[str, Any], task_vars: dict[str, Any]) -> dict[str, Any]:
        """The result of the module ``fqcn`` with ``module_args``, run here when possible, else as a process."""
        name = module_short_name(fqcn)
        reason = self.in_process_reason(name, task_vars)
        module = None
        if reason is None:
            try:
                module = importlib.import_module("%s.%s" % (MODULES_PACKAGE, name))
            except ImportError as exc:
                reason = "the module does not import here (%s)" % exc
        if module is None or not hasattr(module, "main"):
            self._display.vvv("%s runs as a process: %s" % (fqcn, reason or "no main()"))
            return self._execute_module(module_name=fqcn, module_args=module_args, task_vars=task_vars)
        self._display.vvv("%s runs in the worker process" % fqcn)
        self._update_module_args(fqcn, module_args, task_vars)
        environment: dict[str, Any] = {}
        self._compute_environment_string(environment)
        low_level = run_module_main(module, module_args, environment)
        return self._parsed(low_level)

    def _parsed(self, low_level: dict[str, Any]) -> dict[str, Any]:
        """What _execute_module makes of a module's output, for each supported ansible-core."""
        profiled = len(inspect.signature(self._parse_returned_data).parameters) >= 2  # ansible-core 2.19+
        data = self._parse_returned_data(low_level, PROFILE) if profiled else self._parse_returned_data(low_level)
        if hasattr(data, "remove_internal_keys"):  # ansible-core 2.21+: a UnifiedTaskResult
            data.remove_internal_keys()
            return data.as_result_dict(for_round_trip=True)
        from ansible.vars.clean import remove_internal_keys  # pylint: disable=import-outside-toplevel

        data.pop("_ansible_suppress_tmpdir_delete", None)
        remove_internal_keys(data)
        if profiled:
            return data
        from ansible.utils.unsafe_proxy import wrap_var  # pylint: disable=import-outside-toplevel

        return wrap_var(data)  # 2.16-2.18: the module's answer is untrusted, as _execute_module marks it


class InProcessModuleAction(InProcessModules):
    """Action plugin of a collection module: the module in this worker when the task runs on the controller."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp
        fqcn = self._task.resolved_action or self._task.action
        result.update(self.run_collection_module(fqcn, dict(self._task.args), task_vars))
        return result
