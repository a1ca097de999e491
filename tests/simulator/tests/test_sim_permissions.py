# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Effective permissions (/workspaces/{ws}/permissions/repositories) and repository listing: BBQL, sort, roles."""

from __future__ import annotations

import pytest

from atlsim import demo
from atlsim.demo import basic

ADMIN = basic(*demo.ADMIN)
MEMBER = basic(*demo.MEMBER)
WS_PERMS = "/2.0/workspaces/acme/permissions/repositories"
RANK = {"read": 1, "write": 2, "admin": 3}
PROJECT_TO_REPO = {"read": "read", "write": "write", "create-repo": "write", "admin": "admin", "none": None}


def all_values(client, url, headers, **query):
    query.setdefault("pagelen", "100")
    values = []
    resp = client.get(url, query_string=query, headers=headers)
    while True:
        assert resp.status_code == 200, resp.get_data(as_text=True)
        body = resp.get_json()
        values.extend(body["values"])
        if "next" not in body:
            return values
        resp = client.get(body["next"], headers=headers)


def expected_effective(sim_app, slug):
    """Recompute from the seed: highest of the project group, project user, repository group and repository user
    permissions (project create-repo is write on the repositories, none is nothing; workspace admins are not listed)."""
    seed_ws = next(ws for ws in sim_app.seed["workspaces"] if ws["slug"] == "acme")
    repo = next(r for r in seed_ws["repositories"] if r["slug"] == slug)
    project = next(p for p in seed_ws["projects"] if p["key"] == repo["project"])
    accounts = sim_app.state.accounts
    groups = {g["slug"]: g["members"] for g in seed_ws["groups"]}
    best = {}

    def grant(email, perm):
        perm = PROJECT_TO_REPO[perm]
        account_id = accounts.get_by_email(email)["account_id"] if "@" in email else email
        if perm and RANK[perm] > RANK.get(best.get(account_id), 0):
            best[account_id] = perm

    for holder in (project, repo):
        for group, perm in (holder.get("group_permissions") or {}).items():
            for email in groups[group]:
                grant(email, perm)
        for email, perm in (holder.get("user_permissions") or {}).items():
            grant(email, perm)
    return best


@pytest.mark.parametrize("slug", ["infra-core", "platform-core", "web-core", "data-core", "mobile-core", "web-tests"])
def test_effective_permissions_of_a_repository_match_the_seed(sim_app, sim_client, slug):
    values = all_values(sim_client, WS_PERMS + "/" + slug, ADMIN)
    got = {item["user"]["account_id"]: item["permission"] for item in values}
    assert got == expected_effective(sim_app, slug)
    values = all_values(sim_client, WS_PERMS + "/infra-core", ADMIN)
    item = values[0]
    assert item["type"] == "repository_permission"
    assert item["repository"]["full_name"] == "acme/infra-core"
    assert set(item) == {"type", "permission", "user", "repository"}


def test_workspace_admins_are_not_listed_without_an_explicit_permission(sim_app, sim_client):
    """Effective = repository or project, direct or via groups; workspace admin status only authorizes the caller."""
    accounts = sim_app.state.accounts
    admin = accounts.get_by_email(demo.ADMIN[0])["account_id"]
    owner = accounts.get_by_email(demo.OWNER[0])["account_id"]
    listed = {item["user"]["account_id"] for item in all_values(sim_client, WS_PERMS, ADMIN)}
    assert admin not in listed and owner not in listed
    ws = sim_app.state.workspaces["acme"]
    explicit = set()
    for holder in list(ws.repos.values()) + [p for p in ws.projects.values() if p.repos]:
        explicit.update(account_id for account_id, perm in holder.user_perms.items() if perm != "none")
        explicit.update(m for slug, perm in holder.group_perms.items() if perm != "none" for m in ws.groups[slug]["members"])
    assert listed == explicit
    # still admins of every repository for what they may call
    assert sim_client.get(WS_PERMS + "/infra-core", headers=ADMIN).status_code == 200
    assert sim_client.get("/2.0/repositories/acme/infra-core/permissions-config/users", headers=ADMIN).status_code == 200
    assert all(ws.perm_of(admin, repo) == "admin" for repo in ws.repos.values())
    # a direct permission given to the admin shows up as that permission, not as admin
    resp = sim_client.put(
        "/2.0/repositories/acme/infra-core/permissions-config/users/" + admin,
        json={"permission": "read"},
        headers=basic(*demo.OWNER),
    )
    assert resp.status_code == 200
    values = all_values(sim_client, WS_PERMS + "/infra-core", ADMIN, q='user.account_id="%s"' % admin)
    assert [item["permission"] for item in values] == ["read"]


def test_direct_beats_group_and_group_beats_nothing(sim_app, sim_client):
    dev1 = sim_app.state.accounts.get_by_email("dev001@acme.example")  # developers (read on INFRA) + direct write
    values = all_values(sim_client, WS_PERMS + "/infra-core", ADMIN, q='user.account_id="%s"' % dev1["account_id"])
    assert [item["permission"] for item in values] == ["write"]


def test_workspace_wide_list_is_admin_only(sim_client):
    assert sim_client.get(WS_PERMS, headers=MEMBER).status_code == 403
    assert sim_client.get(WS_PERMS, headers=basic(*demo.OWNER)).status_code == 200
    assert sim_client.get(WS_PERMS + "/infra-core", headers=MEMBER).status_code == 403
    assert sim_client.get(WS_PERMS + "/infra-core", headers=basic(*demo.REPO_ADMIN)).status_code == 200


@pytest.mark.parametrize(
    "q,check",
    [
        ('permission > "read"', lambda e: RANK[e["permission"]] > 1),
        ('permission >= "write"', lambda e: RANK[e["permission"]] >= 2),
        ('permission < "admin"', lambda e: RANK[e["permission"]] < 3),
        ('permission <= "read"', lambda e: e["permission"] == "read"),
        ('permission != "admin"', lambda e: e["permission"] != "admin"),
        ('permission IN ("read", "admin")', lambda e: e["permission"] in ("read", "admin")),
        (
            'repository.name = "infra-core" AND permission = "write"',
            lambda e: e["repository"]["name"] == "infra-core" and e["permission"] == "write",
        ),
        (
            '(repository.name = "infra-core" OR repository.name = "web-core") and permission = "admin"',
            lambda e: e["repository"]["name"] in ("infra-core", "web-core") and e["permission"] == "admin",
        ),
        ('repository.name ~ "INFRA-"', lambda e: "infra-" in e["repository"]["name"]),
        ('repository.name !~ "infra"', lambda e: "infra" not in e["repository"]["name"]),
    ],
)
def test_bbql_filters(sim_client, q, check):
    everything = all_values(sim_client, WS_PERMS, ADMIN)
    filtered = all_values(sim_client, WS_PERMS, ADMIN, q=q)
    assert filtered, q
    assert filtered == [e for e in everything if check(e)]


def test_bbql_on_user_uuid_and_account_id(sim_app, sim_client):
    dev = sim_app.state.accounts.get_by_email("dev003@acme.example")
    by_uuid = all_values(sim_client, WS_PERMS, ADMIN, q='user.uuid = "%s"' % dev["uuid"].upper())
    by_id = all_values(sim_client, WS_PERMS, ADMIN, q='user.account_id = "%s"' % dev["account_id"])
    assert by_uuid == by_id and by_id
    assert {e["user"]["uuid"] for e in by_id} == {dev["uuid"]}


@pytest.mark.parametrize(
    "sort,key,reverse",
    [
        ("user.display_name", lambda e: e["user"]["display_name"].lower(), False),
        ("-repository.name", lambda e: e["repository"]["name"].lower(), True),
        ("permission", lambda e: RANK[e["permission"]], False),
    ],
)
def test_sort(sim_client, sort, key, reverse):
    values = all_values(sim_client, WS_PERMS, ADMIN, q='repository.name ~ "infra"', sort=sort)
    keys = [key(e) for e in values]
    assert keys == sorted(keys, reverse=reverse)


@pytest.mark.parametrize(
    "q",
    [
        'permission = "owner"',  # not a repository permission
        'user.email = "a@b"',  # not a field of this resource
        'permission ~ "ad"',  # operator not valid for the type
        "repository.name = infra",  # unquoted string
        'permission = "read" AND',  # dangling operator
        '(permission = "read"',  # unbalanced parenthesis
        'permission == "read"',  # not an operator
        "is_private = true",  # unknown field
        '"read" = permission',  # value first
    ],
)
def test_rejected_bbql_is_400_with_error_body(sim_client, q):
    resp = sim_client.get(WS_PERMS, query_string={"q": q}, headers=ADMIN)
    assert resp.status_code == 400, q
    body = resp.get_json()
    assert body["type"] == "error" and body["error"]["message"]


@pytest.mark.parametrize("sort", ["user.email", "permission,user.display_name", "-nope"])
def test_rejected_sort_is_400(sim_client, sort):
    assert sim_client.get(WS_PERMS, query_string={"sort": sort}, headers=ADMIN).status_code == 400


def test_effective_permissions_follow_writes(sim_app, sim_client):
    dev = sim_app.state.accounts.get_by_email("dev250@acme.example")  # in no group
    url = WS_PERMS + "/infra-core"
    q = {"q": 'user.account_id="%s"' % dev["account_id"]}
    assert all_values(sim_client, url, ADMIN, **q) == []
    put = sim_client.put(
        "/2.0/repositories/acme/infra-core/permissions-config/users/" + dev["account_id"],
        json={"permission": "write"},
        headers=ADMIN,
    )
    assert put.status_code == 200
    assert [e["permission"] for e in all_values(sim_client, url, ADMIN, **q)] == ["write"]
    assert any(e["user"]["account_id"] == dev["account_id"] for e in all_values(sim_client, WS_PERMS, ADMIN, **q))


# -- /2.0/repositories/{workspace} ----------------------------------------------------------------
def test_repositories_role_filter(sim_app, sim_client):
    ws = sim_app.state.workspaces["acme"]
    dev = sim_app.state.accounts.get_by_email("dev001@acme.example")["account_id"]
    for role, minimum in (("member", 1), ("contributor", 2), ("admin", 3)):
        slugs = {r["slug"] for r in all_values(sim_client, "/2.0/repositories/acme", MEMBER, role=role)}
        expected = {r.slug for r in ws.repos.values() if RANK.get(ws.perm_of(dev, r), 0) >= minimum}
        assert slugs == expected, role
    assert all_values(sim_client, "/2.0/repositories/acme", MEMBER, role="owner") == []
    assert len(all_values(sim_client, "/2.0/repositories/acme", basic(*demo.OWNER), role="owner")) == 64
    assert sim_client.get("/2.0/repositories/acme?role=boss", headers=MEMBER).status_code == 400


def test_repositories_visibility_and_bbql(sim_client):
    everything = all_values(sim_client, "/2.0/repositories/acme", ADMIN)
    assert len(everything) == 64 and everything[0]["slug"] == "infra-core"
    assert everything[0]["type"] == "repository" and everything[0]["project"]["key"] == "INFRA"
    public = all_values(sim_client, "/2.0/repositories/acme", ADMIN, q="is_private = false")
    assert public and all(not r["is_private"] for r in public)
    named = all_values(sim_client, "/2.0/repositories/acme", ADMIN, q='name ~ "core" AND project.key = "WEB"', sort="-name")
    assert [r["name"] for r in named] == sorted(
        (r["name"] for r in everything if "core" in r["name"] and r["project"]["key"] == "WEB"), reverse=True
    )
    assert sim_client.get("/2.0/repositories/acme?q=colour%3D%22red%22", headers=ADMIN).status_code == 400
    assert sim_client.get("/2.0/repositories/nope", headers=ADMIN).status_code == 404


def test_repository_by_slug_and_uuid(sim_client):
    repo = sim_client.get("/2.0/repositories/acme/infra-core", headers=MEMBER).get_json()
    assert repo["full_name"] == "acme/infra-core" and repo["is_private"] is True
    again = sim_client.get("/2.0/repositories/acme/" + repo["uuid"].replace("{", "%7B").replace("}", "%7D"), headers=MEMBER)
    assert again.status_code == 200
    assert sim_client.get("/2.0/repositories/acme/missing", headers=MEMBER).status_code == 404
