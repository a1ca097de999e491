# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the ``routes_*`` modules: routes table entries, lookups that answer 403/404
the way Bitbucket does, and paginated + ``fields``-shaped JSON answers."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

from werkzeug.wrappers import Response

from . import bbql
from .auth import RouteAuth
from .pagination import paginate
from .partial import apply_fields
from .web import ApiError, Ctx, json_response

REPO_NOT_FOUND = (
    "You may not have access to this repository or it no longer exists in this workspace. "
    "If you think this repository exists and you have access, make sure you are authenticated."
)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str  # "/2.0/workspaces/{workspace}/members/{member}"
    handler: Callable[[Ctx], Response]
    auth: RouteAuth
    write: bool = False  # the operation changes state (informational)


def workspace_of(ctx: Ctx, name: str = "workspace"):
    ws = ctx.state.workspace(ctx.params[name])
    if ws is None:
        raise ApiError(404, "No workspace with identifier '%s'." % ctx.params[name])
    if not ctx.principal.allows_workspace(ws):
        raise ApiError(403, "Forbidden", "This access token is not authorized to access workspace '%s'." % ws.slug)
    return ws


def caller_id(ctx: Ctx) -> str | None:
    account = ctx.principal.account
    return account["account_id"] if account else None


def require_member(ctx: Ctx, ws) -> None:
    """Users must belong to the workspace; access tokens are confined by ``workspace_of``."""
    if ctx.principal.is_access_token:
        return
    if caller_id(ctx) not in ws.members:
        raise ApiError(403, "Forbidden", "You are not a member of workspace '%s'." % ws.slug)


def is_workspace_admin(ctx: Ctx, ws) -> bool:
    if ctx.principal.is_access_token:
        return False
    return ws.is_admin(caller_id(ctx))


def repo_of(ctx: Ctx, ws, name: str = "repo_slug"):
    """The repository, 404 (Bitbucket's wording) when unknown or invisible to the caller."""
    repo = ws.repo(ctx.params[name])
    if repo is None or not ctx.principal.allows_repo(repo):
        raise ApiError(404, REPO_NOT_FOUND)
    if not ctx.principal.is_access_token and repo.is_private and ws.perm_of(caller_id(ctx), repo) is None:
        raise ApiError(404, REPO_NOT_FOUND)
    return repo


def caller_level(ctx: Ctx, ws, repo) -> str | None:
    """The caller's effective permission on ``repo`` (access tokens: what their scopes amount to)."""
    if ctx.principal.is_access_token:
        return ctx.principal.token_level() if ctx.principal.allows_repo(repo) else None
    return ws.perm_of(caller_id(ctx), repo)


def require_repo_admin(ctx: Ctx, ws, repo) -> None:
    if caller_level(ctx, ws, repo) != "admin":
        raise ApiError(403, "Forbidden", "You must be an administrator of repository %s to do this." % repo.full_name)


def user_of(ctx: Ctx, name: str):
    """An account by ``account_id`` or ``{uuid}`` (the path segment arrives decoded)."""
    account = ctx.state.accounts.get(ctx.params[name])
    if account is None:
        raise ApiError(404, "No user with identifier '%s'." % ctx.params[name])
    return account


def filtered(ctx: Ctx, items: list, fields: dict, sortable: bool = True):
    """Apply ``q`` and ``sort``; BBQL errors become 400 answers."""
    try:
        return bbql.apply(items, ctx.arg("q"), ctx.arg("sort") if sortable else None, fields)
    except bbql.BBQLError as exc:
        raise ApiError(400, str(exc), "q=%s sort=%s" % (ctx.arg("q") or "", ctx.arg("sort") or "")) from exc


def page_response(ctx: Ctx, items: list, render: Callable, hidden: tuple = ()) -> Response:
    body = paginate(ctx, items, render, mode=ctx.pagination)
    return json_response(apply_fields(body, ctx.arg("fields"), hidden))


def object_response(ctx: Ctx, body: dict, status: int = 200) -> Response:
    return json_response(apply_fields(body, ctx.arg("fields")), status)


def user_fields(account_of: Callable) -> dict:
    """The BBQL fields on ``user.*`` of a listing whose items hold an account: ``account_of(item)``."""
    return {
        "user.account_id": bbql.Field(lambda item: account_of(item)["account_id"]),
        "user.uuid": bbql.Field(lambda item: account_of(item)["uuid"], fold=True),
        "user.display_name": bbql.Field(lambda item: account_of(item)["display_name"]),
        "user.nickname": bbql.Field(lambda item: account_of(item)["nickname"]),
    }
