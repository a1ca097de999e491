# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The doc fragments are what tests/update_doc_fragments.py generates, and say what the argument specs do.

(a) Each fragment's generated sections equal the generator's output (else: run ``make doc-fragments``).
(b) Each connection fragment (bitbucket, scim, admin) and the full docs of the permission modules (fragments merged
    as ansible-core merges them) agree with the argument spec: the same options (suboptions too), type, elements,
    default, choices and required; the ``no_log`` options are exactly the secrets; every environment fallback
    variable is named in the option's description as ``E(VAR)``.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import admin_argument_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.connection import bitbucket_argument_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions import scopes
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.argspec import permission_argument_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.connection import scim_argument_spec

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "tests" / "update_doc_fragments.py"
FRAGMENTS = "ansible_collections.accessops.atlassian.plugins.doc_fragments"
MODULES = "ansible_collections.accessops.atlassian.plugins.modules"

# The secrets of each connection: exactly these options are no_log=True.
SECRETS = {
    "bitbucket": {"api_token", "access_token", "client_secret"},
    "scim": {"scim_token"},
    "admin": {"admin_api_key"},
}
SPECS = {"bitbucket": bitbucket_argument_spec, "scim": scim_argument_spec, "admin": admin_argument_spec}
# An option whose name looks like a secret must say no_log (True, or False when it is none: token_url), as ansible-test
# sanity's no-log-needed check asks.
SECRET_NAME = re.compile(r"(token|secret|key|pass(word)?)($|_)")
PERMISSION_MODULES = {
    "bitbucket_repo_permission": scopes.REPOSITORY,
    "bitbucket_project_permission": scopes.PROJECT,
}


def _generator():
    spec = importlib.util.spec_from_file_location("update_doc_fragments", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def _fragment(name, var="DOCUMENTATION"):
    cls = importlib.import_module(f"{FRAGMENTS}.{name}").ModuleDocFragment
    return yaml.safe_load(getattr(cls, var))


def _description(option):
    description = option.get("description", [])
    return " ".join([description] if isinstance(description, str) else description)


def _disagreements(doc_options, spec, where):
    """What the documented options and the argument spec disagree on, one message each."""
    problems = []
    for name in sorted(set(spec) - set(doc_options)):
        problems.append(f"{where}{name}: in the argument spec, not documented")
    for name in sorted(set(doc_options) - set(spec)):
        problems.append(f"{where}{name}: documented, not in the argument spec")
    for name in sorted(set(spec) & set(doc_options)):
        doc, arg, at = doc_options[name], spec[name], f"{where}{name}"
        for key, absent in (("type", "str"), ("elements", None), ("choices", None), ("required", False)):
            if doc.get(key, absent) != arg.get(key, absent):
                problems.append(f"{at}: {key} {doc.get(key, absent)!r} documented, {arg.get(key, absent)!r} in the spec")
        doc_default, arg_default = doc.get("default"), arg.get("default")
        if doc_default != arg_default or isinstance(doc_default, bool) != isinstance(arg_default, bool):
            problems.append(f"{at}: default {doc_default!r} documented, {arg_default!r} in the spec")
        for variable in (arg.get("fallback") or (None, []))[1]:
            if f"E({variable})" not in _description(doc):
                problems.append(f"{at}: the environment variable {variable} is not named as E({variable})")
        if SECRET_NAME.search(name) and "no_log" not in arg:
            problems.append(f"{at}: looks like a secret: set no_log in the spec")
        if "options" in arg or "suboptions" in doc:
            problems.extend(_disagreements(doc.get("suboptions", {}), arg.get("options", {}), f"{at}."))
    return problems


def _module_options(module_name):
    """The options of a module's docs with its fragments merged (a module's own option wins, as in ansible-core)."""
    doc = yaml.safe_load(importlib.import_module(f"{MODULES}.{module_name}").DOCUMENTATION)
    options = {}
    for slug in doc.get("extends_documentation_fragment", []):
        name = slug.removeprefix("accessops.atlassian.")
        var = "DOCUMENTATION"
        if "." in name:
            name, var = name.split(".", 1)
            var = var.upper()
        options.update(_fragment(name, var).get("options") or {})
    options.update(doc.get("options") or {})
    return options


@pytest.mark.parametrize("name", GEN.fragment_names())
def test_fragment_is_generated(name):
    path = ROOT / "plugins" / "doc_fragments" / f"{name}.py"
    text = path.read_text(encoding="utf-8")
    assert GEN.render(name, text) == text, (
        f"plugins/doc_fragments/{name}.py differs from what tests/update_doc_fragments.py generates: "
        "run make doc-fragments (edit the tables of the generator, not the generated section)"
    )


@pytest.mark.parametrize("product", sorted(SPECS))
def test_connection_fragment_matches_argument_spec(product):
    spec = SPECS[product]()
    problems = _disagreements(_fragment(product)["options"], spec, f"{product}: ")
    assert not problems, "\n".join(problems)
    secrets = {name for name, option in spec.items() if option.get("no_log")}
    assert secrets == SECRETS[product], (
        f"{product}: the no_log options are {sorted(secrets)}, the secrets are {sorted(SECRETS[product])}"
    )


@pytest.mark.parametrize("product", sorted(SPECS))
def test_common_options_come_from_the_table(product):
    documented = _fragment(product)["options"]
    for name, option in GEN.common_options(product).items():
        assert documented[name] == option
    assert set(GEN.COMMON_OPTIONS) <= set(SPECS[product]())


@pytest.mark.parametrize("module_name", sorted(PERMISSION_MODULES))
def test_permission_module_docs_match_argument_spec(module_name):
    scope = PERMISSION_MODULES[module_name]
    spec = permission_argument_spec(scope)
    problems = _disagreements(_module_options(module_name), spec, f"{module_name}: ")
    assert not problems, "\n".join(problems)
    assert GEN.SCOPES[scope.name.upper()]["levels"] == list(scope.levels)


def test_disagreements_are_found():
    """The checker itself: each kind of disagreement is named."""
    spec = {
        "a": {"type": "int", "default": 5, "fallback": (None, ["X_A"])},
        "b": {"type": "str", "choices": ["x", "y"]},
        "c": {"type": "bool", "default": True},
        "api_key": {"type": "str"},
        "d": {"type": "list", "elements": "dict", "options": {"e": {"type": "str", "required": True}}},
    }
    doc = {
        "a": {"description": "E(X_B)", "type": "int", "default": 6},
        "b": {"description": "", "type": "str", "choices": ["x"]},
        "c": {"description": "", "type": "bool", "default": 1},
        "api_key": {"description": "", "type": "str"},
        "d": {"description": "", "type": "list", "elements": "dict", "suboptions": {"e": {"description": "", "type": "str"}}},
        "f": {"description": "", "type": "str"},
    }
    problems = "\n".join(_disagreements(doc, spec, ""))
    for expected in (
        "a: default 6 documented, 5",
        "X_A is not named",
        "b: choices",
        "c: default 1 documented, True",
        "api_key: looks like a secret",
        "d.e: required False documented, True",
        "f: documented, not in the argument spec",
    ):
        assert expected in problems
