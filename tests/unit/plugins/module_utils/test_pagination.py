# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pagination: the exact requests made, in order, and the loop guards."""

from __future__ import annotations

import pytest
import responses
from responses import matchers

from ansible_collections.accessops.atlassian.plugins.module_utils._auth import ScimTokenAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, NotFoundError
from ansible_collections.accessops.atlassian.plugins.module_utils._pagination import (
    _fingerprint,
    iter_bitbucket_pages,
    iter_bitbucket_values,
    iter_scim_resources,
)

from .conftest import API, SCIM

MEMBERS = API + "/workspaces/acme/members"
PATH = "/workspaces/acme/members"


def _query(**params):
    return [matchers.query_param_matcher(params, strict_match=True)]


def _urls(mocked):
    return [c.request.url for c in mocked.calls]


def test_bitbucket_follows_next_verbatim_without_size_or_page(mocked, make_transport):
    # opaque next URLs with a cursor; no size/page anywhere
    next1 = MEMBERS + "?pagelen=100&q=user.nickname%3D%22x%22&page=Zm9vYmFy"
    next2 = MEMBERS + "?pagelen=100&q=user.nickname%3D%22x%22&page=YmF6cXV4"
    mocked.add(responses.GET, MEMBERS, json={"values": [1, 2], "next": next1}, match=_query(pagelen="100", q='user.nickname="x"'))
    mocked.add(
        responses.GET,
        next1,
        json={"values": [3], "next": next2, "pagelen": 100},
        match=_query(pagelen="100", q='user.nickname="x"', page="Zm9vYmFy"),
    )
    mocked.add(responses.GET, next2, json={"values": [4]}, match=_query(pagelen="100", q='user.nickname="x"', page="YmF6cXV4"))
    transport = make_transport()
    values = list(iter_bitbucket_values(transport, PATH, params={"q": 'user.nickname="x"'}))
    assert values == [1, 2, 3, 4]
    assert _urls(mocked)[1:] == [next1, next2]
    assert transport.stats.as_result() == {"total": 3, "GET": 3}


def test_bitbucket_pages_and_pagelen_cap(mocked, make_transport):
    mocked.add(responses.GET, MEMBERS, json={"values": [{"a": 1}], "size": 1, "page": 1}, match=_query(pagelen="100"))
    mocked.add(responses.GET, MEMBERS, json={"values": []}, match=_query(pagelen="10", fields="+values.user.email"))
    transport = make_transport()
    assert list(iter_bitbucket_pages(transport, PATH, pagelen=500)) == [{"values": [{"a": 1}], "size": 1, "page": 1}]
    assert list(iter_bitbucket_values(transport, PATH, params={"fields": "+values.user.email"}, pagelen=10)) == []


def test_bitbucket_caller_pagelen_param_wins(mocked, make_transport):
    mocked.add(responses.GET, MEMBERS, json={"values": [1]}, match=_query(pagelen="50"))
    mocked.add(responses.GET, MEMBERS, json={}, match=_query())
    transport = make_transport()
    assert list(iter_bitbucket_values(transport, PATH, params={"pagelen": 50})) == [1]
    assert list(iter_bitbucket_values(transport, PATH, pagelen=0)) == []  # missing values: an empty page


def test_bitbucket_repeated_next_stops(mocked, make_transport, warnings):
    next1 = MEMBERS + "?page=2"
    mocked.add(responses.GET, MEMBERS, json={"values": [1], "next": next1})
    mocked.add(responses.GET, next1, json={"values": [2], "next": next1})
    values = list(iter_bitbucket_values(make_transport(), PATH))
    assert values == [1, 2]
    assert len(mocked.calls) == 2
    assert warnings == ["Pagination of /2.0/workspaces/acme/members stopped: the API repeated a next link"]


def test_bitbucket_empty_page_with_next_stops(mocked, make_transport, warnings):
    next1 = MEMBERS + "?page=2"
    mocked.add(responses.GET, MEMBERS, json={"values": [1], "next": next1})
    mocked.add(responses.GET, next1, json={"values": [], "next": MEMBERS + "?page=3"})
    assert list(iter_bitbucket_values(make_transport(), PATH)) == [1]
    assert len(mocked.calls) == 2
    assert "an empty page still had a next link" in warnings[0]


def test_bitbucket_same_page_twice_stops(mocked, make_transport, warnings):
    mocked.add(responses.GET, MEMBERS, json={"values": [{"u": 1}], "next": MEMBERS + "?page=2"})
    mocked.add(responses.GET, MEMBERS + "?page=2", json={"values": [{"u": 1}], "next": MEMBERS + "?page=3"})
    assert list(iter_bitbucket_values(make_transport(), PATH)) == [{"u": 1}]
    assert len(mocked.calls) == 2
    assert "the same page twice" in warnings[0]


def test_bitbucket_error_mid_way_propagates(mocked, make_transport):
    mocked.add(responses.GET, MEMBERS, json={"values": [1], "next": MEMBERS + "?page=2"})
    mocked.add(responses.GET, MEMBERS + "?page=2", status=404, json={"type": "error", "error": {"message": "gone"}})
    seen = []
    with pytest.raises(NotFoundError):
        for value in iter_bitbucket_values(make_transport(), PATH):
            seen.append(value)
    assert seen == [1]


def test_bitbucket_bad_page_shape(mocked, make_transport):
    mocked.add(responses.GET, MEMBERS, json={"values": "nope"})
    with pytest.raises(ApiError, match="without a values list"):
        list(iter_bitbucket_values(make_transport(), PATH))


def _scim_page(ids, total=None, start=1):
    page = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "startIndex": start,
        "itemsPerPage": len(ids),
        "Resources": [{"id": i, "userName": "%s@acme.example" % i} for i in ids],
    }
    if total is not None:
        page["totalResults"] = total
    return page


@pytest.fixture
def scim_transport(make_transport):
    return make_transport(ScimTokenAuth("scim-key"), base_url=SCIM)


def test_scim_start_index_count_and_total(mocked, scim_transport):
    users = SCIM + "/Users"
    mocked.add(responses.GET, users, json=_scim_page(["a", "b"], 5), match=_query(startIndex="1", count="2"))
    mocked.add(responses.GET, users, json=_scim_page(["c", "d"], 5, 3), match=_query(startIndex="3", count="2"))
    mocked.add(responses.GET, users, json=_scim_page(["e"], 5, 5), match=_query(startIndex="5", count="2"))
    ids = [r["id"] for r in iter_scim_resources(scim_transport, "/Users", count=2)]
    assert ids == ["a", "b", "c", "d", "e"]
    assert len(mocked.calls) == 3


def test_scim_short_pages_and_filter(mocked, scim_transport):
    # the server returns fewer than count: startIndex moves by what came back
    users = SCIM + "/Users"
    flt = 'userName eq "a@acme.example"'
    mocked.add(responses.GET, users, json=_scim_page(["a"], 3), match=_query(filter=flt, startIndex="1", count="100"))
    mocked.add(responses.GET, users, json=_scim_page(["b", "c"], 3, 2), match=_query(filter=flt, startIndex="2", count="100"))
    ids = [r["id"] for r in iter_scim_resources(scim_transport, "/Users", params={"filter": flt})]
    assert ids == ["a", "b", "c"]


def test_scim_without_total_reads_until_empty(mocked, scim_transport):
    users = SCIM + "/Users"
    mocked.add(responses.GET, users, json=_scim_page(["a", "b"]), match=_query(startIndex="1", count="2"))
    mocked.add(responses.GET, users, json={"Resources": None}, match=_query(startIndex="3", count="2"))
    assert [r["id"] for r in iter_scim_resources(scim_transport, "/Users", count=2)] == ["a", "b"]


def test_scim_page_adding_nothing_stops(mocked, scim_transport, warnings):
    # a server ignoring startIndex: the second page repeats the first one
    users = SCIM + "/Users"
    mocked.add(responses.GET, users, json=_scim_page(["a", "b"], 10), match=_query(startIndex="1", count="2"))
    mocked.add(responses.GET, users, json=_scim_page(["a", "b"], 10), match=_query(startIndex="3", count="2"))
    assert [r["id"] for r in iter_scim_resources(scim_transport, "/Users", count=2)] == ["a", "b"]
    assert len(mocked.calls) == 2
    assert "added no new resource" in warnings[0]


def test_scim_resources_without_id_are_compared_whole(mocked, scim_transport):
    users = SCIM + "/Users"
    mocked.add(responses.GET, users, json={"Resources": [{"x": 1}, {"x": 2}], "totalResults": 3})
    mocked.add(responses.GET, users, json={"Resources": [{"x": 2}, {"x": 3}], "totalResults": 3})
    assert list(iter_scim_resources(scim_transport, "/Users", count=2)) == [{"x": 1}, {"x": 2}, {"x": 3}]


def test_fingerprint_of_unserialisable_items():
    loop = []
    loop.append(loop)
    assert _fingerprint(loop) == repr(loop)
    assert _fingerprint({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def test_scim_bad_page_shape(mocked, scim_transport):
    mocked.add(responses.GET, SCIM + "/Users", json={"Resources": {"id": 1}})
    with pytest.raises(ApiError, match="without a Resources list"):
        list(iter_scim_resources(scim_transport, "/Users"))


def test_pagination_without_warn_attribute(mocked):
    class Bare:
        """A transport-like object without ``warn``."""

        secrets = ()

        def __init__(self):
            self.calls = 0

        def get_json(self, path, params=None):
            self.calls += 1
            return {"values": [], "next": "https://api.bitbucket.org/2.0/x?page=2"}

        @staticmethod
        def shown_path(path):
            return path

    bare = Bare()
    assert list(iter_bitbucket_values(bare, "/x")) == []
    assert bare.calls == 1
    assert not mocked.calls
