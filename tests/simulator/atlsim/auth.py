# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials: API tokens (Basic email:token), OAuth consumers and their client-credentials
tokens (Bearer), workspace/project/repository access tokens (Bearer); scope checks per endpoint.

Never log or echo a secret: principals carry a ``credential`` id (``api_token:<id>``,
``oauth:<client_id>``, ``access_token:<id>``) that the request log records instead. Rejected
credentials are logged as ``invalid:basic:<email>`` (only when the user part is a known account
email), ``invalid:basic``, ``invalid:bearer``, ``invalid:scheme``, or ``oauth:<client_id>`` for an
expired OAuth token; they are rate limited per client address (``ip:<remote>``).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from dataclasses import dataclass, field

from werkzeug.wrappers import Request, Response

from .web import ApiError, json_response

# Classic (OAuth consumer / access token) scopes and what each one implies.
CLASSIC_IMPLIES = {
    "repository:write": ("repository",),
    "project": ("repository",),
    "project:write": ("project", "repository"),
    "pullrequest": ("repository",),
    "pullrequest:write": ("pullrequest", "repository:write", "repository"),
    "issue:write": ("issue",),
    "snippet:write": ("snippet",),
    "account:write": ("account", "email"),
    "account": ("email",),
    "team:write": ("team",),
    "pipeline:write": ("pipeline",),
    "runner:write": ("runner",),
}

INVALID_TOKEN = "Token is invalid, expired, or not supported for this endpoint."
EXPIRED_TOKEN = "Access token expired. Use your refresh token to obtain a new access token."
MISSING_SCOPES = "Your credentials lack one or more required privilege scopes."
WWW_AUTHENTICATE = {"WWW-Authenticate": 'Basic realm="Bitbucket.org HTTP"'}
# permission writes (PUT/DELETE on permissions-config): the spec's "JWT and OAuth authentication methods are
# unsupported" (projects) and "only ... via app passwords" (repositories; app passwords are now API tokens)
UNSUPPORTED_METHOD = "This authentication method is not supported for permission changes."
UNSUPPORTED_METHOD_DETAIL = (
    "Due to security concerns, OAuth access tokens (client credentials included), JWT and "
    "workspace, project or repository access tokens cannot change permissions: integrations "
    "and add-ons are not allowed to. Use an API token (HTTP Basic with your Atlassian account "
    "email and the token)."
)


def expand_classic(scopes) -> frozenset:
    result = set()
    todo = list(scopes)
    while todo:
        scope = todo.pop()
        if scope not in result:
            result.add(scope)
            todo.extend(CLASSIC_IMPLIES.get(scope, ()))
    return frozenset(result)


@dataclass(frozen=True)
class RouteAuth:
    """What an endpoint requires, as the spec lists it.

    ``classic``: the ``security: oauth2`` scope (OAuth consumers, access tokens; None = any);
    ``granular``: ``x-atlassian-oauth2-scopes`` (API tokens; all of them are required, no implication);
    ``access_tokens``: ``allow``, ``deny`` (403: access tokens cannot query/change permissions) or
    ``unsupported`` (401: e.g. ``/user`` has no meaning for an access token);
    ``basic_only``: only HTTP Basic credentials (API tokens) may call it; OAuth and access tokens get 403
    :data:`UNSUPPORTED_METHOD` (permission writes).
    """

    classic: str | None = None
    granular: tuple = ()
    access_tokens: str = "allow"
    basic_only: bool = False


@dataclass
class Principal:
    kind: str  # api_token | oauth | access_token | anonymous | invalid
    credential: str  # id for the request log, never the secret
    rate_key: str
    account: dict | None = None
    scopes: frozenset = field(default_factory=frozenset)
    token_kind: str | None = None  # access tokens: workspace | project | repository
    workspace: str | None = None
    project: str | None = None
    repo: str | None = None
    rate_limit: int | None = None
    failure: str | None = None  # 401 message when the credentials were rejected
    token_id: str | None = None  # API tokens: the id of the account's token (seed ``token_id``; audit events)

    @property
    def is_access_token(self) -> bool:
        return self.kind == "access_token"

    def allows_workspace(self, workspace) -> bool:
        return not self.is_access_token or self.workspace == workspace.slug

    def allows_repo(self, repo) -> bool:
        if not self.is_access_token:
            return True
        if self.workspace != repo.workspace.slug:
            return False
        if self.token_kind == "project":
            return repo.project_key == self.project
        if self.token_kind == "repository":
            return repo.slug == self.repo
        return True

    def allows_project(self, project) -> bool:
        if not self.is_access_token:
            return True
        if self.workspace != project.workspace.slug:
            return False
        if self.token_kind == "project":
            return project.key == self.project
        if self.token_kind == "repository":
            repo = project.workspace.repos.get(self.repo)
            return repo is not None and repo.project_key == project.key
        return True

    def token_level(self) -> str | None:
        """The repository permission an access token's scopes amount to."""
        if "repository:admin" in self.scopes:
            return "admin"
        if "repository:write" in self.scopes:
            return "write"
        if "repository" in self.scopes:
            return "read"
        return None


def _basic(header: str) -> tuple[str, str] | None:
    try:
        raw = base64.b64decode(header.split(None, 1)[1].strip(), validate=True).decode("utf-8")
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if ":" not in raw:
        return None
    user, _unused, password = raw.partition(":")
    return user, password


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class Credentials:
    """Every credential of the seed plus the OAuth tokens issued since the last reset."""

    def __init__(self, seed: dict, accounts, clock, token_lifetime: int = 7200):
        self.accounts = accounts
        self.clock = clock
        self.token_lifetime = token_lifetime
        creds = seed.get("credentials") or {}
        self.api_tokens: dict[str, list] = {}
        for entry in creds.get("api_tokens") or ():
            account = accounts.ref(entry["email"], "api token")
            item = {
                "id": str(entry.get("id") or account["email"]),
                "account": account,
                "token": str(entry["token"]),
                "scopes": frozenset(entry.get("scopes") or ()),
                "rate_limit": entry.get("rate_limit"),
                "token_id": str(entry["token_id"]) if entry.get("token_id") else None,  # the account's api_tokens entry
            }
            self.api_tokens.setdefault(account["email"].lower(), []).append(item)
        self.consumers: dict[str, dict] = {}
        for entry in creds.get("oauth_consumers") or ():
            self.consumers[str(entry["client_id"])] = {
                "client_id": str(entry["client_id"]),
                "secret": str(entry["client_secret"]),
                "account": accounts.ref(entry["owner"], "oauth consumer %s" % entry["client_id"]),
                "scopes": tuple(entry.get("scopes") or ()),
                "rate_limit": entry.get("rate_limit"),
            }
        self.access_tokens: list[dict] = []
        for entry in creds.get("access_tokens") or ():
            kind = entry.get("kind", "repository")
            parts = str(entry["resource"]).split("/")
            if kind not in ("workspace", "project", "repository") or len(parts) != (1 if kind == "workspace" else 2):
                raise ValueError("access token %s: bad kind/resource %s %s" % (entry.get("id"), kind, entry["resource"]))
            self.access_tokens.append(
                {
                    "id": str(entry.get("id") or entry.get("name") or "%s:%s" % (kind, entry["resource"])),
                    "token": str(entry["token"]),
                    "kind": kind,
                    "workspace": parts[0],
                    "project": parts[1] if kind == "project" else None,
                    "repo": parts[1] if kind == "repository" else None,
                    "scopes": expand_classic(entry.get("scopes") or ()),
                    "rate_limit": entry.get("rate_limit"),
                }
            )
        self.issued: dict[str, dict] = {}

    # -- authentication --------------------------------------------------------------------------
    def authenticate(self, request: Request) -> Principal:
        header = request.headers.get("Authorization", "")
        remote = request.remote_addr or "unknown"
        if not header:
            return Principal("anonymous", "anonymous", "ip:" + remote)
        scheme = header.split(None, 1)[0].lower()
        if scheme == "basic":
            pair = _basic(header)
            if pair is None:
                return Principal("invalid", "invalid:basic", "ip:" + remote, failure=INVALID_TOKEN)
            email, token = pair
            for item in self.api_tokens.get(email.strip().lower(), ()):
                if _same(item["token"], token):
                    return Principal(
                        "api_token",
                        "api_token:" + item["id"],
                        "user:" + item["account"]["account_id"],
                        account=item["account"],
                        scopes=item["scopes"],
                        rate_limit=item["rate_limit"],
                        token_id=item["token_id"],
                    )
            known = self.accounts.get_by_email(email)  # the user part may be a pasted secret: log only known emails
            credential = "invalid:basic:" + known["email"] if known is not None else "invalid:basic"
            return Principal("invalid", credential, "ip:" + remote, failure=INVALID_TOKEN)
        if scheme == "bearer":
            token = header.split(None, 1)[1].strip() if " " in header.strip() else ""
            issued = self.issued.get(token) if token else None
            if issued is not None:
                consumer = issued["consumer"]
                credential = "oauth:" + consumer["client_id"]
                if issued["expires"] <= self.clock():
                    # rejected: the unauthenticated limit on the client's address, not the user's window
                    return Principal("invalid", credential, "ip:" + remote, failure=EXPIRED_TOKEN)
                return Principal(
                    "oauth",
                    credential,
                    "user:" + consumer["account"]["account_id"],
                    account=consumer["account"],
                    scopes=expand_classic(consumer["scopes"]),
                    rate_limit=consumer["rate_limit"],
                )
            for item in self.access_tokens:
                if token and _same(item["token"], token):
                    return Principal(
                        "access_token",
                        "access_token:" + item["id"],
                        "access_token:" + item["id"],
                        scopes=item["scopes"],
                        token_kind=item["kind"],
                        workspace=item["workspace"],
                        project=item["project"],
                        repo=item["repo"],
                        rate_limit=item["rate_limit"],
                    )
            return Principal("invalid", "invalid:bearer", "ip:" + remote, failure=INVALID_TOKEN)
        # no or unknown scheme: the header may be a bare secret, so log neither it nor its first word
        return Principal("invalid", "invalid:scheme", "ip:" + remote, failure=INVALID_TOKEN)

    def expire_all(self) -> int:
        """Make every OAuth token issued so far expired (tokens issued later are valid)."""
        now = self.clock()
        for issued in self.issued.values():
            issued["expires"] = min(issued["expires"], now)
        return len(self.issued)

    # -- the OAuth token endpoint ----------------------------------------------------------------
    def token_client_id(self, request: Request) -> str:
        """The client id presented to the token endpoint, for the request log: ``oauth:<client_id>`` for a
        known consumer, ``oauth:invalid`` for anything else (it may be a secret), ``anonymous`` for nothing."""
        header = request.headers.get("Authorization")
        pair = _basic(header) if header else None
        client_id = pair[0] if pair else request.form.get("client_id")
        if not header and not client_id:
            return "anonymous"
        return "oauth:" + client_id if client_id in self.consumers else "oauth:invalid"

    def token_endpoint(self, request: Request) -> Response:
        """``POST /site/oauth2/access_token`` with ``grant_type=client_credentials`` (RFC 6749 4.4)."""
        if request.method != "POST":
            return json_response({"error": "invalid_request", "error_description": "Method not allowed"}, 405)
        pair = _basic(request.headers.get("Authorization", "")) if request.headers.get("Authorization") else None
        client_id, secret = pair if pair else (request.form.get("client_id"), request.form.get("client_secret"))
        consumer = self.consumers.get(client_id or "")
        if consumer is None or not secret or not _same(consumer["secret"], secret):
            return json_response({"error_description": "Invalid OAuth client credentials", "error": "invalid_client"}, 400)
        grant = request.form.get("grant_type")
        if not grant:
            return json_response({"error_description": "Missing grant_type parameter", "error": "invalid_request"}, 400)
        if grant != "client_credentials":
            return json_response(
                {"error_description": "Unsupported grant type: %s" % grant, "error": "unsupported_grant_type"}, 400
            )
        token = secrets.token_urlsafe(48)
        self.issued[token] = {"consumer": consumer, "expires": self.clock() + self.token_lifetime}
        return json_response(
            {
                "access_token": token,
                "scopes": " ".join(consumer["scopes"]),
                "expires_in": self.token_lifetime,
                "token_type": "bearer",
                "state": "client_credentials",
            }
        )


def require(principal: Principal, route: RouteAuth) -> None:
    """Raise the 401/403 Bitbucket answers when ``principal`` may not call an endpoint requiring ``route``."""
    if principal.failure is not None:
        raise ApiError(401, principal.failure, headers=WWW_AUTHENTICATE)
    if principal.kind == "anonymous":
        raise ApiError(
            401,
            "Unauthorized",
            "This API is only accessible with the following authentication types: api-token, oauth2, access-token",
            headers=WWW_AUTHENTICATE,
        )
    if route.basic_only and principal.kind in ("oauth", "access_token"):
        raise ApiError(403, UNSUPPORTED_METHOD, UNSUPPORTED_METHOD_DETAIL)
    if principal.is_access_token:
        if route.access_tokens == "unsupported":
            raise ApiError(401, INVALID_TOKEN, headers=WWW_AUTHENTICATE)
        if route.access_tokens == "deny":
            raise ApiError(
                403,
                "Access tokens cannot be used for this resource",
                "Workspace, project and repository access tokens cannot query or change repository, "
                "project or workspace permissions.",
            )
    if principal.kind == "api_token":
        missing = [scope for scope in route.granular if scope not in principal.scopes]
        required = list(route.granular)
    else:
        missing = [route.classic] if route.classic and route.classic not in principal.scopes else []
        required = [route.classic] if route.classic else []
    if missing:
        raise ApiError(
            403,
            MISSING_SCOPES,
            "Required scopes: %s; missing: %s." % (", ".join(required), ", ".join(missing)),
            data={"required": required, "granted": sorted(principal.scopes)},
        )
