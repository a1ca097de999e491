# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_admin.events: EventsClient's requests (exact method, path and query) and answer checks; the pure functions
(categorize, resolve_actions, product_of, normalize) on plain data."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils._admin import events
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.events import (
    CATEGORIES,
    EventsClient,
    categorize,
    normalize,
    product_of,
    resolve_actions,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AdminKeyAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    UnexpectedAnswerError,
)

BASE = "https://api.atlassian.com/admin"
ORG = "/admin/v1/orgs/org-1"
KEY = "admin-key-0123456789abcdef"

# the simulator's actions (the source never hard-codes them): id, displayName, groupDisplayName -> the category the
# rules on the names must give
CATEGORIZED = [
    ("user_deactivated", "Deactivated user account", "User management", "account_deactivated"),
    ("user_reactivated", "Reactivated user account", "User management", "other"),
    ("user_access_suspended", "Suspended user access", "User management", "account_suspended"),
    ("user_access_restored", "Restored user access", "User management", "other"),
    ("user_removed_from_directory", "Removed user from directory", "User management", "other"),
    ("group_member_added", "Added user to group", "Group management", "membership_changed"),
    ("group_member_removed", "Removed user from group", "Group management", "membership_changed"),
    ("bitbucket_repository_permission_updated", "Bitbucket repository permission changed", "Bitbucket", "permission_changed"),
    ("bitbucket_repository_permission_removed", "Bitbucket repository permission removed", "Bitbucket", "permission_changed"),
    ("bitbucket_project_permission_updated", "Bitbucket project permission changed", "Bitbucket", "permission_changed"),
    ("bitbucket_project_permission_removed", "Bitbucket project permission removed", "Bitbucket", "permission_changed"),
    ("api_token_revoked", "Revoked API token", "User management", "other"),
    ("user_logged_in", "Logged in", "Authentication", "other"),
]
ACTIONS = [row[:3] for row in CATEGORIZED]


def action_items(rows=None):
    return [
        {"id": i, "type": "event-actions", "attributes": {"displayName": name, "groupDisplayName": group}}
        for i, name, group in (ACTIONS if rows is None else rows)
    ]


def event(event_id="ev-1", action="user_deactivated", processed="2026-12-06T01:02:03.789Z", context=None, container=None):
    return {
        "id": event_id,
        "type": "events",
        "attributes": {
            "time": "2026-12-06T01:02:03.456Z",
            "processedAt": processed,
            "action": action,
            "actor": {
                "id": "557058:admin",
                "email": "admin@acme.example",
                "name": "Admin",
                "auth": {"authType": "api-token", "tokenId": "tok-1", "tokenLabel": "automation"},
            },
            "context": context if context is not None else [],
            "container": container if container is not None else [],
            "location": {"ip": "127.0.0.1"},
        },
        "links": {"self": BASE + "/v1/orgs/org-1/events/" + event_id},
    }


@pytest.fixture
def client(make_transport):
    return EventsClient(make_transport(auth=AdminKeyAuth(KEY), base_url=BASE), "org-1")


def _calls(mocked):
    return [(c.request.method, c.request.path_url) for c in mocked.calls]


# -- EventsClient ------------------------------------------------------------------------------------------------------


def test_event_actions_is_one_get(client, mocked):
    mocked.add("GET", BASE + "/v1/orgs/org-1/event-actions", json={"data": action_items()})
    found = client.event_actions()
    assert [item["id"] for item in found] == [row[0] for row in ACTIONS]
    assert _calls(mocked) == [("GET", ORG + "/event-actions")]
    assert mocked.calls[0].request.headers["Authorization"] == "Bearer " + KEY


@pytest.mark.parametrize(
    "body, words",
    [
        ({}, "no data list"),
        ({"data": {"id": "x"}}, "no data list"),
        ({"data": [{"type": "event-actions"}]}, "without an id"),
        ({"data": [{"id": "a", "attributes": "x"}]}, "attributes are not an object"),
    ],
)
def test_event_actions_checks_the_answer(client, mocked, body, words):
    mocked.add("GET", BASE + "/v1/orgs/org-1/event-actions", json=body)
    with pytest.raises(UnexpectedAnswerError, match=words):
        client.event_actions()


def test_poll_from_then_with_the_cursor(client, mocked):
    page = {
        "data": [event("ev-1"), event("ev-2")],
        "links": {"self": "x", "next": BASE + "/v1/orgs/org-1/events-stream?cursor=c2"},
        "meta": {"next": "c2", "page_size": 2},
    }
    mocked.add("GET", BASE + "/v1/orgs/org-1/events-stream", json=page)
    mocked.add("GET", BASE + "/v1/orgs/org-1/events-stream", json={"data": [], "links": {"self": "x"}, "meta": {"next": "c2"}})
    found, cursor, more = client.poll(from_ms=1765000000000, limit=2)
    assert ([e["id"] for e in found], cursor, more) == (["ev-1", "ev-2"], "c2", True)
    found, cursor, more = client.poll(cursor="c2", from_ms=1765000000000)
    assert (found, cursor, more) == ([], "c2", False)
    assert _calls(mocked) == [
        ("GET", ORG + "/events-stream?limit=2&from=1765000000000"),
        ("GET", ORG + "/events-stream?limit=200&cursor=c2"),
    ]


def test_poll_from_the_oldest_and_the_cursor_of_links_next(client, mocked):
    page = {"data": [event("ev-1")], "links": {"next": BASE + "/v1/orgs/org-1/events-stream?cursor=abc&limit=5"}}
    mocked.add("GET", BASE + "/v1/orgs/org-1/events-stream", json=page)
    assert client.poll(limit=5)[1:] == ("abc", True)
    assert _calls(mocked) == [("GET", ORG + "/events-stream?limit=5")]


def test_poll_without_any_next_cursor(client, mocked):
    mocked.add("GET", BASE + "/v1/orgs/org-1/events-stream", json={"data": [], "links": {}, "meta": {}})
    assert client.poll() == ([], None, False)


@pytest.mark.parametrize(
    "item, words",
    [
        ("x", "an event without an id"),
        ({"id": "", "attributes": {}}, "an event without an id"),
        ({"id": "e", "attributes": {"processedAt": "t"}}, "without an action"),
        ({"id": "e", "attributes": {"action": "a"}}, "without a processedAt"),
    ],
)
def test_poll_checks_each_event(client, mocked, item, words):
    mocked.add("GET", BASE + "/v1/orgs/org-1/events-stream", json={"data": [item]})
    with pytest.raises(UnexpectedAnswerError, match=words):
        client.poll()


def test_poll_maps_a_refused_key(client, mocked):
    mocked.add("GET", BASE + "/v1/orgs/org-1/events-stream", status=401, json={"errors": [{"code": "401", "title": "no"}]})
    with pytest.raises(AuthenticationError) as err:
        client.poll()
    assert KEY not in str(err.value)


def test_event_by_id(client, mocked):
    one = event("ev-7")
    del one["attributes"]["processedAt"]
    mocked.add("GET", BASE + "/v1/orgs/org-1/events/ev-7", json={"data": one})
    mocked.add("GET", BASE + "/v1/orgs/org-1/events/ev-8", json={"data": one})
    mocked.add("GET", BASE + "/v1/orgs/org-1/events/ev-9", json={"errors": []})
    mocked.add("GET", BASE + "/v1/orgs/org-1/events/gone", status=404, json={"errors": [{"code": "404"}]})
    assert client.event("ev-7")["id"] == "ev-7"
    with pytest.raises(UnexpectedAnswerError, match="another event"):
        client.event("ev-8")
    with pytest.raises(UnexpectedAnswerError, match="no data object"):
        client.event("ev-9")
    with pytest.raises(NotFoundError):
        client.event("gone")
    assert _calls(mocked) == [("GET", ORG + "/events/" + i) for i in ("ev-7", "ev-8", "ev-9", "gone")]


def test_for_worker_keeps_the_org(client):
    other = client.for_worker()
    assert isinstance(other, EventsClient) and other.org_id == "org-1" and other.transport is not client.transport


def test_imports_no_ansible_and_core_only():
    """An EDA decision environment runs this file without the module shell: no ansible import, core only."""
    tree = ast.parse(Path(events.__file__).read_text())
    names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [n for n in names if n == "ansible" or n.startswith("ansible.")]
    utils = [n for n in names if n.startswith("ansible_collections.")]
    assert utils and all(n.split(".module_utils")[1].count(".") <= 1 for n in utils), utils


# -- categorize / resolve_actions --------------------------------------------------------------------------------------


def test_categories_of_the_simulator_actions():
    found = {i: categorize(i, name, group) for i, name, group in ACTIONS}
    assert found == {row[0]: row[3] for row in CATEGORIZED}


@pytest.mark.parametrize(
    "name, group, expected",
    [
        ("Changed repository access", "Bitbucket permissions", "permission_changed"),  # on the group's name
        ("Jira permission scheme changed", "Jira", "other"),  # a permission, not Bitbucket's
        ("Group membership changed", "Admin", "membership_changed"),
        ("Created group", "Group management", "other"),
        ("DEACTIVATED ACCOUNT", None, "account_deactivated"),
    ],
)
def test_category_rules(name, group, expected):
    assert categorize("x", name, group) == expected


def test_category_of_an_action_without_names_uses_its_id():
    assert categorize("user_deactivated", None, "") == "account_deactivated"
    assert categorize("something_else", None, None) == "other"


def test_default_actions_are_the_four_categories():
    chosen = resolve_actions(None, action_items())
    assert set(chosen) == {
        "user_deactivated",
        "user_access_suspended",
        "group_member_added",
        "group_member_removed",
        "bitbucket_repository_permission_updated",
        "bitbucket_repository_permission_removed",
        "bitbucket_project_permission_updated",
        "bitbucket_project_permission_removed",
    }
    assert {entry["category"] for entry in chosen.values()} == set(CATEGORIES)
    assert chosen["user_deactivated"] == {
        "name": "Deactivated user account",
        "group": "User management",
        "category": "account_deactivated",
    }
    assert resolve_actions([], action_items()) == chosen


def test_default_actions_resolving_to_nothing_is_an_error_listing_the_names():
    rows = [("user_logged_in", "Logged in", "Authentication"), ("api_token_revoked", "Revoked API token", "User management")]
    with pytest.raises(ConfigurationError) as err:
        resolve_actions(None, action_items(rows))
    assert "default actions are empty" in str(err.value)
    assert "Logged in (user_logged_in), Revoked API token (api_token_revoked)" in str(err.value)
    with pytest.raises(ConfigurationError, match="none \\(no event-actions\\)"):
        resolve_actions(None, [])


def test_requested_actions_by_id_or_name_in_any_case():
    chosen = resolve_actions(["user_logged_in", "deactivated USER account", "API_TOKEN_REVOKED"], action_items())
    assert sorted(chosen) == ["api_token_revoked", "user_deactivated", "user_logged_in"]
    assert chosen["user_logged_in"]["category"] == "other"


def test_an_unknown_action_names_the_close_matches():
    with pytest.raises(ConfigurationError) as err:
        resolve_actions(["Deactivated user acount"], action_items())
    assert "'Deactivated user acount' is no event action" in str(err.value)
    assert "did you mean Deactivated user account" in str(err.value)
    with pytest.raises(ConfigurationError) as err:
        resolve_actions(["zzzzzz"], action_items())
    assert "did you mean" not in str(err.value)
    with pytest.raises(ConfigurationError, match="each entry"):
        resolve_actions([3], action_items())


# -- product_of / normalize --------------------------------------------------------------------------------------------

WORKSPACE = {"id": "{ws-uuid}", "type": "bitbucket-workspace", "attributes": {"slug": "acme", "product": "bitbucket"}}
ORGANIZATION = {"id": "org-1", "type": "organization", "attributes": {"name": "ACME Corp"}}
USER = {"id": "557058:dev1", "type": "user", "attributes": {"email": "dev1@acme.example", "name": "Dev One"}}
REPOSITORY = {
    "id": "{repo-uuid}",
    "type": "bitbucket-repository",
    "attributes": {"name": "infra-core", "fullName": "acme/infra-core", "permission": "write", "previousPermission": "read"},
}


def test_product_of():
    assert product_of(event(container=[WORKSPACE, ORGANIZATION])) == "bitbucket"
    assert product_of(event(context=[{"id": "p", "type": "jira-project"}])) == "jira"
    assert product_of(event(context=[USER], container=[ORGANIZATION])) is None
    assert product_of({"id": "x"}) is None


def test_normalize_a_repository_permission_change():
    actions = resolve_actions(None, action_items())
    emitted = normalize(
        event(action="bitbucket_repository_permission_updated", context=[REPOSITORY, USER], container=[WORKSPACE, ORGANIZATION]),
        actions,
        "org-1",
    )
    assert emitted == {
        "atlassian_audit": {
            "id": "ev-1",
            "action": "bitbucket_repository_permission_updated",
            "action_name": "Bitbucket repository permission changed",
            "action_group": "Bitbucket",
            "category": "permission_changed",
            "time": "2026-12-06T01:02:03.456Z",
            "processed_at": "2026-12-06T01:02:03.789Z",
            "org_id": "org-1",
            "product": "bitbucket",
            "actor": {
                "id": "557058:admin",
                "email": "admin@acme.example",
                "name": "Admin",
                "auth_type": "api-token",
                "token_id": "tok-1",
                "token_label": "automation",
                "app_id": None,
            },
            "account": {"id": "557058:dev1", "email": "dev1@acme.example", "name": "Dev One"},
            "workspace": {"id": "{ws-uuid}", "slug": "acme"},
            "repository": {"id": "{repo-uuid}", "name": "infra-core", "full_name": "acme/infra-core"},
            "project": None,
            "group": None,
            "permission": "write",
            "previous_permission": "read",
            "context": [REPOSITORY, USER],
            "container": [WORKSPACE, ORGANIZATION],
        }
    }


def test_normalize_a_scim_deactivation_and_an_unknown_action():
    scim = event(context=[USER], container=[ORGANIZATION])
    scim["attributes"]["actor"] = {"id": "dir-1", "name": "Identity provider (dir-1)", "app": {"id": "dir-1", "type": "scim"}}
    out = normalize(scim, resolve_actions(None, action_items()), "org-1")["atlassian_audit"]
    assert out["category"] == "account_deactivated"
    assert out["account"] == {"id": "557058:dev1", "email": "dev1@acme.example", "name": "Dev One"}
    assert out["actor"] == {
        "id": "dir-1",
        "email": None,
        "name": "Identity provider (dir-1)",
        "auth_type": None,
        "token_id": None,
        "token_label": None,
        "app_id": "dir-1",
    }
    assert (out["product"], out["workspace"], out["permission"], out["previous_permission"]) == (None, None, None, None)
    group = {"id": "g-1", "type": "group", "attributes": {"name": "developers"}}
    project = {"id": "{p}", "type": "bitbucket-project", "attributes": {"key": "PLAT", "name": "Platform"}}
    other = normalize(event(action="group_member_added", context=[USER, group, project]), {}, "org-1")["atlassian_audit"]
    assert (other["action_name"], other["action_group"], other["category"]) == (None, None, "membership_changed")
    assert other["group"] == {"id": "g-1", "name": "developers"}
    assert other["project"] == {"id": "{p}", "key": "PLAT", "name": "Platform"}
    assert other["permission"] is None
