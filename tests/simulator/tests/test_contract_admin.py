# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's organization Admin API against Atlassian's official Organizations REST API document
(``atlassian-admin-organization.swagger.v3.2026-08-21.json``, openapi-core).

Every exchange of :data:`CASES` is validated twice: its request (path and query parameters, body, security and the rules
the spec states in words, ``atlsim.contract.ADMIN_REQUEST_RULES``) unless it is malformed on purpose, and the answer
(the operation's declared response for that status, else the ``Errors`` schema). Each case also asserts its status,
so the test knows which answer it validated. The spec's own defects are the ``ADMIN_*`` entries of
``atlsim.contract.SPEC_QUIRKS``; the ``required`` attributes it leaves out are the ``ADMIN_*`` entries of
``atlsim.contract.STRICTNESS_OVERLAY`` (their self-tests are at the end). Skipped when the reference documents are
absent. ``test_admin_client_contract.py`` validates the requests the collection itself sends.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from werkzeug.datastructures import Headers

from atlsim import DEMO_SEED, demo
from atlsim.admin_common import encode_cursor
from atlsim.admin_testkit import COLLECTION_OPERATIONS as COLLECTION
from atlsim.app import create_app
from atlsim.contract import ADMIN_SPEC, ContractViolation, SpecContract, reference_dir
from atlsim.pytest_plugin import LoopbackClient
from atlsim.state import load_seed

REFERENCE = reference_dir(Path(__file__).resolve().parents[3])
ORG = "/admin/v2/orgs/{org}"
D = ORG + "/directories/{dir}"
KEYS = {
    "admin": demo.ADMIN_API_KEY,
    "readonly": demo.ADMIN_READONLY_API_KEY,
    "groups-only": "test-groups-only-key",
    "directories-only": "test-directories-only-key",
    "bad": "not-a-key",
    "none": None,
}
# setups: seed changes (before the app is built) and app changes (after)
SEATS_FULL, UNPAID, INACTIVE, THROTTLED, BROKEN = "seats-full", "unpaid", "inactive-dev030", "burst-429", "fail-500"

# Declared statuses the simulator cannot produce for an operation, and why (the coverage test allows only these).
UNREACHABLE = {
    ("GET", "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}"): {
        400: "its only inputs are path segments: nothing in a request to it can be malformed"
    },
}

USER_SEARCH, GROUP_SEARCH = D + "/users/search", D + "/groups/search"
USER, GROUP = D + "/users/{dev010}", D + "/groups/{users_group}"
MEMBERS = D + "/groups/{users_group}/memberships"
DIRECTORY_CURSOR = encode_cursor({"k": "directories", "o": 0, "l": 1, "f": {}})
USERS_CURSOR = encode_cursor({"k": "users", "o": 50, "l": 50, "f": {}})
GROUPS_CURSOR = encode_cursor({"k": "groups", "o": 1, "l": 1, "f": {}})
WORKSPACES_CURSOR = encode_cursor({"k": "workspaces", "o": 1, "l": 1, "f": {}})
ROLES_CURSOR = encode_cursor({"k": "user-roles", "o": 0, "l": 1, "f": {}})

# (id, method, path, body, query, status, key, setup, request valid per the spec)
CASES = [
    # GET ORG/directories
    ("directories", "GET", ORG + "/directories", None, None, 200, "admin", None, True),
    (
        "directories-filters",
        "GET",
        ORG + "/directories",
        None,
        {"accountId": "{dev010}", "searchTerm": "acme", "limit": 5, "directoryIds": "{dir_id}"},
        200,
        "admin",
        None,
        True,
    ),
    ("directories-cursor", "GET", ORG + "/directories", None, {"cursor": DIRECTORY_CURSOR}, 200, "admin", None, True),
    ("directories-limit-0", "GET", ORG + "/directories", None, {"limit": 0}, 400, "admin", None, False),
    ("directories-no-key", "GET", ORG + "/directories", None, None, 401, "none", None, False),
    ("directories-429", "GET", ORG + "/directories", None, None, 429, "admin", THROTTLED, True),
    ("directories-500", "GET", ORG + "/directories", None, None, 500, "admin", BROKEN, True),
    # POST ORG/workspaces
    ("workspaces", "POST", ORG + "/workspaces", {}, None, 200, "admin", None, True),
    (
        "workspaces-query",
        "POST",
        ORG + "/workspaces",
        {
            "query": {
                "and": [
                    {"field": {"name": "attributes.name", "values": ["acme"]}},
                    {"field": {"name": "attributes.typeKey", "values": ["bitbucket"]}},
                ]
            },
            "limit": 1000,
        },
        None,
        200,
        "readonly",
        None,
        True,
    ),
    ("workspaces-cursor", "POST", ORG + "/workspaces", {"cursor": WORKSPACES_CURSOR}, None, 200, "admin", None, True),
    (
        "workspaces-cursor-not-alone",
        "POST",
        ORG + "/workspaces",
        {"cursor": WORKSPACES_CURSOR, "limit": 1},
        None,
        400,
        "admin",
        None,
        False,
    ),
    ("workspaces-limit", "POST", ORG + "/workspaces", {"limit": 1001}, None, 400, "admin", None, False),
    ("workspaces-no-key", "POST", ORG + "/workspaces", {}, None, 401, "bad", None, False),
    ("workspaces-scope", "POST", ORG + "/workspaces", {}, None, 403, "groups-only", None, True),
    ("workspaces-500", "POST", ORG + "/workspaces", {}, None, 500, "admin", BROKEN, True),
    (
        "workspaces-unknown-org",
        "POST",
        "/admin/v2/orgs/00000000-0000-0000-0000-000000000000/workspaces",
        {},
        None,
        404,
        "admin",
        None,
        True,
    ),
    # POST ORG/users/invite
    (
        "invite",
        "POST",
        ORG + "/users/invite",
        {"emails": ["new1@acme.example"], "additionalGroups": ["{users_group}"], "sendNotification": False},
        None,
        200,
        "admin",
        None,
        True,
    ),
    (
        "invite-rules",
        "POST",
        ORG + "/users/invite",
        {
            "emails": ["new2@acme.example", "new3@acme.example"],
            "permissionRules": [{"resource": "{wiki}", "role": "atlassian/user"}],
            "notificationText": "hi",
        },
        None,
        200,
        "admin",
        None,
        True,
    ),
    (
        "invite-partial",
        "POST",
        ORG + "/users/invite",
        {"emails": ["dev030@acme.example", "new4@acme.example"], "additionalGroups": ["{users_group}"]},
        None,
        206,
        "admin",
        INACTIVE,
        True,
    ),
    (
        "invite-too-many",
        "POST",
        ORG + "/users/invite",
        {"emails": ["n%d@acme.example" % i for i in range(26)]},
        None,
        400,
        "admin",
        None,
        False,
    ),
    ("invite-no-key", "POST", ORG + "/users/invite", {"emails": ["n@acme.example"]}, None, 401, "bad", None, False),
    ("invite-unpaid", "POST", ORG + "/users/invite", {"emails": ["n@acme.example"]}, None, 402, "admin", UNPAID, True),
    (
        "invite-synced-group",
        "POST",
        ORG + "/users/invite",
        {"emails": ["n@acme.example"], "additionalGroups": ["{synced}"]},
        None,
        403,
        "admin",
        None,
        True,
    ),
    (
        "invite-unknown-group",
        "POST",
        ORG + "/users/invite",
        {"emails": ["n@acme.example"], "additionalGroups": ["nope"]},
        None,
        404,
        "admin",
        None,
        True,
    ),
    (
        "invite-seats",
        "POST",
        ORG + "/users/invite",
        {"emails": ["n@acme.example"], "additionalGroups": ["{users_group}"]},
        None,
        409,
        "admin",
        SEATS_FULL,
        True,
    ),
    ("invite-429", "POST", ORG + "/users/invite", {"emails": ["n@acme.example"]}, None, 429, "admin", THROTTLED, True),
    # POST D/users/search
    ("users-search", "POST", USER_SEARCH, {}, None, 200, "admin", None, True),
    (
        "users-search-emails",
        "POST",
        USER_SEARCH,
        {
            "emails": ["dev010@acme.example"],
            "expand": ["groups", "productAccess", "counts.resources", "platformRoles"],
            "limit": 100,
        },
        None,
        200,
        "admin",
        None,
        True,
    ),
    (
        "users-search-ids",
        "POST",
        USER_SEARCH,
        {"accountIds": ["{dev010}"], "expand": ["groups"], "limit": 100},
        None,
        200,
        "readonly",
        None,
        True,
    ),
    (
        "users-search-group",
        "POST",
        USER_SEARCH.replace("{dir}", "-"),
        {"groupIds": ["{users_group}"], "limit": 100, "cursor": USERS_CURSOR},
        None,
        200,
        "admin",
        None,
        True,
    ),
    (
        "users-search-all-fields",
        "POST",
        USER_SEARCH,
        {
            "emails": ["dev010@acme.example"],
            "status": ["active"],
            "membershipStatus": ["active"],
            "accountStatus": ["active"],
            "claimStatus": "managed",
            "emailDomains": ["acme.example"],
            "mfaEnabled": False,
            "roleIds": ["atlassian/user"],
            "resourceIds": ["{acme}"],
            "directoryIds": ["{dir_id}"],
            "sortBy": [{"field": "nick_name", "direction": "desc"}],
        },
        None,
        200,
        "admin",
        None,
        True,
    ),
    (
        "users-search-term-and-emails",
        "POST",
        USER_SEARCH,
        {"emails": ["a@acme.example"], "searchTerm": "a"},
        None,
        400,
        "admin",
        None,
        False,
    ),
    (
        "users-search-eleven-ids",
        "POST",
        USER_SEARCH,
        {"accountIds": ["557058:%d" % i for i in range(11)]},
        None,
        400,
        "admin",
        None,
        False,
    ),
    ("users-search-bad-key", "POST", USER_SEARCH, {}, None, 401, "bad", None, False),
    ("users-search-scope", "POST", USER_SEARCH, {}, None, 403, "groups-only", None, True),
    ("users-search-unknown-directory", "POST", USER_SEARCH.replace("{dir}", "nope"), {}, None, 404, "admin", None, True),
    ("users-search-429", "POST", USER_SEARCH, {}, None, 429, "admin", THROTTLED, True),
    ("users-search-500", "POST", USER_SEARCH, {}, None, 500, "admin", BROKEN, True),
    # GET D/users/{accountId}
    ("user", "GET", USER, None, None, 200, "admin", None, True),
    ("user-all-directories", "GET", USER.replace("{dir}", "-"), None, None, 200, "readonly", None, True),
    ("user-no-key", "GET", USER, None, None, 401, "none", None, False),
    ("user-scope", "GET", USER, None, None, 403, "groups-only", None, True),
    ("user-unknown", "GET", D + "/users/557058:nobody", None, None, 404, "admin", None, True),
    # GET D/users/{accountId}/role-assignments
    ("user-roles", "GET", USER + "/role-assignments", None, {"limit": 100}, 200, "admin", None, True),
    (
        "user-roles-filters",
        "GET",
        USER + "/role-assignments",
        None,
        {"resourceIds": "{acme}", "roleIds": "atlassian/user", "resourceOwners": "bitbucket", "directoryIds": "{dir_id}"},
        200,
        "admin",
        None,
        True,
    ),
    ("user-roles-cursor", "GET", USER + "/role-assignments", None, {"cursor": ROLES_CURSOR}, 200, "admin", None, True),
    ("user-roles-limit", "GET", USER + "/role-assignments", None, {"limit": 101}, 400, "admin", None, False),
    ("user-roles-no-key", "GET", USER + "/role-assignments", None, None, 401, "none", None, False),
    ("user-roles-unknown", "GET", D + "/users/557058:nobody/role-assignments", None, None, 404, "admin", None, True),
    # suspend, restore, remove
    ("suspend", "POST", USER + "/suspend", None, None, 204, "admin", None, True),
    ("suspend-dash", "POST", USER.replace("{dir}", "-") + "/suspend", None, None, 400, "admin", None, True),
    ("suspend-no-key", "POST", USER + "/suspend", None, None, 401, "none", None, False),
    ("suspend-scoped-key", "POST", USER + "/suspend", None, None, 403, "readonly", None, True),
    ("suspend-unknown", "POST", D + "/users/557058:nobody/suspend", None, None, 404, "admin", None, True),
    ("restore", "POST", D + "/users/{newhire01}/restore", None, None, 204, "admin", SEATS_FULL, True),
    ("restore-dash", "POST", D.replace("{dir}", "-") + "/users/{newhire01}/restore", None, None, 400, "admin", None, True),
    ("restore-no-key", "POST", D + "/users/{newhire01}/restore", None, None, 401, "bad", None, False),
    ("restore-429", "POST", D + "/users/{newhire01}/restore", None, None, 429, "admin", THROTTLED, True),
    ("restore-scoped-key", "POST", D + "/users/{newhire01}/restore", None, None, 403, "readonly", None, True),
    ("restore-unknown", "POST", D + "/users/557058:nobody/restore", None, None, 404, "admin", None, True),
    ("restore-500", "POST", D + "/users/{newhire01}/restore", None, None, 500, "admin", BROKEN, True),
    ("remove", "DELETE", USER, None, None, 204, "admin", None, True),
    ("remove-dash", "DELETE", USER.replace("{dir}", "-"), None, None, 400, "admin", None, True),
    ("remove-no-key", "DELETE", USER, None, None, 401, "none", None, False),
    ("remove-500", "DELETE", USER, None, None, 500, "admin", BROKEN, True),
    ("remove-scoped-key", "DELETE", USER, None, None, 403, "readonly", None, True),
    ("remove-unknown", "DELETE", D + "/users/557058:nobody", None, None, 404, "admin", None, True),
    ("remove-429", "DELETE", USER, None, None, 429, "admin", THROTTLED, True),
    # POST D/groups/search
    ("groups-search", "POST", GROUP_SEARCH, {}, None, 200, "admin", None, True),
    (
        "groups-search-names",
        "POST",
        GROUP_SEARCH.replace("{dir}", "-"),
        {"groupNames": ["BITBUCKET-users-acme"], "expand": ["counts.users"], "limit": 100},
        None,
        200,
        "readonly",
        None,
        True,
    ),
    (
        "groups-search-filters",
        "POST",
        GROUP_SEARCH,
        {
            "groupIds": ["{users_group}"],
            "accountIds": ["{dev010}"],
            "resourceIds": ["{acme}"],
            "resourceOwners": ["bitbucket"],
            "roleIds": ["atlassian/user"],
            "directoryIds": ["{dir_id}"],
            "expand": ["counts.users", "counts.resources"],
            "sortBy": [{"field": "name", "direction": "asc"}],
        },
        None,
        200,
        "admin",
        None,
        True,
    ),
    ("groups-search-cursor", "POST", GROUP_SEARCH, {"cursor": GROUPS_CURSOR, "limit": 1}, None, 200, "admin", None, True),
    (
        "groups-search-names-and-ids",
        "POST",
        GROUP_SEARCH,
        {"groupNames": ["a"], "groupIds": ["b"]},
        None,
        400,
        "admin",
        None,
        False,
    ),
    ("groups-search-no-key", "POST", GROUP_SEARCH, {}, None, 401, "none", None, False),
    ("groups-search-scope", "POST", GROUP_SEARCH, {}, None, 403, "directories-only", None, True),
    (
        "groups-search-unknown-org",
        "POST",
        GROUP_SEARCH.replace("{org}", "00000000-0000-0000-0000-000000000000"),
        {},
        None,
        404,
        "admin",
        None,
        True,
    ),
    # GET D/groups/{groupId}
    ("group", "GET", GROUP, None, None, 200, "admin", None, True),
    ("group-synced", "GET", D.replace("{dir}", "-") + "/groups/{synced}", None, None, 200, "readonly", None, True),
    ("group-no-key", "GET", GROUP, None, None, 401, "bad", None, False),
    ("group-unknown", "GET", D + "/groups/nope", None, None, 404, "admin", None, True),
    # GET D/groups/{groupId}/role-assignments
    ("group-roles", "GET", GROUP + "/role-assignments", None, {"limit": 100}, 200, "admin", None, True),
    (
        "group-roles-filters",
        "GET",
        GROUP + "/role-assignments",
        None,
        {"resourceIds": "{acme}", "roleIds": "atlassian/user"},
        200,
        "readonly",
        None,
        True,
    ),
    ("group-roles-limit", "GET", GROUP + "/role-assignments", None, {"limit": 0}, 400, "admin", None, False),
    ("group-roles-no-key", "GET", GROUP + "/role-assignments", None, None, 401, "none", None, False),
    ("group-roles-scope", "GET", GROUP + "/role-assignments", None, None, 403, "directories-only", None, True),
    ("group-roles-unknown", "GET", D + "/groups/nope/role-assignments", None, None, 404, "admin", None, True),
    # memberships
    ("member-add", "POST", MEMBERS, {"accountId": "{newhire02}"}, None, 204, "admin", None, True),
    ("member-add-bad-body", "POST", MEMBERS, {"accountId": "{newhire02}", "extra": 1}, None, 400, "admin", None, True),
    ("member-add-no-key", "POST", MEMBERS, {"accountId": "{newhire02}"}, None, 401, "none", None, False),
    (
        "member-add-synced",
        "POST",
        D + "/groups/{synced}/memberships",
        {"accountId": "{newhire02}"},
        None,
        403,
        "admin",
        None,
        True,
    ),
    ("member-add-outsider", "POST", MEMBERS, {"accountId": "{globex}"}, None, 404, "admin", None, True),
    ("member-add-already", "POST", MEMBERS, {"accountId": "{dev010}"}, None, 409, "admin", None, True),
    ("member-add-seats", "POST", MEMBERS, {"accountId": "{newhire02}"}, None, 409, "admin", SEATS_FULL, True),
    ("member-add-429", "POST", MEMBERS, {"accountId": "{newhire02}"}, None, 429, "admin", THROTTLED, True),
    ("member-remove", "DELETE", MEMBERS + "/{dev010}", None, None, 204, "admin", None, True),
    ("member-remove-dash", "DELETE", MEMBERS.replace("{dir}", "-") + "/{dev010}", None, None, 400, "admin", None, True),
    ("member-remove-no-key", "DELETE", MEMBERS + "/{dev010}", None, None, 401, "bad", None, False),
    ("member-remove-synced", "DELETE", D + "/groups/{synced}/memberships/{dev001}", None, None, 403, "admin", None, True),
    ("member-remove-not-a-member", "DELETE", MEMBERS + "/{newhire02}", None, None, 404, "admin", None, True),
    ("member-remove-500", "DELETE", MEMBERS + "/{dev010}", None, None, 500, "admin", BROKEN, True),
    # what the simulator serves beyond the collection's calls
    ("users-list", "GET", D + "/users", None, {"limit": 2, "emailDomains": "acme.example"}, 200, "admin", None, True),
    ("users-count", "GET", D + "/users/count", None, {"status": "suspended"}, 200, "admin", None, True),
    ("groups-list", "GET", D + "/groups", None, {"limit": 2}, 200, "admin", None, True),
    ("groups-count", "GET", D + "/groups/count", None, None, 200, "admin", None, True),
    (
        "group-role-assign",
        "POST",
        D + "/groups/{admins_group}/role-assignments/assign",
        {"resourceId": "{wiki}", "roleId": "atlassian/user"},
        None,
        200,
        "admin",
        None,
        True,
    ),
    (
        "group-role-assign-seats",
        "POST",
        D + "/groups/{admins_group}/role-assignments/assign",
        {"resourceId": "{acme}", "roleId": "atlassian/user"},
        None,
        200,
        "admin",
        SEATS_FULL,
        True,
    ),
    (
        "group-role-revoke",
        "POST",
        D + "/groups/{users_group}/role-assignments/revoke",
        {"resourceId": "{acme}", "roleId": "atlassian/user"},
        None,
        204,
        "admin",
        None,
        True,
    ),
    (
        "group-role-revoke-unknown",
        "POST",
        D + "/groups/nope/role-assignments/revoke",
        {"resourceId": "{acme}", "roleId": "atlassian/user"},
        None,
        404,
        "admin",
        None,
        True,
    ),
    ("orgs", "GET", "/admin/v1/orgs", None, None, 200, "admin", None, True),
    ("orgs-no-key", "GET", "/admin/v1/orgs", None, None, 401, "bad", None, False),
    ("org", "GET", "/admin/v1/orgs/{org}", None, None, 200, "readonly", None, True),
    ("org-unknown", "GET", "/admin/v1/orgs/00000000-0000-0000-0000-000000000000", None, None, 404, "admin", None, True),
    (
        "user-role-assign",
        "POST",
        "/admin/v1/orgs/{org}/users/{newhire02}/roles/assign",
        {"role": "atlassian/user", "resource": "{acme}"},
        None,
        204,
        "admin",
        None,
        True,
    ),
    (
        "user-role-assign-unknown",
        "POST",
        "/admin/v1/orgs/{org}/users/557058:nobody/roles/assign",
        {"role": "atlassian/user", "resource": "{acme}"},
        None,
        404,
        "admin",
        None,
        True,
    ),
    (
        "user-role-revoke",
        "POST",
        "/admin/v1/orgs/{org}/users/{dev010}/roles/revoke",
        {"role": "atlassian/user", "resource": "{acme}"},
        None,
        204,
        "admin",
        None,
        True,
    ),
    (
        "user-role-revoke-scoped",
        "POST",
        "/admin/v1/orgs/{org}/users/{dev010}/roles/revoke",
        {"role": "atlassian/user", "resource": "{acme}"},
        None,
        401,
        "readonly",
        None,
        True,
    ),
]


@pytest.fixture(scope="module", name="spec")
def fixture_spec():
    if not (REFERENCE / ADMIN_SPEC).is_file():
        pytest.skip(
            f"Admin OpenAPI document not found under {REFERENCE}: the official specs live beside the repository "
            "(../shared/reference) and are absent from a plain clone"
        )
    return SpecContract.admin(REFERENCE)


def _app(setup):
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    seed["admin"]["api_keys"] += [
        {"id": "groups-only", "key": KEYS["groups-only"], "org": demo.ORG_ID, "scopes": ["read:groups:admin"]},
        {"id": "directories-only", "key": KEYS["directories-only"], "org": demo.ORG_ID, "scopes": ["read:directories:admin"]},
    ]
    if setup == SEATS_FULL:
        seed["admin"]["orgs"][0]["resources"][0]["seats"] = 260
    if setup == UNPAID:
        seed["admin"]["orgs"][0]["paid"] = False
    app = create_app(seed)
    if setup == INACTIVE:
        app.state.accounts.get_by_email("dev030@acme.example")["account_status"] = "inactive"
    if setup == THROTTLED:
        app.configure_faults({"burst_429": 1})
    if setup == BROKEN:
        app.configure_faults({"fail_next": [{"status": 500, "count": 1, "path_prefix": "/admin/"}]})
    return app


def _values(app) -> dict:
    org = app.state.admin.orgs[demo.ORG_ID]
    ids = {
        name: app.state.accounts.get_by_email(email)["account_id"]
        for name, email in (
            ("dev001", "dev001@acme.example"),
            ("dev010", "dev010@acme.example"),
            ("newhire01", demo.ADMIN_SUSPENDED_USER),
            ("newhire02", demo.ADMIN_NO_ACCESS_USER),
            ("globex", "owner@globex.example"),
        )
    }
    return dict(
        ids,
        org=demo.ORG_ID,
        dir=demo.ADMIN_DIRECTORY_ID,
        dir_id=demo.ADMIN_DIRECTORY_ID,
        users_group=demo.ADMIN_GROUP_USERS[0],
        admins_group=demo.ADMIN_GROUP_ADMINS[0],
        synced=demo.ADMIN_GROUP_SYNCED[0],
        acme=org.resource_ref("acme", "test").id,
        wiki=next(r for r in org.resources if r.startswith("ari:cloud:confluence")),
    )


def _fill(value, values):
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def exchange(spec, app, method, path, expect, body=None, query=None, key="admin", valid=True):
    """Send one request to the app, assert its status, validate request (when ``valid``) and answer; return
    (answer, how the answer was checked, the spec's template)."""
    headers = {"Authorization": "Bearer " + KEYS[key]} if KEYS[key] else {}
    raw = json.dumps(body).encode() if body is not None else None
    answer = LoopbackClient(app).open(
        path,
        method=method,
        headers=headers,
        data=raw,
        query_string=query,
        content_type="application/json" if raw is not None else None,
    )
    assert answer.status_code == expect, f"{method} {path}: {answer.status_code} {answer.get_data(as_text=True)[:400]}"
    sent = dict(headers, **({"Content-Type": "application/json"} if raw is not None else {}))
    request = answer.request
    query_string = request.query_string.decode()
    if valid:
        spec.check_request(method, request.path, query_string, sent, raw)
    how = spec.check(method, request.path, query_string, sent, raw, answer.status_code, answer.headers, answer.get_data())
    found = spec.operation(method, request.path)
    return answer, how, found[0] if found else None


@pytest.mark.parametrize("method,path,body,query,status,key,setup,valid", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_simulator_answers_follow_the_spec(spec, method, path, body, query, status, key, setup, valid):
    app = _app(setup)
    values = _values(app)
    _answer, how, template = exchange(
        spec, app, method, _fill(path, values), status, _fill(body, values), _fill(query, values), key, valid
    )
    assert template is not None and how in ("operation", "error schema", "ADMIN_BODYLESS_ANSWERS")


def test_every_operation_the_collection_calls_is_covered_with_success_and_errors(spec):
    """The table holds, for each of the collection's 14 operations, its success and every error status the spec
    declares but those of :data:`UNREACHABLE` (429 and 500, through the fault knobs the same for every route, on a
    sample); no case expects a status its operation does not declare."""
    covered: dict = {}
    for case in CASES:
        found = spec.operation(
            case[1],
            case[2].format(
                org="o",
                dir="d",
                **dict.fromkeys(
                    ("dev001", "dev010", "newhire01", "newhire02", "globex", "users_group", "admins_group", "synced", "dir_id"),
                    "x",
                ),
            ),
        )
        covered.setdefault((case[1], found[0]), set()).add(case[5])
    assert set(covered) >= COLLECTION
    for (method, template), statuses in covered.items():
        declared = {int(s) for s in spec.spec["paths"][template][method.lower()]["responses"] if s.isdigit()}
        assert statuses <= declared, (method, template, statuses - declared)
        if (method, template) in COLLECTION:
            wanted = declared - {429, 500} - set(UNREACHABLE.get((method, template), {}))
            assert wanted <= statuses, (method, template, sorted(wanted - statuses))
    assert len(covered) == 24  # the 14 of the collection, and the 10 more the simulator serves


def test_a_membership_conflict_has_two_reasons_and_one_shape(spec):
    """409 on adding a member: already a member (ADMIN-UAM-409-2) or no seat left (ADMIN-UAM-409-3), one Errors shape."""
    app = _app(SEATS_FULL)
    values = _values(app)
    codes = []
    for account in ("{dev010}", "{newhire02}"):
        answer, how, _template = exchange(spec, app, "POST", _fill(MEMBERS, values), 409, {"accountId": _fill(account, values)})
        assert how == "ADMIN_BODYLESS_ANSWERS"
        codes.append(answer.get_json()["errors"][0]["code"])
    assert codes == ["ADMIN-UAM-409-2", "ADMIN-UAM-409-3"]


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
