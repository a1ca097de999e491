# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explicit repository permissions:
``/2.0/repositories/{workspace}/{repo_slug}/permissions-config/users[/{selected_user_id}]`` and
``.../groups[/{group_slug}]`` (GET list / GET / PUT / DELETE).

Lists hold EXPLICIT permissions only (no group-derived or implicit ones) and take no BBQL.
Checks, in order: 404 unknown or invisible repository; 403 caller not a repository admin (access
tokens: always 403); PUT: 400 body not exactly ``{"permission": "read|write|admin"}``; 404 unknown
user/group; 400 user not a workspace member or the workspace owner; 403 grant above the caller's
own level; 402 the plan's user limit would be passed (distinct users with any access vs the
workspace ``plan_user_limit``); 200 with the object. DELETE: 404 when no explicit permission, 204.
"""

from __future__ import annotations

from . import serializers as ser
from .auth import RouteAuth
from .routes_common import Route, caller_level, object_response, page_response, repo_of, require_repo_admin, user_of, workspace_of
from .state import PERM_RANK
from .web import ApiError, Ctx, empty_response

READ_AUTH = RouteAuth(classic="repository:admin", granular=("read:repository:bitbucket",), access_tokens="deny")
PUT_AUTH = RouteAuth(classic="repository:admin", granular=("admin:repository:bitbucket", "write:permission:bitbucket"),
                     access_tokens="deny")
DELETE_AUTH = RouteAuth(classic="repository:admin", granular=("admin:repository:bitbucket", "delete:permission:bitbucket"),
                        access_tokens="deny")
PLAN_LIMIT = "You have reached your plan's user limit and must upgrade before giving access to additional users."
BASE = "/2.0/repositories/{workspace}/{repo_slug}/permissions-config"


def _repo(ctx: Ctx):
    ws = workspace_of(ctx)
    repo = repo_of(ctx, ws)
    require_repo_admin(ctx, ws, repo)
    return ws, repo


def _permission_body(ctx: Ctx) -> str:
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "Bad request", "The request body must be a JSON object: {\"permission\": \"read|write|admin\"}.")
    extra = sorted(set(body) - {"permission"})
    if extra:
        raise ApiError(400, "Bad request", "Unexpected field(s): %s. Only 'permission' is accepted." % ", ".join(extra))
    if "permission" not in body:
        raise ApiError(400, "Bad request", "permission: This field is required.")
    permission = body["permission"]
    if not isinstance(permission, str) or permission not in PERM_RANK:
        raise ApiError(400, "Bad request", "permission: %r is not a valid choice (read, write, admin)." % (permission,))
    return permission


def _check_grant(ctx: Ctx, ws, repo, permission: str, new_users) -> None:
    level = caller_level(ctx, ws, repo)
    if PERM_RANK[permission] > PERM_RANK.get(level, 0):
        raise ApiError(403, "Forbidden", "You cannot grant a permission higher than your own (%s)." % level)
    limit = ws.plan_user_limit
    if limit is not None:
        access = ws.users_with_access()
        added = [account_id for account_id in new_users if account_id not in access]
        if added and len(access) + len(added) > int(limit):
            raise ApiError(402, PLAN_LIMIT, "The workspace plan allows %s users with access; %d already have access."
                           % (limit, len(access)))


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
        raise ApiError(404, "No explicit permission for %s on %s" % (ctx.params["selected_user_id"], repo.full_name))
    return account, permission


def get_user(ctx: Ctx):
    _unused, repo = _repo(ctx)
    account, permission = _explicit_user(ctx, repo)
    return object_response(ctx, ser.user_permission(repo, account, permission, ctx.api_url))


def put_user(ctx: Ctx):
    ws, repo = _repo(ctx)
    permission = _permission_body(ctx)
    account = user_of(ctx, "selected_user_id")
    account_id = account["account_id"]
    if account_id not in ws.members:
        raise ApiError(400, "Bad request", "%s is not a member of workspace %s." % (ctx.params["selected_user_id"], ws.slug))
    if ws.is_owner(account_id):
        raise ApiError(400, "Bad request", "The workspace owner's repository permission cannot be changed.")
    _check_grant(ctx, ws, repo, permission, [account_id])
    ws.set_user_perm(repo, account_id, permission)
    return object_response(ctx, ser.user_permission(repo, account, permission, ctx.api_url))


def delete_user(ctx: Ctx):
    ws, repo = _repo(ctx)
    account, _unused = _explicit_user(ctx, repo)
    ws.delete_user_perm(repo, account["account_id"])
    return empty_response(204)


# -- groups ----------------------------------------------------------------------------------------
def list_groups(ctx: Ctx):
    _unused, repo = _repo(ctx)
    items = list(repo.group_perms.items())
    return page_response(ctx, items, lambda item: ser.group_permission(repo, item[0], item[1], ctx.api_url))


def _group(ctx: Ctx, ws) -> str:
    slug = ctx.params["group_slug"]
    if slug not in ws.groups:
        raise ApiError(404, "No group with slug '%s' in workspace %s." % (slug, ws.slug))
    return slug


def get_group(ctx: Ctx):
    ws, repo = _repo(ctx)
    slug = _group(ctx, ws)
    if slug not in repo.group_perms:
        raise ApiError(404, "No explicit permission for group %s on %s" % (slug, repo.full_name))
    return object_response(ctx, ser.group_permission(repo, slug, repo.group_perms[slug], ctx.api_url))


def put_group(ctx: Ctx):
    ws, repo = _repo(ctx)
    permission = _permission_body(ctx)
    slug = _group(ctx, ws)
    _check_grant(ctx, ws, repo, permission, ws.groups[slug]["members"])
    ws.set_group_perm(repo, slug, permission)
    return object_response(ctx, ser.group_permission(repo, slug, permission, ctx.api_url))


def delete_group(ctx: Ctx):
    ws, repo = _repo(ctx)
    slug = _group(ctx, ws)
    if slug not in repo.group_perms:
        raise ApiError(404, "No explicit permission for group %s on %s" % (slug, repo.full_name))
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
