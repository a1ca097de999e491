# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The safety rules of every permission task, checked after planning and before the first write (check mode runs
them too, so it predicts a refusal):

* permission changes need HTTP Basic credentials (an API token with the account email): Bitbucket refuses OAuth and
  access tokens there ("JWT and OAuth authentication methods are unsupported");
* a grant to the workspace owner is refused (Bitbucket does not allow explicit permissions for the owner), and so
  is a grant to an account id that is no workspace member ("the selected user must be a member of the workspace");
* the caller's own explicit ``admin`` permission is never removed or lowered: asked explicitly, the task is refused;
  through ``exclusive``, the caller is kept (reported as ``protected``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import (
    ACCOUNT_ID_BATCH,
    BitbucketClient,
    bbql_in,
    check_filtered,
    chunks,
    read_or_fallback,
    user_key,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AtlassianError
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.identity import (
    Directory,
    is_not_a_user,
    members_listed,
    whoami,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.desired import RefusedError, Wishes
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import RANK, Scope

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._engine import Plan

BASIC_AUTH_KINDS = ("api_token",)


def check_auth_for_writes(client: BitbucketClient, scope: Scope, plans: Iterable[Plan]) -> None:
    """Refuse a task that would change a permission with credentials Bitbucket refuses for permission writes."""
    if client.auth_kind in BASIC_AUTH_KINDS or not any(plan.changed for plan in plans):
        return
    used = {"client_credentials": "an OAuth consumer (client_id + client_secret)", "access_token": "an access token"}.get(
        client.auth_kind, "these credentials"
    )
    raise RefusedError(
        'Bitbucket changes explicit %s permissions only for HTTP Basic credentials ("JWT and OAuth '
        'authentication methods are unsupported"), and this task uses %s: set username (the Atlassian '
        "account email) and api_token (an API token with the admin:%s:bitbucket and "
        "write:permission:bitbucket / delete:permission:bitbucket scopes). Reading permissions works with "
        "OAuth. Nothing was changed." % (scope.name, used, scope.name)
    )


def admin_losses(plans: dict[str, Plan]) -> dict[str, list[str]]:
    """{account_id: [targets]} of explicit admin permissions the plans ({target: Plan}) remove or lower."""
    losses = {}
    for target, plan in plans.items():
        lost = [k for k, v in plan.remove.items() if v == "admin"]
        lost += [k for k, (before, after) in plan.update.items() if before == "admin" and RANK[after] < RANK["admin"]]
        for account_id in lost:
            losses.setdefault(account_id, []).append(target)
    return losses


def caller_account(client: BitbucketClient) -> str | None:
    """The caller's account id (``GET /user``, 1 request); RefusedError when it cannot be known.

    An ``access_token`` may be a user's OAuth access token (whose admin permission must be protected like any other
    caller's) or a workspace / project / repository access token, which is no user: only a 401/403 from ``GET /user``
    with an access token means "no user account" (None)."""
    try:
        return user_key(whoami(client))
    except AtlassianError as err:
        if is_not_a_user(client, err):
            return None
        raise RefusedError(
            "These changes remove or lower explicit admin permissions, and the caller's own account could not "
            "be read to make sure it is not one of them (%s). Nothing was changed." % err.message,
            method=err.method,
            path=err.path,
            status=err.status,
            api_message=err.api_message,
        ) from None


def check_caller(caller: str | None, losses: dict[str, list[str]], wishes: Wishes) -> None:
    """Refuse when the task explicitly removes or lowers the caller's own admin permission."""
    if caller and caller in losses and caller in wishes.involved:
        raise RefusedError(
            "Refusing to remove or lower your own admin permission (%s) on %s: you would lose the right to "
            "manage these permissions. Nothing was changed."
            % (wishes.named.get(caller, caller), ", ".join(sorted(losses[caller])))
        )


OWNER_QUERY = 'permission = "owner"'  # the filter the spec states on /workspaces/{ws}/permissions


def owner_listing(client: BitbucketClient, workspace: str, account_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The memberships answering ``permission = "owner" OR user.account_id IN (...)`` (50 ids per request, checked
    against the filter): the workspace owner, and which of ``account_ids`` are members. When the server answers the
    combined filter with HTTP 400, the documented forms instead: ``q=permission = "owner"`` (1 request, checked) and the
    member look-up of ``_bitbucket.identity.members_listed`` (per id, or the member listing), whose memberships carry no role."""
    path = client.transport.shown_path("/workspaces/%s/permissions" % workspace)
    wanted = sorted(set(account_ids))

    def read(query: str, batch: list[str]) -> list[dict[str, Any]]:
        listed = list(client.iter_workspace_permissions(workspace, q=query))
        return check_filtered(
            listed,
            set(batch) | {"owner"},
            lambda m: "owner" if m.get("permission") == "owner" else (m.get("user") or {}).get("account_id"),
            "permission and user.account_id",
            "GET",
            path,
        )

    def combined() -> list[dict[str, Any]]:
        listing = []
        for index, batch in enumerate(chunks(wanted, ACCOUNT_ID_BATCH) or [[]]):
            query = [OWNER_QUERY] if index == 0 else []
            if batch:
                query.append(bbql_in("user.account_id", batch))
            listing.extend(read(" OR ".join(query), batch))
        return listing

    def documented() -> list[dict[str, Any]]:
        owners = read(OWNER_QUERY, [])
        return owners + [{"user": user} for user in members_listed(client, workspace, wanted).values()]

    return combined() if not wanted else read_or_fallback(combined, documented)


def check_owner(
    client: BitbucketClient,
    workspace: str,
    plans: dict[str, Plan],
    wishes: Wishes,
    directory: Directory,
    prefetched: tuple[list[str], list[dict[str, Any]]] | None = None,
) -> None:
    """Refuse a grant to the workspace owner, or to an account id that is no workspace member. Made only when a plan
    adds a user: one request, ``permission = "owner" OR user.account_id IN (...)`` for the added account ids not yet
    seen in an answer (50 per request); none when ``prefetched`` ``(account ids asked, listing)`` already answers
    for them (the engine reads it beside its other reads)."""
    added = set()
    for plan in plans.values():
        added.update(plan.add)
    if not added:
        return
    unseen = sorted(a for a in added if a not in directory.confirmed)
    if prefetched is not None and set(unseen) <= set(prefetched[0]):
        listing = prefetched[1]
    else:
        listing = owner_listing(client, workspace, unseen)
    members = set()
    for membership in listing:
        user = membership.get("user") or {}
        members.add(directory.learn(user))
        if membership.get("permission") != "owner":
            continue
        for key in (user.get("account_id"), user.get("uuid")):
            if key and key in wishes.desired:
                raise RefusedError(
                    "Refusing to grant an explicit permission to %s: it is the owner of workspace %s, "
                    "who already has full access and cannot be given explicit permissions. Nothing was "
                    "changed." % (wishes.named.get(key, key), workspace)
                )
    unknown = [a for a in unseen if a not in members]
    if unknown:
        raise RefusedError(
            "Cannot grant a permission to %s: no workspace member has this account ID (Bitbucket grants "
            "explicit permissions to workspace members only; check the ID, or give the person Bitbucket access first, "
            "e.g. with accessops.atlassian.atlassian_group_member). "
            "Nothing was changed." % ", ".join(wishes.named.get(a, a) for a in unknown)
        )
