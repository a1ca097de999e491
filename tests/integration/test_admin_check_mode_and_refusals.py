# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization Admin API ensure modules (atlassian_group_member, atlassian_user) in check mode, then for real,
then again: the diff predicted and nothing written; a change still reported when a later write fails; a group synced
from an identity provider refused before any write. Real ansible-playbook runs against the simulator (the shared
helpers: admin_task_helpers.py)."""

from __future__ import annotations

import re


from admin_task_helpers import ADMINS_GROUP, DIRECTORY_PATH, INVITEE, NEWHIRE01, NEWHIRE02, ORG_PATH, SYNCED_GROUP, USERS_GROUP
from admin_task_helpers import admin, directory_status, group_members, members, ok
from atlsim import demo
from bitbucket_helpers import account_id, run_tasks, tasks_playbook
from role_helpers import writes


# 3. -- check mode, then the real run, then a second real run ------------------------------------------------------


def _check_real_again(sim, ansible_run, tmp_path, tasks):
    """Run ``tasks`` with --check --diff, for real with --diff, then for real again: [(result, logs)] of the three."""
    return [run_tasks(sim, ansible_run, tmp_path, tasks, check=check, diff=True) for check in (True, False, False)]


def test_group_member_check_mode_predicts_the_diff_and_writes_nothing(sim, ansible_run, tmp_path):
    dev152 = account_id(sim, "dev152@acme.example")
    tasks = [
        admin("add", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP]),
        admin("remove", "atlassian_group_member", user="dev152@acme.example", groups=[USERS_GROUP, ADMINS_GROUP], state="absent"),
    ]
    members_before = members(sim)
    (check, check_logs), (real, real_logs), (again, again_logs) = _check_real_again(sim, ansible_run, tmp_path, tasks)

    predicted_add, predicted_remove = ok(check, "add", changed=True), ok(check, "remove", changed=True)
    assert predicted_add["diff"] == {
        "before": {"groups": []},
        "after": {"groups": [USERS_GROUP]},
        "before_header": NEWHIRE02 + " (managed groups)",
        "after_header": NEWHIRE02 + " (managed groups)",
    }
    assert predicted_add["added"] == [USERS_GROUP]
    assert predicted_remove["diff"]["before"] == {"groups": [USERS_GROUP]}
    assert predicted_remove["diff"]["after"] == {"groups": []}
    assert predicted_remove["removed"] == [USERS_GROUP]  # dev152 is not in bitbucket-admins-acme
    for name in ("add", "remove"):
        assert writes(check_logs[name]) == [], name
        assert check_logs[name], "check mode reads as a real run does"
    assert re.search(r'^\+\s+"bitbucket-users-acme"', check.stdout, re.M), check.stdout[-3000:]

    for name in ("add", "remove"):
        assert ok(real, name, changed=True)["diff"] == check.task(name)["diff"], name
        assert ok(real, name)["groups"] == check.task(name)["groups"], name
        assert len(writes(real_logs[name])) == 1, name
    assert members(sim) == (members_before - {dev152}) | {account_id(sim, NEWHIRE02)}

    for name in ("add", "remove"):
        second = ok(again, name, changed=False)
        assert second["added"] == [] and second["removed"] == [], name
        assert second["diff"]["before"] == second["diff"]["after"], name
        assert writes(again_logs[name]) == [], name


def test_user_check_mode_predicts_the_diff_and_writes_nothing(sim, ansible_run, tmp_path):
    tasks = [
        admin("suspend", "atlassian_user", user="dev151@acme.example", state="suspended"),
        admin("restore", "atlassian_user", user=NEWHIRE01, state="active"),
        admin("remove", "atlassian_user", user="dev150@acme.example", state="removed"),
        admin("invite", "atlassian_user", user=INVITEE, state="invited", groups=[USERS_GROUP], send_notification=False),
    ]
    (check, check_logs), (real, real_logs), (again, again_logs) = _check_real_again(sim, ansible_run, tmp_path, tasks)
    expected = {
        "suspend": ("active", "suspended"),
        "restore": ("suspended", "active"),
        "remove": ("active", "absent"),
        "invite": ("absent", "invited"),
    }
    users = {"suspend": "dev151@acme.example", "restore": NEWHIRE01, "remove": "dev150@acme.example", "invite": INVITEE}
    for name, (before, after) in expected.items():
        predicted = ok(check, name, changed=True)
        header = users[name] + " (organization directory)"
        assert predicted["diff"] == {
            "before": {"status": before},
            "after": {"status": after},
            "before_header": header,
            "after_header": header,
        }, name
        assert writes(check_logs[name]) == [], name
    assert check.task("invite")["user"] is None and check.task("invite")["pending"] is True
    assert check.task("suspend")["directories"] == [demo.ADMIN_DIRECTORY_ID]

    expected_writes = {
        "suspend": "POST %s/users/%s/suspend" % (DIRECTORY_PATH, account_id(sim, "dev151@acme.example")),
        "restore": "POST %s/users/%s/restore" % (DIRECTORY_PATH, account_id(sim, NEWHIRE01)),
        "remove": "DELETE %s/users/%s" % (DIRECTORY_PATH, account_id(sim, "dev150@acme.example")),
        "invite": "POST %s/users/invite" % ORG_PATH,
    }
    for name in expected:
        done = ok(real, name, changed=True)
        assert done["diff"] == check.task(name)["diff"], name
        assert ["%s %s" % w for w in writes(real_logs[name])] == [expected_writes[name]], name
    invited = real.task("invite")
    assert invited["invited"] is True and invited["pending"] is False and invited["groups"] == [USERS_GROUP]
    assert invited["user"]["email"] == INVITEE and invited["user"]["account_id"] == account_id(sim, INVITEE)

    for name in expected:
        second = ok(again, name, changed=False)
        assert second["diff"]["before"] == second["diff"]["after"], name
        assert writes(again_logs[name]) == [], name
    assert again.task("invite")["invited"] is False
    assert directory_status(sim, "dev151@acme.example") == "suspended" and directory_status(sim, NEWHIRE01) == "active"
    assert directory_status(sim, "dev150@acme.example") is None and directory_status(sim, INVITEE) == "active"
    assert again.task("remove")["user"] is None and again.task("remove")["directories"] == []


def test_a_failure_after_a_membership_was_added_still_reports_the_change(sim, ansible_run):
    newhire = account_id(sim, NEWHIRE02)
    # the second membership write fails (any error of the API: a full product, a lost permission...)
    sim.faults(
        fail_next=[
            {
                "status": 400,
                "count": 1,
                "method": "POST",
                "path_prefix": "%s/groups/%s/memberships" % (DIRECTORY_PATH, demo.ADMIN_GROUP_ADMINS[0]),
            }
        ]
    )
    result = ansible_run(
        tasks_playbook(
            [admin("add", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP, ADMINS_GROUP], ignore_errors=True)]
        )
    )
    task = result.task("add")
    assert task["_status"] == "failed" and task["status"] == 400, task
    assert newhire in group_members(sim, USERS_GROUP) and newhire in members(sim)  # the first write was made
    assert task["changed"] is True and task.get("added") == [USERS_GROUP], task


# 4. -- groups synced from an identity provider --------------------------------------------------------------------


def test_synced_group_is_refused_before_any_write(sim, ansible_run, tmp_path):
    synced_before = group_members(sim, SYNCED_GROUP)
    users_before = group_members(sim, USERS_GROUP)
    tasks = [
        admin("add", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP, SYNCED_GROUP], ignore_errors=True),
        admin(
            "remove",
            "atlassian_group_member",
            user="dev001@acme.example",
            groups=[SYNCED_GROUP],
            state="absent",
            ignore_errors=True,
        ),
        admin("invite", "atlassian_user", user=INVITEE, state="invited", groups=[SYNCED_GROUP], ignore_errors=True),
        admin(
            "add in check mode",
            "atlassian_group_member",
            user=NEWHIRE02,
            groups=[SYNCED_GROUP],
            check_mode=True,
            ignore_errors=True,
        ),
    ]
    result, logs = run_tasks(sim, ansible_run, tmp_path, tasks)
    for name in ("add", "remove", "invite", "add in check mode"):
        task = result.task(name)
        assert task["_status"] == "failed" and task["changed"] is False, (name, task)
        assert "'okta-engineering'" in task["msg"] and "synced from an identity provider" in task["msg"], task["msg"]
        assert "Nothing was changed" in task["msg"], task["msg"]
        assert writes(logs[name]) == [], name
    assert result.task("add")["msg"].startswith("Cannot add %s to the group" % NEWHIRE02)
    assert result.task("remove")["msg"].startswith("Cannot remove dev001@acme.example from the group")
    assert "bitbucket-users-acme" not in result.task("add")["msg"]  # only the refused group is named
    assert writes(sim.log()) == []
    assert group_members(sim, SYNCED_GROUP) == synced_before and group_members(sim, USERS_GROUP) == users_before
    assert account_id(sim, NEWHIRE02) not in members(sim)
    assert sim.state.accounts.get_by_email(INVITEE) is None
