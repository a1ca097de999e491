# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The writes of ``_admin.client.AdminClient`` (``AdminWrites``), and what their answers mean under the official
Organizations REST API document (``atlassian-admin-organization.swagger.v3.2026-08-21.json``):

* ``POST D/groups/{groupId}/memberships``: 204; **409 for two reasons** ("The user is already in the group or you've
  exceeded your user limit for an app that the group grants access to", no body declared). The membership is read
  again: a member is "already a member"; otherwise a product the group grants is out of seats
  (:class:`LicenceLimitError`, naming the products, the full ones first).
* ``DELETE D/groups/{groupId}/memberships/{accountId}`` and ``DELETE D/users/{accountId}``: 204; 404 "We couldn't find
  the organization, directory, group, or user". Only a read made afterwards, which finds the group and the account
  (the directory, for a user), makes it "nothing to remove"; anything else is the 404 error.
* ``POST O/users/invite``: 200 or **206** ("At least one invitation failed"), both with one entry per email and the
  result of each group and role; 402 (no paid subscription: :class:`SubscriptionRequiredError`), 409 (a user limit:
  :class:`LicenceLimitError`). A failed invitation is reported per email (:class:`InvitationFailedError`).
* suspend, restore: 204 (no 409 is declared for a restore).

Writes go to a concrete directory (``-`` is documented for reads only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AtlassianError,
    ConflictError,
    NotFoundError,
    PlanLimitError,
    UnexpectedAnswerError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import ApiClient

if TYPE_CHECKING:
    import requests

T = TypeVar("T")

# "every directory this key may manage": documented for reads; writes are sent to a concrete directory
ALL_DIRECTORIES = "-"

# MultidirectoryInviteApiRequest.emails: 1 to 25 emails a request (the spec's "maximum: 25").
INVITE_BATCH = 25
# The group id in a user's ``groups`` may be the group's ARI (the spec's example) or its plain id.
GROUP_ARI_PREFIX = "ari:cloud:identity::group/"
GRANTING_ROLES = ("atlassian/user", "atlassian/admin")


class LicenceLimitError(ConflictError):
    """409: a product the group (or the invitation) gives access to has no seat left; ``products`` names them."""

    def __init__(self, message: str, products: list | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.products = list(products or ())


class SubscriptionRequiredError(PlanLimitError):
    """402 on an invitation: the organization has no paid subscription, which the invitation API needs."""


class InvitationFailedError(ApiError):
    """200 / 206 with at least one invitation failed; ``results``: one entry per email (``invited``, ``failures``)."""

    def __init__(self, message: str, results: list, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.results = results


def group_key(group_id: Any) -> str:
    """A group id without the ARI prefix (``ari:cloud:identity::group/<id>`` and ``<id>`` are the same group)."""
    text = str(group_id or "")
    return text[len(GROUP_ARI_PREFIX) :] if text.startswith(GROUP_ARI_PREFIX) else text


def group_directory(group: dict, configured: str) -> str:
    """The concrete directory of a group's writes: its ``directoryId``, else the configured directory."""
    directory = group.get("directoryId")
    if isinstance(directory, str) and directory:
        validate.server_segment(directory, "a directory id")
        return directory
    if configured == ALL_DIRECTORIES:
        raise UnexpectedAnswerError(
            "the group %s was answered without its directoryId, and admin_directory_id is '-': "
            "set admin_directory_id to the group's directory" % validate.show(str(group.get("name")))
        )
    return configured


def _roles(item: dict) -> list:
    """A group role assignment's ``roles``: flat (the spec's RoleIds) or a list of lists (older clients' reading)."""
    flat = []
    for role in item.get("roles") or ():
        flat.extend(r for r in (role if isinstance(role, list) else [role]) if isinstance(r, str))
    return flat


class AdminWrites(ApiClient):
    """The write operations of ``AdminClient`` (which provides ``transport``, ``directory_path``, ``_org`` and the
    reads: ``_checked_users``, ``get_group``, ``group_role_assignments``, ``workspaces``).

    ``last_answer_lost``: after ``add_member`` / ``remove_member`` / ``remove_user``, True when the change was made by
    this call although the API's answer to it was lost (a retry found it made, and a read confirmed it)."""

    last_answer_lost = False

    # -- users ------------------------------------------------------------------------------------------

    def _user_write(self, directory_id: str, account_id: str, action: str) -> str:
        return "%s/users/%s%s" % (self.directory_path(directory_id), validate.path_segment(account_id), action)

    def suspend(self, directory_id: str, account_id: str) -> None:
        # sets an absolute state (suspending a suspended user changes nothing): safe to send again
        self.transport.request("POST", self._user_write(directory_id, account_id, "/suspend"), idempotent=True)

    def restore(self, directory_id: str, account_id: str) -> None:
        self.transport.request("POST", self._user_write(directory_id, account_id, "/restore"), idempotent=True)

    def directory_user(self, directory_id: str, account_id: str) -> dict | None:
        """The account as the directory ``directory_id`` has it (its groups expanded), or None: one search, whose
        200 also proves that the organization and the directory exist."""
        path = self.directory_path(directory_id) + "/users/search"
        users = self._checked_users(path, {"accountIds": [account_id], "expand": ["groups"]}, "accountIds", [account_id])
        return next((u for u in users if u.get("accountId") == account_id), None)

    def remove_user(self, directory_id: str, account_id: str) -> bool:
        """DELETE the user from the directory: True when removed; False when the 404 answered is confirmed by a read
        that finds the directory without the account (else that 404 is raised)."""
        self.last_answer_lost = False
        try:
            self.transport.request("DELETE", self._user_write(directory_id, account_id, ""))
        except NotFoundError as err:
            maybe_applied = self.transport.last_maybe_applied
            if self._read_again(err, lambda: self.directory_user(directory_id, account_id)) is None:
                self.last_answer_lost = bool(maybe_applied)
                return self.last_answer_lost
            raise self._explained(err, "the account is still in the directory %s" % directory_id) from None
        return True

    def _explained(self, err: NotFoundError, why: str) -> NotFoundError:
        """``err`` (a 404 the read again did not confirm as "already gone") with what the read showed."""
        return NotFoundError(
            "%s; %s" % (err.message, why),
            method=err.method,
            path=err.path,
            status=err.status,
            api_message=err.api_message,
            secrets=self.secrets,
            body=err.body,
        )

    def _read_again(self, err: ApiError, read: Callable[[], T]) -> T:
        """``read()``, made to tell what an ambiguous answer (``err``) meant; its own failure names both."""
        try:
            return read()
        except AtlassianError as again:
            raise type(err)(
                "%s; reading again to tell what it meant failed too: %s" % (err.message, again.message),
                method=err.method,
                path=err.path,
                status=err.status,
                api_message=err.api_message,
                secrets=self.secrets,
                body=err.body,
            ) from None

    # -- invitation -------------------------------------------------------------------------------------

    def invite(self, emails: list, group_ids: Iterable[str] = (), send_notification: bool = True) -> list:
        """``POST O/users/invite``, INVITE_BATCH emails a request: ``[{email, account_id, invited, failures}]``, one
        per email. InvitationFailedError (after every batch) when an invitation failed, with those results."""
        path = self._org + "/users/invite"
        results = []
        for batch in _batches(_unique(emails, fold=True), INVITE_BATCH):
            body = {"emails": batch, "sendNotification": bool(send_notification)}
            if group_ids:
                body["additionalGroups"] = list(group_ids)
            what = "invite %s" % ", ".join(batch)
            try:
                response = self.transport.request("POST", path, json=body)
            except ConflictError as err:  # the spec's only 409 here: "exceeded your user limit for an app"
                raise self._seat_error(err, what, group_ids) from None
            except PlanLimitError as err:
                raise SubscriptionRequiredError(
                    "Cannot %s: the organization has no paid subscription, which the invitation API needs (HTTP 402: %s)"
                    % (what, err.api_message or "Payment Required"),
                    method=err.method,
                    path=err.path,
                    status=err.status,
                    api_message=err.api_message,
                    secrets=self.secrets,
                    body=err.body,
                ) from None
            results.extend(self._invitations(path, batch, response))
        failed = [r for r in results if not r["invited"]]
        if failed:
            raise InvitationFailedError(
                "The invitation failed for %s" % "; ".join("%s (%s)" % (r["email"], ", ".join(r["failures"])) for r in failed),
                results,
                method="POST",
                path=self._path_only(path),
                status=206,
                secrets=self.secrets,
            )
        return results

    def _invitations(self, path: str, batch: list, response: requests.Response) -> list:
        """One result per email of ``batch`` from a 200 / 206 MultidirectoryInviteSuccessResponse."""
        answer = self.transport.decode_json(response, "POST", path)
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list):
            raise ApiError(
                "POST %s answered HTTP %s without its data list: the invitations were sent, their results are "
                "unknown; check them in Atlassian Administration" % (self._path_only(path), response.status_code),
                method="POST",
                path=self._path_only(path),
                status=response.status_code,
                secrets=self.secrets,
            )
        entries = {str(e.get("email")).lower(): e for e in data if isinstance(e, dict)}
        results = []
        for email in batch:
            entry = entries.get(email.lower())
            if entry is None:
                results.append(
                    {
                        "email": email,
                        "account_id": None,
                        "invited": False,
                        "failures": ["not in the answer of HTTP %s" % response.status_code],
                    }
                )
                continue
            failures = []
            for result in entry.get("results") or ():
                result = result if isinstance(result, dict) else {}
                for item in result.get("groupAssignmentResult") or ():
                    if isinstance(item, dict) and item.get("status") != "INVITED":
                        failures.append("group %s: %s" % (item.get("group"), item.get("statusReason") or item.get("status")))
                for item in result.get("roleAssignmentResult") or ():
                    if isinstance(item, dict) and item.get("status") != "INVITED":
                        reason = item.get("statusReason") or item.get("status")
                        failures.append("role %s on %s: %s" % (item.get("role"), item.get("resource"), reason))
            account_id = entry.get("id") if isinstance(entry.get("id"), str) else None
            results.append({"email": email, "account_id": account_id, "invited": not failures, "failures": failures})
        if response.status_code == 206 and all(r["invited"] for r in results):
            for result in results:  # "at least one invitation failed", none said which: none is sure
                result.update(invited=False, failures=["HTTP 206 (at least one invitation failed) without saying which"])
        return results

    # -- memberships ------------------------------------------------------------------------------------

    def _membership_path(self, group: dict, account_id: str | None = None) -> str:
        directory = self.directory_path(group_directory(group, self.directory_id))
        path = "%s/groups/%s/memberships" % (directory, validate.path_segment(group["id"]))
        return path + ("/" + validate.path_segment(account_id) if account_id else "")

    def is_member(self, group: dict, account_id: str) -> tuple:
        """(the account is in the group's directory, it is a member of the group), read again in that directory."""
        user = self.directory_user(group_directory(group, self.directory_id), account_id)
        if user is None:
            return False, False
        held = {group_key(g.get("id")) for g in user.get("groups") or () if isinstance(g, dict)}
        return True, group_key(group["id"]) in held

    def add_member(self, group: dict, account_id: str) -> bool:
        """Add ``account_id`` to ``group`` (an answered group object): True when added; False when a 409 is confirmed by
        a read that finds the account a member. Any other 409 is a product out of seats: LicenceLimitError."""
        what = "add %s to the group %s" % (account_id, group.get("name"))
        self.last_answer_lost = False
        try:
            # safe to send again: a repeat is answered 409 and read again (item 7 of issue 19)
            self.transport.request("POST", self._membership_path(group), json={"accountId": account_id}, idempotent=True)
        except ConflictError as err:
            maybe_applied = self.transport.last_maybe_applied  # before the read again (a request of its own)
            _in_directory, member = self._read_again(err, lambda: self.is_member(group, account_id))
            if member:
                self.last_answer_lost = bool(maybe_applied)
                return self.last_answer_lost
            raise self._seat_error(err, what, [group["id"]]) from None
        return True

    def remove_member(self, group: dict, account_id: str) -> bool:
        """Remove ``account_id`` from ``group``: True when removed; False when a 404 is confirmed by a read that finds
        the group and the account, not a member (else that 404 is raised, saying what is missing)."""
        self.last_answer_lost = False
        try:
            self.transport.request("DELETE", self._membership_path(group, account_id))
        except NotFoundError as err:
            maybe_applied = self.transport.last_maybe_applied
            directory = group_directory(group, self.directory_id)
            in_directory, member = self._read_again(err, lambda: self.is_member(group, account_id))
            exists = in_directory and self._read_again(err, lambda: self.get_group(group["id"], directory)) is not None
            if exists and not member:
                self.last_answer_lost = bool(maybe_applied)
                return self.last_answer_lost
            if member:
                why = "the account is still a member of the group"
            elif not in_directory:
                why = "the account is not in the directory %s of the group" % directory
            else:
                why = "the group %s no longer exists in the directory %s" % (validate.show(str(group.get("name"))), directory)
            raise self._explained(err, why) from None
        return True

    # -- seats ------------------------------------------------------------------------------------------

    def granted_products(self, group_ids: Iterable[str]) -> list:
        """``[{resource_id, name, product, usage, capacity, full}]``: the resources the groups give access to
        (``atlassian/user`` / ``atlassian/admin``), full ones first (``usage`` at or over ``capacity``)."""
        wanted = []
        for gid in group_ids:
            for item in self.group_role_assignments(gid):
                if set(_roles(item)) & set(GRANTING_ROLES) and item.get("resourceId") not in wanted:
                    wanted.append(item.get("resourceId"))
        if not wanted:
            return []
        found = {w.get("id"): w.get("attributes") or {} for w in self.workspaces() if isinstance(w, dict)}
        products = []
        for rid in wanted:
            attributes = found.get(rid) if isinstance(found.get(rid), dict) else {}
            usage, capacity = attributes.get("usage"), attributes.get("capacity")
            full = isinstance(usage, int) and isinstance(capacity, int) and usage >= capacity
            products.append(
                {
                    "resource_id": rid,
                    "name": attributes.get("name"),
                    "product": attributes.get("typeKey"),
                    "usage": usage,
                    "capacity": capacity,
                    "full": full,
                }
            )
        return sorted(products, key=lambda p: not p["full"])

    def _seat_error(self, err: ConflictError, what: str, group_ids: Iterable[str]) -> LicenceLimitError:
        """The 409 of ``what`` as a LicenceLimitError naming the products out of seats (those the groups grant)."""
        try:
            products = self.granted_products(group_ids) if group_ids else []
        except AtlassianError:
            products = []  # the names are a help: the error is the 409 itself
        full = [p for p in products if p["full"]] or products
        if full:
            names = ", ".join(
                "%s %s%s"
                % (
                    p["product"] or "product",
                    p["name"] or p["resource_id"],
                    " (%s of %s seats used)" % (p["usage"], p["capacity"]) if p["full"] else "",
                )
                for p in full
            )
            subject = ("out of seats: %s" if any(p["full"] for p in full) else "out of seats: one of %s") % names
        else:
            subject = "a product is out of seats (at its user limit)"
        return LicenceLimitError(
            "Cannot %s: %s (HTTP 409%s). Free a seat or raise the user limit in admin.atlassian.com, then run again"
            % (what, subject, ": %s" % err.api_message if err.api_message else ""),
            products=full,
            method=err.method,
            path=err.path,
            status=err.status,
            api_message=err.api_message,
            secrets=self.secrets,
            body=err.body,
        )


def _unique(values: Iterable[T] | None, fold: bool = False) -> list[T]:
    """``values`` without repeats, in order (``fold``: without regard to case): the spec's arrays are uniqueItems."""
    seen, kept = set(), []
    for value in values or ():
        key = value.lower() if fold and isinstance(value, str) else value
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def _batches(values: Iterable[T], size: int) -> Iterator[list[T]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
