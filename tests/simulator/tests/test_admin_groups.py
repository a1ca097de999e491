# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Admin API groups: search / list / get / count, memberships, role assignments, the synced-group refusal and
the product licence limit."""

from __future__ import annotations

import copy

import pytest

from atlsim import DEMO_SEED, demo
from atlsim.admin_testkit import (
    ADMINS_GROUP,
    ALL,
    DIR,
    KEY,
    SYNCED_GROUP,
    SYNCED_GROUP_NAME,
    USERS_GROUP,
    USERS_GROUP_NAME,
    account_id,
    all_pages,
    error_of,
)
from atlsim.app import create_app
from atlsim.pytest_plugin import LoopbackClient
from atlsim.state import load_seed


def test_group_search_default_page_and_counts_only_with_expand(sim_client):
    page = sim_client.post(ALL + "/groups/search", json={}, headers=KEY).get_json()
    assert [g["name"] for g in page["data"]] == ["bitbucket-admins-acme", "bitbucket-users-acme", "okta-engineering"]
    assert "counts" not in page["data"][0] and "next" not in page["links"]
    counted = sim_client.post(
        ALL + "/groups/search", json={"expand": ["counts.users", "counts.resources"]}, headers=KEY
    ).get_json()
    assert {g["name"]: g["counts"] for g in counted["data"]} == {
        "bitbucket-admins-acme": {"users": 2, "resources": 1},
        "bitbucket-users-acme": {"users": 261, "resources": 1},
        "okta-engineering": {"users": 3, "resources": 1},
    }


def test_group_pagination_follows_next(sim_client):
    items, pages = all_pages(sim_client, DIR + "/groups/search", {"limit": 1})
    assert pages == 3 and [g["name"] for g in items] == ["bitbucket-admins-acme", "bitbucket-users-acme", "okta-engineering"]
    desc = sim_client.post(
        DIR + "/groups/search", json={"sortBy": [{"field": "name", "direction": "desc"}]}, headers=KEY
    ).get_json()
    assert [g["name"] for g in desc["data"]] == ["okta-engineering", "bitbucket-users-acme", "bitbucket-admins-acme"]


def test_group_by_name_is_case_insensitive_exact(sim_client):
    found = sim_client.post(ALL + "/groups/search", json={"groupNames": ["BITBUCKET-users-acme"]}, headers=KEY).get_json()["data"]
    assert [g["id"] for g in found] == [USERS_GROUP]
    assert sim_client.post(ALL + "/groups/search", json={"groupNames": ["bitbucket"]}, headers=KEY).get_json()["data"] == []
    term = sim_client.post(ALL + "/groups/search", json={"searchTerm": "bitbucket"}, headers=KEY).get_json()["data"]
    assert len(term) == 2
    for body in (
        {"groupNames": ["a"], "searchTerm": "a"},
        {"groupNames": ["a"], "groupIds": ["b"]},
        {"expand": ["counts.x"]},
        {"groupIds": ["g%d" % i for i in range(11)]},
        {"groupNames": ["a", "a"]},
        {"accountIds": []},
        {"resourceIds": ["r%d" % i for i in range(21)]},
    ):
        response = sim_client.post(ALL + "/groups/search", json=body, headers=KEY)
        assert response.status_code == 400 and error_of(response)["code"] == "ADMIN-UAM-400-1", body
    # the spec's bounds: groupIds 10, groupNames 100 values
    ten = {"groupIds": ["g%d" % i for i in range(10)]}
    assert sim_client.post(ALL + "/groups/search", json=ten, headers=KEY).status_code == 200
    names = ["n%d" % i for i in range(99)] + ["bitbucket-users-acme"]
    found = sim_client.post(ALL + "/groups/search", json={"groupNames": names}, headers=KEY).get_json()["data"]
    assert [g["id"] for g in found] == [USERS_GROUP]


def test_groups_granting_a_resource_and_of_a_member(sim_client, sim_app):
    ari = sim_app.state.admin.orgs[demo.ORG_ID].resource_ref("acme", "test").id
    found = sim_client.post(ALL + "/groups/search", json={"resourceIds": [ari]}, headers=KEY).get_json()["data"]
    assert sorted(g["name"] for g in found) == ["bitbucket-admins-acme", "bitbucket-users-acme"]
    owners = sim_client.post(ALL + "/groups/search", json={"resourceOwners": ["confluence"]}, headers=KEY).get_json()["data"]
    assert [g["name"] for g in owners] == [SYNCED_GROUP_NAME]
    dev001 = account_id(sim_app, "dev001@acme.example")
    mine = sim_client.post(ALL + "/groups/search", json={"accountIds": [dev001]}, headers=KEY).get_json()["data"]
    assert sorted(g["name"] for g in mine) == [USERS_GROUP_NAME, SYNCED_GROUP_NAME]


def test_get_group_wrapped_with_flags_and_counts(sim_client):
    synced = sim_client.get(DIR + "/groups/" + SYNCED_GROUP, headers=KEY).get_json()
    assert set(synced) == {"data"}
    group = synced["data"]
    assert group["externalSynced"] is True and group["managedBy"] == "external"
    assert group["managementAccess"] == {"deletable": False, "modifiable": False, "readable": True}
    assert group["counts"] == {"users": 3, "resources": 1} and group["directoryId"] == demo.ADMIN_DIRECTORY_ID
    plain = sim_client.get(ALL + "/groups/" + USERS_GROUP, headers=KEY).get_json()["data"]
    assert plain["managementAccess"]["modifiable"] is True and plain["externalSynced"] is False
    missing = sim_client.get(DIR + "/groups/nope", headers=KEY)
    assert missing.status_code == 404 and error_of(missing)["code"] == "ADMIN-UAM-404-3"


def test_deprecated_get_groups_and_count(sim_client):
    page = sim_client.get(DIR + "/groups?groupIds=%s&groupIds=%s" % (USERS_GROUP, ADMINS_GROUP), headers=KEY).get_json()
    assert sorted(g["id"] for g in page["data"]) == sorted([USERS_GROUP, ADMINS_GROUP])
    assert sim_client.get(DIR + "/groups/count", headers=KEY).get_json() == {"count": 3}


def test_group_role_assignments(sim_client, sim_app):
    ari = sim_app.state.admin.orgs[demo.ORG_ID].resource_ref("acme", "test").id
    page = sim_client.get(DIR + "/groups/%s/role-assignments" % USERS_GROUP, headers=KEY).get_json()
    assert page["data"] == [
        {"resourceId": ari, "resourceOwner": "bitbucket", "defaultRole": "atlassian/user", "roles": ["atlassian/user"]}
    ]
    assert "next" not in page["links"]


def test_membership_add_then_duplicate_then_remove(sim_client, sim_app):
    aid = account_id(sim_app, demo.ADMIN_CONFLUENCE_ONLY_USER)
    url = DIR + "/groups/%s/memberships" % USERS_GROUP
    added = sim_client.post(url, json={"accountId": aid}, headers=KEY)
    assert added.status_code == 204 and added.get_data() == b""
    again = sim_client.post(url, json={"accountId": aid}, headers=KEY)
    assert again.status_code == 409 and error_of(again)["code"] == "ADMIN-UAM-409-2"
    assert sim_client.delete(url + "/" + aid, headers=KEY).status_code == 204
    gone = sim_client.delete(url + "/" + aid, headers=KEY)
    assert gone.status_code == 404 and error_of(gone)["code"] == "ADMIN-UAM-404-1"


@pytest.mark.parametrize("body", [{}, {"accountId": 5}, {"accountId": "x", "extra": 1}])
def test_membership_bad_body(sim_client, body):
    response = sim_client.post(DIR + "/groups/%s/memberships" % USERS_GROUP, json=body, headers=KEY)
    assert response.status_code == 400 and error_of(response)["code"] == "ADMIN-UAM-400-1"


def test_membership_errors(sim_client, sim_app):
    globex = account_id(sim_app, "owner@globex.example")
    outsider = sim_client.post(DIR + "/groups/%s/memberships" % USERS_GROUP, json={"accountId": globex}, headers=KEY)
    assert outsider.status_code == 404 and error_of(outsider)["code"] == "ADMIN-UAM-404-1"
    unknown = sim_client.post(DIR + "/groups/nope/memberships", json={"accountId": globex}, headers=KEY)
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "ADMIN-UAM-404-3"
    dash = sim_client.post(ALL + "/groups/%s/memberships" % USERS_GROUP, json={"accountId": globex}, headers=KEY)
    assert dash.status_code == 400


def test_synced_group_refuses_every_write_and_changes_nothing(sim_client, sim_app):
    aid = account_id(sim_app, demo.ADMIN_NO_ACCESS_USER)
    dev001 = account_id(sim_app, "dev001@acme.example")
    ari = sim_app.state.admin.orgs[demo.ORG_ID].resource_ref("acme", "test").id
    writes = [
        sim_client.post(DIR + "/groups/%s/memberships" % SYNCED_GROUP, json={"accountId": aid}, headers=KEY),
        sim_client.delete(DIR + "/groups/%s/memberships/%s" % (SYNCED_GROUP, dev001), headers=KEY),
        sim_client.post(
            DIR + "/groups/%s/role-assignments/assign" % SYNCED_GROUP,
            json={"resourceId": ari, "roleId": "atlassian/user"},
            headers=KEY,
        ),
    ]
    for response in writes:
        error = error_of(response)
        assert response.status_code == 403 and error["code"] == "ADMIN-UAM-403-1"
        assert "identity provider" in error["detail"]
    group = sim_client.get(DIR + "/groups/" + SYNCED_GROUP, headers=KEY).get_json()["data"]
    assert group["counts"] == {"users": 3, "resources": 1}
    assert aid not in sim_app.state.workspaces["acme"].members


def test_group_role_assign_and_revoke_drive_access(sim_client, sim_app):
    ari = sim_app.state.admin.orgs[demo.ORG_ID].resource_ref("acme", "test").id
    wiki = next(r for r in sim_app.state.admin.orgs[demo.ORG_ID].resources if r.startswith("ari:cloud:confluence"))
    admins = sim_app.state.admin.orgs[demo.ORG_ID].directories[demo.ADMIN_DIRECTORY_ID].groups[ADMINS_GROUP]
    url = DIR + "/groups/%s/role-assignments/" % ADMINS_GROUP
    bad_role = sim_client.post(url + "assign", json={"resourceId": ari, "roleId": "atlassian/org-admin"}, headers=KEY)
    assert bad_role.status_code == 400 and error_of(bad_role)["code"] == "ADMIN-UAM-400-3"
    bad_resource = sim_client.post(
        url + "assign", json={"resourceId": "ari:cloud:x::y/1", "roleId": "atlassian/user"}, headers=KEY
    )
    assert bad_resource.status_code == 404
    assigned = sim_client.post(url + "assign", json={"resourceId": wiki, "roleId": "atlassian/user"}, headers=KEY)
    assert assigned.status_code == 200 and assigned.get_data() == b""  # the spec: 200 "Success", no body
    assert set(admins.roles) == {ari, wiki}
    assert sim_client.post(url + "revoke", json={"resourceId": wiki, "roleId": "atlassian/user"}, headers=KEY).status_code == 204
    assert set(admins.roles) == {ari}


def _small_seed(seats: int) -> dict:
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    seed["admin"]["orgs"][0]["resources"][0]["seats"] = seats
    return seed


def test_licence_limit_is_409_and_names_the_product():
    app = create_app(_small_seed(260))
    client = LoopbackClient(app)
    aid = account_id(app, demo.ADMIN_NO_ACCESS_USER)
    full = client.post(DIR + "/groups/%s/memberships" % USERS_GROUP, json={"accountId": aid}, headers=KEY)
    error = error_of(full)
    assert full.status_code == 409 and error["code"] == "ADMIN-UAM-409-3" and "bitbucket acme" in error["detail"]
    assert aid not in app.state.admin.orgs[demo.ORG_ID].directories[demo.ADMIN_DIRECTORY_ID].groups[USERS_GROUP].members
    invite = client.post(
        "/admin/v2/orgs/%s/users/invite" % demo.ORG_ID,
        headers=KEY,
        json={"emails": ["late@acme.example"], "additionalGroups": [USERS_GROUP]},
    )
    assert invite.status_code == 409 and error_of(invite)["code"] == "ADMIN-UAM-409-3"
    assert app.state.accounts.get_by_email("late@acme.example") is None
    # a member leaving frees a seat
    dev030 = account_id(app, "dev030@acme.example")
    assert client.delete(DIR + "/groups/%s/memberships/%s" % (USERS_GROUP, dev030), headers=KEY).status_code == 204
    assert client.post(DIR + "/groups/%s/memberships" % USERS_GROUP, json={"accountId": aid}, headers=KEY).status_code == 204


def test_restore_is_never_refused_for_seats():
    """The spec declares no 409 for a restore ("We resume billing you for this user"): it goes through even when the
    product is full, and the next addition is refused."""
    app = create_app(_small_seed(260))
    client = LoopbackClient(app)
    suspended = account_id(app, demo.ADMIN_SUSPENDED_USER)
    assert client.post(DIR + "/users/%s/restore" % suspended, headers=KEY).status_code == 204
    assert client.get(DIR + "/users/" + suspended, headers=KEY).get_json()["data"]["status"] == "active"
    assert suspended in app.state.workspaces["acme"].members
    aid = account_id(app, demo.ADMIN_NO_ACCESS_USER)
    full = client.post(DIR + "/groups/%s/memberships" % USERS_GROUP, json={"accountId": aid}, headers=KEY)
    assert full.status_code == 409 and error_of(full)["code"] == "ADMIN-UAM-409-3"
