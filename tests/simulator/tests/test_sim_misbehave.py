# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The misbehaving-server knobs (atlsim.misbehave): effect, bounds and validation, clearing."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from atlsim import demo
from atlsim.demo import basic, bearer

ADMIN = basic(*demo.ADMIN)
SCIM = bearer(demo.SCIM_API_KEY)
USERS = "/scim/directory/demo-directory/Users"
PERMS = "/2.0/repositories/acme/infra-core/permissions-config/users"
TOKEN = "/site/oauth2/access_token"


def account(app, email):
    return app.state.accounts.get_by_email(email)["account_id"]


def scim_id(app, user_name):
    return next(u["id"] for u in app.scim_app.users("demo-directory") if u["userName"] == user_name)


def faults_of(entries):
    return [e["fault"] for e in entries]


# -- ignore_filters ---------------------------------------------------------------------------------
def test_ignore_filters_drops_bbql_and_keeps_pagination(sim_app, sim_client):
    dev010 = account(sim_app, "dev010@acme.example")
    query = {"q": 'user.account_id="%s"' % dev010, "pagelen": 5, "page": 2}
    assert sim_client.get("/2.0/workspaces/acme/permissions", query_string=query, headers=ADMIN).status_code == 404
    sim_app.configure_faults({"ignore_filters": {"count": 1, "path_prefix": "/2.0/workspaces"}})
    body = sim_client.get("/2.0/workspaces/acme/permissions", query_string=query, headers=ADMIN).get_json()
    assert body["size"] == 260 and body["page"] == 2 and len(body["values"]) == 5
    assert "q=" not in body["next"] and "pagelen=5" in body["next"]
    assert dev010 not in [v["user"]["account_id"] for v in body["values"]]
    filtered = sim_client.get("/2.0/workspaces/acme/permissions", query_string=dict(query, page=1), headers=ADMIN).get_json()
    assert [v["user"]["account_id"] for v in filtered["values"]] == [dev010]  # count used up
    assert faults_of(sim_app.log.entries()) == [None, "ignore_filters", None]


def test_ignore_filters_on_member_emails_shows_the_unfiltered_members_without_emails(sim_app, sim_client):
    sim_app.configure_faults({"ignore_filters": 1})
    query = {"q": 'user.email="dev150@acme.example"', "fields": "+values.user.email", "pagelen": 100}
    body = sim_client.get("/2.0/workspaces/acme/members", query_string=query, headers=ADMIN).get_json()
    assert body["size"] == 260 and not any("email" in v["user"] for v in body["values"])


def test_ignore_filters_on_scim_serves_the_users_that_do_not_match(sim_app, sim_client):
    sim_app.configure_faults({"ignore_filters": {"count": 3, "method": "GET"}})
    names = sorted(u["userName"] for u in sim_app.scim_app.users("demo-directory"))
    for asked in ("dev001@acme.example", "DEV001@acme.example", "nobody@acme.example"):
        resp = sim_client.get(USERS, query_string={"filter": 'userName eq "%s"' % asked}, headers=SCIM)
        body = resp.get_json()
        assert resp.status_code == 200 and resp.mimetype == "application/scim+json"
        expected = [n for n in names if n.lower() != asked.lower()]
        assert sorted(u["userName"] for u in body["Resources"]) == expected
        assert body["totalResults"] == len(expected) and body["itemsPerPage"] == len(expected)
    resp = sim_client.get(USERS, query_string={"filter": 'userName eq "dev001@acme.example"'}, headers=SCIM)
    assert [u["userName"] for u in resp.get_json()["Resources"]] == ["dev001@acme.example"]


@pytest.mark.sim_lenient  # lenient: an unsupported SCIM filter reaches the ignore_filters fault
def test_ignore_filters_on_scim_paginates_the_complement_and_leaves_errors_alone(sim_app, sim_client):
    sim_app.configure_faults({"ignore_filters": 5})
    page = sim_client.get(
        USERS, query_string={"filter": 'externalId eq "none"', "startIndex": 3, "count": 1}, headers=SCIM
    ).get_json()
    assert page["totalResults"] == 3 and page["startIndex"] == 3 and len(page["Resources"]) == 1
    # an unsupported filter is ignored too (every user); a bad key is still 401 and costs nothing
    assert sim_client.get(USERS, query_string={"filter": 'title eq "x"'}, headers=SCIM).get_json()["totalResults"] == 3
    assert sim_client.get(USERS, query_string={"filter": 'userName eq "x"'}, headers=bearer("wrong")).status_code == 401
    assert sim_app.faults.snapshot()["ignore_filters"] == {"count": 3}
    assert sim_client.get(USERS, headers=SCIM).get_json()["totalResults"] == 3  # no filter: not counted
    assert sim_app.faults.snapshot()["ignore_filters"] == {"count": 3}


# -- wrong_object_next --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path, key",
    [
        ("/2.0/users/%s", lambda body: body["account_id"]),
        ("/2.0/workspaces/acme/members/%s", lambda body: body["user"]["account_id"]),
        (PERMS + "/%s", lambda body: body["user"]["account_id"]),
        ("/2.0/workspaces/acme/projects/PLAT/permissions-config/users/%s", lambda body: body["user"]["account_id"]),
    ],
)
def test_wrong_object_next_answers_another_bitbucket_user(sim_app, sim_client, path, key):
    dev002 = account(sim_app, "dev002@acme.example")
    ws = sim_app.state.workspaces["acme"]
    ws.projects["PLAT"].user_perms.setdefault(dev002, "read")  # an explicit permission to find
    sim_app.configure_faults({"wrong_object_next": 1})
    wrong = sim_client.get(path % dev002, headers=ADMIN)
    assert wrong.status_code == 200 and key(wrong.get_json()) != dev002
    assert key(wrong.get_json()) in sim_app.state.accounts.by_id
    right = sim_client.get(path % dev002, headers=ADMIN)
    assert right.status_code == 200 and key(right.get_json()) == dev002
    assert faults_of(sim_app.log.entries()) == ["wrong_object_next", None]


def test_wrong_object_next_replaces_a_404_but_not_a_401(sim_app, sim_client):
    dev020 = account(sim_app, "dev020@acme.example")  # no explicit permission on infra-core
    sim_app.configure_faults({"wrong_object_next": 1})
    assert sim_client.get(PERMS + "/" + dev020, headers=basic(demo.ADMIN[0], "wrong")).status_code == 401
    wrong = sim_client.get(PERMS + "/" + dev020, headers=ADMIN)
    assert wrong.status_code == 200 and wrong.get_json()["user"]["account_id"] != dev020
    assert sim_client.get(PERMS + "/" + dev020, headers=ADMIN).status_code == 404


def test_wrong_object_next_on_scim_answers_another_directory_user(sim_app, sim_client):
    asked = scim_id(sim_app, "dev002@acme.example")
    sim_app.configure_faults({"wrong_object_next": {"count": 2, "path_prefix": "/scim/"}})
    wrong = sim_client.get(USERS + "/" + asked, headers=SCIM)
    assert wrong.status_code == 200 and wrong.get_json()["id"] != asked
    assert wrong.get_json()["userName"] != "dev002@acme.example"
    missing = sim_client.get(USERS + "/no-such-id", headers=SCIM)
    assert missing.status_code == 200 and missing.get_json()["userName"]
    assert sim_client.get(USERS + "/" + asked, headers=SCIM).get_json()["userName"] == "dev002@acme.example"


# -- hostile_ids ----------------------------------------------------------------------------------------
def test_hostile_ids_in_scim_answers(sim_app, sim_client):
    sim_app.configure_faults({"hostile_ids": 2})
    listing = sim_client.get(USERS, headers=SCIM).get_json()["Resources"]
    assert listing and all(u["id"].startswith("../../other-directory/Users/") for u in listing)
    one = sim_client.get(USERS + "/" + scim_id(sim_app, "dev001@acme.example"), headers=SCIM).get_json()
    assert one["id"] == "../../other-directory/Users/" + scim_id(sim_app, "dev001@acme.example")
    assert not sim_client.get(USERS, headers=SCIM).get_json()["Resources"][0]["id"].startswith("..")
    assert faults_of(sim_app.log.entries()) == ["hostile_ids", "hostile_ids", None]


def test_hostile_ids_in_bitbucket_lists_only_and_counted_per_answer(sim_app, sim_client):
    sim_app.configure_faults({"hostile_ids": 1})
    assert sim_client.get("/2.0/user", headers=ADMIN).get_json()["account_id"][0] != "."  # not a list: not counted
    values = sim_client.get(PERMS, headers=ADMIN).get_json()["values"]
    explicit = sim_app.state.workspaces["acme"].repos["infra-core"].user_perms
    assert sorted(v["user"]["account_id"] for v in values) == sorted("../../" + a for a in explicit)
    assert not sim_client.get(PERMS, headers=ADMIN).get_json()["values"][0]["user"]["account_id"].startswith("..")


def test_a_request_using_a_hostile_id_is_marked_in_the_log(sim):
    session = requests.Session()
    sim.faults(hostile_ids=2)
    handed = session.get(
        sim.api_url + "/repositories/acme/infra-core/permissions-config/users", auth=demo.ADMIN, timeout=10
    ).json()["values"][0]["user"]["account_id"]
    scim_handed = session.get(sim.url + USERS, headers=SCIM, timeout=10).json()["Resources"][0]["id"]
    # requests removes the dot segments: the server sees the path the traversal leads to
    session.delete(sim.api_url + "/repositories/acme/infra-core/permissions-config/users/" + handed, auth=demo.ADMIN, timeout=10)
    session.get(sim.url + USERS + "/" + scim_handed, headers=SCIM, timeout=10)
    session.get(sim.url + USERS + "/%2e%2e/x", headers=SCIM, timeout=10)
    session.close()
    used = [(e["method"], e["path"], e["fault"]) for e in sim.log()[2:]]
    assert used == [
        ("DELETE", "/2.0/repositories/acme/infra-core/" + handed[len("../../") :], "hostile_id_used"),
        ("GET", "/scim/directory/other-directory/Users/" + scim_handed.rsplit("/", 1)[1], "hostile_id_used"),
        ("GET", USERS + "/../x", "hostile_id_used"),
    ]
    assert sim.writes()[0]["status"] == 404 and len(sim.state.workspace("acme").repo("infra-core").user_perms) == 3


def test_a_hostile_id_below_a_project_is_marked_in_the_log(sim):
    sim.faults(hostile_ids=1)
    base = sim.api_url + "/workspaces/acme/projects/PLAT/permissions-config/users"
    with requests.Session() as session:
        handed = session.get(base, auth=demo.ADMIN, timeout=10).json()["values"][0]["user"]["account_id"]
        assert handed.startswith("../../")
        assert session.delete(base + "/" + handed, auth=demo.ADMIN, timeout=10).status_code == 404
    assert [(e["path"], e["fault"]) for e in sim.log()[1:]] == [
        ("/2.0/workspaces/acme/projects/PLAT/" + handed[len("../../") :], "hostile_id_used")
    ]
    assert len(sim.state.workspace("acme").projects["PLAT"].user_perms) == 2


# -- echo_credentials ----------------------------------------------------------------------------------
def test_echo_credentials_in_every_error_shape(sim_app, sim_client):
    token, pair = demo.ADMIN[1], "%s:%s" % demo.ADMIN
    header = "Basic " + base64.b64encode(pair.encode()).decode()
    sim_app.configure_faults({"echo_credentials": {"count": 4, "pad": 3}})
    assert sim_client.get("/2.0/user", headers=ADMIN).status_code == 200  # not an error: not counted
    bitbucket = sim_client.get("/2.0/repositories/acme/nope", headers=ADMIN).get_json()["error"]["message"]
    assert bitbucket.startswith("xxx" + " ".join((header, pair, token)) + " You may not have access")
    scim = sim_client.get(USERS + "/nope", headers=SCIM).get_json()["detail"]
    assert scim.startswith("xxxBearer %s %s User" % (demo.SCIM_API_KEY, demo.SCIM_API_KEY))
    oauth = sim_client.post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": demo.OAUTH_CLIENT[0], "client_secret": "wrong-secret"}
    ).get_json()
    assert oauth["error"] == "invalid_client" and oauth["error_description"].startswith(
        "xxx%s:wrong-secret wrong-secret Invalid" % demo.OAUTH_CLIENT[0]
    )
    wrong = basic(demo.OAUTH_CLIENT[0], "wrong-secret")
    other = sim_client.post(TOKEN, data={"grant_type": "client_credentials"}, headers=wrong).get_json()
    expected = "xxx%s %s:wrong-secret wrong-secret" % (wrong["Authorization"], demo.OAUTH_CLIENT[0])
    assert other["error_description"].startswith(expected)
    assert "x" * 3 + "Basic" not in sim_client.get("/2.0/repositories/acme/nope", headers=ADMIN).get_data(as_text=True)
    assert faults_of(sim_app.log.entries()) == [None] + ["echo_credentials"] * 4 + [None]


def test_echo_credentials_with_fail_next_error_rate_and_the_rate_limiter(sim_app, sim_client):
    sim_app.configure_faults(
        {
            "echo_credentials": {"count": 10, "pad": 1990, "step": 5},
            "fail_next": [
                {"status": 400, "count": 1, "path_prefix": "/2.0/"},
                {"status": 503, "count": 1, "path_prefix": "/2.0/"},
                {"status": 500, "count": 1, "path_prefix": TOKEN},
            ],
        }
    )
    first = sim_client.get("/2.0/user", headers=ADMIN).get_json()["error"]["message"]
    assert first.index("Basic ") == 1990 and first.endswith(demo.ADMIN[1] + " Bad Request")
    gateway = sim_client.get("/2.0/user", headers=ADMIN)
    assert gateway.mimetype == "text/html" and "<p>" + "x" * 1995 + "Basic " in gateway.get_data(as_text=True)
    token = sim_client.post(TOKEN, data={"grant_type": "client_credentials"}, headers=basic(*demo.OAUTH_CLIENT)).get_json()
    assert token["error"] == "server_error" and token["error_description"].index(demo.OAUTH_CLIENT[1]) > 2000
    sim_app.configure_faults({"fail_next": [], "error_rate": 1.0, "error_statuses": [429]})
    limited = sim_client.get("/2.0/user", headers=bearer(demo.WORKSPACE_ACCESS_TOKEN)).get_data(as_text=True)
    assert limited.startswith("x" * 2005 + "Bearer " + demo.WORKSPACE_ACCESS_TOKEN + " " + demo.WORKSPACE_ACCESS_TOKEN)
    assert sim_app.faults.snapshot()["echo_credentials"] == {"count": 6, "pad": 2010, "step": 5}


@pytest.mark.parametrize(
    "value",
    [
        {"count": 2, "pad": 10001},
        {"count": 2, "pad": -1},
        {"count": 3, "pad": 9990, "step": 6},
        {"count": 1, "pad": "5"},
        {"count": 1, "pad": True},
        {"count": 1, "seconds": 1},
        {"count": 1, "status": 500},
        {"count": 10001},
        [1],
        "3",
    ],
)
def test_echo_credentials_bounds(sim_client, value):
    before = sim_client.get("/_sim/faults").get_json()
    assert sim_client.post("/_sim/faults", json={"echo_credentials": value}).status_code == 400
    assert sim_client.get("/_sim/faults").get_json() == before


# -- redirect_writes ------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_writes_goes_to_another_origin_and_applies_nothing(sim, status):
    dev020 = sim.state.accounts.get_by_email("dev020@acme.example")["account_id"]
    sim.faults(redirect_writes={"count": 1, "status": status, "path_prefix": "/2.0/"})
    url = sim.api_url + "/repositories/acme/infra-core/permissions-config/users/" + dev020
    session = requests.Session()
    assert session.get(url, auth=demo.ADMIN, timeout=10).status_code == 404  # reads are not redirected
    resp = session.put(url + "?x=1", json={"permission": "write"}, auth=demo.ADMIN, timeout=10, allow_redirects=False)
    assert resp.status_code == status
    assert resp.headers["Location"] == "http://localhost:%d/_sim/sink%s?x=1" % (
        sim.server.port,
        "/2.0/repositories/acme/infra-core/permissions-config/users/" + dev020,
    )
    assert dev020 not in sim.state.workspace("acme").repo("infra-core").user_perms
    followed = session.put(url, json={"permission": "write"}, auth=demo.ADMIN, timeout=10)  # count used up
    assert followed.status_code == 200
    session.close()
    assert [e["fault"] for e in sim.log()] == [None, "redirect_writes", None]


def test_a_followed_redirect_reaches_the_logged_sink(sim):
    sim.faults(redirect_writes={"count": 2, "status": 307})
    session = requests.Session()
    url = sim.api_url + "/repositories/acme/infra-core/permissions-config/users/%7Bnobody%7D"
    resp = session.delete(url, auth=demo.ADMIN, timeout=10)  # requests follows the 307 (to localhost) and drops auth
    assert resp.status_code == 200 and resp.json() == {} and resp.url.startswith("http://localhost:")
    back = session.post(resp.url.replace("/_sim/sink", ""), timeout=10, allow_redirects=False)
    assert back.headers["Location"].startswith("http://127.0.0.1:%d/_sim/sink/2.0/" % sim.server.port)
    session.close()
    log = sim.log()
    assert [(e["method"], e["status"], e["fault"]) for e in log] == [
        ("DELETE", 307, "redirect_writes"),
        ("DELETE", 200, "sink"),
        ("POST", 307, "redirect_writes"),
    ]
    assert log[1]["path"] == "/_sim/sink/2.0/repositories/acme/infra-core/permissions-config/users/{nobody}"
    assert log[1]["credential"] == "anonymous"
    assert [e["method"] for e in sim.writes()] == ["DELETE", "DELETE", "POST"]


@pytest.mark.parametrize(
    "value",
    [
        {"count": 1},
        {"count": 1, "status": 300},
        {"count": 1, "status": 304},
        {"count": 1, "status": 500},
        {"count": 1, "status": "307"},
        {"count": 1, "status": True},
        {"count": 1, "status": 307, "pad": 1},
        1,
    ],
)
def test_redirect_writes_bounds(sim_client, value):
    assert sim_client.post("/_sim/faults", json={"redirect_writes": value}).status_code == 400
    assert sim_client.get("/_sim/faults").get_json()["redirect_writes"] == {"count": 0}


def test_the_sink_is_for_loopback_clients_only(sim_client):
    assert sim_client.get("/_sim/sink/x", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 403


# -- oauth_token_linebreak ------------------------------------------------------------------------------
def test_oauth_token_linebreak_issues_an_invalid_token(sim_app, sim_client):
    sim_app.configure_faults({"oauth_token_linebreak": 1})
    form = {"grant_type": "client_credentials"}
    broken = sim_client.post(TOKEN, data=form, headers=basic(*demo.OAUTH_CLIENT)).get_json()["access_token"]
    head, tail = broken.split("\n")
    assert head and tail and abs(len(head) - len(tail)) <= 1
    assert sim_app.misbehave.broken_tokens == [broken]
    for sent in (head + tail, head, tail):
        assert sim_client.get("/2.0/user", headers=bearer(sent)).status_code == 401
    good = sim_client.post(TOKEN, data=form, headers=basic(*demo.OAUTH_CLIENT)).get_json()["access_token"]
    assert "\n" not in good and sim_client.get("/2.0/user", headers=bearer(good)).status_code == 200
    assert faults_of(sim_app.log.entries())[0] == "oauth_token_linebreak"


# -- validation and clearing ------------------------------------------------------------------------------
COUNTER_KNOBS = ("ignore_filters", "wrong_object_next", "hostile_ids", "oauth_token_linebreak")


@pytest.mark.parametrize("name", COUNTER_KNOBS)
@pytest.mark.parametrize(
    "value",
    [
        -1,
        10001,
        1.5,
        True,
        "2",
        None,
        {"count": 1, "status": 500},
        {"count": 1, "pad": 3},
        {"count": 1, "bogus": 1},
        {"count": 1, "method": 3},
    ],
)
def test_counter_knob_bounds(sim_client, name, value):
    assert sim_client.post("/_sim/faults", json={name: value}).status_code == 400
    assert sim_client.get("/_sim/faults").get_json()[name] == {"count": 0}


@pytest.mark.parametrize("name", COUNTER_KNOBS)
def test_counter_knobs_take_a_targeted_rule(sim_client, name):
    rule = {"count": 3, "method": "get", "path_prefix": "/scim/"}
    assert sim_client.post("/_sim/faults", json={name: rule}).get_json()[name] == dict(rule, method="GET")


ALL = {
    "ignore_filters": 5,
    "wrong_object_next": 5,
    "hostile_ids": {"count": 5, "path_prefix": "/2.0/"},
    "echo_credentials": {"count": 5, "pad": 100, "step": 1},
    "redirect_writes": {"count": 5, "status": 302},
    "oauth_token_linebreak": 5,
}


def test_knobs_are_all_or_nothing(sim_client):
    resp = sim_client.post("/_sim/faults", json=dict(ALL, redirect_writes={"count": 1, "status": 399}))
    assert resp.status_code == 400 and "redirect_writes" in resp.get_json()["error"]
    assert all(sim_client.get("/_sim/faults").get_json()[name] == {"count": 0} for name in ALL)


@pytest.mark.parametrize("how", ["delete", "reset"])
def test_delete_faults_and_reset_clear_every_misbehaviour(sim_app, sim_client, how):
    snapshot = sim_client.post("/_sim/faults", data=json.dumps(ALL), content_type="application/json").get_json()
    assert snapshot["echo_credentials"] == {"count": 5, "pad": 100, "step": 1}
    assert snapshot["redirect_writes"] == {"count": 5, "status": 302}
    sim_client.get(PERMS, headers=ADMIN)  # hands out hostile ids
    assert sim_app.misbehave.hostile_accounts
    if how == "delete":
        assert sim_client.delete("/_sim/faults").status_code == 204
    else:
        assert sim_client.post("/_sim/reset").status_code == 200
        assert not sim_app.misbehave.hostile_accounts and not sim_app.misbehave.broken_tokens
    assert all(sim_client.get("/_sim/faults").get_json()[name] == {"count": 0} for name in ALL)
    dev002 = account(sim_app, "dev002@acme.example")
    assert sim_client.get(PERMS + "/" + dev002, headers=ADMIN).get_json()["user"]["account_id"] == dev002
    assert sim_client.get("/2.0/repositories/acme/nope", headers=ADMIN).get_json()["error"]["message"][0] != "x"
    assert sim_client.delete(PERMS + "/" + dev002, headers=ADMIN).status_code == 204


@pytest.mark.parametrize(
    "argv",
    [
        ["--faults", '{"redirect_writes": {"count": 1, "status": 200}}'],
        ["--faults", '{"echo_credentials": {"pad": 20000}}'],
        ["--faults", "[1]"],
        ["--faults", "{bad"],
    ],
)
def test_cli_faults_flag_is_validated(argv, capsys, monkeypatch):
    from atlsim import __main__ as cli  # pylint: disable=import-outside-toplevel

    def no_server(*args, **kwargs):
        raise AssertionError("the CLI accepted %r" % (argv,))

    monkeypatch.setattr(cli, "SimServer", no_server)
    with pytest.raises(SystemExit) as caught:
        cli.main(["--port", "0"] + argv)
    err = capsys.readouterr().err
    assert caught.value.code == 2 and ("must be" in err or "JSON object" in err)


def test_cli_faults_flag_sets_any_knob():
    from atlsim import __main__ as cli  # pylint: disable=import-outside-toplevel

    args = cli.parser().parse_args(["--faults", '{"ignore_filters": 5, "latency_ms": 3}', "--latency-ms", "7"])
    assert cli.knobs_from(args) == {"ignore_filters": 5, "latency_ms": 7}
