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
