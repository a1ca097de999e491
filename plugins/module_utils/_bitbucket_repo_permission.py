# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The work of the ``bitbucket_repo_permission`` module, in three phases.

1. Resolve identities once (emails in batches of 90) and read every repository (worker pool).
2. Plan each repository with ``_engine.reconcile`` and run the safety checks (owner, caller's admin).
   Nothing has been written yet, so a refusal leaves everything as it was. Check mode stops here.
3. Apply the plans (worker pool); a repository that fails does not stop the others.

The result says exactly what was applied, so running the task again completes the job.
"""

from __future__ import annotations

import threading

from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket_workers import WorkerPool
from ansible_collections.accessops.atlassian.plugins.module_utils._engine import make_diff
from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    AtlassianError,
    ConfigurationError,
    UnexpectedAnswerError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions import (
    Directory,
    Outcome,
    RepoState,
    Targets,
    admin_losses,
    apply_plan,
    caller_account,
    check_caller,
    check_owner,
    outcome_after,
    plan_repository,
    read_repository,
    requests_from_params,
    stops_everything,
)


class NotAttemptedError(AtlassianError):
    """A repository left alone because an earlier error makes every request fail."""


def repositories_from_params(params):
    """The repository slugs of the task, in order, without duplicates (validated, ConfigurationError naming the option)."""
    if params.get("repository") is not None:
        given, option = [params["repository"]], "repository"
    else:
        given, option = list(params.get("repositories") or []), "repositories"
    slugs = []
    for slug in given:
        slug = validate.repository(slug, option)
        if slug not in slugs:
            slugs.append(slug)
    if not slugs:
        raise ConfigurationError("No repository given: repositories is empty (set repository or repositories)")
    return slugs


class _Abort(object):
    """The first error that makes every other request fail (shared between worker threads)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.error = None

    def set(self, err):
        with self._lock:
            if self.error is None:
                self.error = err

    def not_attempted(self):
        return NotAttemptedError("not attempted: %s" % self.error.message, status=None)


def _repo_result(repository, plan=None, outcome=None, state=None):
    result = {"repository": repository, "changed": False, "added": [], "updated": [], "removed": [],
              "unchanged": [], "protected": [], "failed": []}
    if state is not None and state.error is not None:
        err = state.error
        result["failed"].append({"user": None, "operation": "read", "status": err.status, "message": err.message})
        return result
    summary = plan.as_dict()
    result["unchanged"] = summary["unchanged"]
    result["protected"] = sorted(plan.protected)
    done = plan if outcome is None else outcome
    result["added"] = sorted(done.add)
    result["updated"] = sorted(done.update)
    result["removed"] = sorted(done.remove)
    result["changed"] = bool(done.add or done.update or done.remove)
    if outcome is not None:
        result["failed"] = list(outcome.failed)
    return result


def render_permissions(permissions, users):
    """Explicit permissions as YAML text for ``--diff``: one ``"account_id": permission`` line per user,
    sorted by account id, with the display name and email (when known) as a comment."""
    lines = []
    for account_id, permission in sorted(permissions.items()):
        info = users.get(account_id) or {}
        label = " ".join(part for part in (info.get("display_name"),
                                           "<%s>" % info["email"] if info.get("email") else None) if part)
        lines.append('"%s": %s%s' % (account_id, permission, "  # " + label if label else ""))
    return "".join(line + "\n" for line in lines)


def _failure_message(results, total):
    failed = [r for r in results if r["failed"]]
    parts = []
    for repo in failed[:5]:
        first = repo["failed"][0]
        who = " %s" % first["user"] if first["user"] else ""
        parts.append("%s (%s%s: %s)" % (repo["repository"], first["operation"], who, first["message"]))
    more = " and %d more" % (len(failed) - 5) if len(failed) > 5 else ""
    return ("Failed on %d of %d repositories: %s%s. Everything else was applied and is listed in results; fix the cause "
            "and run the task again to complete it." % (len(failed), total, "; ".join(parts), more))


def run_repo_permission(client, params, check_mode=False):
    """Do the task; return ``(result, failed)``. Raises AtlassianError (nothing written) for a refusal
    or a failure before the first write."""
    workspace = validate.workspace(params["workspace"])
    exclusive = bool(params.get("exclusive"))
    repositories = repositories_from_params(params)
    requests, exempt = requests_from_params(params)
    directory = Directory().resolve(client, workspace, [r.identifier for r in requests] + exempt, confirm=exempt)
    targets = Targets(requests, exempt, directory)
    abort = _Abort()

    def read(worker, repository):
        if abort.error is not None:
            return RepoState(repository, error=abort.not_attempted())
        state = read_repository(worker, workspace, repository, targets, exclusive, check_mode=check_mode)
        if state.error is not None and stops_everything(state.error):
            abort.set(state.error)
        return state

    with WorkerPool(client, params.get("concurrency") or 1) as pool:
        if targets.involved or exclusive:
            states = pool.map(read, repositories)
        else:
            states = [RepoState(repository, {}) for repository in repositories]
        for state in states:
            if isinstance(state.error, UnexpectedAnswerError):
                raise state.error
            for user in state.users.values():
                directory.learn(user)
        readable = [s for s in states if s.error is None]
        if len(readable) == len(states):
            _report_unknown_removals(client, workspace, readable, targets, directory)
        plans = dict((s.repository, plan_repository(s, targets, exclusive)) for s in readable)
        losses = admin_losses(plans)
        if losses:
            caller = caller_account(client)
            check_caller(caller, losses, targets)
            if exclusive and caller in losses:
                plans = dict((s.repository, plan_repository(s, targets, exclusive, keep=(caller,))) for s in readable)
        check_owner(client, workspace, plans, targets, directory)

        outcomes = {}
        if not check_mode:
            def apply(worker, repository):
                if abort.error is not None:
                    return repository, _not_attempted(plans[repository], abort.not_attempted())
                outcome = apply_plan(worker, workspace, repository, plans[repository])
                if outcome.fatal is not None:
                    abort.set(outcome.fatal)
                return repository, outcome

            outcomes = dict(pool.map(apply, [r for r in repositories if r in plans and plans[r].changed]))

    results, diffs = [], []
    before_all, after_all = {}, {}
    for state in states:
        repository = state.repository
        if state.error is not None:
            results.append(_repo_result(repository, state=state))
            continue
        plan = plans[repository]
        outcome = outcomes.get(repository)
        if outcome is None and not check_mode:
            outcome = Outcome()
        result = _repo_result(repository, plan, outcome)
        results.append(result)
        before = plan.before()
        after = plan.after() if check_mode else outcome_after(before, outcome)
        before_all[repository], after_all[repository] = before, after
        if result["changed"]:
            header = "%s/%s" % (workspace, repository)
            diffs.append(make_diff(render_permissions(before, directory.users), render_permissions(after, directory.users),
                                   before_header=header, after_header=header))

    involved = set(targets.involved)
    for before in before_all.values():
        involved.update(before)
    result = {
        "changed": any(r["changed"] for r in results),
        "diff": diffs,
        "permissions": {"before": before_all, "after": after_all},
        "results": results,
        "failed_repositories": [r["repository"] for r in results if r["failed"]],
        "users": dict((k, v) for k, v in sorted(directory.users.items()) if k in involved),
        "not_found": targets.not_found,
    }
    failed = bool(result["failed_repositories"])
    if failed:
        result["msg"] = _failure_message(results, len(repositories))
    return result, failed


def _report_unknown_removals(client, workspace, states, targets, directory):
    """Removals of account ids found on no repository read: one membership look-up (50 per request) tells a
    person who has nothing left to remove from an id that matches nobody (reported in ``not_found``)."""
    seen = set()
    for state in states:
        seen.update(state.current)
    unseen = [a for a in targets.absent if a not in seen and a not in directory.confirmed]
    if unseen:
        targets.mark_not_found(directory.unconfirmed(client, workspace, unseen))


def _not_attempted(plan, err):
    outcome = Outcome()
    for operation, keys in (("revoke", plan.remove), ("update", plan.update), ("grant", plan.add)):
        for key in sorted(keys):
            outcome.failed.append({"user": key, "operation": operation, "status": None, "message": err.message})
    return outcome
