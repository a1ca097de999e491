# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_repo_permission when something is refused or fails: the exact HTTP calls, in order, of an answer that
fails (401, 403, 404, a retried DELETE), of what is refused before any write (the owner, one's own admin, an unknown
email, misuse of the options) and of a missing requests library. The paths that succeed are in
test_bitbucket_repo_permission.py."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils import _module as shell
from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_repo_permission as module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    ACCESS_TOKEN_ARGS,
    ADMIN_ARGS,
    API,
    REPO_USERS,
    add_owner,
    aid,
    args,
    calls,
    error,
    membership,
    page,
    perm,
    run_module,
    user,
)


@responses.activate
def test_access_token_403_stops_after_the_first_repository():
    responses.add(
        "GET",
        API + "/repositories/acme/infra-core/permissions-config/users",
        status=403,
        json=error("Access tokens cannot be used for this resource"),
    )
    params = dict(
        ACCESS_TOKEN_ARGS,
        repositories=["infra-core", "web"],
        concurrency=1,
        users=[{"user": aid("dev1"), "permission": "read"}, {"user": aid("dev2"), "permission": "read"}],
    )
    result, failed = run_module(module, params)
    assert failed
    assert calls(responses) == [("GET", "/2.0/repositories/acme/infra-core/permissions-config/users?pagelen=100")]
    first, second = result["results"]
    assert first["failed"][0]["status"] == 403
    assert "access tokens cannot query or change permissions" in first["failed"][0]["message"]
    assert second["failed"][0]["message"].startswith("not attempted")
    assert "unit-test-access-token" not in str(result)


@responses.activate
def test_missing_repository_fails_that_repository_without_writes():
    responses.add("GET", API + "/repositories/acme/nope/permissions-config/users/557058:dev1", status=404)
    responses.add(
        "GET", API + "/repositories/acme/nope/permissions-config/users", status=404, json=error("Repository acme/nope not found")
    )
    result, failed = run_module(module, args(repository="nope", user=aid("dev1"), state="absent"))
    assert failed
    assert calls(responses) == [
        ("GET", "/2.0/repositories/acme/nope/permissions-config/users/557058:dev1"),
        ("GET", "/2.0/repositories/acme/nope/permissions-config/users?pagelen=1"),
    ]
    assert result["results"][0]["failed"][0]["status"] == 404
    assert result["changed"] is False


@responses.activate
def test_granting_to_the_owner_is_refused_before_any_write():
    responses.add("GET", API + "/repositories/acme/infra-core/permissions-config/users", json=page([]))
    add_owner(responses)
    result, failed = run_module(
        module,
        args(
            repository="infra-core",
            users=[{"user": aid("dev1"), "permission": "read"}, {"user": aid("owner"), "permission": "admin"}],
        ),
    )
    assert failed
    assert [c[0] for c in calls(responses)] == ["GET", "GET"]
    assert "owner of workspace acme" in result["msg"]
    assert "Nothing was changed" in result["msg"]
    assert result["changed"] is False


@pytest.mark.parametrize("connection", [ADMIN_ARGS, ACCESS_TOKEN_ARGS], ids=["api-token", "oauth-access-token"])
@responses.activate
def test_removing_my_own_admin_is_refused_before_any_write(connection):
    # an access_token may be a user's OAuth access token: GET /user answering tells it is one
    responses.add("GET", API + REPO_USERS[4:] + "/557058:admin", json=perm("admin", "admin"))
    responses.add("GET", API + "/user", json=user("admin"))
    result, failed = run_module(module, dict(connection, repository="infra-core", user=aid("admin"), state="absent"))
    assert failed
    assert calls(responses) == [("GET", REPO_USERS + "/557058:admin"), ("GET", "/2.0/user")]
    assert "your own admin permission" in result["msg"]


@responses.activate
def test_lowering_someone_elses_admin_is_allowed():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "admin"))
    responses.add("GET", API + "/user", json=user("admin"))
    responses.add("PUT", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "read"))
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([]))  # the half-measure check
    result, failed = run_module(module, args(repository="infra-core", user=aid("dev1"), permission="read"))
    assert not failed and result["changed"]
    assert [c[0] for c in calls(responses)] == ["GET", "GET", "PUT", "GET"]
    assert result["warnings"] == []


@responses.activate
def test_delete_answered_404_after_a_retry_counts_as_removed():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "read"))
    responses.add("DELETE", API + REPO_USERS[4:] + "/557058:dev1", status=503)
    responses.add("DELETE", API + REPO_USERS[4:] + "/557058:dev1", status=404)
    result, failed = run_module(module, args(repository="infra-core", user=aid("dev1"), state="absent", max_retries=2))
    assert not failed
    assert calls(responses) == [
        ("GET", REPO_USERS + "/557058:dev1"),
        ("DELETE", REPO_USERS + "/557058:dev1"),
        ("DELETE", REPO_USERS + "/557058:dev1"),
    ]
    assert result["results"][0]["removed"] == [aid("dev1")]
    assert result["api_calls"] == {"total": 3, "GET": 1, "DELETE": 2}


@responses.activate
def test_unknown_email_to_grant_is_refused_before_any_repository_read():
    responses.add("GET", API + "/workspaces/acme/members", json=page([]))
    result, failed = run_module(module, args(repository="infra-core", user="ghost@acme.example", permission="read"))
    assert failed
    assert len(responses.calls) == 1
    assert "ghost@acme.example" in result["msg"]


@responses.activate
def test_unknown_email_to_remove_is_reported_not_failed():
    responses.add("GET", API + "/workspaces/acme/members", json=page([]))
    result, failed = run_module(module, args(repository="infra-core", user="ghost@acme.example", state="absent"))
    assert not failed and not result["changed"]
    assert result["not_found"] == ["ghost@acme.example"]
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"user": aid("dev1"), "permission": "read", "exclusive": True}, "exclusive applies to a users list"),
        ({"users": [{"user": aid("dev1"), "permission": "read"}], "exempt": [aid("dev2")]}, "exempt applies only"),
        ({"user": aid("dev1")}, "permission is required"),
        ({"users": [{"user": aid("dev1"), "permission": "read"}, {"user": aid("dev1"), "state": "absent"}]}, "listed twice"),
        ({"user": aid("dev1"), "permission": "read", "repository": "acme/infra-core"}, "not a repository slug"),
        ({"user": aid("dev1"), "permission": "read", "concurrency": 0}, "concurrency must be a whole number from 1 to 16"),
        (
            {"users": [{"user": "Dev2@acme.example", "state": "absent"}], "exclusive": True, "exempt": ["dev2@acme.example"]},
            "state: absent and is also in exempt",
        ),
    ],
)
@responses.activate
def test_misuse_fails_before_any_request(extra, message):
    params = args(repository="infra-core")
    params.update(extra)
    result, failed = run_module(module, params)
    assert failed
    assert message in result["msg"]
    assert len(responses.calls) == 0


def test_missing_requests_library(monkeypatch):
    monkeypatch.setattr(shell, "HAS_REQUESTS", False)  # the one module shell checks it
    result, failed = run_module(module, args(repository="infra-core", user=aid("dev1"), permission="read"))
    assert failed
    assert "requests" in result["msg"]


@responses.activate
def test_a_401_while_writing_stops_every_later_write():
    repos = ["r%d" % i for i in range(7)]
    for repo in repos:
        responses.add("GET", API + "/repositories/acme/%s/permissions-config/users" % repo, json=page([perm("dev1", "read")]))
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([membership("dev2")]))
    responses.add(
        "PUT", API + "/repositories/acme/r0/permissions-config/users/557058:dev1", status=401, json=error("Token expired")
    )
    result, failed = run_module(
        module,
        args(
            repositories=repos,
            concurrency=1,
            users=[{"user": aid("dev1"), "permission": "write"}, {"user": aid("dev2"), "state": "absent"}],
        ),
    )
    assert failed
    assert [c[0] for c in calls(responses)] == ["GET"] * 8 + ["PUT"]
    assert result["not_found"] == []
    assert result["failed_repositories"] == repos
    assert [r["failed"][0]["operation"] for r in result["results"]] == ["update"] * 7
    assert all(r["failed"][0]["message"].startswith("not attempted") for r in result["results"][1:])
    assert result["msg"].startswith("Failed on 7 of 7 repositories") and "and 2 more" in result["msg"]
    assert result["changed"] is False
