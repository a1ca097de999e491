# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API token items in the plans (issue 23): their key, the schema, the journal -> items, the texts, the summary, the
atlassian_api_token call of an apply and what its result says of each item."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.apply import (
    Call,
    PlanItemError,
    calls_for,
    classify,
)
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import check_plan, item_key, new_plan
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.journal import items_from_journal, summarize
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.render import changes_view, item_line, plan_markdown
from ansible_collections.accessops.atlassian.tests.unit.plugins.plugin_utils.plan_cases import (
    IDENTITIES,
    NOW,
    ORG,
    membership,
    token,
)

SCHEMA = json.loads((Path(__file__).resolve().parents[4] / "docs" / "plans.schema.json").read_text(encoding="utf-8"))
BEN = "712020:ben"


def entries(*changes):
    return [{"item": change, "check_mode": True, "module": "atlassian_api_token"} for change in changes]


def items(*changes, names=None):
    return items_from_journal(entries(*changes), role="offboarding", names=names or {"712020:jane": "jane@acme.example"})


def plan_of(found):
    return new_plan(
        role="offboarding",
        workspace="acme",
        inputs={"people": ["jane@acme.example"]},
        items=found,
        created_by=IDENTITIES,
        now=NOW,
        max_age_hours=24,
        summary=summarize(found, refused=[], deferred=[], calls_spent=3),
    )


def test_the_key_names_the_account_and_the_token_not_the_metadata():
    assert item_key(token()) == "admin:api_token:account:712020:jane:token:tok-1"
    used = token(last_access="2026-12-01T00:00:00Z", label="renamed")
    assert item_key(used) == item_key(token())
    assert item_key(token(account_id=BEN)) != item_key(token())
    with pytest.raises(ValueError, match="subject.id"):
        item_key(dict(token(), subject={"type": "api_token"}))
    with pytest.raises(ValueError, match="target.account_id"):
        item_key(dict(token(), target={}))
    with pytest.raises(ValueError, match="belongs to the admin API"):
        item_key(dict(token(), api="bitbucket"))


def test_journal_items_name_the_holder_and_validate_against_the_schema():
    found = items(token(), token("tok-2", label="laptop", last_access=None), membership("remove"))
    first = found[0]
    assert first["action"] == "revoke_api_token" and first["after"] is None
    assert first["target"] == {"org": ORG, "account_id": "712020:jane", "display": "jane@acme.example"}
    assert first["subject"] == {"type": "api_token", "id": "tok-1", "label": "ci-deploy"}
    assert first["reason"] == "offboarding: jane@acme.example is offboarded"
    plan = plan_of(found)
    jsonschema.validate(plan, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert check_plan(plan, role="offboarding", workspace="acme", identities=IDENTITIES, now=NOW, max_age_hours=24) == []
    broken = copy.deepcopy(plan)
    broken["items"][0]["after"] = {"label": "x"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA, cls=jsonschema.Draft202012Validator)
    other = copy.deepcopy(plan)
    other["items"][0]["action"] = "revoke"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(other, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_an_unknown_action_on_a_token_is_refused_by_check_plan():
    plan = plan_of(items(token()))
    plan["items"][0]["action"] = "delete"
    from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import plan_id

    plan["id"] = plan_id(plan)
    refusals = check_plan(plan, role="offboarding", workspace="acme", identities=IDENTITIES, now=NOW, max_age_hours=24)
    assert refusals == ["Item 1 of the plan (admin:api_token:account:712020:jane:token:tok-1) has an unknown action 'delete'."]


def test_the_line_and_markdown_of_a_token():
    found = items(token(), token("tok-2", label=None, last_access=None))
    assert item_line(found[0]) == (
        '- revoke API token "ci-deploy" (tok-1) of jane@acme.example (created 2026-01-05T09:00:00Z, last used '
        "2026-08-01T12:00:00Z, no expiry date) (offboarding: jane@acme.example is offboarded)"
    )
    assert item_line(found[1]).startswith(
        "- revoke API token tok-2 of jane@acme.example (created 2026-01-05T09:00:00Z, last used never"
    )
    plan = plan_of(found)
    assert changes_view(plan)[1:] == [item_line(found[0]), item_line(found[1])]
    text = plan_markdown(plan)
    assert '| account jane@acme.example | API token "ci-deploy" (tok-1) |' in text
    assert "revoke_api_token 2" in text


def test_summary_counts_one_read_per_account():
    found = items(token(), token("tok-2"), token("tok-3", account_id=BEN), names={})
    summary = summarize(found, refused=[], deferred=[], calls_spent=0)
    # 3 revocations + one read of the tokens of each of the 2 accounts
    assert summary["by_action"] == {"revoke_api_token": 3}
    assert summary["api_calls"]["apply_expected"] == 5


def test_one_call_per_account_by_token_id_never_all():
    found = items(token(), membership("remove"), token("tok-2"), token("tok-3", account_id=BEN), names={})
    calls = calls_for(found)
    assert [(c.module, c.api, c.args) for c in calls] == [
        ("atlassian_api_token", "admin", {"account_id": "712020:jane", "token_ids": ["tok-1", "tok-2"], "state": "absent"}),
        ("atlassian_group_member", "admin", {"user": "712020:jane", "groups": ["g-1"], "state": "absent"}),
        ("atlassian_api_token", "admin", {"account_id": BEN, "token_ids": ["tok-3"], "state": "absent"}),
    ]
    assert [len(c.items) for c in calls] == [2, 1, 1]


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda i: i.update(action="revoke"), "unknown action"),
        (lambda i: i.update(after={"label": "x"}), "has an after state"),
        (lambda i: i["subject"].pop("id"), "has no id"),
        (lambda i: i["target"].pop("account_id"), "has no account_id"),
    ],
)
def test_token_items_that_cannot_be_made_are_refused_before_any_call(edit, words):
    item = items(token())[0]
    edit(item)
    with pytest.raises(PlanItemError, match=words):
        calls_for([item])


def change(token_id, account_id="712020:jane"):
    return {
        "api": "admin",
        "kind": "api_token",
        "action": "revoke_api_token",
        "target": {"account_id": account_id},
        "subject": {"type": "api_token", "id": token_id},
        "before": {},
        "after": None,
    }


def test_classify_revoked_already_gone_and_failed():
    found = items(token(), token("tok-2"), token("tok-3"))
    call = calls_for(found)[0]
    result = {
        "changed": True,
        "changes": [change("tok-1")],
        "revoked": [{"id": "tok-1"}],
        "not_found": ["tok-2"],
        "managed": True,
    }
    applied, already, stale, failed = classify(call, result)
    assert [i["subject"]["id"] for i in applied] == ["tok-1"]
    assert [i["subject"]["id"] for i in already] == ["tok-2"]
    assert stale == []
    assert [(f["item"]["subject"]["id"], f["msg"]) for f in failed] == [
        ("tok-3", "the module reported neither a revocation nor a missing token")
    ]
    # a change of another account's token with the same id is not this item
    other = classify(call, {"changed": True, "changes": [change("tok-1", BEN)], "managed": True, "not_found": []})
    assert other[0] == []


def test_classify_a_failed_call_and_an_account_no_longer_managed():
    call = calls_for(items(token(), token("tok-2")))[0]
    applied, already, stale, failed = classify(call, {"failed": True, "msg": "HTTP 500", "changes": [change("tok-1")]})
    assert [i["subject"]["id"] for i in applied] == ["tok-1"] and [f["msg"] for f in failed] == ["HTTP 500"]
    applied, already, stale, failed = classify(
        call, {"changed": False, "managed": False, "reason": "not managed by the organization", "changes": []}
    )
    assert applied == already == failed == []
    assert [s["found"] for s in stale] == [{"managed": False, "reason": "not managed by the organization"}] * 2


def test_a_call_is_an_admin_call():
    assert Call("atlassian_api_token", {}, ()).api == "admin"
