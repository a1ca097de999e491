# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request accounting of a task, in one place: ``ApiStats`` counts every HTTP request actually sent (retries and
OAuth token requests included), keeps the most recent rate-limit headers and says once per task when Bitbucket
reports the limit is near. One ApiStats is shared by every Transport of a task (the worker threads' too), so
``api_calls`` and ``rate_limit`` need no merging and the near-limit warning appears once.
"""

from __future__ import annotations

import threading

RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Resource", "X-RateLimit-NearLimit")


def _int_or_none(value):
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _truthy(value):
    return str(value).strip().lower() in ("1", "true", "yes")


class ApiStats(object):
    """Requests actually sent, by method, and the last rate-limit headers seen (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.counts = {}
        self.rate_limit = {}
        self._warned = False

    @property
    def total(self):
        with self._lock:
            return sum(self.counts.values())

    def record(self, method):
        with self._lock:
            self.counts[method] = self.counts.get(method, 0) + 1

    def as_result(self):
        with self._lock:
            result = {"total": sum(self.counts.values())}
            for method in sorted(self.counts):
                result[method] = self.counts[method]
            return result

    def observe(self, headers):
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
        with self._lock:
            self.rate_limit = {"limit": limit, "resource": resource, "near_limit": near}
            if near and not self._warned:
                self._warned = True
                return True
        return False
