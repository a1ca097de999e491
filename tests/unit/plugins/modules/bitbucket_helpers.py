# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Bitbucket side of the module unit tests (the generic part is harness.py): run a module's main() with its
transport retrying on a fake clock, fake Bitbucket payloads, and the HTTP calls ``responses`` saw in the Bitbucket
tests' form (method, path?decoded-query)."""

from __future__ import annotations

import uuid

from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket import connection as bitbucket_connection

from .harness import FakeClock, request_lines, retries_on, run_main

API = "https://api.bitbucket.org/2.0"
ADMIN_ARGS = {"username": "admin@acme.example", "api_token": "unit-test-api-token", "workspace": "acme"}
ACCESS_TOKEN_ARGS = {"access_token": "unit-test-access-token", "workspace": "acme"}


def run_module(module, args, check_mode=False, clock=None):
    """Run ``module.main()``; return (result, failed). The transport's retries run on ``clock`` (a FakeClock, a new
    one when not given): none unless ``max_retries`` is given."""
    clock = clock if clock is not None else FakeClock()
    retrying = retries_on(bitbucket_connection, "bitbucket_transport_from_params", clock, 0)
    return run_main(module, args, check_mode=check_mode, patches=[retrying])


# the Bitbucket tests (and tests/unit/plugins/module_utils) compare the calls as (METHOD, "/2.0/path?decoded query")
calls = request_lines


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
