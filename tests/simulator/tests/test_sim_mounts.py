# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One mount per product (atlsim.products): the products are found by prefix, and a new one is one more mount."""

from __future__ import annotations

import pytest
from werkzeug.wrappers import Request, Response

from atlsim import DEMO_SEED, demo
from atlsim.app import create_app
from atlsim.products import MOUNTS, Admin, Bitbucket, OAuthToken, Product, Scim, Unmounted, UserManagement, World
from atlsim.web import json_response


class Echo(Product):
    """A product of its own: a key in ``X-Echo-Key``, its own error shape, its own rate-limit window."""

    name = "echo"
    prefix = "/echo"
    credential_prefix = "echo:"

    def identify(self, request: Request, world: World) -> tuple[None, str]:
        key = request.headers.get("X-Echo-Key")
        return None, ("echo:%s" % key if key else "anonymous")

    def too_many(self, seconds: int, headers: dict, path: str) -> Response:
        return json_response({"echo_error": "slow down", "retry": seconds}, 429)

    def fault_error(self, status: int, message: str, path: str) -> Response:
        return json_response({"echo_error": message}, status)

    def dispatch(self, request: Request, world: World, principal: None) -> Response:
        return json_response({"echo": request.path, "workspaces": sorted(world.state.workspaces)})


def test_the_products_are_mounted_in_order():
    app = create_app(DEMO_SEED)
    assert [type(mount) for mount in app.mounts] == list(MOUNTS) == [Bitbucket, Admin, UserManagement, OAuthToken, Scim]
    assert [mount.name for mount in app.mounts] == ["bitbucket", "admin", "user_management", "token", "scim"]


@pytest.mark.parametrize(
    "path,product",
    [
        ("/2.0", Bitbucket),
        ("/2.0/user", Bitbucket),
        ("/2.0/workspaces/acme/members", Bitbucket),
        ("/admin/v1/orgs", Admin),
        ("/admin/v2/orgs/x/directories/-/users", Admin),
        ("/admin", Admin),
        ("/users/557058:x/manage/api-tokens", UserManagement),
        ("/users", UserManagement),
        ("/usersx", Unmounted),
        ("/site/oauth2/access_token", OAuthToken),
        ("/site/oauth2/access_token/", OAuthToken),
        ("/scim/directory/demo-directory/Users", Scim),
        ("/scim", Unmounted),
        ("/2.0x", Unmounted),
        ("/administrator", Unmounted),
        ("/", Unmounted),
        ("/1.0/user", Unmounted),
    ],
)
def test_a_path_is_served_by_the_mount_of_its_prefix(path, product):
    assert isinstance(create_app(DEMO_SEED).mount_for(path), product)


def test_a_path_no_mount_claims_gets_bitbucket_s_404(sim_app, sim_client):
    resp = sim_client.get("/nowhere")
    assert resp.status_code == 404 and resp.get_json()["type"] == "error"
    assert sim_app.log.entries()[-1]["credential"] == "anonymous"


def test_a_new_product_is_one_more_mount(sim_app, sim_client):
    assert sim_client.get("/echo/hello").status_code == 404  # not mounted yet: nobody's path
    mount = sim_app.add_mount(Echo(sim_app))
    assert sim_app.mount_for("/echo/hello") is mount and isinstance(sim_app.mount_for("/2.0/user"), Bitbucket)

    resp = sim_client.get("/echo/hello", headers={"X-Echo-Key": "k1"})
    assert resp.status_code == 200 and resp.get_json() == {"echo": "/echo/hello", "workspaces": ["acme", "globex"]}
    entry = sim_app.log.entries()[-1]
    assert (entry["method"], entry["path"], entry["status"], entry["credential"]) == ("GET", "/echo/hello", 200, "echo:k1")
    # the existing products answer as before
    assert sim_client.get("/2.0/user", headers=demo.basic(*demo.ADMIN)).status_code == 200


def test_a_new_product_goes_through_the_faults_and_the_rate_limiter_in_its_own_shape(sim_app, sim_client):
    sim_app.add_mount(Echo(sim_app))
    sim_app.configure_faults({"fail_next": {"status": 500, "count": 1, "path_prefix": "/echo"}})
    resp = sim_client.get("/echo/x", headers={"X-Echo-Key": "k1"})
    assert resp.status_code == 500 and resp.get_json() == {"echo_error": "Internal Server Error"}
    assert sim_app.log.entries()[-1]["fault"] == "fail_next"

    sim_app.configure_faults({"rate_limit": 2})
    answers = [sim_client.get("/echo/x", headers={"X-Echo-Key": "k1"}).status_code for _unused in range(3)]
    assert answers == [200, 200, 429]
    assert sim_client.get("/echo/x", headers={"X-Echo-Key": "k2"}).status_code == 200  # a window per key
    assert sim_client.get("/echo/x", headers={"X-Echo-Key": "k1"}).get_json()["echo_error"] == "slow down"
    assert sim_app.limiter.count("echo:echo:k1") == 2 and sim_app.limiter.count("echo:echo:k2") == 1
