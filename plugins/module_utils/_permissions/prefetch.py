# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads that answer for many repositories at once, so that the permission engine reads a repository on its own only
when that can change the answer.

* ``effective_access``: the effective permissions of the one user a task names, on all of its repositories, with one
  query per 50 repositories (``GET /workspaces/{ws}/permissions/repositories`` with
  ``q=user.account_id = "..." AND repository.full_name IN (...)``). An explicit permission is one path of access, so a
  workspace member without an effective permission on a repository has no explicit one there: for a person with no
  access (most onboardings) this one query proves the before-state of every repository, and a first grant writes
  straight away. Where the query shows access, the explicit permission is read on its own (it may come from a group).
* ``existing_repositories``: which of the repositories exist, one listing per 50 (``GET /repositories/{ws}`` with
  ``q=slug IN (...)``), for check mode and removals, which must report a repository that does not exist.

Both answers are checked against what was asked (the user, the repositories) before anything acts on them. A query
the credentials may not make (403: the effective permissions need a workspace admin), or that the server refuses
(400: the fields of these filters are stated by the filtering narrative's generality, not by name), returns None, and
the engine reads each repository instead (``permissions-config``, the documented per-repository reads).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import (
    bbql_in,
    bbql_string,
    check_filtered,
    chunks,
    refused_query,
    same_user,
    unexpected,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, ForbiddenError, NotFoundError
from ansible_collections.accessops.atlassian.plugins.module_utils._pagination import iter_bitbucket_values
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.safety import owner_listing

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._workers import WorkerPool
    from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import BitbucketClient
    from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.identity import Directory
    from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.desired import Wishes
    from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import Scope

# repositories per filtered query: 50 full names keep the URL far below common limits (about 3 KB)
REPOSITORY_BATCH = 50
# a task on fewer repositories reads them one by one: the query would save nothing
MIN_TARGETS = 3


def _full_name(workspace: str, slug: str) -> str:
    return ("%s/%s" % (workspace, slug)).lower()


def effective_access(
    client: BitbucketClient, workspace: str, targets: list[str], key: str, learn: Callable[[Any], Any] | None = None
) -> dict[str, str] | None:
    """{target: effective permission} of the user ``key`` (an account id or ``{uuid}``) on ``targets`` (repository
    slugs), for the targets where the user has access; None when the credentials may not read it (403 / 404) or the
    server refuses the filter (400).
    ``learn(user)`` is called with the user object of an answer (it shows the account is a workspace member)."""
    field = "user.uuid" if validate.identifier_kind(key, lenient=True) == "uuid" else "user.account_id"
    by_name = {_full_name(workspace, t): t for t in targets}
    path = client.transport.shown_path("/workspaces/%s/permissions/repositories" % workspace)
    found = {}
    try:
        for batch in chunks(targets, REPOSITORY_BATCH):
            query = "%s = %s AND %s" % (
                field,
                bbql_string(key),
                bbql_in("repository.full_name", [_full_name(workspace, t) for t in batch]),
            )
            listed = list(client.iter_effective_repository_permissions(workspace, q=query))
            wanted = {_full_name(workspace, t) for t in batch}
            check_filtered(
                listed,
                wanted,
                lambda item: ((item.get("repository") or {}).get("full_name") or "").lower(),
                "repository.full_name",
                "GET",
                path,
            )
            for item in listed:
                if not same_user(item.get("user"), key):
                    raise unexpected(
                        "GET",
                        path,
                        "filtered on %s answered a permission of another user: the server ignored "
                        "or misapplied the filter" % field,
                    )
                found[by_name[(item["repository"]["full_name"]).lower()]] = item.get("permission")
                if learn is not None:
                    learn(item.get("user"))
    except ApiError as err:
        if not (isinstance(err, (ForbiddenError, NotFoundError)) or refused_query(err)):
            raise
        return None
    return found


def existing_repositories(client: BitbucketClient, workspace: str, targets: list[str]) -> set[str] | None:
    """The set of ``targets`` (repository slugs) that exist and are visible, one listing per 50; None when the
    credentials may not list repositories (403 / 404) or the server refuses the filter (400)."""
    by_slug = {t.lower(): t for t in targets}
    path = "/repositories/%s" % workspace
    shown = client.transport.shown_path(path)
    found = set()
    try:
        for batch in chunks(targets, REPOSITORY_BATCH):
            params = {"q": bbql_in("slug", batch), "fields": "values.slug,values.full_name,next"}
            listed = list(iter_bitbucket_values(client.transport, path, params=params, pagelen=client.pagelen))
            check_filtered(
                listed, {t.lower() for t in batch}, lambda item: (item.get("slug") or "").lower(), "slug", "GET", shown
            )
            found.update(by_slug[item["slug"].lower()] for item in listed)
    except ApiError as err:
        if not (isinstance(err, (ForbiddenError, NotFoundError)) or refused_query(err)):
            raise
        return None
    return found


class Known:
    """What the prefetch proved of the task's user: ``access(target)`` is the effective level, False for no access
    (so no explicit permission), None when unknown; ``exists(target)`` True, False or None (unknown)."""

    def __init__(self, workspace: str, access: dict[str, str], existing: set[str] | None = None) -> None:
        self.workspace = workspace
        self._access = access
        self._existing = existing

    def access(self, target: str) -> str | bool:
        return self._access.get(target, False)

    def exists(self, target: str) -> bool | None:
        if target in self._access:
            return True
        if self._existing is None:
            return None
        return target in self._existing

    def missing(self, target: str) -> NotFoundError:
        return NotFoundError(
            "Repository %s/%s not found (or not visible with these credentials): the repository listing "
            "filtered on its slug did not show it" % (self.workspace, target),
            method="GET",
            path="/repositories/%s" % self.workspace,
            status=404,
        )


def prefetch(
    pool: WorkerPool,
    scope: Scope,
    workspace: str,
    targets: list[str],
    wishes: dict[str, Wishes],
    directory: Directory,
    check_mode: bool = False,
) -> tuple[Known | None, tuple[list[str], list[dict[str, Any]]] | None]:
    """``(known, owners)`` for a task about one user (not exclusive) on at least ``MIN_TARGETS`` repositories, read
    concurrently: the user's effective access and, for a grant, the owner / membership listing that ``check_owner``
    needs (``(account ids asked, listing)``). ``(None, None)`` when the task is of another shape; ``known`` is None
    when the access query is refused, or when it shows no access at all for a removal of an account not known to be
    a member (Bitbucket lists members only, so only the repositories themselves can show what such an account still
    holds). Then, in check mode, for removals and when the entry ``expect``s a level, which of the repositories without
    access exist (a real grant's ``PUT`` answers 404 for a missing one; ``expect`` must not report a missing repository
    as stale). No access proves no explicit permission, which is what ``expect: none`` compares."""
    users = wishes.get("user")
    if scope.name != "repository" or users is None or users.exclusive or len(users.involved) != 1:
        return None, None
    if len(targets) < MIN_TARGETS:
        return None, None
    key = next(iter(users.involved))
    removal = key in users.absent
    unseen = [] if key in directory.confirmed else [key]
    # each query of 50 repositories is a job of its own: a removal over hundreds of repositories reads them at once
    batches = list(chunks(targets, REPOSITORY_BATCH))
    jobs = list(range(len(batches))) + ([] if removal else ["owners"])
    seen = []

    def run(worker: BitbucketClient, job: Any) -> Any:
        if job == "owners":
            return unseen, owner_listing(worker, workspace, unseen)
        return effective_access(worker, workspace, batches[job], key, learn=seen.append)

    results = dict(zip(jobs, pool.map(run, jobs), strict=True))
    parts = [results[index] for index in range(len(batches))]
    access = None if any(part is None for part in parts) else {k: v for part in parts for k, v in part.items()}
    for user in seen[:1]:
        directory.learn(user)
    if access is None or (removal and unseen and not access):
        return None, results.get("owners")
    rowless = [t for t in targets if t not in access]
    existing = None
    # a grant's PUT answers 404 for a missing repository anyway; a removal, check mode and expect must know
    if rowless and (check_mode or removal or users.expects_level(key)):
        existing = existing_repositories(pool.client, workspace, rowless)
        if existing is None:
            return None, results.get("owners")
    return Known(workspace, access, existing), results.get("owners")
