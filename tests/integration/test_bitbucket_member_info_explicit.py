# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_member_info ``include_permissions``: every explicit path of one member, read without per-member requests."""

from __future__ import annotations

from collections import Counter

from bitbucket_helpers import account_id, playbook, report, workspace

PLAYBOOK = playbook("bitbucket_member_info.yml")
USER_LIST = "/permissions-config/users"


def test_explicit_repository_and_project_permissions_of_one_member(sim, ansible_run):
    ws = workspace(sim)
    dev003 = account_id(sim, "dev003@acme.example")
    uuid003 = sim.state.accounts.get_by_email("dev003@acme.example")["uuid"]
    # a second explicit project permission beside the seed's INFRA read (create-repo: write on every MOB repository)
    ws.set_project_perm(ws.project("MOB"), "users", dev003, "create-repo")
    explicit_repos = {slug: repo.user_perms[dev003] for slug, repo in ws.repos.items() if dev003 in repo.user_perms}
    explicit_projects = {key: p.user_perms[dev003] for key, p in ws.projects.items() if dev003 in p.user_perms}
    assert explicit_repos == {"infra-core": "admin", "portal-core": "read"}
    assert explicit_projects == {"INFRA": "read", "MOB": "create-repo"}
    effective = {slug: ws.effective(repo)[dev003] for slug, repo in ws.repos.items() if dev003 in ws.effective(repo)}
    assert len(effective) > len(explicit_repos) + len(ws.project("MOB").repos)  # the developers group reaches more

    result = ansible_run(PLAYBOOK, extra_vars={"member": "dev003@acme.example", "include_permissions": True})
    assert len(result.tasks) == 1, result.stdout + result.stderr
    task = result.tasks[0]
    assert task["_status"] == "ok", task.get("msg")
    member = task["member"]
    assert member["account_id"] == dev003
    assert member["explicit_permissions"] == {"repositories": explicit_repos, "projects": explicit_projects}
    assert member["repository_permissions"] == effective
    assert all(effective[slug] == "write" for slug in ws.project("MOB").repos)

    log = sim.log()
    lists = Counter(e["path"] for e in log if e["method"] == "GET" and e["path"].endswith(USER_LIST))
    assert sum(lists.values()) == len(effective) + len(ws.projects)
    assert set(lists.values()) == {1}
    assert set(lists) == set(
        ["/2.0/repositories/acme/%s%s" % (slug, USER_LIST) for slug in effective]
        + ["/2.0/workspaces/acme/projects/%s%s" % (key, USER_LIST) for key in ws.projects]
    )
    # no request is about the member alone: the lookups filter by query, the lists hold everybody
    assert [e["path"] for e in log if dev003 in e["path"] or uuid003.lower() in e["path"].lower()] == []
    assert sim.writes() == []
    counts = report(
        "member_info, one member by email + effective and explicit permissions (%d repositories, %d "
        "projects)" % (len(effective), len(ws.projects)),
        sim,
    )
    assert counts["total"] == task["api_calls"]["total"]
    others = Counter(e["path"] for e in log if not e["path"].endswith(USER_LIST))
    print("    other requests: %s" % dict(others))
