# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user management API's API tokens (``/users/{account_id}/manage/api-tokens``, at the simulator's root), the
Admin API's last-active dates and the workspace seats, with the demo seed: answers checked against the schemas of the
official documents (``atlassian-admin-user-management`` / ``-organization.swagger.v3.2026-08-21.json``)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, UTC

import pytest
from openapi_schema_validator import OAS30Validator

from atlsim import DEMO_SEED, demo
from atlsim.admin_testkit import KEY, ORG, READONLY, account_id
from atlsim.app import create_app
from atlsim.clock import FakeClock
from atlsim.pytest_plugin import LoopbackClient
from atlsim.strict_spec import ADMIN_ORG_SPEC, ADMIN_USER_SPEC, spec_dir

V1 = "/admin/v1/orgs/%s" % demo.ORG_ID
NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z: the fake clock of these tests
DAY = 86400


def _spec(name: str) -> dict:
    path = spec_dir() / name
    if not path.is_file():
        pytest.skip("official documents not found in %s (absent from a plain clone)" % path.parent)
    return json.loads(path.read_text(encoding="utf-8"))


def _validate(spec: dict, schema: dict, body) -> None:
    """``body`` against ``schema`` of ``spec`` ($refs resolved in the spec); fails with every error."""
    validator = OAS30Validator(dict(schema, components=spec["components"]))
    errors = ["/".join(map(str, e.absolute_path)) + ": " + e.message for e in validator.iter_errors(body)]
    assert not errors, errors


def _answer_schema(spec: dict, template: str, method: str, status: str) -> dict:
    answer = spec["paths"][template][method]["responses"][status]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    return answer["content"]["application/json"]["schema"]


@pytest.fixture(name="app")
def fixture_app():
    return create_app(DEMO_SEED, clock=FakeClock(NOW))


def tokens_url(app, email: str) -> str:
    return "/users/%s/manage/api-tokens" % account_id(app, email)


def _days_ago(stamp: str) -> float:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return (datetime.fromtimestamp(NOW, UTC) - moment) / timedelta(days=1)


def test_list_follows_the_spec_and_dates_count_from_the_clock(app, client):
    spec = _spec(ADMIN_USER_SPEC)
    answer = client.get(tokens_url(app, "dev001@acme.example"), headers=KEY)
    assert answer.status_code == 200
    body = answer.get_json()
    _validate(spec, _answer_schema(spec, "/users/{account_id}/manage/api-tokens", "get", "200"), body)
    assert [t["label"] for t in body] == ["ci-pipeline", "laptop-cli"]
    assert all(set(t) <= {"id", "label", "createdAt", "expiry", "lastAccess"} for t in body)
    ci, laptop = body
    assert "expiry" in ci and "expiry" not in laptop  # omitted when none
    assert 120 <= _days_ago(laptop["lastAccess"]) < 121  # unused for 120 days, whatever today's date is
    assert -200 <= _days_ago(ci["expiry"]) < -199
    assert ci["createdAt"].endswith(".000Z") and len(ci["createdAt"]) == len("2015-04-12T23:20:50.522Z")
    never_used = client.get(tokens_url(app, "dev003@acme.example"), headers=KEY).get_json()
    assert [set(t) for t in never_used] == [{"id", "label", "createdAt"}]
    assert client.get(tokens_url(app, "dev004@acme.example"), headers=KEY).get_json() == []


def test_a_scoped_key_reads_and_the_clock_ages_the_tokens(app, client):
    before = client.get(tokens_url(app, "dev001@acme.example"), headers=READONLY)
    assert before.status_code == 200
    app.clock.advance(10 * DAY)
    assert client.get(tokens_url(app, "dev001@acme.example"), headers=KEY).get_json() == before.get_json()
    app.reset()  # a FakeClock keeps its time: the relative dates are counted again from it
    again = client.get(tokens_url(app, "dev001@acme.example"), headers=KEY).get_json()
    assert [t["createdAt"] for t in again] != [t["createdAt"] for t in before.get_json()]


def test_delete_revokes_one_token_and_only_it(app, client):
    url = tokens_url(app, "dev001@acme.example")
    ci, laptop = client.get(url, headers=KEY).get_json()
    other = client.get(tokens_url(app, "dev002@acme.example"), headers=KEY).get_json()
    answer = client.delete(url + "/" + laptop["id"], headers=KEY)
    assert answer.status_code == 204 and answer.get_data() == b""
    assert client.get(url, headers=KEY).get_json() == [ci]
    assert client.get(tokens_url(app, "dev002@acme.example"), headers=KEY).get_json() == other
    gone = client.delete(url + "/" + laptop["id"], headers=KEY)
    assert (gone.status_code, gone.get_json()) == (404, {"key": "notFound"})
    writes = [(e["method"], e["path"], e["status"], e["credential"]) for e in app.log.writes()]
    assert writes == [
        ("DELETE", url + "/" + laptop["id"], 204, "admin:demo-org-admin"),
        ("DELETE", url + "/" + laptop["id"], 404, "admin:demo-org-admin"),
    ]
    app.reset()
    assert len(client.get(url, headers=KEY).get_json()) == 2


def test_errors_follow_the_spec(app, client):
    spec = _spec(ADMIN_USER_SPEC)
    url = tokens_url(app, "dev001@acme.example")
    token = client.get(url, headers=KEY).get_json()[0]["id"]
    cases = [
        ("get", url, {}, "401", {"key": "unauthorized"}),
        ("get", url, demo.bearer("not-a-key"), "401", {"key": "unauthorized"}),
        ("get", url, demo.basic(*demo.ADMIN), "401", {"key": "unauthorized"}),
        ("get", "/users/557058:no-such-account/manage/api-tokens", KEY, "404", {"key": "accountNotFound"}),
        ("delete", "/users/557058:no-such-account/manage/api-tokens/x", KEY, "404", {"key": "accountNotFound"}),
        ("delete", url + "/no-such-token", KEY, "404", {"key": "notFound"}),
        ("delete", url + "/" + token, READONLY, "403", {"key": "forbidden"}),  # a key with scopes may not delete
    ]
    for method, path, headers, status, expected in cases:
        answer = client.open(path, method=method.upper(), headers=headers)
        assert (answer.status_code, answer.get_json()) == (int(status), expected), (method, path)
        template = "/users/{account_id}/manage/api-tokens" + ("/{tokenId}" if method == "delete" else "")
        _validate(spec, _answer_schema(spec, template, method, status), answer.get_json())
    assert len(client.get(url, headers=KEY).get_json()) == 2  # nothing was deleted


@pytest.mark.parametrize("email", ["contractor@partner.example", "owner@globex.example"])
def test_an_account_the_organization_does_not_manage_is_403(app, client, email):
    spec = _spec(ADMIN_USER_SPEC)
    url = tokens_url(app, email)
    expected = {"key": "forbidden.action", "context": {"allowed": False, "reason": {"key": "managedAccount"}}}
    for method, path, template in (
        ("get", url, "/users/{account_id}/manage/api-tokens"),
        ("delete", url + "/any", "/users/{account_id}/manage/api-tokens/{tokenId}"),
    ):
        answer = client.open(path, method=method.upper(), headers=KEY)
        assert (answer.status_code, answer.get_json()) == (403, expected)
        _validate(spec, _answer_schema(spec, template, method, "403"), answer.get_json())
    contractor = account_id(app, "contractor@partner.example")
    assert app.state.activity.tokens[contractor]  # the seed gives the contractor a token: 403 hides it, not emptiness


def test_other_methods_and_paths(app, client):
    url = tokens_url(app, "dev001@acme.example")
    assert client.post(url, headers=KEY).status_code == 405
    assert client.post(url, headers=KEY).headers["Allow"] == "GET"
    missing = client.get("/users/%s/manage/profile" % account_id(app, "dev001@acme.example"), headers=KEY)
    assert (missing.status_code, missing.get_json()) == (404, {"key": "notFound"})


def test_last_active_dates_follow_the_spec(app, client):
    spec = _spec(ADMIN_ORG_SPEC)
    schema = _answer_schema(spec, "/v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates", "get", "200")
    dormant = account_id(app, "dev005@acme.example")
    answer = client.get(V1 + "/directory/users/%s/last-active-dates" % dormant, headers=KEY)
    assert answer.status_code == 200
    body = answer.get_json()
    _validate(spec, schema, body)
    (bitbucket,) = body["data"]["product_access"]
    assert bitbucket["key"] == "bitbucket" and bitbucket["id"].startswith("ari:cloud:bitbucket::workspace/")
    assert (
        _days_ago(bitbucket["last_active_timestamp"]) > 90 and bitbucket["last_active"] == bitbucket["last_active_timestamp"][:10]
    )
    assert body["links"] == {}
    active = client.get(V1 + "/directory/users/%s/last-active-dates" % account_id(app, "dev001@acme.example"), headers=READONLY)
    keys = {p["key"]: _days_ago(p["last_active_timestamp"]) for p in active.get_json()["data"]["product_access"]}
    assert set(keys) == {"bitbucket", "confluence"} and max(keys.values()) < 30
    never = client.get(V1 + "/directory/users/%s/last-active-dates" % account_id(app, demo.ADMIN_NO_ACCESS_USER), headers=KEY)
    assert never.get_json()["data"]["product_access"] == []
    _validate(spec, schema, never.get_json())


def test_last_active_dates_pages_with_a_cursor():
    spec = _spec(ADMIN_ORG_SPEC)
    schema = _answer_schema(spec, "/v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates", "get", "200")
    seed = json.loads(json.dumps(create_app(DEMO_SEED).seed))
    products = ["bitbucket", "confluence", "jira-software", "jira-core", "trello", "opsgenie", "statuspage"]
    entry = next(a for a in seed["accounts"] if a["email"] == "dev010@acme.example")
    entry["last_active"] = {p: "%d days ago" % (i + 1) for i, p in enumerate(products)}
    app = create_app(seed, clock=FakeClock(NOW))
    client = LoopbackClient(app)
    path = V1 + "/directory/users/%s/last-active-dates" % account_id(app, "dev010@acme.example")
    first = client.get(path, headers=KEY).get_json()
    _validate(spec, schema, first)
    second = client.get(path, query_string={"cursor": first["links"]["next"]}, headers=KEY).get_json()
    _validate(spec, schema, second)
    assert "next" not in second["links"]
    seen = [p["key"] for p in first["data"]["product_access"] + second["data"]["product_access"]]
    assert sorted(seen) == sorted(products) and len(first["data"]["product_access"]) == 5
    foreign = client.get(
        V1 + "/directory/users/%s/last-active-dates" % account_id(app, "dev011@acme.example"),
        query_string={"cursor": first["links"]["next"]},
        headers=KEY,
    )
    assert foreign.status_code == 400


def test_last_active_dates_errors(app, client):
    unknown = client.get(V1 + "/directory/users/557058:nobody/last-active-dates", headers=KEY)
    assert unknown.status_code == 404 and unknown.get_json()["errors"][0]["code"] == "ADMIN-404-8"
    outsider = client.get(
        V1 + "/directory/users/%s/last-active-dates" % account_id(app, "contractor@partner.example"), headers=KEY
    )
    assert outsider.status_code == 404  # not a user of the organization
    assert client.get(V1 + "/directory/users/x/last-active-dates").status_code == 401


def test_workspace_seats_and_filling_a_product(app, client):
    spec = _spec(ADMIN_ORG_SPEC)

    def acme():
        data = client.post(ORG + "/workspaces", json={}, headers=KEY).get_json()["data"]
        return next(w["attributes"] for w in data if w["attributes"]["typeKey"] == "bitbucket")

    seats = acme()
    members = len(app.state.workspaces["acme"].members)
    assert (seats["capacity"], seats["usage"]) == (300, members)  # spare seats
    _validate(
        spec,
        _answer_schema(spec, "/v2/orgs/{orgId}/workspaces", "post", "200"),
        client.post(ORG + "/workspaces", json={}, headers=KEY).get_json(),
    )
    filled = client.post("/_sim/capacity", json={"resource": "acme", "capacity": "full"})
    assert filled.status_code == 200 and filled.get_json()["capacity"] == filled.get_json()["usage"] == members
    assert (acme()["capacity"], acme()["usage"]) == (members, members)
    newcomer = account_id(app, demo.ADMIN_NO_ACCESS_USER)
    path = ORG + "/directories/%s/groups/%s/memberships" % (demo.ADMIN_DIRECTORY_ID, demo.ADMIN_GROUP_USERS[0])
    refused = client.post(path, json={"accountId": newcomer}, headers=KEY)
    assert refused.status_code == 409 and refused.get_json()["errors"][0]["code"] == "ADMIN-UAM-409-3"
    assert client.post("/_sim/capacity", json={"resource": "nope", "capacity": 1}).status_code == 400
    assert client.post("/_sim/capacity", json={"resource": "acme", "capacity": -1}).status_code == 400
    app.reset()
    assert acme()["capacity"] == 300


def test_strict_mode_accepts_the_documented_forms_only(client, app):
    _spec(ADMIN_USER_SPEC)
    app.strict = True
    url = tokens_url(app, "dev001@acme.example")
    assert client.get(url, headers=KEY).status_code == 200
    dormant = V1 + "/directory/users/%s/last-active-dates" % account_id(app, "dev005@acme.example")
    assert client.get(dormant, headers=KEY).status_code == 200
    refused = client.get(url, query_string={"limit": "5"}, headers=KEY)
    assert refused.status_code == 400 and refused.get_json()["key"] == "fieldConstraintsViolated"
    assert "limit" in refused.get_json()["message"]
    assert client.get(dormant, query_string={"limit": "5"}, headers=KEY).status_code == 400
    token = client.get(url, headers=KEY).get_json()[0]["id"]
    assert client.delete(url + "/" + token, headers=KEY).status_code == 204
    body = client.delete(url + "/x", json={"force": True}, headers=KEY)
    assert body.status_code == 400  # the operation documents no body
