# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict mode: answer 400 to any request form the official documents do not state for the operation.

Off by default. ``create_app(seed, strict=None)`` reads ``ATLSIM_STRICT`` (``1``/``true``/``yes``: on);
``app.strict`` can be changed at run time; ``python -m atlsim --strict``; pytest ``--sim-strict``.
The gate (:func:`gate`) runs in ``SimApp.handle`` after the faults and the rate limiter, before the handler: a request
it accepts is handled exactly as in lenient mode; a refused one gets that API's own 400 error body and is logged like
any answer. It checks, per operation of the spec (:mod:`atlsim.strict_spec` maps the path onto the template; the
Bitbucket checks are in :mod:`atlsim.strict_bitbucket`, the SCIM ones in :mod:`atlsim.strict_scim`):

* query parameters: the operation's declared ``in: query`` ones; on Bitbucket also ``fields`` on any GET
  (narrative_partial-response), ``page`` / ``pagelen`` on paginated GETs (narrative_pagination), and ``q`` where the
  operation's description states a filter (``GET /workspaces/{workspace}/members``: only its ``user.email`` filter);
* BBQL (``q``, ``sort``): every field must be reachable in the item schema of the paginated answer
  (narrative_filtering: "every element in an object's JSON document schema can be used as a filter criterion"), or be
  named in the operation's own description examples; where ``q`` is not declared, only the description's fields and
  operators; the fields are read with the simulator's BBQL parser (:mod:`atlsim.bbql`), a query it cannot parse is
  left to the route (which answers its own 400);
* SCIM ``filter``: one ``<attribute> eq "<string>"`` comparison on an attribute the filter parameter's description
  names (Users: ``userName``, ``externalId``; Groups: ``displayName``), operators as the operation's description
  states (``eq``); an operation the SCIM spec does not document at all on a documented path (``POST .../Users/.search``)
  is refused too;
* JSON request bodies: top-level keys must be properties of the requestBody schema, nested keys where the schema is
  closed (``additionalProperties: false``); a body on an operation that documents none (``{}`` excepted); SCIM PATCH
  operations hold only ``op``/``path``/``value``, ``op`` add/remove/replace, a ``path`` (or a path-less ``value``)
  naming attributes of the resource.

Every departure from the letter of the documents is a named entry of :data:`OVERLAYS`. Outside the gate: ``/_sim``,
the OAuth token endpoint, paths no spec documents and (Bitbucket, Admin) methods a documented path does not offer:
the simulator answers them as it always does (404 / 405).
"""

from __future__ import annotations

import io
import json
import os
import threading
from typing import Any
from collections.abc import Mapping
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from .admin_common import error_response as admin_error
from .strict_bitbucket import bbql_refusal, bitbucket_rules
from .strict_rules import Refusal, Rules
from .strict_scim import patch_refusal, scim_filter_refusal, scim_filter_rule
from .strict_spec import SpecsUnavailable  # noqa: F401  pylint: disable=unused-import
from .strict_spec import Found, find, parameters, ref_name, request_schema, require_specs, unknown_keys
from .web import ApiError, json_response

ENV = "ATLSIM_STRICT"
REPORT_ENV = "ATLSIM_STRICT_REPORT"  # a file: one JSON line per refused request (method, path, query, message)
TRUE = ("1", "true", "yes")
GATED = ("bitbucket", "scim", "admin", "user_management")
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"

# Where strict mode reads the documents otherwise than to the letter, and why (README "Strict mode" lists them).
OVERLAYS = {
    "BB_MEMBERSHIP_USER": (
        "workspace_membership.user is declared `account` (no account_id, no nickname) while the answers carry `user` "
        "objects (contract.STRICTNESS_OVERLAY BB_MEMBERSHIP_USER): BBQL fields below a membership's `user` follow the "
        "`user` schema, e.g. `user.account_id` on GET /workspaces/{workspace}/permissions."
    ),
    "BB_REPOSITORY_SLUG": (
        "the `repository` schema (open: additionalProperties true) leaves out `slug`, the {repo_slug} every repository "
        "URL is made of and that every repository answer carries: BBQL `slug` is a field of a repository."
    ),
    "BB_USER_EMAILS_PAGINATED": (
        "GET /user/emails declares no 200 schema (contract.SPEC_QUIRKS BB_USER_EMAILS_NO_200); its answer is a "
        "paginated list, so `page` and `pagelen` are accepted as on every list."
    ),
    "BB_MEMBERS_EMAIL_EQUALS": (
        'GET /workspaces/{workspace}/members states the filter `user.email IN (...)`; `user.email = "a@x"` is the '
        "same exact match of one address and is accepted too (no other field, no other operator)."
    ),
    "SCIM_CASE_INSENSITIVE": (
        "RFC 7643 section 2.1 and RFC 7644 section 3.4.2.2: attribute names and filter operators are case-insensitive, "
        "so body keys and filter attributes are compared ignoring case (e.g. RFC 7644's `Operations` for the spec's "
        "`operations` in a PATCH)."
    ),
    "SCIM_PATCH_OPS": (
        "OperationForAScimPatch declares `op` a string; RFC 7644 section 3.5.2 (the PATCH the description refers to) "
        "names its values add, remove and replace, and its `path` names an attribute of the resource."
    ),
}


def env_strict() -> bool:
    """``ATLSIM_STRICT`` says strict mode is on."""
    return os.environ.get(ENV, "").strip().lower() in TRUE


def available() -> None:
    """Raise :class:`SpecsUnavailable` when the documents strict mode reads are missing."""
    require_specs()


def api_of(path: str) -> str | None:
    if path == "/2.0" or path.startswith("/2.0/"):
        return "bitbucket"
    if path.startswith("/scim/"):
        return "scim"
    if path == "/admin" or path.startswith("/admin/"):
        return "admin"
    if path.startswith("/users/"):
        return "user_management"
    return None


# -- the rules of an operation ----------------------------------------------------------------------------------
_RULES: dict = {}
_RULES_LOCK = threading.Lock()


def rules(found: Found) -> Rules:
    """What the documents state for the operation ``found`` names (cached: the documents do not change)."""
    key = (found.api, found.method, found.template)
    with _RULES_LOCK:
        cached = _RULES.get(key)
    if cached is None:
        cached = _rules(found)
        with _RULES_LOCK:
            _RULES[key] = cached
    return cached


def _rules(found: Found) -> Rules:
    spec, op, method = found.spec, found.op or {}, found.method
    declared = frozenset(p["name"] for p in parameters(spec, found, "query"))
    if found.api == "bitbucket":
        return bitbucket_rules(found, declared)
    if found.api == "scim":
        resource = "Group" if "/Groups" in found.template else "User"
        scim_filter = None
        if "filter" in declared:
            param = next(p for p in parameters(spec, found, "query") if p["name"] == "filter")
            scim_filter = scim_filter_rule(param.get("description") or "", op.get("description") or "")
        return Rules(
            "scim",
            method,
            found.template,
            declared,
            scim_filter=scim_filter,
            resource=resource,
            overlays=("SCIM_CASE_INSENSITIVE",),
        )
    return Rules(found.api, method, found.template, declared)


# -- bodies ---------------------------------------------------------------------------------------------------------
def _body_refusal(found: Found, rule: Rules, body: Any) -> Refusal | None:
    if body is None or body == b"" or body == "":
        return None
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except ValueError:
            return None  # not JSON: the route answers
    schema = request_schema(found.spec, found.op or {})
    where = rule.where
    if schema is None:
        if body in ({}, [], None):
            return None
        return Refusal(
            rule.api,
            "Unexpected request body",
            "atlsim strict mode: %s documents no request body" % where,
            "invalidSyntax" if rule.api == "scim" else None,
        )
    extra = unknown_keys(found.spec, schema, body, ci=rule.api == "scim")
    if extra:
        message = "Unknown field%s in the request body: %s" % ("s" if len(extra) > 1 else "", ", ".join(extra))
        name = ref_name(schema) or "requestBody"
        return Refusal(
            rule.api,
            message,
            "atlsim strict mode: the %s schema of %s does not declare %s" % (name, where, ", ".join(extra)),
            "invalidSyntax" if rule.api == "scim" else None,
        )
    if rule.api == "scim" and rule.method == "PATCH" and isinstance(body, dict):
        return patch_refusal(found, rule, body)
    return None


# -- entry points -------------------------------------------------------------------------------------------------
def check(method: str, path: str, query: str | Mapping | None = "", body: Any = None) -> Refusal | None:
    """The refusal of strict mode for this request, or None when the documents state every part of it.

    ``query``: the raw query string or a (multi)dict; ``body``: None, the raw JSON bytes/str, or the parsed value.
    """
    api = api_of(path)
    if api is None:
        return None
    found = find(api, method, path)
    if found is None:
        return None  # not a documented path: the simulator answers (404)
    if found.op is None:
        if api != "scim":
            return None  # the simulator answers 405 / 404 as for any method the path does not offer
        return Refusal(
            "scim",
            "Unsupported operation: %s %s" % (method, path),
            "atlsim strict mode: the SCIM documentation states no %s on %s" % (method, found.template),
        )
    rule = rules(found)
    args = _args(query)
    extra = sorted(set(args) - rule.query)
    if extra:
        stated = ", ".join(sorted(rule.query)) or "none"
        return Refusal(
            api,
            "Invalid query parameter%s: %s" % ("s" if len(extra) > 1 else "", ", ".join(extra)),
            "atlsim strict mode: the documentation of %s states the query parameters: %s" % (rule.where, stated),
        )
    refusal = None
    if api == "bitbucket" and ("q" in args or "sort" in args):
        refusal = bbql_refusal(found, rule, args.get("q"), args.get("sort"))
    elif api == "scim" and rule.scim_filter is not None and args.get("filter"):
        refusal = scim_filter_refusal(rule, args.get("filter"))
    return refusal or _body_refusal(found, rule, body)


def _args(query: str | Mapping | None) -> MultiDict:
    if isinstance(query, MultiDict):
        return query
    if isinstance(query, Mapping):
        return MultiDict(query)
    return MultiDict(parse_qsl(query or "", keep_blank_values=True))


def request_body(request: Request) -> bytes | None:
    """The body of a write, read once; ``wsgi.input`` is rewound for a WSGI app called with the environ (SCIM)."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    data = request.get_data(cache=True)
    request.environ["wsgi.input"] = io.BytesIO(data)
    request.environ["CONTENT_LENGTH"] = str(len(data))
    return data


def gate(kind: str, request: Request) -> Response | None:
    """The 400 answer of strict mode to ``request`` (``kind``: bitbucket, scim, admin or user_management), or None to
    go on."""
    if kind not in GATED:
        return None
    refusal = check(request.method, request.path, request.args, request_body(request))
    if refusal is None:
        return None
    report = os.environ.get(REPORT_ENV)
    if report:
        line = {
            "method": request.method,
            "path": request.path,
            "query": request.query_string.decode("latin-1"),
            "message": refusal.message,
            "detail": refusal.detail,
        }
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
    return response(refusal, request.path)


def response(refusal: Refusal, path: str) -> Response:
    """The refusal as the API's own 400: Bitbucket ``error``, SCIM ``Error``, Admin ``errors``, user management
    ``BadRequest.Body``."""
    if refusal.api == "scim":
        body = {"schemas": [SCIM_ERROR], "status": "400", "detail": "%s (%s)" % (refusal.message, refusal.detail)}
        if refusal.scim_type:
            body["scimType"] = refusal.scim_type
        return json_response(body, 400)
    if refusal.api == "user_management":  # BadRequest.Body: fieldConstraintsViolated, the refusal in `message`
        violation = {"field": "request", "violations": [{"key": "atlsim.strict.undocumented"}]}
        body = {
            "key": "fieldConstraintsViolated",
            "context": {"fieldViolations": [violation]},
            "message": "%s (%s)" % (refusal.message, refusal.detail),
        }
        return json_response(body, 400)
    if refusal.api == "admin":
        return admin_error(400, "%s (%s)" % (refusal.message, refusal.detail), v1=path.startswith("/admin/v1/"), path=path)
    return ApiError(400, refusal.message, refusal.detail).response()
