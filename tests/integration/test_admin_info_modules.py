# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization Admin API info modules (atlassian_user_info, atlassian_group_info) with real ansible-playbook runs
against the simulator (the shared helpers: admin_task_helpers.py)."""

from __future__ import annotations


from admin_task_helpers import ADMINS_GROUP, NEWHIRE02, SYNCED_GROUP, USERS_GROUP
from admin_task_helpers import admin, group_members, ok
from atlsim import demo
from bitbucket_helpers import account_id, run_tasks, workspace
from role_helpers import writes


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
    # the search's lastActiveTimestamp of the instance: dev010's seeded Bitbucket date, at no extra request
    seeded = sim.state.activity.last_active[dev010["account_id"]]["bitbucket"].strftime("%Y-%m-%d")
    assert dev010["product_access"] == [
        {"product": "bitbucket", "resource_id": acme, "resource_name": "acme", "last_active": seeded}
    ]
    assert dev010["last_active"] == {"bitbucket": seeded}
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
    assert newhire["last_active"] == {}
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
