# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization Admin API modules that give and take access (atlassian_group_member, atlassian_user) with real
ansible-playbook runs against the simulator, and the live link to Bitbucket: product access through a group makes a
workspace member, who can then be granted a repository permission; suspend / restore and invite / remove take the
member out and bring them back. Check mode and refusals: test_admin_check_mode_and_refusals.py; the info modules:
test_admin_info_modules.py; the API key at -vvvv: test_admin_api_key_hidden.py; shared helpers: admin_task_helpers.py.

Several tasks share one ansible-playbook run where a test needs them in sequence; ``TaskLogs`` (through ``run_tasks``)
gives each task its own request log, so "no write" is read from the simulator, not from the module's own account.
The Admin API searches are POSTs: ``role_helpers.writes`` keeps only the requests that can change something. Every test starts
from the demo seed (the ``sim`` fixture resets the simulator).
"""

from __future__ import annotations


import requests

from admin_task_helpers import DIRECTORY_PATH, INVITEE, NEWHIRE01, NEWHIRE02, USERS_GROUP
from admin_task_helpers import admin, bitbucket, directory_status, group_members, members, ok
from atlsim import demo
from bitbucket_helpers import account_id, explicit, run_tasks, workspace
from role_helpers import writes


# 1. and 2. -- Bitbucket access through a group ------------------------------------------------------------------


def test_group_membership_makes_a_workspace_member_who_can_then_be_granted(sim, ansible_run, tmp_path):
    newhire = account_id(sim, NEWHIRE02)
    assert newhire not in members(sim) and newhire not in explicit(sim, "infra-core")
    tasks = [
        bitbucket(
            "grant before access",
            "bitbucket_repo_permission",
            repository="infra-core",
            user=NEWHIRE02,
            permission="write",
            ignore_errors=True,
        ),
        admin("give access", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP]),
        bitbucket("grant after access", "bitbucket_repo_permission", repository="infra-core", user=NEWHIRE02, permission="write"),
        bitbucket("look up", "bitbucket_member_info", member=NEWHIRE02),
    ]
    result, logs = run_tasks(sim, ansible_run, tmp_path, tasks, diff=True)

    refused = result.task("grant before access")
    assert refused["_status"] == "failed" and "no workspace member" in refused["msg"], refused.get("msg")
    assert NEWHIRE02 in refused["msg"] and writes(logs["grant before access"]) == []

    given = ok(result, "give access", changed=True)
    assert given["added"] == [USERS_GROUP] and given["removed"] == []
    assert given["user"]["account_id"] == newhire and "groups" not in given["user"]
    assert given["groups"] == [
        {"id": demo.ADMIN_GROUP_USERS[0], "name": USERS_GROUP, "directory_id": demo.ADMIN_DIRECTORY_ID, "member": True}
    ]
    # the write goes to the group's own directory, never to "-"
    assert writes(logs["give access"]) == [("POST", "%s/groups/%s/memberships" % (DIRECTORY_PATH, demo.ADMIN_GROUP_USERS[0]))]
    assert given["api_calls"]["total"] == len(logs["give access"])

    granted = ok(result, "grant after access", changed=True)
    assert granted["results"][0]["added"] == [newhire]
    assert [m for m, _p in writes(logs["grant after access"])] == ["PUT"]
    found = ok(result, "look up")["member"]
    assert found["account_id"] == newhire and found["workspace_permission"] == "member"
    assert newhire in members(sim) and newhire in group_members(sim, USERS_GROUP)
    assert explicit(sim, "infra-core")[newhire] == "write"


def _stored_permissions(sim, repository):
    """``{account_id: permission}`` as the simulator's permissions-config list answers it (one page is enough)."""
    answer = requests.get(
        "%s/repositories/acme/%s/permissions-config/users" % (sim.api_url, repository),
        params={"pagelen": 100},
        auth=demo.ADMIN,
        timeout=60,
    )
    answer.raise_for_status()
    body = answer.json()
    assert "next" not in body
    return {v["user"]["account_id"]: v["permission"] for v in body["values"]}


def test_removing_the_membership_takes_the_person_out_but_keeps_the_explicit_permission(sim, ansible_run, tmp_path):
    newhire = account_id(sim, NEWHIRE02)
    tasks = [
        admin("give access", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP]),
        bitbucket("grant", "bitbucket_repo_permission", repository="infra-core", user=NEWHIRE02, permission="write"),
        admin("take access", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP], state="absent"),
        bitbucket("look up after", "bitbucket_member_info", member=NEWHIRE02),
        admin("take access again", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP], state="absent"),
    ]
    result, logs = run_tasks(sim, ansible_run, tmp_path, tasks, diff=True)
    ok(result, "give access", changed=True)
    ok(result, "grant", changed=True)
    taken = ok(result, "take access", changed=True)
    assert taken["removed"] == [USERS_GROUP] and taken["added"] == []
    assert taken["groups"][0]["member"] is False
    assert taken["diff"]["before"] == {"groups": [USERS_GROUP]} and taken["diff"]["after"] == {"groups": []}
    assert writes(logs["take access"]) == [
        ("DELETE", "%s/groups/%s/memberships/%s" % (DIRECTORY_PATH, demo.ADMIN_GROUP_USERS[0], newhire))
    ]
    after = ok(result, "look up after")
    assert after["member"] is None and after["not_found"] == [NEWHIRE02]
    again = ok(result, "take access again", changed=False)
    assert again["removed"] == [] and writes(logs["take access again"]) == []

    assert newhire not in members(sim) and newhire not in group_members(sim, USERS_GROUP)
    ws = workspace(sim)
    assert newhire not in ws.effective(ws.repo("infra-core"))  # no access any more...
    assert _stored_permissions(sim, "infra-core")[newhire] == "write"  # ...but the explicit permission stays stored

    # coming back: the stored permission applies again
    back, _logs = run_tasks(
        sim, ansible_run, tmp_path, [admin("back", "atlassian_group_member", user=NEWHIRE02, groups=[USERS_GROUP])]
    )
    ok(back, "back", changed=True)
    assert newhire in members(sim) and ws.effective(ws.repo("infra-core"))[newhire] == "write"


# 5. -- atlassian_user and the workspace members -------------------------------------------------------------------


def test_suspend_takes_a_member_out_and_restore_brings_them_back(sim, ansible_run, tmp_path):
    dev151 = account_id(sim, "dev151@acme.example")
    ws = workspace(sim)
    assert dev151 in members(sim) and explicit(sim, "mobile-api")[dev151] == "read"
    effective = ws.effective(ws.repo("mobile-api"))[dev151]
    suspended, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            admin("suspend", "atlassian_user", user="dev151@acme.example", state="suspended"),
            bitbucket("look up", "bitbucket_member_info", member="dev151@acme.example"),
        ],
    )
    assert ok(suspended, "suspend", changed=True)["directories"] == [demo.ADMIN_DIRECTORY_ID]
    assert ["%s %s" % w for w in writes(logs["suspend"])] == ["POST %s/users/%s/suspend" % (DIRECTORY_PATH, dev151)]
    assert ok(suspended, "look up")["member"] is None
    assert directory_status(sim, "dev151@acme.example") == "suspended"
    assert dev151 not in members(sim) and dev151 not in ws.effective(ws.repo("mobile-api"))
    assert explicit(sim, "mobile-api")[dev151] == "read"  # stored while suspended
    assert dev151 in group_members(sim, USERS_GROUP)  # groups are kept

    restored, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            admin("restore", "atlassian_user", user="dev151@acme.example", state="active"),
            bitbucket("look up", "bitbucket_member_info", member="dev151@acme.example", include_permissions=True),
            admin("restore newhire01", "atlassian_user", user=NEWHIRE01),
            bitbucket("look up newhire01", "bitbucket_member_info", member=NEWHIRE01),
        ],
    )
    ok(restored, "restore", changed=True)
    member = ok(restored, "look up")["member"]
    assert member["account_id"] == dev151 and member["workspace_permission"] == "member"
    assert member["repository_permissions"]["mobile-api"] == effective
    assert ws.effective(ws.repo("mobile-api"))[dev151] == effective
    assert ok(restored, "restore newhire01", changed=True)["user"]["status"] == "suspended"  # as read before
    assert ok(restored, "look up newhire01")["member"]["account_id"] == account_id(sim, NEWHIRE01)
    assert [m for m, _p in writes(logs["restore newhire01"])] == ["POST"]
    assert directory_status(sim, NEWHIRE01) == "active"


def test_invite_into_the_bitbucket_group_makes_a_member_and_remove_takes_them_out(sim, ansible_run, tmp_path):
    assert sim.state.accounts.get_by_email(INVITEE) is None
    tasks = [
        admin("invite", "atlassian_user", user=INVITEE, state="invited", groups=[USERS_GROUP]),
        bitbucket("look up", "bitbucket_member_info", member=INVITEE),
        admin("remove", "atlassian_user", user=INVITEE, state="removed"),
        bitbucket("look up after", "bitbucket_member_info", member=INVITEE),
        admin("find", "atlassian_user_info", emails=[INVITEE]),
    ]
    result, logs = run_tasks(sim, ansible_run, tmp_path, tasks, diff=True)
    invited = ok(result, "invite", changed=True)
    new_id = account_id(sim, INVITEE)
    assert invited["user"]["account_id"] == new_id and invited["pending"] is False
    assert ok(result, "look up")["member"]["account_id"] == new_id
    removed = ok(result, "remove", changed=True)
    assert removed["directories"] == [demo.ADMIN_DIRECTORY_ID]
    assert removed["diff"]["before"] == {"status": "active"} and removed["diff"]["after"] == {"status": "absent"}
    assert ["%s %s" % w for w in writes(logs["remove"])] == ["DELETE %s/users/%s" % (DIRECTORY_PATH, new_id)]
    assert ok(result, "look up after")["member"] is None
    assert ok(result, "find")["not_found"] == [INVITEE] and result.task("find")["users"] == []
    assert new_id not in members(sim) and directory_status(sim, INVITEE) is None
    assert new_id not in group_members(sim, USERS_GROUP)
