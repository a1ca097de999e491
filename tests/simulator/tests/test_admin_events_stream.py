# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Admin API's audit log routes (:mod:`atlsim.routes_admin_events`): ``events-stream`` paging, cursors, ``from`` /
``to``, errors and the 50-per-minute limit, ``event-actions``, ``events/{eventId}``, the ``/_sim/events`` control
endpoints and strict mode; answers checked against the official spec's schemas when the documents are there."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_schema_validator import OAS30Validator

from atlsim import DEMO_SEED, demo, strict_spec
from atlsim.admin_testkit import KEY, READONLY, error_of
from atlsim.app import create_app
from atlsim.audit_events import ACTION_IDS
from atlsim.clock import FakeClock
from atlsim.pytest_plugin import LoopbackClient

NOW = 1_800_000_000.0
V1 = "/admin/v1/orgs/%s" % demo.ORG_ID
STREAM = V1 + "/events-stream"


@pytest.fixture(name="app")
def fixture_app():
    return create_app(DEMO_SEED, clock=FakeClock(NOW))


def inject(client, action: str = "user_deactivated", **extra) -> dict:
    answer = client.post("/_sim/events", json=dict(extra, action=action))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()


def stream(client, query: str = "", status: int = 200) -> dict:
    answer = client.get(STREAM + ("?" + query if query else ""), headers=KEY)
    assert answer.status_code == status, answer.get_data(as_text=True)
    return answer.get_json()


def ids(page: dict) -> list:
    return [event["id"] for event in page["data"]]


def _spec() -> dict:
    path = strict_spec.spec_dir() / strict_spec.ADMIN_ORG_SPEC
    if not path.is_file():
        pytest.skip("official documents not found in %s" % path.parent)
    return json.loads(path.read_text(encoding="utf-8"))


def _valid(spec: dict, name: str, body) -> None:
    validator = OAS30Validator(dict(spec["components"]["schemas"][name], components=spec["components"]))
    errors = ["/".join(map(str, e.absolute_path)) + ": " + e.message for e in validator.iter_errors(body)]
    assert not errors, errors


def test_pages_follow_links_next_and_meta_next_polls_only_newer_events(app, client):
    made = [inject(client, context=[{"id": "n%d" % n, "type": "user"}])["id"] for n in range(5)]
    first = stream(client, "limit=2")
    assert ids(first) == made[:2] and first["meta"]["page_size"] == 2
    assert first["links"]["self"].endswith("/events-stream?limit=2")
    next_url = urlsplit(first["links"]["next"])
    assert next_url.path == STREAM and parse_qs(next_url.query) == {"cursor": [first["meta"]["next"]]}
    second = stream(client, "cursor=" + first["meta"]["next"])
    assert ids(second) == made[2:4] and "next" in second["links"]
    last = stream(client, "cursor=" + second["meta"]["next"])
    assert ids(last) == made[4:] and "next" not in last["links"] and last["meta"]["next"]
    empty = stream(client, "cursor=" + last["meta"]["next"])  # caught up: nothing, the position stays
    assert empty["data"] == [] and empty["meta"] == {"next": last["meta"]["next"], "page_size": 0}
    assert "next" not in empty["links"]
    newer = inject(client, "group_member_added")["id"]
    polled = stream(client, "cursor=" + empty["meta"]["next"])
    assert ids(polled) == [newer]
    assert ids(stream(client, "limit=500")) == made + [newer]  # the default start: the oldest kept event


def test_limit_in_query_wins_over_cursor_and_descending_order(app, client):
    made = [inject(client)["id"] for _unused in range(4)]
    page = stream(client, "limit=1&sortOrder=desc")
    assert ids(page) == [made[3]]
    following = stream(client, "cursor=%s&limit=2" % page["meta"]["next"])  # the order is kept in the cursor
    assert ids(following) == [made[2], made[1]]
    assert ids(stream(client, "cursor=" + following["meta"]["next"])) == [made[0]]


def test_default_limit_is_200(app, client):
    for _unused in range(201):
        inject(client)
    page = stream(client)
    assert page["meta"]["page_size"] == 200 and "next" in page["links"]
    assert len(stream(client, "cursor=" + page["meta"]["next"])["data"]) == 1


def test_from_and_to_are_inclusive_epoch_milliseconds(app, client):
    early = inject(client)["id"]
    app.clock.advance(10)
    middle = inject(client)["id"]
    app.clock.advance(10)
    late = inject(client)["id"]
    at = int((NOW + 10) * 1000)
    assert ids(stream(client, "from=%d" % at)) == [middle, late]
    assert ids(stream(client, "to=%d" % at)) == [early, middle]
    assert ids(stream(client, "from=%d&to=%d" % (at, at))) == [middle]
    page = stream(client, "from=%d&to=%d&limit=1" % (at - 1, at + 10_000))
    assert ids(page) == [middle] and ids(stream(client, "cursor=" + page["meta"]["next"])) == [late]
    assert error_of(client.get(STREAM + "?from=yesterday", headers=KEY))["code"] == "ADMIN-400-3"


def test_events_older_than_180_days_are_not_kept(app, client):
    old = inject(client)["id"]
    app.clock.advance(181 * 86400)
    fresh = inject(client)["id"]
    assert ids(stream(client)) == [fresh]
    assert client.get(V1 + "/events/" + old, headers=KEY).status_code == 404
    assert len(app.events.all()) == 2  # the store still holds it: only the API does not list it


@pytest.mark.parametrize("query", ["cursor=not-a-cursor", "cursor=", "cursor=eyJrIjoidXNlcnMiLCJvIjowfQ"])
def test_bad_cursor_is_400_invalid_page_cursor(client, query):
    answer = client.get(STREAM + "?" + query, headers=KEY)
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["code"] == "ADMIN-400-1" and "INVALID_PAGE_CURSOR" in error["detail"]


@pytest.mark.parametrize("query", ["limit=501", "limit=0", "limit=-1", "limit=ten", "sortOrder=up"])
def test_limit_outside_1_to_500_or_unknown_sort_order_is_400(client, query):
    answer = client.get(STREAM + "?" + query, headers=KEY)
    assert answer.status_code == 400 and error_of(answer)["code"] == "ADMIN-400-19"


def test_events_stream_allows_50_requests_per_minute_per_org(app, client):
    answers = [client.get(STREAM, headers=KEY) for _unused in range(60)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:50] == [200] * 50 and statuses[50:] == [429] * 10
    refused = answers[50]
    assert refused.mimetype == "text/plain" and refused.get_data(as_text=True) == "Rate limit exceeded"
    assert "Retry-After" not in refused.headers
    assert client.get(V1 + "/event-actions", headers=KEY).status_code == 200  # only the stream's path is limited
    app.clock.advance(60)
    assert client.get(STREAM, headers=KEY).status_code == 200
    app.reset()
    assert [client.get(STREAM, headers=KEY).status_code for _unused in range(50)] == [200] * 50


def test_event_actions(client):
    body = client.get(V1 + "/event-actions", headers=KEY).get_json()
    assert {item["id"] for item in body["data"]} == ACTION_IDS
    by_id = {item["id"]: item for item in body["data"]}
    assert by_id["user_deactivated"] == {
        "id": "user_deactivated",
        "type": "event-actions",
        "attributes": {"displayName": "Deactivated user account", "groupDisplayName": "User management"},
    }
    assert all(set(item["attributes"]) == {"displayName", "groupDisplayName"} for item in body["data"])


def test_auth_org_and_scope(client):
    assert client.get(STREAM).status_code == 401
    assert client.get(STREAM, headers=READONLY).status_code == 403  # lacks read:events:admin
    assert client.get("/admin/v1/orgs/other/events-stream", headers=KEY).status_code == 404


def test_event_by_id(client):
    made = inject(client, "user_access_suspended", context=[{"id": "x", "type": "user"}])
    answer = client.get(V1 + "/events/" + made["id"], headers=KEY)
    assert answer.status_code == 200
    data = answer.get_json()["data"]
    assert data["id"] == made["id"] and "processedAt" not in data["attributes"]
    assert data["attributes"]["action"] == "user_access_suspended"
    assert data["links"]["self"] == "http://localhost" + V1 + "/events/" + made["id"]
    missing = client.get(V1 + "/events/no-such-event", headers=KEY)
    assert missing.status_code == 404 and error_of(missing)["code"] == "ADMIN-404-4"


def test_answers_match_the_official_schemas(client):
    spec = _spec()
    made = inject(client, context=[{"id": "u1", "type": "user", "attributes": {"email": "a@b.example"}}])
    _valid(spec, "PollingEventPage", stream(client, "limit=1"))
    _valid(spec, "EventActions", client.get(V1 + "/event-actions", headers=KEY).get_json())
    _valid(spec, "Event", client.get(V1 + "/events/" + made["id"], headers=KEY).get_json())
    _valid(spec, "Error.InvalidPageCursor.Model", client.get(STREAM + "?cursor=x", headers=KEY).get_json())


def test_control_endpoints_list_inject_and_reset(app, client):
    assert client.get("/_sim/events").get_json() == []
    made = inject(client, "user_logged_in", actor={"id": "someone"}, context=[{"id": "a", "type": "user"}])
    assert made["attributes"]["actor"] == {"id": "someone"}
    assert made["attributes"]["container"] == [{"id": demo.ORG_ID, "type": "organization", "attributes": {"name": "ACME Corp"}}]
    assert client.get("/_sim/events").get_json() == [made] == app.events.all()
    assert client.post("/_sim/events", json={"actor": {}}).status_code == 400
    assert client.post("/_sim/events", json={"action": "x", "context": "nope"}).status_code == 400
    assert client.post("/_sim/events", json={"action": "x", "org": "nope"}).status_code == 400
    assert client.post("/_sim/reset").status_code == 200
    assert client.get("/_sim/events").get_json() == [] and ids(stream(client)) == []
    assert not any(entry["path"].startswith("/_sim") for entry in app.log.entries())


def test_strict_mode_accepts_the_documented_query_parameters():
    _spec()
    app = create_app(DEMO_SEED, clock=FakeClock(NOW), strict=True)
    client = LoopbackClient(app)
    inject(client)
    page = stream(client, "from=0&to=%d&limit=10&sortOrder=asc" % int(NOW * 1000 + 1))
    assert len(page["data"]) == 1
    assert stream(client, "cursor=" + page["meta"]["next"])["data"] == []
    assert client.get(V1 + "/event-actions", headers=KEY).status_code == 200
    assert client.get(V1 + "/events/" + page["data"][0]["id"], headers=KEY).status_code == 200
    refused = client.get(STREAM + "?action=user_deactivated", headers=KEY)
    assert refused.status_code == 400 and "action" in refused.get_data(as_text=True)
