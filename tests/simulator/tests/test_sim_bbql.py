# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The BBQL parser/evaluator on its own."""

from __future__ import annotations

from datetime import datetime, UTC

import pytest

from atlsim.bbql import BBQLError, Field, apply, parse, sort_key

ITEMS = [
    {"name": "alpha", "perm": "read", "private": True, "n": 1, "when": datetime(2020, 1, 1, tzinfo=UTC), "opt": None},
    {"name": "Beta", "perm": "write", "private": False, "n": 2, "when": datetime(2021, 6, 1, tzinfo=UTC), "opt": "x"},
    {"name": "gamma", "perm": "admin", "private": True, "n": 3, "when": datetime(2022, 1, 1, tzinfo=UTC), "opt": None},
]
FIELDS = {
    "name": Field(lambda i: i["name"]),
    "permission": Field(lambda i: i["perm"], kind="permission"),
    "is_private": Field(lambda i: i["private"], kind="bool"),
    "n": Field(lambda i: i["n"], kind="number"),
    "created_on": Field(lambda i: i["when"], kind="datetime"),
    "opt": Field(lambda i: i["opt"]),
    "email": Field(lambda i: i["name"].lower() + "@x", fold=True),
}


def names(q, sort=None):
    items, _unused = apply(ITEMS, q, sort, FIELDS)
    return [i["name"] for i in items]


@pytest.mark.parametrize(
    "q,expected",
    [
        ('name = "alpha"', ["alpha"]),
        ('name != "alpha"', ["Beta", "gamma"]),
        ('name ~ "A"', ["alpha", "Beta", "gamma"]),
        ('name !~ "et"', ["alpha", "gamma"]),
        ('permission > "read"', ["Beta", "gamma"]),
        ('permission >= "write" AND is_private = true', ["gamma"]),
        ('permission < "admin" or n = 3', ["alpha", "Beta", "gamma"]),
        ('(name = "alpha" OR name = "Beta") AND NOT_A_KEYWORD_FIELD = 1', None),
        ("n >= 2 AND n < 3", ["Beta"]),
        ("n = 2.0", ["Beta"]),
        ("created_on > 2021-01-01", ["Beta", "gamma"]),
        ("created_on <= 2021-06-01T00:00:00+00:00", ["alpha", "Beta"]),
        ("opt = null", ["alpha", "gamma"]),
        ("opt != null", ["Beta"]),
        ('name IN ("alpha", "gamma")', ["alpha", "gamma"]),
        ('name NOT IN ("alpha")', ["Beta", "gamma"]),
        ('permission in ("read", "admin")', ["alpha", "gamma"]),
        ('email IN ("ALPHA@X")', ["alpha"]),
        ('name = "a\\"b"', []),
        ("is_private = false", ["Beta"]),
    ],
)
def test_queries(q, expected):
    if expected is None:
        with pytest.raises(BBQLError):
            names(q)
    else:
        assert names(q) == expected


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "name",
        "name = ",
        'name = "a" AND',
        '(name = "a"',
        'name = "a")',
        'name == "a"',
        'unknown = "a"',
        'permission = "owner"',
        'permission ~ "ad"',
        "is_private > true",
        'n = "2"',
        "name = 2",
        "opt > null",
        'name IN "a"',
        'name IN ("a" "b")',
        'name NOT "a"',
        "name = 'a'",
        'name = "a" name = "b"',
    ],
)
def test_rejected(q):
    with pytest.raises(BBQLError):
        parse(q, FIELDS)


def test_empty_q_means_no_filter():
    assert names(None) == names("") == ["alpha", "Beta", "gamma"]


def test_literals_are_collected_per_field():
    query = parse('email IN ("A@x", "b@x") OR email = "c@x"', FIELDS)
    assert query.values_for("email") == ["a@x", "b@x", "c@x"]
    assert query.fields_used == {"email"}


def test_sort():
    assert names(None, "name") == ["alpha", "Beta", "gamma"]
    assert names(None, "-permission") == ["gamma", "Beta", "alpha"]
    assert names(None, "-created_on") == ["gamma", "Beta", "alpha"]
    for bad in ("nope", "name,n", "-"):
        with pytest.raises(BBQLError):
            sort_key(bad, FIELDS)
