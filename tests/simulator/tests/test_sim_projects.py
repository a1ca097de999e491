# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Projects and their explicit permissions: listing, visibility, project admins, PUT/DELETE rules, and the
four explicit paths of the effective repository permission."""

from __future__ import annotations

import copy

import pytest

from atlsim import DEMO_SEED, demo
from atlsim.app import create_app
from atlsim.demo import basic
from atlsim.pytest_plugin import LoopbackClient
from atlsim.state import SeedError, load_seed

ADMIN = basic(*demo.ADMIN)
PROJECT_ADMIN = basic(*demo.PROJECT_ADMIN)
PROJECTS = "/2.0/workspaces/acme/projects"
PLAT = PROJECTS + "/PLAT/permissions-config"
WS_PERMS = "/2.0/workspaces/acme/permissions/repositories"


def acct(sim_app, email):
    return sim_app.state.accounts.get_by_email(email)["account_id"]


def effective(client, repo, account_id):
    body = client.get(WS_PERMS + "/" + repo, query_string={"q": 'user.account_id="%s"' % account_id}, headers=ADMIN).get_json()
    return [item["permission"] for item in body["values"]]


def test_projects_list_and_shape(sim_client):
    body = sim_client.get(PROJECTS, headers=ADMIN).get_json()
    assert body["size"] == 5 and [p["key"] for p in body["values"]] == ["INFRA", "PLAT", "WEB", "DATA", "MOB"]
    plat = body["values"][1]
    assert set(plat) == {
        "type",
        "key",
        "uuid",
        "name",
        "links",
        "description",
        "is_private",
        "created_on",
        "updated_on",
        "has_publicly_visible_repos",
        "owner",
    }
    assert plat["type"] == "project" and plat["name"] == "Platform" and plat["is_private"] is True
    assert set(plat["links"]) == {"html", "avatar"} and plat["owner"]["username"] == "acme"
    paged = sim_client.get(PROJECTS + "?pagelen=2", headers=ADMIN).get_json()
    assert len(paged["values"]) == 2 and "page=2" in paged["next"]
    one = sim_client.get(PROJECTS + "/PLAT", headers=ADMIN).get_json()
    assert one == plat


def test_every_repository_belongs_to_a_project(sim_app, sim_client):
    ws = sim_app.state.workspaces["acme"]
    assert all(repo.project_key in ws.projects for repo in ws.repos.values())
    assert sum(len(p.repos) for p in ws.projects.values()) == len(ws.repos) == 64
    repo = sim_client.get("/2.0/repositories/acme/platform-core", headers=ADMIN).get_json()
    assert repo["project"]["key"] == "PLAT" and repo["project"]["uuid"] == ws.projects["PLAT"].uuid
    named = sim_client.get(
        "/2.0/repositories/acme", query_string={"q": 'project.name = "Platform"', "pagelen": 100}, headers=ADMIN
    ).get_json()
    assert named["size"] == len(ws.projects["PLAT"].repos)


def test_non_members_see_public_projects_only():
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    seed["credentials"]["api_tokens"].append(
        {"id": "outsider", "email": "dev01@globex.example", "token": "t", "scopes": ["read:project:bitbucket"]}
    )
    client = LoopbackClient(create_app(seed))
    outsider = basic("dev01@globex.example", "t")
    assert [p["key"] for p in client.get(PROJECTS, headers=outsider).get_json()["values"]] == ["WEB"]
    assert client.get(PROJECTS + "/WEB", headers=outsider).status_code == 200
    assert client.get(PROJECTS + "/PLAT", headers=outsider).status_code == 403
    assert client.get(PLAT + "/users", headers=outsider).status_code == 404  # a private project of another workspace
    assert client.get(PROJECTS + "/WEB/permissions-config/users", headers=outsider).status_code == 403


def test_project_admins_are_workspace_admins_and_project_admin_users(sim_app, sim_client):
    assert sim_client.get(PLAT + "/users", headers=PROJECT_ADMIN).status_code == 200
    assert sim_client.get(PLAT + "/users", headers=basic(*demo.OWNER)).status_code == 200
    assert sim_client.get(PROJECTS + "/INFRA/permissions-config/users", headers=PROJECT_ADMIN).status_code == 403
    assert sim_client.get(PLAT + "/users", headers=basic(*demo.REPO_ADMIN)).status_code == 403
    # a project admin administers the project's repositories (effective admin), not the others
    dev250 = acct(sim_app, "dev250@acme.example")
    url = "/2.0/repositories/acme/%s/permissions-config/users/" + dev250
    assert sim_client.put(url % "platform-core", json={"permission": "write"}, headers=PROJECT_ADMIN).status_code == 200
    assert sim_client.put(url % "infra-core", json={"permission": "write"}, headers=PROJECT_ADMIN).status_code == 404
    # ... and a group's project admin makes its members project admins
    ops_member = sim_app.state.workspaces["acme"].groups["ops"]["members"][0]
    assert (
        sim_app.state.workspaces["acme"].project_level(ops_member, sim_app.state.workspaces["acme"].projects["INFRA"]) == "admin"
    )


def test_put_get_delete_project_user_permission(sim_app, sim_client):
    dev250 = acct(sim_app, "dev250@acme.example")  # in no group, no project permission
    assert sim_client.get(PLAT + "/users/" + dev250, headers=ADMIN).status_code == 404
    assert effective(sim_client, "platform-core", dev250) == []
    for level, on_repos in (("create-repo", "write"), ("admin", "admin"), ("read", "read"), ("write", "write")):
        put = sim_client.put(PLAT + "/users/" + dev250, json={"permission": level}, headers=ADMIN)
        assert put.status_code == 200 and put.get_json()["permission"] == level
        assert put.get_json()["type"] == "project_user_permission"
        assert put.get_json()["links"]["self"]["href"].endswith(
            "/workspaces/acme/projects/PLAT/permissions-config/users/" + dev250
        )
        assert sim_client.get(PLAT + "/users/" + dev250, headers=ADMIN).get_json()["permission"] == level
        assert effective(sim_client, "platform-core", dev250) == [on_repos]
    listed = sim_client.get(PLAT + "/users?pagelen=100", headers=ADMIN).get_json()["values"]
    assert {u["user"]["account_id"]: u["permission"] for u in listed}[dev250] == "write"
    assert sim_client.delete(PLAT + "/users/" + dev250, headers=ADMIN).status_code == 204
    assert sim_client.delete(PLAT + "/users/" + dev250, headers=ADMIN).status_code == 204  # none left: still 204
    assert effective(sim_client, "platform-core", dev250) == []


@pytest.mark.parametrize(
    "body",
    [
        {"permission": "none"},
        {"permission": "owner"},
        {"permission": "Admin"},
        {"permission": None},
        {},
        {"permission": "read", "extra": 1},
        ["read"],
    ],
)
def test_project_put_bad_body_is_400(sim_app, sim_client, body):
    resp = sim_client.put(PLAT + "/users/" + acct(sim_app, "dev250@acme.example"), json=body, headers=ADMIN)
    assert resp.status_code == 400 and resp.get_json()["type"] == "error"
    assert sim_client.put(PLAT + "/groups/qa", json=body, headers=ADMIN).status_code == 400


def test_project_put_rules(sim_app, sim_client):
    resp = sim_client.put(PLAT + "/users/" + acct(sim_app, "newhire01@acme.example"), json={"permission": "read"}, headers=ADMIN)
    assert resp.status_code == 400 and "not a member" in resp.get_json()["error"]["detail"]
    resp = sim_client.put(PLAT + "/users/" + acct(sim_app, "owner@acme.example"), json={"permission": "read"}, headers=ADMIN)
    assert resp.status_code == 400 and "owner" in resp.get_json()["error"]["detail"]
    assert sim_client.put(PLAT + "/users/557058:nobody", json={"permission": "read"}, headers=ADMIN).status_code == 404
    assert sim_client.put(PLAT + "/groups/nope", json={"permission": "read"}, headers=ADMIN).status_code == 404
    assert (
        sim_client.put(PROJECTS + "/NOPE/permissions-config/groups/qa", json={"permission": "read"}, headers=ADMIN).status_code
        == 404
    )
    assert sim_client.get("/2.0/workspaces/nope/projects/PLAT/permissions-config/users", headers=ADMIN).status_code == 404


def test_project_group_permissions(sim_app, sim_client):
    listed = sim_client.get(PLAT + "/groups", headers=ADMIN).get_json()
    assert {g["group"]["slug"]: g["permission"] for g in listed["values"]} == {"developers": "write", "qa": "read"}
    assert listed["values"][0]["type"] == "project_group_permission"
    assert listed["values"][0]["group"]["full_slug"] == "acme:developers"
    qa_member = sim_app.state.workspaces["acme"].groups["qa"]["members"][0]
    assert effective(sim_client, "platform-core", qa_member) == ["read"]
    assert sim_client.put(PLAT + "/groups/qa", json={"permission": "create-repo"}, headers=PROJECT_ADMIN).status_code == 200
    assert effective(sim_client, "platform-core", qa_member) == ["write"]
    assert sim_client.delete(PLAT + "/groups/qa", headers=PROJECT_ADMIN).status_code == 204
    assert sim_client.get(PLAT + "/groups/qa", headers=ADMIN).status_code == 404
    assert sim_client.delete(PLAT + "/groups/qa", headers=ADMIN).status_code == 204  # none left: still 204
    assert effective(sim_client, "platform-core", qa_member) == ["read"]  # still read through the repository's own grant


def test_an_explicit_none_is_listed_and_gives_nothing(sim_app, sim_client):
    ws = sim_app.state.workspaces["acme"]
    data = PROJECTS + "/DATA/permissions-config/groups"
    assert sim_client.get(data + "/contractors", headers=ADMIN).get_json()["permission"] == "none"
    listed = {g["group"]["slug"]: g["permission"] for g in sim_client.get(data, headers=ADMIN).get_json()["values"]}
    assert listed["contractors"] == "none"
    contractor = ws.groups["contractors"]["members"][0]
    plain = [
        r
        for r in ws.projects["DATA"].repos
        if "contractors" not in ws.repos[r].group_perms and contractor not in ws.repos[r].user_perms
    ]
    assert plain and all(effective(sim_client, slug, contractor) == [] for slug in plain)


def test_highest_of_the_four_paths_wins(sim_app, sim_client):
    dev = acct(sim_app, "dev251@acme.example")
    repo_url = "/2.0/repositories/acme/platform-core/permissions-config/users/" + dev
    assert sim_client.put(repo_url, json={"permission": "admin"}, headers=ADMIN).status_code == 200
    assert sim_client.put(PLAT + "/users/" + dev, json={"permission": "read"}, headers=ADMIN).status_code == 200
    assert effective(sim_client, "platform-core", dev) == ["admin"]
    other = next(slug for slug in sim_app.state.workspaces["acme"].projects["PLAT"].repos if slug != "platform-core")
    assert effective(sim_client, other, dev) == ["read"]
    assert sim_client.delete(repo_url, headers=ADMIN).status_code == 204
    assert effective(sim_client, "platform-core", dev) == ["read"]


def test_project_grant_above_own_level_and_plan_limit(sim_app):
    from atlsim.permconfig import check_grant  # pylint: disable=import-outside-toplevel
    from atlsim.state import PROJECT_PERM_RANK  # pylint: disable=import-outside-toplevel
    from atlsim.web import ApiError  # pylint: disable=import-outside-toplevel

    ws = sim_app.state.workspaces["acme"]
    check_grant(ws, "create-repo", "write", PROJECT_PERM_RANK, [])
    with pytest.raises(ApiError) as caught:
        check_grant(ws, "write", "create-repo", PROJECT_PERM_RANK, [])
    assert caught.value.status == 403
    newcomer = next(a for a in ws.members if a not in ws.users_with_access())
    ws.plan_user_limit = len(ws.users_with_access())
    with pytest.raises(ApiError) as caught:
        check_grant(ws, "admin", "read", PROJECT_PERM_RANK, [newcomer])
    assert caught.value.status == 402


def test_project_permission_counts_for_the_plan_even_without_repositories():
    seed = {
        "accounts": [{"account_id": "557058:%d" % n, "email": "u%d@x.example" % n} for n in (1, 2, 3)],
        "workspaces": [
            {
                "slug": "w",
                "members": [{"user": "u1@x.example", "role": "owner"}, "u2@x.example", "u3@x.example"],
                "projects": [
                    {"key": "EMPTY", "user_permissions": {"u2@x.example": "read"}},
                    {"key": "GONE", "user_permissions": {"u3@x.example": "none"}},
                ],
            }
        ],
    }
    ws = create_app(seed).state.workspaces["w"]
    assert ws.users_with_access() == {"557058:1", "557058:2"}


def test_seed_rules_for_projects():
    base = {
        "accounts": [{"account_id": "557058:1", "email": "u1@x.example"}, {"account_id": "557058:2", "email": "u2@x.example"}],
        "workspaces": [{"slug": "w", "members": [{"user": "u1@x.example", "role": "owner"}, "u2@x.example"]}],
    }
    seed = copy.deepcopy(base)
    seed["workspaces"][0]["repositories"] = [{"slug": "r1"}, {"slug": "r2", "project": "NEW", "is_private": False}]
    ws = create_app(seed).state.workspaces["w"]
    assert ws.repos["r1"].project_key == "PROJ" and ws.projects["PROJ"].name == "Untitled project"
    assert ws.projects["NEW"].is_private is False  # undeclared: public when it holds a public repository
    bad = [
        ({"projects": [{"key": "P"}], "repositories": [{"slug": "r", "project": "P", "is_private": False}]}, "private project"),
        ({"projects": [{"key": "P", "user_permissions": {"u2@x.example": "owner"}}]}, "permission must be"),
        ({"projects": [{"key": "P", "user_permissions": {"u1@x.example": "read"}}]}, "workspace owner"),
        ({"projects": [{"key": "P", "group_permissions": {"nope": "read"}}]}, "unknown group"),
        ({"projects": [{"key": "P"}, {"key": "P"}]}, "duplicate project"),
    ]
    for extra, message in bad:
        seed = copy.deepcopy(base)
        seed["workspaces"][0].update(extra)
        with pytest.raises(SeedError, match=message):
            create_app(seed)


def test_demo_seed_project_facts_the_readme_lists(sim_app):
    ws = sim_app.state.workspaces["acme"]
    email = sim_app.state.accounts.by_id

    def users(key):
        return {email[a]["email"].split("@")[0]: p for a, p in ws.projects[key].user_perms.items()}

    assert {k: len(p.repos) for k, p in ws.projects.items()} == {"INFRA": 14, "PLAT": 13, "WEB": 13, "DATA": 12, "MOB": 12}
    assert [k for k, p in ws.projects.items() if not p.is_private] == ["WEB"]
    assert users("INFRA") == {"dev003": "read"} and users("PLAT") == {"dev179": "admin", "dev181": "create-repo"}
    assert users("WEB") == {"dev182": "read", "dev120": "write"} and users("DATA") == {"dev180": "write", "dev183": "read"}
    assert users("MOB") == {}
    assert ws.projects["DATA"].group_perms == {"developers": "create-repo", "auditors": "read", "contractors": "none"}
    assert sim_app.state.workspaces["globex"].projects["GX"].group_perms == {"developers": "write"}
    assert ws.repos["infra-core"].group_perms == {"ops": "admin", "developers": "read", "auditors": "read"}
    dev179 = sim_app.state.accounts.get_by_email(demo.PROJECT_ADMIN[0])["account_id"]
    assert not any(dev179 in g["member_set"] for g in ws.groups.values())
    assert not any(dev179 in r.user_perms for r in ws.repos.values() if r.project_key == "PLAT")
    assert not ws.is_admin(dev179) and ws.project_level(dev179, ws.projects["PLAT"]) == "admin"
    # infra-core's effective list is what its own grants give: INFRA's grants are at or below them
    infra_core = ws.repos["infra-core"]
    own = {}
    for slug, perm in infra_core.group_perms.items():
        for member in ws.groups[slug]["members"]:
            own[member] = max(own.get(member, perm), perm, key=("read", "write", "admin").index)
    for account_id, perm in infra_core.user_perms.items():
        own[account_id] = max(own.get(account_id, perm), perm, key=("read", "write", "admin").index)
    assert ws.effective(infra_core) == own
