# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding revokes the leavers' API tokens (issue 23), through the collection playbook against the simulator.

The tokens revoked are read from the simulator's request log (DELETE /users/{id}/manage/api-tokens/{tokenId}) and from
its state afterwards (the other accounts' tokens are still listed); the audit report is parsed from the files the role
wrote. A leaver the organization does not manage (the contractor, partner.example: not a verified domain) is reported,
not failed. The plan / apply modes carry one revoke_api_token item per token.
"""

from __future__ import annotations

import json
from pathlib import Path

from atlsim import demo
from role_helpers import environment, writes

PLAYBOOK = "- ansible.builtin.import_playbook: accessops.atlassian.offboarding\n"
DEV001 = "dev001@acme.example"  # tokens ci-pipeline and laptop-cli (unused for 120 days)
DEV002 = "dev002@acme.example"  # token jira-sync
CONTRACTOR = "contractor@partner.example"  # token partner-sync; partner.example is not a verified domain


def account(sim, email):
    return sim.state.accounts.get_by_email(email)["account_id"]


def tokens(sim, email):
    return sim.state.activity.token_list(account(sim, email))


def every_token(sim):
    """{account id: [token ids]} of every account of the simulator that holds a token."""
    found = {}
    for account_id in sim.state.accounts.by_id:
        listed = sim.state.activity.token_list(account_id)
        if listed:
            found[account_id] = sorted(t["id"] for t in listed)
    return found


def fact(run, name):
    found = None
    for task in run.tasks:
        found = task.get("ansible_facts", {}).get(name, found)
    return found


def offboard(sim, ansible_run, tmp_path, people, check=False, **variables):
    sim.clear_log()
    extra = dict(
        offboarding_workspace="acme", offboarding_people=people, offboarding_report_dir=str(tmp_path / "reports"), **variables
    )
    run = ansible_run(PLAYBOOK, check=check, extra_vars=extra, env=environment(sim))
    return run, fact(run, "offboarding_result"), sim.log()


def token_deletes(log):
    return sorted(w for w in writes(log) if "/manage/api-tokens/" in w[1])


def make_member(sim, email):
    """Make the account a plain member of workspace acme (the demo seed has no member the organization does not manage)."""
    sim.state.workspace("acme").members[account(sim, email)] = {"role": "member", "admin": False}


def test_offboarding_revokes_only_the_leavers_tokens_and_reports_them(sim, ansible_run, tmp_path):
    make_member(sim, CONTRACTOR)
    dev001 = account(sim, DEV001)
    before = every_token(sim)
    mine = before[dev001]
    assert len(mine) == 2 and account(sim, DEV002) in before and account(sim, CONTRACTOR) in before

    check, predicted, check_log = offboard(sim, ansible_run, tmp_path, [DEV001, CONTRACTOR], check=True)
    assert check.rc == 0, check.stdout[-3000:]
    assert writes(check_log) == [] and every_token(sim) == before
    planned = {p["input"]: p["actions"]["api_tokens"] for p in predicted["people"]}
    assert sorted(t["id"] for t in planned[DEV001]["tokens"]) == mine
    assert {t["status"] for t in planned[DEV001]["tokens"]} == {"planned"}

    run, result, log = offboard(sim, ansible_run, tmp_path, [DEV001, CONTRACTOR])
    assert run.rc == 0, run.stdout[-3000:]
    assert token_deletes(log) == sorted(("DELETE", "/users/%s/manage/api-tokens/%s" % (dev001, t)) for t in mine)
    assert tokens(sim, DEV001) == []
    # every other account keeps its tokens, the contractor's included (not managed: never revoked)
    assert every_token(sim) == {k: v for k, v in before.items() if k != dev001}
    assert result["api_calls"]["total"] == len(log)

    people = {p["input"]: p for p in result["people"]}
    revoked = people[DEV001]["actions"]["api_tokens"]
    assert revoked["managed"] is True
    by_label = {t["label"]: t for t in revoked["tokens"]}
    assert sorted(by_label) == ["ci-pipeline", "laptop-cli"]
    assert {t["status"] for t in revoked["tokens"]} == {"revoked"}
    assert by_label["laptop-cli"]["last_access"] and by_label["ci-pipeline"]["expires_at"]
    contractor = people[CONTRACTOR]
    assert contractor["complete"] is True and contractor["actions"]["api_tokens"]["managed"] is False
    assert result["api_tokens_not_managed"] == [CONTRACTOR]

    data = json.loads(Path(result["reports"]["json"]).read_text(encoding="utf-8"))
    assert data["people"][0]["actions"]["api_tokens"] == revoked
    markdown = Path(result["reports"]["markdown"]).read_text(encoding="utf-8")
    for token in revoked["tokens"]:
        assert "| %s | %s | %s |" % (token["label"], token["id"], token["created_at"]) in markdown
    assert markdown.count("| revoked |") == 2
    assert "API tokens: **not managed by the organization**" in markdown

    again, second, again_log = offboard(sim, ansible_run, tmp_path, [DEV001])
    assert again.rc == 0 and token_deletes(again_log) == []
    assert second["people"][0]["actions"]["api_tokens"]["detail"] == "no API token"


def test_tokens_are_kept_when_not_asked(sim, ansible_run, tmp_path):
    before = every_token(sim)
    run, result, log = offboard(sim, ansible_run, tmp_path, [DEV001], offboarding_revoke_api_tokens=False)
    assert run.rc == 0, run.stdout[-3000:]
    assert token_deletes(log) == [] and every_token(sim) == before
    # not even read: the only token listing is the caller's own, by the credential check (docs/credentials.md)
    assert [e["path"] for e in log if "/manage/api-tokens" in e["path"]] == [
        "/users/%s/manage/api-tokens" % account(sim, demo.ADMIN[0])
    ]
    assert result["people"][0]["actions"]["api_tokens"]["detail"] == "not requested (offboarding_revoke_api_tokens=false)"


def test_plan_lists_one_item_per_token_and_apply_revokes_exactly_them(sim, ansible_run, tmp_path):
    make_member(sim, CONTRACTOR)
    dev001 = account(sim, DEV001)
    mine = [t["id"] for t in tokens(sim, DEV001)]
    plan_run, result, plan_log = offboard(sim, ansible_run, tmp_path, [DEV001, CONTRACTOR], offboarding_mode="plan")
    assert plan_run.rc == 0, plan_run.stdout[-3000:]
    assert writes(plan_log) == []
    plan = json.loads(Path(result["plan"]["json"]).read_text(encoding="utf-8"))["accessops_plan"]
    token_items = [i for i in plan["items"] if i["kind"] == "api_token"]
    assert sorted(i["key"] for i in token_items) == sorted("admin:api_token:account:%s:token:%s" % (dev001, t) for t in mine)
    assert {i["action"] for i in token_items} == {"revoke_api_token"}
    assert {i["target"]["display"] for i in token_items} == {DEV001}
    assert all(set(i["before"]) == {"label", "created_at", "expires_at", "last_access"} for i in token_items)
    refused = plan["summary"]["refused"]
    assert any(line.startswith(CONTRACTOR + ": API tokens not revoked: the account is not managed") for line in refused)
    markdown = Path(result["plan"]["markdown"]).read_text(encoding="utf-8")
    assert 'API token "laptop-cli"' in markdown

    # one token revoked by hand between the plan and the apply: already, not a failure
    gone = mine[0]
    assert sim.state.activity.revoke(dev001, gone)
    sim.clear_log()
    applied = ansible_run(
        PLAYBOOK,
        extra_vars={
            "offboarding_workspace": "acme",
            "offboarding_mode": "apply",
            "offboarding_report_dir": str(tmp_path / "reports"),
            "accessops_plan": plan,
        },
        env=environment(sim),
    )
    assert applied.rc == 0, applied.stdout[-3000:]
    outcome = fact(applied, "offboarding_result")
    assert token_deletes(sim.log()) == [("DELETE", "/users/%s/manage/api-tokens/%s" % (dev001, t)) for t in mine[1:]]
    assert [i["key"] for i in outcome["already"] if i["kind"] == "api_token"] == [
        "admin:api_token:account:%s:token:%s" % (dev001, gone)
    ]
    assert tokens(sim, DEV001) == [] and tokens(sim, CONTRACTOR) != []
