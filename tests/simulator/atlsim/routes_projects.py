# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``/2.0/workspaces/{workspace}/projects`` and ``/2.0/workspaces/{workspace}/projects/{project_key}``.

Visible projects: every project for members of the workspace ("private to the team and consequently only
visible to team members"), public ones for anyone else; access tokens see the projects of their resource (a
repository access token: its repository's project). The list is paginated, in seed order, and takes no BBQL
(the spec lists no ``q`` or ``sort``). One project: 404 unknown key, 403 not visible to the caller.
"""

from __future__ import annotations

from . import serializers as ser
from .auth import RouteAuth
from .routes_common import Route, caller_id, object_response, page_response, workspace_of
from .web import ApiError, Ctx

PROJECT_AUTH = RouteAuth(classic="project", granular=("read:project:bitbucket",))


def visible(ctx: Ctx, ws, project) -> bool:
    principal = ctx.principal
    if principal.is_access_token:
        return principal.allows_project(project)
    return not project.is_private or caller_id(ctx) in ws.members


def project_of(ctx: Ctx, ws, name: str = "project_key"):
    """The project named by the path (its key): 404 when the workspace has none by that key."""
    project = ws.project(ctx.params[name])
    if project is None:
        raise ApiError(404, "No project with key '%s' in workspace %s." % (ctx.params[name], ws.slug))
    return project


def list_projects(ctx: Ctx):
    ws = workspace_of(ctx)
    items = [project for project in ws.projects.values() if visible(ctx, ws, project)]
    return page_response(ctx, items, lambda project: ser.project_full(project, ctx.api_url))


def get_project(ctx: Ctx):
    ws = workspace_of(ctx)
    project = project_of(ctx, ws)
    if not visible(ctx, ws, project):
        raise ApiError(403, "Forbidden", "You are not authorized to access project %s in workspace %s." % (project.key, ws.slug))
    return object_response(ctx, ser.project_full(project, ctx.api_url))


ROUTES = [
    Route("GET", "/2.0/workspaces/{workspace}/projects", list_projects, PROJECT_AUTH),
    Route("GET", "/2.0/workspaces/{workspace}/projects/{project_key}", get_project, PROJECT_AUTH),
]
