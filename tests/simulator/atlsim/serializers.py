# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON shapes of the Bitbucket objects, per the OpenAPI schemas (``user``, ``workspace``,
``workspace_membership``, ``repository``, ``project``, ``group``, ``repository_permission``,
``repository_user_permission``, ``repository_group_permission``, ``project_user_permission``,
``project_group_permission``). Links are absolute URLs built
on the address the client used, so they can be followed against the simulator.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

HTML = "https://bitbucket.org"


def _href(url: str) -> dict:
    return {"href": url}


@lru_cache(maxsize=65536)
def q(segment: str) -> str:
    """Percent-encode one path segment the way Bitbucket writes links (braces as %7B/%7D)."""
    return quote(segment, safe=":@-._~")


def user(account: dict, api: str) -> dict:
    """The condensed ``user`` embedded in other objects (never the email)."""
    return {
        "display_name": account["display_name"],
        "links": {
            "self": _href("%s/users/%s" % (api, q(account["uuid"]))),
            "avatar": _href(
                "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/%s/128" % q(account["account_id"])
            ),
            "html": _href("%s/%s/" % (HTML, q(account["uuid"]))),
        },
        "type": "user",
        "uuid": account["uuid"],
        "account_id": account["account_id"],
        "nickname": account["nickname"],
    }


def user_full(account: dict, api: str, is_self: bool = False) -> dict:
    """``GET /users/{id}`` (and ``/user`` with ``is_self``: adds ``has_2fa_enabled`` and the legacy ``username``)."""
    body = user(account, api)
    body["links"]["repositories"] = _href("%s/repositories/%s" % (api, q(account["uuid"])))
    body.update(
        {
            "created_on": account["created_on"],
            "account_status": account["account_status"],
            "is_staff": False,
            "location": None,
            "website": None,
        }
    )
    if is_self:
        body["has_2fa_enabled"] = False
        body["username"] = account["nickname"]
    return body


def workspace(ws, api: str) -> dict:
    """The condensed ``workspace``."""
    return {
        "type": "workspace",
        "uuid": ws.uuid,
        "name": ws.name,
        "slug": ws.slug,
        "links": {
            "avatar": _href("%s/workspaces/%s/avatar/?ts=0" % (HTML, q(ws.slug))),
            "html": _href("%s/%s/" % (HTML, q(ws.slug))),
            "self": _href("%s/workspaces/%s" % (api, q(ws.slug))),
        },
    }


def workspace_full(ws, api: str) -> dict:
    body = workspace(ws, api)
    body["links"].update(
        {
            "members": _href("%s/workspaces/%s/members" % (api, q(ws.slug))),
            "owners": _href("%s/workspaces/%s/members?q=permission%%3D%%22owner%%22" % (api, q(ws.slug))),
            "projects": _href("%s/workspaces/%s/projects" % (api, q(ws.slug))),
            "repositories": _href("%s/repositories/%s" % (api, q(ws.slug))),
            "snippets": _href("%s/snippets/%s" % (api, q(ws.slug))),
        }
    )
    body.update(
        {
            "is_private": ws.is_private,
            "is_privacy_enforced": False,
            "forking_mode": "allow_forks",
            "created_on": ws.created_on,
            "updated_on": ws.created_on,
        }
    )
    return body


def membership(ws, account: dict, api: str, permission: str | None = None) -> dict:
    """``workspace_membership`` (``permission`` only on ``/workspaces/{ws}/permissions``)."""
    body = {
        "type": "workspace_membership",
        "user": user(account, api),
        "workspace": workspace(ws, api),
        "links": {"self": _href("%s/workspaces/%s/members/%s" % (api, q(ws.slug), q(account["uuid"])))},
    }
    if permission is not None:
        body["permission"] = permission
    return body


def _owner(ws, api: str) -> dict:
    """The workspace as the ``team`` owning a repository or a project."""
    return {
        "type": "team",
        "display_name": ws.name,
        "uuid": ws.uuid,
        "username": ws.slug,
        "links": {"self": _href("%s/workspaces/%s" % (api, q(ws.slug))), "html": _href("%s/%s/" % (HTML, q(ws.slug)))},
    }


def project(proj) -> dict:
    """The condensed ``project`` embedded in a repository (the spec's ``project.links`` holds html and avatar only)."""
    ws = proj.workspace
    return {
        "type": "project",
        "key": proj.key,
        "uuid": proj.uuid,
        "name": proj.name,
        "links": {
            "html": _href("%s/%s/workspace/projects/%s" % (HTML, q(ws.slug), q(proj.key))),
            "avatar": _href("%s/%s/workspace/projects/%s/avatar/32" % (HTML, q(ws.slug), q(proj.key))),
        },
    }


def project_full(proj, api: str) -> dict:
    """``GET /workspaces/{ws}/projects[/{key}]``."""
    body = project(proj)
    body.update(
        {
            "description": proj.description,
            "is_private": proj.is_private,
            "created_on": proj.created_on,
            "updated_on": proj.updated_on,
            "has_publicly_visible_repos": proj.has_publicly_visible_repos,
            "owner": _owner(proj.workspace, api),
        }
    )
    return body


def repository(repo, api: str) -> dict:
    """The condensed ``repository`` embedded in permission objects."""
    return {
        "type": "repository",
        "full_name": repo.full_name,
        "links": {
            "self": _href("%s/repositories/%s/%s" % (api, q(repo.workspace.slug), q(repo.slug))),
            "html": _href("%s/%s/%s" % (HTML, q(repo.workspace.slug), q(repo.slug))),
            "avatar": _href("%s/%s/%s/avatar/32/" % (HTML, q(repo.workspace.slug), q(repo.slug))),
        },
        "name": repo.name,
        "uuid": repo.uuid,
    }


def repository_full(repo, api: str) -> dict:
    ws = repo.workspace
    base = "%s/repositories/%s/%s" % (api, q(ws.slug), q(repo.slug))
    body = repository(repo, api)
    body["links"].update(
        {
            "pullrequests": _href(base + "/pullrequests"),
            "commits": _href(base + "/commits"),
            "forks": _href(base + "/forks"),
            "watchers": _href(base + "/watchers"),
            "downloads": _href(base + "/downloads"),
            "hooks": _href(base + "/hooks"),
            "clone": [
                {"name": "https", "href": "%s/%s/%s.git" % (HTML, ws.slug, repo.slug)},
                {"name": "ssh", "href": "git@bitbucket.org:%s/%s.git" % (ws.slug, repo.slug)},
            ],
        }
    )
    body.update(
        {
            "slug": repo.slug,
            "description": repo.description,
            "scm": "git",
            "is_private": repo.is_private,
            "fork_policy": "no_public_forks" if repo.is_private else "allow_forks",
            "created_on": repo.created_on,
            "updated_on": repo.updated_on,
            "size": 0,
            "language": "",
            "has_issues": False,
            "has_wiki": False,
            "mainbranch": {"type": "branch", "name": "main"},
            "owner": _owner(ws, api),
            "workspace": workspace(ws, api),
        }
    )
    body["project"] = project(repo.project)
    return body


def group(ws, slug: str, api: str) -> dict:
    grp = ws.groups[slug]
    return {
        "type": "group",
        "name": grp["name"],
        "slug": slug,
        "full_slug": "%s:%s" % (ws.slug, slug),
        "links": {
            "self": _href("%s/groups/%s/%s" % (api.replace("/2.0", "/1.0"), q(ws.slug), q(slug))),
            "html": _href("%s/%s/workspace/settings/groups/%s" % (HTML, q(ws.slug), q(slug))),
        },
    }


def repository_permission(repo, account: dict, permission: str, api: str) -> dict:
    """``repository_permission`` (effective, on ``/workspaces/{ws}/permissions/repositories``)."""
    return {
        "type": "repository_permission",
        "permission": permission,
        "user": user(account, api),
        "repository": repository(repo, api),
    }


def user_permission(repo, account: dict, permission: str, api: str) -> dict:
    """``repository_user_permission`` (explicit, on ``permissions-config/users``)."""
    base = "%s/repositories/%s/%s" % (api, q(repo.workspace.slug), q(repo.slug))
    return {
        "type": "repository_user_permission",
        "permission": permission,
        "user": user(account, api),
        "links": {"self": _href("%s/permissions-config/users/%s" % (base, q(account["account_id"])))},
    }


def group_permission(repo, slug: str, permission: str, api: str) -> dict:
    """``repository_group_permission`` (explicit, on ``permissions-config/groups``)."""
    base = "%s/repositories/%s/%s" % (api, q(repo.workspace.slug), q(repo.slug))
    return {
        "type": "repository_group_permission",
        "permission": permission,
        "group": group(repo.workspace, slug, api),
        "links": {"self": _href("%s/permissions-config/groups/%s" % (base, q(slug)))},
    }


def project_user_permission(proj, account: dict, permission: str, api: str) -> dict:
    """``project_user_permission`` (explicit, on ``projects/{key}/permissions-config/users``)."""
    base = "%s/workspaces/%s/projects/%s" % (api, q(proj.workspace.slug), q(proj.key))
    return {
        "type": "project_user_permission",
        "permission": permission,
        "user": user(account, api),
        "links": {"self": _href("%s/permissions-config/users/%s" % (base, q(account["account_id"])))},
    }


def project_group_permission(proj, slug: str, permission: str, api: str) -> dict:
    """``project_group_permission`` (explicit, on ``projects/{key}/permissions-config/groups``)."""
    base = "%s/workspaces/%s/projects/%s" % (api, q(proj.workspace.slug), q(proj.key))
    return {
        "type": "project_group_permission",
        "permission": permission,
        "group": group(proj.workspace, slug, api),
        "links": {"self": _href("%s/permissions-config/groups/%s" % (base, q(slug)))},
    }
