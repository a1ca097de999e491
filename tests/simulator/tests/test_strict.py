# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict mode (:mod:`atlsim.strict`): documented forms answered as in lenient mode, anything else 400 in the API's
own error shape; the overlays; the switches (``create_app(strict=)``, ``ATLSIM_STRICT``, ``app.strict``,
``python -m atlsim --strict``, ``pytest --sim-strict`` and the ``sim_lenient`` marker).

Skipped when the official documents are absent (a plain clone; ``ATLSIM_SPEC_DIR`` points elsewhere).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from atlsim import DEMO_SEED, demo, strict, strict_bitbucket, strict_spec
from atlsim.admin_testkit import ALL, DIR, KEY, error_of
from atlsim.app import create_app
from atlsim.clock import FakeClock, FakeSleep
from atlsim.pytest_plugin import LoopbackClient
from atlsim.scim_testkit import patch as scim_patch
from atlsim.scim_testkit import user as scim_user
from atlsim.strict_spec import SpecsUnavailable, find, require_specs

try:
    require_specs()
    HAVE_SPECS = True
except SpecsUnavailable:
    HAVE_SPECS = False
pytestmark = pytest.mark.skipif(
    not HAVE_SPECS, reason="the official API documents are kept beside the repository (../shared/reference, or ATLSIM_SPEC_DIR)"
)

SIMULATOR = Path(__file__).resolve().parents[1]
README = SIMULATOR / "README.md"
ADMIN = demo.basic(*demo.ADMIN)
SCIM = demo.bearer(demo.SCIM_API_KEY)
SCIM_USERS = "/scim/directory/%s/Users" % demo.SCIM_DIRECTORY
SCIM_GROUPS = "/scim/directory/%s/Groups" % demo.SCIM_DIRECTORY
MEMBERS = "/2.0/workspaces/acme/members"
PERMS = "/2.0/repositories/acme/infra-core/permissions-config/users/"
EMAILS = 'user.email IN ("dev001@acme.example","dev002@acme.example")'
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _app(strict_on: bool):
    clock = FakeClock()
    app = create_app(DEMO_SEED, clock=clock, sleep=FakeSleep(clock), strict=strict_on)
    return app, LoopbackClient(app)


@pytest.fixture(name="strict_client")
def fixture_strict_client():
    return _app(True)


def _account(app, email: str) -> str:
    return app.state.accounts.get_by_email(email)["account_id"]


def _bitbucket_error(response) -> dict:
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"type", "error"} and body["type"] == "error" and set(body["error"]) <= {"message", "detail", "data"}
    return body["error"]


def _scim_error(response) -> dict:
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["schemas"] == [SCIM_ERROR] and body["status"] == "400"
    assert set(body) <= {"schemas", "status", "detail", "scimType"}
    return body


# -- documented forms: accepted, the same answer as in lenient mode ------------------------------------------------
def _documented(app) -> list:
    dev001 = _account(app, "dev001@acme.example")
    owner = _account(app, demo.OWNER_EMAIL)
    return [
        ("GET", MEMBERS, {"q": EMAILS, "fields": "+values.user.email", "pagelen": "5"}, None, ADMIN),
        ("GET", MEMBERS, {"q": 'user.email = "dev001@acme.example"', "fields": "+values.user.email"}, None, ADMIN),
        ("GET", MEMBERS, {"page": "2", "pagelen": "10"}, None, ADMIN),
        ("GET", "/2.0/workspaces/acme/permissions", {"q": 'user.account_id IN ("%s","%s")' % (dev001, owner)}, None, ADMIN),
        ("GET", "/2.0/workspaces/acme/permissions", {"q": 'permission="owner"'}, None, ADMIN),
        (
            "GET",
            "/2.0/workspaces/acme/permissions/repositories",
            {"q": 'user.account_id = "x" AND repository.full_name IN ("a/b")'},
            None,
            ADMIN,
        ),
        (
            "GET",
            "/2.0/workspaces/acme/permissions/repositories",
            {
                "q": 'user.account_id = "%s" AND repository.full_name IN ("acme/infra-core")' % dev001,
                "sort": "-user.display_name",
            },
            None,
            ADMIN,
        ),
        ("GET", "/2.0/workspaces/acme/permissions/repositories/infra-core", {"q": 'permission>"read"'}, None, ADMIN),
        ("GET", "/2.0/repositories/acme", {"q": 'slug IN ("a")', "fields": "values.slug,values.full_name,next"}, None, ADMIN),
        (
            "GET",
            "/2.0/repositories/acme",
            {"q": 'slug IN ("infra-core")', "fields": "values.slug,values.full_name,next", "role": "admin"},
            None,
            ADMIN,
        ),
        ("GET", "/2.0/user/emails", {"pagelen": "10"}, None, ADMIN),
        ("GET", "/2.0/user", {"fields": "-links"}, None, ADMIN),
        ("PUT", PERMS + dev001, None, {"permission": "write"}, ADMIN),
        ("GET", SCIM_USERS, {"filter": 'userName eq "dev002@acme.example"', "count": "5", "startIndex": "1"}, None, SCIM),
        ("GET", SCIM_USERS, {"filter": 'externalId eq "okta-00u-dev001"', "attributes": "userName"}, None, SCIM),
        ("GET", SCIM_GROUPS, {"filter": 'displayName eq "bitbucket-users"'}, None, SCIM),
        ("POST", ALL + "/users/search", None, {"emails": ["dev001@acme.example"], "limit": 5}, KEY),
        ("GET", DIR + "/users", {"accountIds": dev001, "limit": "2"}, None, KEY),
        ("GET", "/admin/v1/orgs", None, None, KEY),
    ]


def _stable(response):
    """The answer, without the SCIM timestamps (the seeded users are stamped when an app is built)."""

    def strip(node):
        if isinstance(node, dict):
            return {key: strip(value) for key, value in node.items() if key not in ("created", "lastModified")}
        return [strip(item) for item in node] if isinstance(node, list) else node

    return strip(response.get_json()) if response.is_json else response.get_data()


def test_documented_forms_get_the_lenient_answer():
    lenient_app, lenient = _app(False)
    strict_app, strict_client = _app(True)
    for method, path, query, body, headers in _documented(lenient_app):
        first = lenient.open(path, method=method, query_string=query, json=body, headers=headers)
        second = strict_client.open(path, method=method, query_string=query, json=body, headers=headers)
        where = "%s %s %s" % (method, path, query)
        assert first.status_code in (200, 201, 204), (where, first.get_data(as_text=True))
        assert second.status_code == first.status_code, (where, second.get_data(as_text=True))
        assert _stable(second) == _stable(first), where
    assert [e["status"] for e in strict_app.log.entries()] == [e["status"] for e in lenient_app.log.entries()]


def test_a_refused_write_changes_nothing_and_is_logged(strict_client):
    app, client = strict_client
    dev001 = _account(app, "dev001@acme.example")
    before = client.get(PERMS + dev001, headers=ADMIN)
    error = _bitbucket_error(client.put(PERMS + dev001, json={"permission": "write", "x": 1}, headers=ADMIN))
    assert "x" in error["message"] and "RepoPermissionUpdateSchema" in error["detail"]
    assert client.get(PERMS + dev001, headers=ADMIN).get_data() == before.get_data()
    entry = app.log.entries()[-2]
    assert (entry["method"], entry["status"], entry["credential"]) == ("PUT", 400, "api_token:demo-admin")
    assert not [e for e in app.log.writes() if e["status"] != 400]


def test_scim_writes_read_the_body_after_the_gate(strict_client):
    """The gate reads the body; the SCIM app still gets all of it (created, then patched with RFC 7644's Operations)."""
    app, client = strict_client
    created = client.post(SCIM_USERS, json=scim_user("strict01"), headers=SCIM)
    assert created.status_code == 201, created.get_data(as_text=True)
    path = "%s/%s" % (SCIM_USERS, created.get_json()["id"])
    operations = ({"op": "replace", "path": "name.givenName", "value": "Strict"}, {"op": "replace", "value": {"active": False}})
    patched = client.patch(path, json=scim_patch(*operations), headers=SCIM)
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert patched.get_json()["name"]["givenName"] == "Strict" and patched.get_json()["active"] is False
    assert app.accounts.get_by_email("strict01@acme.example") is not None


# -- refused forms ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, named",
    [
        ({"q": 'user.account_id IN ("557058:x")'}, "user.account_id"),
        ({"q": 'user.uuid IN ("{x}")'}, "user.uuid"),
        ({"q": 'permission="owner"'}, "permission"),
        ({"q": EMAILS + ' OR user.nickname ~ "dev"'}, "user.nickname"),
        ({"q": 'user.email ~ "acme"'}, "~"),
    ],
)
def test_members_accept_only_the_documented_email_filter(strict_client, query, named):
    error = _bitbucket_error(strict_client[1].get(MEMBERS, query_string=query, headers=ADMIN))
    assert error["message"].startswith("Invalid query") and named in error["message"]
    assert "user.email (=, IN)" in error["detail"]


@pytest.mark.parametrize(
    "path, query, named",
    [
        ("/2.0/workspaces/acme/projects", {"pagelen": "10", "foo": "1"}, "foo"),
        ("/2.0/workspaces/acme/projects", {"q": 'key = "PLAT"'}, "q"),
        (MEMBERS, {"sort": "user.display_name"}, "sort"),
        ("/2.0/workspaces/acme/permissions", {"sort": "user.display_name"}, "sort"),
        ("/2.0/user", {"pagelen": "10"}, "pagelen"),
        ("/2.0/repositories/acme/infra-core/permissions-config/users", {"q": 'permission="admin"'}, "q"),
    ],
)
def test_undocumented_bitbucket_parameters_are_refused(strict_client, path, query, named):
    error = _bitbucket_error(strict_client[1].get(path, query_string=query, headers=ADMIN))
    assert error["message"].startswith("Invalid query parameter") and named in error["message"]


@pytest.mark.parametrize(
    "path, query, named",
    [
        ("/2.0/workspaces/acme/permissions", {"q": 'user.email = "dev001@acme.example"'}, "user.email"),
        ("/2.0/workspaces/acme/permissions/repositories", {"sort": "-user.email"}, "user.email"),
        ("/2.0/repositories/acme", {"q": 'owner.account_id = "x"'}, "owner.account_id"),
        ("/2.0/repositories/acme", {"q": 'values.slug = "x"'}, "values.slug"),
    ],
)
def test_fields_outside_the_item_schema_are_refused(strict_client, path, query, named):
    error = _bitbucket_error(strict_client[1].get(path, query_string=query, headers=ADMIN))
    assert error["message"].startswith(("Invalid query", "Invalid sort")) and named in error["message"]
    assert "atlsim strict mode" in error["detail"]


def test_the_gate_passes_a_documented_field_the_route_does_not_know(strict_client):
    """BB_REPOSITORY_SLUG makes `slug` an element of every repository, so the gate lets repository.slug through on
    effective permissions; the route, which does not filter on it, gives its own answer, the same as in lenient mode."""
    query = {"q": 'repository.slug = "infra-core"'}
    assert strict.check("GET", "/2.0/workspaces/acme/permissions/repositories", query) is None
    lenient = _app(False)[1].get("/2.0/workspaces/acme/permissions/repositories", query_string=query, headers=ADMIN)
    answer = strict_client[1].get("/2.0/workspaces/acme/permissions/repositories", query_string=query, headers=ADMIN)
    assert (answer.status_code, answer.get_data()) == (lenient.status_code, lenient.get_data())


def test_a_query_the_parser_refuses_is_left_to_the_route(strict_client):
    """An unparsable q is the route's own 400 (strict mode adds nothing, changes nothing)."""
    lenient = _app(False)[1].get("/2.0/repositories/acme", query_string={"q": "name = "}, headers=ADMIN)
    refused = strict_client[1].get("/2.0/repositories/acme", query_string={"q": "name = "}, headers=ADMIN)
    assert refused.status_code == lenient.status_code == 400 and refused.get_data() == lenient.get_data()


def test_undocumented_admin_forms_are_refused(strict_client):
    app, client = strict_client
    error = error_of(client.post(ALL + "/users/search", json={"emails": ["dev001@acme.example"], "nope": 1}, headers=KEY))
    assert error["code"] == "ADMIN-UAM-400-1" and "nope" in error["detail"]
    error = error_of(client.get(DIR + "/users", query_string={"limit": "2", "emails": "dev001@acme.example"}, headers=KEY))
    assert "emails" in error["detail"]
    dev001 = _account(app, "dev001@acme.example")
    error = error_of(client.post(DIR + "/users/%s/suspend" % dev001, json={"reason": "x"}, headers=KEY))
    assert "documents no request body" in error["detail"]
    assert client.get("/2.0/workspaces/acme/members/" + dev001, headers=ADMIN).status_code == 200  # not suspended
    error = error_of(
        client.post(
            "/admin/v1/orgs/%s/users/%s/roles/assign" % (demo.ORG_ID, dev001),
            json={"role": "atlassian/admin", "resource": "x", "scope": "y"},
            headers=KEY,
        )
    )
    assert "scope" in error["detail"]


@pytest.mark.parametrize(
    "query, named, scim_type",
    [
        ({"filter": 'displayName eq "x"'}, "displayName", "invalidFilter"),
        ({"filter": 'userName co "dev"'}, "co", "invalidFilter"),
        ({"filter": 'userName eq "a" and externalId eq "b"'}, "single comparison", "invalidFilter"),
        ({"filter": "userName eq 1"}, "string", "invalidFilter"),
        ({"sortBy": "userName"}, "sortBy", None),
        ({"fields": "userName"}, "fields", None),
    ],
)
def test_scim_accepts_only_documented_filters_and_parameters(strict_client, query, named, scim_type):
    body = _scim_error(strict_client[1].get(SCIM_USERS, query_string=query, headers=SCIM))
    assert named in body["detail"] and body.get("scimType") == scim_type


def test_scim_documented_filter_is_answered(strict_client):
    page = strict_client[1].get(SCIM_USERS, query_string={"filter": 'userName eq "x"'}, headers=SCIM)
    assert page.status_code == 200 and page.get_json()["totalResults"] == 0
    assert strict_client[1].get(SCIM_USERS, query_string={"filter": 'USERNAME EQ "x"'}, headers=SCIM).status_code == 200


@pytest.mark.parametrize(
    "method, path, body, named",
    [
        ("POST", SCIM_USERS, scim_user("strict02", locale="en-US"), "locale"),  # RFC 7643, not in Atlassian's ScimUser
        ("POST", SCIM_USERS + "/.search", {"filter": 'userName eq "x"'}, "Unsupported operation"),
        ("PATCH", SCIM_USERS + "/any", scim_patch({"op": "move", "path": "title", "value": "x"}), "move"),
        ("PATCH", SCIM_USERS + "/any", scim_patch({"op": "replace", "path": "manager", "value": "x"}), "manager"),
        ("PATCH", SCIM_USERS + "/any", scim_patch({"op": "replace", "value": {"active": False, "foo": 1}}), "foo"),
        ("PATCH", SCIM_USERS + "/any", scim_patch({"op": "replace", "path": "title", "value": "x", "from": "y"}), "from"),
    ],
)
def test_undocumented_scim_bodies_are_refused(strict_client, method, path, body, named):
    answer = strict_client[1].open(path, method=method, json=body, headers=SCIM)
    assert named in _scim_error(answer)["detail"]


def test_faults_come_before_the_gate(strict_client):
    app, client = strict_client
    app.configure_faults({"fail_next": [{"status": 503, "count": 1}]})
    assert client.get("/2.0/user", query_string={"foo": "1"}, headers=ADMIN).status_code == 503
    assert client.get("/2.0/user", query_string={"foo": "1"}, headers=ADMIN).status_code == 400


def test_outside_the_gate(strict_client):
    """Control endpoints, the token endpoint, unknown paths and methods are answered as in lenient mode."""
    client = strict_client[1]
    assert client.get("/_sim/log", query_string={"anything": "1"}).status_code == 200
    token = client.post(
        "/site/oauth2/access_token",
        data={"grant_type": "client_credentials", "extra": "1"},
        headers=demo.basic(*demo.OAUTH_CLIENT),
    )
    assert token.status_code == 200
    assert client.get("/2.0/nothing/here", query_string={"x": "1"}, headers=ADMIN).status_code == 404
    assert client.post("/2.0/user", json={"x": 1}, headers=ADMIN).status_code == 405


# -- the overlays ---------------------------------------------------------------------------------------------------
def test_every_overlay_is_used_needed_and_documented():
    used = {name for name, _schema in strict_bitbucket.SUBTYPES.values()} | set(strict_bitbucket.ADDED_PROPERTIES.values())
    used |= set(strict_bitbucket.PAGINATED.values()) | {name for name, _ops in strict_bitbucket.OPERATORS.values()}
    used |= {"SCIM_CASE_INSENSITIVE", "SCIM_PATCH_OPS"}
    assert used == set(strict.OVERLAYS)
    readme = README.read_text(encoding="utf-8")
    assert all("`%s`" % name in readme for name in strict.OVERLAYS)
    bitbucket = find("bitbucket", "GET", "/2.0/user").spec
    schemas = bitbucket["components"]["schemas"]
    # needed: the spec alone would refuse these
    assert "account_id" not in strict_spec.properties(bitbucket, schemas["account"])
    assert "slug" not in strict_spec.properties(bitbucket, schemas["repository"])
    assert "200" not in bitbucket["paths"]["/user/emails"]["get"]["responses"]
    assert strict_bitbucket.description_filters(bitbucket["paths"]["/workspaces/{workspace}/members"]["get"]["description"]) == {
        "user.email": {"IN"}
    }
    # used: and only where they are named
    assert strict_bitbucket.schema_path(bitbucket, "workspace_membership", "user.account_id") == (True, ["BB_MEMBERSHIP_USER"])
    assert strict_bitbucket.schema_path(bitbucket, "repository_permission", "user.account_id") == (True, [])
    assert strict_bitbucket.schema_path(bitbucket, "repository", "slug") == (True, ["BB_REPOSITORY_SLUG"])
    assert strict_bitbucket.schema_path(bitbucket, "repository", "owner.account_id") == (False, [])


def test_scim_filter_rules_are_read_from_the_spec():
    users = strict.rules(find("scim", "GET", SCIM_USERS))
    groups = strict.rules(find("scim", "GET", SCIM_GROUPS))
    assert users.scim_filter == (frozenset({"userName", "externalId"}), frozenset({"eq"}))
    assert groups.scim_filter == (frozenset({"displayName"}), frozenset({"eq"}))
    assert users.query == {"attributes", "excludedAttributes", "filter", "startIndex", "count"}
    assert groups.query == {"filter", "startIndex", "count"}


def test_check_helper_names_what_it_refuses():
    assert strict.check("GET", MEMBERS, "q=" + EMAILS + "&fields=%2Bvalues.user.email") is None
    refusal = strict.check("GET", MEMBERS, 'q=user.account_id IN ("a")')
    assert refusal.api == "bitbucket" and "user.account_id" in refusal.message
    assert (
        strict.check("PUT", PERMS + "x", "", b'{"permission": "write", "x": 1}').message == "Unknown field in the request body: x"
    )
    assert strict.check("GET", SCIM_GROUPS, {"filter": 'displayName eq "x"'}) is None
    assert strict.check("GET", "/2.0/nothing", "x=1") is None and strict.check("GET", "/_sim/log", "x=1") is None


# -- switching it on ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, expected", [("1", True), ("true", True), ("YES", True), ("0", False), ("", False), ("no", False)]
)
def test_env_variable_decides_when_strict_is_none(monkeypatch, value, expected):
    monkeypatch.setenv(strict.ENV, value)
    assert create_app(DEMO_SEED).strict is expected
    assert create_app(DEMO_SEED, strict=not expected).strict is (not expected)


def test_strict_can_be_switched_at_run_time(strict_client):
    app, client = strict_client
    assert client.get("/2.0/user", query_string={"foo": "1"}, headers=ADMIN).status_code == 400
    app.strict = False
    assert client.get("/2.0/user", query_string={"foo": "1"}, headers=ADMIN).status_code == 200
    app.strict = True
    assert client.get("/2.0/user", query_string={"foo": "1"}, headers=ADMIN).status_code == 400
    app.reset()
    assert app.strict is True


def test_strict_mode_without_the_documents_fails_loudly(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLSIM_SPEC_DIR", str(tmp_path))
    with pytest.raises(SpecsUnavailable, match="ATLSIM_SPEC_DIR"):
        create_app(DEMO_SEED, strict=True)
    app = create_app(DEMO_SEED, strict=False)
    with pytest.raises(SpecsUnavailable):
        app.strict = True


@pytest.mark.parametrize("flag, env, expected", [(True, "0", 400), (False, "1", 400), (False, "0", 200)])
def test_cli_strict_flag_and_environment(flag, env, expected):
    environ = dict(os.environ, PYTHONPATH=str(SIMULATOR), **{strict.ENV: env})
    command = [sys.executable, "-m", "atlsim", "--seed", str(DEMO_SEED), "--port", "0"] + (["--strict"] if flag else [])
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("atlsim listening on http://127.0.0.1:"), proc.stderr.read() if proc.poll() else line
        url = line.rsplit(" ", 1)[1]
        assert proc.stdout.readline().strip() == "atlsim strict mode: %s" % ("on" if expected == 400 else "off")
        assert requests.get(url + "/2.0/user", params={"foo": "1"}, auth=demo.ADMIN, timeout=10).status_code == expected
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


INNER_TESTS = """
import os
import subprocess
import sys

import pytest

from atlsim import DEMO_SEED


def test_default(sim_app, sim):
    expected = os.environ.get("EXPECT") == "strict"
    assert sim_app.strict is expected and sim.app.strict is expected
    assert (os.environ.get("ATLSIM_STRICT") == "1") is expected
    child = subprocess.run([sys.executable, "-c", "import os; print(os.environ.get('ATLSIM_STRICT'))"],
                           capture_output=True, text=True, check=True)
    assert (child.stdout.strip() == "1") is expected


@pytest.mark.sim_lenient
def test_lenient(sim_app, sim, sim_factory):
    assert not sim_app.strict and not sim.app.strict and not sim_factory(DEMO_SEED).app.strict
    assert os.environ["ATLSIM_STRICT"] == "0"


def test_after_lenient(sim):
    assert sim.app.strict is (os.environ.get("EXPECT") == "strict")
"""


@pytest.mark.parametrize("option, expect", [(["--sim-strict"], "strict"), ([], "lenient")])
def test_pytest_option_and_lenient_marker(tmp_path, option, expect):
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["atlsim.pytest_plugin"]\n', encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS), encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k != strict.ENV}
    environ.update(PYTHONPATH=str(SIMULATOR), EXPECT=expect)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *option, str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "3 passed" in proc.stdout and "atlsim strict mode: %s" % ("on" if option else "off") in proc.stdout


def test_report_file_lists_refusals(strict_client, monkeypatch, tmp_path):
    report = tmp_path / "refused.jsonl"
    monkeypatch.setenv(strict.REPORT_ENV, str(report))
    strict_client[1].get(MEMBERS, query_string={"q": 'user.uuid IN ("{x}")'}, headers=ADMIN)
    strict_client[1].get(MEMBERS, query_string={"q": EMAILS}, headers=ADMIN)
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1 and lines[0]["path"] == MEMBERS and "user.uuid" in lines[0]["message"]
