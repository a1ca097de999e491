# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SCIM side of the simulator: Atlassian's ScimUser attributes and required fields.

Atlassian's specification declares ``department`` and ``organization`` as writable top-level attributes of
ScimUser, and the enterprise extension as read-only (RFC 7643 section 7: read-only values a client sends are
ignored). It requires ``schemas`` and ``emails`` with one primary address on creation and modification. The
plain mode stays scim2-server's RFC 7643 service.
"""

from __future__ import annotations

import pytest

from atlsim.scim import ATLASSIAN_EXTENSION_URN
from atlsim.scim_testkit import USER_SCHEMA
from atlsim.scim_testkit import demo_seed
from atlsim.scim_testkit import make_client
from atlsim.scim_testkit import patch
from atlsim.scim_testkit import user

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@pytest.fixture(name="scim")
def fixture_scim():
    return make_client(demo_seed(users=2))


@pytest.fixture(name="plain")
def fixture_plain():
    return make_client(demo_seed(users=2), extension=False)


def _created(client, name, **extra):
    answer = client.post("/Users", user(name, **extra))
    assert answer.status_code == 201, answer.json
    return answer.json


# -- department / organization (Atlassian mode) -------------------------------------------------


def test_post_takes_top_level_department_and_mirrors_it(scim):
    created = _created(scim, "dept", department="Platform", organization="Acme")
    assert (created["department"], created["organization"]) == ("Platform", "Acme")
    assert created[ENTERPRISE] == {"department": "Platform", "organization": "Acme"}
    assert ENTERPRISE in created["schemas"]
    assert scim.get("/Users/" + created["id"]).json == created


def test_post_ignores_writes_into_the_read_only_enterprise_extension(scim):
    created = _created(scim, "ext-only", **{ENTERPRISE: {"department": "Ignored", "employeeNumber": "42"}})
    assert "department" not in created and ENTERPRISE not in created and ENTERPRISE not in created["schemas"]
    both = _created(scim, "both", department="Top", **{ENTERPRISE: {"department": "Ignored", "organization": "No"}})
    assert both["department"] == "Top" and "organization" not in both
    assert both[ENTERPRISE] == {"department": "Top"}


@pytest.mark.parametrize(
    "operation,expected",
    [
        ({"op": "replace", "path": "department", "value": "Ops"}, {"department": "Ops", "organization": "Acme"}),
        ({"op": "add", "path": "organization", "value": "Globex"}, {"department": "R&D", "organization": "Globex"}),
        (
            {"op": "replace", "value": {"department": "Ops", "organization": "Globex"}},
            {"department": "Ops", "organization": "Globex"},
        ),
        ({"op": "remove", "path": "department"}, {"organization": "Acme"}),
    ],
    ids=["replace-path", "add-path", "replace-no-path", "remove"],
)
def test_patch_top_level_attributes(scim, operation, expected):
    created = _created(scim, "patched", department="R&D", organization="Acme")
    answer = scim.patch("/Users/" + created["id"], patch(operation))
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert {k: body[k] for k in ("department", "organization") if k in body} == expected
    assert body[ENTERPRISE] == expected
    assert scim.get("/Users/" + created["id"]).json == body


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Ignored"},
        {"op": "add", "path": f"{ENTERPRISE}:employeeNumber", "value": "7"},
        {"op": "remove", "path": f"{ENTERPRISE}:department"},
        {"op": "replace", "value": {ENTERPRISE: {"department": "Ignored"}}},
    ],
    ids=["replace-path", "add-path", "remove-path", "no-path"],
)
def test_patch_into_the_enterprise_extension_is_ignored(scim, operation):
    created = _created(scim, "readonly", department="R&D")
    answer = scim.patch("/Users/" + created["id"], patch(operation))
    assert answer.status_code == 200, answer.json
    assert answer.json == created  # nothing changed, not even meta.lastModified
    assert scim.get("/Users/" + created["id"]).json == created


def test_removing_both_drops_the_mirror(scim):
    created = _created(scim, "emptied", department="R&D", organization="Acme")
    answer = scim.patch(
        "/Users/" + created["id"], patch({"op": "remove", "path": "department"}, {"op": "remove", "path": "organization"})
    )
    assert answer.status_code == 200
    assert not {"department", "organization", ENTERPRISE} & set(answer.json)
    assert ENTERPRISE not in answer.json["schemas"]


def test_put_sets_top_level_attributes_and_ignores_the_extension(scim):
    created = _created(scim, "replaced", department="R&D")
    answer = scim.put("/Users/" + created["id"], user("replaced", organization="Acme", **{ENTERPRISE: {"department": "No"}}))
    assert answer.status_code == 200, answer.json
    assert "department" not in answer.json and answer.json["organization"] == "Acme"
    assert answer.json[ENTERPRISE] == {"organization": "Acme"}


def test_seeded_enterprise_attributes(scim):
    seeded = user("seeded", department="Top", costCenter="CC-1", **{ENTERPRISE: {"organization": "FromExtension"}})
    client = make_client({"directories": [{"id": "dir0", "api_key": "key-dir0", "users": [seeded]}]})
    found = client.find("seeded@acme.example")[0]
    assert (found["department"], found["organization"]) == ("Top", "FromExtension")
    assert found[ENTERPRISE] == {"department": "Top", "organization": "FromExtension", "costCenter": "CC-1"}
    answer = client.patch("/Users/" + found["id"], patch({"op": "replace", "path": "department", "value": "New"}))
    assert answer.json[ENTERPRISE] == {"department": "New", "organization": "FromExtension", "costCenter": "CC-1"}
    replaced = client.put("/Users/" + found["id"], user("seeded"))
    assert replaced.json[ENTERPRISE] == {"costCenter": "CC-1"}  # read-only: a PUT keeps it


# -- required schemas / emails (Atlassian mode) ----------------------------------------------------


def _without(body, key):
    body = dict(body)
    del body[key]
    return body


@pytest.mark.parametrize(
    "body,scim_type,words",
    [
        (_without(user("nope"), "schemas"), "invalidSyntax", "schemas"),
        ({**user("nope"), "schemas": []}, "invalidSyntax", "schemas"),
        (_without(user("nope"), "emails"), "invalidValue", "emails"),
        (user("nope", emails=[]), "invalidValue", "emails"),
        (user("nope", emails=[{"value": "nope@acme.example", "type": "work"}]), "invalidValue", "primary"),
        (user("nope", emails=[{"value": "nope@acme.example", "primary": False}]), "invalidValue", "primary"),
    ],
    ids=["no-schemas", "empty-schemas", "no-emails", "empty-emails", "no-primary", "primary-false"],
)
def test_post_and_put_require_schemas_and_a_primary_email(scim, body, scim_type, words):
    known = len(scim.accounts.by_email)
    answer = scim.post("/Users", body)
    assert answer.status_code == 400, answer.json
    assert answer.json["scimType"] == scim_type and words in answer.json["detail"]
    assert len(scim.accounts.by_email) == known and scim.find("nope@acme.example") == []
    target = scim.find("user000@acme.example")[0]
    replaced = scim.put("/Users/" + target["id"], body)
    assert replaced.status_code == 400 and replaced.json["scimType"] == scim_type
    assert scim.get("/Users/" + target["id"]).json == target


def test_emails_of_a_wrong_type_are_still_400(scim):
    answer = scim.post("/Users", {"schemas": [USER_SCHEMA], "userName": "x", "emails": "x@acme.example"})
    assert answer.status_code == 400


# -- plain mode stays scim2-server ------------------------------------------------------------------


def test_plain_mode_keeps_rfc_7643_enterprise_attributes(plain):
    refused = plain.post("/Users", user("top", department="R&D"))
    assert refused.status_code == 400 and "department" in refused.json["detail"]
    created = _created(plain, "ext", **{ENTERPRISE: {"department": "R&D", "employeeNumber": "7"}})
    assert created[ENTERPRISE] == {"department": "R&D", "employeeNumber": "7"} and "department" not in created
    answer = plain.patch("/Users/" + created["id"], patch({"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Ops"}))
    assert answer.status_code == 204
    assert plain.get("/Users/" + created["id"]).json[ENTERPRISE]["department"] == "Ops"
    assert ATLASSIAN_EXTENSION_URN not in created


def test_plain_mode_requires_neither_schemas_nor_emails(plain):
    assert plain.post("/Users", _without(_without(user("lax"), "schemas"), "emails")).status_code == 201
