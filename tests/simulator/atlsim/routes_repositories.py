# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``/2.0/repositories/{workspace}`` (``role``, BBQL ``q``, ``sort``) and ``/2.0/repositories/{workspace}/{repo_slug}``.

Visible repositories: public ones, and private ones where the caller has any effective
permission (workspace admins: all); access tokens see the repositories of their resource.
``role``: ``member`` (read or more), ``contributor`` (write or more), ``admin``, ``owner`` (all the
workspace's repositories when the caller is a workspace owner, else none).
"""

from __future__ import annotations

from datetime import datetime

from . import serializers as ser
from .auth import RouteAuth
from .bbql import Field
from .routes_common import Route, caller_level, filtered, object_response, page_response, repo_of, workspace_of
from .state import PERM_RANK
from .web import ApiError, Ctx

REPO_AUTH = RouteAuth(classic="repository", granular=("read:repository:bitbucket",))
ROLES = {"member": 1, "contributor": 2, "admin": 3}


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


FIELDS = {
    "name": Field(lambda r: r.name),
    "slug": Field(lambda r: r.slug),
    "full_name": Field(lambda r: r.full_name),
    "uuid": Field(lambda r: r.uuid, fold=True),
    "description": Field(lambda r: r.description),
    "scm": Field(lambda r: "git"),
    "is_private": Field(lambda r: r.is_private, kind="bool"),
    "project.key": Field(lambda r: r.project_key),
    "project.name": Field(lambda r: r.project.name),
    "project.uuid": Field(lambda r: r.project.uuid, fold=True),
    "created_on": Field(lambda r: _dt(r.created_on), kind="datetime"),
    "updated_on": Field(lambda r: _dt(r.updated_on), kind="datetime"),
}


def list_repositories(ctx: Ctx):
    ws = workspace_of(ctx)
    role = ctx.arg("role")
    if role is not None and role not in ROLES and role != "owner":
        raise ApiError(400, "Invalid role", "role must be one of member, contributor, admin, owner, not %r." % role)
    principal = ctx.principal
    account_id = principal.account["account_id"] if principal.account else None
    visible = []
    for repo in ws.repos.values():
        if not principal.allows_repo(repo):
            continue
        level = caller_level(ctx, ws, repo)
        if level is None and repo.is_private:
            continue
        if role == "owner" and not (account_id and ws.is_owner(account_id)):
            continue
        if role in ROLES and PERM_RANK.get(level, 0) < ROLES[role]:
            continue
        visible.append(repo)
    items, _unused = filtered(ctx, visible, FIELDS)
    return page_response(ctx, items, lambda repo: ser.repository_full(repo, ctx.api_url))


def get_repository(ctx: Ctx):
    ws = workspace_of(ctx)
    repo = repo_of(ctx, ws)
    return object_response(ctx, ser.repository_full(repo, ctx.api_url))


ROUTES = [
    Route("GET", "/2.0/repositories/{workspace}", list_repositories, REPO_AUTH),
    Route("GET", "/2.0/repositories/{workspace}/{repo_slug}", get_repository, REPO_AUTH),
]
