# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SCIM side of the simulator: PUT / PATCH / DELETE semantics, groups, reset, plain mode, concurrency."""

from __future__ import annotations

import threading

import pytest

from atlsim.scim import ATLASSIAN_EXTENSION_URN
from atlsim.scim_testkit import GROUP_SCHEMA
from atlsim.scim_testkit import USER_SCHEMA
from atlsim.scim_testkit import RecordingAccounts
from atlsim.scim_testkit import demo_seed
from atlsim.scim_testkit import make_client
from atlsim.scim_testkit import patch
from atlsim.scim_testkit import user

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@pytest.fixture(name="scim")
def fixture_scim():
    return make_client(demo_seed(users=3))


def _created(client, name, **extra):
    answer = client.post("/Users", user(name, **extra))
    assert answer.status_code == 201, answer.json
    return answer.json


# -- PUT ------------------------------------------------------------------------------------------


def test_put_clears_omitted_attributes_but_keeps_read_only_ones(scim):
    client = scim
    created = _created(client, "putter", title="Engineer", externalId="ext-1", nickName="pp", department="R&D")
    assert created[ENTERPRISE] == {"department": "R&D"}
    minimal = {
        "schemas": [USER_SCHEMA],
        "userName": "putter@acme.example",
        "active": True,
        "emails": [{"value": "putter@acme.example", "primary": True}],
    }
    answer = client.put("/Users/" + created["id"], minimal)
    assert answer.status_code == 200, answer.json
    body = answer.json
    for cleared in ("title", "externalId", "nickName", "name", "displayName", "department", ENTERPRISE):
        assert cleared not in body, cleared
    assert body["emails"] == [{"value": "putter@acme.example", "primary": True}]
    assert body["id"] == created["id"]
    assert body["meta"]["created"] == created["meta"]["created"]
    assert body[ATLASSIAN_EXTENSION_URN] == created[ATLASSIAN_EXTENSION_URN]
    assert client.get("/Users/" + created["id"]).json == body


def test_put_cannot_take_an_existing_user_name(scim):
    client = scim
    created = _created(client, "renamer")
    answer = client.put("/Users/" + created["id"], user("renamer", userName="user000@acme.example"))
    assert answer.status_code == 409 and answer.json["scimType"] == "uniqueness"


def test_put_unknown_user_is_404(scim):
    client = scim
    assert client.put("/Users/00000000-0000-0000-0000-000000000000", {"userName": "x@acme.example"}).status_code == 404


# -- PATCH ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operation,check",
    [
        ({"op": "replace", "path": "active", "value": False}, lambda u: u["active"] is False),
        ({"op": "replace", "value": {"active": False}}, lambda u: u["active"] is False),
        ({"op": "replace", "path": "name.givenName", "value": "Renamed"}, lambda u: u["name"]["givenName"] == "Renamed"),
        (
            {"op": "replace", "value": {"displayName": "New Name", "title": "Lead"}},
            lambda u: (u["displayName"], u["title"]) == ("New Name", "Lead"),
        ),
        ({"op": "add", "path": "title", "value": "Staff"}, lambda u: u["title"] == "Staff"),
        ({"op": "add", "value": {"nickName": "nick"}}, lambda u: u["nickName"] == "nick"),
        ({"op": "remove", "path": "displayName"}, lambda u: "displayName" not in u),
        ({"op": "remove", "path": "emails"}, lambda u: "emails" not in u),
        (
            {"op": "add", "path": "emails", "value": [{"value": "alias@acme.example", "type": "home"}]},
            lambda u: sorted(e["value"] for e in u["emails"]) == ["alias@acme.example", "patcher@acme.example"],
        ),
        (
            {"op": "replace", "path": "department", "value": "Ops"},
            lambda u: u["department"] == "Ops" and u[ENTERPRISE] == {"department": "Ops"},
        ),
    ],
    ids=[
        "active-path",
        "active-no-path",
        "sub-attribute",
        "several-no-path",
        "add-path",
        "add-no-path",
        "remove",
        "remove-multi",
        "add-to-multi",
        "top-level-department",
    ],
)
def test_patch_operations(scim, operation, check):
    client = scim
    created = _created(client, "patcher")
    answer = client.patch("/Users/" + created["id"], patch(operation))
    assert answer.status_code == 200, answer.json  # Atlassian answers the user; plain scim2-server answers 204
    assert check(answer.json)
    stored = client.get("/Users/" + created["id"]).json
    assert check(stored)
    assert stored[ATLASSIAN_EXTENSION_URN] == created[ATLASSIAN_EXTENSION_URN]


def test_patch_cannot_change_the_account_id(scim):
    client = scim
    created = _created(client, "locked")
    path = f"{ATLASSIAN_EXTENSION_URN}:atlassianAccountId"
    answer = client.patch("/Users/" + created["id"], patch({"op": "replace", "path": path, "value": "557058:evil"}))
    assert answer.status_code == 400
    assert client.get("/Users/" + created["id"]).json[ATLASSIAN_EXTENSION_URN] == created[ATLASSIAN_EXTENSION_URN]


def test_patch_with_bad_operation_is_400(scim):
    client = scim
    created = _created(client, "bad-op")
    answer = client.patch("/Users/" + created["id"], patch({"op": "frobnicate", "path": "title", "value": "x"}))
    assert answer.status_code == 400 and answer.json["status"] == "400"


# -- DELETE ---------------------------------------------------------------------------------------


def test_delete_unlinks_the_account_and_removes_the_user(scim):
    client = scim
    accounts = client.accounts
    created = _created(client, "leaver")
    account_id = created[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"]
    answer = client.delete("/Users/" + created["id"])
    assert answer.status_code == 204 and answer.get_data() == b""
    assert accounts.unlinked == [account_id]
    assert client.get("/Users/" + created["id"]).status_code == 404
    assert client.find("leaver@acme.example") == []
    assert client.patch("/Users/" + created["id"], patch({"op": "replace", "path": "active", "value": True})).status_code == 404
    again = client.delete("/Users/" + created["id"])
    assert again.status_code == 404
    assert accounts.unlinked == [account_id]


def test_failed_delete_unlinks_nothing(scim):
    client = scim
    accounts = client.accounts
    assert client.delete("/Users/does-not-exist").status_code == 404
    assert client.delete("/Users/" + client.find("user000@acme.example")[0]["id"], api_key="wrong").status_code == 401
    assert accounts.unlinked == []


# -- groups ---------------------------------------------------------------------------------------


def test_groups_work_as_scim2_server_provides(scim):
    client = scim
    member = client.find("user002@acme.example")[0]["id"]
    created = client.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "ops"})
    assert created.status_code == 201
    group_id = created.json["id"]
    added = client.patch("/Groups/" + group_id, patch({"op": "add", "path": "members", "value": [{"value": member}]}))
    assert added.status_code == 200
    assert [m["value"] for m in client.get("/Groups/" + group_id).json["members"]] == [member]
    assert client.delete("/Groups/" + group_id).status_code == 204
    assert client.get("/Groups/" + group_id).status_code == 404


def test_seeded_group_members_are_user_ids(scim):
    client = scim
    group = client.get("/Groups", query={"filter": 'displayName eq "engineering"'}).json["Resources"][0]
    ids = {client.find(f"user00{i}@acme.example")[0]["id"] for i in range(2)}
    assert {m["value"] for m in group["members"]} == ids


# -- reset ----------------------------------------------------------------------------------------


def test_reset_returns_to_the_seed(scim):
    client = scim
    seeded = client.get("/Users").json["Resources"]
    client.post("/Users", user("transient"))
    client.delete("/Users/" + seeded[0]["id"])
    client.patch("/Users/" + seeded[1]["id"], patch({"op": "replace", "path": "active", "value": False}))
    client.app.reset()
    after = client.get("/Users").json["Resources"]
    strip = [{k: v for k, v in u.items() if k != "meta"} for u in seeded]
    assert [{k: v for k, v in u.items() if k != "meta"} for u in after] == strip


def test_reset_can_switch_the_account_registry(scim):
    client = scim
    fresh = RecordingAccounts()
    client.app.reset(accounts=fresh)
    found = client.find("user000@acme.example")[0]
    assert found[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"] == fresh.account_id("user000@acme.example")
    _created(client, "after-reset")
    assert "after-reset@acme.example" in fresh.by_email


def test_users_inspection_helper(scim):
    client = scim
    users = client.app.users("dir0")
    assert sorted(u["userName"] for u in users) == ["user000@acme.example", "user001@acme.example", "user002@acme.example"]
    assert [g["displayName"] for g in client.app.groups("dir0")] == ["engineering"]


# -- plain RFC 7644 mode --------------------------------------------------------------------------


@pytest.fixture(name="plain")
def fixture_plain():
    return make_client(demo_seed(users=3), extension=False)


def test_plain_mode_has_no_atlassian_extension(plain):
    client = plain
    accounts = client.accounts
    created = client.post("/Users", user("plainuser"))
    assert created.status_code == 201
    assert ATLASSIAN_EXTENSION_URN not in created.json and ATLASSIAN_EXTENSION_URN not in created.json["schemas"]
    extensions = [e["schema"] for e in client.get("/ResourceTypes/User").json.get("schemaExtensions", [])]
    assert ATLASSIAN_EXTENSION_URN not in extensions
    assert ATLASSIAN_EXTENSION_URN not in [s["id"] for s in client.get("/Schemas").json["Resources"]]
    assert client.delete("/Users/" + created.json["id"]).status_code == 204
    assert accounts.calls == []


def test_plain_mode_keeps_scim2_server_behaviour(plain):
    client = plain
    target = client.find("user001@acme.example")[0]
    assert client.get("/Users", query={"filter": 'displayName eq "User001 Example"'}).json["totalResults"] == 1
    assert client.post("/Users", user("user001")).status_code == 409
    patched = client.patch("/Users/" + target["id"], patch({"op": "replace", "path": "active", "value": False}))
    assert patched.status_code == 204
    assert client.get("/Users/" + target["id"]).json["active"] is False
    replaced = client.put("/Users/" + target["id"], {"userName": "user001@acme.example"})
    assert replaced.status_code == 200 and "emails" not in replaced.json
    assert client.get("/Users/" + target["id"], api_key="wrong").status_code == 401


# -- concurrency ----------------------------------------------------------------------------------


def _run_threads(count, target):
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)


def test_concurrent_creations_are_all_kept(scim):
    client = scim
    accounts = client.accounts
    statuses = []

    def create(index):
        for j in range(10):
            statuses.append(client.post("/Users", user(f"t{index}-{j}")).status_code)

    _run_threads(8, create)
    assert statuses == [201] * 80
    assert client.get("/Users").json["totalResults"] == 83
    assert len(accounts.by_email) == 83


def test_concurrent_duplicates_create_one_user(scim):
    client = scim
    statuses = []
    barrier = threading.Barrier(8)

    def create(_index):
        barrier.wait(timeout=10)
        statuses.append(client.post("/Users", user("racer")).status_code)

    _run_threads(8, create)
    assert sorted(statuses) == [201] + [409] * 7
    assert len(client.find("racer@acme.example")) == 1
