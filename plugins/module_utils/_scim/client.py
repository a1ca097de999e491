# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SCIM 2.0 Users (RFC 7643 / RFC 7644) on the Atlassian user provisioning API, and on any RFC 7644 server.

``ScimClient`` holds the resource calls (built on ``Transport``); the functions below map the
module options to SCIM attributes, build the minimal PatchOp and predict its effect, so that
check mode shows exactly what a real run then changes.

Atlassian's directory accepts filters on ``userName eq`` and ``externalId eq`` only, clears
omitted attributes on ``PUT`` (so this client never sends one) and answers 409 to a duplicate.

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

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._engine import diff_attributes, make_diff
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    ConfigurationError,
    ConflictError,
    TransportError,
    UnexpectedAnswerError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._pagination import iter_scim_resources
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import ApiClient

CORE_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ATLASSIAN_EXTERNAL_SCHEMA = "urn:scim:schemas:extension:atlassian-external:1.0"
PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USERS_PATH = "/Users"

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


def ignored_option_warning(where):
    """The warning of a task that sets ``locale``; ``where`` names it (``locale``, ``locale of users[0] (...)``)."""
    return (
        "Option %s is deprecated and ignored: Atlassian's SCIM schema has no locale attribute, so the module does not "
        "send, compare or report it; use preferred_language. The option will be removed in version %s of "
        "accessops.atlassian." % (where, IGNORED_OPTION_REMOVED_IN)
    )


# Options that are top-level attributes on Atlassian and attributes of the enterprise extension on RFC 7643 servers.
ENTERPRISE_OPTIONS = ("department", "organization")


def is_atlassian_user(user):
    """Whether a SCIM user comes from Atlassian's service (it carries the Atlassian extension)."""
    user = user or {}
    return ATLASSIAN_EXTERNAL_SCHEMA in (user.get("schemas") or []) or isinstance(user.get(ATLASSIAN_EXTERNAL_SCHEMA), dict)


def attribute_path(option, atlassian):
    """The PATCH path of an option for this flavour of server (see the module docstring)."""
    if option in ENTERPRISE_OPTIONS and not atlassian:
        return ENTERPRISE_USER_SCHEMA + ":" + option
    return ATTRIBUTE_PATHS[option]


def scim_filter_eq(attribute, value):
    """``attribute eq "value"`` with the value quoted as RFC 7644 (JSON string) requires."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '%s eq "%s"' % (attribute, escaped)


def _split_path(path):
    """``urn:...:User:department`` -> (urn, ["department"]); ``name.givenName`` -> (None, ["name", "givenName"])."""
    if path.startswith("urn:"):
        urn, _sep, attribute = path.rpartition(":")
        return urn, [attribute]
    return None, path.split(".")


def _read_path(user, path):
    urn, parts = _split_path(path)
    node = user.get(urn) if urn else user
    for part in parts:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def primary_email_entry(user):
    """The index and entry of the primary address: the one flagged primary, else the first work one, else the first."""
    emails = [e for e in (user.get("emails") or []) if isinstance(e, dict)]
    for predicate in (lambda e: e.get("primary") is True, lambda e: e.get("type") == "work", lambda e: True):
        for index, entry in enumerate(emails):
            if predicate(entry):
                return index, entry
    return None, None


def atlassian_account_id(user):
    """The Atlassian account id of a SCIM user (Atlassian extension), None on other servers."""
    extension = (user or {}).get(ATLASSIAN_EXTERNAL_SCHEMA)
    if isinstance(extension, dict):
        return extension.get("atlassianAccountId")
    return None


def user_view(user):
    """The managed attributes of a SCIM user, keyed by module option (None when absent)."""
    _index, entry = primary_email_entry(user)
    view = {EMAIL_OPTION: entry.get("value") if entry else None}
    for option, path in ATTRIBUTE_PATHS.items():
        value = _read_path(user, path)
        if value is None and option in ENTERPRISE_OPTIONS:
            value = _read_path(user, attribute_path(option, atlassian=False))
        view[option] = value
    return view


def desired_for(current_view, desired):
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


def _set_path(user, path, value):
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


def _emails_with_primary(user, address):
    """``emails`` with ``address`` as the primary work address; the other addresses are kept."""
    index, _entry = primary_email_entry(user)
    emails = [e for i, e in enumerate(user.get("emails") or []) if i != index]
    others = [e for e in emails if not (isinstance(e, dict) and str(e.get("value", "")).lower() == address.lower())]
    return [{"value": address, "type": "work", "primary": True}] + others


def apply_changes(user, changes, atlassian=None):
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


def patch_operations(user, changes):
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


def create_payload(user_name, desired):
    """The POST body of a new user: ``userName``, every attribute set, and ``active`` (true unless told).

    It is in the RFC 7643 form (department / organization in the enterprise extension), which every server takes.
    """
    payload = {"schemas": [CORE_USER_SCHEMA], "userName": user_name}
    values = {k: v for k, v in desired.items() if v is not None and v != ""}
    values.setdefault("active", True)
    changes = {k: (None, values[k]) for k in MANAGED_OPTIONS if k in values}
    return apply_changes(payload, changes, atlassian=False)


def diff_view(view, options, user_name):
    """The part of a user view shown in ``diff``: ``user_name`` and the options listed."""
    shown = {"user_name": user_name}
    for option in options:
        value = view.get(option)
        shown[option] = None if value == "" else value
    return shown


class ScimClient(ApiClient):
    """SCIM ``/Users`` calls of one directory (the Transport's base URL ends with the directory)."""

    def _object(self, method, path, **kwargs):
        body = self.transport.request_json(method, path, **kwargs)
        if not isinstance(body, dict):
            raise ApiError(
                "%s %s answered without a JSON object" % (method, path), method=method, path=path, secrets=self.transport.secrets
            )
        return body

    def _path(self, path):
        return self.transport.shown_path(path)

    def _check_filtered(self, resources, attribute, value):
        """Every resource of an ``attribute eq value`` answer must match it (userName without case, as SCIM
        compares it; externalId exactly): UnexpectedAnswerError otherwise, before anything acts on it."""
        for resource in resources:
            found = resource.get(attribute) if isinstance(resource, dict) else None
            matches = isinstance(found, str) and (found.lower() == value.lower() if attribute == "userName" else found == value)
            if not matches:
                raise UnexpectedAnswerError(
                    "GET %s filtered on %s eq %r answered a user whose %s is %r: the server ignored or misapplied the "
                    "filter" % (self._path(USERS_PATH), attribute, value, attribute, found),
                    method="GET",
                    path=self._path(USERS_PATH),
                    status=200,
                    secrets=self.transport.secrets,
                )
        return resources

    def _check_user(self, user, method, path, user_id=None, user_name=None):
        """A user answered for a keyed request must be the one asked for (same id, same userName)."""
        if user_id is not None and user.get("id") != user_id:
            raise UnexpectedAnswerError(
                "%s %s answered the user with id %r instead of %r" % (method, self._path(path), user.get("id"), user_id),
                method=method,
                path=self._path(path),
                status=200,
                secrets=self.transport.secrets,
            )
        if user_name is not None and str(user.get("userName") or "").lower() != user_name.lower():
            raise UnexpectedAnswerError(
                "%s %s answered a user named %r instead of %r" % (method, self._path(path), user.get("userName"), user_name),
                method=method,
                path=self._path(path),
                status=200,
                secrets=self.transport.secrets,
            )
        return user

    def user_path(self, user_id):
        """``/Users/{id}`` for an id taken from an answer: a safe path segment, encoded, or UnexpectedAnswerError."""
        return "%s/%s" % (USERS_PATH, validate.server_segment(user_id, "a user id", "GET", self._path(USERS_PATH)))

    def find_users(self, attribute, value, count=100):
        """Every user whose ``attribute`` (``userName`` or ``externalId``) equals ``value`` (each checked)."""
        params = {"filter": scim_filter_eq(attribute, value)}
        return self._check_filtered(
            list(iter_scim_resources(self.transport, USERS_PATH, params=params, count=count)), attribute, value
        )

    def find_user(self, user_name):
        """The user named ``user_name`` (one GET with a ``userName eq`` filter), or None.

        SCIM compares userName without case; when several users match, the exact spelling wins. Every user of
        the answer must have that userName (a server that ignores the filter is refused).
        """
        page = self.transport.get_json(USERS_PATH, params={"filter": scim_filter_eq("userName", user_name)})
        resources = self._check_filtered(list(page.get("Resources") or []), "userName", user_name)
        if len(resources) > 1:
            exact = [r for r in resources if r.get("userName") == user_name]
            if len(exact) != 1:
                raise ApiError(
                    "GET %s: %d users match userName %r; refusing to guess which one to manage"
                    % (USERS_PATH, len(resources), user_name),
                    method="GET",
                    path=USERS_PATH,
                )
            resources = exact
        return resources[0] if resources else None

    def iter_users(self, count=100):
        """Every user of the directory, page by page (``startIndex``/``count``)."""
        return iter_scim_resources(self.transport, USERS_PATH, count=count)

    def get_user(self, user_id):
        path = self.user_path(user_id)
        return self._check_user(self._object("GET", path), "GET", path, user_id=user_id)

    def create_user(self, payload):
        """POST a new user. Never retried once it may have reached the server (the caller re-reads)."""
        created = self._object("POST", USERS_PATH, json=payload)
        self._check_user(created, "POST", USERS_PATH, user_name=payload["userName"])
        self.user_path(created.get("id"))
        return created

    def patch_user(self, user_id, operations):
        """One PATCH of absolute values (so safe to retry); the user as stored afterwards.

        RFC 7644 lets a server answer 204 No Content: the user is then read again.
        """
        path = self.user_path(user_id)
        body = self.transport.request_json(
            "PATCH", path, json={"schemas": [PATCH_OP_SCHEMA], "Operations": operations}, idempotent=True
        )
        if body is None:
            return self.get_user(user_id)
        if not isinstance(body, dict):
            raise ApiError(
                "PATCH %s answered without a JSON object" % path, method="PATCH", path=path, secrets=self.transport.secrets
            )
        return self._check_user(body, "PATCH", path, user_id=user_id)

    def delete_user(self, user_id):
        """DELETE a user (Atlassian: deactivate and unlink); a 404 means it is already gone."""
        self.transport.request("DELETE", self.user_path(user_id), allow=(404,))


def _shown_options(view):
    return [o for o in MANAGED_OPTIONS if view.get(o) is not None]


def _result(changed, user, before, after):
    return {
        "changed": changed,
        "user": user,
        "atlassian_account_id": atlassian_account_id(user),
        "diff": make_diff(before, after),
    }


def _update(client, user_name, current, desired, check_mode):
    """Compare the attributes the task sets with ``current``; one PATCH with those that differ."""
    view = user_view(current)
    wanted = desired_for(view, desired)
    changes = diff_attributes(view, wanted)
    options = [o for o in MANAGED_OPTIONS if wanted[o] is not None]
    if not changes:
        return _result(False, current, diff_view(view, options, user_name), diff_view(view, options, user_name))
    if check_mode:
        user = apply_changes(current, changes)
    else:
        user = client.patch_user(current["id"], patch_operations(current, changes))
    return _result(True, user, diff_view(view, options, user_name), diff_view(user_view(user), options, user_name))


def _lost_answer(err):
    return isinstance(err, TransportError) or (isinstance(err, ApiError) and (err.status or 0) >= 500)


def _create(client, user_name, desired, check_mode):
    """POST the user; on 409 adopt the existing one; when the answer was lost, re-read before anything else."""
    payload = create_payload(user_name, desired)
    # The diff of a creation shows the attributes the task sets (and active), as the server stored them.
    shown = _shown_options(user_view(payload))
    if check_mode:
        return _result(True, payload, {}, diff_view(user_view(payload), shown, user_name))
    try:
        created = client.create_user(payload)
    except ConflictError as err:
        existing = client.find_user(user_name)
        if existing is None:
            raise ConflictError(
                "%s. No user named %r exists when read again: another attribute (such as the email or externalId) is "
                "likely already used by a different user" % (err.message, user_name),
                method=err.method,
                path=err.path,
                status=err.status,
                api_message=err.api_message,
                body=err.body,
                scim_type=err.scim_type,
            ) from err
        return _update(client, user_name, existing, desired, check_mode)
    except (TransportError, ApiError) as err:
        if not _lost_answer(err):
            raise
        existing = client.find_user(user_name)
        if existing is None:
            raise TransportError(
                "POST %s to create user %r got no usable answer (%s) and no such user exists when read again; "
                "the request was not repeated, run the task again" % (USERS_PATH, user_name, err.message),
                method="POST",
                path=USERS_PATH,
                status=err.status,
                api_message=err.api_message,
            ) from err
        result = _update(client, user_name, existing, desired, check_mode)
        result.update(changed=True, diff=make_diff({}, diff_view(user_view(result["user"]), shown, user_name)))
        return result
    created = _complete_creation(client, created, desired)
    return _result(True, created, {}, diff_view(user_view(created), shown, user_name))


def _complete_creation(client, created, desired):
    """On Atlassian, set top-level the department / organization the POST carried in the read-only extension.

    One PATCH, only when the created user is Atlassian's and lacks a value the task sets.
    """
    if not is_atlassian_user(created):
        return created
    view = user_view(created)
    wanted = desired_for(view, {o: desired.get(o) for o in ENTERPRISE_OPTIONS})
    changes = diff_attributes(view, wanted)
    if not changes or not created.get("id"):
        return created
    return client.patch_user(created["id"], patch_operations(created, changes))


def _require_email(user_name, desired):
    if not desired.get(EMAIL_OPTION):
        raise ConfigurationError(
            "email is required to create the user %r: Atlassian's SCIM API requires a primary email address to create "
            "a user, and this module requires it on every SCIM server" % user_name
        )


MAX_ATTRIBUTE_CHARS = 1024


def validate_user_params(user_name, desired):
    """``user_name`` and the attribute values, checked before any request (ConfigurationError naming the option)."""
    user_name = validate.text(user_name, "user_name", "the userName of the SCIM user (usually the email address)")
    if desired.get(EMAIL_OPTION) is not None and not desired[EMAIL_OPTION].strip():
        raise ConfigurationError("email must not be empty: a SCIM user keeps a primary email address")
    for option in MANAGED_OPTIONS:
        value = desired.get(option)
        if isinstance(value, str) and value != "":
            if option == EMAIL_OPTION:
                validate.user_identifier(value, option, kinds=("email",))
            else:
                validate.text(value, option, "a value without line breaks or control characters", MAX_ATTRIBUTE_CHARS)
    return user_name


def ensure_user(client, user_name, desired, state="present", check_mode=False):
    """Make the user ``user_name`` match ``desired`` ({option: value}; None = not managed, "" = clear) or absent.

    Returns ``changed``, ``user`` (the resource afterwards; predicted in check mode; for ``absent`` the
    user as it was before), ``atlassian_account_id`` and ``diff`` (managed attributes only).
    """
    user_name = validate_user_params(user_name, desired)
    current = client.find_user(user_name)
    if current is not None:
        client.user_path(current.get("id"))  # an id that is no safe path segment stops here, before any write
    if state == "absent":
        if current is None:
            return _result(False, None, {}, {})
        view = user_view(current)
        if not check_mode:
            client.delete_user(current["id"])
        return _result(True, current, diff_view(view, _shown_options(view), user_name), {})
    if current is None:
        _require_email(user_name, desired)
        return _create(client, user_name, desired, check_mode)
    return _update(client, user_name, current, desired, check_mode)
