# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The risk flags of a member of the access review.

``member_flags(row, activity, tokens, now, ...)`` returns ``(flags, details)``: the names of :data:`FLAGS` that apply,
in that order, and a sentence for each (dates, never a count of days: a report written twice the same day is the
same). ``activity`` comes from ``activity_of`` (the Admin API's last-active dates of the account, None when not read),
``tokens`` from ``tokens_of`` (the account's API tokens, None when not read)."""

from __future__ import annotations

import datetime
from typing import Any

FLAGS = ("dormant", "direct_admin", "group_admin", "residual", "token_unused", "token_expiring")
FLAG_TITLES = {
    "dormant": "dormant on Bitbucket",
    "direct_admin": "direct user admin",
    "group_admin": "admin through a group",
    "residual": "residual access",
    "token_unused": "API token unused",
    "token_expiring": "API token expiring",
}
INACTIVE_STATUSES = ("suspended", "deactivated", "for_deletion")
EXPLICIT_SOURCES = ("repository user", "project user")
# datetime.UTC is 3.11+; ansible-test compiles controller code for older Pythons too
UTC = datetime.timezone.utc  # noqa: UP017
LISTED = 5  # repositories named in a detail before "and N more"


def parse_time(value: Any) -> datetime.datetime | None:
    """An ISO 8601 date or date-time (``Z``, an offset or none: UTC) as an aware UTC datetime; None when blank or not
    a date."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        if len(text) == 10:
            parsed = datetime.datetime.strptime(text, "%Y-%m-%d")
        else:
            parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _day(value: Any) -> str:
    parsed = parse_time(value)
    return parsed.strftime("%Y-%m-%d") if parsed else str(value)


def activity_of(user: dict | None) -> dict | None:
    """``{"bitbucket": <last active date or None>, "bitbucket_access": bool}`` of an atlassian_user_info user
    (``last_active``: product key -> latest date, null for a product without one; from the search's
    ``lastActiveTimestamp`` of each product the user has access to, merged with the per-user read when it was asked
    with include_last_active); None when the user carries no last-active dates (no product access read) or the API
    does not know the account."""
    if not isinstance(user, dict) or not isinstance(user.get("last_active"), dict):
        return None
    dates = user["last_active"]
    access = "bitbucket" in dates or any(
        isinstance(p, dict) and "bitbucket" in (p.get("product"), p.get("key")) for p in user.get("product_access") or []
    )
    return {"bitbucket": dates.get("bitbucket") or None, "bitbucket_access": access}


def tokens_of(account: dict | None) -> dict | None:
    """``{"managed", "reason", "tokens"}`` of an atlassian_api_token_info account (tokens without their account_id,
    sorted by creation), None when not read."""
    if not isinstance(account, dict):
        return None
    tokens = [
        {key: token.get(key) for key in ("id", "label", "created_at", "expires_at", "last_access")}
        for token in account.get("tokens") or []
        if isinstance(token, dict)
    ]
    tokens.sort(key=lambda t: (str(t["created_at"] or ""), str(t["id"] or "")))
    return {"managed": bool(account.get("managed")), "reason": account.get("reason"), "tokens": tokens}


def _names(slugs: list[str]) -> str:
    slugs = sorted(slugs)
    shown = ", ".join(slugs[:LISTED])
    return shown + (" and %d more" % (len(slugs) - LISTED) if len(slugs) > LISTED else "")


def _admin_flags(row: dict) -> dict:
    details = {}
    direct = [slug for slug, cell in row["cells"].items() if cell["admin"] and set(cell["sources"]) & set(EXPLICIT_SOURCES)]
    projects = sorted(key for key, level in row["explicit"]["projects"].items() if level == "admin")
    if direct or projects:
        parts = []
        if direct:
            parts.append("repositories " + _names(direct))
        if projects:
            parts.append("projects " + ", ".join(projects))
        details["direct_admin"] = "admin through an explicit user permission on " + "; ".join(parts)
    grouped = [slug for slug, cell in row["cells"].items() if cell["admin"] and "group" in cell["sources"]]
    if grouped:
        named = sorted({g["name"] for slug in grouped for g in row["cells"][slug].get("groups") or []})
        details["group_admin"] = "admin through a group (%s) on repositories %s" % (
            ", ".join(named) if named else "not identifiable",
            _names(grouped),
        )
    return details


def _token_flags(tokens: dict | None, now: datetime.datetime, unused_days: int, expiry_days: int) -> dict:
    details: dict[str, str] = {}
    if not tokens:
        return details
    unused, expiring = [], []
    for token in tokens["tokens"]:
        label = "%r" % str(token.get("label") or token.get("id"))
        last = parse_time(token.get("last_access"))
        created = parse_time(token.get("created_at"))
        if last is not None and last < now - datetime.timedelta(days=unused_days):
            unused.append("%s last used %s" % (label, _day(token["last_access"])))
        elif last is None and created is not None and created < now - datetime.timedelta(days=unused_days):
            unused.append("%s never used (created %s)" % (label, _day(token["created_at"])))
        expires = parse_time(token.get("expires_at"))
        if expires is not None and now <= expires <= now + datetime.timedelta(days=expiry_days):
            expiring.append("%s expires %s" % (label, _day(token["expires_at"])))
    if unused:
        details["token_unused"] = "API token unused for more than %d days: %s" % (unused_days, "; ".join(unused))
    if expiring:
        details["token_expiring"] = "API token expiring within %d days: %s" % (expiry_days, "; ".join(expiring))
    return details


def member_flags(
    row: dict,
    activity: dict | None,
    tokens: dict | None,
    now: datetime.datetime,
    dormant_days: int = 90,
    token_unused_days: int = 90,
    token_expiry_days: int = 30,
) -> tuple[list[str], dict[str, str]]:
    """The flags of a matrix row (its cells, explicit permissions and residual access already set)."""
    details: dict[str, str] = {}
    if activity is not None:
        last = parse_time(activity.get("bitbucket"))
        if last is not None and last < now - datetime.timedelta(days=dormant_days):
            details["dormant"] = "last active on Bitbucket %s (more than %d days before the review)" % (
                _day(activity["bitbucket"]),
                dormant_days,
            )
        elif last is None and activity.get("bitbucket_access"):
            details["dormant"] = "no Bitbucket activity recorded"
    details.update(_admin_flags(row))
    if row.get("residual"):
        held = [slug for slug, cell in row["cells"].items() if cell["residual"]]
        held += ["project " + key for key in sorted(row["explicit"]["projects"])]
        status = row.get("admin_status")
        details["residual"] = "%s account still holding explicit permissions on %s" % (
            status if status in INACTIVE_STATUSES else "SCIM-deactivated",
            _names(held) if held else "nothing listed",
        )
    details.update(_token_flags(tokens, now, token_unused_days, token_expiry_days))
    return [flag for flag in FLAGS if flag in details], {flag: details[flag] for flag in FLAGS if flag in details}
