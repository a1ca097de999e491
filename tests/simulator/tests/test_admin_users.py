# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Admin API users: search / list / details / count, cursor pagination, suspend / restore / remove, role
assignments, invite, organizations, directories, workspaces, auth and error shapes."""

from __future__ import annotations

import base64
import copy
import json

import pytest

from atlsim import DEMO_SEED, demo
from atlsim.app import create_app
from atlsim.pytest_plugin import LoopbackClient
from atlsim.state import load_seed
from atlsim.admin_testkit import ALL, DIR, KEY, ORG, READONLY, USERS_GROUP, account_id, all_pages, error_of


def test_user_search_pages_with_cursors_until_no_next(sim_client):
    items, pages = all_pages(sim_client, ALL + "/users/search", {"limit": 100})
    assert pages == 3 and len(items) == 263  # 260 acme members + the three newhires
    assert len({u["accountId"] for u in items}) == 263
    nicknames = [u["nickname"].lower() for u in items]
    assert nicknames == sorted(nicknames)  # default order = sortBy nick_name asc
    first = sim_client.post(ALL + "/users/search", json={}, headers=KEY).get_json()
    assert len(first["data"]) == 50 and set(first["links"]) == {"self", "next"}  # default limit 50, no prev on page 1
    decoded = json.loads(base64.urlsafe_b64decode(first["links"]["next"] + "==="))
    assert decoded["o"] == 50 and decoded["l"] == 50
    second = sim_client.post(ALL + "/users/search", json={"cursor": first["links"]["next"], "limit": 3}, headers=KEY).get_json()
    assert len(second["data"]) == 50 and "prev" in second["links"]  # the cursor wins: other parameters are discarded


def test_sort_and_bad_parameters(sim_client):
    asc = sim_client.post(
        ALL + "/users/search", json={"limit": 5, "sortBy": [{"field": "nick_name", "direction": "asc"}]}, headers=KEY
    ).get_json()["data"]
    default = sim_client.post(ALL + "/users/search", json={"limit": 5}, headers=KEY).get_json()["data"]
    assert asc == default
    desc = sim_client.post(
        ALL + "/users/search", json={"limit": 5, "sortBy": [{"field": "nick_name", "direction": "desc"}]}, headers=KEY
    ).get_json()["data"]
    assert desc[0]["nickname"].lower() >= asc[-1]["nickname"].lower()
    for body in (
        {"sortBy": [{"field": "nick_name"}, {"field": "nick_name"}]},
        {"limit": 101},
        {"limit": 0},
        {"limit": "x"},
        {"searchTerm": "dev", "emails": ["dev001@acme.example"]},
        {"cursor": "not-a-cursor"},
        {"emails": ["dev%03d@acme.example" % i for i in range(1, 102)]},
        {"nope": 1},
        {"expand": ["secrets"]},
        {"accountIds": ["557058:%d" % i for i in range(11)]},
        {"groupIds": ["g%d" % i for i in range(11)]},
        {"emails": []},
        {"emails": ["a@acme.example", "a@acme.example"]},
        {"status": ["gone"]},
        {"claimStatus": "maybe"},
        {"mfaEnabled": "yes"},
        {"roleIds": ["atlassian/owner"]},
    ):
        response = sim_client.post(ALL + "/users/search", json=body, headers=KEY)
        assert response.status_code == 400, body
        assert error_of(response)["code"] == "ADMIN-UAM-400-1"


def test_search_takes_every_field_of_the_spec_within_its_bounds(sim_client, sim_app):
    """MultiDirectoryUserSearchRequest: emails up to 100, accountIds and groupIds up to 10; claimStatus, emailDomains,
    mfaEnabled, roleIds, accountStatus, directoryIds filter."""
    emails = ["dev%03d@acme.example" % i for i in range(1, 101)]
    found, _pages = all_pages(sim_client, ALL + "/users/search", {"emails": emails, "limit": 100})
    assert len(found) == 100
    ids = [account_id(sim_app, e) for e in emails[:10]]
    assert len(sim_client.post(ALL + "/users/search", json={"accountIds": ids}, headers=KEY).get_json()["data"]) == 10
    body = {
        "emails": emails[:3],
        "claimStatus": "managed",
        "emailDomains": ["acme.example"],
        "mfaEnabled": False,
        "accountStatus": ["active"],
        "directoryIds": [demo.ADMIN_DIRECTORY_ID],
        "roleIds": ["atlassian/user"],
    }
    assert len(sim_client.post(ALL + "/users/search", json=body, headers=KEY).get_json()["data"]) == 3
    for narrower in (
        {"claimStatus": "unmanaged"},
        {"emailDomains": ["globex.example"]},
        {"mfaEnabled": True},
        {"accountStatus": ["closed"]},
        {"roleIds": ["atlassian/site-admin"]},
        {"directoryIds": ["other"]},
    ):
        assert sim_client.post(ALL + "/users/search", json=dict(body, **narrower), headers=KEY).get_json()["data"] == [], narrower


def test_search_by_emails_and_account_ids(sim_client, sim_app):
    emails = ["DEV010@acme.example", "dev011@acme.example", "nobody@acme.example", demo.ADMIN_NO_ACCESS_USER]
    found = sim_client.post(ALL + "/users/search", json={"emails": emails}, headers=KEY).get_json()["data"]
    assert sorted(u["email"] for u in found) == ["dev010@acme.example", "dev011@acme.example", demo.ADMIN_NO_ACCESS_USER]
    ids = [account_id(sim_app, "dev010@acme.example"), "557058:unknown"]
    found = sim_client.post(ALL + "/users/search", json={"accountIds": ids}, headers=KEY).get_json()["data"]
    assert [u["accountId"] for u in found] == ids[:1]
    term = sim_client.post(ALL + "/users/search", json={"searchTerm": "newhire"}, headers=KEY).get_json()["data"]
    assert len(term) == 3
    suspended = sim_client.post(ALL + "/users/search", json={"status": ["suspended"]}, headers=KEY).get_json()["data"]
    assert [u["email"] for u in suspended] == [demo.ADMIN_SUSPENDED_USER]


def test_search_expand_groups_and_product_access(sim_client, sim_app):
    body = {"emails": ["dev001@acme.example"], "expand": ["groups", "productAccess", "counts.resources"]}
    user = sim_client.post(DIR + "/users/search", json=body, headers=KEY).get_json()["data"][0]
    assert sorted(g["name"] for g in user["groups"]) == ["bitbucket-users-acme", "okta-engineering"]
    assert sorted(p["key"] for p in user["productAccess"]) == ["bitbucket", "confluence"]
    assert user["counts"] == {"resources": 2}
    plain = sim_client.post(DIR + "/users/search", json={"emails": ["dev001@acme.example"]}, headers=KEY).get_json()["data"][0]
    assert "groups" not in plain and "productAccess" not in plain
    assert plain["status"] == "active" and plain["membershipStatus"] == "active" and plain["claimStatus"] == "managed"
    nobody = sim_client.post(
        DIR + "/users/search", json={"emails": [demo.ADMIN_NO_ACCESS_USER], "expand": ["groups", "productAccess"]}, headers=KEY
    ).get_json()["data"][0]
    assert nobody["groups"] == [] and nobody["productAccess"] == []
    assert account_id(sim_app, demo.ADMIN_NO_ACCESS_USER) not in sim_app.state.workspaces["acme"].members


def test_members_of_a_group_by_search(sim_client):
    items, pages = all_pages(sim_client, ALL + "/users/search", {"groupIds": [USERS_GROUP], "limit": 100})
    assert len(items) == 261 and pages == 3  # 260 members + the suspended newhire01
    assert sum(1 for u in items if u["status"] == "suspended") == 1


@pytest.mark.sim_lenient  # lenient: the lenient GET listing takes emails=, which the spec does not declare
def test_deprecated_get_users_and_count(sim_client):
    page = sim_client.get(DIR + "/users?limit=2&emails=dev001@acme.example&emails=dev002@acme.example", headers=KEY).get_json()
    assert sorted(u["email"] for u in page["data"]) == ["dev001@acme.example", "dev002@acme.example"]
    assert sim_client.get(DIR + "/users/count", headers=KEY).get_json() == {"count": 263}
    assert sim_client.get(DIR + "/users/count?status=suspended", headers=KEY).get_json() == {"count": 1}


def test_user_details_are_wrapped_and_404_for_unknown(sim_client, sim_app):
    aid = account_id(sim_app, "dev005@acme.example")
    body = sim_client.get(DIR + "/users/" + aid, headers=KEY).get_json()
    assert set(body) == {"data"} and body["data"]["accountId"] == aid
    missing = sim_client.get(DIR + "/users/557058:nobody", headers=KEY)
    assert missing.status_code == 404 and error_of(missing)["code"] == "ADMIN-UAM-404-1"
    globex = account_id(sim_app, "owner@globex.example")  # an account of another organization
    assert sim_client.get(DIR + "/users/" + globex, headers=KEY).status_code == 404


def test_unknown_org_directory_and_path(sim_client):
    other = sim_client.post(
        "/admin/v2/orgs/00000000-0000-0000-0000-000000000000/directories/-/users/search", json={}, headers=KEY
    )
    assert other.status_code == 404 and error_of(other)["code"] == "ADMIN-UAM-404-2"
    bad_dir = sim_client.post(ORG + "/directories/nope/users/search", json={}, headers=KEY)
    assert bad_dir.status_code == 404 and error_of(bad_dir)["code"] == "ADMIN-UAM-404-1"
    assert sim_client.get("/admin/v2/nothing", headers=KEY).status_code == 404
    wrong_method = sim_client.put(DIR + "/users/search", json={}, headers=KEY)
    assert wrong_method.status_code == 405 and wrong_method.headers["Allow"] == "POST"


@pytest.mark.parametrize(
    "headers", [{}, demo.bearer("wrong-key"), demo.basic(*demo.ADMIN), {"Authorization": "demo-org-admin-api-key"}]
)
def test_missing_or_wrong_key_is_401(sim_client, sim_app, headers):
    response = sim_client.post(ALL + "/users/search", json={}, headers=headers)
    assert response.status_code == 401 and error_of(response)["code"] == "ADMIN-UAM-401-1"
    v1 = sim_client.get("/admin/v1/orgs", headers=headers)
    assert v1.status_code == 401 and set(v1.get_json()) == {"code", "message"} and v1.get_json()["code"] == 401
    log = sim_app.log.entries()
    assert log[-1]["credential"] in ("anonymous", "admin:invalid")
    assert "demo-org-admin-api-key" not in json.dumps(log) and "wrong-key" not in json.dumps(log)


def test_scoped_key_reads_but_cannot_write(sim_client, sim_app):
    assert sim_client.post(ALL + "/users/search", json={}, headers=READONLY).status_code == 200
    assert sim_client.post(ALL + "/groups/search", json={}, headers=READONLY).status_code == 200
    aid = account_id(sim_app, "dev010@acme.example")
    refused = sim_client.post(DIR + "/users/%s/suspend" % aid, headers=READONLY)
    assert refused.status_code == 403 and error_of(refused)["code"] == "ADMIN-UAM-403-1"
    v1 = sim_client.post(
        "/admin/v1/orgs/%s/users/%s/roles/assign" % (demo.ORG_ID, aid),
        headers=READONLY,
        json={"role": "atlassian/user", "resource": "x"},
    )
    assert v1.status_code == 401 and error_of(v1)["code"] == "ADMIN-401-2"
    assert sim_app.log.entries()[-1]["credential"] == "admin:demo-org-readonly"


def test_suspend_restore_remove_and_directory_dash_refused_for_writes(sim_client, sim_app):
    aid = account_id(sim_app, "dev020@acme.example")
    dash = sim_client.post(ALL + "/users/%s/suspend" % aid, headers=KEY)
    assert dash.status_code == 400 and error_of(dash)["code"] == "ADMIN-UAM-400-1"
    for _unused in range(2):  # idempotent
        response = sim_client.post(DIR + "/users/%s/suspend" % aid, headers=KEY)
        assert response.status_code == 204 and response.get_data() == b""
    assert sim_client.get(DIR + "/users/" + aid, headers=KEY).get_json()["data"]["status"] == "suspended"
    assert sim_client.post(DIR + "/users/%s/restore" % aid, headers=KEY).status_code == 204
    assert sim_client.get(DIR + "/users/" + aid, headers=KEY).get_json()["data"]["status"] == "active"
    assert sim_client.delete(DIR + "/users/" + aid, headers=KEY).status_code == 204
    assert sim_client.get(DIR + "/users/" + aid, headers=KEY).status_code == 404
    assert sim_client.post(DIR + "/users/%s/restore" % aid, headers=KEY).status_code == 404
    assert sim_client.delete(DIR + "/users/" + aid, headers=KEY).status_code == 404


def test_user_role_assignments_tell_how(sim_client, sim_app):
    aid = account_id(sim_app, "admin@acme.example")
    page = sim_client.get(DIR + "/users/%s/role-assignments" % aid, headers=KEY).get_json()
    (entry,) = page["data"]
    assert entry["resourceOwner"] == "bitbucket" and entry["resourceId"].startswith("ari:cloud:bitbucket::workspace/")
    assert entry["roleAssignments"] == [
        {"role": "atlassian/admin", "roleAssignmentMethods": ["group_direct"]},
        {"role": "atlassian/user", "roleAssignmentMethods": ["group_direct"]},
    ]
    assert entry["directoryId"] == demo.ADMIN_DIRECTORY_ID and entry["userDirectoryStatus"] == "active"
    nobody = account_id(sim_app, demo.ADMIN_NO_ACCESS_USER)
    assert sim_client.get(DIR + "/users/%s/role-assignments" % nobody, headers=KEY).get_json()["data"] == []


def test_v1_direct_role_assign_and_revoke(sim_client, sim_app):
    ari = sim_app.state.admin.orgs[demo.ORG_ID].resource_ref("acme", "test").id
    aid = account_id(sim_app, demo.ADMIN_NO_ACCESS_USER)
    url = "/admin/v1/orgs/%s/users/%s/roles/" % (demo.ORG_ID, aid)
    missing = sim_client.post(url + "assign", json={"role": "atlassian/user"}, headers=KEY)
    assert missing.status_code == 400 and error_of(missing)["code"] == "ADMIN-UAM-400-5"
    assert sim_client.post(url + "assign", json={"role": "atlassian/user", "resource": ari}, headers=KEY).status_code == 204
    assert aid in sim_app.state.workspaces["acme"].members  # a direct role grants the workspace too
    roles = sim_client.get(DIR + "/users/%s/role-assignments" % aid, headers=KEY).get_json()["data"]
    assert roles[0]["roleAssignments"] == [{"role": "atlassian/user", "roleAssignmentMethods": ["direct"]}]
    assert sim_client.post(url + "revoke", json={"role": "atlassian/user", "resource": ari}, headers=KEY).status_code == 204
    assert aid not in sim_app.state.workspaces["acme"].members
    unknown = sim_client.post(
        "/admin/v1/orgs/%s/users/557058:nobody/roles/assign" % demo.ORG_ID,
        json={"role": "atlassian/user", "resource": ari},
        headers=KEY,
    )
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "ADMIN-404-8"


def test_invite_creates_the_account_and_joins_groups(sim_client, sim_app):
    body = {"emails": ["fresh@acme.example"], "additionalGroups": [USERS_GROUP], "sendNotification": False}
    response = sim_client.post(ORG + "/users/invite", json=body, headers=KEY)
    account = sim_app.state.accounts.get_by_email("fresh@acme.example")
    assert account["account_id"].startswith("712020:")
    # 200 MultidirectoryInviteSuccessResponse: one entry per email, the group and role results
    assert response.status_code == 200 and response.get_json() == {
        "data": [
            {
                "email": "fresh@acme.example",
                "id": account["account_id"],
                "results": [
                    {
                        "groupAssignmentResult": [{"group": USERS_GROUP, "status": "INVITED", "statusReason": None}],
                        "roleAssignmentResult": [],
                    }
                ],
            }
        ]
    }
    user = sim_client.get(DIR + "/users/" + account["account_id"], headers=KEY).get_json()["data"]
    assert user["status"] == "active" and user["managementSource"] == "invited"
    assert account["account_id"] in sim_app.state.workspaces["acme"].members
    assert sim_client.post(ORG + "/users/invite", json=body, headers=KEY).status_code == 200  # again: nothing changes
    assert len(sim_app.state.workspaces["acme"].members) == 261


def test_invite_of_a_deactivated_account_fails_for_that_email_only(sim_client, sim_app):
    """206 "At least one invitation failed": the other emails are invited; the failed one says why per group, or is
    left out of ``data`` when nothing but the invitation was asked."""
    sim_app.state.accounts.get_by_email("dev030@acme.example")["account_status"] = "inactive"
    body = {"emails": ["dev030@acme.example", "fresh2@acme.example"], "additionalGroups": [USERS_GROUP]}
    response = sim_client.post(ORG + "/users/invite", json=body, headers=KEY)
    assert response.status_code == 206
    entries = {e["email"]: e for e in response.get_json()["data"]}
    assert entries["dev030@acme.example"]["results"][0]["groupAssignmentResult"] == [
        {"group": USERS_GROUP, "status": "ERROR", "statusReason": "ADMIN-UAM-400-2: Inactive user"}
    ]
    assert entries["fresh2@acme.example"]["results"][0]["groupAssignmentResult"][0]["status"] == "INVITED"
    assert account_id(sim_app, "fresh2@acme.example") in sim_app.state.workspaces["acme"].members
    bare = sim_client.post(ORG + "/users/invite", json={"emails": ["dev030@acme.example", "fresh3@acme.example"]}, headers=KEY)
    assert bare.status_code == 206 and [e["email"] for e in bare.get_json()["data"]] == ["fresh3@acme.example"]


def test_invite_needs_a_paid_subscription():
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    seed["admin"]["orgs"][0]["paid"] = False
    app = create_app(seed)
    response = LoopbackClient(app).post(ORG + "/users/invite", json={"emails": ["x@acme.example"]}, headers=KEY)
    assert response.status_code == 402 and error_of(response)["code"] == "ADMIN-UAM-402-1"
    assert app.state.accounts.get_by_email("x@acme.example") is None


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"emails": []}, 400, "ADMIN-UAM-400-1"),
        ({"emails": ["x%d@acme.example" % i for i in range(26)]}, 400, "ADMIN-UAM-400-1"),
        ({"emails": ["a@acme.example"], "sendNotification": "yes"}, 400, "ADMIN-UAM-400-1"),
        ({"emails": ["a@acme.example"], "additionalGroups": ["nope"]}, 404, "ADMIN-UAM-404-3"),
        ({"emails": ["a@acme.example"], "additionalGroups": [demo.ADMIN_GROUP_SYNCED[0]]}, 403, "ADMIN-UAM-403-1"),
        (
            {"emails": ["a@acme.example"], "permissionRules": [{"resource": "x", "role": "atlassian/owner"}]},
            400,
            "ADMIN-UAM-400-3",
        ),
    ],
)
def test_invite_refusals_change_nothing(sim_client, sim_app, body, status, code):
    response = sim_client.post(ORG + "/users/invite", json=body, headers=KEY)
    assert response.status_code == status and error_of(response)["code"] == code
    assert sim_app.state.accounts.get_by_email("a@acme.example") is None


def test_orgs_directories_and_workspaces(sim_client):
    orgs = sim_client.get("/admin/v1/orgs", headers=KEY).get_json()
    assert [o["id"] for o in orgs["data"]] == [demo.ORG_ID]
    assert (
        sim_client.get("/admin/v1/orgs/" + demo.ORG_ID, headers=READONLY).get_json()["data"]["attributes"]["name"] == "ACME Corp"
    )
    dirs = sim_client.get(ORG + "/directories", headers=KEY).get_json()
    assert [d["directoryId"] for d in dirs["data"]] == [demo.ADMIN_DIRECTORY_ID] and "next" not in dirs["links"]
    spaces = sim_client.post(ORG + "/workspaces", json={}, headers=KEY).get_json()
    assert spaces["meta"]["total"] == 2
    query = {"query": {"field": {"name": "attributes.typeKey", "values": ["bitbucket"]}}}
    (acme,) = sim_client.post(ORG + "/workspaces", json=query, headers=KEY).get_json()["data"]
    assert acme["attributes"]["name"] == "acme" and acme["attributes"]["usage"] == 260 and acme["attributes"]["capacity"] == 300
    bad = sim_client.post(ORG + "/workspaces", json={"query": {"features": []}}, headers=KEY)
    assert bad.status_code == 400


def test_body_errors(sim_client):
    not_json = sim_client.post(ORG + "/users/invite", data="{", content_type="application/json", headers=KEY)
    assert not_json.status_code == 400 and error_of(not_json)["code"] == "ADMIN-UAM-400-1"
    wrong_type = sim_client.post(ORG + "/users/invite", data="emails=a", content_type="text/plain", headers=KEY)
    assert wrong_type.status_code == 415 and error_of(wrong_type)["code"] == "ADMIN-UAM-415-1"
