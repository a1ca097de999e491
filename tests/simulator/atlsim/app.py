# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator as one WSGI application.

Dispatch: ``/2.0/...`` Bitbucket Cloud REST API; ``POST /site/oauth2/access_token`` OAuth 2 token
endpoint; ``/admin/...`` the organization Admin API (:mod:`atlsim.routes_admin_users`,
:mod:`atlsim.routes_admin_groups`); ``/scim/...`` the SCIM app of :mod:`atlsim.scim` (``build_scim_app(seed["scim"], accounts)``,
imported lazily: 404 while it does not exist); ``/_sim/...`` control (:mod:`atlsim.control`).

Every request except ``/_sim`` goes through, in order: latency, the faults that replace the answer
(drop / 429 burst / fail_next / error_rate, then ``redirect_writes``), the rate limiter, the strict-mode gate
(:mod:`atlsim.strict`, when ``strict``), the handler (with
``ignore_filters`` / ``wrong_object_next``), ``hostile_ids`` / ``oauth_token_linebreak``, ``slow_next``,
``lose_write_answer_next``, ``malformed_json_next``, ``echo_credentials`` (any error answer), and the request log.
``/_sim/sink...`` (:mod:`atlsim.misbehave`) answers anything with 200 and is logged.
"""

from __future__ import annotations

import hmac
import importlib
import inspect
import threading
import time
from datetime import datetime, timezone
from http import HTTPStatus

from werkzeug.wrappers import Request, Response

from . import control
from . import strict as strict_mode
from .admin_common import AdminRouter, error_response as admin_error, route_table
from .admin_common import credential_of as admin_credential
from .auth import Credentials, require
from .clock import SimClock
from .faults import Faults
from .misbehave import SINK, Misbehave
from .ratelimit import RATE_LIMIT_BODY, RateLimiter, scaled_headers
from .requestlog import READ_METHODS, RequestLog
from .routes_admin_groups import ROUTES as ADMIN_GROUP_ROUTES
from .routes_admin_users import ROUTES as ADMIN_USER_ROUTES
from .routes_members import ROUTES as MEMBER_ROUTES
from .routes_permconfig import ROUTES as PERMCONFIG_ROUTES
from .routes_permissions import ROUTES as PERMISSION_ROUTES
from .routes_project_permconfig import ROUTES as PROJECT_PERMCONFIG_ROUTES
from .routes_projects import ROUTES as PROJECT_ROUTES
from .routes_repositories import ROUTES as REPOSITORY_ROUTES
from .routes_users import ROUTES as USER_ROUTES
from .state import State, load_seed
from .web import ApiError, Ctx, DropConnection, json_response, not_found_url, text_response

ALL_ROUTES = (USER_ROUTES + MEMBER_ROUTES + PERMISSION_ROUTES + PERMCONFIG_ROUTES + REPOSITORY_ROUTES + PROJECT_ROUTES
              + PROJECT_PERMCONFIG_ROUTES)
TOKEN_PATH = "/site/oauth2/access_token"
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
GATEWAY_PAGE = ("<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1>"
                "<p>The server is temporarily unable to service your request. Please try again later.</p></body></html>")
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


class Router:
    """Path patterns like ``/2.0/users/{selected_user}`` matched against the decoded path."""

    def __init__(self, routes):
        self._table: list = route_table(routes)

    def match(self, method: str, path: str):
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        for regex, methods in self._table:
            found = regex.match(path)
            if found:
                route = methods.get("GET" if method == "HEAD" else method)
                if route is None:
                    raise ApiError(405, "Method not allowed", "%s is not supported here; allowed: %s"
                                   % (method, ", ".join(sorted(methods))), headers={"Allow": ", ".join(sorted(methods))})
                return route, found.groupdict()
        raise not_found_url()


def _kind(path: str) -> str:
    if path == "/2.0" or path.startswith("/2.0/"):
        return "bitbucket"
    if path == "/admin" or path.startswith("/admin/"):
        return "admin"
    if path.rstrip("/") == TOKEN_PATH:
        return "token"
    if path.startswith("/scim/"):
        return "scim"
    return "other"


def _join(first: str | None, second: str) -> str:
    """The ``fault`` of a log entry shaped by several knobs: ``a+b``."""
    return second if not first else "%s+%s" % (first, second)


def _scim_error(status: int, detail: str, headers: dict | None = None) -> Response:
    return json_response({"schemas": [SCIM_ERROR], "status": str(status), "detail": detail}, status, headers)


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
        self.router = Router(ALL_ROUTES)
        self.admin_router = AdminRouter(ADMIN_USER_ROUTES + ADMIN_GROUP_ROUTES)
        self._lock = threading.RLock()
        self._world: tuple[State, Credentials]
        self.scim_app = None
        self._install(self._new_world())

    # -- lifecycle -----------------------------------------------------------------------------
    def _new_world(self) -> tuple[State, Credentials]:
        """A fresh (state, credentials) pair from the seed; nothing is installed yet."""
        state = State(self.seed)
        return state, Credentials(self.seed, state.accounts, self.clock, state.token_lifetime)

    def _install(self, world: tuple[State, Credentials]) -> None:
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
        return self._world[0]

    @property
    def credentials(self) -> Credentials:
        return self._world[1]

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
    def accounts(self):
        return self.state.accounts

    def reset(self) -> None:
        world = self._new_world()  # built before taking the lock: the swap itself is one assignment
        with self._lock:
            self._install(world)
            self.log.clear()
            self.faults.clear()
            self.misbehave.clear()
            if hasattr(self.clock, "reset"):
                self.clock.reset()

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

    def _identify(self, request: Request, kind: str, credentials: Credentials, state: State | None = None):
        """(principal or None, credential id for the log) of a request."""
        if kind == "admin":
            return None, admin_credential((state or self.state).admin, request)
        if kind == "bitbucket":
            principal = credentials.authenticate(request)
            return principal, principal.credential
        if kind == "token":
            return None, credentials.token_client_id(request)
        if kind == "scim":
            return None, self._scim_identity(request)
        return None, "anonymous"

    def credential_of(self, request: Request, path: str | None = None) -> str:
        """The credential id the request log shows for ``request`` (judged as if it were sent to ``path``)."""
        state, credentials = self._world
        return self._identify(request, _kind(path or request.path), credentials, state)[1]

    def log_server_answer(self, environ: dict, status: int) -> None:
        """Record an answer the HTTP server gave without calling the app (e.g. an unreadable body)."""
        request = Request(environ)
        if request.path == "/_sim" or request.path.startswith("/_sim/"):
            return
        started = self.clock()
        state, credentials = self._world
        _unused, credential = self._identify(request, _kind(request.path), credentials, state)
        self.log.add(request.method, request.path, request.query_string.decode("latin-1"), status, credential, started)

    def handle(self, request: Request) -> Response:
        started = self.clock()
        method, path = request.method, request.path
        query = request.query_string.decode("latin-1")
        kind = _kind(path)
        state, credentials = self._world
        principal, credential = self._identify(request, kind, credentials, state)

        def done(response: Response | None, fault: str | None = None) -> Response | None:
            if response is not None and fault != "lose_write_answer_next" and self.misbehave.echo(request, kind, response):
                fault = _join(fault, "echo_credentials")
            if fault is None and self.misbehave.hostile_used(request):
                fault = "hostile_id_used"
            self.log.add(method, path, query, response.status_code if response is not None else None,
                         credential, started, fault)
            return response

        if self.faults.latency_ms:
            self.sleep(self.faults.latency_ms / 1000.0)
        key, limit, scaled = self._rate_limit(state, kind, principal, credential, request, path)
        pre = self.faults.before(method, path)
        if pre is not None:
            name, status = pre
            if status is None:
                done(None, name)
                raise DropConnection("atlsim: %s" % name)
            response = self._fault_response(kind, status, path)
            if status == 429 and scaled:  # as the limiter's own 429: at the limit, near it
                response.headers.update(scaled_headers(limit, limit))
            return done(response, name)
        redirect = self.misbehave.redirect(request)
        if redirect is not None:
            return done(redirect, "redirect_writes")

        allowed, used = self.limiter.hit(key, limit)
        extra = scaled_headers(limit, used) if scaled else {}
        if not allowed:
            return done(self._too_many(kind, key, extra, path))
        if self._strict:
            refused = strict_mode.gate(kind, request)
            if refused is not None:
                return done(refused)

        fault = None
        shaped = None
        if kind == "bitbucket":
            shaped = self.misbehave.bitbucket(request, state, lambda req: self._dispatch(req, state, principal))
        elif kind == "scim":
            shaped = self.misbehave.scim(request, self.scim_app)
        if shaped is not None:
            response, fault = shaped
        elif kind == "bitbucket":
            response = self._dispatch(request, state, principal)
        elif kind == "token":
            with state.lock:
                response = credentials.token_endpoint(request)
        elif kind == "scim" and self.scim_app is not None:
            response = Response.from_app(self.scim_app, request.environ)
        elif kind == "scim":
            response = _scim_error(404, "SCIM is not available in this simulator build")
        elif kind == "admin":
            response = self.admin_router.dispatch(request, state)
        else:
            response = not_found_url().response()
        for name, value in extra.items():
            response.headers[name] = value
        rewritten = self.misbehave.after(request, kind, response)
        if rewritten:
            fault = _join(fault, rewritten)

        delay = self.faults.slow(method, path)
        if delay:
            fault = _join(fault, "slow_next")
            self.sleep(delay)
        if method not in READ_METHODS and kind != "token" and self.faults.take("lose_write_answer_next", method, path):
            done(response, "lose_write_answer_next")
            raise DropConnection("atlsim: lose_write_answer_next")
        if response.mimetype.endswith("json") and response.get_data() and self.faults.take("malformed_json_next", method, path):
            data = response.get_data()
            response.set_data(data[:max(1, len(data) // 2)])
            fault = _join(fault, "malformed_json_next")
        return done(response, fault)

    # -- pieces ----------------------------------------------------------------------------------
    def _dispatch(self, request: Request, state: State, principal) -> Response:
        try:
            route, params = self.router.match(request.method, request.path)
            require(principal, route.auth)
            ctx = Ctx(request, state, principal, params, pagination=self.faults.pagination)
            with state.lock:
                return route.handler(ctx)
        except ApiError as exc:
            return exc.response()

    def _scim_identity(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        if not header:
            return "anonymous"
        parts = header.split(None, 1)
        if len(parts) == 2 and parts[0].lower() == "bearer":
            key = parts[1].strip().encode("utf-8")
            for directory in (self.seed.get("scim") or {}).get("directories") or ():
                if hmac.compare_digest(str(directory.get("api_key", "")).encode("utf-8"), key):
                    return "scim:%s" % (directory.get("key_id") or directory.get("id"))
        return "scim:invalid"

    def _rate_limit(self, state: State, kind: str, principal, credential: str, request: Request, path: str):
        """(window key, limit, scaled?) for this request. Rejected or missing credentials count against the
        client address with the unauthenticated limit, never against a user's or a token's window."""
        limits = state.rate_limits
        override = self.faults.rate_limit
        if kind == "bitbucket":
            scaled = principal.is_access_token and path.startswith("/2.0/repositories/")
            if principal.kind in ("anonymous", "invalid"):
                limit = limits["unauthenticated"]
            elif principal.rate_limit:
                limit = int(principal.rate_limit)
            else:
                limit = limits["access_token"] if scaled else limits["default"]
            key = principal.rate_key + (":api" if scaled else "")
        else:
            scaled = False
            known = (credential.startswith(("scim:", "oauth:", "admin:"))
                     and credential not in ("scim:invalid", "oauth:invalid", "admin:invalid"))
            limit = limits["default"] if known else limits["unauthenticated"]
            key = credential if known else "ip:%s" % (request.remote_addr or "unknown")
            key = "%s:%s" % (kind, key)
        return key, (override or limit), scaled

    def _too_many(self, kind: str, key: str, extra: dict, path: str = "") -> Response:
        if kind == "admin":
            return self._admin_429(self.limiter.retry_after(key), path)
        if kind == "scim":
            return _scim_error(429, "Too many requests", {"Retry-After": str(self.limiter.retry_after(key))})
        return text_response(RATE_LIMIT_BODY, 429, headers=extra)

    def _admin_429(self, seconds: int, path: str) -> Response:
        """The Admin API's 429: ``Retry-After`` (seconds), ``X-RateLimit-Reset`` (RFC 3339), ``X-RateLimit-Remaining: 0``."""
        reset = datetime.fromtimestamp(self.clock() + seconds, timezone.utc).replace(microsecond=0)
        headers = {"Retry-After": str(seconds), "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z"),
                   "X-RateLimit-Remaining": "0"}
        return admin_error(429, "Rate limit exceeded: retry after %d seconds." % seconds, headers, v1=path.startswith("/admin/v1/"), path=path)

    def _fault_response(self, kind: str, status: int, path: str = "") -> Response:
        if status == 429 and kind == "admin":
            return self._admin_429(1, path)
        if status == 429:
            if kind == "scim":
                return _scim_error(429, "Too many requests", {"Retry-After": "1"})
            return text_response(RATE_LIMIT_BODY, 429)
        if status in (502, 503, 504):
            reason = REASONS[status]
            return text_response(GATEWAY_PAGE.format(status=status, reason=reason), status, "text/html")
        message = REASONS.get(status) or HTTPStatus(status).phrase
        if kind == "scim":
            return _scim_error(status, message)
        if kind == "token":
            return json_response({"error": "server_error", "error_description": message}, status)
        if kind == "admin":
            return admin_error(status, "%s (fault injected by the simulator)." % message, v1=path.startswith("/admin/v1/"), path=path)
        return ApiError(status, message, "Fault injected by the simulator.").response()


def create_app(seed, *, scim_extension: bool = True, clock=None, sleep=None, strict: bool | None = None) -> SimApp:
    """Build the simulator from a seed dict or a path to a YAML/JSON seed file. ``strict``: strict mode
    (:mod:`atlsim.strict`); None reads ``ATLSIM_STRICT`` (``1``/``true``/``yes``: on)."""
    return SimApp(seed, scim_extension=scim_extension, clock=clock, sleep=sleep, strict=strict)
