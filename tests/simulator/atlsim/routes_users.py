# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``/2.0/user``, ``/2.0/user/emails[/{email}]`` and ``/2.0/users/{selected_user}``.

Access tokens act for no user: on ``/user`` and ``/user/emails`` they get 401 (the only error
status the spec lists for ``GET /user``) with ``Token is invalid, expired, or not supported for
this endpoint.``
"""

from __future__ import annotations

from urllib.parse import quote

from . import serializers as ser
from .auth import RouteAuth
from .routes_common import Route, object_response, page_response
from .web import ApiError, Ctx

SELF_AUTH = RouteAuth(classic="account", granular=("read:user:bitbucket",), access_tokens="unsupported")
EMAIL_AUTH = RouteAuth(classic="email", granular=("read:user:bitbucket",), access_tokens="unsupported")
USERS_AUTH = RouteAuth(classic=None, granular=("read:user:bitbucket",))


def _email_object(ctx: Ctx, account: dict) -> dict:
    return {
        "type": "email",
        "email": account["email"],
        "is_primary": True,
        "is_confirmed": True,
        "links": {"self": {"href": "%s/user/emails/%s" % (ctx.api_url, quote(account["email"], safe="@"))}},
    }


def get_self(ctx: Ctx):
    return object_response(ctx, ser.user_full(ctx.principal.account, ctx.api_url, is_self=True))


def list_emails(ctx: Ctx):
    return page_response(ctx, [ctx.principal.account], lambda account: _email_object(ctx, account))


def get_email(ctx: Ctx):
    account = ctx.principal.account
    if ctx.params["email"].strip().lower() != account["email"].lower():
        raise ApiError(404, "Email address not found", "%s is not one of your email addresses." % ctx.params["email"])
    return object_response(ctx, _email_object(ctx, account))


def get_user(ctx: Ctx):
    account = ctx.state.accounts.get(ctx.params["selected_user"])
    if account is None:
        raise ApiError(404, "%s not found" % ctx.params["selected_user"])
    return object_response(ctx, ser.user_full(account, ctx.api_url))


ROUTES = [
    Route("GET", "/2.0/user", get_self, SELF_AUTH),
    Route("GET", "/2.0/user/emails", list_emails, EMAIL_AUTH),
    Route("GET", "/2.0/user/emails/{email}", get_email, EMAIL_AUTH),
    Route("GET", "/2.0/users/{selected_user}", get_user, USERS_AUTH),
]
