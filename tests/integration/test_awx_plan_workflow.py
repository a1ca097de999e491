# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The approved workflows of docs/awx/load.yml (plan -> approval -> apply), run as AWX runs them.

The job templates and workflows are what load.yml creates: it runs against the stand-in awx.awx
(tests/awx/stub_collection.py), whose modules record their validated arguments. A workflow is launched with its
survey's answers only (it takes no launch variables); each node's job is run through ansible-runner against the
simulator with what AWX gives it (WorkflowJobNode.get_job_kwargs, SurveyJobTemplateMixin._update_unified_job_kwargs,
RunJob.build_extra_vars_file): the job template's extra vars and valid survey defaults, then the artifacts of the jobs
before it (passed on through the approval node), then the workflow's variables (the survey's answers and defaults),
then the awx_* variables; written to env/extravars with everything the template did not set marked !unsafe. The
artifacts of a job are the ``artifact_data`` of its events, as AWX reads them (ansible-runner puts the set_stats data
in the ``playbook_on_stats`` event).

Offboarding (approved): the plan job writes nothing and publishes the plan (``accessops_plan``, its id intact after
the JSON round trip AWX stores it through) and its Markdown; the apply job, given the plan job's artifacts, writes
exactly the plan's items, one request each, in the plan's order, and publishes ``accessops_plan_result`` and the audit
Markdown ``accessops_plan_report``. Onboarding (approved): an existing member gets a new repository permission, one
PUT. No job's events or stdout hold a secret. The apply template launched on its own (no plan, no people) sends
nothing.

The offboarding workflow runs twice: with AWX's default ALLOW_JINJA_IN_EXTRA_VARS=template (the artifacts arrive
!unsafe: ansible-core >= 2.19 resolves them as plain YAML, so the apply takes the plan's JSON text
``accessops_plan_json``) and with ``always`` (plain YAML).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from awx_helpers import (
    CONNECTION_PREFIXES,
    Job,
    assert_no_secret,
    awx_meta_vars,
    merge_extravars,
    run_loader,
    run_template,
    validate_launch,
)
from role_helpers import item_write, writes


DEV003 = "dev003@acme.example"  # infra-core admin, portal-core read, project INFRA read; bitbucket-users-acme
DEV002 = "dev002@acme.example"  # infra-core read; a user of the demo SCIM directory
WORKFLOW_JOB = (41, "Offboarding (approved)")
LAUNCHED_BY = "alice"
# AWX writes the artifacts of a workflow's earlier jobs into the next job's env/extravars as !unsafe (its default
# ALLOW_JINJA_IN_EXTRA_VARS=template). ansible-core 2.16 loads a !unsafe quoted scalar as a string; 2.19 and later
# resolve it as if it were plain (!unsafe '2026-12-05T14:00:43Z' is a datetime, !unsafe '5' an int, !unsafe 'No' a
# bool), so accessops_plan reaches the apply job with datetimes in created_at / expires_at: the apply takes the plan
# from its JSON text artifact accessops_plan_json instead (a JSON text stays a string).


@pytest.fixture(autouse=True)
def _no_outer_credentials(monkeypatch):
    """Only the credential types' injectors may provide connection settings."""
    for name in list(os.environ):
        if name.startswith(CONNECTION_PREFIXES):
            monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def controller(tmp_path_factory) -> dict[str, Any]:
    """What docs/awx/load.yml creates: job templates, workflow job templates and workflow nodes, by name."""
    calls = run_loader(tmp_path_factory.mktemp("loader"))
    return {
        "templates": {p["name"]: p for m, p in calls if m == "job_template"},
        "workflows": {p["name"]: p for m, p in calls if m == "workflow_job_template"},
        "nodes": [p for m, p in calls if m == "workflow_job_template_node"],
    }


def plan_and_apply_templates(controller: dict[str, Any], workflow: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The job templates of the workflow's plan and apply nodes; the graph is plan -> approval -> apply."""
    nodes = [p for p in controller["nodes"] if p["workflow_job_template"] == workflow]
    runs = {p["identifier"]: p["unified_job_template"] for p in nodes if p["unified_job_template"]}
    assert any(p["identifier"] == "approval" and p["approval_node"] for p in nodes), "no approval node"
    edges = {(p["identifier"], child) for p in nodes for child in p["success_nodes"] or []}
    assert edges == {("plan", "approval"), ("approval", "apply")}
    return controller["templates"][runs["plan"]], controller["templates"][runs["apply"]]


def node_job(tmp_path, sim, collections_path, template, workflow_vars, artifacts, job_id, workflow, allow_jinja) -> Job:
    """The job a workflow node runs: the template's extra vars and valid survey defaults, the ancestors' artifacts
    (without _ansible_no_log), the workflow's variables on top (they outrank the artifacts), the awx_* variables."""
    spec = template["survey_spec"].get("spec", []) if template["survey_enabled"] else []
    runtime = {k: v for k, v in artifacts.items() if k != "_ansible_no_log"}
    runtime.update(workflow_vars)
    assert template["job_type"] == "run"
    return run_template(
        tmp_path,
        sim,
        collections_path,
        "job-%d" % job_id,
        template["playbook"],
        merge_extravars(template["extra_vars"] or {}, spec, runtime),
        safe_dict=template["extra_vars"] or {},
        meta=awx_meta_vars(job_id, template["name"], user=LAUNCHED_BY, workflow=workflow),
        diff=bool(template["diff_mode"]),
        allow_jinja=allow_jinja,
    )


def run_approved_workflow(tmp_path, sim, collections_path, controller, name, answers, allow_jinja="template"):
    """Launch the workflow with its survey's answers, run the plan job, approve, run the apply job: (plan job, its
    request log, apply job, its request log)."""
    workflow = controller["workflows"][name]
    assert workflow["ask_variables_on_launch"] is False, "only the survey's answers reach the nodes"
    spec = workflow["survey_spec"]["spec"]
    validate_launch(spec, answers)
    workflow_vars = merge_extravars(workflow.get("extra_vars") or {}, spec, answers)
    plan_template, apply_template = plan_and_apply_templates(controller, name)
    job = (WORKFLOW_JOB[0], name)
    plan = node_job(tmp_path, sim, collections_path, plan_template, workflow_vars, {}, 42, job, allow_jinja)
    plan_log = sim.log()
    assert (plan.runner.status, plan.runner.rc) == ("successful", 0), plan.stdout[-4000:]
    # approved: the approval node has no artifacts of its own and passes the plan job's on to the apply node
    apply = node_job(tmp_path, sim, collections_path, apply_template, workflow_vars, plan.artifacts, 43, job, allow_jinja)
    return plan, plan_log, apply, sim.log()


def token_before(sim, account_id: str) -> dict[str, Any]:
    """The before-state a plan gives the one API token of an account: the token as the user-management API lists it."""
    (token,) = sim.state.activity.token_list(account_id)
    return {
        "label": token["label"],
        "created_at": token["createdAt"],
        "expires_at": token.get("expiry"),
        "last_access": token.get("lastAccess"),
    }


def plan_id_of(plan: dict[str, Any]) -> str:
    """The id as docs/plans.md defines it: SHA-256 of the canonical JSON of the document without its id."""
    body = {k: v for k, v in plan.items() if k != "id"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()


def check_plan_artifacts(plan_job: Job, role: str) -> dict[str, Any]:
    """The plan job's artifacts: the plan (its id still its content's after AWX's JSON round trip) and its Markdown."""
    artifacts = json.loads(json.dumps(plan_job.artifacts))  # AWX stores artifacts in a JSON field
    assert sorted(artifacts) == ["accessops_plan", "accessops_plan_json", "accessops_plan_markdown"], sorted(artifacts)
    plan = artifacts["accessops_plan"]
    assert json.loads(artifacts["accessops_plan_json"]) == plan
    assert plan["role"] == role and plan["workspace"] == "acme"
    assert plan_id_of(plan) == plan["id"], "the artifact is not the plan its id names"
    assert "`%s`" % plan["id"] in artifacts["accessops_plan_markdown"]
    assert plan["summary"]["items"] == len(plan["items"])
    return plan


def check_apply_artifacts(apply_job: Job, plan: dict[str, Any]) -> None:
    """The apply job's artifacts: the result (counts, the plan id, the launcher as approver) and the audit Markdown."""
    assert apply_job.extravars["accessops_plan"] == plan, "the plan job's artifact did not reach the apply job"
    artifacts = apply_job.artifacts
    assert sorted(artifacts) == ["accessops_plan_report", "accessops_plan_result"], sorted(artifacts)
    result = dict(artifacts["accessops_plan_result"])
    counts = {key: result.pop(key) for key in ("applied", "already", "stale", "failed")}
    assert counts == {"applied": len(plan["items"]), "already": 0, "stale": 0, "failed": 0}
    assert result == {
        "plan_id": plan["id"],
        "approved_by": "AWX user %s, workflow job %d" % (LAUNCHED_BY, WORKFLOW_JOB[0]),
        "refused": [],
    }
    report = artifacts["accessops_plan_report"]
    assert plan["id"] in report and "AWX user %s" % LAUNCHED_BY in report, report[:2000]


@pytest.mark.parametrize(
    "allow_jinja",
    [
        pytest.param("template", id="awx-default"),
        pytest.param("always", id="allow-jinja-always"),
    ],
)
def test_offboarding_approved_workflow(sim, tmp_path, ansible_collections_path, controller, allow_jinja):
    """AWX's default (ALLOW_JINJA_IN_EXTRA_VARS=template) writes the plan artifact !unsafe; ``always`` writes it as
    plain YAML: the same plan must be applied either way."""
    dev003 = sim.state.accounts.get_by_email(DEV003)["account_id"]
    token = token_before(sim, dev003)  # as the plan job will read it (the apply job revokes it)
    plan_job, plan_log, apply_job, apply_log = run_approved_workflow(
        tmp_path,
        sim,
        ansible_collections_path,
        controller,
        "Offboarding (approved)",
        {"offboarding_survey_people": DEV003},
        allow_jinja,
    )
    assert plan_job.extravars["offboarding_mode"] == "plan" and "accessops_plan" not in plan_job.extravars
    assert writes(plan_log) == [], "the plan job wrote to the API"
    assert any(e["path"].startswith("/2.0/") for e in plan_log) and any(e["path"].startswith("/admin/") for e in plan_log)
    plan = check_plan_artifacts(plan_job, "offboarding")
    assert plan["inputs"]["people"] == [DEV003]
    assert sorted((i["kind"], i["action"], i["before"]) for i in plan["items"]) == [
        ("api_token", "revoke_api_token", token),
        ("group_membership", "remove", True),
        ("project_permission", "revoke", "read"),
        ("repository_permission", "revoke", "admin"),
        ("repository_permission", "revoke", "read"),
    ]
    assert all((i["subject"].get("account_id") or i["target"].get("account_id")) == dev003 for i in plan["items"])
    assert "- revoke admin on repository infra-core" in plan_job.stdout  # the changes-only view, for the approver

    assert (apply_job.runner.status, apply_job.runner.rc) == ("successful", 0), apply_job.stdout[-4000:]
    assert apply_job.extravars["offboarding_mode"] == "apply"
    assert writes(apply_log) == [item_write(i) for i in plan["items"]]  # exactly the items, in the plan's order
    check_apply_artifacts(apply_job, plan)
    workspace = sim.state.workspace("acme")
    assert dev003 not in workspace.repos["infra-core"].user_perms and dev003 not in workspace.repos["portal-core"].user_perms
    for job in (plan_job, apply_job):
        assert_no_secret(job.events, job.stdout, job.job_events, job.forms)


def test_onboarding_approved_workflow_gives_a_member_a_new_permission(sim, tmp_path, ansible_collections_path, controller):
    """An existing member (account, SCIM user, default group) gets a repository permission: one item, one PUT. Run
    with ALLOW_JINJA_IN_EXTRA_VARS=always."""
    answers = {"onboarding_survey_email": DEV002, "onboarding_survey_repositories": "data-api write"}
    plan_job, plan_log, apply_job, apply_log = run_approved_workflow(
        tmp_path, sim, ansible_collections_path, controller, "Onboarding (approved)", answers, "always"
    )
    assert writes(plan_log) == [], "the plan job wrote to the API"
    plan = check_plan_artifacts(plan_job, "onboarding")
    dev002 = sim.state.accounts.get_by_email(DEV002)["account_id"]
    (item,) = plan["items"]  # a SCIM user and a member of the survey's default group: only the permission is new
    assert (item["kind"], item["action"], item["before"], item["after"]) == ("repository_permission", "grant", None, "write")
    assert item["target"]["repository"] == "data-api" and item["subject"]["account_id"] == dev002

    assert (apply_job.runner.status, apply_job.runner.rc) == ("successful", 0), apply_job.stdout[-4000:]
    assert writes(apply_log) == [("PUT", "/2.0/repositories/acme/data-api/permissions-config/users/" + dev002)]
    check_apply_artifacts(apply_job, plan)
    assert sim.state.workspace("acme").repos["data-api"].user_perms[dev002] == "write"
    for job in (plan_job, apply_job):
        assert_no_secret(job.events, job.stdout, job.job_events, job.forms)


def test_the_apply_template_launched_alone_sends_nothing(sim, tmp_path, ansible_collections_path, controller):
    """Outside the workflow the apply job has no plan (no survey, no launch variables): the project playbook stops
    before the role, without a request."""
    _plan_template, apply_template = plan_and_apply_templates(controller, "Offboarding (approved)")
    assert apply_template["survey_enabled"] is False and apply_template["ask_variables_on_launch"] is False
    job = run_template(
        tmp_path,
        sim,
        ansible_collections_path,
        "apply-alone",
        apply_template["playbook"],
        merge_extravars(apply_template["extra_vars"] or {}, [], {}),
        safe_dict=apply_template["extra_vars"] or {},
        meta=awx_meta_vars(44, apply_template["name"], user=LAUNCHED_BY),
    )
    assert job.runner.status == "failed", job.stdout[-3000:]
    assert sim.log() == []
    assert "to apply a plan, accessops_plan" in job.stdout
    assert job.artifacts == {}
    assert not Path(tmp_path / "runner-apply-alone" / "artifacts" / "offboarding").exists()
