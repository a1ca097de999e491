# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EXAMPLES of the SCIM modules, pasted as they are into a playbook and run against the simulator.

The examples read the directory and key from variables (as from a vault) and the API URL from
ATLASSIAN_SCIM_URL, so nothing in them is changed to run here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

MODULES = Path(__file__).resolve().parents[2] / "plugins" / "modules"
VARIABLES = {"scim_directory_id": "demo-directory", "vault_scim_token": "demo-scim-api-key"}


def _examples(module):
    """The EXAMPLES string of a module file (read without importing the module)."""
    tree = ast.parse((MODULES / (module + ".py")).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["EXAMPLES"]:
            return node.value.value
    raise AssertionError("no EXAMPLES in %s" % module)


def _run_examples(sim, ansible_run, module):
    tasks = yaml.safe_load(_examples(module))
    play = [{"name": "EXAMPLES of %s" % module, "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
    result = ansible_run(yaml.safe_dump(play, sort_keys=False), extra_vars=VARIABLES, env={"ATLASSIAN_SCIM_URL": sim.scim_url})
    assert result.rc == 0, result.stdout + result.stderr
    assert all(task["_status"] == "ok" for task in result.tasks), result.stdout
    return result


def test_user_examples(sim, ansible_run):
    result = _run_examples(sim, ansible_run, "atlassian_scim_user")
    created = result.task("Make sure Jane Doe is provisioned with these attributes")
    assert created["changed"] is True and created["atlassian_account_id"]
    assert (
        result.task("Show the Atlassian account ID, to add Jane to a Bitbucket workspace")["msg"]
        == created["atlassian_account_id"]
    )
    assert result.task("Change only the job title (every other attribute is left as it is)")["diff"]["after"] == {
        "user_name": "jane.doe@acme.example",
        "title": "Engineering Manager",
    }
    assert result.task("Remove the nickname")["changed"] is False  # Jane has no nickname
    assert result.task("Deactivate Jane in the whole organization (all Atlassian products)")["changed"] is True
    assert result.task("Delete Jane from the directory (deactivates and unlinks the Atlassian account)")["changed"] is True
    assert result.task("Connection options from environment variables")["changed"] is True
    team = result.task("Provision a team in one task (4 users at a time, each with the requests of the single form)")
    assert [(r["user_name"], r["changed"], r["failed"]) for r in team["users"]] == [
        ("ana.lima@acme.example", True, False),
        ("li.wei@acme.example", True, False),
        ("former.contractor@acme.example", False, False),
    ]  # not in the directory: nothing to delete
    assert team["failed_users"] == [] and team["api_calls"]["total"] == 6  # a GET each, two POSTs, a PATCH (department)
    ids = result.task("Show the Atlassian account IDs of the team, in the order of the list")["msg"]
    assert ids[:2] == [r["atlassian_account_id"] for r in team["users"][:2]] and all(ids[:2]) and ids[2] is None
    names = [e["path"] for e in sim.log() if e["method"] == "POST"]
    assert names == ["/scim/directory/demo-directory/Users"] * 4


def test_user_info_examples(sim, ansible_run):
    result = _run_examples(sim, ansible_run, "atlassian_scim_user_info")
    assert result.task("Read every user of the directory")["total"] == 3
    assert result.task("Show how many users the directory holds")["msg"] == "3 users, 1 deactivated"
    assert result.task("Show their user names")["msg"] == ["newhire01@acme.example"]
    assert result.task("Show whether that user is provisioned and active")["msg"] == "active"
    assert result.task("Find the users an identity provider knows under one ID")["total"] == 0
    assert sim.writes() == []
