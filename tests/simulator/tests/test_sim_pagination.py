# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pagination (page/pagelen/size/next/previous, iterator mode) and partial responses (fields=)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from atlsim import demo
from atlsim.demo import basic
from atlsim.partial import apply_fields

ADMIN = basic(*demo.ADMIN)
MEMBERS = "/2.0/workspaces/acme/members"


@pytest.mark.sim_lenient  # lenient: members q=user.nickname~ is a lenient filter
def test_walk_every_page_by_next(sim_client):
    seen, url, pages = [], MEMBERS + "?pagelen=25&q=user.nickname~%22a%22", 0
    previous_body = None
    while url:
        resp = sim_client.get(url, headers=ADMIN)
        assert resp.status_code == 200
        body = resp.get_json()
        pages += 1
        assert body["page"] == pages and body["pagelen"] == 25
        if pages == 1:
            assert "previous" not in body
        else:
            assert parse_qs(urlsplit(body["previous"]).query)["page"] == [str(pages - 1)]
        seen.extend(item["user"]["account_id"] for item in body["values"])
        previous_body = body
        url = body.get("next")
        if url:
            parts = urlsplit(url)
            assert parts.scheme == "http" and parts.netloc == "localhost"  # absolute
            query = parse_qs(parts.query)
            assert query["q"] == ['user.nickname~"a"'] and query["pagelen"] == ["25"]  # the query is kept
    assert len(seen) == len(set(seen)) == previous_body["size"]
    assert pages == -(-previous_body["size"] // 25)


def test_default_pagelen_is_10(sim_client):
    body = sim_client.get(MEMBERS, headers=ADMIN).get_json()
    assert body["pagelen"] == 10 and len(body["values"]) == 10 and body["size"] == 260


@pytest.mark.parametrize("pagelen", ["101", "0", "-1", "ten", "1000"])
def test_bad_pagelen_is_400(sim_client, pagelen):
    resp = sim_client.get(MEMBERS, query_string={"pagelen": pagelen}, headers=ADMIN)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["message"] == "Invalid pagelen"


def test_pagelen_100_and_1_are_accepted(sim_client):
    assert len(sim_client.get(MEMBERS + "?pagelen=100", headers=ADMIN).get_json()["values"]) == 100
    assert len(sim_client.get(MEMBERS + "?pagelen=1", headers=ADMIN).get_json()["values"]) == 1


def test_page_errors(sim_client):
    assert sim_client.get(MEMBERS + "?page=0", headers=ADMIN).status_code == 400
    assert sim_client.get(MEMBERS + "?page=x", headers=ADMIN).status_code == 400
    past = sim_client.get(MEMBERS + "?page=27", headers=ADMIN)
    assert past.status_code == 404 and past.get_json()["error"]["message"] == "Invalid page"
    last = sim_client.get(MEMBERS + "?page=26", headers=ADMIN).get_json()
    assert len(last["values"]) == 10 and "next" not in last


def test_empty_collection_has_one_empty_page(sim_client):
    body = sim_client.get("/2.0/workspaces/acme/permissions?q=permission%3D%22nobody%22", headers=ADMIN).get_json()
    assert body["values"] == [] and body["size"] == 0 and "next" not in body


def test_iterator_pagination_mode(sim_app, sim_client):
    sim_app.configure_faults({"pagination": "iterator"})
    url, seen = MEMBERS + "?pagelen=100", []
    while url:
        body = sim_client.get(url, headers=ADMIN).get_json()
        assert "size" not in body and "page" not in body and "previous" not in body
        seen.extend(item["user"]["uuid"] for item in body["values"])
        url = body.get("next")
        if url:
            assert not parse_qs(urlsplit(url).query)["page"][0].isdigit()  # opaque
    assert len(set(seen)) == 260


def test_fields_remove_top_level_and_nested(sim_client):
    body = sim_client.get(MEMBERS + "?pagelen=2&fields=-values.links,-values.workspace,-size", headers=ADMIN).get_json()
    assert "size" not in body and "next" in body
    assert set(body["values"][0]) == {"type", "user"}
    body = sim_client.get("/2.0/user?fields=-links", headers=ADMIN).get_json()
    assert "links" not in body and body["type"] == "user"


def test_fields_include_only_drops_next_unless_listed(sim_client):
    body = sim_client.get(MEMBERS + "?pagelen=2&fields=values.user.uuid", headers=ADMIN).get_json()
    assert list(body) == ["values"] and list(body["values"][0]) == ["user"]
    body = sim_client.get(MEMBERS + "?pagelen=2&fields=values.user.uuid,next,size", headers=ADMIN).get_json()
    assert set(body) == {"values", "next", "size"}


def test_fields_wildcards():
    doc = {"a": 1, "links": {"self": {"href": "x"}, "html": {"href": "y"}}, "b": {"c": 2, "d": 3}}
    assert apply_fields(dict(doc, links=dict(doc["links"])), "-links.*")["links"] == {}
    assert apply_fields({"a": 1, "b": {"c": 2, "d": 3}, "e": 4}, "-*,+b.c,+e") == {"b": {"c": 2}, "e": 4}
    assert apply_fields({"a": 1, "b": {"c": 2}}, "+a") == {"a": 1, "b": {"c": 2}}
    assert apply_fields({"values": [{"u": {"e": 1, "x": 2}}, {"u": {"x": 3}}]}, "values.u.x") == {
        "values": [{"u": {"x": 2}}, {"u": {"x": 3}}]
    }


def test_hidden_fields_need_an_explicit_request():
    doc = {"values": [{"user": {"email": "a@x", "id": 1}}]}
    assert apply_fields({"values": [{"user": {"email": "a@x", "id": 1}}]}, None, ("values.user.email",)) == {
        "values": [{"user": {"id": 1}}]
    }
    assert apply_fields(doc, "+values.user.email", ("values.user.email",)) == {"values": [{"user": {"email": "a@x", "id": 1}}]}


@pytest.mark.parametrize("page", ["1", "2", "3", "0", "abc", "YXRsc2ltLXBhZ2U6MA", "YXRsc2ltLXBhZ2U6eA"])
def test_iterator_mode_accepts_only_the_opaque_token(sim_app, sim_client, page):
    sim_app.configure_faults({"pagination": "iterator"})
    resp = sim_client.get(MEMBERS + "?page=" + page, headers=ADMIN)
    assert resp.status_code == 400 and resp.get_json()["error"]["message"] == "Invalid page"
    first = sim_client.get(MEMBERS, headers=ADMIN).get_json()
    token = parse_qs(urlsplit(first["next"]).query)["page"][0]
    assert sim_client.get(MEMBERS + "?page=" + token, headers=ADMIN).status_code == 200
