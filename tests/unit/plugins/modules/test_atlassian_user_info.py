# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_user_info: by emails, by account ids, every user (cursor pages), role assignments and how each role is
held, not_found, the answer checks."""

from __future__ import annotations

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import RequestBudget
from ansible_collections.accessops.atlassian.plugins.module_utils._admin import last_active
from ansible_collections.accessops.atlassian.plugins.modules import atlassian_user_info as module

from .admin_helpers import (  # pylint: disable=unused-import
    ACME_ARI,
    ALL,
    ORG,
    USER_EXPAND,
    USERS_SEARCH,
    WIKI_ARI,
    WORKSPACES,
    add,
    admin_env,
    aid,
    args,
    email,
    errors,
    gid,
    group_role,
    page,
    role,
    run_module,
    user,
    user_search,
    workspace,
)
from .harness import FakeClock, api, calls  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("admin_env")

NO_ROLES = {"include_role_assignments": False}


def test_by_email_without_role_assignments_is_one_search(api):
    jane = user("jane", groups=["bitbucket-users-acme"], products=[("bitbucket", ACME_ARI)])
    add(api, "POST", USERS_SEARCH, page([jane]))
    result, failed = run_module(module, args(emails=["Jane@ACME.example"], **NO_ROLES))
    assert not failed, result
    assert calls(api) == [("POST", USERS_SEARCH, {}, user_search("jane@acme.example", expand=USER_EXPAND))]
    assert result["changed"] is False and result["not_found"] == []
    assert result["users"] == [
        {
            "account_id": aid("jane"),
            "email": "jane@acme.example",
            "name": "Jane",
            "nickname": "jane",
            "account_type": "atlassian",
            "status": "active",
            "account_status": "active",
            "membership_status": "active",
            "management_source": None,
            "added_to_org": "2024-03-01T09:00:00Z",
            "groups": [{"id": gid("bitbucket-users-acme"), "name": "bitbucket-users-acme"}],
            # no resource names without include_role_assignments (they cost a request)
            "product_access": [{"product": "bitbucket", "resource_id": ACME_ARI, "resource_name": None, "last_active": None}],
            "last_active": {"bitbucket": None},  # Bitbucket access, never active (no lastActiveTimestamp)
        }
    ]
    assert result["api_calls"] == {"total": 1, "POST": 1} and result["rate_limit"] == {}


def test_emails_not_found_are_listed_lower_cased(api):
    add(api, "POST", USERS_SEARCH, page([user("jane")]))
    result, failed = run_module(module, args(emails=["jane@acme.example", "Ghost@Acme.Example"], **NO_ROLES))
    assert not failed
    assert calls(api)[0][3]["emails"] == ["jane@acme.example", "ghost@acme.example"]
    assert [u["email"] for u in result["users"]] == ["jane@acme.example"]
    assert result["not_found"] == ["ghost@acme.example"]


def test_nobody_found_is_not_a_failure(api):
    add(api, "POST", USERS_SEARCH, page([]))
    result, failed = run_module(module, args(emails=["ghost@acme.example"], **NO_ROLES))
    assert not failed and result["users"] == [] and result["not_found"] == ["ghost@acme.example"]
    assert result["api_calls"] == {"total": 1, "POST": 1}


def test_by_account_ids(api):
    add(api, "POST", USERS_SEARCH, page([user("bob")]))
    result, failed = run_module(module, args(account_ids=[aid("bob"), aid("nobody")], **NO_ROLES))
    assert not failed
    assert calls(api) == [
        ("POST", USERS_SEARCH, {}, {"expand": USER_EXPAND, "accountIds": [aid("bob"), aid("nobody")], "limit": 100})
    ]
    assert [u["account_id"] for u in result["users"]] == [aid("bob")]
    assert result["not_found"] == [aid("nobody")]


def test_emails_and_account_ids_are_two_searches_and_each_user_is_listed_once(api):
    add(api, "POST", USERS_SEARCH, page([user("jane")]))
    add(api, "POST", USERS_SEARCH, page([user("jane"), user("bob")]))
    result, failed = run_module(module, args(emails=["jane@acme.example"], account_ids=[aid("jane"), aid("bob")], **NO_ROLES))
    assert not failed
    assert [c[3].get("emails", c[3].get("accountIds")) for c in calls(api)] == [["jane@acme.example"], [aid("jane"), aid("bob")]]
    assert [u["account_id"] for u in result["users"]] == [aid("jane"), aid("bob")]
    assert result["not_found"] == []


def test_every_user_is_read_across_cursor_pages(api):
    first = [user("dev%03d" % i) for i in range(100)]
    add(api, "POST", USERS_SEARCH, page(first, next_cursor="cursor-page-2"))
    add(api, "POST", USERS_SEARCH, page([user("dev100"), user("dev101")]))
    result, failed = run_module(module, args(**NO_ROLES))
    assert not failed
    assert calls(api) == [
        ("POST", USERS_SEARCH, {}, {"expand": USER_EXPAND, "limit": 100}),
        ("POST", USERS_SEARCH, {}, {"expand": USER_EXPAND, "limit": 100, "cursor": "cursor-page-2"}),
    ]
    assert [u["nickname"] for u in result["users"]] == ["dev%03d" % i for i in range(102)]
    assert result["not_found"] == [] and result["api_calls"] == {"total": 2, "POST": 2}


def test_role_assignments_name_the_resources_and_the_groups_that_grant_them(api):
    jane = user(
        "jane", groups=["bitbucket-users-acme", "wiki-users"], products=[("bitbucket", ACME_ARI), ("confluence", WIKI_ARI)]
    )
    bob = user("bob", groups=["bitbucket-users-acme"], products=[("bitbucket", ACME_ARI)])
    add(api, "POST", USERS_SEARCH, page([jane, bob]))
    add(api, "POST", WORKSPACES, page([workspace("acme", ACME_ARI), workspace("acme-wiki", WIKI_ARI, "confluence")]))
    add(
        api,
        "GET",
        ALL + "/users/%s/role-assignments" % aid("jane"),
        page(
            [
                role(ACME_ARI, "atlassian/user", "group_direct", "direct"),
                role(WIKI_ARI, "atlassian/user", "group_direct", owner="confluence"),
            ]
        ),
    )
    add(
        api,
        "GET",
        ALL + "/groups/%s/role-assignments" % gid("bitbucket-users-acme"),
        page([group_role(ACME_ARI, "atlassian/user")]),
    )
    add(
        api,
        "GET",
        ALL + "/groups/%s/role-assignments" % gid("wiki-users"),
        page([group_role(WIKI_ARI, "atlassian/user", owner="confluence")]),
    )
    # bob's only group was read for jane already: not read again
    add(api, "GET", ALL + "/users/%s/role-assignments" % aid("bob"), page([role(ACME_ARI, "atlassian/user", "group_direct")]))
    result, failed = run_module(module, args(emails=["jane@acme.example", "bob@acme.example"]))
    assert not failed, result
    assert calls(api) == [
        ("POST", USERS_SEARCH, {}, user_search("jane@acme.example", "bob@acme.example", expand=USER_EXPAND)),
        ("POST", WORKSPACES, {}, {"limit": 100}),
        ("GET", ALL + "/users/%s/role-assignments" % aid("jane"), {"limit": "100"}, None),
        ("GET", ALL + "/groups/%s/role-assignments" % gid("bitbucket-users-acme"), {"limit": "100"}, None),
        ("GET", ALL + "/groups/%s/role-assignments" % gid("wiki-users"), {"limit": "100"}, None),
        ("GET", ALL + "/users/%s/role-assignments" % aid("bob"), {"limit": "100"}, None),
    ]
    acme_group = {"id": gid("bitbucket-users-acme"), "name": "bitbucket-users-acme"}
    wiki_group = {"id": gid("wiki-users"), "name": "wiki-users"}
    shaped = result["users"][0]
    assert shaped["product_access"] == [
        {"product": "bitbucket", "resource_id": ACME_ARI, "resource_name": "acme", "last_active": None},
        {"product": "confluence", "resource_id": WIKI_ARI, "resource_name": "acme-wiki", "last_active": None},
    ]
    assert shaped["role_assignments"] == [
        {
            "resource_id": ACME_ARI,
            "resource_owner": "bitbucket",
            "resource_name": "acme",
            "role": "atlassian/user",
            "directory_id": "2ef0f675-904a-5eed-949f-2d150ffd0457",
            "granted_by": [{"type": "group", "groups": [acme_group]}, {"type": "direct"}],
        },
        {
            "resource_id": WIKI_ARI,
            "resource_owner": "confluence",
            "resource_name": "acme-wiki",
            "role": "atlassian/user",
            "directory_id": "2ef0f675-904a-5eed-949f-2d150ffd0457",
            "granted_by": [{"type": "group", "groups": [wiki_group]}],
        },
    ]
    assert result["users"][1]["role_assignments"][0]["granted_by"] == [{"type": "group", "groups": [acme_group]}]
    assert result["api_calls"] == {"total": 6, "POST": 2, "GET": 4}


def test_direct_roles_only_read_no_group(api):
    """Group role assignments are only read when a role is held through a group."""
    jane = user("jane", groups=["bitbucket-users-acme"])
    add(api, "POST", USERS_SEARCH, page([jane]))
    add(api, "POST", WORKSPACES, page([workspace("acme", ACME_ARI)]))
    add(
        api,
        "GET",
        ALL + "/users/%s/role-assignments" % aid("jane"),
        page([role(ACME_ARI, "atlassian/admin", "direct"), role(WIKI_ARI, "atlassian/user", "inferred")]),
    )
    result, failed = run_module(module, args(account_ids=[aid("jane")]))
    assert not failed
    assert len(calls(api)) == 3
    assert [(r["role"], r["resource_name"], r["granted_by"]) for r in result["users"][0]["role_assignments"]] == [
        ("atlassian/admin", "acme", [{"type": "direct"}]),
        ("atlassian/user", None, [{"type": "inferred"}]),
    ]


def test_role_assignments_are_read_across_pages(api):
    add(api, "POST", USERS_SEARCH, page([user("jane")]))
    add(api, "POST", WORKSPACES, page([]))
    path = ALL + "/users/%s/role-assignments" % aid("jane")
    add(api, "GET", path, page([role(ACME_ARI, "atlassian/user", "direct")], next_cursor="ra-2"))
    add(api, "GET", path, page([role(WIKI_ARI, "atlassian/user", "direct")]))
    result, failed = run_module(module, args(emails=["jane@acme.example"]))
    assert not failed
    # a GET listing sends the cursor alone: the API discards every other parameter with it
    assert [c[2] for c in calls(api)[2:]] == [{"limit": "100"}, {"cursor": "ra-2"}]
    assert [r["resource_id"] for r in result["users"][0]["role_assignments"]] == [ACME_ARI, WIKI_ARI]


def test_a_search_that_answers_another_email_fails(api):
    add(api, "POST", USERS_SEARCH, page([user("mallory")]))
    result, failed = run_module(module, args(emails=["jane@acme.example"]))
    assert failed
    assert result["msg"].startswith(
        "Unexpected answer from the API: POST %s answered the account %r" % (USERS_SEARCH, aid("mallory"))
    )
    assert "does not match the emails filter" in result["msg"] and "users" not in result
    assert len(calls(api)) == 1


def test_a_search_that_answers_another_account_id_fails(api):
    add(api, "POST", USERS_SEARCH, page([user("mallory")]))
    result, failed = run_module(module, args(account_ids=[aid("jane")], **NO_ROLES))
    assert failed and "does not match the accountIds filter" in result["msg"]


def test_a_hostile_account_id_is_not_used_as_a_path_segment(api):
    add(api, "POST", USERS_SEARCH, page([user("jane", accountId="../../v2/orgs")]))
    result, failed = run_module(module, args())
    assert failed and "is not a safe URL path segment" in result["msg"]
    assert len(calls(api)) == 1  # no role-assignment read follows


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("emails", [], "emails and account_ids must not be empty lists"),
        ("account_ids", [], "emails and account_ids must not be empty lists"),
        ("emails", [aid("jane")], "emails: '%s' is not an email address" % aid("jane")),
        ("emails", ["jane@"], "emails 'jane@' is not an email address or an Atlassian account ID"),
        ("account_ids", ["jane@acme.example"], "account_ids: 'jane@acme.example' is not an Atlassian account ID"),
        ("emails", [" "], "emails is empty"),
    ],
)
def test_bad_filters_fail_before_any_request(api, option, value, message):
    result, failed = run_module(module, args(**{option: value}))
    assert failed and message in result["msg"], result["msg"]
    assert calls(api) == [] and result["api_calls"] == {"total": 0}


def test_check_mode_reads_the_same_way(api):
    add(api, "POST", USERS_SEARCH, page([user("jane")]))
    result, failed = run_module(module, args(emails=[email("jane")], **NO_ROLES), check_mode=True)
    assert not failed and result["users"][0]["account_id"] == aid("jane") and len(calls(api)) == 1


# -- include_last_active ---------------------------------------------------------------------------------------------

LAST = ORG.replace("/v2/", "/v1/") + "/directory/users/%s/last-active-dates"


def _activity(*items, added="2024-03-01", next_cursor=None):
    """A UserProductAccessActivityPage: items (key, id, date or None)."""
    access = []
    for key, rid, day in items:
        item = {"id": rid, "key": key}
        if day:
            item.update(last_active=day, last_active_timestamp=day + "T10:00:00Z")
        access.append(item)
    body = {"data": {"product_access": access, "added_to_org": added}, "links": {}}
    if next_cursor:
        body["links"]["next"] = next_cursor
    return body


OTHER_BB = "ari:cloud:bitbucket::workspace/0b9f1c2d-0000-4000-8000-000000000001"


def _access(*items):
    """The search's productAccess: items (key, id, lastActiveTimestamp or None: left out)."""
    return [dict({"key": key, "id": rid}, **({"lastActiveTimestamp": stamp} if stamp else {})) for key, rid, stamp in items]


def test_the_search_gives_the_last_active_dates_without_another_request(api):
    jane = user(
        "jane",
        productAccess=_access(
            ("bitbucket", ACME_ARI, "2026-05-02T23:07:29.936941226Z"),
            ("bitbucket", OTHER_BB, "2026-07-30T08:00:00Z"),
            ("confluence", WIKI_ARI, None),
        ),
    )
    bob = user("bob", productAccess=[])
    add(api, "POST", USERS_SEARCH, page([jane, bob, user("ann", productAccess=_access(("bitbucket", ACME_ARI, "not a date")))]))
    result, failed = run_module(module, args(**NO_ROLES))
    assert not failed, result
    assert calls(api) == [("POST", USERS_SEARCH, {}, {"expand": USER_EXPAND, "limit": 100})]
    shaped_jane, shaped_bob, shaped_ann = result["users"]
    assert [(p["resource_id"], p["last_active"]) for p in shaped_jane["product_access"]] == [
        (ACME_ARI, "2026-05-02"),
        (OTHER_BB, "2026-07-30"),
        (WIKI_ARI, None),  # access, never active there
    ]
    assert shaped_jane["last_active"] == {"bitbucket": "2026-07-30", "confluence": None}
    assert shaped_bob["last_active"] == {} and shaped_bob["product_access"] == []
    assert shaped_ann["last_active"] == {"bitbucket": None}  # a value that is no date is no date
    assert "last_active_dates" not in shaped_jane
    assert result["api_calls"] == {"total": 1, "POST": 1}


def test_include_last_active_merges_the_per_user_read_into_the_search_dates(api):
    """The per-user read also knows products the user no longer has access to; the latest date of both wins."""
    jane = user(
        "jane",
        productAccess=_access(("bitbucket", ACME_ARI, "2026-07-30T08:00:00Z"), ("confluence", WIKI_ARI, None)),
    )
    add(api, "POST", USERS_SEARCH, page([jane]))
    add(
        api,
        "GET",
        LAST % aid("jane"),
        _activity(("bitbucket", ACME_ARI, "2026-05-02"), ("confluence", WIKI_ARI, "2026-06-01"), ("trello", "t-1", "2025-01-31")),
    )
    result, failed = run_module(module, args(emails=[email("jane")], include_last_active=True, **NO_ROLES))
    assert not failed, result
    assert calls(api) == [
        ("POST", USERS_SEARCH, {}, user_search("jane@acme.example", expand=USER_EXPAND)),
        ("GET", LAST % aid("jane"), {}, None),
    ]
    shaped = result["users"][0]
    assert shaped["last_active"] == {"bitbucket": "2026-07-30", "confluence": "2026-06-01", "trello": "2025-01-31"}
    assert [(p["resource_id"], p["last_active"]) for p in shaped["product_access"]] == [
        (ACME_ARI, "2026-07-30"),
        (WIKI_ARI, "2026-06-01"),
    ]
    assert [i["key"] for i in shaped["last_active_dates"]] == ["bitbucket", "confluence", "trello"]


def test_an_account_the_per_user_read_does_not_know_keeps_the_search_dates(api):
    add(api, "POST", USERS_SEARCH, page([user("jane", productAccess=_access(("bitbucket", ACME_ARI, "2026-07-30T08:00:00Z")))]))
    add(api, "GET", LAST % aid("jane"), errors("ADMIN-404-8", 404, "User not found"), status=404)
    result, failed = run_module(module, args(emails=[email("jane")], include_last_active=True, **NO_ROLES))
    assert not failed, result
    assert result["users"][0]["last_active"] == {"bitbucket": "2026-07-30"}
    assert result["users"][0]["last_active_dates"] is None


def test_last_active_is_one_read_a_user_with_the_latest_date_per_product(api):
    jane = user("jane", products=[("bitbucket", ACME_ARI), ("confluence", WIKI_ARI)])
    add(api, "POST", USERS_SEARCH, page([jane, user("bob")]))
    add(
        api,
        "GET",
        LAST % aid("jane"),
        _activity(("bitbucket", ACME_ARI, "2026-05-02"), ("confluence", WIKI_ARI, None), next_cursor="la-2"),
    )
    add(api, "GET", LAST % aid("jane"), _activity(("bitbucket", OTHER_BB, "2026-07-30")))
    add(api, "GET", LAST % aid("bob"), _activity())
    result, failed = run_module(module, args(include_last_active=True, **NO_ROLES))
    assert not failed, result
    assert calls(api) == [
        ("POST", USERS_SEARCH, {}, {"expand": USER_EXPAND, "limit": 100}),
        ("GET", LAST % aid("jane"), {}, None),
        ("GET", LAST % aid("jane"), {"cursor": "la-2"}, None),
        ("GET", LAST % aid("bob"), {}, None),
    ]
    shaped_jane, shaped_bob = result["users"]
    # the latest date of the two Bitbucket workspaces; a product listed without a date is null
    assert shaped_jane["last_active"] == {"bitbucket": "2026-07-30", "confluence": None}
    assert [i["id"] for i in shaped_jane["last_active_dates"]] == [ACME_ARI, WIKI_ARI, OTHER_BB]
    assert shaped_jane["last_active_dates"][0] == {
        "id": ACME_ARI,
        "key": "bitbucket",
        "last_active": "2026-05-02",
        "last_active_timestamp": "2026-05-02T10:00:00Z",
    }
    # each product access entry gains the date of its own instance
    assert [(p["resource_id"], p["last_active"]) for p in shaped_jane["product_access"]] == [
        (ACME_ARI, "2026-05-02"),
        (WIKI_ARI, None),
    ]
    assert shaped_bob["last_active"] == {} and shaped_bob["last_active_dates"] == []
    assert result["api_calls"] == {"total": 4, "POST": 1, "GET": 3}


def test_without_include_last_active_no_date_is_read(api):
    add(api, "POST", USERS_SEARCH, page([user("jane")]))
    result, failed = run_module(module, args(**NO_ROLES))
    assert not failed and len(calls(api)) == 1
    assert "last_active" not in result["users"][0] and "last_active_dates" not in result["users"][0]


def test_an_account_the_last_active_api_does_not_know_is_null_not_empty(api):
    add(api, "POST", USERS_SEARCH, page([user("jane")]))
    add(api, "GET", LAST % aid("jane"), errors("ADMIN-404-8", 404, "User not found"), status=404)
    result, failed = run_module(module, args(emails=[email("jane")], include_last_active=True, **NO_ROLES))
    assert not failed, result
    assert result["users"][0]["last_active"] is None and result["users"][0]["last_active_dates"] is None


def test_an_answer_without_product_access_fails(api):
    add(api, "POST", USERS_SEARCH, page([user("jane")]))
    add(api, "GET", LAST % aid("jane"), {"data": {}})
    result, failed = run_module(module, args(include_last_active=True, **NO_ROLES))
    assert failed and "answered without a data.product_access list" in result["msg"]


def test_the_reads_are_paced_to_the_documented_limit_per_minute(api, monkeypatch):
    """More users than the per-minute budget: the read beyond it waits for the oldest to leave the minute."""
    clock = FakeClock()
    monkeypatch.setattr(
        last_active, "last_active_budget", lambda: RequestBudget(2, clock=clock.clock, sleep=clock.sleep, window=60.0)
    )
    names = ["a1", "a2", "a3"]
    add(api, "POST", USERS_SEARCH, page([user(n) for n in names]))
    for name in names:
        add(api, "GET", LAST % aid(name), _activity(("bitbucket", ACME_ARI, "2026-07-01")))
    result, failed = run_module(module, args(include_last_active=True, **NO_ROLES))
    assert not failed, result
    assert [c[1] for c in calls(api)[1:]] == [LAST % aid(n) for n in names]
    assert clock.sleeps == [60.0]  # the third read waited for the first one's minute to end
    assert last_active.LAST_ACTIVE_PER_MINUTE == 200 and last_active.LAST_ACTIVE_WINDOW == 60.0
