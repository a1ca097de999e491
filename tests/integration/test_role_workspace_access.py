# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Workspace access as code: the role workspace_access through its collection playbook against the simulator.

``gather`` then ``plan`` of the gathered file plans nothing and its ``apply`` writes nothing; editing the file (one
grant added, one level changed, one user removed from an exclusive repository, one from a non-exclusive one, one
organization-group member added) gives a plan of exactly those items and an apply that writes exactly those (request
log); a grant past its ``expires`` date is planned for removal; each guardrail and an unknown repository or person
refuse with zero writes, naming the rule or the line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from atlsim import demo
from role_helpers import environment, item_write, writes

PLAY = "- ansible.builtin.import_playbook: accessops.atlassian.workspace_access\n"


def fact(run, name):
    found = None
    for task in run.tasks:
        found = task.get("ansible_facts", {}).get(name, found)
    return found


def run_mode(sim, ansible_run, tmp_path, mode, declared, **more):
    sim.clear_log()
    variables = {
        "workspace_access_workspace": "acme",
        "workspace_access_mode": mode,
        "workspace_access_file": str(declared),
        "workspace_access_report_dir": str(tmp_path / "reports"),
    }
    variables.update(more)
    run = ansible_run(PLAY, extra_vars=variables, env=environment(sim, scim=False))
    return run, sim.log()


def plan_of(run):
    result = fact(run, "workspace_access_result")
    assert result and result["plan_id"], run.stdout[-3000:]
    return json.loads(Path(result["plan"]["json"]).read_text(encoding="utf-8"))


def gathered(sim, ansible_run, tmp_path):
    declared = tmp_path / "workspace-access.yml"
    run, log = run_mode(sim, ansible_run, tmp_path, "gather", declared)
    assert run.rc == 0, run.stdout[-3000:]
    assert writes(log) == []
    return declared, yaml.safe_load(declared.read_text(encoding="utf-8")), log


def edit(path, document):
    path.write_text(yaml.safe_dump(document, sort_keys=True), encoding="utf-8")


def account(sim, email):
    return sim.state.accounts.get_by_email(email)["account_id"]


def test_gather_then_plan_and_apply_change_nothing(sim, ansible_run, tmp_path):
    declared, document, gather_log = gathered(sim, ansible_run, tmp_path)
    text = declared.read_text(encoding="utf-8")
    assert document["workspace"] == "acme" and document["repositories"]
    assert "#" in text  # commented with display names
    # each listing read once: the repositories and projects listings, the owner, then 2 lists per repository and
    # per project (the demo seed's lists are under 100 entries: one page each); and the caller's account (/user,
    # /user/emails), whose API tokens the credential check reads (docs/credentials.md)
    ws = sim.state.workspace("acme")
    bitbucket_reads = [e for e in gather_log if e["path"].startswith("/2.0/")]
    assert len(bitbucket_reads) == 2 * (len(ws.repos) + len(ws.projects)) + 3 + 2
    owner = next(acc for acc in sim.state.accounts.by_id.values() if ws.is_owner(acc["account_id"]))
    assert "(workspace owner)" in text or owner["email"] not in text

    plan_run, plan_log = run_mode(sim, ansible_run, tmp_path, "plan", declared)
    assert plan_run.rc == 0, plan_run.stdout[-3000:]
    assert writes(plan_log) == []
    plan = plan_of(plan_run)
    assert plan["accessops_plan"]["items"] == []

    applied, apply_log = run_mode(sim, ansible_run, tmp_path, "apply", declared, **plan)
    assert applied.rc == 0, applied.stdout[-3000:]
    assert writes(apply_log) == []


def _pick(document, sim):
    """A repository with two explicit users or more (to edit), and another one with explicit users."""
    repos = document["repositories"]
    many = [slug for slug in sorted(repos) if len(repos[slug].get("users") or {}) >= 2]
    assert len(many) >= 2, "the demo seed has repositories with two explicit users or more"
    return many[0], many[1]


def test_edits_plan_exactly_those_items_and_apply_writes_exactly_them(sim, ansible_run, tmp_path):
    declared, document, _log = gathered(sim, ansible_run, tmp_path)
    exclusive_repo, additive_repo = _pick(document, sim)
    repos = document["repositories"]

    # 1. one grant added: a workspace member without an explicit permission on exclusive_repo
    known = set(repos[exclusive_repo]["users"])
    newcomer = next(
        acc["email"]
        for acc in sorted(sim.state.accounts.by_id.values(), key=lambda a: a["email"] or "")
        if acc.get("email") and acc["email"] not in known and acc["account_id"] in sim.state.workspace("acme").members
    )
    repos[exclusive_repo]["users"][newcomer] = "read"
    # 2. one level changed, 3. one user removed from an exclusive repository
    users = sorted(known)
    changed_user, removed_user = users[0], users[1]
    old_level = repos[exclusive_repo]["users"][changed_user]
    old_level = old_level["level"] if isinstance(old_level, dict) else old_level
    new_level = "admin" if old_level != "admin" else "write"
    repos[exclusive_repo]["users"][changed_user] = new_level
    del repos[exclusive_repo]["users"][removed_user]
    repos[exclusive_repo]["exclusive"] = True
    # 4. one user removed from a non-exclusive repository: not removed, reported
    dropped = sorted(repos[additive_repo]["users"])[0]
    del repos[additive_repo]["users"][dropped]
    # 5. one organization-group member added
    group = sorted(document["groups"])[0]
    members = document["groups"][group]["members"]
    joiner = next(
        acc["email"]
        for acc in sorted(sim.state.accounts.by_id.values(), key=lambda a: a["email"] or "")
        if acc.get("email") and acc["email"] not in members and acc["account_id"] in sim.state.workspace("acme").members
    )
    members.append(joiner)
    document["guardrails"] = {"min_admins": 0, "require_caller_admin": False, "max_removals": 5}
    edit(declared, document)

    plan_run, plan_log = run_mode(sim, ansible_run, tmp_path, "plan", declared)
    assert plan_run.rc == 0, plan_run.stdout[-3000:]
    assert writes(plan_log) == []
    plan = plan_of(plan_run)
    items = plan["accessops_plan"]["items"]
    got = sorted((i["kind"], i["action"], i["subject"].get("display"), i["after"]) for i in items)
    assert got == sorted(
        [
            ("repository_permission", "grant", newcomer, "read"),
            ("repository_permission", "change", changed_user, new_level),
            ("repository_permission", "revoke", removed_user, None),
            ("group_membership", "add", joiner, True),
        ]
    ), items
    result = fact(plan_run, "workspace_access_result")
    assert any(additive_repo in entry["message"] for entry in result["not_made"])

    applied, apply_log = run_mode(sim, ansible_run, tmp_path, "apply", declared, **plan)
    assert applied.rc == 0, applied.stdout[-3000:]
    assert writes(apply_log) == [item_write(i) for i in items]
    ws = sim.state.workspace("acme")
    assert ws.repos[exclusive_repo].user_perms.get(account(sim, removed_user)) is None
    assert ws.repos[exclusive_repo].user_perms[account(sim, newcomer)] == "read"
    assert ws.repos[additive_repo].user_perms.get(account(sim, dropped))  # kept: the section is not exclusive

    # the declared state now holds: a new plan is empty
    again, again_log = run_mode(sim, ansible_run, tmp_path, "plan", declared)
    assert again.rc == 0, again.stdout[-3000:]
    assert plan_of(again)["accessops_plan"]["items"] == []


def test_expired_grant_is_removed_and_run_mode_applies_it(sim, ansible_run, tmp_path):
    declared, document, _log = gathered(sim, ansible_run, tmp_path)
    slug = sorted(document["repositories"])[0]
    user = sorted(document["repositories"][slug]["users"])[0]
    level = document["repositories"][slug]["users"][user]
    level = level["level"] if isinstance(level, dict) else level
    document["repositories"][slug]["users"][user] = {"level": level, "expires": "2020-01-31", "ticket": "OPS-1"}
    document["guardrails"] = {"min_admins": 0, "require_caller_admin": False}
    edit(declared, document)

    run, log = run_mode(sim, ansible_run, tmp_path, "run", declared)
    assert run.rc == 0, run.stdout[-3000:]
    result = fact(run, "workspace_access_result")
    assert len(result["applied"]) == 1
    item = result["applied"][0]["item"] if "item" in result["applied"][0] else result["applied"][0]
    assert item["action"] == "revoke" and "expired on 2020-01-31" in item["reason"]
    assert writes(log) == [("DELETE", "/2.0/repositories/acme/%s/permissions-config/users/%s" % (slug, account(sim, user)))]


def test_guardrails_and_unknown_names_refuse_with_zero_writes(sim, ansible_run, tmp_path):
    declared, document, _log = gathered(sim, ansible_run, tmp_path)
    slug = sorted(document["repositories"])[0]

    too_many = json.loads(json.dumps(document))
    too_many["repositories"][slug]["users"] = {}
    too_many["repositories"][slug]["groups"] = {}
    too_many["repositories"][slug]["exclusive"] = True
    too_many["guardrails"] = {"max_removals": 0}
    edit(declared, too_many)
    run, log = run_mode(sim, ansible_run, tmp_path, "run", declared)
    assert run.rc != 0 and writes(log) == []
    assert "max_removals" in run.stdout

    unknown = json.loads(json.dumps(document))
    unknown["repositories"]["no-such-repository"] = {"users": {sorted(document["repositories"][slug]["users"])[0]: "read"}}
    unknown["repositories"][slug]["users"]["nobody@nowhere.example"] = "read"
    edit(declared, unknown)
    run, log = run_mode(sim, ansible_run, tmp_path, "run", declared)
    assert run.rc != 0 and writes(log) == []
    # named with their lines, both at once, before any write
    assert "no-such-repository" in run.stdout and "nobody@nowhere.example" in run.stdout
    assert "workspace-access.yml:" in run.stdout


def test_gather_marks_the_owner_and_bots_and_keeps_bots_exempt(sim, ansible_run, tmp_path):
    ws = sim.state.workspace("acme")
    bot = sim.state.accounts.get_by_email("dev005@acme.example")
    bot["account_type"] = "app"  # the Admin API's accountType of an app's account
    ws.repos["infra-core"].user_perms[bot["account_id"]] = "write"
    declared, document, _log = gathered(sim, ansible_run, tmp_path)
    text = declared.read_text(encoding="utf-8")
    assert "dev005@acme.example" in document["exempt"]
    assert any("dev005@acme.example: write" in line and "(bot)" in line for line in text.splitlines())
    owner = next(a for a in sim.state.accounts.by_id.values() if ws.is_owner(a["account_id"]))
    assert any(owner["email"] in line and "(workspace owner)" in line for line in text.splitlines())


def _one_admin(sim, slug, account_id):
    """``slug`` with exactly one explicit admin (``account_id``) and no admin group."""
    repo = sim.state.workspace("acme").repos[slug]
    for key, level in list(repo.user_perms.items()):
        if level == "admin":
            repo.user_perms[key] = "write"
    for key, level in list(repo.group_perms.items()):
        if level == "admin":
            repo.group_perms[key] = "write"
    repo.user_perms[account_id] = "admin"
    repo.effective_cache = None


@pytest.mark.parametrize("rule", ["min_admins", "require_caller_admin"])
def test_admin_guardrails_refuse_with_zero_writes(sim, ansible_run, tmp_path, rule):
    caller = account(sim, demo.ADMIN[0])
    admin = caller if rule == "require_caller_admin" else account(sim, "dev003@acme.example")
    _one_admin(sim, "infra-core", admin)
    declared, document, _log = gathered(sim, ansible_run, tmp_path)
    section = document["repositories"]["infra-core"]
    section["exclusive"] = True
    section["users"] = {
        key: level
        for key, level in section["users"].items()
        if key != next(k for k in section["users"] if account(sim, k) == admin)
    }
    document["guardrails"] = {
        "min_admins": 1 if rule == "min_admins" else 0,
        "require_caller_admin": rule == "require_caller_admin",
    }
    edit(declared, document)
    run, log = run_mode(sim, ansible_run, tmp_path, "run", declared)
    assert run.rc != 0 and writes(log) == []
    assert "guardrails.%s" % rule in run.stdout
    assert sim.state.workspace("acme").repos["infra-core"].user_perms[admin] == "admin"


def test_a_permission_changed_after_the_plan_is_stale_and_not_written(sim, ansible_run, tmp_path):
    declared, document, _log = gathered(sim, ansible_run, tmp_path)
    repos = document["repositories"]
    first, second = _pick(document, sim)
    changed_user = sorted(repos[first]["users"])[0]
    other_user = sorted(repos[second]["users"])[0]
    repos[first]["users"][changed_user] = "read" if repos[first]["users"][changed_user] != "read" else "write"
    repos[second]["users"][other_user] = "read" if repos[second]["users"][other_user] != "read" else "write"
    document["guardrails"] = {"min_admins": 0, "require_caller_admin": False}
    edit(declared, document)
    plan_run, _plan_log = run_mode(sim, ansible_run, tmp_path, "plan", declared)
    assert plan_run.rc == 0, plan_run.stdout[-3000:]
    plan = plan_of(plan_run)
    assert len(plan["accessops_plan"]["items"]) == 2
    # someone changes the first permission by hand after the plan was made
    repo = sim.state.workspace("acme").repos[first]
    repo.user_perms[account(sim, changed_user)] = "admin"
    repo.effective_cache = None

    applied, log = run_mode(sim, ansible_run, tmp_path, "apply", declared, **plan)
    assert applied.rc != 0  # a stale item fails the play unless workspace_access_allow_stale
    items = plan["accessops_plan"]["items"]
    stale = [i for i in items if i["target"]["repository"] == first]
    assert writes(log) == [item_write(i) for i in items if i not in stale]
    assert repo.user_perms[account(sim, changed_user)] == "admin"  # not touched
    result = fact(applied, "workspace_access_result")
    assert [s["found"] for s in result["stale"]] == ["admin"]


def test_plan_without_the_file_says_to_gather_first(sim, ansible_run, tmp_path):
    run, log = run_mode(sim, ansible_run, tmp_path, "plan", tmp_path / "missing.yml")
    assert run.rc != 0 and log == []  # not even the caller's account is read
    assert "workspace_access_mode=gather" in run.stdout
