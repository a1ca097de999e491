# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The workspace_access role's read filters: today's access (actual) and everyone it can name (people)."""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_actual import workspace_access_actual
from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_people import workspace_access_people

PERMISSIONS = {
    "repositories": [
        {
            "slug": "infra-core",
            "name": "infra-core",
            "project": "INFRA",
            "users": [{"account_id": "557058:jane", "display_name": "Jane Doe", "nickname": "jane", "permission": "write"}],
            "groups": [{"slug": "developers", "name": "Developers", "permission": "read"}],
        }
    ],
    "projects": [
        {"key": "INFRA", "name": "Infra", "users": [{"account_id": "557058:bob", "display_name": "Bob", "permission": "admin"}]}
    ],
    "api_calls": {"total": 5},
}
GROUPS = {
    "groups": [
        {"id": "g2", "name": "Zeta", "members": []},
        {
            "id": "g1",
            "name": "bitbucket-users-acme",
            "members": [
                {"account_id": "557058:jane", "email": "Jane@Acme.example", "name": "Jane D."},
                {"account_id": "557058:amy", "email": "amy@acme.example", "name": "Amy", "account_type": "app"},
            ],
        },
    ]
}


def test_actual_takes_the_reads_as_they_are():
    actual = workspace_access_actual(PERMISSIONS, groups=GROUPS, workspace="acme")
    assert actual["workspace"] == "acme"
    assert actual["repositories"] == PERMISSIONS["repositories"]
    assert actual["projects"] == PERMISSIONS["projects"]
    assert [g["name"] for g in actual["groups"]] == ["bitbucket-users-acme", "Zeta"]
    assert actual["groups"][0]["members"] == [
        {"account_id": "557058:amy", "email": "amy@acme.example", "display_name": "Amy"},
        {"account_id": "557058:jane", "email": "Jane@Acme.example", "display_name": "Jane D."},
    ]


def test_actual_of_skipped_reads():
    skipped = {"skipped": True, "changed": False}
    assert workspace_access_actual(skipped, groups=skipped) == {
        "workspace": None,
        "repositories": [],
        "projects": [],
        "groups": None,
    }
    # no group read at all: the Admin API is not used (null), not "no groups" (an empty list)
    assert workspace_access_actual(PERMISSIONS)["groups"] is None
    assert workspace_access_actual(PERMISSIONS, groups={"groups": []})["groups"] == []


def test_people_merge_by_account_first_values_win():
    members = {
        "members": [
            {"account_id": "557058:own", "display_name": "Owner", "workspace_permission": "owner", "email": "own@acme.example"},
            {"account_id": "557058:jane", "display_name": "Jane (Bitbucket)", "workspace_permission": "member"},
        ]
    }
    people = workspace_access_people([None, {"skipped": True}, GROUPS, members, PERMISSIONS])
    assert [p["account_id"] for p in people] == ["557058:amy", "557058:bob", "557058:jane", "557058:own"]
    by_id = {p["account_id"]: p for p in people}
    # the email is lower-cased; the group read came first, so its name wins
    assert by_id["557058:jane"] == {
        "account_id": "557058:jane",
        "email": "jane@acme.example",
        "display_name": "Jane D.",
        "bot": False,
        "owner": False,
    }
    assert by_id["557058:own"]["owner"] is True
    assert [p["account_id"] for p in people if p["bot"]] == ["557058:amy"]  # an account of type app
    assert by_id["557058:bob"] == {"account_id": "557058:bob", "email": None, "display_name": "Bob", "bot": False, "owner": False}
    assert workspace_access_people([]) == []
    # the owners of bitbucket_permission_info include_owner
    owners = {"owners": [{"account_id": "557058:bob", "display_name": "Bob"}], "repositories": [], "projects": []}
    assert [p["account_id"] for p in workspace_access_people([owners]) if p["owner"]] == ["557058:bob"]
