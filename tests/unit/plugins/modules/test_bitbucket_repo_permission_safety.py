# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_repo_permission: access tokens, the caller's own admin, exempt users, missing repositories and uuid
look-ups; the exact HTTP calls, in order."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_repo_permission as module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    ACCESS_TOKEN_ARGS,
    API,
    REPO_USERS,
    add_owner,
    owner_query,
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

# An access_token may be a user's OAuth access token or a workspace/project/repository access token:
# only Bitbucket's answers tell them apart.
OAUTH_TOKEN_ARGS = dict(ACCESS_TOKEN_ARGS)


@responses.activate
def test_an_oauth_access_token_reads_then_is_refused_before_any_write_keeping_the_callers_admin_check():
    # Bitbucket changes permissions for HTTP Basic credentials only; the caller's admin is still checked first
    responses.add("GET", API + REPO_USERS[4:], json=page([perm("admin", "admin"), perm("dev6", "admin")]))
    responses.add("GET", API + "/user", json=user("admin"))
    result, failed = run_module(module, dict(OAUTH_TOKEN_ARGS, repository="infra-core", exclusive=True, users=[]))
    assert failed
    assert calls(responses) == [("GET", REPO_USERS + "?pagelen=100"), ("GET", "/2.0/user")]
    assert "only for HTTP Basic credentials" in result["msg"] and "an access token" in result["msg"]
    assert "set username (the Atlassian account email) and api_token" in result["msg"]


@pytest.mark.parametrize("check_mode", [False, True])
@responses.activate
def test_an_oauth_consumer_is_refused_before_any_write_also_in_check_mode(check_mode):
    token = {"access_token": "issued-unit-token", "expires_in": 7200}
    responses.add("POST", "https://bitbucket.org/site/oauth2/access_token", json=token)
    if check_mode:  # check mode reads the list: it also shows that the repository exists
        responses.add("GET", API + REPO_USERS[4:], json=page([perm("dev1", "read")]))
    else:
        responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "read"))
    params = dict(
        args(repository="infra-core", user=aid("dev1"), permission="write"),
        client_id="unit-client",
        client_secret="unit-client-secret-0123456789",
    )
    del params["username"], params["api_token"]
    result, failed = run_module(module, params, check_mode=check_mode)
    assert failed
    read = ("GET", REPO_USERS + ("?pagelen=100" if check_mode else "/557058:dev1"))
    assert calls(responses) == [("POST", "/site/oauth2/access_token"), read]
    assert "an OAuth consumer (client_id + client_secret)" in result["msg"] and "Nothing was changed" in result["msg"]


@responses.activate
def test_an_oauth_consumer_may_run_a_task_that_changes_nothing():
    responses.add("POST", "https://bitbucket.org/site/oauth2/access_token", json={"access_token": "issued-unit-token"})
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "write"))
    params = dict(
        args(repository="infra-core", user=aid("dev1"), permission="write"),
        client_id="unit-client",
        client_secret="unit-client-secret-0123456789",
    )
    del params["username"], params["api_token"]
    result, failed = run_module(module, params)
    assert not failed and result["changed"] is False


@responses.activate
def test_an_access_token_refused_one_repository_is_reported_and_nothing_is_written():
    responses.add("GET", API + "/repositories/acme/locked/permissions-config/users", status=403, json=error("Access denied"))
    responses.add("GET", API + "/repositories/acme/web/permissions-config/users", json=page([]))
    add_owner(responses, members=["dev1"])
    params = dict(
        OAUTH_TOKEN_ARGS,
        repositories=["locked", "web"],
        concurrency=1,
        users=[{"user": aid("dev1"), "permission": "read"}, {"user": aid("dev2"), "state": "absent"}],
    )
    result, failed = run_module(module, params)
    assert failed
    assert calls(responses) == [
        ("GET", "/2.0/repositories/acme/locked/permissions-config/users?pagelen=100"),
        ("GET", "/2.0/repositories/acme/web/permissions-config/users?pagelen=100"),
        ("GET", owner_query("dev1")),
    ]
    assert "only for HTTP Basic credentials" in result["msg"]


@responses.activate
def test_a_grant_on_a_missing_repository_fails_that_repository_at_the_put():
    responses.add("GET", API + "/repositories/acme/nope/permissions-config/users/557058:dev1", status=404)
    add_owner(responses, members=["dev1"])
    responses.add(
        "PUT",
        API + "/repositories/acme/nope/permissions-config/users/557058:dev1",
        status=404,
        json=error("Repository acme/nope not found"),
    )
    result, failed = run_module(module, args(repository="nope", user=aid("dev1"), permission="read"))
    assert failed
    assert calls(responses) == [
        ("GET", "/2.0/repositories/acme/nope/permissions-config/users/557058:dev1"),
        ("GET", owner_query("dev1")),
        ("PUT", "/2.0/repositories/acme/nope/permissions-config/users/557058:dev1"),
    ]
    failure = result["results"][0]["failed"][0]
    assert (failure["operation"], failure["status"]) == ("grant", 404)
    assert failure["message"].startswith("Repository acme/nope not found")
    assert result["changed"] is False and result["diff"] == []
    assert result["failed_repositories"] == ["nope"]


@responses.activate
def test_several_uuids_are_resolved_with_one_batched_query():
    members = [membership("dev%d" % i) for i in range(3)]
    uuids = [m["user"]["uuid"] for m in members]
    responses.add("GET", API + "/workspaces/acme/permissions", json=page(members[:2]))  # the third uuid is no member
    responses.add("GET", API + REPO_USERS[4:], json=page([perm("dev0", "read"), perm("dev7", "write")]))
    responses.add("DELETE", API + REPO_USERS[4:] + "/557058:dev0", status=204)
    result, failed = run_module(
        module, args(repository="infra-core", users=[{"user": u.upper(), "state": "absent"} for u in uuids])
    )
    assert not failed
    assert calls(responses) == [
        ("GET", "/2.0/workspaces/acme/permissions?q=user.uuid IN (%s)&pagelen=100" % ",".join('"%s"' % u for u in sorted(uuids))),
        ("GET", REPO_USERS + "?pagelen=100"),
        ("DELETE", REPO_USERS + "/557058:dev0"),
    ]
    assert result["not_found"] == [uuids[2].upper()]
    assert result["results"][0]["removed"] == [aid("dev0")]


@responses.activate
def test_an_exempt_email_that_matches_nobody_stops_exclusive_before_any_read():
    responses.add("GET", API + "/workspaces/acme/members", json=page([membership("dev5", email="dev5@acme.example")]))
    result, failed = run_module(
        module, args(repository="infra-core", exclusive=True, users=[], exempt=["dev5@acme.example", "dev6@acme.exmaple"])
    )
    assert failed
    assert calls(responses) == [
        (
            "GET",
            '/2.0/workspaces/acme/members?q=user.email IN ("dev5@acme.example","dev6@acme.exmaple")'
            "&fields=+values.user.email&pagelen=100",
        )
    ]
    assert "Cannot exempt dev6@acme.exmaple" in result["msg"] and "Nothing was changed" in result["msg"]
    assert result["changed"] is False


@responses.activate
def test_a_grant_to_an_account_id_that_is_no_member_is_refused_before_any_write():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:gone", status=404, json=error("not found"))
    add_owner(responses)  # the owner, and no member with that account id
    result, failed = run_module(module, args(repository="infra-core", user=aid("gone"), permission="write"))
    assert failed
    assert calls(responses) == [("GET", REPO_USERS + "/557058:gone"), ("GET", owner_query("gone"))]
    assert result["msg"].startswith("Cannot grant a permission to 557058:gone: no workspace member has this account ID")
    assert "Repository" not in result["msg"] and result["changed"] is False


@responses.activate
def test_revoking_an_account_id_that_matches_nobody_reports_it_and_a_rerun_stays_green():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:gone", status=404, json=error("not found"))
    responses.add("GET", API + REPO_USERS[4:], json=page([]))
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([]))
    result, failed = run_module(module, args(repository="infra-core", user=aid("gone"), state="absent"))
    assert not failed and result["changed"] is False
    assert result["not_found"] == [aid("gone")]
    assert calls(responses) == [
        ("GET", REPO_USERS + "/557058:gone"),
        ("GET", REPO_USERS + "?pagelen=1"),
        ("GET", '/2.0/workspaces/acme/permissions?q=user.account_id IN ("557058:gone")&pagelen=100'),
    ]


@responses.activate
def test_an_exempt_account_id_that_matches_nobody_stops_exclusive_before_any_repository_read():
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([membership("dev5")]))
    result, failed = run_module(
        module, args(repository="infra-core", exclusive=True, users=[], exempt=[aid("dev5"), aid("dev55")])
    )
    assert failed
    assert calls(responses) == [
        ("GET", '/2.0/workspaces/acme/permissions?q=user.account_id IN ("557058:dev5","557058:dev55")&pagelen=100')
    ]
    assert "Cannot exempt 557058:dev55" in result["msg"] and "Nothing was changed" in result["msg"]


@responses.activate
def test_absent_by_email_and_exempt_by_account_id_is_refused_before_any_repository_read():
    responses.add("GET", API + "/workspaces/acme/members", json=page([membership("dev5", email="dev5@acme.example")]))
    result, failed = run_module(
        module,
        args(
            repository="infra-core",
            exclusive=True,
            exempt=[aid("dev5")],
            users=[{"user": "dev5@acme.example", "state": "absent"}],
        ),
    )
    assert failed
    assert [c[1].split("?")[0] for c in calls(responses)] == ["/2.0/workspaces/acme/members"]
    assert "state: absent and is also in exempt" in result["msg"]


@responses.activate
def test_an_environment_username_with_a_task_access_token_names_both_methods(monkeypatch):
    monkeypatch.setenv("BITBUCKET_USERNAME", "admin@acme.example")
    result, failed = run_module(module, dict(ACCESS_TOKEN_ARGS, repository="infra-core", user=aid("dev1"), permission="read"))
    assert failed
    assert "Several Bitbucket authentication methods given (username + api_token, access_token)" in result["msg"]
    assert "required together" not in result["msg"]
    assert len(responses.calls) == 0
