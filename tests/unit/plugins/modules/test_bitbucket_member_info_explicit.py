# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_member_info include_explicit: the exact HTTP calls, in order, of each kind of explicit permission."""

from __future__ import annotations

import responses

from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_member_info as module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    API,
    args,
    calls,
    membership,
    page,
    perm,
    project_perm,
    run_module,
    user,
)

PERMS = "/2.0/workspaces/acme/permissions"
EMAILS = ["dev1@acme.example", "dev2@acme.example"]
LOOKUP = [
    (
        "GET",
        '/2.0/workspaces/acme/members?q=user.email IN ("dev1@acme.example","dev2@acme.example")'
        "&fields=+values.user.email&pagelen=100",
    ),
    ("GET", PERMS + '?q=user.account_id IN ("557058:dev1","557058:dev2")&pagelen=100'),
    ("GET", '/2.0/workspaces/acme/permissions/repositories?q=user.account_id IN ("557058:dev1","557058:dev2")&pagelen=100'),
]


def effective(name, repo, permission):
    return {
        "type": "repository_permission",
        "permission": permission,
        "user": user(name),
        "repository": {"type": "repository", "full_name": "acme/" + repo, "name": repo.title()},
    }


def _two_members_reaching_three_repositories():
    responses.add(
        "GET",
        API + "/workspaces/acme/members",
        json=page([membership("dev1", email=EMAILS[0]), membership("dev2", email=EMAILS[1])]),
    )
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1"), membership("dev2", "collaborator")]))
    responses.add(
        "GET",
        API + "/workspaces/acme/permissions/repositories",
        json=page(
            [
                effective("dev1", "infra-core", "write"),
                effective("dev1", "web", "admin"),
                effective("dev2", "web", "read"),
                effective("dev2", "api", "read"),
            ]
        ),
    )


def _projects():
    projects = [{"type": "project", "key": "INFRA"}, {"type": "project", "key": "WEB"}]
    responses.add("GET", API + "/workspaces/acme/projects", json=page(projects))
    responses.add(
        "GET", API + "/workspaces/acme/projects/INFRA/permissions-config/users", json=page([project_perm("dev2", "read")])
    )
    responses.add("GET", API + "/workspaces/acme/projects/WEB/permissions-config/users", json=page([]))


PROJECT_CALLS = [
    ("GET", "/2.0/workspaces/acme/projects?pagelen=100"),
    ("GET", "/2.0/workspaces/acme/projects/INFRA/permissions-config/users?pagelen=100"),
    ("GET", "/2.0/workspaces/acme/projects/WEB/permissions-config/users?pagelen=100"),
]


@responses.activate
def test_include_explicit_projects_reads_no_repository_list():
    _two_members_reaching_three_repositories()
    _projects()
    result, failed = run_module(
        module, args(emails=EMAILS, include_permissions=True, include_explicit=["projects"], concurrency=1)
    )
    assert not failed
    # 3 reads of the members and their effective permissions, then the projects: none of the 3 repositories' lists
    assert calls(responses) == LOOKUP + PROJECT_CALLS
    assert result["api_calls"] == {"total": 6, "GET": 6}
    dev1, dev2 = result["members"]
    assert dev1["repository_permissions"] == {"infra-core": "write", "web": "admin"}
    assert dev2["repository_permissions"] == {"api": "read", "web": "read"}
    # the repositories were not read: the key is absent (not known), not an empty dict (known to be empty)
    assert dev1["explicit_permissions"] == {"projects": {}}
    assert dev2["explicit_permissions"] == {"projects": {"INFRA": "read"}}


@responses.activate
def test_include_explicit_empty_reads_the_effective_permissions_only():
    _two_members_reaching_three_repositories()
    result, failed = run_module(module, args(emails=EMAILS, include_permissions=True, include_explicit=[]))
    assert not failed
    assert calls(responses) == LOOKUP
    assert result["api_calls"] == {"total": 3, "GET": 3}
    assert [m["explicit_permissions"] for m in result["members"]] == [{}, {}]
    assert result["members"][1]["repository_permissions"] == {"api": "read", "web": "read"}


@responses.activate
def test_include_explicit_repositories_reads_no_project():
    _two_members_reaching_three_repositories()
    responses.add("GET", API + "/repositories/acme/api/permissions-config/users", json=page([perm("dev2", "read")]))
    responses.add("GET", API + "/repositories/acme/infra-core/permissions-config/users", json=page([perm("dev1", "write")]))
    responses.add("GET", API + "/repositories/acme/web/permissions-config/users", json=page([]))
    result, failed = run_module(
        module, args(emails=EMAILS, include_permissions=True, include_explicit=["repositories"], concurrency=1)
    )
    assert not failed
    assert calls(responses) == LOOKUP + [
        ("GET", "/2.0/repositories/acme/api/permissions-config/users?pagelen=100"),
        ("GET", "/2.0/repositories/acme/infra-core/permissions-config/users?pagelen=100"),
        ("GET", "/2.0/repositories/acme/web/permissions-config/users?pagelen=100"),
    ]
    dev1, dev2 = result["members"]
    assert dev1["explicit_permissions"] == {"repositories": {"infra-core": "write"}}
    assert dev2["explicit_permissions"] == {"repositories": {"api": "read"}}


@responses.activate
def test_include_explicit_default_reads_both_kinds():
    _two_members_reaching_three_repositories()
    for repo in ("api", "infra-core", "web"):
        responses.add("GET", API + "/repositories/acme/%s/permissions-config/users" % repo, json=page([]))
    _projects()
    result, failed = run_module(module, args(emails=EMAILS, include_permissions=True, concurrency=1))
    assert not failed
    assert (
        calls(responses)
        == LOOKUP
        + [PROJECT_CALLS[0]]
        + [
            ("GET", "/2.0/repositories/acme/%s/permissions-config/users?pagelen=100" % repo)
            for repo in ("api", "infra-core", "web")
        ]
        + PROJECT_CALLS[1:]
    )
    assert result["members"][1]["explicit_permissions"] == {"repositories": {}, "projects": {"INFRA": "read"}}


@responses.activate
def test_include_explicit_without_include_permissions_reads_nothing_more():
    responses.add("GET", API + "/workspaces/acme/members", json=page([membership("dev1", email=EMAILS[0])]))
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1")]))
    result, failed = run_module(module, args(emails=EMAILS[:1], include_explicit=["projects"]))
    assert not failed
    assert len(calls(responses)) == 2
    assert "explicit_permissions" not in result["members"][0]


@responses.activate
def test_include_explicit_unknown_kind_fails_before_any_request():
    result, failed = run_module(module, args(emails=EMAILS, include_permissions=True, include_explicit=["groups"]))
    assert failed
    assert "include_explicit" in result["msg"] and "groups" in result["msg"]
    assert len(responses.calls) == 0


WITHIN = (
    '/2.0/workspaces/acme/permissions/repositories?q=user.account_id IN ("557058:dev1","557058:dev2")'
    ' AND repository.full_name IN ("acme/api","acme/web")&pagelen=100'
)


def _two_members_checked_on_two_repositories(answer):
    responses.add(
        "GET",
        API + "/workspaces/acme/members",
        json=page([membership("dev1", email=EMAILS[0]), membership("dev2", email=EMAILS[1])]),
    )
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1"), membership("dev2", "collaborator")]))
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page(answer))


@responses.activate
def test_within_repositories_narrows_the_effective_query_to_those_repositories():
    _two_members_checked_on_two_repositories([effective("dev1", "web", "admin"), effective("dev2", "api", "read")])
    result, failed = run_module(
        module,
        args(emails=EMAILS, include_permissions=True, include_explicit=[], within_repositories=["web", "API"]),
    )
    assert not failed
    # one query for both members on both repositories (names lowered, sorted), however many they reach elsewhere
    assert calls(responses) == LOOKUP[:2] + [("GET", WITHIN)]
    dev1, dev2 = result["members"]
    assert dev1["repository_permissions"] == {"web": "admin"} and dev2["repository_permissions"] == {"api": "read"}


@responses.activate
def test_within_repositories_refuses_an_answer_outside_the_filter():
    _two_members_checked_on_two_repositories([effective("dev1", "web", "admin"), effective("dev1", "infra-core", "write")])
    result, failed = run_module(
        module, args(emails=EMAILS, include_permissions=True, include_explicit=[], within_repositories=["web", "api"])
    )
    assert failed
    assert "filtered on repository.full_name answered acme/infra-core" in result["msg"]


@responses.activate
def test_within_repositories_empty_reads_no_effective_permission():
    _two_members_checked_on_two_repositories([])
    result, failed = run_module(
        module, args(emails=EMAILS, include_permissions=True, include_explicit=[], within_repositories=[])
    )
    assert not failed
    assert calls(responses) == LOOKUP[:2]
    assert [m["repository_permissions"] for m in result["members"]] == [{}, {}]


@responses.activate
def test_within_repositories_takes_slugs_not_uuids():
    result, failed = run_module(
        module,
        args(
            emails=EMAILS,
            include_permissions=True,
            within_repositories=["{0b4b4c1c-9d38-4b0a-9a4e-2a3c1f6a1e11}"],
        ),
    )
    assert failed and "within_repositories takes repository slugs" in result["msg"]
    assert calls(responses) == []


IDS = ["557058:dev2", "557058:dev1", "557058:nobody"]
BY_ID = [
    ("GET", PERMS + '?q=user.account_id IN ("557058:dev1","557058:dev2","557058:nobody")&pagelen=100'),
    (
        "GET",
        '/2.0/workspaces/acme/permissions/repositories?q=user.account_id IN ("557058:dev2","557058:dev1","557058:nobody")'
        ' AND repository.full_name IN ("acme/api","acme/web")&pagelen=100',
    ),
]


def _members_by_id():
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1"), membership("dev2", "collaborator")]))
    responses.add(
        "GET",
        API + "/workspaces/acme/permissions/repositories",
        json=page([effective("dev1", "web", "admin"), effective("dev2", "api", "read")]),
    )


@responses.activate
def test_account_ids_read_the_memberships_and_the_permissions_without_an_email_look_up():
    _members_by_id()
    result, failed = run_module(
        module,
        args(account_ids=IDS, include_permissions=True, include_explicit=[], within_repositories=["web", "api"], concurrency=1),
    )
    assert not failed
    # no /members look-up by email: both reads need only the ids (one after the other with concurrency 1)
    assert calls(responses) == BY_ID
    assert [(m["account_id"], m["workspace_permission"], m["repository_permissions"]) for m in result["members"]] == [
        ("557058:dev2", "collaborator", {"api": "read"}),
        ("557058:dev1", "member", {"web": "admin"}),
    ]
    assert result["not_found"] == ["557058:nobody"]


@responses.activate
def test_account_ids_read_both_at_the_same_time_with_concurrency():
    _members_by_id()
    result, failed = run_module(
        module, args(account_ids=IDS, include_permissions=True, include_explicit=[], within_repositories=["api", "web"])
    )
    assert not failed
    assert sorted(calls(responses)) == sorted(BY_ID)
    assert result["api_calls"]["total"] == 2
    assert [m["repository_permissions"] for m in result["members"]] == [{"api": "read"}, {"web": "admin"}]


@responses.activate
def test_account_ids_must_be_account_ids():
    for value, why in ((["dev1@acme.example"], "is not an Atlassian account ID"), ([], "account_ids is an empty list")):
        result, failed = run_module(module, args(account_ids=value, include_permissions=True))
        assert failed and why in result["msg"], result["msg"]
    assert calls(responses) == []
