# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SCIM user attributes of the module options (RFC 7643): paths, the user view, the minimal PatchOp and its effect.

The functions here map the module options to SCIM attributes, build the minimal PatchOp and predict its effect, so
that check mode shows exactly what a real run then changes. They make no request (``client.py`` does).

``department`` and ``organization`` live in two places. Atlassian's ScimUser has them as writable
top-level attributes and its enterprise extension is read-only (what a client writes there is ignored,
RFC 7643 section 7); RFC 7643 servers keep them in the enterprise extension only (and refuse unknown
top-level attributes). So they are read top-level first, then from the extension, and written where the
server takes them: top-level for a user that carries the Atlassian extension
(``urn:scim:schemas:extension:atlassian-external:1.0``), the enterprise extension otherwise. A new user
is POSTed in the RFC 7643 form, which every server accepts; when the created user is Atlassian's and the
values were ignored, one PATCH sets them top-level (an extra call only then).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

CORE_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ATLASSIAN_EXTERNAL_SCHEMA = "urn:scim:schemas:extension:atlassian-external:1.0"
PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

# Module option -> SCIM attribute path (RFC 7644 PATCH path syntax). ``email`` is handled apart:
# it is the primary entry of the multi-valued ``emails``; ``department`` and ``organization`` have the
# path of Atlassian's top-level attributes here, see ``attribute_path`` for the other servers.
ATTRIBUTE_PATHS = {
    "given_name": "name.givenName",
    "family_name": "name.familyName",
    "display_name": "displayName",
    "nick_name": "nickName",
    "title": "title",
    "department": "department",
    "organization": "organization",
    "timezone": "timezone",
    "preferred_language": "preferredLanguage",
    "external_id": "externalId",
    "active": "active",
}
EMAIL_OPTION = "email"
# Every option the user module manages, in the order results and diffs show them.
MANAGED_OPTIONS = ("email",) + tuple(ATTRIBUTE_PATHS)

# The deprecated option ``locale`` (removed in 1.0.0): RFC 7643 has a core ``locale`` attribute but Atlassian's
# ``ScimUser`` does not, so it is never sent, compared or reported; setting it only gives ``ignored_option_warning``.
IGNORED_OPTION = "locale"
IGNORED_OPTION_REMOVED_IN = "1.0.0"


def ignored_option_warning(where: str) -> str:
    """The warning of a task that sets ``locale``; ``where`` names it (``locale``, ``locale of users[0] (...)``)."""
    return (
        "Option %s is deprecated and ignored: Atlassian's SCIM schema has no locale attribute, so the module does not "
        "send, compare or report it; use preferred_language. The option will be removed in version %s of "
        "accessops.atlassian." % (where, IGNORED_OPTION_REMOVED_IN)
    )


# Options that are top-level attributes on Atlassian and attributes of the enterprise extension on RFC 7643 servers.
ENTERPRISE_OPTIONS = ("department", "organization")


def is_atlassian_user(user: dict[str, Any] | None) -> bool:
    """Whether a SCIM user comes from Atlassian's service (it carries the Atlassian extension)."""
    user = user or {}
    return ATLASSIAN_EXTERNAL_SCHEMA in (user.get("schemas") or []) or isinstance(user.get(ATLASSIAN_EXTERNAL_SCHEMA), dict)


def attribute_path(option: str, atlassian: bool) -> str:
    """The PATCH path of an option for this flavour of server (see the module docstring)."""
    if option in ENTERPRISE_OPTIONS and not atlassian:
        return ENTERPRISE_USER_SCHEMA + ":" + option
    return ATTRIBUTE_PATHS[option]


def _split_path(path: str) -> tuple[str | None, list[str]]:
    """``urn:...:User:department`` -> (urn, ["department"]); ``name.givenName`` -> (None, ["name", "givenName"])."""
    if path.startswith("urn:"):
        urn, _sep, attribute = path.rpartition(":")
        return urn, [attribute]
    return None, path.split(".")


def _read_path(user: dict[str, Any], path: str) -> Any:
    urn, parts = _split_path(path)
    node = user.get(urn) if urn else user
    for part in parts:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def primary_email_entry(user: dict[str, Any]) -> tuple[int | None, dict[str, Any] | None]:
    """The index and entry of the primary address: the one flagged primary, else the first work one, else the first."""
    emails = [e for e in (user.get("emails") or []) if isinstance(e, dict)]
    for predicate in (lambda e: e.get("primary") is True, lambda e: e.get("type") == "work", lambda e: True):
        for index, entry in enumerate(emails):
            if predicate(entry):
                return index, entry
    return None, None


def atlassian_account_id(user: dict[str, Any] | None) -> str | None:
    """The Atlassian account id of a SCIM user (Atlassian extension), None on other servers."""
    extension = (user or {}).get(ATLASSIAN_EXTERNAL_SCHEMA)
    if isinstance(extension, dict):
        return extension.get("atlassianAccountId")
    return None


def user_view(user: dict[str, Any]) -> dict[str, Any]:
    """The managed attributes of a SCIM user, keyed by module option (None when absent)."""
    _index, entry = primary_email_entry(user)
    view = {EMAIL_OPTION: entry.get("value") if entry else None}
    for option, path in ATTRIBUTE_PATHS.items():
        value = _read_path(user, path)
        if value is None and option in ENTERPRISE_OPTIONS:
            value = _read_path(user, attribute_path(option, atlassian=False))
        view[option] = value
    return view


def desired_for(current_view: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """The values to compare with ``diff_attributes``: None = not managed, ``""`` = must be absent.

    An empty string for an attribute that is already absent is "not managed" (nothing to do). Email
    addresses are compared without regard to case, as Atlassian compares them.
    """
    result = {}
    for option in MANAGED_OPTIONS:
        value = desired.get(option)
        current = current_view.get(option)
        if value == "" and current in (None, ""):
            value = None
        elif option == EMAIL_OPTION and value and current and value.lower() == current.lower():
            value = current
        result[option] = value
    return result


def _set_path(user: dict[str, Any], path: str, value: Any) -> None:
    urn, parts = _split_path(path)
    node = user
    if urn:
        node = user.setdefault(urn, {})
        schemas = user.setdefault("schemas", [CORE_USER_SCHEMA])
        if urn not in schemas:
            schemas.append(urn)
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if value == "":
        node.pop(parts[-1], None)
        if urn and not node:  # an extension left empty is no longer returned
            user.pop(urn, None)
            user["schemas"] = [schema for schema in user["schemas"] if schema != urn]
    else:
        node[parts[-1]] = value


def _emails_with_primary(user: dict[str, Any], address: str) -> list[Any]:
    """``emails`` with ``address`` as the primary work address; the other addresses are kept."""
    index, _entry = primary_email_entry(user)
    emails = [e for i, e in enumerate(user.get("emails") or []) if i != index]
    others = [e for e in emails if not (isinstance(e, dict) and str(e.get("value", "")).lower() == address.lower())]
    return [{"value": address, "type": "work", "primary": True}] + others


def apply_changes(user: dict[str, Any], changes: dict[str, tuple[Any, Any]], atlassian: bool | None = None) -> dict[str, Any]:
    """A copy of ``user`` with ``changes`` ({option: (before, after)}) applied, as the server will store it.

    ``atlassian`` (default: what ``user`` shows) picks where department / organization go; on Atlassian the
    read-only enterprise extension repeats the top-level value.
    """
    if atlassian is None:
        atlassian = is_atlassian_user(user)
    result = copy.deepcopy(user)
    for option, (_before, after) in changes.items():
        if option == EMAIL_OPTION:
            result["emails"] = _emails_with_primary(result, after)
            continue
        _set_path(result, attribute_path(option, atlassian), after)
        if atlassian and option in ENTERPRISE_OPTIONS:
            _set_path(result, attribute_path(option, atlassian=False), after)
    return result


def patch_operations(user: dict[str, Any], changes: dict[str, tuple[Any, Any]]) -> list[dict[str, Any]]:
    """The RFC 7644 PatchOp operations for ``changes``: one ``replace`` (or ``remove``) per attribute."""
    atlassian = is_atlassian_user(user)
    operations = []
    for option in MANAGED_OPTIONS:
        if option not in changes:
            continue
        after = changes[option][1]
        if option == EMAIL_OPTION:
            operations.append({"op": "replace", "path": "emails", "value": _emails_with_primary(user, after)})
        elif after == "":
            operations.append({"op": "remove", "path": attribute_path(option, atlassian)})
        else:
            operations.append({"op": "replace", "path": attribute_path(option, atlassian), "value": after})
    return operations


def create_payload(user_name: str, desired: dict[str, Any]) -> dict[str, Any]:
    """The POST body of a new user: ``userName``, every attribute set, and ``active`` (true unless told).

    It is in the RFC 7643 form (department / organization in the enterprise extension), which every server takes.
    """
    payload = {"schemas": [CORE_USER_SCHEMA], "userName": user_name}
    values = {k: v for k, v in desired.items() if v is not None and v != ""}
    values.setdefault("active", True)
    changes = {k: (None, values[k]) for k in MANAGED_OPTIONS if k in values}
    return apply_changes(payload, changes, atlassian=False)


def diff_view(view: dict[str, Any], options: Iterable[str], user_name: str) -> dict[str, Any]:
    """The part of a user view shown in ``diff``: ``user_name`` and the options listed."""
    shown = {"user_name": user_name}
    for option in options:
        value = view.get(option)
        shown[option] = None if value == "" else value
    return shown
