# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Projects, explicit project permissions, the Basic-only rule of permission writes and the workspace's owners
link, against the official Bitbucket Cloud OpenAPI document (as test_contract.py; skipped without it)."""

from __future__ import annotations

import copy
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from atlsim import DEMO_SEED
from atlsim.app import create_app
from atlsim.auth import UNSUPPORTED_METHOD
from atlsim.contract import SpecContract
from atlsim.contract import reference_dir
from atlsim.contract_client import ContractClient
from atlsim.state import load_seed

REFERENCE = reference_dir(Path(__file__).resolve().parents[3])
PROJECTS = "/workspaces/{workspace}/projects"
ONE = PROJECTS + "/{project_key}"
PPERMS = ONE + "/permissions-config"
RPERMS = "/repositories/{workspace}/{repo_slug}/permissions-config"


@pytest.fixture(scope="module", name="spec")
def fixture_spec():
    if not (REFERENCE / "bitbucket-cloud-swagger.v3.json").is_file():
        pytest.skip(f"Bitbucket OpenAPI document not found under {REFERENCE} (absent from a plain clone)")
    return SpecContract.bitbucket(REFERENCE)


@pytest.fixture(name="api")
def fixture_api(spec):
    client = ContractClient(spec, create_app(DEMO_SEED))
    client.auth["oauth"] = client.oauth_token()
    return client


def test_projects(api):
    page = api("GET", PROJECTS, 200).json
    assert [p["key"] for p in page["values"]] == ["INFRA", "PLAT", "WEB", "DATA", "MOB"]
    assert page["values"][2]["is_private"] is False and page["values"][2]["has_publicly_visible_repos"] is True
    api("GET", PROJECTS, 200, query={"pagelen": 2, "page": 3})
    api("GET", PROJECTS, 200, as_="member")
    api("GET", PROJECTS, 200, as_="oauth")
    assert len(api("GET", PROJECTS, 200, as_="workspace-token").json["values"]) == 5
    assert [p["key"] for p in api("GET", PROJECTS, 200, as_="project-token").json["values"]] == ["INFRA"]
    api("GET", PROJECTS, 403, as_="repo-token")  # no `project` scope
    api("GET", PROJECTS, 401, as_="none")
    api("GET", PROJECTS, 404, workspace="no-such-workspace")
    api("GET", PROJECTS, 404, query={"page": 9})


def test_project(api):
    body = api("GET", ONE, 200).json
    assert body["key"] == "PLAT" and body["owner"]["type"] == "team"
    api("GET", ONE, 200, as_="member", project_key="WEB")
    api("GET", ONE, 200, as_="project-token", project_key="INFRA")
    api("GET", ONE, 403, as_="project-token", project_key="PLAT")
    api("GET", ONE, 401, as_="bad")
    api("GET", ONE, 404, project_key="NOPE")
    api("GET", ONE, 404, workspace="no-such-workspace")


def test_repository_carries_its_project(api):
    repo = api("GET", "/repositories/{workspace}/{repo_slug}", 200).json
    assert repo["project"]["key"] == "INFRA" and repo["project"]["type"] == "project"


def test_project_permission_reads(api):
    dev179, dev010 = api.account("dev179@acme.example"), api.account("dev010@acme.example")
    users = api("GET", PPERMS + "/users", 200).json["values"]
    assert {u["user"]["account_id"]: u["permission"] for u in users}[dev179] == "admin"
    api("GET", PPERMS + "/users", 200, as_="project-admin")
    api("GET", PPERMS + "/users", 200, as_="oauth")
    api("GET", PPERMS + "/users", 200, query={"pagelen": 1})
    api("GET", PPERMS + "/users", 401, as_="none")
    api("GET", PPERMS + "/users", 403, as_="member")
    api("GET", PPERMS + "/users", 403, as_="repo-admin")
    api("GET", PPERMS + "/users", 403, as_="project-token", project_key="INFRA")
    api("GET", PPERMS + "/users", 403, as_="project-admin", project_key="INFRA")
    api("GET", PPERMS + "/users", 404, project_key="NOPE")
    api("GET", PPERMS + "/users", 404, workspace="no-such-workspace")
    api("GET", PPERMS + "/users/{selected_user_id}", 200, selected_user_id=dev179)
    api("GET", PPERMS + "/users/{selected_user_id}", 404, selected_user_id=dev010)
    api("GET", PPERMS + "/users/{selected_user_id}", 403, as_="member", selected_user_id=dev179)
    api("GET", PPERMS + "/groups", 200)
    api("GET", PPERMS + "/groups", 403, as_="workspace-token")
    api("GET", PPERMS + "/groups/{group_slug}", 200, group_slug="developers")
    none = api("GET", PPERMS + "/groups/{group_slug}", 200, project_key="DATA", group_slug="contractors").json
    assert none["permission"] == "none"
    api("GET", PPERMS + "/groups/{group_slug}", 404, group_slug="no-such-group")
    api("GET", PPERMS + "/groups/{group_slug}", 404, group_slug="ops")  # no explicit permission on PLAT


def test_project_user_permission_writes(api):
    one = PPERMS + "/users/{selected_user_id}"
    dev250 = api.account("dev250@acme.example")
    assert api("PUT", one, 200, body={"permission": "create-repo"}, selected_user_id=dev250).json["permission"] == "create-repo"
    api("PUT", one, 200, as_="project-admin", body={"permission": "read"}, selected_user_id=dev250)
    for bad in ({"permission": "none"}, {"permission": "owner"}, {"permission": "read", "x": 1}, {}):
        api("PUT", one, 400, body=bad, selected_user_id=dev250)
    api("PUT", one, 400, body={"permission": "read"}, selected_user_id=api.account("dev01@globex.example"))
    api("PUT", one, 400, body={"permission": "read"}, selected_user_id=api.account("owner@acme.example"))
    api("PUT", one, 401, as_="none", body={"permission": "read"}, selected_user_id=dev250)
    api("PUT", one, 403, as_="member", body={"permission": "read"}, selected_user_id=dev250)
    api("PUT", one, 403, as_="project-admin", body={"permission": "read"}, project_key="INFRA", selected_user_id=dev250)
    api("PUT", one, 404, body={"permission": "read"}, selected_user_id="557058:00000000-0000-0000-0000-000000000000")
    api("PUT", one, 404, body={"permission": "read"}, project_key="NOPE", selected_user_id=dev250)
    api("DELETE", one, 204, as_="project-admin", selected_user_id=dev250)
    api("DELETE", one, 204, selected_user_id=dev250)  # "if one exists": none left is 204 too
    api("DELETE", one, 404, selected_user_id="557058:00000000-0000-0000-0000-000000000000")
    api("DELETE", one, 404, project_key="NOPE", selected_user_id=dev250)
    api("DELETE", one, 401, as_="bad", selected_user_id=dev250)
    api("DELETE", one, 403, as_="member", selected_user_id=api.account("dev179@acme.example"))


def test_project_group_permission_writes(api):
    one = PPERMS + "/groups/{group_slug}"
    api("PUT", one, 200, body={"permission": "admin"}, group_slug="auditors")
    api("PUT", one, 400, body={"permission": "write", "extra": 1}, group_slug="auditors")
    api("PUT", one, 401, as_="bad", body={"permission": "read"}, group_slug="auditors")
    api("PUT", one, 403, as_="member", body={"permission": "read"}, group_slug="auditors")
    api("PUT", one, 404, body={"permission": "read"}, group_slug="no-such-group")
    api("DELETE", one, 204, group_slug="auditors")
    api("DELETE", one, 204, group_slug="auditors")  # "if one exists": none left is 204 too
    api("DELETE", one, 404, group_slug="no-such-group")
    api("DELETE", one, 204, project_key="DATA", group_slug="contractors")  # an explicit none is removed like any


def test_project_permission_plan_limit(spec):
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    workspace = create_app(seed).state.workspaces["acme"]
    with_access = workspace.users_with_access()
    newcomer = next(a for a in workspace.members if a not in with_access)
    next(ws for ws in seed["workspaces"] if ws["slug"] == "acme")["plan_user_limit"] = len(with_access)
    api = ContractClient(spec, create_app(seed))
    api("PUT", PPERMS + "/users/{selected_user_id}", 402, body={"permission": "read"}, selected_user_id=newcomer)
    api("PUT", PPERMS + "/groups/{group_slug}", 200, body={"permission": "admin"}, group_slug="developers")


WRITES = [
    ("PUT", PPERMS + "/users/{selected_user_id}"),
    ("DELETE", PPERMS + "/users/{selected_user_id}"),
    ("PUT", PPERMS + "/groups/{group_slug}"),
    ("DELETE", PPERMS + "/groups/{group_slug}"),
    ("PUT", RPERMS + "/users/{selected_user_id}"),
    ("DELETE", RPERMS + "/users/{selected_user_id}"),
    ("PUT", RPERMS + "/groups/{group_slug}"),
    ("DELETE", RPERMS + "/groups/{group_slug}"),
]


@pytest.mark.parametrize("method,template", WRITES)
@pytest.mark.parametrize("as_", ["oauth", "workspace-token", "project-token", "repo-token"])
def test_permission_writes_take_basic_credentials_only(api, method, template, as_):
    ws = api.app.state.workspaces["acme"]

    def snapshot():
        holders = (ws.projects["PLAT"], ws.repos["infra-core"], ws.repos["platform-core"])
        return [(dict(h.user_perms), dict(h.group_perms)) for h in holders]

    body = {"permission": "read"} if method == "PUT" else None
    before = snapshot()
    target = {"project_key": "PLAT", "selected_user_id": api.account("dev179@acme.example"), "group_slug": "developers"}
    refused = api(method, template, 403, as_=as_, body=body, **target)
    assert refused.json["error"]["message"] == UNSUPPORTED_METHOD
    assert snapshot() == before
    # the same request with an API token (HTTP Basic) is carried out
    target.update(repo_slug="platform-core", selected_user_id=api.account("dev181@acme.example"))
    if method == "DELETE":
        api("PUT", template, 200, body={"permission": "read"}, **target)
    api(method, template, 200 if method == "PUT" else 204, body=body, **target)


@pytest.mark.sim_lenient  # lenient: members' links.owners filter: not stated by GET .../members
def test_workspace_owners_link_is_answered(api):
    links = api("GET", "/workspaces/{workspace}", 200).json["links"]
    owners = urlsplit(links["owners"]["href"])
    assert owners.path == "/2.0/workspaces/acme/members"
    found = api("GET", "/workspaces/{workspace}/members", 200, query=owners.query).json["values"]
    assert [m["user"]["account_id"] for m in found] == [api.account("owner@acme.example")]
    spaced = api("GET", "/workspaces/{workspace}/members", 200, query={"q": 'permission = "owner"'}).json["values"]
    assert spaced == found
    api("GET", "/workspaces/{workspace}/members", 200, as_="workspace-token", query=owners.query)
    api("GET", "/workspaces/{workspace}/members", 400, query={"q": "permission = owner"})
