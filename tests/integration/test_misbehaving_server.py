# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules against a misbehaving server (the simulator's atlsim.misbehave knobs), through real ansible-playbook.

A server that ignores filters, answers another user's object, hands out path-traversal ids, echoes credentials in
long error messages, redirects writes to another origin, or issues a token with a line break: the collection must
fail cleanly ("Unexpected answer ..."), write nothing (and never to someone else), and print no secret, even at
-vvvv.

Every scenario (misbehaving_scenarios.py, by kind of misbehaviour) is one task of ONE ansible-playbook run (-vvvv,
ignore_errors): the test-only callback ``playbooks/misbehaving/callback_plugins/sim_scenarios.py`` resets the simulator
and arms the scenario's faults before its task and saves the request log after it, so no task is spent on arming.
Each scenario is then one test.
The fault matrix (scenarios, passed, writes lost, wrong-person writes, secrets found) goes to
``tests/integration/.fault_matrix.json`` and to the terminal summary (``conftest.pytest_terminal_summary``).
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from atlsim import DEMO_SEED
from atlsim.app import create_app
from atlsim.pytest_plugin import SimHandle
from atlsim.server import SimServer
from misbehaving_scenarios import BASIC_USERS, SCENARIOS, SCIM_USERS, SECRETS, SEED_APP, TOKEN_PATH, leak_length

HERE = Path(__file__).resolve().parent
CALLBACKS = [HERE / "callback_plugins", HERE / "playbooks" / "misbehaving" / "callback_plugins"]
MATRIX_FILE = HERE / ".fault_matrix.json"


# -- the run ------------------------------------------------------------------------------------------------
def task_name(item):
    return "%s: %s" % (item["group"], item["id"])


def playbook_yaml():
    tasks = []
    for item in SCENARIOS:
        tasks.append({"name": task_name(item), item["module"]: item["args"], "ignore_errors": True})
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "vars_files": ["secrets.yml"], "tasks": tasks}], indent=1)


def _ansible_playbook():
    found = Path(sys.executable).parent / "ansible-playbook"
    return str(found) if found.exists() else "ansible-playbook"


def segments(stdout):
    """{task name: the stdout printed for it} (from its ``TASK [name]`` banner to the next banner)."""
    parts = re.split(r"^TASK \[(.*?)\] \**\s*$", stdout, flags=re.M)
    out = {}
    for index in range(1, len(parts) - 1, 2):
        out[parts[index]] = out.get(parts[index], "") + parts[index + 1]
    return out


class Run:
    def __init__(self, rc, stdout, stderr, results, logs, secrets, broken_tokens):
        self.rc, self.stdout, self.stderr = rc, stdout, stderr
        self.results, self.logs, self.secrets, self.broken_tokens = results, logs, secrets, broken_tokens
        self.segments = segments(stdout)


@pytest.fixture(scope="module")
def plain_scim_server():
    server = SimServer(create_app(DEMO_SEED, scim_extension=False)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def matrix_run(sim_server, plain_scim_server, ansible_collections_path, tmp_path_factory):
    """Run every scenario in one ansible-playbook -vvvv."""
    sim, plain = SimHandle(sim_server), SimHandle(plain_scim_server)
    sim.reset()
    tmp = tmp_path_factory.mktemp("misbehaving")
    (tmp / "playbook.yml").write_text(playbook_yaml(), encoding="utf-8")
    # secrets in a vars file, as in a vault: never on the command line (which -vvvv prints)
    (tmp / "secrets.yml").write_text("".join("%s: %s\n" % item for item in SECRETS.items()), encoding="utf-8")
    (tmp / "scenarios.json").write_text(
        json.dumps({task_name(s): {"server": s["server"], "reset": s["reset"], "faults": s["faults"]} for s in SCENARIOS})
    )
    results_file, log_file = tmp / "task-results.jsonl", tmp / "scenario-logs.jsonl"
    variables = {
        "sim_api_url": sim.api_url,
        "sim_scim_url": sim.scim_url,
        "sim_token_url": sim.token_url,
        "sim_plain_scim_url": plain.scim_url,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BITBUCKET_", "ATLASSIAN_SCIM_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=ansible_collections_path,
        ANSIBLE_CALLBACK_PLUGINS=os.pathsep.join(str(p) for p in CALLBACKS),
        ANSIBLE_CALLBACKS_ENABLED="task_results,sim_scenarios",
        TASK_RESULTS_FILE=str(results_file),
        SIM_SCENARIOS_FILE=str(tmp / "scenarios.json"),
        SIM_SCENARIO_LOG=str(log_file),
        SIM_CONTROL_URLS=json.dumps({"main": sim.url, "plain": plain.url}),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_LOCAL_TEMP=str(tmp / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_DEPRECATION_WARNINGS="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_FORCE_COLOR="0",
    )
    cmd = [
        _ansible_playbook(),
        "-i",
        "localhost,",
        "-c",
        "local",
        str(tmp / "playbook.yml"),
        "-e",
        json.dumps(variables),
        "-vvvv",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900, check=False, cwd=str(tmp))
    results = {}
    if results_file.exists():
        for line in results_file.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            results[record["task"]] = dict(record["result"], _status=record["status"])
    logs = {}
    if log_file.exists():
        for line in log_file.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            logs[record["task"]] = record["log"]
    # tokens the simulator issued since its last reset (the echo scenarios do not reset it), and the broken ones
    issued = list(sim.app.credentials.issued)
    broken = list(sim.app.misbehave.broken_tokens)
    secrets = dict(SECRETS, **{"issued_oauth_token_%d" % n: token for n, token in enumerate(issued)})
    for n, token in enumerate(broken):
        head, _nl, tail = token.partition("\n")
        secrets.update({"broken_token_%d_head" % n: head, "broken_token_%d_tail" % n: tail, "broken_token_%d" % n: head + tail})
    run = Run(proc.returncode, proc.stdout, proc.stderr, results, logs, secrets, broken)
    sim.reset()
    yield run


MATRIX = {}


@pytest.fixture(scope="module", autouse=True)
def fault_matrix(request):
    """Write the matrix (and put its line in the terminal summary) once the module's tests are done."""
    yield
    rows = [MATRIX[s["id"]] for s in SCENARIOS if s["id"] in MATRIX]
    summary = {
        "scenarios": len(rows),
        "passed": sum(1 for r in rows if r["passed"]),
        "writes_lost": sum(r["writes_lost"] for r in rows),
        "wrong_person_writes": sum(r["wrong_person_writes"] for r in rows),
        "secrets_found": sum(r["secrets_found"] for r in rows),
    }
    line = (
        "fault matrix: scenarios %(scenarios)d, passed %(passed)d, writes lost %(writes_lost)d, wrong-person writes "
        "%(wrong_person_writes)d, secrets found %(secrets_found)d" % summary
    )
    MATRIX_FILE.write_text(json.dumps({"summary": summary, "line": line, "scenarios": rows}, indent=1) + "\n", encoding="utf-8")
    request.config.accessops_fault_matrix = line


# -- measuring --------------------------------------------------------------------------------------------
def secret_leaks(text, secrets):
    """The names of the secrets of which a leak-length prefix (raw, or inside a Basic header's base64) is in text."""
    found = []
    for name, secret in secrets.items():
        if not secret:
            continue
        need = min(leak_length(secret), len(secret))
        forms = [secret[:need], base64.b64encode(secret.encode()).decode()[: math.ceil(need * 4 / 3)]]
        user = BASIC_USERS.get(name)
        if user:
            pair = base64.b64encode(("%s:%s" % (user, secret)).encode()).decode()
            forms.append(pair[: math.ceil((len(user) + 1 + need) * 4 / 3)])
        if any(form in text for form in forms):
            found.append(name)
    return found


def api_writes(log):
    """Writes the simulator saw, the token endpoint's POST excepted (it changes nothing)."""
    return [e for e in log if e["method"] not in ("GET", "HEAD") and e["path"] != TOKEN_PATH]


def traversals(log):
    """Requests whose path holds a traversal, or that left the directory / the Bitbucket API."""
    bad = []
    for entry in log:
        path, query = entry["path"], entry.get("query") or ""
        if (
            ".." in path
            or "%2e%2e" in (path + query).lower()
            or entry.get("fault") == "hostile_id_used"
            or path.startswith("/scim/")
            and not path.startswith("/scim/directory/demo-directory/")
        ):
            bad.append(entry)
        elif (
            path.startswith("/2.0/repositories/")
            and path.rstrip("/").count("/") == 5
            and not path.rstrip("/").endswith("/permissions-config")
        ):
            bad.append(entry)  # /2.0/repositories/{ws}/{repo}/{x}: an id right below a repository (a removed ../..)
    return bad


def wrong_person(item, writes):
    """Writes to anyone but the scenario's targets (and any write that reached the sink or a traversed path)."""
    wrong = []
    for entry in writes:
        path = entry["path"]
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if entry.get("fault") == "sink":
            continue  # counted as a lost write
        if ".." in path.split("/") or "hostile_id_used" in (entry.get("fault") or ""):
            ok = False  # a traversal: not the asked user's URL, whatever it ends with
        elif path.startswith("/scim/"):
            ok = (
                path.startswith(SCIM_USERS + "/")
                and last in item["scim_targets"]
                or (path.rstrip("/") == SCIM_USERS and entry["method"] == "POST" and item["scim_targets"])
            )
        else:
            account = SEED_APP.state.accounts.get(last)
            ok = "/permissions-config/users/" in path and account is not None and account["account_id"] in item["targets"]
        if not ok:
            wrong.append(entry)
    return wrong


def measure(run, item):
    name = task_name(item)
    log = run.logs.get(name, [])
    writes = api_writes(log)
    result = run.results.get(name, {})
    sinks = [e for e in log if e.get("fault") == "sink"]
    applied = [e for e in writes if e.get("fault") not in ("sink", "redirect_writes") and 200 <= (e["status"] or 0) < 300]
    lost = len(sinks) + (1 if result.get("changed") and not applied else 0)
    leaks = secret_leaks(run.segments.get(name, ""), run.secrets)
    return {
        "id": item["id"],
        "group": item["group"],
        "passed": False,
        "writes": len(writes),
        "wrong_person_writes": len(wrong_person(item, writes)),
        "writes_lost": lost,
        "secrets_found": len(leaks),
        "leaked": leaks,
        "status": result.get("_status"),
        "msg": str(result.get("msg"))[:500],
        "writes_seen": [
            "%s %s -> %s%s" % (e["method"], e["path"], e["status"], " (%s)" % e["fault"] if e.get("fault") else "")
            for e in writes
        ][:20],
    }


def check(run, item, row):
    name = task_name(item)
    result, log, text = run.results.get(name), run.logs.get(name), run.segments.get(name, "")
    assert result is not None and log is not None, "the task did not run:\n%s\n%s" % (run.stdout[-3000:], run.stderr[-3000:])
    msg = str(result.get("msg") or "")
    writes = api_writes(log)
    knob = item["group"]
    assert any(knob in (e.get("fault") or "") for e in log), "the %s fault never fired: %s" % (knob, log)
    assert "Traceback" not in text, "a traceback in the output:\n" + text[-3000:]
    assert not row["leaked"], "secret prefixes printed: %s" % row["leaked"]
    assert row["wrong_person_writes"] == 0, "writes to someone else: %s" % wrong_person(item, writes)
    assert row["writes_lost"] == 0, "a write reported as applied (changed: %s) was not: %s" % (
        result.get("changed"),
        row["writes_seen"],
    )
    expect = item["expect"]
    if expect == "echo":
        assert result["_status"] == "failed", "the error the server was made to answer did not fail the task"
        return
    assert result["_status"] == "failed", "the task succeeded against a misbehaving server: %r" % msg[:1000]
    if expect.startswith("unexpected"):
        assert "unexpected answer" in msg.lower(), msg[:2000]
        if expect == "unexpected-after-patch":
            assert [(e["method"], e["path"]) for e in writes] == [("PATCH", SCIM_USERS + "/" + item["scim_targets"][0])], writes
        else:
            assert writes == [], "writes against a misbehaving server: %s" % writes
        if expect == "unexpected-no-traversal":
            assert traversals(log) == [], "requests with a traversal or outside the API: %s" % traversals(log)
    elif expect == "redirect":
        assert "redirect" in msg.lower(), msg[:2000]
        assert not [e for e in log if e.get("fault") == "sink"], "the client followed the redirect to the sink"
        assert writes and all(e["fault"] == "redirect_writes" for e in writes), "no write was redirected: %s" % writes
    elif expect == "linebreak":
        assert re.search(r"token_url|oauth (access )?token", msg, re.I), msg[:2000]
        assert run.broken_tokens, "the simulator issued no broken token"
        assert api_writes(log) == []


@pytest.mark.parametrize("item", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_misbehaving_server(matrix_run, item):
    row = measure(matrix_run, item)
    MATRIX[item["id"]] = row
    check(matrix_run, item, row)
    row["passed"] = True


def test_no_secret_anywhere_in_the_run_output(matrix_run):
    """Outside the scenarios' own output too (warnings on stderr, the play recap...)."""
    assert matrix_run.results, matrix_run.stdout[-3000:] + matrix_run.stderr[-3000:]
    assert secret_leaks(matrix_run.stdout + matrix_run.stderr, matrix_run.secrets) == []
