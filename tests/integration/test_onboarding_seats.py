# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Onboarding into a full product (issue 23), with real ansible-playbook runs against the simulator: the seats of the
Bitbucket workspace are read before any write, a person who would take a seat is refused with "out of seats for
Bitbucket workspace acme (N of N used)" in check mode already (and in the real run, before the 409 of the API), and in
plan mode as a refused item; a person who already holds product access needs no seat. The product is filled with the
simulator's ``set_capacity(..., "full")`` (tests/simulator/README.md)."""

from __future__ import annotations

from atlsim import demo
from role_helpers import environment, writes
from test_role_onboarding import acme, account, groups_of, onboard, people
from test_role_plans import ONBOARD, fact, mode_run, plan_file

USERS_GROUP = demo.ADMIN_GROUP_USERS[1]
MEMBER = "dev001@acme.example"  # holds product access already (in bitbucket-users-acme)


def team():
    return [
        {"email": MEMBER, "repositories": [{"name": "web-api", "permission": "read"}]},
        {"email": demo.ADMIN_NO_ACCESS_USER, "repositories": [{"name": "web-api", "permission": "read"}]},
    ]


def test_a_full_product_refuses_the_newcomer_in_check_mode_already_and_names_the_seats(sim, ansible_run):
    used = sim.set_capacity("acme", "full")["usage"]
    newhire = account(sim, demo.ADMIN_NO_ACCESS_USER)
    expected = "seats: out of seats for Bitbucket workspace acme (%d of %d used): the group %s grants the workspace" % (
        used,
        used,
        USERS_GROUP,
    )
    options = {"onboarding_default_groups": [USERS_GROUP]}
    for check in (True, False):
        run, result, log = onboard(sim, ansible_run, team(), check=check, scim=False, **options)
        assert run.rc == 2, run.stdout[-3000:]
        by = people(result)
        assert by[demo.ADMIN_NO_ACCESS_USER]["status"] == "incomplete"
        assert by[demo.ADMIN_NO_ACCESS_USER]["errors"][0].startswith(expected), by[demo.ADMIN_NO_ACCESS_USER]["errors"]
        assert by[demo.ADMIN_NO_ACCESS_USER]["groups_added"] == [] and by[demo.ADMIN_NO_ACCESS_USER]["repositories_granted"] == {}
        # the member needs no seat and goes on
        assert by[MEMBER]["status"] == "complete" and by[MEMBER]["errors"] == []
        assert result["seats"]["checked"] is True and result["seats"]["capacity"] == result["seats"]["usage"] == used
        assert result["seats"]["needed"] == result["seats"]["refused"] == [demo.ADMIN_NO_ACCESS_USER]
        assert ("(%d of %d used)" % (used, used)) in run.tasks[-1]["msg"]  # the final failure names the seats
        # nothing is sent for the newcomer: no membership write (no 409 either), no permission
        assert not any("/memberships" in path or newhire in path for _method, path in writes(log)), writes(log)
        assert not any(e["status"] == 409 for e in log)
        assert result["api_calls"]["total"] == len(log)
        if check:
            assert writes(log) == []
    assert newhire not in acme(sim).members and groups_of(sim, newhire) == []

    # one seat freed: the newcomer takes it
    sim.set_capacity("acme", used + 1)
    run, result, log = onboard(sim, ansible_run, team(), scim=False, **options)
    assert run.rc == 0, run.stdout[-3000:]
    assert result["seats"]["refused"] == [] and newhire in acme(sim).members


def test_plan_mode_refuses_the_person_out_of_seats(sim, ansible_run, tmp_path):
    used = sim.set_capacity("acme", "full")["usage"]
    extra = {"onboarding_workspace": "acme", "onboarding_people": team(), "onboarding_default_groups": [USERS_GROUP]}
    run, log = mode_run(sim, ansible_run, tmp_path, ONBOARD, extra, "plan", env=environment(sim, scim=False))
    assert writes(log) == []
    plan = plan_file(run, "onboarding")["accessops_plan"]
    refused = [line for line in plan["summary"]["refused"] if line.startswith(demo.ADMIN_NO_ACCESS_USER)]
    assert len(refused) == 1 and ("out of seats for Bitbucket workspace acme (%d of %d used)" % (used, used)) in refused[0]
    # the plan holds no item for the person out of seats
    newhire = account(sim, demo.ADMIN_NO_ACCESS_USER)
    assert not any(newhire in str(item["subject"]) for item in plan["items"]), plan["items"]
    assert fact(run, "onboarding_result")["seats"]["refused"] == [demo.ADMIN_NO_ACCESS_USER]
