# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explicit project permissions:
``/2.0/workspaces/{workspace}/projects/{project_key}/permissions-config/users[/{selected_user_id}]`` and
``.../groups[/{group_slug}]`` (GET list / GET / PUT / DELETE), levels ``read|write|create-repo|admin``
(``none`` only as an explicit entry a seed gives, never accepted by PUT).

Lists hold the project's EXPLICIT permissions only and take no BBQL ("does not support BBQL features").
Checks, in order: 401; PUT/DELETE with OAuth or an access token: 403 (HTTP Basic only, :mod:`atlsim.permconfig`);
access tokens: 403; missing scope: 403; 404 unknown workspace or project (or a private project of a workspace the
caller is not a member of); 403 caller not an admin of the project (workspace admins are; so are users whose own or
group project permission is ``admin``); PUT: 400 body not exactly ``{"permission": "read|write|create-repo|admin"}``;
404 unknown user/group; 400 user not a workspace member or the workspace owner; 403 grant above the caller's own
level; 402 the plan's user limit would be passed; 200 with the object. GET one: 404 when there is no explicit
permission. DELETE: 204, also when there is none (the spec: "Deletes the project user permission ..., if one exists";
404 is "One or more of the workspace, project, and selected user doesn't exist"), as for repositories.
"""

from __future__ import annotations

from . import serializers as ser
from .audit_events import permission_change
from .permconfig import check_grant, group_of, no_explicit, permission_body, route_auths, selected_member
from .routes_common import Route, caller_id, object_response, page_response, user_of, workspace_of
from .routes_projects import project_of, visible
from .state import PROJECT_PERM_RANK, PROJECT_PERMISSIONS
from .web import ApiError, Ctx, empty_response

READ_AUTH, PUT_AUTH, DELETE_AUTH = route_auths("project:admin", "admin:project:bitbucket", "read:project:bitbucket")
BASE = "/2.0/workspaces/{workspace}/projects/{project_key}/permissions-config"


def _project(ctx: Ctx):
    ws = workspace_of(ctx)
    project = project_of(ctx, ws)
    if not visible(ctx, ws, project):
        raise ApiError(404, "No project with key '%s' in workspace %s." % (project.key, ws.slug))
    if ws.project_level(caller_id(ctx), project) != "admin":
        raise ApiError(403, "Forbidden", "You must be an administrator of project %s to do this." % project.key)
    return ws, project


def _name(project) -> str:
    return "project %s/%s" % (project.workspace.slug, project.key)


def _check_grant(ctx: Ctx, ws, project, permission: str, new_users) -> None:
    check_grant(ws, ws.project_level(caller_id(ctx), project), permission, PROJECT_PERM_RANK, new_users)


# -- users -----------------------------------------------------------------------------------------
def list_users(ctx: Ctx):
    _unused, project = _project(ctx)
    accounts = ctx.state.accounts.by_id
    items = [(accounts[account_id], perm) for account_id, perm in project.user_perms.items()]
    return page_response(ctx, items, lambda item: ser.project_user_permission(project, item[0], item[1], ctx.api_url))


def _explicit_user(ctx: Ctx, project):
    account = user_of(ctx, "selected_user_id")
    permission = project.user_perms.get(account["account_id"])
    if permission is None:
        raise no_explicit(ctx.params["selected_user_id"], _name(project))
    return account, permission


def get_user(ctx: Ctx):
    _unused, project = _project(ctx)
    account, permission = _explicit_user(ctx, project)
    return object_response(ctx, ser.project_user_permission(project, account, permission, ctx.api_url))


def put_user(ctx: Ctx):
    ws, project = _project(ctx)
    permission = permission_body(ctx, PROJECT_PERMISSIONS)
    account = selected_member(ctx, ws, "project")
    _check_grant(ctx, ws, project, permission, [account["account_id"]])
    with permission_change(ctx, project, "users", account["account_id"]):
        ws.set_project_perm(project, "users", account["account_id"], permission)
    return object_response(ctx, ser.project_user_permission(project, account, permission, ctx.api_url))


def delete_user(ctx: Ctx):
    ws, project = _project(ctx)
    account = user_of(ctx, "selected_user_id")  # 404 unknown user
    with permission_change(ctx, project, "users", account["account_id"]):
        if account["account_id"] in project.user_perms:  # "if one exists": none to delete is 204 too
            ws.delete_project_perm(project, "users", account["account_id"])
    return empty_response(204)


# -- groups ----------------------------------------------------------------------------------------
def list_groups(ctx: Ctx):
    _unused, project = _project(ctx)
    items = list(project.group_perms.items())
    return page_response(ctx, items, lambda item: ser.project_group_permission(project, item[0], item[1], ctx.api_url))


def _explicit_group(ctx: Ctx, ws, project) -> str:
    slug = group_of(ctx, ws)
    if slug not in project.group_perms:
        raise no_explicit("group " + slug, _name(project))
    return slug


def get_group(ctx: Ctx):
    ws, project = _project(ctx)
    slug = _explicit_group(ctx, ws, project)
    return object_response(ctx, ser.project_group_permission(project, slug, project.group_perms[slug], ctx.api_url))


def put_group(ctx: Ctx):
    ws, project = _project(ctx)
    permission = permission_body(ctx, PROJECT_PERMISSIONS)
    slug = group_of(ctx, ws)
    _check_grant(ctx, ws, project, permission, ws.groups[slug]["members"])
    with permission_change(ctx, project, "groups", slug):
        ws.set_project_perm(project, "groups", slug, permission)
    return object_response(ctx, ser.project_group_permission(project, slug, permission, ctx.api_url))


def delete_group(ctx: Ctx):
    ws, project = _project(ctx)
    slug = group_of(ctx, ws)  # 404 unknown group
    with permission_change(ctx, project, "groups", slug):
        if slug in project.group_perms:  # "if one exists": none to delete is 204 too
            ws.delete_project_perm(project, "groups", slug)
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
