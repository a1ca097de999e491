# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_repo_permission with real ansible-playbook against the simulator."""

from __future__ import annotations

from urllib.parse import unquote_plus

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

PLAYBOOK = playbook("bitbucket_repo_permission.yml")
REPOS = ["infra-core", "infra-api", "web-core"]
TEAM = [
    {"user": "dev010@acme.example", "permission": "write"},
    {"user": "dev011@acme.example", "permission": "read"},
    {"user": "dev002@acme.example", "state": "absent"},
]


def run_playbook(ansible_run, check=False, diff=False, **extra_vars):
    """The whole run (stdout included)."""
    result = ansible_run(PLAYBOOK, check=check, diff=diff, extra_vars=extra_vars)
    assert len(result.tasks) == 1, result.stdout + result.stderr
    return result


def run(ansible_run, check=False, diff=False, **extra_vars):
    """The result of the module task."""
    return run_playbook(ansible_run, check=check, diff=diff, **extra_vars).tasks[0]


def test_first_run_changes_second_run_does_not(sim, ansible_run):
    dev010, dev011, dev002 = (account_id(sim, u["user"]) for u in TEAM)
    first = run(ansible_run, repositories=REPOS, users=TEAM)
    assert first["_status"] == "ok" and first["changed"] is True
    writes = sim.writes()
    assert sorted((w["method"], w["path"].rsplit("/", 4)[1]) for w in writes) == sorted(
        [("PUT", repo) for repo in REPOS] * 2 + [("DELETE", "infra-core")]
    )
    for repo in REPOS:
        assert explicit(sim, repo)[dev010] == "write" and explicit(sim, repo)[dev011] == "read"
        assert dev002 not in explicit(sim, repo)
    assert first["api_calls"]["total"] == len(sim.log())
    report("repo_permission, 3 users (emails) x 3 repositories, first run", sim)

    sim.clear_log()
    second = run(ansible_run, repositories=REPOS, users=TEAM)
    assert second["_status"] == "ok" and second["changed"] is False
    assert sim.writes() == []
    assert second["diff"] == []
    assert all(r["unchanged"] == sorted([dev010, dev011]) for r in second["results"])
    assert second["api_calls"]["total"] == len(sim.log())
    report("repo_permission, 3 users (emails) x 3 repositories, second run (no change)", sim)


def test_check_mode_predicts_exactly_what_the_real_run_does(sim, ansible_run):
    users = TEAM + [{"user": "dev001@acme.example", "permission": "admin"}]
    predicted = run(ansible_run, check=True, diff=True, repositories=REPOS, users=users, concurrency=2)
    assert predicted["changed"] is True
    assert sim.writes() == []
    before = {repo: explicit(sim, repo) for repo in REPOS}
    assert {r: predicted["permissions"]["before"][r] for r in REPOS} == {
        r: {k: v for k, v in before[r].items() if k in predicted["users"]} for r in REPOS
    }

    sim.clear_log()
    real = run(ansible_run, diff=True, repositories=REPOS, users=users, concurrency=2)
    assert real["changed"] is True
    assert real["diff"] == predicted["diff"]
    assert real["results"] == predicted["results"]
    assert real["permissions"] == predicted["permissions"]
    for repo in REPOS:
        managed = {k: v for k, v in explicit(sim, repo).items() if k in real["users"]}
        assert managed == real["permissions"]["after"][repo]
    report("repo_permission, 4 users x 3 repositories, real run after check mode", sim)


def test_diff_output_names_the_repository_and_the_people(sim, ansible_run):
    dev010 = account_id(sim, "dev010@acme.example")
    dev002 = account_id(sim, "dev002@acme.example")
    result = run_playbook(ansible_run, diff=True, repository="infra-core", users=TEAM)
    task = result.tasks[0]
    assert task["changed"] is True
    out = result.stdout
    assert "--- before: acme/infra-core" in out and "+++ after: acme/infra-core" in out
    name010 = sim.state.accounts.get_by_email("dev010@acme.example")["display_name"]
    name002 = sim.state.accounts.get_by_email("dev002@acme.example")["display_name"]
    assert '+"%s": write  # %s <dev010@acme.example>' % (dev010, name010) in out
    assert '-"%s": read  # %s <dev002@acme.example>' % (dev002, name002) in out


def test_exclusive_removes_everyone_else_but_the_exempt(sim, ansible_run):
    dev001, dev002, dev003 = (account_id(sim, "dev00%d@acme.example" % i) for i in (1, 2, 3))
    assert explicit(sim, "infra-core") == {dev001: "write", dev002: "read", dev003: "admin"}
    task = run(
        ansible_run,
        repository="infra-core",
        exclusive=True,
        exempt=["dev003@acme.example"],
        users=[{"user": "dev001@acme.example", "permission": "write"}],
    )
    assert task["changed"] is True
    assert explicit(sim, "infra-core") == {dev001: "write", dev003: "admin"}
    assert task["results"][0]["removed"] == [dev002]
    assert task["results"][0]["protected"] == [dev003]
    assert [w["method"] for w in sim.writes()] == ["DELETE"]


def test_plan_limit_fails_some_writes_and_a_rerun_completes_the_job(sim, ansible_run):
    ws = workspace(sim)
    access = ws.users_with_access()
    newcomer = next(a for a in ws.members if a not in access and not ws.is_owner(a))
    regular = account_id(sim, "dev010@acme.example")
    assert regular in access
    ws.plan_user_limit = len(access)
    users = [{"user": newcomer, "permission": "read"}, {"user": regular, "permission": "write"}]
    first = run(ansible_run, repositories=["infra-api", "web-core"], users=users, concurrency=1)
    assert first["_status"] == "failed"
    assert first["changed"] is True
    assert first["failed_repositories"] == ["infra-api", "web-core"]
    for repo_result in first["results"]:
        assert repo_result["added"] == [regular]
        assert [(f["user"], f["operation"], f["status"]) for f in repo_result["failed"]] == [(newcomer, "grant", 402)]
    assert "plan" in first["msg"] and "run the task again" in first["msg"]
    assert newcomer not in explicit(sim, "infra-api")

    ws.plan_user_limit = len(access) + 1
    sim.clear_log()
    second = run(ansible_run, repositories=["infra-api", "web-core"], users=users, concurrency=1)
    assert second["_status"] == "ok" and second["changed"] is True
    assert [(w["method"], w["path"].rsplit("/", 1)[1]) for w in sim.writes()] == [("PUT", newcomer)] * 2
    assert all(r["added"] == [newcomer] and r["unchanged"] == [regular] for r in second["results"])


def test_access_tokens_fail_with_a_clear_message(sim, ansible_run):
    task = run(
        ansible_run,
        bb_access_token="demo-workspace-access-token",
        repositories=["infra-core", "web-core"],
        concurrency=1,
        users=[{"user": "557058:0000", "permission": "read"}, {"user": "557058:0001", "permission": "read"}],
    )
    assert task["_status"] == "failed"
    assert "access tokens cannot query or change permissions" in task["msg"]
    assert task["results"][1]["failed"][0]["message"].startswith("not attempted")
    assert sim.writes() == []
    assert len(sim.log()) == 1
    assert "demo-workspace-access-token" not in str(task)


def test_an_oauth_access_token_reads_but_is_refused_before_any_permission_write(sim, ansible_run):
    me = account_id(sim, "admin@acme.example")
    dev010 = account_id(sim, "dev010@acme.example")
    team = [{"user": me, "permission": "admin"}, {"user": dev010, "permission": "admin"}]
    granted = run(ansible_run, repository="infra-api", users=team)
    assert granted["_status"] == "ok", granted.get("msg")
    token = oauth_access_token(sim)
    unchanged = run(ansible_run, bb_access_token=token, repository="infra-api", users=team)
    assert unchanged["_status"] == "ok" and unchanged["changed"] is False, unchanged.get("msg")
    sim.clear_log()
    refused = run(ansible_run, bb_access_token=token, repository="infra-api", exclusive=True, users=[])
    assert refused["_status"] == "failed"
    assert "only for HTTP Basic credentials" in refused["msg"] and "username" in refused["msg"]
    assert sim.writes() == [] and explicit(sim, "infra-api") == {me: "admin", dev010: "admin"}
    assert token not in str(refused)

    own = run(ansible_run, bb_access_token=token, repository="infra-api", user=me, state="absent")
    assert own["_status"] == "failed"
    assert "your own admin permission" in own["msg"]
    assert explicit(sim, "infra-api") == {me: "admin", dev010: "admin"}


def test_a_mistyped_exempt_address_changes_nothing(sim, ansible_run):
    before = explicit(sim, "infra-core")
    task = run(ansible_run, repository="infra-core", exclusive=True, users=[], exempt=["dev003@acme.exmaple"])
    assert task["_status"] == "failed"
    assert "Cannot exempt dev003@acme.exmaple" in task["msg"]
    assert sim.writes() == []
    assert explicit(sim, "infra-core") == before
    assert [e["path"] for e in sim.log()] == ["/2.0/workspaces/acme/members"]


def test_uuids_are_resolved_in_one_request(sim, ansible_run):
    uuids = [sim.state.accounts.get_by_email("dev%03d@acme.example" % i)["uuid"] for i in (10, 11, 12)]
    task = run(ansible_run, repository="infra-api", users=[{"user": u, "permission": "read"} for u in uuids])
    assert task["_status"] == "ok", task.get("msg")
    lookups = [e for e in sim.log() if "user.uuid" in unquote_plus(e["query"] or "")]
    assert [e["path"] for e in lookups] == ["/2.0/workspaces/acme/permissions"]  # one filtered read, no /members filter
    report("repo_permission, 3 users by uuid, one repository", sim)


def test_oauth_consumer_with_parallel_workers_fetches_one_token(sim, ansible_run):
    repos = list(workspace(sim).repos)[:6]
    granted = run(ansible_run, repositories=repos, concurrency=3, users=TEAM)
    assert granted["_status"] == "ok" and granted["changed"] is True
    sim.clear_log()
    # OAuth reads permissions (it cannot change them): the same task again, with nothing left to do
    task = run(
        ansible_run,
        bb_client_id="demo-client-id",
        bb_client_secret="demo-client-secret",
        repositories=repos,
        concurrency=3,
        users=TEAM,
    )
    assert task["_status"] == "ok" and task["changed"] is False, task.get("msg")
    token_requests = [e for e in sim.log() if e["path"].endswith("/access_token")]
    assert len(token_requests) == 1
    assert task["api_calls"]["POST"] == 1
    assert task["api_calls"]["total"] == len(sim.log())
    assert "demo-client-secret" not in str(task)
    report("repo_permission, OAuth consumer, 3 users x 6 repositories, concurrency 3", sim)


def test_granting_to_the_owner_is_refused_before_any_write(sim, ansible_run):
    task = run(
        ansible_run,
        repositories=["infra-api", "web-core"],
        users=[{"user": "dev010@acme.example", "permission": "read"}, {"user": "owner@acme.example", "permission": "admin"}],
    )
    assert task["_status"] == "failed"
    assert "owner of workspace acme" in task["msg"]
    assert sim.writes() == []


def test_my_own_admin_is_never_removed(sim, ansible_run):
    me = account_id(sim, "admin@acme.example")
    granted = run(ansible_run, repository="infra-api", user="admin@acme.example", permission="admin")
    assert granted["changed"] is True and explicit(sim, "infra-api")[me] == "admin"

    sim.clear_log()
    refused = run(ansible_run, repository="infra-api", user="admin@acme.example", state="absent")
    assert refused["_status"] == "failed"
    assert "your own admin permission" in refused["msg"]
    assert sim.writes() == []

    kept = run(ansible_run, repository="infra-api", exclusive=True, users=[])
    assert kept["_status"] == "ok"
    assert kept["results"][0]["protected"] == [me]
    assert explicit(sim, "infra-api") == {me: "admin"}


def test_missing_repository_fails_only_that_repository(sim, ansible_run):
    task = run(ansible_run, repositories=["infra-api", "no-such-repo"], user="dev010@acme.example", permission="read")
    assert task["_status"] == "failed"
    assert task["failed_repositories"] == ["no-such-repo"]
    assert task["results"][0]["added"] == [account_id(sim, "dev010@acme.example")]
    assert task["results"][1]["failed"][0]["status"] == 404


def test_examples_run_against_the_simulator(sim, ansible_run):
    result = ansible_run(
        examples_playbook("bitbucket_repo_permission"),
        extra_vars={"bitbucket_api_token": "demo-admin-api-token"},
        env=examples_env(sim),
    )
    assert result.rc == 0, result.stdout + result.stderr
    assert [t["_status"] for t in result.tasks] == ["ok"] * len(result.tasks)
    assert len(result.tasks) == 7
    assert result.tasks[-1]["stale"] == [] and len(result.tasks[-1]["changes"]) == 2
    assert sim.state.workspace("acme").repo("infra-api").group_perms.get("developers") == "write"
    dev003 = account_id(sim, "dev003@acme.example")
    assert explicit(sim, "infra-api")[dev003] == "admin"
    assert explicit(sim, "infra-api")[account_id(sim, "dev004@acme.example")] == "write"  # the compare-and-set example
    allowed = {dev003, account_id(sim, "dev004@acme.example"), account_id(sim, "dev010@acme.example")}
    assert set(explicit(sim, "platform-core")) <= allowed


def test_call_counts_of_the_main_paths(sim, ansible_run):
    """Measured, printed; asserted only against the module's own count."""
    figures = {}
    for label, extra in (
        (
            "one user by account id, one repository, new grant",
            {"repository": "infra-api", "user": account_id(sim, "dev020@acme.example"), "permission": "read"},
        ),
        (
            "same again (no change)",
            {"repository": "infra-api", "user": account_id(sim, "dev020@acme.example"), "permission": "read"},
        ),
        (
            "one user by account id, one repository, removal of a missing permission",
            {"repository": "infra-api", "user": account_id(sim, "dev021@acme.example"), "state": "absent"},
        ),
        ("3 users by email x 10 repositories, concurrency 4", {"repositories": list(workspace(sim).repos)[:10], "users": TEAM}),
        (
            "exclusive, 1 user x 10 repositories",
            {
                "repositories": list(workspace(sim).repos)[10:20],
                "exclusive": True,
                "users": [{"user": "dev010@acme.example", "permission": "read"}],
            },
        ),
    ):
        sim.clear_log()
        task = run(ansible_run, **extra)
        assert task["_status"] == "ok", task.get("msg")
        figures[label] = report("repo_permission, " + label, sim)
        assert task["api_calls"]["total"] == figures[label]["total"]


def test_expect_writes_where_it_holds_and_reports_the_stale_repository(sim, ansible_run):
    dev002 = account_id(sim, "dev002@acme.example")
    assert explicit(sim, "infra-core")[dev002] == "read" and dev002 not in explicit(sim, "infra-api")
    users = [{"user": "dev002@acme.example", "permission": "write", "expect": "read"}]
    predicted = run(ansible_run, check=True, repositories=["infra-core", "infra-api"], users=users)
    assert sim.writes() == []
    task = run(ansible_run, repositories=["infra-core", "infra-api"], users=users)
    assert task["_status"] == "ok" and task["changed"] is True, task.get("msg")
    assert [(w["method"], w["path"].rsplit("/", 4)[1]) for w in sim.writes()] == [("PUT", "infra-core")]
    assert explicit(sim, "infra-core")[dev002] == "write" and dev002 not in explicit(sim, "infra-api")
    stale = [{"repository": "infra-api", "user": dev002, "expected": "read", "found": None}]
    assert task["stale"] == predicted["stale"] == stale
    assert task["targets"][1]["stale"] == stale and task["targets"][1]["failed"] == []
    change = {
        "api": "bitbucket",
        "kind": "repository_permission",
        "action": "change",
        "target": {"workspace": "acme", "repository": "infra-core"},
        "subject": {"type": "user", "account_id": dev002},
        "before": "read",
        "after": "write",
    }
    assert task["changes"] == predicted["changes"] == [change]
