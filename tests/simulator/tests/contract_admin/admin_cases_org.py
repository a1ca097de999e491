# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Admin API contract cases of the organization: directories, workspaces and invitations
(test_contract_admin_answers.py runs them).

A case: (id, method, path, body, query, status, key, setup, request valid per the spec); ``{name}`` in a path, body or
query is filled in from the app (``admin_contract_kit.values_of``)."""

from __future__ import annotations

from admin_contract_kit import ORG, SEATS_FULL, UNPAID, INACTIVE, THROTTLED, BROKEN, DIRECTORY_CURSOR, WORKSPACES_CURSOR

ORG_CASES = [
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
]
