# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_admin.writes (the writes of AdminClient) against the official spec: the exact requests, what each declared status
means (the 409 of a membership read again, the 404 of a removal confirmed by a read, the invitation's 200 / 206 per
email, its 402 and 409), and a typed error for every other declared status."""

from __future__ import annotations

import json

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.client import AdminClient
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.writes import (
    INVITE_BATCH,
    InvitationFailedError,
    LicenceLimitError,
    SubscriptionRequiredError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AdminKeyAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PlanLimitError,
    RateLimitedError,
)

BASE = "https://api.atlassian.com/admin"
ORG = "/v2/orgs/org-1"
ALL = ORG + "/directories/-"
GID = "0e35343a-3bbd-59e8-bdb5-d019d29449e6"
OTHER_GID = "c9a47c58-6f38-560a-a0d6-a26711677854"
KEY = "admin-key-0123456789abcdef"
GROUP = {"id": GID, "name": "devs", "directoryId": "d2"}
D2 = ORG + "/directories/d2"
MEMBERS = D2 + "/groups/%s/memberships" % GID
ACME = "ari:cloud:bitbucket::workspace/acme"
WIKI = "ari:cloud:confluence::site/wiki"


@pytest.fixture
def client(make_transport):
    return AdminClient(make_transport(auth=AdminKeyAuth(KEY), base_url=BASE), "org-1")


@pytest.fixture
def once(make_transport):
    """A client whose transport does not retry (the status table)."""
    return AdminClient(make_transport(auth=AdminKeyAuth(KEY), base_url=BASE, max_retries=0), "org-1")


def _add(mocked, method, path, body=None, status=200):
    kwargs = {"status": status}
    if body is not None:
        kwargs["json"] = body
    mocked.add(method, BASE + path, **kwargs)


def _calls(mocked):
    return [
        (c.request.method, c.request.path_url.replace("/admin", "", 1), json.loads(c.request.body) if c.request.body else None)
        for c in mocked.calls
    ]


def _page(items, next_cursor=None):
    return {"data": items, "links": {"next": next_cursor} if next_cursor else {}}


def _error(code, status, detail=None):
    return {"errors": [{"id": "e1", "code": code, "status": str(status), "title": "t", "detail": detail or "detail of " + code}]}


def _user(account_id="712020:a", groups=()):
    return {"accountId": account_id, "email": "a@acme.example", "groups": [{"id": g, "name": "g"} for g in groups]}


def _reread(mocked, users, directory=D2):
    _add(mocked, "POST", directory + "/users/search", _page(users))


REREAD = {"accountIds": ["712020:a"], "expand": ["groups"], "limit": 100}


# -- suspend, restore, remove ----------------------------------------------------------------------------------------


def test_suspend_and_restore_are_sent_again_after_a_503(client, mocked, fake_clock):
    for action in ("suspend", "restore"):
        _add(mocked, "POST", ORG + "/directories/d1/users/712020:a/" + action, status=503)
        _add(mocked, "POST", ORG + "/directories/d1/users/712020:a/" + action, status=204)
    assert client.suspend("d1", "712020:a") is None
    assert client.restore("d1", "712020:a") is None
    assert len(mocked.calls) == 4 and fake_clock.sleeps == [0.5, 0.5]
    assert [c[2] for c in _calls(mocked)] == [None] * 4


def test_a_conflict_on_restore_is_an_error_as_is(once, mocked):
    """The spec declares no 409 for a restore: an undeclared answer is not read as a seat limit."""
    _add(mocked, "POST", ORG + "/directories/d1/users/712020:a/restore", _error("ADMIN-UAM-409-3", 409), status=409)
    with pytest.raises(ConflictError) as caught:
        once.restore("d1", "712020:a")
    assert not isinstance(caught.value, LicenceLimitError) and "ADMIN-UAM-409-3" in str(caught.value)


def test_remove_user_and_its_404_confirmed_by_a_read(client, mocked):
    path = ORG + "/directories/d1/users/712020:a"
    _add(mocked, "DELETE", path, status=204)
    _add(mocked, "DELETE", path, _error("ADMIN-UAM-404-1", 404), status=404)
    _reread(mocked, [], ORG + "/directories/d1")
    assert client.remove_user("d1", "712020:a") is True
    assert client.remove_user("d1", "712020:a") is False  # the directory answers, without the account: nothing to remove
    assert _calls(mocked) == [
        ("DELETE", path, None),
        ("DELETE", path, None),
        ("POST", ORG + "/directories/d1/users/search", REREAD),
    ]


def test_a_404_on_remove_user_is_an_error_when_the_account_is_still_there(client, mocked):
    path = ORG + "/directories/d1/users/712020:a"
    _add(mocked, "DELETE", path, _error("ADMIN-UAM-404-1", 404), status=404)
    _reread(mocked, [_user()], ORG + "/directories/d1")
    with pytest.raises(NotFoundError, match="; the account is still in the directory d1$"):
        client.remove_user("d1", "712020:a")


def test_a_404_on_remove_user_is_an_error_when_the_directory_is_gone(client, mocked):
    path = ORG + "/directories/d1/users/712020:a"
    _add(mocked, "DELETE", path, _error("ADMIN-UAM-404-1", 404), status=404)
    _add(mocked, "POST", ORG + "/directories/d1/users/search", _error("ADMIN-UAM-404-1", 404, "no directory d1"), status=404)
    with pytest.raises(NotFoundError) as caught:
        client.remove_user("d1", "712020:a")
    assert (
        "reading again to tell what it meant failed too: POST /admin/v2/orgs/org-1/directories/d1/users/search failed "
        "with HTTP 404: ADMIN-UAM-404-1: no directory d1" in str(caught.value)
    )
    assert caught.value.path == "/admin" + path and caught.value.method == "DELETE"


# -- memberships -----------------------------------------------------------------------------------------------------


def test_add_member_204(client, mocked):
    _add(mocked, "POST", MEMBERS, status=204)
    assert client.add_member(GROUP, "712020:a") is True
    assert _calls(mocked) == [("POST", MEMBERS, {"accountId": "712020:a"})]


@pytest.mark.parametrize("body", [_error("ADMIN-UAM-409-2", 409), _error("ADMIN-UAM-409-3", 409), None, "text"])
def test_a_409_read_again_as_a_member_is_already_a_member(client, mocked, body):
    """Whatever the 409 says (the spec declares no body), a member found by the read is "already a member"."""
    if body == "text":
        mocked.add("POST", BASE + MEMBERS, status=409, body="Conflict")
    else:
        _add(mocked, "POST", MEMBERS, body, status=409)
    _reread(mocked, [_user(groups=["ari:cloud:identity::group/" + GID, OTHER_GID])])
    assert client.add_member(GROUP, "712020:a") is False
    assert _calls(mocked) == [("POST", MEMBERS, {"accountId": "712020:a"}), ("POST", D2 + "/users/search", REREAD)]


def test_a_409_read_again_as_no_member_names_the_full_product(client, mocked):
    """Not a member after a 409: out of seats. The product named is the one the group grants and that is full."""
    _add(mocked, "POST", MEMBERS, _error("ADMIN-UAM-409-2", 409, "conflict"), status=409)  # whatever code it says
    _reread(mocked, [_user(groups=[OTHER_GID])])
    _add(
        mocked,
        "GET",
        ALL + "/groups/%s/role-assignments" % GID,
        _page(
            [
                {"resourceId": WIKI, "roles": ["atlassian/user"]},
                {"resourceId": ACME, "roles": ["atlassian/user"]},
                {"resourceId": "ari:other", "roles": ["atlassian/guest"]},
            ]
        ),
    )
    _add(
        mocked,
        "POST",
        ORG + "/workspaces",
        _page(
            [
                {"id": ACME, "attributes": {"name": "acme", "typeKey": "bitbucket", "usage": 300, "capacity": 300}},
                {"id": WIKI, "attributes": {"name": "acme-wiki", "typeKey": "confluence", "usage": 12, "capacity": 50}},
            ]
        ),
    )
    with pytest.raises(LicenceLimitError) as caught:
        client.add_member(GROUP, "712020:a")
    assert str(caught.value) == (
        "Cannot add 712020:a to the group devs: out of seats: bitbucket acme (300 of 300 seats "
        "used) (HTTP 409: ADMIN-UAM-409-2: conflict). Free a seat or raise the user limit in "
        "admin.atlassian.com, then run again"
    )
    assert [p["name"] for p in caught.value.products] == ["acme"] and caught.value.status == 409
    assert [c[:2] for c in _calls(mocked)] == [
        ("POST", MEMBERS),
        ("POST", D2 + "/users/search"),
        ("GET", ALL + "/groups/%s/role-assignments?limit=100" % GID),
        ("POST", ORG + "/workspaces"),
    ]


def test_out_of_seats_without_a_full_product_in_sight_names_the_candidates(client, mocked):
    _add(mocked, "POST", MEMBERS, status=409)
    _reread(mocked, [])  # not even in the directory: still no member, so the 409 was the user limit
    _add(mocked, "GET", ALL + "/groups/%s/role-assignments" % GID, _page([{"resourceId": ACME, "roles": [["atlassian/admin"]]}]))
    _add(mocked, "POST", ORG + "/workspaces", _page([{"id": ACME, "attributes": {"name": "acme", "typeKey": "bitbucket"}}]))
    with pytest.raises(
        LicenceLimitError,
        match=r"^Cannot add 712020:a to the group devs: out of seats: one of bitbucket acme "
        r"\(HTTP 409\)\. Free a seat",
    ):
        client.add_member(GROUP, "712020:a")


@pytest.mark.parametrize(
    "role_answer, workspaces",
    [
        (_page([{"resourceId": WIKI, "roles": ["atlassian/guest"]}]), None),  # grants nothing billed: no product to name
        (_error("ADMIN-UAM-500-1", 500), None),  # the names are a help: their failure is not
    ],
)
def test_out_of_seats_without_names(once, mocked, role_answer, workspaces):
    _add(mocked, "POST", MEMBERS, _error("ADMIN-UAM-409-3", 409, "full"), status=409)
    _reread(mocked, [_user()])
    _add(mocked, "GET", ALL + "/groups/%s/role-assignments" % GID, role_answer, status=500 if "errors" in role_answer else 200)
    with pytest.raises(LicenceLimitError) as caught:
        once.add_member(GROUP, "712020:a")
    assert str(caught.value).startswith(
        "Cannot add 712020:a to the group devs: a product is out of seats (at its user limit) (HTTP 409: ADMIN-UAM-409-3: full)"
    )
    assert caught.value.products == []


def test_a_409_whose_read_fails_keeps_the_409(once, mocked):
    _add(mocked, "POST", MEMBERS, _error("ADMIN-UAM-409-2", 409), status=409)
    _add(mocked, "POST", D2 + "/users/search", _error("ADMIN-UAM-429-1", 429), status=429)
    with pytest.raises(ConflictError) as caught:
        once.add_member(GROUP, "712020:a")
    assert not isinstance(caught.value, LicenceLimitError) and caught.value.status == 409
    assert (
        "; reading again to tell what it meant failed too: POST /admin/v2/orgs/org-1/directories/d2/users/search "
        "failed with HTTP 429" in str(caught.value)
    )


def test_remove_member_204(client, mocked):
    _add(mocked, "DELETE", MEMBERS + "/712020:a", status=204)
    assert client.remove_member(GROUP, "712020:a") is True


def test_a_404_on_removal_is_nothing_to_remove_when_the_group_and_the_account_are_there(client, mocked):
    _add(mocked, "DELETE", MEMBERS + "/712020:a", _error("ADMIN-UAM-404-1", 404), status=404)
    _reread(mocked, [_user(groups=[OTHER_GID])])
    _add(mocked, "GET", D2 + "/groups/" + GID, {"data": {"id": GID, "name": "devs"}})
    assert client.remove_member(GROUP, "712020:a") is False
    assert _calls(mocked) == [
        ("DELETE", MEMBERS + "/712020:a", None),
        ("POST", D2 + "/users/search", REREAD),
        ("GET", D2 + "/groups/" + GID, None),
    ]


@pytest.mark.parametrize(
    "users, group_answer, why",
    [
        ([], None, "the account is not in the directory d2 of the group"),
        ([_user()], (_error("ADMIN-UAM-404-3", 404), 404), "the group 'devs' no longer exists in the directory d2"),
        ([_user(groups=[GID])], ({"data": {"id": GID, "name": "devs"}}, 200), "the account is still a member of the group"),
    ],
)
def test_a_404_on_removal_is_an_error_unless_confirmed(client, mocked, users, group_answer, why):
    _add(mocked, "DELETE", MEMBERS + "/712020:a", _error("ADMIN-UAM-404-1", 404, "gone"), status=404)
    _reread(mocked, users)
    if group_answer is not None:
        _add(mocked, "GET", D2 + "/groups/" + GID, group_answer[0], status=group_answer[1])
    with pytest.raises(NotFoundError) as caught:
        client.remove_member(GROUP, "712020:a")
    assert str(caught.value) == (
        "DELETE /admin%s/712020:a failed with HTTP 404: ADMIN-UAM-404-1: gone (likely cause: it "
        "does not exist or the credentials cannot see it); %s" % (MEMBERS, why)
    )


def test_memberships_of_a_group_without_its_directory_use_the_configured_one(make_transport, mocked):
    concrete = AdminClient(make_transport(auth=AdminKeyAuth(KEY), base_url=BASE), "org-1", "d9")
    _add(mocked, "POST", ORG + "/directories/d9/groups/%s/memberships" % GID, status=204)
    assert concrete.add_member({"id": GID, "name": "devs"}, "712020:a") is True


# -- invitations -----------------------------------------------------------------------------------------------------


def _invited(email, account_id, groups=(), failed=()):
    results = [
        {"group": g, "status": "ERROR" if g in failed else "INVITED", "statusReason": "no room" if g in failed else None}
        for g in groups
    ]
    return {"email": email, "id": account_id, "results": [{"groupAssignmentResult": results, "roleAssignmentResult": []}]}


def test_invitations_are_sent_twenty_five_emails_a_request_and_answered_per_email(client, mocked):
    emails = ["n%02d@acme.example" % i for i in range(2 * INVITE_BATCH + 3)]
    for start in (0, 25, 50):
        batch = emails[start : start + 25]
        _add(mocked, "POST", ORG + "/users/invite", {"data": [_invited(e, "712020:" + e[:3], [GID]) for e in batch]})
    results = client.invite(emails + [emails[0].upper()], [GID], send_notification=False)
    assert INVITE_BATCH == 25 and [c[2] for c in _calls(mocked)] == [
        {"emails": emails[:25], "sendNotification": False, "additionalGroups": [GID]},
        {"emails": emails[25:50], "sendNotification": False, "additionalGroups": [GID]},
        {"emails": emails[50:], "sendNotification": False, "additionalGroups": [GID]},
    ]
    assert results[0] == {"email": emails[0], "account_id": "712020:n00", "invited": True, "failures": []}
    assert len(results) == 53 and all(r["invited"] for r in results)


def test_a_206_reports_each_email(client, mocked):
    _add(
        mocked,
        "POST",
        ORG + "/users/invite",
        {
            "data": [
                _invited("a@acme.example", "712020:a", [GID, OTHER_GID], failed=[OTHER_GID]),
                {
                    "email": "b@acme.example",
                    "id": "712020:b",
                    "results": [
                        {
                            "roleAssignmentResult": [
                                {"resource": ACME, "role": "atlassian/user", "status": "ERROR", "statusReason": None}
                            ]
                        }
                    ],
                },
                _invited("c@acme.example", "712020:c", [GID]),
            ]
        },
        status=206,
    )
    with pytest.raises(InvitationFailedError) as caught:
        client.invite(["a@acme.example", "b@acme.example", "c@acme.example", "d@acme.example"], [GID, OTHER_GID])
    assert caught.value.results == [
        {"email": "a@acme.example", "account_id": "712020:a", "invited": False, "failures": ["group %s: no room" % OTHER_GID]},
        {
            "email": "b@acme.example",
            "account_id": "712020:b",
            "invited": False,
            "failures": ["role atlassian/user on %s: ERROR" % ACME],
        },
        {"email": "c@acme.example", "account_id": "712020:c", "invited": True, "failures": []},
        {"email": "d@acme.example", "account_id": None, "invited": False, "failures": ["not in the answer of HTTP 206"]},
    ]
    assert str(caught.value).startswith(
        "The invitation failed for a@acme.example (group %s: no room); b@acme.example" % OTHER_GID
    )
    assert caught.value.status == 206 and caught.value.path == "/admin%s/users/invite" % ORG


def test_a_206_that_does_not_say_which_failed_fails_every_email(client, mocked):
    _add(mocked, "POST", ORG + "/users/invite", {"data": [_invited("a@acme.example", "712020:a")]}, status=206)
    with pytest.raises(InvitationFailedError) as caught:
        client.invite(["a@acme.example"])
    assert caught.value.results[0]["failures"] == ["HTTP 206 (at least one invitation failed) without saying which"]


@pytest.mark.parametrize("answer", [None, {"data": "x"}, []])
def test_an_invitation_answer_without_its_data_is_an_error(client, mocked, answer):
    if answer is None:
        mocked.add("POST", BASE + ORG + "/users/invite", status=200)
    else:
        _add(mocked, "POST", ORG + "/users/invite", answer)
    with pytest.raises(ApiError, match="answered HTTP 200 without its data list: the invitations were sent"):
        client.invite(["a@acme.example"])


def test_402_is_the_missing_paid_subscription(client, mocked):
    _add(mocked, "POST", ORG + "/users/invite", _error("ADMIN-UAM-402-1", 402, "Payment Required"), status=402)
    with pytest.raises(SubscriptionRequiredError) as caught:
        client.invite(["a@acme.example"])
    assert isinstance(caught.value, PlanLimitError) and str(caught.value) == (
        "Cannot invite a@acme.example: the organization has no paid subscription, which the invitation API needs "
        "(HTTP 402: ADMIN-UAM-402-1: Payment Required)"
    )


@pytest.mark.parametrize("code", ["ADMIN-UAM-409-3", "ADMIN-UAM-409-1", None])
def test_409_is_always_a_user_limit_on_an_invitation(client, mocked, code):
    """The spec's 409 of the invitation: "You've exceeded your user limit for an app included in the invitation"."""
    mocked.add("POST", BASE + ORG + "/users/invite", status=409, json=_error(code, 409, "full") if code else {})
    _add(mocked, "GET", ALL + "/groups/%s/role-assignments" % GID, _page([{"resourceId": ACME, "roles": ["atlassian/user"]}]))
    _add(
        mocked,
        "POST",
        ORG + "/workspaces",
        _page([{"id": ACME, "attributes": {"name": "acme", "typeKey": "bitbucket", "usage": 5, "capacity": 5}}]),
    )
    with pytest.raises(LicenceLimitError) as caught:
        client.invite(["n%02d@acme.example" % i for i in range(30)], [GID])
    assert str(caught.value).startswith(
        "Cannot invite %s: out of seats: bitbucket acme (5 of 5 seats used)"
        % ", ".join("n%02d@acme.example" % i for i in range(25))
    )
    assert len([c for c in _calls(mocked) if c[1].endswith("/invite")]) == 1  # the batches stop


def test_409_on_an_invitation_without_groups_names_no_product(client, mocked):
    _add(mocked, "POST", ORG + "/users/invite", _error("ADMIN-UAM-409-3", 409, "full"), status=409)
    with pytest.raises(
        LicenceLimitError,
        match=r"^Cannot invite a@acme.example: a product is out of seats \(at its user "
        r"limit\) \(HTTP 409: ADMIN-UAM-409-3: full\)",
    ):
        client.invite(["a@acme.example"])
    assert len(mocked.calls) == 1


# -- every other declared status: a typed error with the API's words -------------------------------------------------

DECLARED = {  # operation -> its declared error statuses besides those handled above (the spec)
    "add_member": (400, 401, 403, 404, 429, 500),
    "remove_member": (400, 401, 403, 429, 500),
    "suspend": (400, 401, 403, 404, 429, 500),
    "restore": (400, 401, 403, 404, 429, 500),
    "remove_user": (400, 401, 403, 429, 500),
    "invite": (400, 401, 403, 404, 429, 500),
}
TYPED = {400: ApiError, 401: AuthenticationError, 403: ForbiddenError, 404: NotFoundError, 429: RateLimitedError, 500: ApiError}
CALLS = {
    "add_member": ("POST", MEMBERS, lambda c: c.add_member(GROUP, "712020:a")),
    "remove_member": ("DELETE", MEMBERS + "/712020:a", lambda c: c.remove_member(GROUP, "712020:a")),
    "suspend": ("POST", ORG + "/directories/d1/users/712020:a/suspend", lambda c: c.suspend("d1", "712020:a")),
    "restore": ("POST", ORG + "/directories/d1/users/712020:a/restore", lambda c: c.restore("d1", "712020:a")),
    "remove_user": ("DELETE", ORG + "/directories/d1/users/712020:a", lambda c: c.remove_user("d1", "712020:a")),
    "invite": ("POST", ORG + "/users/invite", lambda c: c.invite(["a@acme.example"])),
}


@pytest.mark.parametrize("operation, status", [(op, s) for op, statuses in DECLARED.items() for s in statuses])
def test_every_declared_error_status_is_a_typed_error(once, mocked, operation, status):
    method, path, call = CALLS[operation]
    code = "ADMIN-UAM-%d-1" % status
    _add(mocked, method, path, _error(code, status, "why"), status=status)
    with pytest.raises(TYPED[status]) as caught:
        call(once)
    assert caught.value.status == status and caught.value.codes == [code]
    assert str(caught.value).startswith("%s /admin%s failed with HTTP %d: %s: why" % (method, path, status, code))
    assert len(mocked.calls) == 1  # no read again, no retry: the status says what happened
