# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Atlassian organization Admin API (v2): ``AdminClient``, held against the official Organizations REST API
document (``atlassian-admin-organization.swagger.v3.2026-08-21.json``, server ``https://api.atlassian.com/admin``:
``admin_url`` + ``/admin`` + ``/v2/orgs/{orgId}/...``). Its writes and what their answers mean: ``_admin.writes``.

Every call goes through the shared ``Transport`` (auth, retries, error mapping, accounting). Lists use the opaque
cursors of ``_pagination.iter_admin_values`` (``cursor`` / ``limit`` in the body of the ``POST`` searches, in the query
of the ``GET`` listings, the next cursor in ``links.next``); searches are ``POST`` (the ``GET`` listings are
deprecated). Filter arrays are sent without repeats and at most the spec's ``maxItems`` a request
(``USER_FILTER_LIMITS``, ``GROUP_FILTER_LIMITS``). Every filtered or keyed answer is checked against what was asked
(``UnexpectedAnswerError``) before anything acts on it, and every id taken from an answer is checked before it becomes
a URL path segment.

``directory_id`` ``-`` means "every directory this key may manage": the API documents it for reads only, so writes
are sent to the concrete directory of the group (``directoryId``) or of the user (see :meth:`user_directories`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.writes import ALL_DIRECTORIES
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.writes import AdminWrites, _batches, _unique, group_key
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, NotFoundError, UnexpectedAnswerError
from ansible_collections.accessops.atlassian.plugins.module_utils._pagination import iter_admin_values

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport

# Values of one filter array per request: the spec's maxItems (MultiDirectoryUserSearchRequest,
# MultiDirectoryGroupSearchRequest); every array there is at least one value, and uniqueItems.
USER_FILTER_LIMITS = {"emails": 100, "accountIds": 10, "groupIds": 10}
GROUP_FILTER_LIMITS = {"groupNames": 100, "groupIds": 10, "accountIds": 10, "resourceIds": 20}
USER_EXPANDS = ("groups", "productAccess")


class AdminClient(AdminWrites):
    """The organization ``org_id``, through ``transport`` (base URL ``{admin_url}/admin``)."""

    def __init__(self, transport: Transport, org_id: str, directory_id: str = ALL_DIRECTORIES) -> None:
        super().__init__(transport)
        self.org_id = org_id
        self.directory_id = directory_id or ALL_DIRECTORIES
        self._org = "v2/orgs/" + validate.encode_segment(org_id)
        self._group_roles = {}
        self._directories = None

    @property
    def secrets(self) -> tuple[str, ...]:
        return self.transport.secrets

    def _on(self, transport: Transport) -> AdminClient:
        return AdminClient(transport, self.org_id, self.directory_id)

    # -- helpers ---------------------------------------------------------------------------------------

    def directory_path(self, directory_id: str | None = None) -> str:
        directory = directory_id or self.directory_id
        segment = "-" if directory == ALL_DIRECTORIES else validate.encode_segment(directory)
        return "%s/directories/%s" % (self._org, segment)

    def _path_only(self, path: str) -> str:
        return self.transport.shown_path(path)

    def _unexpected(self, method: str, path: str, message: str) -> UnexpectedAnswerError:
        return UnexpectedAnswerError(message, method=method, path=self._path_only(path), status=200, secrets=self.secrets)

    def _segment(self, value: Any, what: str, method: str, path: str) -> str:
        return validate.server_segment(value, what, method=method, path=self._path_only(path))

    def _data(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        body = self.transport.request_json(method, path, json=json)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise ApiError(
                "%s %s answered without a data object" % (method, self._path_only(path)),
                method=method,
                path=self._path_only(path),
                status=200,
                secrets=self.secrets,
            )
        return data

    # -- directories and resources ---------------------------------------------------------------------

    def directories(self) -> list[dict[str, Any]]:
        """``[{directoryId, name}]`` of the organization (read once per task)."""
        if self._directories is None:
            path = self._org + "/directories"
            found = list(iter_admin_values(self.transport, path, method="GET"))
            for item in found:
                self._segment(item.get("directoryId") if isinstance(item, dict) else None, "a directory id", "GET", path)
            self._directories = found
        return self._directories

    def workspaces(self, name: str | None = None, type_key: str | None = None) -> list[dict[str, Any]]:
        """The resources (``POST O/workspaces``) named ``name`` (and of product ``type_key``), checked."""
        fields = []
        if name is not None:
            fields.append({"field": {"name": "attributes.name", "values": [name]}})
        if type_key is not None:
            fields.append({"field": {"name": "attributes.typeKey", "values": [type_key]}})
        body = {}
        if len(fields) == 1:
            body["query"] = fields[0]
        elif fields:
            body["query"] = {"and": fields}
        path = self._org + "/workspaces"
        found = list(iter_admin_values(self.transport, path, body=body, cursor_alone=True))
        for item in found:
            attributes = item.get("attributes") if isinstance(item, dict) else None
            attributes = attributes if isinstance(attributes, dict) else {}
            rid = item.get("id") if isinstance(item, dict) else item
            if (
                not isinstance(item, dict)
                or not isinstance(rid, str)
                or (name is not None and attributes.get("name") != name)
                or (type_key is not None and attributes.get("typeKey") != type_key)
            ):
                raise self._unexpected(
                    "POST",
                    path,
                    "POST %s answered a resource (%s) other than the %s %r asked for"
                    % (self._path_only(path), validate.show(str(rid)), type_key or "resource", name),
                )
        return found

    # -- users -----------------------------------------------------------------------------------------

    def search_users(
        self,
        emails: Iterable[str] | None = None,
        account_ids: Iterable[str] | None = None,
        group_ids: Iterable[str] | None = None,
        expand: Iterable[str] | None = USER_EXPANDS,
    ) -> list[dict[str, Any]]:
        """Users of the directory by exact ``emails``, by ``account_ids``, members of ``group_ids``, or all (no filter).

        Batched by USER_FILTER_LIMITS, without repeats; every user answered must match the filter that was sent."""
        path = self.directory_path() + "/users/search"
        base = {"expand": list(expand)} if expand else {}
        if emails is None and account_ids is None and group_ids is None:
            return self._checked_users(path, base, None, None)
        found = []
        for name, values in (("emails", emails), ("accountIds", account_ids), ("groupIds", group_ids)):
            for batch in _batches(_unique(values, fold=name == "emails"), USER_FILTER_LIMITS[name]):
                body = dict(base)
                body[name] = batch
                found.extend(self._checked_users(path, body, name, batch))
        return found

    def _checked_users(self, path: str, body: dict[str, Any], name: str | None, batch: list[str] | None) -> list[dict[str, Any]]:
        found = []
        wanted = {v.lower() for v in batch} if name == "emails" else set(batch or ())
        for user in iter_admin_values(self.transport, path, body=body):
            if not isinstance(user, dict):
                raise self._unexpected("POST", path, "POST %s answered a user that is not an object" % self._path_only(path))
            self._segment(user.get("accountId"), "an account id", "POST", path)
            if name == "emails":
                ok = str(user.get("email") or "").lower() in wanted
            elif name == "accountIds":
                ok = user.get("accountId") in wanted
            elif name == "groupIds" and "groups" in (body.get("expand") or ()):
                ok = bool(wanted & {group_key(g.get("id")) for g in user.get("groups") or () if isinstance(g, dict)})
            else:
                ok = True
            if not ok:
                raise self._unexpected(
                    "POST",
                    path,
                    "POST %s answered the account %s, which does not match the %s filter "
                    "sent (%s)"
                    % (
                        self._path_only(path),
                        validate.show(str(user.get("accountId"))),
                        name,
                        validate.show(", ".join(sorted(wanted))),
                    ),
                )
            found.append(user)
        return found

    def get_user(self, account_id: str, directory_id: str | None = None) -> dict[str, Any] | None:
        """The user (``GET D/users/{accountId}``), or None when the directory does not have the account."""
        path = "%s/users/%s" % (self.directory_path(directory_id), validate.path_segment(account_id))
        return self._keyed_get(path, "accountId", account_id, "account")

    def user_role_assignments(self, account_id: str) -> list[dict[str, Any]]:
        """``[{resourceId, resourceOwner, roleAssignments: [{role, roleAssignmentMethods}], directoryId}]``."""
        path = "%s/users/%s/role-assignments" % (self.directory_path(), validate.path_segment(account_id))
        return [item for item in iter_admin_values(self.transport, path, method="GET") if isinstance(item, dict)]

    def user_directories(self, account_id: str) -> list[str]:
        """The concrete directories that hold ``account_id`` (where a write goes): the configured one when it is not
        ``-``; the only one of the organization; else each directory that answers for the account."""
        return [d for d, _user in self.user_records({"accountId": account_id})]

    def user_records(self, user: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """``[(directory id, user as that directory has it)]`` of the directories that hold ``user`` (an answered user
        object, which stands for the only directory): one read a directory when the organization has several."""
        if self.directory_id != ALL_DIRECTORIES:
            return [(self.directory_id, user)]
        directories = [d["directoryId"] for d in self.directories()]
        if len(directories) <= 1:
            return [(d, user) for d in directories]
        records = [(d, self.get_user(user["accountId"], d)) for d in directories]
        return [(d, record) for d, record in records if record is not None]

    # -- groups ----------------------------------------------------------------------------------------

    def search_groups(
        self,
        names: Iterable[str] | None = None,
        ids: Iterable[str] | None = None,
        account_ids: Iterable[str] | None = None,
        resource_ids: Iterable[str] | None = None,
        expand: Iterable[str] | None = ("counts.users",),
    ) -> list[dict[str, Any]]:
        """Groups by exact ``names`` (case-insensitive), ``ids``, groups of members ``account_ids``, groups with a
        role on ``resource_ids``, or all. Batched by GROUP_FILTER_LIMITS, without repeats; every group answered must
        match the filter sent."""
        path = self.directory_path() + "/groups/search"
        base = {"expand": list(expand)} if expand else {}
        filters = [("groupNames", names), ("groupIds", ids), ("accountIds", account_ids), ("resourceIds", resource_ids)]
        filters = [(name, values) for name, values in filters if values is not None]
        if not filters:
            return self._checked_groups(path, base, None, None)
        found = []
        for name, values in filters:
            for batch in _batches(_unique(values, fold=name == "groupNames"), GROUP_FILTER_LIMITS[name]):
                body = dict(base)
                body[name] = batch
                found.extend(self._checked_groups(path, body, name, batch))
        return found

    def _checked_groups(self, path: str, body: dict[str, Any], name: str | None, batch: list[str] | None) -> list[dict[str, Any]]:
        found = []
        for group in iter_admin_values(self.transport, path, body=body):
            if not isinstance(group, dict):
                raise self._unexpected("POST", path, "POST %s answered a group that is not an object" % self._path_only(path))
            self._segment(group.get("id"), "a group id", "POST", path)
            if name == "groupNames":
                ok = str(group.get("name") or "").lower() in {v.lower() for v in batch}
            elif name == "groupIds":
                ok = group.get("id") in batch
            else:
                ok = True
            if not ok:
                raise self._unexpected(
                    "POST",
                    path,
                    "POST %s answered the group %s, which does not match the %s filter "
                    "sent" % (self._path_only(path), validate.show(str(group.get("name"))), name),
                )
            found.append(group)
        return found

    def get_group(self, group_id: str, directory_id: str | None = None) -> dict[str, Any] | None:
        """The group (``GET D/groups/{groupId}``), or None when it does not exist."""
        path = "%s/groups/%s" % (self.directory_path(directory_id), validate.path_segment(group_id))
        return self._keyed_get(path, "id", group_id, "group")

    def _keyed_get(self, path: str, key: str, wanted: str, what: str) -> dict[str, Any] | None:
        """``GET path``: the object whose ``key`` is ``wanted``, None on 404, another object an unexpected answer."""
        try:
            item = self._data("GET", path)
        except NotFoundError:
            return None
        if item.get(key) != wanted:
            raise self._unexpected(
                "GET",
                path,
                "GET %s answered the %s %s instead of %s"
                % (self._path_only(path), what, validate.show(str(item.get(key))), wanted),
            )
        return item

    def group_role_assignments(self, group_id: str) -> list[dict[str, Any]]:
        """``[{resourceId, resourceOwner, defaultRole, roles}]`` of a group (read once per task)."""
        if group_id not in self._group_roles:
            path = "%s/groups/%s/role-assignments" % (self.directory_path(), validate.path_segment(group_id))
            self._group_roles[group_id] = [
                item for item in iter_admin_values(self.transport, path, method="GET") if isinstance(item, dict)
            ]
        return self._group_roles[group_id]
