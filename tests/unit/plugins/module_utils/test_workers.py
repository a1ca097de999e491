# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one fan-out (WorkerPool): an error given to stop() leaves the items not started yet to ``skipped``."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AuthenticationError
from ansible_collections.accessops.atlassian.plugins.module_utils._workers import NotAttemptedError, WorkerPool


class FakeClient:
    """What WorkerPool needs of a client: ``for_worker``, ``close`` and a ``transport`` (no auth to prime)."""

    transport = None

    def __init__(self):
        self.closed = False
        self.workers = []

    def for_worker(self):
        worker = FakeClient()
        self.workers.append(worker)
        return worker

    def close(self):
        self.closed = True


def skipped(item, err):
    return ("skipped", item, err)


def test_after_stop_the_rest_is_skipped_in_order_with_one_worker():
    denied = AuthenticationError("HTTP 401: bad credentials", method="GET", path="/user", status=401)
    with WorkerPool(FakeClient(), concurrency=1) as pool:

        def work(client, item):
            if item == 1:
                pool.stop(denied)
                pool.stop(AuthenticationError("a later error is not kept"))
            return ("done", item)

        results = pool.map(work, range(4), skipped=skipped)
    assert results[:2] == [("done", 0), ("done", 1)]
    assert [(kind, item) for kind, item, _err in results[2:]] == [("skipped", 2), ("skipped", 3)]
    for _kind, _item, err in results[2:]:
        assert isinstance(err, NotAttemptedError)
        assert err.cause is denied
        assert err.message == "not attempted: HTTP 401: bad credentials"
        assert err.as_result()["status"] is None  # no request was sent for it
    assert pool.stopped is denied


def test_without_skipped_stop_changes_nothing_and_a_new_map_is_skipped_too():
    with WorkerPool(FakeClient(), concurrency=1) as pool:
        pool.stop(AuthenticationError("401"))
        assert pool.map(lambda client, item: item * 2, [1, 2]) == [2, 4]
        assert pool.map(lambda client, item: item * 2, [1, 2], skipped=lambda item, err: None) == [None, None]


def test_items_started_before_stop_finish_and_the_later_ones_are_skipped_with_threads():
    """Item 0 stops the pool; item 1 may have started already (it then waits until the stop is recorded and is
    not interrupted); items 2-7 can only start after item 0 or item 1 returned, so they are all skipped."""
    client = FakeClient()
    stop_recorded = threading.Event()
    with WorkerPool(client, concurrency=2) as pool:

        def work(worker, item):
            assert worker is not client  # each thread has its own client
            if item == 0:
                pool.stop(AuthenticationError("401"))
                stop_recorded.set()
            elif item == 1:
                assert stop_recorded.wait(30)
            return ("done", item)

        results = pool.map(work, range(8), skipped=skipped)
    assert results[0] == ("done", 0)
    assert results[1][:2] in (("done", 1), ("skipped", 1))
    assert [r[:2] for r in results[2:]] == [("skipped", i) for i in range(2, 8)]
    assert client.workers and all(worker.closed for worker in client.workers)


@pytest.mark.parametrize("concurrency, expected", [(0, 1), (None, 1), (3, 3), (99, 16)])
def test_concurrency_is_bounded(concurrency, expected):
    assert WorkerPool(FakeClient(), concurrency).concurrency == expected
