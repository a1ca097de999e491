# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The input play of docs/awx/project/onboarding.yml and offboarding.yml, run by ansible-playbook (offline, no module
of the collection): a launch naming nobody is refused; a launch with the people lists or with a plan to apply
(accessops_plan, the apply job of an approved workflow) passes; every extra var passes through unchanged; the survey
becomes the roles' lists only when it names someone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PROJECT = ROOT / "docs" / "awx" / "project"
PLAN = {"version": 1, "id": "0" * 64, "role": "x", "items": []}
CASES = {
    "onboarding.yml": [
        ("nobody", {}, "refused", None),
        ("plan only", {"accessops_plan": PLAN, "onboarding_mode": "apply"}, "ok", None),
        (
            "people list",
            {"onboarding_people": [{"email": "a@acme.example"}], "onboarding_mode": "plan"},
            "ok",
            [{"email": "a@acme.example"}],
        ),
        (
            "survey and plan",
            {
                "onboarding_survey_email": " b@acme.example ",
                "onboarding_survey_repositories": "infra-core write",
                "accessops_plan": PLAN,
            },
            "ok",
            [
                {
                    "email": "b@acme.example",
                    "groups": [],
                    "repositories": [{"name": "infra-core", "permission": "write"}],
                    "projects": [],
                }
            ],
        ),
        ("blank survey", {"onboarding_survey_email": "  "}, "refused", None),
    ],
    "offboarding.yml": [
        ("nobody", {}, "refused", None),
        ("plan only", {"accessops_plan": PLAN, "offboarding_mode": "apply"}, "ok", None),
        ("people list", {"offboarding_people": ["a@acme.example"]}, "ok", ["a@acme.example"]),
        (
            "survey",
            {"offboarding_survey_people": "a@acme.example\n\n b@acme.example\n", "accessops_plan": PLAN},
            "ok",
            ["a@acme.example", "b@acme.example"],
        ),
    ],
}
PASSED_THROUGH = ("accessops_plan", "onboarding_mode", "offboarding_mode", "onboarding_people", "offboarding_people")


def input_play(filename: str) -> dict[str, Any]:
    plays = yaml.safe_load((PROJECT / filename).read_text(encoding="utf-8"))
    assert plays[-1]["ansible.builtin.import_playbook"] == "accessops.atlassian.%s" % filename.split(".", maxsplit=1)[0]
    (play,) = plays[:-1]
    return play


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[tuple[str, str], dict[str, Any]]:
    """One ansible-playbook run: one host per case (facts do not leak between cases), the case's variables as host
    variables (as is defined / default() see extra vars), the project play's tasks in a block whose rescue records
    the refusal, then what the role would receive."""
    tmp = tmp_path_factory.mktemp("project")
    plays, hosts = [], {}
    for filename, cases in CASES.items():
        for index, (label, variables, _expected, _people) in enumerate(cases):
            host = "%s_%d" % (filename.split(".", maxsplit=1)[0], index)
            hosts[host] = dict(variables, ansible_connection="local", ansible_python_interpreter=sys.executable)
            out = str(tmp / ("%s.json" % host))
            fields = [
                "'outcome': outcome | default('ok')",
                "'built': %s_people | default(None)" % filename.split(".", maxsplit=1)[0],
            ]
            fields += ["'%s': %s | default(None)" % (name, name) for name in PASSED_THROUGH]
            record = "{{ {%s} | to_json }}" % ", ".join(fields)
            plays.append(
                {
                    "name": "%s: %s" % (filename, label),
                    "hosts": host,
                    "gather_facts": False,
                    "tasks": [
                        {
                            "block": input_play(filename)["tasks"],
                            "rescue": [{"ansible.builtin.set_fact": {"outcome": "refused"}}],
                        },
                        {"ansible.builtin.copy": {"content": record, "dest": out, "mode": "0600"}},
                    ],
                }
            )
    (tmp / "inventory.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}), encoding="utf-8")
    (tmp / "play.yml").write_text(yaml.safe_dump(plays, sort_keys=False), encoding="utf-8")
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp / "t"), ANSIBLE_PIPELINING="1")
    env.pop("ANSIBLE_CONFIG", None)
    command = [sys.executable, "-m", "ansible.cli.playbook", "-i", str(tmp / "inventory.yml"), str(tmp / "play.yml")]
    done = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    results = {}
    for filename, cases in CASES.items():
        for index, (label, *_rest) in enumerate(cases):
            path = tmp / ("%s_%d.json" % (filename.split(".", maxsplit=1)[0], index))
            results[(filename, label)] = json.loads(path.read_text(encoding="utf-8"))
    return results


@pytest.mark.parametrize(("filename", "label"), [(f, case[0]) for f, cases in CASES.items() for case in cases])
def test_project_input_play(outcomes, filename, label):
    (variables, expected, people) = next(case[1:] for case in CASES[filename] if case[0] == label)
    result = outcomes[(filename, label)]
    assert result["outcome"] == expected
    if expected == "ok":
        for name in PASSED_THROUGH:  # extra vars reach the collection's playbook unchanged
            if name in variables:
                assert result[name] == variables[name], name
        assert result["built"] == people
    if label == "plan only":
        assert result["built"] is None, "no people list made up for an apply launch"


# docs/awx/project/workspace_access.yml: the declared file is a file of the project (the directory of the project
# playbook, as AWX runs it): the survey's relative path, access/<workspace>.yml without one; an absolute path or one
# leaving the project is refused; workspace_access_file in extra vars passes unchanged; apply needs a plan.
WORKSPACE_ACCESS_CASES = [
    ("default file", {"workspace_access_workspace": "acme"}, "ok", "access/acme.yml"),
    (
        "survey file",
        {"workspace_access_workspace": "acme", "workspace_access_survey_file": " teams/acme.yml "},
        "ok",
        "teams/acme.yml",
    ),
    (
        "absolute survey file",
        {"workspace_access_workspace": "acme", "workspace_access_survey_file": "/etc/passwd"},
        "refused",
        None,
    ),
    (
        "survey file outside",
        {"workspace_access_workspace": "acme", "workspace_access_survey_file": "access/../../x.yml"},
        "refused",
        None,
    ),
    ("extra var file", {"workspace_access_workspace": "acme", "workspace_access_file": "/srv/acme.yml"}, "ok", "/srv/acme.yml"),
    ("apply without a plan", {"workspace_access_workspace": "acme", "workspace_access_mode": "apply"}, "refused", None),
    (
        "apply with a plan",
        {"workspace_access_workspace": "acme", "workspace_access_mode": "apply", "accessops_plan_json": json.dumps(PLAN)},
        "ok",
        "access/acme.yml",
    ),
]


@pytest.fixture(scope="module")
def workspace_access_outcomes(tmp_path_factory) -> tuple[Path, dict[str, dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("workspace_access")
    play = input_play("workspace_access.yml")
    plays, hosts = [], {}
    for index, (label, variables, _expected, _file) in enumerate(WORKSPACE_ACCESS_CASES):
        host = "workspace_access_%d" % index
        hosts[host] = dict(variables, ansible_connection="local", ansible_python_interpreter=sys.executable)
        record = "{{ {'outcome': outcome | default('ok'), 'file': workspace_access_file | default(None)} | to_json }}"
        plays.append(
            {
                "name": "workspace_access.yml: %s" % label,
                "hosts": host,
                "gather_facts": False,
                "vars": play.get("vars", {}),
                "tasks": [
                    {"block": play["tasks"], "rescue": [{"ansible.builtin.set_fact": {"outcome": "refused"}}]},
                    {"ansible.builtin.copy": {"content": record, "dest": str(tmp / ("%s.json" % host)), "mode": "0600"}},
                ],
            }
        )
    (tmp / "inventory.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}), encoding="utf-8")
    (tmp / "play.yml").write_text(yaml.safe_dump(plays, sort_keys=False), encoding="utf-8")
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=str(tmp / "t"), ANSIBLE_PIPELINING="1")
    env.pop("ANSIBLE_CONFIG", None)
    command = [sys.executable, "-m", "ansible.cli.playbook", "-i", str(tmp / "inventory.yml"), str(tmp / "play.yml")]
    done = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    results = {
        label: json.loads((tmp / ("workspace_access_%d.json" % index)).read_text(encoding="utf-8"))
        for index, (label, *_rest) in enumerate(WORKSPACE_ACCESS_CASES)
    }
    return tmp, results


@pytest.mark.parametrize("label", [case[0] for case in WORKSPACE_ACCESS_CASES])
def test_workspace_access_input_play(workspace_access_outcomes, label):
    project_dir, results = workspace_access_outcomes
    (variables, expected, declared) = next(case[1:] for case in WORKSPACE_ACCESS_CASES if case[0] == label)
    result = results[label]
    assert result["outcome"] == expected
    if expected == "ok":
        if "workspace_access_file" in variables:
            assert result["file"] == variables["workspace_access_file"], "an extra var passes unchanged"
        else:
            assert result["file"] == str(project_dir / declared), "a file of the project, as an absolute path"
