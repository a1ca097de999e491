# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_admin.AdminClient: the requests it sends (batches, paths, directories), the checks of every answer before it is
used (filters, keys, ids that become path segments), and the answers to writes."""

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils._admin import (
    FILTER_BATCH,
    INVITE_BATCH,
    AdminClient,
    LicenceLimitError,
    group_directory,
    group_key,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AdminKeyAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnexpectedAnswerError,
)

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

@pytest.mark.parametrize("value, expected", [
    ("ari:cloud:identity::group/" + GID, GID), (GID, GID), (None, ""), ("ari:cloud:identity::user/x", "ari:cloud:identity::user/x"),
])
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

def test_emails_are_sent_fifty_a_request_and_checked_without_regard_to_case(client, mocked):
    emails = ["u%03d@acme.example" % i for i in range(2 * FILTER_BATCH + 20)]
    for start in (0, 50, 100):
        _add(mocked, "POST", ALL + "/users/search", _page([_user("712020:u%03d" % start, emails[start].upper())]))
    found = client.search_users(emails=emails)
    bodies = _bodies(mocked)
    assert [len(b["emails"]) for b in bodies] == [50, 50, 20]
    assert [b["emails"][0] for b in bodies] == [emails[0], emails[50], emails[100]]
    assert all(b["expand"] == ["groups", "productAccess"] and b["limit"] == 100 for b in bodies)
    assert [u["accountId"] for u in found] == ["712020:u000", "712020:u050", "712020:u100"]


def test_a_user_of_another_batch_is_refused(client, mocked):
    """The answer must match the batch that was sent, not just any value asked for."""
    emails = ["u%03d@acme.example" % i for i in range(51)]
    _add(mocked, "POST", ALL + "/users/search", _page([]))
    _add(mocked, "POST", ALL + "/users/search", _page([_user("712020:u000", emails[0])]))
    with pytest.raises(UnexpectedAnswerError, match="does not match the emails filter sent"):
        client.search_users(emails=emails)


@pytest.mark.parametrize("filters, answer, message", [
    ({"emails": ["jane@acme.example"]}, _user("712020:eve", "eve@acme.example"), "712020:eve', which does not match the emails"),
    ({"account_ids": ["712020:jane"]}, _user("712020:eve"), "does not match the accountIds filter sent ('712020:jane')"),
    ({"group_ids": [GID], "expand": ("groups",)}, _user("712020:eve", groups=["other"]), "does not match the groupIds"),
    ({"emails": ["jane@acme.example"]}, ["not", "a", "user"], "answered a user that is not an object"),
    ({"emails": ["jane@acme.example"]}, _user("../jane", "jane@acme.example"), "answered an account id '../jane'"),
    ({"account_ids": ["712020:jane"]}, {"email": "jane@acme.example"}, "answered an account id 'None'"),
])
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


# -- user writes -----------------------------------------------------------------------------------------------------

def test_suspend_and_restore_are_sent_again_after_a_503(client, mocked, fake_clock):
    for action in ("suspend", "restore"):
        _add(mocked, "POST", ORG + "/directories/d1/users/712020:a/" + action, status=503)
        _add(mocked, "POST", ORG + "/directories/d1/users/712020:a/" + action, status=204)
    client.suspend("d1", "712020:a")
    client.restore("d1", "712020:a")
    assert len(mocked.calls) == 4 and fake_clock.sleeps == [0.5, 0.5]
    assert _bodies(mocked) == [None] * 4


def test_remove_user(client, mocked):
    path = ORG + "/directories/d1/users/712020:a"
    _add(mocked, "DELETE", path, status=204)
    _add(mocked, "DELETE", path, _error("ADMIN-UAM-404-1", 404), status=404)
    _add(mocked, "DELETE", path, _error("ADMIN-UAM-403-1", 403), status=403)
    assert client.remove_user("d1", "712020:a") is True
    assert client.remove_user("d1", "712020:a") is False
    with pytest.raises(ForbiddenError, match="ADMIN-UAM-403-1"):
        client.remove_user("d1", "712020:a")


def test_invitations_are_sent_ten_emails_a_request(client, mocked):
    emails = ["n%02d@acme.example" % i for i in range(2 * INVITE_BATCH + 3)]
    for _batch in range(3):
        _add(mocked, "POST", ORG + "/users/invite", status=202)
    client.invite(emails, [GID], send_notification=False)
    assert _bodies(mocked) == [{"emails": emails[:10], "sendNotification": False, "additionalGroups": [GID]},
                               {"emails": emails[10:20], "sendNotification": False, "additionalGroups": [GID]},
                               {"emails": emails[20:], "sendNotification": False, "additionalGroups": [GID]}]


def test_an_invitation_refused_by_the_licence_limit_stops_the_batches(client, mocked):
    emails = ["n%02d@acme.example" % i for i in range(12)]
    _add(mocked, "POST", ORG + "/users/invite", {"errors": [{"code": "ADMIN-409-3", "detail": "full"}]}, status=409)
    with pytest.raises(LicenceLimitError) as caught:
        client.invite(emails)
    assert caught.value.status == 409 and caught.value.codes == ["ADMIN-409-3"]
    assert str(caught.value).startswith("Cannot invite %s: a product is at its user limit (ADMIN-409-3: full)"
                                        % ", ".join(emails[:10]))
    assert len(mocked.calls) == 1 and "additionalGroups" not in _bodies(mocked)[0]


def test_another_conflict_on_an_invitation_is_raised_as_is(client, mocked):
    _add(mocked, "POST", ORG + "/users/invite", _error("ADMIN-UAM-409-1", 409), status=409)
    with pytest.raises(ConflictError) as caught:
        client.invite(["n@acme.example"])
    assert not isinstance(caught.value, LicenceLimitError)


# -- groups ----------------------------------------------------------------------------------------------------------

def test_group_filters_are_batched_and_checked(client, mocked):
    ids = ["%08d-0000-4000-8000-000000000000" % i for i in range(FILTER_BATCH + 1)]
    _add(mocked, "POST", ALL + "/groups/search", _page([{"id": ids[0], "name": "g0"}]))
    _add(mocked, "POST", ALL + "/groups/search", _page([{"id": ids[50], "name": "g50"}]))
    _add(mocked, "POST", ALL + "/groups/search", _page([{"id": "x", "name": "Devs"}]))
    _add(mocked, "POST", ALL + "/groups/search", _page([{"id": "y", "name": "any"}]))
    assert [g["name"] for g in client.search_groups(ids=ids)] == ["g0", "g50"]
    assert [g["id"] for g in client.search_groups(names=["devs"])] == ["x"]
    assert [g["id"] for g in client.search_groups(account_ids=["712020:a"], expand=None)] == ["y"]
    bodies = _bodies(mocked)
    assert [len(b["groupIds"]) for b in bodies[:2]] == [50, 1]
    assert bodies[2] == {"expand": ["counts.users"], "groupNames": ["devs"], "limit": 100}
    assert bodies[3] == {"accountIds": ["712020:a"], "limit": 100}


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


def test_membership_writes_go_to_the_group_directory(client, mocked):
    group = {"id": GID, "name": "devs", "directoryId": "d2"}
    members = ORG + "/directories/d2/groups/%s/memberships" % GID
    _add(mocked, "POST", members, status=204)
    _add(mocked, "POST", members, _error("ADMIN-UAM-409-2", 409), status=409)
    _add(mocked, "DELETE", members + "/712020:a", status=204)
    _add(mocked, "DELETE", members + "/712020:a", _error("ADMIN-UAM-404-1", 404), status=404)
    assert client.add_member(group, "712020:a") is True
    assert client.add_member(group, "712020:a") is False
    assert client.remove_member(group, "712020:a") is True
    assert client.remove_member(group, "712020:a") is False
    assert _bodies(mocked) == [{"accountId": "712020:a"}, {"accountId": "712020:a"}, None, None]


@pytest.mark.parametrize("method, code, status, error", [
    ("POST", "ADMIN-UAM-409-3", 409, LicenceLimitError),
    ("POST", "ADMIN-UAM-409-1", 409, ConflictError),
    ("POST", "ADMIN-UAM-403-1", 403, ForbiddenError),
    ("DELETE", "ADMIN-UAM-404-3", 404, NotFoundError),
    ("DELETE", "ADMIN-UAM-403-1", 403, ForbiddenError),
])
def test_membership_write_errors(client, mocked, method, code, status, error):
    members = ORG + "/directories/%s/groups/%s/memberships" % (DIR, GID)
    _add(mocked, method, members + ("/712020:a" if method == "DELETE" else ""), _error(code, status), status=status)
    write = client.add_member if method == "POST" else client.remove_member
    with pytest.raises(error, match=code) as caught:
        write({"id": GID, "name": "devs", "directoryId": DIR}, "712020:a")
    assert caught.value.codes == [code]


def test_the_licence_error_names_the_group_and_the_product(client, mocked):
    body = {"errors": [{"code": "ADMIN-UAM-409-3", "detail": "bitbucket (acme) is full"}]}
    _add(mocked, "POST", ORG + "/directories/%s/groups/%s/memberships" % (DIR, GID), body, status=409)
    with pytest.raises(LicenceLimitError) as caught:
        client.add_member({"id": GID, "name": "devs", "directoryId": DIR}, "712020:a")
    assert str(caught.value) == ("Cannot add 712020:a to the group devs: a product is at its user limit (ADMIN-UAM-409-3: "
                                 "bitbucket (acme) is full). Free a seat or raise the limit in admin.atlassian.com, then "
                                 "run again")
    assert caught.value.api_message == "ADMIN-UAM-409-3: bitbucket (acme) is full" and caught.value.body == body


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
    assert _bodies(mocked) == [{"limit": 100}, {"query": name, "limit": 100}, {"query": kind, "limit": 100},
                               {"query": {"and": [name, kind]}, "limit": 100}]


@pytest.mark.parametrize("answer", [
    {"id": "ari:x", "attributes": {"name": "other", "typeKey": "bitbucket"}},
    {"id": "ari:x", "attributes": {"name": "acme", "typeKey": "confluence"}},
    {"id": 42, "attributes": {"name": "acme", "typeKey": "bitbucket"}},
    {"id": "ari:x", "attributes": "acme"},
])
def test_a_workspace_answer_that_does_not_match_is_refused(client, mocked, answer):
    _add(mocked, "POST", ORG + "/workspaces", _page([answer]))
    with pytest.raises(UnexpectedAnswerError, match="other than the bitbucket 'acme' asked for"):
        client.workspaces(name="acme", type_key="bitbucket")
