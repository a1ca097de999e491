# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/awx/load.yml (the AWX configuration loaded in one command) against the awx.awx modules' argument specs.

awx.awx is not installed here and the tests run offline: tests/awx/awx_argspecs.json is a snapshot of the specs
(tests/awx/snapshot_awx_argspecs.py, from the awx.awx source it names). Two checks:

* statically, every awx.awx task of load.yml uses only options of its module (names or aliases), gives the required
  ones, literal values of the right type and choices, and the documented suboptions of approval_node;
* load.yml runs (ansible-playbook) against a stand-in awx.awx collection built from the snapshot (tests/awx/
  stub_collection.py: AnsibleModule validates every rendered argument exactly as the real module's spec would, and
  records it), and what it would create is checked: the credential types are the files', the job templates, the plan
  and apply templates, the approved workflows' graph (plan -> approval -> apply on success) and the weekly schedule.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
AWX = ROOT / "docs" / "awx"
LOADER = AWX / "load.yml"
_spec = importlib.util.spec_from_file_location("awx_stub_collection", ROOT / "tests" / "awx" / "stub_collection.py")
stub_collection = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stub_collection)
SNAPSHOT = stub_collection.load_snapshot()
PYTHON_TYPES = {
    "str": str,
    "bool": bool,
    "int": int,
    "float": (int, float),
    "list": list,
    "dict": dict,
    "path": str,
    "raw": object,
}
WORKFLOWS = {
    "Onboarding (approved)": ("onboarding.yml", "onboarding_mode", "Onboarding (plan)", "Onboarding (apply)"),
    "Offboarding (approved)": ("offboarding.yml", "offboarding_mode", "Offboarding (plan)", "Offboarding (apply)"),
    "Workspace access (approved)": (
        "workspace_access.yml",
        "workspace_access_mode",
        "Workspace access (plan)",
        "Workspace access (apply)",
    ),
}
DRIFT_CHECK = "Workspace access (drift check)"


def load(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def base_template(filename: str) -> dict[str, Any]:
    (template,) = load(AWX / "job_templates" / filename)["controller_templates"]
    return template


def awx_tasks() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(module short name, arguments, task) of every awx.awx task of load.yml (blocks included)."""
    found = []

    def walk(tasks):
        for task in tasks or []:
            for key in ("block", "rescue", "always"):
                walk(task.get(key))
            for key, value in task.items():
                if key.startswith("awx.awx."):
                    found.append((key.split(".", 2)[2], value, task))

    for play in load(LOADER):
        for section in ("pre_tasks", "tasks", "post_tasks", "handlers"):
            walk(play.get(section))
    return found


def templated(value: Any) -> bool:
    return isinstance(value, str) and "{{" in value


def names_and_aliases(spec: dict[str, Any]) -> dict[str, str]:
    out = {}
    for name, option in spec.items():
        out[name] = name
        out.update(dict.fromkeys(option.get("aliases", []), name))
    return out


def literal_errors(name: str, option: dict[str, Any], value: Any) -> list[str]:
    """What the module would refuse in a literal (untemplated) value."""
    if templated(value):
        return []
    kind = option.get("type", "str")
    if not isinstance(value, PYTHON_TYPES[kind]) or (kind == "int" and isinstance(value, bool)):
        return ["%s: %r is not a %s" % (name, value, kind)]
    if "choices" in option and value not in option["choices"]:
        return ["%s: %r is not one of %r" % (name, value, option["choices"])]
    if kind == "list" and option.get("elements") in PYTHON_TYPES:
        return [
            "%s: element %r is not a %s" % (name, v, option["elements"])
            for v in value
            if not templated(v) and not isinstance(v, PYTHON_TYPES[option["elements"]])
        ]
    return []


def suboption_errors(name: str, suboptions: dict[str, Any], value: Any) -> list[str]:
    """A literal dict argument against the suboptions the module documents (the module does not check them)."""
    if templated(value):
        return []
    errors = ["%s.%s: no such suboption" % (name, key) for key in value if key not in suboptions]
    errors += ["%s.%s: required" % (name, key) for key, sub in suboptions.items() if sub.get("required") and key not in value]
    for key, sub in suboptions.items():
        if key in value:
            errors += literal_errors("%s.%s" % (name, key), sub, value[key])
    return errors


def test_the_snapshot_names_its_source_and_holds_every_module_the_loader_uses():
    assert "github.com/ansible/awx" in SNAPSHOT["source"] or "awx.awx" in SNAPSHOT["source"]
    used = {module for module, _args, _task in awx_tasks()}
    assert used and used <= set(SNAPSHOT["modules"]), used - set(SNAPSHOT["modules"])
    assert {"controller_host", "controller_oauthtoken"} <= set(SNAPSHOT["auth_argument_spec"])
    assert SNAPSHOT["auth_argument_spec"]["controller_host"]["fallback"]["env"][0] == "CONTROLLER_HOST"
    assert SNAPSHOT["auth_argument_spec"]["controller_oauthtoken"]["fallback"]["env"][0] == "CONTROLLER_OAUTH_TOKEN"


@pytest.mark.parametrize("index", range(len(awx_tasks())))
def test_every_awx_task_uses_its_module_spec(index):
    module, args, task = awx_tasks()[index]
    entry = SNAPSHOT["modules"][module]
    spec = stub_collection.full_spec(SNAPSHOT, module)
    known = names_and_aliases(spec)
    assert isinstance(args, dict), "%s: arguments as a mapping, each named" % task["name"]
    errors = ["%s: no such option of awx.awx.%s" % (key, module) for key in args if key not in known]
    given = {known[key]: value for key, value in args.items() if key in known}
    errors += ["%s: required" % name for name, option in spec.items() if option.get("required") and name not in given]
    for name, value in given.items():
        errors += literal_errors(name, spec[name], value)
        if name in entry.get("doc_suboptions", {}):
            errors += suboption_errors(name, entry["doc_suboptions"][name], value)
    for group in entry.get("mutually_exclusive", []):
        assert len(set(group) & set(given)) <= 1, "%s: mutually exclusive %r" % (task["name"], group)
    for key, when, needed, *any_of in entry.get("required_if", []):
        if given.get(key, spec[key].get("default")) == when:
            present = [name for name in needed if name in given]
            assert present if any_of and any_of[0] else len(present) == len(needed), (task["name"], needed)
    assert errors == [], "%s: %r" % (task["name"], errors)
    # awx.awx posts the links of an approval node to its approval template (github.com/ansible/awx/issues/8777):
    # an approval node is created in one task, linked in another
    if "approval_node" in given:
        assert not {"success_nodes", "failure_nodes", "always_nodes"} & set(given), task["name"]
    assert not {"controller_host", "controller_oauthtoken", "controller_password"} & set(given), (
        "the controller's address and token come from CONTROLLER_HOST / CONTROLLER_OAUTH_TOKEN"
    )


def run_loader(tmp_path: Path, *extra: str) -> tuple[list[tuple[str, dict[str, Any]]], str]:
    """Run load.yml against the stand-in awx.awx: the (module, validated parameters) of every call, and the output."""
    collections = stub_collection.write_stub_collection(tmp_path / "collections")
    record = tmp_path / "calls.jsonl"
    record.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_DEPRECATION_WARNINGS="0",
        ANSIBLE_PIPELINING="1",  # the stand-in modules run in the local Python, no temporary files
        AWX_STUB_RECORD=str(record),
        CONTROLLER_HOST="https://controller.test",
        CONTROLLER_OAUTH_TOKEN="token-of-the-test",
    )
    env.pop("ANSIBLE_CONFIG", None)
    command = [sys.executable, "-m", "ansible.cli.playbook", "-i", "localhost,", str(LOADER)]
    command += ["-e", "ansible_python_interpreter=%s" % sys.executable, *extra]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    calls = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    return [(call["module"], call["params"]) for call in calls], done.stdout


def by_module(calls, module):
    return [params for name, params in calls if name == module]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    return run_loader(tmp_path_factory.mktemp("loader"))


def test_the_stand_in_refuses_what_the_module_refuses(tmp_path):
    """The harness can fail: an unknown option, a value out of the choices and a wrong type are refused."""
    collections = stub_collection.write_stub_collection(tmp_path / "collections")
    playbook = tmp_path / "bad.yml"
    bad = [
        {"name": "job_template", "verbosity": 7},
        {"name": "job_template", "no_such_option": True},
        {"name": "job_template", "survey_spec": "not a dict"},
    ]
    tasks = [{"name": "bad %d" % i, "awx.awx.job_template": args, "ignore_errors": True} for i, args in enumerate(bad)]
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]), encoding="utf-8")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp_path / "t"))
    command = [sys.executable, "-m", "ansible.cli.playbook", "-i", "localhost,", "-c", "local", str(playbook)]
    command += ["-e", "ansible_python_interpreter=%s" % sys.executable]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.stdout.count("fatal: [localhost]: FAILED!") == 3 and "ignored=3" in done.stdout, done.stdout[-3000:]
    assert "value of verbosity must be one of" in done.stdout
    assert "Unsupported parameters" in done.stdout and "no_such_option" in done.stdout
    assert "survey_spec" in done.stdout


def test_the_loader_runs_against_the_module_specs(default_run):
    calls, _output = default_run
    assert calls, "no awx.awx call"
    for _module, params in calls:  # the env fallbacks of awx.awx: the controller's address and token
        assert params["controller_host"] == "https://controller.test"
        assert params["controller_oauthtoken"] == "token-of-the-test"
    assert [m for m, _p in calls if m == "credential"] == [], "no credential without its inputs"
    assert [m for m, _p in calls if m == "execution_environment"] == [], "no execution environment without its image"


def test_credential_types_are_the_files(default_run):
    calls, _output = default_run
    created = {params["name"]: params for params in by_module(calls, "credential_type")}
    files = [load(path) for path in sorted((AWX / "credential_types").glob("*.yml"))]
    assert sorted(created) == sorted(f["name"] for f in files)
    for expected in files:
        params = created[expected["name"]]
        assert {key: params[key] for key in expected} == expected, expected["name"]


def test_project_inventory_and_job_templates(default_run):
    calls, _output = default_run
    (project,) = by_module(calls, "project")
    assert project["scm_type"] == "git" and project["scm_url"].startswith("https://") and project["wait"] is True
    (inventory,) = by_module(calls, "inventory")
    (host,) = by_module(calls, "host")
    assert host["name"] == "localhost" and host["inventory"] == inventory["name"]
    assert host["variables"] == {"ansible_connection": "local"}
    templates = {params["name"]: params for params in by_module(calls, "job_template")}
    names = [base_template(f)["name"] for f in ("onboarding.yml", "offboarding.yml", "access_review.yml")]
    names += [name for workflow in WORKFLOWS.values() for name in workflow[2:]]
    names += [DRIFT_CHECK]
    assert sorted(templates) == sorted(names)
    for params in templates.values():
        assert params["project"] == project["name"] and params["inventory"] == inventory["name"]
        assert params["organization"] == project["organization"] == inventory["organization"]
        assert params["execution_environment"] == project["default_environment"]
        assert params["credentials"] == [
            "Atlassian Bitbucket API token - acme",
            "Atlassian organization Admin API key - acme",
            "Atlassian SCIM directory key - acme",
        ]
        assert (AWX / "project" / params["playbook"]).is_file()
    for filename in ("onboarding.yml", "offboarding.yml", "access_review.yml"):
        base = base_template(filename)
        params = templates[base["name"]]
        overridden = {"inventory", "project", "execution_environment", "credentials"}
        assert {key: params[key] for key in base if key not in overridden} == {
            k: v for k, v in base.items() if k not in overridden
        }


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_plan_and_apply_templates(default_run, workflow):
    calls, _output = default_run
    filename, mode, plan_name, apply_name = WORKFLOWS[workflow]
    base = base_template(filename)
    templates = {params["name"]: params for params in by_module(calls, "job_template")}
    plan, apply = templates[plan_name], templates[apply_name]
    for params, value in ((plan, "plan"), (apply, "apply")):
        assert params["playbook"] == base["playbook"] and params["job_type"] == "run"
        assert params["extra_vars"] == dict(base.get("extra_vars") or {}, **{mode: value})
        assert params["ask_job_type_on_launch"] is False, "a Check job of a plan or apply template makes no sense"
    assert plan["survey_enabled"] is True and plan["survey_spec"] == base["survey_spec"]
    assert plan["ask_variables_on_launch"] is True
    # the apply template has no survey (survey_spec {} deletes one) and takes no launch variables: its plan comes from
    # the workflow (the plan job's artifact), never from whoever launches it
    assert apply["survey_enabled"] is False and apply["survey_spec"] == {}
    assert apply["ask_variables_on_launch"] is False


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_approved_workflow_graph(default_run, workflow):
    calls, _output = default_run
    filename, _mode, plan_name, apply_name = WORKFLOWS[workflow]
    (wfjt,) = [p for p in by_module(calls, "workflow_job_template") if p["name"] == workflow]
    assert wfjt["survey_enabled"] is True and wfjt["survey_spec"] == base_template(filename)["survey_spec"]
    assert wfjt["ask_variables_on_launch"] is False, "launch variables would reach every node and could set the mode"
    order = [
        (i, p) for i, (m, p) in enumerate(calls) if m == "workflow_job_template_node" and p["workflow_job_template"] == workflow
    ]
    assert all(p["organization"] == wfjt["organization"] for _i, p in order)
    created = {p["identifier"]: (i, p) for i, p in order if p["unified_job_template"] or p["approval_node"]}
    assert sorted(created) == ["apply", "approval", "plan"]
    assert created["plan"][1]["unified_job_template"] == plan_name
    assert created["apply"][1]["unified_job_template"] == apply_name
    approval = created["approval"][1]["approval_node"]
    documented = SNAPSHOT["modules"]["workflow_job_template_node"]["doc_suboptions"]["approval_node"]
    assert suboption_errors("approval_node", documented, approval) == []
    assert isinstance(approval["timeout"], int) and 3600 <= approval["timeout"] < 24 * 3600, "under the plan's 24 h"
    assert "output" in approval["description"] and "artifacts" in approval["description"]
    assert "accessops_plan" in approval["description"]
    edges = set()
    for i, p in order:
        for kind in ("success_nodes", "failure_nodes", "always_nodes"):
            for child in p[kind] or []:
                assert created[child][0] < i and created[p["identifier"]][0] < i, "linked before it exists"
                edges.add((p["identifier"], kind, child))
        if p["approval_node"]:
            assert not (p["success_nodes"] or p["failure_nodes"] or p["always_nodes"]), "github.com/ansible/awx/issues/8777"
    assert edges == {("plan", "success_nodes", "approval"), ("approval", "success_nodes", "apply")}
    # the nodes are created after their job templates and workflow
    first_node = order[0][0]
    assert first_node > max(i for i, (m, p) in enumerate(calls) if m in ("job_template", "workflow_job_template"))


def test_weekly_access_review_schedule(default_run):
    calls, _output = default_run
    (schedule,) = [
        p for p in by_module(calls, "schedule") if p["unified_job_template"] == base_template("access_review.yml")["name"]
    ]
    assert schedule["enabled"] is True
    assert schedule["rrule"].startswith("DTSTART") and "RRULE:FREQ=WEEKLY" in schedule["rrule"]


def test_workspace_access_drift_check_template(default_run):
    """The drift check is the plan of workspace access that fails on drift: the plan template's playbook, survey and
    extra vars, plus workspace_access_fail_on_drift; no launch variables (they could set the mode)."""
    calls, _output = default_run
    templates = {params["name"]: params for params in by_module(calls, "job_template")}
    base = base_template("workspace_access.yml")
    drift, plan = templates[DRIFT_CHECK], templates["Workspace access (plan)"]
    assert drift["playbook"] == plan["playbook"] == base["playbook"] and drift["job_type"] == "run"
    assert drift["extra_vars"] == dict(plan["extra_vars"], workspace_access_fail_on_drift=True)
    assert drift["extra_vars"]["workspace_access_mode"] == "plan"
    assert drift["survey_enabled"] is True and drift["survey_spec"] == base["survey_spec"]
    assert drift["ask_variables_on_launch"] is False and drift["ask_job_type_on_launch"] is False
    assert all(q["required"] is False for q in base["survey_spec"]["spec"]), "a scheduled launch answers no question"


def test_nightly_workspace_access_drift_check_schedule(default_run):
    calls, _output = default_run
    (schedule,) = [p for p in by_module(calls, "schedule") if p["unified_job_template"] == DRIFT_CHECK]
    assert schedule["enabled"] is True and schedule["extra_data"] == {}
    assert schedule["rrule"].startswith("DTSTART") and "RRULE:FREQ=DAILY" in schedule["rrule"]
    # created after the job template it launches
    order = [m for m, _p in calls]
    assert order.index("schedule") > max(i for i, m in enumerate(order) if m == "job_template")


def test_drift_check_schedule_answers(tmp_path):
    answers = {"workspace_access_workspace": "acme-eu", "workspace_access_survey_file": "access/eu.yml"}
    calls, _output = run_loader(tmp_path, "-e", json.dumps({"accessops_workspace_access_drift_check_answers": answers}))
    (schedule,) = [p for p in by_module(calls, "schedule") if p["unified_job_template"] == DRIFT_CHECK]
    assert schedule["extra_data"] == answers
    survey = {q["variable"] for q in base_template("workspace_access.yml")["survey_spec"]["spec"]}
    assert set(answers) <= survey, "a schedule of a template without launch variables passes survey answers only"


def test_overrides_credentials_and_execution_environment(tmp_path):
    secrets = {"bitbucket": {"username": "automation@acme.example", "api_token": "loader-test-secret-1"}}
    variables = {
        "accessops_organization": "Acme",
        "accessops_credential_scim": "",
        "accessops_credential_inputs": secrets,
        "accessops_execution_environment_image": "registry.example/accessops-atlassian-ee:0.3.0",
        "accessops_create_inventory": False,
        "accessops_project_scm_credential": "Git - acme",
    }
    calls, output = run_loader(tmp_path, "-e", json.dumps(variables))
    (credential,) = by_module(calls, "credential")
    assert credential["name"] == "Atlassian Bitbucket API token - acme"
    assert credential["credential_type"] == load(AWX / "credential_types" / "bitbucket_api_token.yml")["name"]
    assert credential["inputs"] == secrets["bitbucket"] and credential["organization"] == "Acme"
    assert "loader-test-secret-1" not in output, "the credential task is no_log"
    (ee,) = by_module(calls, "execution_environment")
    assert ee["image"] == variables["accessops_execution_environment_image"]
    assert by_module(calls, "inventory") == [] and by_module(calls, "host") == []
    (project,) = by_module(calls, "project")
    assert project["credential"] == "Git - acme" and project["organization"] == "Acme"
    for params in by_module(calls, "job_template"):
        assert params["credentials"] == ["Atlassian Bitbucket API token - acme", "Atlassian organization Admin API key - acme"]
        assert params["organization"] == "Acme"
