# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication methods, scopes, the OAuth token endpoint and access-token confinement."""

from __future__ import annotations

import pytest

from atlsim import demo
from atlsim.demo import basic, bearer

INFRA = "/2.0/repositories/acme/infra-core"
PROJECT = "/2.0/workspaces/acme/projects/INFRA"


def token(client, creds=demo.OAUTH_CLIENT, **form):
    form = form or {"grant_type": "client_credentials"}
    return client.post("/site/oauth2/access_token", data=form, headers=basic(*creds))


def error_message(resp):
    body = resp.get_json()
    assert body["type"] == "error"
    return body["error"]["message"]


def test_api_token_basic_auth_acts_as_the_account(sim_client):
    resp = sim_client.get("/2.0/user", headers=basic(*demo.ADMIN))
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["type"] == "user" and body["display_name"] == "Adam Admin"
    assert "email" not in body
    assert body["account_id"].startswith("557058:")


@pytest.mark.parametrize(
    "headers",
    [
        basic("admin@acme.example", "wrong-token"),
        basic("adam.admin", "demo-admin-api-token"),  # a nickname is not the account email
        bearer("not-a-token"),
        {"Authorization": "Digest abc"},
        {"Authorization": "Basic !!!"},
    ],
)
def test_bad_credentials_get_401_with_error_body(sim_client, headers):
    resp = sim_client.get("/2.0/user", headers=headers)
    assert resp.status_code == 401
    assert error_message(resp) == "Token is invalid, expired, or not supported for this endpoint."
    assert "WWW-Authenticate" in resp.headers


def test_anonymous_gets_401(sim_client):
    resp = sim_client.get("/2.0/workspaces/acme/members")
    assert resp.status_code == 401
    assert error_message(resp) == "Unauthorized"


def test_missing_api_token_scope_is_403_naming_the_scope(sim_client):
    resp = sim_client.put(
        INFRA + "/permissions-config/users/%7Bnone%7D", json={"permission": "read"}, headers=basic(*demo.ADMIN_READONLY)
    )
    assert resp.status_code == 403
    error = resp.get_json()["error"]
    assert error["message"] == "Your credentials lack one or more required privilege scopes."
    assert "write:permission:bitbucket" in error["detail"] and "admin:repository:bitbucket" in error["detail"]
    assert error["data"]["required"] == ["admin:repository:bitbucket", "write:permission:bitbucket"]


def test_api_token_scopes_do_not_imply_each_other(sim_client):
    # the demo member token has read scopes only (read:permission does not give delete:permission)
    resp = sim_client.delete(INFRA + "/permissions-config/users/%7Bx%7D", headers=basic(*demo.MEMBER))
    assert resp.status_code == 403
    assert "delete:permission:bitbucket" in resp.get_json()["error"]["detail"]


def test_oauth_client_credentials_token(sim_client):
    resp = token(sim_client)
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"access_token", "scopes", "expires_in", "token_type", "state"}
    assert body["expires_in"] == 7200 and body["token_type"] == "bearer" and body["state"] == "client_credentials"
    assert "refresh_token" not in body
    me = sim_client.get("/2.0/user", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.get_json()["display_name"] == "Adam Admin"


def test_oauth_client_id_and_secret_in_the_form_are_accepted(sim_client):
    form = {"grant_type": "client_credentials", "client_id": "demo-client-id", "client_secret": "demo-client-secret"}
    resp = sim_client.post("/site/oauth2/access_token", data=form)
    assert resp.status_code == 200


@pytest.mark.parametrize(
    "creds,form,status,error",
    [
        (("demo-client-id", "bad"), {"grant_type": "client_credentials"}, 400, "invalid_client"),
        (("nobody", "x"), {"grant_type": "client_credentials"}, 400, "invalid_client"),
        (demo.OAUTH_CLIENT, {"grant_type": "password"}, 400, "unsupported_grant_type"),
        (demo.OAUTH_CLIENT, {"foo": "bar"}, 400, "invalid_request"),
    ],
)
def test_oauth_token_errors(sim_client, creds, form, status, error):
    resp = token(sim_client, creds, **form)
    assert resp.status_code == status
    assert resp.get_json()["error"] == error


def test_oauth_token_expires_after_its_lifetime(sim_app, sim_client):
    access = token(sim_client).get_json()["access_token"]
    sim_app.clock.advance(7199)
    assert sim_client.get("/2.0/user", headers=bearer(access)).status_code == 200
    sim_app.clock.advance(2)
    resp = sim_client.get("/2.0/user", headers=bearer(access))
    assert resp.status_code == 401
    assert "expired" in error_message(resp)


def test_expire_tokens_knob_expires_existing_tokens_only(sim_app, sim_client):
    old = token(sim_client).get_json()["access_token"]
    sim_app.configure_faults({"expire_tokens": True})
    new = token(sim_client).get_json()["access_token"]
    assert sim_client.get("/2.0/user", headers=bearer(old)).status_code == 401
    assert sim_client.get("/2.0/user", headers=bearer(new)).status_code == 200


def test_oauth_classic_scopes_are_checked(sim_client):
    access = token(sim_client, demo.OAUTH_READONLY_CLIENT).get_json()["access_token"]
    resp = sim_client.get(INFRA + "/permissions-config/users", headers=bearer(access))
    assert resp.status_code == 403
    assert resp.get_json()["error"]["data"]["required"] == ["repository:admin"]
    assert sim_client.get("/2.0/workspaces/acme/members", headers=bearer(access)).status_code == 200


def test_access_tokens_cannot_call_user(sim_client):
    resp = sim_client.get("/2.0/user", headers=bearer(demo.WORKSPACE_ACCESS_TOKEN))
    assert resp.status_code == 401
    assert error_message(resp) == "Token is invalid, expired, or not supported for this endpoint."


@pytest.mark.parametrize(
    "path",
    [
        INFRA + "/permissions-config/users",
        INFRA + "/permissions-config/groups",
        INFRA + "/permissions-config/groups/ops",
        PROJECT + "/permissions-config/users",
        PROJECT + "/permissions-config/groups",
        PROJECT + "/permissions-config/groups/ops",
        "/2.0/workspaces/acme/permissions/repositories",
        "/2.0/workspaces/acme/permissions/repositories/infra-core",
        "/2.0/workspaces/acme/permissions",
    ],
)
@pytest.mark.parametrize("access_token", [demo.WORKSPACE_ACCESS_TOKEN, demo.PROJECT_ACCESS_TOKEN, demo.REPO_ACCESS_TOKEN])
def test_access_tokens_cannot_query_permissions(sim_client, path, access_token):
    resp = sim_client.get(path, headers=bearer(access_token))
    assert resp.status_code == 403
    assert "access tokens" in resp.get_json()["error"]["detail"].lower()


WRITES = [
    (method, base + tail)
    for base in (INFRA, PROJECT)
    for tail in ("/permissions-config/users/{user}", "/permissions-config/groups/qa")
    for method in ("PUT", "DELETE")
]


@pytest.mark.parametrize("method,path", WRITES)
@pytest.mark.parametrize("kind", ["oauth", "oauth-readonly", "workspace", "project", "repository"])
def test_permission_writes_refuse_oauth_and_access_tokens(sim_app, sim_client, method, path, kind):
    """Only HTTP Basic credentials (API tokens) change permissions: the spec's "JWT and OAuth authentication methods
    are unsupported" / "only ... via app passwords" (app passwords are now API tokens)."""
    headers = {
        "oauth": lambda: bearer(token(sim_client).get_json()["access_token"]),
        "oauth-readonly": lambda: bearer(token(sim_client, demo.OAUTH_READONLY_CLIENT).get_json()["access_token"]),
        "workspace": lambda: bearer(demo.WORKSPACE_ACCESS_TOKEN),
        "project": lambda: bearer(demo.PROJECT_ACCESS_TOKEN),
        "repository": lambda: bearer(demo.REPO_ACCESS_TOKEN),
    }[kind]()
    user = sim_app.state.accounts.get_by_email("dev001@acme.example")["account_id"]
    ws = sim_app.state.workspaces["acme"]
    before = [(dict(h.user_perms), dict(h.group_perms)) for h in (ws.repos["infra-core"], ws.projects["INFRA"])]
    resp = sim_client.open(
        path.format(user=user), method=method, json={"permission": "read"} if method == "PUT" else None, headers=headers
    )
    assert resp.status_code == 403
    error = resp.get_json()
    assert error["type"] == "error"
    assert error["error"]["message"] == "This authentication method is not supported for permission changes."
    assert "API token" in error["error"]["detail"]
    assert [(dict(h.user_perms), dict(h.group_perms)) for h in (ws.repos["infra-core"], ws.projects["INFRA"])] == before


def test_oauth_may_read_permissions_and_a_rejected_token_is_still_401(sim_client):
    access = bearer(token(sim_client).get_json()["access_token"])
    assert sim_client.get(INFRA + "/permissions-config/users", headers=access).status_code == 200
    assert sim_client.get(PROJECT + "/permissions-config/groups", headers=access).status_code == 200
    resp = sim_client.put(INFRA + "/permissions-config/groups/qa", json={"permission": "read"}, headers=bearer("nope"))
    assert resp.status_code == 401


def test_repository_access_token_is_confined_to_its_repository(sim_client):
    listing = sim_client.get("/2.0/repositories/acme?pagelen=100", headers=bearer(demo.REPO_ACCESS_TOKEN)).get_json()
    assert [repo["slug"] for repo in listing["values"]] == ["infra-core"]
    assert sim_client.get(INFRA, headers=bearer(demo.REPO_ACCESS_TOKEN)).status_code == 200
    assert sim_client.get("/2.0/repositories/acme/web-core", headers=bearer(demo.REPO_ACCESS_TOKEN)).status_code == 404
    # no "account" scope: cannot list members
    assert sim_client.get("/2.0/workspaces/acme/members", headers=bearer(demo.REPO_ACCESS_TOKEN)).status_code == 403


def test_project_and_workspace_access_tokens_confinement(sim_client):
    project = sim_client.get("/2.0/repositories/acme?pagelen=100", headers=bearer(demo.PROJECT_ACCESS_TOKEN)).get_json()
    assert project["size"] > 1
    assert all(repo["project"]["key"] == "INFRA" for repo in project["values"])
    workspace = sim_client.get("/2.0/repositories/acme?pagelen=1", headers=bearer(demo.WORKSPACE_ACCESS_TOKEN)).get_json()
    assert workspace["size"] == 64
    other = sim_client.get("/2.0/repositories/globex", headers=bearer(demo.WORKSPACE_ACCESS_TOKEN))
    assert other.status_code == 403
    members = sim_client.get("/2.0/workspaces/acme/members", headers=bearer(demo.WORKSPACE_ACCESS_TOKEN))
    assert members.status_code == 200


def test_request_log_names_credentials_never_secrets(sim_app, sim_client):
    sim_client.get("/2.0/user", headers=basic(*demo.ADMIN))
    sim_client.get("/2.0/user", headers=basic("admin@acme.example", "wrong-secret-value"))
    access = token(sim_client).get_json()["access_token"]
    sim_client.get("/2.0/user", headers=bearer(access))
    sim_client.get(INFRA, headers=bearer(demo.REPO_ACCESS_TOKEN))
    entries = sim_app.log.entries()
    assert [entry["credential"] for entry in entries] == [
        "api_token:demo-admin",
        "invalid:basic:admin@acme.example",
        "oauth:demo-client-id",
        "oauth:demo-client-id",
        "access_token:demo-repo-token",
    ]
    text = repr(entries)
    for secret in ("demo-admin-api-token", "wrong-secret-value", "demo-client-secret", access, demo.REPO_ACCESS_TOKEN):
        assert secret not in text
