# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan, approve, apply exactly that plan: the runbooks' modes through the collection playbooks against the simulator.

``plan`` writes nothing (the request log) and its items are what a ``run`` of the same input writes (on a second
simulator from the same seed); ``apply`` of that plan writes exactly those items (method and path); a permission
changed between plan and apply is refused as stale and not touched while the rest is applied; a plan edited by hand,
expired, or applied with another identity is refused with zero writes; the same plan applied twice changes nothing the
second time.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from atlsim import DEMO_SEED
from role_helpers import environment, item_write, writes

OFFBOARD = "- ansible.builtin.import_playbook: accessops.atlassian.offboarding\n"
ONBOARD = "- ansible.builtin.import_playbook: accessops.atlassian.onboarding\n"
DEV003 = "dev003@acme.example"  # infra-core admin, portal-core read, project INFRA read; bitbucket-users-acme
DEV120 = "dev120@acme.example"  # infra-worker admin, platform-ui read, project WEB write; bitbucket-users-acme


def account(sim, email):
    return sim.state.accounts.get_by_email(email)["account_id"]


def fact(run, name):
    found = None
    for task in run.tasks:
        found = task.get("ansible_facts", {}).get(name, found)
    return found


def mode_run(sim, ansible_run, tmp_path, playbook, extra, mode, env=None, **more):
    sim.clear_log()
    variables = dict(extra, **more)
    variables.update({"%s_mode" % ROLE[playbook]: mode, "%s_report_dir" % ROLE[playbook]: str(tmp_path / "reports")})
    run = ansible_run(playbook, extra_vars=variables, env=env or environment(sim))
    return run, sim.log()


ROLE = {OFFBOARD: "offboarding", ONBOARD: "onboarding"}


def plan_file(run, role):
    result = fact(run, "%s_result" % role)
    assert result and result["plan_id"], run.stdout[-3000:]
    path = Path(result["plan"]["json"])
    assert path.name == "%s-plan-%s.json" % (role, result["plan_id"])
    return json.loads(path.read_text(encoding="utf-8"))


def apply(sim, ansible_run, tmp_path, playbook, workspace, plan, env=None, **more):
    role = ROLE[playbook]
    extra = {"%s_workspace" % role: workspace}
    extra.update(plan)
    extra.update(more)
    return mode_run(sim, ansible_run, tmp_path, playbook, extra, "apply", env=env)


OFFBOARD_INPUT = {"offboarding_workspace": "acme", "offboarding_people": [DEV003, DEV120]}


def test_offboarding_plan_writes_nothing_and_apply_writes_exactly_what_a_run_writes(sim_factory, ansible_run, tmp_path):
    sim = sim_factory(DEMO_SEED)
    plan_run, plan_log = mode_run(sim, ansible_run, tmp_path, OFFBOARD, OFFBOARD_INPUT, "plan")
    assert plan_run.rc == 0, plan_run.stdout[-3000:]
    assert writes(plan_log) == []
    plan = plan_file(plan_run, "offboarding")
    items = plan["accessops_plan"]["items"]
    assert len(items) == 9  # 3 + 3 explicit permissions, 2 group memberships, dev003's API token
    assert "- revoke admin on repository infra-core" in plan_run.stdout

    # a run of the same input, on a second simulator from the same seed, writes exactly the plan's items
    other = sim_factory(DEMO_SEED)
    run, run_log = mode_run(other, ansible_run, tmp_path / "run", OFFBOARD, OFFBOARD_INPUT, "run")
    assert run.rc == 0, run.stdout[-3000:]
    assert sorted(writes(run_log)) == sorted(item_write(i) for i in items)

    applied, apply_log = apply(sim, ansible_run, tmp_path, OFFBOARD, "acme", plan, accessops_approved_by="cab-1234")
    assert applied.rc == 0, applied.stdout[-3000:]
    assert writes(apply_log) == [item_write(i) for i in items]  # exactly the items, in the plan's order
    result = fact(applied, "offboarding_result")
    assert result["plan_id"] == plan["accessops_plan"]["id"] and len(result["applied"]) == 9
    assert result["stale"] == [] and result["refused"] == []
    report = json.loads(Path(result["reports"]["json"]).read_text(encoding="utf-8"))
    assert report["approved_by"] == "cab-1234" and report["plan_id"] == plan["accessops_plan"]["id"]
    # apply re-reads only the touched targets: no more reads than the plan's own
    assert len(apply_log) - len(writes(apply_log)) <= len(plan_log)

    again, again_log = apply(sim, ansible_run, tmp_path, OFFBOARD, "acme", plan)
    assert again.rc == 0, again.stdout[-3000:]
    assert writes(again_log) == []
    second = fact(again, "offboarding_result")
    assert second["applied"] == [] and len(second["already"]) == 9


def test_a_permission_changed_since_the_plan_is_stale_and_the_rest_is_applied(sim, ansible_run, tmp_path):
    plan_run, _log = mode_run(sim, ansible_run, tmp_path, OFFBOARD, OFFBOARD_INPUT, "plan")
    assert plan_run.rc == 0, plan_run.stdout[-3000:]
    plan = plan_file(plan_run, "offboarding")
    dev003 = account(sim, DEV003)
    sim.state.workspace("acme").repos["infra-core"].user_perms[dev003] = "write"  # was admin when planned

    applied, log = apply(sim, ansible_run, tmp_path, OFFBOARD, "acme", plan)
    assert applied.rc != 0  # stale items fail the play unless offboarding_allow_stale
    stale_write = ("DELETE", "/2.0/repositories/acme/infra-core/permissions-config/users/" + dev003)
    wanted = [item_write(i) for i in plan["accessops_plan"]["items"]]
    assert writes(log) == [w for w in wanted if w != stale_write]
    assert sim.state.workspace("acme").repos["infra-core"].user_perms[dev003] == "write"
    result = fact(applied, "offboarding_result")
    assert [(s["item"]["target"]["repository"], s["found"]) for s in result["stale"]] == [("infra-core", "write")]
    assert "stale" in applied.stdout

    allowed, log = apply(sim, ansible_run, tmp_path, OFFBOARD, "acme", plan, offboarding_allow_stale=True)
    assert allowed.rc == 0, allowed.stdout[-3000:]
    assert writes(log) == []


def test_an_edited_expired_or_foreign_plan_is_refused_with_zero_writes(sim, ansible_run, tmp_path):
    plan_run, _log = mode_run(sim, ansible_run, tmp_path, OFFBOARD, {**OFFBOARD_INPUT, "offboarding_people": [DEV003]}, "plan")
    assert plan_run.rc == 0, plan_run.stdout[-3000:]
    plan = plan_file(plan_run, "offboarding")

    edited = copy.deepcopy(plan)
    extra_item = copy.deepcopy(edited["accessops_plan"]["items"][0])
    extra_item["target"]["repository"] = "web-api"
    edited["accessops_plan"]["items"].append(extra_item)
    expired = copy.deepcopy(plan)
    foreign_env = dict(environment(sim), ATLASSIAN_ORG_ID="another-org")
    cases = [
        ("edited", edited, {}, None, "does not match"),
        ("expired", expired, {"offboarding_plan_max_age": 0.0001}, None, "expired"),
        ("another workspace", plan, {}, None, "workspace"),
        ("another organization", plan, {}, foreign_env, "made with the organization"),
    ]
    for label, doc, more, env, words in cases:
        workspace = "other-ws" if label == "another workspace" else "acme"
        refused, log = apply(sim, ansible_run, tmp_path, OFFBOARD, workspace, doc, env=env, **more)
        assert refused.rc != 0, label
        assert writes(log) == [], label
        assert words in refused.stdout, (label, refused.stdout[-2000:])
    assert sim.state.workspace("acme").repos["infra-core"].user_perms[account(sim, DEV003)] == "admin"


def test_onboarding_plan_then_apply_grants_exactly_the_planned_permissions(sim_factory, ansible_run, tmp_path):
    sim = sim_factory(DEMO_SEED)
    people = [
        {
            "email": DEV120,
            "repositories": [{"name": "infra-core", "permission": "write"}, {"name": "platform-ui", "permission": "write"}],
            "projects": [{"key": "INFRA", "permission": "read"}],
        }
    ]
    extra = {"onboarding_workspace": "acme", "onboarding_people": people}
    plan_run, plan_log = mode_run(sim, ansible_run, tmp_path, ONBOARD, extra, "plan", env=environment(sim, scim=False))
    assert plan_run.rc == 0, plan_run.stdout[-3000:]
    assert writes(plan_log) == []
    plan = plan_file(plan_run, "onboarding")
    items = plan["accessops_plan"]["items"]
    assert sorted((i["action"], i["target"].get("repository") or i["target"].get("project"), i["before"]) for i in items) == [
        ("change", "platform-ui", "read"),
        ("grant", "INFRA", None),
        ("grant", "infra-core", None),
    ]
    other = sim_factory(DEMO_SEED)
    run, run_log = mode_run(other, ansible_run, tmp_path / "run", ONBOARD, extra, "run", env=environment(other, scim=False))
    assert run.rc == 0, run.stdout[-3000:]
    assert sorted(writes(run_log)) == sorted(item_write(i) for i in items)

    applied, log = apply(sim, ansible_run, tmp_path, ONBOARD, "acme", plan, env=environment(sim, scim=False))
    assert applied.rc == 0, applied.stdout[-3000:]
    assert writes(log) == [item_write(i) for i in items]
    assert fact(applied, "onboarding_result")["plan_id"] == plan["accessops_plan"]["id"]
