# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live link between the organization (Admin API) and the Bitbucket workspace: product access makes a
workspace member; losing it removes the member and their effective permissions, explicit ones stay stored."""

from __future__ import annotations

import copy

import pytest

from atlsim import DEMO_SEED, demo
from atlsim.admin_testkit import ALL, BB_USER, DIR, KEY, USERS_GROUP, account_id, account_ids, members
from atlsim.app import create_app
from atlsim.state import SeedError, load_seed

PERM_URL = "/2.0/repositories/acme/infra-core/permissions-config/users/"
ALL_USERS = ALL + "/users/search"
EFFECTIVE = "/2.0/workspaces/acme/permissions/repositories/infra-core?pagelen=100"


def _effective_ids(client) -> set:
    return account_ids(client, EFFECTIVE)


def test_seed_is_consistent_with_todays_membership(sim_app):
    ws = sim_app.state.workspaces["acme"]
    org = sim_app.state.admin.orgs[demo.ORG_ID]
    ari = org.resource_ref("acme", "test").id
    assert org.users_with_access(ari) == set(ws.members)
    assert len(ws.members) == 260 and ws.departed == {}
    assert account_id(sim_app, demo.ADMIN_SUSPENDED_USER) not in ws.members


def test_membership_grants_the_workspace_then_a_repository_permission(sim_client, sim_app):
    aid = account_id(sim_app, demo.ADMIN_NO_ACCESS_USER)
    before = sim_client.put(PERM_URL + aid, json={"permission": "write"}, headers=BB_USER)
    assert before.status_code == 400  # not a workspace member yet
    assert aid not in members(sim_client)
    url = DIR + "/groups/%s/memberships" % USERS_GROUP
    assert sim_client.post(url, json={"accountId": aid}, headers=KEY).status_code == 204
    assert aid in members(sim_client)
    assert sim_client.get("/2.0/workspaces/acme/members/" + aid, headers=BB_USER).status_code == 200
    assert sim_client.put(PERM_URL + aid, json={"permission": "write"}, headers=BB_USER).status_code == 200
    assert aid in _effective_ids(sim_client)
    # removing the last granting membership: out of the members and the effective permissions, explicit stays stored
    assert sim_client.delete(url + "/" + aid, headers=KEY).status_code == 204
    assert aid not in members(sim_client)
    assert sim_client.get("/2.0/workspaces/acme/members/" + aid, headers=BB_USER).status_code == 404
    assert aid not in _effective_ids(sim_client)
    assert sim_app.state.workspaces["acme"].repos["infra-core"].user_perms[aid] == "write"
    # back in the group: the stored permission applies again
    assert sim_client.post(url, json={"accountId": aid}, headers=KEY).status_code == 204
    assert aid in _effective_ids(sim_client)


def test_suspend_removes_access_and_restore_gives_it_back_with_the_role(sim_client, sim_app):
    ws = sim_app.state.workspaces["acme"]
    admin_id = account_id(sim_app, "admin@acme.example")
    dev003 = account_id(sim_app, "dev003@acme.example")  # explicit admin on infra-core
    assert dev003 in _effective_ids(sim_client)
    for aid in (dev003, admin_id):
        assert sim_client.post(DIR + "/users/%s/suspend" % aid, headers=KEY).status_code == 204
    assert dev003 not in members(sim_client) and admin_id not in ws.members
    assert dev003 not in _effective_ids(sim_client)
    assert ws.repos["infra-core"].user_perms[dev003] == "admin"
    assert ws.perm_of(dev003, ws.repos["infra-core"]) is None
    for aid in (dev003, admin_id):
        assert sim_client.post(DIR + "/users/%s/restore" % aid, headers=KEY).status_code == 204
    assert dev003 in _effective_ids(sim_client)
    assert ws.members[admin_id] == {"role": "collaborator", "admin": True}


def test_restoring_the_suspended_demo_user_makes_a_member(sim_client, sim_app):
    aid = account_id(sim_app, demo.ADMIN_SUSPENDED_USER)
    assert aid not in members(sim_client)
    assert sim_client.post(DIR + "/users/%s/restore" % aid, headers=KEY).status_code == 204
    assert aid in members(sim_client)
    assert sim_app.state.workspaces["acme"].members[aid] == {"role": "member", "admin": False}


def test_another_granting_group_keeps_the_member(sim_client, sim_app):
    aid = account_id(sim_app, "admin@acme.example")  # in bitbucket-users-acme and bitbucket-admins-acme
    assert sim_client.delete(DIR + "/groups/%s/memberships/%s" % (USERS_GROUP, aid), headers=KEY).status_code == 204
    assert aid in sim_app.state.workspaces["acme"].members


def test_remove_from_directory_and_owner_is_never_removed(sim_client, sim_app):
    ws = sim_app.state.workspaces["acme"]
    dev040 = account_id(sim_app, "dev040@acme.example")
    owner = account_id(sim_app, demo.OWNER_EMAIL)
    assert sim_client.delete(DIR + "/users/" + dev040, headers=KEY).status_code == 204
    assert sim_client.post(DIR + "/users/%s/suspend" % owner, headers=KEY).status_code == 204
    assert dev040 not in ws.members and owner in ws.members and ws.is_owner(owner)
    assert len(members(sim_client)) == 259


def test_reset_brings_the_seed_back(sim_client, sim_app):
    aid = account_id(sim_app, "dev050@acme.example")
    assert sim_client.post(DIR + "/users/%s/suspend" % aid, headers=KEY).status_code == 204
    sim_app.reset()
    assert aid in sim_app.state.workspaces["acme"].members
    assert sim_app.state.admin.orgs[demo.ORG_ID].record(aid)[1]["status"] == "active"


def test_inconsistent_seed_is_refused():
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    groups = seed["admin"]["orgs"][0]["directories"][0]["groups"]
    groups[0]["workspace_members"] = []  # acme members without product access
    with pytest.raises(SeedError, match="without product access"):
        create_app(seed)


def test_a_seed_without_admin_has_no_organization():
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    del seed["admin"]
    app = create_app(seed)
    assert app.state.admin.orgs == {} and len(app.state.workspaces["acme"].members) == 260


def test_a_user_created_over_scim_joins_the_organization_without_access(sim_client, sim_app):
    scim = {"Authorization": "Bearer " + demo.SCIM_API_KEY, "Content-Type": "application/scim+json"}
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "scimhire@acme.example",
        "emails": [{"value": "scimhire@acme.example", "primary": True}],
        "active": True,
    }
    created = sim_client.post("/scim/directory/%s/Users" % demo.SCIM_DIRECTORY, json=body, headers=scim)
    assert created.status_code == 201, created.get_data(as_text=True)
    aid = created.get_json()["urn:scim:schemas:extension:atlassian-external:1.0"]["atlassianAccountId"]
    found = sim_client.post(ALL_USERS, json={"emails": ["scimhire@acme.example"], "expand": ["groups"]}, headers=KEY)
    users = found.get_json()["data"]
    assert [(u["accountId"], u["managementSource"], u["status"], u["groups"]) for u in users] == [(aid, "synced", "active", [])]
    assert aid not in members(sim_client)  # no group, no product access
    url = DIR + "/groups/%s/memberships" % USERS_GROUP
    assert sim_client.post(url, json={"accountId": aid}, headers=KEY).status_code == 204
    assert aid in members(sim_client)
