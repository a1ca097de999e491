# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compare / ensure / diff engine."""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.module_utils._engine import (
    Plan,
    diff_attributes,
    make_diff,
    reconcile,
)


def test_diff_attributes_only_compares_managed_leaves():
    current = {"userName": "a@x", "active": True, "name": {"givenName": "Ann", "familyName": "Lee"}, "title": "Dev"}
    desired = {"userName": "a@x", "active": False, "name": {"givenName": "Anne", "familyName": None}, "title": None}
    assert diff_attributes(current, desired) == {"active": (True, False), "name.givenName": ("Ann", "Anne")}


def test_diff_attributes_missing_current():
    assert diff_attributes(None, {"a": 1, "b": {"c": 2}}) == {"a": (None, 1), "b.c": (None, 2)}
    assert diff_attributes({"a": 1}, None) == {}
    assert diff_attributes({"a": {"b": 1}}, {"a": {"b": 1}}) == {}


def test_diff_attributes_leaves():
    # lists and empty dicts are leaves; a dict replacing a scalar is compared leaf by leaf
    assert diff_attributes({"l": [1, 2]}, {"l": [2, 1]}) == {"l": ([1, 2], [2, 1])}
    assert diff_attributes({"l": [1, 2]}, {"l": [1, 2]}) == {}
    assert diff_attributes({"e": {}}, {"e": {}}) == {}
    assert diff_attributes({"n": None}, {"n": {"x": 1}}) == {"n.x": (None, 1)}
    assert diff_attributes({"a": False}, {"a": 0}) == {}  # Python equality: callers normalise types


def test_reconcile_add_update_unchanged():
    plan = reconcile({"u1": "read", "u2": "write"}, {"u1": "read", "u2": "admin", "u3": "write"})
    assert plan.add == {"u3": "write"}
    assert plan.update == {"u2": ("write", "admin")}
    assert plan.unchanged == {"u1": "read"}
    assert plan.remove == {}
    assert plan.changed
    assert plan.as_dict() == {"added": ["u3"], "updated": ["u2"], "removed": [], "unchanged": ["u1"]}
    assert plan.before() == {"u1": "read", "u2": "write"}
    assert plan.after() == {"u1": "read", "u2": "admin", "u3": "write"}


def test_reconcile_absent_and_exclusive():
    current = {"a": 1, "b": 2, "c": 3}
    plan = reconcile(current, {"a": 1}, absent=["b", "zz"])
    assert plan.remove == {"b": 2}
    assert plan.after() == {"a": 1, "c": 3}
    plan = reconcile(current, {"a": 1}, exclusive=True)
    assert plan.remove == {"b": 2, "c": 3}
    assert plan.after() == {"a": 1}
    # desired wins over absent for the same key
    plan = reconcile(current, {"b": 5}, absent=["b"])
    assert plan.update == {"b": (2, 5)} and plan.remove == {}


def test_reconcile_keep_protects():
    plan = reconcile({"owner": "admin", "x": "read"}, {}, exclusive=True, keep=["owner"])
    assert plan.remove == {"x": "read"}
    assert plan.protected == {"owner": "admin"}
    assert plan.after() == {"owner": "admin"}


def test_reconcile_no_change_and_input_not_mutated():
    current = {"a": 1}
    plan = reconcile(current, {"a": 1})
    assert not plan.changed
    plan.add["b"] = 2
    assert current == {"a": 1}
    assert plan.current == {"a": 1}
    assert Plan({}).after() == {} and not Plan({}).changed


def test_plan_after_is_sorted():
    plan = reconcile({"b": 1}, {"a": 2, "c": 3})
    assert list(plan.after()) == ["a", "b", "c"]
    assert list(plan.before()) == ["b"]


def test_make_diff_copies_and_headers():
    before = {"a": [1]}
    after = {"a": [1, 2]}
    diff = make_diff(before, after)
    assert diff == {"before": {"a": [1]}, "after": {"a": [1, 2]}}
    before["a"].append(3)
    assert diff["before"] == {"a": [1]}
    diff = make_diff({}, {}, before_header="acme (before)", after_header="acme (after)")
    assert diff["before_header"] == "acme (before)"
    assert diff["after_header"] == "acme (after)"
