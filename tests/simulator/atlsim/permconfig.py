# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the repository and project ``permissions-config`` endpoints share: the PUT body, the selected user
and group checks, the grant checks (above one's own level, the plan's user limit) and the route auth.

The two scopes differ only in their levels (repository ``read|write|admin``, project
``read|write|create-repo|admin``), their scopes (``repository:admin`` / ``admin:repository:bitbucket`` vs
``project:admin`` / ``admin:project:bitbucket``) and who administers them.
"""

from __future__ import annotations

from .auth import RouteAuth
from .routes_common import user_of
from .web import ApiError, Ctx

PLAN_LIMIT = "You have reached your plan's user limit and must upgrade before giving access to additional users."


def route_auths(classic: str, admin_scope: str, read_scope: str) -> tuple[RouteAuth, RouteAuth, RouteAuth]:
    """(GET, PUT, DELETE) auth of a ``permissions-config`` scope: access tokens may neither read nor write,
    writes take HTTP Basic credentials only (API tokens; OAuth and access tokens: 403)."""
    return (
        RouteAuth(classic=classic, granular=(read_scope,), access_tokens="deny"),
        RouteAuth(classic=classic, granular=(admin_scope, "write:permission:bitbucket"), access_tokens="deny", basic_only=True),
        RouteAuth(classic=classic, granular=(admin_scope, "delete:permission:bitbucket"), access_tokens="deny", basic_only=True),
    )


def permission_body(ctx: Ctx, levels: tuple) -> str:
    """The level of a PUT body, which must be exactly ``{"permission": "<one of levels>"}``; else 400."""
    choices = "|".join(levels)
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "Bad request", 'The request body must be a JSON object: {"permission": "%s"}.' % choices)
    extra = sorted(set(body) - {"permission"})
    if extra:
        raise ApiError(400, "Bad request", "Unexpected field(s): %s. Only 'permission' is accepted." % ", ".join(extra))
    if "permission" not in body:
        raise ApiError(400, "Bad request", "permission: This field is required.")
    permission = body["permission"]
    if not isinstance(permission, str) or permission not in levels:
        raise ApiError(400, "Bad request", "permission: %r is not a valid choice (%s)." % (permission, ", ".join(levels)))
    return permission


def selected_member(ctx: Ctx, ws, what: str) -> dict:
    """The ``selected_user_id`` of a PUT: 404 unknown, 400 not a workspace member or the workspace owner."""
    account = user_of(ctx, "selected_user_id")
    account_id = account["account_id"]
    if account_id not in ws.members:
        raise ApiError(400, "Bad request", "%s is not a member of workspace %s." % (ctx.params["selected_user_id"], ws.slug))
    if ws.is_owner(account_id):
        raise ApiError(400, "Bad request", "The workspace owner's %s permission cannot be changed." % what)
    return account


def group_of(ctx: Ctx, ws) -> str:
    """The ``group_slug``: 404 when the workspace has no such group."""
    slug = ctx.params["group_slug"]
    if slug not in ws.groups:
        raise ApiError(404, "No group with slug '%s' in workspace %s." % (slug, ws.slug))
    return slug


def check_grant(ws, level: str | None, permission: str, ranks: dict, new_users) -> None:
    """403 when ``permission`` is above the caller's own ``level``; 402 when the users ``new_users`` would add
    to the users with access pass the workspace's ``plan_user_limit``."""
    if ranks[permission] > ranks.get(level, 0):
        raise ApiError(403, "Forbidden", "You cannot grant a permission higher than your own (%s)." % level)
    limit = ws.plan_user_limit
    if limit is not None:
        access = ws.users_with_access()
        added = [account_id for account_id in new_users if account_id not in access and account_id in ws.members]
        if added and len(access) + len(added) > int(limit):
            raise ApiError(
                402, PLAN_LIMIT, "The workspace plan allows %s users with access; %d already have access." % (limit, len(access))
            )


def no_explicit(what: str, holder: str) -> ApiError:
    return ApiError(404, "No explicit permission for %s on %s" % (what, holder))
