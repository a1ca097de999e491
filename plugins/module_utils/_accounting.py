# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request accounting of a task, in one place: ``ApiStats`` counts every HTTP request actually sent (retries and
OAuth token requests included), keeps the most recent rate-limit headers and says once per task when Bitbucket
reports the limit is near. One ApiStats is shared by every Transport of a task (the worker threads' too), so
``api_calls`` and ``rate_limit`` need no merging and the near-limit warning appears once.

``RequestBudget`` paces a task to ``requests_per_hour``; with a ``RequestLedger`` (option ``requests_ledger``) the
budget is the run's: every task that names the same ledger file records its requests there, and each counts the
rolling hour of them all.
"""

from __future__ import annotations

import collections
import fcntl
import hashlib
import os
import stat
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AtlassianError, ConfigurationError

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
# The ledger file is rewritten without the lines that left the hour once this many have (else it is only appended to).
LEDGER_PRUNE_AFTER = 256
LEDGER_KEY_LENGTH = 16


def ledger_key(api_url: str, identity: str) -> str:
    """The ledger key of an account on an API: a hash of both (so two accounts or two services never share a budget),
    never the identity itself (an email, an OAuth client id, or an access token's own hash)."""
    digest = hashlib.sha256(("accessops-ledger\n%s\n%s" % (api_url.rstrip("/"), identity)).encode("utf-8"))
    return digest.hexdigest()[:LEDGER_KEY_LENGTH]


LEDGER_HEADER = b"# accessops.atlassian requests ledger "


class RequestLedger:
    """The requests of a run, shared by its tasks (processes) through one file: a line ``<key> <epoch seconds>`` per
    request, appended under an exclusive ``fcntl.flock``; the file starts with a header line whose token changes each
    time it is rewritten without the lines that left the window (once ``LEDGER_PRUNE_AFTER`` of them have). Each
    process reads only what was appended since its last look (the whole file again after a rewrite), so a request
    costs a few system calls. The file is created ``0600`` (an existing one readable by others is made ``0600`` when
    it is ours, refused otherwise); it holds no credential, only hashed keys and times.

    Not thread-safe by itself (a flock is per open file, not per thread): ``RequestBudget`` holds its lock around it.
    """

    def __init__(self, path: str, key: str) -> None:
        self.path = path
        self.key = key.encode("ascii")
        self._fd: int | None = None
        self._header = b""  # the header line last read (b"": none yet)
        self._offset = 0  # bytes of the file read so far
        self._lines = 0  # request lines in the file (read so far)
        self._live: collections.deque[bytes] = collections.deque()  # lines not yet known to be old, file order
        self._mine: collections.deque[bytes] = collections.deque()  # the times of this key's live lines

    def _open(self) -> int:
        if self._fd is not None:
            return self._fd
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags, 0o600)
        except OSError as exc:
            raise ConfigurationError("requests_ledger: cannot open %s: %s" % (self.path, exc.strerror or exc)) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ConfigurationError("requests_ledger: %s is not a regular file" % self.path)
            if info.st_mode & 0o077:
                if info.st_uid != os.geteuid():
                    raise ConfigurationError(
                        "requests_ledger: %s can be read by other users and belongs to another one; use a file of "
                        "your own (it is created 0600)" % self.path
                    )
                os.fchmod(fd, 0o600)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _refresh(self, fd: int, after: bytes) -> None:
        """Bring the cache up to the end of the file, then forget the lines at or before ``after`` (the lock held).

        Lines are ``<16 hex> <10 digits>.<3 digits>``: of one length, so a time compares as bytes (no float per
        line); a line of another shape counts as old and goes at the next rewrite."""
        first = os.pread(fd, len(LEDGER_HEADER) + 64, 0).split(b"\n", 1)[0]
        header = first if first.startswith(LEDGER_HEADER) else b""
        size = os.fstat(fd).st_size
        if header != self._header or size < self._offset:
            self._header, self._offset, self._lines = header, 0, 0
            self._live.clear()
            self._mine.clear()
        chunks, position = [], self._offset
        while position < size:
            chunk = os.pread(fd, size - position, position)
            if not chunk:
                break
            chunks.append(chunk)
            position += len(chunk)
        data = b"".join(chunks)
        data = data[: data.rfind(b"\n") + 1]
        self._offset += len(data)
        width = len(self.key) + 1 + len(after)
        for line in data.split(b"\n")[:-1]:
            if line.startswith(b"#"):
                continue
            self._lines += 1
            if len(line) == width and line[-4:-3] == b"." and line[-len(after) :] > after:
                self._live.append(line)
                if line.startswith(self.key):
                    self._mine.append(line[-len(after) :])
        while self._live and self._live[0][-len(after) :] <= after:
            self._live.popleft()
        while self._mine and self._mine[0] <= after:
            self._mine.popleft()

    def take(self, now: float, per_hour: int, window: float) -> float:
        """Record one request at ``now`` when the window has room for it and return 0.0; else record nothing and
        return the seconds until the oldest request that keeps it full leaves the window."""
        fd = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            self._refresh(fd, b"%.3f" % (now - window))
            if len(self._mine) >= per_hour:
                times = sorted(float(when) for when in self._mine)
                return max(0.001, times[len(times) - per_hour] + window - now)
            record = b"%s %.3f" % (self.key, now)
            if not self._header or self._lines - len(self._live) >= LEDGER_PRUNE_AFTER:
                self._header = LEDGER_HEADER + os.urandom(8).hex().encode("ascii")
                self._live.append(record)
                body = b"\n".join([self._header, *self._live]) + b"\n"
                os.ftruncate(fd, 0)
                os.pwrite(fd, body, 0)
                self._offset, self._lines = len(body), len(self._live)
            else:
                line = record + b"\n"
                os.pwrite(fd, line, self._offset)
                self._offset += len(line)
                self._lines += 1
                self._live.append(record)
            self._mine.append(record[len(self.key) + 1 :])
            return 0.0
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def count(self, now: float, window: float) -> int:
        """This key's requests in the window that ends at ``now``."""
        fd = self._open()
        fcntl.flock(fd, fcntl.LOCK_SH)
        try:
            self._refresh(fd, b"%.3f" % (now - window))
            return len(self._mine)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


class RequestBudget:
    """The client-side request budget of a task: at most ``per_hour`` requests in any rolling hour (the unit of
    Bitbucket's limit), so that a task larger than the budget waits for room instead of being refused with HTTP 429
    (which comes without Retry-After). A task within its budget never waits. Thread-safe; the clock and the sleep
    function are injectable.

    With a ``ledger`` the window holds the requests of every task that records in it (the run's budget), and the
    clock is the wall clock (``time.time``: the tasks are separate processes)."""

    def __init__(
        self,
        per_hour: int,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Any] | None = None,
        window: float = WINDOW_SECONDS,
        ledger: RequestLedger | None = None,
    ) -> None:
        self.per_hour = int(per_hour)
        self.window = float(window)
        self.ledger = ledger
        self.clock = clock if clock is not None else (time.time if ledger is not None else time.monotonic)
        self.sleep = sleep if sleep is not None else time.sleep
        self.paced_seconds = 0.0
        self._sent = collections.deque()
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()

    def _used(self, now: float) -> int:
        """Requests in the window ending at ``now`` (the lock held)."""
        if self.ledger is not None:
            return self.ledger.count(now, self.window)
        self._prune(now)
        return len(self._sent)

    def remaining(self) -> int:
        with self._lock:
            return max(0, self.per_hour - self._used(self.clock()))

    def acquire(self) -> None:
        """Wait until the window has room for one more request, then count it."""
        while True:
            with self._lock:
                now = self.clock()
                if self.ledger is not None:
                    wait = self.ledger.take(now, self.per_hour, self.window)
                    if not wait:
                        return
                else:
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
                used = self._used(self.clock())
                self.per_hour = min(self.per_hour, used + max(1, int((limit or self.per_hour) * NEAR_LIMIT_SHARE)))

    def shortfall_warning(self, estimate: int, what: str) -> str | None:
        """A warning when ``estimate`` requests exceed what is left of the budget (else None)."""
        left = self.remaining()
        if estimate <= left:
            return None
        extra = estimate - left
        minutes = extra * self.window / max(1, self.per_hour) / 60.0
        if self.ledger is not None:
            whose = "the run's request budget (requests_ledger, shared by its tasks;"
        else:
            whose = "this task's request budget ("
        return (
            "%s may need about %d API requests, more than the %d left of %s requests_per_hour "
            "%d, the rate limit Bitbucket applies per user and rolling hour): the task paces its requests instead of "
            "being refused with HTTP 429, which may take about %d more minutes. Split the job, or run it with a "
            "larger budget if the account's limit allows." % (what, estimate, left, whose, self.per_hour, max(1, round(minutes)))
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
