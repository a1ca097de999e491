# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Admin API modules on the answers the official spec declares and a happy path never shows, with real
ansible-playbook runs against the simulator: a membership addition answered 409 (read again: a product out of seats,
named), an invitation answered 206 (reported per email) or 402 (no paid subscription). Each test changes the
simulator's state for itself (the ``sim`` fixture resets it) and reads what was sent from its request log."""

from __future__ import annotations

from atlsim import demo
from bitbucket_helpers import account_id, module_task, run_tasks, workspace
from role_helpers import writes

ADMIN = {"admin_url": "{{ sim_admin_url }}", "org_id": demo.ORG_ID, "admin_api_key": demo.ADMIN_API_KEY}
USERS_GROUP_ID, USERS_GROUP = demo.ADMIN_GROUP_USERS
ORG_PATH = "/admin/v2/orgs/" + demo.ORG_ID
DIRECTORY_PATH = ORG_PATH + "/directories/" + demo.ADMIN_DIRECTORY_ID
MEMBERSHIPS = "%s/groups/%s/memberships" % (DIRECTORY_PATH, USERS_GROUP_ID)


def admin(name, module, **options):
    return module_task(name, module, options, auth=ADMIN, ignore_errors=True)


def _org(sim):
    return sim.state.admin.orgs[demo.ORG_ID]


def test_an_addition_answered_409_is_read_again_and_names_the_product_out_of_seats(sim, ansible_run, tmp_path):
    acme = _org(sim).resource_ref("acme", "test")
    acme.seats = len(_org(sim).users_with_access(acme.id))  # every seat taken
    newhire = account_id(sim, demo.ADMIN_NO_ACCESS_USER)
    result, logs = run_tasks(
        sim, ansible_run, tmp_path, [admin("add", "atlassian_group_member", user=demo.ADMIN_NO_ACCESS_USER, groups=[USERS_GROUP])]
    )
    task = result.task("add")
    assert task["_status"] == "failed" and task["changed"] is False and task["status"] == 409
    assert (
        "Cannot add %s to the group %s: out of seats: bitbucket acme (%d of %d seats used) (HTTP 409: ADMIN-UAM-409-3"
        % (newhire, USERS_GROUP, acme.seats, acme.seats)
    ) in task["msg"]
    assert [(e["method"], e["path"], e["status"]) for e in logs["add"]] == [
        ("POST", DIRECTORY_PATH.replace(demo.ADMIN_DIRECTORY_ID, "-") + "/users/search", 200),
        ("POST", DIRECTORY_PATH.replace(demo.ADMIN_DIRECTORY_ID, "-") + "/groups/search", 200),
        ("POST", MEMBERSHIPS, 409),
        ("POST", DIRECTORY_PATH + "/users/search", 200),  # the membership read again: not a member, so out of seats
        ("GET", "%s/directories/-/groups/%s/role-assignments" % (ORG_PATH, USERS_GROUP_ID), 200),
        ("POST", ORG_PATH + "/workspaces", 200),
    ]
    assert newhire not in workspace(sim).members


def test_a_partial_invitation_is_reported_per_email(sim, ansible_run, tmp_path):
    """206 "At least one invitation failed": a deactivated account cannot be invited; nothing changed for it."""
    sim.state.accounts.get_by_email("owner@globex.example")["account_status"] = "inactive"
    result, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [admin("invite", "atlassian_user", user="owner@globex.example", state="invited", groups=[USERS_GROUP])],
    )
    task = result.task("invite")
    assert task["_status"] == "failed" and task["status"] == 206 and task["changed"] is False
    assert task["invitations"] == [
        {
            "email": "owner@globex.example",
            "account_id": account_id(sim, "owner@globex.example"),
            "invited": False,
            "failures": ["group %s: ADMIN-UAM-400-2: Inactive user" % USERS_GROUP],
        }
    ]
    assert task["msg"].startswith(
        "The invitation of owner@globex.example failed: group %s: ADMIN-UAM-400-2: Inactive "
        "user. Nothing was invited" % USERS_GROUP
    )
    assert [(e["path"], e["status"]) for e in logs["invite"] if e["path"].endswith("/invite")] == [
        (ORG_PATH + "/users/invite", 206)
    ]


def test_an_invitation_without_a_paid_subscription_fails_with_the_reason(sim, ansible_run, tmp_path):
    _org(sim).paid = False
    result, logs = run_tasks(
        sim, ansible_run, tmp_path, [admin("invite", "atlassian_user", user="late.hire@acme.example", state="invited")]
    )
    task = result.task("invite")
    assert task["_status"] == "failed" and task["status"] == 402 and task["changed"] is False
    assert task["msg"] == (
        "Cannot invite late.hire@acme.example: the organization has no paid subscription, which the "
        "invitation API needs (HTTP 402: ADMIN-UAM-402-1: This API is only available to organizations "
        "with at least one paid subscription.)"
    )
    assert writes(logs["invite"]) == [("POST", ORG_PATH + "/users/invite")]
    assert sim.state.accounts.get_by_email("late.hire@acme.example") is None
