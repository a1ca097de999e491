# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runbooks' credential check (issue 23, docs/credentials.md) through the onboarding playbook against the
simulator: a declared SCIM key expiry within atlassian_credential_warn_days warns at verbosity 0 and in the result; the
Bitbucket API token's expiry comes from the Admin API (the caller's token used most recently); an expired key stops the
run before any change. The same check in the offboarding (outcome, result, audit report; an expired key: no write),
the access review and workspace_access (their results, their api_calls)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from atlsim import demo
from role_helpers import writes
from test_role_access_review import review_result, run_review
from test_role_offboarding import offboard as offboard_run
from test_role_onboarding import account, onboard
from test_role_workspace_access import fact as workspace_access_fact
from test_role_workspace_access import run_mode as workspace_access

TEAM = [{"email": "dev001@acme.example", "repositories": [{"name": "web-api", "permission": "read"}]}]


def day(offset):
    return (dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=offset)).isoformat()  # noqa: UP017


def test_a_declared_scim_expiry_within_the_warning_period_warns(sim, ansible_run):
    soon = day(5)
    run, result, log = onboard(sim, ansible_run, TEAM, check=True, atlassian_scim_token_expires=soon)
    assert run.rc == 0, run.stdout[-3000:]
    warning = "the SCIM API key expires on %s, in 4 days (declared in atlassian_scim_token_expires)" % soon
    assert result["credentials"]["warnings"] and result["credentials"]["warnings"][0].startswith(warning)
    # at verbosity 0: the warning task and the summary
    assert "WARNING credentials: " + warning in run.stdout
    assert "credentials: " + warning in " ".join(
        msg for name, task in zip(run.names, run.tasks, strict=True) if name.endswith("summary per person") for msg in task["msg"]
    )
    assert result["api_calls"]["total"] == len(log)
    # a shorter warning period: no warning
    run, result, _log = onboard(
        sim, ansible_run, TEAM, check=True, atlassian_scim_token_expires=soon, atlassian_credential_warn_days=3
    )
    assert run.rc == 0 and result["credentials"]["warnings"] == [] and "WARNING credentials" not in run.stdout


def test_the_api_token_expiry_comes_from_the_admin_api(sim, ansible_run):
    """The caller (admin@acme.example, a managed account) holds two tokens: the one used most recently is this run's."""
    caller = account(sim, demo.ADMIN[0])
    now = dt.datetime.now(dt.timezone.utc)  # noqa: UP017
    tokens = sim.state.activity.tokens[caller]
    assert [t["label"] for t in tokens] == ["bitbucket-automation"]
    tokens[0]["expiry"] = expiry = now + dt.timedelta(days=6, hours=1)
    tokens.append(
        {
            "id": "old-laptop-token",
            "label": "old-laptop",
            "created": now - dt.timedelta(days=90),
            "expiry": now + dt.timedelta(days=1),
            "last_access": now - dt.timedelta(days=30),
        }
    )
    run, result, log = onboard(sim, ansible_run, TEAM, check=True)
    assert run.rc == 0, run.stdout[-3000:]
    (warning,) = result["credentials"]["warnings"]
    assert warning.startswith(
        "the Bitbucket API token expires on %s, in 6 days (the Admin API: token 'bitbucket-automation'" % expiry.date()
    )
    assert "WARNING credentials: " + warning in run.stdout
    record = result["credentials"]["credentials"][0]
    assert (record["source"], record["status"]) == ("api", "expiring")
    assert ("GET", "/users/%s/manage/api-tokens" % caller) in [(e["method"], e["path"]) for e in log]


def test_an_expired_key_stops_the_run_before_any_change(sim, ansible_run):
    run, result, log = onboard(sim, ansible_run, TEAM, atlassian_admin_api_key_expires=day(0))
    assert run.rc == 2 and result is None
    assert run.names[-1].endswith("Stop when a key has expired"), run.names[-3:]
    assert (
        "onboarding stopped before any change - an expired key: the organization Admin API key expired on %s" % day(0)
        in (run.tasks[-1]["msg"])
    )
    # only the credential reads were sent: no look-up, no write
    assert writes(log) == [] and not any(e["path"].endswith("/users/search") for e in log)


# --- the other runbooks (offboarding, access_review, workspace_access): the same check, in their results -------------


def scim_warning(soon):
    return "the SCIM API key expires on %s, in 4 days (declared in atlassian_scim_token_expires)" % soon


def test_offboarding_warns_in_the_outcome_the_result_and_the_audit_report(sim, ansible_run, tmp_path):
    soon = day(5)
    run, result, log = offboard_run(
        sim, ansible_run, tmp_path, ["dev003@acme.example"], check=True, atlassian_scim_token_expires=soon
    )
    assert run.rc == 0, run.stdout[-3000:]
    warning = scim_warning(soon)
    (found,) = result["credentials"]["warnings"]
    assert found.startswith(warning)
    assert "WARNING credentials: " + warning in run.stdout
    # the credential check's requests (the caller's API tokens) are counted: the total is the request log
    assert result["api_calls"]["credentials"] >= 1 and result["api_calls"]["total"] == len(log)
    assert ("GET", "/users/%s/manage/api-tokens" % account(sim, demo.ADMIN[0])) in [(e["method"], e["path"]) for e in log]
    outcome = [
        task
        for name, task in zip(run.names, run.tasks, strict=True)
        if name.endswith("Fail when anyone was left incomplete (or kept residual access, with offboarding_fail_on_residual)")
    ]
    assert outcome and "WARNING credentials: " + warning in outcome[0]["msg"]
    lines = [
        task for name, task in zip(run.names, run.tasks, strict=True) if name.endswith("Show the outcome, one line per person")
    ]
    assert "credentials: " + found in lines[0]["msg"]
    markdown = Path(result["reports"]["markdown"]).read_text(encoding="utf-8")
    assert "## Credentials of this run" in markdown and "- **Warning**: " + found in markdown
    assert json.loads(Path(result["reports"]["json"]).read_text(encoding="utf-8"))["credentials"]["warnings"] == [found]


def test_an_expired_key_stops_offboarding_before_any_write(sim, ansible_run, tmp_path):
    dev003 = account(sim, "dev003@acme.example")
    tokens_before = sim.state.activity.token_list(dev003)
    assert tokens_before  # the offboarding would revoke it
    run, result, log = offboard_run(sim, ansible_run, tmp_path, ["dev003@acme.example"], atlassian_admin_api_key_expires=day(-2))
    assert run.rc == 2 and result is None
    assert run.names[-1].endswith("Stop when a key has expired"), run.names[-3:]
    assert (
        "offboarding stopped before any change - an expired key: the organization Admin API key expired on %s" % day(-2)
        in run.tasks[-1]["msg"]
    )
    assert log and writes(log) == []  # the reads of step 1 and the credential check only
    assert sim.state.activity.token_list(dev003) == tokens_before
    assert sim.state.workspace("acme").member(dev003) is not None
    assert not (tmp_path / "reports").exists()  # no audit report: nothing was done


def test_access_review_warns_and_counts_the_check_in_its_calls(sim, ansible_run, tmp_path):
    soon = day(5)
    sim.clear_log()
    run = run_review(ansible_run, sim, tmp_path / "reports", access_review_formats=["json"], atlassian_scim_token_expires=soon)
    review = review_result(run)
    warning = scim_warning(soon)
    (found,) = review["credentials"]["warnings"]
    assert found.startswith(warning) and "WARNING credentials: " + warning in run.stdout
    assert review["api_calls"]["credentials"] >= 1 and review["api_calls"]["total"] == len(sim.log())
    shown = run.task("accessops.atlassian.access_review : Show the credential warnings (docs/credentials.md)")
    assert shown["msg"] == ["credentials: " + found]
    # without a declared date within the period: no warning
    run = run_review(ansible_run, sim, tmp_path / "reports", access_review_formats=["json"], atlassian_scim_token_expires=day(60))
    assert review_result(run)["credentials"]["warnings"] == [] and "WARNING credentials" not in run.stdout


def test_workspace_access_warns_before_gather_and_plan(sim, ansible_run, tmp_path):
    soon = day(5)
    warning = scim_warning(soon)
    declared = tmp_path / "workspace-access.yml"
    run, log = workspace_access(sim, ansible_run, tmp_path, "gather", declared, atlassian_scim_token_expires=soon)
    assert run.rc == 0, run.stdout[-3000:]
    result = workspace_access_fact(run, "workspace_access_result")
    (found,) = result["credentials"]["warnings"]
    assert found.startswith(warning) and "WARNING credentials: " + warning in run.stdout
    assert result["api_calls"]["credentials"] >= 1 and result["api_calls"]["total"] == len(log)
    assert declared.is_file() and writes(log) == []
    run, log = workspace_access(sim, ansible_run, tmp_path, "plan", declared, atlassian_scim_token_expires=soon)
    assert run.rc == 0, run.stdout[-3000:]
    result = workspace_access_fact(run, "workspace_access_result")
    assert result["credentials"]["warnings"] == [found] and "WARNING credentials: " + warning in run.stdout
    # an expired key: the plan is not made
    run, log = workspace_access(sim, ansible_run, tmp_path, "plan", declared, atlassian_scim_token_expires=day(0))
    assert run.rc == 2 and run.names[-1].endswith("Stop when a key has expired"), run.names[-3:]
    assert "workspace_access stopped before any change - an expired key: the SCIM API key expired" in run.tasks[-1]["msg"]
    assert writes(log) == [] and not any(e["path"].startswith("/2.0/repositories/") for e in log)
