# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Clocks. The simulator reads time only through a clock callable (seconds since the epoch), so tests
can move time forward (token expiry, the rate-limit window) without sleeping."""

from __future__ import annotations

import math
import threading
import time


class SimClock:
    """Wall-clock time plus an offset that ``advance`` moves forward (the default clock of the app)."""

    def __init__(self, base=time.time):
        self._base = base
        self._offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._base() + self._offset

    def advance(self, seconds: float) -> float:
        """Move forward ``seconds`` (>= 0: the simulated time never goes back)."""
        seconds = float(seconds)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError("advance must be a finite number of seconds >= 0, not %r" % seconds)
        with self._lock:
            self._offset += seconds
        return self()

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


class FakeClock:
    """A clock that only moves when told to (for unit tests)."""

    def __init__(self, start: float = 1_700_000_000.0):
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += float(seconds)
        return self.now

    def reset(self) -> None:
        """A fake clock keeps its time across resets."""


class FakeSleep:
    """A ``sleep`` replacement that records the delays instead of waiting (and moves ``clock`` if given)."""

    def __init__(self, clock: FakeClock | None = None):
        self.calls: list[float] = []
        self.clock = clock

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self.clock is not None:
            self.clock.advance(seconds)
