# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source (extensions/eda/plugins/event_source/audit_events.py) stopped and started again on the same
cursor file, against the simulator: every event exactly once, in order, none replayed, none missed.

Its ``main(queue, args)`` runs in this process (as ansible-rulebook runs it: a task on an asyncio loop, a queue), with
``delay`` 1 s. Three runs on one cursor file:
1. from "now": three permission changes while it runs, received; stopped once its cursor file names the last one;
2. five more changes while it is stopped; started again with ``limit`` 2 (pages of two) on a queue of two that
   nobody reads (ansible-rulebook's queue is bounded too), and stopped while it holds the third event;
3. started again: the rest.
The requests it made (the simulator's request log) give the figure printed at the end: requests per minute.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

from atlsim import demo
from eda_helpers import WAIT, events, grant_repository, requests_per_minute, stream_requests

SOURCE = Path(__file__).resolve().parents[2] / "extensions" / "eda" / "plugins" / "event_source" / "audit_events.py"
REQUESTS_PER_MINUTE = 40  # the source's default budget


def load_source():
    spec = importlib.util.spec_from_file_location("accessops_audit_events_under_test", SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def until(predicate, what, timeout=WAIT):
    """Wait (bounded) for ``predicate`` while the source task runs on the same loop."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("still waiting after %d s for %s" % (timeout, what))
        await asyncio.sleep(0.1)


class Run:
    """One run of the source: its task, the ids it put on the queue."""

    def __init__(self, source, args, maxsize=0):
        self.queue = asyncio.Queue(maxsize)  # ansible-rulebook's queue is bounded too (back pressure)
        self.task = asyncio.create_task(source.main(self.queue, args))
        self.ids: list[str] = []

    def received(self) -> list[str]:
        while not self.queue.empty():
            self.ids.append(self.queue.get_nowait()["atlassian_audit"]["id"])
        if self.task.done() and not self.task.cancelled() and self.task.exception() is not None:
            raise self.task.exception()
        return self.ids

    async def stop(self):
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass
        return self.received()


def write(sim, people):
    """One explicit permission per person on infra-core by the admin's API token: one audit event each."""
    before = len(events(sim))
    for person in people:
        grant_repository(sim, demo.ADMIN, "infra-core", "%s@acme.example" % person, "write")
    made = [event["id"] for event in events(sim)[before:]]
    assert len(made) == len(people), made
    return made


def test_restart_neither_replays_nor_misses(sim, tmp_path, request):
    source = load_source()
    cursor_file = tmp_path / "state" / "audit.cursor.json"
    args = {
        "org_id": demo.ORG_ID,
        "api_key": demo.ADMIN_API_KEY,
        "admin_url": sim.url,
        "cursor_file": str(cursor_file),
        "delay": 1,
    }

    def persisted(event_id):
        return cursor_file.exists() and event_id in cursor_file.read_text(encoding="utf-8")

    async def scenario():
        first = Run(source, args)
        await until(lambda: first.received() is not None and cursor_file.exists(), "the first poll (cursor file)")
        batch_a = await asyncio.to_thread(write, sim, ["dev020", "dev021", "dev022"])
        await until(lambda: len(first.received()) >= 3, "the first three events")
        await until(lambda: persisted(batch_a[-1]), "the cursor file to keep the last event")
        run1 = await first.stop()

        batch_b = write(sim, ["dev023", "dev024", "dev025", "dev026", "dev027"])  # while it is stopped
        # pages of two into a queue of two nobody reads: the source holds the third event when it is stopped
        second = Run(source, dict(args, limit=2), maxsize=2)
        await until(second.queue.full, "the first page after the restart")
        await until(lambda: persisted(batch_b[1]), "the cursor file to keep the first page")
        run2 = await second.stop()

        third = Run(source, dict(args, limit=2))
        expected = batch_a + batch_b
        await until(lambda: len(run1 + run2 + third.received()) >= len(expected), "every event after the second restart")
        polls = len(stream_requests(sim))
        await until(lambda: len(stream_requests(sim)) >= polls + 2, "two more polls (nothing more may come)")
        run3 = await third.stop()
        return expected, run1, run2, run3

    expected, run1, run2, run3 = asyncio.run(scenario())
    assert run1 == expected[:3], (run1, expected)
    assert run2 == expected[3:5], (run2, expected)  # stopped with more events available
    assert run1 + run2 + run3 == expected, (run1, run2, run3, expected)  # once each, in order: no replay, no gap
    assert len(set(run1 + run2 + run3)) == len(expected)
    assert json.loads(cursor_file.read_text(encoding="utf-8"))  # a JSON document
    assert cursor_file.stat().st_mode & 0o777 == 0o600

    made = stream_requests(sim)
    assert made and all(entry["status"] != 429 for entry in made), [e["status"] for e in made]
    count, seconds, most = requests_per_minute(made)
    assert most <= 50  # the documented limit of the events-stream path, in any 60 s of the run
    request.config.eda_figures.append(
        "restart test: %d events (runs of %d, %d, %d), each exactly once; the source (3 starts, delay 1 s) made %d "
        "requests in %.1f s; requests per minute (most in any 60 s window): %d, budget %d, limit 50"
        % (len(expected), len(run1), len(run2), len(run3), count, seconds, most, REQUESTS_PER_MINUTE)
    )
