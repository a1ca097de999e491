# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_project_permission with real ansible-playbook against the simulator: users and groups on projects.

Tasks that belong together share one ansible-playbook run; ``TaskLogs`` gives each task its own request log (the
simulator's, not the module's own account of its calls).
"""

from __future__ import annotations

from bitbucket_helpers import (
    OAUTH_AUTH,
    account_id,
    examples_env,
    examples_playbook,
    module_task,
    permission_write,
    predict_then_apply,
    project_perms,
    report_log,
    run_tasks,
    workspace,
    writes_in,
)

MODULE = "bitbucket_project_permission"
TOKEN_PATH = "/site/oauth2/access_token"
USERS = [
    {"user": "dev010@acme.example", "permission": "write"},
    {"user": "dev003@acme.example", "permission": "create-repo"},
    {"user": "dev182@acme.example", "state": "absent"},
]
GROUPS = [
    {"group": "developers", "permission": "read"},
    {"group": "auditors", "state": "absent"},
    {"group": "qa", "permission": "write"},
]


def task(name, auth=None, ignore_errors=False, **options):
    keywords = {"ignore_errors": True} if ignore_errors else {}
    return module_task(name, MODULE, dict(workspace="acme", **options), auth=auth, **keywords)


def ids(sim, *emails):
    return [account_id(sim, "%s@acme.example" % e) for e in emails]


def test_first_run_changes_second_run_does_not(sim, ansible_run, tmp_path):
    dev010, dev003, dev182, dev120 = ids(sim, "dev010", "dev003", "dev182", "dev120")
    assert project_perms(sim, "INFRA") == ({dev003: "read"}, {"ops": "admin", "auditors": "read"})
    assert project_perms(sim, "WEB") == ({dev182: "read", dev120: "write"}, {"developers": "write", "contractors": "read"})
    options = {"projects": ["INFRA", "WEB"], "users": USERS, "groups": GROUPS}
    result, logs = run_tasks(sim, ansible_run, tmp_path, [task("first", **options), task("second", **options)])
    first, second = result.task("first"), result.task("second")
    assert first["_status"] == "ok" and first["changed"] is True, first.get("msg")
    assert sorted(permission_write(w) for w in writes_in(logs["first"])) == sorted(
        [
            ("PUT", "INFRA", "users", dev010),
            ("PUT", "INFRA", "users", dev003),
            ("PUT", "INFRA", "groups", "developers"),
            ("DELETE", "INFRA", "groups", "auditors"),
            ("PUT", "INFRA", "groups", "qa"),
            ("PUT", "WEB", "users", dev010),
            ("PUT", "WEB", "users", dev003),
            ("DELETE", "WEB", "users", dev182),
            ("PUT", "WEB", "groups", "developers"),
            ("PUT", "WEB", "groups", "qa"),
        ]
    )
    assert project_perms(sim, "INFRA") == (
        {dev003: "create-repo", dev010: "write"},
        {"ops": "admin", "developers": "read", "qa": "write"},
    )
    assert project_perms(sim, "WEB") == (
        {dev120: "write", dev010: "write", dev003: "create-repo"},
        {"developers": "read", "contractors": "read", "qa": "write"},
    )
    infra, web = first["results"]
    assert (infra["project"], infra["added"], infra["updated"], infra["removed"]) == ("INFRA", [dev010], [dev003], [])
    assert (web["project"], web["added"], web["updated"], web["removed"]) == ("WEB", sorted([dev010, dev003]), [], [dev182])
    assert infra["groups"] == {
        "added": ["developers", "qa"],
        "updated": [],
        "removed": ["auditors"],
        "unchanged": [],
        "protected": [],
    }
    assert web["groups"] == {"added": ["qa"], "updated": ["developers"], "removed": [], "unchanged": [], "protected": []}
    assert first["failed_projects"] == []
    assert first["api_calls"]["total"] == len(logs["first"])
    report_log("project_permission, 3 users (emails) + 3 groups x 2 projects, first run", logs["first"])

    assert second["_status"] == "ok" and second["changed"] is False, second.get("msg")
    assert writes_in(logs["second"]) == [] and sim.writes() == []  # the log since the second task began
    assert second["diff"] == []
    assert [r["unchanged"] for r in second["results"]] == [sorted([dev010, dev003])] * 2
    assert [r["groups"]["unchanged"] for r in second["results"]] == [["developers", "qa"]] * 2
    assert second["api_calls"]["total"] == len(logs["second"])
    report_log("project_permission, 3 users (emails) + 3 groups x 2 projects, second run (no change)", logs["second"])


def test_check_mode_predicts_exactly_what_the_real_run_does(sim, ansible_run, tmp_path):
    """Exclusive users and groups on three projects (PLAT has a user admin and a create-repo user to remove)."""
    projects = ["INFRA", "MOB", "PLAT"]
    dev250 = account_id(sim, "dev250@acme.example")
    options = {
        "projects": projects,
        "exclusive": True,
        "concurrency": 2,
        "users": [{"user": "dev250@acme.example", "permission": "create-repo"}],
        "groups": [{"group": "developers", "permission": "write"}, {"group": "qa", "permission": "read"}],
    }

    def state():
        return {key: project_perms(sim, key) for key in projects}

    before = state()
    assert "admin" in before["PLAT"][0].values() and "admin" in before["INFRA"][1].values()
    predicted, real, check_log, real_log = predict_then_apply(
        sim, ansible_run, tmp_path, lambda name: task(name, **options), state
    )
    assert predicted["permissions"]["before"] == {key: before[key][0] for key in projects}
    assert predicted["group_permissions"]["before"] == {key: before[key][1] for key in projects}
    for key in projects:
        assert project_perms(sim, key) == ({dev250: "create-repo"}, {"developers": "write", "qa": "read"}), key
        assert real["permissions"]["after"][key] == {dev250: "create-repo"}
        assert real["group_permissions"]["after"][key] == {"developers": "write", "qa": "read"}
    report_log("project_permission, exclusive 1 user + 2 groups x 3 projects, check mode", check_log)
    report_log("project_permission, exclusive 1 user + 2 groups x 3 projects, real run after check mode", real_log)


def test_diff_output_shows_one_block_per_project(sim, ansible_run, tmp_path):
    dev181 = account_id(sim, "dev181@acme.example")
    name181 = sim.state.accounts.get_by_email("dev181@acme.example")["display_name"]
    result, _logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            task(
                "diff",
                projects=["PLAT", "WEB"],
                users=[{"user": "dev181@acme.example", "state": "absent"}],
                groups=[{"group": "qa", "permission": "write"}, {"group": "contractors", "permission": "create-repo"}],
            )
        ],
        diff=True,
    )
    assert result.task("diff")["changed"] is True
    out = result.stdout
    for key in ("PLAT", "WEB"):
        assert "--- before: acme/%s" % key in out and "+++ after: acme/%s" % key in out
    assert out.count("--- before: acme/") == 2
    assert '-"%s": create-repo  # %s <dev181@acme.example>' % (dev181, name181) in out  # PLAT
    assert '-"group:qa": read' in out  # PLAT
    assert out.count('+"group:qa": write') == 2
    assert '+"group:contractors": create-repo' in out and '-"group:contractors": read' in out  # WEB changes, PLAT adds
    assert out.count('+"group:contractors": create-repo') == 2
    assert '"group:developers"' not in out  # not managed, not exclusive: not shown


def test_create_repo_grant_and_a_group_grant_change_revoke(sim, ansible_run, tmp_path):
    ws = workspace(sim)
    dev250 = account_id(sim, "dev250@acme.example")
    assert dev250 not in ws.users_with_access()
    assert project_perms(sim, "MOB") == ({}, {"qa": "write"})
    result, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            task(
                "grant",
                project="MOB",
                users=[{"user": "dev250@acme.example", "permission": "create-repo"}],
                groups=[{"group": "contractors", "permission": "read"}],
            ),
            task("change", project="MOB", group="contractors", permission="write"),
            task("revoke", project="MOB", group="contractors", state="absent"),
            task("revoke again", project="MOB", group="contractors", state="absent"),
        ],
    )
    grant, change, revoke, again = (result.task(n) for n in ("grant", "change", "revoke", "revoke again"))
    assert [t["_status"] for t in (grant, change, revoke, again)] == ["ok"] * 4, [t.get("msg") for t in result.tasks]
    assert [t["changed"] for t in (grant, change, revoke, again)] == [True, True, True, False]
    assert sorted(permission_write(w) for w in writes_in(logs["grant"])) == [
        ("PUT", "MOB", "groups", "contractors"),
        ("PUT", "MOB", "users", dev250),
    ]
    assert grant["results"][0]["added"] == [dev250] and grant["results"][0]["groups"]["added"] == ["contractors"]
    assert grant["permissions"] == {"before": {"MOB": {}}, "after": {"MOB": {dev250: "create-repo"}}}
    # each later task read what the one before it left on the server
    assert [permission_write(w) for w in writes_in(logs["change"])] == [("PUT", "MOB", "groups", "contractors")]
    assert change["group_permissions"] == {"before": {"MOB": {"contractors": "read"}}, "after": {"MOB": {"contractors": "write"}}}
    assert change["results"][0]["groups"]["updated"] == ["contractors"]
    assert [permission_write(w) for w in writes_in(logs["revoke"])] == [("DELETE", "MOB", "groups", "contractors")]
    assert revoke["group_permissions"] == {"before": {"MOB": {"contractors": "write"}}, "after": {"MOB": {}}}
    assert revoke["results"][0]["groups"]["removed"] == ["contractors"]
    assert writes_in(logs["revoke again"]) == [] and again["diff"] == []
    assert project_perms(sim, "MOB") == ({dev250: "create-repo"}, {"qa": "write"})
    # create-repo is write on every repository of the project, and nowhere else
    reached = {slug: level for slug, repo in ws.repos.items() for a, level in ws.effective(repo).items() if a == dev250}
    assert reached == dict.fromkeys(ws.project("MOB").repos, "write")
    for name in ("grant", "change", "revoke", "revoke again"):
        report_log("project_permission, one project, %s" % name, logs[name])


def test_refusals_and_an_unknown_group(sim, ansible_run, tmp_path):
    """The owner, OAuth credentials (both refused before any write), an unknown group (fails only its own grant)."""
    dev010, dev250 = ids(sim, "dev010", "dev250")
    seed = {key: project_perms(sim, key) for key in ("INFRA", "WEB")}
    result, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            task(
                "owner",
                ignore_errors=True,
                project="INFRA",
                users=[
                    {"user": "dev010@acme.example", "permission": "read"},
                    {"user": "owner@acme.example", "permission": "admin"},
                ],
            ),
            task(
                "oauth",
                auth=OAUTH_AUTH,
                ignore_errors=True,
                project="INFRA",
                users=[{"user": dev010, "permission": "read"}],
                groups=[{"group": "qa", "permission": "read"}],
            ),
            task(
                "unknown group",
                ignore_errors=True,
                project="WEB",
                users=[{"user": "dev250@acme.example", "permission": "read"}],
                groups=[{"group": "ghosts", "permission": "write"}, {"group": "qa", "permission": "read"}],
            ),
        ],
    )

    owner = result.task("owner")
    assert owner["_status"] == "failed"
    assert "owner of workspace acme" in owner["msg"] and "owner@acme.example" in owner["msg"]
    assert writes_in(logs["owner"]) == []
    report_log("project_permission, grant to the owner (refused)", logs["owner"])

    oauth = result.task("oauth")
    assert oauth["_status"] == "failed"
    assert "only for HTTP Basic credentials" in oauth["msg"] and "api_token" in oauth["msg"]
    assert [(e["method"], e["path"]) for e in writes_in(logs["oauth"])] == [("POST", TOKEN_PATH)]  # the token, no write
    assert not [e for e in logs["oauth"] if e["method"] in ("PUT", "DELETE")]
    assert "demo-client-secret" not in str(oauth)
    report_log("project_permission, OAuth consumer (refused before any write)", logs["oauth"])
    assert project_perms(sim, "INFRA") == seed["INFRA"]

    unknown = result.task("unknown group")
    assert unknown["_status"] == "failed"
    assert "ghosts" in unknown["msg"]
    assert unknown["failed_projects"] == ["WEB"]
    [entry] = unknown["results"]
    assert [(f["group"], f["operation"], f["status"]) for f in entry["failed"]] == [("ghosts", "grant", 404)]
    assert "Group ghosts not found in workspace acme" in entry["failed"][0]["message"]
    assert entry["added"] == [dev250] and entry["groups"]["added"] == ["qa"]
    users, groups = project_perms(sim, "WEB")
    assert users == dict(seed["WEB"][0], **{dev250: "read"})
    assert groups == dict(seed["WEB"][1], qa="read") and "ghosts" not in groups
    assert sorted((w["method"], w["status"], permission_write(w)[2:]) for w in writes_in(logs["unknown group"])) == [
        ("PUT", 200, ("groups", "qa")),
        ("PUT", 200, ("users", dev250)),
        ("PUT", 404, ("groups", "ghosts")),
    ]
    report_log("project_permission, unknown group beside a user and a group", logs["unknown group"])


def test_examples_run_against_the_simulator(sim, ansible_run):
    dev003, dev004, dev005 = ids(sim, "dev003", "dev004", "dev005")
    result = ansible_run(
        examples_playbook(MODULE), extra_vars={"bitbucket_api_token": "demo-admin-api-token"}, env=examples_env(sim)
    )
    assert result.rc == 0, result.stdout + result.stderr
    assert len(result.tasks) == 3
    assert [t["_status"] for t in result.tasks] == ["ok"] * 3
    assert [t["changed"] for t in result.tasks] == [True, True, False]
    users, groups = project_perms(sim, "INFRA")
    assert users[dev003] == "create-repo" and users[dev004] == "write"
    assert groups == {"developers": "write"}  # the second example: exactly these groups
    assert project_perms(sim, "WEB")[1] == {"developers": "write"}
    assert all(dev005 not in project_perms(sim, key)[0] for key in ("INFRA", "WEB", "DATA"))
