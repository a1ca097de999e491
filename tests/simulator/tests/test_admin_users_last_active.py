# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The user search's ``productAccess`` expand carries each product instance's ``lastActiveTimestamp``
(``MultiDirectoryProductAccess`` of the organization spec) from the seed's ``last_active`` dates: the same moment as
the per-user last-active dates, left out for a product without a date (never active); answers checked against the
official schema, in strict mode."""

from __future__ import annotations

import copy
import json

import pytest

from atlsim import DEMO_SEED, demo
from atlsim.admin_testkit import DIR, KEY, account_id
from atlsim.app import create_app
from atlsim.clock import FakeClock
from atlsim.contract import SpecContract
from atlsim.pytest_plugin import LoopbackClient
from atlsim.state import load_seed
from atlsim.strict_spec import ADMIN_ORG_SPEC, spec_dir

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z
DAY = 86400
V1 = "/admin/v1/orgs/%s" % demo.ORG_ID


@pytest.fixture(scope="module", name="spec")
def fixture_spec():
    if not (spec_dir() / ADMIN_ORG_SPEC).is_file():
        pytest.skip("official documents not found in %s (absent from a plain clone)" % spec_dir())
    return SpecContract.admin(spec_dir())


@pytest.fixture(name="app")
def fixture_app(spec):
    """The demo seed, but dev002 never active on Confluence (its seeded date dropped; it keeps the access)."""
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    entry = next(a for a in seed["accounts"] if a.get("email") == "dev002@acme.example")
    del entry["last_active"]["confluence"]
    return create_app(seed, clock=FakeClock(NOW), strict=True)


def _search(app, spec, emails):
    """The search's answer (checked against the spec: request and answer) by email: {product key: productAccess item}."""
    raw = json.dumps({"emails": emails, "expand": ["productAccess"]}).encode()
    headers = dict(KEY, **{"Content-Type": "application/json"})
    answer = LoopbackClient(app).open(DIR + "/users/search", method="POST", headers=headers, data=raw)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    spec.check_request("POST", DIR + "/users/search", "", headers, raw)
    how = spec.check("POST", DIR + "/users/search", "", headers, raw, 200, answer.headers, answer.get_data())
    assert how == "operation"
    body = answer.get_json()
    return {user["email"]: {p["key"]: p for p in user["productAccess"]} for user in body["data"]}


def _per_user(app, email):
    url = "%s/directory/users/%s/last-active-dates" % (V1, account_id(app, email))
    body = LoopbackClient(app).get(url, headers=KEY).get_json()
    return {item["key"]: item["last_active_timestamp"] for item in body["data"]["product_access"]}


def test_product_access_carries_the_seeded_last_active_timestamp(app, spec):
    emails = ["dev001@acme.example", "dev002@acme.example", "dev005@acme.example", demo.ADMIN_NO_ACCESS_USER]
    found = _search(app, spec, emails)
    dev001, dev002, dev005 = found["dev001@acme.example"], found["dev002@acme.example"], found["dev005@acme.example"]
    # dev001: Bitbucket and Confluence dates seeded, both on their instance, the same moments as the per-user read
    assert sorted(dev001) == ["bitbucket", "confluence"]
    assert {key: p["lastActiveTimestamp"] for key, p in dev001.items()} == _per_user(app, "dev001@acme.example")
    # dev002: Confluence access without a date (never active there): the key is left out, not null
    assert sorted(dev002) == ["bitbucket", "confluence"] and set(dev002["confluence"]) == {"key", "id"}
    assert {"bitbucket": dev002["bitbucket"]["lastActiveTimestamp"]} == _per_user(app, "dev002@acme.example")
    # the dormant member: 150 days before the clock, at 00:00:00 UTC of that day
    assert dev005["bitbucket"]["lastActiveTimestamp"] == "2023-06-17T00:00:00Z"
    assert found[demo.ADMIN_NO_ACCESS_USER] == {}  # no access: no instance, no date


def test_no_timestamp_without_the_expand_and_dates_age_with_a_reset(app, spec):
    plain = LoopbackClient(app).post(DIR + "/users/search", json={"emails": ["dev005@acme.example"]}, headers=KEY)
    assert "productAccess" not in plain.get_json()["data"][0]
    app.clock.advance(10 * DAY)
    app.reset()  # relative seed dates are counted again from the clock
    again = _search(app, spec, ["dev005@acme.example"])["dev005@acme.example"]
    assert again["bitbucket"]["lastActiveTimestamp"] == "2023-06-27T00:00:00Z"
