# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SCIM side of the simulator: auth per directory, creation and account links, filters, pagination."""

from __future__ import annotations

import pytest

from atlsim.scim import ATLASSIAN_EXTENSION_URN
from atlsim.scim import build_scim_app
from atlsim.scim_testkit import SEARCH_SCHEMA
from atlsim.scim_testkit import ScimTestClient
from atlsim.scim_testkit import demo_seed
from atlsim.scim_testkit import make_client
from atlsim.scim_testkit import user

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture(name="scim")
def fixture_scim():
    return make_client(demo_seed(users=3, directories=2))


# -- authentication and directories -------------------------------------------------------------


def test_right_key_lists_the_seeded_users(scim):
    client = scim
    answer = client.get("/Users")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/scim+json")
    assert sorted(u["userName"] for u in answer.json["Resources"]) == [f"user00{i}@acme.example" for i in range(3)]


@pytest.mark.parametrize(
    "api_key", [None, "", "wrong", "key-dir1", "KEY-DIR0"], ids=["none", "empty", "wrong", "other-directory", "case"]
)
def test_missing_or_foreign_key_is_401(scim, api_key):
    client = scim
    answer = client.client.get(client.base + "/Users", headers={} if api_key is None else {"Authorization": f"Bearer {api_key}"})
    assert answer.status_code == 401
    assert answer.json["schemas"] == [ERROR_SCHEMA]
    assert answer.json["status"] == "401"
    assert "Bearer" in answer.headers["WWW-Authenticate"]
    assert "key-dir0" not in answer.get_data(as_text=True)


def test_basic_auth_is_refused(scim):
    client = scim
    answer = client.get("/Users", api_key="", headers={"Authorization": "Basic a2V5LWRpcjA6"})
    assert answer.status_code == 401


def test_each_directory_has_its_own_key_and_users(scim):
    client = scim
    other = ScimTestClient(client.app, "dir1", "key-dir1")
    created = other.post("/Users", user("only-in-dir1"))
    assert created.status_code == 201
    assert other.find("only-in-dir1@acme.example")
    assert not client.find("only-in-dir1@acme.example")
    assert client.get("/Users/" + created.json["id"]).status_code == 404


@pytest.mark.parametrize("path", ["/scim/directory/nope/Users", "/scim/directory/nope", "/scim/directory//Users", "/scim/Users"])
def test_unknown_directory_is_a_scim_404(scim, path):
    client = scim
    answer = client.client.get(path, headers=client.headers())
    assert answer.status_code == 404
    assert answer.json["schemas"] == [ERROR_SCHEMA] and answer.json["status"] == "404"


def test_urls_have_no_v2_segment(scim):
    client = scim
    created = client.post("/Users", user("located"))
    location = created.headers["Location"]
    assert location == f"http://localhost/scim/directory/dir0/Users/{created.json['id']}"
    assert created.json["meta"]["location"] == location
    assert client.client.get(location, headers=client.headers()).status_code == 200


def test_service_provider_config_matches_atlassian(scim):
    client = scim
    config = client.get("/ServiceProviderConfig").json
    assert config["patch"]["supported"] is True
    assert config["bulk"]["supported"] is False
    assert config["sort"]["supported"] is False
    assert config["etag"]["supported"] is False
    assert config["filter"] == {"supported": True, "maxResults": 100}
    assert [s["type"] for s in config["authenticationSchemes"]] == ["oauthbearertoken"]


# -- creation and the Atlassian account link --------------------------------------------------


def test_seeded_users_are_linked_to_accounts(scim):
    client = scim
    accounts = client.accounts
    for found in client.get("/Users").json["Resources"]:
        assert ATLASSIAN_EXTENSION_URN in found["schemas"]
        assert found[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"] == accounts.account_id(found["userName"])


def test_create_links_the_primary_email_account(scim):
    client = scim
    accounts = client.accounts
    body = user(
        "newbie",
        emails=[{"value": "other@acme.example", "primary": False}, {"value": "newbie.primary@acme.example", "primary": True}],
        nickName="nb",
    )
    answer = client.post("/Users", body)
    assert answer.status_code == 201, answer.json
    account_id = accounts.account_id("newbie.primary@acme.example")
    assert answer.json[ATLASSIAN_EXTENSION_URN] == {"atlassianAccountId": account_id}
    assert ATLASSIAN_EXTENSION_URN in answer.json["schemas"]
    assert accounts.calls[-1] == ("ensure_account", ("newbie.primary@acme.example", "Newbie Example", "nb"))
    fetched = client.get("/Users/" + answer.json["id"]).json
    assert fetched[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"] == account_id


@pytest.mark.parametrize(
    "emails,expected",
    [
        ([{"value": "first@acme.example"}, {"value": "second@acme.example"}], "first@acme.example"),
        (None, "bare-name"),
    ],
    ids=["first-email-without-primary", "no-email-uses-userName"],
)
def test_seeded_user_link_falls_back_to_first_email_then_user_name(emails, expected):
    """A POST needs a primary email (see test_scim_attributes); a seeded user may lack one and is linked anyway."""
    seeded = {"userName": "bare-name", "name": {"givenName": "Bare", "familyName": "Name"}}
    if emails:
        seeded["emails"] = emails
    client = make_client({"directories": [{"id": "dir0", "api_key": "key-dir0", "users": [seeded]}]})
    assert client.accounts.calls == [("ensure_account", (expected, "Bare Name", None))]
    assert client.find("bare-name")[0][ATLASSIAN_EXTENSION_URN]["atlassianAccountId"] == client.accounts.account_id(expected)


def test_client_cannot_choose_the_account_id(scim):
    client = scim
    accounts = client.accounts
    body = user("sneaky", **{ATLASSIAN_EXTENSION_URN: {"atlassianAccountId": "557058:admin"}})
    answer = client.post("/Users", body)
    assert answer.status_code == 201
    assert answer.json[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"] == accounts.account_id("sneaky@acme.example")


def test_existing_account_is_reused(scim):
    client = scim
    accounts = client.accounts
    before = accounts.account_id("user001@acme.example")
    client.delete("/Users/" + client.find("user001@acme.example")[0]["id"])
    again = client.post("/Users", user("user001"))
    assert again.status_code == 201
    assert again.json[ATLASSIAN_EXTENSION_URN]["atlassianAccountId"] == before


@pytest.mark.parametrize("user_name", ["user000@acme.example", "USER000@Acme.Example"])
def test_duplicate_user_name_is_409_without_new_account(scim, user_name):
    client = scim
    accounts = client.accounts
    known = len(accounts.by_email)
    answer = client.post("/Users", user("dupe", userName=user_name))
    assert answer.status_code == 409
    assert answer.json["scimType"] == "uniqueness" and answer.json["status"] == "409"
    assert len(accounts.by_email) == known
    assert len(client.get("/Users").json["Resources"]) == 3


def test_invalid_payload_is_400(scim):
    client = scim
    answer = client.post("/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "emails": "nope"})
    assert answer.status_code == 400
    assert answer.json["schemas"] == [ERROR_SCHEMA]


# -- filters --------------------------------------------------------------------------------------


def test_user_name_filter_is_case_insensitive(scim):
    client = scim
    found = client.find("USER002@ACME.EXAMPLE")
    assert [u["userName"] for u in found] == ["user002@acme.example"]


def test_external_id_filter_is_case_exact(scim):
    client = scim
    client.post("/Users", user("ext", externalId="AbC-123"))
    exact = client.get("/Users", query={"filter": 'externalId eq "AbC-123"'}).json
    other_case = client.get("/Users", query={"filter": 'externalId eq "abc-123"'}).json
    assert exact["totalResults"] == 1 and exact["Resources"][0]["externalId"] == "AbC-123"
    assert other_case["totalResults"] == 0


def test_filter_attribute_names_are_case_insensitive(scim):
    client = scim
    assert client.get("/Users", query={"filter": 'username eq "user000@acme.example"'}).json["totalResults"] == 1


@pytest.mark.parametrize(
    "scim_filter",
    [
        'displayName eq "User000 Example"',
        'userName sw "user"',
        'userName co "000"',
        "userName pr",
        'userName eq "user000@acme.example" or userName eq "user001@acme.example"',
        'userName eq "user000@acme.example" and active eq true',
        'emails.value eq "user000@acme.example"',
        'emails[value eq "user000@acme.example"]',
        "active eq true",
        'not (userName eq "user000@acme.example")',
    ],
)
def test_other_user_filters_are_invalid(scim, scim_filter):
    client = scim
    answer = client.get("/Users", query={"filter": scim_filter})
    assert answer.status_code == 400
    assert answer.json["scimType"] == "invalidFilter"


def test_search_with_post_has_the_same_filter_rules(scim):
    client = scim
    ok = client.post("/Users/.search", {"schemas": [SEARCH_SCHEMA], "filter": 'userName eq "user000@acme.example"'})
    refused = client.post("/Users/.search", {"schemas": [SEARCH_SCHEMA], "filter": 'title eq "x"'})
    assert ok.status_code == 200 and ok.json["totalResults"] == 1
    assert refused.status_code == 400 and refused.json["scimType"] == "invalidFilter"


def test_group_filters_are_left_to_scim2_server(scim):
    client = scim
    answer = client.get("/Groups", query={"filter": 'displayName eq "engineering"'})
    assert answer.status_code == 200 and answer.json["totalResults"] == 1


# -- pagination -----------------------------------------------------------------------------------


@pytest.fixture(name="big")
def fixture_big():
    return make_client(demo_seed(users=250))


def test_default_page_is_100(big):
    page = big.get("/Users").json
    assert (page["totalResults"], page["itemsPerPage"], page["startIndex"], len(page["Resources"])) == (250, 100, 1, 100)


def test_count_is_capped_at_100(big):
    page = big.get("/Users", query={"count": 500}).json
    assert page["itemsPerPage"] == 100 and len(page["Resources"]) == 100


def test_pages_cover_every_user_once(big):
    seen = []
    start = 1
    for _page in range(10):  # bounded: 250 users need 3 pages of 100
        page = big.get("/Users", query={"startIndex": start, "count": 100}).json
        assert page["totalResults"] == 250 and page["startIndex"] == start
        if not page["Resources"]:
            break
        seen.extend(u["id"] for u in page["Resources"])
        start += page["itemsPerPage"]
    assert len(seen) == 250 and len(set(seen)) == 250
    assert start == 251


def test_count_zero_gives_only_the_total(big):
    page = big.get("/Users", query={"count": 0}).json
    assert (page["totalResults"], page["itemsPerPage"], page["Resources"]) == (250, 0, [])


def test_start_index_below_one_is_one(big):
    page = big.get("/Users", query={"startIndex": 0, "count": 5}).json
    assert page["startIndex"] == 1 and len(page["Resources"]) == 5


def test_build_without_seed_serves_nothing():
    app = build_scim_app(None, None)
    assert app.directory_ids == []
    assert ScimTestClient(app, "demo-directory", "demo-scim-api-key").get("/Users").status_code == 404
