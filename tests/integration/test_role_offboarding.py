# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding role through the collection playbook (``accessops.atlassian.offboarding``) with real
ansible-playbook against the simulator; connection settings from environment variables only.

Writes are counted in the simulator's request log (not the role's own account of its calls); the state after a run
is read from the simulator itself, and the audit report is parsed from the file the role wrote.
"""

from __future__ import annotations

import copy
import json
import stat
from collections import Counter
from pathlib import Path

import yaml
from atlsim import DEMO_SEED, demo
from role_helpers import environment, recap_changed, report_calls, writes

PLAYBOOK = "- ansible.builtin.import_playbook: accessops.atlassian.offboarding\n"
ACTIONS = ("repositories_removed", "projects_removed", "groups_removed", "groups_kept")
AFTER = ("in_workspace", "explicit_repositories", "explicit_projects", "granting_groups", "organization_status")
DEV003 = "dev003@acme.example"  # infra-core admin, portal-core read, project INFRA read; developers; bitbucket-users-acme
DEV120 = "dev120@acme.example"  # infra-worker admin, platform-ui read, project WEB write; qa; bitbucket-users-acme


def offboard(sim, ansible_run, tmp_path, people, check=False, **variables):
    """Run the playbook from an empty request log; return (run, offboarding_result or None, log entries)."""
    sim.clear_log()
    extra = dict(
        offboarding_workspace="acme", offboarding_people=people, offboarding_report_dir=str(tmp_path / "reports"), **variables
    )
    run = ansible_run(PLAYBOOK, check=check, extra_vars=extra, env=environment(sim))
    result = None
    for task in run.tasks:
        result = task.get("ansible_facts", {}).get("offboarding_result", result)
    return run, result, sim.log()


def permission_reads(log):
    """{path: GETs} of the explicit user permission reads: the lists (``.../permissions-config/users``) and the reads
    of one user (``.../permissions-config/users/{id}``)."""
    return Counter(e["path"] for e in log if e["method"] == "GET" and "/permissions-config/users" in e["path"])


def people(result):
    return {p["input"]: p for p in result["people"]}


def account(sim, email):
    return sim.state.accounts.get_by_email(email)["account_id"]


def groups_of(sim, account_id):
    org = next(iter(sim.state.admin.orgs.values()))
    return sorted(g.name for d in org.directories.values() for g in d.groups_of(account_id))


def explicit(sim, account_id):
    """Every explicit user permission of the account stored in acme (members or not): {slug or KEY: level}."""
    ws = sim.state.workspace("acme")
    found = {slug: repo.user_perms[account_id] for slug, repo in ws.repos.items() if account_id in repo.user_perms}
    found.update({key: p.user_perms[account_id] for key, p in ws.projects.items() if account_id in p.user_perms})
    return found


def is_member(sim, email):
    return sim.state.workspace("acme").member(account(sim, email)) is not None


def read_report(result):
    data = json.loads(Path(result["reports"]["json"]).read_text(encoding="utf-8"))
    markdown = Path(result["reports"]["markdown"]).read_text(encoding="utf-8")
    return data, markdown


def test_check_mode_predicts_the_run_which_removes_every_path_and_a_second_run_changes_nothing(sim, ansible_run, tmp_path):
    dev003, dev120 = account(sim, DEV003), account(sim, DEV120)
    assert explicit(sim, dev003) == {"infra-core": "admin", "portal-core": "read", "INFRA": "read"}
    assert explicit(sim, dev120) == {"infra-worker": "admin", "platform-ui": "read", "WEB": "write"}
    assert "bitbucket-users-acme" in groups_of(sim, dev003) and "bitbucket-users-acme" in groups_of(sim, dev120)

    # dev003 holds one API token (old-deploy-script), dev120 none: the offboarding revokes it (issue 23)
    dev003_tokens = [t["id"] for t in sim.state.activity.token_list(dev003)]
    assert len(dev003_tokens) == 1 and sim.state.activity.token_list(dev120) == []

    check, predicted, check_log = offboard(sim, ansible_run, tmp_path, [DEV003, dev120], check=True)
    assert check.rc == 0, check.stdout[-3000:]
    assert writes(check_log) == []
    assert explicit(sim, dev003) != {} and is_member(sim, DEV003) and is_member(sim, DEV120)
    report_calls("offboarding", "check mode, 2 people", check_log)
    assert predicted["check_mode"] is True and predicted["api_calls"]["total"] == len(check_log)
    assert predicted["reports"]["json"].endswith("-check.json")  # the check-mode report is written, named so

    real, result, real_log = offboard(sim, ansible_run, tmp_path, [DEV003, dev120])
    assert real.rc == 0, real.stdout[-3000:]
    report_calls("offboarding", "real run, 2 people", real_log)
    assert result["api_calls"]["total"] == len(real_log)
    # Nothing known is read again: each permission list (repository or project) once for both people (one shared
    # read before), each removed permission read once (by its removal, just before the DELETE), and step 4 reads no
    # repository or project: its cost no longer grows with the repositories the people reached (~30 each).
    reads = permission_reads(real_log)
    assert reads and max(reads.values()) == 1, [p for p, n in reads.items() if n > 1]
    assert len([p for p in reads if not p.endswith("/users")]) == 6  # the 6 removed permissions
    assert result["api_calls"]["verify"] <= 6, result["api_calls"]
    assert len(real_log) < 184 and len(check_log) < 152  # before: 184 and 152 on this seed
    assert sorted(writes(real_log)) == sorted(
        [
            ("DELETE", "/2.0/repositories/acme/infra-core/permissions-config/users/" + dev003),
            ("DELETE", "/2.0/repositories/acme/portal-core/permissions-config/users/" + dev003),
            ("DELETE", "/2.0/workspaces/acme/projects/INFRA/permissions-config/users/" + dev003),
            ("DELETE", "/2.0/repositories/acme/infra-worker/permissions-config/users/" + dev120),
            ("DELETE", "/2.0/repositories/acme/platform-ui/permissions-config/users/" + dev120),
            ("DELETE", "/2.0/workspaces/acme/projects/WEB/permissions-config/users/" + dev120),
            (
                "DELETE",
                "/admin/v2/orgs/%s/directories/%s/groups/%s/memberships/%s"
                % (demo.ORG_ID, demo.ADMIN_DIRECTORY_ID, demo.ADMIN_GROUP_USERS[0], dev003),
            ),
            (
                "DELETE",
                "/admin/v2/orgs/%s/directories/%s/groups/%s/memberships/%s"
                % (demo.ORG_ID, demo.ADMIN_DIRECTORY_ID, demo.ADMIN_GROUP_USERS[0], dev120),
            ),
            ("DELETE", "/users/%s/manage/api-tokens/%s" % (dev003, dev003_tokens[0])),
        ]
    )
    assert sim.state.activity.token_list(dev003) == []
    # The simulator: zero explicit permissions, no granting group, out of the workspace.
    for email, account_id in ((DEV003, dev003), (DEV120, dev120)):
        assert explicit(sim, account_id) == {}
        assert "bitbucket-users-acme" not in groups_of(sim, account_id)
        assert not is_member(sim, email)

    # Check mode predicted exactly this run: the actions, and the state after.
    for key in (DEV003, dev120):
        want, got = people(predicted)[key], people(result)[key]
        assert {k: want["actions"][k] for k in ACTIONS} == {k: got["actions"][k] for k in ACTIONS}
        assert {k: want["after"][k] for k in AFTER} == {k: got["after"][k] for k in AFTER}
        assert [t["id"] for t in want["actions"]["api_tokens"]["tokens"]] == [
            t["id"] for t in got["actions"]["api_tokens"]["tokens"]
        ]
        assert (want["status"], got["status"]) == ("offboarded", "offboarded")
        assert want["after"]["predicted"] is True and got["after"]["predicted"] is False
    entry = people(result)[DEV003]
    assert sorted(entry["actions"]["repositories_removed"]) == ["infra-core", "portal-core"]
    assert entry["actions"]["projects_removed"] == ["INFRA"] and entry["actions"]["groups_removed"] == ["bitbucket-users-acme"]
    assert entry["before"]["explicit_repositories"] == {"infra-core": "admin", "portal-core": "read"}
    assert entry["before"]["explicit_projects"] == {"INFRA": "read"}
    assert entry["before"]["granting_groups"] == ["bitbucket-users-acme"] and len(entry["before"]["effective"]) > 0
    assert entry["after"]["effective"] == {} and entry["residual"] == []

    # The audit report says so: JSON parsed, Markdown names the person; files 0600 in a 0700 directory.
    data, markdown = read_report(result)
    assert data["check_mode"] is False and data["incomplete"] == [] and sorted(data["offboarded"]) == sorted([DEV003, dev120])
    person = {p["input"]: p for p in data["people"]}[DEV003]
    assert person["after"]["explicit_repositories"] == {} and person["after"]["explicit_projects"] == {}
    assert person["after"]["granting_groups"] == [] and person["residual"] == []
    assert set(person["api_calls"]) == {"collect", "permissions", "groups", "tokens", "verify", "account", "total"}
    assert DEV003 in markdown and "Eva Hughes" in markdown and "infra-core" in markdown
    for path in (result["reports"]["json"], result["reports"]["markdown"]):
        assert stat.S_IMODE(Path(path).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "reports").stat().st_mode) == 0o700

    again, second, second_log = offboard(sim, ansible_run, tmp_path, [DEV003, dev120])
    assert again.rc == 0, again.stdout[-3000:]
    report_calls("offboarding", "second run, 2 people (no change)", second_log)
    assert writes(second_log) == [] and recap_changed(again) == 0 and second["changed"] is False
    # Out of the workspace: one read of the members for both people, no permission read at all.
    # (+1 since issue 23: the credential check reads the caller's API tokens, docs/credentials.md)
    assert permission_reads(second_log) == Counter() and len(second_log) < 21  # before: 20
    assert [p["status"] for p in second["people"]] == ["offboarded", "offboarded"]
    assert all(p["actions"][k] == [] for p in second["people"] for k in ACTIONS)


def test_the_org_wide_guard_refuses_without_confirmation_with_zero_requests(sim, ansible_run, tmp_path):
    for action in ("suspend", "scim_deactivate", "scim_delete"):
        run, result, log = offboard(sim, ansible_run, tmp_path, [DEV003], offboarding_account_action=action)
        assert run.rc != 0 and result is None
        assert log == [], log
        assert "offboarding_confirm_org_wide=true" in run.stdout, run.stdout[-2000:]
    assert not (tmp_path / "reports").exists()
    assert is_member(sim, DEV003) and explicit(sim, account(sim, DEV003)) != {}


def test_suspend_with_confirmation_takes_the_person_out_of_the_workspace(sim, ansible_run, tmp_path):
    dev010 = account(sim, "dev010@acme.example")
    run, result, log = offboard(
        sim,
        ansible_run,
        tmp_path,
        ["dev010@acme.example"],
        offboarding_remove_groups=False,
        offboarding_account_action="suspend",
        offboarding_confirm_org_wide=True,
    )
    assert run.rc == 0, run.stdout[-3000:]
    report_calls("offboarding", "suspend, 1 person, groups kept", log)
    assert max(permission_reads(log).values()) == 1 and len(log) < 166  # before: 166
    entry = people(result)["dev010@acme.example"]
    assert entry["actions"]["account"]["action"] == "suspend" and entry["actions"]["account"]["changed"] is True
    assert entry["actions"]["groups_removed"] == [] and entry["actions"]["groups_kept"] == ["bitbucket-users-acme"]
    assert (
        "POST",
        "/admin/v2/orgs/%s/directories/%s/users/%s/suspend" % (demo.ORG_ID, demo.ADMIN_DIRECTORY_ID, dev010),
    ) in writes(log)
    assert not is_member(sim, "dev010@acme.example") and explicit(sim, dev010) == {}
    assert "bitbucket-users-acme" in groups_of(sim, dev010)  # kept: suspension keeps groups (restorable)


def test_one_person_takes_the_explicit_permissions_from_the_removal_without_reading_the_lists(sim, ansible_run, tmp_path):
    dev003 = account(sim, DEV003)
    stored = explicit(sim, dev003)
    run, predicted, check_log = offboard(sim, ansible_run, tmp_path, [DEV003], check=True)
    assert run.rc == 0, run.stdout[-3000:]
    assert writes(check_log) == []
    run, result, log = offboard(sim, ansible_run, tmp_path, [DEV003])
    assert run.rc == 0, run.stdout[-3000:]
    report_calls("offboarding", "1 person (explicit permissions from the removal)", log)
    reads = permission_reads(log)
    assert [p for p in reads if p.startswith("/2.0/repositories/") and p.endswith("/users")] == []  # no list first
    assert max(reads.values()) == 1  # each reached repository read once
    entry, guess = people(result)[DEV003], people(predicted)[DEV003]
    repositories = {k: v for k, v in stored.items() if not k.isupper()}
    assert entry["before"]["explicit_repositories"] == guess["before"]["explicit_repositories"] == repositories
    assert sorted(entry["actions"]["repositories_removed"]) == sorted(repositories)
    assert entry["after"]["explicit_repositories"] == {} and explicit(sim, dev003) == {}
    assert guess["actions"]["repositories_removed"] == entry["actions"]["repositories_removed"]


def residual_seed():
    """The demo seed plus two groups that grant acme: one synced from the IdP (read-only) and one that also grants
    the Confluence site (multi-product)."""
    seed = copy.deepcopy(yaml.safe_load(Path(DEMO_SEED).read_text(encoding="utf-8")))
    directory = seed["admin"]["orgs"][0]["directories"][0]
    wiki = "ari:cloud:confluence::site/dcc3477d-57f0-5d74-a706-26b074f9cba0"
    directory["groups"] += [
        {
            "name": "okta-bitbucket-acme",
            "description": "Synced from Okta",
            "synced": True,
            "members": ["dev005@acme.example"],
            "roles": [{"resource": "acme", "role": "atlassian/user"}],
        },
        {
            "name": "engineering-all",
            "description": "Bitbucket and Confluence",
            "members": ["dev006@acme.example"],
            "roles": [{"resource": "acme", "role": "atlassian/user"}, {"resource": wiki, "role": "atlassian/user"}],
        },
    ]
    return seed


def test_residual_access_is_reported_and_one_failure_does_not_stop_the_others(sim_factory, ansible_run, tmp_path):
    sim = sim_factory(residual_seed())
    people_in = ["dev005@acme.example", "nobody@acme.example", "dev006@acme.example", "dev001@acme.example"]
    run, result, log = offboard(sim, ansible_run, tmp_path, people_in)
    assert run.rc != 0 and "incomplete for nobody@acme.example" in run.stdout, run.stdout[-3000:]
    report_calls("offboarding", "residual access, 4 people (one unknown)", log)
    assert max(permission_reads(log).values()) == 1 and len(log) < 426  # before: 426, each list read 2-3 times
    entries = people(result)
    assert result["incomplete"] == ["nobody@acme.example"] and entries["nobody@acme.example"]["status"] == "failed"

    # The read-only (IdP-synced) group that grants acme: never attempted, the person stays a member, and the
    # effective permissions through Bitbucket group permissions (developers) are residual access, with the reasons.
    dev005 = entries["dev005@acme.example"]
    assert dev005["status"] == "residual_access"
    assert dev005["actions"]["groups_removed"] == ["bitbucket-users-acme"]
    assert dev005["actions"]["groups_kept"] == ["okta-bitbucket-acme"]
    kinds = {r["kind"]: r for r in dev005["residual"]}
    assert "read-only" in kinds["group"]["reason"] and kinds["group"]["name"] == "okta-bitbucket-acme"
    assert "okta-bitbucket-acme" in kinds["workspace_membership"]["reason"]
    assert kinds["effective_permissions"]["repositories"]["platform-core"] == "write"
    assert "group" in kinds["effective_permissions"]["reason"]
    assert is_member(sim, "dev005@acme.example")
    okta_group = next(
        g
        for g in sim.state.admin.orgs[demo.ORG_ID].directories[demo.ADMIN_DIRECTORY_ID].groups.values()
        if g.name == "okta-bitbucket-acme"
    )
    assert not [w for w in writes(log) if okta_group.id in w[1]]

    # The multi-product group: kept and reported, because leaving it takes the person out of Confluence too.
    dev006 = entries["dev006@acme.example"]
    assert dev006["status"] == "residual_access" and dev006["actions"]["groups_kept"] == ["engineering-all"]
    kept = next(r for r in dev006["residual"] if r["kind"] == "group")
    assert kept["reason"].startswith("kept: also grants acme-wiki")
    assert is_member(sim, "dev006@acme.example")

    # dev001: out of the workspace; the read-only okta-engineering (Confluence only) is reported as other access.
    dev001 = entries["dev001@acme.example"]
    assert dev001["status"] == "offboarded" and not is_member(sim, "dev001@acme.example")
    other = [r for r in dev001["residual"] if r["kind"] == "other_products"]
    assert [(r["name"], r["other_products"]) for r in other] == [("okta-engineering", ["acme-wiki"])]
    assert other[0]["read_only_reason"]

    data, markdown = read_report(result)
    assert {p["input"]: p["status"] for p in data["people"]} == {
        "dev005@acme.example": "residual_access",
        "nobody@acme.example": "failed",
        "dev006@acme.example": "residual_access",
        "dev001@acme.example": "offboarded",
    }
    assert "okta-bitbucket-acme" in markdown and "read-only" in markdown and "kept: also grants acme-wiki" in markdown

    # Named in offboarding_groups, the multi-product group is left: dev006 is out of the workspace.
    run, result, log = offboard(sim, ansible_run, tmp_path, ["dev006@acme.example"], offboarding_groups=["engineering-all"])
    assert run.rc == 0, run.stdout[-3000:]
    dev006 = people(result)["dev006@acme.example"]
    assert dev006["actions"]["groups_removed"] == ["engineering-all"] and dev006["status"] == "offboarded"
    assert not is_member(sim, "dev006@acme.example")
