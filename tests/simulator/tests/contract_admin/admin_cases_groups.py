# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Admin API contract cases of groups: search, details, role assignments and memberships
(test_contract_admin_answers.py runs them).

A case: (id, method, path, body, query, status, key, setup, request valid per the spec); ``{name}`` in a path, body or
query is filled in from the app (``admin_contract_kit.values_of``)."""

from __future__ import annotations

from admin_contract_kit import D, SEATS_FULL, THROTTLED, BROKEN, GROUP_SEARCH, GROUP, MEMBERS, GROUPS_CURSOR

GROUP_CASES = [
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
]
