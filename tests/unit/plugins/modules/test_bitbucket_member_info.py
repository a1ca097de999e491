# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bitbucket_member_info: the exact HTTP calls, in order, for each question."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import responses

from ansible_collections.accessops.atlassian.plugins.modules import bitbucket_member_info as module
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    ACCESS_TOKEN_ARGS,
    API,
    aid,
    args,
    calls,
    error,
    membership,
    page,
    perm,
    project_perm,
    run_module,
    user,
)

PERMS = "/2.0/workspaces/acme/permissions"


def effective(name, repo, permission):
    return {
        "type": "repository_permission",
        "permission": permission,
        "user": user(name),
        "repository": {"type": "repository", "full_name": "acme/" + repo, "name": repo.title()},
    }


@responses.activate
def test_every_member_from_the_role_listing_one_request_per_page():
    members = [membership("m%03d" % i) for i in range(150)]
    members[0]["permission"] = "owner"
    responses.add("GET", API + PERMS[4:], json=page(members[:100], next_url=API + PERMS[4:] + "?page=2"))
    responses.add("GET", API + PERMS[4:] + "?page=2", json=page(members[100:]))
    result, failed = run_module(module, args())
    assert not failed and result["changed"] is False
    assert calls(responses) == [("GET", PERMS + "?pagelen=100"), ("GET", PERMS + "?page=2")]
    assert len(result["members"]) == 150
    assert result["members"][0] == {
        "account_id": aid("m000"),
        "uuid": user("m000")["uuid"],
        "display_name": "M000",
        "nickname": "m000",
        "workspace_permission": "owner",
    }
    assert result["member"] is None and result["not_found"] == []
    assert result["api_calls"] == {"total": 2, "GET": 2}


@responses.activate
def test_one_member_by_account_id_is_one_filtered_request():
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1", "collaborator")]))
    result, failed = run_module(module, args(member=aid("dev1")))
    assert not failed
    assert calls(responses) == [("GET", PERMS + '?q=user.account_id IN ("557058:dev1")&pagelen=100')]
    assert result["member"]["workspace_permission"] == "collaborator"
    assert result["members"] == [result["member"]]


@responses.activate
def test_one_member_by_uuid():
    uuid = user("dev1")["uuid"]
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1")]))
    result, failed = run_module(module, args(member=uuid.strip("{}").upper()))
    assert not failed
    assert calls(responses) == [("GET", PERMS + '?q=user.uuid IN ("%s")&pagelen=100' % uuid)]
    assert result["member"]["account_id"] == aid("dev1")


@responses.activate
def test_one_member_by_email_then_its_role():
    responses.add("GET", API + "/workspaces/acme/members", json=page([membership("dev1", email="dev1@acme.example")]))
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1", "member")]))
    result, failed = run_module(module, args(member="Dev1@Acme.example"))
    assert not failed
    assert calls(responses) == [
        ("GET", '/2.0/workspaces/acme/members?q=user.email IN ("dev1@acme.example")&fields=+values.user.email&pagelen=100'),
        ("GET", PERMS + '?q=user.account_id IN ("557058:dev1")&pagelen=100'),
    ]
    assert result["member"]["email"] == "dev1@acme.example"
    assert result["member"]["workspace_permission"] == "member"


@responses.activate
def test_member_not_found_is_reported_not_failed():
    responses.add("GET", API + PERMS[4:], json=page([]))
    result, failed = run_module(module, args(member=aid("ghost")))
    assert not failed
    assert result["member"] is None and result["members"] == []
    assert result["not_found"] == [aid("ghost")]


def _emails_found(count):
    """``count`` emails, all members: the email look-ups answer them 90 a page."""
    emails = ["u%03d@acme.example" % i for i in range(count)]
    for start in range(0, count, 90):
        responses.add(
            "GET",
            API + "/workspaces/acme/members",
            json=page([membership("u%03d" % i, email=emails[i]) for i in range(start, min(start + 90, count))]),
        )
    return emails


@responses.activate
def test_many_emails_in_a_large_workspace_switch_from_the_listing_to_the_id_filter():
    emails = _emails_found(150)
    first_page = dict(page([membership("other%03d" % i) for i in range(100)], next_url=API + PERMS[4:] + "?page=2"))
    first_page["size"] = 10000
    responses.add("GET", API + PERMS[4:], json=first_page)
    responses.add("GET", API + PERMS[4:], json=page([membership("u%03d" % i, "collaborator") for i in range(50)]))
    responses.add("GET", API + PERMS[4:], json=page([membership("u%03d" % i, "collaborator") for i in range(50, 100)]))
    responses.add("GET", API + PERMS[4:], json=page([membership("u%03d" % i, "collaborator") for i in range(100, 150)]))
    result, failed = run_module(module, args(emails=emails))
    assert not failed
    seen = calls(responses)
    # 2 email look-ups, 1 listing page (size 10,000: 99 pages left), then 3 id filters instead of 99 pages
    assert [c[1].split("?")[0] for c in seen] == ["/2.0/workspaces/acme/members"] * 2 + [PERMS] * 4
    assert seen[2][1] == PERMS + "?pagelen=100"
    assert [c[1].count("557058:") for c in seen[3:]] == [50, 50, 50]
    assert len(result["members"]) == 150 and all(m["workspace_permission"] == "collaborator" for m in result["members"])
    assert result["api_calls"] == {"total": 6, "GET": 6}


@responses.activate
def test_many_emails_in_a_small_workspace_read_the_whole_listing():
    emails = _emails_found(150)
    first_page = dict(page([membership("u%03d" % i) for i in range(100)], next_url=API + PERMS[4:] + "?page=2"))
    first_page["size"] = 160
    responses.add("GET", API + PERMS[4:], json=first_page)
    responses.add("GET", API + PERMS[4:] + "?page=2", json=page([membership("u%03d" % i) for i in range(100, 160)]))
    result, failed = run_module(module, args(emails=emails))
    assert not failed
    assert [c[1] for c in calls(responses)[2:]] == [PERMS + "?pagelen=100", PERMS + "?page=2"]
    assert len(result["members"]) == 150 and all(m["workspace_permission"] == "member" for m in result["members"])


@responses.activate
def test_emails_in_batches_of_90_then_roles_filtered_by_id():
    emails = ["u%03d@acme.example" % i for i in range(95)]
    first = [membership("u%03d" % i, email=emails[i]) for i in range(90) if i != 7]
    responses.add("GET", API + "/workspaces/acme/members", json=page(first))
    responses.add("GET", API + "/workspaces/acme/members", json=page([membership("u090", email=emails[90])]))
    responses.add("GET", API + PERMS[4:], json=page([membership("u%03d" % i) for i in range(51) if i != 7]))
    responses.add("GET", API + PERMS[4:], json=page([membership("u%03d" % i) for i in range(51, 91)]))
    result, failed = run_module(module, args(emails=emails + ["U000@acme.example"]))
    assert not failed
    seen = calls(responses)
    assert [c[1].split("?")[0] for c in seen] == ["/2.0/workspaces/acme/members"] * 2 + [PERMS] * 2
    assert seen[0][1].count("@acme.example") == 90 and seen[1][1].count("@acme.example") == 5
    assert seen[2][1].count("557058:") == 50 and seen[3][1].count("557058:") == 40
    assert result["not_found"] == ["u007@acme.example"] + emails[91:]
    assert [m["email"] for m in result["members"]] == [e for e in emails[:91] if e != "u007@acme.example"]
    assert all(m["workspace_permission"] == "member" for m in result["members"])


def _no_explicit_permissions():
    responses.add("GET", API + "/workspaces/acme/projects", json=page([]))
    responses.add("GET", re.compile(re.escape(API) + r"/repositories/acme/[^/]+/permissions-config/users"), json=page([]))


@responses.activate
def test_include_permissions_for_every_member_is_one_unfiltered_listing():
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1"), membership("dev2")]))
    responses.add(
        "GET",
        API + "/workspaces/acme/permissions/repositories",
        json=page(
            [effective("dev1", "infra-core", "write"), effective("dev2", "web", "read"), effective("dev1", "web", "admin")]
        ),
    )
    projects = [{"type": "project", "key": "INFRA"}, {"type": "project", "key": "WEB"}]
    responses.add("GET", API + "/workspaces/acme/projects", json=page(projects))
    responses.add("GET", API + "/repositories/acme/infra-core/permissions-config/users", json=page([perm("dev1", "write")]))
    responses.add("GET", API + "/repositories/acme/web/permissions-config/users", json=page([perm("dev9", "read")]))
    responses.add(
        "GET", API + "/workspaces/acme/projects/INFRA/permissions-config/users", json=page([project_perm("dev2", "read")])
    )
    responses.add("GET", API + "/workspaces/acme/projects/WEB/permissions-config/users", json=page([]))
    result, failed = run_module(module, args(include_permissions=True, concurrency=1))
    assert not failed
    assert calls(responses) == [
        ("GET", PERMS + "?pagelen=100"),
        ("GET", "/2.0/workspaces/acme/permissions/repositories?pagelen=100"),
        # every explicit path: the lists of the repositories they reach, and of every project
        ("GET", "/2.0/workspaces/acme/projects?pagelen=100"),
        ("GET", "/2.0/repositories/acme/infra-core/permissions-config/users?pagelen=100"),
        ("GET", "/2.0/repositories/acme/web/permissions-config/users?pagelen=100"),
        ("GET", "/2.0/workspaces/acme/projects/INFRA/permissions-config/users?pagelen=100"),
        ("GET", "/2.0/workspaces/acme/projects/WEB/permissions-config/users?pagelen=100"),
    ]
    dev1, dev2 = result["members"]
    assert dev1["repository_permissions"] == {"infra-core": "write", "web": "admin"}
    assert dev2["repository_permissions"] == {"web": "read"}
    # dev1's admin on web comes through a group or the workspace role; dev2 reads web through nothing explicit either
    assert dev1["explicit_permissions"] == {"repositories": {"infra-core": "write"}, "projects": {}}
    assert dev2["explicit_permissions"] == {"repositories": {}, "projects": {"INFRA": "read"}}


@responses.activate
def test_include_permissions_for_many_members_reads_the_whole_listing_unfiltered_without_concurrency():
    responses.add("GET", API + PERMS[4:], json=page([membership("m%03d" % i) for i in range(60)]))
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([effective("m001", "web", "read")]))
    _no_explicit_permissions()
    result, failed = run_module(module, args(include_permissions=True, concurrency=1))
    assert not failed
    assert calls(responses)[1] == ("GET", "/2.0/workspaces/acme/permissions/repositories?pagelen=100")
    assert result["members"][1]["repository_permissions"] == {"web": "read"}
    assert result["members"][2]["repository_permissions"] == {}


@responses.activate
def test_include_permissions_for_many_members_splits_the_listing_to_read_it_in_parallel():
    responses.add("GET", API + PERMS[4:], json=page([membership("m%03d" % i) for i in range(120)]))

    def answer(request):
        asked = re.findall(r'"(557058:m\d+)"', unquote(request.url))
        rows = [effective(a.split(":")[1], "web", "read") for a in asked if a in ("557058:m001", "557058:m077")]
        return 200, {}, json.dumps(page(rows))

    responses.add_callback("GET", API + "/workspaces/acme/permissions/repositories", callback=answer)
    _no_explicit_permissions()
    result, failed = run_module(module, args(include_permissions=True))
    assert not failed
    effective_calls = [c[1] for c in calls(responses) if "/permissions/repositories" in c[1]]
    assert sorted(c.count("557058:") for c in effective_calls) == [20, 50, 50]  # 3 queries instead of 1 listing
    by_id = {m["account_id"]: m for m in result["members"]}
    assert by_id["557058:m001"]["repository_permissions"] == by_id["557058:m077"]["repository_permissions"] == {"web": "read"}
    assert by_id["557058:m002"]["repository_permissions"] == {}


@responses.activate
def test_include_permissions_for_some_members_is_one_filtered_query_per_50():
    emails = _emails_found(60)
    responses.add("GET", API + PERMS[4:], json=page([membership("u%03d" % i) for i in range(50)]))
    responses.add("GET", API + PERMS[4:], json=page([membership("u%03d" % i) for i in range(50, 60)]))
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([effective("u001", "web", "read")]))
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", json=page([effective("u055", "api", "write")]))
    _no_explicit_permissions()
    result, failed = run_module(module, args(emails=emails, include_permissions=True, concurrency=1))
    assert not failed
    effective_calls = [c[1] for c in calls(responses) if "/permissions/repositories" in c[1]]
    assert [c.count("557058:") for c in effective_calls] == [50, 10]
    assert all("q=user.account_id IN (" in c for c in effective_calls)
    by_email = {m["email"]: m["repository_permissions"] for m in result["members"]}
    assert by_email["u001@acme.example"] == {"web": "read"} and by_email["u055@acme.example"] == {"api": "write"}
    assert by_email["u002@acme.example"] == {}


@responses.activate
def test_include_profile_reads_each_profile():
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1")]))
    profile = dict(user("dev1"), account_status="active", created_on="2020-01-01T00:00:00+00:00")
    responses.add("GET", API + "/users/557058:dev1", json=profile)
    result, failed = run_module(module, args(member=aid("dev1"), include_profile=True))
    assert not failed
    assert calls(responses)[1] == ("GET", "/2.0/users/557058:dev1")
    assert result["member"]["profile"]["account_status"] == "active"
    assert "links" not in result["member"]["profile"]


@responses.activate
def test_repository_explicit_users_and_groups_without_member_listing():
    repo = "/repositories/acme/infra-core/permissions-config/"
    responses.add("GET", API + repo + "users", json=page([perm("dev2", "admin"), perm("dev1", "write")]))
    responses.add(
        "GET",
        API + repo + "groups",
        json=page(
            [
                {
                    "type": "repository_group_permission",
                    "permission": "read",
                    "group": {"slug": "devs", "name": "Devs", "full_slug": "acme:devs"},
                }
            ]
        ),
    )
    result, failed = run_module(module, args(repository="infra-core"))
    assert not failed
    assert calls(responses) == [("GET", "/2.0" + repo + "users?pagelen=100"), ("GET", "/2.0" + repo + "groups?pagelen=100")]
    assert result["members"] == []
    perms = result["repository_permissions"]
    assert [(u["account_id"], u["permission"]) for u in perms["users"]] == [(aid("dev1"), "write"), (aid("dev2"), "admin")]
    assert perms["groups"] == [{"slug": "devs", "name": "Devs", "full_slug": "acme:devs", "permission": "read"}]


@responses.activate
def test_missing_repository_is_a_warning_not_a_failure():
    responses.add("GET", API + "/repositories/acme/nope/permissions-config/users", status=404, json=error("not found"))
    result, failed = run_module(module, args(repository="nope"))
    assert not failed
    assert result["repository_permissions"] is None
    assert any("acme/nope was not found" in w for w in result.get("warnings", []))


@responses.activate
def test_whoami_returns_the_caller_and_emails():
    responses.add("GET", API + "/user", json=user("admin"))
    responses.add(
        "GET",
        API + "/user/emails",
        json=page(
            [
                {"type": "email", "email": "admin@acme.example", "is_primary": True, "is_confirmed": True},
                {"type": "email", "email": "alt@acme.example", "is_primary": False, "is_confirmed": False},
            ]
        ),
    )
    result, failed = run_module(module, args(whoami=True))
    assert not failed
    assert calls(responses) == [("GET", "/2.0/user"), ("GET", "/2.0/user/emails?pagelen=100")]
    assert result["current_user"]["account_id"] == aid("admin")
    assert result["current_user"]["emails"] == ["admin@acme.example", "alt@acme.example"]
    assert result["current_user"]["primary_email"] == "admin@acme.example"
    assert result["members"] == []


@responses.activate
def test_whoami_with_a_workspace_access_token_asks_then_fails_clearly():
    responses.add("GET", API + "/user", status=401, json=error("Token is invalid, expired, or not supported for this endpoint."))
    result, failed = run_module(module, dict(ACCESS_TOKEN_ARGS, whoami=True))
    assert failed
    assert "access tokens are not user accounts" in result["msg"]
    assert calls(responses) == [("GET", "/2.0/user")]
    assert result["status"] == 401
    assert result["api_calls"] == {"total": 1, "GET": 1}
    assert "unit-test-access-token" not in str(result)


@responses.activate
def test_whoami_with_an_oauth_access_token_returns_the_caller():
    responses.add("GET", API + "/user", json=user("admin"))
    responses.add("GET", API + "/user/emails", json=page([{"type": "email", "email": "admin@acme.example", "is_primary": True}]))
    result, failed = run_module(module, dict(ACCESS_TOKEN_ARGS, whoami=True))
    assert not failed
    assert calls(responses) == [("GET", "/2.0/user"), ("GET", "/2.0/user/emails?pagelen=100")]
    assert result["current_user"]["primary_email"] == "admin@acme.example"


@responses.activate
def test_whoami_with_a_rejected_api_token_keeps_the_api_tokens_reason():
    responses.add("GET", API + "/user", status=401, json=error("Unauthorized"))
    result, failed = run_module(module, args(whoami=True))
    assert failed
    assert "access tokens are not user accounts" not in result["msg"]
    assert "API token is invalid" in result["msg"]


ACCESS_DENIED = error("Access tokens cannot be used for this resource")
MEMBERS = "/2.0/workspaces/acme/members"


@responses.activate
def test_access_token_lists_every_member_from_members_without_roles():
    responses.add("GET", API + PERMS[4:], status=403, json=ACCESS_DENIED)
    plain = [{k: v for k, v in membership("m%03d" % i).items() if k != "permission"} for i in range(120)]
    responses.add("GET", API + MEMBERS[4:], json=page(plain[:100], next_url=API + MEMBERS[4:] + "?page=2"))
    responses.add("GET", API + MEMBERS[4:] + "?page=2", json=page(plain[100:]))
    result, failed = run_module(module, dict(ACCESS_TOKEN_ARGS))
    assert not failed
    assert calls(responses) == [("GET", PERMS + "?pagelen=100"), ("GET", MEMBERS + "?pagelen=100"), ("GET", MEMBERS + "?page=2")]
    assert len(result["members"]) == 120
    assert all(m["workspace_permission"] is None for m in result["members"])
    assert result["members"][0]["account_id"] == aid("m000")
    assert len(result["warnings"]) == 1 and "workspace_permission is null" in result["warnings"][0]


@responses.activate
def test_access_token_looks_up_emails_with_null_roles():
    responses.add("GET", API + MEMBERS[4:], json=page([membership("dev1", email="dev1@acme.example")]))
    responses.add("GET", API + PERMS[4:], status=403, json=ACCESS_DENIED)
    result, failed = run_module(module, dict(ACCESS_TOKEN_ARGS, emails=["dev1@acme.example", "nobody@acme.example"]))
    assert not failed
    assert calls(responses) == [
        ("GET", MEMBERS + '?q=user.email IN ("dev1@acme.example","nobody@acme.example")&fields=+values.user.email&pagelen=100'),
        ("GET", PERMS + '?q=user.account_id IN ("557058:dev1")&pagelen=100'),
    ]
    assert [(m["email"], m["workspace_permission"]) for m in result["members"]] == [("dev1@acme.example", None)]
    assert result["not_found"] == ["nobody@acme.example"]
    assert len(result["warnings"]) == 1


@responses.activate
def test_access_token_one_member_by_account_id_is_read_by_its_documented_member_path():
    responses.add("GET", API + PERMS[4:], status=403, json=ACCESS_DENIED)
    answer = membership("dev1")
    del answer["permission"]  # /members answers carry no role
    responses.add("GET", API + MEMBERS[4:] + "/557058:dev1", json=answer)
    result, failed = run_module(module, dict(ACCESS_TOKEN_ARGS, member=aid("dev1")))
    assert not failed
    assert calls(responses) == [
        ("GET", PERMS + '?q=user.account_id IN ("557058:dev1")&pagelen=100'),
        ("GET", MEMBERS + "/557058:dev1"),
    ]
    assert result["member"]["account_id"] == aid("dev1") and result["member"]["workspace_permission"] is None


@responses.activate
def test_access_token_one_member_by_uuid_that_is_no_member_is_not_found():
    uuid = membership("dev1")["user"]["uuid"]
    responses.add("GET", API + PERMS[4:], status=403, json=ACCESS_DENIED)
    responses.add(
        "GET", API + MEMBERS[4:] + "/" + uuid.replace("{", "%7B").replace("}", "%7D"), status=404, json=error("not a member")
    )
    result, failed = run_module(module, dict(ACCESS_TOKEN_ARGS, member=uuid.upper()))
    assert not failed
    assert calls(responses) == [("GET", PERMS + '?q=user.uuid IN ("%s")&pagelen=100' % uuid), ("GET", MEMBERS + "/" + uuid)]
    assert result["member"] is None and result["not_found"] == [uuid.upper()]


@responses.activate
def test_one_member_whose_filter_is_refused_is_found_in_the_unfiltered_role_listing():
    responses.add("GET", API + PERMS[4:], status=400, json=error("Invalid field name 'user.account_id'"))
    responses.add("GET", API + PERMS[4:], json=page([membership("dev0")], next_url=API + PERMS[4:] + "?page=2"))
    responses.add("GET", API + PERMS[4:] + "?page=2", json=page([membership("dev2"), membership("dev1", "collaborator")]))
    result, failed = run_module(module, args(member=aid("dev1")))
    assert not failed
    assert calls(responses) == [
        ("GET", PERMS + '?q=user.account_id IN ("557058:dev1")&pagelen=100'),
        ("GET", PERMS + "?pagelen=100"),
        ("GET", PERMS + "?page=2"),
    ]
    assert result["member"]["account_id"] == aid("dev1") and result["member"]["workspace_permission"] == "collaborator"


@responses.activate
def test_an_api_token_refused_the_roles_still_fails():
    responses.add("GET", API + PERMS[4:], status=403, json=error("Forbidden"))
    result, failed = run_module(module, args())
    assert failed
    assert calls(responses) == [("GET", PERMS + "?pagelen=100")]
    assert result["status"] == 403


@responses.activate
def test_an_environment_username_with_a_task_access_token_names_both_methods(monkeypatch):
    monkeypatch.setenv("BITBUCKET_USERNAME", "admin@acme.example")
    result, failed = run_module(module, dict(ACCESS_TOKEN_ARGS))
    assert failed
    assert "Several Bitbucket authentication methods given (username + api_token, access_token)" in result["msg"]
    assert len(responses.calls) == 0


@responses.activate
def test_forbidden_listing_fails_with_the_counts():
    responses.add("GET", API + "/workspaces/acme/permissions/repositories", status=403, json=error("Forbidden"))
    responses.add("GET", API + PERMS[4:], json=page([membership("dev1")]))
    result, failed = run_module(module, args(include_permissions=True))
    assert failed
    assert result["status"] == 403
    assert result["api_calls"] == {"total": 2, "GET": 2}
    assert "unit-test-api-token" not in str(result)
