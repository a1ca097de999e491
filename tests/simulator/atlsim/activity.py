# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The accounts' API tokens and last-active dates (seed keys of ``accounts[]``), for the user management API
(:mod:`atlsim.routes_user_management`) and the Admin API's last-active dates (:mod:`atlsim.routes_admin_org`).

Seed (on an entry of ``accounts``)::

    api_tokens:                                   # the account's Atlassian API tokens (never a token value)
    - {id: tok-1, label: ci-pipeline, created: 400 days ago, expiry: in 200 days, last_access: 2 days ago}
    last_active: {bitbucket: 3 days ago, confluence: 2025-01-31}   # product key -> last active date

A date is ISO 8601 (``2025-01-31`` or ``2025-01-31T10:00:00Z``) or relative to the simulator's clock when the world is
built (load and every reset): ``N days ago`` / ``in N days``, at 00:00:00 UTC of that day (so a value stays the same
all day long and a plan made before a reset still matches after it). ``expiry`` and ``last_access`` are optional.
Moving the clock forward (``POST /_sim/clock``) ages every date: a token unused for 120 days at load is unused for 130
days ten days later.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, UTC

from .accounts import SeedError

PRODUCT_KEYS = (  # UserProductLastActive.key (the organization spec's enum)
    "jira-software",
    "jira-service-desk",
    "jira-core",
    "jira-ops",
    "stride",
    "hipchat",
    "confluence",
    "bitbucket",
    "trello",
    "opsgenie",
    "statuspage",
)
RELATIVE = re.compile(r"^\s*(?:(?P<ago>\d+)\s+days?\s+ago|in\s+(?P<ahead>\d+)\s+days?)\s*$", re.IGNORECASE)
TOKEN_KEYS = frozenset(("id", "label", "created", "expiry", "last_access"))


def resolve_date(value, now: float, where: str) -> datetime:
    """A seed date as an aware UTC datetime; relative forms count whole days from the UTC day of ``now``."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value)
    found = RELATIVE.match(text)
    if found:
        today = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        days = int(found.group("ago")) if found.group("ago") is not None else -int(found.group("ahead"))
        return today - timedelta(days=days)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SeedError("%s: %r is neither ISO 8601 nor 'N days ago' / 'in N days'" % (where, value)) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso_millis(moment: datetime) -> str:
    """``2015-04-12T23:20:50.522Z`` (ApiTokenModel's UTC-ISO8601 strings)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def iso_seconds(moment: datetime) -> str:
    """``yyyy-MM-dd'T'HH:mm:ss'Z'`` (the last-active timestamps)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Activity:
    """API tokens (account id -> [token]) and last-active dates (account id -> {product key: datetime})."""

    def __init__(self, entries, accounts, now: float):
        self.tokens: dict[str, list[dict]] = {}
        self.last_active: dict[str, dict[str, datetime]] = {}
        for entry in entries or ():
            if not isinstance(entry, dict) or not (entry.get("api_tokens") or entry.get("last_active")):
                continue
            account_id = accounts.ref(entry.get("email") or entry.get("account_id"), "accounts")["account_id"]
            where = "account %s" % account_id
            for raw in entry.get("api_tokens") or ():
                self.tokens.setdefault(account_id, []).append(self._token(raw, now, where))
            ids = [token["id"] for token in self.tokens.get(account_id, ())]
            if len(set(ids)) != len(ids):
                raise SeedError("%s: duplicate api_tokens id" % where)
            for product, value in (entry.get("last_active") or {}).items():
                if product not in PRODUCT_KEYS:
                    raise SeedError("%s last_active: %r is not a product key (%s)" % (where, product, ", ".join(PRODUCT_KEYS)))
                self.last_active.setdefault(account_id, {})[product] = resolve_date(value, now, where + " last_active")

    @staticmethod
    def _token(raw: dict, now: float, where: str) -> dict:
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("label") or not raw.get("created"):
            raise SeedError("%s api_tokens: every token needs id, label and created, not %r" % (where, raw))
        unknown = sorted(set(raw) - TOKEN_KEYS)
        if unknown:
            raise SeedError("%s api_tokens: unknown key(s) %s" % (where, ", ".join(unknown)))
        token = {"id": str(raw["id"]), "label": str(raw["label"])}
        for key in ("created", "expiry", "last_access"):
            token[key] = None if raw.get(key) is None else resolve_date(raw[key], now, "%s token %s" % (where, raw["id"]))
        return token

    def token_list(self, account_id: str) -> list[dict]:
        """The ApiTokenModel list of an account: ``id``, ``label``, ``createdAt``, ``expiry`` and ``lastAccess`` when set."""
        out = []
        for token in self.tokens.get(account_id, ()):
            item = {"id": token["id"], "label": token["label"], "createdAt": iso_millis(token["created"])}
            if token["expiry"] is not None:
                item["expiry"] = iso_millis(token["expiry"])
            if token["last_access"] is not None:
                item["lastAccess"] = iso_millis(token["last_access"])
            out.append(item)
        return out

    def revoke(self, account_id: str, token_id: str) -> dict | None:
        """Remove one token and return it; None when the account holds no token with that id."""
        tokens = self.tokens.get(account_id, [])
        for index, token in enumerate(tokens):
            if token["id"] == token_id:
                del tokens[index]
                return token
        return None
