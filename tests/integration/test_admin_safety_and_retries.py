# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 19 (module side), with real ansible-playbook runs against the simulator: atlassian_group_member refuses to
take the account the automation acts as out of its workspace-admin group (check mode predicts it); a membership
write whose answer is lost is reported as made by this run; an addition answered 503 is sent again; an unreachable
Admin API host fails at once, naming it."""

from __future__ import annotations

import time

from admin_task_helpers import ADMINS_GROUP, DIRECTORY_PATH, NEWHIRE02, USERS_GROUP, admin, group_members, ok
from atlsim import demo
from bitbucket_helpers import account_id, module_task, run_tasks, tasks_playbook
from role_helpers import writes

CALLER = "admin@acme.example"  # in bitbucket-admins-acme (atlassian/admin on acme)


def test_the_caller_is_not_taken_out_of_its_admin_group(sim, ansible_run, tmp_path):
    caller = account_id(sim, CALLER)
    task = {"user": CALLER, "groups": [ADMINS_GROUP], "state": "absent", "protect_account": CALLER, "ignore_errors": True}
    checked, logs = run_tasks(sim, ansible_run, tmp_path, [admin("remove self", "atlassian_group_member", **task)], check=True)
    refused = checked.task("remove self")
    assert refused["_status"] == "failed" and "allow_self_removal" in refused["msg"], refused.get("msg")
    result, logs = run_tasks(sim, ansible_run, tmp_path, [admin("remove self", "atlassian_group_member", **task)])
    refused = result.task("remove self")
    assert refused["_status"] == "failed" and ADMINS_GROUP in refused["msg"] and "Nothing was changed" in refused["msg"]
    assert writes(logs["remove self"]) == [] and caller in group_members(sim, ADMINS_GROUP)


def test_a_lost_removal_answer_is_reported_as_applied(sim, ansible_run, tmp_path):
    newhire = account_id(sim, NEWHIRE02)
    given, _logs = run_tasks(
        sim, ansible_run, tmp_path, [admin("give", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP])]
    )
    ok(given, "give", changed=True)
    sim.faults(lose_write_answer_next={"count": 1, "method": "DELETE", "path_prefix": "/admin/"})
    # ansible_run directly: run_tasks clears the fault knobs before each task
    result = ansible_run(
        tasks_playbook([admin("take", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP], state="absent")])
    )
    taken = ok(result, "take", changed=True)
    assert taken["removed"] == [USERS_GROUP] and "unchanged_by_api" not in taken
    assert taken["answer_lost"] == ["%s: applied; answer lost, verified by re-read" % USERS_GROUP]
    assert taken["api_calls"]["DELETE"] == 2
    assert newhire not in group_members(sim, USERS_GROUP)


def test_a_lost_addition_answer_and_a_503_are_retried(sim, ansible_run, tmp_path):
    newhire = account_id(sim, NEWHIRE02)
    sim.faults(lose_write_answer_next={"count": 1, "method": "POST", "path_prefix": DIRECTORY_PATH + "/groups/"})
    result = ansible_run(tasks_playbook([admin("give", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP])]))
    given = ok(result, "give", changed=True)
    assert given["added"] == [USERS_GROUP] and given["answer_lost"] == [
        "%s: applied; answer lost, verified by re-read" % USERS_GROUP
    ]
    assert newhire in group_members(sim, USERS_GROUP)
    sim.faults(fail_next=[{"status": 503, "count": 1, "method": "POST", "path_prefix": DIRECTORY_PATH + "/groups/"}])
    result = ansible_run(tasks_playbook([admin("admin too", "atlassian_group_member", user=NEWHIRE02, groups=[ADMINS_GROUP])]))
    again = ok(result, "admin too", changed=True)
    assert again["added"] == [ADMINS_GROUP] and "answer_lost" not in again and again["api_calls"]["POST"] == 4


def test_an_unreachable_admin_host_fails_at_once_naming_it(sim, ansible_run, tmp_path):
    auth = {"admin_url": "http://127.0.0.1:9", "org_id": demo.ORG_ID, "admin_api_key": demo.ADMIN_API_KEY}
    task = module_task(
        "read", "atlassian_group_member", {"user": NEWHIRE02, "groups": [USERS_GROUP]}, auth=auth, ignore_errors=True
    )
    started = time.monotonic()
    result, _logs = run_tasks(sim, ansible_run, tmp_path, [task])
    failed = result.task("read")
    assert failed["_status"] == "failed"
    assert "cannot reach 127.0.0.1:9: connection refused (check admin_url / ATLASSIAN_ADMIN_URL)" in failed["msg"], failed["msg"]
    assert demo.ADMIN_API_KEY not in str(failed) and time.monotonic() - started < 15
