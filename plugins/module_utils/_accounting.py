# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request accounting of a task, in one place: ``ApiStats`` counts every HTTP request actually sent (retries and
OAuth token requests included), keeps the most recent rate-limit headers and says once per task when Bitbucket
reports the limit is near. One ApiStats is shared by every Transport of a task (the worker threads' too), so
``api_calls`` and ``rate_limit`` need no merging and the near-limit warning appears once.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AtlassianError

RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Resource", "X-RateLimit-NearLimit")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes")


# Bitbucket Cloud: 1,000 requests per rolling hour per user on the standard endpoints (more for access tokens on
# the repository endpoints); the Admin API and SCIM publish no number.
BITBUCKET_REQUESTS_PER_HOUR = 1000
WINDOW_SECONDS = 3600.0
NEAR_LIMIT_SHARE = 0.2  # X-RateLimit-NearLimit: "true when less than 20% remains"


class RequestBudget:
    """The client-side request budget of a task: at most ``per_hour`` requests in any rolling hour (the unit of
    Bitbucket's limit), so that a task larger than the budget waits for room instead of being refused with HTTP 429
    (which comes without Retry-After). A task within its budget never waits. Thread-safe; the clock and the sleep
    function are injectable."""

    def __init__(
        self,
        per_hour: int,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Any] | None = None,
        window: float = WINDOW_SECONDS,
    ) -> None:
        self.per_hour = int(per_hour)
        self.window = float(window)
        self.clock = clock if clock is not None else time.monotonic
        self.sleep = sleep if sleep is not None else time.sleep
        self.paced_seconds = 0.0
        self._sent = collections.deque()
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()

    def remaining(self) -> int:
        with self._lock:
            self._prune(self.clock())
            return max(0, self.per_hour - len(self._sent))

    def acquire(self) -> None:
        """Wait until the window has room for one more request, then count it."""
        while True:
            with self._lock:
                now = self.clock()
                self._prune(now)
                if len(self._sent) < self.per_hour:
                    self._sent.append(now)
                    return
                wait = max(0.001, self._sent[len(self._sent) - self.per_hour] + self.window - now)
                self.paced_seconds += wait
            self.sleep(wait)

    def limit_to(self, limit: int | None = None, near: bool = False) -> None:
        """Lower the budget to what the server says: its ``X-RateLimit-Limit``; with ``X-RateLimit-NearLimit`` less
        than a fifth of it is left, so at most that many more requests go out this hour."""
        with self._lock:
            if limit:
                self.per_hour = min(self.per_hour, int(limit))
            if near:
                self._prune(self.clock())
                self.per_hour = min(self.per_hour, len(self._sent) + max(1, int((limit or self.per_hour) * NEAR_LIMIT_SHARE)))

    def shortfall_warning(self, estimate: int, what: str) -> str | None:
        """A warning when ``estimate`` requests exceed what is left of the budget (else None)."""
        left = self.remaining()
        if estimate <= left:
            return None
        extra = estimate - left
        minutes = extra * self.window / max(1, self.per_hour) / 60.0
        return (
            "%s may need about %d API requests, more than the %d left of this task's request budget (requests_per_hour "
            "%d, the rate limit Bitbucket applies per user and rolling hour): the task paces its requests instead of "
            "being refused with HTTP 429, which may take about %d more minutes. Split the job, or run it with a "
            "larger budget if the account's limit allows." % (what, estimate, left, self.per_hour, max(1, round(minutes)))
        )


class ApiStats:
    """Requests actually sent, by method, and the last rate-limit headers seen (thread-safe); the task's
    ``RequestBudget`` (None: no pacing) is shared the same way."""

    def __init__(self, budget: RequestBudget | None = None) -> None:
        self._lock = threading.Lock()
        self.counts = {}
        self.rate_limit = {}
        self._warned = False
        self.budget = budget

    def pace(self) -> None:
        """Wait for room in the request budget (no-op without one)."""
        if self.budget is not None:
            self.budget.acquire()

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    def record(self, method: str) -> None:
        with self._lock:
            self.counts[method] = self.counts.get(method, 0) + 1

    def as_result(self) -> dict[str, int]:
        with self._lock:
            result = {"total": sum(self.counts.values())}
            for method in sorted(self.counts):
                result[method] = self.counts[method]
            return result

    def observe(self, headers: Mapping[str, str]) -> bool:
        """Remember X-RateLimit-* headers (Bitbucket's limit, resource and near-limit flag, or the Admin API's remaining
        count and reset time); True for the first answer of the task that says the limit is near."""
        limit, resource, near = (headers.get(name) for name in RATE_LIMIT_HEADERS)
        remaining, reset = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Reset")
        if limit is None and resource is None and near is None:
            if remaining is None and reset is None:
                return False
            # the Admin API's 429: how many requests are left and when the window resets
            with self._lock:
                self.rate_limit = {"remaining": _int_or_none(remaining), "reset": str(reset)[:64] if reset else None}
            return False
        try:
            limit = int(limit) if limit is not None else None
        except ValueError:
            limit = None
        near = _truthy(near) if near is not None else False
        if self.budget is not None and (limit or near):
            self.budget.limit_to(limit, near)
        with self._lock:
            self.rate_limit = {"limit": limit, "resource": resource, "near_limit": near}
            if near and not self._warned:
                self._warned = True
                return True
        return False


def accounting(client: Any) -> dict[str, Any]:
    """``api_calls`` and ``rate_limit`` of a client (anything with ``.stats``), for every module result.

    ``client`` may be None (the error came before any request), which reads as no call made.
    """
    stats = getattr(client, "stats", None)
    if stats is None:
        return {"api_calls": {"total": 0}, "rate_limit": {}}
    rate_limit = dict(stats.rate_limit)
    budget = getattr(stats, "budget", None)
    if budget is not None and budget.paced_seconds:
        rate_limit["paced_seconds"] = round(budget.paced_seconds, 1)
    return {"api_calls": stats.as_result(), "rate_limit": rate_limit}


def error_result(err: Exception, client: Any = None) -> dict[str, Any]:
    """The keys a module passes to ``fail_json`` for an error of the client:
    ``msg``, ``status``, ``method``, ``path``, ``api_message`` (None when unknown), and the
    ``api_calls`` and ``rate_limit`` of ``client`` (none made when there is no client yet)."""
    if isinstance(err, AtlassianError):
        result = err.as_result()
    else:
        result = {"msg": str(err), "status": None, "method": None, "path": None, "api_message": None}
    result.update(accounting(client))
    return result
