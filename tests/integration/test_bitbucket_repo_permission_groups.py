# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_repo_permission with group permissions (and users beside them), real ansible-playbook against the simulator.

Several tasks share one ansible-playbook run where a test needs them in sequence; ``TaskLogs`` gives each task its own
request log, so "the second run makes no write" is read from the simulator, not from the module's own account.
"""

from __future__ import annotations

from bitbucket_helpers import (
    account_id,
    explicit,
    group_perms,
    module_task,
    permission_write,
    predict_then_apply,
    report_log,
    run_tasks,
    workspace,
    writes_in,
)

MODULE = "bitbucket_repo_permission"
REPOS = ["infra-api", "platform-api", "web-core"]
GROUPS = [
    {"group": "developers", "permission": "write"},
    {"group": "auditors", "state": "absent"},
    {"group": "contractors", "permission": "read"},
]


def twenty_repositories(sim):
    """The 14 INFRA and 6 WEB repositories of the demo seed: users and groups with every level, admins among them."""
    ws = workspace(sim)
    infra = [slug for slug, repo in ws.repos.items() if repo.project_key == "INFRA"]
    web = [slug for slug, repo in ws.repos.items() if repo.project_key == "WEB"]
    chosen = infra + web[: 20 - len(infra)]
    assert len(chosen) == 20 and len(infra) == 14
    return chosen


def task(name, **options):
    return module_task(name, MODULE, dict(workspace="acme", **options))


def test_groups_first_run_changes_second_run_does_not(sim, ansible_run, tmp_path):
    users_before = {repo: explicit(sim, repo) for repo in REPOS}
    tasks = [task(name, repositories=REPOS, groups=GROUPS) for name in ("first", "second")]
    result, logs = run_tasks(sim, ansible_run, tmp_path, tasks)
    first, second = result.task("first"), result.task("second")
    assert first["_status"] == "ok" and first["changed"] is True, first.get("msg")
    assert sorted(permission_write(w) for w in writes_in(logs["first"])) == sorted(
        [
            ("PUT", "infra-api", "groups", "developers"),
            ("PUT", "infra-api", "groups", "contractors"),
            ("PUT", "platform-api", "groups", "contractors"),
            ("DELETE", "platform-api", "groups", "auditors"),
            ("PUT", "web-core", "groups", "contractors"),
        ]
    )
    assert [r["groups"] for r in first["results"]] == [
        {"added": ["contractors"], "updated": ["developers"], "removed": [], "unchanged": [], "protected": []},
        {"added": ["contractors"], "updated": [], "removed": ["auditors"], "unchanged": ["developers"], "protected": []},
        {"added": ["contractors"], "updated": [], "removed": [], "unchanged": ["developers"], "protected": []},
    ]
    assert group_perms(sim, "infra-api") == {"ops": "admin", "developers": "write", "contractors": "read"}
    assert group_perms(sim, "platform-api") == {"developers": "write", "qa": "read", "contractors": "read"}
    assert group_perms(sim, "web-core") == {"developers": "write", "qa": "read", "contractors": "read"}
    # a task that names only groups never touches users
    assert {repo: explicit(sim, repo) for repo in REPOS} == users_before
    assert "permissions" not in first and first["users"] == {}
    assert not [e for e in logs["first"] + logs["second"] if "/permissions-config/users" in e["path"]]
    assert first["api_calls"]["total"] == len(logs["first"])
    report_log("repo_permission, 3 groups x 3 repositories, first run", logs["first"])

    assert second["_status"] == "ok" and second["changed"] is False, second.get("msg")
    assert writes_in(logs["second"]) == [] and sim.writes() == []  # the log since the second task began
    assert second["diff"] == []
    assert all(r["groups"]["unchanged"] == ["contractors", "developers"] for r in second["results"])
    assert second["group_permissions"]["before"] == second["group_permissions"]["after"]
    assert second["api_calls"]["total"] == len(logs["second"])
    report_log("repo_permission, 3 groups x 3 repositories, second run (no change)", logs["second"])


def test_groups_check_mode_predicts_exactly_what_the_real_run_does(sim, ansible_run, tmp_path):
    """Exclusive users and groups on three repositories (infra-core has a user admin to remove)."""
    repos = ["infra-core", "platform-core", "web-ui"]
    dev010 = account_id(sim, "dev010@acme.example")
    options = {
        "repositories": repos,
        "exclusive": True,
        "concurrency": 2,
        "users": [{"user": "dev010@acme.example", "permission": "write"}],
        "groups": [{"group": "developers", "permission": "admin"}, {"group": "qa", "permission": "read"}],
    }

    def state():
        return {repo: (explicit(sim, repo), group_perms(sim, repo)) for repo in repos}

    before = state()
    assert "admin" in before["infra-core"][0].values()
    predicted, real, check_log, real_log = predict_then_apply(
        sim, ansible_run, tmp_path, lambda name: task(name, **options), state
    )
    assert predicted["permissions"]["before"] == {repo: before[repo][0] for repo in repos}
    assert predicted["group_permissions"]["before"] == {repo: before[repo][1] for repo in repos}
    for repo in repos:
        assert explicit(sim, repo) == real["permissions"]["after"][repo] == {dev010: "write"}
        assert group_perms(sim, repo) == real["group_permissions"]["after"][repo] == {"developers": "admin", "qa": "read"}
    report_log("repo_permission, exclusive 1 user + 2 groups x 3 repositories, check mode", check_log)
    report_log("repo_permission, exclusive 1 user + 2 groups x 3 repositories, real run after check mode", real_log)


def test_groups_diff_output_shows_one_block_per_repository(sim, ansible_run, tmp_path):
    dev010 = account_id(sim, "dev010@acme.example")
    name010 = sim.state.accounts.get_by_email("dev010@acme.example")["display_name"]
    result, _logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            task(
                "diff",
                repositories=["infra-core", "infra-api"],
                users=[{"user": "dev010@acme.example", "permission": "read"}],
                groups=GROUPS,
            )
        ],
        diff=True,
    )
    assert result.task("diff")["changed"] is True
    out = result.stdout
    for repo in ("infra-core", "infra-api"):
        assert "--- before: acme/%s" % repo in out and "+++ after: acme/%s" % repo in out
    assert out.count("--- before: acme/") == 2
    assert '+"group:developers": write' in out and '-"group:developers": read' in out
    assert '-"group:auditors": read' in out  # infra-core only
    assert out.count('+"group:contractors": read') == 2
    assert out.count('+"%s": read  # %s <dev010@acme.example>' % (dev010, name010)) == 2
    assert '"group:ops"' not in out  # not managed, not exclusive: not shown


def test_twenty_repositories_three_users_two_groups_exclusive(sim, ansible_run, tmp_path):
    repos = twenty_repositories(sim)
    users = [
        {"user": "dev010@acme.example", "permission": "write"},
        {"user": "dev011@acme.example", "permission": "read"},
        {"user": "dev012@acme.example", "permission": "admin"},
    ]
    groups = [{"group": "developers", "permission": "write"}, {"group": "qa", "permission": "read"}]
    wanted_users = {account_id(sim, u["user"]): u["permission"] for u in users}
    wanted_groups = {g["group"]: g["permission"] for g in groups}
    assert any(explicit(sim, r) not in ({}, wanted_users) for r in repos)  # the seed has other people to remove
    assert sum(group_perms(sim, r) != wanted_groups for r in repos) >= 14
    options = {"repositories": repos, "users": users, "groups": groups, "exclusive": True}
    result, logs = run_tasks(sim, ansible_run, tmp_path, [task("first", **options), task("second", **options)])
    first, second = result.task("first"), result.task("second")
    assert first["_status"] == "ok" and first["changed"] is True, first.get("msg")
    for repo in repos:
        assert explicit(sim, repo) == wanted_users, repo
        assert group_perms(sim, repo) == wanted_groups, repo
    assert first["failed_repositories"] == [] and len(first["results"]) == 20
    assert first["api_calls"]["total"] == len(logs["first"])
    report_log("repo_permission, exclusive 3 users + 2 groups x 20 repositories, first run", logs["first"])

    assert second["_status"] == "ok" and second["changed"] is False, second.get("msg")
    assert writes_in(logs["second"]) == [] and sim.writes() == []  # the log since the second task began
    assert second["diff"] == []
    reads = [e for e in logs["second"] if "/permissions-config/" in e["path"]]
    assert sorted({e["path"] for e in reads}) == sorted(
        "/2.0/repositories/acme/%s/permissions-config/%s" % (r, kind) for r in repos for kind in ("users", "groups")
    )
    report_log("repo_permission, exclusive 3 users + 2 groups x 20 repositories, second run (no change)", logs["second"])
