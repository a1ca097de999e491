# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pytest fixtures for the simulator (``pytest_plugins = ["atlsim.pytest_plugin"]``).

``sim_server``  session: the demo seed served on a free 127.0.0.1 port (stopped at the end)
``sim``         function: resets ``sim_server`` and returns a :class:`SimHandle`
``sim_factory`` function: ``sim_factory(seed_dict_or_path, scim_extension=True) -> SimHandle`` on its own
                server (stopped after the test)
``sim_app``     function: a fresh in-process app on the demo seed with a fake clock and a fake sleep
                (``sim_app.clock.advance(s)``, ``sim_app.sleep.calls``) for fast unit tests
``sim_client``  function: a werkzeug test client of ``sim_app`` (remote address 127.0.0.1)

Strict mode (:mod:`atlsim.strict`): ``pytest --sim-strict`` sets ``ATLSIM_STRICT=1`` for the session, so that every
app the fixtures create (they leave ``strict`` to the environment) and every subprocess started by a test runs strict.
``@pytest.mark.sim_lenient`` marks a test that deliberately sends undocumented forms: ``ATLSIM_STRICT`` is ``0`` while
it runs and the apps of the fixtures are lenient.
"""

from __future__ import annotations

import os

import pytest
from werkzeug.test import Client

from . import DEMO_SEED, control
from .app import SimApp, create_app
from .clock import FakeClock, FakeSleep
from .server import SimServer
from .state import load_seed
from .strict import ENV as STRICT_ENV
from .strict import env_strict

LENIENT_MARKER = "sim_lenient"
_SAVED_ENV = "_atlsim_saved_strict_env"


def pytest_addoption(parser):
    group = parser.getgroup("atlsim", "atlsim simulator")
    group.addoption(
        "--sim-strict",
        action="store_true",
        default=False,
        help="run the simulator in strict mode (sets %s=1 for the session, subprocesses included): 400 to "
        "any request form the official API documents do not state" % STRICT_ENV,
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "%s: run against a lenient simulator (strict mode off, %s=0): the test "
        "deliberately sends request forms the official documents do not state" % (LENIENT_MARKER, STRICT_ENV),
    )
    if config.getoption("--sim-strict", default=False):
        setattr(config, _SAVED_ENV, os.environ.get(STRICT_ENV))
        os.environ[STRICT_ENV] = "1"


def pytest_unconfigure(config):
    if hasattr(config, _SAVED_ENV):
        saved = getattr(config, _SAVED_ENV)
        if saved is None:
            os.environ.pop(STRICT_ENV, None)
        else:
            os.environ[STRICT_ENV] = saved


def pytest_report_header(config):
    return "atlsim strict mode: %s" % ("on" if env_strict() else "off")


@pytest.fixture(autouse=True)
def _sim_strictness(request, monkeypatch):
    """A test marked ``sim_lenient`` runs with ``ATLSIM_STRICT=0`` (the apps it creates, its subprocesses)."""
    if request.node.get_closest_marker(LENIENT_MARKER) is not None:
        monkeypatch.setenv(STRICT_ENV, "0")


class LoopbackClient(Client):
    """A werkzeug test client whose requests come from 127.0.0.1 (unless ``environ_base`` says otherwise)."""

    def open(self, *args, **kwargs):
        base = dict(kwargs.pop("environ_base", None) or {})
        base.setdefault("REMOTE_ADDR", "127.0.0.1")
        return super().open(*args, environ_base=base, **kwargs)


class SimHandle:
    """What tests use: URLs, the app, the request log, the fault knobs, reset."""

    def __init__(self, server: SimServer):
        self.server = server

    @property
    def app(self) -> SimApp:
        return self.server.app

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def api_url(self) -> str:
        return self.url + "/2.0"

    @property
    def scim_url(self) -> str:
        return self.url

    @property
    def token_url(self) -> str:
        return self.url + "/site/oauth2/access_token"

    @property
    def seed(self) -> dict:
        return self.app.seed

    @property
    def state(self):
        return self.app.state

    def log(self) -> list:
        return self.app.log.entries()

    def clear_log(self) -> None:
        self.app.log.clear()

    def writes(self) -> list:
        return self.app.log.writes()

    def faults(self, **knobs) -> dict:
        return self.app.configure_faults(knobs)

    def clear_faults(self) -> None:
        self.app.faults.clear()

    def advance_clock(self, seconds: float) -> float:
        return self.app.clock.advance(seconds)

    def set_capacity(self, resource: str, capacity) -> dict:
        """A product's seat limit (``resource``: workspace slug or resource id; ``"full"``: the seats in use now), as
        ``POST /_sim/capacity``; back to the seed's value on reset."""
        response = control.set_capacity(self.app, {"resource": resource, "capacity": capacity})
        return response.get_json()

    def reset(self) -> None:
        self.app.reset()


@pytest.fixture(scope="session")
def sim_server():
    server = SimServer(create_app(DEMO_SEED)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sim(sim_server):
    sim_server.app.reset()
    sim_server.app.strict = env_strict()  # per test: a sim_lenient test, or one that switched it, changes nothing after
    return SimHandle(sim_server)


@pytest.fixture
def sim_factory():
    servers: list = []

    def factory(seed, scim_extension: bool = True) -> SimHandle:
        server = SimServer(create_app(load_seed(seed), scim_extension=scim_extension)).start()
        servers.append(server)
        return SimHandle(server)

    try:
        yield factory
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def sim_app():
    clock = FakeClock()
    return create_app(DEMO_SEED, clock=clock, sleep=FakeSleep(clock))


@pytest.fixture
def sim_client(sim_app):
    return LoopbackClient(sim_app)
