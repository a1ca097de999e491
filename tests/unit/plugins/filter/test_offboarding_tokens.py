# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding step that revokes the leavers' API tokens (issue 23), with plain data: which accounts the shared
read lists, the revocation loop items (managed accounts with tokens only), what each person's record says of each
token (revoked, planned, already gone, not revoked, not managed), a failed read or revocation, and the report."""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.filter.offboarding_plan import offboarding_plan
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_render import offboarding_render
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_result import offboarding_result
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_todo import offboarding_todo
from ansible_collections.accessops.atlassian.tests.unit.plugins.filter.test_offboarding_steps import (
    IDS,
    A,
    B,
    looped,
    reads,
    start,
)

TOKEN_1 = {
    "account_id": IDS[A],
    "id": "tok-1",
    "label": "ci-deploy",
    "created_at": "2026-01-05T09:00:00Z",
    "expires_at": None,
    "last_access": "2026-08-01T12:00:00Z",
}
TOKEN_2 = dict(TOKEN_1, id="tok-2", label="laptop", last_access=None, expires_at="2027-01-01T00:00:00Z")
NOT_MANAGED = "not managed by the organization (forbidden.action: managedAccount)"


def info(managed_a=True, managed_b=False, tokens_a=(TOKEN_1, TOKEN_2)):
    return {
        "accounts": [
            {"account_id": IDS[A], "managed": managed_a, "reason": None if managed_a else NOT_MANAGED, "tokens": list(tokens_a)},
            {"account_id": IDS[B], "managed": managed_b, "reason": None if managed_b else NOT_MANAGED, "tokens": []},
        ],
        "api_calls": {"total": 2},
    }


def planned(**options):
    return offboarding_plan(start([A, B], **options), reads())


def tokens_of(result, who):
    return next(p for p in result["people"] if p["input"] == who)["actions"]["api_tokens"]


def test_the_read_lists_everyone_in_progress_and_the_loop_only_managed_accounts_with_tokens():
    state = planned()
    assert offboarding_todo(state, "tokens_info", {}) == [IDS[A], IDS[B]]
    items = offboarding_todo(state, "tokens", {"tokens_info": info()})
    assert items == [{"input": A, "account_id": IDS[A], "email": A, "token_ids": ["tok-1", "tok-2"]}]
    assert offboarding_todo(state, "tokens", {"tokens_info": info(tokens_a=())}) == []
    # a person who failed before (a group removal) is neither read nor revoked
    failed = {"groups": looped(**{A: {"failed": True, "msg": "HTTP 500"}})}
    assert offboarding_todo(state, "tokens_info", failed) == [IDS[B]]


def test_nothing_is_read_without_the_admin_api_or_when_not_asked():
    assert offboarding_todo(planned(use_admin_api=False), "tokens_info", {}) == []
    state = planned(revoke_api_tokens=False)
    assert offboarding_todo(state, "tokens_info", {}) == []
    assert offboarding_todo(state, "tokens", {"tokens_info": info()}) == []
    result = offboarding_result(state, {})
    assert tokens_of(result, A)["detail"] == "not requested (offboarding_revoke_api_tokens=false)"
    assert result["revoke_api_tokens"] is False
    assert tokens_of(offboarding_result(planned(use_admin_api=False), {}), A)["detail"] == (
        "not read: the organization Admin API is not configured"
    )


def test_revoked_tokens_and_a_not_managed_account_are_reported_not_failed():
    revoke = {"changed": True, "revoked": [TOKEN_1], "not_found": ["tok-2"], "managed": True, "api_calls": {"total": 3}}
    done = {"tokens_info": info(), "tokens": looped(**{A: revoke})}
    result = offboarding_result(planned(), done)
    mine = tokens_of(result, A)
    assert mine["managed"] is True
    assert [(t["id"], t["label"], t["last_access"], t["status"]) for t in mine["tokens"]] == [
        ("tok-1", "ci-deploy", "2026-08-01T12:00:00Z", "revoked"),
        ("tok-2", "laptop", None, "already_gone"),
    ]
    assert mine["detail"] == "1 revoked, 1 already gone"
    theirs = tokens_of(result, B)
    assert theirs["managed"] is False and theirs["reason"] == NOT_MANAGED and theirs["tokens"] == []
    assert result["incomplete"] == [] and result["api_tokens_not_managed"] == [B]
    assert result["api_calls"]["tokens"] == 5 and result["changed"] is True
    assert offboarding_render(result, "tokens_not_managed") == [
        "%s: API tokens not revoked: the account is not managed by the organization (%s)" % (B, NOT_MANAGED)
    ]
    text = offboarding_render(result, "markdown")
    assert "| ci-deploy | tok-1 | 2026-01-05T09:00:00Z | 2026-08-01T12:00:00Z | no expiry date | revoked |" in text
    assert "| laptop | tok-2 | 2026-01-05T09:00:00Z | never | 2027-01-01T00:00:00Z | already gone |" in text
    assert "- API tokens: **not managed by the organization** - not listed, not revoked" in text
    lines = offboarding_render(result, "lines")
    assert "revoked 1 API token" in lines[0] and "API tokens not managed by the organization" in lines[1]


def test_check_mode_plans_the_revocations():
    state = planned(check=True)
    revoke = {"changed": True, "revoked": [TOKEN_1, TOKEN_2], "not_found": [], "managed": True}
    result = offboarding_result(state, {"tokens_info": info(), "tokens": looped(**{A: revoke})})
    assert [t["status"] for t in tokens_of(result, A)["tokens"]] == ["planned", "planned"]
    assert "would revoke 2 API tokens" in offboarding_render(result, "lines")[0]
    assert "| to revoke (planned) |" in offboarding_render(result, "markdown")


def test_a_failed_revocation_fails_the_person_in_this_step_only():
    revoke = {"failed": True, "msg": "HTTP 500. Revoked before the failure: tok-1", "revoked": [TOKEN_1], "not_found": []}
    result = offboarding_result(planned(), {"tokens_info": info(), "tokens": looped(**{A: revoke})})
    person = result["people"][0]
    assert person["status"] == "failed" and person["failed_step"] == "Revoke the API tokens"
    assert [t["status"] for t in person["actions"]["api_tokens"]["tokens"]] == ["revoked", "not_revoked"]
    assert result["incomplete"] == [A]
    assert result["people"][1]["complete"] is True


def test_a_failed_read_fails_everyone_still_in_progress_and_nothing_is_revoked():
    state = planned()
    failed_read = {"failed": True, "msg": "HTTP 401"}
    assert offboarding_todo(state, "tokens", {"tokens_info": failed_read}) == []
    result = offboarding_result(state, {"tokens_info": failed_read})
    assert result["incomplete"] == [A, B]
    assert result["people"][0]["error"] == "The read of the API tokens (shared by everyone) failed, nothing was revoked: HTTP 401"
    # nothing after the token step ran for them: the account action is not reached
    assert offboarding_todo(state, "verify", {"tokens_info": failed_read})["people"] == 0


def test_skipping_the_step_with_tags_reads_nothing():
    state = planned(skip_tags=["offboarding_tokens"])
    assert offboarding_todo(state, "tokens_info", {}) == []
    result = offboarding_result(state, {})
    assert tokens_of(result, A)["tokens"] == [] and result["incomplete"] == []
