# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the Bitbucket module unit tests: run a module's main() with arguments, fake
Bitbucket payloads, and the list of HTTP calls ``responses`` saw (method, path?decoded-query)."""

from __future__ import annotations

import json
import uuid
from unittest import mock
from urllib.parse import unquote_plus, urlsplit

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket import connection as bitbucket_connection
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy

API = "https://api.bitbucket.org/2.0"
ADMIN_ARGS = {"username": "admin@acme.example", "api_token": "unit-test-api-token", "workspace": "acme"}
ACCESS_TOKEN_ARGS = {"access_token": "unit-test-access-token", "workspace": "acme"}


class ExitJson(Exception):
    pass


class FailJson(Exception):
    pass


def _warnings_of(module):
    return list(getattr(module, "_test_warnings", []))


def _warn(self, warning, **kwargs):  # pylint: disable=unused-argument
    if not hasattr(self, "_test_warnings"):
        self._test_warnings = []
    self._test_warnings.append(warning)


def _exit_json(self, **kwargs):
    kwargs.setdefault("changed", False)
    kwargs["warnings"] = _warnings_of(self)
    raise ExitJson(json.loads(json.dumps(kwargs)))


def _fail_json(self, **kwargs):
    kwargs["failed"] = True
    kwargs["warnings"] = _warnings_of(self)
    raise FailJson(json.loads(json.dumps(kwargs)))


class Sleeps(list):
    """A fake sleep that records the delays instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)

    def __bool__(self):  # an empty list is falsy, and RetryPolicy takes ``sleep or time.sleep``
        return True


def run_module(module, args, check_mode=False, sleeps=None):
    """Run ``module.main()``; return (result, failed). Retries never sleep for real."""
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    sleeps = sleeps if sleeps is not None else Sleeps()
    real_factory = bitbucket_connection.bitbucket_transport_from_params

    def factory(params, warn=None, **kwargs):
        kwargs.setdefault("retry_policy", RetryPolicy(max_retries=params.get("max_retries") or 0, sleep=sleeps, rng=lambda: 0.5))
        return real_factory(params, warn=warn, **kwargs)

    with (
        patch_module_args(args),
        mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json),
        mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json),
        mock.patch.object(basic.AnsibleModule, "warn", _warn),
        mock.patch.object(bitbucket_connection, "bitbucket_transport_from_params", factory),
    ):
        try:
            module.main()
        except ExitJson as done:
            return done.args[0], False
        except FailJson as failed:
            return failed.args[0], True
    raise AssertionError("the module returned without exit_json or fail_json")


def calls(rsps):
    """The requests ``responses`` saw: [(METHOD, "/2.0/path?decoded query")]."""
    seen = []
    for call in rsps.calls:
        parts = urlsplit(call.request.url)
        text = unquote_plus(parts.path)
        if parts.query:
            text += "?" + unquote_plus(parts.query)
        seen.append((call.request.method, text))
    return seen


def bodies(rsps, method):
    """JSON bodies of the requests sent with ``method``."""
    return [json.loads(c.request.body) for c in rsps.calls if c.request.method == method]


def user(name):
    """A fake Bitbucket user object: account_id ``557058:<name>``."""
    return {
        "type": "user",
        "account_id": "557058:%s" % name,
        "uuid": "{%s}" % uuid.uuid5(uuid.NAMESPACE_URL, name),
        "display_name": name.capitalize(),
        "nickname": name,
        "links": {"avatar": {"href": "https://avatar.example/%s" % name}},
    }


def aid(name):
    return "557058:%s" % name


def page(values, next_url=None):
    body = {"pagelen": 100, "values": values}
    if next_url:
        body["next"] = next_url
    return body


def perm(name, permission):
    return {"type": "repository_user_permission", "permission": permission, "user": user(name)}


def group_perm(slug, permission, kind="repository"):
    """A repository or project group permission item (as Bitbucket lists them)."""
    return {
        "type": "%s_group_permission" % kind,
        "permission": permission,
        "group": {"type": "group", "slug": slug, "name": slug.capitalize()},
    }


def project_perm(name, permission):
    return {
        "type": "project_user_permission",
        "permission": permission,
        "user": user(name),
        "project": {"type": "project", "key": "INFRA"},
    }


def membership(name, permission="member", email=None):
    entry = {
        "type": "workspace_membership",
        "permission": permission,
        "user": user(name),
        "workspace": {"type": "workspace", "slug": "acme"},
    }
    if email:
        entry["user"]["email"] = email
    return entry


def error(message):
    return {"type": "error", "error": {"message": message}}


REPO_USERS = "/2.0/repositories/acme/infra-core/permissions-config/users"
REPO_GROUPS = "/2.0/repositories/acme/infra-core/permissions-config/groups"
PROJECT_USERS = "/2.0/workspaces/acme/projects/INFRA/permissions-config/users"
PROJECT_GROUPS = "/2.0/workspaces/acme/projects/INFRA/permissions-config/groups"


def owner_query(*names):
    """The owner look-up, which also confirms that the account ids about to be granted are workspace members."""
    query = 'permission = "owner"'
    if names:
        query += " OR user.account_id IN (%s)" % ",".join('"%s"' % aid(name) for name in names)
    return "/2.0/workspaces/acme/permissions?q=%s&pagelen=100" % query


OWNER_QUERY = owner_query()


def effective_query(name, repositories):
    """The effective-permission query of one user on some repositories (the engine's prefetch)."""
    names = ",".join('"acme/%s"' % r for r in repositories)
    return (
        '/2.0/workspaces/acme/permissions/repositories?q=user.account_id = "%s" AND repository.full_name IN (%s)'
        "&pagelen=100" % (aid(name), names)
    )


def repository_query(repositories):
    """The repository listing that shows which repositories exist (the engine's prefetch)."""
    return "/2.0/repositories/acme?q=slug IN (%s)&fields=values.slug,values.full_name,next&pagelen=100" % ",".join(
        '"%s"' % r for r in repositories
    )


def args(**kwargs):
    """The admin's API-token connection options plus ``kwargs``."""
    result = dict(ADMIN_ARGS)
    result.update(kwargs)
    return result


def add_owner(rsps, name="owner", members=()):
    """The answer to the owner look-up: ``name`` is the workspace owner, ``members`` the members it confirms."""
    rsps.add(
        "GET",
        API + "/workspaces/acme/permissions",
        json=page([membership(name, "owner")] + [membership(member) for member in members]),
    )
