# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The onboarding role's filters: account plan, did-you-mean, group refusals, grants of (failed) permission tasks,
plain-text summary lines."""

from __future__ import annotations

import re

from ansible_collections.accessops.atlassian.plugins.filter.onboarding_account_plan import onboarding_account_plan
from ansible_collections.accessops.atlassian.plugins.filter.onboarding_grants import onboarding_grants
from ansible_collections.accessops.atlassian.plugins.filter.onboarding_group_problems import onboarding_group_problems
from ansible_collections.accessops.atlassian.plugins.filter.onboarding_suggest import onboarding_suggest
from ansible_collections.accessops.atlassian.plugins.filter.onboarding_summary_line import onboarding_summary_line

USERS = [{"email": "Jane.Doe@acme.example"}, {"email": "john.doe@acme.example"}, {"email": None}, {"email": "x@y.z"}]


def test_account_plan():
    people = [
        {"email": "jane.doe@acme.example"},
        {"email": "jnae.doe@acme.example"},
        {"email": "new@acme.example", "create_account": True},
        {"email": "other@elsewhere.example", "create_account": True},
    ]
    assert onboarding_account_plan(people, USERS, use_scim=True) == {
        "jane.doe@acme.example": "existing",
        "jnae.doe@acme.example": "refused",
        "new@acme.example": "create",
        "other@elsewhere.example": "create",
    }
    plan = onboarding_account_plan(people, USERS, use_scim=True, create_accounts=True, allowed_domains=["@ACME.example"])
    assert plan["jnae.doe@acme.example"] == "create" and plan["other@elsewhere.example"] == "off-domain"
    # a person's own create_account wins over the role-wide value
    assert onboarding_account_plan(
        [{"email": "a@acme.example", "create_account": False}], [], use_scim=True, create_accounts=True
    ) == {"a@acme.example": "refused"}
    # without SCIM, only onboarding_invite makes an account
    assert onboarding_account_plan(people[1:2], USERS) == {"jnae.doe@acme.example": "refused"}
    assert onboarding_account_plan(people[1:2], USERS, invite=True) == {"jnae.doe@acme.example": "invite"}
    assert onboarding_account_plan(None, None) == {}


def test_suggest():
    assert onboarding_suggest("jnae.doe@acme.example", USERS)[0] == "Jane.Doe@acme.example"
    assert "john.doe@acme.example" not in onboarding_suggest("JOHN.DOE@acme.example", USERS)  # itself is no suggestion
    assert onboarding_suggest("zzz@nowhere.invalid", USERS) == []
    assert onboarding_suggest("jhon.doe@acme.example", ["john.doe@acme.example", "jane.doe@acme.example"], limit=1) == [
        "john.doe@acme.example"
    ]
    assert onboarding_suggest("", USERS) == [] and onboarding_suggest("a@b", None) == []


def test_group_problems():
    info = {
        "groups": [
            {"id": "g1", "name": "bitbucket-users-acme", "read_only_reason": None},
            {"id": "g2", "name": "okta-engineering", "read_only_reason": "synced from an identity provider"},
        ],
        "not_found": ["nope"],
    }
    assert onboarding_group_problems(info, ["bitbucket-users-acme", "OKTA-engineering", "nope", "g1"]) == [
        "cannot add the account to the group okta-engineering: synced from an identity provider",
        "no group nope in the organization directory",
    ]
    assert onboarding_group_problems({}, ["x"]) == []


def target(name, changed, failed=None, kind="repository"):
    return {kind: name, "changed": changed, "failed": failed or []}


def test_grants_targets_then_results_and_failed_tasks():
    ok = {
        "changed": True,
        "targets": [target("web-api", True), target("data-core", False)],
        "permissions": {"after": {"web-api": {"557058:1": "write"}, "data-core": {"557058:1": "write"}}},
        "api_calls": {"total": 4},
        "onboarding_level": "write",
    }
    failed = {
        "failed": True,
        "msg": "Failed on 1 of 2 repositories: ... Everything else was applied and is listed in targets; fix it.",
        "results": [target("mobile-core", True), target("web-coer", False, [{"operation": "grant", "message": "HTTP 404"}])],
        "api_calls": {"total": 3},
        "onboarding_level": "read",
    }
    skipped = {"skipped": True, "onboarding_level": "admin"}
    got = onboarding_grants([ok, failed, skipped], "repository")
    assert got["granted"] == {"web-api": "write", "mobile-core": "read"}
    assert got["held"] == {"web-api": "write", "data-core": "write"} and got["held_pairs"] == ["web-api=write", "data-core=write"]
    assert got["errors"] == ["repository web-coer: HTTP 404"]
    assert got["described"] == "read on mobile-core; write on web-api" and got["api_calls"] == 7
    # a failure with no per-target entry: the task message, without the sentence about what was applied
    bare = {"failed": True, "msg": "Unsupported parameters. Everything else was applied and is listed in results."}
    assert onboarding_grants([bare], "project")["errors"] == ["Unsupported parameters"]
    assert onboarding_grants([{"failed": True, "censored": "hidden"}], "project")["errors"] == [
        "failed (the details are hidden by onboarding_no_log)"
    ]
    # a looped task's results are loop items, not targets
    looped = {"results": [{"ansible_loop_var": "x", "repository": "a", "changed": True}], "onboarding_level": "read"}
    assert onboarding_grants([looped], "repository")["granted"] == {}


def test_summary_line_is_plain_text():
    person = {
        "email": "dev010@acme.example",
        "status": "incomplete",
        "actions": ["would grant on repositories: write on web-api", {"odd": True}],
        "errors": [
            "permissions: Failed on 1 of 2 repositories: web-coer (...). Everything else was applied and is listed in "
            "results; fix the cause and run the task again to complete it.",
            None,
        ],
    }
    line = onboarding_summary_line(person, check_mode=True)
    assert line.startswith("dev010@acme.example | incomplete | would grant on repositories: write on web-api; odd: yes")
    assert "Everything else" not in line and "errors: permissions: Failed on 1 of 2 repositories: web-coer (...)." in line
    assert not re.search(r"[{}\[\]]|\bTrue\b|\bNone\b", line), line
    assert "Everything else was applied" in onboarding_summary_line(person, check_mode=False)
    assert onboarding_summary_line({"email": "a@b", "status": "complete"}) == "a@b | complete | nothing to do"
    assert onboarding_summary_line(None) == "unknown | unknown | nothing to do"
