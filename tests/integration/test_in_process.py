# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module run in the task's worker (plugin_utils/_in_process.py) answers and sends exactly what the same module run
as a process (``accessops_in_process: false``) does, with real ansible-playbook against the simulator."""

from __future__ import annotations

import re

import yaml
from bitbucket_helpers import account_id, explicit, module_task, run_tasks, tasks_playbook

USER = "dev250@acme.example"
REPOSITORY = "infra-core"
SAME = ("changed", "diff", "targets", "api_calls", "warnings", "failed", "msg")


def grant(name, in_process, **keywords):
    task = module_task(
        name,
        "bitbucket_repo_permission",
        {"workspace": "acme", "repository": REPOSITORY, "user": USER, "permission": "write"},
        **keywords,
    )
    task["vars"] = {"accessops_in_process": in_process}
    return task


def requests_of(log):
    return [(entry["method"], entry["path"], entry.get("query")) for entry in log]


def test_in_the_worker_and_as_a_process_the_answers_and_requests_are_the_same(sim, ansible_run, tmp_path):
    aid = account_id(sim, USER)
    assert aid not in explicit(sim, REPOSITORY)
    tasks = [
        grant("predict in the worker", True, check_mode=True, diff=True),
        grant("predict as a process", False, check_mode=True, diff=True),
        grant("grant in the worker", True),
        grant("again as a process", False),
        grant("again in the worker", True),
        module_task(
            "a refusal in the worker",
            "bitbucket_repo_permission",
            {"workspace": "acme", "repository": REPOSITORY, "user": USER, "permission": "owner"},
            ignore_errors=True,
        ),
        dict(
            module_task(
                "a refusal as a process",
                "bitbucket_repo_permission",
                {"workspace": "acme", "repository": REPOSITORY, "user": USER, "permission": "owner"},
                ignore_errors=True,
            ),
            vars={"accessops_in_process": False},
        ),
    ]
    run, logs = run_tasks(sim, ansible_run, tmp_path, tasks)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = dict(zip(run.names, run.tasks, strict=True))

    worker, process = results["predict in the worker"], results["predict as a process"]
    assert worker["changed"] is True
    assert {k: worker.get(k) for k in SAME} == {k: process.get(k) for k in SAME}
    assert requests_of(logs["predict in the worker"]) == requests_of(logs["predict as a process"])
    assert all(entry["method"] == "GET" for entry in logs["predict in the worker"])

    assert results["grant in the worker"]["changed"] is True
    assert explicit(sim, REPOSITORY)[aid] == "write"
    assert [e["method"] for e in logs["grant in the worker"]].count("PUT") == 1

    again_worker, again_process = results["again in the worker"], results["again as a process"]
    assert again_process["changed"] is False
    assert {k: again_worker.get(k) for k in SAME} == {k: again_process.get(k) for k in SAME}
    assert requests_of(logs["again in the worker"]) == requests_of(logs["again as a process"])

    refusal_worker, refusal_process = results["a refusal in the worker"], results["a refusal as a process"]
    assert refusal_worker["_status"] == refusal_process["_status"] == "failed", (refusal_worker, refusal_process)
    assert refusal_worker["msg"] == refusal_process["msg"]
    assert logs["a refusal in the worker"] == [] and logs["a refusal as a process"] == []


def test_verbose_output_says_where_each_module_ran(sim, ansible_run, tmp_path):
    tasks = [grant("in the worker", True, check_mode=True), grant("as a process", False, check_mode=True)]
    run = ansible_run(tasks_playbook(tasks), verbosity=4)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "accessops.atlassian.bitbucket_repo_permission runs in the worker process" in run.stdout
    assert "accessops.atlassian.bitbucket_repo_permission runs as a process: accessops_in_process is false" in run.stdout
    # Only the process run builds and starts an AnsiballZ payload.
    assert run.stdout.count("AnsiballZ_bitbucket_repo_permission.py") >= 1
    assert "demo-admin-api-token" not in run.stdout + run.stderr


def test_the_collection_strategy_imports_its_code_once_and_runs_the_play_like_linear(sim, ansible_run):
    """strategy: accessops.atlassian.linear (the collection's playbooks use it): the collection's code is imported in
    the main process when the play starts (-vvv says how much), then the tasks run as with ansible.builtin.linear -
    a module in the worker, a filter of the collection, a module as a process."""
    tasks = [
        grant("in the worker", True, check_mode=True),
        grant("as a process", False, check_mode=True),
        {
            "name": "a filter",
            "ansible.builtin.debug": {"msg": "{{ 'acme' | accessops.atlassian.offboarding_report_name(true) }}"},
        },
    ]
    play = yaml.safe_load(tasks_playbook(tasks))
    play[0]["strategy"] = "accessops.atlassian.linear"
    run = ansible_run(yaml.safe_dump(play, sort_keys=False), verbosity=3)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    found = re.search(
        r"accessops\.atlassian\.linear: (\d+) Python files of ansible_collections\.accessops\.atlassian", run.stdout
    )
    assert found and int(found.group(1)) > 100, run.stdout[:3000]
    assert "not imported" not in run.stdout
    assert "accessops.atlassian.bitbucket_repo_permission runs in the worker process" in run.stdout
    assert "runs as a process: accessops_in_process is false" in run.stdout
    assert [t["changed"] for t in run.tasks[:2]] == [True, True]
    assert run.tasks[2]["msg"].startswith("offboarding-acme-")
