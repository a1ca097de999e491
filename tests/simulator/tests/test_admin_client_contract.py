# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own Admin API client (``plugins/module_utils/_admin/``) against the simulator over HTTP, with
every request it sends and every answer it gets validated against the official spec
(``atlassian-admin-organization.swagger.v3.2026-08-21.json``): paths (``admin_url`` + ``/admin`` + the spec's
templates), query parameters, bodies (the spec's bounds and worded rules included), statuses and answer shapes.

The client is imported from this repository through a temporary ``ansible_collections/accessops/atlassian`` link.
The scenarios run the module logic (``_admin_info``, ``_admin_ensure``) and the client's writes, together calling each
of the 14 operations the collection uses, their 409 / 404 / 206 / 402 answers included. Skipped when the reference
documents are absent.
"""

from __future__ import annotations

import copy
import importlib
import sys
from pathlib import Path

import pytest
import requests

from atlsim import DEMO_SEED, demo
from atlsim.contract import ADMIN_SPEC, SpecContract, reference_dir
from atlsim.state import load_seed
from atlsim.admin_testkit import COLLECTION_OPERATIONS as COLLECTION

REPO = Path(__file__).resolve().parents[3]
REFERENCE = reference_dir(REPO)
PACKAGE = "ansible_collections.accessops.atlassian.plugins.module_utils"
USERS, ADMINS = demo.ADMIN_GROUP_USERS[1], demo.ADMIN_GROUP_ADMINS[1]


@pytest.fixture(scope="module", name="spec")
def fixture_spec():
    if not (REFERENCE / ADMIN_SPEC).is_file():
        pytest.skip(f"Admin OpenAPI document not found under {REFERENCE} (absent from a plain clone)")
    return SpecContract.admin(REFERENCE)


@pytest.fixture(scope="module", name="lib")
def fixture_lib(tmp_path_factory):
    """The collection's module_utils, imported from this repository (``ansible_collections.accessops.atlassian``)."""
    root = tmp_path_factory.mktemp("collections")
    (root / "ansible_collections" / "accessops").mkdir(parents=True)
    (root / "ansible_collections" / "accessops" / "atlassian").symlink_to(REPO, target_is_directory=True)
    sys.path.insert(0, str(root))
    try:
        names = {
            "_admin": "_admin.client",
            "_admin_writes": "_admin.writes",
            "_admin_info": "_admin.info",
            "_admin_ensure": "_admin.ensure",
            "_args": "_admin.connection",
            "_errors": "_errors",
        }
        yield {name: importlib.import_module(PACKAGE + "." + module) for name, module in names.items()}
    finally:
        sys.path.remove(str(root))


class Recorder:
    """Every (request, response) the collection's transport sends and gets, through ``requests.Session.send``."""

    def __init__(self, monkeypatch):
        self.exchanges = []
        original = requests.Session.send

        def send(session, request, **kwargs):
            response = original(session, request, **kwargs)
            self.exchanges.append((request, response))
            return response

        monkeypatch.setattr(requests.Session, "send", send)

    def validate(self, spec) -> set:
        """Check every exchange against the spec; return {(method, template, status)}."""
        seen = set()
        for request, response in self.exchanges:
            path, _mark, query = request.path_url.partition("?")
            headers = dict(request.headers)
            body = request.body.encode() if isinstance(request.body, str) else request.body
            template = spec.check_request(request.method, path, query, headers, body)
            spec.check(request.method, path, query, headers, body, response.status_code, response.headers, response.content)
            seen.add((request.method, template, response.status_code))
        return seen


@pytest.fixture(name="recorder")
def fixture_recorder(monkeypatch):
    return Recorder(monkeypatch)


def _client(lib, sim, directory="-"):
    params = {
        "admin_url": sim.url,
        "org_id": demo.ORG_ID,
        "admin_api_key": demo.ADMIN_API_KEY,
        "admin_directory_id": directory,
        "max_retries": 0,
    }
    transport = lib["_args"].admin_transport_from_params(params, warn=lambda message: None)
    return lib["_admin"].AdminClient(transport, demo.ORG_ID, directory)


def _seed(seats=None, paid=True):
    seed = copy.deepcopy(load_seed(DEMO_SEED))
    if seats is not None:
        seed["admin"]["orgs"][0]["resources"][0]["seats"] = seats
    seed["admin"]["orgs"][0]["paid"] = paid
    return seed


def test_the_client_reads_and_writes_as_the_spec_declares(lib, spec, recorder, sim_factory):
    sim = sim_factory(_seed())
    client = _client(lib, sim)
    info, ensure = lib["_admin_info"], lib["_admin_ensure"]
    # reads: a user with its roles, groups with members and roles, every user (three pages), workspaces page by page
    users, _unchanged = info.user_info(client, {"users": ["dev001@acme.example"], "include_role_assignments": True})
    assert users["users"][0]["role_assignments"]
    groups, _unchanged = info.group_info(
        client, {"names": [USERS, ADMINS], "include_members": True, "include_role_assignments": True}
    )
    assert sorted(g["name"] for g in groups["groups"]) == [ADMINS, USERS]
    assert len(client.search_users(expand=())) == 263
    pages = lib["_admin"].iter_admin_values(client.transport, client._org + "/workspaces", body={}, limit=1, cursor_alone=True)
    assert len(list(pages)) == 2
    dev020 = sim.state.accounts.get_by_email("dev020@acme.example")["account_id"]
    assert client.get_user(dev020, demo.ADMIN_DIRECTORY_ID)["email"] == "dev020@acme.example"
    # memberships: add, add again (nothing to write), a 409 read again as a member, remove, remove again (404 read again)
    task = {"user": demo.ADMIN_NO_ACCESS_USER, "groups": [USERS]}
    assert ensure.group_membership(client, task)[0]["added"] == [USERS]
    assert ensure.group_membership(client, task)[0]["changed"] is False
    users_group = client.search_groups(names=[USERS])[0]
    assert client.add_member(users_group, dev020) is False  # 409: already a member, by the read again
    assert ensure.group_membership(client, dict(task, state="absent"))[0]["removed"] == [USERS]
    newhire02 = sim.state.accounts.get_by_email(demo.ADMIN_NO_ACCESS_USER)["account_id"]
    assert client.remove_member(users_group, newhire02) is False  # 404: not a member, by the read again
    # the account: suspend, restore, remove, remove again (404 read again)
    for state, changed in (("suspended", True), ("active", True), ("removed", True), ("removed", False)):
        assert ensure.account_state(client, {"user": "dev020@acme.example", "state": state})[0]["changed"] is changed
    assert client.remove_user(demo.ADMIN_DIRECTORY_ID, dev020) is False
    # an invitation into the group (200), then one failing for a deactivated account (206, per email)
    invited, failed = ensure.account_state(client, {"user": "fresh@acme.example", "state": "invited", "groups": [USERS]})
    assert not failed and invited["invitations"][0]["invited"] is True and invited["pending"] is False
    sim.state.accounts.get_by_email("dev030@acme.example")["account_status"] = "inactive"
    with pytest.raises(lib["_admin_writes"].InvitationFailedError) as caught:
        client.invite(["dev030@acme.example", "fresh2@acme.example"], [users_group["id"]])
    assert [r["invited"] for r in caught.value.results] == [False, True]
    seen = recorder.validate(spec)
    assert {(method, template) for method, template, _status in seen} >= COLLECTION
    assert {s for _m, t, s in seen if t.endswith("/memberships")} == {204, 409}
    assert {s for _m, t, s in seen if t.endswith("/memberships/{accountId}")} == {204, 404}
    assert {s for _m, t, s in seen if t.endswith("/users/invite")} == {200, 206}


def test_out_of_seats_is_named_from_the_spec_s_answers(lib, spec, recorder, sim_factory):
    sim = sim_factory(_seed(seats=260))
    client = _client(lib, sim)
    with pytest.raises(lib["_admin_writes"].LicenceLimitError) as caught:
        lib["_admin_ensure"].group_membership(client, {"user": demo.ADMIN_NO_ACCESS_USER, "groups": [USERS]})
    assert "out of seats: bitbucket acme (260 of 260 seats used) (HTTP 409: ADMIN-UAM-409-3" in str(caught.value)
    with pytest.raises(lib["_admin_writes"].LicenceLimitError, match="out of seats: bitbucket acme"):
        client.invite(["late@acme.example"], [demo.ADMIN_GROUP_USERS[0]])
    seen = recorder.validate(spec)
    assert ("POST", "/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships", 409) in seen
    assert ("POST", "/v2/orgs/{orgId}/users/invite", 409) in seen


def test_an_organization_without_a_paid_subscription(lib, spec, recorder, sim_factory):
    sim = sim_factory(_seed(paid=False))
    with pytest.raises(lib["_admin_writes"].SubscriptionRequiredError, match="no paid subscription"):
        _client(lib, sim).invite(["x@acme.example"])
    assert recorder.validate(spec) == {("POST", "/v2/orgs/{orgId}/users/invite", 402)}


def test_a_configured_directory_is_written_and_read_in(lib, spec, recorder, sim_factory):
    sim = sim_factory(_seed())
    client = _client(lib, sim, demo.ADMIN_DIRECTORY_ID)
    result, failed = lib["_admin_ensure"].account_state(client, {"user": "dev021@acme.example", "state": "suspended"})
    assert not failed and result["directories"] == [demo.ADMIN_DIRECTORY_ID]
    seen = recorder.validate(spec)
    assert ("POST", "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend", 204) in seen
