# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request log never holds a secret, whatever the client sends; bodiless requests over real HTTP."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import requests

from atlsim import demo
from atlsim.demo import basic, bearer

TOKEN_PATH = "/site/oauth2/access_token"


def seeded_secrets(seed: dict) -> set:
    """Every token, client secret and SCIM API key of the seed."""
    creds = seed.get("credentials") or {}
    found = {str(item["token"]) for item in creds.get("api_tokens") or ()}
    found.update(str(item["client_secret"]) for item in creds.get("oauth_consumers") or ())
    found.update(str(item["token"]) for item in creds.get("access_tokens") or ())
    found.update(str(item["api_key"]) for item in (seed.get("scim") or {}).get("directories") or ())
    return found


def test_misplaced_secrets_never_reach_the_log(sim):
    secrets = seeded_secrets(sim.seed)
    assert demo.WORKSPACE_ACCESS_TOKEN in secrets and demo.OAUTH_CLIENT[1] in secrets and demo.SCIM_API_KEY in secrets
    api, session = sim.api_url, requests.Session()
    issued = session.post(sim.token_url, data={"grant_type": "client_credentials"}, auth=demo.OAUTH_CLIENT, timeout=10).json()[
        "access_token"
    ]
    secrets.add(issued)
    sent = [
        ("GET", api + "/user", {"Authorization": demo.WORKSPACE_ACCESS_TOKEN}, None),  # no scheme
        ("GET", api + "/user", {"Authorization": "%s extra" % demo.SCIM_API_KEY}, None),  # secret as the scheme
        ("GET", api + "/user", {"Authorization": "Token " + issued}, None),  # unknown scheme
        ("GET", api + "/user", basic(demo.ADMIN[1], demo.ADMIN[0]), None),  # user and token swapped
        ("GET", api + "/user", basic(demo.MEMBER[1], demo.ADMIN[1]), None),  # token as the user
        ("GET", api + "/user", basic(demo.ADMIN[0], demo.MEMBER[1]), None),  # known email, wrong token
        ("GET", api + "/user", bearer(demo.OAUTH_CLIENT[1]), None),
        ("POST", sim.token_url, basic(demo.OAUTH_CLIENT[1], demo.OAUTH_CLIENT[0]), {"grant_type": "client_credentials"}),
        (
            "POST",
            sim.token_url,
            {},
            {"grant_type": "client_credentials", "client_id": demo.OAUTH_CLIENT[1], "client_secret": demo.OAUTH_CLIENT[0]},
        ),
        ("POST", sim.token_url, basic(demo.OAUTH_CLIENT[0], "wrong"), {"grant_type": "client_credentials"}),
        ("POST", sim.token_url, bearer(demo.OAUTH_CLIENT[1]), {"grant_type": "client_credentials"}),
        ("GET", sim.url + "/scim/directory/demo-directory/Users", {"Authorization": demo.SCIM_API_KEY}, None),
    ]
    sim.clear_log()
    statuses = [
        session.request(method, url, headers=headers, data=data, timeout=10).status_code for method, url, headers, data in sent
    ]
    assert statuses == [401] * 7 + [400] * 4 + [401]
    raw = session.get(sim.url + "/_sim/log", timeout=10).text
    session.close()
    leaked = sorted(secret for secret in secrets if secret in raw)
    assert not leaked, "secrets in the request log"
    credentials = [entry["credential"] for entry in json.loads(raw)]
    assert credentials == ["invalid:scheme"] * 3 + ["invalid:basic"] * 2 + [
        "invalid:basic:admin@acme.example",
        "invalid:bearer",
    ] + ["oauth:invalid", "oauth:invalid", "oauth:demo-client-id", "oauth:invalid", "scim:invalid"]


def _raw_request(url: str, method: str, path: str, headers: dict) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """Send a request with exactly ``headers`` (http.client adds no Content-Length with putrequest)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    return conn, conn.getresponse()


def test_post_without_content_length_has_an_empty_body(sim):
    """``curl -X POST $SIM/_sim/reset``: no Content-Length, no Transfer-Encoding -> an empty body (RFC 9112), not 411."""
    sim.faults(latency_ms=1)
    requests.get(sim.api_url + "/user", auth=demo.ADMIN, timeout=10)
    conn, resp = _raw_request(sim.url, "POST", "/_sim/reset", {})
    try:
        assert resp.status == 200 and json.loads(resp.read()) == {"status": "reset"}
        assert sim.app.faults.latency_ms == 0 and sim.log() == []
        # the same keep-alive connection goes on; a bodiless API request is answered and logged
        conn.putrequest("POST", TOKEN_PATH, skip_accept_encoding=True)
        conn.putheader("Authorization", basic(*demo.OAUTH_CLIENT)["Authorization"])
        conn.endheaders()
        token = conn.getresponse()
        assert token.status == 400 and json.loads(token.read())["error"] == "invalid_request"
    finally:
        conn.close()
    assert [(e["method"], e["path"], e["status"], e["credential"]) for e in sim.log()] == [
        ("POST", TOKEN_PATH, 400, "oauth:demo-client-id")
    ]


def test_unreadable_body_is_answered_and_logged(sim):
    conn, resp = _raw_request(
        sim.url,
        "PUT",
        "/2.0/repositories/acme/infra-core/permissions-config/users/x",
        {"Content-Length": "many", "Authorization": basic(*demo.ADMIN)["Authorization"]},
    )
    try:
        assert resp.status == 400
        resp.read()
    finally:
        conn.close()
    entries = sim.log()
    assert [(e["method"], e["status"], e["credential"]) for e in entries] == [("PUT", 400, "api_token:demo-admin")]
    assert sim.writes() == entries
