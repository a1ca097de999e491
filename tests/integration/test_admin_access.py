# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization Admin API modules (atlassian_group_member, atlassian_user, atlassian_user_info,
atlassian_group_info) with real ansible-playbook runs against the simulator, and the live link to Bitbucket: product
access through a group makes a workspace member, who can then be granted a repository permission.

Several tasks share one ansible-playbook run where a test needs them in sequence; ``TaskLogs`` (through ``run_tasks``)
gives each task its own request log, so "no write" is read from the simulator, not from the module's own account.
The Admin API searches are POSTs: ``role_helpers.writes`` keeps only the requests that can change something. Every test starts
from the demo seed (the ``sim`` fixture resets the simulator).
"""

from __future__ import annotations

import base64
import re

import pytest
import requests

from atlsim import demo
from bitbucket_helpers import account_id, explicit, module_task, run_tasks, tasks_playbook, workspace
from role_helpers import writes

ADMIN = {"admin_url": "{{ sim_admin_url }}", "org_id": demo.ORG_ID, "admin_api_key": demo.ADMIN_API_KEY}
USERS_GROUP = demo.ADMIN_GROUP_USERS[1]  # bitbucket-users-acme: atlassian/user on acme
ADMINS_GROUP = demo.ADMIN_GROUP_ADMINS[1]  # bitbucket-admins-acme: atlassian/admin on acme
SYNCED_GROUP = demo.ADMIN_GROUP_SYNCED[1]  # okta-engineering: IdP-synced, grants the Confluence site only
NEWHIRE02 = demo.ADMIN_NO_ACCESS_USER  # an account in the directory, no group, no access
NEWHIRE01 = demo.ADMIN_SUSPENDED_USER  # suspended, in bitbucket-users-acme
INVITEE = "integration.invitee@acme.example"
ORG_PATH = "/admin/v2/orgs/" + demo.ORG_ID
DIRECTORY_PATH = ORG_PATH + "/directories/" + demo.ADMIN_DIRECTORY_ID


def admin(name, module, **options):
    """A task of an Admin API module with the demo organization's key."""
    keywords = {k: options.pop(k) for k in ("ignore_errors", "check_mode") if k in options}
    return module_task(name, module, options, auth=ADMIN, **keywords)


def bitbucket(name, module, **options):
    """A task of a Bitbucket module on workspace acme with the demo admin's API token."""
    keywords = {k: options.pop(k) for k in ("ignore_errors",) if k in options}
    return module_task(name, module, dict(workspace="acme", **options), **keywords)


def members(sim):
    return set(workspace(sim).members)


def directory_status(sim, email):
    """The account's status in the demo organization's directory (None: not in it)."""
    directory = sim.state.admin.orgs[demo.ORG_ID].directories[demo.ADMIN_DIRECTORY_ID]
    record = directory.users.get(account_id(sim, email))
    return None if record is None else record["status"]


def group_members(sim, name):
    directory = sim.state.admin.orgs[demo.ORG_ID].directories[demo.ADMIN_DIRECTORY_ID]
    return set(next(g for g in directory.groups.values() if g.name == name).members)


def ok(result, name, changed=None):
    task = result.task(name)
    assert task["_status"] == "ok", (name, task.get("msg"))
    if changed is not None:
        assert task["changed"] is changed, (name, task)
    return task


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


# 6. -- the info modules -----------------------------------------------------------------------------------------


def test_user_info_by_email_groups_products_roles_and_not_found(sim, ansible_run, tmp_path):
    acme = "ari:cloud:bitbucket::workspace/" + workspace(sim).uuid.strip("{}")
    result, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            admin(
                "find",
                "atlassian_user_info",
                emails=["DEV010@acme.example", "nobody@acme.example", NEWHIRE02, "dev001@acme.example"],
            )
        ],
    )
    found = ok(result, "find", changed=False)
    assert found["not_found"] == ["nobody@acme.example"]
    users = {u["email"]: u for u in found["users"]}
    assert sorted(users) == ["dev001@acme.example", "dev010@acme.example", NEWHIRE02]
    dev010 = users["dev010@acme.example"]
    assert dev010["account_id"] == account_id(sim, "dev010@acme.example") and dev010["status"] == "active"
    assert dev010["groups"] == [{"id": demo.ADMIN_GROUP_USERS[0], "name": USERS_GROUP}]
    assert dev010["product_access"] == [{"product": "bitbucket", "resource_id": acme, "resource_name": "acme"}]
    assert dev010["role_assignments"] == [
        {
            "resource_id": acme,
            "resource_owner": "bitbucket",
            "resource_name": "acme",
            "role": "atlassian/user",
            "directory_id": demo.ADMIN_DIRECTORY_ID,
            "granted_by": [{"type": "group", "groups": [{"id": demo.ADMIN_GROUP_USERS[0], "name": USERS_GROUP}]}],
        }
    ]
    # dev001 reaches Confluence through the synced group as well: each role names only the group that grants it
    roles = {r["resource_name"]: r["granted_by"] for r in users["dev001@acme.example"]["role_assignments"]}
    assert roles == {
        "acme": [{"type": "group", "groups": [{"id": demo.ADMIN_GROUP_USERS[0], "name": USERS_GROUP}]}],
        "acme-wiki": [{"type": "group", "groups": [{"id": demo.ADMIN_GROUP_SYNCED[0], "name": SYNCED_GROUP}]}],
    }
    newhire = users[NEWHIRE02]
    assert (newhire["groups"], newhire["product_access"], newhire["role_assignments"]) == ([], [], [])
    assert writes(logs["find"]) == [] and found["api_calls"]["total"] == len(logs["find"])


def test_group_info_by_workspace_lists_the_granting_groups_only(sim, ansible_run, tmp_path):
    acme = "ari:cloud:bitbucket::workspace/" + workspace(sim).uuid.strip("{}")
    result, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            admin("acme", "atlassian_group_info", workspace="acme"),
            admin("synced", "atlassian_group_info", names=[SYNCED_GROUP, "no-such-group"]),
        ],
    )
    groups = {g["name"]: g for g in ok(result, "acme", changed=False)["groups"]}
    assert sorted(groups) == [ADMINS_GROUP, USERS_GROUP]
    assert result.task("acme")["resource_id"] == acme
    assert groups[USERS_GROUP]["member_count"] == len(group_members(sim, USERS_GROUP)) == 261
    assert groups[ADMINS_GROUP]["member_count"] == 2
    assert groups[USERS_GROUP]["role_assignments"] == [
        {
            "resource_id": acme,
            "resource_owner": "bitbucket",
            "resource_name": "acme",
            "roles": ["atlassian/user"],
            "default_role": "atlassian/user",
        }
    ]
    assert groups[ADMINS_GROUP]["role_assignments"][0]["roles"] == ["atlassian/admin"]
    assert all(g["read_only_reason"] is None and g["modifiable"] is True for g in groups.values())
    synced = ok(result, "synced")
    assert synced["not_found"] == ["no-such-group"]
    assert [g["name"] for g in synced["groups"]] == [SYNCED_GROUP]
    assert synced["groups"][0]["external_synced"] is True and synced["groups"][0]["modifiable"] is False
    assert "identity provider" in synced["groups"][0]["read_only_reason"]
    assert writes(logs["acme"] + logs["synced"]) == []


# 8. -- the organization API key stays out of every output at -vvvv --------------------------------------------------

SECRET_TASKS = """
- hosts: localhost
  gather_facts: false
  vars_files:
    - "%(vars_file)s"
  module_defaults:
    group/accessops.atlassian.admin:
      admin_url: "{{ sim_admin_url }}"
      org_id: %(org)s
      admin_api_key: "{{ secret }}"
  tasks:
    - name: Audit a user
      accessops.atlassian.atlassian_user_info:
        emails: [dev010@acme.example]
      ignore_errors: true
    - name: Give access
      accessops.atlassian.atlassian_group_member:
        user: newhire02@acme.example
        groups: [bitbucket-users-acme]
      ignore_errors: true
    - name: Suspend
      accessops.atlassian.atlassian_user:
        user: dev149@acme.example
        state: suspended
      ignore_errors: true
    - name: Refused synced group
      accessops.atlassian.atlassian_group_member:
        user: newhire02@acme.example
        groups: [okta-engineering]
      ignore_errors: true
"""


@pytest.mark.parametrize(
    "kind, secret, statuses",
    [
        ("valid", demo.ADMIN_API_KEY, ["ok", "ok", "ok", "failed"]),
        ("wrong", "wrong-org-admin-api-key-0123456789", ["failed"] * 4),
        ("echoed", demo.ADMIN_API_KEY, ["failed"] * 4),
    ],
)
def test_admin_api_key_stays_hidden_at_vvvv(sim, ansible_run, tmp_path, kind, secret, statuses):
    vars_file = tmp_path / "secrets.yml"
    vars_file.write_text("secret: %s\n" % secret)  # as from a vault: never on the command line, which -vvvv prints
    if kind != "valid":  # every error answer carries the Authorization header and the bare key
        sim.faults(echo_credentials={"count": 100, "pad": 5})
    if kind == "echoed":
        sim.faults(fail_next=[{"status": 400, "count": 100, "path_prefix": "/admin/"}])
    result = ansible_run(SECRET_TASKS % {"vars_file": vars_file, "org": demo.ORG_ID}, diff=True, verbosity=4)
    assert [t["_status"] for t in result.tasks] == statuses, result.stdout[-3000:]
    if kind != "valid":
        assert any(e["fault"] and "echo_credentials" in e["fault"] for e in sim.log()), "nothing was echoed"
        assert all(t.get("status") in (400, 401) for t in result.tasks), [t.get("msg") for t in result.tasks]
    text = result.stdout + result.stderr
    assert "Audit a user" in text and "Refused synced group" in text
    for form in (secret, "Bearer " + secret, base64.b64encode(secret.encode()).decode()):
        assert form not in text, "secret form %r printed at -vvvv" % form
        assert all(form not in repr(task) for task in result.tasks)
