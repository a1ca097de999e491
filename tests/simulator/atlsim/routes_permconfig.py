# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explicit repository permissions:
``/2.0/repositories/{workspace}/{repo_slug}/permissions-config/users[/{selected_user_id}]`` and
``.../groups[/{group_slug}]`` (GET list / GET / PUT / DELETE).

Lists hold EXPLICIT permissions only (no group-derived, project or implicit ones) and take no BBQL.
Checks, in order: 401; PUT/DELETE with OAuth or an access token: 403 (HTTP Basic only, :mod:`atlsim.permconfig`);
access tokens: 403; missing scope: 403; 404 unknown workspace, unknown or invisible repository; 403 caller not a
repository admin; PUT: 400 body not exactly ``{"permission": "read|write|admin"}``; 404 unknown user/group; 400 user
not a workspace member or the workspace owner; 403 grant above the caller's own level; 402 the plan's user limit would
be passed (distinct users with any access vs the workspace ``plan_user_limit``); 200 with the object.
GET one: 404 when there is no explicit permission. DELETE: 204, also when there is none (the spec: "Deletes the
repository user permission ..., if one exists"; its 404 is "One or more of the workspace, repository, and user doesn't
exist"): 404 only for an unknown workspace, repository, user or group.
"""

from __future__ import annotations

from . import serializers as ser
from .audit_events import permission_change
from .permconfig import check_grant, group_of, no_explicit, permission_body, route_auths, selected_member
from .routes_common import Route, caller_level, object_response, page_response, repo_of, require_repo_admin, user_of, workspace_of
from .state import PERM_RANK, PERMISSIONS
from .web import Ctx, empty_response

READ_AUTH, PUT_AUTH, DELETE_AUTH = route_auths("repository:admin", "admin:repository:bitbucket", "read:repository:bitbucket")
BASE = "/2.0/repositories/{workspace}/{repo_slug}/permissions-config"


def _repo(ctx: Ctx):
    ws = workspace_of(ctx)
    repo = repo_of(ctx, ws)
    require_repo_admin(ctx, ws, repo)
    return ws, repo


def _check_grant(ctx: Ctx, ws, repo, permission: str, new_users) -> None:
    check_grant(ws, caller_level(ctx, ws, repo), permission, PERM_RANK, new_users)


# -- users -----------------------------------------------------------------------------------------
def list_users(ctx: Ctx):
    _unused, repo = _repo(ctx)
    accounts = ctx.state.accounts.by_id
    items = [(accounts[account_id], perm) for account_id, perm in repo.user_perms.items()]
    return page_response(ctx, items, lambda item: ser.user_permission(repo, item[0], item[1], ctx.api_url))


def _explicit_user(ctx: Ctx, repo):
    account = user_of(ctx, "selected_user_id")
    permission = repo.user_perms.get(account["account_id"])
    if permission is None:
        raise no_explicit(ctx.params["selected_user_id"], repo.full_name)
    return account, permission


def get_user(ctx: Ctx):
    _unused, repo = _repo(ctx)
    account, permission = _explicit_user(ctx, repo)
    return object_response(ctx, ser.user_permission(repo, account, permission, ctx.api_url))


def put_user(ctx: Ctx):
    ws, repo = _repo(ctx)
    permission = permission_body(ctx, PERMISSIONS)
    account = selected_member(ctx, ws, "repository")
    _check_grant(ctx, ws, repo, permission, [account["account_id"]])
    with permission_change(ctx, repo, "users", account["account_id"]):
        ws.set_user_perm(repo, account["account_id"], permission)
    return object_response(ctx, ser.user_permission(repo, account, permission, ctx.api_url))


def delete_user(ctx: Ctx):
    ws, repo = _repo(ctx)
    account = user_of(ctx, "selected_user_id")  # 404 unknown user
    with permission_change(ctx, repo, "users", account["account_id"]):
        if account["account_id"] in repo.user_perms:  # "if one exists": none to delete is 204 too
            ws.delete_user_perm(repo, account["account_id"])
    return empty_response(204)


# -- groups ----------------------------------------------------------------------------------------
def list_groups(ctx: Ctx):
    _unused, repo = _repo(ctx)
    items = list(repo.group_perms.items())
    return page_response(ctx, items, lambda item: ser.group_permission(repo, item[0], item[1], ctx.api_url))


def _explicit_group(ctx: Ctx, ws, repo) -> str:
    slug = group_of(ctx, ws)
    if slug not in repo.group_perms:
        raise no_explicit("group " + slug, repo.full_name)
    return slug


def get_group(ctx: Ctx):
    ws, repo = _repo(ctx)
    slug = _explicit_group(ctx, ws, repo)
    return object_response(ctx, ser.group_permission(repo, slug, repo.group_perms[slug], ctx.api_url))


def put_group(ctx: Ctx):
    ws, repo = _repo(ctx)
    permission = permission_body(ctx, PERMISSIONS)
    slug = group_of(ctx, ws)
    _check_grant(ctx, ws, repo, permission, ws.groups[slug]["members"])
    with permission_change(ctx, repo, "groups", slug):
        ws.set_group_perm(repo, slug, permission)
    return object_response(ctx, ser.group_permission(repo, slug, permission, ctx.api_url))


def delete_group(ctx: Ctx):
    ws, repo = _repo(ctx)
    slug = group_of(ctx, ws)  # 404 unknown group
    with permission_change(ctx, repo, "groups", slug):
        if slug in repo.group_perms:  # "if one exists": none to delete is 204 too
            ws.delete_group_perm(repo, slug)
    return empty_response(204)


ROUTES = [
    Route("GET", BASE + "/users", list_users, READ_AUTH),
    Route("GET", BASE + "/users/{selected_user_id}", get_user, READ_AUTH),
    Route("PUT", BASE + "/users/{selected_user_id}", put_user, PUT_AUTH, write=True),
    Route("DELETE", BASE + "/users/{selected_user_id}", delete_user, DELETE_AUTH, write=True),
    Route("GET", BASE + "/groups", list_groups, READ_AUTH),
    Route("GET", BASE + "/groups/{group_slug}", get_group, READ_AUTH),
    Route("PUT", BASE + "/groups/{group_slug}", put_group, PUT_AUTH, write=True),
    Route("DELETE", BASE + "/groups/{group_slug}", delete_group, DELETE_AUTH, write=True),
]
