# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SCIM side of the module tests (the generic part is harness.py): run a module's main(), the SCIM URLs and
schemas, and fake SCIM payloads."""

from __future__ import annotations

import requests
from urllib3.exceptions import ProtocolError

from .harness import environment_fixture, run_main

SCIM_URL = "https://api.atlassian.com"
DIRECTORY = "dir-1"
BASE = SCIM_URL + "/scim/directory/" + DIRECTORY
USERS = BASE + "/Users"
TOKEN = "scim-secret-api-key-0123456789"
CONNECTION = {"scim_url": SCIM_URL, "directory_id": DIRECTORY, "scim_token": TOKEN}
NAME = "jane@acme.example"
USERS_PATH = "/scim/directory/" + DIRECTORY + "/Users"
USER_PATH = USERS_PATH + "/u-1"

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ATLASSIAN = "urn:scim:schemas:extension:atlassian-external:1.0"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def run_module(module, args, check_mode=False, diff=False):
    """Run ``module.main()``; return (result, failed). ``module.warn`` is left alone (the ``module_warnings`` fixture
    records it) and the transport's retries sleep with ``time.sleep`` (which ``scim_env`` records)."""
    return run_main(module, args, check_mode=check_mode, diff=diff, record_warnings=False)


# no connection environment variable of the caller, and no real sleeping: the fixture's value is the recorded sleeps
scim_env = environment_fixture("scim_env", ("ATLASSIAN_SCIM_", "BITBUCKET_"), real_sleep_fails=False)


def by_name(user_name):
    """The query of a lookup by userName."""
    return {"filter": 'userName eq "%s"' % user_name}


def list_response(*users, total=None, start=1):
    return {
        "schemas": [LIST],
        "totalResults": len(users) if total is None else total,
        "startIndex": start,
        "itemsPerPage": len(users),
        "Resources": list(users),
    }


def scim_error(status, detail, scim_type=None):
    body = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return body


def make_user(user_name="jane@acme.example", user_id="u-1", account_id="712020:aaaa-1111", **attributes):
    """A user as Atlassian returns it (department top-level, repeated in the read-only enterprise extension).

    ``account_id=None``: a user of a plain RFC 7643 server (no Atlassian extension, department in the enterprise
    extension only).
    """
    user = {
        "schemas": [CORE, ENTERPRISE, ATLASSIAN],
        "id": user_id,
        "userName": user_name,
        "name": {"givenName": "Jane", "familyName": "Doe"},
        "displayName": "Jane Doe",
        "active": True,
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "department": "Platform",
        ENTERPRISE: {"department": "Platform"},
        "meta": {"resourceType": "User", "location": USERS + "/" + user_id},
    }
    if account_id:
        user[ATLASSIAN] = {"atlassianAccountId": account_id}
    else:
        user["schemas"] = [CORE, ENTERPRISE]
        del user["department"]
    user.update(attributes)
    return user


def atlassian_dept(department=None, organization=None):
    """The department / organization attributes of an Atlassian user: top-level, and mirrored in the extension."""
    values = {k: v for k, v in (("department", department), ("organization", organization)) if v is not None}
    return dict(values, **{ENTERPRISE: dict(values)})


def user_args(**kwargs):
    """Module arguments: the connection, user_name NAME, and ``kwargs``."""
    result = dict(CONNECTION)
    result["user_name"] = NAME
    result.update(kwargs)
    return result


def lost_connection():
    """The connection broke after the request was sent: the answer is lost."""
    return requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))


def patch_body(*operations):
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def scim_change(action, before, after, user_id="u-1", user_name=NAME):
    """The change item (docs/plans.md) of one SCIM user of DIRECTORY, as ``changes`` lists it."""
    return {
        "api": "scim",
        "kind": "scim_user",
        "action": action,
        "target": {"directory": DIRECTORY},
        "subject": {"type": "scim_user", "user_name": user_name, "id": user_id},
        "before": before,
        "after": after,
    }
