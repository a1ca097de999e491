# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SCIM inside the whole simulator: account links seen from the Bitbucket API, reset, plain mode, real HTTP."""

from __future__ import annotations

import base64

import pytest
import requests
from werkzeug.test import Client

from atlsim import DEMO_SEED
from atlsim.app import create_app
from atlsim.scim import ATLASSIAN_EXTENSION_URN
from atlsim.scim_testkit import patch
from atlsim.scim_testkit import user
from atlsim.server import SimServer

SCIM = "/scim/directory/demo-directory"
SCIM_AUTH = {"Authorization": "Bearer demo-scim-api-key"}
ADMIN = {"Authorization": "Basic " + base64.b64encode(b"admin@acme.example:demo-admin-api-token").decode()}


@pytest.fixture(name="app")
def fixture_app():
    return create_app(DEMO_SEED)


@pytest.fixture(name="client")
def fixture_client(app):
    return Client(app)


def _scim(client, method, path, body=None, **kw):
    return client.open(
        SCIM + path, method=method, json=body, headers=SCIM_AUTH, environ_overrides={"REMOTE_ADDR": "127.0.0.1"}, **kw
    )


def _bitbucket(client, path):
    return client.get("/2.0" + path, headers=ADMIN, environ_overrides={"REMOTE_ADDR": "127.0.0.1"})


def test_seeded_scim_users_are_linked_to_the_seeded_accounts(app, client):
    listed = _scim(client, "GET", "/Users", query_string={"filter": 'userName eq "dev001@acme.example"'}).json
    assert listed["totalResults"] == 1
    found = listed["Resources"][0]
    seeded = app.state.accounts.get_by_email("dev001@acme.example")
    assert found[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"] == seeded["account_id"]


def test_created_user_gets_an_account_bitbucket_knows_but_no_access(app, client):
    created = _scim(client, "POST", "/Users", user("scim-newcomer", displayName="Scim Newcomer"))
    assert created.status_code == 201, created.json
    account_id = created.json[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"]

    profile = _bitbucket(client, f"/users/{account_id}")
    assert profile.status_code == 200
    assert profile.json["account_id"] == account_id
    assert profile.json["display_name"] == "Scim Newcomer"
    assert "email" not in profile.json
    assert app.state.accounts.get_by_email("scim-newcomer@acme.example")["account_id"] == account_id

    # SCIM grants no product access: not a member, no repository permission can be given.
    assert _bitbucket(client, f"/workspaces/acme/members/{account_id}").status_code == 404
    put = client.put(
        f"/2.0/repositories/acme/infra-core/permissions-config/users/{account_id}",
        json={"permission": "read"},
        headers=ADMIN,
        environ_overrides={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert put.status_code == 400


def test_delete_unlinks_but_the_account_remains(app, client):
    found = _scim(client, "GET", "/Users", query_string={"filter": 'userName eq "dev002@acme.example"'}).json["Resources"][0]
    account_id = found[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"]
    assert _scim(client, "DELETE", "/Users/" + found["id"]).status_code == 204
    assert account_id in app.state.accounts.unlinked
    assert _scim(client, "GET", "/Users/" + found["id"]).status_code == 404
    assert _bitbucket(client, f"/users/{account_id}").status_code == 200
    assert _bitbucket(client, f"/workspaces/acme/members/{account_id}").status_code == 200


def test_deactivation_is_a_patch(client):
    found = _scim(client, "GET", "/Users", query_string={"filter": 'externalId eq "okta-00u-dev001"'}).json["Resources"][0]
    answer = _scim(client, "PATCH", "/Users/" + found["id"], patch({"op": "replace", "path": "active", "value": False}))
    assert answer.status_code == 200 and answer.json["active"] is False


def test_app_reset_restores_scim_and_relinks_to_the_new_registry(app, client):
    created = _scim(client, "POST", "/Users", user("transient"))
    account_id = created.json[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"]
    app.reset()
    assert _scim(client, "GET", "/Users/" + created.json["id"]).status_code == 404
    assert app.state.accounts.get(account_id) is None
    again = _scim(client, "POST", "/Users", user("transient"))
    assert again.status_code == 201
    assert (
        app.state.accounts.get_by_email("transient@acme.example")["account_id"]
        == again.json[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"]
    )
    seeded = _scim(client, "GET", "/Users", query_string={"filter": 'userName eq "dev001@acme.example"'}).json["Resources"][0]
    assert (
        seeded[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"]
        == app.state.accounts.get_by_email("dev001@acme.example")["account_id"]
    )


def test_plain_mode_app_has_no_extension():
    app = create_app(DEMO_SEED, scim_extension=False)
    client = Client(app)
    created = _scim(client, "POST", "/Users", user("plain-one"))
    assert created.status_code == 201
    assert ATLASSIAN_EXTENSION_URN not in created.json
    assert app.state.accounts.get_by_email("plain-one@acme.example") is None


def test_scim_over_real_http():
    with SimServer(create_app(DEMO_SEED)) as server, requests.Session() as session:
        session.headers.update(SCIM_AUTH)
        base = server.url + SCIM
        created = session.post(base + "/Users", json=user("over-http"), timeout=10)
        assert created.status_code == 201
        assert created.headers["Content-Type"].startswith("application/scim+json")
        location = created.headers["Location"]
        assert location == f"{base}/Users/{created.json()['id']}"
        assert session.get(location, timeout=10).json()["userName"] == "over-http@acme.example"
        assert session.get(base + "/Users", params={"filter": 'title eq "x"'}, timeout=10).status_code == 400
        assert session.get(base + "/Users", headers={"Authorization": "Bearer nope"}, timeout=10).status_code == 401
        assert session.delete(location, timeout=10).status_code == 204
