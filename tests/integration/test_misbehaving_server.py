# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules against a misbehaving server (the simulator's atlsim.misbehave knobs), through real ansible-playbook.

A server that ignores filters, answers another user's object, hands out path-traversal ids, echoes credentials in
long error messages, redirects writes to another origin, or issues a token with a line break: the collection must
fail cleanly ("Unexpected answer ..."), write nothing (and never to someone else), and print no secret, even at
-vvvv.

Every scenario is one task of ONE ansible-playbook run (-vvvv, ignore_errors): the test-only callback
``playbooks/misbehaving/callback_plugins/sim_scenarios.py`` resets the simulator and arms the scenario's faults
before its task and saves the request log after it, so no task is spent on arming. Each scenario is then one test.
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

from atlsim import DEMO_SEED, demo
from atlsim.app import create_app
from atlsim.pytest_plugin import SimHandle
from atlsim.server import SimServer

HERE = Path(__file__).resolve().parent
CALLBACKS = [HERE / "callback_plugins", HERE / "playbooks" / "misbehaving" / "callback_plugins"]
MATRIX_FILE = HERE / ".fault_matrix.json"
TOKEN_PATH = "/site/oauth2/access_token"
SCIM_USERS = "/scim/directory/demo-directory/Users"
TRUNCATION = 2000  # the client cuts API messages at this many characters

SECRETS = {
    "api_token": demo.ADMIN[1],
    "client_secret": demo.OAUTH_CLIENT[1],
    "access_token": demo.WORKSPACE_ACCESS_TOKEN,
    "scim_token": demo.SCIM_API_KEY,
    "wrong_api_token": "wrong-api-token-0123456789",
    "wrong_client_secret": "wrong-client-secret-0123",
    "wrong_scim_token": "wrong-scim-key-0123456789",
}
BASIC_USERS = {
    "api_token": demo.ADMIN[0],
    "wrong_api_token": demo.ADMIN[0],
    "client_secret": demo.OAUTH_CLIENT[0],
    "wrong_client_secret": demo.OAUTH_CLIENT[0],
}
PUBLIC = (demo.ADMIN[0], demo.OAUTH_CLIENT[0], demo.SCIM_DIRECTORY, demo.WORKSPACE)  # printed legitimately


def common_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def leak_length(secret):
    """The shortest prefix of ``secret`` that counts as a leak: 8 characters, or one more than it shares with a
    value printed legitimately (``demo-client-`` of the client id)."""
    return max(8, max(common_prefix(secret, public) + 1 for public in PUBLIC))


BB = {"api_url": "{{ sim_api_url }}", "token_url": "{{ sim_token_url }}", "timeout": 60, "max_retries": 0}
API_TOKEN = dict(BB, username=demo.ADMIN[0], api_token="{{ api_token }}")
WRONG_API_TOKEN = dict(BB, username=demo.ADMIN[0], api_token="{{ wrong_api_token }}")
OAUTH = dict(BB, client_id=demo.OAUTH_CLIENT[0], client_secret="{{ client_secret }}")
WRONG_OAUTH = dict(BB, client_id=demo.OAUTH_CLIENT[0], client_secret="{{ wrong_client_secret }}")
ACCESS = dict(BB, access_token="{{ access_token }}")
SCIM = {
    "scim_url": "{{ sim_scim_url }}",
    "directory_id": demo.SCIM_DIRECTORY,
    "scim_token": "{{ scim_token }}",
    "timeout": 60,
    "max_retries": 0,
}
PLAIN_SCIM = dict(SCIM, scim_url="{{ sim_plain_scim_url }}")
WRONG_SCIM = dict(SCIM, scim_token="{{ wrong_scim_token }}")

SCIM_USER = "accessops.atlassian.atlassian_scim_user"
SCIM_INFO = "accessops.atlassian.atlassian_scim_user_info"
MEMBER_INFO = "accessops.atlassian.bitbucket_member_info"
REPO_PERMISSION = "accessops.atlassian.bitbucket_repo_permission"

_SEED_APP = create_app(DEMO_SEED)  # only to read the seed's ids (account ids, uuids, SCIM ids, repositories)
REPOS = list(_SEED_APP.state.workspace("acme").repos)


def acct(email):
    return _SEED_APP.state.accounts.get_by_email(email)


def scim_id(user_name):
    return next((u["id"] for u in _SEED_APP.scim_app.users(demo.SCIM_DIRECTORY) if u["userName"] == user_name), None)


# -- the scenarios --------------------------------------------------------------------------------------
SCENARIOS = []


def scenario(sid, group, module, args, faults, expect, server="main", reset=True, targets=(), scim_targets=()):
    """One task. ``targets``: account ids a write may touch; ``scim_targets``: SCIM user ids a write may touch."""
    SCENARIOS.append(
        {
            "id": sid,
            "group": group,
            "module": module,
            "args": args,
            "faults": faults,
            "expect": expect,
            "server": server,
            "reset": reset,
            "targets": list(targets),
            "scim_targets": list(scim_targets),
        }
    )


def grant(user, permission="write", repository="infra-core", **more):
    return dict(API_TOKEN, workspace="acme", repository=repository, user=user, permission=permission, **more)


def revoke(user, repository="infra-core"):
    return dict(API_TOKEN, workspace="acme", repository=repository, user=user, state="absent")


DEV001, DEV002, DEV003, DEV010, DEV020 = (acct("dev%03d@acme.example" % n) for n in (1, 2, 3, 10, 20))
IGNORE = {"ignore_filters": 50}

# 1. filters ignored: SCIM serves the users that do not match; Bitbucket serves the unfiltered listing.
scenario(
    "scim-absent-existing",
    "ignore_filters",
    SCIM_USER,
    dict(SCIM, user_name="dev001@acme.example", state="absent"),
    IGNORE,
    "unexpected",
    scim_targets=[scim_id("dev001@acme.example")],
)
scenario(
    "scim-absent-missing",
    "ignore_filters",
    SCIM_USER,
    dict(SCIM, user_name="leaver@acme.example", state="absent"),
    IGNORE,
    "unexpected",
)
scenario(
    "scim-present-new-attributes",
    "ignore_filters",
    SCIM_USER,
    dict(SCIM, user_name="dev002@acme.example", title="Principal Engineer", given_name="Renamed"),
    IGNORE,
    "unexpected",
    scim_targets=[scim_id("dev002@acme.example")],
)
scenario(
    "member-info-by-account-id",
    "ignore_filters",
    MEMBER_INFO,
    dict(API_TOKEN, workspace="acme", member=DEV010["account_id"]),
    IGNORE,
    "unexpected",
)
scenario(
    "member-info-by-email",
    "ignore_filters",
    MEMBER_INFO,
    dict(API_TOKEN, workspace="acme", member=DEV010["email"]),
    IGNORE,
    "unexpected",
)
scenario(
    "grant-by-email",
    "ignore_filters",
    REPO_PERMISSION,
    grant(DEV020["email"]),
    IGNORE,
    "unexpected",
    targets=[DEV020["account_id"]],
)
scenario(
    "revoke-by-email",
    "ignore_filters",
    REPO_PERMISSION,
    revoke(DEV001["email"]),
    IGNORE,
    "unexpected",
    targets=[DEV001["account_id"]],
)
scenario(
    "grant-by-uuid",
    "ignore_filters",
    REPO_PERMISSION,
    grant(DEV020["uuid"]),
    IGNORE,
    "unexpected",
    targets=[DEV020["account_id"]],
)
scenario(
    "revoke-by-uuid",
    "ignore_filters",
    REPO_PERMISSION,
    revoke(DEV001["uuid"]),
    IGNORE,
    "unexpected",
    targets=[DEV001["account_id"]],
)

# 2. another user's object for a keyed GET.
WRONG = {"wrong_object_next": 50}
scenario(
    "single-user-read-grant",
    "wrong_object_next",
    REPO_PERMISSION,
    grant(DEV002["account_id"]),
    WRONG,
    "unexpected",
    targets=[DEV002["account_id"]],
)
scenario(
    "single-user-read-revoke",
    "wrong_object_next",
    REPO_PERMISSION,
    revoke(DEV020["account_id"]),
    WRONG,
    "unexpected",
    targets=[DEV020["account_id"]],
)
scenario(
    "member-profile",
    "wrong_object_next",
    MEMBER_INFO,
    dict(API_TOKEN, workspace="acme", member=DEV010["account_id"], include_profile=True),
    {"wrong_object_next": {"count": 50, "path_prefix": "/2.0/users/"}},
    "unexpected",
)
# A plain RFC 7644 server answers PATCH with 204: the client reads the user again by id (the PATCH itself, of the
# right user, is the one write allowed here).
scenario(
    "scim-get-by-id-after-patch",
    "wrong_object_next",
    SCIM_USER,
    dict(PLAIN_SCIM, user_name="dev002@acme.example", title="Staff Engineer"),
    {"wrong_object_next": {"count": 50, "path_prefix": "/scim/"}},
    "unexpected-after-patch",
    server="plain",
    scim_targets=[scim_id("dev002@acme.example")],
)

# 3. path-traversal ids in answers.
HOSTILE = {"hostile_ids": 50}
scenario(
    "hostile-scim-absent",
    "hostile_ids",
    SCIM_USER,
    dict(SCIM, user_name="dev001@acme.example", state="absent"),
    HOSTILE,
    "unexpected-no-traversal",
    scim_targets=[scim_id("dev001@acme.example")],
)
scenario(
    "hostile-scim-present",
    "hostile_ids",
    SCIM_USER,
    dict(SCIM, user_name="dev002@acme.example", title="Hostile"),
    HOSTILE,
    "unexpected-no-traversal",
    scim_targets=[scim_id("dev002@acme.example")],
)
scenario(
    "hostile-exclusive",
    "hostile_ids",
    REPO_PERMISSION,
    dict(
        API_TOKEN,
        workspace="acme",
        repository="infra-core",
        exclusive=True,
        users=[{"user": DEV001["account_id"], "permission": "write"}],
    ),
    HOSTILE,
    "unexpected-no-traversal",
    targets=[DEV001["account_id"], DEV002["account_id"], DEV003["account_id"]],
)

# 4. writes redirected to another origin.
for status in (307, 302):
    redirect = {"redirect_writes": {"count": 50, "status": status, "path_prefix": "/2.0/"}}
    scenario(
        "redirect-%d-grant" % status,
        "redirect_writes",
        REPO_PERMISSION,
        grant(DEV020["account_id"]),
        redirect,
        "redirect",
        targets=[DEV020["account_id"]],
    )
    scenario(
        "redirect-%d-revoke" % status,
        "redirect_writes",
        REPO_PERMISSION,
        revoke(DEV001["account_id"]),
        redirect,
        "redirect",
        targets=[DEV001["account_id"]],
    )

# 5. an issued OAuth token with a line break. From here on the simulator is not reset (the tokens it issued, which
# the output is searched for, stay known).
scenario(
    "oauth-token-linebreak",
    "oauth_token_linebreak",
    MEMBER_INFO,
    dict(OAUTH, workspace="acme", member=DEV010["email"]),
    {"oauth_token_linebreak": 50},
    "linebreak",
)


# 6. credentials echoed in error messages, the secret placed around the client's truncation limit.
def echo_layout(kind):
    """Offsets, in the simulator's echo (after the pad), where the raw secret of ``kind`` starts: in the Bearer
    header and alone, or in the decoded Basic ``user:secret`` and alone."""
    secret, user = SECRETS[kind], BASIC_USERS.get(kind)
    if user is None:
        return [len("Bearer "), len("Bearer ") + len(secret) + 1]
    header = "Basic " + base64.b64encode(("%s:%s" % (user, secret)).encode()).decode()
    pair = len(header) + 1
    return [pair + len(user) + 1, pair + len(user) + 1 + len(secret) + 1]


def straddling_pads(kind, prefix=0, b64=False):
    """Pads that cut each occurrence of the secret in the middle of its leak window at the truncation limit
    (``prefix``: characters the client puts before the server's message in the truncated text); with ``b64``,
    also one that cuts the Basic header's base64 just after it holds a leak-length prefix of the secret."""
    secret = SECRETS[kind]
    need = leak_length(secret)
    pads = [TRUNCATION - prefix - offset - (need + len(secret)) // 2 for offset in echo_layout(kind)]
    if b64:
        shortest = math.ceil((len(BASIC_USERS[kind]) + 1 + need) * 4 / 3)
        pads.append(TRUNCATION - prefix - len("Basic ") - shortest - 2)
    return pads


def echo(count, pad, step=0, **target):
    return dict({"count": count, "pad": pad, "step": step}, **target)


def fail(status, prefix, count=50, method=None):
    rule = {"status": status, "count": count, "path_prefix": prefix}
    if method:
        rule["method"] = method
    return [rule]


SWEEP = REPOS[:26]
# api_token and the server-issued OAuth token: one task reads up to 26 repositories, each read fails with its own
# message, the pad growing by `step` from one to the next: dense sweeps across the limit in few tasks.
SWEEPS = {
    "api_token": (API_TOKEN, [(1860, 3, 26), (1938, 3, 26), (0, 1000, 6)]),
    "oauth_token": (OAUTH, [(1860, 6, 26), (0, 1000, 6)]),
}
for kind, (auth, sweeps) in SWEEPS.items():
    for first, step, count in sweeps:
        scenario(
            "echo-%s-pad%d-step%d" % (kind, first, step),
            "echo_credentials",
            REPO_PERMISSION,
            dict(auth, workspace="acme", repositories=SWEEP[:count], user=DEV020["account_id"], permission="read", concurrency=1),
            {
                "fail_next": fail(400, "/2.0/repositories/acme/", method="GET"),
                "echo_credentials": echo(count, first, step, path_prefix="/2.0/repositories/acme/"),
            },
            "echo",
            reset=False,
        )
# single-error tasks: the token endpoint (client_secret), a workspace access token, the SCIM key, wrong credentials.
SINGLE = [
    (
        "client_secret",
        MEMBER_INFO,
        dict(OAUTH, workspace="acme", member=DEV010["email"]),
        TOKEN_PATH,
        400,
        len("server_error: "),
        True,
    ),
    ("access_token", MEMBER_INFO, dict(ACCESS, workspace="acme", member=DEV010["email"]), "/2.0/", 400, 0, False),
    ("scim_token", SCIM_INFO, dict(SCIM, user_name="dev001@acme.example"), "/scim/", 400, 0, False),
]
for kind, module, args, prefix, status, message_prefix, b64 in SINGLE:
    for pad in sorted(set((0, 2000, 5000) + tuple(straddling_pads(kind, message_prefix, b64)))):
        scenario(
            "echo-%s-pad%d" % (kind, pad),
            "echo_credentials",
            module,
            args,
            {"fail_next": fail(status, prefix), "echo_credentials": echo(50, pad, path_prefix=prefix)},
            "echo",
            reset=False,
        )
for kind, module, args, message_prefix in (
    ("wrong_api_token", MEMBER_INFO, dict(WRONG_API_TOKEN, workspace="acme", member=DEV010["email"]), 0),
    ("wrong_client_secret", MEMBER_INFO, dict(WRONG_OAUTH, workspace="acme", member=DEV010["email"]), len("invalid_client: ")),
    ("wrong_scim_token", SCIM_INFO, dict(WRONG_SCIM, user_name="dev001@acme.example"), 0),
):
    for pad in straddling_pads(kind, message_prefix)[:1] + [5000]:
        scenario(
            "echo-%s-pad%d" % (kind, pad),
            "echo_credentials",
            module,
            args,
            {"echo_credentials": echo(50, pad)},
            "echo",
            reset=False,
        )


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
            account = _SEED_APP.state.accounts.get(last)
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
