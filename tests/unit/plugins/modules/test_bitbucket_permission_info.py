# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_permission_info: the exact HTTP calls, in order, and the result shape of each way to read."""

from __future__ import annotations

import responses

from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_permission_info as module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    API,
    args,
    calls,
    error,
    group_perm,
    membership,
    page,
    perm,
    project_perm,
    run_module,
)

REPOS = "/2.0/repositories/acme?pagelen=100"
REPOS_PAGE_2 = API + "/repositories/acme?page=2&pagelen=100"
PROJECTS = "/2.0/workspaces/acme/projects?pagelen=100"


def repo_list(path, kind):
    return ("GET", "/2.0/repositories/acme/%s/permissions-config/%s?pagelen=100" % (path, kind))


def project_list(key, kind):
    return ("GET", "/2.0/workspaces/acme/projects/%s/permissions-config/%s?pagelen=100" % (key, kind))


def repository(slug, project):
    return {
        "type": "repository",
        "slug": slug,
        "full_name": "acme/" + slug,
        "name": slug.replace("-", " ").title(),
        "project": {"type": "project", "key": project},
    }


def add_list(path, values, next_url=None):
    responses.add("GET", API + path, json=page(values, next_url))


def user_entry(name, permission):
    return {
        "account_id": "557058:%s" % name,
        "display_name": name.capitalize(),
        "nickname": name,
        "permission": permission,
    }


def group_entry(slug, permission):
    return {"slug": slug, "name": slug.capitalize(), "permission": permission}


def _workspace():
    """Three repositories over two listing pages (web on the second), two projects; infra-core's user list has two
    pages."""
    responses.add(
        "GET",
        API + "/repositories/acme",
        json=page([repository("infra-core", "INFRA"), repository("api", "INFRA")], REPOS_PAGE_2),
    )
    responses.add("GET", REPOS_PAGE_2, json=page([repository("web", "WEB")]))
    responses.add(
        "GET",
        API + "/workspaces/acme/projects",
        json=page([{"type": "project", "key": "WEB", "name": "Web"}, {"type": "project", "key": "INFRA", "name": "Infra"}]),
    )
    add_list("/repositories/acme/api/permissions-config/users", [])
    add_list("/repositories/acme/api/permissions-config/groups", [group_perm("qa", "read")])
    users_page_2 = API + "/repositories/acme/infra-core/permissions-config/users?page=2&pagelen=100"
    add_list(
        "/repositories/acme/infra-core/permissions-config/users",
        [perm("dev2", "write"), perm("dev1", "admin")],
        users_page_2,
    )
    responses.add("GET", users_page_2, json=page([perm("dev0", "read")]))
    add_list(
        "/repositories/acme/infra-core/permissions-config/groups",
        [group_perm("developers", "write"), group_perm("admins", "admin")],
    )
    add_list("/repositories/acme/web/permissions-config/users", [perm("dev3", "read")])
    add_list("/repositories/acme/web/permissions-config/groups", [])
    add_list("/workspaces/acme/projects/INFRA/permissions-config/users", [project_perm("dev2", "create-repo")])
    add_list("/workspaces/acme/projects/INFRA/permissions-config/groups", [group_perm("developers", "write", kind="project")])
    add_list("/workspaces/acme/projects/WEB/permissions-config/users", [])
    add_list("/workspaces/acme/projects/WEB/permissions-config/groups", [])


INFRA_CORE_USERS = [user_entry("dev0", "read"), user_entry("dev1", "admin"), user_entry("dev2", "write")]
INFRA_CORE_GROUPS = [group_entry("admins", "admin"), group_entry("developers", "write")]


@responses.activate
def test_every_repository_and_project():
    _workspace()
    result, failed = run_module(module, args(concurrency=1))
    assert not failed, result["msg"]
    assert calls(responses) == [
        ("GET", REPOS),
        ("GET", "/2.0/repositories/acme?page=2&pagelen=100"),
        ("GET", PROJECTS),
        repo_list("api", "users"),
        repo_list("api", "groups"),
        repo_list("infra-core", "users"),
        ("GET", "/2.0/repositories/acme/infra-core/permissions-config/users?page=2&pagelen=100"),
        repo_list("infra-core", "groups"),
        repo_list("web", "users"),
        repo_list("web", "groups"),
        project_list("INFRA", "users"),
        project_list("INFRA", "groups"),
        project_list("WEB", "users"),
        project_list("WEB", "groups"),
    ]
    assert result["api_calls"] == {"total": 14, "GET": 14}
    assert result["changed"] is False
    assert result["repositories"] == [
        {"slug": "api", "name": "Api", "project": "INFRA", "users": [], "groups": [group_entry("qa", "read")]},
        {"slug": "infra-core", "name": "Infra Core", "project": "INFRA", "users": INFRA_CORE_USERS, "groups": INFRA_CORE_GROUPS},
        {"slug": "web", "name": "Web", "project": "WEB", "users": [user_entry("dev3", "read")], "groups": []},
    ]
    assert result["projects"] == [
        {
            "key": "INFRA",
            "name": "Infra",
            "users": [user_entry("dev2", "create-repo")],
            "groups": [group_entry("developers", "write")],
        },
        {"key": "WEB", "name": "Web", "users": [], "groups": []},
    ]


@responses.activate
def test_concurrent_reads_give_the_same_result():
    _workspace()
    result, failed = run_module(module, args(concurrency=4))
    assert not failed, result["msg"]
    assert sorted(calls(responses)) == sorted(
        [("GET", REPOS), ("GET", "/2.0/repositories/acme?page=2&pagelen=100"), ("GET", PROJECTS)]
        + [repo_list(r, k) for r in ("api", "infra-core", "web") for k in ("users", "groups")]
        + [("GET", "/2.0/repositories/acme/infra-core/permissions-config/users?page=2&pagelen=100")]
        + [project_list(p, k) for p in ("INFRA", "WEB") for k in ("users", "groups")]
    )
    assert result["repositories"][1]["users"] == INFRA_CORE_USERS
    assert [p["key"] for p in result["projects"]] == ["INFRA", "WEB"]


@responses.activate
def test_given_repositories_read_no_listing():
    add_list("/repositories/acme/web/permissions-config/users", [perm("dev3", "read")])
    add_list("/repositories/acme/web/permissions-config/groups", [group_perm("qa", "write")])
    add_list("/repositories/acme/api/permissions-config/users", [perm("dev1", "admin")])
    add_list("/repositories/acme/api/permissions-config/groups", [])
    result, failed = run_module(
        module, args(repositories=["web", "api", "WEB"], include=["repositories"], concurrency=1), check_mode=True
    )
    assert not failed, result["msg"]
    # sorted, the duplicate (in another case) read once, no repository or project listing
    assert calls(responses) == [
        repo_list("api", "users"),
        repo_list("api", "groups"),
        repo_list("web", "users"),
        repo_list("web", "groups"),
    ]
    assert result["api_calls"] == {"total": 4, "GET": 4}
    assert result["repositories"] == [
        {"slug": "api", "name": None, "project": None, "users": [user_entry("dev1", "admin")], "groups": []},
        {
            "slug": "web",
            "name": None,
            "project": None,
            "users": [user_entry("dev3", "read")],
            "groups": [group_entry("qa", "write")],
        },
    ]
    assert result["projects"] == []
    assert result["missing"] == {"repositories": [], "projects": []}


@responses.activate
def test_subjects_users_reads_no_group_list():
    add_list("/repositories/acme/api/permissions-config/users", [perm("dev1", "write")])
    add_list("/workspaces/acme/projects/INFRA/permissions-config/users", [project_perm("dev2", "admin")])
    result, failed = run_module(module, args(repositories=["api"], projects=["INFRA"], subjects=["users"]))
    assert not failed, result["msg"]
    assert calls(responses) == [repo_list("api", "users"), project_list("INFRA", "users")]
    # the groups were not read: the key is absent (not known), not an empty list (known to be empty)
    assert result["repositories"] == [{"slug": "api", "name": None, "project": None, "users": [user_entry("dev1", "write")]}]
    assert result["projects"] == [{"key": "INFRA", "name": None, "users": [user_entry("dev2", "admin")]}]


@responses.activate
def test_include_projects_reads_no_repository():
    responses.add(
        "GET",
        API + "/workspaces/acme/projects",
        json=page([{"type": "project", "key": "INFRA", "name": "Infrastructure", "uuid": "{p}"}]),
    )
    add_list("/workspaces/acme/projects/INFRA/permissions-config/users", [])
    add_list("/workspaces/acme/projects/INFRA/permissions-config/groups", [group_perm("developers", "read", kind="project")])
    result, failed = run_module(module, args(include=["projects"], concurrency=1))
    assert not failed, result["msg"]
    assert calls(responses) == [("GET", PROJECTS), project_list("INFRA", "users"), project_list("INFRA", "groups")]
    assert result["repositories"] == []
    assert result["projects"] == [
        {"key": "INFRA", "name": "Infrastructure", "users": [], "groups": [group_entry("developers", "read")]}
    ]


@responses.activate
def test_unknown_repository_fails_naming_it():
    add_list("/repositories/acme/api/permissions-config/users", [])
    add_list("/repositories/acme/api/permissions-config/groups", [])
    responses.add("GET", API + "/repositories/acme/nope/permissions-config/users", status=404, json=error("Repository not found"))
    result, failed = run_module(module, args(repositories=["api", "nope", "web"], include=["repositories"], concurrency=1))
    assert failed
    assert result["msg"].startswith("repository acme/nope does not exist (or the credentials cannot see it): GET ")
    assert result["status"] == 404
    assert result["path"] == "/2.0/repositories/acme/nope/permissions-config/users"
    # the lists after the failed one are not read
    assert calls(responses) == [repo_list("api", "users"), repo_list("api", "groups"), repo_list("nope", "users")]
    assert result["api_calls"] == {"total": 3, "GET": 3}
    assert "repositories" not in result


@responses.activate
def test_unknown_targets_reported_with_missing_report():
    add_list("/repositories/acme/api/permissions-config/users", [perm("dev1", "admin")])
    add_list("/repositories/acme/api/permissions-config/groups", [])
    for kind in ("users", "groups"):
        responses.add("GET", API + "/repositories/acme/nope/permissions-config/" + kind, status=404, json=error("Not found"))
        responses.add("GET", API + "/workspaces/acme/projects/GONE/permissions-config/" + kind, status=404, json=error("No"))
    result, failed = run_module(
        module, args(repositories=["nope", "api"], projects=["GONE"], missing="report", concurrency=1), check_mode=True
    )
    assert not failed, result["msg"]
    # every list is read: a missing target does not stop the others
    assert calls(responses) == [
        repo_list("api", "users"),
        repo_list("api", "groups"),
        repo_list("nope", "users"),
        repo_list("nope", "groups"),
        project_list("GONE", "users"),
        project_list("GONE", "groups"),
    ]
    assert result["repositories"] == [
        {"slug": "api", "name": None, "project": None, "users": [user_entry("dev1", "admin")], "groups": []}
    ]
    assert result["projects"] == []
    assert result["missing"] == {"repositories": ["nope"], "projects": ["GONE"]}
    # without it, the same answers fail the task
    responses.calls.reset()
    result, failed = run_module(module, args(repositories=["nope", "api"], include=["repositories"], concurrency=1))
    assert failed and "acme/nope does not exist" in result["msg"]


OWNERS = '/2.0/workspaces/acme/permissions?q=permission = "owner"&pagelen=100'


@responses.activate
def test_include_owner_reads_the_owner_once_and_checks_the_answer():
    add_list("/repositories/acme/api/permissions-config/users", [])
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([membership("olivia", "owner")]))
    result, failed = run_module(
        module, args(repositories=["api"], include=["repositories"], subjects=["users"], include_owner=True)
    )
    assert not failed, result["msg"]
    assert sorted(calls(responses)) == sorted([repo_list("api", "users"), ("GET", OWNERS)])
    assert result["owners"] == [{"account_id": "557058:olivia", "display_name": "Olivia"}]
    # a server that ignores the filter (answers a plain member) is not trusted
    responses.calls.reset()
    responses.replace("GET", API + "/workspaces/acme/permissions", json=page([membership("olivia", "owner"), membership("dev1")]))
    result, failed = run_module(
        module, args(repositories=["api"], include=["repositories"], subjects=["users"], include_owner=True)
    )
    assert failed and "does not match the filter" in result["msg"]
    # without include_owner: no request, owners null
    responses.calls.reset()
    result, failed = run_module(module, args(repositories=["api"], include=["repositories"], subjects=["users"]))
    assert not failed and result["owners"] is None and calls(responses) == [repo_list("api", "users")]


@responses.activate
def test_forbidden_is_a_clear_error():
    responses.add("GET", API + "/workspaces/acme/projects", json=page([{"type": "project", "key": "INFRA", "name": "Infra"}]))
    responses.add(
        "GET", API + "/workspaces/acme/projects/INFRA/permissions-config/users", status=403, json=error("Access denied")
    )
    result, failed = run_module(module, args(include=["projects"], concurrency=1))
    assert failed
    assert result["status"] == 403
    assert result["msg"].startswith(
        "Reading the explicit permissions of project acme/INFRA needs admin rights on it (a workspace admin can read "
        "every repository and project): GET /2.0/workspaces/acme/projects/INFRA/permissions-config/users failed with "
        "HTTP 403: Access denied"
    )
    assert calls(responses) == [("GET", PROJECTS), project_list("INFRA", "users")]


@responses.activate
def test_check_mode_reads_the_same():
    _workspace()
    result, failed = run_module(module, args(concurrency=1), check_mode=True)
    assert not failed, result["msg"]
    assert result["changed"] is False
    assert result["api_calls"] == {"total": 14, "GET": 14}
    assert result["repositories"][1]["groups"] == INFRA_CORE_GROUPS


@responses.activate
def test_subjects_empty_lists_the_targets_only():
    _workspace()
    result, failed = run_module(module, args(subjects=[]))
    assert not failed, result["msg"]
    assert calls(responses) == [("GET", REPOS), ("GET", "/2.0/repositories/acme?page=2&pagelen=100"), ("GET", PROJECTS)]
    assert result["repositories"][0] == {"slug": "api", "name": "Api", "project": "INFRA"}
    assert result["projects"][1] == {"key": "WEB", "name": "Web"}


@responses.activate
def test_bad_options_fail_before_any_request():
    for options, message in (
        ({"repositories": []}, "repositories is an empty list"),
        ({"repositories": ["api", "../x"]}, "repositories[1] "),
        ({"projects": ["IN-FRA"]}, "projects[0] "),
        ({"projects": ["INFRA"], "include": ["repositories"]}, "projects is given but include leaves projects out"),
        ({"include": []}, "include is an empty list"),
        ({"concurrency": 17}, "concurrency must be a whole number from 1 to 16"),
        ({"workspace": ".."}, "workspace "),
    ):
        result, failed = run_module(module, args(**options))
        assert failed, options
        assert result["msg"].startswith(message), result["msg"]
    assert calls(responses) == []
