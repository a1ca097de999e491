# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_permission_info through ansible-playbook against the simulator: the result is the simulator's state, read
with the fewest requests, and nothing is written."""

from __future__ import annotations

from collections import Counter

from bitbucket_helpers import examples_env, examples_playbook, module_task, report, tasks_playbook, workspace

MODULE = "bitbucket_permission_info"


def granting(perms):
    """The explicit permissions that grant something: an explicit ``none`` (the demo's group contractors on project
    DATA) is left out, as the permission modules leave it out."""
    return {key: permission for key, permission in perms.items() if permission != "none"}


def expected_users(sim, perms):
    entries = []
    for account_id, permission in granting(perms).items():
        account = sim.state.accounts.get(account_id)
        entries.append(
            {
                "account_id": account_id,
                "display_name": account["display_name"],
                "nickname": account.get("nickname"),
                "permission": permission,
            }
        )
    return sorted(entries, key=lambda e: e["account_id"])


def expected_groups(ws, perms):
    return sorted(
        (
            {"slug": slug, "name": ws.groups[slug]["name"], "permission": permission}
            for slug, permission in granting(perms).items()
        ),
        key=lambda e: e["slug"],
    )


def run_one(ansible_run, options, check=False):
    result = ansible_run(tasks_playbook([module_task("Read permissions", MODULE, options)]), check=check)
    assert len(result.tasks) == 1, result.stdout + result.stderr
    return result.tasks[0]


def test_every_repository_and_project_is_the_simulators_state(sim, ansible_run):
    ws = workspace(sim)
    # a second page of the repository listing would need 100+ repositories; the demo has fewer: one page each
    task = run_one(ansible_run, {"workspace": "acme"}, check=True)
    assert task["_status"] == "ok", task.get("msg")
    assert task["changed"] is False
    assert task["repositories"] == [
        {
            "slug": slug,
            "name": repo.name,
            "project": repo.project_key,
            "users": expected_users(sim, repo.user_perms),
            "groups": expected_groups(ws, repo.group_perms),
        }
        for slug, repo in sorted(ws.repos.items())
    ]
    assert task["projects"] == [
        {
            "key": key,
            "name": project.name,
            "users": expected_users(sim, project.user_perms),
            "groups": expected_groups(ws, project.group_perms),
        }
        for key, project in sorted(ws.projects.items())
    ]
    assert any(r["users"] for r in task["repositories"]) and any(p["groups"] for p in task["projects"])
    assert ws.project("DATA").group_perms["contractors"] == "none"
    data = next(p for p in task["projects"] if p["key"] == "DATA")
    assert "contractors" not in [g["slug"] for g in data["groups"]] and data["groups"]
    log = sim.log()
    lists = Counter(e["path"] for e in log if "/permissions-config/" in e["path"])
    assert set(lists.values()) == {1}  # each list read once
    assert len(lists) == 2 * (len(ws.repos) + len(ws.projects))
    counts = report("permission_info, every repository and project (%d + %d)" % (len(ws.repos), len(ws.projects)), sim)
    assert counts == task["api_calls"] == {"total": 2 + 2 * (len(ws.repos) + len(ws.projects)), "GET": counts["total"]}
    assert sim.writes() == []


def test_named_repositories_and_an_unknown_one(sim, ansible_run):
    ws = workspace(sim)
    task = run_one(
        ansible_run, {"workspace": "acme", "repositories": ["infra-core"], "include": ["repositories"], "subjects": ["users"]}
    )
    assert task["_status"] == "ok", task.get("msg")
    assert task["repositories"] == [
        {"slug": "infra-core", "name": None, "project": None, "users": expected_users(sim, ws.repo("infra-core").user_perms)}
    ]
    assert task["projects"] == []
    assert task["api_calls"] == {"total": 1, "GET": 1}

    sim.clear_log()
    task = run_one(ansible_run, {"workspace": "acme", "repositories": ["infra-core", "no-such-repo"], "concurrency": 1})
    assert task["_status"] == "failed"
    assert task["msg"].startswith("repository acme/no-such-repo does not exist"), task["msg"]
    assert task["status"] == 404
    assert sim.writes() == []


def test_examples_run_against_the_simulator(sim, ansible_run):
    result = ansible_run(
        examples_playbook(MODULE), extra_vars={"bitbucket_api_token": "demo-admin-api-token"}, env=examples_env(sim)
    )
    assert result.rc == 0, result.stdout + result.stderr
    assert [t["_status"] for t in result.tasks] == ["ok"] * len(result.tasks)
    two = result.task("The user permissions of two repositories only")
    assert [r["slug"] for r in two["repositories"]] == ["infra-api", "infra-core"]
    assert two["api_calls"]["total"] == 2
    groups = result.task("The group permissions of every project")
    assert groups["repositories"] == [] and all(set(p) == {"key", "name", "groups"} for p in groups["projects"])
    assert sim.writes() == []
