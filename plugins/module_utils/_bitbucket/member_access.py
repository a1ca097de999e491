# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every explicit path of access of some members, for ``bitbucket_member_info`` with ``include_permissions``: their
explicit repository and project user permissions, next to the effective ones, so that access that comes only through
a group or the workspace role shows as an effective permission without an explicit one.

Requests, read concurrently by the worker pool: one permission list per repository the members can reach (from the
effective permissions already read; 100 users per page), the project listing (100 projects per page) and one
permission list per project. Never one request per member. ``kinds`` (the module's ``include_explicit``) leaves out
the repository lists or the project listing and lists, when the caller does not need them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils._workers import DEFAULT_CONCURRENCY, WorkerPool
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import NotFoundError
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.targets import PROJECT, REPOSITORY, USER, Scope

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import BitbucketClient


def _listing(scope: Scope, workspace: str) -> Callable[[BitbucketClient, str], tuple[str, dict[str, dict[str, Any]]]]:
    def read(worker: BitbucketClient, target: str) -> tuple[str, dict[str, dict[str, Any]]]:
        try:
            return target, worker.list_permissions(scope, USER, workspace, target)
        except NotFoundError:  # gone since the effective permissions were read
            return target, {}

    return read


EXPLICIT_KINDS = ("repositories", "projects")


def add_explicit_permissions(
    client: BitbucketClient,
    workspace: str,
    members: list[dict[str, Any]],
    concurrency: int = DEFAULT_CONCURRENCY,
    kinds: Iterable[str] = EXPLICIT_KINDS,
) -> None:
    """member["explicit_permissions"] = {"repositories": {slug: permission}, "projects": {key: permission}} for each
    member (their ``repository_permissions`` must be there already), with only the ``kinds`` asked for: a kind not
    asked for is left out (not read, so not known to be empty); no kind at all costs no request."""
    kinds = [kind for kind in EXPLICIT_KINDS if kind in kinds]
    ids = {m["account_id"] for m in members if m.get("account_id")}
    targets = {}
    if "repositories" in kinds:
        targets["repositories"] = sorted({slug for m in members for slug in (m.get("repository_permissions") or {})})
    if "projects" in kinds:
        targets["projects"] = sorted({p.get("key") for p in client.iter_projects(workspace) if p.get("key")})
    found = {account_id: {kind: {} for kind in kinds} for account_id in ids}
    with WorkerPool(client, concurrency) as pool:
        for kind, scope in (("repositories", REPOSITORY), ("projects", PROJECT)):
            if kind not in targets:
                continue
            for target, listed in pool.map(_listing(scope, workspace), targets[kind]):
                for account_id, entry in listed.items():
                    if account_id in found:
                        found[account_id][kind][target] = entry["permission"]
    for member in members:
        member["explicit_permissions"] = found.get(member.get("account_id"), {kind: {} for kind in kinds})
