# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A bounded pool of worker threads that run one function per repository.

Each worker thread gets its own BitbucketClient (its own Transport and requests.Session: the
Transport's counters and the Session are not shared between threads); the auth object is shared,
so an OAuth token is fetched once. When the pool closes, the workers' request counts are added to
the main client's stats, so ``api_calls`` counts every request of the task.

Rate-limit headers: one :class:`RateLimitWatch` is shared by the main client and its workers. It
numbers every answer that carried ``X-RateLimit-*`` headers, so the main client ends with the most
recent ones whichever worker finished last, and lets only the first near-limit answer of the task
trigger the Transport's warning (each Transport would otherwise warn once).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor


RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Resource", "X-RateLimit-NearLimit")


class RateLimitWatch(object):
    """The most recent rate-limit headers seen by any of several ApiStats, and one near-limit warning.

    :meth:`attach` wraps an ``ApiStats.observe`` (the Transport calls it for every answer and warns
    when it returns True): each answer with rate-limit headers gets the next sequence number, and
    True is returned for the first near-limit answer only.
    """

    ATTRIBUTE = "_accessops_rate_limit_watch"

    def __init__(self):
        self._lock = threading.Lock()
        self.sequence = 0
        self.latest = {}
        self.warned = False

    @classmethod
    def of(cls, stats):
        """The watch attached to ``stats`` (a new one, attached, when there is none)."""
        watch = getattr(stats, cls.ATTRIBUTE, None)
        if watch is None:
            watch = cls()
            watch.attach(stats)
        return watch

    def attach(self, stats):
        if getattr(stats, self.ATTRIBUTE, None) is self:
            return
        observe = stats.observe

        def watched(headers):
            near = observe(headers)
            if not any(headers.get(name) is not None for name in RATE_LIMIT_HEADERS):
                return near
            with self._lock:
                self.sequence += 1
                self.latest = dict(stats.rate_limit)
                if near and not self.warned:
                    self.warned = True
                    return True
            return False

        stats.observe = watched
        setattr(stats, self.ATTRIBUTE, self)


class WorkerPool(object):
    """Run ``fn(client, item)`` for every item with at most ``concurrency`` threads.

    ``concurrency`` 1 (or a single item) runs everything in the calling thread with the main
    client, in order. Results come back in the order of the items whatever the thread timing.
    Use as a context manager, so the workers' clients are closed and their counts merged.
    """

    def __init__(self, client, concurrency=1):
        self.client = client
        self.concurrency = max(1, int(concurrency or 1))
        self._local = threading.local()
        self._lock = threading.Lock()
        self._clients = []
        self._executor = None
        self.rate_limit = RateLimitWatch.of(client.stats)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _worker_client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            client = self.client.for_worker()
            self.rate_limit.attach(client.stats)
            with self._lock:
                self._clients.append(client)
            self._local.client = client
        return client

    def _prime_auth(self):
        """Fetch a refreshable (OAuth) token in this thread once, so workers do not race to fetch it."""
        transport = self.client.transport
        auth = getattr(transport, "auth", None)
        if auth is not None and getattr(auth, "refreshable", False):
            auth.header(transport)

    def map(self, fn, items):
        """``[fn(client, item) for item in items]``, concurrently when allowed."""
        items = list(items)
        if self.concurrency == 1 or len(items) <= 1:
            return [fn(self.client, item) for item in items]
        if self._executor is None:
            self._prime_auth()
            self._executor = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="bitbucket")

        def call(item):
            return fn(self._worker_client(), item)

        futures = [self._executor.submit(call, item) for item in items]
        return [future.result() for future in futures]

    def close(self):
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            self.client.absorb_stats(client)
            client.close()
        if self.rate_limit.latest:
            self.client.stats.rate_limit = dict(self.rate_limit.latest)
