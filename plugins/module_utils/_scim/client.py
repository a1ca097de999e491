# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SCIM 2.0 Users (RFC 7643 / RFC 7644) on the Atlassian user provisioning API, and on any RFC 7644 server.

``ScimClient`` holds the resource calls (built on ``Transport``); ``ensure_user`` reads, compares and writes one
user with the attribute mapping of ``attributes.py`` (re-exported here: modules and tests import it from this file).

Atlassian's directory accepts filters on ``userName eq`` and ``externalId eq`` only, clears
omitted attributes on ``PUT`` (so this client never sends one) and answers 409 to a duplicate.

``ensure_user`` also returns ``changes``: the change item (kind ``scim_user`` of docs/plans.md) of what it did, or in
check mode would do. An error raised after its POST succeeded carries the creation as ``err.changes`` (the module
shell reports and journals it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._engine import diff_attributes, make_diff
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AtlassianError,
    ConfigurationError,
    ConflictError,
    TransportError,
    UnexpectedAnswerError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._pagination import iter_scim_resources
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.attributes import (
    ATLASSIAN_EXTERNAL_SCHEMA,
    CORE_USER_SCHEMA,
    EMAIL_OPTION,
    ENTERPRISE_OPTIONS,
    ENTERPRISE_USER_SCHEMA,
    IGNORED_OPTION,
    IGNORED_OPTION_REMOVED_IN,
    MANAGED_OPTIONS,
    PATCH_OP_SCHEMA,
    apply_changes,
    atlassian_account_id,
    create_payload,
    desired_for,
    diff_view,
    ignored_option_warning,
    is_atlassian_user,
    patch_operations,
    primary_email_entry,
    user_view,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import ApiClient

# The names of attributes.py that modules, _scim.bulk and tests import from here (this file's interface).
__all__ = [
    "ATLASSIAN_EXTERNAL_SCHEMA",
    "CORE_USER_SCHEMA",
    "ENTERPRISE_USER_SCHEMA",
    "IGNORED_OPTION",
    "IGNORED_OPTION_REMOVED_IN",
    "MANAGED_OPTIONS",
    "MAX_ATTRIBUTE_CHARS",
    "USERS_PATH",
    "ScimClient",
    "apply_changes",
    "atlassian_account_id",
    "create_payload",
    "desired_for",
    "ensure_user",
    "ignored_option_warning",
    "is_atlassian_user",
    "patch_operations",
    "primary_email_entry",
    "scim_filter_eq",
    "user_change",
    "user_view",
    "validate_user_params",
]

USERS_PATH = "/Users"


def scim_filter_eq(attribute: str, value: Any) -> str:
    """``attribute eq "value"`` with the value quoted as RFC 7644 (JSON string) requires."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '%s eq "%s"' % (attribute, escaped)


class ScimClient(ApiClient):
    """SCIM ``/Users`` calls of one directory (the Transport's base URL ends with the directory); ``directory_id``
    names it in the change items (None when not known)."""

    def __init__(self, transport: Any, directory_id: str | None = None) -> None:
        super().__init__(transport)
        self.directory_id = directory_id

    def _on(self, transport: Any) -> ScimClient:
        return ScimClient(transport, self.directory_id)

    def _object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        body = self.transport.request_json(method, path, **kwargs)
        if not isinstance(body, dict):
            raise ApiError(
                "%s %s answered without a JSON object" % (method, path), method=method, path=path, secrets=self.transport.secrets
            )
        return body

    def _path(self, path: str) -> str:
        return self.transport.shown_path(path)

    def _check_filtered(self, resources: list[Any], attribute: str, value: str) -> list[dict[str, Any]]:
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

    def _check_user(
        self, user: dict[str, Any], method: str, path: str, user_id: str | None = None, user_name: str | None = None
    ) -> dict[str, Any]:
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

    def user_path(self, user_id: Any) -> str:
        """``/Users/{id}`` for an id taken from an answer: a safe path segment, encoded, or UnexpectedAnswerError."""
        return "%s/%s" % (USERS_PATH, validate.server_segment(user_id, "a user id", "GET", self._path(USERS_PATH)))

    def find_users(self, attribute: str, value: str, count: int = 100) -> list[dict[str, Any]]:
        """Every user whose ``attribute`` (``userName`` or ``externalId``) equals ``value`` (each checked)."""
        params = {"filter": scim_filter_eq(attribute, value)}
        return self._check_filtered(
            list(iter_scim_resources(self.transport, USERS_PATH, params=params, count=count)), attribute, value
        )

    def find_user(self, user_name: str) -> dict[str, Any] | None:
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

    def iter_users(self, count: int = 100) -> Iterator[Any]:
        """Every user of the directory, page by page (``startIndex``/``count``)."""
        return iter_scim_resources(self.transport, USERS_PATH, count=count)

    def get_user(self, user_id: str) -> dict[str, Any]:
        path = self.user_path(user_id)
        return self._check_user(self._object("GET", path), "GET", path, user_id=user_id)

    def create_user(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST a new user. Never retried once it may have reached the server (the caller re-reads)."""
        created = self._object("POST", USERS_PATH, json=payload)
        self._check_user(created, "POST", USERS_PATH, user_name=payload["userName"])
        self.user_path(created.get("id"))
        return created

    def patch_user(self, user_id: str, operations: list[dict[str, Any]]) -> dict[str, Any]:
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

    def delete_user(self, user_id: str) -> None:
        """DELETE a user (Atlassian: deactivate and unlink); a 404 means it is already gone."""
        self.transport.request("DELETE", self.user_path(user_id), allow=(404,))


def _shown_options(view: dict[str, Any]) -> list[str]:
    return [o for o in MANAGED_OPTIONS if view.get(o) is not None]


def _result(
    changed: bool,
    user: dict[str, Any] | None,
    before: dict[str, Any],
    after: dict[str, Any],
    changes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "changed": changed,
        "user": user,
        "atlassian_account_id": atlassian_account_id(user),
        "diff": make_diff(before, after),
        "changes": list(changes or []),
    }


def user_change(
    client: ScimClient, action: str, user_name: str, user_id: Any, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> dict[str, Any]:
    """The change item of one SCIM user: ``create``, ``update``, ``deactivate`` or ``delete`` (docs/plans.md)."""
    return {
        "api": "scim",
        "kind": "scim_user",
        "action": action,
        "target": {"directory": getattr(client, "directory_id", None)},
        "subject": {"type": "scim_user", "user_name": user_name, "id": user_id if isinstance(user_id, str) else None},
        "before": before,
        "after": after,
    }


def _values(view: dict[str, Any], options: Any) -> dict[str, Any]:
    """The options of a user view, in option names (an attribute cleared is None)."""
    return {option: None if view.get(option) == "" else view.get(option) for option in options}


def _creation(client: ScimClient, user_name: str, user: dict[str, Any], shown: list[str]) -> dict[str, Any]:
    return user_change(client, "create", user_name, user.get("id"), None, _values(user_view(user), shown))


def _update_change(
    client: ScimClient, user_name: str, current: dict[str, Any], user: dict[str, Any], changes: dict[str, tuple[Any, Any]]
) -> dict[str, Any]:
    """``deactivate`` when ``active`` alone goes to false, else ``update``; the attributes the PATCH touches only."""
    options = [o for o in MANAGED_OPTIONS if o in changes]
    after = _values(user_view(user), options)
    action = "deactivate" if options == ["active"] and after["active"] is False else "update"
    return user_change(client, action, user_name, current.get("id"), _values(user_view(current), options), after)


def _update(
    client: ScimClient, user_name: str, current: dict[str, Any], desired: dict[str, Any], check_mode: bool
) -> dict[str, Any]:
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
    change = _update_change(client, user_name, current, user, changes)
    return _result(True, user, diff_view(view, options, user_name), diff_view(user_view(user), options, user_name), [change])


def _lost_answer(err: Exception) -> bool:
    return isinstance(err, TransportError) or (isinstance(err, ApiError) and (err.status or 0) >= 500)


def _create(client: ScimClient, user_name: str, desired: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    """POST the user; on 409 adopt the existing one; when the answer was lost, re-read before anything else."""
    payload = create_payload(user_name, desired)
    # The diff of a creation shows the attributes the task sets (and active), as the server stored them.
    shown = _shown_options(user_view(payload))
    if check_mode:
        return _result(
            True, payload, {}, diff_view(user_view(payload), shown, user_name), [_creation(client, user_name, payload, shown)]
        )
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
        try:  # created by this run, its answer lost: the creation is what this run did
            result = _update(client, user_name, existing, desired, check_mode)
        except AtlassianError as failure:
            failure.changes = [_creation(client, user_name, existing, shown)]
            raise
        result.update(
            changed=True,
            diff=make_diff({}, diff_view(user_view(result["user"]), shown, user_name)),
            changes=[_creation(client, user_name, result["user"], shown)],
        )
        return result
    try:
        created = _complete_creation(client, created, desired)
    except AtlassianError as failure:
        failure.changes = [_creation(client, user_name, created, shown)]  # created; reported by the module shell
        raise
    return _result(
        True, created, {}, diff_view(user_view(created), shown, user_name), [_creation(client, user_name, created, shown)]
    )


def _complete_creation(client: ScimClient, created: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
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


def _require_email(user_name: str, desired: dict[str, Any]) -> None:
    if not desired.get(EMAIL_OPTION):
        raise ConfigurationError(
            "email is required to create the user %r: Atlassian's SCIM API requires a primary email address to create "
            "a user, and this module requires it on every SCIM server" % user_name
        )


MAX_ATTRIBUTE_CHARS = 1024


def validate_user_params(user_name: Any, desired: dict[str, Any]) -> str:
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


def ensure_user(
    client: ScimClient, user_name: Any, desired: dict[str, Any], state: str = "present", check_mode: bool = False
) -> dict[str, Any]:
    """Make the user ``user_name`` match ``desired`` ({option: value}; None = not managed, "" = clear) or absent.

    Returns ``changed``, ``user`` (the resource afterwards; predicted in check mode; for ``absent`` the
    user as it was before), ``atlassian_account_id``, ``diff`` (managed attributes only) and ``changes`` (the change
    item, none when nothing changes).
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
        active = view.get("active") if isinstance(view.get("active"), bool) else True
        change = user_change(client, "delete", user_name, current.get("id"), {"active": active}, None)
        return _result(True, current, diff_view(view, _shown_options(view), user_name), {}, [change])
    if current is None:
        _require_email(user_name, desired)
        return _create(client, user_name, desired, check_mode)
    return _update(client, user_name, current, desired, check_mode)
