# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_scim_user with ``users`` (the list form): the exact HTTP calls of each user (those of the single form),
check mode, a failing user among others, refusals before any request, and concurrency (same calls, results in
order, one shared request count)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils._scim.connection import scim_transport_from_params
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.client import ScimClient
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.bulk import ignored_option_warnings
from ansible_collections.accessops.atlassian.plugins.modules import atlassian_scim_user as module

from .scim_helpers import (  # pylint: disable=unused-import
    CONNECTION,
    CORE,
    TOKEN,
    USERS,
    USERS_PATH,
    by_name,
    list_response,
    make_user,
    patch_body,
    run_module,
    scim_change,
    scim_env,
    scim_error,
)
from .harness import api, calls, module_warnings  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("scim_env")

ANA, LI, MAX, ZOE = "ana@acme.example", "li@acme.example", "max@acme.example", "zoe@acme.example"


def bulk_args(users, **kwargs):
    result = dict(CONNECTION, users=users)
    result.update(kwargs)
    return result


def team():
    """2 new users, 1 existing with one attribute changed (title), 1 existing and unchanged."""
    return [
        {"user_name": ANA, "email": ANA, "display_name": "Ana Lima"},
        {"user_name": LI, "email": LI, "display_name": "Li Wei"},
        {"user_name": MAX, "email": MAX, "title": "Manager", "display_name": "Max Roe"},
        {"user_name": ZOE, "email": ZOE, "title": "Engineer"},
    ]


def existing(user_name, user_id, **attributes):
    return make_user(user_name=user_name, user_id=user_id, account_id="712020:" + user_id, **attributes)


def created(user_name, display_name):
    return existing(user_name, "new-" + user_name.split("@")[0], displayName=display_name)


def post_body(user_name, display_name):
    return {
        "schemas": [CORE],
        "userName": user_name,
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "displayName": display_name,
        "active": True,
    }


def register_team(api):
    """The answers of a real run of team(), in order (concurrency 1)."""
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=created(ANA, "Ana Lima"), status=201)
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=created(LI, "Li Wei"), status=201)
    api.add(responses.GET, USERS, json=list_response(existing(MAX, "u-max", title="Engineer", displayName="Max Roe")))
    api.add(responses.PATCH, USERS + "/u-max", json=existing(MAX, "u-max", title="Manager", displayName="Max Roe"))
    api.add(responses.GET, USERS, json=list_response(existing(ZOE, "u-zoe", title="Engineer")))


# the change items of a real run of team(), in the order of the users (ZOE: unchanged, none)
TEAM_CHANGES = [
    scim_change("create", None, {"email": ANA, "display_name": "Ana Lima", "active": True}, "new-ana", ANA),
    scim_change("create", None, {"email": LI, "display_name": "Li Wei", "active": True}, "new-li", LI),
    scim_change("update", {"title": "Engineer"}, {"title": "Manager"}, "u-max", MAX),
]

TEAM_CALLS = [
    ("GET", USERS_PATH, by_name(ANA), None),
    ("POST", USERS_PATH, {}, post_body(ANA, "Ana Lima")),
    ("GET", USERS_PATH, by_name(LI), None),
    ("POST", USERS_PATH, {}, post_body(LI, "Li Wei")),
    ("GET", USERS_PATH, by_name(MAX), None),
    ("PATCH", USERS_PATH + "/u-max", {}, patch_body({"op": "replace", "path": "title", "value": "Manager"})),
    ("GET", USERS_PATH, by_name(ZOE), None),
]


def test_list_of_four_users_makes_exactly_the_calls_of_the_single_form(api):
    register_team(api)
    result, failed = run_module(module, bulk_args(team(), concurrency=1), diff=True)
    assert not failed, result
    assert calls(api) == TEAM_CALLS
    assert result["api_calls"] == {"total": 7, "GET": 4, "PATCH": 1, "POST": 2}
    assert result["changed"] is True
    assert result["failed_users"] == []
    assert [(r["user_name"], r["changed"], r["failed"]) for r in result["users"]] == [
        (ANA, True, False),
        (LI, True, False),
        (MAX, True, False),
        (ZOE, False, False),
    ]
    assert [r["atlassian_account_id"] for r in result["users"]] == [
        "712020:new-ana",
        "712020:new-li",
        "712020:u-max",
        "712020:u-zoe",
    ]
    assert result["users"][2]["user"]["title"] == "Manager"
    assert "msg" not in result["users"][0]
    assert "user" not in result and "atlassian_account_id" not in result
    assert "results" not in result  # ansible-core would take it for a loop's items and show no diff
    # each entry has its own diff (what a callback shows for a looped task): the changed users', in order
    assert [r["diff"] for r in result["users"] if r["diff"]] == result["diff"] and result["users"][3]["diff"] == {}
    assert result["diff"] == [
        {
            "before": {},
            "after": {"user_name": ANA, "email": ANA, "display_name": "Ana Lima", "active": True},
            "before_header": ANA,
            "after_header": ANA,
        },
        {
            "before": {},
            "after": {"user_name": LI, "email": LI, "display_name": "Li Wei", "active": True},
            "before_header": LI,
            "after_header": LI,
        },
        {
            "before": {"user_name": MAX, "email": MAX, "display_name": "Max Roe", "title": "Engineer"},
            "after": {"user_name": MAX, "email": MAX, "display_name": "Max Roe", "title": "Manager"},
            "before_header": MAX,
            "after_header": MAX,
        },
    ]
    assert TOKEN not in json.dumps(result)
    assert result["changes"] == TEAM_CHANGES


def test_check_mode_reads_each_user_once_and_predicts_the_real_run(api):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.GET, USERS, json=list_response(existing(MAX, "u-max", title="Engineer", displayName="Max Roe")))
    api.add(responses.GET, USERS, json=list_response(existing(ZOE, "u-zoe", title="Engineer")))
    predicted, failed = run_module(module, bulk_args(team(), concurrency=1), check_mode=True, diff=True)
    assert not failed
    assert calls(api) == [c for c in TEAM_CALLS if c[0] == "GET"]
    assert predicted["api_calls"] == {"total": 4, "GET": 4}
    assert [(r["user_name"], r["changed"]) for r in predicted["users"]] == [(ANA, True), (LI, True), (MAX, True), (ZOE, False)]
    assert "id" not in predicted["users"][0]["user"] and predicted["users"][0]["atlassian_account_id"] is None
    assert predicted["users"][2]["user"]["title"] == "Manager"

    register_team(api)
    real, failed = run_module(module, bulk_args(team(), concurrency=1), diff=True)
    assert not failed
    assert predicted["diff"] == real["diff"]
    assert predicted["changed"] is real["changed"] is True
    # predicted: the same items, without the ids of users that do not exist yet
    assert predicted["changes"] == [dict(c, subject=dict(c["subject"], id=None)) for c in TEAM_CHANGES[:2]] + TEAM_CHANGES[2:]
    assert real["changes"] == TEAM_CHANGES


def test_a_failing_user_does_not_stop_the_others_and_the_task_fails_at_the_end(api):
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=created(ANA, "Ana Lima"), status=201)
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=scim_error(400, "Email domain is not verified", "invalidValue"), status=400)
    api.add(responses.GET, USERS, json=list_response(existing(MAX, "u-max", title="Engineer", displayName="Max Roe")))
    api.add(responses.PATCH, USERS + "/u-max", json=existing(MAX, "u-max", title="Manager", displayName="Max Roe"))
    api.add(responses.GET, USERS, json=list_response(existing(ZOE, "u-zoe", title="Engineer")))
    result, failed = run_module(module, bulk_args(team(), concurrency=1), diff=True)
    assert failed
    assert calls(api) == TEAM_CALLS
    assert result["failed_users"] == [LI]
    assert result["changed"] is True
    entry = result["users"][1]
    assert entry["failed"] is True and entry["changed"] is False and entry["user"] is None
    assert entry["status"] == 400 and entry["method"] == "POST" and entry["api_message"] == "Email domain is not verified"
    assert [r["failed"] for r in result["users"]] == [False, True, False, False]
    assert [d["before_header"] for d in result["diff"]] == [ANA, MAX]
    assert result["msg"].startswith("Failed on 1 of 4 users: %s (" % LI)
    assert "run the task again to complete the job" in result["msg"]
    assert result["api_calls"] == {"total": 7, "GET": 4, "PATCH": 1, "POST": 2}
    assert TOKEN not in json.dumps(result)
    assert result["changes"] == [TEAM_CHANGES[0], TEAM_CHANGES[2]]  # LI failed before any write


def test_a_user_that_fails_after_a_write_reports_the_change(api):
    """Atlassian ignores the enterprise extension of the POST: the PATCH that sets department top-level fails."""
    api.add(responses.GET, USERS, json=list_response())
    api.add(
        responses.POST,
        USERS,
        json=existing(ANA, "u-ana", department=None, **{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {}}),
        status=201,
    )
    api.add(responses.PATCH, USERS + "/u-ana", json=scim_error(503, "busy"), status=503)
    api.add(responses.PATCH, USERS + "/u-ana", json=scim_error(400, "Department too long"), status=400)
    result, failed = run_module(module, bulk_args([{"user_name": ANA, "email": ANA, "department": "Ops"}]))
    assert failed
    assert [c[0] for c in calls(api)] == ["GET", "POST", "PATCH", "PATCH"]  # the PATCH is retried, the POST never
    assert result["users"][0]["failed"] is True and result["users"][0]["changed"] is True
    assert result["changed"] is True and result["failed_users"] == [ANA]
    # what was applied: the creation (as the POST answered it, department not set yet)
    assert result["changes"] == [scim_change("create", None, {"email": ANA, "department": None, "active": True}, "u-ana", ANA)]


def test_bad_credentials_stop_the_users_not_started_yet(api):
    api.add(responses.GET, USERS, json={"error": "Invalid token " + TOKEN}, status=401)
    result, failed = run_module(module, bulk_args(team(), concurrency=1))
    assert failed
    assert len(api.calls) == 1
    assert result["failed_users"] == [ANA, LI, MAX, ZOE]
    assert result["users"][0]["status"] == 401
    assert all(r["msg"].startswith("not attempted: ") for r in result["users"][1:])
    assert result["changed"] is False and result["changes"] == []
    assert TOKEN not in json.dumps(result)


@pytest.mark.parametrize(
    "users, words",
    [
        (
            [{"user_name": ANA, "email": ANA}, {"user_name": "Ana@ACME.example", "state": "absent"}],
            "users: 'Ana@ACME.example' is listed twice (items 0 and 1",
        ),
        ([{"user_name": ANA, "email": ANA}, {"user_name": LI, "email": "li@"}], "users[1]: email"),
        ([{"user_name": ANA, "title": "a\nb"}], "users[0]: title"),
    ],
)
def test_bad_lists_are_refused_before_any_request(api, users, words):
    result, failed = run_module(module, bulk_args(users))
    assert failed
    assert len(api.calls) == 0
    assert words in result["msg"]
    assert result["api_calls"] == {"total": 0}


@pytest.mark.parametrize(
    "extra, words",
    [
        ({"title": "Engineer"}, "users: title cannot be set with users"),
        ({"state": "absent", "active": False}, "users: state, active cannot be set with users"),
        ({"user_name": ANA}, "mutually exclusive: user_name|users"),
        ({"concurrency": 17}, "concurrency must be a whole number from 1 to 16"),
        ({"concurrency": 0}, "concurrency must be a whole number from 1 to 16"),
    ],
)
def test_top_level_options_with_users_are_refused_before_any_request(api, extra, words):
    result, failed = run_module(module, bulk_args([{"user_name": ANA, "email": ANA}], **extra))
    assert failed
    assert len(api.calls) == 0
    assert words in result["msg"]


def test_locale_of_items_is_warned_about_naming_them_and_never_sent(api, module_warnings):
    users = team()
    users[0]["locale"] = "pt-BR"
    users[2]["locale"] = ""
    register_team(api)
    result, failed = run_module(module, bulk_args(users, concurrency=1), diff=True)
    assert not failed, result
    assert calls(api) == TEAM_CALLS  # the bodies of team() without locale: no POST and no PATCH carries it
    assert [(r["user_name"], r["changed"]) for r in result["users"]] == [(ANA, True), (LI, True), (MAX, True), (ZOE, False)]
    assert all("locale" not in d["before"] and "locale" not in d["after"] for d in result["diff"])
    warnings, deprecations = module_warnings()
    assert warnings == [
        "Option locale of users[0] (ana@acme.example), users[2] (max@acme.example) is deprecated and ignored: "
        "Atlassian's SCIM schema has no locale attribute, so the module does not send, compare or report it; use "
        "preferred_language. The option will be removed in version 1.0.0 of accessops.atlassian."
    ]
    # ansible-core (2.16 too) reports a deprecated sub-option of a list of dicts, once for each item that sets it
    assert (
        deprecations
        == [("Param 'users[\"locale\"]' is deprecated. See the module docs for more information", "1.0.0", "accessops.atlassian")]
        * 2
    )


def test_top_level_locale_with_users_is_only_warned_about(api, module_warnings):
    api.add(responses.GET, USERS, json=list_response(existing(ZOE, "u-zoe", title="Engineer")))
    result, failed = run_module(module, bulk_args([{"user_name": ZOE, "title": "Engineer"}], locale="fr-FR"))
    assert not failed and result["changed"] is False
    assert calls(api) == [("GET", USERS_PATH, by_name(ZOE), None)]
    assert [w.split(" is deprecated")[0] for w in module_warnings()[0]] == ["Option locale"]


def test_many_items_with_locale_are_named_up_to_ten():
    users = [{"user_name": "u%02d@acme.example" % n, "locale": "en"} for n in range(12)]
    warnings = ignored_option_warnings({"users": users, "locale": None})
    assert len(warnings) == 1
    assert warnings[0].startswith("Option locale of users[0] (u00@acme.example), ")
    assert "users[9] (u09@acme.example) and 2 more is deprecated and ignored" in warnings[0]
    assert ignored_option_warnings({"users": [{"user_name": ANA, "locale": None}], "locale": None}) == []


def test_neither_user_name_nor_users_is_refused(api):
    result, failed = run_module(module, dict(CONNECTION))
    assert failed and "one of the following is required: user_name, users" in result["msg"]
    assert len(api.calls) == 0


def test_an_empty_list_sends_no_request(api):
    result, failed = run_module(module, bulk_args([]), diff=True)
    assert not failed
    assert len(api.calls) == 0
    assert result["changed"] is False and result["users"] == [] and result["diff"] == [] and result["failed_users"] == []
    assert result["changes"] == []


# -- concurrency --------------------------------------------------------------------------------------------


def _fake_directory(api, users, first_gets_together=0):
    """A SCIM server answering by content (so the order of concurrent requests does not matter). The first
    ``first_gets_together`` GETs wait for each other: they only all get through when they are sent at the same time."""
    barrier = threading.Barrier(first_gets_together or 1, timeout=10)
    lock = threading.Lock()
    seen = {"gets": 0, "threads": set()}

    def answer(request):
        parts = urlsplit(request.url)
        with lock:
            seen["threads"].add(threading.current_thread().name)
        if request.method == "GET":
            with lock:
                seen["gets"] += 1
                wait = seen["gets"] <= first_gets_together
            if wait:
                barrier.wait()
            name = dict(parse_qsl(parts.query))["filter"].split('"')[1]
            found = [u for u in users.values() if u["userName"] == name]
            return 200, {}, json.dumps(list_response(*found))
        body = json.loads(request.body)
        if request.method == "POST":
            return 201, {}, json.dumps(created(body["userName"], body.get("displayName")))
        user = json.loads(json.dumps(users[parts.path.rsplit("/", 1)[1]]))
        for operation in body["Operations"]:
            user[operation["path"]] = operation["value"]
        return 200, {}, json.dumps(user)

    for method in (responses.GET, responses.POST):
        api.add_callback(method, USERS, callback=answer)
    for user_id in users:
        api.add_callback(responses.PATCH, USERS + "/" + user_id, callback=answer)
    return seen


def _many():
    users, directory = [], {}
    for number in range(12):
        name = "user%02d@acme.example" % number
        users.append({"user_name": name, "email": name, "title": "Engineer" if number % 3 else "Manager"})
        if number % 2:
            directory["u-%02d" % number] = existing(name, "u-%02d" % number, title="Engineer")
    return users, directory


@pytest.mark.parametrize("concurrency", [4, 16])
def test_concurrency_gives_the_same_calls_and_results_in_order(concurrency):
    users, directory = _many()
    runs = {}
    for level in (1, concurrency):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            seen = _fake_directory(rsps, directory, first_gets_together=min(4, level) if level > 1 else 0)
            result, failed = run_module(module, bulk_args(users, concurrency=level), diff=True)
            assert not failed, result
            runs[level] = (result, Counter(json.dumps(c, sort_keys=True) for c in calls(rsps)), seen)
    (sequential, sequential_calls, one), (parallel, parallel_calls, many) = runs[1], runs[concurrency]
    assert parallel_calls == sequential_calls
    assert sum(parallel_calls.values()) == 12 + 6 + 2  # a GET each, a POST per new user, a PATCH per changed title
    assert parallel["users"] == sequential["users"]
    assert [r["user_name"] for r in parallel["users"]] == [u["user_name"] for u in users]
    assert parallel["diff"] == sequential["diff"]
    assert parallel["changes"] == sequential["changes"] and len(parallel["changes"]) == 8  # in the order of the users
    assert [c["subject"]["user_name"] for c in parallel["changes"]] == [
        u["user_name"] for u in users if u["user_name"] in {c["subject"]["user_name"] for c in parallel["changes"]}
    ]
    assert parallel["api_calls"] == sequential["api_calls"] == {"total": 20, "GET": 12, "PATCH": 2, "POST": 6}
    assert len(one["threads"]) == 1
    assert len(many["threads"]) >= 4  # the first 4 GETs met at the barrier: they were sent at the same time


def test_for_worker_gives_a_new_session_and_shares_auth_and_request_count():
    client = ScimClient(scim_transport_from_params(dict(CONNECTION, timeout=12, max_retries=2, validate_certs=True)))
    worker = client.for_worker()
    try:
        assert worker.transport is not client.transport
        assert worker.transport.session is not client.transport.session
        assert worker.stats is client.stats
        assert worker.transport.auth is client.transport.auth
        assert worker.transport.base_url == client.transport.base_url
        assert worker.transport.timeout == 12 and worker.transport.retry_policy is client.transport.retry_policy
        assert worker.transport.verify == client.transport.verify
    finally:
        worker.close()
        client.close()
