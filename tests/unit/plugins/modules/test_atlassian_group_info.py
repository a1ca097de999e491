# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_group_info: groups by names, ids, the Bitbucket workspace (or resource) they grant, or all; role
assignments, members, the answer checks."""

from __future__ import annotations

import pytest

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_group_info as module

from .admin_helpers import (  # pylint: disable=unused-import
    ACME_ARI,
    ALL,
    DIRECTORY,
    GROUPS_SEARCH,
    OTHER_DIRECTORY,
    USERS_SEARCH,
    WIKI_ARI,
    WORKSPACES,
    add,
    admin_env,
    args,
    gid,
    group,
    group_role,
    group_search,
    page,
    run_module,
    user,
    workspace,
)
from .harness import api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("admin_env")

NO_ROLES = {"include_role_assignments": False}
RESOURCES = page(
    [
        workspace("acme", ACME_ARI),
        workspace("acme-wiki", WIKI_ARI, "confluence"),
        workspace("acme", "ari:cloud:confluence::site/0000", "confluence"),
    ]
)


def _roles(name):
    return ALL + "/groups/%s/role-assignments" % gid(name)


def test_by_name_without_role_assignments_is_one_search(api):
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-users-acme", users=261)]))
    result, failed = run_module(module, args(names=["Bitbucket-Users-ACME", "bitbucket-users-acme"], **NO_ROLES))
    assert not failed, result
    # names are exact but without regard to case: the same name twice is sent once
    assert calls(api) == [("POST", GROUPS_SEARCH, {}, group_search(names=["Bitbucket-Users-ACME"]))]
    assert result["groups"] == [
        {
            "id": gid("bitbucket-users-acme"),
            "name": "bitbucket-users-acme",
            "description": "The group bitbucket-users-acme",
            "directory_id": DIRECTORY,
            "external_synced": False,
            "managed_by": "admins",
            "modifiable": True,
            "deletable": True,
            "member_count": 261,
            "read_only_reason": None,
        }
    ]
    assert result["not_found"] == [] and "resource_id" not in result
    assert result["api_calls"] == {"total": 1, "POST": 1}


def test_by_names_and_ids_with_role_assignments(api):
    add(api, "POST", WORKSPACES, RESOURCES)
    add(api, "POST", GROUPS_SEARCH, page([group("okta-engineering", synced=True)]))
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-users-acme")]))
    add(api, "GET", _roles("okta-engineering"), page([group_role(WIKI_ARI, "atlassian/user", owner="confluence")]))
    add(
        api,
        "GET",
        _roles("bitbucket-users-acme"),
        page(
            [
                {
                    "resourceId": ACME_ARI,
                    "resourceOwner": "bitbucket",
                    "defaultRole": "atlassian/user",
                    "roles": [["atlassian/user"], ["atlassian/admin"]],
                }
            ]
        ),
    )
    ghost = "6c1b5e2a-0d3b-4b5a-9a56-2f0e8c1d4b7e"
    result, failed = run_module(
        module,
        args(
            ids=["ari:cloud:identity::group/" + gid("okta-engineering").upper(), ghost], names=["bitbucket-users-acme", "ghosts"]
        ),
    )
    assert not failed, result
    assert calls(api) == [
        ("POST", WORKSPACES, {}, {"limit": 100}),
        # an ARI is the group's id, and ids are compared without regard to case
        ("POST", GROUPS_SEARCH, {}, group_search(ids=[gid("okta-engineering"), ghost])),
        ("POST", GROUPS_SEARCH, {}, group_search(names=["bitbucket-users-acme", "ghosts"])),
        ("GET", _roles("okta-engineering"), {"limit": "100"}, None),
        ("GET", _roles("bitbucket-users-acme"), {"limit": "100"}, None),
    ]
    okta, users = result["groups"]
    assert okta["read_only_reason"] == "synced from an identity provider: change its members there"
    assert okta["external_synced"] is True and okta["modifiable"] is False
    assert okta["role_assignments"] == [
        {
            "resource_id": WIKI_ARI,
            "resource_owner": "confluence",
            "resource_name": "acme-wiki",
            "roles": ["atlassian/user"],
            "default_role": "atlassian/user",
        }
    ]
    # the spec's list of lists of roles is read as well as a flat list
    assert users["role_assignments"][0]["roles"] == ["atlassian/user", "atlassian/admin"]
    assert result["not_found"] == [ghost, "ghosts"]


def test_groups_of_a_workspace_are_checked_on_their_own_role_assignments(api):
    add(api, "POST", WORKSPACES, RESOURCES)
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-users-acme"), group("wiki-users")]))
    add(api, "GET", _roles("bitbucket-users-acme"), page([group_role(ACME_ARI, "atlassian/user")]))
    # a group the search answered, whose role assignments do not hold the workspace: dropped
    add(api, "GET", _roles("wiki-users"), page([group_role(WIKI_ARI, "atlassian/user", owner="confluence")]))
    result, failed = run_module(module, args(workspace="acme", **NO_ROLES))
    assert not failed, result
    assert calls(api) == [
        ("POST", WORKSPACES, {}, {"limit": 100}),
        ("POST", GROUPS_SEARCH, {}, group_search(resource_ids=[ACME_ARI])),
        ("GET", _roles("bitbucket-users-acme"), {"limit": "100"}, None),
        ("GET", _roles("wiki-users"), {"limit": "100"}, None),
    ]
    assert [g["name"] for g in result["groups"]] == ["bitbucket-users-acme"]
    assert "role_assignments" not in result["groups"][0]
    assert result["resource_id"] == ACME_ARI and result["not_found"] == []


def test_workspace_with_role_assignments_and_members(api):
    add(api, "POST", WORKSPACES, RESOURCES)
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-admins-acme")]))
    add(api, "GET", _roles("bitbucket-admins-acme"), page([group_role(ACME_ARI, "atlassian/admin")]))
    add(api, "POST", USERS_SEARCH, page([user("owner", groups=["bitbucket-admins-acme"])], next_cursor="m-2"))
    add(api, "POST", USERS_SEARCH, page([user("admin", groups=["bitbucket-admins-acme", "other"])]))
    result, failed = run_module(module, args(workspace="acme", include_members=True))
    assert not failed, result
    members = {"expand": ["groups"], "groupIds": [gid("bitbucket-admins-acme")], "limit": 100}
    assert calls(api)[3:] == [("POST", USERS_SEARCH, {}, members), ("POST", USERS_SEARCH, {}, dict(members, cursor="m-2"))]
    shaped = result["groups"][0]
    assert [m["email"] for m in shaped["members"]] == ["owner@acme.example", "admin@acme.example"]
    assert shaped["role_assignments"] == [
        {
            "resource_id": ACME_ARI,
            "resource_owner": "bitbucket",
            "resource_name": "acme",
            "roles": ["atlassian/admin"],
            "default_role": "atlassian/admin",
        }
    ]


def test_a_member_search_that_answers_a_non_member_fails(api):
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-admins-acme")]))
    add(api, "POST", USERS_SEARCH, page([user("mallory", groups=["other"])]))
    result, failed = run_module(module, args(names=["bitbucket-admins-acme"], include_members=True, **NO_ROLES))
    assert failed and "does not match the groupIds filter" in result["msg"]


def test_resource_id_filters_without_reading_a_workspace_name(api):
    add(api, "POST", WORKSPACES, RESOURCES)
    add(api, "POST", GROUPS_SEARCH, page([group("wiki-users")]))
    add(api, "GET", _roles("wiki-users"), page([group_role(WIKI_ARI, "atlassian/user", owner="confluence")]))
    result, failed = run_module(module, args(resource_id=WIKI_ARI))
    assert not failed
    assert calls(api)[1][3] == group_search(resource_ids=[WIKI_ARI])
    assert result["resource_id"] == WIKI_ARI
    assert result["groups"][0]["role_assignments"][0]["resource_name"] == "acme-wiki"


def test_a_workspace_the_organization_lacks_fails_after_one_read(api):
    # "acme-wiki" is a Confluence site, not a Bitbucket workspace
    add(api, "POST", WORKSPACES, RESOURCES)
    result, failed = run_module(module, args(workspace="acme-wiki"))
    assert failed
    assert result["msg"] == "workspace: the organization has no Bitbucket workspace 'acme-wiki' among its products"
    assert len(calls(api)) == 1


def test_every_group_across_pages(api):
    add(api, "POST", GROUPS_SEARCH, page([group("a")], next_cursor="g-2"))
    add(api, "POST", GROUPS_SEARCH, page([group("b", managementAccess={"modifiable": False, "deletable": False})]))
    result, failed = run_module(module, args(**NO_ROLES))
    assert not failed
    assert calls(api) == [("POST", GROUPS_SEARCH, {}, group_search()), ("POST", GROUPS_SEARCH, {}, group_search(cursor="g-2"))]
    assert [(g["name"], g["read_only_reason"]) for g in result["groups"]] == [
        ("a", None),
        ("b", "not modifiable with this API key (managementAccess.modifiable is false)"),
    ]


def test_a_name_held_in_two_directories_is_refused(api):
    add(
        api,
        "POST",
        GROUPS_SEARCH,
        page([group("devs"), group("devs", directory=OTHER_DIRECTORY, id="0b9a4c43-6a1e-4a7c-9d4e-3f2a1b0c9d8e")]),
    )
    result, failed = run_module(module, args(names=["devs"], **NO_ROLES))
    assert failed
    assert result["msg"] == (
        "names: the name 'devs' is held by 2 groups (in directories %s, %s): name the group by id, "
        "or set admin_directory_id" % tuple(sorted([DIRECTORY, OTHER_DIRECTORY]))
    )


@pytest.mark.parametrize(
    "answer, message",
    [
        (group("other"), "answered the group 'other', which does not match the groupNames filter"),
        (group("devs", id="../groups"), "is not a safe URL path segment"),
        ("devs", "answered a group that is not an object"),
    ],
)
def test_a_group_search_answering_something_else_fails(api, answer, message):
    add(api, "POST", GROUPS_SEARCH, page([answer]))
    result, failed = run_module(module, args(names=["devs"], **NO_ROLES))
    assert failed and message in result["msg"], result["msg"]
    assert result["msg"].startswith("Unexpected answer from the API: POST " + GROUPS_SEARCH)


def test_an_id_search_answering_another_group_fails(api):
    add(api, "POST", GROUPS_SEARCH, page([group("other")]))
    result, failed = run_module(module, args(ids=[gid("devs")], **NO_ROLES))
    assert failed and "which does not match the groupIds filter" in result["msg"]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"names": []}, "names and ids must not be empty lists"),
        ({"ids": []}, "names and ids must not be empty lists"),
        ({"ids": ["devs"]}, "ids: 'devs' is not a group ID (a UUID)"),
        ({"names": [""]}, "names is empty"),
        ({"names": ["devs\n"]}, "names holds a line break"),
        ({"workspace": "acme", "resource_id": ACME_ARI}, "parameters are mutually exclusive: workspace|resource_id"),
    ],
)
def test_bad_options_fail_before_any_request(api, options, message):
    result, failed = run_module(module, args(**options))
    assert failed and message in result["msg"], result["msg"]
    assert calls(api) == []


def _seated(name, rid, capacity=None, usage=None, **extra):
    item = workspace(name, rid)
    for key, value in (("capacity", capacity), ("usage", usage)):
        if value is not None:
            item["attributes"][key] = value
    item["attributes"].update(extra)
    return item


@pytest.mark.parametrize(
    ("capacity", "usage", "seats"),
    [
        (300, 262, {"capacity": 300, "usage": 262, "available": 38}),
        (262, 262, {"capacity": 262, "usage": 262, "available": 0}),
        (250, 262, {"capacity": 250, "usage": 262, "available": 0}),  # over the soft limit: none left, never negative
        (None, None, {"capacity": None, "usage": None, "available": None}),
    ],
)
def test_workspace_gives_its_seats_from_the_same_look_up(api, capacity, usage, seats):
    add(
        api,
        "POST",
        WORKSPACES,
        page([_seated("acme", ACME_ARI, capacity, usage), workspace("acme-wiki", WIKI_ARI, "confluence")]),
    )
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-users-acme")]))
    add(api, "GET", _roles("bitbucket-users-acme"), page([group_role(ACME_ARI, "atlassian/user")]))
    result, failed = run_module(module, args(workspace="acme", **NO_ROLES))
    assert not failed, result
    # no request more than without seats
    assert [c[:2] for c in calls(api)] == [
        ("POST", WORKSPACES),
        ("POST", GROUPS_SEARCH),
        ("GET", _roles("bitbucket-users-acme")),
    ]
    assert result["seats"] == seats


def test_seats_are_not_numbers_unless_the_api_says_integers(api):
    add(api, "POST", WORKSPACES, page([_seated("acme", ACME_ARI, capacity="300", usage=True)]))
    add(api, "POST", GROUPS_SEARCH, page([]))
    result, failed = run_module(module, args(workspace="acme", **NO_ROLES))
    assert not failed and result["seats"] == {"capacity": None, "usage": None, "available": None}


def test_no_seats_without_a_workspace(api):
    add(api, "POST", WORKSPACES, RESOURCES)
    add(api, "POST", GROUPS_SEARCH, page([]))
    result, failed = run_module(module, args(resource_id=ACME_ARI, **NO_ROLES))
    assert not failed and "seats" not in result
