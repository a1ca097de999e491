# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_repo_permission: a lowered level that another path still exceeds warns (issue 19, item 6), with the
exact HTTP calls: one filtered effective-permission read, only when the task lowers a level."""

from __future__ import annotations

import responses

from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.report import _failure_message
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import REPOSITORY
from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_project_permission as project_module
from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_repo_permission as module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    API,
    aid,
    args,
    calls,
    error,
    page,
    perm,
    project_perm,
    run_module,
    user,
)

REPOS = ["infra-core", "web"]


def users_path(repo, name):
    return "/2.0/repositories/acme/%s/permissions-config/users/557058:%s" % (repo, name)


def half_measure_query(names, repositories):
    return (
        "/2.0/workspaces/acme/permissions/repositories?q=user.account_id IN (%s) AND repository.full_name IN (%s)"
        "&pagelen=100" % (",".join('"%s"' % aid(n) for n in names), ",".join('"acme/%s"' % r for r in sorted(repositories)))
    )


def access(name, repo, permission):
    return {
        "type": "repository_permission",
        "permission": permission,
        "user": user(name),
        "repository": {"type": "repository", "full_name": "acme/%s" % repo, "name": repo},
    }


def lowered(rsps, repo, before="write"):
    rsps.add("GET", API + users_path(repo, "dev1")[4:], json=perm("dev1", before))


@responses.activate
def test_a_lowering_a_group_still_exceeds_warns_after_one_read():
    for repo in REPOS:
        lowered(responses, repo)
        responses.add("PUT", API + users_path(repo, "dev1")[4:], json=perm("dev1", "read"))
    responses.add(
        "GET",
        API + "/workspaces/acme/permissions/repositories",
        json=page([access("dev1", "infra-core", "write"), access("dev1", "web", "read")]),
    )
    result, failed = run(args(repositories=REPOS, user=aid("dev1"), permission="read", concurrency=1))
    assert not failed and result["changed"] is True
    assert calls(responses) == (
        [("GET", users_path(r, "dev1")) for r in REPOS]
        + [("PUT", users_path(r, "dev1")) for r in REPOS]
        + [("GET", half_measure_query(["dev1"], REPOS))]
    )
    [warning] = result["warnings"]
    assert warning.startswith("%s keeps write on acme/infra-core although this task set read: another path" % aid("dev1"))
    assert "still gives write" in warning


@responses.activate
def test_check_mode_warns_where_the_effective_level_already_exceeds_the_explicit_one():
    for repo in REPOS:  # check mode lists a grant's repository (one read: the permission, and that it exists)
        responses.add("GET", API + "/repositories/acme/%s/permissions-config/users" % repo, json=page([perm("dev1", "write")]))
    responses.add(
        "GET",
        API + "/workspaces/acme/permissions/repositories",
        json=page([access("dev1", "infra-core", "admin"), access("dev1", "web", "write")]),
    )
    result, failed = run(args(repositories=REPOS, user=aid("dev1"), permission="read", concurrency=1), check_mode=True)
    assert not failed and result["changed"] is True, result
    assert calls(responses) == [("GET", "/2.0/repositories/acme/%s/permissions-config/users?pagelen=100" % r) for r in REPOS] + [
        ("GET", half_measure_query(["dev1"], REPOS))
    ]
    # infra-core: admin > explicit write, another path gives it; web: effective = explicit, no documented read tells
    [warning] = result["warnings"]
    assert "would keep admin on acme/infra-core although this task set read" in warning


@responses.activate
def test_a_raise_or_a_removal_makes_no_effective_read():
    responses.add("GET", API + users_path("infra-core", "dev1")[4:], json=perm("dev1", "read"))
    responses.add("PUT", API + users_path("infra-core", "dev1")[4:], json=perm("dev1", "write"))
    result, failed = run(args(repository="infra-core", user=aid("dev1"), permission="write"))
    assert not failed and result["changed"] is True
    assert calls(responses) == [("GET", users_path("infra-core", "dev1")), ("PUT", users_path("infra-core", "dev1"))]
    assert result["warnings"] == []


@responses.activate
def test_an_unchanged_task_makes_no_effective_read():
    responses.add("GET", API + users_path("infra-core", "dev1")[4:], json=perm("dev1", "read"))
    result, failed = run(args(repository="infra-core", user=aid("dev1"), permission="read"))
    assert not failed and result["changed"] is False
    assert calls(responses) == [("GET", users_path("infra-core", "dev1"))]


@responses.activate
def test_credentials_that_may_not_read_effective_permissions_get_no_warning():
    lowered(responses, "infra-core")
    responses.add("PUT", API + users_path("infra-core", "dev1")[4:], json=perm("dev1", "read"))
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", status=403, json=error("admins only"))
    result, failed = run(args(repository="infra-core", user=aid("dev1"), permission="read"))
    assert not failed and result["changed"] is True
    assert [c[0] for c in calls(responses)] == ["GET", "PUT", "GET"]
    assert result["warnings"] == []


@responses.activate
def test_projects_make_no_effective_read():
    path = "/2.0/workspaces/acme/projects/INFRA/permissions-config/users/557058:dev1"
    responses.add("GET", API + path[4:], json=project_perm("dev1", "write"))
    responses.add("PUT", API + path[4:], json=project_perm("dev1", "read"))
    result, failed = run(args(project="INFRA", user=aid("dev1"), permission="read"), which=project_module)
    assert not failed and result["changed"] is True
    assert calls(responses) == [("GET", path), ("PUT", path)]
    assert result["targets"][0]["updated"] == [aid("dev1")]
    assert "listed in" not in str(result)


def test_the_failure_message_names_targets():
    entry = {"repository": "web", "failed": [{"user": "x", "operation": "grant", "message": "boom"}]}
    assert "listed in targets" in _failure_message(REPOSITORY, [entry])
    assert "Everything else was applied" in _failure_message(REPOSITORY, [entry])


def test_a_check_run_never_says_that_anything_was_applied():
    entry = {"repository": "web", "failed": [{"user": "x", "operation": "grant", "message": "boom"}]}
    message = _failure_message(REPOSITORY, [entry, {"repository": "api", "failed": []}], check_mode=True)
    assert (
        message
        == "Check mode: 1 of 2 repositories would fail: web (grant x: boom). Nothing was changed; the others are listed in targets."
    )


def run(arguments, check_mode=False, which=module):
    return run_module(which, arguments, check_mode=check_mode)
