# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Users, workspace members (email filter rules) and workspace permissions."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from atlsim import demo
from atlsim.demo import basic, bearer

ADMIN = basic(*demo.ADMIN)
MEMBER = basic(*demo.MEMBER)


def account(sim_app, email):
    return sim_app.state.accounts.get_by_email(email)


def email_query(*emails):
    return "user.email IN (%s)" % ",".join('"%s"' % email for email in emails)


def test_users_by_account_id_and_uuid_encoded_or_not(sim_app, sim_client):
    dev = account(sim_app, "dev005@acme.example")
    for ident in (dev["account_id"], dev["uuid"], quote(dev["uuid"], safe="")):
        resp = sim_client.get("/2.0/users/" + ident, headers=ADMIN)
        assert resp.status_code == 200, ident
        body = resp.get_json()
        assert body["uuid"] == dev["uuid"] and body["account_id"] == dev["account_id"]
        assert "email" not in body and body["account_status"] == "active"


def test_unknown_user_is_404(sim_client):
    resp = sim_client.get("/2.0/users/%7B00000000-0000-4000-8000-000000000000%7D", headers=ADMIN)
    assert resp.status_code == 404
    assert resp.get_json()["type"] == "error"


def test_user_emails_lists_the_callers_address(sim_client):
    body = sim_client.get("/2.0/user/emails", headers=MEMBER).get_json()
    assert [item["email"] for item in body["values"]] == ["dev001@acme.example"]
    assert body["values"][0]["is_primary"] is True
    assert sim_client.get("/2.0/user/emails/dev001@acme.example", headers=MEMBER).status_code == 200
    assert sim_client.get("/2.0/user/emails/dev002@acme.example", headers=MEMBER).status_code == 404


def test_members_shape_and_no_email(sim_client):
    body = sim_client.get("/2.0/workspaces/acme/members?pagelen=100", headers=MEMBER).get_json()
    assert body["size"] == 260 and len(body["values"]) == 100
    first = body["values"][0]
    assert first["type"] == "workspace_membership"
    assert set(first) == {"type", "user", "workspace", "links"}
    assert first["workspace"]["slug"] == "acme"
    assert first["links"]["self"]["href"].startswith("http://localhost/2.0/workspaces/acme/members/%7B")
    assert all("email" not in item["user"] for item in body["values"])
    assert "permission" not in first


def test_member_by_id_uuid_and_non_member(sim_app, sim_client):
    dev = account(sim_app, "dev007@acme.example")
    for ident in (dev["account_id"], quote(dev["uuid"], safe="")):
        resp = sim_client.get("/2.0/workspaces/acme/members/" + ident, headers=ADMIN)
        assert resp.status_code == 200
        assert resp.get_json()["user"]["account_id"] == dev["account_id"]
    outsider = account(sim_app, "newhire01@acme.example")
    assert sim_client.get("/2.0/workspaces/acme/members/" + outsider["account_id"], headers=ADMIN).status_code == 404
    assert sim_client.get("/2.0/workspaces/nope/members", headers=ADMIN).status_code == 404


def test_non_member_cannot_list_members(sim_client):
    resp = sim_client.get("/2.0/workspaces/globex/members", headers=ADMIN)
    assert resp.status_code == 403


def test_email_filter_by_admin_shows_only_matched_emails(sim_client):
    q = email_query("dev001@acme.example", "DEV002@acme.example", "nobody@acme.example", "newhire01@acme.example")
    resp = sim_client.get("/2.0/workspaces/acme/members", query_string={"q": q, "fields": "+values.user.email"}, headers=ADMIN)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["size"] == 2
    assert sorted(item["user"]["email"] for item in body["values"]) == ["dev001@acme.example", "dev002@acme.example"]


def test_email_filter_without_fields_shows_no_email(sim_client):
    body = sim_client.get(
        "/2.0/workspaces/acme/members", query_string={"q": email_query("dev001@acme.example")}, headers=ADMIN
    ).get_json()
    assert body["size"] == 1 and "email" not in body["values"][0]["user"]


def test_email_fields_without_email_filter_show_nothing(sim_client):
    body = sim_client.get("/2.0/workspaces/acme/members?pagelen=5&fields=%2Bvalues.user.email", headers=ADMIN).get_json()
    assert all("email" not in item["user"] for item in body["values"])


def test_email_include_only_fields(sim_client):
    resp = sim_client.get(
        "/2.0/workspaces/acme/members",
        headers=ADMIN,
        query_string={"q": email_query("dev003@acme.example"), "fields": "values.user.email,values.user.account_id"},
    )
    body = resp.get_json()
    assert list(body) == ["values"]
    assert set(body["values"][0]["user"]) == {"email", "account_id"}


def test_email_filter_by_plain_member_is_403(sim_client):
    resp = sim_client.get("/2.0/workspaces/acme/members", query_string={"q": email_query("dev002@acme.example")}, headers=MEMBER)
    assert resp.status_code == 403


def test_email_filter_by_workspace_access_token(sim_client):
    resp = sim_client.get(
        "/2.0/workspaces/acme/members",
        headers=bearer(demo.WORKSPACE_ACCESS_TOKEN),
        query_string={"q": email_query("dev002@acme.example"), "fields": "+values.user.email"},
    )
    assert resp.status_code == 200
    assert resp.get_json()["values"][0]["user"]["email"] == "dev002@acme.example"


def test_email_filter_limit_is_90_addresses(sim_client):
    ninety = ["dev%03d@acme.example" % index for index in range(1, 91)]
    ok = sim_client.get("/2.0/workspaces/acme/members", query_string={"q": email_query(*ninety), "pagelen": "100"}, headers=ADMIN)
    assert ok.status_code == 200 and ok.get_json()["size"] == 90
    too_many = sim_client.get(
        "/2.0/workspaces/acme/members", headers=ADMIN, query_string={"q": email_query(*(ninety + ["dev091@acme.example"]))}
    )
    assert too_many.status_code == 400
    assert "90" in too_many.get_json()["error"]["detail"]


@pytest.mark.sim_lenient  # lenient: the route's own refusal and message (strict mode refuses these first)
@pytest.mark.parametrize(
    "q",
    [
        'user.email ~ "acme"',
        'user.email !~ "x"',
        'user.email != "dev001@acme.example"',
        'user.email NOT IN ("dev001@acme.example")',
        'user.email > "a"',
        "user.email = null",
        "user.email IN (null)",
        'user.email = "dev001@acme.example" OR user.email ~ "acme"',
        'user.nickname ~ "dev" AND user.email != "x@y"',
    ],
)
def test_email_filter_takes_only_exact_matches(sim_client, q):
    resp = sim_client.get(
        "/2.0/workspaces/acme/members", headers=ADMIN, query_string={"q": q, "fields": "+values.user.email", "pagelen": "100"}
    )
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["type"] == "error" and body["error"]["message"] == "Bad request"
    assert "user.email" in body["error"]["detail"]
    assert all(address in q for address in re.findall(r"[\w.+-]+@[\w.-]+\.example", resp.get_data(as_text=True)))


def test_email_filter_equal_and_in_may_be_combined(sim_client):
    q = 'user.email = "dev001@acme.example" OR user.email IN ("dev002@acme.example")'
    body = sim_client.get(
        "/2.0/workspaces/acme/members", headers=ADMIN, query_string={"q": q, "fields": "+values.user.email"}
    ).get_json()
    assert sorted(item["user"]["email"] for item in body["values"]) == ["dev001@acme.example", "dev002@acme.example"]


def test_email_filter_limit_counts_distinct_addresses(sim_client):
    ninety = ["dev%03d@acme.example" % index for index in range(1, 91)]
    repeated = ninety + [email.upper() for email in ninety[:20]] + ninety[:5]
    ok = sim_client.get(
        "/2.0/workspaces/acme/members", query_string={"q": email_query(*repeated), "pagelen": "100"}, headers=ADMIN
    )
    assert ok.status_code == 200 and ok.get_json()["size"] == 90


def test_members_bad_query_is_400(sim_client):
    resp = sim_client.get("/2.0/workspaces/acme/members", query_string={"q": "user.salary > 3"}, headers=ADMIN)
    assert resp.status_code == 400
    assert resp.get_json()["type"] == "error"


def test_workspace_permissions_roles(sim_app, sim_client):
    body = sim_client.get("/2.0/workspaces/acme/permissions?pagelen=100", headers=MEMBER).get_json()
    roles = {item["user"]["account_id"]: item["permission"] for item in body["values"]}
    assert roles[account(sim_app, "owner@acme.example")["account_id"]] == "owner"
    assert roles[account(sim_app, "admin@acme.example")["account_id"]] == "collaborator"
    assert roles[account(sim_app, "dev001@acme.example")["account_id"]] == "member"
    assert body["values"][0]["type"] == "workspace_membership"


@pytest.mark.parametrize(
    "q,expected",
    [
        ('permission="owner"', 1),
        ('permission="collaborator"', 1),
        ('permission != "member"', 2),
        ('permission IN ("owner", "member")', 259),
    ],
)
def test_workspace_permissions_filter(sim_client, q, expected):
    body = sim_client.get("/2.0/workspaces/acme/permissions", query_string={"q": q}, headers=ADMIN).get_json()
    assert body["size"] == expected


def test_workspace_object(sim_client):
    body = sim_client.get("/2.0/workspaces/acme", headers=MEMBER).get_json()
    assert body["type"] == "workspace" and body["slug"] == "acme" and body["uuid"].startswith("{")
    by_uuid = sim_client.get("/2.0/workspaces/" + quote(body["uuid"], safe=""), headers=MEMBER)
    assert by_uuid.status_code == 200 and by_uuid.get_json()["slug"] == "acme"


@pytest.mark.sim_lenient  # lenient: members' links.owners filter: not stated by GET .../members
@pytest.mark.parametrize(
    "q", ['permission="owner"', 'permission = "owner"', '( permission  =  "owner" )', 'permission IN ("owner")']
)
def test_members_accept_the_owners_link_query(sim_app, sim_client, q):
    """The workspace object's links.owners is members?q=permission="owner": the members list answers it with the
    owner memberships (as members, without the role)."""
    body = sim_client.get("/2.0/workspaces/acme/members", query_string={"q": q}, headers=MEMBER).get_json()
    assert body["size"] == 1
    assert body["values"][0]["user"]["account_id"] == account(sim_app, "owner@acme.example")["account_id"]
    assert "permission" not in body["values"][0] and body["values"][0]["type"] == "workspace_membership"


@pytest.mark.sim_lenient  # lenient: members' links.owners filter: not stated by GET .../members
def test_following_the_owners_link(sim_client):
    href = sim_client.get("/2.0/workspaces/acme", headers=ADMIN).get_json()["links"]["owners"]["href"]
    assert href.endswith("/2.0/workspaces/acme/members?q=permission%3D%22owner%22")
    owners = sim_client.get(href, headers=bearer(demo.WORKSPACE_ACCESS_TOKEN)).get_json()
    assert [m["user"]["nickname"] for m in owners["values"]] == ["olivia.owner"]
    admins = sim_client.get("/2.0/workspaces/acme/members", query_string={"q": 'permission != "member"'}, headers=ADMIN)
    assert admins.get_json()["size"] == 2
