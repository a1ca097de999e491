# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator as one WSGI application.

Dispatch: one mount per product (:mod:`atlsim.products`, :data:`atlsim.products.MOUNTS` in order): ``/2.0/...``
Bitbucket Cloud REST API; ``/admin/...`` the organization Admin API; ``POST /site/oauth2/access_token`` OAuth 2 token
endpoint; ``/scim/...`` the SCIM app of :mod:`atlsim.scim` (``build_scim_app(seed["scim"], accounts)``, imported lazily:
404 while it does not exist); any other path a Bitbucket 404. ``/_sim/...`` control (:mod:`atlsim.control`).

Every request except ``/_sim`` goes through, in order: latency, the faults that replace the answer
(drop / 429 burst / fail_next / error_rate, then ``redirect_writes``), the rate limiter, the strict-mode gate
(:mod:`atlsim.strict`, when ``strict``), the mount's misbehave hook (``ignore_filters`` / ``wrong_object_next``) or
its handler, ``hostile_ids`` / ``oauth_token_linebreak``, ``slow_next``, ``lose_write_answer_next``,
``malformed_json_next``, ``echo_credentials`` (any error answer), and the request log.
``/_sim/sink...`` (:mod:`atlsim.misbehave`) answers anything with 200 and is logged.
"""

from __future__ import annotations

import importlib
import inspect
import threading
import time
from http import HTTPStatus

from werkzeug.wrappers import Request, Response

from . import control
from . import strict as strict_mode
from .auth import Credentials
from .clock import SimClock
from .faults import Faults
from .misbehave import SINK, Misbehave
from .products import MOUNTS, Product, Unmounted, World
from .ratelimit import RateLimiter, scaled_headers
from .requestlog import READ_METHODS, RequestLog
from .state import State, load_seed
from .web import DropConnection, text_response

GATEWAY_PAGE = (
    "<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1>"
    "<p>The server is temporarily unable to service your request. Please try again later.</p></body></html>"
)
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _join(first: str | None, second: str) -> str:
    """The ``fault`` of a log entry shaped by several knobs: ``a+b``."""
    return second if not first else "%s+%s" % (first, second)


class SimApp:
    """The WSGI callable. ``state``, ``log``, ``faults``, ``clock`` and ``sleep`` are public; ``reset()``
    goes back to the seed and clears the log and the faults."""

    def __init__(self, seed, *, scim_extension: bool = True, clock=None, sleep=None, strict: bool | None = None):
        self.seed = load_seed(seed)
        self._strict = False
        self.strict = strict_mode.env_strict() if strict is None else strict
        self.scim_extension = scim_extension
        self.clock = clock if clock is not None else SimClock()
        self.sleep = sleep if sleep is not None else time.sleep
        self.log = RequestLog()
        self.faults = Faults(on_expire_tokens=self._expire_tokens)
        self.misbehave = Misbehave(self)
        self.limiter = RateLimiter(clock=self.clock)
        self.mounts: list[Product] = [mount(self) for mount in MOUNTS]
        self.unmounted: Product = Unmounted(self)
        self._lock = threading.RLock()
        self._world: World
        self.scim_app = None
        self._install(self._new_world())

    # -- lifecycle -----------------------------------------------------------------------------
    def _new_world(self) -> World:
        """A fresh (state, credentials) pair from the seed; nothing is installed yet."""
        state = State(self.seed, now=self.clock())
        state.events.clock = self.clock
        return World(state, Credentials(self.seed, state.accounts, self.clock, state.token_lifetime))

    def _install(self, world: World) -> None:
        """Make ``world`` current in one assignment: a request reads state and credentials from one
        snapshot (``self._world``), so it never sees the new credentials with the old state."""
        self._world = world
        self.limiter.window = world[0].rate_limits["window_seconds"]
        self.limiter.clear()
        self.scim_app = self._build_scim()
        if self.scim_app is not None and hasattr(self.scim_app, "on_provision"):
            self.scim_app.on_provision = self._scim_provisioned

    def _scim_provisioned(self, account_id: str) -> None:
        """A user created over SCIM joins the organization's directory (managed, ``synced``), without product access."""
        state = self.state
        with state.lock:
            state.admin.provisioned(account_id)

    @property
    def state(self) -> State:
        return self._world.state

    @property
    def credentials(self) -> Credentials:
        return self._world.credentials

    def _build_scim(self):
        """The SCIM app for the current account registry: built once, then reset (``reset(accounts=...)``)."""
        if self.scim_app is not None and hasattr(self.scim_app, "reset"):
            self.scim_app.reset(accounts=self.state.accounts)
            return self.scim_app
        try:
            module = importlib.import_module(__package__ + ".scim")
        except ModuleNotFoundError as exc:
            if exc.name == __package__ + ".scim":
                return None
            raise
        builder = module.build_scim_app
        parameters = inspect.signature(builder).parameters
        kwargs = {name: self.scim_extension for name in ("extension", "scim_extension") if name in parameters}
        return builder(self.seed.get("scim") or {}, self.state.accounts, **kwargs)

    @property
    def strict(self) -> bool:
        """Strict mode (:mod:`atlsim.strict`): 400 to any request form the official documents do not state."""
        return self._strict

    @strict.setter
    def strict(self, value: bool) -> None:
        if value:
            strict_mode.available()  # the documents must be there: strict mode never passes silently
        self._strict = bool(value)

    @property
    def events(self):
        """The organization audit log of the current world (:class:`atlsim.audit_events.AuditEvents`: ``all()``,
        ``record(...)``); cleared by ``reset()``."""
        return self.state.events

    @property
    def accounts(self):
        return self.state.accounts

    def reset(self) -> None:
        if hasattr(self.clock, "reset"):
            self.clock.reset()  # first: the seed's relative dates count from the reset clock
        world = self._new_world()  # built before taking the lock: the swap itself is one assignment
        with self._lock:
            self._install(world)
            self.log.clear()
            self.faults.clear()
            self.misbehave.clear()

    def configure_faults(self, knobs: dict) -> dict:
        """Set fault knobs (see :mod:`atlsim.faults`); same as ``app.faults.configure(knobs)``."""
        return self.faults.configure(knobs)

    def _expire_tokens(self) -> None:
        state, credentials = self._world
        with state.lock:
            credentials.expire_all()

    # -- WSGI ------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        if (request.path == SINK or request.path.startswith(SINK + "/")) and control.is_loopback(request.remote_addr):
            return self.misbehave.sink(request)(environ, start_response)
        if request.path == "/_sim" or request.path.startswith("/_sim/"):
            return control.handle(self, request)(environ, start_response)
        return self.handle(request)(environ, start_response)

    # -- mounts ----------------------------------------------------------------------------------
    def mount_for(self, path: str) -> Product:
        """The mount serving ``path`` (the first of ``mounts`` that matches), else ``unmounted``."""
        return next((mount for mount in self.mounts if mount.matches(path)), self.unmounted)

    def add_mount(self, mount: Product) -> Product:
        """Serve one more product on this app: ``mount`` is matched before the others."""
        self.mounts.insert(0, mount)
        return mount

    def credential_of(self, request: Request, path: str | None = None) -> str:
        """The credential id the request log shows for ``request`` (judged as if it were sent to ``path``)."""
        return self.mount_for(path or request.path).identify(request, self._world)[1]

    def log_server_answer(self, environ: dict, status: int) -> None:
        """Record an answer the HTTP server gave without calling the app (e.g. an unreadable body)."""
        request = Request(environ)
        if request.path == "/_sim" or request.path.startswith("/_sim/"):
            return
        started = self.clock()
        _unused, credential = self.mount_for(request.path).identify(request, self._world)
        self.log.add(request.method, request.path, request.query_string.decode("latin-1"), status, credential, started)

    def handle(self, request: Request) -> Response:
        started = self.clock()
        method, path = request.method, request.path
        query = request.query_string.decode("latin-1")
        mount = self.mount_for(path)
        world = self._world
        principal, credential = mount.identify(request, world)

        def done(response: Response | None, fault: str | None = None) -> Response | None:
            if response is not None and fault != "lose_write_answer_next" and self.misbehave.echo(request, mount.name, response):
                fault = _join(fault, "echo_credentials")
            if fault is None and self.misbehave.hostile_used(request):
                fault = "hostile_id_used"
            self.log.add(method, path, query, response.status_code if response is not None else None, credential, started, fault)
            return response

        if self.faults.latency_ms:
            self.sleep(self.faults.latency_ms / 1000.0)
        key, limit, scaled = mount.rate_limit(request, world, principal, credential)
        limit = self.faults.rate_limit or limit
        pre = self.faults.before(method, path)
        if pre is not None:
            name, status = pre
            if status is None:
                done(None, name)
                raise DropConnection("atlsim: %s" % name)
            response = self._fault_response(mount, status, path)
            if status == 429 and scaled:  # as the limiter's own 429: at the limit, near it
                response.headers.update(scaled_headers(limit, limit))
            return done(response, name)
        redirect = self.misbehave.redirect(request)
        if redirect is not None:
            return done(redirect, "redirect_writes")

        allowed, used = self.limiter.hit(key, limit)
        extra = scaled_headers(limit, used) if scaled else {}
        if not allowed:
            return done(mount.too_many(self.limiter.retry_after(key), extra, path))
        if self._strict:
            refused = strict_mode.gate(mount.name, request)
            if refused is not None:
                return done(refused)

        shaped = mount.misbehave(request, world, principal)
        response, fault = shaped if shaped is not None else (mount.dispatch(request, world, principal), None)
        for name, value in extra.items():
            response.headers[name] = value
        rewritten = self.misbehave.after(request, mount.name, response)
        if rewritten:
            fault = _join(fault, rewritten)

        delay = self.faults.slow(method, path)
        if delay:
            fault = _join(fault, "slow_next")
            self.sleep(delay)
        if method not in READ_METHODS and mount.lose_write_answers and self.faults.take("lose_write_answer_next", method, path):
            done(response, "lose_write_answer_next")
            raise DropConnection("atlsim: lose_write_answer_next")
        if response.mimetype.endswith("json") and response.get_data() and self.faults.take("malformed_json_next", method, path):
            data = response.get_data()
            response.set_data(data[: max(1, len(data) // 2)])
            fault = _join(fault, "malformed_json_next")
        return done(response, fault)

    @staticmethod
    def _fault_response(mount: Product, status: int, path: str = "") -> Response:
        """The answer of a fault knob that replaces the API's: its 429, a gateway page, or its error body."""
        if status == 429:
            return mount.too_many(1, {}, path)
        if status in (502, 503, 504):
            reason = REASONS[status]
            return text_response(GATEWAY_PAGE.format(status=status, reason=reason), status, "text/html")
        return mount.fault_error(status, REASONS.get(status) or HTTPStatus(status).phrase, path)


def create_app(seed, *, scim_extension: bool = True, clock=None, sleep=None, strict: bool | None = None) -> SimApp:
    """Build the simulator from a seed dict or a path to a YAML/JSON seed file. ``strict``: strict mode
    (:mod:`atlsim.strict`); None reads ``ATLSIM_STRICT`` (``1``/``true``/``yes``: on)."""
    return SimApp(seed, scim_extension=scim_extension, clock=clock, sleep=sleep, strict=strict)
