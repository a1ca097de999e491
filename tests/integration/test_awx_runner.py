# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX job templates of docs/awx, run as AWX runs them: through ansible-runner's Python API.

The job's environment is what the shipped credential types (docs/awx/credential_types) inject for the demo
credentials, rendered the way AWX renders injectors; the extra vars are the job template's plus its survey's
answers, and hold no credential. The project playbooks of docs/awx/project run at -vvv against the simulator
(onboarding in check mode, as a "Check" job, then the access review); no secret, no 8-character piece of one, and no
base64 HTTP Basic form of one may appear in any job event or in the job's stdout. The helpers (the environment,
the extra vars as AWX builds and writes them, the secret forms) are in awx_helpers.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from awx_helpers import (
    CONNECTION_PREFIXES,
    AWX,
    assert_no_secret,
    load,
    run_job,
    survey_errors,
    survey_extravars,
    task_results,
    writes,
)

from atlsim import demo


@pytest.fixture(autouse=True)
def _no_outer_credentials(monkeypatch):
    """Only the credential types' injectors may provide connection settings."""
    for name in list(os.environ):
        if name.startswith(CONNECTION_PREFIXES):
            monkeypatch.delenv(name)


def test_onboarding_check_job_from_the_survey(sim, tmp_path, ansible_collections_path):
    answers = {
        "onboarding_survey_email": "awx.newhire@acme.example",
        "onboarding_survey_given_name": "Awx",
        "onboarding_survey_family_name": "Newhire",
        "onboarding_survey_repositories": "infra-core write\nweb-api read\n",
        "onboarding_survey_projects": "INFRA read",
        "onboarding_create_accounts": "true",  # a new hire: the account is created over SCIM, as asked
    }
    runner, events, stdout, job_events, forms = run_job(
        tmp_path, sim, ansible_collections_path, "onboarding.yml", answers, check=True
    )
    assert (runner.status, runner.rc) == ("successful", 0), stdout[-4000:]
    assert writes(sim.log()) == [], "a Check job wrote to the API"
    paths = [e["path"] for e in sim.log()]  # the SCIM and Admin credentials reached the modules (Bitbucket: review)
    assert any(p.startswith("/scim/directory/demo-directory/") for p in paths), paths
    assert any(p.startswith("/admin/v2/orgs/%s/" % demo.ORG_ID) for p in paths), paths
    (result,) = [r["ansible_facts"]["onboarding_result"] for r in task_results(events, "Set the onboarding_result fact")]
    assert result["check_mode"] is True and result["incomplete"] == []
    (person,) = result["people"]
    assert person["email"] == "awx.newhire@acme.example"
    assert sorted(person["repositories_granted"]) == ["infra-core", "web-api"], person
    assert_no_secret(events, stdout, job_events, forms)


def test_access_review_job(sim, tmp_path, ansible_collections_path):
    report_dir = tmp_path / "reports"
    answers = {"access_review_formats": ["json", "html"]}
    runner, events, stdout, job_events, forms = run_job(
        tmp_path,
        sim,
        ansible_collections_path,
        "access_review.yml",
        answers,
        launch_vars={"access_review_report_dir": str(report_dir)},
    )
    assert (runner.status, runner.rc) == ("successful", 0), stdout[-4000:]
    assert writes(sim.log()) == []
    assert any(e["path"].startswith("/2.0/workspaces/acme/") for e in sim.log())
    (result,) = [r["ansible_facts"]["access_review_result"] for r in task_results(events, "Set access_review_result")]
    assert sorted(result["reports"]) == ["html", "json"], result["reports"]
    for path in result["reports"].values():
        assert Path(path).parent == report_dir and Path(path).stat().st_size > 0
    assert_no_secret(events, stdout, job_events, forms)


@pytest.mark.parametrize(
    ("filename", "launch_vars"),
    [
        ("onboarding.yml", {"onboarding_people": [{"email": "awx.api@acme.example", "repositories": []}]}),
        ("offboarding.yml", {"offboarding_people": ["awx.api@acme.example"]}),
        ("access_review.yml", {}),
    ],
)
def test_launch_over_the_api_with_only_the_lists(filename, launch_vars):
    """What a workflow node or an EDA rulebook passes: the people list only. AWX refuses such a launch when a survey
    question is required, so none is; the defaults that AWX fills in still reach the job."""
    template, extravars = survey_extravars(filename, {}, launch_vars)
    for question in template["survey_spec"]["spec"]:
        assert question["required"] is False, (
            "required survey question %r: API launches without it are refused" % (question["variable"])
        )
    for name, value in launch_vars.items():
        assert extravars[name] == value
    workspace = [q["variable"] for q in template["survey_spec"]["spec"] if q["variable"].endswith("_workspace")]
    assert [extravars[name] for name in workspace] == ["acme"], "the workspace default is not filled in"


def test_the_api_refuses_a_required_question_without_an_answer():
    """The helper validates the way AWX's API does: a required question with a default but no answer is refused."""
    question = {"variable": "x_workspace", "type": "text", "required": True, "default": "acme", "min": 1}
    assert survey_errors(question, {}) == ["'x_workspace' value missing"]
    assert survey_errors(question, {"x_workspace": ""}) == ["'x_workspace' value  is too small"]
    assert survey_errors({"variable": "f", "type": "multiselect", "choices": ["a"], "required": False}, {"f": "a"}) == [
        "'f' value is expected to be a list."
    ]


def test_project_playbooks_refuse_a_launch_naming_nobody():
    """Without a required question, the project playbooks check that the launch names someone."""
    for name, variable in (("onboarding.yml", "onboarding_survey_email"), ("offboarding.yml", "offboarding_survey_people")):
        (play, _imported) = load(AWX / "project" / name)
        (check,) = [t for t in play["tasks"] if "ansible.builtin.assert" in t]
        assert variable in check["ansible.builtin.assert"]["that"]
