# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retry policy: exponential backoff with full jitter, ``Retry-After`` (or ``X-RateLimit-Reset``), bounded waits.

The clock, the sleep function and the random source are injectable so that tests never
sleep for real and can check every delay exactly.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import random
import time
from collections.abc import Callable

RETRY_STATUSES = frozenset((429, 502, 503, 504))
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))


def is_idempotent(method: str, idempotent: bool | None = None) -> bool:
    """``idempotent`` when given, else whether ``method`` is idempotent by nature.

    A PATCH that sets absolute state is idempotent too; its caller says so with ``idempotent=True``.
    """
    if idempotent is not None:
        return bool(idempotent)
    return method.upper() in IDEMPOTENT_METHODS


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date), or None.

    ``now``: current wall-clock time in epoch seconds (defaults to ``time.time()``).
    A date in the past gives 0; an unreadable value gives None.
    """
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        if not math.isfinite(seconds):
            return None
        return max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def parse_rate_limit_reset(value: str | None, now: float | None = None) -> float | None:
    """Seconds until an ``X-RateLimit-Reset`` time (RFC 3339, as the Admin API sends it; epoch seconds are read too),
    or None when it is unreadable or already past."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    now = time.time() if now is None else now
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is not None:
        if not math.isfinite(seconds) or seconds < 1e9:  # not an epoch time
            return None
        when = seconds
    else:
        try:
            parsed = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            return None
        when = parsed.timestamp()
    wait = when - now
    return wait if wait > 0 else None


class RetryPolicy:
    """When and how long to wait before trying a request again.

    ``max_retries``: retries after the first attempt (so at most ``max_retries + 1`` requests).
    ``base``/``cap``: the backoff before retry number ``attempt`` (0-based) is
    ``rng() * min(cap, base * 2 ** attempt)`` (full jitter).
    ``max_total_wait``: never go on when the time spent since the first attempt plus the next
    wait would exceed it (seconds). A ``Retry-After`` answer is honoured as is (no jitter) and
    is subject to the same bound.
    ``sleep``/``clock``/``rng``/``now``: injectable ``time.sleep``, ``time.monotonic``,
    ``random.random`` and ``time.time`` (the wall clock used for HTTP-date ``Retry-After``).
    """

    def __init__(
        self,
        max_retries: int = 5,
        base: float = 1.0,
        cap: float = 30.0,
        max_total_wait: float = 120.0,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        rng: Callable[[], float] | None = None,
        now: Callable[[], float] | None = None,
    ) -> None:
        if max_retries is None or int(max_retries) < 0:
            raise ValueError("max_retries must be 0 or more")
        self.max_retries = int(max_retries)
        self.base = float(base)
        self.cap = float(cap)
        self.max_total_wait = float(max_total_wait)
        self.sleep = sleep if sleep is not None else time.sleep
        self.clock = clock if clock is not None else time.monotonic
        self.rng = rng if rng is not None else random.random
        self.now = now if now is not None else time.time

    def backoff(self, attempt: int) -> float:
        """The full-jitter backoff before retry number ``attempt`` (0 for the first retry)."""
        ceiling = min(self.cap, self.base * (2 ** min(int(attempt), 62)))
        return self.rng() * ceiling

    def next_delay(
        self, attempt: int, elapsed: float, retry_after: str | None = None, reset_at: str | None = None
    ) -> float | None:
        """Seconds to wait before retry number ``attempt`` (0-based), or None to give up.

        ``elapsed``: seconds since the first attempt started; ``retry_after``: the raw
        ``Retry-After`` header value when the server sent one; ``reset_at``: the raw
        ``X-RateLimit-Reset`` of a 429, honoured when there is no usable ``Retry-After``.
        """
        if attempt >= self.max_retries:
            return None
        wait = parse_retry_after(retry_after, now=self.now())
        if wait is None:
            wait = parse_rate_limit_reset(reset_at, now=self.now())
        if wait is None:
            wait = self.backoff(attempt)
        if elapsed + wait > self.max_total_wait:
            return None
        return wait
