# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The contract checker is not satisfied by an empty shape: every entry of ``STRICTNESS_OVERLAY`` bites.

Each case is a complete, valid answer (it must pass) and the attributes whose absence must then fail, one at
a time. Skipped when the reference documents are absent.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from werkzeug.datastructures import Headers

from atlsim.contract import ATLASSIAN_EXTENSION
from atlsim.contract import STRICTNESS_OVERLAY
from atlsim.contract import ContractViolation
from atlsim.contract import SpecContract
from atlsim.contract import apply_overlay
from atlsim.contract import reference_dir

REFERENCE = reference_dir(Path(__file__).resolve().parents[3])
JSON = Headers({"Content-Type": "application/json"})
SCIM_JSON = Headers({"Content-Type": "application/scim+json"})

USER = {
    "type": "user",
    "account_id": "557058:0001",
    "uuid": "{7b2f0d3e-0000-4000-8000-000000000001}",
    "display_name": "Wen Silva",
    "nickname": "wen",
}
WORKSPACE = {"type": "workspace", "slug": "acme", "uuid": "{7b2f0d3e-0000-4000-8000-00000000000a}", "name": "Acme"}
MEMBERSHIP = {"type": "workspace_membership", "user": USER, "workspace": WORKSPACE}
REPOSITORY = {
    "type": "repository",
    "full_name": "acme/infra-core",
    "name": "infra-core",
    "uuid": "{7b2f0d3e-0000-4000-8000-0000000000aa}",
}
SCIM_USER = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ATLASSIAN_EXTENSION],
    "id": "5e0c3b6a-0000-4000-8000-000000000001",
    "userName": "dev001@acme.example",
    "emails": [{"value": "dev001@acme.example", "type": "work", "primary": True}],
    "active": True,
    "meta": {
        "resourceType": "User",
        "created": "2026-01-15T09:30:00Z",
        "lastModified": "2026-01-15T09:30:00Z",
        "location": "https://api.atlassian.com/scim/directory/d/Users/5e0c3b6a-0000-4000-8000-000000000001",
    },
    ATLASSIAN_EXTENSION: {"atlassianAccountId": "557058:0001"},
}
PERMS = "/2.0/repositories/acme/infra-core/permissions-config"
PROJECT = {"type": "project", "key": "PLAT", "uuid": "{7b2f0d3e-0000-4000-8000-0000000000bb}", "name": "Platform"}
PROJECT_PERMS = "/2.0/workspaces/acme/projects/PLAT/permissions-config"
GROUP = {"type": "group", "slug": "developers", "name": "Developers"}

# (id, GET path, query, valid body, attributes whose absence must fail ("a/0/b" = body["a"][0]["b"]))
BITBUCKET_CASES = [
    ("user", "/2.0/user", "", USER, ["type", "account_id", "uuid", "display_name"]),
    ("users-selected", "/2.0/users/557058:0001", "", USER, ["account_id", "uuid", "display_name"]),
    (
        "members",
        "/2.0/workspaces/acme/members",
        "",
        {"values": [MEMBERSHIP], "pagelen": 1},
        ["values", "values/0/user", "values/0/workspace", "values/0/user/account_id", "values/0/user/uuid"],
    ),
    (
        "member",
        "/2.0/workspaces/acme/members/557058:0001",
        "",
        MEMBERSHIP,
        ["user", "workspace", "user/account_id", "user/display_name"],
    ),
    (
        "permissions-config-users",
        PERMS + "/users",
        "",
        {"values": [{"type": "repository_user_permission", "permission": "write", "user": USER}]},
        ["values", "values/0/permission", "values/0/user", "values/0/user/account_id"],
    ),
    (
        "permissions-config-user",
        PERMS + "/users/557058:0001",
        "",
        {"type": "repository_user_permission", "permission": "write", "user": USER},
        ["permission", "user", "user/uuid"],
    ),
    (
        "permissions-config-group",
        PERMS + "/groups/developers",
        "",
        {"type": "repository_group_permission", "permission": "read", "group": {"type": "group", "slug": "developers"}},
        ["permission", "group"],
    ),
    (
        "effective-permissions",
        "/2.0/workspaces/acme/permissions/repositories",
        "",
        {"values": [{"type": "repository_permission", "permission": "admin", "user": USER, "repository": REPOSITORY}]},
        ["values", "values/0/permission", "values/0/user", "values/0/repository", "values/0/user/account_id"],
    ),
    (
        "repositories",
        "/2.0/repositories/acme",
        "",
        {
            "values": [
                {**REPOSITORY, "owner": {"type": "team", "uuid": WORKSPACE["uuid"], "display_name": "Acme"}, "project": PROJECT}
            ]
        },
        ["values", "values/0/owner/uuid", "values/0/owner/display_name", "values/0/project/key", "values/0/project/uuid"],
    ),
    (
        "projects",
        "/2.0/workspaces/acme/projects",
        "",
        {"values": [PROJECT]},
        ["values", "values/0/type", "values/0/key", "values/0/uuid", "values/0/name"],
    ),
    ("project", "/2.0/workspaces/acme/projects/PLAT", "", PROJECT, ["type", "key", "uuid", "name"]),
    (
        "project-permissions-config-users",
        PROJECT_PERMS + "/users",
        "",
        {"values": [{"type": "project_user_permission", "permission": "create-repo", "user": USER}]},
        ["values", "values/0/permission", "values/0/user", "values/0/user/account_id"],
    ),
    (
        "project-permissions-config-user",
        PROJECT_PERMS + "/users/557058:0001",
        "",
        {"type": "project_user_permission", "permission": "none", "user": USER},
        ["permission", "user", "user/uuid"],
    ),
    (
        "project-permissions-config-groups",
        PROJECT_PERMS + "/groups",
        "",
        {"values": [{"type": "project_group_permission", "permission": "admin", "group": GROUP}]},
        ["values", "values/0/permission", "values/0/group", "values/0/group/slug"],
    ),
    (
        "project-permissions-config-group",
        PROJECT_PERMS + "/groups/developers",
        "",
        {"type": "project_group_permission", "permission": "write", "group": GROUP},
        ["permission", "group", "group/slug"],
    ),
]
SCIM_CASES = [
    (
        "user",
        "/scim/directory/d/Users/1",
        "",
        SCIM_USER,
        ["id", "userName", "meta", "schemas", ATLASSIAN_EXTENSION, f"{ATLASSIAN_EXTENSION}/atlassianAccountId"],
    ),
    (
        "list",
        "/scim/directory/d/Users",
        "",
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 1, "Resources": [SCIM_USER]},
        [
            "Resources/0/id",
            "Resources/0/userName",
            "Resources/0/meta",
            "Resources/0/schemas",
            f"Resources/0/{ATLASSIAN_EXTENSION}",
        ],
    ),
    (
        "projection",
        "/scim/directory/d/Users/1",
        "attributes=userName",
        {"schemas": SCIM_USER["schemas"], "id": SCIM_USER["id"], "userName": SCIM_USER["userName"]},
        ["id", "schemas"],
    ),
]


def _require_reference():
    if not (REFERENCE / "bitbucket-cloud-swagger.v3.json").is_file():
        pytest.skip(f"official OpenAPI documents not found under {REFERENCE} (absent from a plain clone)")


@pytest.fixture(scope="module", name="contracts")
def fixture_contracts():
    _require_reference()
    return {
        "bitbucket": SpecContract.bitbucket(REFERENCE),
        "atlassian": SpecContract.scim(REFERENCE),
        "plain": SpecContract.scim(REFERENCE, atlassian=False),
    }


def _without(body, where):
    body = copy.deepcopy(body)
    *parents, last = where.split("/")
    node = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node[last]
    return body


def _check(contract, path, query, body, headers=JSON):
    return contract.check("GET", path, query, {}, None, 200, headers, _json(body))


def _json(body):
    return json.dumps(body).encode()


def _dropped(cases):
    return [
        pytest.param(path, query, body, where, id=f"{case}-{where}")
        for case, path, query, body, drops in cases
        for where in drops
    ]


@pytest.mark.parametrize("path,query,body", [pytest.param(*c[1:4], id=c[0]) for c in BITBUCKET_CASES])
def test_complete_bitbucket_answers_pass(contracts, path, query, body):
    assert _check(contracts["bitbucket"], path, query, body) == "operation"


@pytest.mark.parametrize("path,query,body,where", _dropped(BITBUCKET_CASES))
def test_bitbucket_answer_without_a_required_attribute_fails(contracts, path, query, body, where):
    with pytest.raises(ContractViolation, match=f"'{where.rsplit('/', 1)[-1]}' is a required property"):
        _check(contracts["bitbucket"], path, query, _without(body, where))


def test_project_levels_follow_the_spec(contracts):
    """create-repo is a project level, not a repository one; none may be returned for both."""
    user = {"type": "project_user_permission", "permission": "create-repo", "user": USER}
    assert _check(contracts["bitbucket"], PROJECT_PERMS + "/users/557058:0001", "", user) == "operation"
    with pytest.raises(ContractViolation, match="create-repo"):
        _check(contracts["bitbucket"], PERMS + "/users/557058:0001", "", dict(user, type="repository_user_permission"))
    with pytest.raises(ContractViolation, match="owner"):
        _check(contracts["bitbucket"], PROJECT_PERMS + "/users/557058:0001", "", dict(user, permission="owner"))


def test_empty_shapes_fail(contracts):
    for path, body in [
        ("/2.0/workspaces/acme/members", {}),
        ("/2.0/user", {"type": "team"}),
        (PERMS + "/users/557058:0001", {"type": "repository_user_permission"}),
        (PROJECT_PERMS + "/users/557058:0001", {"type": "project_user_permission"}),
        (PROJECT_PERMS + "/groups/qa", {"type": "project_group_permission"}),
        ("/2.0/workspaces/acme/projects/PLAT", {"type": "project"}),
    ]:
        with pytest.raises(ContractViolation, match="required property"):
            _check(contracts["bitbucket"], path, "", body)


@pytest.mark.parametrize("path,query,body", [pytest.param(*c[1:4], id=c[0]) for c in SCIM_CASES])
def test_complete_scim_answers_pass(contracts, path, query, body):
    assert _check(contracts["atlassian"], path, query, body, SCIM_JSON) == "operation"


@pytest.mark.parametrize("path,query,body,where", _dropped(SCIM_CASES))
def test_scim_answer_without_a_required_attribute_fails(contracts, path, query, body, where):
    with pytest.raises(ContractViolation, match=f"'{where.rsplit('/', 1)[-1]}' is a required property"):
        _check(contracts["atlassian"], path, query, _without(body, where), SCIM_JSON)


def test_plain_scim_contract_needs_no_atlassian_extension(contracts):
    plain_user = _without(SCIM_USER, ATLASSIAN_EXTENSION)
    assert _check(contracts["plain"], "/scim/directory/d/Users/1", "", plain_user, SCIM_JSON) == "operation"
    with pytest.raises(ContractViolation, match="'id' is a required property"):
        _check(contracts["plain"], "/scim/directory/d/Users/1", "", _without(plain_user, "id"), SCIM_JSON)


def test_projection_relaxes_only_what_may_be_left_out(contracts):
    """With ``attributes``, userName and meta may be absent; without, they may not."""
    projected = {"schemas": SCIM_USER["schemas"], "id": SCIM_USER["id"], "displayName": "D"}
    assert _check(contracts["atlassian"], "/scim/directory/d/Users/1", "attributes=displayName", projected, SCIM_JSON)
    with pytest.raises(ContractViolation, match="required property"):
        _check(contracts["atlassian"], "/scim/directory/d/Users/1", "", projected, SCIM_JSON)


def test_overlay_refuses_an_attribute_the_schema_does_not_declare(monkeypatch):
    """A renamed schema attribute cannot silently void an overlay entry."""
    monkeypatch.setitem(STRICTNESS_OVERLAY, "TYPO", ("typo", "ScimUser", ("usrName",), "a typo"))
    spec = {"components": {"schemas": {"ScimUser": {"type": "object", "properties": {"userName": {}}}}}}
    with pytest.raises(ValueError, match="TYPO: ScimUser declares no \\['usrName'\\]"):
        apply_overlay(spec, ("typo",))
    assert apply_overlay({"components": {"schemas": {"ScimUser": {"properties": {"usrName": {}}}}}}, ("typo",)) == ["TYPO"]
