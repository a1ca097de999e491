# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the AWX job templates of docs/awx as AWX runs them: through ansible-runner's Python API.

What test_awx_runner.py and test_awx_plan_workflow.py share:

* the job's environment: what the shipped credential types (docs/awx/credential_types) inject for the demo
  credentials, rendered the way AWX renders injectors (``injected_env``);
* the job's extra vars: a launch validated against the survey as AWX's API validates it (``survey_extravars``), then
  the template's extra vars, the survey defaults that pass validation and the launch's variables (``merge_extravars``),
  AWX's ``awx_*`` / ``tower_*`` variables on top (``awx_meta_vars``), written to ``env/extravars`` as AWX writes it:
  every value not set by the job template itself marked ``!unsafe`` (``awx_safe_dump``);
* the job's artifacts as AWX reads them: the ``artifact_data`` of the events (the ``set_stats`` data ansible-runner's
  callback puts in the ``playbook_on_stats`` event), ``job_artifacts``;
* no secret, no 8-character piece of one and no base64 HTTP Basic form of one in any job event or in the stdout
  (``assert_no_secret``);
* the stand-in ``awx.awx`` (tests/awx/stub_collection.py) that ``docs/awx/load.yml`` runs against, to read the job
  templates and workflows the loader creates (``run_loader``).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ansible_runner
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from atlsim import demo
from role_helpers import writes as role_writes

ROOT = Path(__file__).resolve().parents[2]
AWX = ROOT / "docs" / "awx"
CONNECTION_PREFIXES = ("BITBUCKET_", "ATLASSIAN_SCIM_", "ATLASSIAN_ADMIN_", "ATLASSIAN_ORG_ID")
# The private data directory is mounted at /runner in AWX's execution environment; without a container, paths under
# /runner (offboarding_report_dir of the job template) are mapped to the private data directory.
EE_RUNNER_DIR = "/runner"


def load(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def credentials(sim) -> list[tuple[str, dict[str, str]]]:
    """(credential type file, the credential's inputs) of the job: the demo organization's public test values."""
    return [
        ("bitbucket_api_token.yml", {"username": demo.ADMIN[0], "api_token": demo.ADMIN[1], "api_url": sim.api_url}),
        ("atlassian_admin_api_key.yml", {"org_id": demo.ORG_ID, "admin_api_key": demo.ADMIN_API_KEY, "admin_url": sim.url}),
        (
            "atlassian_scim_directory.yml",
            {"directory_id": demo.SCIM_DIRECTORY, "scim_token": demo.SCIM_API_KEY, "scim_url": sim.scim_url},
        ),
    ]


def injected_env(sim) -> tuple[dict[str, str], list[str], list[str]]:
    """The environment AWX gives the job for its credentials (ImmutableSandboxedEnvironment, as AWX renders them)."""
    env, secrets, usernames = {}, [], []
    render = ImmutableSandboxedEnvironment()
    for filename, inputs in credentials(sim):
        credential_type = load(AWX / "credential_types" / filename)
        for field_ in credential_type["inputs"]["fields"]:
            if field_.get("secret"):
                secrets.append(inputs[field_["id"]])
        for variable, template in credential_type["injectors"]["env"].items():
            assert variable not in env, "two credential types inject %s" % variable
            env[variable] = render.from_string(template).render(**inputs)
        if "username" in inputs:
            usernames.append(inputs["username"])
    return env, secrets, usernames


class LaunchRefused(AssertionError):
    """AWX answers the launch with 400 (variables_needed_to_start)."""


def survey_errors(question: dict[str, Any], data: dict[str, Any], validate_required: bool = True) -> list[str]:
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


def validate_launch(spec: list[dict[str, Any]], given: dict[str, Any]) -> None:
    """LaunchRefused when AWX's API refuses the launch's survey answers and extra vars (one dict)."""
    errors = [error for question in spec for error in survey_errors(question, given)]
    if errors:
        raise LaunchRefused("variables_needed_to_start: %r" % errors)


def merge_extravars(template_extra_vars: dict[str, Any], spec: list[dict[str, Any]], runtime: dict[str, Any]) -> dict[str, Any]:
    """The extra vars of the job a template creates (SurveyJobTemplateMixin._update_unified_job_kwargs): the
    template's, the survey defaults that pass validation (a multiselect default written as text does not), then the
    runtime variables (survey answers, launch variables; in a workflow, the ancestors' artifacts and the workflow's
    variables)."""
    extravars = dict(template_extra_vars or {})
    for question in spec:
        default = question.get("default")
        if default is not None and not survey_errors(question, {question["variable"]: default}):
            extravars[question["variable"]] = default
    extravars.update(runtime)
    return extravars


def survey_extravars(filename: str, answers: dict[str, Any], launch_vars: dict[str, Any] | None = None):
    """The extra vars of a job launched over AWX's API (a workflow node, an Event-Driven Ansible rulebook,
    awx.awx.job_launch; the UI sends every answer, defaults included, the same way): the survey answers and the
    launch's extra vars are one dict, validated question by question (LaunchRefused: "'<variable>' value missing" for
    a required question without an answer, even one with a default); then the job's extra vars are the template's,
    the survey defaults that pass the same validation, and the launch's."""
    (template,) = load(AWX / "job_templates" / filename)["controller_templates"]
    spec = template["survey_spec"]["spec"]
    given = dict(answers)
    if launch_vars:
        assert template.get("ask_variables_on_launch") is True, "extra vars at launch are not prompted"
        given.update(launch_vars)
    validate_launch(spec, given)
    unknown = set(answers) - {q["variable"] for q in spec}
    assert not unknown, "answers to no question: %r" % unknown
    return template, merge_extravars(template.get("extra_vars") or {}, spec, given)


class _UnsafeStringDumper(yaml.SafeDumper):
    """AWX's SafeStringDumper (awx/main/utils/safe_yaml.py): every string, keys included, is dumped ``!unsafe``."""

    def represent_data(self, data):
        if isinstance(data, str):
            return self.represent_scalar("!unsafe", data)
        return super().represent_data(data)


def awx_safe_dump(extra_vars: dict[str, Any], safe_dict: dict[str, Any]) -> str:
    """The ``env/extravars`` file AWX writes (safe_dump with ALLOW_JINJA_IN_EXTRA_VARS=template): a variable is
    trusted only when the job template's own extra vars set it to that value; all others (survey answers, launch
    variables, artifacts of a workflow's earlier jobs) are ``!unsafe``: Ansible never templates them."""
    groups = []
    for key, value in extra_vars.items():
        dumper = yaml.SafeDumper if key in safe_dict and safe_dict[key] == value else _UnsafeStringDumper
        groups.append(yaml.dump_all([{key: value}], Dumper=dumper, default_flow_style=False, allow_unicode=True).strip())
    return "\n".join(groups)


def awx_meta_vars(
    job_id: int, template_name: str, user: str = "alice", workflow: tuple[int, str] | None = None
) -> dict[str, Any]:
    """The ``awx_*`` and ``tower_*`` variables AWX adds to every job (UnifiedJob.awx_meta_vars, Job.awx_meta_vars):
    they override the template's extra vars. A job of a workflow is created by the workflow's launcher."""
    meta: dict[str, Any] = {}
    for prefix in ("awx", "tower"):
        meta.update(
            {
                "%s_job_id" % prefix: job_id,
                "%s_job_launch_type" % prefix: "workflow" if workflow else "manual",
                "%s_user_id" % prefix: 7,
                "%s_user_name" % prefix: user,
                "%s_user_email" % prefix: "%s@acme.example" % user,
                "%s_job_template_id" % prefix: 100 + job_id,
                "%s_job_template_name" % prefix: template_name,
            }
        )
        if workflow:
            meta.update({"%s_workflow_job_id" % prefix: workflow[0], "%s_workflow_job_name" % prefix: workflow[1]})
    return meta


def forbidden_forms(secrets: list[str], usernames: list[str]) -> set[str]:
    """Every secret, each 8-character piece of it, and the base64 Basic header forms."""
    forms = set()
    for secret in secrets:
        forms.add(secret)
        forms.update(secret[i : i + 8] for i in range(len(secret) - 7))
        forms.add(base64.b64encode(secret.encode()).decode())
        for username in usernames:
            forms.add(base64.b64encode(("%s:%s" % (username, secret)).encode()).decode())
    return forms


@dataclass
class Job:
    """One job run through ansible-runner: its status, events, stdout, event files and artifacts."""

    runner: Any
    events: list[dict[str, Any]]
    stdout: str
    job_events: list[str]
    forms: set[str]
    extravars: dict[str, Any] = field(default_factory=dict)

    @property
    def artifacts(self) -> dict[str, Any]:
        return job_artifacts(self.events)


def job_artifacts(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The job's artifacts as AWX stores them (RunnerCallback.event_handler: the ``artifact_data`` of an event
    replaces them; ansible-runner's callback puts the play's set_stats data, aggregated over hosts, in the
    ``playbook_on_stats`` event)."""
    artifacts: dict[str, Any] = {}
    for event in events:
        data = event.get("event_data", {}).get("artifact_data")
        if data:
            artifacts = data
    return artifacts


def run_template(
    tmp_path: Path,
    sim,
    ansible_collections_path: str,
    name: str,
    playbook: str,
    extravars: dict[str, Any],
    *,
    safe_dict: dict[str, Any] | None = None,
    meta: dict[str, Any] | None = None,
    check: bool = False,
    diff: bool = False,
    allow_jinja: str = "template",
) -> Job:
    """Run ``playbook`` of docs/awx/project as a job: the credentials' environment, ``extravars`` (plus ``meta``, the
    awx_* variables) written to env/extravars as AWX writes it (``safe_dict``: the job template's own extra vars;
    ``allow_jinja``: AWX's setting ALLOW_JINJA_IN_EXTRA_VARS, ``template`` by default, ``always`` trusts every
    variable, ``never`` none), localhost inventory, -vvv."""
    env, secrets, usernames = injected_env(sim)
    private = tmp_path / ("runner-" + name)
    extravars = dict(extravars)
    extravars.update(meta or {})
    text = json.dumps(extravars)
    assert not any(secret in text for secret in secrets), "credentials must not travel as extra vars"
    assert not any(var.startswith(("api_token", "scim_token", "admin_api_key")) for var in extravars)
    extravars = {k: mapped_runner_path(v, private) for k, v in extravars.items()}
    safe = {
        "template": {k: mapped_runner_path(v, private) for k, v in (safe_dict or {}).items()},
        "always": extravars,
        "never": {},
    }
    safe = safe[allow_jinja]
    shutil.copytree(AWX / "project", private / "project")
    (private / "env").mkdir()
    extravars_file = private / "env" / "extravars"
    extravars_file.write_text(awx_safe_dump(extravars, safe), encoding="utf-8")
    extravars_file.chmod(0o600)
    envvars = dict(env)
    envvars.update(
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        ANSIBLE_COLLECTIONS_PATH=ansible_collections_path,
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_DEPRECATION_WARNINGS="0",
    )
    options = (["--check"] if check else []) + (["--diff"] if diff else [])
    inventory = {"all": {"hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}
    sim.clear_log()
    runner = ansible_runner.run(
        private_data_dir=str(private),
        playbook=playbook,
        inventory=inventory,
        envvars=envvars,
        cmdline=" ".join(options) or None,
        verbosity=3,
        quiet=True,
        timeout=600,
    )
    events = list(runner.events)
    with open(runner.stdout.name, encoding="utf-8") as handle:  # the job's stdout, as AWX shows it
        stdout = handle.read()
    job_events = [path.read_text(encoding="utf-8") for path in (private / "artifacts").glob("*/job_events/*.json")]
    return Job(runner, events, stdout, job_events, forbidden_forms(secrets, usernames), extravars)


def mapped_runner_path(value: Any, private: Path) -> Any:
    """A path under the execution environment's /runner, mapped to the private data directory it mounts."""
    if isinstance(value, str) and (value == EE_RUNNER_DIR or value.startswith(EE_RUNNER_DIR + "/")):
        return str(private) + value[len(EE_RUNNER_DIR) :]
    return value


def run_job(tmp_path, sim, ansible_collections_path, filename, answers, check=False, launch_vars=None):
    """A job of the job template docs/awx/job_templates/<filename> launched with ``answers`` (and launch variables)."""
    template, extravars = survey_extravars(filename, answers, launch_vars)
    job = run_template(
        tmp_path,
        sim,
        ansible_collections_path,
        filename.split(".")[0],
        template["playbook"],
        extravars,
        safe_dict=template.get("extra_vars") or {},
        meta=awx_meta_vars(1, template["name"]),
        check=check,
        diff=bool(template.get("diff_mode")),
    )
    return job.runner, job.events, job.stdout, job.job_events, job.forms


def assert_no_secret(events, stdout, job_events, forms) -> None:
    assert len(events) > 10 and len(job_events) == len(events), (len(events), len(job_events))
    # -vvv shows where each module ran (plugin_utils/_in_process.py) and any connection a task opened
    assert "runs in the worker process" in stdout or "<localhost> ESTABLISH LOCAL CONNECTION" in stdout, "not a -vvv run"
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
    """``(method, path)`` of the requests that can change something (the Admin API's POST searches are reads)."""
    return role_writes(log)


def _stub_collection_module():
    spec = importlib.util.spec_from_file_location("awx_stub_collection", ROOT / "tests" / "awx" / "stub_collection.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_loader(tmp_path: Path) -> list[tuple[str, dict[str, Any]]]:
    """Run docs/awx/load.yml against the stand-in awx.awx (tests/awx/stub_collection.py, the modules' argument specs):
    the (module, validated parameters) of every call, in order: what the loader creates in the controller."""
    collections = _stub_collection_module().write_stub_collection(tmp_path / "collections")
    record = tmp_path / "calls.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "CONTROLLER_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_DEPRECATION_WARNINGS="0",
        ANSIBLE_PIPELINING="1",
        AWX_STUB_RECORD=str(record),
        CONTROLLER_HOST="https://controller.test",
        CONTROLLER_OAUTH_TOKEN="token-of-the-test",
    )
    command = [sys.executable, "-m", "ansible.cli.playbook", "-i", "localhost,", str(AWX / "load.yml")]
    command += ["-e", "ansible_python_interpreter=%s" % sys.executable]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    calls = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    return [(call["module"], call["params"]) for call in calls]
