# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many SCIM users in one task (``users`` of atlassian_scim_user).

Every item is checked before the first request (its options, and no user listed twice, userName compared without
case as SCIM does). Then each user goes through ``_scim.client.ensure_user``, so it costs exactly the requests of the
single form (one filtered GET, then one POST, PATCH or DELETE, or nothing), on the collection's one fan-out
(``_workers.WorkerPool``): each worker thread has its own ScimClient (``for_worker``: own Transport and
requests.Session) and the task's one ApiStats.

A user that fails does not stop the others; its result says whether a write of it had already succeeded (and the
task's ``changes`` holds what that write did, when known). Only an
error no other request can avoid (401, or 404 on the filtered read: the directory does not exist) is given to
``WorkerPool.stop``: the users not started yet are reported as not attempted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._workers import (
    DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
    WorkerPool,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._engine import make_diff
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    AtlassianError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.client import (
    IGNORED_OPTION,
    MANAGED_OPTIONS,
    USERS_PATH,
    ScimClient,
    ensure_user,
    ignored_option_warning,
    validate_user_params,
)

# Per-user options that the list form takes in each item only (the top-level ones are refused with ``users``).
ITEM_OPTIONS = ("state",) + MANAGED_OPTIONS
MAX_NAMED_FAILURES = 10


class _Recorder:
    """The worker's ScimClient for one user, remembering whether a write of that user succeeded."""

    def __init__(self, client: ScimClient) -> None:
        self._client = client
        self.wrote = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def _write(self, method: Callable[..., Any], *args: Any) -> Any:
        result = method(*args)
        self.wrote = True
        return result

    def create_user(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._write(self._client.create_user, payload)

    def patch_user(self, user_id: str, operations: list[dict[str, Any]]) -> dict[str, Any]:
        return self._write(self._client.patch_user, user_id, operations)

    def delete_user(self, user_id: str) -> None:
        return self._write(self._client.delete_user, user_id)


def _stops_everything(client: ScimClient, err: AtlassianError) -> bool:
    """Bad credentials (401), or 404 on ``GET /Users`` (an unknown directory): every other user would fail the same."""
    if isinstance(err, AuthenticationError):
        return True
    return isinstance(err, NotFoundError) and err.method == "GET" and err.path == client.transport.shown_path(USERS_PATH)


def ignored_option_warnings(params: dict[str, Any]) -> list[str]:
    """The warnings of the deprecated ``locale`` (``_scim.client.IGNORED_OPTION``), top level or in items of ``users``: one for
    the top-level option, one naming the items that set it. The value is never used (see ``MANAGED_OPTIONS``)."""
    warnings = []
    if params.get(IGNORED_OPTION) is not None:
        warnings.append(ignored_option_warning(IGNORED_OPTION))
    named = [
        "users[%d] (%s)" % (index, item.get("user_name"))
        for index, item in enumerate(params.get("users") or [])
        if isinstance(item, dict) and item.get(IGNORED_OPTION) is not None
    ]
    if named:
        more = " and %d more" % (len(named) - MAX_NAMED_FAILURES) if len(named) > MAX_NAMED_FAILURES else ""
        warnings.append(ignored_option_warning("%s of %s%s" % (IGNORED_OPTION, ", ".join(named[:MAX_NAMED_FAILURES]), more)))
    return warnings


def check_items(params: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """The validated items of ``users``: a list of (user_name, desired, state). ConfigurationError before any request
    for a top-level attribute given with ``users``, a bad value of an item, or a user listed twice."""
    given = [option for option in ITEM_OPTIONS if params.get(option) is not None]
    if given:
        raise ConfigurationError(
            "users: %s cannot be set with users; set %s in each item of users instead"
            % (", ".join(given), "it" if len(given) == 1 else "them")
        )
    items, seen = [], {}
    for index, item in enumerate(params["users"]):
        desired = {option: item.get(option) for option in MANAGED_OPTIONS}
        try:
            user_name = validate_user_params(item.get("user_name"), desired)
        except ConfigurationError as err:
            raise ConfigurationError("users[%d]: %s" % (index, err.message)) from None
        key = user_name.lower()
        if key in seen:
            raise ConfigurationError(
                "users: %r is listed twice (items %d and %d; userName is compared without regard to case); list each user "
                "once" % (user_name, seen[key], index)
            )
        seen[key] = index
        items.append((user_name, desired, item.get("state") or "present"))
    return items


def _failed_entry(user_name: str, err: AtlassianError, wrote: bool) -> dict[str, Any]:
    entry = {"user_name": user_name, "changed": wrote, "user": None, "atlassian_account_id": None, "failed": True, "diff": {}}
    entry.update(err.as_result())
    return entry


def concurrency_of(params: dict[str, Any]) -> int:
    """The validated ``concurrency`` (1 to 16; ConfigurationError otherwise)."""
    concurrency = params.get("concurrency")
    return validate.bounded_int(DEFAULT_CONCURRENCY if concurrency is None else concurrency, "concurrency", 1, MAX_CONCURRENCY)


def ensure_users(client: ScimClient, params: dict[str, Any], check_mode: bool = False) -> tuple[dict[str, Any], bool]:
    """Do the list form of atlassian_scim_user; return ``(result, failed)``. Raises ConfigurationError (no request
    sent) for bad options; per-user errors are in the results."""
    concurrency = concurrency_of(params)
    items = check_items(params)

    def handle(worker: ScimClient, item: tuple[str, dict[str, Any], str]) -> tuple[dict[str, Any], dict[str, Any] | None, list]:
        user_name, desired, state = item
        recorder = _Recorder(worker)
        try:
            done = ensure_user(recorder, user_name, desired, state=state, check_mode=check_mode)
        except AtlassianError as err:
            if _stops_everything(worker, err):
                pool.stop(err)
            return _failed_entry(user_name, err, recorder.wrote), None, list(getattr(err, "changes", None) or [])
        entry = {
            "user_name": user_name,
            "changed": done["changed"],
            "user": done["user"],
            "atlassian_account_id": done["atlassian_account_id"],
            "failed": False,
        }
        diff = None
        if done["changed"]:
            diff = make_diff(done["diff"]["before"], done["diff"]["after"], before_header=user_name, after_header=user_name)
        entry["diff"] = diff or {}  # in a loop, callbacks show the diff of each entry of a list result
        return entry, diff, done["changes"]

    with WorkerPool(client, concurrency) as pool:
        outcomes = pool.map(handle, items, skipped=lambda item, err: (_failed_entry(item[0], err, False), None, []))
    return report(
        [entry for entry, _diff, _changes in outcomes],
        [diff for _entry, diff, _changes in outcomes if diff is not None],
        [change for _entry, _diff, changes in outcomes for change in changes],
    )


def _failure_message(results: list[dict[str, Any]], failed: list[dict[str, Any]]) -> str:
    parts = ["%s (%s)" % (entry["user_name"], entry["msg"]) for entry in failed[:MAX_NAMED_FAILURES]]
    more = ""
    if len(failed) > MAX_NAMED_FAILURES:
        more = " and %d more: %s" % (
            len(failed) - MAX_NAMED_FAILURES,
            ", ".join(entry["user_name"] for entry in failed[MAX_NAMED_FAILURES:]),
        )
    return (
        "Failed on %d of %d users: %s%s. Every other user was handled and is listed in users; fix the cause and "
        "run the task again to complete the job." % (len(failed), len(results), "; ".join(parts), more)
    )


def report(
    results: list[dict[str, Any]], diffs: list[dict[str, Any]], changes: list[dict[str, Any]] | None = None
) -> tuple[dict[str, Any], bool]:
    """``(result, failed)``: ``changed``, ``users`` (one entry per item, in order, each with its own ``diff``), ``diff``
    (one entry per changed user), ``changes`` (the change items, in the order of the users), ``failed_users`` and,
    when some failed, ``msg``."""
    failed = [entry for entry in results if entry["failed"]]
    result = {
        "changed": any(entry["changed"] for entry in results),
        "users": results,
        "diff": diffs,
        "changes": list(changes or []),
        "failed_users": [entry["user_name"] for entry in failed],
    }
    if failed:
        result["msg"] = _failure_message(results, failed)
    return result, bool(failed)
