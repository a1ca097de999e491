# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The explicit-permission modules' ``changes`` (one change item per target and subject changed) and compare-and-set
(``expect`` of the entries of ``users`` / ``groups``, ``stale``): the exact HTTP calls, in order."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_project_permission as project_module
from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_repo_permission as repo_module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    API,
    PROJECT_GROUPS,
    PROJECT_USERS,
    REPO_GROUPS,
    REPO_USERS,
    add_owner,
    aid,
    args,
    calls,
    effective_query,
    error,
    group_perm,
    membership,
    owner_query,
    page,
    perm,
    project_perm,
    repository_query,
    run_module,
    user,
)
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.harness import api  # pylint: disable=unused-import
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.harness import bodies


def users_path(repo, name=None):
    path = "/2.0/repositories/acme/%s/permissions-config/users" % repo
    return path + ("/557058:%s" % name if name else "")


def change(kind, action, target, subject, before, after):
    scope = kind.split("_")[0]
    if subject.startswith("group:"):
        who = {"type": "group", "slug": subject[len("group:") :]}
    else:
        who = {"type": "user", "account_id": aid(subject)}
    return {
        "api": "bitbucket",
        "kind": kind,
        "action": action,
        "target": {"workspace": "acme", scope: target},
        "subject": who,
        "before": before,
        "after": after,
    }


def stale(scope, target, subject, expected, found):
    if subject.startswith("group:"):
        return {scope: target, "group": subject[len("group:") :], "expected": expected, "found": found}
    return {scope: target, "user": aid(subject), "expected": expected, "found": found}


def access(name, repo, permission):
    """A row of /workspaces/{ws}/permissions/repositories."""
    return {
        "type": "repository_permission",
        "permission": permission,
        "user": user(name),
        "repository": {"type": "repository", "full_name": "acme/%s" % repo, "name": repo},
    }


# -- changes -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_changes_of_repository_users_and_groups_grant_change_revoke(check_mode):
    with responses.RequestsMock() as rsps:
        rsps.add("GET", API + REPO_USERS[4:], json=page([perm("dev1", "read"), perm("dev2", "write")]))
        rsps.add("GET", API + REPO_GROUPS[4:], json=page([group_perm("qa", "read"), group_perm("ops", "admin")]))
        add_owner(rsps, members=["dev3"])
        if not check_mode:
            rsps.add("DELETE", API + REPO_USERS[4:] + "/557058:dev2", status=204)
            rsps.add("DELETE", API + REPO_GROUPS[4:] + "/ops", status=204)
            rsps.add("PUT", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "admin"))
            rsps.add("PUT", API + REPO_GROUPS[4:] + "/qa", json=group_perm("qa", "write"))
            rsps.add("PUT", API + REPO_USERS[4:] + "/557058:dev3", json=perm("dev3", "read"))
            rsps.add("PUT", API + REPO_GROUPS[4:] + "/developers", json=group_perm("developers", "read"))
        result, failed = run_module(
            repo_module,
            args(
                repository="infra-core",
                users=[
                    {"user": aid("dev3"), "permission": "read"},
                    {"user": aid("dev1"), "permission": "admin"},
                    {"user": aid("dev2"), "state": "absent"},
                ],
                groups=[
                    {"group": "developers", "permission": "read"},
                    {"group": "qa", "permission": "write"},
                    {"group": "ops", "state": "absent"},
                ],
            ),
            check_mode=check_mode,
        )
        assert not failed and result["changed"] is True
        assert [c[0] for c in calls(rsps)] == ["GET"] * 3 + ([] if check_mode else ["DELETE"] * 2 + ["PUT"] * 4)
    kind = "repository_permission"
    # users before groups; in each, the order the writes are sent: revokes, changes, grants
    assert result["changes"] == [
        change(kind, "revoke", "infra-core", "dev2", "write", None),
        change(kind, "change", "infra-core", "dev1", "read", "admin"),
        change(kind, "grant", "infra-core", "dev3", None, "read"),
        change(kind, "revoke", "infra-core", "group:ops", "admin", None),
        change(kind, "change", "infra-core", "group:qa", "read", "write"),
        change(kind, "grant", "infra-core", "group:developers", None, "read"),
    ]
    assert result["stale"] == [] and result["targets"][0]["stale"] == []


def project_user(name, permission, project):
    return dict(project_perm(name, permission), project={"type": "project", "key": project})


def project_path(project, subject, key=None):
    path = "/2.0/workspaces/acme/projects/%s/permissions-config/%s" % (project, subject)
    return path + ("/" + key if key else "")


@pytest.mark.parametrize("check_mode", [False, True])
def test_changes_of_project_users_and_groups_in_the_order_of_the_projects(check_mode):
    projects = ["WEB", "INFRA"]
    with responses.RequestsMock() as rsps:
        for project in projects:
            if check_mode:  # one read answers both: the permission, and that the project exists
                rsps.add("GET", API + project_path(project, "users")[4:], json=page([project_user("dev1", "read", project)]))
            else:
                rsps.add("GET", API + project_path(project, "users", aid("dev1"))[4:], json=project_user("dev1", "read", project))
            rsps.add("GET", API + project_path(project, "groups", "developers")[4:], json=group_perm("developers", "read"))
        if not check_mode:
            for project in projects:
                rsps.add("DELETE", API + project_path(project, "groups", "developers")[4:], status=204)
                rsps.add(
                    "PUT", API + project_path(project, "users", aid("dev1"))[4:], json=project_user("dev1", "admin", project)
                )
        result, failed = run_module(
            project_module,
            args(
                projects=projects,
                users=[{"user": aid("dev1"), "permission": "create-repo"}],
                groups=[{"group": "developers", "state": "absent"}],
                concurrency=1,
            ),
            check_mode=check_mode,
        )
        assert not failed, result
        assert len(calls(rsps)) == (4 if check_mode else 8)
    kind = "project_permission"
    assert result["changes"] == [
        change(kind, "change", "WEB", "dev1", "read", "create-repo"),
        change(kind, "revoke", "WEB", "group:developers", "read", None),
        change(kind, "change", "INFRA", "dev1", "read", "create-repo"),
        change(kind, "revoke", "INFRA", "group:developers", "read", None),
    ]


@responses.activate
def test_changes_name_a_user_given_by_email_by_account_id():
    responses.add("GET", API + "/workspaces/acme/members", json=page([membership("dev1", email="dev1@acme.example")]))
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "read"))
    responses.add("PUT", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "write"))
    result, failed = run_module(repo_module, args(repository="infra-core", user="dev1@acme.example", permission="write"))
    assert not failed
    assert result["changes"] == [change("repository_permission", "change", "infra-core", "dev1", "read", "write")]


@responses.activate
def test_after_a_failure_midway_changes_hold_only_what_was_applied():
    responses.add("GET", API + users_path("infra-core")[4:], json=page([perm("dev2", "read")]))
    responses.add("GET", API + users_path("web")[4:], json=page([perm("dev2", "read")]))
    add_owner(responses, members=["dev1"])
    responses.add("DELETE", API + users_path("infra-core", "dev2")[4:], status=204)
    responses.add("PUT", API + users_path("infra-core", "dev1")[4:], json=perm("dev1", "write"))
    responses.add("DELETE", API + users_path("web", "dev2")[4:], status=204)
    responses.add("PUT", API + users_path("web", "dev1")[4:], status=402, json=error("Your plan's user limit has been reached"))
    result, failed = run_module(
        repo_module,
        args(
            repositories=["infra-core", "web"],
            users=[{"user": aid("dev1"), "permission": "write"}, {"user": aid("dev2"), "state": "absent"}],
            concurrency=1,
        ),
    )
    assert failed and result["failed_repositories"] == ["web"]
    kind = "repository_permission"
    assert result["changes"] == [
        change(kind, "revoke", "infra-core", "dev2", "read", None),
        change(kind, "grant", "infra-core", "dev1", None, "write"),
        change(kind, "revoke", "web", "dev2", "read", None),
    ]


@responses.activate
def test_no_change_no_change_items():
    responses.add("GET", API + PROJECT_GROUPS[4:] + "/qa", json=group_perm("qa", "admin", "project"))
    result, failed = run_module(project_module, args(project="INFRA", group="qa", permission="admin"))
    assert not failed and result["changed"] is False
    assert result["changes"] == [] and result["stale"] == []


# -- expect (compare-and-set) ------------------------------------------------------------------------------------


@responses.activate
def test_expect_that_holds_is_written():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "read"))
    responses.add("PUT", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "write"))
    result, failed = run_module(
        repo_module, args(repository="infra-core", users=[{"user": aid("dev1"), "permission": "write", "expect": "read"}])
    )
    assert not failed and result["changed"] is True
    assert calls(responses) == [("GET", REPO_USERS + "/557058:dev1"), ("PUT", REPO_USERS + "/557058:dev1")]
    assert result["stale"] == [] and result["targets"][0]["stale"] == []
    assert result["changes"] == [change("repository_permission", "change", "infra-core", "dev1", "read", "write")]


@pytest.mark.parametrize("check_mode", [False, True])
def test_expect_that_fails_on_one_of_two_repositories_writes_only_the_other(check_mode):
    # check mode reads the list (it also shows the repository exists), a real run the user's permission
    with responses.RequestsMock() as rsps:
        for repo, level in (("infra-core", "read"), ("web", "admin")):
            if check_mode:
                rsps.add("GET", API + users_path(repo)[4:], json=page([perm("dev1", level)]))
            else:
                rsps.add("GET", API + users_path(repo, "dev1")[4:], json=perm("dev1", level))
        if not check_mode:
            rsps.add("PUT", API + users_path("infra-core", "dev1")[4:], json=perm("dev1", "write"))
        result, failed = run_module(
            repo_module,
            args(
                repositories=["infra-core", "web"],
                users=[{"user": aid("dev1"), "permission": "write", "expect": "read"}],
                concurrency=1,
            ),
            check_mode=check_mode,
        )
        if check_mode:
            expected_calls = [("GET", users_path(repo) + "?pagelen=100") for repo in ("infra-core", "web")]
        else:  # no PUT (nor DELETE) on web
            expected_calls = [("GET", users_path("infra-core", "dev1")), ("GET", users_path("web", "dev1"))]
            expected_calls.append(("PUT", users_path("infra-core", "dev1")))
        assert calls(rsps) == expected_calls
    assert not failed and result["changed"] is True and "msg" not in result
    assert result["stale"] == [stale("repository", "web", "dev1", "read", "admin")]
    infra, web = result["targets"]
    assert infra["stale"] == [] and infra["updated"] == [aid("dev1")]
    assert web["stale"] == result["stale"] and web["changed"] is False and web["failed"] == []
    assert (web["added"], web["updated"], web["removed"], web["unchanged"]) == ([], [], [], [])
    assert result["permissions"]["after"] == {"infra-core": {aid("dev1"): "write"}, "web": {aid("dev1"): "admin"}}
    assert result["changes"] == [change("repository_permission", "change", "infra-core", "dev1", "read", "write")]
    assert result["failed_repositories"] == []


@responses.activate
def test_expect_none_against_an_existing_permission_is_stale_and_nothing_is_written():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "read"))
    result, failed = run_module(
        repo_module, args(repository="infra-core", users=[{"user": aid("dev1"), "permission": "write", "expect": "none"}])
    )
    assert not failed and result["changed"] is False
    assert calls(responses) == [("GET", REPO_USERS + "/557058:dev1")]
    assert result["stale"] == [stale("repository", "infra-core", "dev1", None, "read")]
    assert result["changes"] == [] and result["diff"] == []


@responses.activate
def test_expect_none_holds_for_a_first_grant_without_any_extra_read():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", status=404, json=error("not found"))
    add_owner(responses, members=["dev1"])
    responses.add("PUT", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "read"))
    result, failed = run_module(
        repo_module, args(repository="infra-core", users=[{"user": aid("dev1"), "permission": "read", "expect": "none"}])
    )
    assert not failed and result["changed"] is True
    assert calls(responses) == [
        ("GET", REPO_USERS + "/557058:dev1"),
        ("GET", owner_query("dev1")),
        ("PUT", REPO_USERS + "/557058:dev1"),
    ]
    assert result["stale"] == []


@responses.activate
def test_expect_of_a_level_where_there_is_none_confirms_the_target_before_calling_it_stale():
    # the 404 of the single read could also mean "no such repository": the listing (pagelen=1) tells which
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", status=404, json=error("not found"))
    responses.add("GET", API + REPO_USERS[4:], json=page([]))
    result, failed = run_module(
        repo_module, args(repository="infra-core", users=[{"user": aid("dev1"), "permission": "admin", "expect": "write"}])
    )
    assert not failed and result["changed"] is False
    assert calls(responses) == [("GET", REPO_USERS + "/557058:dev1"), ("GET", REPO_USERS + "?pagelen=1")]
    assert result["stale"] == [stale("repository", "infra-core", "dev1", "write", None)]


@responses.activate
def test_expect_on_a_missing_repository_fails_it_instead_of_calling_it_stale():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", status=404, json=error("not found"))
    responses.add("GET", API + REPO_USERS[4:], status=404, json=error("Repository acme/infra-core not found"))
    result, failed = run_module(
        repo_module, args(repository="infra-core", users=[{"user": aid("dev1"), "permission": "admin", "expect": "write"}])
    )
    assert failed and result["failed_repositories"] == ["infra-core"]
    assert result["stale"] == [] and result["targets"][0]["stale"] == []


@responses.activate
def test_expect_with_the_prefetch_reads_only_the_repositories_the_user_reaches():
    repos = ["infra-core", "web", "billing"]
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([access("dev1", "web", "write")]))
    add_owner(responses, members=["dev1"])
    responses.add("GET", API + users_path("web", "dev1")[4:], json=perm("dev1", "write"))
    for repo in ("infra-core", "billing"):
        responses.add("PUT", API + users_path(repo, "dev1")[4:], json=perm("dev1", "read"))
    result, failed = run_module(
        repo_module,
        args(repositories=repos, users=[{"user": aid("dev1"), "permission": "read", "expect": "none"}], concurrency=1),
    )
    assert not failed and result["changed"] is True
    # no access proves no explicit permission (expect none holds): no per-repository read there
    assert calls(responses) == [
        ("GET", effective_query("dev1", repos)),
        ("GET", owner_query("dev1")),
        ("GET", users_path("web", "dev1")),
        ("PUT", users_path("infra-core", "dev1")),
        ("PUT", users_path("billing", "dev1")),
    ]
    assert result["stale"] == [stale("repository", "web", "dev1", None, "write")]
    assert [c["target"]["repository"] for c in result["changes"]] == ["infra-core", "billing"]


@responses.activate
def test_expect_of_a_level_with_the_prefetch_lists_the_repositories_without_access():
    repos = ["infra-core", "web", "billing"]
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([access("dev1", "web", "read")]))
    add_owner(responses, members=["dev1"])
    responses.add("GET", API + "/repositories/acme", json=page([{"slug": "infra-core", "full_name": "acme/infra-core"}]))
    responses.add("GET", API + users_path("web", "dev1")[4:], json=perm("dev1", "read"))
    responses.add("PUT", API + users_path("web", "dev1")[4:], json=perm("dev1", "write"))
    result, failed = run_module(
        repo_module,
        args(repositories=repos, users=[{"user": aid("dev1"), "permission": "write", "expect": "read"}], concurrency=1),
    )
    # billing does not exist: a failure, not a stale entry; infra-core exists and holds nothing: stale
    assert failed and result["failed_repositories"] == ["billing"]
    assert calls(responses) == [
        ("GET", effective_query("dev1", repos)),
        ("GET", owner_query("dev1")),
        ("GET", repository_query(["infra-core", "billing"])),
        ("GET", users_path("web", "dev1")),
        ("PUT", users_path("web", "dev1")),
    ]
    assert result["stale"] == [stale("repository", "infra-core", "dev1", "read", None)]
    assert result["changes"] == [change("repository_permission", "change", "web", "dev1", "read", "write")]


@responses.activate
def test_expect_on_project_groups_writes_only_the_group_whose_expect_holds():
    responses.add(
        "GET",
        API + PROJECT_GROUPS[4:],
        json=page([group_perm("qa", "read", "project"), group_perm("ops", "admin", "project")]),
    )
    responses.add("DELETE", API + PROJECT_GROUPS[4:] + "/qa", status=204)
    result, failed = run_module(
        project_module,
        args(
            project="INFRA",
            groups=[
                {"group": "ops", "permission": "write", "expect": "create-repo"},
                {"group": "qa", "state": "absent", "expect": "read"},
            ],
        ),
    )
    assert not failed and result["changed"] is True
    assert calls(responses) == [("GET", PROJECT_GROUPS + "?pagelen=100"), ("DELETE", PROJECT_GROUPS + "/qa")]
    assert result["stale"] == [stale("project", "INFRA", "group:ops", "create-repo", "admin")]
    assert result["targets"][0]["groups"]["removed"] == ["qa"]
    assert result["changes"] == [change("project_permission", "revoke", "INFRA", "group:qa", "read", None)]


@responses.activate
def test_stale_users_come_before_stale_groups_and_only_stale_means_unchanged():
    responses.add("GET", API + PROJECT_USERS[4:] + "/557058:dev1", json=project_perm("dev1", "write"))
    # the user's read showed the project exists: the group's 404 means no explicit permission, no second read
    responses.add("GET", API + PROJECT_GROUPS[4:] + "/qa", status=404, json=error("not found"))
    result, failed = run_module(
        project_module,
        args(
            project="INFRA",
            groups=[{"group": "qa", "permission": "read", "expect": "write"}],
            users=[{"user": aid("dev1"), "state": "absent", "expect": "read"}],
        ),
    )
    assert not failed and result["changed"] is False
    assert result["stale"] == [
        stale("project", "INFRA", "dev1", "read", "write"),
        stale("project", "INFRA", "group:qa", "write", None),
    ]
    assert calls(responses) == [("GET", PROJECT_USERS + "/557058:dev1"), ("GET", PROJECT_GROUPS + "/qa")]


def test_expect_with_exclusive_is_refused_before_any_request(api):  # pylint: disable=redefined-outer-name
    result, failed = run_module(
        repo_module,
        args(
            repository="infra-core",
            exclusive=True,
            users=[{"user": aid("dev1"), "permission": "write"}, {"user": aid("dev2"), "permission": "read", "expect": "none"}],
        ),
    )
    assert failed
    assert result["msg"].startswith("users[1].expect cannot be combined with exclusive=true")
    assert calls(api) == [] and result["api_calls"] == {"total": 0}


def test_expect_is_validated_against_the_levels_of_the_scope(api):  # pylint: disable=redefined-outer-name
    result, failed = run_module(
        repo_module,
        args(repository="infra-core", users=[{"user": aid("dev1"), "permission": "write", "expect": "create-repo"}]),
    )
    assert failed and "expect" in result["msg"] and "create-repo" in result["msg"]
    assert calls(api) == []


def test_the_same_user_twice_with_different_expect_is_refused(api):  # pylint: disable=redefined-outer-name
    result, failed = run_module(
        repo_module,
        args(
            repository="infra-core",
            users=[
                {"user": aid("dev1"), "permission": "write", "expect": "read"},
                {"user": aid("dev1"), "permission": "write"},
            ],
        ),
    )
    assert failed and "listed twice with different expect" in result["msg"]
    assert calls(api) == []


@responses.activate
def test_a_body_of_a_write_after_expect_is_the_permission_asked():
    responses.add("GET", API + PROJECT_USERS[4:] + "/557058:dev1", json=project_perm("dev1", "write"))
    responses.add("PUT", API + PROJECT_USERS[4:] + "/557058:dev1", json=project_perm("dev1", "create-repo"))
    result, failed = run_module(
        project_module,
        args(project="INFRA", users=[{"user": aid("dev1"), "permission": "create-repo", "expect": "write"}]),
    )
    assert not failed and bodies(responses, "PUT") == [{"permission": "create-repo"}]
    assert result["changes"] == [change("project_permission", "change", "INFRA", "dev1", "write", "create-repo")]
