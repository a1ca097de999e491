# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict mode: answer 400 to any request form the official documents do not state for the operation.

Off by default. ``create_app(seed, strict=None)`` reads ``ATLSIM_STRICT`` (``1``/``true``/``yes``: on);
``app.strict`` can be changed at run time; ``python -m atlsim --strict``; pytest ``--sim-strict``.
The gate (:func:`gate`) runs in ``SimApp.handle`` after the faults and the rate limiter, before the handler: a request
it accepts is handled exactly as in lenient mode; a refused one gets that API's own 400 error body and is logged like
any answer. It checks, per operation of the spec (:mod:`atlsim.strict_spec` maps the path onto the template):

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
import re
import threading
from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from . import bbql
from .admin_common import error_response as admin_error
from .strict_spec import SpecsUnavailable  # noqa: F401  pylint: disable=unused-import
from .strict_spec import Found, find, parameters, properties, ref_name, request_schema, require_specs
from .strict_spec import response_schema, schema_of, unknown_keys
from .web import ApiError, json_response

ENV = "ATLSIM_STRICT"
REPORT_ENV = "ATLSIM_STRICT_REPORT"  # a file: one JSON line per refused request (method, path, query, message)
TRUE = ("1", "true", "yes")
GATED = ("bitbucket", "scim", "admin")
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_OPERATORS = ("eq", "ne", "co", "sw", "ew", "pr", "gt", "ge", "lt", "le")
SCIM_CORE = {"User": "urn:ietf:params:scim:schemas:core:2.0:User", "Group": "urn:ietf:params:scim:schemas:core:2.0:Group"}
PATCH_OPS = ("add", "remove", "replace")

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
# (schema, property) -> (overlay, the schema the property is read as)
SUBTYPES = {("workspace_membership", "user"): ("BB_MEMBERSHIP_USER", "user")}
# (schema, property) -> overlay: a property the schema does not list
ADDED_PROPERTIES = {("repository", "slug"): "BB_REPOSITORY_SLUG"}
PAGINATED = {("GET", "/user/emails"): "BB_USER_EMAILS_PAGINATED"}
# (method, template, field) -> (overlay, operators added to those of the description's examples)
OPERATORS = {("GET", "/workspaces/{workspace}/members", "user.email"): ("BB_MEMBERS_EMAIL_EQUALS", ("=",))}


@dataclass(frozen=True)
class Refusal:
    """Why the gate refuses a request: ``message`` short (names the parameter or field), ``detail`` what is stated."""

    api: str
    message: str
    detail: str
    scim_type: str | None = None


@dataclass(frozen=True)
class Rules:
    """What the documents state for one operation (see :func:`rules`)."""

    api: str
    method: str
    template: str
    query: frozenset
    q_item: str | None = None  # item schema the BBQL fields are looked up in
    q_examples: Mapping | None = None  # field -> operators named in the description's examples
    q_operators: Mapping | None = None  # description-only filters: field -> allowed operators
    sort: bool = False
    scim_filter: tuple | None = None  # (attributes, operators in lower case)
    resource: str | None = None  # SCIM: User | Group
    overlays: tuple = ()

    @property
    def where(self) -> str:
        """``METHOD /path/template`` as the simulator serves it."""
        return "%s %s%s" % (self.method, {"bitbucket": "/2.0", "admin": "/admin"}.get(self.api, ""), self.template)


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
        return _bitbucket_rules(found, declared)
    if found.api == "scim":
        resource = "Group" if "/Groups" in found.template else "User"
        scim_filter = None
        if "filter" in declared:
            param = next(p for p in parameters(spec, found, "query") if p["name"] == "filter")
            scim_filter = _scim_filter_rule(param.get("description") or "", op.get("description") or "")
        return Rules(
            "scim",
            method,
            found.template,
            declared,
            scim_filter=scim_filter,
            resource=resource,
            overlays=("SCIM_CASE_INSENSITIVE",),
        )
    return Rules("admin", method, found.template, declared)


def _bitbucket_rules(found: Found, declared: frozenset) -> Rules:
    spec, op, method = found.spec, found.op or {}, found.method
    names, overlays = set(declared), []
    get = method in ("GET", "HEAD")
    if get:
        names.add("fields")
    page_schema = response_schema(spec, op)
    page_name = ref_name(page_schema) if page_schema else None
    paginated = bool(page_name and page_name.startswith("paginated_"))
    if (method, found.template) in PAGINATED:
        paginated = True
        overlays.append(PAGINATED[(method, found.template)])
    if get and paginated:
        names |= {"page", "pagelen"}
    item = None
    if page_name and page_name.startswith("paginated_"):
        item = schema_of(spec, properties(spec, page_schema).get("values") or {})[0]
    examples = description_filters(op.get("description") or "")
    q_operators = None
    if "q" not in declared and examples:
        names.add("q")
        q_operators = {name: set(ops) for name, ops in examples.items()}
        for (o_method, template, name), (overlay, extra) in OPERATORS.items():
            if o_method == method and template == found.template and name in q_operators:
                q_operators[name] |= set(extra)
                overlays.append(overlay)
        item = None
    return Rules(
        "bitbucket",
        method,
        found.template,
        frozenset(names),
        q_item=item,
        q_examples=examples,
        q_operators=q_operators,
        sort="sort" in declared,
        overlays=tuple(overlays),
    )


def description_filters(description: str) -> dict[str, set]:
    """field -> operators of the ``q=...`` examples an operation's description gives (URL-escaped ones decoded)."""
    out: dict[str, set] = {}
    for example in re.findall(r"`q=([^`]+)`", description):
        usage = bbql_usage(unquote(example))
        for name, ops in (usage or {}).items():
            out.setdefault(name, set()).update(ops)
    return out


def _scim_filter_rule(param_description: str, op_description: str) -> tuple[frozenset, frozenset]:
    """The attributes the filter parameter's description names (before its example) and the operators the operation's
    description names (the example's when it names none)."""
    head, _sep, example = param_description.partition("Example")
    attributes = frozenset(re.findall(r"`([A-Za-z][\w.]*)`", head))
    ops = {word.lower() for word in re.findall(r"`(\w+)`", op_description) if word.lower() in SCIM_OPERATORS}
    if not ops:
        ops = {word.lower() for word in re.findall(r"\s(\w+)\s", example) if word.lower() in SCIM_OPERATORS}
    return attributes, frozenset(ops)


# -- BBQL ---------------------------------------------------------------------------------------------------------
_ANY = bbql.Field(lambda obj: None)


class _EveryField(dict):
    """The fields mapping of a parse that accepts every name (the gate judges the names afterwards)."""

    def __contains__(self, name: object) -> bool:
        return True

    def __missing__(self, name: str) -> bbql.Field:
        return _ANY


class _FieldCollector(bbql._Parser):  # pylint: disable=protected-access
    """The BBQL parser with the value checks left to the route: it only records the fields and operators."""

    def coerce(self, name, fdef, literal, pos):
        self.literals.setdefault(name, []).append(literal)
        return literal

    def compare(self, name, fdef, op, literal):
        return lambda obj: False


def bbql_usage(q: str) -> dict[str, set] | None:
    """field -> operators (``=``, ``IN``, ``NOT IN``, ``null``...) of a BBQL query; None when it does not parse."""
    try:
        query = _FieldCollector(q, _EveryField()).parse()
    except bbql.BBQLError:
        return None
    return {name: set(query.operators.get(name, ())) for name in query.fields_used}


def schema_path(spec: dict, schema_name: str, dotted: str) -> tuple[bool, list[str]]:
    """(is ``dotted`` an element of the schema's JSON document, overlays used to say so)."""
    schemas = spec["components"]["schemas"]
    name: str | None = schema_name
    current: dict = schemas[schema_name]
    used: list[str] = []
    for part in dotted.split("."):
        props = properties(spec, current)
        if part in props:
            target = props[part]
        elif (name, part) in ADDED_PROPERTIES:
            used.append(ADDED_PROPERTIES[(name, part)])
            target = {"type": "string"}
        else:
            return False, used
        if (name, part) in SUBTYPES:
            overlay, name = SUBTYPES[(name, part)]
            used.append(overlay)
            current = schemas[name]
        else:
            name, current = schema_of(spec, target)
    return True, used


def _bbql_refusal(found: Found, rule: Rules, q: str | None, sort: str | None) -> Refusal | None:
    where = rule.where
    usage = bbql_usage(q) if q and q.strip() else {}
    for name, ops in sorted((usage or {}).items()):
        if rule.q_operators is not None:
            allowed = rule.q_operators.get(name)
            stated = "; ".join("%s (%s)" % (f, ", ".join(sorted(o))) for f, o in sorted(rule.q_operators.items()))
            if allowed is None:
                return Refusal(
                    "bitbucket",
                    "Invalid query: %r is not a field that can be queried here" % name,
                    "atlsim strict mode: the documentation of %s states only the filter %s" % (where, stated),
                )
            if not ops <= allowed:
                refused = ", ".join(sorted(ops - allowed))
                return Refusal(
                    "bitbucket",
                    "Invalid query: %s cannot be used with %s" % (name, refused),
                    "atlsim strict mode: the documentation of %s states only the filter %s" % (where, stated),
                )
        elif not _field_known(found, rule, name):
            return Refusal(
                "bitbucket",
                "Invalid query: %r is not a field that can be queried here" % name,
                "atlsim strict mode: %r is neither an element of the %s schema nor named in the description "
                "of %s" % (name, rule.q_item or "answer's", where),
            )
    if sort and sort.strip():
        name = sort.strip()[1:] if sort.strip().startswith("-") else sort.strip()
        if not _field_known(found, rule, name):
            return Refusal(
                "bitbucket",
                "Invalid sort: %r is not a field that can be sorted on" % name,
                "atlsim strict mode: only a field that can be queried can be sorted on (%s)" % where,
            )
    return None


def _field_known(found: Found, rule: Rules, name: str) -> bool:
    if name in (rule.q_examples or {}):
        return True
    return bool(rule.q_item) and schema_path(found.spec, rule.q_item, name)[0]


# -- SCIM filter ----------------------------------------------------------------------------------------------------
_COMPARISON = re.compile(r'^\s*(?P<attr>[A-Za-z][\w:.$-]*)\s+(?P<op>[A-Za-z]+)\s+(?P<value>"(?:[^"\\]|\\.)*"|\S+)\s*$')


def _scim_filter_refusal(rule: Rules, text: str) -> Refusal | None:
    attributes, ops = rule.scim_filter
    stated = " or ".join('%s %s "..."' % (a, o) for a in sorted(attributes) for o in sorted(ops))
    detail = "atlsim strict mode: %s documents only the filter %s" % (rule.where, stated)
    match = _COMPARISON.match(text)
    if match is None:
        return Refusal("scim", "Unsupported filter: only a single comparison is supported: %s" % text, detail, "invalidFilter")
    attr = match.group("attr")
    core = SCIM_CORE.get(rule.resource or "", "")
    if core and attr.lower().startswith(core.lower() + ":"):
        attr = attr[len(core) + 1 :]
    if attr.lower() not in {name.lower() for name in attributes}:
        return Refusal("scim", "Unsupported filter attribute: %s" % attr, detail, "invalidFilter")
    if match.group("op").lower() not in ops:
        return Refusal("scim", "Unsupported filter operator: %s" % match.group("op"), detail, "invalidFilter")
    if not match.group("value").startswith('"'):
        return Refusal(
            "scim", "Unsupported filter value: %s (a string is expected)" % match.group("value"), detail, "invalidFilter"
        )
    return None


# -- bodies ---------------------------------------------------------------------------------------------------------
def _patch_refusal(found: Found, rule: Rules, body: dict) -> Refusal | None:
    spec = found.spec
    props = {key.lower(): key for key in properties(spec, _resource_schema(spec, rule))}
    operations = _ci_get(body, "operations")
    declared = {key.lower() for key in properties(spec, spec["components"]["schemas"]["OperationForAScimPatch"])}
    for index, operation in enumerate(operations if isinstance(operations, list) else ()):
        if not isinstance(operation, dict):
            continue
        extra = sorted(key for key in operation if key.lower() not in declared)
        if extra:
            return Refusal(
                "scim",
                "Unknown PATCH operation attribute: %s" % ", ".join(extra),
                "atlsim strict mode: a PATCH operation holds op, path and value",
                "invalidSyntax",
            )
        op = str(_ci_get(operation, "op") or "").lower()
        if op not in PATCH_OPS:
            return Refusal(
                "scim",
                "Unsupported PATCH op: %r" % op,
                "atlsim strict mode: op is add, remove or replace (RFC 7644 section 3.5.2; overlay SCIM_PATCH_OPS)",
                "invalidSyntax",
            )
        path, value = _ci_get(operation, "path"), _ci_get(operation, "value")
        if isinstance(path, str) and path:
            if not _patch_path_known(spec, rule, props, path):
                return Refusal(
                    "scim",
                    "Unknown PATCH path: %s" % path,
                    "atlsim strict mode: operation %d names no attribute of the %s schema" % (index, rule.resource),
                    "invalidPath",
                )
        elif isinstance(value, dict):
            extra = sorted(key for key in value if key.lower() not in props)
            if extra:
                return Refusal(
                    "scim",
                    "Unknown attribute in PATCH value: %s" % ", ".join(extra),
                    "atlsim strict mode: operation %d sets attributes the %s schema does not declare" % (index, rule.resource),
                    "invalidSyntax",
                )
    return None


def _ci_get(mapping: dict, name: str) -> Any:
    """``mapping[name]`` with the key compared ignoring case (SCIM_CASE_INSENSITIVE)."""
    return next((value for key, value in mapping.items() if key.lower() == name), None)


def _patch_path_known(spec: dict, rule: Rules, props: dict, path: str) -> bool:
    """The attribute a PATCH ``path`` starts with is one of the resource's (an extension's: one of its attributes)."""
    lowered = path.lower()
    core = SCIM_CORE.get(rule.resource or "", "").lower()
    if core and lowered.startswith(core + ":"):
        lowered = lowered[len(core) + 1 :]
    for key, original in props.items():
        if key.startswith("urn:") and (lowered == key or lowered.startswith(key + ":")):
            rest = re.match(r"[a-z][\w$-]*", lowered[len(key) + 1 :])
            extension = properties(spec, properties(spec, _resource_schema(spec, rule))[original])
            return lowered == key or (rest is not None and rest.group() in {name.lower() for name in extension})
    root = re.match(r"[a-z][\w$-]*", lowered)
    return root is not None and root.group() in props


def _resource_schema(spec: dict, rule: Rules) -> dict:
    return spec["components"]["schemas"]["ScimGroup" if rule.resource == "Group" else "ScimUser"]


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
        return _patch_refusal(found, rule, body)
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
        refusal = _bbql_refusal(found, rule, args.get("q"), args.get("sort"))
    elif api == "scim" and rule.scim_filter is not None and args.get("filter"):
        refusal = _scim_filter_refusal(rule, args.get("filter"))
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
    """The 400 answer of strict mode to ``request`` (``kind``: bitbucket, scim or admin), or None to go on."""
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
    """The refusal as the API's own 400: Bitbucket ``error``, SCIM ``Error``, Admin ``errors``."""
    if refusal.api == "scim":
        body = {"schemas": [SCIM_ERROR], "status": "400", "detail": "%s (%s)" % (refusal.message, refusal.detail)}
        if refusal.scim_type:
            body["scimType"] = refusal.scim_type
        return json_response(body, 400)
    if refusal.api == "admin":
        return admin_error(400, "%s (%s)" % (refusal.message, refusal.detail), v1=path.startswith("/admin/v1/"), path=path)
    return ApiError(400, refusal.message, refusal.detail).response()
