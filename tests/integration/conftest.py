# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run real ``ansible-playbook`` against the simulator and hand back each task's result.

The ``ansible_run`` fixture writes the playbook to a temporary file, runs it with the
collection on ANSIBLE_COLLECTIONS_PATH and the test-only ``task_results`` callback, and
returns the per-task results for ``localhost`` in order (each with a ``_status`` key:
ok, failed or skipped). stdout is the default human output, so diff output can be read. The simulator's URLs are passed as extra vars
(``sim_api_url``, ``sim_scim_url``, ``sim_token_url``, ``sim_admin_url``: the base URL of the organization Admin API,
``admin_url``) when the ``sim`` fixture is in use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _collections_path(tmp_root):
    """Return a directory holding ansible_collections/accessops/atlassian for this tree."""
    parts = REPO_ROOT.parts
    if len(parts) >= 3 and parts[-3:] == ("ansible_collections", "accessops", "atlassian"):
        return str(REPO_ROOT.parents[2])
    link_parent = Path(tmp_root) / "ansible_collections" / "accessops"
    link_parent.mkdir(parents=True, exist_ok=True)
    link = link_parent / "atlassian"
    if not link.exists():
        link.symlink_to(REPO_ROOT, target_is_directory=True)
    return str(tmp_root)


@dataclass
class RunResult:
    """The outcome of one ansible-playbook run."""

    rc: int
    stdout: str
    stderr: str
    tasks: list = field(default_factory=list)
    names: list = field(default_factory=list)

    def task(self, name):
        """The result of the first task whose name is ``name``."""
        for task_name, result in zip(self.names, self.tasks, strict=True):
            if task_name == name:
                return result
        raise KeyError("no task named %r; tasks: %r" % (name, self.names))


def _parse(results_file):
    names, tasks = [], []
    if results_file.exists():
        for line in results_file.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["host"] == "localhost":
                names.append(record["task"])
                result = record["result"]
                result["_status"] = record["status"]
                tasks.append(result)
    return names, tasks


def _ansible_playbook():
    found = Path(sys.executable).parent / "ansible-playbook"
    return str(found) if found.exists() else shutil.which("ansible-playbook")


@pytest.fixture(scope="session")
def ansible_collections_path(tmp_path_factory):
    return _collections_path(tmp_path_factory.mktemp("collections"))


@pytest.fixture
def ansible_run(request, tmp_path, ansible_collections_path):
    """Return run(playbook_yaml, check=False, diff=False, extra_vars=None, env=None, verbosity=0)."""
    sim = request.getfixturevalue("sim") if "sim" in request.fixturenames else None

    def run(playbook_yaml, check=False, diff=False, extra_vars=None, env=None, verbosity=0):
        results_file = tmp_path / "task-results.jsonl"
        if results_file.exists():
            results_file.unlink()
        playbook = tmp_path / "playbook.yml"
        playbook.write_text(playbook_yaml)
        variables = {}
        if sim is not None:
            variables.update(
                sim_api_url=sim.api_url, sim_scim_url=sim.scim_url, sim_token_url=sim.token_url, sim_admin_url=sim.url
            )
        variables.update(extra_vars or {})
        cmd = [_ansible_playbook(), "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(variables)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        run_env = dict(os.environ)
        for name in list(run_env):
            if name.startswith(("BITBUCKET_", "ATLASSIAN_SCIM_", "ATLASSIAN_ADMIN_", "ATLASSIAN_ORG_ID")):
                del run_env[name]
        run_env.update(
            ANSIBLE_COLLECTIONS_PATH=ansible_collections_path,
            ANSIBLE_CALLBACK_PLUGINS=str(Path(__file__).parent / "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="task_results",
            TASK_RESULTS_FILE=str(results_file),
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_DEPRECATION_WARNINGS="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
        )
        run_env.update(env or {})
        proc = subprocess.run(cmd, capture_output=True, text=True, env=run_env, timeout=600, check=False)
        names, tasks = _parse(results_file)
        return RunResult(proc.returncode, proc.stdout, proc.stderr, tasks, names)

    return run


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # pylint: disable=unused-argument
    """The fault-matrix line of test_misbehaving_server.py (also in tests/integration/.fault_matrix.json)."""
    line = getattr(config, "accessops_fault_matrix", None)
    if line:
        terminalreporter.write_sep("-", "misbehaving server")
        terminalreporter.write_line(line)
