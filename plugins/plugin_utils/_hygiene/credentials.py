# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When the keys a runbook uses expire (docs/credentials.md), in plain Python: the filter
plugins/filter/credential_warnings.py is its documented entry, roles/plan/tasks/credentials.yml its task file.

- The Bitbucket API token: the Admin API lists the API tokens of an account the organization manages
  (``atlassian_api_token_info``), never which one a request used. The token of this run is taken to be the one the
  caller named by label (``atlassian_api_token_label``), else the account's only token, else the one whose
  ``last_access`` is the newest (the run has just used its token to read the caller's account). When none can be told
  apart, or the account is not managed, a declared ``atlassian_api_token_expires`` date is used, if any.
- The SCIM API key and the organization Admin API key: no API states their expiry; declared dates
  (``atlassian_scim_token_expires``, ``atlassian_admin_api_key_expires``).

A date without a time is the start of that day (UTC): the key is expired on that day already."""

from __future__ import annotations

import datetime as _dt
import re

# datetime.UTC is 3.11+; ansible-test compiles controller code for older Pythons too
UTC = _dt.timezone.utc  # noqa: UP017
DAY = 86400.0
DEFAULT_WARN_DAYS = 14
# credential key -> (what it is, the variable that declares its expiry)
CREDENTIALS = {
    "bitbucket_api_token": ("the Bitbucket API token", "atlassian_api_token_expires"),
    "scim_token": ("the SCIM API key", "atlassian_scim_token_expires"),
    "admin_api_key": ("the organization Admin API key", "atlassian_admin_api_key_expires"),
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CredentialInputError(ValueError):
    """A declared date or a setting that cannot be read."""


def parse_when(value, option="date"):
    """An aware UTC datetime of a date or date-time (text, ``date`` or ``datetime``); None for none or empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        raise CredentialInputError("%s: %r is not a date (YYYY-MM-DD or an ISO 8601 date-time)" % (option, value))
    text = value.strip()
    try:
        if _DATE.match(text):
            return parse_when(_dt.date.fromisoformat(text), option)
        return parse_when(_dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text), option)
    except ValueError:
        raise CredentialInputError("%s: %r is not a date (YYYY-MM-DD or an ISO 8601 date-time)" % (option, value)) from None


def warn_days_of(value):
    if isinstance(value, bool):
        raise CredentialInputError("atlassian_credential_warn_days: %r is not a number of days" % (value,))
    try:
        days = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise CredentialInputError("atlassian_credential_warn_days: %r is not a number of days" % (value,)) from None
    if days < 0:
        raise CredentialInputError("atlassian_credential_warn_days: %d must be 0 or more" % days)
    return days


def pick_token(tokens, label=None):
    """``(token, how)``: the token this run uses among the account's ``tokens`` (see the module docstring), or
    ``(None, why not)``."""
    tokens = [t for t in tokens or [] if isinstance(t, dict)]
    if label:
        tokens = [t for t in tokens if t.get("label") == label]
        if not tokens:
            return None, "the caller's account has no API token labelled %r" % label
        if len(tokens) == 1:
            return tokens[0], "token %r (atlassian_api_token_label)" % label
    if not tokens:
        return None, "the caller's account lists no API token"
    if len(tokens) == 1:
        return tokens[0], "token %r, the account's only API token" % tokens[0].get("label")
    used = []
    for token in tokens:
        try:
            when = parse_when(token.get("last_access"), "last_access")
        except CredentialInputError:
            when = None
        if when is not None:
            used.append((when, token))
    used.sort(key=lambda pair: pair[0], reverse=True)
    if not used or (len(used) > 1 and used[0][0] == used[1][0]):
        return None, "the account has %d API tokens and none was used last (name it with atlassian_api_token_label)" % len(tokens)
    return used[0][1], "token %r, the caller's API token used most recently (%s)" % (
        used[0][1].get("label"),
        used[0][1].get("last_access"),
    )


def _record(key, source, expires, how, now, warn_days):
    name = CREDENTIALS[key][0]
    record = {"credential": key, "name": name, "source": source, "how": how, "expires": None, "days_left": None}
    if expires is None:
        record["status"] = "unknown" if source is None else "no_expiry"
        return record
    left = (expires - now).total_seconds() / DAY
    record.update(expires=expires.isoformat().replace("+00:00", "Z"), days_left=int(left // 1))
    record["status"] = "expired" if left <= 0 else "expiring" if left <= warn_days else "ok"
    return record


def _message(record):
    day = record["expires"][:10]
    if record["status"] == "expired":
        return "%s expired on %s (%s): create a new one and update the credential (the run stops before any change)" % (
            record["name"],
            day,
            record["how"],
        )
    left = record["days_left"]
    when = "within a day" if left < 1 else "in %d day%s" % (left, "" if left == 1 else "s")
    return "%s expires on %s, %s (%s): create a new one and update the credential before then" % (
        record["name"],
        day,
        when,
        record["how"],
    )


def _declared(key, declared):
    variable = CREDENTIALS[key][1]
    return parse_when((declared or {}).get(key), variable), "declared in " + variable


def _api_token(token_info, account_id, label):
    """``(expires or None, source or None, how)`` of the Bitbucket API token from an atlassian_api_token_info result."""
    if not isinstance(token_info, dict) or token_info.get("skipped"):
        return None, None, "not read (no Admin API, or no API token auth)"
    if token_info.get("failed"):
        return None, None, "the API tokens could not be read: %s" % (token_info.get("msg") or "unknown error")
    accounts = [a for a in token_info.get("accounts") or [] if isinstance(a, dict)]
    account = next((a for a in accounts if a.get("account_id") == account_id), accounts[0] if len(accounts) == 1 else None)
    if account is None:
        return None, None, "the caller's account was not in the answer"
    if not account.get("managed"):
        return (
            None,
            None,
            "the caller's account is not managed by the organization (%s)" % (account.get("reason") or "no reason given"),
        )
    token, how = pick_token(account.get("tokens"), label)
    if token is None:
        return None, None, how
    return parse_when(token.get("expires_at"), "expires_at"), "api", "the Admin API: " + how


def check(token_info=None, account_id=None, declared=None, warn_days=DEFAULT_WARN_DAYS, now=None, token_label=None):
    """The credential check: ``{warn_days, credentials, warnings, expired, notes}`` (see the filter's RETURN)."""
    warn_days = warn_days_of(warn_days)
    now = parse_when(now, "now") if now is not None else _dt.datetime.now(UTC)
    declared = declared if isinstance(declared, dict) else {}
    unknown = set(declared) - set(CREDENTIALS)
    if unknown:
        raise CredentialInputError("declared: unknown credentials %s (known: %s)" % (sorted(unknown), sorted(CREDENTIALS)))
    records, notes = [], []
    expires, source, how = _api_token(token_info, account_id, token_label)
    if source is None:
        fallback, said = _declared("bitbucket_api_token", declared)
        if fallback is not None:
            notes.append("the Bitbucket API token's expiry from the API: %s; the declared date is used" % how)
            expires, source, how = fallback, "declared", said
        elif isinstance(token_info, dict) and not token_info.get("skipped"):
            notes.append("the Bitbucket API token's expiry is not known: %s" % how)
    records.append(_record("bitbucket_api_token", source, expires, how, now, warn_days))
    for key in ("scim_token", "admin_api_key"):
        when, said = _declared(key, declared)
        if when is not None:
            records.append(_record(key, "declared", when, said, now, warn_days))
    return {
        "warn_days": warn_days,
        "credentials": records,
        "warnings": [_message(r) for r in records if r["status"] == "expiring"],
        "expired": [_message(r) for r in records if r["status"] == "expired"],
        "notes": notes,
    }
