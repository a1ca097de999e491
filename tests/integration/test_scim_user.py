# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_scim_user through real ansible-playbook runs against the simulator: idempotence, check mode
that predicts exactly the real run, diff output, lost answers, errors, and the same playbook against a plain
RFC 7644 server (scim2-server without the Atlassian extension)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from atlsim import DEMO_SEED

PLAYBOOKS = Path(__file__).parent / "playbooks"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
USER = "integration.user@acme.example"
# locale is deprecated and never sent (Atlassian's ScimUser has no such attribute): set here as an older playbook would,
# it only gives LOCALE_WARNING. The strict simulator answers 400 to a body that carries it; the plain one stores it.
ATTRIBUTES = {
    "email": USER,
    "given_name": "Integration",
    "family_name": "User",
    "display_name": "Integration User",
    "title": "Engineer",
    "department": "Platform",
    "organization": "Acme",
    "timezone": "Europe/Paris",
    "preferred_language": "en-GB",
    "locale": "en-GB",
    "external_id": "idp-integration-1",
}
LOCALE_WARNING = (
    "Option locale is deprecated and ignored: Atlassian's SCIM schema has no locale attribute, so the module "
    "does not send, compare or report it; use preferred_language. The option will be removed in version "
    "1.0.0 of accessops.atlassian."
)


def playbook(name):
    return (PLAYBOOKS / name).read_text(encoding="utf-8")


def scim_calls(log):
    return [(e["method"], e["path"]) for e in log if e["path"].startswith("/scim/")]


def stored_users(sim):
    """The users of the demo directory as the simulator stores them (what the requests wrote)."""
    return sim.app.scim_app.users("demo-directory")


def assert_no_locale_sent(sim, *tasks):
    """No write was refused (the strict simulator answers 400 to locale) and no stored user has a locale."""
    assert [e for e in sim.writes() if (e["status"] or 0) >= 400] == []
    assert [u["userName"] for u in stored_users(sim) if "locale" in u] == []
    for task in tasks:
        assert "locale" not in json.dumps(task.get("diff")) and "locale" not in json.dumps(task.get("user"))


def run_user(ansible_run, check=False, diff=False, **options):
    result = ansible_run(playbook("scim_user.yml"), check=check, diff=diff, extra_vars=dict(user_name=USER, **options))
    assert result.rc in (0, 2), result.stdout + result.stderr
    assert len(result.tasks) == 1, result.stdout
    return result, result.tasks[0]


def test_first_run_creates_second_run_changes_nothing(sim, ansible_run):
    _run, first = run_user(ansible_run, **ATTRIBUTES)
    assert first["_status"] == "ok" and first["changed"] is True
    assert first["atlassian_account_id"]
    assert first["user"]["userName"] == USER and first["user"]["title"] == "Engineer"
    # Atlassian ignores the read-only enterprise extension of the POST: one PATCH sets them top-level.
    assert [m for m, _p in scim_calls(sim.log())] == ["GET", "POST", "PATCH"]
    assert (first["user"]["department"], first["user"]["organization"]) == ("Platform", "Acme")
    assert first["user"][ENTERPRISE] == {"department": "Platform", "organization": "Acme"}
    assert first["warnings"] == [LOCALE_WARNING]
    assert_no_locale_sent(sim, first)

    sim.clear_log()
    _run, second = run_user(ansible_run, **ATTRIBUTES)
    assert second["changed"] is False and second["warnings"] == [LOCALE_WARNING]
    assert second["atlassian_account_id"] == first["atlassian_account_id"]
    assert sim.writes() == []
    assert scim_calls(sim.log()) == [("GET", "/scim/directory/demo-directory/Users")]


SCENARIOS = {
    "create": (None, dict(ATTRIBUTES)),
    "update": (
        ATTRIBUTES,
        {
            "title": "Engineering Manager",
            "department": "Operations",
            "nick_name": "Int",
            "email": "integration.user2@acme.example",
            "locale": "",
        },
    ),
    "deactivate": (ATTRIBUTES, {"active": False}),
    "delete": (ATTRIBUTES, {"state": "absent"}),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_check_mode_predicts_exactly_what_the_real_run_changes(sim, ansible_run, scenario):
    setup, options = SCENARIOS[scenario]
    if setup:
        run_user(ansible_run, **setup)
    sim.clear_log()
    _run, predicted = run_user(ansible_run, check=True, diff=True, **options)
    assert predicted["changed"] is True
    assert sim.writes() == [], "check mode must only read"
    _run, real = run_user(ansible_run, diff=True, **options)
    assert real["changed"] is True
    assert predicted["diff"] == real["diff"]
    # A creation with department / organization on Atlassian is a POST then a PATCH; everything else one write.
    assert len(sim.writes()) == (2 if scenario == "create" else 1)
    _run, again = run_user(ansible_run, check=True, **options)
    assert again["changed"] is False, "after the real run there is nothing left to change"
    if "locale" in options:  # en-GB on creation, "" (which used to remove it) on update: warned about, never sent
        assert predicted["warnings"] == real["warnings"] == again["warnings"] == [LOCALE_WARNING]
    assert_no_locale_sent(sim, predicted, real)


def test_diff_output_shows_only_the_managed_attributes(sim, ansible_run):
    run_user(ansible_run, **ATTRIBUTES)
    result, task = run_user(ansible_run, diff=True, title="Staff Engineer", given_name="Integration")
    assert task["diff"] == {
        "before": {"user_name": USER, "given_name": "Integration", "title": "Engineer"},
        "after": {"user_name": USER, "given_name": "Integration", "title": "Staff Engineer"},
    }
    assert re.search(r'^-\s+"title": "Engineer",?$', result.stdout, re.M), result.stdout
    assert re.search(r'^\+\s+"title": "Staff Engineer",?$', result.stdout, re.M), result.stdout
    assert "department" not in result.stdout.split("TASK [Manage the user]")[1]


def test_one_patch_with_only_the_changed_attributes(sim, ansible_run):
    run_user(ansible_run, **ATTRIBUTES)
    sim.clear_log()
    changed = dict(ATTRIBUTES)
    changed.update(title="Principal Engineer", timezone="America/New_York")
    _run, task = run_user(ansible_run, **changed)
    assert task["changed"] is True
    assert [m for m, _p in scim_calls(sim.log())] == ["GET", "PATCH"]
    assert task["user"]["title"] == "Principal Engineer" and task["user"]["timezone"] == "America/New_York"
    assert task["user"]["name"] == {"givenName": "Integration", "familyName": "User"}


def test_lost_create_answer_is_not_repeated_and_the_user_is_adopted(sim, ansible_run):
    sim.faults(lose_write_answer_next={"count": 1, "method": "POST", "path_prefix": "/scim/"})
    _run, task = run_user(ansible_run, **ATTRIBUTES)
    assert task["_status"] == "ok" and task["changed"] is True
    assert [m for m, _p in scim_calls(sim.log())] == ["GET", "POST", "GET", "PATCH"]  # the PATCH: department top-level
    assert task["user"]["userName"] == USER and task["atlassian_account_id"]
    _run, again = run_user(ansible_run, **ATTRIBUTES)
    assert again["changed"] is False


def test_server_errors_on_reads_are_retried(sim, ansible_run):
    sim.faults(fail_next=[{"status": 503, "count": 1, "method": "GET", "path_prefix": "/scim/"}])
    _run, task = run_user(ansible_run, **ATTRIBUTES)
    assert task["_status"] == "ok" and task["changed"] is True
    assert task["api_calls"] == {"total": 4, "GET": 2, "POST": 1, "PATCH": 1}


@pytest.mark.parametrize(
    "token, directory, status, words",
    [
        ("wrong-scim-api-key-0123456789", "demo-directory", 401, "scim_token"),
        ("demo-scim-api-key", "no-such-directory", 404, "Unknown SCIM directory"),
    ],
)
def test_errors_fail_clearly_without_secrets(sim, ansible_run, token, directory, status, words):
    # The key comes from a variable, as it would from a vault (Ansible shows the task's source lines on failure).
    text = playbook("scim_user.yml").replace("scim_token: demo-scim-api-key", 'scim_token: "{{ scim_api_key }}"')
    text = text.replace("directory_id: demo-directory", "directory_id: " + directory)
    result = ansible_run(text, extra_vars={"user_name": USER, "title": "x", "scim_api_key": token})
    assert result.rc == 2
    task = result.tasks[0]
    assert task["_status"] == "failed"
    assert task["status"] == status and words in task["msg"]
    assert task["api_calls"] == {"total": 1, "GET": 1}
    for secret in ("wrong-scim-api-key-0123456789", "demo-scim-api-key"):
        assert secret not in result.stdout + result.stderr + json.dumps(task)


def _lifecycle(ansible_run, url):
    result = ansible_run(playbook("scim_user_lifecycle.yml"), diff=True, extra_vars={"sim_scim_url": url})
    assert result.rc == 0, result.stdout + result.stderr
    return result


def test_same_lifecycle_playbook_on_atlassian_and_on_a_plain_rfc7644_server(sim, sim_factory, ansible_run):
    atlassian = _lifecycle(ansible_run, sim.scim_url)
    plain_sim = sim_factory(DEMO_SEED, scim_extension=False)
    plain = _lifecycle(ansible_run, plain_sim.scim_url)
    assert atlassian.names == plain.names
    expected_changed = {
        "Create": True,
        "Same again": False,
        "Update": True,
        "Deactivate": True,
        "Audit the deactivated users": False,
        "Find by external id": False,
        "Delete": True,
        "Delete again": False,
        "Look it up": False,
    }
    for result in (atlassian, plain):
        assert dict(zip(result.names, (t["changed"] for t in result.tasks), strict=True)) == expected_changed
        assert sorted(u["userName"] for u in result.task("Audit the deactivated users")["users"]) == [
            "lifecycle.user@acme.example",
            "newhire01@acme.example",
        ]
        assert result.task("Find by external id")["total"] == 1
        assert result.task("Look it up")["total"] == 0
    for name in ("Create", "Update", "Deactivate", "Delete"):
        assert atlassian.task(name)["diff"] == plain.task(name)["diff"], name
    assert re.fullmatch(r"\d+:[0-9a-f-]+", atlassian.task("Create")["atlassian_account_id"])
    assert plain.task("Create")["atlassian_account_id"] is None
    assert plain.task("Update")["user"][ENTERPRISE] == {"department": "Operations", "organization": "Acme"}
    assert "department" not in plain.task("Update")["user"]
    updated = atlassian.task("Update")["user"]
    assert (updated["department"], updated["organization"]) == ("Operations", "Acme")
    assert updated[ENTERPRISE] == {"department": "Operations", "organization": "Acme"}
    assert plain_sim.writes() and not [e for e in plain_sim.log() if e["method"] == "PUT"]
    assert not [e for e in sim.log() if e["method"] == "PUT"]


# -- users: many users in one task ---------------------------------------------------------------------------

TEAM_SIZE = 20
TEAM_PLAY = """
- name: Manage many SCIM users
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/accessops.atlassian.scim:
      scim_url: "{{ sim_scim_url }}"
      directory_id: demo-directory
      scim_token: "{{ scim_api_key }}"
  tasks:
    - name: Manage the users
      accessops.atlassian.atlassian_scim_user:
        users: "{{ team }}"
        concurrency: "{{ concurrency | default(omit) }}"
"""


def _team(title_of_existing):
    """TEAM_SIZE users: the even ones exist after the set-up (with ``title_of_existing``), the odd ones are new."""
    team = []
    for number in range(TEAM_SIZE):
        name = "team%02d@acme.example" % number
        team.append(
            {
                "user_name": name,
                "email": name,
                "display_name": "Team Member %02d" % number,
                "title": title_of_existing if number % 2 == 0 else "Engineer",
            }
        )
    return team


def run_team(ansible_run, team, check=False, diff=False, **extra):
    result = ansible_run(TEAM_PLAY, check=check, diff=diff, extra_vars=dict(team=team, scim_api_key="demo-scim-api-key", **extra))
    assert result.rc in (0, 2), result.stdout + result.stderr
    assert len(result.tasks) == 1, result.stdout
    return result, result.tasks[0]


def test_users_half_existing_with_one_changed_attribute(sim, ansible_run):
    existing = [u for i, u in enumerate(_team("Engineer")) if i % 2 == 0]
    _run, setup = run_team(ansible_run, existing)
    assert setup["changed"] is True and setup["failed_users"] == []
    assert sorted(m for m, _p in scim_calls(sim.log())) == ["GET"] * (TEAM_SIZE // 2) + ["POST"] * (TEAM_SIZE // 2)
    team = _team("Manager")  # the 10 existing users get a new title, the 10 others are created

    sim.clear_log()
    _run, predicted = run_team(ansible_run, team, check=True, diff=True)
    assert sim.writes() == [], "check mode must only read"
    assert [m for m, _p in scim_calls(sim.log())] == ["GET"] * TEAM_SIZE
    assert predicted["changed"] is True and len(predicted["diff"]) == TEAM_SIZE

    sim.clear_log()
    result, real = run_team(ansible_run, team, diff=True)
    assert real["_status"] == "ok" and real["changed"] is True and real["failed_users"] == []
    assert [r["user_name"] for r in real["users"]] == [u["user_name"] for u in team]
    assert all(r["changed"] and r["atlassian_account_id"] for r in real["users"])
    assert predicted["diff"] == real["diff"]
    log = scim_calls(sim.log())
    assert sorted(m for m, _p in log) == ["GET"] * TEAM_SIZE + ["PATCH"] * (TEAM_SIZE // 2) + ["POST"] * (TEAM_SIZE // 2)
    assert real["api_calls"] == {"total": 2 * TEAM_SIZE, "GET": TEAM_SIZE, "PATCH": TEAM_SIZE // 2, "POST": TEAM_SIZE // 2}
    changed = [d for d in real["diff"] if d["before"]]
    assert len(changed) == TEAM_SIZE // 2
    assert all(
        set(d["before"].items()) ^ set(d["after"].items()) == {("title", "Engineer"), ("title", "Manager")} for d in changed
    ), "only the title changed"
    assert "team00@acme.example" in result.stdout  # the diff headers name the users

    sim.clear_log()
    _run, again = run_team(ansible_run, team, concurrency=1)
    assert again["changed"] is False and again["diff"] == []
    assert sim.writes() == []
    assert [m for m, _p in scim_calls(sim.log())] == ["GET"] * TEAM_SIZE


def test_users_with_locale_are_warned_about_and_provisioned_without_it(sim, ansible_run):
    team = _team("Engineer")[:3]
    team[1]["locale"] = "en-GB"
    _run, task = run_team(ansible_run, team)
    assert task["_status"] == "ok" and task["changed"] is True and task["failed_users"] == []
    assert task["warnings"] == [LOCALE_WARNING.replace("Option locale", "Option locale of users[1] (team01@acme.example)")]
    assert sorted(m for m, _p in scim_calls(sim.log())) == ["GET"] * 3 + ["POST"] * 3
    assert_no_locale_sent(sim, *task["users"])


def test_users_one_failure_does_not_stop_the_others(sim, ansible_run):
    team = _team("Engineer")[:4]
    team[1] = {"user_name": "nomail@acme.example", "title": "Engineer"}  # no email: it cannot be created
    result, task = run_team(ansible_run, team)
    assert result.rc == 2 and task["_status"] == "failed"
    assert task["failed_users"] == ["nomail@acme.example"]
    assert "nomail@acme.example" in task["msg"] and "run the task again" in task["msg"]
    assert [r["changed"] for r in task["users"]] == [True, False, True, True]
    assert sorted(m for m, _p in scim_calls(sim.log())) == ["GET"] * 4 + ["POST"] * 3
    assert "demo-scim-api-key" not in result.stdout + result.stderr + json.dumps(task)
