# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan document: stable item keys, an id that changes on any edit, new_plan against docs/plans.schema.json,
and every refusal of check_plan (and the plan it accepts)."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pytest

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import (
    PLAN_VERSION,
    canonical,
    check_plan,
    item_key,
    new_plan,
    plain_times,
    plan_id,
)
from ansible_collections.accessops.atlassian.tests.unit.plugins.plugin_utils.plan_cases import (
    IDENTITIES,
    NOW,
    ORG,
    account,
    every_kind,
    membership,
    project,
    repo,
    scim,
)

SCHEMA = json.loads((Path(__file__).resolve().parents[4] / "docs" / "plans.schema.json").read_text(encoding="utf-8"))


def make(items=None, **overrides):
    args = {
        "role": "offboarding",
        "workspace": "acme",
        "inputs": {"people": ["jane@acme.example"]},
        "items": every_kind() if items is None else items,
        "created_by": dict(IDENTITIES),
        "now": NOW,
        "max_age_hours": 24,
        "summary": {"items": 6, "refused": [], "deferred": []},
    }
    args.update(overrides)
    return new_plan(**args)


def check(plan, **overrides):
    args = {
        "role": "offboarding",
        "workspace": "acme",
        "identities": dict(IDENTITIES),
        "now": NOW + timedelta(hours=1),
        "max_age_hours": 24,
    }
    args.update(overrides)
    return check_plan(plan, **args)


def rehash(plan):
    plan["id"] = plan_id(plan)
    return plan


@pytest.mark.parametrize(
    "change, key",
    [
        (repo("grant", None, "write"), "bitbucket:repository_permission:acme/infra-core:user:712020:jane"),
        (
            project("revoke", "admin", None, subject={"type": "group", "slug": "devs"}),
            "bitbucket:project_permission:acme/INFRA:group:devs",
        ),
        (membership("add"), "admin:group_membership:%s/g-1:user:712020:jane" % ORG),
        (
            account("invite", None, "invited", account_id=None, email="jane@acme.example"),
            "admin:account:%s:user:jane@acme.example" % ORG,
        ),
        (account("suspend", "active", "suspended"), "admin:account:%s:user:712020:jane" % ORG),
        (scim("create", None, {"active": True}), "scim:scim_user:demo-directory:jane@acme.example"),
    ],
)
def test_item_key_of_each_kind(change, key):
    assert item_key(change) == key
    # the key names what the change is about, not its values
    other = dict(change, before="x", after="y", action="other")
    assert item_key(other) == key


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(repo("grant", None, "write"), kind="mystery"), "unknown change kind"),
        (dict(repo("grant", None, "write"), api="scim"), "belongs to the bitbucket API"),
        (dict(repo("grant", None, "write"), target={"workspace": "acme"}), "target.repository"),
        (dict(membership("add"), subject={"type": "group", "slug": "devs"}), "user subject"),
        ("not a mapping", "must be a mapping"),
    ],
)
def test_item_key_refuses_what_is_no_change(change, message):
    with pytest.raises(ValueError, match=message):
        item_key(change)


def test_canonical_is_sorted_compact_utf8():
    assert canonical({"b": 1, "a": ["é", None]}) == '{"a":["é",null],"b":1}'.encode()


def test_new_plan_shape_and_times():
    plan = make()
    assert list(plan) == [
        "version",
        "id",
        "role",
        "created_at",
        "expires_at",
        "created_by",
        "workspace",
        "inputs",
        "items",
        "summary",
    ]
    assert plan["version"] == PLAN_VERSION == 1
    assert plan["created_at"] == "2026-12-05T13:40:00Z"
    assert plan["expires_at"] == "2026-12-06T13:40:00Z"
    assert plan["id"] == plan_id(plan) and len(plan["id"]) == 64
    assert [i["key"] for i in plan["items"]] == [item_key(c) for c in every_kind()]
    assert make(max_age_hours=1.5)["expires_at"] == "2026-12-05T15:10:00Z"


def test_new_plan_copies_its_inputs():
    items = every_kind()
    plan = make(items=items)
    items[0]["after"] = "admin"
    assert plan["items"][0]["after"] == "write" and "key" not in items[0]


def test_new_plan_output_validates_against_the_schema():
    plan = make()
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(plan, SCHEMA, cls=jsonschema.Draft202012Validator)
    jsonschema.validate({"accessops_plan": plan}, SCHEMA, cls=jsonschema.Draft202012Validator)
    empty = make(items=[], created_by={"bitbucket": "557058:admin"})
    jsonschema.validate(empty, SCHEMA, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: p.pop("id"),
        lambda p: p.update(version=2),
        lambda p: p["items"][0].update(after="create-repo"),  # a project level on a repository
        lambda p: p["items"][3].update(action="grant"),
        lambda p: p["created_by"].pop("scim"),
        lambda p: p["items"][4].pop("reason"),
        lambda p: p["items"][5]["subject"].pop("user_name"),
    ],
)
def test_schema_rejects_a_broken_plan(edit):
    plan = make()
    jsonschema.validate(plan, SCHEMA, cls=jsonschema.Draft202012Validator)
    edit(plan)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(plan, SCHEMA, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda p: p["items"].append(repo("grant", None, "read", repository="extra")), id="item added"),
        pytest.param(lambda p: p["items"].pop(), id="item removed"),
        pytest.param(lambda p: p["items"][0].update(after="admin"), id="level changed"),
        pytest.param(lambda p: p.update(expires_at="2026-12-09T13:40:00Z"), id="expiry pushed"),
        pytest.param(lambda p: p["items"].reverse(), id="items reordered"),
        pytest.param(lambda p: p["inputs"]["people"].append("joe@acme.example"), id="input changed"),
        pytest.param(lambda p: p["created_by"].update(bitbucket="557058:other"), id="identity changed"),
    ],
)
def test_any_edit_changes_the_id(edit):
    plan = make()
    edited = copy.deepcopy(plan)
    edit(edited)
    assert plan_id(edited) != plan["id"]
    assert "The plan's id does not match its content: it was changed after it was made." in check(edited)


def test_the_id_does_not_depend_on_key_order_or_the_id_itself():
    plan = make()
    shuffled = {k: plan[k] for k in reversed(list(plan))}
    shuffled["id"] = "anything"
    assert plan_id(shuffled) == plan["id"]


def test_an_unchanged_plan_is_accepted():
    plan = make()
    assert check(plan) == []
    assert check(json.loads(json.dumps({"accessops_plan": plan}))["accessops_plan"]) == []
    # within the clock skew, and at the very expiry
    assert check(plan, now=NOW - timedelta(minutes=4)) == []
    assert check(plan, now=NOW + timedelta(hours=24)) == []


def test_identities_of_unused_apis_are_not_compared():
    plan = make(items=[repo("grant", None, "write")], created_by={"bitbucket": "557058:admin"})
    assert check(plan, identities={"bitbucket": "557058:admin", "admin": "another-org", "scim": None}) == []


@pytest.mark.parametrize(
    "plan, overrides, refusal",
    [
        (["not", "a", "plan"], {}, "This is not a plan (a plan is a mapping, got list)."),
        (rehash(dict(make(), version=2)), {}, "The plan has the version 2; this collection applies version 1 plans only."),
        (
            make(),
            {"now": NOW + timedelta(hours=25)},
            "The plan expired at 2026-12-06T13:40:00Z (it is now 2026-12-06T14:40:00Z): make a new plan.",
        ),
        (
            make(max_age_hours=48),
            {"now": NOW + timedelta(hours=25)},
            "The plan expired: it was made at 2026-12-05T13:40:00Z, more than 24 hours ago (the plan's maximum age): make a new plan.",
        ),
        (
            make(),
            {"now": NOW - timedelta(minutes=6)},
            "The plan was made in the future (2026-12-05T13:40:00Z, it is now 2026-12-05T13:34:00Z): check the clocks.",
        ),
        (make(), {"role": "onboarding"}, "The plan was made for the role 'offboarding', not 'onboarding'."),
        (make(), {"workspace": "other"}, "The plan was made for the workspace 'acme', not 'other'."),
        (
            make(),
            {"identities": dict(IDENTITIES, bitbucket="557058:someone")},
            "The plan was made with the Bitbucket account '557058:admin', and this run has '557058:someone'.",
        ),
        (
            make(),
            {"identities": dict(IDENTITIES, admin=None)},
            "The plan was made with the organization '%s', and this run has None." % ORG,
        ),
        (
            make(),
            {"identities": dict(IDENTITIES, scim="another-directory")},
            "The plan was made with the SCIM directory 'demo-directory', and this run has 'another-directory'.",
        ),
        (
            make(created_by={"bitbucket": "557058:admin", "admin": ORG}),
            {},
            "The plan has scim items but names no scim identity it was made with.",
        ),
        (
            make(items=every_kind() + [repo("grant", None, "read")]),
            {},
            "The plan has the item bitbucket:repository_permission:acme/infra-core:user:712020:jane more than once.",
        ),
        (
            rehash(dict(make(), created_at="yesterday")),
            {},
            "The plan's created_at / expires_at are not times (YYYY-MM-DDTHH:MM:SSZ).",
        ),
        (rehash(dict(make(), items="all")), {}, "The plan's items are not a list."),
    ],
)
def test_each_refusal(plan, overrides, refusal):
    refusals = check(plan, **overrides)
    assert refusal in refusals, refusals
    if isinstance(plan, dict) and plan.get("version") == 1 and plan.get("items") != "all":
        # the id still matches: each case is refused for its own reason only
        assert refusals == [refusal]


def test_an_item_whose_key_does_not_match_its_content():
    plan = make()
    plan["items"][0]["key"] = "bitbucket:repository_permission:acme/other:user:712020:jane"
    rehash(plan)
    assert check(plan) == [
        "Item 1 of the plan has the key 'bitbucket:repository_permission:acme/other:user:712020:jane', but its content gives "
        "'bitbucket:repository_permission:acme/infra-core:user:712020:jane'."
    ]


def test_an_item_that_is_no_change_or_has_an_unknown_action():
    plan = make()
    plan["items"][1]["kind"] = "mystery"
    plan["items"][2]["action"] = "obliterate"
    rehash(plan)
    assert check(plan) == [
        "Item 2 of the plan is no valid change: unknown change kind 'mystery' (known: repository_permission, project_permission,"
        " group_membership, account, scim_user, api_token).",
        "Item 3 of the plan (bitbucket:project_permission:acme/INFRA:user:712020:jane) has an unknown action 'obliterate'.",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"role": ""}, "needs its role"),
        ({"workspace": None}, "needs its workspace"),
        ({"max_age_hours": 0}, "positive number"),
        ({"created_by": {"jira": "x"}}, "created_by takes"),
        ({"items": [{"kind": "mystery"}]}, "unknown change kind"),
    ],
)
def test_new_plan_refuses_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        make(**args)


def test_plain_times_writes_datetimes_back_as_the_plan_time_text():
    when = datetime(2026, 12, 5, 13, 40, tzinfo=timezone.utc)  # noqa: UP017
    assert plain_times({"a": [when, {"b": when}], "c": "x", "d": 5}) == {
        "a": ["2026-12-05T13:40:00Z", {"b": "2026-12-05T13:40:00Z"}],
        "c": "x",
        "d": 5,
    }
