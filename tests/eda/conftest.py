# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the Event-Driven Ansible tests (``make eda-test``; the simulator's come from tests/conftest.py).

``eda_bin``            the bin directory of the venv with ansible-rulebook (EDA_VENV, else .venv-eda of the clone)
``collections_path``   a directory holding ansible_collections/accessops/atlassian (ANSIBLE_COLLECTIONS_PATH of the
                       Makefile: the build tree; else a link to this tree)
``fake_controller``    tests/eda/fake_controller.py serving the templates the rulebooks launch
``rulebook``           rulebook(name, vars, env_extra=None) -> a running :class:`eda_helpers.Rulebook` (``accessops.atlassian.<name>``),
                       stopped at the end of the test
``playbook``           playbook(tasks, extra_vars) -> {task name: result} of ansible-playbook (.venv's) with the collection

``eda_figures`` (config) collects the lines the terminal summary prints (requests per minute of the source).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from atlsim import demo
from eda_helpers import Rulebook
from fake_controller import FakeController

REPO_ROOT = Path(__file__).resolve().parents[2]
OFFBOARDING_WORKFLOW = "Offboarding (approved)"
DRIFT_JOB_TEMPLATE = "Workspace access (plan)"

LOCALHOST = ("-i", "localhost,", "-c", "local")  # the inventory and connection of the playbooks run here


@pytest.fixture(scope="session")
def eda_bin() -> Path:
    venv = Path(os.environ.get("EDA_VENV") or REPO_ROOT / ".venv-eda")
    found = venv / "bin" / "ansible-rulebook"
    if not found.exists():
        pytest.fail("no ansible-rulebook in %s: run `make eda-test` (it builds .venv-eda), or set EDA_VENV" % venv)
    return venv / "bin"


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory) -> str:
    given = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if given:
        return given
    parts = REPO_ROOT.parts
    if parts[-3:] == ("ansible_collections", "accessops", "atlassian"):
        return str(REPO_ROOT.parents[2])
    root = tmp_path_factory.mktemp("collections")
    (root / "ansible_collections" / "accessops").mkdir(parents=True)
    (root / "ansible_collections" / "accessops" / "atlassian").symlink_to(REPO_ROOT, target_is_directory=True)
    return str(root)


@pytest.fixture
def fake_controller():
    controller = FakeController(job_templates=[DRIFT_JOB_TEMPLATE], workflow_job_templates=[OFFBOARDING_WORKFLOW]).start()
    try:
        yield controller
    finally:
        controller.stop()


def _clean_env() -> dict:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("BITBUCKET_", "ATLASSIAN_", "ANSIBLE_")):
            del env[name]
    return env


@pytest.fixture
def rulebook(tmp_path, eda_bin, collections_path, fake_controller):
    started: list[Rulebook] = []

    def start(name, variables, api_key=demo.ADMIN_API_KEY, env_extra=None):
        vars_file = tmp_path / ("%s.vars.yml" % name)
        vars_file.write_text(yaml.safe_dump(variables))
        env = _clean_env()
        env.update(
            PATH="%s:%s" % (eda_bin, env.get("PATH", "")),  # ansible-rulebook runs the ansible-galaxy beside it
            ANSIBLE_COLLECTIONS_PATH=collections_path,
            ATLASSIAN_ADMIN_API_KEY=api_key,  # the key from the environment, never a variable
            EDA_JOB_TEMPLATE_REFRESH_DELAY="0.5",  # how often ansible-rulebook polls a launched job (default 10 s)
        )
        env.update(env_extra or {})
        command = [
            str(eda_bin / "ansible-rulebook"),
            "--rulebook",
            "accessops.atlassian.%s" % name,
            "--vars",
            str(vars_file),
            "--controller-url",
            fake_controller.url,
            "--controller-token",
            "fake-controller-token",
            "--print-events",
            "-v",
        ]
        process = Rulebook(command, env, tmp_path / ("%s.log" % name))
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.stop()


@pytest.fixture
def playbook(tmp_path, collections_path, sim):
    """Run tasks (a list of task dicts) on localhost with .venv's ansible-playbook; return the JSON of its results."""

    def run(tasks, extra_vars=None):
        book = tmp_path / "playbook.yml"
        play = {"name": "EDA test", "hosts": "localhost", "gather_facts": False, "tasks": tasks}
        book.write_text(yaml.safe_dump([play], sort_keys=False))
        results = tmp_path / "task-results.jsonl"
        if results.exists():
            results.unlink()
        env = _clean_env()
        env.update(
            ANSIBLE_COLLECTIONS_PATH=collections_path,
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
            ANSIBLE_NOCOLOR="1",
            # the integration tests' callback: one JSON line per task result (tests/integration/callback_plugins)
            ANSIBLE_CALLBACK_PLUGINS=str(REPO_ROOT / "tests" / "integration" / "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="task_results",
            TASK_RESULTS_FILE=str(results),
            ANSIBLE_DEPRECATION_WARNINGS="0",
        )
        variables = dict(sim_url=sim.url, sim_api_url=sim.api_url, **(extra_vars or {}))
        ansible_playbook = str(Path(sys.executable).parent / "ansible-playbook")
        command = [ansible_playbook, *LOCALHOST, str(book), "-e", json.dumps(variables)]
        proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
        lines = results.read_text(encoding="utf-8").splitlines()
        return {record["task"]: record["result"] for record in map(json.loads, lines) if record["host"] == "localhost"}

    return run


def pytest_configure(config):
    config.eda_figures = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # pylint: disable=unused-argument
    if getattr(config, "eda_figures", None):
        terminalreporter.write_sep("-", "event source figures")
        for line in config.eda_figures:
            terminalreporter.write_line(line)
