# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict mode on the Bitbucket API (:mod:`atlsim.strict`): the query parameters of an operation, and the BBQL fields and
operators (``q``, ``sort``) the documents state, with the Bitbucket overlays (``SUBTYPES``, ``ADDED_PROPERTIES``,
``PAGINATED``, ``OPERATORS``; their reasons are :data:`atlsim.strict.OVERLAYS`)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from . import bbql
from .strict_rules import Refusal, Rules
from .strict_spec import Found, properties, ref_name, response_schema, schema_of

# (schema, property) -> (overlay, the schema the property is read as)
SUBTYPES = {("workspace_membership", "user"): ("BB_MEMBERSHIP_USER", "user")}
# (schema, property) -> overlay: a property the schema does not list
ADDED_PROPERTIES = {("repository", "slug"): "BB_REPOSITORY_SLUG"}
PAGINATED = {("GET", "/user/emails"): "BB_USER_EMAILS_PAGINATED"}
# (method, template, field) -> (overlay, operators added to those of the description's examples)
OPERATORS = {("GET", "/workspaces/{workspace}/members", "user.email"): ("BB_MEMBERS_EMAIL_EQUALS", ("=",))}


def bitbucket_rules(found: Found, declared: frozenset) -> Rules:
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


def bbql_refusal(found: Found, rule: Rules, q: str | None, sort: str | None) -> Refusal | None:
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
