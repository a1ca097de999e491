# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_scim_user_info through real ansible-playbook runs against the simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

PLAYBOOKS = Path(__file__).parent / "playbooks"
SEEDED = ["dev001@acme.example", "dev002@acme.example", "newhire01@acme.example"]


def run_info(ansible_run, check=False, **options):
    text = (PLAYBOOKS / "scim_user_info.yml").read_text(encoding="utf-8")
    result = ansible_run(text, check=check, extra_vars=options)
    assert result.rc == 0, result.stdout + result.stderr
    return result.tasks[0]


@pytest.mark.parametrize(
    "options, expected",
    [
        ({}, SEEDED),
        ({"active": True}, SEEDED[:2]),
        ({"active": False}, SEEDED[2:]),
        ({"user_name": "DEV002@acme.example"}, ["dev002@acme.example"]),
        ({"external_id": "okta-00u-newhire01"}, ["newhire01@acme.example"]),
        ({"external_id": "okta-00u-newhire01", "active": True}, []),
        ({"user_name": "nobody@acme.example"}, []),
    ],
)
def test_reads_the_users_asked_for(sim, ansible_run, options, expected):
    task = run_info(ansible_run, **options)
    assert task["changed"] is False
    assert sorted(u["userName"] for u in task["users"]) == expected
    assert task["total"] == len(expected)
    assert task["api_calls"] == {"total": 1, "GET": 1}
    assert sim.writes() == []
    queries = [e["query"] for e in sim.log() if e["path"].startswith("/scim/")]
    assert len(queries) == 1
    if "user_name" in options or "external_id" in options:
        assert "filter=" in queries[0]
    else:
        assert "filter=" not in queries[0]


def test_users_carry_the_atlassian_account_id(sim, ansible_run):
    task = run_info(ansible_run, user_name="dev001@acme.example")
    extension = task["users"][0]["urn:scim:schemas:extension:atlassian-external:1.0"]
    assert extension["atlassianAccountId"]


def test_check_mode_reads_the_same(sim, ansible_run):
    task = run_info(ansible_run, check=True)
    assert task["total"] == 3 and sim.writes() == []


def test_rejects_user_name_with_external_id(sim, ansible_run):
    text = (PLAYBOOKS / "scim_user_info.yml").read_text(encoding="utf-8")
    result = ansible_run(text, extra_vars={"user_name": "a", "external_id": "b"})
    assert result.rc == 2
    assert "mutually exclusive" in result.tasks[0]["msg"]
    assert sim.log() == []
