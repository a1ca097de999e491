# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_repo_permission on three or more repositories for one user: the effective-permission prefetch, with the
exact HTTP calls, in order."""

from __future__ import annotations

import responses

from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_repo_permission as module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    API,
    add_owner,
    aid,
    args,
    calls,
    effective_query,
    error,
    membership,
    owner_query,
    page,
    perm,
    repository_query,
    run_module,
    user,
)

REPOS = ["infra-core", "web", "billing", "docs"]
EMAIL_LOOKUP = '/2.0/workspaces/acme/members?q=user.email IN ("dev1@acme.example")&fields=+values.user.email&pagelen=100'


def users_path(repo, name=None):
    path = "/2.0/repositories/acme/%s/permissions-config/users" % repo
    return path + ("/557058:%s" % name if name else "")


def access(name, repo, permission):
    """A row of /workspaces/{ws}/permissions/repositories."""
    return {
        "type": "repository_permission",
        "permission": permission,
        "user": user(name),
        "repository": {"type": "repository", "full_name": "acme/%s" % repo, "name": repo},
    }


def by_email(rsps):
    rsps.add("GET", API + "/workspaces/acme/members", json=page([membership("dev1", email="dev1@acme.example")]))


@responses.activate
def test_a_first_grant_proves_no_access_with_one_query_and_writes_straight_away():
    by_email(responses)
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([]))
    add_owner(responses)
    for repo in REPOS:
        responses.add("PUT", API + users_path(repo, "dev1")[4:], json=perm("dev1", "write"))
    result, failed = run_module(module, args(repositories=REPOS, user="dev1@acme.example", permission="write", concurrency=1))
    assert not failed and result["changed"] is True
    # the member look-up by email already showed dev1 is a member: the owner query asks for the owner only
    assert calls(responses) == (
        [("GET", EMAIL_LOOKUP), ("GET", effective_query("dev1", REPOS)), ("GET", owner_query())]
        + [("PUT", users_path(r, "dev1")) for r in REPOS]
    )
    assert result["permissions"]["before"] == {r: {} for r in REPOS}
    assert result["permissions"]["after"] == {r: {aid("dev1"): "write"} for r in REPOS}
    assert result["api_calls"] == {"total": 7, "GET": 3, "PUT": 4}


@responses.activate
def test_repositories_the_user_reaches_are_read_on_their_own():
    responses.add(
        "GET",
        API + "/workspaces/acme/permissions/repositories",
        json=page([access("dev1", "web", "write"), access("dev1", "docs", "admin")]),
    )
    add_owner(responses, members=["dev1"])
    responses.add("GET", API + users_path("web", "dev1")[4:], json=perm("dev1", "write"))
    responses.add("GET", API + users_path("docs", "dev1")[4:], status=404, json=error("not found"))  # admin via a group
    for repo in ("infra-core", "billing", "docs"):
        responses.add("PUT", API + users_path(repo, "dev1")[4:], json=perm("dev1", "write"))
    result, failed = run_module(module, args(repositories=REPOS, user=aid("dev1"), permission="write", concurrency=1))
    assert not failed
    assert calls(responses) == (
        [
            ("GET", effective_query("dev1", REPOS)),
            ("GET", owner_query("dev1")),
            ("GET", users_path("web", "dev1")),
            ("GET", users_path("docs", "dev1")),
        ]
        + [("PUT", users_path(r, "dev1")) for r in ("infra-core", "billing", "docs")]
    )
    by_repo = {r["repository"]: r for r in result["results"]}
    assert by_repo["web"]["unchanged"] == [aid("dev1")] and by_repo["web"]["changed"] is False
    assert by_repo["docs"]["added"] == [aid("dev1")]


@responses.activate
def test_check_mode_lists_the_repositories_once_and_reports_a_missing_one():
    by_email(responses)
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([]))
    add_owner(responses)
    responses.add(
        "GET", API + "/repositories/acme", json=page([{"slug": r, "full_name": "acme/" + r} for r in REPOS if r != "billing"])
    )
    result, failed = run_module(
        module, args(repositories=REPOS, user="dev1@acme.example", permission="read", concurrency=1), check_mode=True
    )
    assert failed
    assert calls(responses) == [
        ("GET", EMAIL_LOOKUP),
        ("GET", effective_query("dev1", REPOS)),
        ("GET", owner_query()),
        ("GET", repository_query(REPOS)),
    ]
    assert result["failed_repositories"] == ["billing"]
    assert "not found" in {r["repository"]: r for r in result["results"]}["billing"]["failed"][0]["message"]
    assert result["changed"] is True and len(result["diff"]) == 3


@responses.activate
def test_a_removal_reads_only_where_the_member_has_access_and_confirms_the_others_exist():
    by_email(responses)
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([access("dev1", "web", "read")]))
    responses.add("GET", API + users_path("web", "dev1")[4:], json=perm("dev1", "read"))
    responses.add("GET", API + "/repositories/acme", json=page([{"slug": r} for r in REPOS if r != "web"]))
    responses.add("DELETE", API + users_path("web", "dev1")[4:], status=204)
    result, failed = run_module(module, args(repositories=REPOS, user="dev1@acme.example", state="absent", concurrency=1))
    assert not failed and result["changed"] is True
    assert calls(responses) == [
        ("GET", EMAIL_LOOKUP),
        ("GET", effective_query("dev1", REPOS)),
        ("GET", repository_query(["infra-core", "billing", "docs"])),
        ("GET", users_path("web", "dev1")),
        ("DELETE", users_path("web", "dev1")),
    ]
    assert result["permissions"]["before"]["web"] == {aid("dev1"): "read"}
    assert result["not_found"] == []


@responses.activate
def test_an_account_id_with_no_access_shown_is_read_repository_by_repository_for_a_removal():
    # Bitbucket lists members only: an account that is no member may still hold stored explicit permissions
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([]))
    for repo in REPOS[:3]:
        responses.add("GET", API + users_path(repo, "dev1")[4:], json=perm("dev1", "read"))
        responses.add("DELETE", API + users_path(repo, "dev1")[4:], status=204)
    result, failed = run_module(module, args(repositories=REPOS[:3], user=aid("dev1"), state="absent", concurrency=1))
    assert not failed and result["changed"] is True
    assert calls(responses) == (
        [("GET", effective_query("dev1", REPOS[:3]))]
        + [("GET", users_path(r, "dev1")) for r in REPOS[:3]]
        + [("DELETE", users_path(r, "dev1")) for r in REPOS[:3]]
    )


@responses.activate
def test_an_answer_about_another_user_is_refused_before_any_write():
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([access("dev2", "web", "write")]))
    add_owner(responses, members=["dev1"])
    result, failed = run_module(module, args(repositories=REPOS, user=aid("dev1"), permission="write", concurrency=1))
    assert failed and result["changed"] is False
    assert "Unexpected answer from the API" in result["msg"] and "another user" in result["msg"]
    assert all(method == "GET" for method, _path in calls(responses))


@responses.activate
def test_an_answer_about_another_repository_is_refused_before_any_write():
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([access("dev1", "secret", "write")]))
    add_owner(responses, members=["dev1"])
    result, failed = run_module(module, args(repositories=REPOS, user=aid("dev1"), permission="write", concurrency=1))
    assert failed and "acme/secret" in result["msg"]
    assert all(method == "GET" for method, _path in calls(responses))


@responses.activate
def test_a_refused_effective_query_falls_back_to_one_read_per_repository():
    responses.add(
        "GET", API + "/workspaces/acme/permissions/repositories", status=403, json=error("Only workspace admins may do that")
    )
    add_owner(responses, members=["dev1"])
    for repo in REPOS[:3]:
        responses.add("GET", API + users_path(repo, "dev1")[4:], json=perm("dev1", "write"))
    result, failed = run_module(module, args(repositories=REPOS[:3], user=aid("dev1"), permission="write", concurrency=1))
    assert not failed and result["changed"] is False
    assert calls(responses) == (
        [("GET", effective_query("dev1", REPOS[:3])), ("GET", owner_query("dev1"))]
        + [("GET", users_path(r, "dev1")) for r in REPOS[:3]]
    )


@responses.activate
def test_many_repositories_are_asked_fifty_at_a_time():
    repos = ["repo-%03d" % i for i in range(120)]
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([]))
    add_owner(responses, members=["dev1"])
    for repo in repos:
        responses.add("PUT", API + users_path(repo, "dev1")[4:], json=perm("dev1", "read"))
    result, failed = run_module(module, args(repositories=repos, user=aid("dev1"), permission="read", concurrency=1))
    assert not failed
    sent = calls(responses)
    assert sent[:3] == [
        ("GET", effective_query("dev1", repos[:50])),
        ("GET", effective_query("dev1", repos[50:100])),
        ("GET", effective_query("dev1", repos[100:])),
    ]
    assert result["api_calls"] == {"total": 124, "GET": 4, "PUT": 120}


@responses.activate
def test_two_repositories_are_read_one_by_one():
    for repo in REPOS[:2]:
        responses.add("GET", API + users_path(repo, "dev1")[4:], json=perm("dev1", "write"))
    result, failed = run_module(module, args(repositories=REPOS[:2], user=aid("dev1"), permission="write", concurrency=1))
    assert not failed and result["changed"] is False
    assert calls(responses) == [("GET", users_path(r, "dev1")) for r in REPOS[:2]]


@responses.activate
def test_a_job_larger_than_the_request_budget_is_announced_before_it_starts():
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([]))
    add_owner(responses, members=["dev1"])
    for repo in REPOS:
        responses.add("PUT", API + users_path(repo, "dev1")[4:], json=perm("dev1", "write"))
    result, failed = run_module(
        module, args(repositories=REPOS, user=aid("dev1"), permission="write", concurrency=1, requests_per_hour=100000)
    )
    assert not failed and not result.get("warnings")
    responses.calls.reset()
    result, failed = run_module(
        module, args(repositories=REPOS, user=aid("dev1"), permission="write", concurrency=1, requests_per_hour=8)
    )
    assert not failed
    assert [
        w
        for w in result["warnings"]
        if w.startswith("This task (4 repositories) may need about 10 API requests, more than the 8 left")
    ]
