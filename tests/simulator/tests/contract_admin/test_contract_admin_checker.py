# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Admin API contract checker itself (:class:`atlsim.contract.SpecContract` built by ``SpecContract.admin``): the
``ADMIN_*`` quirks of ``atlsim.contract.SPEC_QUIRKS``, the worded rules of ``atlsim.contract.ADMIN_REQUEST_RULES`` and
the ``ADMIN_*`` entries of ``atlsim.contract.STRICTNESS_OVERLAY`` bite. Skipped when the reference documents are absent.
"""

from __future__ import annotations

import copy
import json

import pytest
from werkzeug.datastructures import Headers

from atlsim.contract import ContractViolation


# -- the checker itself: quirks, worded rules and the strictness overlay bite -------------------------------------------
JSON = Headers({"Content-Type": "application/json"})
PATH_USER = "/admin/v2/orgs/o/directories/d/users/712020:a"
PATH_SEARCH = "/admin/v2/orgs/o/directories/d/users/search"
USER_BODY = {
    "accountId": "712020:a",
    "email": "a@acme.example",
    "status": "active",
    "accountStatus": "active",
    "membershipStatus": "active",
}
GROUP_BODY = {"id": "g", "name": "devs", "directoryId": "d", "managementAccess": {"modifiable": True}}
ERROR_ITEM = {"code": "ADMIN-UAM-404-1", "status": "404", "title": "Unknown Resource"}
# (id, method, path, status, valid body, attributes whose absence must fail ("a/0/b" = body["a"][0]["b"]))
OVERLAY_CASES = [
    ("user-details", "GET", PATH_USER, 200, {"data": USER_BODY}, ["data"] + ["data/" + k for k in USER_BODY]),
    (
        "user-search",
        "POST",
        PATH_SEARCH,
        200,
        {"data": [dict(USER_BODY, groups=[{"id": "g"}])]},
        ["data/0/" + k for k in USER_BODY] + ["data/0/groups/0/id"],
    ),
    ("group", "GET", "/admin/v2/orgs/o/directories/d/groups/g", 200, {"data": GROUP_BODY}, ["data/" + k for k in GROUP_BODY]),
    (
        "group-search",
        "POST",
        "/admin/v2/orgs/o/directories/d/groups/search",
        200,
        {"data": [GROUP_BODY]},
        ["data/0/" + k for k in GROUP_BODY],
    ),
    (
        "directories",
        "GET",
        "/admin/v2/orgs/o/directories",
        200,
        {"data": [{"directoryId": "d", "name": "n"}]},
        ["data", "data/0/directoryId", "data/0/name"],
    ),
    (
        "user-roles",
        "GET",
        PATH_USER + "/role-assignments",
        200,
        {"data": [{"resourceId": "r", "roleAssignments": [{"role": "atlassian/user", "roleAssignmentMethods": ["direct"]}]}]},
        [
            "data",
            "data/0/resourceId",
            "data/0/roleAssignments",
            "data/0/roleAssignments/0/role",
            "data/0/roleAssignments/0/roleAssignmentMethods",
        ],
    ),
    (
        "group-roles",
        "GET",
        "/admin/v2/orgs/o/directories/d/groups/g/role-assignments",
        200,
        {"data": [{"resourceId": "r", "roles": ["atlassian/user"]}]},
        ["data", "data/0/resourceId", "data/0/roles"],
    ),
    (
        "workspaces",
        "POST",
        "/admin/v2/orgs/o/workspaces",
        200,
        {"data": [{"id": "r", "type": "workspace", "attributes": {"name": "acme", "typeKey": "bitbucket"}}]},
        ["data", "data/0/id", "data/0/type", "data/0/attributes", "data/0/attributes/name", "data/0/attributes/typeKey"],
    ),
    (
        "invite",
        "POST",
        "/admin/v2/orgs/o/users/invite",
        200,
        {"data": [{"email": "a@acme.example", "results": []}]},
        ["data", "data/0/email", "data/0/results"],
    ),
    ("errors", "GET", PATH_USER, 404, {"errors": [ERROR_ITEM]}, ["errors", "errors/0/code", "errors/0/status", "errors/0/title"]),
    (
        "invite-errors",
        "POST",
        "/admin/v2/orgs/o/users/invite",
        409,
        {"errors": [ERROR_ITEM]},
        ["errors", "errors/0/code", "errors/0/status", "errors/0/title"],
    ),
    ("workspaces-error", "POST", "/admin/v2/orgs/o/workspaces", 400, ERROR_ITEM, ["code", "status", "title"]),
    ("workspaces-401", "POST", "/admin/v2/orgs/o/workspaces", 401, {"code": 401, "message": "no"}, ["code", "message"]),
]


def _without(body, where):
    body = copy.deepcopy(body)
    *parents, last = where.split("/")
    node = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node[last]
    return body


def _answer(spec, method, path, status, body):
    return spec.check(method, path, "", {}, None, status, JSON, json.dumps(body).encode())


@pytest.mark.parametrize("method,path,status,body", [pytest.param(*c[1:5], id=c[0]) for c in OVERLAY_CASES])
def test_complete_admin_answers_pass(spec, method, path, status, body):
    assert _answer(spec, method, path, status, body) == "operation"


@pytest.mark.parametrize(
    "method,path,status,body,where", [pytest.param(*c[1:5], where, id=f"{c[0]}-{where}") for c in OVERLAY_CASES for where in c[5]]
)
def test_admin_answer_without_a_required_attribute_fails(spec, method, path, status, body, where):
    with pytest.raises(ContractViolation, match=f"'{where.rsplit('/', 1)[-1]}' is a required property"):
        _answer(spec, method, path, status, _without(body, where))


def test_quirks_are_applied_and_still_bite(spec):
    # ADMIN_USER_DETAILS_TEMPLATE: GET user details is found, and validated as MultiDirectoryUserDetails
    assert spec.operation("GET", PATH_USER)[1]["operationId"] == "getDirectoryUserDetails"
    with pytest.raises(ContractViolation, match="is not of type 'string'"):
        _answer(spec, "GET", PATH_USER, 200, {"data": dict(USER_BODY, email=5)})
    # ADMIN_GROUP_COUNTS_TYPE: counts is still a GroupCounts
    with pytest.raises(ContractViolation, match="is not of type 'integer'"):
        _answer(spec, "GET", "/admin/v2/orgs/o/directories/d/groups/g", 200, {"data": dict(GROUP_BODY, counts={"users": "3"})})
    # ADMIN_BODYLESS_ANSWERS: no body on success, the Errors shape on failure
    members = "/admin/v2/orgs/o/directories/d/groups/g/memberships"
    assert spec.check("POST", members, "", {}, None, 204, Headers(), b"") == "ADMIN_BODYLESS_ANSWERS"
    with pytest.raises(ContractViolation, match="a body where the spec declares none"):
        spec.check("POST", members, "", {}, None, 204, JSON, b'{"ok": true}')
    with pytest.raises(ContractViolation, match="'errors' is a required property"):
        _answer(spec, "POST", members, 409, {"code": "ADMIN-UAM-409-2"})
    assert _answer(spec, "POST", members, 409, {"errors": [dict(ERROR_ITEM, status="409")]}) == "ADMIN_BODYLESS_ANSWERS"
    # an answer the operation does not declare at all
    with pytest.raises(ContractViolation, match="declares no 202 answer"):
        spec.check("POST", "/admin/v2/orgs/o/users/invite", "", {}, None, 202, Headers(), b"")


@pytest.mark.parametrize(
    "method,path,body,match",
    [
        ("POST", "/admin/v2/orgs/o/workspaces", {"cursor": "c", "limit": 100}, "ADMIN_WORKSPACES_CURSOR_ALONE"),
        ("POST", PATH_SEARCH, {"emails": ["a@acme.example"], "searchTerm": "a"}, "ADMIN_USERS_EMAILS_OR_TERM"),
        (
            "POST",
            "/admin/v2/orgs/o/directories/d/groups/search",
            {"groupNames": ["a"], "groupIds": ["b"]},
            "ADMIN_GROUPS_NAMES_EXCLUSIVE",
        ),
        ("POST", "/admin/v2/orgs/o/users/invite", {"emails": ["n%d@x" % i for i in range(26)]}, "at emails: .* is too long"),
        ("POST", "/admin/v2/orgs/o/users/invite", {"emails": []}, "should be non-empty|too short"),
        ("POST", PATH_SEARCH, {"accountIds": ["a"] * 11}, "at accountIds: .* is too long"),
        ("POST", PATH_SEARCH, {"emails": ["a@acme.example", "a@acme.example"]}, "non-unique"),
        (
            "POST",
            "/admin/v2/orgs/o/directories/d/groups/g/memberships",
            {"account_id": "a"},
            "'accountId' is a required property",
        ),
        ("GET", "/admin/v2/orgs/o/directories?limit=101", None, "limit"),
    ],
)
def test_bad_requests_are_caught(spec, method, path, body, match):
    headers = {"Authorization": "Bearer k", "Content-Type": "application/json"}
    path, _mark, query = path.partition("?")
    raw = json.dumps(body).encode() if body is not None else None
    with pytest.raises(ContractViolation, match=match):
        spec.check_request(method, path, query, headers, raw)


def test_the_collection_s_request_forms_pass(spec):
    """What the client sends (first page, next page) passes; the cursor alone on the workspaces' next page."""
    headers = {"Authorization": "Bearer k", "Content-Type": "application/json"}
    for method, path, body in [
        ("POST", "/admin/v2/orgs/o/workspaces", {"limit": 100}),
        ("POST", "/admin/v2/orgs/o/workspaces", {"cursor": "c"}),
        (
            "POST",
            PATH_SEARCH,
            {"emails": ["n%d@acme.example" % i for i in range(100)], "expand": ["groups"], "limit": 100, "cursor": "c"},
        ),
        (
            "POST",
            "/admin/v2/orgs/o/users/invite",
            {"emails": ["n%d@acme.example" % i for i in range(25)], "additionalGroups": ["g"], "sendNotification": True},
        ),
    ]:
        spec.check_request(method, path, "", headers, json.dumps(body).encode())
    assert spec.check_request("GET", PATH_USER + "/role-assignments", "limit=100", headers, None).endswith("/role-assignments")
