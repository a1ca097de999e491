# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The onboarding role, issue 19: a check run with SCIM predicts the failures of the real run, a typo never becomes
an account, a person who fails midway is reported with what was applied, --diff shows the permission changes, and the
summary lines are plain text (no Python representation, no module sentence about what was applied in check mode)."""

from __future__ import annotations

import re

from admin_task_helpers import DIRECTORY_PATH
from atlsim import demo
from role_helpers import environment, writes
from test_role_onboarding import PLAYBOOK, account, acme, groups_of, onboard, people

SUMMARY = "Show the summary per person"


def summary_lines(run):
    for name, task in zip(run.names, run.tasks, strict=True):
        if name.endswith(SUMMARY):
            return task["msg"]
    raise AssertionError("no summary task: %r" % run.names)


def test_check_with_scim_predicts_every_failure_of_the_real_run(sim, ansible_run):
    """With SCIM, the check run used to say all complete (each person was a predicted SCIM creation, so nothing was
    checked); the real run then left them incomplete (rc=2)."""
    team = [
        {"email": "dev040@acme.example", "repositories": [{"name": "web-coer", "permission": "write"}]},
        {"email": "dev041@acme.example", "groups": ["okta-engineering"]},
        {"email": demo.ADMIN_NO_ACCESS_USER, "repositories": [{"name": "web-api", "permission": "read"}]},
        # accounts to be created: what does not depend on the account is still checked
        {"email": "new.one@acme.example", "create_account": True, "repositories": [{"name": "web-coer", "permission": "read"}]},
        {"email": "new.two@acme.example", "create_account": True, "groups": ["okta-engineering"]},
    ]
    options = {"onboarding_default_groups": ["bitbucket-users-acme"]}
    failing = {"dev040@acme.example", "dev041@acme.example", "new.one@acme.example", "new.two@acme.example"}

    check, predicted, log = onboard(sim, ansible_run, team, check=True, **options)
    assert writes(log) == []
    assert set(predicted["incomplete"]) == failing, predicted
    assert check.rc == 2
    by = people(predicted)
    assert any("web-coer" in e for e in by["dev040@acme.example"]["errors"])
    assert any("okta-engineering" in e for e in by["dev041@acme.example"]["errors"])
    assert any("web-coer" in e for e in by["new.one@acme.example"]["errors"]), by["new.one@acme.example"]["errors"]
    assert any("okta-engineering" in e for e in by["new.two@acme.example"]["errors"])
    # the account lookup uses the directory for a person who has an account
    assert by["dev040@acme.example"]["account"] == "directory" and by["dev040@acme.example"]["account_id"]
    assert by[demo.ADMIN_NO_ACCESS_USER]["status"] == "complete"

    real, result, log = onboard(sim, ansible_run, team, **options)
    assert real.rc == 2
    assert set(result["incomplete"]) == failing
    assert result["complete"] == predicted["complete"] == [demo.ADMIN_NO_ACCESS_USER]


def test_a_typo_never_becomes_an_account(sim, ansible_run):
    """With SCIM, jnae.doe@acme.example used to be created (a seat, permissions, rc=0)."""
    jane = [{"email": "jane.doe@acme.example", "create_account": True}]
    options = {"onboarding_default_groups": ["bitbucket-users-acme"]}
    first, _result, _log = onboard(sim, ansible_run, jane, **options)
    assert first.rc == 0 and account(sim, "jane.doe@acme.example"), first.stdout[-3000:]

    typo = [{"email": "jnae.doe@acme.example", "repositories": [{"name": "web-api", "permission": "read"}]}]
    for check in (True, False):
        run, result, log = onboard(sim, ansible_run, typo, check=check, **options)
        assert run.rc == 2 and writes(log) == [] and account(sim, "jnae.doe@acme.example") is None
        entry = people(result)["jnae.doe@acme.example"]
        assert entry["status"] == "incomplete" and entry["suggestions"] == ["jane.doe@acme.example"]
        assert "did you mean jane.doe@acme.example?" in entry["errors"][0], entry["errors"]
        assert "create_account" in entry["errors"][0]

    # asked for, but off the allowed domains
    off = [{"email": "jane.doe@acme.exmaple"}]
    run, result, log = onboard(
        sim, ansible_run, off, onboarding_create_accounts=True, onboarding_allowed_domains=["acme.example"], **options
    )
    assert run.rc == 2 and writes(log) == []
    assert "onboarding_allowed_domains" in people(result)["jane.doe@acme.exmaple"]["errors"][0]

    # asked for role-wide: created
    run, result, log = onboard(sim, ansible_run, [{"email": "new.hire@acme.example"}], onboarding_create_accounts=True, **options)
    assert run.rc == 0 and account(sim, "new.hire@acme.example"), run.stdout[-3000:]


def test_a_person_failing_midway_lists_what_was_applied(sim, ansible_run):
    """A failed group task still says which groups it added: the record used to say groups_added: []."""
    newhire = account(sim, demo.ADMIN_NO_ACCESS_USER)
    admins_id = demo.ADMIN_GROUP_ADMINS[0]
    sim.faults(fail_next=[{"status": 400, "count": 1, "method": "POST", "path_prefix": DIRECTORY_PATH + "/groups/" + admins_id}])
    team = [{"email": demo.ADMIN_NO_ACCESS_USER, "groups": ["bitbucket-users-acme", "bitbucket-admins-acme"]}]
    run, result, log = onboard(sim, ansible_run, team, scim=False)
    assert run.rc == 2
    entry = people(result)[demo.ADMIN_NO_ACCESS_USER]
    assert groups_of(sim, newhire) == ["bitbucket-users-acme"]
    assert entry["groups_added"] == ["bitbucket-users-acme"], entry
    assert result["changed"]["group_memberships"] == 1

    # a permission failure at the second level keeps the first level's grants
    sim.clear_faults()
    team = [
        {
            "email": "dev042@acme.example",
            "repositories": [{"name": "web-api", "permission": "admin"}, {"name": "no-such-repository", "permission": "read"}],
            "projects": [{"key": "INFRA", "permission": "read"}],
        }
    ]
    run, result, log = onboard(sim, ansible_run, team, scim=False)
    assert run.rc == 2
    entry = people(result)["dev042@acme.example"]
    assert entry["repositories_granted"] == {"web-api": "admin"}
    assert acme(sim).repos["web-api"].user_perms[account(sim, "dev042@acme.example")] == "admin"
    assert any("no-such-repository" in e for e in entry["errors"]) and not any("Everything else" in e for e in entry["errors"])


def test_diff_shows_the_permission_changes(sim, ansible_run):
    """The role looped the permission modules over levels: the loop's `results` hid their diff under --check --diff."""
    team = [
        {
            "email": "dev043@acme.example",
            "repositories": [{"name": "web-api", "permission": "write"}, {"name": "data-core", "permission": "read"}],
            "projects": [{"key": "MOB", "permission": "read"}],
        }
    ]
    sim.clear_log()
    extra = {"onboarding_workspace": "acme", "onboarding_people": team}
    run = ansible_run(PLAYBOOK, check=True, diff=True, extra_vars=extra, env=environment(sim, scim=False))
    assert run.rc == 0, run.stdout[-3000:]
    assert writes(sim.log()) == []
    dev043 = account(sim, "dev043@acme.example")
    for header in ("acme/web-api", "acme/data-core"):
        assert re.search(r"^\+\+\+ after: %s" % re.escape(header), run.stdout, re.M), run.stdout[-4000:]
    assert re.search(r'^\+"%s": write' % re.escape(dev043), run.stdout, re.M), run.stdout[-4000:]
    assert re.search(r"^\+\+\+ after: .*MOB", run.stdout, re.M), run.stdout[-4000:]


def test_summary_lines_are_plain_text(sim, ansible_run):
    """No dict reprs, True or None in a summary line; no 'Everything else was applied' in check mode."""
    team = [
        {
            "email": "dev044@acme.example",
            "repositories": [{"name": "web-api", "permission": "write"}, {"name": "web-coer", "permission": "write"}],
        },
        {"email": "dev045@acme.example", "projects": [{"key": "NOPE", "permission": "read"}]},
    ]
    for check in (True, False):
        run, result, _log = onboard(sim, ansible_run, team, check=check, scim=False)
        assert run.rc == 2
        lines = summary_lines(run)
        assert len(lines) == 3 and lines[0].startswith("dev044@acme.example | incomplete | ")
        assert lines[1].startswith("dev045@acme.example | incomplete | ")
        for line in lines:
            assert not re.search(r"[{}\[\]]|\bTrue\b|\bNone\b|\bFalse\b", line), line
            assert "Everything else was applied" not in line, line
        assert "Everything else was applied" not in run.tasks[-1]["msg"]
