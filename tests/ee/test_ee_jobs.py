# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make ee-test` (tests/ee/ee_test.sh): the collection playbooks run inside the built execution environment image.

EE_TEST_IMAGE names the image (skipped without it). The AWX project playbooks (docs/awx/project: they import the
collection's playbooks by name) run in the image through ansible-runner with process isolation (podman, as AWX runs
a job) and through ansible-navigator (--ee true), against the simulator on 127.0.0.1 (--network host). The
credentials reach the job only as the environment the credential types of docs/awx inject; no secret form may
appear in any job event or stdout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import ansible_runner
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from awx_helpers import CONNECTION_PREFIXES, forbidden_forms, injected_env, task_results, writes  # noqa: E402

IMAGE = os.environ.get("EE_TEST_IMAGE", "")
NAVIGATOR = os.environ.get("EE_TEST_NAVIGATOR", "")
pytestmark = pytest.mark.skipif(not IMAGE, reason="EE_TEST_IMAGE is not set (run make ee-test)")
INVENTORY = {
    "all": {
        "hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}
    }
}


def example(name):
    with open(ROOT / "docs" / "examples" / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(autouse=True)
def _no_outer_credentials(monkeypatch):
    for name in list(os.environ):
        if name.startswith(CONNECTION_PREFIXES):
            monkeypatch.delenv(name)


def all_text(private):
    """What AWX shows of a job: the job event files and the stdout file of the artifacts. (The job's inputs, env/envvars
    and the artifacts' env.list and command, hold the injected environment by design, as AWX's private data dir does.)"""
    texts = []
    for path in sorted(Path(private).glob("artifacts/*/job_events/*.json")) + sorted(Path(private).glob("artifacts/*/stdout")):
        if path.is_file():
            texts.append((str(path.relative_to(private)), path.read_text(encoding="utf-8", errors="replace")))
    return texts


def assert_no_secret(texts, forms):
    leaks = sorted({(where, form[:3] + "...") for where, text in texts for form in forms if form in text})
    assert leaks == [], "secret forms in the job's output: %r" % leaks[:10]


def run_in_ee(tmp_path, sim, playbook, extravars, check=False):
    env, secrets, usernames = injected_env(sim)
    assert not any(secret in json.dumps(extravars) for secret in secrets), "credentials must not travel as extra vars"
    private = tmp_path / ("runner-" + playbook.split(".")[0] + ("-check" if check else ""))
    shutil.copytree(ROOT / "docs" / "awx" / "project", private / "project")
    envvars = dict(env, ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="0")
    sim.clear_log()
    runner = ansible_runner.run(
        private_data_dir=str(private),
        playbook=playbook,
        inventory=INVENTORY,
        envvars=envvars,
        extravars=extravars,
        cmdline="--check --diff" if check else None,
        verbosity=3,
        quiet=True,
        timeout=900,
        process_isolation=True,
        process_isolation_executable="podman",
        container_image=IMAGE,
        container_options=["--network=host", "--user=root", "--pull=never"],
    )
    events = list(runner.events)
    stdout = runner.stdout.read()
    forms = forbidden_forms(secrets, usernames)
    assert len(events) > 10, stdout[-4000:]
    # -vvv shows where each module ran (plugin_utils/_in_process.py) and any connection a task opened
    assert "runs in the worker process" in stdout or "<localhost> ESTABLISH LOCAL CONNECTION" in stdout, "not a -vvv run"
    assert "/opt/ee-python/bin/python" in stdout, "the job did not run on the image's Python"
    texts = [("stdout", stdout)] + [("event %d" % i, json.dumps(e)) for i, e in enumerate(events)] + all_text(private)
    assert_no_secret(texts, forms)
    return runner, events, stdout, private


def test_onboarding_check_then_real(sim, tmp_path):
    people = example("onboarding.yml")
    runner, events, stdout = run_in_ee(tmp_path, sim, "onboarding.yml", people, check=True)[:3]
    assert (runner.status, runner.rc) == ("successful", 0), stdout[-4000:]
    assert writes(sim.log()) == [], "a check run wrote to the API"
    (result,) = [r["ansible_facts"]["onboarding_result"] for r in task_results(events, "Set the onboarding_result fact")]
    assert result["check_mode"] is True and result["incomplete"] == [], result
    runner, events, stdout = run_in_ee(tmp_path, sim, "onboarding.yml", people)[:3]
    assert (runner.status, runner.rc) == ("successful", 0), stdout[-4000:]
    assert writes(sim.log()), "the real run wrote nothing"
    (result,) = [r["ansible_facts"]["onboarding_result"] for r in task_results(events, "Set the onboarding_result fact")]
    assert result["check_mode"] is False and result["incomplete"] == [], result
    assert sorted(p["email"] for p in result["people"]) == sorted(p["email"] for p in people["onboarding_people"])
    print("\nEE onboarding (check, real): %d people, %d API writes" % (len(result["people"]), len(writes(sim.log()))))


def test_access_review(sim, tmp_path):
    extravars = dict(example("access_review.yml"), access_review_report_dir="/runner/reports")
    runner, events, stdout, private = run_in_ee(tmp_path, sim, "access_review.yml", extravars)
    assert (runner.status, runner.rc) == ("successful", 0), stdout[-4000:]
    assert writes(sim.log()) == []
    (result,) = [r["ansible_facts"]["access_review_result"] for r in task_results(events, "Set access_review_result")]
    assert sorted(result["reports"]) == sorted(["csv", "html", "json", "markdown"]), result["reports"]
    for path in result["reports"].values():  # written in the container under /runner = the private data dir
        local = private / Path(path).relative_to("/runner")
        assert local.stat().st_size > 0, path
    print("\nEE access review: reports %s" % ", ".join(sorted(result["reports"])))


@pytest.mark.skipif(not NAVIGATOR, reason="EE_TEST_NAVIGATOR is not set")
def test_navigator_access_review(sim, tmp_path, monkeypatch):
    env, secrets, usernames = injected_env(sim)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs" / "awx" / "project", project)
    (project / "inventory.yml").write_text(yaml.safe_dump(INVENTORY), encoding="utf-8")
    artifact = tmp_path / "navigator-artifact.json"
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(CONNECTION_PREFIXES)}
    run_env.update(env, HOME=str(tmp_path), ANSIBLE_NOCOLOR="1")
    penv = []
    for name in sorted(env):  # passed by name: the values never appear on a command line
        penv += ["--penv", name]
    cmd = [
        NAVIGATOR,
        "run",
        str(project / "access_review.yml"),
        "-i",
        str(project / "inventory.yml"),
        "--mode",
        "stdout",
        "--ee",
        "true",
        "--ce",
        "podman",
        "--eei",
        IMAGE,
        "--pp",
        "never",
        "--co=--network=host",
        "--co=--user=root",
        "--lf",
        str(tmp_path / "navigator.log"),
        "--pae",
        "true",
        "--pas",
        str(artifact),
        "-e",
        json.dumps(
            {
                "access_review_workspace": "acme",
                "access_review_formats": ["json"],
                "access_review_report_dir": str(project / "reports"),
            }
        ),
        "-vvv",
    ] + penv
    sim.clear_log()
    proc = subprocess.run(cmd, cwd=project, env=run_env, capture_output=True, text=True, timeout=900, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert any(e["path"].startswith("/2.0/workspaces/acme/") for e in sim.log()), "the job did not reach the simulator"
    assert [p.suffix for p in (project / "reports").iterdir()] == [".json"], "no report in the mounted project directory"
    texts = [("navigator output", out), ("artifact", artifact.read_text(encoding="utf-8"))]
    assert_no_secret(texts, forbidden_forms(secrets, usernames))
    print("\nEE ansible-navigator access review: rc 0, %d API requests" % len(sim.log()))
