# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit events the simulator's writes record (:mod:`atlsim.audit_events`), with the demo seed: one event per real
change, actor = the credential used, the affected objects in ``context``; no event for a no-op or a failed write."""

from __future__ import annotations

import hashlib

import pytest

from atlsim import DEMO_SEED, demo
from atlsim.admin_state import stable_id
from atlsim.admin_testkit import DIR, KEY, USERS_GROUP, USERS_GROUP_NAME, account_id
from atlsim.app import create_app
from atlsim.clock import FakeClock
from atlsim.scim_testkit import patch, user

ADMIN = demo.basic(*demo.ADMIN)
PROJECT_ADMIN = demo.basic(*demo.PROJECT_ADMIN)
OWNER = demo.basic(*demo.OWNER)
ADMIN_TOKEN = ("06d38d63-cbf1-526d-8206-e1fae0c1dfba", "bitbucket-automation")  # demo-admin's token_id (seed)
REPO = "/2.0/repositories/acme/infra-core/permissions-config"
PROJECT = "/2.0/workspaces/acme/projects/PLAT/permissions-config"
SCIM = "/scim/directory/%s" % demo.SCIM_DIRECTORY
SCIM_KEY = {**demo.bearer(demo.SCIM_API_KEY), "Content-Type": "application/scim+json"}
KEY_ACTOR = {
    "id": stable_id("api-key", "demo-org-admin"),
    "name": "Organization API key demo-org-admin",
    "auth": {"authType": "api-token", "tokenId": stable_id("api-key", "demo-org-admin"), "tokenLabel": "demo-org-admin"},
}


@pytest.fixture(name="app")
def fixture_app():
    return create_app(DEMO_SEED, clock=FakeClock(1_800_000_000.0))


def only_event(app, action: str) -> dict:
    events = app.events.all()
    assert [e["attributes"]["action"] for e in events] == [action], events
    return events[0]["attributes"]


def of_type(attributes: dict, kind: str, where: str = "context") -> dict:
    found = [item for item in attributes[where] if item.get("type") == kind]
    assert len(found) == 1, attributes[where]
    return found[0]


def user_context(app, email: str) -> dict:
    account = app.state.accounts.get_by_email(email)
    return {"id": account["account_id"], "type": "user", "attributes": {"email": email, "name": account["display_name"]}}


# -- Bitbucket permissions-config ------------------------------------------------------------------------
def test_repository_user_grant_records_one_event_with_the_token_of_the_credential(app, client):
    dev = account_id(app, "dev010@acme.example")
    answer = client.put(REPO + "/users/" + dev, json={"permission": "admin"}, headers=ADMIN)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    event = only_event(app, "bitbucket_repository_permission_updated")
    admin = app.state.accounts.get_by_email("admin@acme.example")
    assert event["actor"] == {
        "id": admin["account_id"],
        "email": "admin@acme.example",
        "name": admin["display_name"],
        "auth": {"authType": "api-token", "tokenId": ADMIN_TOKEN[0], "tokenLabel": ADMIN_TOKEN[1]},
    }
    assert of_type(event, "user") == user_context(app, "dev010@acme.example")
    repo = of_type(event, "bitbucket-repository")
    assert repo["attributes"]["fullName"] == "acme/infra-core" and repo["attributes"]["permission"] == "admin"
    assert "previousPermission" not in repo["attributes"]  # no explicit permission before
    assert of_type(event, "bitbucket-workspace", "container")["attributes"] == {"slug": "acme", "product": "bitbucket"}
    assert of_type(event, "organization", "container")["id"] == demo.ORG_ID


def test_same_level_put_and_failed_writes_record_nothing(app, client):
    dev = account_id(app, "dev001@acme.example")  # explicit write on infra-core in the seed
    assert app.state.workspaces["acme"].repos["infra-core"].user_perms[dev] == "write"
    assert client.put(REPO + "/users/" + dev, json={"permission": "write"}, headers=ADMIN).status_code == 200
    assert client.put(REPO + "/users/" + dev, json={"permission": "owner"}, headers=ADMIN).status_code == 400
    readonly = demo.basic(*demo.ADMIN_READONLY)
    assert client.put(REPO + "/users/" + dev, json={"permission": "admin"}, headers=readonly).status_code == 403
    assert client.delete(REPO + "/groups/qa", headers=ADMIN).status_code == 204  # qa holds nothing there: no change
    assert app.events.all() == []
    assert client.put(REPO + "/users/" + dev, json={"permission": "read"}, headers=ADMIN).status_code == 200
    repo = of_type(only_event(app, "bitbucket_repository_permission_updated"), "bitbucket-repository")
    assert (repo["attributes"]["permission"], repo["attributes"]["previousPermission"]) == ("read", "write")


def test_repository_group_change_and_removal(app, client):
    assert client.put(REPO + "/groups/developers", json={"permission": "write"}, headers=ADMIN).status_code == 200
    assert client.delete(REPO + "/groups/developers", headers=ADMIN).status_code == 204
    events = [e["attributes"] for e in app.events.all()]
    assert [e["action"] for e in events] == [
        "bitbucket_repository_permission_updated",
        "bitbucket_repository_permission_removed",
    ]
    assert of_type(events[0], "group") == {
        "id": "developers",
        "type": "group",
        "attributes": {"name": "Developers", "slug": "developers"},
    }
    removed = of_type(events[1], "bitbucket-repository")["attributes"]
    assert "permission" not in removed and removed["previousPermission"] == "write"


def test_project_permissions_by_the_project_admin(app, client):
    dev = account_id(app, "dev010@acme.example")
    assert client.put(PROJECT + "/users/" + dev, json={"permission": "write"}, headers=PROJECT_ADMIN).status_code == 200
    assert client.put(PROJECT + "/users/" + dev, json={"permission": "write"}, headers=PROJECT_ADMIN).status_code == 200
    assert client.delete(PROJECT + "/groups/qa", headers=PROJECT_ADMIN).status_code == 204
    events = [e["attributes"] for e in app.events.all()]
    assert [e["action"] for e in events] == ["bitbucket_project_permission_updated", "bitbucket_project_permission_removed"]
    project_admin = app.state.accounts.get_by_email("dev179@acme.example")
    token_id = next(c["token_id"] for c in app.seed["credentials"]["api_tokens"] if c["id"] == "demo-project-admin")
    assert token_id in {t["id"] for t in app.state.activity.tokens[project_admin["account_id"]]}
    for event in events:
        assert event["actor"]["id"] == project_admin["account_id"]
        assert event["actor"]["auth"] == {"authType": "api-token", "tokenId": token_id, "tokenLabel": "bitbucket-project-admin"}
    project = of_type(events[0], "bitbucket-project")["attributes"]
    assert (project["key"], project["permission"]) == ("PLAT", "write")
    assert of_type(events[1], "group")["id"] == "qa"


def test_a_credential_without_token_id_gets_a_derived_token_id(app, client):
    dev = account_id(app, "dev010@acme.example")
    assert client.put(REPO + "/users/" + dev, json={"permission": "read"}, headers=OWNER).status_code == 200
    auth = only_event(app, "bitbucket_repository_permission_updated")["actor"]["auth"]
    expected = "tok-" + hashlib.sha256(b"demo-owner").hexdigest()[:16]
    assert auth == {"authType": "api-token", "tokenId": expected, "tokenLabel": "demo-owner"}


# -- Admin API ---------------------------------------------------------------------------------------------
def test_suspend_and_restore_record_only_real_changes(app, client):
    dev = account_id(app, "dev010@acme.example")
    url = DIR + "/users/" + dev
    for _unused in range(2):
        assert client.post(url + "/suspend", headers=KEY).status_code == 204
    event = only_event(app, "user_access_suspended")
    assert event["actor"] == KEY_ACTOR
    assert event["context"] == [user_context(app, "dev010@acme.example")]
    assert of_type(event, "organization", "container")["id"] == demo.ORG_ID
    assert client.post(url + "/restore", headers=KEY).status_code == 204
    assert client.post(url + "/restore", headers=KEY).status_code == 204
    assert [e["attributes"]["action"] for e in app.events.all()] == ["user_access_suspended", "user_access_restored"]


def test_group_membership_and_removal_from_the_directory(app, client):
    dev = account_id(app, "newhire02@acme.example")  # in the directory, in no group
    members = DIR + "/groups/%s/memberships" % USERS_GROUP
    assert client.post(members, json={"accountId": dev}, headers=KEY).status_code == 204
    assert client.post(members, json={"accountId": dev}, headers=KEY).status_code == 409  # already a member: nothing
    assert client.delete(members + "/" + dev, headers=KEY).status_code == 204
    assert client.delete(members + "/" + dev, headers=KEY).status_code == 404
    assert client.delete(DIR + "/users/" + dev, headers=KEY).status_code == 204
    events = [e["attributes"] for e in app.events.all()]
    assert [e["action"] for e in events] == ["group_member_added", "group_member_removed", "user_removed_from_directory"]
    group = {"id": USERS_GROUP, "type": "group", "attributes": {"name": USERS_GROUP_NAME}}
    assert events[0]["context"] == [user_context(app, "newhire02@acme.example"), group]
    assert events[1]["context"] == events[0]["context"]
    assert all(e["actor"] == KEY_ACTOR for e in events)


def test_api_token_revocation(app, client):
    dev = account_id(app, "dev001@acme.example")
    token = app.state.activity.tokens[dev][1]
    url = "/users/%s/manage/api-tokens/%s" % (dev, token["id"])
    assert client.delete(url, headers=KEY).status_code == 204
    assert client.delete(url, headers=KEY).status_code == 404
    event = only_event(app, "api_token_revoked")
    assert event["actor"] == KEY_ACTOR
    assert event["context"][0] == user_context(app, "dev001@acme.example")
    assert event["context"][1] == {"id": token["id"], "type": "api-token", "attributes": {"label": "laptop-cli"}}


# -- SCIM --------------------------------------------------------------------------------------------------
def scim_user_id(app, email: str) -> str:
    return next(u["id"] for u in app.scim_app.users(demo.SCIM_DIRECTORY) if u["userName"] == email)


def test_scim_deactivation_names_the_linked_account(app, client):
    ident = scim_user_id(app, "dev002@acme.example")
    off = patch({"op": "replace", "path": "active", "value": False})
    assert client.patch(SCIM + "/Users/" + ident, json=off, headers=SCIM_KEY).status_code == 200
    assert client.patch(SCIM + "/Users/" + ident, json=off, headers=SCIM_KEY).status_code in (200, 204)  # no change
    event = only_event(app, "user_deactivated")
    assert event["context"] == [user_context(app, "dev002@acme.example")]
    directory = stable_id("scim-directory", demo.SCIM_DIRECTORY)
    assert event["actor"] == {
        "id": directory,
        "name": "Identity provider (%s)" % demo.SCIM_DIRECTORY,
        "app": {"id": directory, "type": "scim"},
        "auth": {
            "authType": "api-token",
            "tokenId": stable_id("scim-key", demo.SCIM_DIRECTORY),
            "tokenLabel": "SCIM %s" % demo.SCIM_DIRECTORY,
        },
    }
    on = patch({"op": "replace", "value": {"active": True}})
    assert client.patch(SCIM + "/Users/" + ident, json=on, headers=SCIM_KEY).status_code == 200
    assert [e["attributes"]["action"] for e in app.events.all()] == ["user_deactivated", "user_reactivated"]


def test_scim_put_inactive_and_delete(app, client):
    created = client.post(SCIM + "/Users", json=user("leaver"), headers=SCIM_KEY)
    assert created.status_code == 201, created.get_data(as_text=True)
    ident = created.get_json()["id"]
    assert app.events.all() == []  # a creation is no (de)activation
    replacement = dict(user("leaver"), active=False)
    assert client.put(SCIM + "/Users/" + ident, json=replacement, headers=SCIM_KEY).status_code == 200
    assert client.delete(SCIM + "/Users/" + ident, headers=SCIM_KEY).status_code == 204  # already inactive: nothing
    dev = scim_user_id(app, "dev001@acme.example")
    assert client.delete(SCIM + "/Users/" + dev, headers=SCIM_KEY).status_code == 204
    assert client.delete(SCIM + "/Users/" + dev, headers=SCIM_KEY).status_code == 404
    events = [e["attributes"] for e in app.events.all()]
    assert [e["action"] for e in events] == ["user_deactivated", "user_deactivated"]
    assert events[0]["context"][0]["attributes"]["email"] == "leaver@acme.example"
    assert events[0]["context"][0]["id"] == app.state.accounts.get_by_email("leaver@acme.example")["account_id"]
    assert events[1]["context"] == [user_context(app, "dev001@acme.example")]


def test_scim_refused_write_records_nothing(app, client):
    ident = scim_user_id(app, "dev002@acme.example")
    off = patch({"op": "replace", "path": "active", "value": False})
    assert client.patch(SCIM + "/Users/" + ident, json=off, headers=demo.bearer("wrong")).status_code == 401
    assert app.events.all() == []
