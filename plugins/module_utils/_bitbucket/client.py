# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""BitbucketClient: typed Bitbucket Cloud resource calls (users, members, permissions) over a Transport.

Every method makes the fewest requests that answer its question and says so in its docstring.
Nothing here decides what to change: modules plan with ``_engine`` and call these methods.
"""

from __future__ import annotations

from typing import Any, TypeVar
from collections.abc import Callable, Collection, Iterable, Iterator

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, UnexpectedAnswerError
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.targets import (
    GROUP,
    REPOSITORY,
    USER,
    Scope,
    Subject,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._pagination import (
    BITBUCKET_MAX_PAGELEN,
    iter_bitbucket_pages,
    iter_bitbucket_values,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import ApiClient, Transport

# Bitbucket accepts at most 90 addresses in one ``user.email IN (...)`` filter.
EMAIL_BATCH = 90
# Account ids (or uuids) per ``user.account_id IN (...)`` / ``user.uuid IN (...)`` filter: keeps the URL well under 8 KB.
ACCOUNT_ID_BATCH = 50

_UUID = validate.UUID
T = TypeVar("T")


class IncompleteListError(ApiError):
    """A paginated list ended before its last page (the API sent a broken ``next`` chain)."""


def normalize_identifier(value: str | None) -> str:
    """Emails lower-cased, UUIDs as ``{lower-case-uuid}``, account ids stripped."""
    value = (value or "").strip()
    kind = validate.identifier_kind(value, lenient=True)
    if kind == "email":
        return value.lower()
    if kind == "uuid":
        return "{%s}" % _UUID.match(value).group(1).lower()
    return value


def bbql_string(value: Any) -> str:
    """A BBQL string literal: double quotes, with backslashes and quotes escaped."""
    return '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"')


def bbql_in(field: str, values: Iterable[Any]) -> str:
    """``field IN ("a","b")`` (the documented form, also for a single value)."""
    return "%s IN (%s)" % (field, ",".join(bbql_string(v) for v in values))


def refused_query(err: BaseException) -> bool:
    """True for HTTP 400 to a read: the server does not take the query form (a filter the official documents state by
    the filtering narrative's generality only), so a documented form must answer instead."""
    return isinstance(err, ApiError) and err.status == 400


def read_or_fallback(fast: Callable[[], T], documented: Callable[[], T]) -> T:
    """``fast()`` (a filtered read, complete: a list or dict, never a lazy iterator), or ``documented()`` (the same
    answer from a form the official documents state) when the server answers the fast read with HTTP 400. Nothing is
    spent on the fallback when the fast read works; any other error propagates."""
    try:
        return fast()
    except ApiError as err:
        if not refused_query(err):
            raise
    return documented()


def chunks(values: Iterable[T], size: int) -> list[list[T]]:
    """Split a list into lists of at most ``size`` items."""
    values = list(values)
    return [values[i : i + size] for i in range(0, len(values), size)]


_seg = validate.path_segment


def same_user(user: dict[str, Any] | None, asked: str) -> bool:
    """True when the user object ``user`` is the account asked for (account id, or ``{uuid}`` in any case)."""
    user = user or {}
    asked = normalize_identifier(asked)
    if validate.identifier_kind(asked, lenient=True) == "uuid":
        return normalize_identifier(user.get("uuid") or "") == asked
    return user.get("account_id") == asked or normalize_identifier(user.get("uuid") or "") == asked


def member_key(user: dict[str, Any] | None, kind: str = "account_id") -> str | None:
    """The account id, or with ``kind="uuid"`` the normalized ``{uuid}``, of a user object."""
    user = user or {}
    return normalize_identifier(user.get("uuid") or "") if kind == "uuid" else user.get("account_id")


def _who(user: dict[str, Any] | None) -> str:
    user = user or {}
    return user.get("account_id") or user.get("uuid") or "an object without account_id"


def unexpected(method: str, path: str, message: str) -> UnexpectedAnswerError:
    """UnexpectedAnswerError for a 2xx answer that does not match the request (zero writes follow)."""
    return UnexpectedAnswerError("%s %s %s" % (method, path, message), method=method, path=path, status=200)


def check_filtered(
    items: list[T], wanted: Collection[Any], key_of: Callable[[T], Any], field: str, method: str, path: str
) -> list[T]:
    """Every item of a filtered read must match the filter: ``key_of(item)`` in ``wanted``."""
    for item in items:
        key = key_of(item)
        if key not in wanted:
            raise unexpected(
                method,
                path,
                "filtered on %s answered %s, which does not match the filter: the server "
                "ignored or misapplied the filter" % (field, key or "an item without %s" % field),
            )
    return items


def user_key(user: dict[str, Any] | None) -> str | None:
    """The stable key of a user object: its account_id (its uuid when the API left it out)."""
    user = user or {}
    return user.get("account_id") or user.get("uuid")


def user_summary(user: dict[str, Any] | None) -> dict[str, Any]:
    """The identity fields of a user object that modules return."""
    user = user or {}
    summary = {
        "account_id": user.get("account_id"),
        "uuid": user.get("uuid"),
        "display_name": user.get("display_name"),
        "nickname": user.get("nickname"),
    }
    if user.get("email"):
        summary["email"] = user["email"]
    return summary


class BitbucketClient(ApiClient):
    """Typed calls of the Bitbucket Cloud API (``/2.0``) over one :class:`Transport`.

    The client is not meant to be shared between threads: :meth:`for_worker` gives each worker
    thread its own client (own Transport and requests.Session, same auth object and ApiStats).
    """

    def __init__(self, transport: Transport, pagelen: int = BITBUCKET_MAX_PAGELEN) -> None:
        super().__init__(transport)
        self.pagelen = pagelen

    @property
    def auth_kind(self) -> str | None:
        return getattr(self.transport, "auth_kind", None)

    def _on(self, transport: Transport) -> BitbucketClient:
        return BitbucketClient(transport, pagelen=self.pagelen)

    # -- the caller ---------------------------------------------------------------------------------------

    def current_user(self) -> dict[str, Any]:
        """``GET /user``: the account the credentials belong to (1 request)."""
        return self.transport.get_json("/user")

    def current_user_emails(self) -> list[Any]:
        """``GET /user/emails`` (every page): the caller's addresses, confirmed or not."""
        return list(iter_bitbucket_values(self.transport, "/user/emails", pagelen=self.pagelen))

    def get_user(self, selected_user: str) -> dict[str, Any] | None:
        """``GET /users/{account_id or {uuid}}``: a public profile, or None when there is none (1 request)."""
        path = "/users/%s" % _seg(selected_user)
        response = self.transport.request("GET", path, allow=(404,))
        if response.status_code == 404:
            return None
        return self._keyed(self.transport.decode_json(response, "GET", path) or {}, selected_user, path)

    def _shown(self, path: str) -> str:
        """The path of a request as messages show it (with the base path, without a query)."""
        return self.transport.shown_path(path)

    def _keyed(self, user: dict[str, Any], asked: str, path: str, field: str | None = None) -> dict[str, Any]:
        """``user`` (or ``user[field]``) when it is the account asked for; UnexpectedAnswerError otherwise."""
        subject = (user or {}).get(field) if field else user
        if not same_user(subject, asked):
            raise unexpected("GET", self._shown(path), "answered %s although %s was asked for" % (_who(subject), asked))
        return user

    # -- workspace ----------------------------------------------------------------------------------------

    def iter_workspace_permissions(self, workspace: str, q: str | None = None) -> Iterator[Any]:
        """``GET /workspaces/{ws}/permissions`` (every page): ``workspace_membership`` objects with
        ``permission`` (owner, collaborator, member) and ``user``; one request per 100 members."""
        params = {"q": q} if q else None
        return iter_bitbucket_values(
            self.transport, "/workspaces/%s/permissions" % _seg(workspace), params=params, pagelen=self.pagelen
        )

    def iter_workspace_permission_pages(self, workspace: str, q: str | None = None) -> Iterator[dict[str, Any]]:
        """The pages (dicts, with ``size`` when Bitbucket sends it) of ``/workspaces/{ws}/permissions``."""
        params = {"q": q} if q else None
        return iter_bitbucket_pages(
            self.transport, "/workspaces/%s/permissions" % _seg(workspace), params=params, pagelen=self.pagelen
        )

    def iter_workspace_members(self, workspace: str) -> Iterator[Any]:
        """``GET /workspaces/{ws}/members`` (every page, unfiltered): ``workspace_membership`` objects with ``user`` and
        no ``permission``; one request per 100 members. Workspace access tokens may read it. (The only filter the spec
        states on it is ``user.email IN (...)``: :meth:`members_by_email`.)"""
        return iter_bitbucket_values(self.transport, "/workspaces/%s/members" % _seg(workspace), pagelen=self.pagelen)

    def workspace_permissions_for(
        self, workspace: str, account_ids: Iterable[str], documented: bool = True
    ) -> dict[str | None, dict[str, Any]]:
        """Memberships (with permission) of the given account ids, ``q=user.account_id IN (...)`` in batches of 50;
        {account_id: membership}. On HTTP 400 to the filter, the whole unfiltered listing, matched here (with
        ``documented=False`` the 400 is raised instead, for a caller already reading that listing)."""
        wanted = sorted(set(account_ids))
        path = self._shown("/workspaces/%s/permissions" % _seg(workspace))

        def filtered() -> dict[str | None, dict[str, Any]]:
            found = {}
            for batch in chunks(wanted, ACCOUNT_ID_BATCH):
                listed = list(self.iter_workspace_permissions(workspace, q=bbql_in("user.account_id", batch)))
                for membership in check_filtered(
                    listed, batch, lambda m: (m.get("user") or {}).get("account_id"), "user.account_id", "GET", path
                ):
                    found[user_key(membership.get("user"))] = membership
            return found

        def listing() -> dict[str | None, dict[str, Any]]:
            return {
                user_key(m.get("user")): m
                for m in self.iter_workspace_permissions(workspace)
                if user_key(m.get("user")) in wanted
            }

        return read_or_fallback(filtered, listing) if documented else filtered()

    def get_member(self, workspace: str, member: str) -> dict[str, Any] | None:
        """``GET /workspaces/{ws}/members/{account_id or {uuid}}``: the membership, or None when the
        account is not a member (1 request)."""
        path = "/workspaces/%s/members/%s" % (_seg(workspace), _seg(member))
        response = self.transport.request("GET", path, allow=(404,))
        if response.status_code == 404:
            return None
        return self._keyed(self.transport.decode_json(response, "GET", path) or {}, member, path, field="user")

    def members_by_email(self, workspace: str, emails: Iterable[str | None]) -> dict[str, dict[str, Any]]:
        """Workspace members with these addresses: ``GET /workspaces/{ws}/members`` with
        ``q=user.email IN (...)`` (at most 90 addresses per request) and ``fields=+values.user.email``: the one
        filter the spec states on members.

        Needs a workspace admin (or a workspace access token). Returns {lower-case email: user}
        (each user holds ``email``); addresses that match no member are simply absent. A batch answered with HTTP 400
        (the spec's answer to too many addresses) is asked again in two halves, down to one address, whose 400 raises.
        """
        wanted = []
        for email in emails:
            email = (email or "").strip().lower()
            if email and email not in wanted:
                wanted.append(email)
        found = {}
        for batch in chunks(wanted, EMAIL_BATCH):
            for membership in self._members_with_emails(workspace, batch):
                user = dict(membership["user"])
                found[user["email"].strip().lower()] = user
        return found

    def _members_with_emails(self, workspace: str, batch: list[str]) -> list[Any]:
        path = "/workspaces/%s/members" % _seg(workspace)
        params = {"q": bbql_in("user.email", batch), "fields": "+values.user.email"}
        try:
            listed = list(iter_bitbucket_values(self.transport, path, params=params, pagelen=self.pagelen))
        except ApiError as err:
            if not refused_query(err) or len(batch) == 1:
                raise
            half = (len(batch) + 1) // 2
            return self._members_with_emails(workspace, batch[:half]) + self._members_with_emails(workspace, batch[half:])
        return check_filtered(
            listed,
            batch,
            lambda m: ((m.get("user") or {}).get("email") or "").strip().lower(),
            "user.email",
            "GET",
            self._shown(path),
        )

    def iter_effective_repository_permissions(self, workspace: str, q: str | None = None) -> Iterator[Any]:
        """``GET /workspaces/{ws}/permissions/repositories`` (every page): effective permissions
        (direct or through groups) of every user on every repository; workspace admins only."""
        params = {"q": q} if q else None
        return iter_bitbucket_values(
            self.transport, "/workspaces/%s/permissions/repositories" % _seg(workspace), params=params, pagelen=self.pagelen
        )

    def iter_projects(self, workspace: str) -> Iterator[Any]:
        """``GET /workspaces/{ws}/projects`` (every page, 100 per request): the project objects."""
        return iter_bitbucket_values(self.transport, "/workspaces/%s/projects" % _seg(workspace), pagelen=self.pagelen)

    # -- explicit permissions (repositories and projects, users and groups) ------------------------------

    def _read_complete(self, path: str) -> list[Any]:
        """Every value of a list, or an error: ApiError when a page fails, IncompleteListError when the
        ``next`` chain breaks (so callers never act on a partial list)."""
        values = []
        last = None
        for page in iter_bitbucket_pages(self.transport, path, pagelen=self.pagelen):
            values.extend(page.get("values", []))
            last = page
        if last is not None and last.get("next"):
            path_only = self._shown(path)
            raise IncompleteListError(
                "GET %s: the list could not be read to its last page (the API returned a broken "
                "next link), so nothing was changed from it" % path_only,
                method="GET",
                path=path_only,
                status=200,
                secrets=self.transport.secrets,
            )
        return values

    def _check_item(
        self, item: dict[str, Any], scope: Scope, subject: Subject, workspace: str, target: str, path: str
    ) -> str | None:
        """A permission item must be about the target asked for and have a key that is safe in a URL."""
        if not scope.is_about(item, workspace, target):
            raise unexpected(
                "GET",
                self._shown(path),
                "answered a permission of %s %s instead of %s/%s" % (scope.name, scope.item_key(item), workspace, target),
            )
        key = subject.item_key(item)
        if key is not None and not subject.valid_key(key):
            what = "an account id nor a {uuid}" if subject.name == "user" else "a group slug"
            raise unexpected(
                "GET",
                self._shown(path),
                "answered a %s whose key %r is neither %s (it would become a URL "
                "path segment)" % (subject.name, str(key)[:80], what),
            )
        return key

    def list_permissions(self, scope: Scope, subject: Subject, workspace: str, target: str) -> dict[str, dict[str, Any]]:
        """Explicit permissions of one repository or project for users or groups, every page (100 per request):
        {key: {"permission": ..., "subject": user or group object}}; ``none`` entries are left out. Raises on any
        failed page, and UnexpectedAnswerError for an item about another target or with an unsafe key."""
        current = {}
        path = scope.path(workspace, target, subject)
        for item in self._read_complete(path):
            key = self._check_item(item, scope, subject, workspace, target, path)
            permission = item.get("permission")
            if key and permission in scope.levels:
                current[key] = {"permission": permission, "subject": item.get(subject.field) or {}}
        return current

    def get_permission(
        self, scope: Scope, subject: Subject, workspace: str, target: str, key: str, confirm_missing: bool = True
    ) -> str | None:
        """The explicit permission of one user or group (``GET .../permissions-config/{users|groups}/{key}``), or None.

        A 404 means "no explicit permission" or "no such target" (or, for a group, "no such group"). With
        ``confirm_missing`` a second request (the list, ``pagelen=1``) tells which, raising NotFoundError for a
        missing target: 1 request when there is a permission, 2 when not. Without it, a 404 reads as "no explicit
        permission" (1 request): use that only when a later write finds out anyway (its ``PUT`` answers 404).
        """
        path = scope.path(workspace, target, subject, key)
        response = self.transport.request("GET", path, allow=(404,))
        if response.status_code != 404:
            body = self.transport.decode_json(response, "GET", path) or {}
            if body:
                found = subject.item_key(body)
                asked_user = subject.name == "user"
                if (asked_user and not same_user(body.get("user"), key)) or (not asked_user and found != key.lower()):
                    raise unexpected(
                        "GET",
                        self._shown(path),
                        "answered %s although %s was asked for" % (found or "an object without a key", key),
                    )
                self._check_item(body, scope, subject, workspace, target, path)
            permission = body.get("permission")
            return permission if permission in scope.levels else None
        if confirm_missing:
            self.target_exists(scope, subject, workspace, target)
        return None

    def target_exists(self, scope: Scope, subject: Subject, workspace: str, target: str) -> None:
        """``GET .../permissions-config/{users|groups}?pagelen=1``: NotFoundError when the target does not exist."""
        self.transport.request("GET", scope.path(workspace, target, subject), params={"pagelen": 1})

    def set_permission(
        self, scope: Scope, subject: Subject, workspace: str, target: str, key: str, permission: str
    ) -> dict[str, Any]:
        """``PUT .../permissions-config/{users|groups}/{key}`` with ``{"permission": ...}`` (idempotent, retried)."""
        if permission not in scope.levels:
            raise ValueError("permission must be one of %s" % ", ".join(scope.levels))
        path = scope.path(workspace, target, subject, key)
        response = self.transport.request("PUT", path, json={"permission": permission}, idempotent=True)
        return self.transport.decode_json(response, "PUT", path) or {}

    def remove_permission(self, scope: Scope, subject: Subject, workspace: str, target: str, key: str) -> bool:
        """``DELETE .../permissions-config/{users|groups}/{key}``; True when removed now, False when there was nothing
        left to remove (404: e.g. an earlier attempt of a retried DELETE already removed it)."""
        path = scope.path(workspace, target, subject, key)
        response = self.transport.request("DELETE", path, idempotent=True, allow=(404,))
        return response.status_code != 404

    # the repository-and-user forms, as member_info and the tests use them

    def list_user_permissions(self, workspace: str, repository: str) -> dict[str, dict[str, Any]]:
        """{account_id: {"permission": ..., "user": {...}}} of a repository (see :meth:`list_permissions`)."""
        listed = self.list_permissions(REPOSITORY, USER, workspace, repository)
        return {k: {"permission": v["permission"], "user": v["subject"]} for k, v in listed.items()}

    def list_group_permissions(self, workspace: str, repository: str) -> list[dict[str, Any]]:
        """[{"permission": ..., "group": {...}}] of a repository (see :meth:`list_permissions`)."""
        listed = self.list_permissions(REPOSITORY, GROUP, workspace, repository)
        return [{"permission": v["permission"], "group": v["subject"]} for _k, v in sorted(listed.items())]

    def get_user_permission(self, workspace: str, repository: str, user: str, confirm_missing: bool = True) -> str | None:
        return self.get_permission(REPOSITORY, USER, workspace, repository, user, confirm_missing=confirm_missing)

    def set_user_permission(self, workspace: str, repository: str, user: str, permission: str) -> dict[str, Any]:
        return self.set_permission(REPOSITORY, USER, workspace, repository, user, permission)

    def remove_user_permission(self, workspace: str, repository: str, user: str) -> bool:
        return self.remove_permission(REPOSITORY, USER, workspace, repository, user)
