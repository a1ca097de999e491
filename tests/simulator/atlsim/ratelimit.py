# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rolling-window rate limiting, as Bitbucket Cloud does it.

* one rolling window (1 hour by default) per key: the user for API tokens and OAuth tokens
  (Bitbucket measures authenticated requests per user id), the token for access tokens, the
  client IP for unauthenticated requests;
* the limit comes from the seed (``rate_limits``): ``default`` 1,000/hour, ``access_token``
  10,000/hour (the scaled limit, only on the "api" resource group ``/2.0/repositories/*``);
* over the limit: 429, ``Content-Type: text/plain``, body ``Rate limit for this resource has
  been exceeded`` and no ``Retry-After``; ``X-RateLimit-Limit``/``-Resource``/``-NearLimit`` only for
  access tokens on ``/2.0/repositories/*``.

``clock`` is injectable (seconds, monotonic or wall: only differences matter).
"""

from __future__ import annotations

import threading
import time
from collections import deque

RATE_LIMIT_BODY = "Rate limit for this resource has been exceeded"
SCALED_RESOURCE = "api"


class RateLimiter:
    def __init__(self, clock=time.monotonic, window: float = 3600.0):
        self.clock = clock
        self.window = float(window)
        self._hits: dict = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int) -> tuple[bool, int]:
        """Count one request for ``key``; return (allowed, requests in the window including this one).

        A refused request is not counted, so the window frees exactly ``window`` seconds after the
        oldest accepted request.
        """
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            horizon = now - self.window
            while hits and hits[0] <= horizon:
                hits.popleft()
            if len(hits) >= limit:
                return False, len(hits)
            hits.append(now)
            return True, len(hits)

    def retry_after(self, key: str) -> int:
        """Seconds until the oldest request of ``key`` leaves the window (for APIs that send Retry-After)."""
        with self._lock:
            hits = self._hits.get(key)
            if not hits:
                return 0
            return max(1, int(hits[0] + self.window - self.clock() + 0.999))

    def count(self, key: str) -> int:
        now = self.clock()
        with self._lock:
            return sum(1 for t in self._hits.get(key, ()) if t > now - self.window)

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()


def scaled_headers(limit: int, used: int) -> dict:
    """The headers Bitbucket adds for access tokens on the scaled ``/2.0/repositories/*`` group."""
    near = (limit - used) < 0.2 * limit
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Resource": SCALED_RESOURCE,
        "X-RateLimit-NearLimit": "true" if near else "false",
    }
