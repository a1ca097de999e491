# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member look-ups by account id and ``{uuid}`` (``_bitbucket.identity.members_by_key`` / ``members_listed``), the email
batches, the role listing and ``read_or_fallback``: which documented form answers when a filter is refused (HTTP 400),
with the exact HTTP calls."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AccessTokenAuth, ApiTokenAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import (
    BitbucketClient,
    IncompleteListError,
    read_or_fallback,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.members import Roles
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    ForbiddenError,
    NotFoundError,
    UnexpectedAnswerError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.identity import (
    Directory,
    members_by_key,
    members_listed,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    API,
    aid,
    calls,
    error,
    membership,
    page,
)

PERMS = "/workspaces/acme/permissions"
MEMBERS = "/workspaces/acme/members"


def make_client(auth=None):
    transport = Transport(
        API,
        auth or ApiTokenAuth("admin@acme.example", "secret-token"),
        retry_policy=RetryPolicy(max_retries=0, sleep=lambda s: None, rng=lambda: 0.0),
    )
    return BitbucketClient(transport)


def access_token_client():
    return make_client(AccessTokenAuth("workspace-access-token-0123456789"))


def member(name):
    entry = membership(name)
    del entry["permission"]
    return entry


def listing_page(names, next_page=None, size=None):
    body = page([member(n) for n in names], next_url=API + MEMBERS + "?page=%d" % next_page if next_page else None)
    if size is not None:
        body["size"] = size
    return body


def test_read_or_fallback_takes_the_documented_form_on_400_only():
    def refused(status):
        def read():
            raise ApiError("GET /x failed with HTTP %d" % status, status=status)

        return read

    assert read_or_fallback(lambda: [1], lambda: pytest.fail("no fallback when the fast read works")) == [1]
    assert read_or_fallback(refused(400), lambda: [2]) == [2]
    for status in (401, 404, 500):
        with pytest.raises(ApiError):
            read_or_fallback(refused(status), lambda: [3])

    def mismatch():
        raise UnexpectedAnswerError("bad", status=200)

    with pytest.raises(UnexpectedAnswerError):  # a 2xx that does not match is never a reason to read another way
        read_or_fallback(mismatch, lambda: [4])


@pytest.mark.parametrize("status, body", [(400, error("Invalid field")), (403, error("Forbidden"))])
@responses.activate
def test_an_api_token_whose_id_filter_is_refused_asks_each_id(status, body):
    responses.add("GET", API + PERMS, status=status, json=body)
    responses.add("GET", API + MEMBERS + "/557058:a", json=member("a"))
    responses.add("GET", API + MEMBERS + "/557058:b", status=404, json=error("not a member"))
    found = members_by_key(make_client(), "acme", [aid("b"), aid("a"), " %s " % aid("a")])
    assert list(found) == [aid("a")] and found[aid("a")]["account_id"] == aid("a")
    assert calls(responses) == [
        ("GET", "/2.0" + PERMS + '?q=user.account_id IN ("557058:a","557058:b")&pagelen=100'),
        ("GET", "/2.0" + MEMBERS + "/557058:a"),
        ("GET", "/2.0" + MEMBERS + "/557058:b"),
    ]


@responses.activate
def test_other_errors_of_the_id_filter_are_not_hidden():
    responses.add("GET", API + PERMS, status=404, json=error("No workspace"))
    with pytest.raises(NotFoundError):
        members_by_key(make_client(), "acme", [aid("a")])


@responses.activate
def test_an_access_token_reads_the_listing_until_every_id_is_found():
    responses.add("GET", API + MEMBERS, json=listing_page(["x", "a"], next_page=2))
    responses.add("GET", API + MEMBERS + "?page=2", json=listing_page(["b", "c"], next_page=3))
    found = members_by_key(access_token_client(), "acme", [aid("c"), aid("a"), aid("b")])
    assert sorted(found) == [aid("a"), aid("b"), aid("c")]
    # no /permissions (access tokens cannot read it), no page 3: every id was found on page 2
    assert calls(responses) == [("GET", "/2.0" + MEMBERS + "?pagelen=100"), ("GET", "/2.0" + MEMBERS + "?page=2")]


@responses.activate
def test_the_listing_without_size_is_read_to_its_end_for_ids_that_are_no_members():
    responses.add("GET", API + MEMBERS, json=listing_page(["a"], next_page=2))
    responses.add("GET", API + MEMBERS + "?page=2", json=listing_page(["b"]))
    found = members_listed(make_client(), "acme", [aid("a"), aid("gone"), aid("gone2")])
    assert list(found) == [aid("a")]
    assert len(responses.calls) == 2


@responses.activate
def test_the_listing_continues_when_its_size_shows_few_pages_left():
    # 150 members: one page left costs less than three GETs
    responses.add("GET", API + MEMBERS, json=listing_page(["a"], next_page=2, size=150))
    responses.add("GET", API + MEMBERS + "?page=2", json=listing_page(["b"]))
    found = members_listed(make_client(), "acme", [aid("a"), aid("b"), aid("c"), aid("d")])
    assert sorted(found) == [aid("a"), aid("b")]
    assert len(responses.calls) == 2


@responses.activate
def test_a_broken_member_listing_is_no_answer():
    responses.add("GET", API + MEMBERS, json=listing_page(["a"], next_page=2))
    responses.add("GET", API + MEMBERS + "?page=2", json=listing_page([], next_page=3))
    with pytest.raises(IncompleteListError, match="could not be read to its last page"):
        members_listed(make_client(), "acme", [aid("b"), aid("c"), aid("d")])


@responses.activate
def test_a_member_path_that_answers_another_account_is_refused():
    responses.add("GET", API + MEMBERS + "/557058:a", json=member("b"))
    with pytest.raises(UnexpectedAnswerError, match="although 557058:a was asked for"):
        members_by_key(access_token_client(), "acme", [aid("a")])


@responses.activate
def test_directory_confirms_account_ids_with_an_access_token_without_the_role_listing():
    responses.add("GET", API + MEMBERS + "/557058:a", json=member("a"))
    responses.add("GET", API + MEMBERS + "/557058:gone", status=404, json=error("not a member"))
    directory = Directory()
    assert directory.unconfirmed(access_token_client(), "acme", [aid("gone"), aid("a")]) == [aid("gone")]
    assert aid("a") in directory.confirmed
    assert directory.unconfirmed(access_token_client(), "acme", [aid("a")]) == []  # known: no request
    assert len(responses.calls) == 2


@responses.activate
def test_an_email_batch_refused_with_400_is_asked_again_in_halves():
    emails = ["u%d@acme.example" % i for i in range(4)]
    responses.add("GET", API + MEMBERS, status=400, json=error("When filtering by email, you can query up to 2"))
    responses.add("GET", API + MEMBERS, json=page([membership("u0", email=emails[0])]))
    responses.add("GET", API + MEMBERS, json=page([membership("u3", email=emails[3])]))
    found = make_client().members_by_email("acme", emails)
    assert sorted(found) == [emails[0], emails[3]]
    assert [c[1].count("@acme.example") for c in calls(responses)] == [4, 2, 2]


@responses.activate
def test_one_address_refused_with_400_raises():
    responses.add("GET", API + MEMBERS, status=400, json=error("Bad address"))
    with pytest.raises(ApiError) as refused:
        make_client().members_by_email("acme", ["a@acme.example"])
    assert refused.value.status == 400 and len(responses.calls) == 1


@responses.activate
def test_roles_of_many_members_keep_reading_the_listing_when_the_id_filter_is_refused():
    wanted = [aid("m%03d" % i) for i in range(101)]
    first = page([membership("m000")], next_url=API + PERMS + "?page=2")
    first["size"] = 1000  # 10 pages: the id filter (3 requests) looks cheaper, but is refused
    responses.add("GET", API + PERMS, json=first)
    responses.add("GET", API + PERMS, status=400, json=error("Invalid field"))
    responses.add("GET", API + PERMS + "?page=2", json=page([membership("m050", "owner")]))
    found = Roles(make_client(), "acme").for_ids(wanted)
    assert sorted(found) == [aid("m000"), aid("m050")] and found[aid("m050")]["permission"] == "owner"
    seen = calls(responses)
    assert [c[1].split("&")[0] for c in seen] == [
        "/2.0" + PERMS + "?pagelen=100",
        "/2.0" + PERMS + "?q=user.account_id IN (%s" % ",".join('"%s"' % a for a in wanted[1:51]) + ")",
        "/2.0" + PERMS + "?page=2",
    ]


@responses.activate
def test_roles_refused_to_an_access_token_read_one_member_by_its_path():
    responses.add("GET", API + PERMS, status=403, json=error("Access tokens cannot read workspace permissions"))
    responses.add("GET", API + MEMBERS + "/557058:a", status=404, json=error("not a member"))
    roles = Roles(access_token_client(), "acme")
    assert roles.one(aid("a"), "account_id") is None
    assert roles.available is False
    with pytest.raises(ForbiddenError):  # an API token refused the roles is an error, not a fallback
        responses.add("GET", API + PERMS, status=403, json=error("Forbidden"))
        Roles(make_client(), "acme").one(aid("a"), "account_id")
