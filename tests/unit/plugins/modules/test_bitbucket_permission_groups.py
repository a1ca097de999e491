# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Group permissions on repositories and every permission of projects, on the one engine: the exact HTTP calls."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_project_permission as project_module
from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_repo_permission as repo_module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    ACCESS_TOKEN_ARGS,
    API,
    PROJECT_GROUPS,
    PROJECT_USERS,
    REPO_GROUPS,
    REPO_USERS,
    add_owner,
    aid,
    args,
    calls,
    error,
    group_perm,
    owner_query,
    page,
    perm,
    project_perm,
    run_module,
)
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.harness import bodies


@responses.activate
def test_a_group_grant_on_a_repository_is_one_read_and_one_put():
    responses.add("GET", API + REPO_GROUPS[4:] + "/developers", status=404, json=error("not found"))
    responses.add("PUT", API + REPO_GROUPS[4:] + "/developers", json=group_perm("developers", "write"))
    result, failed = run_module(repo_module, args(repository="infra-core", group="Developers", permission="write"))
    assert not failed and result["changed"] is True
    assert calls(responses) == [("GET", REPO_GROUPS + "/developers"), ("PUT", REPO_GROUPS + "/developers")]
    assert bodies(responses, "PUT") == [{"permission": "write"}]
    entry = result["results"][0]
    assert entry["groups"] == {"added": ["developers"], "updated": [], "removed": [], "unchanged": [], "protected": []}
    assert entry["added"] == [] and "permissions" not in result
    assert result["group_permissions"] == {"before": {"infra-core": {}}, "after": {"infra-core": {"developers": "write"}}}
    assert result["diff"][0]["after"] == '"group:developers": write\n'


@responses.activate
def test_a_group_revoke_confirms_the_repository_only_when_there_is_nothing_to_remove():
    responses.add("GET", API + REPO_GROUPS[4:] + "/qa", json=group_perm("qa", "read"))
    responses.add("DELETE", API + REPO_GROUPS[4:] + "/qa", status=204)
    result, failed = run_module(repo_module, args(repository="infra-core", group="qa", state="absent"))
    assert not failed and result["results"][0]["groups"]["removed"] == ["qa"]
    assert calls(responses) == [("GET", REPO_GROUPS + "/qa"), ("DELETE", REPO_GROUPS + "/qa")]


@responses.activate
def test_an_unknown_group_is_named_from_bitbuckets_404_and_the_rest_is_applied():
    responses.add("GET", API + REPO_GROUPS[4:], json=page([group_perm("developers", "read")]))
    responses.add("PUT", API + REPO_GROUPS[4:] + "/developers", json=group_perm("developers", "write"))
    responses.add(
        "PUT",
        API + REPO_GROUPS[4:] + "/ghosts",
        status=404,
        json=error("The workspace does not exist, the repository does not exist, or the group does not exist."),
    )
    result, failed = run_module(
        repo_module,
        args(
            repository="infra-core",
            groups=[{"group": "developers", "permission": "write"}, {"group": "ghosts", "permission": "read"}],
        ),
    )
    assert failed
    # the list read showed the repository exists, so the 404 can only be the group: no extra request
    assert calls(responses) == [
        ("GET", REPO_GROUPS + "?pagelen=100"),
        ("PUT", REPO_GROUPS + "/developers"),
        ("PUT", REPO_GROUPS + "/ghosts"),
    ]
    entry = result["results"][0]
    assert entry["groups"]["updated"] == ["developers"]
    assert entry["failed"][0]["group"] == "ghosts"
    assert entry["failed"][0]["message"].startswith("Group ghosts not found in workspace acme")
    assert "infra-core (grant ghosts: Group ghosts not found" in result["msg"]


@responses.activate
def test_a_mixed_users_and_groups_exclusive_task_reads_both_lists_and_removes_first():
    responses.add("GET", API + REPO_USERS[4:], json=page([perm("dev1", "read"), perm("dev7", "write")]))
    responses.add("GET", API + REPO_GROUPS[4:], json=page([group_perm("qa", "read"), group_perm("developers", "read")]))
    add_owner(responses)
    responses.add("DELETE", API + REPO_USERS[4:] + "/557058:dev7", status=204)
    responses.add("DELETE", API + REPO_GROUPS[4:] + "/qa", status=204)
    responses.add("PUT", API + REPO_USERS[4:] + "/557058:dev1", json=perm("dev1", "write"))
    responses.add("PUT", API + REPO_GROUPS[4:] + "/developers", json=group_perm("developers", "write"))
    result, failed = run_module(
        repo_module,
        args(
            repository="infra-core",
            exclusive=True,
            users=[{"user": aid("dev1"), "permission": "write"}],
            groups=[{"group": "developers", "permission": "write"}],
        ),
    )
    assert not failed
    assert calls(responses) == [
        ("GET", REPO_USERS + "?pagelen=100"),
        ("GET", REPO_GROUPS + "?pagelen=100"),
        ("DELETE", REPO_USERS + "/557058:dev7"),
        ("DELETE", REPO_GROUPS + "/qa"),
        ("PUT", REPO_USERS + "/557058:dev1"),
        ("PUT", REPO_GROUPS + "/developers"),
    ]
    entry = result["results"][0]
    assert (entry["removed"], entry["updated"]) == ([aid("dev7")], [aid("dev1")])
    assert (entry["groups"]["removed"], entry["groups"]["updated"]) == (["qa"], ["developers"])
    assert result["diff"][0]["before"].endswith('"group:developers": read\n"group:qa": read\n')


@responses.activate
def test_exclusive_groups_never_touch_users():
    responses.add("GET", API + REPO_GROUPS[4:], json=page([group_perm("qa", "read")]))
    responses.add("DELETE", API + REPO_GROUPS[4:] + "/qa", status=204)
    result, failed = run_module(repo_module, args(repository="infra-core", exclusive=True, groups=[]))
    assert not failed and result["changed"] is True
    assert calls(responses) == [("GET", REPO_GROUPS + "?pagelen=100"), ("DELETE", REPO_GROUPS + "/qa")]
    assert result["users"] == {} and result["not_found"] == []


@responses.activate
def test_project_user_grant_change_and_revoke():
    responses.add("GET", API + PROJECT_USERS[4:], json=page([project_perm("dev1", "write"), project_perm("dev2", "read")]))
    responses.add("GET", API + "/workspaces/acme/members", json=page([]))
    add_owner(responses, members=["dev3"])
    responses.add("DELETE", API + PROJECT_USERS[4:] + "/557058:dev2", status=204)
    responses.add("PUT", API + PROJECT_USERS[4:] + "/557058:dev1", json=project_perm("dev1", "create-repo"))
    responses.add("PUT", API + PROJECT_USERS[4:] + "/557058:dev3", json=project_perm("dev3", "read"))
    result, failed = run_module(
        project_module,
        args(
            project="INFRA",
            users=[
                {"user": aid("dev1"), "permission": "create-repo"},
                {"user": aid("dev2"), "state": "absent"},
                {"user": aid("dev3"), "permission": "read"},
            ],
        ),
    )
    assert not failed
    assert calls(responses) == [
        ("GET", PROJECT_USERS + "?pagelen=100"),
        ("GET", owner_query("dev3")),
        ("DELETE", PROJECT_USERS + "/557058:dev2"),
        ("PUT", PROJECT_USERS + "/557058:dev1"),
        ("PUT", PROJECT_USERS + "/557058:dev3"),
    ]
    assert bodies(responses, "PUT") == [{"permission": "create-repo"}, {"permission": "read"}]
    entry = result["results"][0]
    assert entry["project"] == "INFRA" and entry["changed"] is True
    assert (entry["added"], entry["updated"], entry["removed"]) == ([aid("dev3")], [aid("dev1")], [aid("dev2")])
    assert result["permissions"]["after"] == {"INFRA": {aid("dev1"): "create-repo", aid("dev3"): "read"}}
    assert result["failed_projects"] == []


@responses.activate
def test_lowering_my_own_project_admin_to_create_repo_is_refused():
    responses.add("GET", API + PROJECT_USERS[4:] + "/557058:admin", json=project_perm("admin", "admin"))
    responses.add("GET", API + "/user", json={"account_id": aid("admin")})
    result, failed = run_module(project_module, args(project="INFRA", user=aid("admin"), permission="create-repo"))
    assert failed and "your own admin permission" in result["msg"]
    assert [c[0] for c in calls(responses)] == ["GET", "GET"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_project_group_grant_change_revoke_and_check_mode_predicts_it(check_mode):
    with responses.RequestsMock() as rsps:
        rsps.add(
            "GET",
            API + PROJECT_GROUPS[4:],
            json=page([group_perm("qa", "write", "project"), group_perm("ops", "read", "project")]),
        )
        if not check_mode:
            rsps.add("DELETE", API + PROJECT_GROUPS[4:] + "/ops", status=204)
            rsps.add("PUT", API + PROJECT_GROUPS[4:] + "/qa", json=group_perm("qa", "admin", "project"))
            rsps.add("PUT", API + PROJECT_GROUPS[4:] + "/developers", json=group_perm("developers", "read", "project"))
        result, failed = run_module(
            project_module,
            args(
                project="INFRA",
                groups=[
                    {"group": "qa", "permission": "admin"},
                    {"group": "ops", "state": "absent"},
                    {"group": "developers", "permission": "read"},
                ],
            ),
            check_mode=check_mode,
        )
        assert not failed
        expected = [("GET", PROJECT_GROUPS + "?pagelen=100")]
        if not check_mode:
            expected += [
                ("DELETE", PROJECT_GROUPS + "/ops"),
                ("PUT", PROJECT_GROUPS + "/qa"),
                ("PUT", PROJECT_GROUPS + "/developers"),
            ]
        assert calls(rsps) == expected
    groups = result["results"][0]["groups"]
    assert (groups["added"], groups["updated"], groups["removed"]) == (["developers"], ["qa"], ["ops"])
    assert result["diff"][0]["after"] == '"group:developers": read\n"group:qa": admin\n'


@pytest.mark.parametrize("connection", [ACCESS_TOKEN_ARGS], ids=["access-token"])
@responses.activate
def test_a_project_task_with_an_access_token_is_refused_before_any_write(connection):
    responses.add("GET", API + PROJECT_GROUPS[4:] + "/qa", status=404, json=error("not found"))
    result, failed = run_module(project_module, dict(connection, project="INFRA", group="qa", permission="read"))
    assert failed
    assert calls(responses) == [("GET", PROJECT_GROUPS + "/qa")]
    assert "only for HTTP Basic credentials" in result["msg"] and "admin:project:bitbucket" in result["msg"]


@pytest.mark.parametrize(
    "value, words",
    [
        ("infra", None),
        ("INF-RA", "is not a project key"),
        ("1NFRA", "is not a project key"),
        ("", "project is empty"),
    ],
)
@responses.activate
def test_project_keys_are_validated(value, words):
    responses.add(
        "GET", API + "/workspaces/acme/projects/%s/permissions-config/groups/qa" % value, json=group_perm("qa", "read", "project")
    )
    result, failed = run_module(project_module, args(project=value, group="qa", permission="read"))
    if words is None:
        assert not failed and len(responses.calls) == 1
    else:
        assert failed and words in result["msg"] and len(responses.calls) == 0
