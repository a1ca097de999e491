# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one permission engine of every explicit Bitbucket permission (repositories and projects, users and groups),
parametrized by a ``_permissions.scopes.Scope``; the subjects (users, groups) are those the task names.

1. Resolve identities once (``_bitbucket.identity.Directory``) and read every target (worker pool): one GET when a single
   user or group is involved (not exclusive), else the whole list, 100 per page.
2. Set aside the stale subjects of each target (``expect`` given and another explicit level read: nothing is written
   for them there), plan the rest of each target and subject with ``_engine.reconcile`` and run the safety checks
   (``_permissions.safety``). Nothing has been written yet, so a refusal leaves everything as it was. Check mode stops
   here.
3. Apply the plans (worker pool); a target that fails does not stop the others.

The result says exactly what was applied, so running the task again completes the job. Check mode and the real run
compute the after-state with the same function (``Plan.after``: the plan's, or the applied part's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._workers import (
    DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
    WorkerPool,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._engine import Plan, reconcile
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    AtlassianError,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
    UnexpectedAnswerError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.identity import Directory
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.effective import half_measures, lowered_or_set
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.prefetch import Known, prefetch
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.report import Outcome, failure, report
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.desired import Wishes, requests_from_params
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.safety import (
    admin_losses,
    caller_account,
    check_auth_for_writes,
    check_caller,
    check_owner,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import GROUP, SUBJECTS, USER, Scope, Subject

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import BitbucketClient


def targets_from_params(params: dict[str, Any], scope: Scope) -> list[str]:
    """The targets of the task (repository slugs or project keys), in order, without duplicates (validated)."""
    if params.get(scope.name) is not None:
        given, option = [params[scope.name]], scope.name
    else:
        given, option = list(params.get(scope.plural) or []), scope.plural
    targets = []
    for value in given:
        value = scope.validate_key(value, option)
        if value not in targets:
            targets.append(value)
    if not targets:
        names = (scope.name, scope.plural, scope.name, scope.plural)
        raise ConfigurationError("No %s given: %s is empty (set %s or %s)" % names)
    return targets


_ACCESS_TOKEN_REFUSED = re.compile(
    r"access[ -]tokens?\b.*\b(cannot|can ?not|can't|are not allowed|is not allowed|not supported)", re.IGNORECASE
)


def stops_everything(err: AtlassianError) -> bool:
    """True for errors that no other request of the task can avoid: bad credentials (401) and a 403 whose API message
    says access tokens cannot be used (not any 403: a user may be refused one repository and allowed the next)."""
    return isinstance(err, AuthenticationError) or (
        isinstance(err, ForbiddenError) and bool(_ACCESS_TOKEN_REFUSED.search(err.api_message or ""))
    )


class TargetState:
    """What phase 1 read from one target: ``current`` {subject: {key: permission}}, ``objects`` {subject: {key: obj}},
    ``exists`` (a list or a confirming read showed the target), ``error``; ``stale`` {subject: {key: (expected,
    found)}}: the subjects whose ``expect`` differs from what was read (``find_stale``), left out of the plans."""

    def __init__(
        self,
        target: str,
        current: dict[str, dict[str, str]] | None = None,
        objects: dict[str, dict[str, Any]] | None = None,
        exists: bool = False,
        error: AtlassianError | None = None,
    ) -> None:
        self.target = target
        self.current = current or {}
        self.objects = objects or {}
        self.exists = exists
        self.error = error
        self.stale: dict[str, dict[str, tuple[str | None, str | None]]] = {}


def read_target(
    client: BitbucketClient,
    scope: Scope,
    workspace: str,
    target: str,
    wishes: dict[str, Wishes],
    check_mode: bool = False,
    known: Known | None = None,
) -> TargetState:
    """Read what the plans need with the fewest requests; errors are returned in the TargetState, never raised.

    A single involved user or group (not exclusive) is read with one GET; when it answers 404, whether the target
    exists is checked with a second request only when it changes the answer: for a removal. In check mode a grant
    reads the list instead (one request answers both: the permission, and that the target exists). A real grant
    needs no check: its ``PUT`` answers 404 for a missing target, unless the entry ``expect``s a level: a 404 would then
    report a missing target as stale, so it is confirmed like a removal's. ``known`` (a ``_permissions.prefetch.Known``)
    holds what the task's prefetch already proved of the user: no access at all (no explicit permission: no request,
    unless the target's existence is unknown and ``expect`` names a level), or access (the explicit permission is read,
    the target exists)."""
    state = TargetState(target)
    try:
        for name, wish in wishes.items():
            involved = sorted(wish.involved)
            if not wish.exclusive and len(involved) <= 1:
                state.objects[name] = {}
                state.current[name] = {}
                if not involved:
                    continue
                key = involved[0]
                confirming = key in wish.absent or wish.expects_level(key)
                access = known.access(target) if known is not None and name == "user" else None
                if access is False:  # the user has no access to this repository, so no explicit permission
                    if known.exists(target) is False:
                        raise known.missing(target)
                    if known.exists(target) or not wish.expects_level(key):
                        state.exists = state.exists or bool(known.exists(target))
                        continue
                    access = None  # expect needs to know the repository exists: read it
                if access is None and check_mode and key not in wish.absent and not state.exists:
                    listed = client.list_permissions(scope, wish.subject, workspace, target)
                    state.exists = True
                    if key in listed:
                        state.current[name] = {key: listed[key]["permission"]}
                        state.objects[name] = {key: listed[key]["subject"]}
                    continue
                confirm = access is None and confirming and not state.exists
                permission = client.get_permission(scope, wish.subject, workspace, target, key, confirm_missing=confirm)
                state.exists = state.exists or confirm or access is not None or permission is not None
                if permission:
                    state.current[name] = {key: permission}
                continue
            listed = client.list_permissions(scope, wish.subject, workspace, target)
            state.exists = True
            kept = {k: v for k, v in listed.items() if wish.exclusive or k in wish.involved}
            state.current[name] = {k: v["permission"] for k, v in kept.items()}
            state.objects[name] = {k: v["subject"] for k, v in kept.items()}
    except AtlassianError as err:
        return TargetState(target, error=err)
    return state


# (operation: revoke / update / grant, subject name, key, permission or None)
Step: TypeAlias = "tuple[str, str, str, str | None]"


def steps_of(plans: dict[str, Plan]) -> list[Step]:
    """The writes of one target's plans ({subject name: Plan}) in the order they are sent: every removal first (they
    free seats on plans with a user limit), then updates, then additions; keys sorted. Applying and reporting a target
    as not attempted both follow this list."""
    steps = []
    for operation in ("revoke", "update", "grant"):
        for name, plan in plans.items():
            source = {"revoke": plan.remove, "update": plan.update, "grant": plan.add}[operation]
            for key in sorted(source):
                value = None if operation == "revoke" else (plan.update[key][1] if operation == "update" else plan.add[key])
                steps.append((operation, name, key, value))
    return steps


def apply_target(
    client: BitbucketClient, scope: Scope, workspace: str, state: TargetState, plans: dict[str, Plan]
) -> dict[str, Outcome]:
    """Apply the plans ({subject name: Plan}) of one target, in the order of ``steps_of``. Each write is idempotent.
    A 401/403 stops this target (the rest is reported as not attempted), and so does a 404 on a ``PUT`` for a missing
    target; a 404 on a group ``PUT`` of a target that exists names the unknown group and fails that write only; any
    other error fails that write only."""
    outcomes = {name: Outcome() for name in plans}
    subjects = {s.name: s for s in SUBJECTS}
    stopped = None
    for operation, name, key, permission in steps_of(plans):
        subject = subjects[name]
        outcome = outcomes[name]
        if stopped is not None:
            message = "not attempted after an earlier failure on this %s: %s" % (scope.name, stopped.message)
            outcome.failed.append(failure(subject.name, key, operation, message))
            continue
        try:
            if operation == "revoke":
                client.remove_permission(scope, subject, workspace, state.target, key)
                outcome.remove[key] = plans[subject.name].remove[key]
            else:
                client.set_permission(scope, subject, workspace, state.target, key, permission)
                if operation == "update":
                    outcome.update[key] = plans[subject.name].update[key]
                else:
                    outcome.add[key] = permission
        except NotFoundError as err:
            if subject is GROUP and operation != "revoke" and _target_exists(client, scope, subject, workspace, state):
                outcome.failed.append(
                    failure(
                        subject.name,
                        key,
                        operation,
                        NotFoundError(
                            "Group %s not found in workspace %s: Bitbucket answered %s %s with HTTP 404 although %s %s exists "
                            "(check the group slug)" % (key, workspace, err.method, err.path, scope.name, state.target),
                            method=err.method,
                            path=err.path,
                            status=err.status,
                            api_message=err.api_message,
                        ),
                    )
                )
                continue
            stopped = NotFoundError(
                "%s %s/%s not found (or not visible with these credentials): %s"
                % (scope.name.capitalize(), workspace, state.target, err.message),
                method=err.method,
                path=err.path,
                status=err.status,
                api_message=err.api_message,
            )
            outcome.failed.append(failure(subject.name, key, operation, stopped))
        except AtlassianError as err:
            outcome.failed.append(failure(subject.name, key, operation, err))
            if isinstance(err, (AuthenticationError, ForbiddenError)):
                stopped = err
                if stops_everything(err):
                    outcome.fatal = err
    return outcomes


def _target_exists(client: BitbucketClient, scope: Scope, subject: Subject, workspace: str, state: TargetState) -> bool:
    if state.exists:
        return True
    try:
        client.target_exists(scope, subject, workspace, state.target)
    except NotFoundError:
        return False
    state.exists = True
    return True


def _wishes(client: BitbucketClient, workspace: str, params: dict[str, Any]) -> tuple[dict[str, Wishes], Directory]:
    """({subject name: Wishes}, Directory) of the task: identities resolved, exempt users confirmed."""
    asks, exempt = requests_from_params(params)
    directory = Directory()
    wishes = {}
    if "user" in asks:
        requests, exclusive = asks["user"]
        directory.resolve(client, workspace, [r.identifier for r in requests] + exempt, confirm=exempt)
        wishes["user"] = Wishes(USER, requests, exclusive, directory.account_id)
        wishes["user"].protect(exempt, directory.account_id)
    if "group" in asks:
        requests, exclusive = asks["group"]
        wishes["group"] = Wishes(GROUP, requests, exclusive, lambda identifier: identifier.strip().lower())
    return wishes, directory


def find_stale(state: TargetState, wishes: dict[str, Wishes]) -> None:
    """Set ``state.stale``: the subjects of a read target whose ``expect`` differs from their explicit level read
    there (None: no explicit permission), in the order of the entries."""
    if state.error is not None:
        return
    for name, wish in wishes.items():
        current = state.current.get(name, {})
        stale = {key: (expected, current.get(key)) for key, expected in wish.expect.items() if current.get(key) != expected}
        if stale:
            state.stale[name] = stale


def _plans(states: Iterable[TargetState], wishes: dict[str, Wishes], keep: Iterable[str] = ()) -> dict[str, dict[str, Plan]]:
    """{target: {subject name: Plan}} of the targets that were read; a target's stale subjects are left out of its
    plans (nothing is written for them there). ``expect`` is never combined with ``exclusive`` (``desired.py``)."""
    plans = {}
    for state in states:
        if state.error is None:
            by_subject = {}
            for name, wish in wishes.items():
                stale = state.stale.get(name, {})
                by_subject[name] = reconcile(
                    state.current[name],
                    {k: v for k, v in wish.desired.items() if k not in stale},
                    absent={k for k in wish.absent if k not in stale},
                    exclusive=wish.exclusive,
                    keep=set(keep if name == "user" else ()) | wish.exempt,
                )
            plans[state.target] = by_subject
    return plans


def _check_users(
    client: BitbucketClient,
    workspace: str,
    states: list[TargetState],
    plans: dict[str, dict[str, Plan]],
    wishes: dict[str, Wishes],
    directory: Directory,
    owners: tuple[list[str], list[dict[str, Any]]] | None = None,
) -> dict[str, dict[str, Plan]]:
    """The user rules (unknown removals, the caller's own admin, the owner); the plans again when the caller is kept."""
    users = wishes.get("user")
    if users is None:
        return plans
    if all(s.error is None for s in states):
        seen = set()
        for state in states:
            seen.update(state.current.get("user", {}))
        unseen = [a for a in users.absent if a not in seen and a not in directory.confirmed]
        if unseen:
            users.mark_not_found(directory.unconfirmed(client, workspace, unseen))
    user_plans = {target: plan["user"] for target, plan in plans.items()}
    losses = admin_losses(user_plans)
    if losses:
        caller = caller_account(client)
        check_caller(caller, losses, users)
        if users.exclusive and caller in losses:
            plans = _plans(states, wishes, keep=(caller,))
            user_plans = {target: plan["user"] for target, plan in plans.items()}
    check_owner(client, workspace, user_plans, users, directory, prefetched=owners)
    return plans


def warn_if_over_budget(client: BitbucketClient, what: str, estimate: int) -> None:
    """Warn once, before the job starts, when its estimated requests (a read and a write per target and subject, at
    most) exceed what is left of the task's request budget."""
    budget = getattr(client.stats, "budget", None)
    message = budget.shortfall_warning(estimate, what) if budget is not None else None
    if message and client.transport.warn is not None:
        client.transport.warn(message)


def run_permissions(
    client: BitbucketClient, scope: Scope, params: dict[str, Any], check_mode: bool = False
) -> tuple[dict[str, Any], bool]:
    """Do the task of a permission module for ``scope``; return ``(result, failed)``. Raises AtlassianError (nothing
    written) for a refusal or a failure before the first write."""
    workspace = validate.workspace(params["workspace"])
    concurrency = validate.bounded_int(
        DEFAULT_CONCURRENCY if params.get("concurrency") is None else params["concurrency"], "concurrency", 1, MAX_CONCURRENCY
    )
    targets = targets_from_params(params, scope)
    wishes, directory = _wishes(client, workspace, params)
    warn_if_over_budget(client, "This task (%d %s)" % (len(targets), scope.plural), 2 * len(targets) * len(wishes) + 2)
    known = owners = None
    outcomes = {}
    with WorkerPool(client, concurrency) as pool:

        def read(worker: BitbucketClient, target: str) -> TargetState:
            state = read_target(worker, scope, workspace, target, wishes, check_mode=check_mode, known=known)
            if state.error is not None and stops_everything(state.error):
                pool.stop(state.error)
            return state

        known, owners = prefetch(pool, scope, workspace, targets, wishes, directory, check_mode=check_mode)
        states = pool.map(read, targets, skipped=lambda target, err: TargetState(target, error=err))
        for state in states:
            if isinstance(state.error, UnexpectedAnswerError):
                raise state.error
            for user in state.objects.get("user", {}).values():
                directory.learn(user)
            find_stale(state, wishes)
        plans = _check_users(client, workspace, states, _plans(states, wishes), wishes, directory, owners)
        check_auth_for_writes(client, scope, [p for by_subject in plans.values() for p in by_subject.values()])
        if not check_mode:
            by_target = {s.target: s for s in states}

            def apply(worker: BitbucketClient, target: str) -> tuple[str, dict[str, Outcome]]:
                done = apply_target(worker, scope, workspace, by_target[target], plans[target])
                for outcome in done.values():
                    if outcome.fatal is not None:
                        pool.stop(outcome.fatal)
                return target, done

            changed = [t for t in targets if t in plans and any(p.changed for p in plans[t].values())]
            outcomes = dict(pool.map(apply, changed, skipped=lambda target, err: (target, _not_attempted(plans[target], err))))
    if scope.name == "repository" and client.transport.warn is not None:
        changes = lowered_or_set(plans, None if check_mode else outcomes)
        for message in half_measures(client, workspace, changes, directory.users, check_mode, known):
            client.transport.warn(message)
    return report(scope, workspace, states, plans, outcomes, wishes, directory, check_mode)


def _not_attempted(plans: dict[str, Plan], err: AtlassianError) -> dict[str, Outcome]:
    """The outcomes of a target none of whose writes was sent: each step of ``steps_of`` failed with ``err``."""
    outcomes = {name: Outcome() for name in plans}
    for operation, name, key, _permission in steps_of(plans):
        outcomes[name].failed.append(failure(name, key, operation, err.message))
    return outcomes
