# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The permission modules in loops and their half-measures, with real ansible-playbook against the simulator.

* A looped task run with ``--check --diff`` shows each item's diff in the default callback's output (issue 19, item 2:
  a module key named ``results`` hid it, ansible-core reading it as the loop's own list).
* Lowering an explicit permission while another path (a group, the project) still gives more warns, naming the
  level that stays (issue 19, item 6).
"""

from __future__ import annotations

from bitbucket_helpers import account_id, explicit, group_perms, module_task, playbook, run_tasks

LOOP = playbook("permission_loop.yml")
REPOS = ["infra-core", "infra-api"]


def test_a_looped_task_shows_the_diff_of_each_item(sim, ansible_run):
    newcomer = "dev250@acme.example"
    aid = account_id(sim, newcomer)
    assert all(aid not in explicit(sim, repo) for repo in REPOS)
    run = ansible_run(
        LOOP,
        check=True,
        diff=True,
        extra_vars={"loop_user": newcomer, "loop_permission": "write", "loop_repositories": REPOS},
    )
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert sim.writes() == []
    for repo in REPOS:
        assert "+++ after: acme/%s" % repo in run.stdout, run.stdout[-3000:]
    assert run.stdout.count('+"%s": write' % aid) == len(REPOS), run.stdout[-3000:]
    [task] = run.tasks
    items = task["results"]
    assert [item["item"] for item in items] == REPOS
    assert all(item["targets"][0]["added"] == [aid] for item in items)


def _lower(name, repository, user, permission):
    return module_task(
        name, "bitbucket_repo_permission", {"workspace": "acme", "repository": repository, "user": user, "permission": permission}
    )


def _setup(sim, ansible_run, tmp_path, repository, user, group_level):
    """The user gets explicit write on ``repository`` and the group ``developers`` (the user is a member) gets
    ``group_level`` there."""
    tasks = [
        module_task(
            "setup",
            "bitbucket_repo_permission",
            {
                "workspace": "acme",
                "repository": repository,
                "users": [{"user": user, "permission": "write"}],
                "groups": [{"group": "developers", "permission": group_level}],
            },
        ),
    ]
    run, _logs = run_tasks(sim, ansible_run, tmp_path, tasks)
    assert run.tasks[0]["_status"] == "ok", run.tasks[0].get("msg")
    assert group_perms(sim, repository)["developers"] == group_level
    assert explicit(sim, repository)[account_id(sim, user)] == "write"


def _warnings(task):
    return [w for w in task.get("warnings") or [] if "still gives" in w]


def test_lowering_while_a_group_gives_more_warns_in_check_mode_and_for_real(sim, ansible_run, tmp_path):
    user = "dev003@acme.example"  # a member of the group developers
    _setup(sim, ansible_run, tmp_path, "infra-api", user, "admin")
    check, logs = run_tasks(sim, ansible_run, tmp_path, [_lower("predict", "infra-api", user, "read")], check=True)
    predicted = check.task("predict")
    assert predicted["_status"] == "ok" and predicted["changed"] is True
    assert sim.writes() == []
    [warning] = _warnings(predicted)
    assert "acme/infra-api" in warning and "admin" in warning and "read" in warning, warning
    real_run, logs = run_tasks(sim, ansible_run, tmp_path, [_lower("apply", "infra-api", user, "read")])
    real = real_run.task("apply")
    assert real["changed"] is True and explicit(sim, "infra-api")[account_id(sim, user)] == "read"
    [warning] = _warnings(real)
    assert "acme/infra-api" in warning and "admin" in warning, warning
    # one filtered read of the effective permissions, after the write
    effective = [e for e in logs["apply"] if e["path"].endswith("/permissions/repositories")]
    assert len(effective) == 1 and logs["apply"][-1] == effective[0]


def test_lowering_while_a_group_gives_the_same_level_warns_after_the_write(sim, ansible_run, tmp_path):
    user = "dev004@acme.example"
    _setup(sim, ansible_run, tmp_path, "web-core", user, "write")
    real_run, logs = run_tasks(sim, ansible_run, tmp_path, [_lower("apply", "web-core", user, "read")])
    real = real_run.task("apply")
    assert real["changed"] is True and explicit(sim, "web-core")[account_id(sim, user)] == "read"
    [warning] = _warnings(real)
    assert "acme/web-core" in warning and "keeps write" in warning, warning


def test_no_effective_read_when_nothing_is_lowered(sim, ansible_run, tmp_path):
    user = "dev005@acme.example"
    first, logs = run_tasks(sim, ansible_run, tmp_path, [_lower("raise", "web-core", user, "write")])
    assert first.task("raise")["_status"] == "ok"
    again, logs = run_tasks(sim, ansible_run, tmp_path, [_lower("again", "web-core", user, "write")])
    assert again.task("again")["changed"] is False
    for entries in logs.values():
        assert not [e for e in entries if e["path"].endswith("/permissions/repositories")]
    assert not _warnings(again.task("again"))


def test_a_looped_scim_list_task_shows_the_diff_of_each_user(sim, ansible_run):
    """The same class of bug in atlassian_scim_user's list form: its entries are ``users``, each with its own diff."""
    teams = [
        [{"user_name": "loop.ana@acme.example", "email": "loop.ana@acme.example", "display_name": "Loop Ana"}],
        [{"user_name": "loop.li@acme.example", "email": "loop.li@acme.example", "display_name": "Loop Li"}],
    ]
    run = ansible_run(playbook("scim_user_loop.yml"), check=True, diff=True, extra_vars={"loop_teams": teams})
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert sim.writes() == []
    for team in teams:
        assert "+++ after: %s" % team[0]["user_name"] in run.stdout, run.stdout[-3000:]
    [task] = run.tasks
    assert [item["users"][0]["user_name"] for item in task["results"]] == [team[0]["user_name"] for team in teams]
