# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user management API's API-token operations, after the official spec
(``atlassian-admin-user-management.swagger.v3.2026-08-21.json``, server ``https://api.atlassian.com``): served at the
simulator's root, as the spec's paths are.

``GET /users/{account_id}/manage/api-tokens``: 200, a JSON array of ``ApiTokenModel`` (``id``, ``label``,
``createdAt``, and ``expiry`` / ``lastAccess`` when the token has one). ``DELETE .../api-tokens/{tokenId}``: 204, no
body. Authorization: ``Bearer <organization API key>`` (the Admin API's keys, :mod:`atlsim.admin_state`); the
account must be managed by the key's organization (its email in one of the organization's verified domains).

Answers, in the spec's ``{"key": ...}`` error shapes, checked in this order: 401 ``{"key": "unauthorized"}`` (no key,
an unknown key, not Bearer); 403 ``{"key": "forbidden"}`` (``Response.Forbidden.Basic``: a key with scopes on DELETE;
the spec names no scope for these operations, so a scoped key may read and only a key without scopes may delete, as on
the Admin API's writes); 404 ``{"key": "accountNotFound"}`` (no such account); 403 ``Response.Forbidden.Action``
``{"key": "forbidden.action", "context": {"allowed": false, "reason": {"key": "managedAccount"}}}`` (the account is not
managed by the organization); 404 ``{"key": "notFound"}`` (DELETE of a token id the account does not hold, a path
of the spec this simulator does not serve, any other path under ``/users``); 405 with ``Allow`` for another method.
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from .admin_common import find_key, route_table
from .audit_events import token_revoked
from .web import empty_response, json_response

TOKENS = "/users/{account_id}/manage/api-tokens"
TOKEN = TOKENS + "/{tokenId}"
MANAGED_ONLY = {"key": "forbidden.action", "context": {"allowed": False, "reason": {"key": "managedAccount"}}}


class UserMgmtError(Exception):
    """An answer of the user management API other than success: status and ``{"key": ...}`` body."""

    def __init__(self, status: int, body: dict | None, headers: dict | None = None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        if self.body is None:
            response = empty_response(self.status)
            response.headers.update(self.headers)
            return response
        return json_response(self.body, self.status, self.headers)


def error_response(status: int, key: str, headers: dict | None = None) -> Response:
    return UserMgmtError(status, {"key": key}, headers).response()


def _account(state, key: dict, account_id: str) -> dict:
    """The managed account of the path (404 unknown, 403 not managed by the key's organization)."""
    account = state.accounts.by_id.get(account_id)
    if account is None:
        raise UserMgmtError(404, {"key": "accountNotFound"})
    if not state.admin.orgs[key["org"]].manages(account):
        raise UserMgmtError(403, MANAGED_ONLY)
    return account


def list_tokens(state, key: dict, params: dict) -> Response:
    account = _account(state, key, params["account_id"])
    return json_response(state.activity.token_list(account["account_id"]))


def delete_token(state, key: dict, params: dict) -> Response:
    if key["scopes"] is not None:
        raise UserMgmtError(403, {"key": "forbidden"})
    account = _account(state, key, params["account_id"])
    token = state.activity.revoke(account["account_id"], params["tokenId"])
    if token is None:
        raise UserMgmtError(404, {"key": "notFound"})
    token_revoked(state, key, account, token)
    return empty_response(204)


class _Route:
    def __init__(self, method: str, pattern: str, handler):
        self.method, self.pattern, self.handler = method, pattern, handler


ROUTES = (_Route("GET", TOKENS, list_tokens), _Route("DELETE", TOKEN, delete_token))


class UserMgmtRouter:
    def __init__(self, routes=ROUTES):
        self._table = route_table(routes)

    def dispatch(self, request: Request, state) -> Response:
        path = request.path.rstrip("/") if len(request.path) > 1 else request.path
        try:
            key = find_key(state.admin, request)
            if key is None:
                raise UserMgmtError(401, {"key": "unauthorized"})
            for regex, methods in self._table:
                found = regex.match(path)
                if not found:
                    continue
                route = methods.get("GET" if request.method == "HEAD" else request.method)
                if route is None:
                    raise UserMgmtError(405, None, {"Allow": ", ".join(sorted(methods))})
                with state.lock:
                    return route.handler(state, key, found.groupdict())
            raise UserMgmtError(404, {"key": "notFound"})
        except UserMgmtError as exc:
            return exc.response()
