# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding step that revokes the leavers' API tokens (issue 23), in plain Python.

An Atlassian API token keeps working until it is revoked or the account is deleted: removing permissions and group
memberships leaves it alive. The step reads the tokens of everyone still in progress once
(``atlassian_api_token_info``, registered as ``tokens_info``), then revokes each person's tokens by id
(``atlassian_api_token``, one loop item per person, registered as ``tokens``). An account the organization does not
manage (its tokens can be neither listed nor revoked with the organization's key) is reported, never a failure.

Each person's record gains ``actions.api_tokens``::

    {"requested": bool, "managed": bool | None, "reason": str | None, "detail": str,
     "tokens": [{"id", "label", "created_at", "expires_at", "last_access", "status"}]}

with ``status`` one of ``revoked``, ``planned`` (check mode or a plan: would be revoked), ``already_gone`` (listed,
then gone when revoked), ``not_revoked`` (the revocation failed or did not run).
"""

from __future__ import annotations

from typing import Any

TOKEN_FIELDS = ("label", "created_at", "expires_at", "last_access")
STATUS_TEXT = {
    "revoked": "revoked",
    "planned": "to revoke (planned)",
    "already_gone": "already gone",
    "not_revoked": "not revoked",
}


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def new_tokens(state: dict) -> dict:
    """The initial ``actions.api_tokens`` of a person."""
    requested = bool(state.get("revoke_api_tokens", True))
    if not requested:
        detail = "not requested (offboarding_revoke_api_tokens=false)"
    elif not state.get("use_admin_api"):
        detail = "not read: the organization Admin API is not configured"
    else:
        detail = "not read"
    return {"requested": requested, "managed": None, "reason": None, "detail": detail, "tokens": []}


def wanted(state: dict) -> bool:
    """Whether the run reads and revokes API tokens at all."""
    return bool(state.get("revoke_api_tokens", True)) and bool(state.get("use_admin_api"))


def _account(info: dict, account_id: str | None) -> dict | None:
    for account in _list(_dict(info).get("accounts")):
        if isinstance(account, dict) and account.get("account_id") == account_id:
            return account
    return None


def _token(raw: Any) -> dict:
    raw = _dict(raw)
    token = {"id": raw.get("id")}
    token.update({field: raw.get(field) for field in TOKEN_FIELDS})
    return token


def account_ids(entries: list[dict]) -> list[str]:
    """The account ids whose tokens the shared read lists (each once, in the order of the people)."""
    return list(dict.fromkeys(e["record"]["account_id"] for e in entries if e["record"].get("account_id")))


def revoke_item(entry: dict, info: dict) -> dict | None:
    """The loop item of the revocation of one person's tokens (None: nothing to revoke)."""
    record = entry["record"]
    account = _account(info, record.get("account_id"))
    if not account or not account.get("managed"):
        return None
    ids = [t.get("id") for t in _list(account.get("tokens")) if isinstance(t, dict) and t.get("id")]
    if not ids:
        return None
    return {"input": record["input"], "account_id": record["account_id"], "email": record["email"], "token_ids": ids}


def _ids(values: Any) -> list:
    return [v.get("id") if isinstance(v, dict) else v for v in _list(values)]


def step(state: dict, entry: dict, info: dict, result: dict) -> str | None:
    """Record what the token step did for one person; returns the failure message (None: go on)."""
    tokens = entry["actions"]["api_tokens"]
    record = entry["record"]
    if not wanted(state):
        return None
    info = _dict(info)
    if not info or info.get("skipped"):
        tokens["detail"] = "not read (the step did not run)"
        return None
    if info.get("failed"):
        tokens["detail"] = "not read: the read failed"
        return "The read of the API tokens (shared by everyone) failed, nothing was revoked: %s" % (info.get("msg") or "failed")
    account = _account(info, record.get("account_id"))
    if not record.get("account_id") or account is None:
        tokens["detail"] = "not read: no Atlassian account id is known for %s" % record["input"]
        return None
    tokens["managed"] = bool(account.get("managed"))
    tokens["reason"] = account.get("reason")
    if not tokens["managed"]:
        tokens["detail"] = "not managed by the organization%s: its API tokens can be neither listed nor revoked" % (
            " (%s)" % account["reason"] if account.get("reason") else ""
        )
        return None
    tokens["tokens"] = [_token(t) for t in _list(account.get("tokens")) if isinstance(t, dict)]
    if not tokens["tokens"]:
        tokens["detail"] = "no API token"
        return None
    result = _dict(result)
    entry["calls"]["tokens"] = entry["calls"].get("tokens", 0) + _calls(result)
    revoked = _ids(result.get("revoked"))
    if not revoked:
        revoked = [_dict(c.get("subject")).get("id") for c in _list(result.get("changes")) if isinstance(c, dict)]
    gone = _ids(result.get("not_found"))
    check = bool(state.get("check"))
    for token in tokens["tokens"]:
        if token["id"] in revoked:
            token["status"] = "planned" if check else "revoked"
        elif token["id"] in gone:
            token["status"] = "already_gone"
        else:
            token["status"] = "not_revoked"
    entry["changed"] = entry["changed"] or bool(result.get("changed"))
    counts = {}
    for token in tokens["tokens"]:
        counts[token["status"]] = counts.get(token["status"], 0) + 1
    tokens["detail"] = ", ".join("%d %s" % (n, STATUS_TEXT[s]) for s, n in counts.items())
    if result.get("failed"):
        return result.get("msg") or "failed"
    if result.get("skipped") or not result:
        tokens["detail"] += " (the revocation did not run)"
    return None


def _calls(result: Any) -> int:
    try:
        return int(_dict(_dict(result).get("api_calls")).get("total") or 0)
    except (TypeError, ValueError):
        return 0


def not_managed(people: list[dict]) -> list[str]:
    """One sentence per person whose API tokens the organization cannot revoke (the plan's refused / not-made list)."""
    lines = []
    for person in people:
        tokens = _dict(_dict(person.get("actions")).get("api_tokens"))
        if tokens.get("managed") is False:
            lines.append(
                "%s: API tokens not revoked: the account is not managed by the organization%s"
                % (person.get("input"), " (%s)" % tokens["reason"] if tokens.get("reason") else "")
            )
    return lines


def token_summary(tokens: Any, predicted: bool) -> str:
    """The API tokens in a person's one-line outcome ("" when there is nothing to say)."""
    tokens = _dict(tokens)
    if tokens.get("managed") is False:
        return "API tokens not managed by the organization"
    listed = _list(tokens.get("tokens"))
    revoked = [t for t in listed if t.get("status") in ("revoked", "planned")]
    left = [t for t in listed if t.get("status") == "not_revoked"]
    parts = []
    if revoked:
        parts.append(
            "%s %d API token%s" % ("would revoke" if predicted else "revoked", len(revoked), "" if len(revoked) == 1 else "s")
        )
    if left:
        parts.append("%d API token%s not revoked" % (len(left), "" if len(left) == 1 else "s"))
    return ", ".join(parts)


def token_lines(tokens: Any, md: Any) -> list[str]:
    """The Markdown of a person's API tokens (``md`` escapes a cell): a line, then one table row per token."""
    tokens = _dict(tokens)
    if not tokens:
        return []
    if tokens.get("managed") is False:
        return ["- API tokens: **not managed by the organization** - not listed, not revoked (%s)" % md(tokens.get("reason"))]
    lines = ["- API tokens: %s" % md(tokens.get("detail") or "none")]
    listed = _list(tokens.get("tokens"))
    if listed:
        lines += ["", "| API token | Id | Created | Last access | Expires | Status |", "| --- | --- | --- | --- | --- | --- |"]
        for token in listed:
            lines.append(
                "| %s | %s | %s | %s | %s | %s |"
                % (
                    md(token.get("label") or "(no label)"),
                    md(token.get("id")),
                    md(token.get("created_at") or "unknown"),
                    md(token.get("last_access") or "never"),
                    md(token.get("expires_at") or "no expiry date"),
                    md(STATUS_TEXT.get(token.get("status"), token.get("status") or "unknown")),
                )
            )
    return lines
