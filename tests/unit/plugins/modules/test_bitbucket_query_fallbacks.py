# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A server that answers HTTP 400 to the BBQL filters the official documents state only by the filtering narrative's
generality: each read falls back to a form they state by name (docs/api-requests.md), with the exact HTTP calls in
order; access tokens use the documented member forms straight away."""

from __future__ import annotations

import responses

from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_member_info as member_info
from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_repo_permission as module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    ACCESS_TOKEN_ARGS,
    API,
    REPO_USERS,
    OWNER_QUERY,
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
)

PERMS = "/2.0/workspaces/acme/permissions"
MEMBERS = "/2.0/workspaces/acme/members"
REFUSED = error("Invalid query: field not supported")
REPOS = ["infra-core", "web", "billing"]


def member(name):
    """A /members item (no workspace role)."""
    entry = membership(name)
    del entry["permission"]
    return entry


def braced(uuid):
    return uuid.replace("{", "%7B").replace("}", "%7D")


def users_path(repo, name=None):
    return "/2.0/repositories/acme/%s/permissions-config/users" % repo + ("/557058:%s" % name if name else "")


def refuse(path):
    responses.add("GET", API + path[4:], status=400, json=REFUSED)


@responses.activate
def test_a_second_revocation_of_an_account_id_reads_the_member_path_when_the_filter_is_refused():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:gone", status=404, json=error("not found"))
    responses.add("GET", API + REPO_USERS[4:], json=page([]))
    refuse(PERMS)
    responses.add("GET", API + MEMBERS[4:] + "/557058:gone", status=404, json=error("not a member"))
    result, failed = run_module(module, args(repository="infra-core", user=aid("gone"), state="absent"))
    assert not failed and result["changed"] is False
    assert result["not_found"] == [aid("gone")]
    assert calls(responses) == [
        ("GET", REPO_USERS + "/557058:gone"),
        ("GET", REPO_USERS + "?pagelen=1"),
        ("GET", PERMS + '?q=user.account_id IN ("557058:gone")&pagelen=100'),
        ("GET", MEMBERS + "/557058:gone"),
    ]


@responses.activate
def test_an_access_token_confirms_an_account_id_with_the_member_path_only():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev5", status=404, json=error("not found"))
    responses.add("GET", API + REPO_USERS[4:], json=page([]))
    responses.add("GET", API + MEMBERS[4:] + "/557058:dev5", json=member("dev5"))
    result, failed = run_module(module, dict(ACCESS_TOKEN_ARGS, repository="infra-core", user=aid("dev5"), state="absent"))
    assert not failed and result["changed"] is False
    assert result["not_found"] == []  # a member without a permission here: nothing to remove, nothing unknown
    assert calls(responses) == [
        ("GET", REPO_USERS + "/557058:dev5"),
        ("GET", REPO_USERS + "?pagelen=1"),
        ("GET", MEMBERS + "/557058:dev5"),
    ]


@responses.activate
def test_refused_uuid_filter_reads_the_member_listing_then_the_one_still_missing():
    members = [membership("dev%d" % i) for i in range(3)]
    uuids = sorted(m["user"]["uuid"] for m in members)
    missing = members[2]["user"]["uuid"]
    refuse(PERMS)
    # the first page shows 250 members: the one still missing costs one GET, the listing two more pages
    first = page([member("dev0"), member("dev1"), member("dev9")], next_url=API + MEMBERS[4:] + "?page=2")
    first["size"] = 250
    responses.add("GET", API + MEMBERS[4:], json=first)
    responses.add("GET", API + MEMBERS[4:] + "/" + braced(missing), status=404, json=error("not a member"))
    responses.add("GET", API + REPO_USERS[4:], json=page([perm("dev0", "read")]))
    responses.add("DELETE", API + REPO_USERS[4:] + "/557058:dev0", status=204)
    result, failed = run_module(
        module, args(repository="infra-core", users=[{"user": m["user"]["uuid"].upper(), "state": "absent"} for m in members])
    )
    assert not failed
    assert calls(responses) == [
        ("GET", PERMS + "?q=user.uuid IN (%s)&pagelen=100" % ",".join('"%s"' % u for u in uuids)),
        ("GET", MEMBERS + "?pagelen=100"),
        ("GET", MEMBERS + "/" + missing),
        ("GET", REPO_USERS + "?pagelen=100"),
        ("DELETE", REPO_USERS + "/557058:dev0"),
    ]
    assert result["not_found"] == [missing.upper()]
    assert result["results"][0]["removed"] == [aid("dev0")]


@responses.activate
def test_a_grant_whose_owner_and_member_filter_is_refused_uses_the_owner_filter_and_the_member_path():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:dev5", status=404, json=error("not found"))
    refuse(PERMS)
    responses.add("GET", API + PERMS[4:], json=page([membership("owner", "owner")]))
    responses.add("GET", API + MEMBERS[4:] + "/557058:dev5", json=member("dev5"))
    responses.add("PUT", API + REPO_USERS[4:] + "/557058:dev5", json=perm("dev5", "read"))
    result, failed = run_module(module, args(repository="infra-core", user=aid("dev5"), permission="read"))
    assert not failed and result["changed"] is True
    assert calls(responses) == [
        ("GET", REPO_USERS + "/557058:dev5"),
        ("GET", owner_query("dev5")),
        ("GET", OWNER_QUERY),
        ("GET", MEMBERS + "/557058:dev5"),
        ("PUT", REPO_USERS + "/557058:dev5"),
    ]


@responses.activate
def test_a_grant_to_a_non_member_is_still_refused_after_the_fallback():
    responses.add("GET", API + REPO_USERS[4:] + "/557058:gone", status=404, json=error("not found"))
    refuse(PERMS)
    responses.add("GET", API + PERMS[4:], json=page([membership("owner", "owner")]))
    responses.add("GET", API + MEMBERS[4:] + "/557058:gone", status=404, json=error("not a member"))
    result, failed = run_module(module, args(repository="infra-core", user=aid("gone"), permission="read"))
    assert failed and result["changed"] is False
    assert result["msg"].startswith("Cannot grant a permission to 557058:gone: no workspace member")
    assert [c[0] for c in calls(responses)] == ["GET"] * 4


@responses.activate
def test_a_refused_effective_permission_prefetch_reads_each_repository_instead():
    refuse("/2.0/workspaces/acme/permissions/repositories")
    responses.add("GET", API + PERMS[4:], json=page([membership("owner", "owner"), membership("dev1")]))
    for repo in REPOS:
        responses.add("GET", API + users_path(repo, "dev1")[4:], status=404, json=error("not found"))
    for repo in REPOS:
        responses.add("PUT", API + users_path(repo, "dev1")[4:], json=perm("dev1", "write"))
    result, failed = run_module(module, args(repositories=REPOS, user=aid("dev1"), permission="write", concurrency=1))
    assert not failed and result["changed"] is True
    assert calls(responses) == (
        [("GET", effective_query("dev1", REPOS)), ("GET", owner_query("dev1"))]
        + [("GET", users_path(r, "dev1")) for r in REPOS]
        + [("PUT", users_path(r, "dev1")) for r in REPOS]
    )


@responses.activate
def test_a_refused_repository_filter_in_check_mode_reads_each_repository_instead():
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([]))
    responses.add("GET", API + PERMS[4:], json=page([membership("owner", "owner"), membership("dev1")]))
    refuse("/2.0/repositories/acme")
    for repo in REPOS:
        responses.add("GET", API + users_path(repo)[4:], json=page([]))
    result, failed = run_module(
        module, args(repositories=REPOS, user=aid("dev1"), permission="write", concurrency=1), check_mode=True
    )
    assert not failed and result["changed"] is True
    assert calls(responses) == (
        [("GET", effective_query("dev1", REPOS)), ("GET", owner_query("dev1")), ("GET", repository_query(REPOS))]
        + [("GET", users_path(r) + "?pagelen=100") for r in REPOS]
    )


@responses.activate
def test_member_info_roles_and_effective_permissions_fall_back_to_the_unfiltered_listings():
    emails = ["dev1@acme.example", "dev2@acme.example"]
    responses.add("GET", API + MEMBERS[4:], json=page([membership("dev1", email=emails[0]), membership("dev2", email=emails[1])]))
    refuse(PERMS)
    responses.add("GET", API + PERMS[4:], json=page([membership("dev0"), membership("dev1", "owner"), membership("dev2")]))
    refuse("/2.0/workspaces/acme/permissions/repositories")
    rows = [
        {"permission": p, "user": membership(n)["user"], "repository": {"full_name": "acme/" + r}}
        for n, r, p in (("dev1", "web", "admin"), ("dev0", "web", "read"), ("dev2", "api", "write"))
    ]
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page(rows))
    result, failed = member_info_run(emails=emails, include_permissions=True, include_explicit=[])
    assert not failed
    ids = '("557058:dev1","557058:dev2")'
    assert calls(responses) == [
        ("GET", MEMBERS + '?q=user.email IN ("dev1@acme.example","dev2@acme.example")&fields=+values.user.email&pagelen=100'),
        ("GET", PERMS + "?q=user.account_id IN %s&pagelen=100" % ids),
        ("GET", PERMS + "?pagelen=100"),
        ("GET", "/2.0/workspaces/acme/permissions/repositories?q=user.account_id IN %s&pagelen=100" % ids),
        ("GET", "/2.0/workspaces/acme/permissions/repositories?pagelen=100"),
    ]
    assert [(m["account_id"], m["workspace_permission"], m["repository_permissions"]) for m in result["members"]] == [
        (aid("dev1"), "owner", {"web": "admin"}),
        (aid("dev2"), "member", {"api": "write"}),
    ]


def member_info_run(**extra):
    return run_module(member_info, args(**extra))
