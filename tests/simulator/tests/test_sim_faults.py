# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every fault knob, in process (fake sleep) and over real HTTP for the connection-level ones."""

from __future__ import annotations

import json

import pytest
import requests

from atlsim import demo
from atlsim.demo import basic
from atlsim.faults import Faults
from atlsim.web import DropConnection

ADMIN = basic(*demo.ADMIN)
PUT_URL = "/2.0/repositories/acme/infra-core/permissions-config/users/"


def dev(sim_app, n=200):
    return sim_app.state.accounts.get_by_email("dev%03d@acme.example" % n)["account_id"]


def test_latency_ms_waits_before_every_answer(sim_app, sim_client):
    sim_app.configure_faults({"latency_ms": 250})
    assert sim_client.get("/2.0/user", headers=ADMIN).status_code == 200
    assert sim_client.get("/scim/directory/demo-directory/Users").status_code == 401
    assert sim_app.sleep.calls == [0.25, 0.25]


def test_fail_next_is_deterministic_and_targeted(sim_app, sim_client):
    sim_app.configure_faults({"fail_next": [{"status": 503, "count": 2, "method": "GET", "path_prefix": "/2.0/workspaces"}]})
    assert sim_client.get("/2.0/user", headers=ADMIN).status_code == 200  # other path: untouched
    first = sim_client.get("/2.0/workspaces/acme/members", headers=ADMIN)
    assert first.status_code == 503 and first.mimetype == "text/html"
    assert sim_client.get("/2.0/workspaces/acme/members", headers=ADMIN).status_code == 503
    assert sim_client.get("/2.0/workspaces/acme/members", headers=ADMIN).status_code == 200
    assert [e["fault"] for e in sim_app.log.entries()] == [None, "fail_next", "fail_next", None]


def test_fail_next_500_has_a_bitbucket_error_body(sim_app, sim_client):
    sim_app.configure_faults({"fail_next": {"status": 500, "count": 1}})
    resp = sim_client.get("/2.0/user", headers=ADMIN)
    assert resp.status_code == 500 and resp.get_json()["type"] == "error"


def test_fail_next_on_a_write_does_not_apply_it(sim_app, sim_client):
    sim_app.configure_faults({"fail_next": [{"status": 502, "count": 1, "method": "PUT"}]})
    assert sim_client.put(PUT_URL + dev(sim_app), json={"permission": "read"}, headers=ADMIN).status_code == 502
    assert dev(sim_app) not in sim_app.state.workspaces["acme"].repos["infra-core"].user_perms


def test_error_rate_uses_a_seeded_rng(sim_app, sim_client):
    def run():
        sim_app.faults.clear()
        sim_app.configure_faults({"error_rate": 0.5, "error_statuses": [500, 503], "fault_seed": 7})
        return [sim_client.get("/2.0/user?fields=uuid", headers=ADMIN).status_code for _unused in range(40)]

    first, second = run(), run()
    assert first == second
    assert {500, 503, 200} == set(first)
    assert 8 < first.count(200) < 32


def test_burst_429(sim_app, sim_client):
    sim_app.configure_faults({"burst_429": 2})
    statuses = [sim_client.get("/2.0/user", headers=ADMIN) for _unused in range(3)]
    assert [resp.status_code for resp in statuses] == [429, 429, 200]
    assert statuses[0].get_data(as_text=True) == "Rate limit for this resource has been exceeded"
    assert "Retry-After" not in statuses[0].headers


def test_drop_next_in_process_raises_and_logs(sim_app, sim_client):
    sim_app.configure_faults({"drop_next": 1})
    with pytest.raises(DropConnection):
        sim_client.get("/2.0/user", headers=ADMIN)
    assert sim_client.get("/2.0/user", headers=ADMIN).status_code == 200
    assert [(e["status"], e["fault"]) for e in sim_app.log.entries()] == [(None, "drop_next"), (200, None)]


def test_slow_next_waits_after_processing(sim_app, sim_client):
    sim_app.configure_faults({"slow_next": {"count": 1, "seconds": 30}})
    assert sim_client.put(PUT_URL + dev(sim_app), json={"permission": "read"}, headers=ADMIN).status_code == 200
    assert sim_app.sleep.calls == [30.0]
    assert sim_app.state.workspaces["acme"].repos["infra-core"].user_perms[dev(sim_app)] == "read"
    sim_client.get("/2.0/user", headers=ADMIN)
    assert sim_app.sleep.calls == [30.0]


def test_lose_write_answer_applies_the_write(sim_app, sim_client):
    sim_app.configure_faults({"lose_write_answer_next": 1})
    assert sim_client.get("/2.0/user", headers=ADMIN).status_code == 200  # reads are not counted
    with pytest.raises(DropConnection):
        sim_client.put(PUT_URL + dev(sim_app), json={"permission": "write"}, headers=ADMIN)
    assert sim_app.state.workspaces["acme"].repos["infra-core"].user_perms[dev(sim_app)] == "write"
    assert sim_app.log.writes()[-1]["fault"] == "lose_write_answer_next"
    assert sim_client.put(PUT_URL + dev(sim_app), json={"permission": "write"}, headers=ADMIN).status_code == 200


def test_malformed_json_next(sim_app, sim_client):
    sim_app.configure_faults({"malformed_json_next": 1})
    bad = sim_client.get("/2.0/workspaces/acme/members", headers=ADMIN)
    assert bad.status_code == 200 and bad.mimetype == "application/json"
    with pytest.raises(ValueError):
        json.loads(bad.get_data(as_text=True))
    json.loads(sim_client.get("/2.0/workspaces/acme/members", headers=ADMIN).get_data(as_text=True))


def test_faults_reach_scim_and_the_token_endpoint(sim_app, sim_client):
    sim_app.configure_faults({"burst_429": 2})
    scim = sim_client.get("/scim/directory/demo-directory/Users", headers={"Authorization": "Bearer demo-scim-api-key"})
    assert scim.status_code == 429
    token = sim_client.post(
        "/site/oauth2/access_token", data={"grant_type": "client_credentials"}, headers=basic(*demo.OAUTH_CLIENT)
    )
    assert token.status_code == 429
    assert [e["credential"] for e in sim_app.log.entries()] == ["scim:demo-directory", "oauth:demo-client-id"]


@pytest.mark.parametrize(
    "knobs",
    [
        {"nope": 1},
        {"latency_ms": -1},
        {"error_rate": 2},
        {"error_statuses": []},
        {"fail_next": [{"count": 1}]},
        {"slow_next": 3},
        {"drop_next": "x"},
        {"pagination": "cursor"},
        {"expire_tokens": "yes"},
        {"burst_429": {"cnt": 1}},
    ],
)
def test_bad_knobs_are_rejected_whole(knobs):
    faults = Faults()
    with pytest.raises(ValueError):
        faults.configure(dict(knobs, latency_ms=knobs.get("latency_ms", 5)))
    assert faults.latency_ms == 0


def test_knobs_over_the_control_endpoint(sim_client):
    resp = sim_client.post("/_sim/faults", json={"drop_next": {"count": 2, "method": "PUT"}, "latency_ms": 1})
    assert resp.status_code == 200
    assert resp.get_json()["drop_next"] == {"count": 2, "method": "PUT"}
    assert sim_client.post("/_sim/faults", json={"bogus": True}).status_code == 400
    assert sim_client.get("/_sim/faults").get_json()["latency_ms"] == 1
    assert sim_client.delete("/_sim/faults").status_code == 204
    assert sim_client.get("/_sim/faults").get_json()["drop_next"] == {"count": 0}


# -- over real HTTP (keep-alive server) -----------------------------------------------------------
def test_drop_next_closes_the_connection(sim):
    session = requests.Session()
    session.auth = demo.ADMIN
    assert session.get(sim.api_url + "/user", timeout=5).status_code == 200
    sim.faults(drop_next=1)
    with pytest.raises(requests.ConnectionError):
        session.get(sim.api_url + "/user", timeout=5)
    assert session.get(sim.api_url + "/user", timeout=5).status_code == 200
    assert [e["status"] for e in sim.log()] == [200, None, 200]


def test_slow_next_exceeds_a_client_timeout(sim):
    sim.faults(slow_next={"count": 1, "seconds": 0.6})
    with pytest.raises(requests.Timeout):
        requests.get(sim.api_url + "/user", auth=demo.ADMIN, timeout=0.2)
    assert requests.get(sim.api_url + "/user", auth=demo.ADMIN, timeout=5).status_code == 200


def test_lose_write_answer_over_http(sim):
    target = sim.state.accounts.get_by_email("dev201@acme.example")["account_id"]
    sim.faults(lose_write_answer_next=1)
    with pytest.raises(requests.ConnectionError):
        requests.put(
            sim.api_url + "/repositories/acme/infra-core/permissions-config/users/" + target,
            json={"permission": "read"},
            auth=demo.ADMIN,
            timeout=5,
        )
    got = requests.get(
        sim.api_url + "/repositories/acme/infra-core/permissions-config/users/" + target, auth=demo.ADMIN, timeout=5
    )
    assert got.status_code == 200 and got.json()["permission"] == "read"
    assert [(e["method"], e["status"], e["fault"]) for e in sim.writes()] == [("PUT", 200, "lose_write_answer_next")]


def test_keep_alive_connection_is_reused(sim):
    session = requests.Session()
    session.auth = demo.ADMIN
    before = sim.server.httpd.connections_accepted
    statuses = [session.get(sim.api_url + "/user", timeout=5).status_code for _unused in range(5)]
    assert statuses == [200] * 5
    assert sim.server.httpd.connections_accepted - before == 1
    session.close()


@pytest.mark.parametrize(
    "knobs",
    [
        {"latency_ms": 10001},
        {"slow_next": {"count": 1, "seconds": 121}},
        {"slow_next": {"count": 10001, "seconds": 1}},
        {"burst_429": 10001},
        {"drop_next": {"count": 10001}},
        {"fail_next": [{"status": 503, "count": 10001}]},
        {"fail_next": [{"status": 200}]},
        {"fail_next": [{"status": 302}]},
        {"fail_next": [{"status": 600}]},
        {"fail_next": [{"status": 499}]},
        {"error_statuses": [500, 399]},
        {"error_statuses": [599]},
        {"slow_next": {"count": 1, "seconds": float("inf")}},
        {"latency_ms": float("nan")},
        {"burst_429": {"count": 1, "status": 500}},
        {"fail_next": [{"status": 503, "method": 3}]},
    ],
)
def test_out_of_bounds_knobs_are_400_and_change_nothing(sim_client, knobs):
    before = sim_client.get("/_sim/faults").get_json()
    resp = sim_client.post("/_sim/faults", data=json.dumps(knobs).replace("Infinity", "1e999"), content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["error"]
    assert sim_client.get("/_sim/faults").get_json() == before


def test_knobs_at_their_bounds_are_accepted(sim_app):
    snapshot = sim_app.configure_faults(
        {
            "latency_ms": 10000,
            "slow_next": {"count": 10000, "seconds": 120},
            "fail_next": [{"status": 418, "count": 10000}],
            "error_statuses": [400, 599 - 88],
        }
    )
    assert snapshot["latency_ms"] == 10000 and snapshot["slow_next"] == {"count": 10000, "seconds": 120.0}
    assert snapshot["fail_next"] == [{"count": 10000, "status": 418}] and snapshot["error_statuses"] == [400, 511]


def test_fail_next_other_status_uses_its_reason_phrase(sim_app, sim_client):
    sim_app.configure_faults({"fail_next": [{"status": 418, "count": 1}]})
    resp = sim_client.get("/2.0/user", headers=ADMIN)
    assert resp.status_code == 418 and resp.get_json()["error"]["message"] == "I'm a Teapot"


@pytest.mark.parametrize(
    "argv",
    [
        ["--latency-ms", "10001"],
        ["--slow-next", "1:500"],
        ["--fail-next", "200:1"],
        ["--error-statuses", "500,700"],
        ["--burst-429", "20000"],
    ],
)
def test_cli_refuses_out_of_bounds_knobs(argv, capsys, monkeypatch):
    from atlsim import __main__ as cli  # pylint: disable=import-outside-toplevel

    def no_server(*args, **kwargs):
        raise AssertionError("the CLI accepted %r" % (argv,))

    monkeypatch.setattr(cli, "SimServer", no_server)
    with pytest.raises(SystemExit) as caught:
        cli.main(["--port", "0"] + argv)
    assert caught.value.code == 2 and "must be" in capsys.readouterr().err
