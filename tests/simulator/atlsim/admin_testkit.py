# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared bits of the Admin API tests (``tests/test_admin_*.py``): demo ids, the error-shape check, bounded paging."""

from __future__ import annotations

from . import demo

KEY = demo.bearer(demo.ADMIN_API_KEY)
READONLY = demo.bearer(demo.ADMIN_READONLY_API_KEY)
ORG = "/admin/v2/orgs/%s" % demo.ORG_ID
DIR = "%s/directories/%s" % (ORG, demo.ADMIN_DIRECTORY_ID)
ALL = ORG + "/directories/-"
USERS_GROUP, USERS_GROUP_NAME = demo.ADMIN_GROUP_USERS
ADMINS_GROUP = demo.ADMIN_GROUP_ADMINS[0]
SYNCED_GROUP, SYNCED_GROUP_NAME = demo.ADMIN_GROUP_SYNCED
BB_USER = demo.basic(*demo.OWNER)  # the owner stays a member whatever the Admin API does
# The 14 Admin API operations the collection calls (plugins/module_utils/_admin.py), as the spec names their paths.
COLLECTION_OPERATIONS = {
    ("GET", "/v2/orgs/{orgId}/directories"),
    ("POST", "/v2/orgs/{orgId}/workspaces"),
    ("POST", "/v2/orgs/{orgId}/users/invite"),
    ("POST", "/v2/orgs/{orgId}/directories/{directoryId}/users/search"),
    ("GET", "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}"),
    ("GET", "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/role-assignments"),
    ("POST", "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend"),
    ("POST", "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/restore"),
    ("DELETE", "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}"),
    ("POST", "/v2/orgs/{orgId}/directories/{directoryId}/groups/search"),
    ("GET", "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}"),
    ("GET", "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/role-assignments"),
    ("POST", "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships"),
    ("DELETE", "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId}"),
}


def account_id(app, email: str) -> str:
    return app.state.accounts.get_by_email(email)["account_id"]


def error_of(response) -> dict:
    """The first entry of an ``{"errors": [...]}`` body, checked for its shape."""
    body = response.get_json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1, body
    error = body["errors"][0]
    assert set(error) == {"id", "code", "status", "title", "detail"}, error
    assert error["status"] == str(response.status_code)
    return error


def all_pages(client, path: str, body: dict, headers: dict | None = None, max_pages: int = 50) -> tuple[list, int]:
    """Every item of a POST search, following ``links.next`` (cursor alone), and the number of pages read."""
    headers = headers or KEY
    items, pages, cursor = [], 0, None
    while pages < max_pages:
        response = client.post(path, json=dict(body, cursor=cursor) if cursor else body, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_json()
        items.extend(page["data"])
        pages += 1
        cursor = page["links"].get("next")
        if not cursor:
            return items, pages
    raise AssertionError("more than %d pages" % max_pages)


def account_ids(client, url: str) -> set:
    """``user.account_id`` of every item of a paginated /2.0 listing (bounded paging), as the workspace owner."""
    found = set()
    for _unused in range(20):
        page = client.get(url, headers=BB_USER).get_json()
        found.update(item["user"]["account_id"] for item in page["values"])
        if not page.get("next"):
            return found
        url = "/" + page["next"].split("//", 1)[1].split("/", 1)[1]
    raise AssertionError("too many pages")


def members(client, workspace: str = "acme") -> set:
    """Account ids of the workspace members, through /2.0."""
    return account_ids(client, "/2.0/workspaces/%s/members?pagelen=100" % workspace)
