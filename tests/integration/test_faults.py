# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules under the simulator's faults, through real ansible-playbook.

Each test arms one fault knob, runs a task, and reads the simulator's request log: the retries
the client made, what was written, and that a second run finds nothing left to do. Backoff
sleeps for real here (full jitter, base 1 s), so each test arms only a few faults.
"""

from __future__ import annotations

import time

import pytest

GRANT = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: grant
      accessops.atlassian.bitbucket_repo_permission:
        api_url: "{{ sim_api_url }}"
        token_url: "{{ sim_token_url }}"
%(auth)s
        timeout: %(timeout)s
        max_retries: %(max_retries)s
        workspace: acme
        repositories: "{{ repos }}"
        user: dev020@acme.example
        permission: write
        concurrency: 1
"""

API_TOKEN = "        username: admin@acme.example\n        api_token: demo-admin-api-token"
OAUTH = "        client_id: demo-client-id\n        client_secret: demo-client-secret"


def grant(ansible_run, repos=("infra-core",), auth=API_TOKEN, timeout=10, max_retries=5):
    result = ansible_run(
        GRANT % {"auth": auth, "timeout": timeout, "max_retries": max_retries}, extra_vars={"repos": list(repos)}
    )
    assert len(result.tasks) == 1, result.stdout[-3000:] + result.stderr[-2000:]
    return result.tasks[0]


def statuses(sim, method=None):
    return [(e["method"], e["status"]) for e in sim.log() if method is None or e["method"] == method]


def assert_granted_and_settled(sim, ansible_run, repos=("infra-core",), auth=API_TOKEN):
    account = sim.state.accounts.get_by_email("dev020@acme.example")["account_id"]
    for repo in repos:
        assert sim.state.workspace("acme").repo(repo).user_perms.get(account) == "write"
    sim.clear_log()
    again = grant(ansible_run, repos, auth=auth)
    assert again["_status"] == "ok" and again["changed"] is False
    assert [e for e in sim.writes() if e["path"] != "/site/oauth2/access_token"] == []


@pytest.mark.parametrize(
    "knobs",
    [
        {"burst_429": 2},
        {"fail_next": [{"status": 503, "count": 2, "method": "GET", "path_prefix": "/2.0/repositories"}]},
        {"drop_next": {"count": 1, "method": "GET", "path_prefix": "/2.0/repositories"}},
    ],
    ids=["429-burst", "503-twice", "dropped-connection"],
)
def test_reads_are_retried_and_the_task_succeeds(sim, ansible_run, knobs):
    sim.faults(**knobs)
    result = grant(ansible_run)
    assert result["_status"] == "ok" and result["changed"] is True, result.get("msg")
    log = sim.log()
    faulted = [e for e in log if e.get("fault")]
    assert len(faulted) == 2 if "drop_next" not in knobs else len(faulted) == 1
    assert result["api_calls"]["total"] == len(log)
    assert_granted_and_settled(sim, ansible_run)


def test_a_lost_put_answer_is_retried_because_put_is_idempotent(sim, ansible_run):
    sim.faults(lose_write_answer_next={"count": 1, "method": "PUT", "path_prefix": "/2.0/repositories"})
    result = grant(ansible_run)
    assert result["_status"] == "ok" and result["changed"] is True, result.get("msg")
    puts = [e for e in sim.log() if e["method"] == "PUT"]
    assert len(puts) == 2 and puts[0]["fault"] and puts[1]["status"] == 200
    assert_granted_and_settled(sim, ansible_run)


def test_an_answer_slower_than_the_timeout_is_retried(sim, ansible_run):
    sim.faults(slow_next={"count": 1, "seconds": 3, "method": "GET", "path_prefix": "/2.0/repositories"})
    result = grant(ansible_run, timeout=1)
    assert result["_status"] == "ok" and result["changed"] is True, result.get("msg")
    # the slow answer is logged when the server finally sends it, after the client gave up on it
    deadline = time.monotonic() + 10
    while len(sim.log()) < result["api_calls"]["total"] and time.monotonic() < deadline:
        time.sleep(0.1)
    reads = [e for e in sim.log() if e["method"] == "GET" and e["path"].startswith("/2.0/repositories")]
    assert sorted(str(e["fault"]) for e in reads) == ["None", "slow_next"]
    assert result["api_calls"]["total"] == len(sim.log())
    assert_granted_and_settled(sim, ansible_run)


def test_retries_give_up_then_a_rerun_completes_the_job(sim, ansible_run):
    repos = ["infra-core", "infra-api", "web-core"]
    sim.faults(fail_next=[{"status": 502, "count": 2, "method": "PUT", "path_prefix": "/2.0/repositories/acme/infra-api/"}])
    result = grant(ansible_run, repos, max_retries=1)
    assert result["_status"] == "failed"
    by_repo = {r["repository"]: r for r in result["results"]}
    assert by_repo["infra-api"]["failed"][0]["status"] == 502
    assert by_repo["infra-core"]["added"] and by_repo["web-core"]["added"]
    assert result["failed_repositories"] == ["infra-api"]
    assert "infra-api" in result["msg"]
    rerun = grant(ansible_run, repos)
    assert rerun["_status"] == "ok" and rerun["changed"] is True
    assert [r["repository"] for r in rerun["results"] if r["added"]] == ["infra-api"]
    assert_granted_and_settled(sim, ansible_run, repos)


def test_an_expired_oauth_token_is_fetched_again_once(sim, ansible_run):
    # OAuth can read permissions but not change them: the grant is made with the API token, then an OAuth consumer
    # checks it (a task that changes nothing) across an expired token
    repos = ["infra-core", "infra-api"]
    first = grant(ansible_run, repos)
    assert first["_status"] == "ok" and first["changed"] is True
    warm = grant(ansible_run, repos[:1], auth=OAUTH)
    assert warm["_status"] == "ok" and warm["changed"] is False
    sim.clear_log()
    sim.faults(expire_tokens=True)  # tokens from the earlier run (and the next one's, once issued, are valid)
    result = grant(ansible_run, repos, auth=OAUTH)
    assert result["_status"] == "ok" and result["changed"] is False, result.get("msg")
    token_posts = [e for e in sim.log() if e["path"] == "/site/oauth2/access_token"]
    assert len(token_posts) == 1
    assert_granted_and_settled(sim, ansible_run, repos, auth=OAUTH)


def test_an_oauth_consumer_is_refused_before_any_permission_write(sim, ansible_run):
    result = grant(ansible_run, ["infra-core"], auth=OAUTH)
    assert result["_status"] == "failed"
    assert "only for HTTP Basic credentials" in result["msg"] and "api_token" in result["msg"]
    assert [e for e in sim.writes() if e["path"] != "/site/oauth2/access_token"] == []


def test_malformed_json_fails_clearly_and_writes_nothing(sim, ansible_run):
    sim.faults(malformed_json_next={"count": 1, "method": "GET", "path_prefix": "/2.0/workspaces/acme/members"})
    result = grant(ansible_run)
    assert result["_status"] == "failed"
    assert "not JSON" in result["msg"] or "not JSON" in repr(result["results"])
    assert sim.writes() == []
    assert result["api_calls"]["total"] == len(sim.log())
