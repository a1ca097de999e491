# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Effective repository permissions: ``/2.0/workspaces/{workspace}/permissions/repositories[/{repo_slug}]``.

One ``repository_permission`` per (user, repository) with the highest of the user's permissions through
the four explicit paths (repository user, project user, repository group, project group; project
``create-repo`` is ``write``, :meth:`Workspace.effective`); a workspace admin without one is not listed
(being a workspace admin is an authorization rule, :meth:`Workspace.perm_of`, not a repository
permission). The workspace-wide list is for workspace admins only, the per-repository one for the
repository's admins (workspace and project admins included); access tokens get 403. BBQL ``q`` on ``user.account_id``, ``user.uuid``, ``user.display_name``,
``user.nickname``, ``repository.name``, ``repository.full_name``, ``repository.uuid`` and
``permission`` (ordered read < write < admin), ``sort`` on the same fields.
"""

from __future__ import annotations

from . import bbql
from . import serializers as ser
from .auth import RouteAuth
from .bbql import Field
from .routes_common import (
    Route,
    caller_level,
    filtered,
    is_workspace_admin,
    page_response,
    require_member,
    user_fields,
    workspace_of,
)
from .web import ApiError, Ctx

# a query naming more users than this filters the whole list (as fast as reading each user's entries)
PINNED_MAX = 100

WS_AUTH = RouteAuth(classic="account", granular=("read:repository:bitbucket",), access_tokens="deny")
REPO_AUTH = RouteAuth(classic="repository", granular=("read:repository:bitbucket",), access_tokens="deny")

FIELDS = dict(
    user_fields(lambda e: e[1]),
    **{
        "repository.name": Field(lambda e: e[0].name),
        "repository.full_name": Field(lambda e: e[0].full_name),
        "repository.uuid": Field(lambda e: e[0].uuid, fold=True),
        "permission": Field(lambda e: e[2], kind="permission"),
    },
)


def entries(ws, accounts, repos=None) -> list:
    """(repo, account, permission) for every user with an effective permission, by repository then display name."""
    if repos is None and "permission_entries" in ws.cache:
        return ws.cache["permission_entries"]
    out = []
    for repo in ws.repos.values() if repos is None else repos:
        users = [(accounts.by_id[account_id], perm) for account_id, perm in ws.effective(repo).items()]
        users.sort(key=_by_name)
        out.extend((repo, account, perm) for account, perm in users)
    if repos is None:
        ws.cache["permission_entries"] = out
    return out


def _by_name(pair):
    return (pair[0]["display_name"].lower(), pair[0]["account_id"])


def entries_of(ws, accounts, account_ids) -> list:
    """The entries of ``entries(ws, accounts)`` of these accounts only, in the same order, without listing every user
    of the workspace (a query that names its users reads just theirs: the simulator's time stays out of a benchmark)."""
    out = []
    for repo in ws.repos.values():
        effective = ws.effective(repo)
        users = [(accounts.by_id[a], effective[a]) for a in account_ids if a in effective]
        users.sort(key=_by_name)
        out.extend((repo, account, perm) for account, perm in users)
    return out


def _source(ctx: Ctx, ws) -> list:
    """What the query can match: when it requires ``user.account_id`` to be one of a few values, their entries only
    (the full filter still applies to them); every entry otherwise. A query that does not parse is answered by
    ``filtered`` (400)."""
    q = ctx.arg("q")
    try:
        pinned = bbql.parse(q, FIELDS).pins.get("user.account_id") if q and q.strip() else None
    except bbql.BBQLError:
        pinned = None
    if pinned is None or len(pinned) > PINNED_MAX:
        return entries(ws, ctx.state.accounts)
    return entries_of(ws, ctx.state.accounts, sorted(pinned))


def _render(ctx: Ctx):
    return lambda e: ser.repository_permission(e[0], e[1], e[2], ctx.api_url)


def list_workspace(ctx: Ctx):
    ws = workspace_of(ctx)
    require_member(ctx, ws)
    if not is_workspace_admin(ctx, ws):
        raise ApiError(403, "Forbidden", "The requesting user isn't an admin of the workspace.")
    key = ("permission_query", ctx.arg("q"), ctx.arg("sort"))
    items = ws.cache.get(key)
    if items is None:  # following ``next`` pages does not filter the whole workspace again
        items, _unused = filtered(ctx, _source(ctx, ws), FIELDS)
        if len(ws.cache) > 64:
            ws.cache.clear()
        ws.cache[key] = items
    return page_response(ctx, items, _render(ctx))


def list_repository(ctx: Ctx):
    ws = workspace_of(ctx)
    require_member(ctx, ws)
    repo = ws.repo(ctx.params["repo_slug"])
    if repo is None:
        raise ApiError(404, "Repository %s/%s not found" % (ws.slug, ctx.params["repo_slug"]))
    if caller_level(ctx, ws, repo) != "admin":
        raise ApiError(403, "Forbidden", "The requesting user isn't an admin of the repository.")
    items, _unused = filtered(ctx, entries(ws, ctx.state.accounts, [repo]), FIELDS)
    return page_response(ctx, items, _render(ctx))


ROUTES = [
    Route("GET", "/2.0/workspaces/{workspace}/permissions/repositories", list_workspace, WS_AUTH),
    Route("GET", "/2.0/workspaces/{workspace}/permissions/repositories/{repo_slug}", list_repository, REPO_AUTH),
]
