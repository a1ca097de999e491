# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The onboarding role through the collection playbook (``accessops.atlassian.onboarding``) with real ansible-playbook
against the simulator (demo seed); connection settings from environment variables only.

Writes are counted in the simulator's request log (not the role's own account of its calls).
"""

from __future__ import annotations


from atlsim import demo
from role_helpers import environment, recap_changed, report_calls, writes

PLAYBOOK = "- ansible.builtin.import_playbook: accessops.atlassian.onboarding\n"
COMPARED = ("email", "status", "changed", "scim", "invited", "groups_added", "projects_granted", "repositories_granted")
NEW = "new.person@acme.example"


def onboard(sim, ansible_run, people, check=False, scim=True, **variables):
    """Run the playbook from an empty request log; return (run, onboarding_result or None, log entries)."""
    sim.clear_log()
    extra = dict(onboarding_workspace="acme", onboarding_people=people, **variables)
    run = ansible_run(PLAYBOOK, check=check, extra_vars=extra, env=environment(sim, scim=scim))
    result = None
    for name, task in zip(run.names, run.tasks, strict=True):
        if name.endswith("Set the onboarding_result fact"):
            result = task["ansible_facts"]["onboarding_result"]
    return run, result, sim.log()


def repository_lists(log):
    """The GETs of a repository's whole explicit user permission list (what re-reading every reached repository costs);
    the grants read one user's permission (``.../permissions-config/users/{id}``) instead."""
    return [
        e["path"]
        for e in log
        if e["method"] == "GET" and e["path"].startswith("/2.0/repositories/") and e["path"].endswith("/permissions-config/users")
    ]


def people(result):
    return {p["email"]: p for p in result["people"]}


def compared(result):
    return {p["email"]: {k: p[k] for k in COMPARED} for p in result["people"]}


def acme(sim):
    return sim.state.workspace("acme")


def account(sim, email):
    found = sim.state.accounts.get_by_email(email)
    return found["account_id"] if found else None


def groups_of(sim, account_id):
    org = next(iter(sim.state.admin.orgs.values()))
    return sorted(g.name for d in org.directories.values() for g in d.groups_of(account_id))


def explicit(sim, account_id):
    ws = acme(sim)
    repos = {slug: repo.user_perms[account_id] for slug, repo in ws.repos.items() if account_id in repo.user_perms}
    projects = {key: p.user_perms[account_id] for key, p in ws.projects.items() if account_id in p.user_perms}
    return projects, repos


def test_brand_new_person_with_scim_check_mode_real_run_second_run(sim, ansible_run):
    """SCIM -> group bitbucket-users-acme -> project and repository permissions -> verified, in one run; check mode
    before writes nothing and predicts it; the second run changes nothing."""
    assert account(sim, NEW) is None
    team = [
        {
            "email": NEW,
            "create_account": True,  # an email without an account is created only when asked for
            "given_name": "New",
            "family_name": "Person",
            "display_name": "New Person",
            "projects": [{"key": "INFRA", "permission": "read"}],
            "repositories": [
                {"name": "web-api", "permission": "write"},
                {"name": "data-core", "permission": "write"},
                {"name": "mobile-core", "permission": "read"},
            ],
        },
        {
            "email": "dev001@acme.example",
            "projects": [{"key": "MOB", "permission": "read"}],
            "repositories": [{"name": "data-core", "permission": "admin"}],
        },
    ]
    options = {"onboarding_default_groups": ["bitbucket-users-acme"]}

    check, predicted, log = onboard(sim, ansible_run, team, check=True, **options)
    assert check.rc == 0, check.stdout[-3000:]
    assert writes(log) == [] and account(sim, NEW) is None
    assert predicted["check_mode"] is True and predicted["incomplete"] == []
    new = people(predicted)[NEW]
    assert (new["scim"], new["account_id"], new["groups_added"]) == ("created", None, ["bitbucket-users-acme"])
    assert new["repositories_granted"] == {"web-api": "write", "data-core": "write", "mobile-core": "read"}
    assert any(a.startswith("would grant") for a in new["actions"]), new["actions"]
    report_calls("onboarding", "check mode (new person + dev001)", log)

    real, result, log = onboard(sim, ansible_run, team, **options)
    assert real.rc == 0, real.stdout[-3000:]
    assert compared(result) == compared(predicted)
    new_id = account(sim, NEW)
    new = people(result)[NEW]
    assert new["account_id"] == new_id and new["status"] == "complete" and new["verified"] is True
    assert new_id in acme(sim).members and groups_of(sim, new_id) == ["bitbucket-users-acme"]
    assert explicit(sim, new_id) == ({"INFRA": "read"}, {"web-api": "write", "data-core": "write", "mobile-core": "read"})
    dev001 = account(sim, "dev001@acme.example")
    assert explicit(sim, dev001) == ({"MOB": "read"}, {"infra-core": "write", "data-core": "admin"})
    assert result["changed"] == {
        "people": 2,
        "scim_users_created": 1,
        "scim_users_updated": 0,
        "invitations": 0,
        "group_memberships": 1,
        "project_permissions": 2,
        "repository_permissions": 4,
    }
    assert result["api_calls"]["total"] == len(log)
    # the order of the systems: SCIM, then the group, then the repositories, then the projects (a project grant first
    # would give the person effective access that the repository module then reads repository by repository)
    order = [path for _method, path in writes(log)]
    assert order[0].startswith("/scim/") and "/memberships" in order[1]
    grants = [p for p in order if "/permissions-config/" in p]
    assert grants[0].startswith("/2.0/repositories/acme/") and grants[-1].startswith("/2.0/workspaces/acme/projects/")
    assert len(writes(log)) == 1 + 1 + 2 + 4
    report_calls("onboarding", "real run (new person + dev001)", log)
    # Verify reads the effective permissions (not the permission list of each of the ~70 repositories the two reach):
    # the calls no longer grow with the repositories a member reaches.
    assert repository_lists(log) == [] and len(log) < 99 // 2  # before: 99

    again, second, log = onboard(sim, ansible_run, team, **options)
    assert again.rc == 0 and recap_changed(again) == 0, again.stdout[-3000:]
    assert writes(log) == []
    assert set(second["complete"]) == {NEW, "dev001@acme.example"}
    assert all(not p["changed"] and p["verified"] for p in second["people"])
    assert set(second["changed"].values()) == {0}
    report_calls("onboarding", "second run (no change)", log)
    assert repository_lists(log) == [] and len(log) < 86 // 2  # before: 86

    check, after, log = onboard(sim, ansible_run, team, check=True, **options)
    assert check.rc == 0 and writes(log) == [] and after["changed"]["people"] == 0


def test_newhire02_without_scim_through_the_admin_api(sim, ansible_run):
    """An account without access: the group gives the workspace, then the permissions; no SCIM request at all."""
    newhire = account(sim, demo.ADMIN_NO_ACCESS_USER)
    assert newhire not in acme(sim).members and groups_of(sim, newhire) == []
    team = [
        {
            "email": demo.ADMIN_NO_ACCESS_USER,
            "groups": ["bitbucket-users-acme"],
            "projects": [{"key": "WEB", "permission": "write"}, {"key": "DATA", "permission": "read"}],
            "repositories": [{"name": "platform-core", "permission": "read"}],
        }
    ]

    check, predicted, log = onboard(sim, ansible_run, team, check=True, scim=True, onboarding_use_scim=False)
    assert check.rc == 0, check.stdout[-3000:]
    assert writes(log) == [] and not any(e["path"].startswith("/scim/") for e in log)
    entry = people(predicted)[demo.ADMIN_NO_ACCESS_USER]
    assert entry["account"] == "directory" and entry["account_id"] == newhire
    assert entry["groups_added"] == ["bitbucket-users-acme"]
    assert entry["projects_granted"] == {"WEB": "write", "DATA": "read"}  # would grant: not a member yet

    real, result, log = onboard(sim, ansible_run, team, scim=True, onboarding_use_scim=False)
    assert real.rc == 0, real.stdout[-3000:]
    assert compared(result) == compared(predicted)
    assert not any(e["path"].startswith("/scim/") for e in log)
    assert newhire in acme(sim).members and groups_of(sim, newhire) == ["bitbucket-users-acme"]
    assert explicit(sim, newhire) == ({"WEB": "write", "DATA": "read"}, {"platform-core": "read"})
    assert people(result)[demo.ADMIN_NO_ACCESS_USER]["verified"] is True
    # one project call per permission level (2), one repository call: 1 membership + 2 + 1 writes
    assert len(writes(log)) == 4
    report_calls("onboarding", "newhire02 without SCIM, real run", log)

    again, _result, log = onboard(sim, ansible_run, team, scim=False)  # use_scim defaults to false without the variable
    assert again.rc == 0 and recap_changed(again) == 0 and writes(log) == []


def test_invitation_is_pending_then_complete(sim, ansible_run):
    invitee = "invitee@acme.example"
    team = [{"email": invitee, "repositories": [{"name": "infra-core", "permission": "read"}]}]
    options = {"onboarding_invite": True, "onboarding_default_groups": ["bitbucket-users-acme"]}

    check, predicted, log = onboard(sim, ansible_run, team, check=True, scim=False, **options)
    assert check.rc == 0, check.stdout[-3000:]
    assert writes(log) == [] and account(sim, invitee) is None
    entry = people(predicted)[invitee]
    assert (entry["status"], entry["invited"], entry["account_id"]) == ("pending", True, None)
    assert entry["repositories_granted"] == {"infra-core": "read"}

    real, result, log = onboard(sim, ansible_run, team, scim=False, **options)
    assert real.rc == 0, real.stdout[-3000:]
    assert compared(result) == compared(predicted)
    assert result["pending"] == [invitee]
    invited = account(sim, invitee)
    assert invited and invited in acme(sim).members and groups_of(sim, invited) == ["bitbucket-users-acme"]
    assert explicit(sim, invited) == ({}, {"infra-core": "read"})
    assert [path for _method, path in writes(log)][0].endswith("/users/invite")
    report_calls("onboarding", "invitation, real run", log)

    again, second, log = onboard(sim, ansible_run, team, scim=False, **options)
    assert again.rc == 0 and recap_changed(again) == 0 and writes(log) == []
    assert second["complete"] == [invitee]


def test_one_person_failing_does_not_stop_the_others(sim, ansible_run):
    team = [
        {
            "email": "dev020@acme.example",
            "groups": ["okta-engineering"],
            "repositories": [{"name": "web-api", "permission": "write"}],
        },
        {
            "email": "dev021@acme.example",
            "repositories": [{"name": "no-such-repository", "permission": "read"}, {"name": "infra-core", "permission": "read"}],
        },
        {"email": "nobody@acme.example", "repositories": [{"name": "infra-core", "permission": "read"}]},
        {
            "email": demo.ADMIN_NO_ACCESS_USER,
            "groups": ["bitbucket-users-acme"],
            "repositories": [{"name": "web-api", "permission": "write"}],
        },
    ]
    dev020, dev021 = account(sim, "dev020@acme.example"), account(sim, "dev021@acme.example")
    newhire = account(sim, demo.ADMIN_NO_ACCESS_USER)
    before020 = explicit(sim, dev020)

    run, result, log = onboard(sim, ansible_run, team, scim=False)
    assert run.rc != 0
    assert run.names[-1].endswith("Fail when anyone is left incomplete") and run.tasks[-1]["_status"] == "failed"
    assert "3 of 4 incomplete" in run.tasks[-1]["msg"]
    by = people(result)
    assert sorted(result["incomplete"]) == ["dev020@acme.example", "dev021@acme.example", "nobody@acme.example"]
    assert any("groups:" in e and "okta-engineering" in e for e in by["dev020@acme.example"]["errors"]), by
    assert groups_of(sim, dev020) == ["bitbucket-users-acme"] and explicit(sim, dev020) == before020
    assert any("no-such-repository" in e for e in by["dev021@acme.example"]["errors"])
    assert by["dev021@acme.example"]["repositories_granted"] == {"infra-core": "read"}
    assert acme(sim).repos["infra-core"].user_perms[dev021] == "read"
    assert any("no account" in e for e in by["nobody@acme.example"]["errors"])
    assert by[demo.ADMIN_NO_ACCESS_USER]["status"] == "complete" and by[demo.ADMIN_NO_ACCESS_USER]["verified"] is True
    assert acme(sim).repos["web-api"].user_perms[newhire] == "write"


def test_inputs_are_validated_before_any_api_call(sim, ansible_run):
    team = [{"email": "dev030@acme.example", "repositories": [{"name": "infra-core", "permission": "owner"}]}]
    run, result, log = onboard(sim, ansible_run, team)
    assert run.rc != 0 and result is None and log == []
    assert "owner" in run.stdout + run.stderr
