# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's Bitbucket answers against the official Bitbucket Cloud OpenAPI document (openapi-core).

Every exchange below is validated: the operation's declared response when the spec lists the status,
else (an error status the spec does not list for that operation) the spec's ``error`` schema. Each call
also asserts the status, so the test knows which answer it validated. Quirks of the spec itself are the
named entries of ``atlsim.contract.SPEC_QUIRKS``; the ``required`` attributes the spec leaves out are added by
``atlsim.contract.STRICTNESS_OVERLAY`` (its self-tests: test_contract_strictness.py). Skipped when the reference
documents are absent.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from atlsim import DEMO_SEED
from atlsim.app import create_app
from atlsim.contract import SpecContract
from atlsim.contract import reference_dir
from atlsim.contract_client import ContractClient
from atlsim.state import load_seed

REFERENCE = reference_dir(Path(__file__).resolve().parents[3])


WS = "acme"
PERMS = "/repositories/{workspace}/{repo_slug}/permissions-config"


@pytest.fixture(scope="module", name="spec")
def fixture_spec():
    if not (REFERENCE / "bitbucket-cloud-swagger.v3.json").is_file():
        pytest.skip(
            f"Bitbucket OpenAPI document not found under {REFERENCE}: the official specs live beside the "
            "repository (../shared/reference) and are absent from a plain clone"
        )
    return SpecContract.bitbucket(REFERENCE)


@pytest.fixture(name="api")
def fixture_api(spec):
    return ContractClient(spec, create_app(DEMO_SEED))


# -- users ----------------------------------------------------------------------------------------


def test_user(api):
    api("GET", "/user", 200)
    api("GET", "/user", 200, as_="member")
    api("GET", "/user", 401, as_="none")
    api("GET", "/user", 401, as_="bad")
    api("GET", "/user", 401, as_="workspace-token")


def test_user_emails(api):
    api("GET", "/user/emails", 200)
    api("GET", "/user/emails", 401, as_="none")
    api("GET", "/user/emails", 401, as_="repo-token")


def test_users_selected_user(api):
    account = api.app.state.accounts.get_by_email("dev002@acme.example")
    api("GET", "/users/{selected_user}", 200, selected_user=account["account_id"])
    api("GET", "/users/{selected_user}", 200, selected_user=account["uuid"])
    api("GET", "/users/{selected_user}", 404, selected_user="557058:00000000-0000-0000-0000-000000000000")
    api("GET", "/users/{selected_user}", 401, as_="bad", selected_user=account["account_id"])


# -- workspace members and permissions --------------------------------------------------------


def test_workspace_members(api):
    page = api("GET", "/workspaces/{workspace}/members", 200).json
    assert page["values"]
    api("GET", "/workspaces/{workspace}/members", 200, query={"pagelen": 5, "page": 2})
    by_email = {"fields": "+values.user.email", "q": 'user.email IN ("dev001@acme.example")'}
    found = api("GET", "/workspaces/{workspace}/members", 200, query=by_email).json["values"]
    assert [m["user"]["email"] for m in found] == ["dev001@acme.example"]
    api("GET", "/workspaces/{workspace}/members", 200, as_="workspace-token")
    emails = ", ".join(f'"u{i}@acme.example"' for i in range(91))
    api("GET", "/workspaces/{workspace}/members", 400, query={"q": f"user.email IN ({emails})"})
    api("GET", "/workspaces/{workspace}/members", 400, query={"q": "user.nickname ~"})
    api("GET", "/workspaces/{workspace}/members", 401, as_="none")
    api("GET", "/workspaces/{workspace}/members", 403, as_="member", query={"q": 'user.email = "dev002@acme.example"'})
    api("GET", "/workspaces/{workspace}/members", 404, workspace="no-such-workspace")


def test_workspace_member(api):
    member = api.account("dev001@acme.example")
    api("GET", "/workspaces/{workspace}/members/{member}", 200, member=member)
    api("GET", "/workspaces/{workspace}/members/{member}", 200, as_="member", member=member)
    api("GET", "/workspaces/{workspace}/members/{member}", 404, member=api.account("dev01@globex.example"))
    api("GET", "/workspaces/{workspace}/members/{member}", 401, as_="bad", member=member)


def test_workspace_permissions(api):
    api("GET", "/workspaces/{workspace}/permissions", 200)
    api("GET", "/workspaces/{workspace}/permissions", 200, query={"q": 'permission="owner"'})
    api("GET", "/workspaces/{workspace}/permissions", 401, as_="none")
    api("GET", "/workspaces/{workspace}/permissions", 403, as_="workspace-token")


def test_workspace_repository_permissions(api):
    api("GET", "/workspaces/{workspace}/permissions/repositories", 200)
    api(
        "GET",
        "/workspaces/{workspace}/permissions/repositories",
        200,
        query={"q": 'permission>="write" AND repository.name="infra-core"', "sort": "user.display_name"},
    )
    api("GET", "/workspaces/{workspace}/permissions/repositories", 400, query={"q": "permission ="})
    api("GET", "/workspaces/{workspace}/permissions/repositories", 401, as_="none")
    api("GET", "/workspaces/{workspace}/permissions/repositories", 403, as_="member")
    api("GET", "/workspaces/{workspace}/permissions/repositories", 403, as_="workspace-token")
    api("GET", "/workspaces/{workspace}/permissions/repositories/{repo_slug}", 200)
    api("GET", "/workspaces/{workspace}/permissions/repositories/{repo_slug}", 200, as_="repo-admin")
    api("GET", "/workspaces/{workspace}/permissions/repositories/{repo_slug}", 403, as_="member")
    api("GET", "/workspaces/{workspace}/permissions/repositories/{repo_slug}", 403, as_="repo-token")
    api("GET", "/workspaces/{workspace}/permissions/repositories/{repo_slug}", 404, repo_slug="no-such-repo")


def test_repositories(api):
    api("GET", "/repositories/{workspace}", 200)
    api("GET", "/repositories/{workspace}", 200, as_="member", query={"role": "contributor", "q": 'project.key="INFRA"'})
    api("GET", "/repositories/{workspace}", 200, as_="repo-token")
    api("GET", "/repositories/{workspace}", 400, query={"role": "superuser"})
    api("GET", "/repositories/{workspace}", 401, as_="bad")
    api("GET", "/repositories/{workspace}", 404, workspace="no-such-workspace")


# -- explicit repository permissions ----------------------------------------------------------


def test_permission_config_users_reads(api):
    api("GET", PERMS + "/users", 200)
    api("GET", PERMS + "/users", 200, query={"pagelen": 1})
    api("GET", PERMS + "/users", 401, as_="none")
    api("GET", PERMS + "/users", 403, as_="member")
    api("GET", PERMS + "/users", 403, as_="repo-token")
    api("GET", PERMS + "/users", 404, repo_slug="no-such-repo")
    one = PERMS + "/users/{selected_user_id}"
    api("GET", one, 200, selected_user_id=api.account("dev001@acme.example"))
    api("GET", one, 404, selected_user_id=api.account("dev010@acme.example"))
    api("GET", one, 403, as_="member", selected_user_id=api.account("dev001@acme.example"))


def test_permission_config_user_writes(api):
    one = PERMS + "/users/{selected_user_id}"
    dev010 = api.account("dev010@acme.example")
    api("PUT", one, 200, body={"permission": "write"}, selected_user_id=dev010)
    api("PUT", one, 200, as_="repo-admin", body={"permission": "read"}, selected_user_id=dev010)
    api("PUT", one, 400, body={"permission": "owner"}, selected_user_id=dev010)
    api("PUT", one, 400, body={"permission": "read"}, selected_user_id=api.account("dev01@globex.example"))
    api("PUT", one, 400, body={"permission": "read"}, selected_user_id=api.account("owner@acme.example"))
    api("PUT", one, 401, as_="none", body={"permission": "read"}, selected_user_id=dev010)
    api("PUT", one, 403, as_="member", body={"permission": "read"}, selected_user_id=dev010)
    api("PUT", one, 403, as_="workspace-token", body={"permission": "read"}, selected_user_id=dev010)
    api("PUT", one, 404, body={"permission": "read"}, selected_user_id="557058:00000000-0000-0000-0000-000000000000")
    api("PUT", one, 404, body={"permission": "read"}, repo_slug="no-such-repo", selected_user_id=dev010)
    api("DELETE", one, 204, selected_user_id=dev010)
    api("DELETE", one, 204, selected_user_id=dev010)  # "if one exists": none left is 204 too
    api("DELETE", one, 404, selected_user_id="557058:00000000-0000-0000-0000-000000000000")
    api("DELETE", one, 404, repo_slug="no-such-repo", selected_user_id=dev010)
    api("DELETE", one, 401, as_="bad", selected_user_id=dev010)
    api("DELETE", one, 403, as_="member", selected_user_id=api.account("dev001@acme.example"))


def test_permission_config_user_plan_limit(spec):
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    app = create_app(seed)
    workspace = app.state.workspaces[WS]
    with_access = workspace.users_with_access()
    newcomer = next(account_id for account_id in workspace.members if account_id not in with_access)
    next(ws for ws in seed["workspaces"] if ws["slug"] == WS)["plan_user_limit"] = len(with_access)
    api = ContractClient(spec, create_app(seed))
    api("PUT", PERMS + "/users/{selected_user_id}", 402, body={"permission": "read"}, selected_user_id=newcomer)
    api("PUT", PERMS + "/groups/{group_slug}", 200, body={"permission": "write"}, group_slug="developers")


def test_permission_config_groups(api):
    one = PERMS + "/groups/{group_slug}"
    api("GET", PERMS + "/groups", 200)
    api("GET", PERMS + "/groups", 401, as_="none")
    api("GET", PERMS + "/groups", 403, as_="member")
    api("GET", PERMS + "/groups", 404, repo_slug="no-such-repo")
    api("GET", one, 200, group_slug="developers")
    api("GET", one, 404, group_slug="no-such-group")
    api("GET", one, 403, as_="repo-token", group_slug="developers")
    api("PUT", one, 200, body={"permission": "write"}, group_slug="developers")
    api("PUT", one, 400, body={"permission": "write", "extra": 1}, group_slug="developers")
    api("PUT", one, 401, as_="bad", body={"permission": "read"}, group_slug="developers")
    api("PUT", one, 403, as_="member", body={"permission": "read"}, group_slug="developers")
    api("PUT", one, 404, body={"permission": "read"}, group_slug="no-such-group")
    api("DELETE", one, 204, group_slug="developers")
    api("DELETE", one, 204, group_slug="developers")  # "if one exists": none left is 204 too
    api("DELETE", one, 404, group_slug="no-such-group")
    api("DELETE", one, 403, as_="workspace-token", group_slug="ops")
    api("DELETE", one, 401, as_="none", group_slug="ops")


def test_checker_rejects_a_wrong_body(spec):
    """The checker is not a rubber stamp: an error body without ``error.message`` is refused."""
    from atlsim.contract import ContractViolation  # pylint: disable=import-outside-toplevel
    from werkzeug.datastructures import Headers  # pylint: disable=import-outside-toplevel

    headers = Headers({"Content-Type": "application/json"})
    with pytest.raises(ContractViolation, match="message"):
        spec.check("GET", "/2.0/user", "", {}, None, 401, headers, b'{"type": "error", "error": {"detail": "x"}}')
    with pytest.raises(ContractViolation, match="display_name"):
        spec.check("GET", "/2.0/user", "", {}, None, 200, headers, b'{"type": "user", "display_name": 3}')
    with pytest.raises(ContractViolation):
        spec.check("GET", "/2.0/workspaces/acme/members", "", {}, None, 200, headers, b'{"values": [], "extra": 1}')
