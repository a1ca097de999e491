# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding role (issue 19): the self-lockout guard (the caller, the workspace owner, the last admins), reports
that never render "unknown" as "none" (a person whose reads failed after HTTP 429, the removals a failed person made
before failing), unique report names, offboarding_fail_on_residual and one summary line per person. Real
ansible-playbook against the simulator; connection settings from environment variables only."""

from __future__ import annotations

import re
from pathlib import Path

from atlsim import demo
from role_helpers import environment, writes
from test_role_offboarding import DEV003, account, explicit, groups_of, is_member, people, read_report, residual_seed

PLAYBOOK = "- ansible.builtin.import_playbook: accessops.atlassian.offboarding\n"
ADMIN = demo.ADMIN[0]  # the account of the run's BITBUCKET_USERNAME, a workspace admin (collaborator)
OWNER = demo.OWNER_EMAIL


def offboard(sim, ansible_run, tmp_path, people_in, check=False, env=None, **variables):
    """Run the playbook from an empty request log (extra environment variables in env); return (run, result, log)."""
    sim.clear_log()
    extra = dict(
        offboarding_workspace="acme", offboarding_people=people_in, offboarding_report_dir=str(tmp_path / "reports"), **variables
    )
    run = ansible_run(PLAYBOOK, check=check, extra_vars=extra, env=dict(environment(sim), **(env or {})))
    result = None
    for task in run.tasks:
        result = task.get("ansible_facts", {}).get("offboarding_result", result)
    return run, result, sim.log()


def no_python_reprs(text):
    """No Python booleans, None, dict or list representation in a text meant for people."""
    assert not re.search(r"\b(True|False|None)\b(?!:)", text.replace("None: no explicit", "")), text
    assert "{'" not in text and "['" not in text and "u'" not in text, text


def summary_lines(run):
    """The per-person lines of "Show the outcome, one line per person" (input | status | ...)."""
    return [line.strip().strip('",') for line in run.stdout.splitlines() if re.match(r'^\s*"\S+@\S+ \| ', line)]


def test_the_caller_and_the_owner_are_refused_before_any_write_and_the_others_go_on(sim, ansible_run, tmp_path):
    admins = sorted(g for g in groups_of(sim, account(sim, ADMIN)) if g.startswith("bitbucket-"))
    assert admins == ["bitbucket-admins-acme", "bitbucket-users-acme"]

    # Check mode shows the refusal: the caller and the owner are incomplete with the reason, dev003 is predicted.
    check, predicted, check_log = offboard(sim, ansible_run, tmp_path, [ADMIN, OWNER, DEV003], check=True)
    assert check.rc != 0, check.stdout[-3000:]
    assert writes(check_log) == []
    entries = people(predicted)
    assert predicted["incomplete"] == [ADMIN, OWNER], predicted["incomplete"]
    assert entries[ADMIN]["status"] == "failed" and "BITBUCKET_USERNAME" in entries[ADMIN]["error"]
    assert "offboarding_allow_self=true" in entries[ADMIN]["error"]
    assert entries[OWNER]["status"] == "failed" and "owner of workspace acme" in entries[OWNER]["error"]
    assert entries[DEV003]["status"] == "offboarded"
    markdown = read_report(predicted)[1]
    # the admins reach every repository: never "0 repositories reachable"; Python booleans never in the Markdown
    assert "all (workspace admin: collaborator)" in markdown and "all (workspace admin: owner)" in markdown
    no_python_reprs(markdown)

    # The real run: nothing written for the caller nor the owner, dev003 offboarded.
    real, result, log = offboard(sim, ansible_run, tmp_path, [ADMIN, OWNER, DEV003])
    assert real.rc != 0 and "incomplete for %s, %s" % (ADMIN, OWNER) in real.stdout, real.stdout[-3000:]
    for email in (ADMIN, OWNER):
        account_id = account(sim, email)
        assert not [w for w in writes(log) if account_id in w[1]], writes(log)
        assert is_member(sim, email)
    assert sorted(g for g in groups_of(sim, account(sim, ADMIN)) if g.startswith("bitbucket-")) == admins
    assert people(result)[DEV003]["status"] == "offboarded" and explicit(sim, account(sim, DEV003)) == {}
    assert not is_member(sim, DEV003)


def test_allow_self_lets_the_caller_go_but_never_the_last_workspace_admins(sim, ansible_run, tmp_path):
    run, predicted, log = offboard(sim, ansible_run, tmp_path, [ADMIN], check=True, offboarding_allow_self=True)
    assert run.rc == 0, run.stdout[-3000:]
    assert writes(log) == [] and people(predicted)[ADMIN]["status"] == "offboarded"
    assert people(predicted)[ADMIN]["actions"]["groups_removed"] == ["bitbucket-admins-acme", "bitbucket-users-acme"]

    # The owner and the admin are the workspace's only admins: both refused, even with the override.
    run, predicted, log = offboard(sim, ansible_run, tmp_path, [ADMIN, OWNER], check=True, offboarding_allow_self=True)
    assert run.rc != 0 and writes(log) == []
    for email in (ADMIN, OWNER):
        entry = people(predicted)[email]
        assert entry["status"] == "failed" and "last workspace admins" in entry["error"], entry["error"]


def test_reads_failed_after_429_the_report_says_unknown_never_none(sim, ansible_run, tmp_path):
    sim.faults(burst_429={"count": 100, "method": "GET", "path_prefix": "/2.0/workspaces/acme/permissions"})
    run, result, log = offboard(sim, ansible_run, tmp_path, [DEV003], env={"BITBUCKET_MAX_RETRIES": "0"})
    assert run.rc != 0, run.stdout[-3000:]
    assert writes(log) == []
    entry = people(result)[DEV003]
    assert entry["status"] == "failed" and "429" in entry["error"], entry["error"]
    data, markdown = read_report(result)
    section = markdown.split("## ", 2)[-1]
    assert "None: no explicit permission" not in section and "**Unknown**" in section, section
    assert "unknown (not read)" in section
    no_python_reprs(markdown)
    assert "Every person was offboarded" not in run.stdout
    assert any(line.startswith(DEV003 + " | failed | ") and "residual: unknown" in line for line in summary_lines(run)), (
        run.stdout[-3000:]
    )


def test_a_person_failing_midway_is_reported_with_the_removals_made_before(sim, ansible_run, tmp_path):
    dev003 = account(sim, DEV003)
    assert explicit(sim, dev003) == {"infra-core": "admin", "portal-core": "read", "INFRA": "read"}
    # the DELETE of portal-core fails (HTTP 500, not retried); the one of infra-core is made
    sim.faults(fail_next=[{"status": 500, "count": 1, "method": "DELETE", "path_prefix": "/2.0/repositories/acme/portal-core/"}])
    run, result, log = offboard(sim, ansible_run, tmp_path, [DEV003])
    assert run.rc != 0, run.stdout[-3000:]
    assert "infra-core" not in explicit(sim, dev003) and "portal-core" in explicit(sim, dev003)
    entry = people(result)[DEV003]
    assert entry["status"] == "failed"
    assert entry["actions"]["repositories_removed"] == ["infra-core"], entry["actions"]
    markdown = read_report(result)[1]
    assert "Explicit repository permissions removed: infra-core" in markdown
    assert "**Unknown**" in markdown and "None: no explicit permission" not in markdown
    no_python_reprs(markdown)


def test_report_names_never_collide_and_each_person_gets_one_line(sim, ansible_run, tmp_path):
    first, one, first_log = offboard(sim, ansible_run, tmp_path, [DEV003], check=True)
    second, two, second_log = offboard(sim, ansible_run, tmp_path, [DEV003], check=True)
    assert first.rc == 0 and second.rc == 0, second.stdout[-3000:]
    assert writes(first_log) == writes(second_log) == []
    names = [Path(r["reports"]["json"]).name for r in (one, two)]
    for name in names:
        assert re.fullmatch(r"offboarding-acme-\d{8}T\d{6}Z-[0-9a-f]{8}-check\.json", name), name
    assert names[0] != names[1]
    assert len(list((tmp_path / "reports").glob("*.json"))) == 2
    lines = summary_lines(second)
    assert lines == [
        "%s | offboarded | would remove admin on infra-core, read on portal-core; would remove read on project INFRA; "
        "would leave bitbucket-users-acme; would revoke 1 API token; residual: none" % DEV003
    ], second.stdout[-3000:]
    for line in lines:
        no_python_reprs(line)


def test_residual_access_is_said_and_fails_the_play_with_fail_on_residual(sim_factory, ansible_run, tmp_path):
    sim = sim_factory(residual_seed())
    dev005 = "dev005@acme.example"  # in the IdP-synced okta-bitbucket-acme: residual access
    run, result, log = offboard(sim, ansible_run, tmp_path, [dev005])
    assert run.rc == 0, run.stdout[-3000:]
    assert result["residual_access"] == [dev005] and writes(log)
    assert "Every person was offboarded" not in run.stdout
    assert "0 of 1 offboarded, 1 with residual access" in run.stdout
    line = next(line for line in summary_lines(run) if line.startswith(dev005))
    assert line.startswith(dev005 + " | residual_access | ") and "residual: group okta-bitbucket-acme" in line, line
    no_python_reprs(line)

    run, result, log = offboard(sim, ansible_run, tmp_path, [dev005], offboarding_fail_on_residual=True)
    assert run.rc != 0 and "Residual access remains for %s" % dev005 in run.stdout, run.stdout[-3000:]
    assert Path(result["reports"]["json"]).exists()  # the report is written first
