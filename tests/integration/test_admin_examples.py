# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EXAMPLES of the organization Admin API modules, pasted as they are into a playbook and run against the simulator.

The examples read the organization id and the keys from variables (as from a vault) and the API URLs from
ATLASSIAN_ADMIN_URL (and BITBUCKET_API_URL for the Bitbucket task of atlassian_group_member's example), so nothing in
them is changed to run here.
"""

from __future__ import annotations

import re

import yaml

from atlsim import demo
from bitbucket_helpers import READ_METHODS, account_id, explicit, module_examples, workspace

VARIABLES = {
    "org_id": demo.ORG_ID,
    "vault_admin_api_key": demo.ADMIN_API_KEY,
    "bitbucket_admin_email": demo.ADMIN[0],
    "vault_bitbucket_api_token": demo.ADMIN[1],
}
ADMIN_READS = re.compile(r"^/admin/v2/orgs/[^/]+/(?:directories/[^/]+/(?:users|groups)/search|workspaces)$")


def _writes(sim):
    """``METHOD path`` of the requests that can change something (the Admin API searches are POSTs)."""
    return [
        "%s %s" % (e["method"], e["path"])
        for e in sim.log()
        if e["method"] not in READ_METHODS and not (e["method"] == "POST" and ADMIN_READS.match(e["path"]))
    ]


def _run_examples(sim, ansible_run, module):
    play = [{"name": "EXAMPLES of %s" % module, "hosts": "localhost", "gather_facts": False, "tasks": module_examples(module)}]
    result = ansible_run(
        yaml.safe_dump(play, sort_keys=False),
        diff=True,
        extra_vars=VARIABLES,
        env={"ATLASSIAN_ADMIN_URL": sim.url, "BITBUCKET_API_URL": sim.api_url},
    )
    assert result.rc == 0, result.stdout + result.stderr
    assert result.tasks and all(task["_status"] == "ok" for task in result.tasks), result.stdout
    for name, task in zip(result.names, result.tasks, strict=True):
        assert not task.get("warnings"), (name, task["warnings"])
    return result


def test_user_info_examples(sim, ansible_run):
    result = _run_examples(sim, ansible_run, "atlassian_user_info")
    newhire = account_id(sim, demo.ADMIN_NO_ACCESS_USER)
    found = result.task("Find a new hire's account")
    assert found["not_found"] == [] and [u["account_id"] for u in found["users"]] == [newhire]
    assert result.task("Show whether the account exists, and its products")["msg"].strip() == newhire + " active"
    everyone = result.task("List the suspended users of the organization (groups and product access only)")
    directory = sim.state.admin.orgs[demo.ORG_ID].directories[demo.ADMIN_DIRECTORY_ID]
    assert sorted(u["account_id"] for u in everyone["users"]) == sorted(directory.users)  # 260 members + 3 newhires
    assert len(everyone["users"]) >= 263 and all("role_assignments" not in u for u in everyone["users"])
    assert result.task("Show them")["msg"] == [demo.ADMIN_SUSPENDED_USER]
    assert _writes(sim) == []


def test_group_info_examples(sim, ansible_run):
    result = _run_examples(sim, ansible_run, "atlassian_group_info")
    acme = result.task("Which groups give access to the Bitbucket workspace acme?")
    assert sorted(g["name"] for g in acme["groups"]) == ["bitbucket-admins-acme", "bitbucket-users-acme"]
    shown = result.task("Show the groups a new hire may be added to (not synced from the identity provider)")["msg"]
    assert sorted(shown) == ["bitbucket-admins-acme", "bitbucket-users-acme"]
    assert sorted(result.task("Show the product admins of acme")["msg"]) == ["admin@acme.example", "owner@acme.example"]
    assert _writes(sim) == []


def test_group_member_examples(sim, ansible_run):
    newhire = account_id(sim, demo.ADMIN_NO_ACCESS_USER)
    result = _run_examples(sim, ansible_run, "atlassian_group_member")
    added = result.task("Add the account to the group that grants the acme workspace")
    assert added["changed"] is True and added["added"] == [demo.ADMIN_GROUP_USERS[1]]
    granted = result.task("Grant write on a repository (the person is a workspace member now)")
    assert granted["changed"] is True and granted["results"][0]["added"] == [newhire]
    removed = result.task("Take Bitbucket access away (the person keeps the other products)")
    assert removed["changed"] is True and removed["removed"] == [demo.ADMIN_GROUP_USERS[1]]
    assert newhire not in workspace(sim).members
    assert explicit(sim, "infra-core")[newhire] == "write"  # stored, applies again if they come back
    assert [w.split(" ")[0] for w in _writes(sim)] == ["POST", "PUT", "DELETE"]


def test_user_examples(sim, ansible_run):
    assert sim.state.accounts.get_by_email("newhire04@acme.example") is None
    result = _run_examples(sim, ansible_run, "atlassian_user")
    invited = result.task("Invite a new hire straight into the group that grants Bitbucket")
    assert invited["changed"] is True and invited["pending"] is False
    assert invited["user"]["account_id"] == account_id(sim, "newhire04@acme.example")
    assert invited["user"]["account_id"] in workspace(sim).members
    suspended = result.task("Suspend a leaver in every product of the organization")
    assert suspended["changed"] is True and suspended["diff"]["after"] == {"status": "suspended"}
    back = result.task("Bring them back")
    assert back["changed"] is True and back["diff"]["after"] == {"status": "active"}
    directory = sim.state.admin.orgs[demo.ORG_ID].directories[demo.ADMIN_DIRECTORY_ID]
    assert directory.users[account_id(sim, demo.ADMIN_NO_ACCESS_USER)]["status"] == "active"
    assert [w.rsplit("/", 1)[1] for w in _writes(sim)] == ["invite", "suspend", "restore"]
