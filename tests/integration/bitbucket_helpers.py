# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the Bitbucket integration tests: playbooks, the simulator's state, call counts, EXAMPLES."""

from __future__ import annotations

import ast
import json
import os
import re
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
PLAYBOOKS = HERE / "playbooks"


def playbook(name):
    return (PLAYBOOKS / name).read_text(encoding="utf-8")


def workspace(sim, slug="acme"):
    return sim.state.workspace(slug)


def account_id(sim, email):
    return sim.state.accounts.get_by_email(email)["account_id"]


def explicit(sim, repository, slug="acme"):
    """The explicit user permissions of a repository in the simulator: {account_id: permission}."""
    return dict(workspace(sim, slug).repo(repository).user_perms)


def call_counts(sim):
    """{"total": n, "GET": n, ...} of the requests the simulator answered (as the modules count them)."""
    counts = Counter(entry["method"] for entry in sim.log())
    result = {"total": sum(counts.values())}
    result.update(sorted(counts.items()))
    return result


def report(label, sim):
    """Print a measured call count (shown with pytest -s, and in the captured output of a failure)."""
    counts = call_counts(sim)
    methods = ", ".join("%s %d" % (k, v) for k, v in counts.items() if k != "total")
    print("API calls, %s: %d (%s)" % (label, counts["total"], methods))
    return counts


def module_examples(module_name):
    """The tasks of a module's EXAMPLES, parsed without importing the module."""
    path = REPO_ROOT / "plugins" / "modules" / ("%s.py" % module_name)
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES":
            return yaml.safe_load(node.value.value)
    raise AssertionError("%s has no EXAMPLES" % module_name)


def examples_playbook(module_name):
    """A play running a module's EXAMPLES unchanged. Run it with ``examples_env(sim)``: the API URL comes
    from the BITBUCKET_API_URL environment variable, the credentials as the examples write them
    (``bitbucket_api_token`` is an extra var)."""
    play = {
        "name": "EXAMPLES of %s" % module_name,
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": module_examples(module_name),
    }
    return yaml.safe_dump([play], sort_keys=False)


def examples_env(sim):
    return {"BITBUCKET_API_URL": sim.api_url}


def oauth_access_token(sim, client_id="demo-client-id", client_secret="demo-client-secret"):
    """An OAuth access token of the demo consumer (client credentials grant), to pass as ``access_token``;
    the token request is left out of the simulator's log."""
    import requests  # pylint: disable=import-outside-toplevel

    response = requests.post(
        sim.token_url, data={"grant_type": "client_credentials"}, auth=(client_id, client_secret), timeout=10
    )
    response.raise_for_status()
    sim.clear_log()
    return response.json()["access_token"]


# -- multi-task playbooks with one request log per task (permission tests) ---------------------------------------

READ_METHODS = ("GET", "HEAD")
SCENARIO_CALLBACKS = HERE / "playbooks" / "misbehaving" / "callback_plugins"
ADMIN_AUTH = {"api_url": "{{ sim_api_url }}", "username": "admin@acme.example", "api_token": "demo-admin-api-token"}
OAUTH_AUTH = {
    "api_url": "{{ sim_api_url }}",
    "token_url": "{{ sim_token_url }}",
    "client_id": "demo-client-id",
    "client_secret": "demo-client-secret",
}


def module_task(name, module, options, auth=None, **keywords):
    """One task of ``accessops.atlassian.<module>`` with ``options`` and the admin API token (or ``auth``);
    ``keywords`` are task keywords (``ignore_errors``, ``check_mode``, ``diff``)."""
    task = {"name": name, "accessops.atlassian.%s" % module: dict(ADMIN_AUTH if auth is None else auth, **options)}
    task.update(keywords)
    return task


def tasks_playbook(tasks, name="Permission tasks"):
    """A playbook (YAML text) of one play on localhost running ``tasks`` in order."""
    return yaml.safe_dump([{"name": name, "hosts": "localhost", "gather_facts": False, "tasks": list(tasks)}], sort_keys=False)


class TaskLogs:
    """The simulator's request log of each named task of ONE ansible-playbook run.

    Uses the ``sim_scenarios`` callback of test_misbehaving_server.py with ``reset: false``: before each named task
    it clears the request log and the fault knobs (the state is kept), after the task it saves the log. Pass
    ``env`` to ``ansible_run``, then ``read()`` gives ``{task name: [log entries]}``. One TaskLogs per run."""

    def __init__(self, sim, directory, names):
        directory = Path(directory)
        self.file = directory / "task-logs.jsonl"
        if self.file.exists():
            self.file.unlink()
        scenarios = directory / "task-log-scenarios.json"
        scenarios.write_text(json.dumps({n: {"server": "main", "reset": False} for n in names}), encoding="utf-8")
        self.env = {
            "ANSIBLE_CALLBACK_PLUGINS": os.pathsep.join([str(HERE / "callback_plugins"), str(SCENARIO_CALLBACKS)]),
            "ANSIBLE_CALLBACKS_ENABLED": "task_results,sim_scenarios",
            "SIM_SCENARIOS_FILE": str(scenarios),
            "SIM_CONTROL_URLS": json.dumps({"main": sim.url}),
            "SIM_SCENARIO_LOG": str(self.file),
        }

    def read(self):
        logs = {}
        if self.file.exists():
            for line in self.file.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                logs[record["task"]] = record["log"]
        return logs


def run_tasks(sim, ansible_run, tmp_path, tasks, check=False, diff=False):
    """Run ``tasks`` (from ``module_task``) in one playbook: (RunResult, {task name: its request log})."""
    logs = TaskLogs(sim, tmp_path, [t["name"] for t in tasks])
    result = ansible_run(tasks_playbook(tasks), check=check, diff=diff, env=logs.env)
    assert len(result.tasks) == len(tasks), result.stdout[-3000:] + result.stderr[-3000:]
    return result, logs.read()


def predict_then_apply(sim, ansible_run, tmp_path, make_task, snapshot):
    """Run ``make_task(name)`` with ``--check --diff``, then for real with ``--diff``: the check run must change nothing
    (no write in the simulator's log, ``snapshot()`` of the state the same) and predict exactly the real run's
    ``diff``, ``results``, ``permissions`` and ``group_permissions``. Returns (predicted, real, check log, real log)."""
    before = snapshot()
    check_run, check_logs = run_tasks(sim, ansible_run, tmp_path, [make_task("predict")], check=True, diff=True)
    predicted = check_run.task("predict")
    assert predicted["_status"] == "ok" and predicted["changed"] is True, predicted.get("msg")
    assert writes_in(check_logs["predict"]) == [] and sim.writes() == []
    assert snapshot() == before
    real_run, real_logs = run_tasks(sim, ansible_run, tmp_path, [make_task("apply")], diff=True)
    real = real_run.task("apply")
    assert real["_status"] == "ok" and real["changed"] is True, real.get("msg")
    assert real["diff"] and real["diff"] == predicted["diff"]
    assert real["results"] == predicted["results"]
    assert real["permissions"] == predicted["permissions"]
    assert real["group_permissions"] == predicted["group_permissions"]
    assert real["api_calls"]["total"] == len(real_logs["apply"])
    return predicted, real, check_logs["predict"], real_logs["apply"]


def writes_in(entries):
    """The entries of a request log that are not reads (as ``sim.writes()``)."""
    return [e for e in entries if e["method"] not in READ_METHODS]


_ENDPOINT_PARTS = (
    (re.compile(r"(/permissions-config/(?:users|groups))/[^/]+$"), r"\1/{id}"),
    (re.compile(r"^(/2\.0/repositories/[^/]+)/[^/]+"), r"\1/{repo}"),
    (re.compile(r"(/projects)/[^/]+"), r"\1/{key}"),
    (re.compile(r"^(/2\.0/users)/[^/]+$"), r"\1/{id}"),
)


def endpoint(entry):
    """``METHOD path`` of a log entry with the repository, project and user or group in it as placeholders."""
    path = entry["path"]
    for pattern, replacement in _ENDPOINT_PARTS:
        path = pattern.sub(replacement, path)
    return "%s %s" % (entry["method"], path)


def report_log(label, entries):
    """``report`` for a saved request log: print the call count by method and by endpoint, return it by method."""
    counts = Counter(entry["method"] for entry in entries)
    result = {"total": sum(counts.values())}
    result.update(sorted(counts.items()))
    print("API calls, %s: %d (%s)" % (label, result["total"], ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    for name, count in sorted(Counter(endpoint(e) for e in entries).items()):
        print("    %4d  %s" % (count, name))
    return result


def group_perms(sim, repository, slug="acme"):
    """The explicit group permissions of a repository in the simulator: {group slug: permission}."""
    return dict(workspace(sim, slug).repo(repository).group_perms)


def project_perms(sim, key, slug="acme"):
    """The explicit permissions of a project in the simulator: ({account_id: permission}, {group slug: permission})."""
    project = workspace(sim, slug).project(key)
    return dict(project.user_perms), dict(project.group_perms)


def permission_write(entry):
    """(method, target, "users"|"groups", key) of a ``permissions-config`` write in the request log."""
    head, _sep, tail = entry["path"].partition("/permissions-config/")
    kind, _sep, key = tail.partition("/")
    return entry["method"], head.rsplit("/", 1)[1], kind, key
