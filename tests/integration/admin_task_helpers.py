# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the organization Admin API integration tests (test_admin_*.py) share: the demo organization's groups and
people, tasks of the Admin API and Bitbucket modules, and reads of the simulator's directory.

Several tasks share one ansible-playbook run where a test needs them in sequence; ``TaskLogs`` (through ``run_tasks``)
gives each task its own request log, so "no write" is read from the simulator, not from the module's own account.
The Admin API searches are POSTs: ``role_helpers.writes`` keeps only the requests that can change something. Every test starts
from the demo seed (the ``sim`` fixture resets the simulator).
"""

from __future__ import annotations

from atlsim import demo
from bitbucket_helpers import account_id, module_task, workspace

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
