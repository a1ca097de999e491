# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A misbehaving server: answers a client must check before it trusts them (knobs in :mod:`atlsim.faults`).

``ignore_filters``         Bitbucket: ``q`` is dropped before dispatch (``next`` links then lack it too); SCIM
                           ``GET /Users?filter=...``: the users that do NOT match the filter, paginated as asked
``wrong_object_next``      keyed GETs of a user answer 200 with another user's object (also instead of a 404);
                           401/403 and unknown parents (workspace, repository, project, directory) are left alone
``hostile_ids``            ids in answers become path-traversal strings (SCIM ``id`` of every user:
                           ``../../other-directory/Users/<id>``; Bitbucket list ``user.account_id``: ``../../<id>``);
                           a request that then reaches the server with one (``..``, ``%2e%2e``, ``other-directory``, a
                           handed-out account id right below a repository or a project) is logged with fault
                           ``hostile_id_used``
``echo_credentials``       error answers (4xx/5xx, whatever produced them) carry ``"x" * pad`` then the raw
                           Authorization header, the decoded Basic ``user:password`` and the bare secret (and a
                           ``client_secret`` posted in the token request's form) in the message field of the API's
                           own error shape: Bitbucket ``error.message``, SCIM ``detail``, OAuth ``error_description``,
                           text and HTML bodies at the start of their text
``redirect_writes``        writes are answered with a redirect to another origin: ``http://localhost:PORT/_sim/sink<path>``
                           when the client used 127.0.0.1 (else ``http://127.0.0.1:PORT/...``); nothing is applied
``oauth_token_linebreak``  client-credentials tokens issued with a line break in the middle; they are not valid (the
                           token, as sent, is kept in ``SimApp.misbehave.broken_tokens`` for tests, in process only)

``/_sim/sink<anything>`` answers 200 ``{}`` to any method without authentication (loopback clients only) and is
logged (fault ``sink``), so a client that follows a redirected write is visible in the request log.
"""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import parse_qsl, quote, urlencode

from werkzeug.wrappers import Request, Response

from . import serializers as ser
from .auth import _basic
from .partial import apply_fields
from .requestlog import READ_METHODS
from .web import json_response

SINK = "/_sim/sink"
HOSTILE_SCIM_PREFIX = "../../other-directory/Users/"
HOSTILE_BB_PREFIX = "../../"
SCIM_LIST = re.compile(r"^/scim/directory/(?P<directory>[^/]+)/Users/?$")
SCIM_USER = re.compile(r"^/scim/directory/(?P<directory>[^/]+)/Users/(?P<id>[^/]+)/?$")
SCIM_USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
SCIM_ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"
BB_KEYED = (
    ("user", re.compile(r"^/2\.0/users/(?P<user>[^/]+)/?$")),
    ("member", re.compile(r"^/2\.0/workspaces/(?P<workspace>[^/]+)/members/(?P<user>[^/]+)/?$")),
    (
        "permission",
        re.compile(
            r"^/2\.0/repositories/(?P<workspace>[^/]+)/(?P<repo>[^/]+)/permissions-config/users/"
            r"(?P<user>[^/]+)/?$"
        ),
    ),
    (
        "project_permission",
        re.compile(
            r"^/2\.0/workspaces/(?P<workspace>[^/]+)/projects/(?P<project>[^/]+)/"
            r"permissions-config/users/(?P<user>[^/]+)/?$"
        ),
    ),
)
MAX_SCIM_PAGES = 100  # bounds the unfiltered listing read for ignore_filters (100 users a page)


def _json(response: Response):
    if not response.mimetype.endswith("json"):
        return None
    try:
        return json.loads(response.get_data(as_text=True))
    except ValueError:
        return None


def _set_json(response: Response, body) -> None:
    response.set_data(json.dumps(body, separators=(", ", ": ")))


def _sub_environ(request: Request, path: str, query: list) -> dict:
    environ = dict(request.environ)
    environ.update(SCRIPT_NAME="", PATH_INFO=path, QUERY_STRING=urlencode(query, quote_via=quote))
    return environ


class Misbehave:
    """The misbehaving-server half of the faults of one :class:`atlsim.app.SimApp`."""

    def __init__(self, app):
        self.app = app
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self.hostile_accounts: set = set()  # Bitbucket account ids handed out as ../../<id>
            self.broken_tokens: list = []  # tokens issued with a line break (for tests, in process)

    # -- /_sim/sink and redirect_writes --------------------------------------------------------------
    def sink(self, request: Request) -> Response:
        """Any method, no authentication: 200 ``{}``, logged with fault ``sink``."""
        app = self.app
        original = request.path[len(SINK) :] or "/"
        app.log.add(
            request.method,
            request.path,
            request.query_string.decode("latin-1"),
            200,
            app.credential_of(request, original),
            app.clock(),
            "sink",
        )
        return json_response({})

    def redirect(self, request: Request) -> Response | None:
        """The redirect of a write to another origin (``redirect_writes``), or None."""
        if request.method in READ_METHODS:
            return None
        rule = self.app.faults.take_rule("redirect_writes", request.method, request.path)
        if rule is None:
            return None
        host, _sep, port = request.host.rpartition(":")
        if not host or not port.isdigit():
            host, port = request.host, request.environ.get("SERVER_PORT", "80")
        other = "127.0.0.1" if host.strip("[]").lower() == "localhost" else "localhost"
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
        path = raw.split("?", 1)[0] if raw.startswith("/") else quote(request.path)
        query = request.query_string.decode("latin-1")
        location = "http://%s:%s%s%s%s" % (other, port, SINK, path, "?" + query if query else "")
        body = '<html><body>Moved: <a href="%s">%s</a></body></html>' % (location, location)
        return Response(body, status=rule.status, content_type="text/html", headers={"Location": location})

    # -- Bitbucket -------------------------------------------------------------------------------------
    def bitbucket(self, request: Request, state, dispatch):
        """(response, fault) when ``ignore_filters`` or ``wrong_object_next`` shapes this read, else None.
        ``dispatch(request)`` answers a request as the API would."""
        if request.method not in READ_METHODS:
            return None
        faults = self.app.faults
        if "q" in request.args and faults.take("ignore_filters", request.method, request.path):
            query = [(k, v) for k, v in parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True) if k != "q"]
            return dispatch(Request(_sub_environ(request, request.path, query))), "ignore_filters"
        if not faults.armed("wrong_object_next", request.method, request.path):
            return None
        for kind, regex in BB_KEYED:
            found = regex.match(request.path)
            if found:
                response = dispatch(request)
                if response.status_code not in (200, 404):
                    return response, None
                with state.lock:
                    body = self._other_user(kind, found.groupdict(), state, request.host_url.rstrip("/") + "/2.0")
                if body is None or not faults.take("wrong_object_next", request.method, request.path):
                    return response, None
                return json_response(apply_fields(body, request.args.get("fields"))), "wrong_object_next"
        return None

    @staticmethod
    def _other_user(kind: str, params: dict, state, api: str) -> dict | None:
        """The object of a user other than the one asked for, shaped like the keyed GET's answer."""
        accounts = state.accounts
        asked = accounts.get(params["user"])
        asked_id = asked["account_id"] if asked else None
        if kind == "user":
            other = next((a for a in accounts.by_id.values() if a["account_id"] != asked_id), None)
            return ser.user_full(other, api) if other else None
        ws = state.workspace(params["workspace"])
        if ws is None:
            return None
        if kind == "member":
            other = next((a for a in ws.members if a != asked_id), None)
            return ser.membership(ws, accounts.by_id[other], api) if other else None
        holder = ws.repo(params["repo"]) if kind == "permission" else ws.project(params["project"])
        if holder is None:
            return None
        other, permission = next(((a, p) for a, p in holder.user_perms.items() if a != asked_id), (None, None))
        if other is None:
            other, permission = next((a for a in ws.members if a != asked_id and not ws.is_owner(a)), None), "read"
        if other is None:
            return None
        if kind == "permission":
            return ser.user_permission(holder, accounts.by_id[other], permission, api)
        return ser.project_user_permission(holder, accounts.by_id[other], permission, api)

    # -- SCIM ------------------------------------------------------------------------------------------
    def scim(self, request: Request, scim_app):
        """(response, fault) when ``ignore_filters`` or ``wrong_object_next`` shapes this SCIM read, else None."""
        if request.method not in READ_METHODS or scim_app is None:
            return None
        faults = self.app.faults
        listing, single = SCIM_LIST.match(request.path), SCIM_USER.match(request.path)
        if listing and "filter" in request.args and faults.armed("ignore_filters", request.method, request.path):
            return self._complement(request, scim_app, listing.group("directory"))
        if single and faults.armed("wrong_object_next", request.method, request.path):
            return self._other_scim_user(request, scim_app, single.group("directory"), single.group("id"))
        return None

    @staticmethod
    def _call(scim_app, request: Request, path: str, query: list) -> Response:
        return Response.from_app(scim_app, _sub_environ(request, path, query))

    def _users(self, request: Request, scim_app, base: str, query: list):
        """(every user of the directory, the first page's body), read page by page (bounded)."""
        users, first, start = [], None, 1
        for _unused in range(MAX_SCIM_PAGES):
            page = self._call(scim_app, request, base, query + [("startIndex", str(start)), ("count", "100")])
            body = _json(page)
            if page.status_code != 200 or not isinstance(body, dict):
                return None, page
            first = first or body
            resources = body.get("Resources") or []
            users.extend(resources)
            start += len(resources)
            if not resources or len(users) >= int(body.get("totalResults") or 0):
                break
        return users, first

    def _complement(self, request: Request, scim_app, directory: str):
        """``ignore_filters`` on a SCIM user search: the users the filter does NOT match."""
        normal = self._call(scim_app, request, request.path, list(request.args.items(multi=True)))
        if normal.status_code not in (200, 400):
            return normal, None  # 401, unknown directory...: as the server would answer
        matched = {r.get("id") for r in ((_json(normal) or {}).get("Resources") or [])} if normal.status_code == 200 else set()
        others = [(k, v) for k, v in request.args.items(multi=True) if k not in ("filter", "startIndex", "count")]
        users, first = self._users(request, scim_app, "/scim/directory/%s/Users" % directory, others)
        if users is None or not self.app.faults.take("ignore_filters", request.method, request.path):
            return (first if users is None else normal), None
        rest = [user for user in users if user.get("id") not in matched]
        try:
            start = max(1, int(request.args.get("startIndex") or 1))
            count = max(0, min(100, int(request.args.get("count") or 100)))
        except ValueError:
            start, count = 1, 100
        page = rest[start - 1 : start - 1 + count]
        body = dict(first, totalResults=len(rest), startIndex=start, itemsPerPage=len(page), Resources=page)
        response = json_response(body, 200)
        response.headers["Content-Type"] = first_type(normal)
        return response, "ignore_filters"

    def _other_scim_user(self, request: Request, scim_app, directory: str, asked: str):
        """``wrong_object_next`` on ``GET /Users/{id}``: 200 with another user of the directory."""
        normal = self._call(scim_app, request, request.path, list(request.args.items(multi=True)))
        if normal.status_code not in (200, 404) or "Unknown SCIM directory" in normal.get_data(as_text=True):
            return normal, None
        base = "/scim/directory/%s/Users" % directory
        listing = _json(self._call(scim_app, request, base, [("count", "100")])) or {}
        other = next((u.get("id") for u in listing.get("Resources") or [] if u.get("id") not in (asked, None)), None)
        if other is None or not self.app.faults.take("wrong_object_next", request.method, request.path):
            return normal, None
        return self._call(
            scim_app, request, "%s/%s" % (base, quote(other, safe="")), list(request.args.items(multi=True))
        ), "wrong_object_next"

    # -- after the answer ---------------------------------------------------------------------------------
    def after(self, request: Request, kind: str, response: Response) -> str | None:
        """Rewrite a successful answer for ``hostile_ids`` / ``oauth_token_linebreak``; the fault applied or None."""
        if response.status_code >= 300:
            return None
        faults = self.app.faults
        if kind == "token" and faults.armed("oauth_token_linebreak", request.method, request.path):
            body = _json(response)
            if isinstance(body, dict) and isinstance(body.get("access_token"), str):
                faults.take("oauth_token_linebreak", request.method, request.path)
                token = body["access_token"]
                broken = token[: len(token) // 2] + "\n" + token[len(token) // 2 :]
                credentials = self.app.credentials
                with self.app.state.lock:
                    credentials.issued.pop(token, None)  # neither the token sent nor its halves are valid
                with self._lock:
                    self.broken_tokens.append(broken)
                body["access_token"] = broken
                _set_json(response, body)
                return "oauth_token_linebreak"
        if kind in ("scim", "bitbucket") and faults.armed("hostile_ids", request.method, request.path):
            body = _json(response)
            if body is not None and self._hostile(kind, body, dry_run=True):
                faults.take("hostile_ids", request.method, request.path)
                self._hostile(kind, body, dry_run=False)
                _set_json(response, body)
                return "hostile_ids"
        return None

    def _hostile(self, kind: str, body, dry_run: bool) -> bool:
        found = False
        if kind == "scim" and isinstance(body, dict):
            resources = body.get("Resources") if isinstance(body.get("Resources"), list) else [body]
            for resource in resources:
                if (
                    isinstance(resource, dict)
                    and isinstance(resource.get("id"), str)
                    and SCIM_USER_URN in (resource.get("schemas") or ())
                ):
                    found = True
                    if not dry_run:
                        resource["id"] = HOSTILE_SCIM_PREFIX + resource["id"]
        elif kind == "bitbucket" and isinstance(body, dict) and isinstance(body.get("values"), list):
            for value in body["values"]:
                if not isinstance(value, dict):
                    continue
                holder = value.get("user") if isinstance(value.get("user"), dict) else value
                if isinstance(holder.get("account_id"), str) and (holder is not value or value.get("type") == "user"):
                    found = True
                    if not dry_run:
                        with self._lock:
                            self.hostile_accounts.add(holder["account_id"])
                        holder["account_id"] = HOSTILE_BB_PREFIX + holder["account_id"]
        return found

    def hostile_used(self, request: Request) -> bool:
        """Whether a request carries a path-traversal id (one handed out by ``hostile_ids``, or any ``..``)."""
        path = request.path
        raw = (request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or "").lower()
        segments = path.split("/")
        if ".." in segments or "." in segments or "/../" in path or "%2e%2e" in raw or "/other-directory/" in path:
            return True
        if path.startswith(("/2.0/repositories/", "/2.0/workspaces/")) and self.hostile_accounts:
            with self._lock:
                handed = set(self.hostile_accounts)
            return any(seg in handed and segments[i - 1] not in ("users", "members") for i, seg in enumerate(segments))
        return False

    # -- echo_credentials ------------------------------------------------------------------------------
    def echo(self, request: Request, kind: str, response: Response) -> bool:
        """Put the request's credentials into an error answer (``echo_credentials``); True when done."""
        if response.status_code < 400 or not self.app.faults.armed("echo_credentials", request.method, request.path):
            return False
        rule = self.app.faults.take_rule("echo_credentials", request.method, request.path)
        if rule is None:
            return False
        echo = "x" * (rule.pad or 0) + " ".join(_credential_forms(request, kind))
        body = _json(response)
        if isinstance(body, dict) and isinstance(body.get("error"), dict):  # Bitbucket
            original = body["error"].get("message")
            body["error"]["message"] = echo + (" " + str(original) if original else "")
        elif isinstance(body, dict) and SCIM_ERROR_URN in (body.get("schemas") or ()):  # SCIM
            body["detail"] = echo + (" " + str(body["detail"]) if body.get("detail") else "")
        elif isinstance(body, dict) and body.get("errors") and isinstance(body["errors"][0], dict):  # Admin API
            first = body["errors"][0]
            first["detail"] = echo + (" " + str(first["detail"]) if first.get("detail") else "")
        elif isinstance(body, dict) and "error" in body:  # OAuth
            original = body.get("error_description")
            body["error_description"] = echo + (" " + str(original) if original else "")
        elif isinstance(body, dict):
            body["message"] = echo + (" " + str(body["message"]) if body.get("message") else "")
        if isinstance(body, dict):
            _set_json(response, body)
        elif response.mimetype == "text/html" and "<body>" in response.get_data(as_text=True):
            response.set_data(response.get_data(as_text=True).replace("<body>", "<body><p>%s</p>" % echo, 1))
        else:
            text = response.get_data(as_text=True)
            response.set_data(echo + (" " + text if text else ""))
        return True


def first_type(response: Response) -> str:
    return response.headers.get("Content-Type") or "application/scim+json"


def _credential_forms(request: Request, kind: str) -> list:
    """The raw Authorization header, the decoded Basic ``user:password`` and the bare secret, as sent."""
    forms = []
    header = request.headers.get("Authorization", "")
    if header:
        forms.append(header)
        pair = _basic(header) if header.split(None, 1)[0].lower() == "basic" else None
        if pair is not None:
            forms.extend(["%s:%s" % pair, pair[1]])
        elif " " in header.strip():
            forms.append(header.split(None, 1)[1].strip())
    if kind == "token":
        secret = request.form.get("client_secret")
        if secret:
            forms.extend(["%s:%s" % (request.form.get("client_id") or "", secret), secret])
    return forms
