# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the SCIM module tests: run a module's main() with arguments, and describe the HTTP calls it made."""

from __future__ import annotations

import json
import os
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses
from responses.registries import OrderedRegistry
from urllib3.exceptions import ProtocolError

from ansible.module_utils import basic
from ansible.module_utils.common import arg_spec

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    import contextlib

    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args=None):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}))):
            yield


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


class ExitJson(Exception):
    def __init__(self, result):
        super().__init__("exit_json")
        self.result = result


class FailJson(Exception):
    def __init__(self, result):
        super().__init__("fail_json")
        self.result = result


def _exit_json(self, **kwargs):  # pylint: disable=unused-argument
    kwargs.setdefault("changed", False)
    raise ExitJson(kwargs)


def _fail_json(self, msg, **kwargs):  # pylint: disable=unused-argument
    kwargs["failed"] = True
    kwargs["msg"] = msg
    raise FailJson(kwargs)


def run_module(module, args, check_mode=False, diff=False):
    """Run ``module.main()``; return (result, failed)."""
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with (
        patch_module_args(args),
        mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json),
        mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json),
    ):
        try:
            module.main()
        except ExitJson as done:
            return done.result, False
        except FailJson as failed:
            return failed.result, True
    raise AssertionError("the module returned without exit_json or fail_json")


@pytest.fixture
def scim_env(monkeypatch):
    """No connection environment variable of the caller, and no real sleeping (sleeps are recorded)."""
    for name in list(os.environ):
        if name.startswith(("ATLASSIAN_SCIM_", "BITBUCKET_")) or name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            monkeypatch.delenv(name)
    sleeps = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    return sleeps


@pytest.fixture
def module_warnings(monkeypatch):
    """``messages()``: the warnings the module gave (``module.warn``) and the deprecations ansible-core found in the
    argument spec (``(msg, version, collection_name)``), over the module runs of the test so far."""
    warnings, deprecations = [], []
    validate = arg_spec.ModuleArgumentSpecValidator.validate

    def recording_validate(self, parameters):
        result = validate(self, parameters)
        deprecations.extend((d.get("msg"), d.get("version"), d.get("collection_name")) for d in result._deprecations)  # pylint: disable=protected-access
        return result

    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning, **kwargs: warnings.append(warning))
    monkeypatch.setattr(arg_spec.ModuleArgumentSpecValidator, "validate", recording_validate)
    return lambda: (list(warnings), list(deprecations))


@pytest.fixture
def api():
    """responses in strict order: every registered answer is consumed, in sequence."""
    with responses.RequestsMock(registry=OrderedRegistry, assert_all_requests_are_fired=True) as rsps:
        yield rsps


def calls(rsps):
    """The HTTP calls made, as (method, path, query dict, JSON body or None)."""
    made = []
    for call in rsps.calls:
        parts = urlsplit(call.request.url)
        body = call.request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        made.append((call.request.method, parts.path, dict(parse_qsl(parts.query)), json.loads(body) if body else None))
    return made


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
