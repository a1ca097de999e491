# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault knobs, the rate limiter and the request log on ``/admin``."""

from __future__ import annotations

import copy
import json

import pytest
import requests

from atlsim import DEMO_SEED, demo
from atlsim.admin_testkit import ALL, DIR, KEY, USERS_GROUP, account_id, error_of
from atlsim.app import create_app
from atlsim.clock import FakeClock, FakeSleep
from atlsim.pytest_plugin import LoopbackClient
from atlsim.state import load_seed
from atlsim.web import DropConnection

SEARCH = ALL + "/users/search"


def test_burst_429_has_the_rate_limit_headers(sim_app, sim_client):
    sim_app.configure_faults({"burst_429": 1})
    response = sim_client.post(SEARCH, json={}, headers=KEY)
    assert response.status_code == 429 and error_of(response)["code"] == "ADMIN-429-1"
    assert response.headers["Retry-After"] == "1" and response.headers["X-RateLimit-Remaining"] == "0"
    assert response.headers["X-RateLimit-Reset"] == "2023-11-14T22:13:21Z"  # the fake clock + 1 s, RFC 3339
    assert sim_client.post(SEARCH, json={}, headers=KEY).status_code == 200
    assert [e["fault"] for e in sim_app.log.entries()] == ["burst_429", None]


def test_the_limiter_counts_per_key_and_frees_after_the_window():
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    seed["rate_limits"] = dict(seed["rate_limits"], default=3, window_seconds=60)
    clock = FakeClock()
    app = create_app(seed, clock=clock, sleep=FakeSleep(clock))
    client = LoopbackClient(app)
    assert [client.post(SEARCH, json={}, headers=KEY).status_code for _unused in range(3)] == [200] * 3
    limited = client.post(SEARCH, json={}, headers=KEY)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
    assert limited.headers["X-RateLimit-Reset"] == "2023-11-14T22:14:20Z"
    v1 = client.get("/admin/v1/orgs", headers=KEY)
    assert v1.status_code == 429 and v1.get_json()["code"] == 429  # v1: the proxy's error body
    assert client.post(SEARCH, json={}, headers=demo.bearer(demo.ADMIN_READONLY_API_KEY)).status_code == 200  # its own window
    clock.advance(61)
    assert client.post(SEARCH, json={}, headers=KEY).status_code == 200


def test_fail_next_and_gateway_pages(sim_app, sim_client):
    sim_app.configure_faults(
        {
            "fail_next": [
                {"status": 500, "count": 1, "path_prefix": "/admin/"},
                {"status": 503, "count": 1, "path_prefix": "/admin/"},
            ]
        }
    )
    first = sim_client.post(SEARCH, json={}, headers=KEY)
    assert first.status_code == 500 and error_of(first)["code"] == "ADMIN-UAM-500-1"
    second = sim_client.post(SEARCH, json={}, headers=KEY)
    assert second.status_code == 503 and second.mimetype == "text/html"
    assert sim_client.post(SEARCH, json={}, headers=KEY).status_code == 200


def test_lose_write_answer_applies_the_write(sim_app, sim_client):
    aid = account_id(sim_app, demo.ADMIN_NO_ACCESS_USER)
    sim_app.configure_faults({"lose_write_answer_next": 1})
    with pytest.raises(DropConnection):
        sim_client.post(DIR + "/groups/%s/memberships" % USERS_GROUP, json={"accountId": aid}, headers=KEY)
    assert aid in sim_app.state.workspaces["acme"].members
    assert sim_app.log.entries()[-1]["fault"] == "lose_write_answer_next"


def test_redirect_writes_is_not_applied(sim_app, sim_client):
    aid = account_id(sim_app, demo.ADMIN_NO_ACCESS_USER)
    sim_app.configure_faults({"redirect_writes": {"count": 1, "status": 307}})
    response = sim_client.post(DIR + "/groups/%s/memberships" % USERS_GROUP, json={"accountId": aid}, headers=KEY)
    assert response.status_code == 307 and "/_sim/sink/admin/" in response.headers["Location"]
    assert aid not in sim_app.state.workspaces["acme"].members


def test_malformed_json_and_slow_next(sim_app, sim_client):
    sim_app.configure_faults({"malformed_json_next": 1, "slow_next": {"count": 1, "seconds": 5}})
    response = sim_client.post(SEARCH, json={}, headers=KEY)
    with pytest.raises(ValueError):
        json.loads(response.get_data(as_text=True))
    assert sim_app.sleep.calls == [5]
    assert sim_app.log.entries()[-1]["fault"] == "slow_next+malformed_json_next"


def test_echo_credentials_lands_in_the_error_detail(sim_app, sim_client):
    sim_app.configure_faults({"echo_credentials": {"count": 1}})
    response = sim_client.get(DIR + "/users/557058:nobody", headers=KEY)
    assert demo.ADMIN_API_KEY in error_of(response)["detail"]
    assert demo.ADMIN_API_KEY not in json.dumps(sim_app.log.entries())


@pytest.mark.sim_lenient  # lenient: the undocumented ?x=1 shows the raw query in the log
def test_request_log_records_admin_calls_without_the_key(sim_app, sim_client):
    sim_client.post(SEARCH + "?x=1", json={}, headers=KEY)
    entry = sim_app.log.entries()[-1]
    assert entry["method"] == "POST" and entry["path"] == SEARCH and entry["query"] == "x=1"
    assert entry["status"] == 200 and entry["credential"] == "admin:demo-org-admin"


def test_over_http(sim):
    response = requests.post(sim.url + SEARCH, json={"limit": 1}, headers=KEY, timeout=10)
    assert response.status_code == 200 and len(response.json()["data"]) == 1
    sim.faults(drop_next={"count": 1, "path_prefix": "/admin/"})
    with pytest.raises(requests.ConnectionError):
        requests.post(sim.url + SEARCH, json={}, headers=KEY, timeout=10)
    assert sim.log()[-1]["status"] is None and sim.log()[-1]["fault"] == "drop_next"
