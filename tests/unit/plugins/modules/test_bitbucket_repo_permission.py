# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_repo_permission: the exact HTTP calls, in order, for each path that succeeds (no change, grants, check
mode, email and uuid resolution, exclusive lists, the plan limit, concurrency). Refusals and failures are in
test_bitbucket_repo_permission_failures.py."""

from __future__ import annotations

import responses

from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_repo_permission as module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    API,
    OWNER_QUERY,
    REPO_USERS,
    add_owner,
    owner_query,
    aid,
    args,
    calls,
    effective_query,
    error,
    membership,
    page,
    perm,
    run_module,
    user,
)
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.harness import bodies


@responses.activate
def test_single_user_already_right_makes_one_read_and_no_write():
    responses.add("GET", API + "/repositories/acme/infra-core/permissions-config/users/557058:dev1", json=perm("dev1", "write"))
    result, failed = run_module(module, args(repository="infra-core", user=aid("dev1"), permission="write"))
    assert not failed
    assert result["changed"] is False
    assert calls(responses) == [("GET", REPO_USERS + "/557058:dev1")]
    assert result["targets"] == [
        {
            "repository": "infra-core",
            "changed": False,
            "added": [],
            "updated": [],
            "removed": [],
            "unchanged": [aid("dev1")],
            "protected": [],
            "failed": [],
            "diff": {},
            "stale": [],
        }
    ]
    assert result["results"] == result["targets"]  # the deprecated alias
    assert result["changes"] == [] and result["stale"] == []
    assert result["diff"] == []
    assert result["api_calls"] == {"total": 1, "GET": 1}


@responses.activate
def test_single_user_upgrade_puts_only_the_difference():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "read"))
    responses.add("PUT", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "write"))
    result, failed = run_module(module, args(repository="infra-core", user=aid("dev1"), permission="write"))
    assert not failed and result["changed"] is True
    assert calls(responses) == [("GET", REPO_USERS + "/557058:dev1"), ("PUT", REPO_USERS + "/557058:dev1")]
    assert bodies(responses, "PUT") == [{"permission": "write"}]
    assert result["results"][0]["updated"] == [aid("dev1")]
    assert result["diff"] == [
        {
            "before_header": "acme/infra-core",
            "after_header": "acme/infra-core",
            "before": '"557058:dev1": read\n',
            "after": '"557058:dev1": write\n',
        }
    ]
    assert result["permissions"] == {
        "before": {"infra-core": {aid("dev1"): "read"}},
        "after": {"infra-core": {aid("dev1"): "write"}},
    }
    assert result["api_calls"] == {"total": 2, "GET": 1, "PUT": 1}


def _new_grant(rsps, check_mode=False):
    if check_mode:  # one list answers both: no permission of dev1, and the repository exists
        rsps.add("GET", API + REPO_USERS[4:], json=page([perm("dev9", "read")]))
    else:
        rsps.add("GET", API + REPO_USERS[4:] + "/557058:dev1", status=404, json=error("not found"))
    add_owner(rsps, members=["dev1"])
    if not check_mode:
        rsps.add("PUT", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "admin"))


@responses.activate
def test_new_grant_checks_the_owner_then_puts_without_confirming_the_repository():
    _new_grant(responses)
    result, failed = run_module(module, args(repository="infra-core", user=aid("dev1"), permission="admin"))
    assert not failed and result["changed"] is True
    assert calls(responses) == [
        ("GET", REPO_USERS + "/557058:dev1"),
        ("GET", owner_query("dev1")),
        ("PUT", REPO_USERS + "/557058:dev1"),
    ]
    assert result["results"][0]["added"] == [aid("dev1")]
    assert result["api_calls"] == {"total": 3, "GET": 2, "PUT": 1}


def test_check_mode_reads_only_and_predicts_the_real_diff():
    with responses.RequestsMock() as rsps:
        _new_grant(rsps, check_mode=True)
        predicted, failed = run_module(
            module, args(repository="infra-core", user=aid("dev1"), permission="admin"), check_mode=True
        )
        assert not failed
        # check mode cannot let a PUT tell a missing repository: one list read shows the repository and the user
        assert calls(rsps) == [("GET", REPO_USERS + "?pagelen=100"), ("GET", owner_query("dev1"))]
    with responses.RequestsMock() as rsps:
        _new_grant(rsps)
        real, failed = run_module(module, args(repository="infra-core", user=aid("dev1"), permission="admin"))
        assert not failed
    assert predicted["changed"] is real["changed"] is True
    assert (
        predicted["diff"]
        == real["diff"]
        == [
            {
                "before_header": "acme/infra-core",
                "after_header": "acme/infra-core",
                "before": "",
                "after": '"557058:dev1": admin  # Dev1\n',
            }
        ]
    )
    assert predicted["permissions"] == real["permissions"]
    assert predicted["results"] == real["results"]


@responses.activate
def test_emails_are_resolved_in_one_batch_and_the_list_is_read_once_per_repository():
    responses.add(
        "GET",
        API + "/workspaces/acme/members",
        json=page([membership("dev1", email="Dev1@acme.example"), membership("dev2", email="dev2@acme.example")]),
    )
    for repo in ("infra-core", "web"):
        responses.add(
            "GET",
            API + "/repositories/acme/%s/permissions-config/users" % repo,
            json=page([perm("dev1", "read"), perm("dev7", "admin")]),
        )
    add_owner(responses)
    for repo in ("infra-core", "web"):
        for name in ("dev1", "dev2"):
            responses.add(
                "PUT", API + "/repositories/acme/%s/permissions-config/users/557058:%s" % (repo, name), json=perm(name, "write")
            )
    result, failed = run_module(
        module,
        args(
            repositories=["infra-core", "web"],
            concurrency=1,
            users=[{"user": "dev1@acme.example", "permission": "write"}, {"user": "DEV2@acme.example", "permission": "write"}],
        ),
    )
    assert not failed
    assert calls(responses) == [
        (
            "GET",
            '/2.0/workspaces/acme/members?q=user.email IN ("dev1@acme.example","dev2@acme.example")'
            "&fields=+values.user.email&pagelen=100",
        ),
        ("GET", "/2.0/repositories/acme/infra-core/permissions-config/users?pagelen=100"),
        ("GET", "/2.0/repositories/acme/web/permissions-config/users?pagelen=100"),
        ("GET", OWNER_QUERY),
        ("PUT", "/2.0/repositories/acme/infra-core/permissions-config/users/557058:dev1"),
        ("PUT", "/2.0/repositories/acme/infra-core/permissions-config/users/557058:dev2"),
        ("PUT", "/2.0/repositories/acme/web/permissions-config/users/557058:dev1"),
        ("PUT", "/2.0/repositories/acme/web/permissions-config/users/557058:dev2"),
    ]
    assert [r["updated"] for r in result["results"]] == [[aid("dev1")], [aid("dev1")]]
    assert [r["added"] for r in result["results"]] == [[aid("dev2")], [aid("dev2")]]
    # dev7 is not managed (not exclusive): neither in the diff nor touched
    assert result["permissions"]["before"]["infra-core"] == {aid("dev1"): "read"}
    assert result["diff"][0]["before"] == '"557058:dev1": read  # Dev1 <Dev1@acme.example>\n'
    assert result["diff"][0]["after"] == (
        '"557058:dev1": write  # Dev1 <Dev1@acme.example>\n"557058:dev2": write  # Dev2 <dev2@acme.example>\n'
    )
    assert result["users"][aid("dev1")]["email"] == "Dev1@acme.example"


@responses.activate
def test_exclusive_removes_the_unlisted_but_keeps_exempt_and_the_callers_admin():
    responses.add("GET", API + "/workspaces/acme/members", json=page([membership("dev5", email="dev5@acme.example")]))
    responses.add(
        "GET",
        API + REPO_USERS[4:],
        json=page(
            [perm("dev1", "write"), perm("admin", "admin"), perm("dev5", "read")], next_url=API + REPO_USERS[4:] + "?page=2"
        ),
    )
    responses.add("GET", API + REPO_USERS[4:] + "?page=2", json=page([perm("dev6", "admin"), perm("dev7", "read")]))
    responses.add("GET", API + "/user", json=user("admin"))
    for name in ("dev6", "dev7"):
        responses.add("DELETE", API + REPO_USERS[4:] + "/557058:" + name, status=204)
    result, failed = run_module(
        module,
        args(
            repository="infra-core",
            exclusive=True,
            exempt=["dev5@acme.example"],
            users=[{"user": aid("dev1"), "permission": "write"}],
        ),
    )
    assert not failed
    assert calls(responses) == [
        ("GET", '/2.0/workspaces/acme/members?q=user.email IN ("dev5@acme.example")&fields=+values.user.email&pagelen=100'),
        ("GET", REPO_USERS + "?pagelen=100"),
        ("GET", REPO_USERS + "?page=2"),
        ("GET", "/2.0/user"),
        ("DELETE", REPO_USERS + "/557058:dev6"),
        ("DELETE", REPO_USERS + "/557058:dev7"),
    ]
    repo = result["results"][0]
    assert repo["removed"] == [aid("dev6"), aid("dev7")]
    assert repo["protected"] == [aid("admin"), aid("dev5")]
    assert repo["unchanged"] == [aid("dev1")]
    assert result["permissions"]["after"]["infra-core"] == {aid("admin"): "admin", aid("dev1"): "write", aid("dev5"): "read"}
    assert result["diff"][0]["before"].count("\n") == 5 and result["diff"][0]["after"].count("\n") == 3


@responses.activate
def test_exclusive_removes_nothing_when_a_page_fails():
    responses.add(
        "GET",
        API + REPO_USERS[4:],
        json=page([perm("dev1", "write"), perm("dev6", "read")], next_url=API + REPO_USERS[4:] + "?page=2"),
    )
    responses.add("GET", API + REPO_USERS[4:] + "?page=2", status=500, json=error("boom"))
    result, failed = run_module(module, args(repository="infra-core", exclusive=True, users=[]))
    assert failed
    assert [c[0] for c in calls(responses)] == ["GET", "GET"]
    assert result["changed"] is False
    assert result["failed_repositories"] == ["infra-core"]
    assert result["results"][0]["failed"][0]["operation"] == "read"
    assert result["results"][0]["failed"][0]["status"] == 500
    assert "infra-core" in result["msg"]


@responses.activate
def test_exclusive_removes_nothing_when_the_next_chain_breaks():
    first = page([perm("dev1", "write"), perm("dev6", "read")], next_url=API + REPO_USERS[4:] + "?page=2")
    responses.add("GET", API + REPO_USERS[4:], json=first)
    responses.add("GET", API + REPO_USERS[4:] + "?page=2", json=first)  # the same page again
    result, failed = run_module(module, args(repository="infra-core", exclusive=True, users=[]))
    assert failed
    assert [c[0] for c in calls(responses)] == ["GET", "GET"]
    assert "last page" in result["results"][0]["failed"][0]["message"]


@responses.activate
def test_plan_limit_on_one_repository_lets_the_others_finish_and_reports_what_was_applied():
    # one effective-permission query shows dev1 has no access to any of the three: no per-repository read
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([]))
    add_owner(responses, members=["dev1"])
    responses.add("PUT", API + "/repositories/acme/infra-core/permissions-config/users/557058:dev1", json=perm("dev1", "read"))
    responses.add(
        "PUT",
        API + "/repositories/acme/billing/permissions-config/users/557058:dev1",
        status=402,
        json=error("You have reached your plan's user limit"),
    )
    responses.add("PUT", API + "/repositories/acme/web/permissions-config/users/557058:dev1", json=perm("dev1", "read"))
    result, failed = run_module(
        module, args(repositories=["infra-core", "billing", "web"], user=aid("dev1"), permission="read", concurrency=1)
    )
    assert failed
    assert calls(responses) == (
        [("GET", effective_query("dev1", ["infra-core", "billing", "web"])), ("GET", owner_query("dev1"))]
        + [
            ("PUT", "/2.0/repositories/acme/%s/permissions-config/users/557058:dev1" % r)
            for r in ("infra-core", "billing", "web")
        ]
    )
    assert result["changed"] is True
    assert result["failed_repositories"] == ["billing"]
    by_repo = {r["repository"]: r for r in result["results"]}
    assert by_repo["infra-core"]["added"] == by_repo["web"]["added"] == [aid("dev1")]
    assert by_repo["billing"]["added"] == []
    assert by_repo["billing"]["failed"][0]["status"] == 402
    assert by_repo["billing"]["failed"][0]["operation"] == "grant"
    assert [d["before_header"] for d in result["diff"]] == ["acme/infra-core", "acme/web"]
    assert result["permissions"]["after"]["billing"] == {}
    assert "billing" in result["msg"] and "run the task again" in result["msg"]
    assert result["api_calls"]["total"] == len(responses.calls)


@responses.activate
def test_uuid_is_resolved_to_an_account_id_once():
    member = membership("dev1")
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([member]))
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "read"))
    result, failed = run_module(module, args(repository="infra-core", user=member["user"]["uuid"].upper(), permission="read"))
    assert not failed and not result["changed"]
    assert calls(responses) == [
        ("GET", '/2.0/workspaces/acme/permissions?q=user.uuid IN ("%s")&pagelen=100' % member["user"]["uuid"]),
        ("GET", REPO_USERS + "/557058:dev1"),
    ]


@responses.activate
def test_concurrent_repositories_give_the_same_calls_and_counts():
    repos = ["r%d" % i for i in range(6)]
    for repo in repos:
        responses.add("GET", API + "/repositories/acme/%s/permissions-config/users" % repo, json=page([perm("dev1", "read")]))
        responses.add(
            "PUT", API + "/repositories/acme/%s/permissions-config/users/557058:dev1" % repo, json=perm("dev1", "write")
        )
    # dev2 has nothing to remove anywhere: one look-up tells a member from an id that matches nobody
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([]))
    result, failed = run_module(
        module,
        args(
            repositories=repos,
            concurrency=4,
            users=[{"user": aid("dev1"), "permission": "write"}, {"user": aid("dev2"), "state": "absent"}],
        ),
    )
    assert not failed
    assert sorted(calls(responses)) == sorted(
        [("GET", "/2.0/repositories/acme/%s/permissions-config/users?pagelen=100" % r) for r in repos]
        + [("GET", '/2.0/workspaces/acme/permissions?q=user.account_id IN ("557058:dev2")&pagelen=100')]
        + [("PUT", "/2.0/repositories/acme/%s/permissions-config/users/557058:dev1" % r) for r in repos]
    )
    assert [r["repository"] for r in result["results"]] == repos
    assert result["not_found"] == [aid("dev2")]
    assert result["api_calls"] == {"total": 13, "GET": 7, "PUT": 6}
