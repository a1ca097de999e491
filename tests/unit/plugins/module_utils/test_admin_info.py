# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_admin.info and _admin.ensure without HTTP: how groups and users are named, found and shown, and the plans of the
ensure modules, on a stub client that records what it is asked."""

from __future__ import annotations

import re

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.ensure import group_membership
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.info import (
    find_groups,
    find_user,
    grants,
    group_roles,
    is_read_only,
    resource_names,
    shape_group,
    shape_user,
    split_groups,
    user_kind,
    user_roles,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError, UnexpectedAnswerError

G1 = "0e35343a-3bbd-59e8-bdb5-d019d29449e6"
G2 = "c9a47c58-6f38-560a-a0d6-a26711677854"


class StubClient:
    """Answers from dicts; ``asked`` lists every call (name, arguments)."""

    org_id = "org-1"  # named in the change items

    def __init__(self, users=(), groups=(), workspaces=()):
        self.users = list(users)
        self.groups = list(groups)
        self.spaces = list(workspaces)
        self.asked = []

    def search_users(self, emails=None, account_ids=None, group_ids=None, expand=()):
        self.asked.append(("search_users", emails, account_ids, tuple(expand or ())))
        return [u for u in self.users if (emails and u.get("email") in emails) or (account_ids and u["accountId"] in account_ids)]

    def search_groups(self, names=None, ids=None, **_kwargs):
        self.asked.append(("search_groups", names, ids))
        return [g for g in self.groups if (names and g["name"].lower() in [n.lower() for n in names]) or (ids and g["id"] in ids)]

    def workspaces(self):
        self.asked.append(("workspaces",))
        return self.spaces

    def __getattr__(self, name):  # the writes: recorded
        if name in ("add_member", "remove_member", "suspend", "restore", "remove_user", "invite"):
            return lambda *a: self.asked.append((name,) + a) or True
        raise AttributeError(name)

    def writes(self):
        return [a for a in self.asked if a[0] in ("add_member", "remove_member", "suspend", "restore", "remove_user", "invite")]


def _group(gid, name, **extra):
    return dict({"id": gid, "name": name, "directoryId": "d1"}, **extra)


def _user(name="jane", groups=(), **extra):
    return dict(
        {
            "accountId": "712020:" + name,
            "email": name + "@acme.example",
            "status": "active",
            "groups": [{"id": g, "name": "n"} for g in groups],
        },
        **extra,
    )


# -- naming ----------------------------------------------------------------------------------------------------------


def test_split_groups():
    ids, names = split_groups([G1.upper(), "ari:cloud:identity::group/" + G1, " devs ", "DEVS", "{%s}" % G2, G2, "a b"])
    assert ids == [G1, G2]
    assert names == ["devs", "{%s}" % G2, "a b"]  # a {uuid} is not how a group id is written: a name
    assert split_groups(None) == ([], [])


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "groups is empty"),
        ("x\ty", "groups holds a line break"),
        (3, "groups must be a string"),
        ("g" * 256, "groups is 256 characters"),
    ],
)
def test_split_groups_refuses(value, message):
    with pytest.raises(ConfigurationError, match=message):
        split_groups([value])


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Jane@ACME.example", ("email", "jane@acme.example")),
        ("712020:abc-1", ("account_id", "712020:abc-1")),
        ("5b10ac8d82e05b22cc7d4ef5", ("account_id", "5b10ac8d82e05b22cc7d4ef5")),
    ],
)
def test_user_kind(value, expected):
    assert user_kind(value) == expected


def test_a_uuid_is_not_a_user_here():
    with pytest.raises(
        ConfigurationError, match=re.escape("user '{%s}' is not an email address or an Atlassian account ID" % G1)
    ):
        user_kind("{%s}" % G1)


@pytest.mark.parametrize(
    "group, reason",
    [
        ({"externalSynced": True}, "synced from an identity provider: change its members there"),
        ({"managedBy": "external", "managementAccess": {"modifiable": True}}, "synced from an identity provider"),
        ({"managementAccess": {"modifiable": False}}, "not modifiable with this API key"),
        ({"managementAccess": "no"}, None),
        ({"managedBy": "admins", "externalSynced": False, "managementAccess": {"modifiable": True}}, None),
        ({"externalSynced": "true"}, None),  # only the boolean the API documents counts
    ],
)
def test_is_read_only(group, reason):
    found = is_read_only(group)
    assert (found is None) if reason is None else found.startswith(reason)


# -- finding ---------------------------------------------------------------------------------------------------------


def test_find_groups_by_ids_then_names_each_once():
    client = StubClient(groups=[_group(G1, "devs"), _group(G2, "Admins")])
    groups, not_found = find_groups(client, [G2, "6c1b5e2a-0d3b-4b5a-9a56-2f0e8c1d4b7e"], ["admins", "devs", "ghosts"])
    assert [g["id"] for g in groups] == [G2, G1] and not_found == ["6c1b5e2a-0d3b-4b5a-9a56-2f0e8c1d4b7e", "ghosts"]
    assert client.asked == [
        ("search_groups", None, [G2, "6c1b5e2a-0d3b-4b5a-9a56-2f0e8c1d4b7e"]),
        ("search_groups", ["admins", "devs", "ghosts"], None),
    ]
    assert find_groups(client, [], []) == ([], []) and len(client.asked) == 2


def test_find_groups_refuses_a_name_of_two_groups():
    client = StubClient(groups=[_group(G1, "devs"), _group(G2, "DEVS", directoryId="d2")])
    with pytest.raises(ConfigurationError, match=r"^groups: the name 'devs' is held by 2 groups \(in directories d1, d2\)"):
        find_groups(client, [], ["devs"])


def test_find_user():
    client = StubClient(users=[_user()])
    assert find_user(client, "JANE@acme.example")["accountId"] == "712020:jane"
    assert find_user(client, "712020:jane", expand=())["email"] == "jane@acme.example"
    assert find_user(client, "712020:nobody") is None
    assert client.asked == [
        ("search_users", ["jane@acme.example"], None, ("groups",)),
        ("search_users", None, ["712020:jane"], ()),
        ("search_users", None, ["712020:nobody"], ("groups",)),
    ]


def test_find_user_refuses_two_accounts():
    client = StubClient(users=[_user(), dict(_user(), accountId="712020:twin")])
    with pytest.raises(UnexpectedAnswerError, match="the directory answered 2 accounts"):
        find_user(client, "jane@acme.example")


# -- shaping ---------------------------------------------------------------------------------------------------------


def test_roles_flat_or_nested():
    assignments = [
        {"resourceId": "r1", "roles": [["atlassian/user", "atlassian/admin"], "atlassian/user", 3, None]},
        {"resourceId": "r2", "roles": None, "defaultRole": "x"},
    ]
    assert group_roles(assignments, {"r1": {"name": "acme"}}) == [
        {
            "resource_id": "r1",
            "resource_owner": None,
            "resource_name": "acme",
            "roles": ["atlassian/user", "atlassian/admin"],
            "default_role": None,
        },
        {"resource_id": "r2", "resource_owner": None, "resource_name": None, "roles": [], "default_role": "x"},
    ]
    assert grants(assignments, "r1") == ["atlassian/user", "atlassian/admin"]
    assert grants(assignments, "r1", ("atlassian/admin",)) == ["atlassian/admin"]
    assert grants(assignments + assignments, "r1") == ["atlassian/user", "atlassian/admin"]
    assert grants(assignments, "r2") == []


def test_user_roles_say_how_each_role_is_held():
    groups = [{"id": G1, "name": "devs"}, {"id": G2, "name": "admins"}]
    assignments = [
        {
            "resourceId": "r1",
            "resourceOwner": "bitbucket",
            "directoryId": "d1",
            "roleAssignments": [
                {"role": "atlassian/user", "roleAssignmentMethods": ["group_direct", "direct", "inferred", "future_method"]},
                "junk",
                {"role": "atlassian/admin", "roleAssignmentMethods": None},
            ],
        }
    ]
    by_group = {G1: [{"resourceId": "r1", "roles": ["atlassian/user"]}], G2: [{"resourceId": "r9", "roles": ["atlassian/user"]}]}
    assert user_roles(assignments, {}, groups, by_group) == [
        {
            "resource_id": "r1",
            "resource_owner": "bitbucket",
            "resource_name": None,
            "role": "atlassian/user",
            "directory_id": "d1",
            "granted_by": [
                {"type": "group", "groups": [{"id": G1, "name": "devs"}]},
                {"type": "direct"},
                {"type": "inferred"},
                {"type": "future_method"},
            ],
        },
        {
            "resource_id": "r1",
            "resource_owner": "bitbucket",
            "resource_name": None,
            "role": "atlassian/admin",
            "directory_id": "d1",
            "granted_by": [],
        },
    ]


def test_shape_user_only_shows_what_was_read():
    assert "groups" not in shape_user({"accountId": "a"}) and "product_access" not in shape_user({"accountId": "a"})
    shaped = shape_user(
        {
            "accountId": "a",
            "groups": [{"id": "ari:cloud:identity::group/" + G1, "name": "devs"}, "x"],
            "productAccess": [
                {"key": "bitbucket", "id": "r1"},
                None,
                {"key": "confluence", "id": "r2", "lastActiveTimestamp": "2025-11-06T23:07:29.936941226Z"},
            ],
        },
        names={"r1": {"name": "acme"}},
    )
    assert shaped["groups"] == [{"id": G1, "name": "devs"}]
    assert shaped["product_access"] == [
        {"product": "bitbucket", "resource_id": "r1", "resource_name": "acme", "last_active": None},
        {"product": "confluence", "resource_id": "r2", "resource_name": None, "last_active": "2025-11-06"},
    ]
    # the dates of the search: access without a timestamp is never active (null)
    assert shaped["last_active"] == {"bitbucket": None, "confluence": "2025-11-06"}
    assert "last_active" not in shape_user({"accountId": "a", "groups": []})
    assert "role_assignments" not in shaped
    assert shape_user({"accountId": "a"}, assignments=[])["role_assignments"] == []


def test_shape_group():
    shaped = shape_group({"id": G1, "name": "devs", "managementAccess": None, "counts": "many"}, members=[{"accountId": "a"}])
    assert shaped["modifiable"] is None and shaped["member_count"] is None and shaped["external_synced"] is False
    assert [m["account_id"] for m in shaped["members"]] == ["a"] and "role_assignments" not in shaped


def test_resource_names():
    client = StubClient(
        workspaces=[{"id": "r1", "attributes": {"name": "acme", "typeKey": "bitbucket"}}, {"id": "r2", "attributes": None}]
    )
    no_seats = {"capacity": None, "usage": None, "available": None}
    assert resource_names(client) == {
        "r1": {"name": "acme", "product": "bitbucket", "seats": no_seats},
        "r2": {"name": None, "product": None, "seats": no_seats},
    }


def test_seats_of_a_workspace():
    client = StubClient(
        workspaces=[{"id": "r1", "attributes": {"name": "acme", "typeKey": "bitbucket", "capacity": 5, "usage": 2}}]
    )
    assert resource_names(client)["r1"]["seats"] == {"capacity": 5, "usage": 2, "available": 3}


# -- plans of the ensure modules ---------------------------------------------------------------------------------------


def test_group_membership_needs_a_group():
    client = StubClient()
    with pytest.raises(ConfigurationError, match="groups must name at least one group"):
        group_membership(client, {"user": "jane@acme.example", "groups": None})
    assert client.asked == []


def test_group_membership_user_by_account_id_without_email_in_messages():
    client = StubClient(users=[_user(groups=[G2], email=None)], groups=[_group(G1, "devs", externalSynced=True)])
    with pytest.raises(ConfigurationError, match="^Cannot add 712020:jane to the group 'devs'"):
        group_membership(client, {"user": "712020:jane", "groups": ["devs"]})
    assert client.writes() == []


def test_group_membership_absent_in_check_mode():
    client = StubClient(users=[_user(groups=[G1])], groups=[_group(G1, "devs")])
    result, failed = group_membership(client, {"user": "jane@acme.example", "groups": [G1], "state": "absent"}, check_mode=True)
    assert not failed and client.writes() == []
    assert result["removed"] == ["devs"] and result["groups"][0]["member"] is False and result["changed"] is True
    assert [(c["action"], c["target"], c["before"], c["after"]) for c in result["changes"]] == [
        ("remove", {"org": "org-1", "group_id": G1, "group_name": "devs"}, True, False)
    ]
