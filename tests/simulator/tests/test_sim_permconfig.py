# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""permissions-config users/groups: every status code the spec lists."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from atlsim import demo
from atlsim.demo import basic

ADMIN = basic(*demo.ADMIN)
BASE = "/2.0/repositories/acme/infra-core/permissions-config"


def acct(sim_app, email):
    return sim_app.state.accounts.get_by_email(email)


def test_list_users_is_explicit_only(sim_app, sim_client):
    body = sim_client.get(BASE + "/users", headers=ADMIN).get_json()
    got = {item["user"]["account_id"]: item["permission"] for item in body["values"]}
    expected = {
        acct(sim_app, "dev%03d@acme.example" % n)["account_id"]: perm for n, perm in ((1, "write"), (2, "read"), (3, "admin"))
    }
    assert got == expected and body["size"] == 3
    item = body["values"][0]
    assert item["type"] == "repository_user_permission"
    assert item["links"]["self"]["href"].endswith("/permissions-config/users/" + item["user"]["account_id"])
    # admin has admin on infra-core (workspace admin) but no explicit permission: not listed
    assert acct(sim_app, "admin@acme.example")["account_id"] not in got


def test_list_groups(sim_client):
    body = sim_client.get(BASE + "/groups", headers=ADMIN).get_json()
    assert {item["group"]["slug"]: item["permission"] for item in body["values"]} == {
        "ops": "admin",
        "developers": "read",
        "auditors": "read",
    }
    assert body["values"][0]["type"] == "repository_group_permission"
    assert body["values"][0]["group"]["full_slug"] == "acme:ops"


@pytest.mark.parametrize("form", ["account_id", "uuid", "encoded_uuid"])
def test_put_get_delete_user_by_any_id(sim_app, sim_client, form):
    dev = acct(sim_app, "dev200@acme.example")
    ident = {"account_id": dev["account_id"], "uuid": dev["uuid"], "encoded_uuid": quote(dev["uuid"], safe="")}[form]
    assert sim_client.get(BASE + "/users/" + ident, headers=ADMIN).status_code == 404
    put = sim_client.put(BASE + "/users/" + ident, json={"permission": "write"}, headers=ADMIN)
    assert put.status_code == 200
    assert put.get_json()["permission"] == "write" and put.get_json()["user"]["uuid"] == dev["uuid"]
    got = sim_client.get(BASE + "/users/" + ident, headers=ADMIN)
    assert got.status_code == 200 and got.get_json()["permission"] == "write"
    again = sim_client.put(BASE + "/users/" + ident, json={"permission": "read"}, headers=ADMIN)
    assert again.status_code == 200 and again.get_json()["permission"] == "read"
    assert sim_client.delete(BASE + "/users/" + ident, headers=ADMIN).status_code == 204
    assert sim_client.delete(BASE + "/users/" + ident, headers=ADMIN).status_code == 204  # none left: still 204


@pytest.mark.parametrize(
    "body",
    [
        {"permission": "owner"},
        {"permission": "none"},
        {"permission": None},
        {"permission": 3},
        {},
        {"permission": "read", "extra": 1},
        ["read"],
        "read",
    ],
)
def test_put_bad_body_is_400(sim_app, sim_client, body):
    dev = acct(sim_app, "dev200@acme.example")
    resp = sim_client.put(BASE + "/users/" + dev["account_id"], json=body, headers=ADMIN)
    assert resp.status_code == 400
    assert resp.get_json()["type"] == "error"


def test_put_invalid_json_is_400(sim_app, sim_client):
    dev = acct(sim_app, "dev200@acme.example")
    resp = sim_client.put(
        BASE + "/users/" + dev["account_id"], data="{permission: read", headers=ADMIN, content_type="application/json"
    )
    assert resp.status_code == 400


def test_put_non_member_and_owner_are_400(sim_app, sim_client):
    outsider = acct(sim_app, "newhire01@acme.example")
    resp = sim_client.put(BASE + "/users/" + outsider["account_id"], json={"permission": "read"}, headers=ADMIN)
    assert resp.status_code == 400 and "not a member" in resp.get_json()["error"]["detail"]
    owner = acct(sim_app, "owner@acme.example")
    resp = sim_client.put(BASE + "/users/" + owner["account_id"], json={"permission": "read"}, headers=ADMIN)
    assert resp.status_code == 400 and "owner" in resp.get_json()["error"]["detail"]


def test_unknown_repository_user_and_group_are_404(sim_client):
    assert sim_client.get("/2.0/repositories/acme/nope/permissions-config/users", headers=ADMIN).status_code == 404
    assert (
        sim_client.put(
            "/2.0/repositories/acme/nope/permissions-config/users/x", json={"permission": "read"}, headers=ADMIN
        ).status_code
        == 404
    )
    assert sim_client.put(BASE + "/users/557058:does-not-exist", json={"permission": "read"}, headers=ADMIN).status_code == 404
    assert (
        sim_client.put(
            BASE + "/users/%7B00000000-0000-4000-8000-000000000000%7D", json={"permission": "read"}, headers=ADMIN
        ).status_code
        == 404
    )
    assert sim_client.put(BASE + "/groups/nope", json={"permission": "read"}, headers=ADMIN).status_code == 404
    assert sim_client.get(BASE + "/groups/qa", headers=ADMIN).status_code == 404  # no explicit permission
    assert sim_client.delete(BASE + "/groups/qa", headers=ADMIN).status_code == 204  # "if one exists"
    assert sim_client.delete(BASE + "/groups/nope", headers=ADMIN).status_code == 404


def test_caller_must_be_repository_admin(sim_app, sim_client):
    dev = acct(sim_app, "dev200@acme.example")
    member = basic(*demo.MEMBER)  # write on infra-core, read scopes
    assert sim_client.get(BASE + "/users", headers=member).status_code == 403
    # all scopes but only write on web-core: 403 (not a repository admin)
    writer = basic(*demo.REPO_ADMIN)
    ws = sim_app.state.workspaces["acme"]
    repo = next(r for r in ws.repos.values() if ws.perm_of(acct(sim_app, "dev003@acme.example")["account_id"], r) == "write")
    resp = sim_client.put(
        "/2.0/repositories/acme/%s/permissions-config/users/%s" % (repo.slug, dev["account_id"]),
        json={"permission": "read"},
        headers=writer,
    )
    assert resp.status_code == 403
    # ... and a repository admin of infra-core may
    ok = sim_client.put(BASE + "/users/" + dev["account_id"], json={"permission": "admin"}, headers=writer)
    assert ok.status_code == 200


def test_invisible_private_repository_is_404(sim_app, sim_client):
    ws = sim_app.state.workspaces["globex"]
    dev = acct(sim_app, "dev001@acme.example")["account_id"]
    assert ws.repos["globex-api"].is_private and ws.perm_of(dev, ws.repos["globex-api"]) is None
    resp = sim_client.get("/2.0/repositories/globex/globex-api/permissions-config/users", headers=basic(*demo.MEMBER))
    assert resp.status_code == 404


def test_group_put_and_delete(sim_client):
    put = sim_client.put(BASE + "/groups/qa", json={"permission": "write"}, headers=ADMIN)
    assert put.status_code == 200
    assert put.get_json()["group"]["slug"] == "qa" and put.get_json()["permission"] == "write"
    assert sim_client.get(BASE + "/groups/qa", headers=ADMIN).get_json()["permission"] == "write"
    assert sim_client.delete(BASE + "/groups/qa", headers=ADMIN).status_code == 204
    assert sim_client.get(BASE + "/groups/qa", headers=ADMIN).status_code == 404


def small_seed(limit):
    accounts = [{"account_id": "557058:%d" % n, "email": "u%d@x.example" % n} for n in range(1, 7)]
    return {
        "accounts": accounts,
        "workspaces": [
            {
                "slug": "w",
                "plan_user_limit": limit,
                "members": [
                    {"user": "u1@x.example", "role": "owner"},
                    {"user": "u2@x.example", "role": "collaborator", "admin": True},
                    "u3@x.example",
                    "u4@x.example",
                    "u5@x.example",
                ],
                "groups": [{"slug": "late", "members": ["u4@x.example", "u5@x.example"]}],
                "repositories": [{"slug": "r1"}, {"slug": "r2", "user_permissions": {"u3@x.example": "read"}}],
            }
        ],
        "credentials": {
            "api_tokens": [
                {
                    "email": "u2@x.example",
                    "token": "t",
                    "scopes": [
                        "read:repository:bitbucket",
                        "admin:repository:bitbucket",
                        "write:permission:bitbucket",
                        "delete:permission:bitbucket",
                    ],
                }
            ]
        },
    }


def test_plan_user_limit_is_402(sim_factory):
    import requests  # pylint: disable=import-outside-toplevel

    # with access: u1 (owner), u2 (admin), u3 (read on r2) = 3 users; the limit is 3
    sim = sim_factory(small_seed(3))
    auth = ("u2@x.example", "t")
    url = sim.api_url + "/repositories/w/r1/permissions-config"
    # u3 already has access: granting more does not add a user
    assert requests.put(url + "/users/557058:3", json={"permission": "write"}, auth=auth, timeout=10).status_code == 200
    resp = requests.put(url + "/users/557058:4", json={"permission": "read"}, auth=auth, timeout=10)
    assert resp.status_code == 402
    assert resp.json()["error"]["message"].startswith("You have reached your plan's user limit")
    assert requests.put(url + "/groups/late", json={"permission": "read"}, auth=auth, timeout=10).status_code == 402
    # freeing a seat makes room
    assert (
        requests.delete(sim.api_url + "/repositories/w/r2/permissions-config/users/557058:3", auth=auth, timeout=10).status_code
        == 204
    )
    assert requests.delete(url + "/users/557058:3", auth=auth, timeout=10).status_code == 204
    assert requests.put(url + "/users/557058:4", json={"permission": "read"}, auth=auth, timeout=10).status_code == 200
    assert [e["status"] for e in sim.writes()] == [200, 402, 402, 204, 204, 200]


def test_cannot_grant_above_own_level(sim_app):
    """The HTTP path requires repository admin first; the grant check itself still refuses more than the caller has."""
    from atlsim.auth import Principal  # pylint: disable=import-outside-toplevel
    from atlsim.routes_permconfig import _check_grant  # pylint: disable=import-outside-toplevel
    from atlsim.web import ApiError, Ctx  # pylint: disable=import-outside-toplevel

    ws = sim_app.state.workspaces["acme"]
    writer = acct(sim_app, "dev001@acme.example")  # write on infra-core
    ctx = Ctx(None, sim_app.state, Principal("api_token", "x", "x", account=writer))
    target = acct(sim_app, "dev201@acme.example")["account_id"]
    _check_grant(ctx, ws, ws.repos["infra-core"], "write", [target])
    with pytest.raises(ApiError) as caught:
        _check_grant(ctx, ws, ws.repos["infra-core"], "admin", [target])
    assert caught.value.status == 403


def test_users_with_access_counts_direct_group_and_workspace_admins():
    """The 402 count: users with a direct or group permission on some repository, plus the workspace admins
    (who reach every repository); workspace admins are not in the effective permission lists."""
    from atlsim.app import create_app  # pylint: disable=import-outside-toplevel

    seed = small_seed(None)
    seed["workspaces"][0]["repositories"][0]["group_permissions"] = {"late": "read"}
    ws = create_app(seed).state.workspaces["w"]
    assert ws.users_with_access() == {"557058:1", "557058:2", "557058:3", "557058:4", "557058:5"}
    assert set(ws.effective(ws.repos["r1"])) == {"557058:4", "557058:5"}
    assert set(ws.effective(ws.repos["r2"])) == {"557058:3"}
    assert ws.perm_of("557058:2", ws.repos["r1"]) == "admin" and ws.perm_of("557058:1", ws.repos["r2"]) == "admin"
