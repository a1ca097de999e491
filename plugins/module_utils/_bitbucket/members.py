# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The work of the ``bitbucket_member_info`` module: read members, their roles and permissions with
as few requests as the question allows, join in memory, never fail on "not found".

Request plan:

* every member: ``/workspaces/{ws}/permissions`` (one request per 100 members; it carries the user
  objects and the workspace role, so no separate ``/members`` listing is needed);
* one member by account id or ``{uuid}``: the same listing filtered with BBQL (1 request);
* members by account id: the role listing filtered on the ids (50 per request), with their effective permissions read
  at the same time (both need only the ids);
* members by email: ``/workspaces/{ws}/members?q=user.email IN (...)`` (90 per request), then their
  roles with ``user.account_id IN (...)`` (50 per request) for up to 100 members; above that the
  first page of the whole role listing, whose ``size`` decides whether the rest of the listing or
  the id filter costs fewer requests;
* effective repository permissions: paginated ``/workspaces/{ws}/permissions/repositories``
  queries joined in memory, never one per member: the whole listing when every member is asked
  for, else one query per 50 members narrowed with BBQL;

A BBQL filter answered with HTTP 400 (a server that does not take a field the spec states only through the filtering
narrative) is replaced by the documented unfiltered listing, matched in memory; an access token's single member is read
with ``GET /workspaces/{ws}/members/{member}``.
* explicit permissions (``member_access``): one permission list per reached repository and the project lists, or
  only the kinds of ``include_explicit``;
* profiles: one ``/users/{id}`` per member (only with include_profile).

Workspace access tokens may not read ``/workspaces/{ws}/permissions`` (HTTP 403) but may read
``/workspaces/{ws}/members`` and filter it by email: after that 403 (asked once per task), members
come from ``/members`` (same filters, same paging) with ``workspace_permission: null`` and a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._workers import (
    DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
    WorkerPool,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import (
    ACCOUNT_ID_BATCH,
    BitbucketClient,
    bbql_in,
    check_filtered,
    chunks,
    member_key,
    normalize_identifier,
    read_or_fallback,
    refused_query,
    user_key,
    user_summary,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.identity import Directory, is_not_a_user, whoami
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.member_access import (
    EXPLICIT_KINDS,
    add_explicit_permissions,
)

# Above this many members, reading the whole role listing costs fewer requests than filtering by id.
FILTER_BY_ID_MAX = 2 * ACCOUNT_ID_BATCH


def _member(membership: dict[str, Any] | None, email: str | None = None) -> dict[str, Any]:
    user = dict((membership or {}).get("user") or {})
    if email and not user.get("email"):
        user["email"] = email
    entry = user_summary(user)
    entry["workspace_permission"] = (membership or {}).get("permission")
    return entry


def _repository_slug(repository: dict[str, Any] | None) -> str:
    repository = repository or {}
    full_name = repository.get("full_name") or ""
    if "/" in full_name:
        return full_name.split("/", 1)[1]
    return repository.get("slug") or repository.get("name") or full_name


class Roles:
    """Workspace memberships with their role from ``/workspaces/{ws}/permissions``, or, once an access
    token was refused that listing (403), from ``/workspaces/{ws}/members`` without a role (one warning)."""

    def __init__(self, client: BitbucketClient, workspace: str, warn: Callable[[str], Any] | None = None) -> None:
        self.client = client
        self.workspace = workspace
        self.warn = warn
        self.available = True

    def _unavailable(self, err: Exception) -> bool:
        """True (after one warning) when a 403 means this access token may not read roles."""
        if not (isinstance(err, ForbiddenError) and self.client.auth_kind == "access_token"):
            return False
        self.available = False
        if self.warn is not None:
            self.warn(
                "Workspace roles are not available with this access token (%s %s answered HTTP 403: workspace, "
                "project and repository access tokens cannot read workspace permissions), so members are read from "
                "/workspaces/%s/members and workspace_permission is null. Use an API token or OAuth consumer of a "
                "workspace admin to get the roles." % (err.method, err.path, self.workspace)
            )
        return True

    def listing(self) -> list[Any]:
        """Every membership (every page), with ``permission`` when roles are available."""
        if self.available:
            try:
                return list(self.client.iter_workspace_permissions(self.workspace))
            except ForbiddenError as err:
                if not self._unavailable(err):
                    raise
        return list(self.client.iter_workspace_members(self.workspace))

    def one(self, key: str, kind: str) -> dict[str, Any] | None:
        """The membership of one account id or ``{uuid}``, or None: the role listing filtered on it (1 request; on
        HTTP 400 the unfiltered listing, read until the member shows); without roles, ``GET .../members/{member}``."""
        client, field = self.client, "user.%s" % kind
        path = client.transport.shown_path("/workspaces/%s/permissions" % self.workspace)

        def filtered() -> list[Any]:
            listed = list(client.iter_workspace_permissions(self.workspace, q=bbql_in(field, [key])))
            return check_filtered(listed, (key,), lambda m: member_key(m.get("user"), kind), field, "GET", path)

        def listing() -> list[Any]:
            matching = (m for m in client.iter_workspace_permissions(self.workspace) if member_key(m.get("user"), kind) == key)
            return [m for m in (next(matching, None),) if m is not None]

        if self.available:
            try:
                listed = read_or_fallback(filtered, listing)
                return listed[0] if listed else None
            except ForbiddenError as err:
                if not self._unavailable(err):
                    raise
        return client.get_member(self.workspace, key)

    def for_ids(self, account_ids: list[str]) -> dict[str | None, dict[str, Any]]:
        """{account_id: membership}, or {} when roles are not available: filtered by id (50 per request)
        for up to 100 ids, else whichever costs fewer requests of the whole role listing and the filter."""
        if not account_ids or not self.available:
            return {}
        try:
            if len(account_ids) <= FILTER_BY_ID_MAX:
                return self.client.workspace_permissions_for(self.workspace, account_ids)
            return self._listing_or_filter(account_ids)
        except ForbiddenError as err:
            if not self._unavailable(err):
                raise
        return {}

    def _listing_or_filter(self, account_ids: list[str]) -> dict[str | None, dict[str, Any]]:
        """Read the first page of the whole role listing; when its ``size`` shows that filtering the ids
        still missing (50 per request) costs fewer requests than the pages left, switch to the filter
        (one page read for little at most); without ``size``, read the listing to its end."""
        wanted = set(account_ids)
        found = {}
        pagelen = self.client.pagelen
        for index, page in enumerate(self.client.iter_workspace_permission_pages(self.workspace)):
            values = page.get("values") or []
            for membership in values:
                key = user_key(membership.get("user"))
                if key in wanted:
                    found[key] = membership
            size = page.get("size")
            if index == 0 and page.get("next") and isinstance(size, int):
                missing = [account_id for account_id in account_ids if account_id not in found]
                pages_left = -(-max(size - len(values), 0) // pagelen)
                if -(-len(missing) // ACCOUNT_ID_BATCH) < pages_left:
                    try:
                        found.update(self.client.workspace_permissions_for(self.workspace, missing, documented=False))
                        return found
                    except ApiError as err:  # 400: the filter is refused; the listing being read is the documented form
                        if not refused_query(err):
                            raise
        return found


def _one_member(roles: Roles, member: str) -> dict[str, Any] | None:
    """(member entry or None): 1 request by id/uuid (the role listing, filtered), 2 by email."""
    key = normalize_identifier(member)
    kind = validate.identifier_kind(key, lenient=True)
    if kind == "email":
        members, _not_found = _members_by_email(roles, [key])
        return members[0] if members else None
    membership = roles.one(key, kind)
    return _member(membership) if membership is not None else None


def _members_by_email(roles: Roles, emails: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """(entries in the order asked, not-found emails): the identity resolver (90 addresses per request), then the
    roles of those found."""
    wanted = []
    for email in emails:
        key = normalize_identifier(email)
        if key and key not in wanted:
            wanted.append(key)
    directory = Directory().resolve(roles.client, roles.workspace, wanted)
    memberships = roles.for_ids([a for a in (directory.account_id(e) for e in wanted) if a])
    members, not_found = [], []
    for email in wanted:
        account_id = directory.account_id(email)
        if account_id is None:
            not_found.append(email)
            continue
        user = directory.users[account_id]
        members.append(_member(memberships.get(account_id, {"user": user}), email=user.get("email") or email))
    return members, not_found


def _members_by_id(
    roles: Roles,
    account_ids: list[str],
    effective: Callable[[BitbucketClient], dict[str, dict[str, str]]] | None,
    concurrency: int,
) -> tuple[list[dict[str, Any]], list[str], dict[str, dict[str, str]] | None]:
    """(entries in the order asked, not-found ids, effective permissions or None): the role listing filtered on the ids
    (50 per request) and, with ``effective``, the effective-permission read at the same time (both need only the ids:
    one round of requests where a look-up by email needs three). Without roles (an access token), one
    ``GET .../members/{id}`` per id."""
    wanted = list(dict.fromkeys(account_ids))

    def read(worker: BitbucketClient, job: str) -> Any:
        if job == "effective":
            return effective(worker)
        mine = Roles(worker, roles.workspace, roles.warn)
        return mine.for_ids(wanted), mine.available

    jobs = ["roles"] + (["effective"] if effective is not None else [])
    with WorkerPool(roles.client, min(len(jobs), concurrency)) as pool:
        answers = pool.map(read, jobs)
    memberships, roles.available = answers[0]
    members, not_found = [], []
    for account_id in wanted:
        membership = memberships.get(account_id) if roles.available else roles.client.get_member(roles.workspace, account_id)
        if membership is None:
            not_found.append(account_id)
        else:
            members.append(_member(membership))
    return members, not_found, answers[1] if effective is not None else None


def _set_effective(members: list[dict[str, Any]], by_id: dict[str, dict[str, str]]) -> None:
    for member in members:
        member["repository_permissions"] = dict(sorted(by_id.get(member.get("account_id"), {}).items()))


def _effective_permissions(
    client: BitbucketClient,
    workspace: str,
    ids: list[str],
    everyone: bool = False,
    concurrency: int = 1,
    repositories: list[str] | None = None,
) -> dict[str, dict[str, str]]:
    """{account id: {slug: permission}} of ``ids``, joined in memory from paginated
    ``/workspaces/{ws}/permissions/repositories`` queries, never one per member: one query per 50 members
    (``user.account_id IN (...)``), read ``concurrency`` at a time (the pages of one query follow an opaque ``next``
    one after another, so splitting the listing is what lets it be read in parallel; it costs at most one request
    more per 50 members than the whole listing). When every member was asked for and there is no concurrency, the
    whole listing; reading only some members' permissions matters: the whole listing of a large workspace runs to
    thousands of pages, against a rate limit of about 1,000 requests an hour. ``repositories`` (slugs): only the
    permissions on these, each query narrowed to 50 of them (``AND repository.full_name IN (...)``), so that a
    member who reaches hundreds of repositories is checked on a few with one request."""
    by_id = {account_id: {} for account_id in ids}
    whole = not ids or (everyone and (concurrency <= 1 or len(ids) <= ACCOUNT_ID_BATCH))
    names = None if repositories is None else sorted({("%s/%s" % (workspace, r)).lower() for r in repositories})
    jobs = [
        (users, names_batch)
        for users in ([None] if whole else chunks(ids, ACCOUNT_ID_BATCH))
        for names_batch in ([None] if names is None else chunks(names, ACCOUNT_ID_BATCH))
    ]
    path = client.transport.shown_path("/workspaces/%s/permissions/repositories" % workspace)

    def read(worker: BitbucketClient, job: tuple[list[str] | None, list[str] | None]) -> list[Any] | None:
        users, names_batch = job
        parts = [bbql_in("user.account_id", users)] if users else []
        parts += [bbql_in("repository.full_name", names_batch)] if names_batch else []
        if not parts:
            return list(worker.iter_effective_repository_permissions(workspace))
        try:
            listed = list(worker.iter_effective_repository_permissions(workspace, q=" AND ".join(parts)))
        except ApiError as err:
            if not refused_query(err):
                raise
            return None  # HTTP 400: the filter is refused
        if users:
            check_filtered(listed, users, lambda item: user_key(item.get("user")), "user.account_id", "GET", path)
        if names_batch:
            check_filtered(listed, names_batch, _full_name, "repository.full_name", "GET", path)
        return listed

    with WorkerPool(client, concurrency) as pool:
        answers = pool.map(read, jobs)
        if any(listed is None for listed in answers):  # the documented form instead: the whole listing, matched here
            answers = [list(client.iter_effective_repository_permissions(workspace))]
        for listed in answers:
            for item in listed:
                account_id = user_key(item.get("user"))
                if account_id in by_id and (names is None or _full_name(item) in names):
                    by_id[account_id][_repository_slug(item.get("repository"))] = item.get("permission")
    return by_id


def _full_name(item: dict[str, Any]) -> str:
    return ((item.get("repository") or {}).get("full_name") or "").lower()


def _repository_permissions(
    client: BitbucketClient, workspace: str, repository: str, warn: Callable[[str], Any] | None
) -> dict[str, Any] | None:
    """Explicit user and group permissions of one repository, or None (with a warning) when it is not found."""
    try:
        users = client.list_user_permissions(workspace, repository)
        groups = client.list_group_permissions(workspace, repository)
    except NotFoundError as err:
        if warn is not None:
            warn("Repository %s/%s was not found: %s" % (workspace, repository, err.message))
        return None
    user_list = []
    for entry in users.values():
        summary = user_summary(entry["user"])
        summary["permission"] = entry["permission"]
        user_list.append(summary)
    group_list = []
    for item in groups:
        group = item.get("group") or {}
        group_list.append(
            {
                "slug": group.get("slug"),
                "name": group.get("name"),
                "full_slug": group.get("full_slug"),
                "permission": item.get("permission"),
            }
        )
    return {
        "repository": repository,
        "users": sorted(user_list, key=lambda u: ((u.get("display_name") or "").lower(), u.get("account_id") or "")),
        "groups": sorted(group_list, key=lambda g: g.get("slug") or ""),
    }


def _current_user(client: BitbucketClient) -> dict[str, Any]:
    """The caller's account and addresses (2 requests). An access token may be a user's OAuth access token,
    so ``GET /user`` is tried; its 401/403 then means a workspace, project or repository access token."""
    try:
        return whoami(client, emails=True)
    except (AuthenticationError, ForbiddenError) as err:
        if not is_not_a_user(client, err):
            raise
        raise type(err)(
            "whoami needs the credentials of a user: %s %s refused this access_token (HTTP %s). Workspace, project "
            "and repository access tokens are not user accounts; use an API token, an OAuth consumer, or an "
            "OAuth access token with the account scope" % (err.method, err.path, err.status),
            method=err.method,
            path=err.path,
            status=err.status,
            api_message=err.api_message,
        ) from None


def validate_params(params: dict[str, Any]) -> dict[str, Any]:
    """The identifiers and slugs of the task, checked before any request (ConfigurationError naming the option)."""
    params = dict(params)
    params["workspace"] = validate.workspace(params["workspace"])
    if params.get("member") is not None:
        validate.user_identifier(params["member"], "member")
    if params.get("emails") is not None:
        if not params["emails"]:
            raise ConfigurationError(
                "emails is an empty list: give at least one address, or leave emails out to list every member"
            )
        for email in params["emails"]:
            validate.user_identifier(email, "emails", kinds=("email",))
    if params.get("account_ids") is not None:
        if not params["account_ids"]:
            raise ConfigurationError("account_ids is an empty list: give at least one account ID, or leave account_ids out")
        params["account_ids"] = [
            validate.user_identifier(a, "account_ids", kinds=("account_id",))[1] for a in params["account_ids"]
        ]
    if params.get("repository") is not None:
        params["repository"] = validate.repository(params["repository"])
    validate.bounded_int(
        DEFAULT_CONCURRENCY if params.get("concurrency") is None else params["concurrency"], "concurrency", 1, MAX_CONCURRENCY
    )
    kinds = EXPLICIT_KINDS if params.get("include_explicit") is None else params["include_explicit"]
    unknown = [kind for kind in kinds if kind not in EXPLICIT_KINDS]
    if unknown:
        raise ConfigurationError(
            "include_explicit: %s is not one of %s" % (validate.show(str(unknown[0])), ", ".join(EXPLICIT_KINDS))
        )
    params["include_explicit"] = [kind for kind in EXPLICIT_KINDS if kind in kinds]
    if params.get("within_repositories") is not None:
        slugs = [validate.repository(r, "within_repositories") for r in params["within_repositories"]]
        if any(s.startswith("{") for s in slugs):
            raise ConfigurationError("within_repositories takes repository slugs (the filter is on the full name), not {uuid}s")
        params["within_repositories"] = slugs
    return params


def run_member_info(client: BitbucketClient, params: dict[str, Any], warn: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """Gather what the params ask for; return the module result (without api_calls)."""
    params = validate_params(params)
    workspace = params["workspace"]
    roles = Roles(client, workspace, warn)
    result = {"members": [], "member": None, "not_found": [], "repository_permissions": None, "current_user": None}
    if params.get("whoami"):
        result["current_user"] = _current_user(client)
    if params.get("member"):
        entry = _one_member(roles, params["member"])
        if entry is None:
            result["not_found"].append(params["member"])
        else:
            result["members"] = [entry]
            result["member"] = entry
    elif params.get("emails"):
        result["members"], result["not_found"] = _members_by_email(roles, params["emails"])
    concurrency = params.get("concurrency") or DEFAULT_CONCURRENCY
    repositories = params.get("within_repositories")
    effective = None
    if params.get("account_ids"):
        ids = params["account_ids"]
        read_effective = None
        if params.get("include_permissions"):

            def read_effective(worker: BitbucketClient) -> dict[str, dict[str, str]]:
                return _effective_permissions(worker, workspace, ids, concurrency=concurrency, repositories=repositories)

        result["members"], result["not_found"], effective = _members_by_id(roles, ids, read_effective, concurrency)
    everyone = not (
        params.get("member")
        or params.get("emails")
        or params.get("account_ids")
        or params.get("repository")
        or params.get("whoami")
    )
    if everyone:
        result["members"] = [_member(m) for m in roles.listing()]
    if params.get("include_permissions") and result["members"]:
        if effective is None:  # after the members (by email, one member, everyone); by account id it was read beside them
            ids = [m["account_id"] for m in result["members"] if m.get("account_id")]
            effective = _effective_permissions(client, workspace, ids, everyone, concurrency, repositories)
        _set_effective(result["members"], effective)
        add_explicit_permissions(client, workspace, result["members"], concurrency=concurrency, kinds=params["include_explicit"])
    if params.get("include_profile"):
        for member in result["members"]:
            profile = client.get_user(member["account_id"] or member["uuid"])
            member["profile"] = {k: v for k, v in profile.items() if k != "links"} if profile is not None else None
    if params.get("repository"):
        result["repository_permissions"] = _repository_permissions(client, workspace, params["repository"], warn)
    return result
