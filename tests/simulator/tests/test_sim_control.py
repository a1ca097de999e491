# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request log, reset, the loopback-only /_sim control endpoints, the account registry, seeds, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from atlsim import DEMO_SEED, demo
from atlsim.app import create_app
from atlsim.demo import basic
from atlsim.pytest_plugin import LoopbackClient
from atlsim.state import SeedError, State, load_seed

SIMULATOR = Path(__file__).resolve().parents[1]
ADMIN = basic(*demo.ADMIN)


@pytest.mark.sim_lenient  # lenient: members q=user.nickname~ is a lenient filter
def test_log_entries_have_the_documented_fields(sim_app, sim_client):
    sim_client.get("/2.0/workspaces/acme/members?pagelen=5&q=user.nickname~%22a%22", headers=ADMIN)
    sim_client.get("/2.0/nowhere", headers=ADMIN)
    first, second = sim_app.log.entries()
    assert set(first) == {"method", "path", "query", "status", "credential", "time", "fault"}
    assert first["method"] == "GET" and first["path"] == "/2.0/workspaces/acme/members"
    assert first["query"] == "pagelen=5&q=user.nickname~%22a%22"
    assert first["status"] == 200 and first["credential"] == "api_token:demo-admin"
    assert first["time"] == sim_app.clock()
    assert second["status"] == 404


def test_control_requests_are_not_logged(sim_client):
    sim_client.get("/2.0/user", headers=ADMIN)
    log = sim_client.get("/_sim/log").get_json()
    assert [entry["path"] for entry in log] == ["/2.0/user"]
    assert sim_client.get("/_sim/health").get_json()["status"] == "ok"
    assert len(sim_client.get("/_sim/log").get_json()) == 1
    assert sim_client.delete("/_sim/log").status_code == 204
    assert sim_client.get("/_sim/log").get_json() == []


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/_sim/log"),
        ("POST", "/_sim/reset"),
        ("POST", "/_sim/faults"),
        ("DELETE", "/_sim/faults"),
        ("GET", "/_sim/health"),
        ("DELETE", "/_sim/log"),
    ],
)
def test_control_is_loopback_only(sim_client, method, path):
    resp = sim_client.open(path, method=method, json={}, environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert resp.status_code == 403


def test_ipv6_loopback_is_accepted(sim_client):
    assert sim_client.get("/_sim/health", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert sim_client.get("/_sim/nope").status_code == 404


def test_reset_restores_the_seed_and_clears_log_and_faults(sim_app, sim_client):
    target = sim_app.state.accounts.get_by_email("dev222@acme.example")["account_id"]
    url = "/2.0/repositories/acme/infra-core/permissions-config/users/" + target
    assert sim_client.put(url, json={"permission": "admin"}, headers=ADMIN).status_code == 200
    token = sim_client.post(
        "/site/oauth2/access_token", data={"grant_type": "client_credentials"}, headers=basic(*demo.OAUTH_CLIENT)
    ).get_json()["access_token"]
    sim_app.configure_faults({"latency_ms": 5, "burst_429": 3})
    assert sim_client.post("/_sim/reset").get_json() == {"status": "reset"}
    assert sim_app.log.entries() == [] and sim_app.faults.snapshot()["latency_ms"] == 0
    assert sim_client.get(url, headers=ADMIN).status_code == 404
    assert sim_client.get("/2.0/user", headers=demo.bearer(token)).status_code == 401  # tokens are forgotten


def test_clock_endpoint_moves_time(sim_app, sim_client):
    before = sim_app.clock()
    assert sim_client.post("/_sim/clock", json={"advance": 60}).get_json()["now"] == before + 60


@pytest.mark.parametrize("advance", [-1, -0.5, "10", None, True, float("nan"), float("inf")])
def test_clock_cannot_go_back(sim_app, sim_client, advance):
    before = sim_app.clock()
    resp = sim_client.post("/_sim/clock", data=json.dumps({"advance": advance}), content_type="application/json")
    assert resp.status_code == 400 and "advance" in resp.get_json()["error"]
    assert sim_app.clock() == before
    assert sim_client.post("/_sim/clock", json=[1]).status_code == 400


def test_sim_clock_refuses_negative_advance():
    from atlsim.clock import SimClock  # pylint: disable=import-outside-toplevel

    clock = SimClock(base=lambda: 100.0)
    assert clock.advance(0) == 100.0
    with pytest.raises(ValueError):
        clock.advance(-5)
    assert clock() == 100.0


def test_reset_installs_state_and_credentials_together(sim_app, monkeypatch):
    import atlsim.app as app_module  # pylint: disable=import-outside-toplevel

    old_state, old_credentials = sim_app.state, sim_app.credentials
    seen = []

    class Watching(app_module.Credentials):
        def __init__(self, *args, **kwargs):
            seen.append((sim_app.state is old_state, sim_app.credentials is old_credentials))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(app_module, "Credentials", Watching)
    clear = sim_app.limiter.clear
    consistent = []

    def watching_clear():  # runs in the middle of reset: state and credentials must already match
        consistent.append(sim_app.credentials.accounts is sim_app.state.accounts)
        clear()

    monkeypatch.setattr(sim_app.limiter, "clear", watching_clear)
    sim_app.reset()
    assert seen == [(True, True)]  # nothing was installed while the new world was built
    assert consistent == [True]
    assert sim_app.state is not old_state and sim_app.credentials.accounts is sim_app.state.accounts

    def broken(*args, **kwargs):
        raise RuntimeError("seed build failed")

    monkeypatch.setattr(app_module, "Credentials", broken)
    current = (sim_app.state, sim_app.credentials)
    with pytest.raises(RuntimeError):
        sim_app.reset()
    assert (sim_app.state, sim_app.credentials) == current  # all or nothing


def test_account_registry_interface(sim_app):
    accounts = sim_app.accounts
    existing = accounts.ensure_account("DEV001@acme.example", display_name="ignored")
    assert existing["account_id"] == accounts.get_by_email("dev001@acme.example")["account_id"]
    created = accounts.ensure_account("brand.new@acme.example", display_name="Brand New", nickname="bnew")
    assert created["account_id"].startswith("712020:") and created["uuid"].startswith("{")
    assert created["display_name"] == "Brand New" and created["nickname"] == "bnew" and created["created_on"]
    assert accounts.ensure_account("brand.new@acme.example")["account_id"] == created["account_id"]
    assert created["account_id"] not in sim_app.state.workspaces["acme"].members
    accounts.unlink(created["account_id"])
    assert created["account_id"] in accounts.unlinked
    resp = LoopbackClient(sim_app).get("/2.0/users/" + created["account_id"], headers=ADMIN)
    assert resp.status_code == 200 and resp.get_json()["display_name"] == "Brand New"


def test_scim_is_404_when_the_scim_module_is_missing(monkeypatch):
    import importlib  # pylint: disable=import-outside-toplevel

    real = importlib.import_module

    def fake(name, *args, **kwargs):
        if name == "atlsim.scim":
            raise ModuleNotFoundError("No module named 'atlsim.scim'", name="atlsim.scim")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", fake)
    app = create_app(DEMO_SEED)
    resp = LoopbackClient(app).get("/scim/directory/demo-directory/Users", headers=demo.bearer(demo.SCIM_API_KEY))
    assert app.scim_app is None and resp.status_code == 404


@pytest.mark.parametrize(
    "mutate,needle",
    [
        (lambda s: s["workspaces"][0]["members"].append("ghost@nowhere.example"), "unknown account"),
        (
            lambda s: s["workspaces"][0]["repositories"][0]["user_permissions"].update({"newhire01@acme.example": "read"}),
            "not a workspace member",
        ),
        (lambda s: s["workspaces"][0]["repositories"][0]["group_permissions"].update({"qa": "owner"}), "permission"),
        (lambda s: s["accounts"].append(dict(s["accounts"][0])), "duplicate account"),
    ],
)
def test_bad_seeds_are_refused(mutate, needle):
    import copy  # pylint: disable=import-outside-toplevel

    seed = copy.deepcopy(load_seed(DEMO_SEED))
    mutate(seed)
    with pytest.raises(SeedError, match=needle):
        State(seed)


def test_demo_seed_matches_the_design(sim_app):
    state = sim_app.state
    acme = state.workspaces["acme"]
    assert acme.plan_user_limit == 300 and len(acme.members) >= 250 and len(acme.repos) >= 60
    assert "infra-core" in acme.repos and len(acme.groups) >= 3
    owner = state.accounts.get_by_email("owner@acme.example")["account_id"]
    admin = state.accounts.get_by_email("admin@acme.example")["account_id"]
    member = state.accounts.get_by_email("dev001@acme.example")["account_id"]
    assert acme.members[owner]["role"] == "owner"
    assert acme.members[admin] == {"role": "collaborator", "admin": True}
    assert acme.members[member] == {"role": "member", "admin": False}
    assert all(acme.perm_of(admin, repo) == "admin" for repo in acme.repos.values())
    assert all(acme.perm_of(member, repo) != "admin" for repo in acme.repos.values())
    assert any(repo.user_perms for repo in acme.repos.values()) and any(r.group_perms for r in acme.repos.values())
    non_members = [a for a in state.accounts.by_id if not any(a in ws.members for ws in state.workspaces.values())]
    assert len(non_members) >= 3
    directory = load_seed(DEMO_SEED)["scim"]["directories"][0]
    assert directory["id"] == "demo-directory" and directory["api_key"] == "demo-scim-api-key"
    assert 2 <= len(directory["users"]) <= 3


def test_committed_demo_seed_is_what_gen_seed_makes(tmp_path):
    out = tmp_path / "demo.yml"
    subprocess.run([sys.executable, str(SIMULATOR / "gen_seed.py"), "--demo", "-o", str(out)], check=True, timeout=120)
    assert out.read_text() == Path(DEMO_SEED).read_text()


def test_scale_seed_loads_in_seconds(tmp_path):
    out = tmp_path / "scale.json"
    subprocess.run(
        [sys.executable, str(SIMULATOR / "gen_seed.py"), "--members", "10000", "--repositories", "2000", "-o", str(out)],
        check=True,
        timeout=300,
    )
    started = time.monotonic()
    app = create_app(str(out), scim_extension=False)
    ws = app.state.workspaces["acme"]
    access = ws.users_with_access()
    elapsed = time.monotonic() - started
    assert len(ws.members) == 10000 and len(ws.repos) == 2000 and len(access) > 5000
    assert elapsed < 20, elapsed


def test_cli_serves_and_reports_its_url(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(SIMULATOR))
    proc = subprocess.Popen(
        [sys.executable, "-m", "atlsim", "--seed", str(DEMO_SEED), "--port", "0", "--latency-ms", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("atlsim listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        assert requests.get(url + "/2.0/user", auth=demo.ADMIN, timeout=10).status_code == 200
        assert requests.get(url + "/_sim/faults", timeout=10).json()["latency_ms"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0


def test_cli_refuses_non_loopback_hosts():
    env = dict(os.environ, PYTHONPATH=str(SIMULATOR))
    proc = subprocess.run(
        [sys.executable, "-m", "atlsim", "--host", "0.0.0.0"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert proc.returncode != 0 and "loopback" in proc.stderr


def test_concurrent_clients_over_keep_alive(sim):
    """8 threads, 25 requests each (reads and writes): every answer is complete and the state consistent."""
    import threading  # pylint: disable=import-outside-toplevel

    targets = [sim.state.accounts.get_by_email("dev%03d@acme.example" % n)["account_id"] for n in range(230, 238)]
    errors = []

    def worker(account_id):
        session = requests.Session()
        session.auth = demo.ADMIN
        url = sim.api_url + "/repositories/acme/infra-core/permissions-config/users/" + account_id
        try:
            for index in range(25):
                perm = ("read", "write", "admin")[index % 3]
                put = session.put(url, json={"permission": perm}, timeout=10)
                got = session.get(url, timeout=10)
                page = session.get(sim.api_url + "/workspaces/acme/members?pagelen=50", timeout=10)
                if (put.status_code, got.status_code, page.status_code) != (200, 200, 200) or got.json()["permission"] != perm:
                    errors.append((account_id, index, put.status_code, got.status_code, page.status_code))
        finally:
            session.close()

    threads = [threading.Thread(target=worker, args=(account_id,)) for account_id in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(sim.writes()) == 8 * 25
    perms = sim.state.workspaces["acme"].repos["infra-core"].user_perms
    assert all(perms[account_id] == "read" for account_id in targets)  # the last write (index 24) is read
