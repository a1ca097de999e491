# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The BBQL and partial-response forms the permission engine reads with: one user's effective permissions on a few
repositories (``/workspaces/{ws}/permissions/repositories``) and the existence of a few repositories
(``/repositories/{ws}``), with ``fields`` trimming the answers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from atlsim import demo
from atlsim.demo import basic

ADMIN = basic(*demo.ADMIN)
PERMS = "/2.0/workspaces/acme/permissions/repositories"
REPOS = "/2.0/repositories/acme"


def acct(sim_app, email):
    return sim_app.state.accounts.get_by_email(email)["account_id"]


def get(client, path, **query):
    resp = client.get(path, query_string=query, headers=ADMIN)
    return resp.status_code, resp.get_json()


def by_repo(body):
    return {item["repository"]["full_name"]: item["permission"] for item in body["values"]}


@pytest.mark.parametrize(
    "query",
    [
        'user.account_id = "{id}" AND repository.full_name IN ("acme/infra-core", "acme/platform-core", "acme/nope")',
        'user.account_id="{id}" and repository.full_name in ("acme/infra-core","acme/platform-core")',  # keywords any case
        '(repository.full_name = "acme/infra-core" OR repository.full_name = "acme/platform-core") AND user.account_id = "{id}"',
        'user.account_id IN ("{id}") AND repository.name IN ("infra-core", "platform-core")',
        'user.uuid = "{uuid}" AND repository.full_name IN ("acme/infra-core", "acme/platform-core")',
    ],
)
def test_one_users_permissions_on_a_few_repositories(sim_app, sim_client, query):
    dev1 = sim_app.state.accounts.get_by_email("dev001@acme.example")  # explicit write on infra-core, developers
    status, body = get(sim_client, PERMS, q=query.format(id=dev1["account_id"], uuid=dev1["uuid"]))
    assert status == 200
    assert by_repo(body) == {"acme/infra-core": "write", "acme/platform-core": "write"}  # PLAT: developers write
    assert {item["user"]["account_id"] for item in body["values"]} == {dev1["account_id"]}


def test_a_user_without_access_and_an_unknown_repository_list_nothing(sim_app, sim_client):
    query = 'user.account_id = "%s" AND repository.full_name IN ("acme/infra-core", "acme/nope")'
    status, body = get(sim_client, PERMS, q=query % acct(sim_app, "dev250@acme.example"))
    assert status == 200 and body["values"] == [] and body["size"] == 0


def test_the_permission_query_with_fields_keeps_only_what_is_asked(sim_app, sim_client):
    dev1 = acct(sim_app, "dev001@acme.example")
    query = 'user.account_id = "%s" AND repository.full_name IN ("acme/infra-core", "acme/platform-core")' % dev1
    status, body = get(
        sim_client,
        PERMS,
        q=query,
        pagelen="100",
        fields="values.repository.full_name,values.permission,values.user.account_id,next",
    )
    assert status == 200 and set(body) == {"values"}  # include-only: no size/page/pagelen, no next on the last page
    assert body["values"] == [
        {"repository": {"full_name": "acme/infra-core"}, "permission": "write", "user": {"account_id": dev1}},
        {"repository": {"full_name": "acme/platform-core"}, "permission": "write", "user": {"account_id": dev1}},
    ]
    status, page = get(sim_client, PERMS, q=query, pagelen="1", fields="values.repository.full_name,values.permission,next")
    assert status == 200 and set(page) == {"values", "next"}
    followed = parse_qs(urlsplit(page["next"]).query)
    assert followed["q"] == [query] and followed["fields"] == ["values.repository.full_name,values.permission,next"]
    status, rest = get(sim_client, PERMS, **{key: values[0] for key, values in followed.items()})
    assert status == 200 and rest["values"] == [{"repository": {"full_name": "acme/platform-core"}, "permission": "write"}]


def test_repository_slug_is_not_a_permission_field(sim_app, sim_client):
    """The spec's ``repository`` schema has no ``slug`` (the embedded repository carries full_name, name, uuid):
    the simulator refuses it with 400, so a client must filter on ``repository.full_name`` (or ``name``)."""
    query = 'user.account_id = "%s" AND repository.slug IN ("infra-core")' % acct(sim_app, "dev001@acme.example")
    status, body = get(sim_client, PERMS, q=query)
    assert status == 400 and "repository.slug" in body["error"]["message"]
    assert "repository.full_name" in body["error"]["message"]


@pytest.mark.parametrize(
    "query",
    [
        'slug IN ("infra-core", "platform-core", "no-such-repo")',
        'slug in ("infra-core","platform-core")',
        'full_name IN ("acme/infra-core", "acme/platform-core")',
        'slug = "infra-core" OR slug = "platform-core"',
    ],
)
def test_which_of_a_few_repositories_exist(sim_client, query):
    status, body = get(sim_client, REPOS, q=query, fields="values.slug,next", pagelen="100")
    assert status == 200 and body == {"values": [{"slug": "infra-core"}, {"slug": "platform-core"}]}


def test_repository_existence_pages_keep_q_and_fields(sim_client):
    query = 'slug IN ("infra-core","platform-core")'
    status, body = get(sim_client, REPOS, q=query, fields="values.slug,next", pagelen="1")
    assert status == 200 and body["values"] == [{"slug": "infra-core"}] and set(body) == {"values", "next"}
    followed = {key: values[0] for key, values in parse_qs(urlsplit(body["next"]).query).items()}
    assert followed["q"] == query and followed["fields"] == "values.slug,next"
    status, rest = get(sim_client, REPOS, **followed)
    assert status == 200 and rest == {"values": [{"slug": "platform-core"}]}  # the last page: no next
    status, body = get(sim_client, REPOS, q=query, fields="values.slug", pagelen="1")
    assert status == 200 and body == {"values": [{"slug": "infra-core"}]}  # next not asked for: dropped


def test_repository_existence_lists_only_the_visible_ones(sim_client):
    """A repository access token sees its repository only: the others of the IN list are simply not listed."""
    resp = sim_client.get(
        REPOS,
        query_string={"q": 'slug IN ("infra-core", "platform-core")', "fields": "values.slug"},
        headers=demo.bearer(demo.REPO_ACCESS_TOKEN),
    )
    assert resp.status_code == 200 and resp.get_json() == {"values": [{"slug": "infra-core"}]}


@pytest.mark.parametrize(
    "query, pins",
    [
        (
            'user.account_id = "a" AND repository.full_name IN ("x", "y")',
            {"user.account_id": {"a"}, "repository.full_name": {"x", "y"}},
        ),
        ('user.account_id IN ("a", "b") AND (user.account_id = "b" OR user.account_id = "c")', {"user.account_id": {"b"}}),
        ('(user.account_id = "a" OR user.account_id = "b") AND permission >= "write"', {"user.account_id": {"a", "b"}}),
        ('permission = "admin" OR user.account_id = "a"', {}),
        ('user.account_id != "a"', {}),
        ('user.account_id NOT IN ("a")', {}),
        ("user.account_id = null", {}),
        ('user.account_id ~ "a"', {}),
        ('user.account_id IN ("a", null)', {}),
    ],
)
def test_a_query_pins_the_values_every_match_must_have(query, pins):
    """Query.pins: a field the whole query restricts to a few values (what lets a listing read only those items)."""
    from atlsim import bbql  # pylint: disable=import-outside-toplevel
    from atlsim.routes_permissions import FIELDS  # pylint: disable=import-outside-toplevel

    assert {k: set(v) for k, v in bbql.parse(query, FIELDS).pins.items()} == pins


@pytest.mark.parametrize(
    "query",
    [
        'user.account_id = "{a}"',
        'user.account_id IN ("{a}", "{b}") AND permission >= "write"',
        '(user.account_id = "{b}" OR user.account_id = "{a}") AND repository.name ~ "core"',
        'user.account_id IN ("{a}", "{b}", "557058:nobody")',
    ],
)
def test_a_query_naming_its_users_answers_what_filtering_every_entry_answers(sim_app, sim_client, query):
    """The listing reads only the named users' entries for such a query: same items, same order, same pages as the
    full filter (the simulator's own filter over every entry, the same query reversed into an OR with a false branch
    that stops it from pinning)."""
    a, b = acct(sim_app, "dev003@acme.example"), acct(sim_app, "dev120@acme.example")
    pinned = query.format(a=a, b=b)
    unpinned = "(%s) OR user.account_id = null" % pinned
    for pagelen in (100, 3):
        first, second = (get(sim_client, PERMS, q=q, pagelen=pagelen, sort="-permission") for q in (pinned, unpinned))
        assert first[0] == second[0] == 200
        assert first[1]["values"] and first[1]["values"] == second[1]["values"]
        assert first[1].get("size") == second[1].get("size")
