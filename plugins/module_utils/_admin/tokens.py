# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API tokens of managed accounts, through Atlassian's user-management API
(``atlassian-admin-user-management.swagger.v3.2026-08-21.json``, server ``https://api.atlassian.com``: ``admin_url``
itself, without ``/admin``; the same Bearer organization API key):

* ``GET /users/{account_id}/manage/api-tokens``: 200 a JSON array of ``ApiTokenModel`` (``id``, ``label``,
  ``createdAt``, optional ``expiry`` and ``lastAccess``); 403 with the spec's Forbidden.Action body (``forbidden.action``,
  ``forbidden.targetUnverified``: the organization does not manage the account); 404 (NotFound.Account).
* ``DELETE /users/{account_id}/manage/api-tokens/{tokenId}``: 204; 404 ``notFound`` (the token is gone).

``ApiTokenClient`` makes the calls; ``token_info`` is ``atlassian_api_token_info``, ``revoke_tokens`` is
``atlassian_api_token``. Only the fields named above are ever copied from an answer: a token's secret value is never
in a result (the API does not return it; if it ever did, it would be dropped here).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._engine import make_diff
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    AtlassianError,
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
    UnexpectedAnswerError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import ApiClient

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport

# the 403 keys of Response.Forbidden.Action that mean "this organization does not manage the account"
NOT_MANAGED_KEYS = ("forbidden.action", "forbidden.targetUnverified")
# the plan item of one token revoked (docs/plans.md)
TOKEN_KIND = "api_token"
REVOKE_ACTION = "revoke_api_token"
LOST = "%s: revoked; answer lost, the retry found it gone"


def _key(err: AtlassianError) -> Any:
    body = getattr(err, "body", None)
    return body.get("key") if isinstance(body, dict) else None


def _word(value: Any) -> str:
    """An error key of the API as it is (``managedAccount``), or shown quoted when it is anything else."""
    text = str(value)
    return text if re.match(r"^[A-Za-z0-9._-]{1,64}$", text) else validate.show(text)


def not_managed_reason(err: ForbiddenError) -> str | None:
    """Why a 403 means the organization does not manage the account (None: another 403, an error)."""
    key = _key(err)
    if key not in NOT_MANAGED_KEYS:
        return None
    if key == "forbidden.targetUnverified":
        return "not managed by the organization: the account is not verified (forbidden.targetUnverified)"
    context = err.body.get("context") if isinstance(err.body.get("context"), dict) else {}
    reason = context.get("reason") if isinstance(context.get("reason"), dict) else {}
    why = reason.get("key")
    return "not managed by the organization (forbidden.action%s)" % (": %s" % _word(why) if why else "")


class ApiTokenClient(ApiClient):
    """The user-management API (``transport``: base URL ``admin_url``) for the organization ``org_id``."""

    last_answer_lost = False

    def __init__(self, transport: Transport, org_id: str) -> None:
        super().__init__(transport)
        self.org_id = org_id

    def _on(self, transport: Transport) -> ApiTokenClient:
        return ApiTokenClient(transport, self.org_id)

    @staticmethod
    def tokens_path(account_id: str) -> str:
        return "/users/%s/manage/api-tokens" % validate.path_segment(account_id)

    def tokens(self, account_id: str) -> tuple[list[dict[str, Any]] | None, str | None]:
        """``(tokens, None)``: the shaped tokens of a managed account; ``(None, reason)`` when the organization does not
        manage it (403 Forbidden.Action) or the account is not found (404). Any other error is raised."""
        path = self.tokens_path(account_id)
        try:
            body = self.transport.request_json("GET", path)
        except ForbiddenError as err:
            reason = not_managed_reason(err)
            if reason is None:
                raise
            return None, reason
        except NotFoundError as err:
            return None, "account not found (%s)" % _word(_key(err) or "HTTP 404")
        shown = self.transport.shown_path(path)
        if not isinstance(body, list):
            raise UnexpectedAnswerError(
                "GET %s answered %s where a list of API tokens was expected" % (shown, type(body).__name__),
                method="GET",
                path=shown,
                status=200,
                secrets=self.transport.secrets,
            )
        shaped = []
        for item in body:
            if not isinstance(item, dict):
                raise UnexpectedAnswerError(
                    "GET %s answered an API token that is not an object" % shown,
                    method="GET",
                    path=shown,
                    status=200,
                    secrets=self.transport.secrets,
                )
            validate.server_segment(item.get("id"), "an API token id", method="GET", path=shown)
            shaped.append(shape_token(account_id, item))
        return shaped, None

    def revoke(self, account_id: str, token_id: str) -> bool:
        """DELETE one token: True when deleted by this call; False when the API says it is not there (404). A 404 to a
        retry of a DELETE that may have reached the API is the token this call deleted (``last_answer_lost``)."""
        self.last_answer_lost = False
        path = "%s/%s" % (self.tokens_path(account_id), validate.path_segment(token_id))
        try:
            self.transport.request("DELETE", path)
        except NotFoundError as err:
            if _key(err) == "accountNotFound":
                raise
            self.last_answer_lost = bool(self.transport.last_maybe_applied)
            return self.last_answer_lost
        return True


def shape_token(account_id: str, item: dict[str, Any]) -> dict[str, Any]:
    """A token as the modules return it: only these keys, null when the API leaves one out."""

    def text(key: str) -> str | None:
        value = item.get(key)
        return value if isinstance(value, str) and value else None

    return {
        "account_id": account_id,
        "id": item.get("id"),
        "label": text("label"),
        "created_at": text("createdAt"),
        "expires_at": text("expiry"),
        "last_access": text("lastAccess"),
    }


def token_change(org_id: str, token: dict[str, Any]) -> dict[str, Any]:
    """The plan item of one token revoked: key ``admin:api_token:account:<account_id>:token:<token_id>``."""
    return {
        "api": "admin",
        "kind": TOKEN_KIND,
        "action": REVOKE_ACTION,
        "target": {"org": org_id, "account_id": token["account_id"]},
        "subject": {"type": "api_token", "id": token["id"], "label": token["label"]},
        "before": {k: token[k] for k in ("label", "created_at", "expires_at", "last_access")},
        "after": None,
    }


def _account_id(value: Any, option: str) -> str:
    kind, normalized = validate.user_identifier(value, option, kinds=("account_id",))
    return normalized


def _account_ids(params: dict[str, Any]) -> list[str]:
    values = params.get("account_ids")
    if not values:
        raise ConfigurationError("account_ids must name at least one Atlassian account ID")
    unique = []
    for value in values:
        account_id = _account_id(value, "account_ids")
        if account_id not in unique:
            unique.append(account_id)
    return unique


def token_info(client: ApiTokenClient, params: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """``atlassian_api_token_info``: the tokens of each account; an account the organization does not manage, or
    that is not found, is reported (``managed: false`` and the reason), never a failure."""
    accounts, flat = [], []
    for account_id in _account_ids(params):
        tokens, reason = client.tokens(account_id)
        accounts.append({"account_id": account_id, "managed": tokens is not None, "reason": reason, "tokens": tokens or []})
        flat.extend(tokens or [])
    return {"changed": False, "accounts": accounts, "tokens": flat}, False


def _token_ids(params: dict[str, Any]) -> list[str] | None:
    """The token ids asked for (None: ``all``), checked before any request."""
    ids, every = params.get("token_ids"), bool(params.get("all"))
    if every and ids:
        raise ConfigurationError("token_ids and all are mutually exclusive: name the tokens, or set all: true")
    if every:
        return None
    if not ids:
        raise ConfigurationError("token_ids must name at least one API token id, or set all: true to revoke every token")
    unique = []
    for value in ids:
        token_id = validate.opaque_id(value, "token_ids", "an API token id (letters, digits, '-', '_', '.', '~')")
        if token_id not in unique:
            unique.append(token_id)
    return unique


def revoke_tokens(client: ApiTokenClient, params: dict[str, Any], check_mode: bool = False) -> tuple[dict[str, Any], bool]:
    """``atlassian_api_token`` (``state: absent``): revoke the tokens named (or all) of one managed account."""
    if (params.get("state") or "absent") != "absent":
        raise ConfigurationError("state must be absent (API tokens can only be revoked)")
    account_id = _account_id(params.get("account_id"), "account_id")
    wanted = _token_ids(params)
    header = "%s (API tokens)" % account_id
    tokens, reason = client.tokens(account_id)
    if tokens is None:
        result = {
            "changed": False,
            "managed": False,
            "reason": reason,
            "revoked": [],
            "not_found": list(wanted or ()),
            "changes": [],
            "diff": make_diff({"api_tokens": []}, {"api_tokens": []}, header, header),
        }
        return result, False
    by_id = {t["id"]: t for t in tokens}
    todo = list(tokens) if wanted is None else [by_id[i] for i in wanted if i in by_id]
    not_found = [] if wanted is None else [i for i in wanted if i not in by_id]
    done, lost, failure = [], [], None
    if check_mode:
        done = list(todo)
    else:
        for token in todo:
            try:
                deleted = client.revoke(account_id, token["id"])
            except AtlassianError as err:
                if not done:
                    raise
                failure = err
                break
            if deleted:
                done.append(token)
                if client.last_answer_lost:
                    lost.append(LOST % token["id"])
            else:
                not_found.append(token["id"])  # gone between the read and the DELETE: not this run's change
    gone = {t["id"] for t in done} | set(not_found)
    result = {
        "changed": bool(done),
        "managed": True,
        "reason": None,
        "revoked": done,
        "not_found": not_found,
        "changes": [token_change(client.org_id, t) for t in done],
        "diff": make_diff(
            {"api_tokens": [_diff_line(t) for t in tokens]},
            {"api_tokens": [_diff_line(t) for t in tokens if t["id"] not in gone]},
            header,
            header,
        ),
    }
    if lost:
        result["answer_lost"] = lost
    if failure is None:
        return result, False
    result.update(failure.as_result())
    result["msg"] = "%s. Revoked before the failure: %s; run the task again to finish" % (
        failure.message,
        ", ".join(t["id"] for t in done),
    )
    return result, True


def _diff_line(token: dict[str, Any]) -> str:
    return "%s (%s)" % (token["id"], token["label"] or "no label")
