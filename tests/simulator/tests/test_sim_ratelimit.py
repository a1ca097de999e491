# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rate limiting: rolling window per user / access token / IP, 429 shape, scaled headers (injected clock)."""

from __future__ import annotations

from atlsim import demo
from atlsim.app import create_app
from atlsim.clock import FakeClock, FakeSleep
from atlsim.demo import basic, bearer
from atlsim.pytest_plugin import LoopbackClient
from atlsim.ratelimit import RateLimiter, scaled_headers


def limited_app(**limits):
    seed = {
        "accounts": [{"account_id": "557058:1", "email": "a@x.example"}, {"account_id": "557058:2", "email": "b@x.example"}],
        "workspaces": [
            {"slug": "w", "members": [{"user": "a@x.example", "role": "owner"}, "b@x.example"], "repositories": [{"slug": "r"}]}
        ],
        "credentials": {
            "api_tokens": [
                {
                    "id": "a1",
                    "email": "a@x.example",
                    "token": "t1",
                    "scopes": ["read:user:bitbucket", "read:repository:bitbucket"],
                },
                {"id": "a2", "email": "a@x.example", "token": "t2", "scopes": ["read:user:bitbucket"]},
                {"id": "b", "email": "b@x.example", "token": "tb", "scopes": ["read:user:bitbucket"]},
            ],
            "oauth_consumers": [{"client_id": "c", "client_secret": "s", "owner": "a@x.example", "scopes": ["account"]}],
            "access_tokens": [
                {"id": "wt", "token": "wtok", "kind": "workspace", "resource": "w", "scopes": ["repository", "account"]}
            ],
        },
        "rate_limits": dict({"default": 3, "access_token": 5, "unauthenticated": 2, "window_seconds": 3600}, **limits),
    }
    clock = FakeClock()
    app = create_app(seed, clock=clock, sleep=FakeSleep())
    return app, LoopbackClient(app), clock


def test_over_the_limit_is_429_text_plain_without_retry_after():
    app, client, _unused = limited_app()
    for _unused in range(3):
        assert client.get("/2.0/user", headers=basic("a@x.example", "t1")).status_code == 200
    resp = client.get("/2.0/user", headers=basic("a@x.example", "t1"))
    assert resp.status_code == 429
    assert resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True) == "Rate limit for this resource has been exceeded"
    assert "Retry-After" not in resp.headers
    assert not any(name.startswith("X-RateLimit") for name in resp.headers.keys())  # noqa: SIM118 (werkzeug Headers iterate pairs)
    assert app.log.entries()[-1]["status"] == 429


def test_window_is_rolling():
    app, client, clock = limited_app()
    headers = basic("a@x.example", "t1")
    client.get("/2.0/user", headers=headers)
    clock.advance(1000)
    client.get("/2.0/user", headers=headers)
    client.get("/2.0/user", headers=headers)
    assert client.get("/2.0/user", headers=headers).status_code == 429
    clock.advance(2600)  # the first request leaves the window (3600 s after it)
    assert client.get("/2.0/user", headers=headers).status_code == 200
    assert client.get("/2.0/user", headers=headers).status_code == 429
    clock.advance(1000)
    assert client.get("/2.0/user", headers=headers).status_code == 200


def test_the_window_is_per_user_not_per_token():
    _unused, client, _unused = limited_app()
    client.get("/2.0/user", headers=basic("a@x.example", "t1"))
    client.get("/2.0/user", headers=basic("a@x.example", "t2"))
    token = client.post(
        "/site/oauth2/access_token", data={"grant_type": "client_credentials"}, headers=basic("c", "s")
    ).get_json()["access_token"]
    assert client.get("/2.0/user", headers=bearer(token)).status_code == 200
    assert client.get("/2.0/user", headers=basic("a@x.example", "t1")).status_code == 429
    assert client.get("/2.0/user", headers=basic("b@x.example", "tb")).status_code == 200


def test_unauthenticated_is_limited_per_ip():
    _unused, client, _unused = limited_app()
    assert client.get("/2.0/user").status_code == 401
    assert client.get("/2.0/user", headers=basic("a@x.example", "wrong")).status_code == 401
    assert client.get("/2.0/user").status_code == 429
    other = client.get("/2.0/user", environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert other.status_code == 401


def test_access_tokens_get_the_scaled_limit_and_headers_on_repositories_only():
    _unused, client, _unused = limited_app()
    headers = bearer("wtok")
    for index in range(5):
        resp = client.get("/2.0/repositories/w", headers=headers)
        assert resp.status_code == 200
        assert resp.headers["X-RateLimit-Limit"] == "5"
        assert resp.headers["X-RateLimit-Resource"] == "api"
        assert resp.headers["X-RateLimit-NearLimit"] == ("true" if index >= 4 else "false")
    over = client.get("/2.0/repositories/w", headers=headers)
    assert over.status_code == 429 and over.headers["X-RateLimit-Limit"] == "5"
    assert "Retry-After" not in over.headers
    members = client.get("/2.0/workspaces/w/members", headers=headers)
    assert members.status_code == 200
    assert not any(name.startswith("X-RateLimit") for name in members.headers.keys())  # noqa: SIM118 (werkzeug Headers iterate pairs)
    # API tokens on /2.0/repositories/* never get the headers
    user = client.get("/2.0/repositories/w", headers=basic("a@x.example", "t1"))
    assert user.status_code == 200 and "X-RateLimit-Limit" not in user.headers


def test_rate_limit_knob_overrides_the_seed(sim_app, sim_client):
    sim_app.configure_faults({"rate_limit": 2})
    headers = basic(*demo.ADMIN)
    assert [sim_client.get("/2.0/user", headers=headers).status_code for _unused in range(3)] == [200, 200, 429]
    sim_app.reset()
    assert sim_client.get("/2.0/user", headers=headers).status_code == 200


def test_demo_seed_limit_is_1000_per_hour(sim_app, sim_client):
    headers = basic(*demo.MEMBER)
    statuses = [sim_client.get("/2.0/user?fields=uuid", headers=headers).status_code for _unused in range(1001)]
    assert statuses.count(200) == 1000 and statuses[-1] == 429
    sim_app.clock.advance(3600)
    assert sim_client.get("/2.0/user", headers=headers).status_code == 200


def test_limiter_unit():
    clock = FakeClock(0)
    limiter = RateLimiter(clock=clock, window=10)
    assert [limiter.hit("k", 2)[0] for _unused in range(3)] == [True, True, False]
    assert limiter.retry_after("k") == 10
    clock.advance(10)
    assert limiter.hit("k", 2) == (True, 1)
    assert scaled_headers(100, 81)["X-RateLimit-NearLimit"] == "true"
    assert scaled_headers(100, 80)["X-RateLimit-NearLimit"] == "false"


def test_expired_oauth_token_is_401_even_when_the_users_window_is_full():
    """A rejected token counts against the client address, not the user's window (it was 429 before)."""
    app, client, _unused = limited_app()
    token = client.post(
        "/site/oauth2/access_token", data={"grant_type": "client_credentials"}, headers=basic("c", "s")
    ).get_json()["access_token"]
    for _unused in range(3):  # the user's window (default 3) is now full, above the unauthenticated limit (2)
        assert client.get("/2.0/user", headers=basic("a@x.example", "t1")).status_code == 200
    app.configure_faults({"expire_tokens": True})
    expired = client.get("/2.0/user", headers=bearer(token))
    assert expired.status_code == 401
    assert expired.get_json()["error"]["message"].startswith("Access token expired")
    assert app.log.entries()[-1]["credential"] == "oauth:c"
    assert app.limiter.count("ip:127.0.0.1") == 1 and app.limiter.count("user:557058:1") == 3
    # the rejected requests share the address's unauthenticated window
    assert client.get("/2.0/user", headers=bearer(token)).status_code == 401
    assert client.get("/2.0/user", headers=bearer(token)).status_code == 429
    assert client.get("/2.0/user", headers=bearer(token), environ_base={"REMOTE_ADDR": "127.0.0.2"}).status_code == 401


def test_injected_429_for_access_tokens_on_repositories_has_the_limiter_headers():
    app, client, _unused = limited_app()
    app.configure_faults({"burst_429": 1, "fail_next": [{"status": 429, "count": 1, "path_prefix": "/2.0/repositories/"}]})
    real = None
    for fault in ("burst_429", "fail_next"):
        resp = client.get("/2.0/repositories/w", headers=bearer("wtok"))
        assert resp.status_code == 429 and app.log.entries()[-1]["fault"] == fault
        assert resp.headers["X-RateLimit-Limit"] == "5" and resp.headers["X-RateLimit-Resource"] == "api"
        assert resp.headers["X-RateLimit-NearLimit"] == "true" and "Retry-After" not in resp.headers
    for _unused in range(6):
        real = client.get("/2.0/repositories/w", headers=bearer("wtok"))
    assert real.status_code == 429 and real.headers["X-RateLimit-NearLimit"] == "true"
    # not for others, and not elsewhere
    app.configure_faults({"burst_429": 2})
    assert "X-RateLimit-Limit" not in client.get("/2.0/repositories/w", headers=basic("a@x.example", "t1")).headers
    assert "X-RateLimit-Limit" not in client.get("/2.0/workspaces/w/members", headers=bearer("wtok")).headers
