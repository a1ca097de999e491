# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_admin.AdminClient: the reads it sends (batches by the spec's maxItems, paths, directories, cursors), and the checks
of every answer before it is used (filters, keys, ids that become path segments). The writes: test_admin_writes.py."""

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.client import (
    GROUP_FILTER_LIMITS,
    USER_FILTER_LIMITS,
    AdminClient,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.writes import group_directory, group_key
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AdminKeyAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, UnexpectedAnswerError

BASE = "https://api.atlassian.com/admin"
ORG = "/v2/orgs/org-1"
ALL = ORG + "/directories/-"
DIR = "dir-1"
KEY = "admin-key-0123456789abcdef"
GID = "0e35343a-3bbd-59e8-bdb5-d019d29449e6"


@pytest.fixture
def client(make_transport):
    return AdminClient(make_transport(auth=AdminKeyAuth(KEY), base_url=BASE), "org-1")


@pytest.fixture
def concrete(make_transport):
    return AdminClient(make_transport(auth=AdminKeyAuth(KEY), base_url=BASE), "org-1", DIR)


def _page(items, next_cursor=None):
    return {"data": items, "links": {"next": next_cursor} if next_cursor else {}}


def _add(mocked, method, path, body=None, status=200):
    kwargs = {"status": status}
    if body is not None:
        kwargs["json"] = body
    mocked.add(method, BASE + path, **kwargs)


def _bodies(mocked):
    return [json.loads(c.request.body) if c.request.body else None for c in mocked.calls]


def _paths(mocked):
    return [(c.request.method, c.request.path_url) for c in mocked.calls]


def _user(account_id, email=None, groups=None):
    user = {"accountId": account_id, "email": email or "%s@acme.example" % account_id.split(":")[-1]}
    if groups is not None:
        user["groups"] = [{"id": g} for g in groups]
    return user


def _error(code, status):
    return {"errors": [{"code": code, "status": str(status), "title": "t", "detail": "detail of " + code}]}


# -- helpers ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("ari:cloud:identity::group/" + GID, GID),
        (GID, GID),
        (None, ""),
        ("ari:cloud:identity::user/x", "ari:cloud:identity::user/x"),
    ],
)
def test_group_key(value, expected):
    assert group_key(value) == expected


def test_directory_paths(client, concrete):
    # paths relative to the base URL (.../admin)
    assert client.directory_path() == ALL.lstrip("/")
    assert client.directory_path("d 2") == ORG.lstrip("/") + "/directories/d%202"
    assert concrete.directory_path() == ORG.lstrip("/") + "/directories/" + DIR
    assert AdminClient(client.transport, "org-1", None).directory_id == "-"


def test_properties_and_close(client):
    assert client.stats is client.transport.stats and KEY in client.secrets
    client.close()


# -- users -----------------------------------------------------------------------------------------------------------


def test_the_filter_batches_are_the_spec_s_max_items():
    """MultiDirectoryUserSearchRequest / MultiDirectoryGroupSearchRequest: emails and groupNames 100, accountIds and
    groupIds 10, resourceIds 20."""
    assert USER_FILTER_LIMITS == {"emails": 100, "accountIds": 10, "groupIds": 10}
    assert GROUP_FILTER_LIMITS == {"groupNames": 100, "groupIds": 10, "accountIds": 10, "resourceIds": 20}


def test_emails_are_sent_a_hundred_a_request_without_repeats_and_checked_without_regard_to_case(client, mocked):
    emails = ["u%03d@acme.example" % i for i in range(220)]
    for start in (0, 100, 200):
        _add(mocked, "POST", ALL + "/users/search", _page([_user("712020:u%03d" % start, emails[start].upper())]))
    found = client.search_users(emails=emails + [emails[5].upper(), emails[7]])  # repeats: the spec's uniqueItems
    bodies = _bodies(mocked)
    assert [len(b["emails"]) for b in bodies] == [100, 100, 20]
    assert [b["emails"][0] for b in bodies] == [emails[0], emails[100], emails[200]]
    assert all(b["expand"] == ["groups", "productAccess"] and b["limit"] == 100 for b in bodies)
    assert [u["accountId"] for u in found] == ["712020:u000", "712020:u100", "712020:u200"]


def test_account_ids_and_group_ids_are_sent_ten_a_request(client, mocked):
    ids = ["712020:u%02d" % i for i in range(12)]
    _add(mocked, "POST", ALL + "/users/search", _page([_user(ids[0])]))
    _add(mocked, "POST", ALL + "/users/search", _page([_user(ids[11])]))
    _add(mocked, "POST", ALL + "/users/search", _page([]))
    assert [u["accountId"] for u in client.search_users(account_ids=ids + [ids[0]])] == [ids[0], ids[11]]
    assert client.search_users(group_ids=[GID, GID], expand=()) == []
    assert [b.get("accountIds", b.get("groupIds")) for b in _bodies(mocked)] == [ids[:10], ids[10:], [GID]]


def test_a_user_of_another_batch_is_refused(client, mocked):
    """The answer must match the batch that was sent, not just any value asked for."""
    emails = ["u%03d@acme.example" % i for i in range(101)]
    _add(mocked, "POST", ALL + "/users/search", _page([]))
    _add(mocked, "POST", ALL + "/users/search", _page([_user("712020:u000", emails[0])]))
    with pytest.raises(UnexpectedAnswerError, match="does not match the emails filter sent"):
        client.search_users(emails=emails)


@pytest.mark.parametrize(
    "filters, answer, message",
    [
        (
            {"emails": ["jane@acme.example"]},
            _user("712020:eve", "eve@acme.example"),
            "712020:eve', which does not match the emails",
        ),
        ({"account_ids": ["712020:jane"]}, _user("712020:eve"), "does not match the accountIds filter sent ('712020:jane')"),
        ({"group_ids": [GID], "expand": ("groups",)}, _user("712020:eve", groups=["other"]), "does not match the groupIds"),
        ({"emails": ["jane@acme.example"]}, ["not", "a", "user"], "answered a user that is not an object"),
        ({"emails": ["jane@acme.example"]}, _user("../jane", "jane@acme.example"), "answered an account id '../jane'"),
        ({"account_ids": ["712020:jane"]}, {"email": "jane@acme.example"}, "answered an account id 'None'"),
    ],
)
def test_user_answers_are_checked(client, mocked, filters, answer, message):
    _add(mocked, "POST", ALL + "/users/search", _page([answer]))
    with pytest.raises(UnexpectedAnswerError, match=re.escape(message)) as caught:
        client.search_users(**filters)
    assert caught.value.path == "/admin" + ALL + "/users/search" and caught.value.method == "POST"


def test_members_of_a_group_by_its_ari_and_without_the_groups_expanded(client, mocked):
    _add(mocked, "POST", ALL + "/users/search", _page([_user("712020:a", groups=["ari:cloud:identity::group/" + GID])]))
    _add(mocked, "POST", ALL + "/users/search", _page([_user("712020:b")]))
    assert len(client.search_users(group_ids=[GID], expand=("groups",))) == 1
    # without the groups expanded there is nothing to check the answer against
    assert len(client.search_users(group_ids=[GID], expand=())) == 1
    assert _bodies(mocked)[1] == {"groupIds": [GID], "limit": 100}


def test_every_user_without_a_filter(client, mocked):
    _add(mocked, "POST", ALL + "/users/search", _page([_user("712020:a")], "c2"))
    _add(mocked, "POST", ALL + "/users/search", _page([_user("712020:b")]))
    assert [u["accountId"] for u in client.search_users(expand=None)] == ["712020:a", "712020:b"]
    assert _bodies(mocked) == [{"limit": 100}, {"limit": 100, "cursor": "c2"}]


def test_get_user(client, mocked):
    _add(mocked, "GET", ORG + "/directories/d1/users/712020:jane", {"data": _user("712020:jane")})
    _add(mocked, "GET", ORG + "/directories/d1/users/712020:gone", _error("ADMIN-UAM-404-1", 404), status=404)
    _add(mocked, "GET", ALL + "/users/712020:jane", {"data": _user("712020:eve")})
    _add(mocked, "GET", ALL + "/users/712020:jane", {"user": _user("712020:jane")})
    assert client.get_user("712020:jane", "d1")["accountId"] == "712020:jane"
    assert client.get_user("712020:gone", "d1") is None
    with pytest.raises(UnexpectedAnswerError, match="answered the account '712020:eve' instead of 712020:jane"):
        client.get_user("712020:jane")
    with pytest.raises(ApiError, match="answered without a data object"):
        client.get_user("712020:jane")


@pytest.mark.parametrize("account_id", ["../x", "a/b", "a?b", "", "a b"])
def test_a_hostile_account_id_never_becomes_a_path(client, mocked, account_id):
    with pytest.raises(UnexpectedAnswerError, match="not a safe URL path segment"):
        client.get_user(account_id)
    with pytest.raises(UnexpectedAnswerError):
        client.suspend(DIR, account_id)
    with pytest.raises(UnexpectedAnswerError):
        client.remove_member({"id": GID, "directoryId": DIR}, account_id or "x/y")
    assert len(mocked.calls) == 0  # (nothing registered: any request would have failed the test)


def test_user_role_assignments_skip_what_is_not_an_object(client, mocked):
    _add(mocked, "GET", ALL + "/users/712020:a/role-assignments", _page([{"resourceId": "r"}, "junk"]))
    assert client.user_role_assignments("712020:a") == [{"resourceId": "r"}]


# -- directories -----------------------------------------------------------------------------------------------------


def test_directories_are_read_once(client, mocked):
    _add(mocked, "GET", ORG + "/directories", _page([{"directoryId": "d1"}, {"directoryId": "d2"}]))
    assert client.directories() == client.directories() == [{"directoryId": "d1"}, {"directoryId": "d2"}]
    assert len(mocked.calls) == 1


def test_listings_page_with_limit_then_the_cursor_alone_in_the_query(client, mocked):
    """getDirectoriesForOrg / getGroupRoleAssignments / getUserRoleAssignments: limitParam on the first page, then
    cursorParam ("If present, all other parameters are discarded") with the answer's links.next."""
    _add(mocked, "GET", ORG + "/directories", _page([{"directoryId": "d1"}], "c/2+"))
    _add(mocked, "GET", ORG + "/directories", _page([{"directoryId": "d2"}]))
    _add(mocked, "GET", ALL + "/groups/%s/role-assignments" % GID, _page([{"resourceId": "r1"}], "g2"))
    _add(mocked, "GET", ALL + "/groups/%s/role-assignments" % GID, _page([{"resourceId": "r2"}]))
    _add(mocked, "GET", ALL + "/users/712020:a/role-assignments", _page([{"resourceId": "r1"}], "u2"))
    _add(mocked, "GET", ALL + "/users/712020:a/role-assignments", _page([{"resourceId": "r2"}]))
    assert [d["directoryId"] for d in client.directories()] == ["d1", "d2"]
    assert [r["resourceId"] for r in client.group_role_assignments(GID)] == ["r1", "r2"]
    assert [r["resourceId"] for r in client.user_role_assignments("712020:a")] == ["r1", "r2"]
    queries = [p.split("?", 1)[1] for _m, p in _paths(mocked)]
    assert queries == ["limit=100", "cursor=c%2F2%2B", "limit=100", "cursor=g2", "limit=100", "cursor=u2"]
    assert _bodies(mocked) == [None] * 6


@pytest.mark.parametrize("item", [{"directoryId": ".."}, {"directoryId": "a/b"}, {"name": "no id"}, "d1"])
def test_a_hostile_directory_is_refused(client, mocked, item):
    _add(mocked, "GET", ORG + "/directories", _page([item]))
    with pytest.raises(UnexpectedAnswerError, match="a directory id"):
        client.directories()


def test_user_directories(client, concrete, mocked):
    assert concrete.user_directories("712020:a") == [DIR] and len(mocked.calls) == 0
    _add(mocked, "GET", ORG + "/directories", _page([{"directoryId": "d1"}, {"directoryId": "d2"}, {"directoryId": "d3"}]))
    _add(mocked, "GET", ORG + "/directories/d1/users/712020:a", {"data": _user("712020:a")})
    _add(mocked, "GET", ORG + "/directories/d2/users/712020:a", _error("ADMIN-UAM-404-1", 404), status=404)
    _add(mocked, "GET", ORG + "/directories/d3/users/712020:a", {"data": _user("712020:a")})
    assert client.user_directories("712020:a") == ["d1", "d3"]


def test_one_directory_is_not_asked_for_the_user(client, mocked):
    _add(mocked, "GET", ORG + "/directories", _page([{"directoryId": "d1"}]))
    assert client.user_directories("712020:a") == ["d1"] and len(mocked.calls) == 1


# -- groups ----------------------------------------------------------------------------------------------------------


def test_group_filters_are_batched_and_checked(client, mocked):
    ids = ["%08d-0000-4000-8000-000000000000" % i for i in range(11)]
    names = ["team-%03d" % i for i in range(101)]
    resources = ["ari:cloud:x::site/%d" % i for i in range(21)]
    _add(mocked, "POST", ALL + "/groups/search", _page([{"id": ids[0], "name": "g0"}]))
    _add(mocked, "POST", ALL + "/groups/search", _page([{"id": ids[10], "name": "g10"}]))
    _add(mocked, "POST", ALL + "/groups/search", _page([{"id": "x", "name": "Devs"}]))
    _add(mocked, "POST", ALL + "/groups/search", _page([{"id": "z", "name": "TEAM-100"}]))
    _add(mocked, "POST", ALL + "/groups/search", _page([{"id": "y", "name": "any"}]))
    for _batch in range(2):
        _add(mocked, "POST", ALL + "/groups/search", _page([]))
    assert [g["name"] for g in client.search_groups(ids=ids)] == ["g0", "g10"]
    assert [g["id"] for g in client.search_groups(names=["devs"] + names[:99] + ["DEVS"] + names[99:])] == ["x", "z"]
    assert [g["id"] for g in client.search_groups(account_ids=["712020:a"], expand=None)] == ["y"]
    assert client.search_groups(resource_ids=resources) == []
    bodies = _bodies(mocked)
    assert [len(b["groupIds"]) for b in bodies[:2]] == [10, 1]
    assert bodies[2] == {"expand": ["counts.users"], "groupNames": ["devs"] + names[:99], "limit": 100}
    assert bodies[3] == {"expand": ["counts.users"], "groupNames": names[99:], "limit": 100}
    assert bodies[4] == {"accountIds": ["712020:a"], "limit": 100}
    assert [len(b["resourceIds"]) for b in bodies[5:]] == [20, 1]


def test_get_group_and_its_role_assignments(client, mocked):
    _add(mocked, "GET", ALL + "/groups/" + GID, {"data": {"id": GID, "name": "devs"}})
    _add(mocked, "GET", ALL + "/groups/" + GID, _error("ADMIN-UAM-404-3", 404), status=404)
    _add(mocked, "GET", ALL + "/groups/" + GID, {"data": {"id": "other", "name": "devs"}})
    _add(mocked, "GET", ALL + "/groups/%s/role-assignments" % GID, _page([{"resourceId": "r"}, 3]))
    assert client.get_group(GID)["name"] == "devs"
    assert client.get_group(GID) is None
    with pytest.raises(UnexpectedAnswerError, match="answered the group 'other' instead of " + GID):
        client.get_group(GID)
    assert client.group_role_assignments(GID) == client.group_role_assignments(GID) == [{"resourceId": "r"}]
    assert len(mocked.calls) == 4  # the role assignments are read once


def test_group_directory():
    assert group_directory({"directoryId": "d2"}, "-") == "d2"
    assert group_directory({"name": "devs"}, "d9") == "d9"
    assert group_directory({"directoryId": ""}, "d9") == "d9"
    with pytest.raises(UnexpectedAnswerError, match="the group 'devs' was answered without its directoryId"):
        group_directory({"name": "devs"}, "-")
    with pytest.raises(UnexpectedAnswerError, match="not a safe URL path segment"):
        group_directory({"directoryId": "../d"}, "d9")


# -- workspaces ------------------------------------------------------------------------------------------------------


def test_workspace_queries(client, mocked):
    acme = {"id": "ari:acme", "attributes": {"name": "acme", "typeKey": "bitbucket"}}
    for _query in range(4):
        _add(mocked, "POST", ORG + "/workspaces", _page([acme]))
    assert client.workspaces() == [acme]
    assert client.workspaces(name="acme") == [acme]
    assert client.workspaces(type_key="bitbucket") == [acme]
    assert client.workspaces(name="acme", type_key="bitbucket") == [acme]
    name = {"field": {"name": "attributes.name", "values": ["acme"]}}
    kind = {"field": {"name": "attributes.typeKey", "values": ["bitbucket"]}}
    assert _bodies(mocked) == [
        {"limit": 100},
        {"query": name, "limit": 100},
        {"query": kind, "limit": 100},
        {"query": {"and": [name, kind]}, "limit": 100},
    ]


def test_the_next_page_of_workspaces_is_asked_with_the_cursor_alone(client, mocked):
    """SearchWorkspacesRequestV2.cursor: "When a cursor is provided in the request body, no other properties may be
    present" (the user and group searches take the cursor beside the filters)."""
    acme = {"id": "ari:acme", "attributes": {"name": "acme", "typeKey": "bitbucket"}}
    wiki = {"id": "ari:wiki", "attributes": {"name": "acme", "typeKey": "confluence"}}
    _add(mocked, "POST", ORG + "/workspaces", _page([acme], "c2"))
    _add(mocked, "POST", ORG + "/workspaces", _page([wiki]))
    assert client.workspaces(name="acme") == [acme, wiki]
    assert _bodies(mocked) == [
        {"query": {"field": {"name": "attributes.name", "values": ["acme"]}}, "limit": 100},
        {"cursor": "c2"},
    ]


@pytest.mark.parametrize(
    "answer",
    [
        {"id": "ari:x", "attributes": {"name": "other", "typeKey": "bitbucket"}},
        {"id": "ari:x", "attributes": {"name": "acme", "typeKey": "confluence"}},
        {"id": 42, "attributes": {"name": "acme", "typeKey": "bitbucket"}},
        {"id": "ari:x", "attributes": "acme"},
    ],
)
def test_a_workspace_answer_that_does_not_match_is_refused(client, mocked, answer):
    _add(mocked, "POST", ORG + "/workspaces", _page([answer]))
    with pytest.raises(UnexpectedAnswerError, match="other than the bitbucket 'acme' asked for"):
        client.workspaces(name="acme", type_key="bitbucket")


# -- every declared error status of the reads: a typed error with the API's words ------------------------------------

READS = {  # operation -> (method, path, call, its declared error statuses but those it answers itself)
    "directories": ("GET", ORG + "/directories", lambda c: c.directories(), (400, 401, 429, 500)),
    "users-search": (
        "POST",
        ALL + "/users/search",
        lambda c: c.search_users(emails=["a@acme.example"]),
        (400, 401, 403, 404, 429, 500),
    ),
    "user": ("GET", ALL + "/users/712020:a", lambda c: c.get_user("712020:a"), (400, 401, 403, 429, 500)),
    "user-roles": (
        "GET",
        ALL + "/users/712020:a/role-assignments",
        lambda c: c.user_role_assignments("712020:a"),
        (400, 401, 404, 429, 500),
    ),
    "groups-search": ("POST", ALL + "/groups/search", lambda c: c.search_groups(names=["devs"]), (400, 401, 403, 404, 429, 500)),
    "group": ("GET", ALL + "/groups/" + GID, lambda c: c.get_group(GID), (401, 429, 500)),
    "group-roles": (
        "GET",
        ALL + "/groups/%s/role-assignments" % GID,
        lambda c: c.group_role_assignments(GID),
        (400, 401, 403, 404, 429, 500),
    ),
}
TYPED = {
    400: "ApiError",
    401: "AuthenticationError",
    403: "ForbiddenError",
    404: "NotFoundError",
    429: "RateLimitedError",
    500: "ApiError",
}


@pytest.fixture
def once(make_transport):
    return AdminClient(make_transport(auth=AdminKeyAuth(KEY), base_url=BASE, max_retries=0), "org-1")


@pytest.mark.parametrize("operation, status", [(op, s) for op, spec in READS.items() for s in spec[3]])
def test_every_declared_error_status_of_a_read_is_a_typed_error(once, mocked, operation, status):
    method, path, call, _statuses = READS[operation]
    code = "ADMIN-UAM-%d-1" % status
    _add(mocked, method, path, {"errors": [{"code": code, "status": str(status), "title": "t", "detail": "why"}]}, status=status)
    with pytest.raises(ApiError) as caught:
        call(once)
    assert type(caught.value).__name__ == TYPED[status] and caught.value.status == status and caught.value.codes == [code]
    assert str(caught.value).startswith("%s /admin%s failed with HTTP %d: %s: why" % (method, path, status, code))


@pytest.mark.parametrize(
    "status, body, words, codes",
    [
        (
            400,
            {"id": "e", "code": "ADMIN-400-4", "status": "400", "title": "Bad request", "detail": "invalid query"},
            "invalid query",
            ["ADMIN-400-4"],
        ),  # ApplicationError: one object, not a list
        (401, {"code": 401, "message": "Unauthorized"}, "Unauthorized", ["401"]),  # ProxyError
        (
            403,
            {"id": "e", "code": "ADMIN-403-1", "status": "403", "title": "Forbidden", "detail": "not yours"},
            "not yours",
            ["ADMIN-403-1"],
        ),
        (
            404,
            {"id": "e", "code": "ADMIN-404-2", "status": "404", "title": "Not found", "detail": "no org"},
            "no org",
            ["ADMIN-404-2"],
        ),
        (
            500,
            {"id": "e", "code": "ADMIN-500-1", "status": "500", "title": "Internal", "detail": "oops"},
            "oops",
            ["ADMIN-500-1"],
        ),
    ],
)
def test_the_workspaces_error_shapes(once, mocked, status, body, words, codes):
    """POST O/workspaces declares ApplicationError (400, 403, 404, 500) and the gateway's ProxyError (401)."""
    _add(mocked, "POST", ORG + "/workspaces", body, status=status)
    with pytest.raises(ApiError) as caught:
        once.workspaces()
    assert caught.value.status == status and caught.value.codes == codes and caught.value.api_message == words
    assert str(caught.value).startswith("POST /admin%s/workspaces failed with HTTP %d: %s" % (ORG, status, words))
