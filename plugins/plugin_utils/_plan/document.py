# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan document: item keys, the content id, a new plan and the checks made before one is applied.

A plan is a JSON document (docs/plans.md, docs/plans.schema.json)::

    {"version": 1, "id": sha256 of the rest, "role", "created_at", "expires_at", "created_by": {bitbucket, admin, scim},
     "workspace", "inputs", "items": [change + key + reason (+ confirmed_by)], "summary"}

Its id is the hash of its whole content: any edit (an item added, a level changed, the expiry pushed) changes it,
so an approval given to one id cannot be applied to another content.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any

PLAN_VERSION = 1
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
APIS = ("bitbucket", "admin", "scim")
KINDS = {
    "repository_permission": "bitbucket",
    "project_permission": "bitbucket",
    "group_membership": "admin",
    "account": "admin",
    "scim_user": "scim",
    "api_token": "admin",
}
ACTIONS = {
    "repository_permission": ("grant", "change", "revoke"),
    "project_permission": ("grant", "change", "revoke"),
    "group_membership": ("add", "remove"),
    "account": ("invite", "suspend", "restore", "remove"),
    "scim_user": ("create", "update", "deactivate", "delete"),
    "api_token": ("revoke_api_token",),
}
# a plan made on a clock a little ahead of the one that applies it is still accepted
CLOCK_SKEW = timedelta(minutes=5)
# datetime.UTC is 3.11+; ansible-test compiles controller code for older Pythons too
_UTC = timezone.utc  # noqa: UP017


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("a change item needs %s (a non-empty string), got %r" % (what, value))
    return value


def _user_part(subject: dict, *, email: bool = False) -> str:
    if subject.get("type") != "user":
        raise ValueError("a change item of this kind needs a user subject, got %r" % subject.get("type"))
    ident = subject.get("account_id") or (subject.get("email") if email else None)
    return "user:" + _text(ident, "subject.account_id" + (" or subject.email" if email else ""))


def item_key(change: dict) -> str:
    """The stable key of a change: ``api:kind:target:subject``, built from what the change is about (never from its
    before / after), e.g. ``bitbucket:repository_permission:acme/infra-core:user:712020:abc`` or
    ``admin:api_token:account:712020:abc:token:tok-1``."""
    if not isinstance(change, dict):
        raise ValueError("a change item must be a mapping, got %s" % type(change).__name__)
    kind = _text(change.get("kind"), "kind")
    if kind not in KINDS:
        raise ValueError("unknown change kind %r (known: %s)" % (kind, ", ".join(KINDS)))
    api = _text(change.get("api"), "api")
    if api != KINDS[kind]:
        raise ValueError("a %s change belongs to the %s API, not %r" % (kind, KINDS[kind], api))
    target = change.get("target")
    subject = change.get("subject")
    if not isinstance(target, dict) or not isinstance(subject, dict):
        raise ValueError("a change item needs target and subject mappings")
    if kind in ("repository_permission", "project_permission"):
        scope = "repository" if kind == "repository_permission" else "project"
        where = "%s/%s" % (_text(target.get("workspace"), "target.workspace"), _text(target.get(scope), "target." + scope))
        if subject.get("type") == "group":
            who = "group:" + _text(subject.get("slug"), "subject.slug")
        else:
            who = _user_part(subject)
    elif kind == "group_membership":
        where = "%s/%s" % (_text(target.get("org"), "target.org"), _text(target.get("group_id"), "target.group_id"))
        who = _user_part(subject)
    elif kind == "account":
        where = _text(target.get("org"), "target.org")
        who = _user_part(subject, email=True)
    elif kind == "api_token":
        # a user's API token (user-management API: no organization in its path): account:<id>:token:<id>
        where = "account:" + _text(target.get("account_id"), "target.account_id")
        who = "token:" + _text(subject.get("id"), "subject.id")
    else:
        where = _text(target.get("directory"), "target.directory")
        who = _text(subject.get("user_name"), "subject.user_name")
    return "%s:%s:%s:%s" % (api, kind, where, who)


def canonical(obj: Any) -> bytes:
    """The one serialization the id is computed on: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def plan_id(plan: dict) -> str:
    """sha256 (hex) of the canonical plan without its ``id`` key: any edit of the content changes it."""
    return hashlib.sha256(canonical({k: v for k, v in plan.items() if k != "id"})).hexdigest()


def utc(now: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC), to the second."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=_UTC)
    return now.astimezone(_UTC).replace(microsecond=0)


def plain_times(value: Any) -> Any:
    """``value`` with every datetime (at any depth) written back as the plan's time text. A plan that travelled as YAML
    extra vars (AWX passes workflow artifacts on as !unsafe values, which ansible-core >= 2.19 resolves as plain YAML)
    can come back with datetimes where it had times; any other changed value still changes the id (refused)."""
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, dict):
        return {key: plain_times(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_times(item) for item in value]
    return value


def format_time(when: datetime) -> str:
    return utc(when).strftime(TIME_FORMAT)


def parse_time(text: Any) -> datetime:
    """A plan time (``2026-12-05T13:40:00Z``) as an aware UTC datetime; ValueError when it is none."""
    if not isinstance(text, str):
        raise ValueError("not a time: %r" % (text,))
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=_UTC)


def apis_of(items: list) -> list[str]:
    """The APIs the items use, in the order of APIS."""
    used = {item.get("api") for item in items if isinstance(item, dict)}
    return [api for api in APIS if api in used]


def new_plan(
    *,
    role: str,
    workspace: str,
    inputs: Any,
    items: list,
    created_by: dict,
    now: datetime,
    max_age_hours: float,
    summary: dict,
) -> dict:
    """The plan document of these items (kept in their order; an item without key gets item_key's)."""
    if not isinstance(role, str) or not role:
        raise ValueError("a plan needs its role")
    if not isinstance(workspace, str) or not workspace:
        raise ValueError("a plan needs its workspace")
    if not isinstance(max_age_hours, (int, float)) or isinstance(max_age_hours, bool) or max_age_hours <= 0:
        raise ValueError("max_age_hours must be a positive number, got %r" % (max_age_hours,))
    if not isinstance(items, list):
        raise ValueError("the plan items must be a list")
    created_by = created_by or {}
    if not isinstance(created_by, dict) or set(created_by) - set(APIS):
        raise ValueError("created_by takes the keys %s" % ", ".join(APIS))
    # a JSON round trip: the document holds only JSON values (and is no view of the caller's data)
    kept = json.loads(json.dumps(items, ensure_ascii=False))
    for item in kept:
        if not isinstance(item, dict):
            raise ValueError("a plan item must be a mapping")
        item.setdefault("key", item_key(item))
    created = utc(now)
    plan = {
        "version": PLAN_VERSION,
        "id": "",
        "role": role,
        "created_at": format_time(created),
        "expires_at": format_time(created + timedelta(hours=max_age_hours)),
        "created_by": {api: created_by.get(api) for api in APIS},
        "workspace": workspace,
        "inputs": json.loads(canonical(inputs)),
        "items": kept,
        "summary": json.loads(canonical(summary or {})),
    }
    plan["id"] = plan_id(plan)
    return plan


def _check_items(items: Any, created_by: dict) -> list[str]:
    if not isinstance(items, list):
        return ["The plan's items are not a list."]
    refusals = []
    seen: set[str] = set()
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            refusals.append("Item %d of the plan is not a mapping." % index)
            continue
        try:
            expected = item_key(item)
        except ValueError as err:
            refusals.append("Item %d of the plan is no valid change: %s." % (index, err))
            continue
        key = item.get("key")
        if key != expected:
            refusals.append("Item %d of the plan has the key %r, but its content gives %r." % (index, key, expected))
        if expected in seen:
            refusals.append("The plan has the item %s more than once." % expected)
        seen.add(expected)
        if item.get("action") not in ACTIONS[item["kind"]]:
            refusals.append("Item %d of the plan (%s) has an unknown action %r." % (index, expected, item.get("action")))
    for api in apis_of(items):
        if created_by.get(api) is None:
            refusals.append("The plan has %s items but names no %s identity it was made with." % (api, api))
    return refusals


# What each identity of created_by is, in a refusal.
IDENTITY_NAMES = {"bitbucket": "Bitbucket account", "admin": "organization", "scim": "SCIM directory"}


def check_plan(plan: Any, *, role: str, workspace: str, identities: dict, now: datetime, max_age_hours: float) -> list[str]:
    """Why this plan may not be applied here and now, one sentence each ([]: it may be applied).

    ``identities`` are those of the apply run ({bitbucket: caller account id, admin: org id, scim: directory id});
    for each API the plan names an identity of, the current one must be the same."""
    if not isinstance(plan, dict):
        return ["This is not a plan (a plan is a mapping, got %s)." % type(plan).__name__]
    if plan.get("version") != PLAN_VERSION:
        return [
            "The plan has the version %r; this collection applies version %d plans only." % (plan.get("version"), PLAN_VERSION)
        ]
    refusals = []
    if plan.get("id") != plan_id(plan):
        refusals.append("The plan's id does not match its content: it was changed after it was made.")
    when = utc(now)
    try:
        created = parse_time(plan.get("created_at"))
        expires = parse_time(plan.get("expires_at"))
    except ValueError:
        refusals.append("The plan's created_at / expires_at are not times (YYYY-MM-DDTHH:MM:SSZ).")
    else:
        if when > expires:
            refusals.append("The plan expired at %s (it is now %s): make a new plan." % (format_time(expires), format_time(when)))
        elif when - created > timedelta(hours=max_age_hours):
            refusals.append(
                "The plan expired: it was made at %s, more than %s hours ago (the plan's maximum age): make a new plan."
                % (format_time(created), "%g" % max_age_hours)
            )
        if created - when > CLOCK_SKEW:
            refusals.append(
                "The plan was made in the future (%s, it is now %s): check the clocks."
                % (format_time(created), format_time(when))
            )
    if plan.get("role") != role:
        refusals.append("The plan was made for the role %r, not %r." % (plan.get("role"), role))
    if plan.get("workspace") != workspace:
        refusals.append("The plan was made for the workspace %r, not %r." % (plan.get("workspace"), workspace))
    created_by = plan.get("created_by")
    if not isinstance(created_by, dict):
        refusals.append("The plan names no identities it was made with (created_by).")
        created_by = {}
    identities = identities or {}
    for api in APIS:
        made = created_by.get(api)
        if made is not None and identities.get(api) != made:
            refusals.append(
                "The plan was made with the %s %r, and this run has %r." % (IDENTITY_NAMES[api], made, identities.get(api))
            )
    refusals.extend(_check_items(plan.get("items"), created_by))
    return refusals
