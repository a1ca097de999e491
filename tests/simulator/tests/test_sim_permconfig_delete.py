# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DELETE of an explicit permission (repository and project, users and groups) per the spec: "Deletes the ...
permission between the requested repository [project] and user [group], if one exists" -- 204 also when there is
none (nothing changes); 404 only when "one or more of the workspace, repository [project], and user [group] doesn't
exist"."""

from __future__ import annotations

import pytest

from atlsim import demo
from atlsim.demo import basic

ADMIN = basic(*demo.ADMIN)
REPO = "/2.0/repositories/acme/infra-core/permissions-config"
PROJECT = "/2.0/workspaces/acme/projects/PLAT/permissions-config"
UNKNOWN_USER = "557058:00000000-0000-0000-0000-000000000000"
UNKNOWN_UUID = "%7B00000000-0000-4000-8000-000000000000%7D"


def acct(sim_app, email):
    return sim_app.state.accounts.get_by_email(email)


def holders(sim_app):
    """(explicit permissions, updated_on) of infra-core and of project PLAT."""
    ws = sim_app.state.workspaces["acme"]
    repo, project = ws.repos["infra-core"], ws.projects["PLAT"]
    return (
        (dict(repo.user_perms), dict(repo.group_perms), repo.updated_on),
        (dict(project.user_perms), dict(project.group_perms), project.updated_on),
        ws.version,
    )


@pytest.mark.parametrize("base", [REPO, PROJECT])
def test_delete_without_an_explicit_permission_is_204_and_changes_nothing(sim_app, sim_client, base):
    dev = acct(sim_app, "dev250@acme.example")  # a member in no group, without any explicit permission
    before = holders(sim_app)
    for ident in (dev["account_id"], dev["uuid"]):
        assert sim_client.get(base + "/users/" + ident, headers=ADMIN).status_code == 404  # GET one: still 404
        resp = sim_client.delete(base + "/users/" + ident, headers=ADMIN)
        assert resp.status_code == 204 and resp.data == b""
    assert sim_client.get(base + "/groups/contractors", headers=ADMIN).status_code == 404
    assert sim_client.delete(base + "/groups/contractors", headers=ADMIN).status_code == 204
    assert holders(sim_app) == before  # not even updated_on moved


@pytest.mark.parametrize("base", [REPO, PROJECT])
def test_delete_of_an_account_outside_the_workspace_is_204(sim_app, sim_client, base):
    """The account exists (the spec's 404 is about identifiers that do not exist): nothing to delete, 204."""
    for email in ("newhire01@acme.example", "dev01@globex.example"):
        assert sim_client.delete(base + "/users/" + acct(sim_app, email)["account_id"], headers=ADMIN).status_code == 204


@pytest.mark.parametrize(
    "path",
    [
        REPO + "/users/" + UNKNOWN_USER,
        REPO + "/users/" + UNKNOWN_UUID,
        REPO + "/groups/no-such-group",
        PROJECT + "/users/" + UNKNOWN_USER,
        PROJECT + "/users/" + UNKNOWN_UUID,
        PROJECT + "/groups/no-such-group",
        "/2.0/repositories/acme/no-such-repo/permissions-config/users/" + UNKNOWN_USER,
        "/2.0/repositories/acme/no-such-repo/permissions-config/groups/qa",
        "/2.0/repositories/nope/infra-core/permissions-config/groups/qa",
        "/2.0/workspaces/acme/projects/NOPE/permissions-config/groups/qa",
        "/2.0/workspaces/nope/projects/PLAT/permissions-config/groups/qa",
    ],
)
def test_delete_is_404_only_for_an_unknown_workspace_holder_user_or_group(sim_client, path):
    resp = sim_client.delete(path, headers=ADMIN)
    assert resp.status_code == 404 and resp.get_json()["type"] == "error"


def test_an_existing_explicit_permission_is_still_deleted(sim_app, sim_client):
    """Both paths still work: an existing explicit permission is deleted (204, gone), the second DELETE is 204."""
    dev1 = acct(sim_app, "dev001@acme.example")["account_id"]  # write on infra-core
    ws = sim_app.state.workspaces["acme"]
    assert ws.repos["infra-core"].user_perms[dev1] == "write"
    for _attempt in range(2):
        assert sim_client.delete(REPO + "/users/" + dev1, headers=ADMIN).status_code == 204
        assert dev1 not in ws.repos["infra-core"].user_perms
    assert sim_client.delete(PROJECT + "/groups/qa", headers=ADMIN).status_code == 204
    assert "qa" not in ws.projects["PLAT"].group_perms
    assert sim_client.delete(PROJECT + "/groups/qa", headers=ADMIN).status_code == 204


@pytest.mark.parametrize("base", [REPO, PROJECT])
def test_the_checks_before_it_still_apply_without_an_explicit_permission(sim_app, sim_client, base):
    dev = acct(sim_app, "dev250@acme.example")["account_id"]
    assert sim_client.delete(base + "/users/" + dev).status_code == 401
    assert sim_client.delete(base + "/users/" + dev, headers=basic(*demo.MEMBER)).status_code == 403  # not an admin
    assert sim_client.delete(base + "/users/" + dev, headers=basic(*demo.ADMIN_READONLY)).status_code == 403  # scope
    token = demo.bearer(demo.WORKSPACE_ACCESS_TOKEN)
    assert sim_client.delete(base + "/groups/contractors", headers=token).status_code == 403


def test_a_204_without_change_is_logged_as_a_write(sim_app, sim_client):
    sim_app.log.clear()
    dev = acct(sim_app, "dev250@acme.example")["account_id"]
    assert sim_client.delete(REPO + "/users/" + dev, headers=ADMIN).status_code == 204
    assert [(entry["method"], entry["status"]) for entry in sim_app.log.writes()] == [("DELETE", 204)]
