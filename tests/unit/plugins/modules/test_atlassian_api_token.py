# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_api_token: revoke by ids or all, idempotence, check mode, diff, an account not managed, the answers to a
DELETE (404 gone meanwhile, a lost answer, a failure midway), the change items and the plan journal."""

from __future__ import annotations

import json

import pytest

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_api_token as module

from .admin_helpers import KEY, ORG_ID, add, admin_env, aid, args, run_module  # pylint: disable=unused-import
from .harness import api, calls  # pylint: disable=unused-import
from .test_atlassian_api_token_info import NOT_MANAGED, shaped, token, tokens_path

pytestmark = pytest.mark.usefixtures("admin_env")

LISTED = [
    token("tok-1", "ci-deploy", last_access="2026-08-01T12:00:00.000Z"),
    token("tok-2", "laptop", expiry="2026-12-01T00:00:00.000Z"),
]


def _token(token_id):
    return tokens_path("jane") + "/" + token_id


def _task(**kwargs):
    options = {"account_id": aid("jane")}
    options.update(kwargs)
    return args(**options)


def _change(token_id, label, created="2026-01-05T09:00:00.000Z", expires_at=None, last_access=None):
    """The plan item of one token of jane revoked (docs/plans.md, kind api_token)."""
    return {
        "api": "admin",
        "kind": "api_token",
        "action": "revoke_api_token",
        "target": {"org": ORG_ID, "account_id": aid("jane")},
        "subject": {"type": "api_token", "id": token_id, "label": label},
        "before": {"label": label, "created_at": created, "expires_at": expires_at, "last_access": last_access},
        "after": None,
    }


CHANGE_1 = _change("tok-1", "ci-deploy", last_access="2026-08-01T12:00:00.000Z")
CHANGE_2 = _change("tok-2", "laptop", expires_at="2026-12-01T00:00:00.000Z")


def test_token_ids_revoke_only_those_and_list_the_missing(api):
    add(api, "GET", tokens_path("jane"), LISTED)
    add(api, "DELETE", _token("tok-1"), status=204)
    result, failed = run_module(module, _task(token_ids=["tok-1", "tok-9", "tok-1"]), diff=True)
    assert not failed, result
    assert calls(api) == [("GET", tokens_path("jane"), {}, None), ("DELETE", _token("tok-1"), {}, None)]
    assert result["changed"] is True and result["managed"] is True and result["reason"] is None
    assert result["revoked"] == [shaped("jane", "tok-1", "ci-deploy", last_access="2026-08-01T12:00:00.000Z")]
    assert result["not_found"] == ["tok-9"]
    assert result["changes"] == [CHANGE_1]
    assert result["diff"] == {
        "before": {"api_tokens": ["tok-1 (ci-deploy)", "tok-2 (laptop)"]},
        "after": {"api_tokens": ["tok-2 (laptop)"]},
        "before_header": "%s (API tokens)" % aid("jane"),
        "after_header": "%s (API tokens)" % aid("jane"),
    }
    assert result["api_calls"] == {"total": 2, "GET": 1, "DELETE": 1}


def test_all_revokes_every_token_in_the_listed_order(api):
    add(api, "GET", tokens_path("jane"), LISTED)
    add(api, "DELETE", _token("tok-1"), status=204)
    add(api, "DELETE", _token("tok-2"), status=204)
    result, failed = run_module(module, _task(all=True))
    assert not failed, result
    assert [c[:2] for c in calls(api)] == [("GET", tokens_path("jane")), ("DELETE", _token("tok-1")), ("DELETE", _token("tok-2"))]
    assert [t["id"] for t in result["revoked"]] == ["tok-1", "tok-2"]
    assert result["changes"] == [CHANGE_1, CHANGE_2] and result["not_found"] == []


def test_check_mode_reads_the_same_and_reports_the_same_without_writing(api):
    add(api, "GET", tokens_path("jane"), LISTED)
    checked, failed = run_module(module, _task(all=True), check_mode=True, diff=True)
    assert not failed
    assert calls(api) == [("GET", tokens_path("jane"), {}, None)]
    assert checked["changed"] is True and checked["changes"] == [CHANGE_1, CHANGE_2]
    assert checked["diff"]["after"] == {"api_tokens": []}
    assert [t["id"] for t in checked["revoked"]] == ["tok-1", "tok-2"]


def test_a_second_run_revokes_nothing(api):
    add(api, "GET", tokens_path("jane"), [])
    result, failed = run_module(module, _task(token_ids=["tok-1", "tok-2"]))
    assert not failed
    assert calls(api) == [("GET", tokens_path("jane"), {}, None)]
    assert result["changed"] is False and result["revoked"] == [] and result["changes"] == []
    assert result["not_found"] == ["tok-1", "tok-2"]


def test_all_on_an_account_without_tokens_is_no_change(api):
    add(api, "GET", tokens_path("jane"), [])
    result, failed = run_module(module, _task(all=True))
    assert not failed and result["changed"] is False and result["not_found"] == [] and len(calls(api)) == 1


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (403, NOT_MANAGED, "not managed by the organization (forbidden.action: managedAccount)"),
        (404, {"key": "accountNotFound"}, "account not found (accountNotFound)"),
    ],
)
def test_an_account_not_managed_or_not_found_is_reported_and_nothing_is_sent(api, status, body, reason):
    add(api, "GET", tokens_path("jane"), body, status=status)
    result, failed = run_module(module, _task(token_ids=["tok-1"]))
    assert not failed, result
    assert calls(api) == [("GET", tokens_path("jane"), {}, None)]
    assert result["managed"] is False and result["reason"] == reason
    assert result["changed"] is False and result["changes"] == [] and result["not_found"] == ["tok-1"]


def test_a_token_gone_between_the_read_and_the_delete_is_no_change(api):
    add(api, "GET", tokens_path("jane"), LISTED)
    add(api, "DELETE", _token("tok-1"), {"key": "notFound"}, status=404)
    result, failed = run_module(module, _task(token_ids=["tok-1"]))
    assert not failed, result
    assert result["changed"] is False and result["revoked"] == [] and result["not_found"] == ["tok-1"]
    assert result["changes"] == []


def test_a_delete_whose_answer_was_lost_and_whose_retry_finds_it_gone_is_this_run_s_change(api):
    add(api, "GET", tokens_path("jane"), LISTED)
    add(api, "DELETE", _token("tok-1"), status=504)  # a gateway's answer: the API behind it may have acted
    add(api, "DELETE", _token("tok-1"), {"key": "notFound"}, status=404)
    result, failed = run_module(module, _task(token_ids=["tok-1"]))
    assert not failed, result
    assert [c[:2] for c in calls(api)] == [("GET", tokens_path("jane"))] + [("DELETE", _token("tok-1"))] * 2
    assert result["changed"] is True and result["changes"] == [CHANGE_1]
    assert result["answer_lost"] == ["tok-1: revoked; answer lost, the retry found it gone"]


def test_a_failure_after_a_revocation_fails_the_task_and_reports_the_change(api):
    add(api, "GET", tokens_path("jane"), LISTED)
    add(api, "DELETE", _token("tok-1"), status=204)
    add(api, "DELETE", _token("tok-2"), {"key": "forbidden"}, status=403)
    result, failed = run_module(module, _task(all=True))
    assert failed and result["changed"] is True
    assert result["changes"] == [CHANGE_1] and [t["id"] for t in result["revoked"]] == ["tok-1"]
    assert "Revoked before the failure: tok-1; run the task again to finish" in result["msg"]
    assert result["status"] == 403 and result["api_calls"] == {"total": 3, "GET": 1, "DELETE": 2}


def test_a_read_only_key_fails_at_the_first_revocation_with_nothing_changed(api):
    add(api, "GET", tokens_path("jane"), LISTED)
    add(api, "DELETE", _token("tok-1"), {"key": "forbidden"}, status=403)
    result, failed = run_module(module, _task(token_ids=["tok-1"]))
    assert failed and result["changed"] is False and "changes" not in result
    assert result["method"] == "DELETE" and result["status"] == 403
    assert KEY not in json.dumps(result)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "token_ids must name at least one API token id, or set all: true"),
        ({"token_ids": []}, "token_ids must name at least one API token id, or set all: true"),
        ({"token_ids": ["tok-1"], "all": True}, "token_ids and all are mutually exclusive"),
        ({"token_ids": ["../x"]}, "token_ids '../x' is not an API token id"),
        ({"token_id": "tok 1"}, "token_ids 'tok 1' is not an API token id"),
        ({"account_id": "jane@acme.example", "all": True}, "account_id 'jane@acme.example' is not an Atlassian account ID"),
    ],
)
def test_bad_options_fail_before_any_request(api, options, message):
    result, failed = run_module(module, _task(**options))
    assert failed and result["msg"].startswith(message), result["msg"]
    assert calls(api) == []


def test_the_changes_are_appended_to_the_plan_journal(api, tmp_path):
    journal = tmp_path / "journal.jsonl"
    add(api, "GET", tokens_path("jane"), LISTED)
    checked, failed = run_module(module, _task(token_id="tok-2", plan_journal=str(journal)), check_mode=True)
    assert not failed
    add(api, "GET", tokens_path("jane"), LISTED)
    add(api, "DELETE", _token("tok-2"), status=204)
    applied, failed = run_module(module, _task(token_id="tok-2", plan_journal=str(journal)))
    assert not failed
    add(api, "GET", tokens_path("jane"), LISTED[:1])
    again, failed = run_module(module, _task(token_id="tok-2", plan_journal=str(journal)))
    assert not failed and again["changes"] == [] and again["not_found"] == ["tok-2"]
    found = [json.loads(line) for line in journal.read_text().splitlines()]
    assert found == [
        {"item": CHANGE_2, "check_mode": True, "module": "atlassian_api_token"},
        {"item": CHANGE_2, "check_mode": False, "module": "atlassian_api_token"},
    ]
    assert checked["changes"] == applied["changes"]
