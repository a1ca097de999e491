# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_api_token_info and atlassian_api_token with real ansible-playbook runs against the simulator's
user-management API (served at its root, as admin_url; the demo seed's tokens, see tests/simulator/README.md)."""

from __future__ import annotations

import json

import yaml

from admin_task_helpers import ADMIN, admin, ok
from atlsim import demo
from bitbucket_helpers import account_id, module_examples, module_task, run_tasks

DEV001 = "dev001@acme.example"  # two tokens: ci-pipeline (used 2 days ago), laptop-cli (unused for 120 days)
DEV002 = "dev002@acme.example"  # one token
DEV003 = "dev003@acme.example"  # one token, never used
CONTRACTOR = "contractor@partner.example"  # holds a token, not managed by the organization (partner.example)
UNKNOWN = "557058:00000000-0000-4000-8000-00000000dead"


def tokens_of(sim, email):
    return sim.state.activity.token_list(account_id(sim, email))


def token_id(sim, email, label):
    return next(t["id"] for t in tokens_of(sim, email) if t["label"] == label)


def token_requests(log):
    return [(e["method"], e["path"]) for e in log if "/manage/api-tokens" in e["path"]]


def test_info_lists_managed_tokens_and_reports_the_others(sim, ansible_run, tmp_path):
    ids = [account_id(sim, DEV001), account_id(sim, CONTRACTOR), UNKNOWN]
    result, logs = run_tasks(sim, ansible_run, tmp_path, [admin("list", "atlassian_api_token_info", account_ids=ids)])
    found = ok(result, "list", changed=False)
    listed = tokens_of(sim, DEV001)
    expected = [
        {
            "account_id": ids[0],
            "id": t["id"],
            "label": t["label"],
            "created_at": t["createdAt"],
            "expires_at": t.get("expiry"),
            "last_access": t.get("lastAccess"),
        }
        for t in listed
    ]
    assert [t["label"] for t in expected] == ["ci-pipeline", "laptop-cli"]
    assert found["tokens"] == expected
    assert found["accounts"] == [
        {"account_id": ids[0], "managed": True, "reason": None, "tokens": expected},
        {
            "account_id": ids[1],
            "managed": False,
            "reason": "not managed by the organization (forbidden.action: managedAccount)",
            "tokens": [],
        },
        {"account_id": UNKNOWN, "managed": False, "reason": "account not found (accountNotFound)", "tokens": []},
    ]
    # one GET per account at the simulator's root (not under /admin), nothing else
    assert token_requests(logs["list"]) == [("GET", "/users/%s/manage/api-tokens" % i) for i in ids]
    assert len(logs["list"]) == found["api_calls"]["total"] == 3
    assert demo.ADMIN_API_KEY not in json.dumps(found)


def test_revoke_one_token_predicted_then_made_then_idempotent(sim, ansible_run, tmp_path):
    dev001 = account_id(sim, DEV001)
    laptop = token_id(sim, DEV001, "laptop-cli")
    others = {e: tokens_of(sim, e) for e in (DEV002, DEV003, CONTRACTOR)}

    def revoke(name, **keywords):
        return admin(name, "atlassian_api_token", account_id=dev001, token_ids=[laptop, "no-such-token"], **keywords)

    journal = tmp_path / "journal.jsonl"
    result, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [revoke("predict", check_mode=True, plan_journal=str(journal)), revoke("revoke"), revoke("again")],
        diff=True,
    )
    predicted, made, again = ok(result, "predict", True), ok(result, "revoke", True), ok(result, "again", False)
    assert token_requests(logs["predict"]) == [("GET", "/users/%s/manage/api-tokens" % dev001)]
    assert token_requests(logs["revoke"]) == [
        ("GET", "/users/%s/manage/api-tokens" % dev001),
        ("DELETE", "/users/%s/manage/api-tokens/%s" % (dev001, laptop)),
    ]
    assert predicted["changes"] == made["changes"] and predicted["revoked"] == made["revoked"]
    assert [t["label"] for t in made["revoked"]] == ["laptop-cli"] and made["not_found"] == ["no-such-token"]
    change = made["changes"][0]
    assert (change["kind"], change["action"], change["target"], change["subject"]["id"]) == (
        "api_token",
        "revoke_api_token",
        {"org": demo.ORG_ID, "account_id": dev001},
        laptop,
    )
    assert made["diff"]["after"]["api_tokens"] == ["%s (ci-pipeline)" % token_id(sim, DEV001, "ci-pipeline")]
    # only that token went: the other token of dev001 and everyone else's are still there
    assert [t["label"] for t in tokens_of(sim, DEV001)] == ["ci-pipeline"]
    assert {e: tokens_of(sim, e) for e in others} == others
    assert again["not_found"] == [laptop, "no-such-token"] and again["changes"] == []
    assert token_requests(logs["again"]) == [("GET", "/users/%s/manage/api-tokens" % dev001)]
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [(line["check_mode"], line["module"], line["item"]["subject"]["id"]) for line in lines] == [
        (True, "atlassian_api_token", laptop)
    ]


def test_revoke_all_and_an_account_not_managed(sim, ansible_run, tmp_path):
    contractor = tokens_of(sim, CONTRACTOR)
    result, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            admin("all", "atlassian_api_token", account_id=account_id(sim, DEV003), all=True),
            admin("partner", "atlassian_api_token", account_id=account_id(sim, CONTRACTOR), all=True),
        ],
    )
    assert [t["label"] for t in ok(result, "all", True)["revoked"]] == ["old-deploy-script"]
    assert tokens_of(sim, DEV003) == []
    partner = ok(result, "partner", False)
    assert partner["managed"] is False and partner["reason"].startswith("not managed by the organization")
    assert tokens_of(sim, CONTRACTOR) == contractor
    assert [m for m, _p in token_requests(logs["partner"])] == ["GET"]


def test_a_read_only_key_cannot_revoke(sim, ansible_run, tmp_path):
    before = tokens_of(sim, DEV002)
    readonly = dict(ADMIN, admin_api_key=demo.ADMIN_READONLY_API_KEY)
    task = module_task(
        "revoke", "atlassian_api_token", {"account_id": account_id(sim, DEV002), "all": True}, auth=readonly, ignore_errors=True
    )
    result, _logs = run_tasks(sim, ansible_run, tmp_path, [task])
    failed = result.task("revoke")
    assert failed["_status"] == "failed" and failed["status"] == 403 and failed["method"] == "DELETE"
    assert failed["changed"] is False and tokens_of(sim, DEV002) == before
    assert demo.ADMIN_READONLY_API_KEY not in json.dumps(failed)


def _examples(sim, ansible_run, module, **variables):
    play = [{"name": "EXAMPLES of %s" % module, "hosts": "localhost", "gather_facts": False, "tasks": module_examples(module)}]
    extra = {"org_id": demo.ORG_ID, "vault_admin_api_key": demo.ADMIN_API_KEY}
    extra.update(variables)
    result = ansible_run(yaml.safe_dump(play, sort_keys=False), extra_vars=extra, env={"ATLASSIAN_ADMIN_URL": sim.url})
    assert result.rc == 0, result.stdout + result.stderr
    assert result.tasks and all(task["_status"] == "ok" and not task.get("warnings") for task in result.tasks), result.stdout
    return result


def test_the_examples_run_as_they_are(sim, ansible_run):
    result = _examples(sim, ansible_run, "atlassian_api_token_info")
    dev042 = account_id(sim, "dev042@acme.example")
    listed = result.task("List the leaver's API tokens")
    assert [a["account_id"] for a in listed["accounts"]] == [dev042] and listed["accounts"][0]["managed"] is True
    assert listed["tokens"] == [dict(t, account_id=dev042) for t in listed["accounts"][0]["tokens"]]
    ci = token_id(sim, DEV001, "ci-pipeline")
    result = _examples(sim, ansible_run, "atlassian_api_token", leaver_account_id=account_id(sim, DEV001), token_id=ci)
    assert result.task("Revoke every API token of a leaver")["changed"] is True
    assert result.task("Say which were revoked, or why none could be")["msg"] == ["ci-pipeline", "laptop-cli"]
    again = result.task("Revoke one token by its id")
    assert again["changed"] is False and again["not_found"] == [ci]
    assert tokens_of(sim, DEV001) == [] and tokens_of(sim, DEV002) != []
