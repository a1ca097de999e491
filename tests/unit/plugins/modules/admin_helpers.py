# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the organization Admin API module tests: run a module's main() with arguments (retries on a fake
clock, never a real sleep), fake Admin API payloads, and the exact list of HTTP calls ``responses`` saw."""

from __future__ import annotations

import json
import os
import uuid
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from responses.registries import OrderedRegistry

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.accessops.atlassian.plugins.module_utils._admin import connection as admin_connection
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy

ADMIN_URL = "https://api.atlassian.com"
ORG_ID = "0475f711-2971-5a21-a71a-659f380ffd26"
DIRECTORY = "2ef0f675-904a-5eed-949f-2d150ffd0457"
OTHER_DIRECTORY = "7c3f0d4e-1b2a-4c5d-8e9f-0a1b2c3d4e5f"
KEY = "admin-org-api-key-0123456789abcdef"
CONNECTION = {"org_id": ORG_ID, "admin_api_key": KEY}

ORG = "/admin/v2/orgs/" + ORG_ID  # paths as the requests carry them
ALL = ORG + "/directories/-"  # reads: every directory of the key
DIR = ORG + "/directories/" + DIRECTORY  # writes: the concrete directory
USERS_SEARCH = ALL + "/users/search"
GROUPS_SEARCH = ALL + "/groups/search"
WORKSPACES = ORG + "/workspaces"
DIRECTORIES = ORG + "/directories"
INVITE = ORG + "/users/invite"
DIR_USERS_SEARCH = DIR + "/users/search"  # a membership read again, in the group's directory

# 2026-01-01T00:00:00Z: the wall clock of the fake clock when a task starts
NOW = 1767225600.0
USER_EXPAND = ["groups", "productAccess"]
ACME_ARI = "ari:cloud:bitbucket::workspace/952d8857-3e73-43ed-b43d-a762b5770684"
WIKI_ARI = "ari:cloud:confluence::site/dcc3477d-57f0-5d74-a706-26b074f9cba0"


class ExitJson(Exception):
    pass


class FailJson(Exception):
    pass


def _warn(self, warning, **kwargs):  # pylint: disable=unused-argument
    if not hasattr(self, "_test_warnings"):
        self._test_warnings = []
    self._test_warnings.append(warning)


def _exit_json(self, **kwargs):
    kwargs.setdefault("changed", False)
    kwargs["warnings"] = list(getattr(self, "_test_warnings", []))
    raise ExitJson(json.loads(json.dumps(kwargs)))


def _fail_json(self, **kwargs):
    kwargs["failed"] = True
    kwargs["warnings"] = list(getattr(self, "_test_warnings", []))
    raise FailJson(json.loads(json.dumps(kwargs)))


class FakeClock:
    """Monotonic clock, wall clock (``NOW`` at the start) and sleep in one: a sleep moves both on, records its delay."""

    def __init__(self, wall=NOW):
        self.monotonic = 0.0
        self.start = wall
        self.sleeps = []

    def clock(self):
        return self.monotonic

    def now(self):
        return self.start + self.monotonic

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.monotonic += seconds

    def policy(self, max_retries, **kwargs):
        return RetryPolicy(max_retries=max_retries, sleep=self.sleep, clock=self.clock, now=self.now, rng=lambda: 0.5, **kwargs)


def run_module(module, args, check_mode=False, diff=False, clock=None, **policy):
    """Run ``module.main()``; return (result, failed). The transport's retries run on ``clock`` (a FakeClock, a new
    one when not given); ``policy``: more RetryPolicy arguments (``max_total_wait``...)."""
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    clock = clock if clock is not None else FakeClock()
    real_factory = admin_connection.admin_transport_from_params

    def factory(params, warn=None, **kwargs):
        retries = params.get("max_retries")
        kwargs.setdefault("retry_policy", clock.policy(5 if retries is None else retries, **policy))
        return real_factory(params, warn=warn, **kwargs)

    with (
        patch_module_args(args),
        mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json),
        mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json),
        mock.patch.object(basic.AnsibleModule, "warn", _warn),
        mock.patch.object(admin_connection, "admin_transport_from_params", factory),
    ):
        try:
            module.main()
        except ExitJson as done:
            return done.args[0], False
        except FailJson as failed:
            return failed.args[0], True
    raise AssertionError("the module returned without exit_json or fail_json")


@pytest.fixture
def admin_env(monkeypatch):
    """No connection environment variable of the caller; a real sleep would be recorded (and fail the test)."""
    for name in list(os.environ):
        if name.startswith(("ATLASSIAN_", "BITBUCKET_")) or name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            monkeypatch.delenv(name)
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    yield
    assert slept == [], "a real sleep was attempted"


@pytest.fixture
def api():
    """responses in strict order: every registered answer is consumed, in sequence."""
    with responses.RequestsMock(registry=OrderedRegistry, assert_all_requests_are_fired=True) as rsps:
        yield rsps


def calls(rsps):
    """The HTTP calls made: [(METHOD, path, query dict, JSON body or None)]."""
    made = []
    for call in rsps.calls:
        parts = urlsplit(call.request.url)
        body = call.request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        made.append((call.request.method, parts.path, dict(parse_qsl(parts.query)), json.loads(body) if body else None))
    return made


def writes(rsps):
    """The calls that change something (everything but GET and the POST searches / listings)."""
    reads = ("/users/search", "/groups/search", "/workspaces")
    return [c for c in calls(rsps) if c[0] != "GET" and not c[1].endswith(reads)]


def add(rsps, method, path, body=None, status=200, headers=None):
    """Answer the next request with ``status`` and the JSON ``body`` (no body when None: 204 / 202)."""
    kwargs = {"status": status, "headers": headers or {}}
    if body is not None:
        kwargs["json"] = body
    rsps.add(method, ADMIN_URL + path, **kwargs)


# -- payloads -------------------------------------------------------------------------------------------------------


def aid(name):
    """The account id of ``name``: ``712020:<uuid5 of the name>``."""
    return "712020:%s" % uuid.uuid5(uuid.NAMESPACE_URL, "account/" + name)


def gid(name):
    """The (plain UUID) id of the group ``name``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "group/" + name))


def email(name):
    return "%s@acme.example" % name


def user(name, status="active", groups=None, products=None, **extra):
    """A directory user as the search answers it; ``groups``: names (expanded), ``products``: [(key, resource id)]."""
    item = {
        "accountId": aid(name),
        "accountType": "atlassian",
        "email": email(name),
        "name": name.capitalize(),
        "nickname": name,
        "status": status,
        "accountStatus": "active",
        "membershipStatus": "suspended" if status == "suspended" else "active",
        "addedToOrg": "2024-03-01T09:00:00Z",
        "managementSource": None,
    }
    if groups is not None:
        item["groups"] = [{"id": gid(g), "name": g, "description": None} for g in groups]
    if products is not None:
        item["productAccess"] = [{"key": key, "id": rid} for key, rid in products]
    item.update(extra)
    return item


def group(name, synced=False, modifiable=True, directory=DIRECTORY, users=3, **extra):
    item = {
        "id": gid(name),
        "name": name,
        "description": "The group %s" % name,
        "directoryId": directory,
        "managementAccess": {"deletable": modifiable and not synced, "modifiable": modifiable and not synced, "readable": True},
        "externalSynced": synced,
        "managedBy": "external" if synced else "admins",
        "counts": {"users": users},
        "links": {"self": "c-" + name},
    }
    if directory is None:
        del item["directoryId"]
    item.update(extra)
    return item


def workspace(name, rid, type_key="bitbucket"):
    return {"id": rid, "type": "workspace", "attributes": {"name": name, "typeKey": type_key, "status": "online"}}


def role(resource_id, role_id, *methods, owner="bitbucket"):
    """One user role assignment item (a resource, one role held by ``methods``)."""
    return {
        "resourceId": resource_id,
        "resourceOwner": owner,
        "roles": [role_id],
        "roleAssignments": [{"role": role_id, "roleAssignmentMethods": list(methods)}],
        "directoryId": DIRECTORY,
        "userDirectoryStatus": "active",
    }


def group_role(resource_id, *roles, owner="bitbucket"):
    return {"resourceId": resource_id, "resourceOwner": owner, "defaultRole": roles[0] if roles else None, "roles": list(roles)}


def page(items, next_cursor=None):
    links = {"self": "self-cursor"}
    if next_cursor:
        links["next"] = next_cursor
    return {"data": list(items), "links": links}


def errors(code, status, detail, title="Error"):
    """An Admin API error body."""
    return {"errors": [{"id": "65e99414", "code": code, "status": str(status), "title": title, "detail": detail}]}


def user_search(*emails, expand=("groups",), cursor=None):
    """The body of a user search by email."""
    body = {"limit": 100}
    if expand:
        body["expand"] = list(expand)
    if emails:
        body["emails"] = list(emails)
    if cursor:
        body["cursor"] = cursor
    return body


def reread(name):
    """The body of the search that reads a membership again (after a 409 or a 404 of a membership write)."""
    return {"accountIds": [aid(name)], "expand": ["groups"], "limit": 100}


def invited(email_address, account_id=None, groups=(), failed=()):
    """One entry of an invitation's answer (MultidirectoryInviteSuccessResponse)."""
    results = [
        {"group": g, "status": "ERROR" if g in failed else "INVITED", "statusReason": "no room" if g in failed else None}
        for g in groups
    ]
    return {"email": email_address, "id": account_id, "results": [{"groupAssignmentResult": results, "roleAssignmentResult": []}]}


def group_search(names=None, ids=None, resource_ids=None, cursor=None):
    body = {"expand": ["counts.users"], "limit": 100}
    for key, values in (("groupNames", names), ("groupIds", ids), ("resourceIds", resource_ids)):
        if values is not None:
            body[key] = list(values)
    if cursor:
        body["cursor"] = cursor
    return body


def args(**kwargs):
    result = dict(CONNECTION)
    result.update(kwargs)
    return result
