# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization Admin API side of the module tests (the generic part is harness.py): run a module's main() with
its transport retrying on a fake clock, the Admin API's URLs and ids, and fake Admin API payloads."""

from __future__ import annotations

import uuid

from ansible_collections.accessops.atlassian.plugins.module_utils._admin import connection as admin_connection

from .harness import FakeClock, calls, environment_fixture, retries_on, run_main

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

USER_EXPAND = ["groups", "productAccess"]
ACME_ARI = "ari:cloud:bitbucket::workspace/952d8857-3e73-43ed-b43d-a762b5770684"
WIKI_ARI = "ari:cloud:confluence::site/dcc3477d-57f0-5d74-a706-26b074f9cba0"


def run_module(module, args, check_mode=False, diff=False, clock=None, **policy):
    """Run ``module.main()``; return (result, failed). The transport's retries run on ``clock`` (a FakeClock, a new
    one when not given): 5 unless ``max_retries`` is given; ``policy``: more RetryPolicy arguments
    (``max_total_wait``...)."""
    clock = clock if clock is not None else FakeClock()
    retrying = retries_on(admin_connection, "admin_transport_from_params", clock, 5, **policy)
    return run_main(module, args, check_mode=check_mode, diff=diff, patches=[retrying])


# no connection environment variable of the caller; a real sleep would be recorded (and fail the test)
admin_env = environment_fixture("admin_env", ("ATLASSIAN_", "BITBUCKET_"), real_sleep_fails=True)


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
