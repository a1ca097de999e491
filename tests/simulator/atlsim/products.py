# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The products the simulator serves, one mount each.

A mount (:class:`Product`) owns a path prefix and everything of one API that :meth:`atlsim.app.SimApp.handle` needs:
who the caller is (``identify``), its rate-limit window (``rate_limit``), its 429 and its injected-fault error in the
API's own shape (``too_many``, ``fault_error``), an optional misbehaving-server hook (``misbehave``) and the answer
(``dispatch``). ``name`` is the kind the strict-mode gate, the misbehaving-server faults and the rate-limit keys know
the product by. :data:`MOUNTS` lists the mounts in the order paths are matched; a path no mount claims goes to
:class:`Unmounted` (Bitbucket's 404 for a URL where no API lives). A new product is one more class in :data:`MOUNTS`
(or ``SimApp.add_mount`` on one app).
"""

from __future__ import annotations

import hmac
from datetime import datetime, UTC
from typing import TYPE_CHECKING, Any, NamedTuple

from werkzeug.wrappers import Request, Response

from .admin_common import AdminRouter, error_response as admin_error, route_table
from .admin_common import credential_of as admin_credential
from .auth import Credentials, require
from .ratelimit import RATE_LIMIT_BODY
from .audit_events import scim_watch
from .routes_admin_events import ROUTES as ADMIN_EVENT_ROUTES
from .routes_admin_groups import ROUTES as ADMIN_GROUP_ROUTES
from .routes_admin_users import ROUTES as ADMIN_USER_ROUTES
from .routes_members import ROUTES as MEMBER_ROUTES
from .routes_permconfig import ROUTES as PERMCONFIG_ROUTES
from .routes_permissions import ROUTES as PERMISSION_ROUTES
from .routes_project_permconfig import ROUTES as PROJECT_PERMCONFIG_ROUTES
from .routes_projects import ROUTES as PROJECT_ROUTES
from .routes_repositories import ROUTES as REPOSITORY_ROUTES
from .routes_user_management import UserMgmtRouter, error_response as user_mgmt_error
from .routes_users import ROUTES as USER_ROUTES
from .state import State
from .web import ApiError, Ctx, json_response, not_found_url, text_response

if TYPE_CHECKING:
    from .app import SimApp

ALL_ROUTES = (
    USER_ROUTES
    + MEMBER_ROUTES
    + PERMISSION_ROUTES
    + PERMCONFIG_ROUTES
    + REPOSITORY_ROUTES
    + PROJECT_ROUTES
    + PROJECT_PERMCONFIG_ROUTES
)
TOKEN_PATH = "/site/oauth2/access_token"
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class World(NamedTuple):
    """One snapshot of the app: the model and the credentials read from the same seed."""

    state: State
    credentials: Credentials


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
                    raise ApiError(
                        405,
                        "Method not allowed",
                        "%s is not supported here; allowed: %s" % (method, ", ".join(sorted(methods))),
                        headers={"Allow": ", ".join(sorted(methods))},
                    )
                return route, found.groupdict()
        raise not_found_url()


def scim_error(status: int, detail: str, headers: dict | None = None) -> Response:
    return json_response({"schemas": [SCIM_ERROR], "status": str(status), "detail": detail}, status, headers)


class Product:
    """A mount: one API under ``prefix`` (``path == prefix`` or below it). The defaults answer as the
    ``api.bitbucket.org`` host does where no API lives: anonymous, the client address's unauthenticated window,
    a plain-text 429, a Bitbucket error body, 404."""

    name = "other"
    prefix = ""
    credential_prefix: str | None = None  # "<prefix>..." credential ids (but "<prefix>invalid") have their own window
    lose_write_answers = True  # whether ``lose_write_answer_next`` applies to its writes

    def __init__(self, app: SimApp):
        self.app = app

    def matches(self, path: str) -> bool:
        return bool(self.prefix) and (path == self.prefix or path.startswith(self.prefix + "/"))

    def identify(self, request: Request, world: World) -> tuple[Any, str]:
        """(principal or None, credential id for the log) of a request."""
        return None, "anonymous"

    def rate_limit(self, request: Request, world: World, principal: Any, credential: str) -> tuple[str, int, bool]:
        """(window key, limit, scaled?). Rejected or missing credentials count against the client address with the
        unauthenticated limit, never against a user's or a token's window."""
        limits = world.state.rate_limits
        prefix = self.credential_prefix
        known = prefix is not None and credential.startswith(prefix) and credential != prefix + "invalid"
        limit = limits["default"] if known else limits["unauthenticated"]
        key = credential if known else "ip:%s" % (request.remote_addr or "unknown")
        return "%s:%s" % (self.name, key), limit, False

    def too_many(self, seconds: int, headers: dict, path: str) -> Response:
        """The 429 of the rate limiter (``seconds`` until the window frees up; ``headers`` the limiter's own)."""
        return text_response(RATE_LIMIT_BODY, 429, headers=headers)

    def fault_error(self, status: int, message: str, path: str) -> Response:
        """An injected fault's error answer (not 429, not a gateway page) in the API's own shape."""
        return ApiError(status, message, "Fault injected by the simulator.").response()

    def misbehave(self, request: Request, world: World, principal: Any) -> tuple[Response, str | None] | None:
        """The misbehaving-server hook: (answer, fault) when a fault shapes this request, else None."""
        return None

    def dispatch(self, request: Request, world: World, principal: Any) -> Response:
        return not_found_url().response()


class Unmounted(Product):
    """Every path no mount claims."""

    def matches(self, path: str) -> bool:
        return False


class Bitbucket(Product):
    """``/2.0/...``: the Bitbucket Cloud REST API."""

    name = "bitbucket"
    prefix = "/2.0"

    def __init__(self, app: SimApp):
        super().__init__(app)
        self.router = Router(ALL_ROUTES)

    def identify(self, request: Request, world: World) -> tuple[Any, str]:
        principal = world.credentials.authenticate(request)
        return principal, principal.credential

    def rate_limit(self, request: Request, world: World, principal: Any, credential: str) -> tuple[str, int, bool]:
        """Per user for API tokens and OAuth tokens; access tokens on ``/2.0/repositories/`` are scaled."""
        limits = world.state.rate_limits
        scaled = principal.is_access_token and request.path.startswith("/2.0/repositories/")
        if principal.kind in ("anonymous", "invalid"):
            limit = limits["unauthenticated"]
        elif principal.rate_limit:
            limit = int(principal.rate_limit)
        else:
            limit = limits["access_token"] if scaled else limits["default"]
        return principal.rate_key + (":api" if scaled else ""), limit, scaled

    def misbehave(self, request: Request, world: World, principal: Any) -> tuple[Response, str | None] | None:
        return self.app.misbehave.bitbucket(request, world.state, lambda req: self.dispatch(req, world, principal))

    def dispatch(self, request: Request, world: World, principal: Any) -> Response:
        state = world.state
        try:
            route, params = self.router.match(request.method, request.path)
            require(principal, route.auth)
            ctx = Ctx(request, state, principal, params, pagination=self.app.faults.pagination)
            with state.lock:
                return route.handler(ctx)
        except ApiError as exc:
            return exc.response()


class Admin(Product):
    """``/admin/...``: the organization Admin API (:mod:`atlsim.routes_admin_users`, :mod:`atlsim.routes_admin_groups`)."""

    name = "admin"
    prefix = "/admin"
    credential_prefix = "admin:"

    def __init__(self, app: SimApp):
        super().__init__(app)
        self.router = AdminRouter(ADMIN_USER_ROUTES + ADMIN_GROUP_ROUTES + ADMIN_EVENT_ROUTES)

    def identify(self, request: Request, world: World) -> tuple[Any, str]:
        return None, admin_credential(world.state.admin, request)

    def too_many(self, seconds: int, headers: dict, path: str) -> Response:
        """``Retry-After`` (seconds), ``X-RateLimit-Reset`` (RFC 3339), ``X-RateLimit-Remaining: 0``."""
        reset = datetime.fromtimestamp(self.app.clock() + seconds, UTC).replace(microsecond=0)
        headers = {
            "Retry-After": str(seconds),
            "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z"),
            "X-RateLimit-Remaining": "0",
        }
        return admin_error(
            429, "Rate limit exceeded: retry after %d seconds." % seconds, headers, v1=path.startswith("/admin/v1/"), path=path
        )

    def fault_error(self, status: int, message: str, path: str) -> Response:
        return admin_error(status, "%s (fault injected by the simulator)." % message, v1=path.startswith("/admin/v1/"), path=path)

    def dispatch(self, request: Request, world: World, principal: Any) -> Response:
        return self.router.dispatch(request, world.state)


class UserManagement(Product):
    """``/users/...``: the user management API's API-token operations (:mod:`atlsim.routes_user_management`), at the
    root as the spec's server is ``https://api.atlassian.com``; same organization API keys and log ids as the Admin API,
    its own rate-limit window per key."""

    name = "user_management"
    prefix = "/users"
    credential_prefix = "admin:"

    def __init__(self, app: SimApp):
        super().__init__(app)
        self.router = UserMgmtRouter()

    def identify(self, request: Request, world: World) -> tuple[Any, str]:
        return None, admin_credential(world.state.admin, request)

    def too_many(self, seconds: int, headers: dict, path: str) -> Response:
        """The spec declares the 429 without a body: none, ``Retry-After`` (seconds)."""
        response = Response(b"", 429)
        response.headers["Retry-After"] = str(seconds)
        return response

    def fault_error(self, status: int, message: str, path: str) -> Response:
        key = "".join(word.capitalize() if index else word.lower() for index, word in enumerate(message.split()))
        return user_mgmt_error(status, key or "error")

    def dispatch(self, request: Request, world: World, principal: Any) -> Response:
        return self.router.dispatch(request, world.state)


class OAuthToken(Product):
    """``POST /site/oauth2/access_token``: the OAuth 2 client-credentials grant (trailing slashes too)."""

    name = "token"
    prefix = TOKEN_PATH
    credential_prefix = "oauth:"
    lose_write_answers = False

    def matches(self, path: str) -> bool:
        return path.rstrip("/") == TOKEN_PATH

    def identify(self, request: Request, world: World) -> tuple[Any, str]:
        return None, world.credentials.token_client_id(request)

    def fault_error(self, status: int, message: str, path: str) -> Response:
        return json_response({"error": "server_error", "error_description": message}, status)

    def dispatch(self, request: Request, world: World, principal: Any) -> Response:
        with world.state.lock:
            return world.credentials.token_endpoint(request)


class Scim(Product):
    """``/scim/...``: the SCIM app of :mod:`atlsim.scim` (``app.scim_app``; 404 while it does not exist)."""

    name = "scim"
    prefix = "/scim"
    credential_prefix = "scim:"

    def matches(self, path: str) -> bool:
        return path.startswith("/scim/")

    def identify(self, request: Request, world: World) -> tuple[Any, str]:
        header = request.headers.get("Authorization", "")
        if not header:
            return None, "anonymous"
        parts = header.split(None, 1)
        if len(parts) == 2 and parts[0].lower() == "bearer":
            key = parts[1].strip().encode("utf-8")
            for directory in (self.app.seed.get("scim") or {}).get("directories") or ():
                if hmac.compare_digest(str(directory.get("api_key", "")).encode("utf-8"), key):
                    return None, "scim:%s" % (directory.get("key_id") or directory.get("id"))
        return None, "scim:invalid"

    def too_many(self, seconds: int, headers: dict, path: str) -> Response:
        return scim_error(429, "Too many requests", {"Retry-After": str(seconds)})

    def fault_error(self, status: int, message: str, path: str) -> Response:
        return scim_error(status, message)

    def misbehave(self, request: Request, world: World, principal: Any) -> tuple[Response, str | None] | None:
        return self.app.misbehave.scim(request, self.app.scim_app)

    def dispatch(self, request: Request, world: World, principal: Any) -> Response:
        if self.app.scim_app is None:
            return scim_error(404, "SCIM is not available in this simulator build")
        watch = scim_watch(self.app, request, self.identify(request, world)[1])  # audit events of (de)activations
        response = Response.from_app(self.app.scim_app, request.environ)
        if watch is not None:
            watch(response.status_code)
        return response


# The mounts in the order a path is matched against them (their prefixes do not overlap).
MOUNTS: tuple[type[Product], ...] = (Bitbucket, Admin, UserManagement, OAuthToken, Scim)
