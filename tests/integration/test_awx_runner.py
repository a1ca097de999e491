# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX job templates of docs/awx, run as AWX runs them: through ansible-runner's Python API.

The job's environment is what the shipped credential types (docs/awx/credential_types) inject for the demo
credentials, rendered the way AWX renders injectors; the extra vars are the job template's plus its survey's
answers, and hold no credential. The project playbooks of docs/awx/project run at -vvv against the simulator
(onboarding in check mode, as a "Check" job, then the access review); no secret, no 8-character piece of one, and no
base64 HTTP Basic form of one may appear in any job event or in the job's stdout.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sys
from pathlib import Path

import ansible_runner
import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from atlsim import demo

ROOT = Path(__file__).resolve().parents[2]
AWX = ROOT / "docs" / "awx"
CONNECTION_PREFIXES = ("BITBUCKET_", "ATLASSIAN_SCIM_", "ATLASSIAN_ADMIN_", "ATLASSIAN_ORG_ID")


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def credentials(sim):
    """(credential type file, the credential's inputs) of the job: the demo organization's public test values."""
    return [
        ("bitbucket_api_token.yml", {"username": demo.ADMIN[0], "api_token": demo.ADMIN[1], "api_url": sim.api_url}),
        ("atlassian_admin_api_key.yml", {"org_id": demo.ORG_ID, "admin_api_key": demo.ADMIN_API_KEY, "admin_url": sim.url}),
        (
            "atlassian_scim_directory.yml",
            {"directory_id": demo.SCIM_DIRECTORY, "scim_token": demo.SCIM_API_KEY, "scim_url": sim.scim_url},
        ),
    ]


def injected_env(sim):
    """The environment AWX gives the job for its credentials (ImmutableSandboxedEnvironment, as AWX renders them)."""
    env, secrets, usernames = {}, [], []
    render = ImmutableSandboxedEnvironment()
    for filename, inputs in credentials(sim):
        credential_type = load(AWX / "credential_types" / filename)
        for field in credential_type["inputs"]["fields"]:
            if field.get("secret"):
                secrets.append(inputs[field["id"]])
        for variable, template in credential_type["injectors"]["env"].items():
            assert variable not in env, "two credential types inject %s" % variable
            env[variable] = render.from_string(template).render(**inputs)
        if "username" in inputs:
            usernames.append(inputs["username"])
    return env, secrets, usernames


class LaunchRefused(AssertionError):
    """AWX answers the launch with 400 (variables_needed_to_start)."""


def survey_errors(question, data, validate_required=True):
    """AWX's validation of one survey question against the launch's extra vars (SurveyJobTemplateMixin.
    _survey_element_validation, AWX 24): a required question without a key in them is refused even when it has a
    default; a given answer must have the question's type, length and choices."""
    var = question["variable"]
    if var not in data:
        return ["'%s' value missing" % var] if question["required"] and validate_required else []
    value, kind = data[var], question["type"]
    if kind in ("text", "textarea", "password"):
        if not isinstance(value, str):
            return ["Value %s for '%s' expected to be a string." % (value, var)]
        errors = []
        if question.get("min") not in ("", None) and len(value) < int(question["min"]):
            errors.append("'%s' value %s is too small" % (var, value))
        if question.get("max") not in ("", None) and len(value) > int(question["max"]):
            errors.append("'%s' value %s is too large" % (var, value))
        return errors
    choices = question.get("choices") or []
    if isinstance(choices, str):
        choices = [c for c in choices.splitlines() if c.strip()]
    if kind == "multiselect":
        if not isinstance(value, list):
            return ["'%s' value is expected to be a list." % var]
        return ["Value %s for '%s' expected to be one of %s." % (v, var, choices) for v in value if v not in choices]
    if kind == "multiplechoice" and value not in choices:
        return ["Value %s for '%s' expected to be one of %s." % (value, var, choices)]
    return []


def survey_extravars(filename, answers, launch_vars=None):
    """The extra vars of a job launched over AWX's API (a workflow node, an Event-Driven Ansible rulebook,
    awx.awx.job_launch; the UI sends every answer, defaults included, the same way): the survey answers and the
    launch's extra vars are one dict, validated question by question (LaunchRefused: "'<variable>' value missing" for
    a required question without an answer, even one with a default); then the job's extra vars are the template's,
    the survey defaults that pass the same validation (a multiselect default written as text does not), and the
    launch's."""
    (template,) = load(AWX / "job_templates" / filename)["controller_templates"]
    spec = template["survey_spec"]["spec"]
    given = dict(answers)
    if launch_vars:
        assert template.get("ask_variables_on_launch") is True, "extra vars at launch are not prompted"
        given.update(launch_vars)
    errors = [error for question in spec for error in survey_errors(question, given)]
    if errors:
        raise LaunchRefused("variables_needed_to_start: %r" % errors)
    unknown = set(answers) - {q["variable"] for q in spec}
    assert not unknown, "answers to no question: %r" % unknown
    extravars = dict(template.get("extra_vars") or {})
    for question in spec:
        default = question.get("default")
        if default is not None and not survey_errors(question, {question["variable"]: default}):
            extravars[question["variable"]] = default
    extravars.update(given)
    return template, extravars


def forbidden_forms(secrets, usernames):
    """Every secret, each 8-character piece of it, and the base64 Basic header forms."""
    forms = set()
    for secret in secrets:
        forms.add(secret)
        forms.update(secret[i : i + 8] for i in range(len(secret) - 7))
        forms.add(base64.b64encode(secret.encode()).decode())
        for username in usernames:
            forms.add(base64.b64encode(("%s:%s" % (username, secret)).encode()).decode())
    return forms


def run_job(tmp_path, sim, ansible_collections_path, filename, answers, check=False, launch_vars=None):
    env, secrets, usernames = injected_env(sim)
    template, extravars = survey_extravars(filename, answers, launch_vars)
    text = json.dumps(extravars)
    assert not any(secret in text for secret in secrets), "credentials must not travel as extra vars"
    assert not any(name.startswith(("api_token", "scim_token", "admin_api_key")) for name in extravars)
    private = tmp_path / ("runner-" + filename.split(".")[0])
    project = private / "project"
    shutil.copytree(AWX / "project", project)
    envvars = dict(env)
    envvars.update(
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        ANSIBLE_COLLECTIONS_PATH=ansible_collections_path,
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_DEPRECATION_WARNINGS="0",
    )
    cmdline = "--check" if check else None
    if template.get("diff_mode"):
        cmdline = (cmdline + " --diff") if cmdline else "--diff"
    inventory = {"all": {"hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}
    sim.clear_log()
    runner = ansible_runner.run(
        private_data_dir=str(private),
        playbook=template["playbook"],
        inventory=inventory,
        envvars=envvars,
        extravars=extravars,
        cmdline=cmdline,
        verbosity=3,
        quiet=True,
        timeout=600,
    )
    events = list(runner.events)
    with open(runner.stdout.name, encoding="utf-8") as handle:  # the job's stdout, as AWX shows it
        stdout = handle.read()
    job_events = [path.read_text(encoding="utf-8") for path in (private / "artifacts").glob("*/job_events/*.json")]
    return runner, events, stdout, job_events, forbidden_forms(secrets, usernames)


def assert_no_secret(events, stdout, job_events, forms):
    assert len(events) > 10 and len(job_events) == len(events), (len(events), len(job_events))
    assert "<localhost> ESTABLISH LOCAL CONNECTION" in stdout, "not a -vvv run"
    texts = [("stdout", stdout)] + [("event %d" % i, json.dumps(e)) for i, e in enumerate(events)]
    texts += [("job_events file %d" % i, text) for i, text in enumerate(job_events)]
    leaks = sorted({(where, form) for where, text in texts for form in forms if form in text})
    assert leaks == [], "secret forms in the job's output: %r" % leaks[:10]


def task_results(events, suffix):
    return [
        e["event_data"]["res"]
        for e in events
        if e.get("event") == "runner_on_ok" and e["event_data"].get("task", "").endswith(suffix)
    ]


def writes(log):
    return [
        (e["method"], e["path"])
        for e in log
        if e["method"] not in ("GET", "HEAD") and not (e["method"] == "POST" and e["path"].endswith("/search"))
    ]


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
