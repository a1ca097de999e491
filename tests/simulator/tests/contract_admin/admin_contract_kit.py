# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Admin API contract tests share (test_contract_admin_answers.py): the demo organization's paths and keys,
the setups of a case (seed changes, faults), the app a case runs on, and :func:`exchange`, which sends one request and
validates it and its answer against the spec."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from atlsim import DEMO_SEED, demo
from atlsim.admin_common import encode_cursor
from atlsim.app import create_app
from atlsim.contract import reference_dir
from atlsim.pytest_plugin import LoopbackClient
from atlsim.state import load_seed

REFERENCE = reference_dir(Path(__file__).resolve().parents[4])
ORG = "/admin/v2/orgs/{org}"
D = ORG + "/directories/{dir}"
KEYS = {
    "admin": demo.ADMIN_API_KEY,
    "readonly": demo.ADMIN_READONLY_API_KEY,
    "groups-only": "test-groups-only-key",
    "directories-only": "test-directories-only-key",
    "bad": "not-a-key",
    "none": None,
}
# setups: seed changes (before the app is built) and app changes (after)
SEATS_FULL, UNPAID, INACTIVE, THROTTLED, BROKEN = "seats-full", "unpaid", "inactive-dev030", "burst-429", "fail-500"

USER_SEARCH, GROUP_SEARCH = D + "/users/search", D + "/groups/search"
USER, GROUP = D + "/users/{dev010}", D + "/groups/{users_group}"
MEMBERS = D + "/groups/{users_group}/memberships"
DIRECTORY_CURSOR = encode_cursor({"k": "directories", "o": 0, "l": 1, "f": {}})
USERS_CURSOR = encode_cursor({"k": "users", "o": 50, "l": 50, "f": {}})
GROUPS_CURSOR = encode_cursor({"k": "groups", "o": 1, "l": 1, "f": {}})
WORKSPACES_CURSOR = encode_cursor({"k": "workspaces", "o": 1, "l": 1, "f": {}})
ROLES_CURSOR = encode_cursor({"k": "user-roles", "o": 0, "l": 1, "f": {}})


def make_app(setup):
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    seed["admin"]["api_keys"] += [
        {"id": "groups-only", "key": KEYS["groups-only"], "org": demo.ORG_ID, "scopes": ["read:groups:admin"]},
        {"id": "directories-only", "key": KEYS["directories-only"], "org": demo.ORG_ID, "scopes": ["read:directories:admin"]},
    ]
    if setup == SEATS_FULL:
        seed["admin"]["orgs"][0]["resources"][0]["seats"] = 260
    if setup == UNPAID:
        seed["admin"]["orgs"][0]["paid"] = False
    app = create_app(seed)
    if setup == INACTIVE:
        app.state.accounts.get_by_email("dev030@acme.example")["account_status"] = "inactive"
    if setup == THROTTLED:
        app.configure_faults({"burst_429": 1})
    if setup == BROKEN:
        app.configure_faults({"fail_next": [{"status": 500, "count": 1, "path_prefix": "/admin/"}]})
    return app


def values_of(app) -> dict:
    org = app.state.admin.orgs[demo.ORG_ID]
    ids = {
        name: app.state.accounts.get_by_email(email)["account_id"]
        for name, email in (
            ("dev001", "dev001@acme.example"),
            ("dev010", "dev010@acme.example"),
            ("newhire01", demo.ADMIN_SUSPENDED_USER),
            ("newhire02", demo.ADMIN_NO_ACCESS_USER),
            ("globex", "owner@globex.example"),
        )
    }
    return dict(
        ids,
        org=demo.ORG_ID,
        dir=demo.ADMIN_DIRECTORY_ID,
        dir_id=demo.ADMIN_DIRECTORY_ID,
        users_group=demo.ADMIN_GROUP_USERS[0],
        admins_group=demo.ADMIN_GROUP_ADMINS[0],
        synced=demo.ADMIN_GROUP_SYNCED[0],
        acme=org.resource_ref("acme", "test").id,
        wiki=next(r for r in org.resources if r.startswith("ari:cloud:confluence")),
    )


def fill(value, values):
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    return value


def exchange(spec, app, method, path, expect, body=None, query=None, key="admin", valid=True):
    """Send one request to the app, assert its status, validate request (when ``valid``) and answer; return
    (answer, how the answer was checked, the spec's template)."""
    headers = {"Authorization": "Bearer " + KEYS[key]} if KEYS[key] else {}
    raw = json.dumps(body).encode() if body is not None else None
    answer = LoopbackClient(app).open(
        path,
        method=method,
        headers=headers,
        data=raw,
        query_string=query,
        content_type="application/json" if raw is not None else None,
    )
    assert answer.status_code == expect, f"{method} {path}: {answer.status_code} {answer.get_data(as_text=True)[:400]}"
    sent = dict(headers, **({"Content-Type": "application/json"} if raw is not None else {}))
    request = answer.request
    query_string = request.query_string.decode()
    if valid:
        spec.check_request(method, request.path, query_string, sent, raw)
    how = spec.check(method, request.path, query_string, sent, raw, answer.status_code, answer.headers, answer.get_data())
    found = spec.operation(method, request.path)
    return answer, how, found[0] if found else None
