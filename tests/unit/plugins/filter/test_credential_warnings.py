# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential check of the runbooks (issue 23): the Bitbucket API token's expiry from atlassian_api_token_info (the
token used most recently, or the one labelled), the SCIM and Admin API keys from declared dates, warnings N days
before, expired keys, and what is not known. The clock is given (``now``)."""

from __future__ import annotations

import datetime as dt

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.filter.credential_warnings import credential_warnings
from ansible_collections.accessops.atlassian.plugins.plugin_utils._hygiene.credentials import UTC, parse_when, pick_token

NOW = "2026-09-01T12:00:00Z"
CALLER = "557058:caller"


def token(tid, label, expires=None, last=None):
    return {
        "account_id": CALLER,
        "id": tid,
        "label": label,
        "created_at": "2026-01-01T00:00:00Z",
        "expires_at": expires,
        "last_access": last,
    }


def info(*tokens, managed=True, reason=None):
    return {
        "changed": False,
        "api_calls": {"total": 1},
        "accounts": [{"account_id": CALLER, "managed": managed, "reason": reason, "tokens": list(tokens)}],
        "tokens": list(tokens),
    }


def bitbucket(value):
    return next(c for c in value["credentials"] if c["credential"] == "bitbucket_api_token")


def test_the_token_used_most_recently_is_the_one_of_this_run():
    tokens = info(
        token("t-old", "laptop", expires="2026-09-05T00:00:00Z", last="2026-06-01T10:00:00Z"),
        token("t-ci", "ci-runbooks", expires="2026-09-10T12:00:00Z", last="2026-09-01T11:59:00Z"),
        token("t-never", "unused", expires="2026-09-02T00:00:00Z"),
    )
    value = credential_warnings(tokens, account_id=CALLER, now=NOW)
    record = bitbucket(value)
    assert (record["source"], record["status"], record["days_left"], record["expires"]) == (
        "api",
        "expiring",
        9,
        "2026-09-10T12:00:00Z",
    )
    assert value["warnings"] == [
        "the Bitbucket API token expires on 2026-09-10, in 9 days (the Admin API: token 'ci-runbooks', the caller's API"
        " token used most recently (2026-09-01T11:59:00Z)): create a new one and update the credential before then"
    ]
    assert value["expired"] == [] and value["notes"] == []
    # a shorter warning period: no warning
    quiet = credential_warnings(tokens, account_id=CALLER, warn_days=7, now=NOW)
    assert quiet["warnings"] == [] and bitbucket(quiet)["status"] == "ok"
    # named by label: that one (laptop expires in 3 days)
    labelled = credential_warnings(tokens, account_id=CALLER, token_label="laptop", now=NOW)
    assert bitbucket(labelled)["days_left"] == 3 and "token 'laptop' (atlassian_api_token_label)" in labelled["warnings"][0]


def test_an_expired_key_and_the_declared_dates():
    declared = {"scim_token": "2026-09-01", "admin_api_key": dt.date(2026, 9, 20), "bitbucket_api_token": ""}
    value = credential_warnings(None, declared=declared, now=NOW)
    scim = next(c for c in value["credentials"] if c["credential"] == "scim_token")
    admin = next(c for c in value["credentials"] if c["credential"] == "admin_api_key")
    # a date is the start of that day: the SCIM key is expired on 2026-09-01 already
    assert (scim["status"], scim["source"], scim["expires"]) == ("expired", "declared", "2026-09-01T00:00:00Z")
    assert value["expired"] == [
        "the SCIM API key expired on 2026-09-01 (declared in atlassian_scim_token_expires): create a new one and update"
        " the credential (the run stops before any change)"
    ]
    assert (admin["status"], admin["days_left"]) == ("ok", 18)
    assert value["warnings"] == []  # 18 days > 14
    assert credential_warnings(None, declared=declared, warn_days="30", now=NOW)["warnings"] == [
        "the organization Admin API key expires on 2026-09-20, in 18 days (declared in atlassian_admin_api_key_expires):"
        " create a new one and update the credential before then"
    ]
    # not read, nothing declared: unknown, no note (the check did not try)
    assert bitbucket(value)["status"] == "unknown" and value["notes"] == []


def test_the_api_token_expiry_when_the_api_cannot_say():
    not_managed = info(managed=False, reason="the account is not managed by the organization (403)")
    value = credential_warnings(not_managed, account_id=CALLER, now=NOW)
    assert bitbucket(value)["status"] == "unknown" and value["warnings"] == []
    assert value["notes"] == [
        "the Bitbucket API token's expiry is not known: the caller's account is not managed by the organization (the"
        " account is not managed by the organization (403))"
    ]
    # then the declared date is used
    value = credential_warnings(not_managed, account_id=CALLER, declared={"bitbucket_api_token": "2026-09-03"}, now=NOW)
    assert (bitbucket(value)["source"], bitbucket(value)["status"]) == ("declared", "expiring")
    assert "within a day" not in value["warnings"][0] and "in 1 day " in value["warnings"][0]
    # two tokens used at the same time: cannot tell
    same = info(token("a", "a", "2026-09-02T00:00:00Z", "2026-09-01T00:00:00Z"), token("b", "b", None, "2026-09-01T00:00:00Z"))
    assert "none was used last" in credential_warnings(same, account_id=CALLER, now=NOW)["notes"][0]
    # the only token, without expiry
    value = credential_warnings(info(token("a", "a")), account_id=CALLER, now=NOW)
    assert bitbucket(value)["status"] == "no_expiry" and value["warnings"] == value["notes"] == []
    # a failed read
    failed = {"failed": True, "msg": "HTTP 401"}
    assert credential_warnings(failed, account_id=CALLER, now=NOW)["notes"] == [
        "the Bitbucket API token's expiry is not known: the API tokens could not be read: HTTP 401"
    ]
    # within the last day
    soon = credential_warnings(info(token("a", "a", "2026-09-01T20:00:00Z")), account_id=CALLER, now=NOW)
    assert soon["warnings"][0].startswith("the Bitbucket API token expires on 2026-09-01, within a day")


def test_bad_input_fails_with_the_variable_named():
    with pytest.raises(AnsibleFilterError, match="atlassian_scim_token_expires: '1st of May' is not a date"):
        credential_warnings(None, declared={"scim_token": "1st of May"}, now=NOW)
    with pytest.raises(AnsibleFilterError, match="atlassian_credential_warn_days: -1 must be 0 or more"):
        credential_warnings(None, warn_days=-1, now=NOW)
    with pytest.raises(AnsibleFilterError, match="unknown credentials"):
        credential_warnings(None, declared={"jira": "2026-01-01"}, now=NOW)


def test_dates_and_picking():
    assert parse_when("2026-09-01T10:00:00+02:00") == dt.datetime(2026, 9, 1, 8, tzinfo=UTC)
    assert parse_when(dt.datetime(2026, 9, 1, 8)) == dt.datetime(2026, 9, 1, 8, tzinfo=UTC)
    assert parse_when("") is None and parse_when(None) is None
    assert pick_token([], None) == (None, "the caller's account lists no API token")
    assert pick_token([token("a", "x")], "y")[0] is None
