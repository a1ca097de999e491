# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's SCIM answers against Atlassian's user provisioning OpenAPI document.

Covered: Users list / filter / paging, GET, POST, PUT, PATCH, DELETE and their error answers
(400 invalidFilter and invalid payload, 401, 404 unknown directory and user, 409), Groups list / POST /
GET. The discovery endpoints are not checked: the spec declares their bodies as JSON *strings*.
Skipped when the reference documents are absent (a user's clone).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from atlsim.contract import SpecContract
from atlsim.contract import reference_dir
from atlsim.scim_testkit import GROUP_SCHEMA
from atlsim.scim_testkit import demo_seed
from atlsim.scim_testkit import make_client
from atlsim.scim_testkit import patch
from atlsim.scim_testkit import user

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
REFERENCE = reference_dir(Path(__file__).resolve().parents[3])


def _require_reference():
    if not (REFERENCE / "atlassian-user-provisioning-scim.2022-08-29.json").is_file():
        pytest.skip(
            f"Atlassian SCIM OpenAPI document not found under {REFERENCE}: the official specs live beside the "
            "repository (../shared/reference) and are absent from a plain clone"
        )


@pytest.fixture(scope="module", name="scim_spec")
def fixture_scim_spec():
    """The contract of Atlassian's service (with the STRICTNESS_OVERLAY entries for the account link)."""
    _require_reference()
    return SpecContract.scim(REFERENCE)


@pytest.fixture(scope="module", name="plain_spec")
def fixture_plain_spec():
    """The same contract without the Atlassian-only requirements, for scim2-server's plain mode."""
    _require_reference()
    return SpecContract.scim(REFERENCE, atlassian=False)


class Checked:
    """Calls the SCIM app and validates every answer against the spec; remembers what it saw."""

    def __init__(self, spec, client, extension=True):
        self.spec = spec
        self.client = client
        self.extension = extension

    def __call__(self, method, path, body=None, query=None, api_key=None, expect=None, full_path=None):
        answer = (
            self.client.call(method, path, body, query=query, api_key=api_key)
            if full_path is None
            else self.client.client.open(full_path, method=method, headers=self.client.headers(api_key))
        )
        if expect is not None:
            assert answer.status_code == expect, answer.get_data(as_text=True)
        if method == "PATCH" and answer.status_code == 204 and not self.extension:
            # Plain RFC 7644 mode (not Atlassian): scim2-server answers a PATCH 204 without body (RFC 7644 §3.5.2).
            assert answer.get_data() == b""
            return answer
        request = answer.request
        self.spec.check(
            method,
            request.path,
            request.query_string.decode(),
            dict(request.headers),
            None,
            answer.status_code,
            answer.headers,
            answer.get_data(),
        )
        return answer


@pytest.fixture(name="checked", params=[True, False], ids=["atlassian", "plain"])
def fixture_checked(scim_spec, plain_spec, request):
    spec = scim_spec if request.param else plain_spec
    return Checked(spec, make_client(demo_seed(users=3), extension=request.param), extension=request.param)


def test_user_reads(checked):
    listed = checked("GET", "/Users", expect=200).json
    checked("GET", "/Users", query={"startIndex": 2, "count": 1}, expect=200)
    checked("GET", "/Users", query={"filter": 'userName eq "user001@acme.example"'}, expect=200)
    checked("GET", "/Users/" + listed["Resources"][0]["id"], expect=200)
    checked("GET", "/Users/" + listed["Resources"][0]["id"], query={"attributes": "userName,emails.value"}, expect=200)


def test_user_writes(checked):
    # Atlassian's ScimUser takes department / organization top-level; RFC 7643 in the enterprise extension.
    where = {"department": "R&D"} if checked.extension else {ENTERPRISE: {"department": "R&D"}}
    created = checked(
        "POST",
        "/Users",
        user("contract", externalId="c-1", title="QA", **where, phoneNumbers=[{"value": "+1 555 0100", "type": "work"}]),
        expect=201,
    ).json
    path = "/Users/" + created["id"]
    checked("PUT", path, user("contract", title="Lead", **where), expect=200)
    # Atlassian answers a PATCH 200 with the user; plain scim2-server 204 without a body (RFC 7644 allows both).
    checked("PATCH", path, patch({"op": "replace", "path": "active", "value": False}), expect=200 if checked.extension else 204)
    if checked.extension:
        checked("PATCH", path, patch({"op": "replace", "path": "organization", "value": "Acme"}), expect=200)
    checked(
        "PATCH", path, patch({"op": "replace", "value": {"displayName": "C"}}), query={"attributes": "displayName"}, expect=200
    )
    checked("DELETE", path, expect=204)


def test_user_errors(checked):
    if checked.extension:
        checked("GET", "/Users", query={"filter": 'title eq "x"'}, expect=400)
    checked("GET", "/Users", query={"filter": "userName eq"}, expect=400)
    checked("POST", "/Users", {"emails": "not-a-list"}, expect=400)
    if checked.extension:
        checked("POST", "/Users", {**user("no-primary"), "emails": [{"value": "x@acme.example"}]}, expect=400)
        checked("POST", "/Users", {k: v for k, v in user("no-schemas").items() if k != "schemas"}, expect=400)
    checked("POST", "/Users", user("user000"), expect=409)
    checked("GET", "/Users", api_key="wrong", expect=401)
    checked("POST", "/Users", user("nobody"), api_key="wrong", expect=401)
    checked("GET", "/Users/unknown-id", expect=404)
    checked("PUT", "/Users/unknown-id", user("ghost"), expect=404)
    checked("PATCH", "/Users/unknown-id", patch({"op": "replace", "path": "active", "value": False}), expect=404)
    checked("DELETE", "/Users/unknown-id", expect=404)
    checked("GET", None, full_path="/scim/directory/unknown/Users", expect=404)


def test_groups(checked):
    checked("GET", "/Groups", expect=200)
    created = checked("POST", "/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "contract-group"}, expect=201).json
    checked("GET", "/Groups/" + created["id"], expect=200)
    checked("GET", "/Groups/unknown-id", expect=404)
    checked("DELETE", "/Groups/" + created["id"], expect=204)


def test_spec_rejects_a_wrong_body(scim_spec):
    """The checker is not a rubber stamp: a user whose userName is a number is refused."""
    from atlsim.contract import ContractViolation  # pylint: disable=import-outside-toplevel
    from werkzeug.datastructures import Headers  # pylint: disable=import-outside-toplevel

    with pytest.raises(ContractViolation, match="userName"):
        scim_spec.check(
            "GET",
            "/scim/directory/d/Users/1",
            "",
            {},
            None,
            200,
            Headers({"Content-Type": "application/scim+json"}),
            b'{"id": "1", "userName": 42}',
        )


def test_through_the_whole_simulator(scim_spec):
    """The same answers once routed by the simulator's dispatcher (demo seed, demo directory and key)."""
    from atlsim import DEMO_SEED  # pylint: disable=import-outside-toplevel
    from atlsim.app import create_app  # pylint: disable=import-outside-toplevel
    from atlsim.scim_testkit import ScimTestClient  # pylint: disable=import-outside-toplevel

    checked = Checked(scim_spec, ScimTestClient(create_app(DEMO_SEED), "demo-directory", "demo-scim-api-key"))
    listed = checked("GET", "/Users", expect=200).json
    assert listed["totalResults"] == 3
    created = checked("POST", "/Users", user("through"), expect=201).json
    checked("PATCH", "/Users/" + created["id"], patch({"op": "replace", "path": "active", "value": False}), expect=200)
    checked("GET", "/Users", query={"filter": 'title eq "x"'}, expect=400)
    checked("GET", "/Users", api_key="wrong", expect=401)
    checked("POST", "/Users", user("through"), expect=409)
    checked("DELETE", "/Users/" + created["id"], expect=204)
    checked("GET", "/Users/" + created["id"], expect=404)
