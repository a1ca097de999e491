# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Onboarding's seat check (issue 23) with plain data: who takes a seat of the Bitbucket workspace (added to a group
that grants it, not holding product access yet), the free seats given in the order of the people, the people after the
last seat stopped before any write with "out of seats for Bitbucket workspace acme (N of N used)", and what a failed or
incomplete seat read means."""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.filter.onboarding_result import onboarding_result
from ansible_collections.accessops.atlassian.plugins.filter.onboarding_state import onboarding_state
from ansible_collections.accessops.atlassian.plugins.plugin_utils._onboarding import seats

WS = "acme"
ACME = "ari:cloud:bitbucket::workspace/acme-id"
OTHER = "ari:cloud:bitbucket::workspace/other-id"
USERS = {"id": "g-users", "name": "bitbucket-users-acme"}
CONFLUENCE = {"id": "g-conf", "name": "confluence-users"}


def settings(**more):
    base = {"workspace": WS, "default_groups": [], "use_scim": False, "create_accounts": False, "allowed_domains": []}
    base.update(invite=False, verify=True, check=True)
    base.update(more)
    return base


def user(email, account_id, groups=(), access=()):
    return {
        "email": email,
        "account_id": account_id,
        "status": "active",
        "groups": [dict(g) for g in groups],
        "product_access": [{"product": "bitbucket", "resource_id": r, "resource_name": None} for r in access],
    }


def group_info(capacity, usage, roles=("atlassian/user",), total=4):
    """An atlassian_group_info result with workspace=acme and include_role_assignments=true."""
    return {
        "api_calls": {"total": total},
        "resource_id": ACME,
        "seats": {"capacity": capacity, "usage": usage, "available": None if capacity is None else max(capacity - usage, 0)},
        "groups": [
            dict(USERS, role_assignments=[{"resource_id": ACME, "roles": list(roles)}]),
            # a group with a role on the workspace that is no product access
            {"id": "g-view", "name": "viewers", "role_assignments": [{"resource_id": ACME, "roles": ["atlassian/other"]}]},
        ],
    }


def run(people, users, info=None, **options):
    results = {"lookup": {"users": users, "api_calls": {"total": 1}}}
    if info is not None:
        results["seats"] = info
    return onboarding_state(people, settings(**options), results)


def person(value, email):
    return next(p for p in value["people"] if p["email"] == email)


def test_the_seat_read_is_needed_only_when_someone_joins_a_group():
    people = [{"email": "a@acme.example", "groups": ["bitbucket-users-acme"]}, {"email": "b@acme.example"}]
    # already in the group (by name, any case): no seat read
    member = user("a@acme.example", "id-a", groups=[{"id": "g-users", "name": "Bitbucket-Users-Acme"}])
    assert run(people, [member, user("b@acme.example", "id-b")])["todo"]["seats"] is False
    # not in it yet: read
    assert run(people, [user("a@acme.example", "id-a"), user("b@acme.example", "id-b")])["todo"]["seats"] is True
    # nobody with groups: no read, no seat summary
    value = run([{"email": "b@acme.example"}], [user("b@acme.example", "id-b")])
    assert value["todo"]["seats"] is False and value["seats"] is None


def test_out_of_seats_stops_those_after_the_last_free_seat_before_any_write():
    people = [
        {"email": "holder@acme.example", "groups": ["bitbucket-users-acme"]},  # holds access already: no seat
        {"email": "first@acme.example", "groups": ["bitbucket-users-acme"]},
        {"email": "conf@acme.example", "groups": ["confluence-users", "viewers"]},  # no group granting the workspace
        {"email": "second@acme.example", "groups": ["bitbucket-users-acme"]},
        {"email": "third@acme.example", "groups": ["g-users"]},  # named by id
    ]
    users = [
        user("holder@acme.example", "id-h", access=[ACME]),
        user("first@acme.example", "id-1", access=[OTHER]),  # access to another workspace does not count
        user("conf@acme.example", "id-c"),
        user("second@acme.example", "id-2"),
        user("third@acme.example", "id-3"),
    ]
    value = run(people, users, group_info(capacity=10, usage=9))
    assert value["seats"] == {
        "workspace": WS,
        "checked": True,
        "capacity": 10,
        "usage": 9,
        "available": 1,
        "needed": ["first@acme.example", "second@acme.example", "third@acme.example"],
        "refused": ["second@acme.example", "third@acme.example"],
    }
    assert person(value, "first@acme.example")["errors"] == []
    assert person(value, "second@acme.example")["errors"] == [
        "seats: out of seats for Bitbucket workspace acme (10 of 10 used, counting 1 for people before in this list):"
        " the group bitbucket-users-acme grants the workspace; free a seat or raise its user limit, then run again"
    ]
    assert person(value, "third@acme.example")["stopped"] is True
    # the people out of seats are given no group, no invitation: nothing is written for them
    assert [i["email"] for i in value["todo"]["groups"]] == ["holder@acme.example", "first@acme.example", "conf@acme.example"]
    result = onboarding_result(value, WS, check_mode=True)
    assert result["incomplete"] == ["second@acme.example", "third@acme.example"]
    assert result["seats"]["refused"] == ["second@acme.example", "third@acme.example"]
    assert result["api_calls"] == {"total": 1 + 4}


def test_a_full_workspace_names_n_of_n_and_an_invitation_needs_a_seat_too():
    people = [{"email": "new@acme.example", "groups": ["bitbucket-users-acme"]}]
    value = run(people, [], group_info(capacity=5, usage=5), invite=True)
    assert value["todo"]["invite"] == []
    assert person(value, "new@acme.example")["errors"] == [
        "seats: out of seats for Bitbucket workspace acme (5 of 5 used): the group bitbucket-users-acme grants the"
        " workspace; free a seat or raise its user limit, then run again"
    ]
    # a product over its limit (a restore is never refused for seats) is out of seats too
    value = run(people, [], group_info(capacity=5, usage=7), invite=True)
    assert "(7 of 5 used)" in person(value, "new@acme.example")["errors"][0]
    # a free seat: invited with the group
    value = run(people, [], group_info(capacity=5, usage=4), invite=True)
    assert value["todo"]["invite"] == [{"email": "new@acme.example", "groups": ["bitbucket-users-acme"]}]


def test_seats_not_stated_or_not_read_stop_nobody_and_say_so():
    people = [{"email": "new@acme.example", "groups": ["bitbucket-users-acme"]}]
    value = run(people, [user("new@acme.example", "id-n")], group_info(capacity=None, usage=3))
    assert value["seats"]["checked"] is False and value["seats"]["note"] == "seats not checked: the workspace states no capacity"
    assert person(value, "new@acme.example")["errors"] == []
    failed = {"failed": True, "msg": "workspace: the organization has no Bitbucket workspace acme among its products"}
    value = run(people, [user("new@acme.example", "id-n")], failed)
    assert value["seats"]["note"].startswith("seats not checked: the workspace's groups could not be read: workspace: the")
    assert value["todo"]["groups"] == [{"email": "new@acme.example", "user": "id-n", "groups": ["bitbucket-users-acme"]}]
    # the seat task not run yet (or skipped by a tag): nothing decided
    value = run(people, [user("new@acme.example", "id-n")])
    assert value["seats"]["checked"] is False and person(value, "new@acme.example")["stopped"] is False


def test_granting_groups_and_helpers():
    info = group_info(capacity=1, usage=0, roles=("atlassian/admin",))
    assert seats.granting_groups(info) == {"bitbucket-users-acme": "bitbucket-users-acme", "g-users": "bitbucket-users-acme"}
    # without role assignments in the result, a group of the workspace filter counts as granting
    assert seats.granting_groups({"groups": [{"id": "X", "name": "n"}]}) == {"x": "n", "n": "n"}
    assert seats.holds_access(user("a@x", "a", access=[ACME]), ACME) is True
    assert seats.holds_access(user("a@x", "a", access=[ACME]), None) is False
    assert seats.groups_to_add(["A", "b"], user("a@x", "a", groups=[{"id": "g", "name": "a"}])) == ["b"]
    assert seats.groups_to_add(["A"], None) == ["A"]
