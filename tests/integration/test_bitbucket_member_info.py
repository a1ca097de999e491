# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_member_info with real ansible-playbook against the simulator."""

from __future__ import annotations

from bitbucket_helpers import (
    account_id,
    examples_env,
    examples_playbook,
    explicit,
    oauth_access_token,
    playbook,
    report,
    workspace,
)

PLAYBOOK = playbook("bitbucket_member_info.yml")


def run(ansible_run, check=False, **extra_vars):
    result = ansible_run(PLAYBOOK, check=check, extra_vars=extra_vars)
    assert len(result.tasks) == 1, result.stdout + result.stderr
    return result.tasks[0]


def test_every_member_with_roles_in_one_request_per_100(sim, ansible_run):
    ws = workspace(sim)
    task = run(ansible_run)
    assert task["_status"] == "ok" and task["changed"] is False
    assert len(task["members"]) == len(ws.members) == 260
    roles = {m["account_id"]: m["workspace_permission"] for m in task["members"]}
    assert roles[account_id(sim, "owner@acme.example")] == "owner"
    assert roles[account_id(sim, "admin@acme.example")] == "collaborator"
    assert roles[account_id(sim, "dev001@acme.example")] == "member"
    assert all("email" not in m for m in task["members"])
    counts = report("member_info, all %d members" % len(ws.members), sim)
    assert counts == {"total": 3, "GET": 3} == task["api_calls"]


def test_every_member_with_effective_permissions(sim, ansible_run):
    ws = workspace(sim)
    task = run(ansible_run, include_permissions=True)
    dev001 = account_id(sim, "dev001@acme.example")
    member = next(m for m in task["members"] if m["account_id"] == dev001)
    expected = {slug: ws.effective(repo)[dev001] for slug, repo in ws.repos.items() if dev001 in ws.effective(repo)}
    assert member["repository_permissions"] == expected
    counts = report("member_info, all members + effective repository permissions", sim)
    assert counts["total"] == task["api_calls"]["total"]


def test_250_emails_resolved_in_batches_of_90(sim, ansible_run):
    emails = ["dev%03d@acme.example" % i for i in range(1, 251)] + ["nobody@acme.example"]
    task = run(ansible_run, emails=emails)
    assert task["_status"] == "ok"
    assert task["not_found"] == ["nobody@acme.example"]
    assert [m["email"] for m in task["members"]] == emails[:250]
    assert all(m["workspace_permission"] == "member" for m in task["members"])
    assert task["members"][0]["account_id"] == account_id(sim, "dev001@acme.example")
    counts = report("member_info, 251 emails (250 members)", sim)
    assert counts["total"] == task["api_calls"]["total"] == 3 + 3


def test_one_member_by_email_with_permissions_and_profile(sim, ansible_run):
    ws = workspace(sim)
    dev002 = account_id(sim, "dev002@acme.example")
    task = run(ansible_run, member="DEV002@acme.example", include_permissions=True, include_profile=True)
    member = task["member"]
    assert member["account_id"] == dev002 and member["email"] == "dev002@acme.example"
    assert member["workspace_permission"] == "member"
    assert member["repository_permissions"]["infra-core"] == ws.effective(ws.repo("infra-core"))[dev002]
    assert member["profile"]["account_id"] == dev002
    report("member_info, one member by email + permissions + profile", sim)


def test_unknown_member_is_reported_not_failed(sim, ansible_run):
    task = run(ansible_run, member="ghost@acme.example")
    assert task["_status"] == "ok"
    assert task["member"] is None and task["not_found"] == ["ghost@acme.example"]


def test_repository_permissions_and_whoami(sim, ansible_run):
    task = run(ansible_run, repository="infra-core", whoami=True)
    perms = task["repository_permissions"]
    assert {u["account_id"]: u["permission"] for u in perms["users"]} == explicit(sim, "infra-core")
    assert {g["slug"]: g["permission"] for g in perms["groups"]} == workspace(sim).repo("infra-core").group_perms
    assert task["current_user"]["account_id"] == account_id(sim, "admin@acme.example")
    assert "admin@acme.example" in task["current_user"]["emails"]
    assert task["members"] == []
    counts = report("member_info, repository + whoami", sim)
    assert counts["total"] == 4


def test_whoami_with_an_access_token_says_why_it_cannot(sim, ansible_run):
    task = run(ansible_run, bb_access_token="demo-workspace-access-token", whoami=True)
    assert task["_status"] == "failed"
    assert "access tokens are not user accounts" in task["msg"]
    assert [(e["method"], e["path"], e["status"]) for e in sim.log()] == [("GET", "/2.0/user", 401)]
    assert "demo-workspace-access-token" not in str(task)


def test_whoami_with_an_oauth_access_token(sim, ansible_run):
    token = oauth_access_token(sim)
    task = run(ansible_run, bb_access_token=token, whoami=True)
    assert task["_status"] == "ok", task.get("msg")
    assert task["current_user"]["account_id"] == account_id(sim, "admin@acme.example")
    assert token not in str(task)


def test_workspace_access_token_lists_members_and_resolves_emails_without_roles(sim, ansible_run):
    ws = workspace(sim)
    everyone = run(ansible_run, bb_access_token="demo-workspace-access-token")
    assert everyone["_status"] == "ok", everyone.get("msg")
    assert len(everyone["members"]) == len(ws.members)
    assert all(m["workspace_permission"] is None for m in everyone["members"])
    assert len([w for w in everyone["warnings"] if "workspace_permission is null" in w]) == 1
    counts = report("member_info, workspace access token, all %d members" % len(ws.members), sim)
    assert counts == everyone["api_calls"] == {"total": 4, "GET": 4}

    sim.clear_log()
    emails = ["dev001@acme.example", "dev002@acme.example", "nobody@acme.example"]
    looked_up = run(ansible_run, bb_access_token="demo-workspace-access-token", emails=emails)
    assert looked_up["_status"] == "ok", looked_up.get("msg")
    assert [(m["email"], m["account_id"], m["workspace_permission"]) for m in looked_up["members"]] == [
        (e, account_id(sim, e), None) for e in emails[:2]
    ]
    assert looked_up["not_found"] == ["nobody@acme.example"]
    counts = report("member_info, workspace access token, 3 emails", sim)
    assert counts == looked_up["api_calls"] == {"total": 2, "GET": 2}


def test_check_mode_reads_the_same_and_writes_nothing(sim, ansible_run):
    task = run(ansible_run, check=True, member="dev003@acme.example")
    assert task["_status"] == "ok" and task["member"]["account_id"] == account_id(sim, "dev003@acme.example")
    assert sim.writes() == []


def test_examples_run_against_the_simulator(sim, ansible_run):
    result = ansible_run(
        examples_playbook("bitbucket_member_info"),
        extra_vars={"bitbucket_api_token": "demo-admin-api-token"},
        env=examples_env(sim),
    )
    assert result.rc == 0, result.stdout + result.stderr
    assert [t["_status"] for t in result.tasks] == ["ok"] * len(result.tasks)
    assert len(result.tasks) == 8
    checked = result.task("Check two members' permissions on two repositories only (one round of requests)")
    # the example's account ids are not members of the simulator's workspace: reported, not failed, in two requests
    assert checked["members"] == [] and len(checked["not_found"]) == 2 and checked["api_calls"]["total"] == 2
    access = result.task("Effective permissions and explicit project permissions, without a request per repository")
    assert all(set(m["explicit_permissions"]) == {"projects"} and m["repository_permissions"] for m in access["members"])
    assert access["api_calls"]["total"] < sum(len(m["repository_permissions"]) for m in access["members"])
    assert result.task("Show the workspace owner's name")["msg"] == ["Olivia Owner"]
    assert result.task("Account ids by email, and who is unknown")["msg"]["unknown"] == ["nobody@acme.example"]
    assert sim.writes() == []
