# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX / Automation Controller content under docs/awx matches the modules.

Each credential type's injectors set exactly the environment variables the modules read for its inputs (taken from
the argument specs in each product's connection.py, so a renamed variable or option fails here), its secret inputs are exactly the
options the modules mark no_log, its defaults are the modules' defaults, and the job templates' surveys are
well-formed and feed the variables the project playbooks and the roles read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import admin_argument_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.connection import bitbucket_argument_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.connection import scim_argument_spec

ROOT = Path(__file__).resolve().parents[3]
AWX = ROOT / "docs" / "awx"
SPECS = {"bitbucket": bitbucket_argument_spec(), "scim": scim_argument_spec(), "admin": admin_argument_spec()}
# Every connection (and auth method) has a credential type: the inputs it requires, the spec they belong to.
EXPECTED = {
    "bitbucket_api_token.yml": ("bitbucket", {"username", "api_token"}),
    "bitbucket_oauth_consumer.yml": ("bitbucket", {"client_id", "client_secret"}),
    "atlassian_scim_directory.yml": ("scim", {"directory_id", "scim_token"}),
    "atlassian_admin_api_key.yml": ("admin", {"org_id", "admin_api_key"}),
}
CREDENTIAL_TYPE_KEYS = {"name", "description", "kind", "inputs", "injectors"}
FIELD_KEYS = {"id", "type", "label", "help_text", "secret", "multiline", "choices", "format"}
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}
ENV = ImmutableSandboxedEnvironment()  # what AWX renders injectors with


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def env_fallback(option_spec):
    fallback = option_spec.get("fallback")
    return fallback[1][0] if fallback else None


def render_env(credential_type, inputs):
    """The environment AWX injects for a credential with these input values (missing inputs render empty)."""
    return {name: ENV.from_string(template).render(**inputs) for name, template in credential_type["injectors"]["env"].items()}


def test_every_connection_has_a_credential_type():
    assert sorted(p.name for p in (AWX / "credential_types").glob("*.yml")) == sorted(EXPECTED)


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_credential_type_shape(filename):
    credential_type = load(AWX / "credential_types" / filename)
    assert set(credential_type) <= CREDENTIAL_TYPE_KEYS and {"name", "kind", "inputs", "injectors"} <= set(credential_type)
    assert credential_type["kind"] == "cloud"
    assert set(credential_type["injectors"]) == {"env"}, "credentials reach the modules as environment variables only"
    fields = credential_type["inputs"]["fields"]
    for field in fields:
        assert set(field) <= FIELD_KEYS, field
        assert field["type"] == "string" and field["label"]
    ids = [field["id"] for field in fields]
    assert len(ids) == len(set(ids))
    spec_name, required = EXPECTED[filename]
    assert set(credential_type["inputs"]["required"]) == required


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_injectors_match_the_modules_env_fallbacks(filename):
    credential_type = load(AWX / "credential_types" / filename)
    spec = SPECS[EXPECTED[filename][0]]
    fields = credential_type["inputs"]["fields"]
    expected_env = {}
    for field in fields:
        assert field["id"] in spec, "input %r is no option of the modules" % field["id"]
        variable = env_fallback(spec[field["id"]])
        assert variable, "option %r has no environment fallback" % field["id"]
        expected_env[variable] = field["id"]
    injected = credential_type["injectors"]["env"]
    assert set(injected) == set(expected_env)
    for variable, template in injected.items():
        used = meta.find_undeclared_variables(ENV.parse(template))
        assert used == {expected_env[variable]}, "%s must render input %r only, not %r" % (variable, expected_env[variable], used)


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_secret_inputs_are_the_no_log_options(filename):
    credential_type = load(AWX / "credential_types" / filename)
    spec = SPECS[EXPECTED[filename][0]]
    for field in credential_type["inputs"]["fields"]:
        assert field.get("secret", False) is bool(spec[field["id"]].get("no_log")), field["id"]
        if "secret" in field:
            assert field["secret"] is True, "write secret: true, or leave it out (%s)" % field["id"]
    assert any(field.get("secret") is True for field in credential_type["inputs"]["fields"])


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_rendered_values_and_defaults(filename):
    """Given inputs are injected as they are; optional ones left empty become the modules' defaults (an empty
    variable would be refused by the modules)."""
    credential_type = load(AWX / "credential_types" / filename)
    spec = SPECS[EXPECTED[filename][0]]
    fields = credential_type["inputs"]["fields"]
    values = {field["id"]: "value-of-%s" % field["id"] for field in fields}
    by_input = {env_fallback(spec[name]): value for name, value in values.items()}
    assert render_env(credential_type, values) == by_input
    required = set(credential_type["inputs"]["required"])
    minimal = render_env(credential_type, {name: values[name] for name in required})
    for field in fields:
        variable = env_fallback(spec[field["id"]])
        if field["id"] in required:
            assert minimal[variable] == values[field["id"]]
        else:
            default = spec[field["id"]].get("default")
            assert default is not None, "optional input %r has no module default" % field["id"]
            assert minimal[variable] == default


TEMPLATES = {
    "onboarding.yml": "onboarding",
    "offboarding.yml": "offboarding",
    "access_review.yml": "access_review",
    "workspace_access.yml": "workspace_access",
}


def role_options(role):
    return load(ROOT / "roles" / role / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]


@pytest.mark.parametrize("filename", sorted(TEMPLATES))
def test_job_template_and_survey(filename):
    (template,) = load(AWX / "job_templates" / filename)["controller_templates"]
    assert template["playbook"] == filename and (AWX / "project" / filename).is_file()
    assert template["survey_enabled"] is True
    credential_names = {load(p)["name"] for p in (AWX / "credential_types").glob("*.yml")}
    assert template["credentials"], "a job template needs credentials"
    assert all(" - " in name and name.rsplit(" - ", 1)[0] in credential_names for name in template["credentials"])
    role = TEMPLATES[filename]
    options = role_options(role)
    project_playbook = (AWX / "project" / filename).read_text(encoding="utf-8")
    variables = [question["variable"] for question in template["survey_spec"]["spec"]]
    assert len(variables) == len(set(variables))
    for question in template["survey_spec"]["spec"]:
        assert question["type"] in SURVEY_TYPES and question["question_name"]
        assert isinstance(question["required"], bool)
        if question["type"] in ("multiplechoice", "multiselect"):
            defaults = str(question.get("default", "")).split("\n")
            assert all(d in question["choices"] for d in defaults if d), question
        # a survey variable is a role option, or the project playbook turns it into one
        assert question["variable"] in options or question["variable"] in project_playbook, question["variable"]
        if question["variable"] in options and "choices" in options[question["variable"]]:
            assert set(question["choices"]) <= set(options[question["variable"]]["choices"])
    for name in template.get("extra_vars", {}):
        assert name in options, name
    required = [name for name, option in options.items() if option.get("required")]
    for name in required:
        assert name in variables or name in template.get("extra_vars", {}) or "%s:" % name in project_playbook, name
