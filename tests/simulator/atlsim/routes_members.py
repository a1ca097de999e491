# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``/2.0/workspaces/{workspace}``, ``/members``, ``/members/{member}`` and ``/permissions``.

Members never show an email, except: a workspace admin (or a workspace access token) filtering
with ``q=user.email IN ("a@x", ...)`` (at most 90 addresses, more: 400) may add
``fields=+values.user.email``, and then only the matched addresses appear. Only ``=`` and ``IN``
with string addresses are accepted on ``user.email`` (any other operator, or null: 400), so the
filter cannot enumerate addresses. Anyone else using ``user.email`` in ``q`` gets 403. The
workspace role (owner / collaborator / member) is shown only on ``/permissions``
(``workspace_membership.permission``), which access tokens may not read; ``/members`` may be filtered on it
(``q=permission="owner"``: the workspace object's ``links.owners``), the answer still without ``permission``.
"""

from __future__ import annotations

from . import serializers as ser
from .auth import RouteAuth
from .bbql import Field
from .partial import hidden_requested
from .routes_common import (
    Route,
    filtered,
    is_workspace_admin,
    object_response,
    page_response,
    require_member,
    user_fields,
    workspace_of,
)
from .web import ApiError, Ctx

MAX_EMAILS = 90  # distinct addresses (compared case-insensitively)
EMAIL_OPERATORS = frozenset(("=", "IN"))  # exact matches only: ~, !=, NOT IN, null would enumerate emails
WS_AUTH = RouteAuth(classic=None, granular=("read:workspace:bitbucket",))
MEMBERS_AUTH = RouteAuth(classic="account", granular=("read:workspace:bitbucket",))
PERMISSIONS_AUTH = RouteAuth(classic="account", granular=("read:workspace:bitbucket",), access_tokens="deny")

USER_FIELDS = user_fields(lambda item: item[0])
ROLE_FIELD = Field(lambda item: item[1])  # the workspace role: owner | collaborator | member
MEMBER_FIELDS = dict(
    USER_FIELDS, permission=ROLE_FIELD, **{"user.email": Field(lambda item: item[0]["email"].lower(), fold=True)}
)
PERMISSION_FIELDS = dict(USER_FIELDS, permission=ROLE_FIELD)


def _members(ws, accounts) -> list:
    """(account, role) per member, in membership order."""
    return [(accounts.by_id[account_id], member["role"]) for account_id, member in ws.members.items()]


def get_workspace(ctx: Ctx):
    ws = workspace_of(ctx)
    require_member(ctx, ws)
    return object_response(ctx, ser.workspace_full(ws, ctx.api_url))


def list_members(ctx: Ctx):
    ws = workspace_of(ctx)
    require_member(ctx, ws)
    items, query = filtered(ctx, _members(ws, ctx.state.accounts), MEMBER_FIELDS, sortable=False)
    emails = set(query.values_for("user.email")) if query is not None else set()
    if query is not None and "user.email" in query.fields_used:
        if not (is_workspace_admin(ctx, ws) or ctx.principal.token_kind == "workspace"):
            raise ApiError(
                403,
                "Forbidden",
                "Only workspace administrators, integrations and workspace access tokens can filter workspace members by email.",
            )
        refused = sorted(query.operators.get("user.email", set()) - EMAIL_OPERATORS)
        if refused:
            raise ApiError(
                400,
                "Bad request",
                'user.email can only be matched exactly: user.email = "a@x" or '
                'user.email IN ("a@x", "b@y"), not with %s.' % ", ".join(refused),
            )
        if len(emails) > MAX_EMAILS:
            raise ApiError(
                400, "Bad request", "When filtering by email, you can query up to %d addresses at a time." % MAX_EMAILS
            )
    show = bool(emails) and hidden_requested(ctx.arg("fields"), "values.user.email")

    def render(item):
        body = ser.membership(ws, item[0], ctx.api_url)
        if show and item[0]["email"].lower() in emails:
            body["user"]["email"] = item[0]["email"]
        return body

    return page_response(ctx, items, render, hidden=("values.user.email",))


def get_member(ctx: Ctx):
    ws = workspace_of(ctx)
    require_member(ctx, ws)
    account = ctx.state.accounts.get(ctx.params["member"])
    if account is None or account["account_id"] not in ws.members:
        raise ApiError(404, "%s is not a member of %s" % (ctx.params["member"], ws.slug))
    return object_response(ctx, ser.membership(ws, account, ctx.api_url))


def list_permissions(ctx: Ctx):
    ws = workspace_of(ctx)
    require_member(ctx, ws)
    items, _unused = filtered(ctx, _members(ws, ctx.state.accounts), PERMISSION_FIELDS)
    return page_response(ctx, items, lambda item: ser.membership(ws, item[0], ctx.api_url, permission=item[1]))


ROUTES = [
    Route("GET", "/2.0/workspaces/{workspace}", get_workspace, WS_AUTH),
    Route("GET", "/2.0/workspaces/{workspace}/members", list_members, MEMBERS_AUTH),
    Route("GET", "/2.0/workspaces/{workspace}/members/{member}", get_member, MEMBERS_AUTH),
    Route("GET", "/2.0/workspaces/{workspace}/permissions", list_permissions, PERMISSIONS_AUTH),
]
