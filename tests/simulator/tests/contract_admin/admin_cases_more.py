# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Admin API contract cases of what the simulator serves beyond the collection's calls (lists, counts, role writes, v1)
(test_contract_admin_answers.py runs them).

A case: (id, method, path, body, query, status, key, setup, request valid per the spec); ``{name}`` in a path, body or
query is filled in from the app (``admin_contract_kit.values_of``)."""

from __future__ import annotations

from admin_contract_kit import D, SEATS_FULL

LAST_ACTIVE = "/admin/v1/orgs/{{org}}/directory/users/{user}/last-active-dates"

MORE_CASES = [
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
    # last-active dates (v1; the demo's dev001: Bitbucket and Confluence)
    ("last-active", "GET", LAST_ACTIVE.format(user="{dev001}"), None, None, 200, "readonly", None, True),
    ("last-active-none", "GET", LAST_ACTIVE.format(user="{newhire02}"), None, None, 200, "admin", None, True),
    ("last-active-not-in-org", "GET", LAST_ACTIVE.format(user="{globex}"), None, None, 404, "admin", None, True),
    ("last-active-bad-cursor", "GET", LAST_ACTIVE.format(user="{dev001}"), None, {"cursor": "nope"}, 400, "admin", None, True),
    ("last-active-no-key", "GET", LAST_ACTIVE.format(user="{dev001}"), None, None, 401, "none", None, False),
]
