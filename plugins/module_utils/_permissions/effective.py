# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Half-measures: an explicit repository permission lowered (or set) below what another path (a group, the project,
the workspace) still gives changes nothing the user can see. After such a task, the effective permissions of the users
concerned are read with one filtered query (``GET /workspaces/{ws}/permissions/repositories`` with
``q=user.account_id IN (...) AND repository.full_name IN (...)``, 50 users and 50 repositories a query) and a warning
names each user who keeps more than the level set.

* Only a task that lowers at least one level reads (a grant or a removal alone never does); then the users whose level
  was lowered or set on those repositories are checked, never the removals.
* The real run reads after its writes: the answer is the after-state. Check mode reads before (or reuses the
  prefetch's answer) and warns where the effective permission already exceeds the explicit one, so another path gives
  it: where both were equal, no documented read tells whether a group also gives that level.
* Bitbucket's answer holds the level, not the path: the warning says "another path (a group, the project or the
  workspace)". Projects have no effective-permission read: the warning covers repositories only.
* A read the credentials may not make (403 / 404) or that the server refuses (400) warns nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import (
    bbql_in,
    check_filtered,
    chunks,
    member_key,
    refused_query,
    unexpected,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AtlassianError,
    ForbiddenError,
    NotFoundError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import RANK

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import BitbucketClient
    from ansible_collections.accessops.atlassian.plugins.module_utils._engine import Plan
    from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.prefetch import Known
    from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.report import Outcome

# users and repositories per filtered query (two IN lists of 50 keep the URL below common limits)
BATCH = 50

# {target: {account key: (explicit level before or None, level set)}}
Changes: TypeAlias = "dict[str, dict[str, tuple[str | None, str]]]"


def _rank(level: str | None) -> int:
    return RANK.get(level or "", 0)


def lowered_or_set(plans: dict[str, dict[str, Plan]], outcomes: dict[str, dict[str, Any]] | None) -> Changes:
    """The user levels set on each target (``outcomes``: what the real run applied, None: check mode's plans) when
    the task lowers at least one level; {} otherwise."""
    changes: Changes = {}
    lowers = False
    for target, by_subject in plans.items():
        plan = by_subject.get("user")
        if plan is None:
            continue
        done: Plan | Outcome | None = plan if outcomes is None else (outcomes.get(target) or {}).get("user")
        if done is None:
            continue
        for key, (old, new) in done.update.items():
            changes.setdefault(target, {})[key] = (old, new)
            lowers = lowers or _rank(new) < _rank(old)
        for key, new in done.add.items():
            changes.setdefault(target, {})[key] = (None, new)
    return changes if lowers else {}


def read_effective(client: BitbucketClient, workspace: str, changes: Changes) -> dict[tuple[str, str], str]:
    """{(target, account key): effective level} of the pairs of ``changes``, one query per 50 users and 50
    repositories (per identifier kind). Raises ApiError / UnexpectedAnswerError."""
    path = client.transport.shown_path("/workspaces/%s/permissions/repositories" % workspace)
    by_name = {("%s/%s" % (workspace, t)).lower(): t for t in changes}
    keys = sorted({k for levels in changes.values() for k in levels})
    found = {}
    for kind, field in (("account_id", "user.account_id"), ("uuid", "user.uuid")):
        of_kind = [k for k in keys if (validate.identifier_kind(k, lenient=True) == "uuid") == (kind == "uuid")]
        for users in chunks(of_kind, BATCH):
            wanted_users = set(users)
            for repositories in chunks(sorted(by_name), BATCH):
                query = "%s AND %s" % (bbql_in(field, users), bbql_in("repository.full_name", repositories))
                listed = list(client.iter_effective_repository_permissions(workspace, q=query))
                check_filtered(
                    listed,
                    set(repositories),
                    lambda item: ((item.get("repository") or {}).get("full_name") or "").lower(),
                    "repository.full_name",
                    "GET",
                    path,
                )
                for item in listed:
                    key = member_key(item.get("user"), kind)
                    if key not in wanted_users:
                        raise unexpected("GET", path, "filtered on %s answered a permission of another user" % field)
                    found[(by_name[item["repository"]["full_name"].lower()], key)] = item.get("permission")
    return found


def _who(key: str, users: dict[str, dict[str, Any]]) -> str:
    info = users.get(key) or {}
    return "%s (%s)" % (info["email"], key) if info.get("email") else key


def half_measures(
    client: BitbucketClient,
    workspace: str,
    changes: Changes,
    users: dict[str, dict[str, Any]],
    check_mode: bool,
    known: Known | None = None,
) -> list[str]:
    """The warnings of the users who keep (check mode: would keep) more than the level set on a repository, sorted
    by repository and user; ``known`` (the prefetch of a check run) answers without a request."""
    if not changes:
        return []
    if check_mode and known is not None:
        effective = {(t, k): known.access(t) or None for t, levels in changes.items() for k in levels}
    else:
        try:
            effective = read_effective(client, workspace, changes)
        except ApiError as err:
            if isinstance(err, (ForbiddenError, NotFoundError)) or refused_query(err):
                return []
            return ["Could not check whether another path still gives more than the levels set: %s" % err.message]
        except AtlassianError as err:
            return ["Could not check whether another path still gives more than the levels set: %s" % err.message]
    warnings = []
    for target in sorted(changes):
        for key, (old, new) in sorted(changes[target].items()):
            level = effective.get((target, key))
            if _rank(level) <= _rank(new) or (check_mode and _rank(level) <= _rank(old)):
                continue
            warnings.append(
                "%s %s %s on %s/%s although this task set %s: another path (a group, the project or the workspace) "
                "still gives %s (Bitbucket's effective permissions do not name it). Lower or remove that path too."
                % (_who(key, users), "would keep" if check_mode else "keeps", level, workspace, target, new, level)
            )
    return warnings
