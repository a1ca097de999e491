# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit_events event source with a list queue, a fake clock and a fake events stream (responses): cursor
persistence and restart (no replay, no gap), dedup, pacing, 429 / 5xx handling, filtering, fatal errors, the bad cursor
fallback, and the import by path (runpy) as ansible-rulebook does it."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import stat
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from ansible_collections.accessops.atlassian.extensions.eda.plugins.event_source import audit_events as source
from ansible_collections.accessops.atlassian.plugins.module_utils._admin import events_position as stream_position

BASE = "https://api.atlassian.com/admin"
ORG = "/admin/v1/orgs/org-1"
KEY = "org-api-key-0123456789abcdefghij"
START = 1_765_000_000.0  # the fake wall clock at start (seconds)
ACTIONS = [
    ("user_deactivated", "Deactivated user account", "User management"),
    ("user_access_suspended", "Suspended user access", "User management"),
    ("bitbucket_repository_permission_updated", "Bitbucket repository permission changed", "Bitbucket"),
    ("user_logged_in", "Logged in", "Authentication"),
]
WORKSPACE = {"id": "{ws}", "type": "bitbucket-workspace", "attributes": {"slug": "acme", "product": "bitbucket"}}


class FakeTime:
    def __init__(self):
        self.now = START
        self.sleeps = []  # the source's own waits (delay, back-off, pacing)
        self.thread_sleeps = []  # the retries' and the request budget's waits

    def clock(self):
        return self.now

    def thread_sleep(self, seconds):
        self.thread_sleeps.append(seconds)
        self.now += seconds

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class ListQueue:
    def __init__(self, cancel_at=None):
        self.events = []
        self.cancel_at = cancel_at

    async def put(self, event):
        if self.cancel_at is not None and len(self.events) == self.cancel_at:
            raise asyncio.CancelledError()
        self.events.append(event)

    def ids(self):
        return [e["atlassian_audit"]["id"] for e in self.events]


def iso(ms):
    return "%s.%03dZ" % (__import__("time").strftime("%Y-%m-%dT%H:%M:%S", __import__("time").gmtime(ms // 1000)), ms % 1000)


class Stream:
    """A fake organization audit log: events sorted by processedAt, cursors ``c<position>``; answers scripted first."""

    def __init__(self, clock):
        self.clock = clock
        self.events = []
        self.requests = []  # (fake time, path with query)
        self.script = []  # answers given before the normal ones: (status, body)
        self.actions_status = 200
        self.actions_script = []  # statuses answered to event-actions before the normal answer

    def add(self, action="user_deactivated", product="bitbucket", user="557058:dev1", at=None):
        ms = at if at is not None else int(self.clock() * 1000) + len(self.events)
        event_id = "ev-%d" % (len(self.events) + 1)
        attributes = {
            "time": iso(ms),
            "processedAt": iso(ms),
            "action": action,
            "actor": {"id": "557058:admin", "auth": {"authType": "api-token", "tokenId": "tok-1", "tokenLabel": "x"}},
            "context": [{"id": user, "type": "user", "attributes": {"email": "dev1@acme.example"}}],
            "container": [WORKSPACE] if product == "bitbucket" else [],
        }
        self.events.append({"id": event_id, "type": "events", "attributes": attributes, "links": {"self": "x"}})
        return event_id

    def _record(self, request):
        self.requests.append((self.clock(), urlsplit(request.url).path + "?" + (urlsplit(request.url).query or "")))

    def actions(self, request):
        self._record(request)
        if self.actions_script:
            return (self.actions_script.pop(0), {}, "unavailable")
        if self.actions_status != 200:
            return (self.actions_status, {}, json.dumps({"errors": [{"code": "E", "title": "no: " + KEY}]}))
        data = [
            {"id": i, "type": "event-actions", "attributes": {"displayName": n, "groupDisplayName": g}} for i, n, g in ACTIONS
        ]
        return (200, {}, json.dumps({"data": data}))

    def stream(self, request):
        self._record(request)
        if self.script:
            status, body = self.script.pop(0)
            if isinstance(body, Exception):
                raise body
            return (status, {}, json.dumps(body) if not isinstance(body, str) else body)
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        limit = int(query.get("limit", 200))
        if "cursor" in query:
            if not re.match(r"^c\d+$", query["cursor"]):
                return (400, {}, json.dumps({"errors": [{"code": "INVALID_PAGE_CURSOR", "title": "Invalid cursor"}]}))
            position = int(query["cursor"][1:])
        elif "from" in query:
            position = len(
                [e for e in self.events if stream_position.epoch_ms(e["attributes"]["processedAt"]) < int(query["from"])]
            )
        else:
            position = 0
        page = self.events[position : position + limit]
        after = position + len(page)
        links = {"self": request.url}
        if after < len(self.events):
            links["next"] = BASE + "/v1/orgs/org-1/events-stream?cursor=c%d" % after
        return (200, {}, json.dumps({"data": page, "links": links, "meta": {"next": "c%d" % after, "page_size": len(page)}}))


@pytest.fixture
def fake():
    return FakeTime()


@pytest.fixture
def stream(fake):
    found = Stream(fake.clock)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.add_callback("GET", BASE + "/v1/orgs/org-1/event-actions", callback=found.actions)
        mocked.add_callback(
            "GET", re.compile(re.escape(BASE + "/v1/orgs/org-1/events-stream") + r"(\?.*)?$"), callback=found.stream
        )
        yield found


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    for name in ("ATLASSIAN_ORG_ID", "ATLASSIAN_ADMIN_API_KEY", "ATLASSIAN_ADMIN_URL", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


def args_for(fake, tmp_path, **extra):
    args = {
        "org_id": "org-1",
        "api_key": KEY,
        "cursor_file": str(tmp_path / "state" / "cursor.json"),
        "delay": 30,
        "_clock": fake.clock,
        "_sleep": fake.sleep,
        "_thread_sleep": fake.thread_sleep,
        "_max_polls": 1,
    }
    args.update(extra)
    return args


def run(queue, args):
    asyncio.run(source.main(queue, args))


def paths(stream):
    return [p for _t, p in stream.requests]


def test_emits_the_default_actions_in_the_documented_shape(fake, stream, tmp_path):
    first = stream.add("user_deactivated")
    stream.add("user_logged_in")
    third = stream.add("bitbucket_repository_permission_updated")
    queue = ListQueue()
    run(queue, args_for(fake, tmp_path))
    assert queue.ids() == [first, third]
    event = queue.events[0]["atlassian_audit"]
    assert (event["category"], event["account"]["id"], event["actor"]["token_id"]) == (
        "account_deactivated",
        "557058:dev1",
        "tok-1",
    )
    assert (event["product"], event["workspace"], event["org_id"]) == ("bitbucket", {"id": "{ws}", "slug": "acme"}, "org-1")
    assert paths(stream) == [ORG + "/event-actions?", ORG + "/events-stream?limit=200&from=%d" % int(START * 1000)]


@pytest.mark.asyncio
async def test_runs_until_cancelled_and_keeps_its_position(fake, stream, tmp_path):
    stream.add()
    queue = ListQueue()
    task = asyncio.create_task(source.main(queue, args_for(fake, tmp_path, _max_polls=None)))
    waited = 0  # bounded (60 s at most): event-actions, then polls (each followed by the fake delay)
    while len(stream.requests) < 4 and not task.done() and waited < 6000:
        await asyncio.sleep(0.01)
        waited += 1
    task.cancel()
    assert len(stream.requests) >= 4
    with pytest.raises(asyncio.CancelledError):
        await task
    assert queue.ids() == ["ev-1"] and 30 in fake.sleeps
    saved = json.loads((tmp_path / "state" / "cursor.json").read_text())
    assert saved["cursor"] == "c1" and saved["recent_ids"] == ["ev-1"]


def test_cursor_file_and_restart_neither_replays_nor_misses(fake, stream, tmp_path):
    for _n in range(3):
        stream.add()
    queue = ListQueue()
    run(queue, args_for(fake, tmp_path, limit=2, _max_polls=3))
    assert queue.ids() == ["ev-1", "ev-2", "ev-3"]
    path = tmp_path / "state" / "cursor.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved == {
        "version": 1,
        "org_id": "org-1",
        "cursor": "c3",
        "last_processed_ms": stream_position.epoch_ms(stream.events[2]["attributes"]["processedAt"]),
        "recent_ids": ["ev-1", "ev-2", "ev-3"],
    }
    assert KEY not in path.read_text()
    assert os.listdir(path.parent) == ["cursor.json"]  # no temporary file left
    fake.now += 3600  # the source was down for an hour; events happened meanwhile
    stream.add()
    stream.add("user_access_suspended")
    again = ListQueue()
    stream.requests.clear()
    run(again, args_for(fake, tmp_path, limit=2, _max_polls=2))
    assert again.ids() == ["ev-4", "ev-5"]
    assert paths(stream)[1:] == [ORG + "/events-stream?limit=2&cursor=c3", ORG + "/events-stream?limit=2&cursor=c5"]


def test_a_restart_in_the_middle_of_a_page_emits_the_rest_once(fake, stream, tmp_path):
    for _n in range(4):
        stream.add()
    queue = ListQueue(cancel_at=2)  # cancelled while putting the third event of the page
    with pytest.raises(asyncio.CancelledError):
        run(queue, args_for(fake, tmp_path, _max_polls=5))
    saved = json.loads((tmp_path / "state" / "cursor.json").read_text())
    assert (saved["cursor"], saved["recent_ids"]) == (None, ["ev-1", "ev-2"])
    again = ListQueue()
    run(again, args_for(fake, tmp_path, _max_polls=1))
    assert queue.ids() + again.ids() == ["ev-1", "ev-2", "ev-3", "ev-4"]


def test_an_event_given_twice_is_emitted_once(fake, stream, tmp_path):
    stream.add()
    stream.add()
    twice = [stream.events[1], stream.events[0], stream.events[1]]
    stream.script = [(200, {"data": twice[:2], "links": {"next": "x?cursor=c9"}, "meta": {"next": "c9"}})]
    stream.script.append((200, {"data": twice[1:], "links": {}, "meta": {"next": "c2"}}))
    queue = ListQueue()
    run(queue, args_for(fake, tmp_path, _max_polls=2))
    assert queue.ids() == ["ev-2", "ev-1"]


@pytest.mark.parametrize("asked, allowed", [(5, 5), (80, 50)])
def test_requests_are_paced_per_minute(fake, stream, tmp_path, caplog, asked, allowed):
    for _n in range(allowed * 2 + 5):
        stream.add()
    queue = ListQueue()
    polls = allowed * 2 + 3
    run(queue, args_for(fake, tmp_path, limit=1, requests_per_minute=asked, _max_polls=polls))
    times = [t for t, _p in stream.requests]
    assert len(times) == polls + 1  # the event-actions request counts too
    busiest = max(len([u for u in times if t - 60 < u <= t]) for t in times)
    assert busiest == allowed
    assert times[-1] - times[0] >= 120  # paced: two full windows, never a burst above the limit
    assert len(queue.events) == polls
    assert ("above the 50 requests a minute" in caplog.text) == (asked > 50)


def test_a_429_after_the_retries_backs_off_and_polling_goes_on(fake, stream, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    stream.add()
    stream.script = [(429, "Rate limit exceeded")] * 6  # the first attempt and the Transport's 5 retries
    queue = ListQueue()
    run(queue, args_for(fake, tmp_path, _max_polls=2))
    assert queue.ids() == ["ev-1"]
    assert len(fake.thread_sleeps) == 5 and fake.sleeps[:1] == [60.0]
    assert "polling again in 60 s" in caplog.text and KEY not in caplog.text


def test_server_and_network_errors_back_off_bounded(fake, stream, tmp_path, caplog):
    stream.add()
    stream.script = [(500, {"errors": [{"code": "E", "title": "boom " + KEY}]})] * 4
    # a cut connection: the Transport's first attempt and its 5 retries, then the source backs off
    stream.script += [(200, requests.exceptions.ConnectionError("connection reset"))] * 6
    stream.script += [(200, {"data": stream.events, "links": {}, "meta": {"next": "c1"}}), (500, "down")]
    queue = ListQueue()
    run(queue, args_for(fake, tmp_path, _max_polls=7))
    # a bounded back-off; a good answer resets it (then the delay between polls)
    assert fake.sleeps == [60.0, 120.0, 240.0, 300.0, 300.0, 30.0, 60.0]
    assert len(fake.thread_sleeps) == 5
    assert queue.ids() == ["ev-1"]
    assert KEY not in caplog.text and KEY[:8] not in caplog.text


def test_filters_by_action_name_and_product(fake, stream, tmp_path):
    stream.add("user_logged_in", product=None)
    stream.add("user_logged_in")
    stream.add("user_deactivated")
    queue = ListQueue()
    run(queue, args_for(fake, tmp_path, actions=["LOGGED IN"], products=["Bitbucket"]))
    assert queue.ids() == ["ev-2"]
    everything = ListQueue()
    run(everything, args_for(fake, tmp_path, actions=["Logged in", "user_deactivated"], cursor_file=None, start="oldest"))
    assert everything.ids() == ["ev-1", "ev-2", "ev-3"]
    assert paths(stream)[-1] == ORG + "/events-stream?limit=200"


@pytest.mark.parametrize(
    "where, status, words",
    [
        ("actions", 401, "the organization API key was refused (HTTP 401)"),
        ("stream", 403, "the organization API key was refused (HTTP 403)"),
        ("actions", 404, "organization org-1 was not found (HTTP 404)"),
        ("stream", 400, "the source cannot go on"),
    ],
)
def test_fatal_errors_raise_a_clear_message_without_the_key(fake, stream, tmp_path, caplog, where, status, words):
    if where == "actions":
        stream.actions_status = status
    else:
        stream.script = [(status, {"errors": [{"code": "E", "title": "refused " + KEY}]})]
    with pytest.raises(source.AuditSourceError) as err:
        run(ListQueue(), args_for(fake, tmp_path))
    assert words in str(err.value) and "audit_events" in str(err.value)
    assert KEY not in str(err.value) and KEY[:8] not in str(err.value) and KEY not in caplog.text


def test_a_refused_cursor_reads_again_from_the_last_processed_time(fake, stream, tmp_path, caplog):
    for _n in range(3):
        stream.add()
    last = stream_position.epoch_ms(stream.events[1]["attributes"]["processedAt"])
    path = tmp_path / "cursor.json"
    state = {"version": 1, "org_id": "org-1", "cursor": "expired", "last_processed_ms": last, "recent_ids": ["ev-1", "ev-2"]}
    path.write_text(json.dumps(state))
    queue = ListQueue()
    run(queue, args_for(fake, tmp_path, cursor_file=str(path), _max_polls=2))
    assert queue.ids() == ["ev-3"]
    assert paths(stream)[1:] == [ORG + "/events-stream?limit=200&cursor=expired", ORG + "/events-stream?limit=200&from=%d" % last]
    assert "stored cursor was refused (INVALID_PAGE_CURSOR: Invalid cursor)" in caplog.text
    assert json.loads(path.read_text())["cursor"] == "c3"


def test_default_actions_resolving_to_nothing_is_a_clear_error(fake, stream, tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ACTIONS", [("user_logged_in", "Logged in", "Authentication")])
    with pytest.raises(source.AuditSourceError, match=r"default actions are empty: .*Logged in \(user_logged_in\)"):
        run(ListQueue(), args_for(fake, tmp_path))
    assert paths(stream) == [ORG + "/event-actions?"]


def test_an_unknown_action_is_a_clear_error(fake, stream, tmp_path):
    with pytest.raises(source.AuditSourceError, match="did you mean Deactivated user account"):
        run(ListQueue(), args_for(fake, tmp_path, actions=["Deactivated user acount"]))


@pytest.mark.parametrize(
    "extra, words",
    [
        ({"org_id": None}, "org_id is required"),
        ({"api_key": None}, "set api_key or the ATLASSIAN_ADMIN_API_KEY"),
        ({"limit": 501}, "limit must be a whole number from 1 to 500"),
        ({"requests_per_minute": 0}, "requests_per_minute must be a whole number from 1 up"),
        ({"delay": "soon"}, "delay must be a number"),
        ({"delay": -1}, "delay must be a number of at least 0"),
        ({"start": "yesterday"}, "start must be now, oldest"),
        ({"actions": [1]}, "actions must be a list of strings"),
        ({"validate_certs": "maybe"}, "validate_certs must be true or false"),
        ({"admin_url": "ftp://x"}, "admin_url must be an absolute https:// URL"),
        ({"cursor_file": 5}, "cursor_file must be a file path"),
    ],
)
def test_bad_args_fail_before_any_request(fake, stream, tmp_path, extra, words):
    with pytest.raises(source.AuditSourceError, match=re.escape(words)):
        run(ListQueue(), args_for(fake, tmp_path, **extra))
    assert stream.requests == []


@pytest.mark.parametrize(
    "content, words",
    [
        ("{not json", "cannot be read (JSONDecodeError)"),
        ('{"version": 9}', "is not a cursor file of this source"),
        ('{"version": 1, "org_id": "org-2"}', "holds the position of another organization"),
    ],
)
def test_a_bad_cursor_file_is_fatal(fake, stream, tmp_path, content, words):
    path = tmp_path / "cursor.json"
    path.write_text(content)
    with pytest.raises(source.AuditSourceError, match=re.escape(words)):
        run(ListQueue(), args_for(fake, tmp_path, cursor_file=str(path)))


def test_environment_fallbacks_and_start_dates(fake, stream, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLASSIAN_ORG_ID", "org-1")
    monkeypatch.setenv("ATLASSIAN_ADMIN_API_KEY", KEY)
    monkeypatch.setenv("ATLASSIAN_ADMIN_URL", "https://api.atlassian.com/")
    stream.add(at=1_767_225_600_000)  # 2026-01-01T00:00:00Z
    queue = ListQueue()
    run(queue, args_for(fake, tmp_path, org_id=None, api_key=None, start="2026-01-01", validate_certs="yes"))
    assert queue.ids() == ["ev-1"]
    assert paths(stream)[-1] == ORG + "/events-stream?limit=200&from=1767225600000"
    assert stream_position.start_ms("1767225600000", START) == 1_767_225_600_000
    assert stream_position.start_ms("2026-01-01T01:00:00+01:00", START) == 1_767_225_600_000
    assert stream_position.epoch_ms(None) is None


def test_loads_by_path_as_ansible_rulebook_does(tmp_path):
    """runpy.run_path without the collection on sys.path: the source puts the collections root there itself."""
    code = "import runpy, sys; m = runpy.run_path(sys.argv[1]); print(callable(m['main']), 'DOCUMENTATION' in m)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", code, source.__file__], cwd=str(tmp_path), env=env, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "True True", done.stderr


def test_event_actions_unavailable_at_start_backs_off_then_goes_on(fake, stream, tmp_path):
    stream.add()
    stream.actions_script = [500, 500]
    queue = ListQueue()
    run(queue, args_for(fake, tmp_path, _max_polls=3))
    assert fake.sleeps == [60.0, 120.0] and queue.ids() == ["ev-1"]
    assert paths(stream)[:3] == [ORG + "/event-actions?"] * 3
    stream.actions_script = [500]
    stopped = ListQueue()
    run(stopped, args_for(fake, tmp_path, _max_polls=1))  # the bound of the tests stops it before any poll
    assert stopped.events == [] and paths(stream)[-1] == ORG + "/event-actions?"
