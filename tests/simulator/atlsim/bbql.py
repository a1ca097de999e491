# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""BBQL, Bitbucket's filter language (``q=``) and ``sort=``, per narrative_filtering.md.

Grammar: ``expr := and_expr (OR and_expr)*``, ``and_expr := term (AND term)*``,
``term := "(" expr ")" | field op value | field [NOT] IN "(" value, ... ")"`` with ops
``= != ~ !~ > >= < <=``; values: "strings", numbers, true/false, null, ISO-8601 datetimes.
Keywords are case-insensitive. Each endpoint declares the fields it knows and their type
(``string``, ``permission`` ordered read < write < admin, ``bool``, ``number``, ``datetime``);
anything else (unknown field, bad syntax, operator not valid for the type, bad permission value)
raises :class:`BBQLError`, which the routes answer with 400 and an error body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, UTC
from typing import Any
from collections.abc import Callable

PERM_RANK = {"read": 1, "write": 2, "admin": 3}

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?(?![\w.]))
  | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
  | (?P<op>!=|>=|<=|!~|=|~|>|<)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
""",
    re.VERBOSE,
)

_NULL = object()


class BBQLError(ValueError):
    """An invalid query or sort; ``str()`` is the message for the 400 answer."""


@dataclass(frozen=True)
class Field:
    getter: Callable[[Any], Any]
    kind: str = "string"
    fold: bool = False  # compare case-insensitively (the getter returns lower case), e.g. emails


@dataclass
class Query:
    predicate: Callable[[Any], bool]
    fields_used: set = field(default_factory=set)
    literals: dict = field(default_factory=dict)
    operators: dict = field(default_factory=dict)  # field -> set of operators used on it ("=", "IN", "NOT IN"...)
    # field -> the only values the whole query lets it take (a string field compared with = or IN in every branch of
    # the query, at the top of an AND chain): a listing may read just the items with those values (routes_permissions)
    pins: dict = field(default_factory=dict)

    def values_for(self, name: str) -> list:
        return self.literals.get(name, [])


def _parse_datetime(text: str) -> datetime:
    text = text.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _tokens(text: str) -> list:
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise BBQLError("Invalid query: unexpected character %r at position %d" % (text[pos], pos))
        kind = match.lastgroup
        value = match.group()
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        if kind != "ws":
            out.append((kind, value, pos))
        pos = match.end()
    out.append(("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str, fields: dict):
        self.text = text
        self.fields = fields
        self.tokens = _tokens(text)
        self.pos = 0
        self.used: set = set()
        self.literals: dict = {}
        self.operators: dict = {}
        self.pins: dict = {}  # what the last expr / and_expr / term parsed pins (see Query.pins)

    def peek(self):
        return self.tokens[self.pos]

    def next(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, expected: str):
        kind, value, pos = self.peek()
        found = "end of query" if kind == "end" else repr(value)
        raise BBQLError("Invalid query: expected %s at position %d, found %s" % (expected, pos, found))

    def keyword(self, word: str) -> bool:
        kind, value, _unused = self.peek()
        if kind == "word" and value.upper() == word:
            self.pos += 1
            return True
        return False

    def parse(self) -> Query:
        if self.peek()[0] == "end":
            raise BBQLError("Invalid query: the query is empty")
        pred = self.expr()
        if self.peek()[0] != "end":
            self.fail("AND, OR or the end of the query")
        return Query(pred, self.used, self.literals, self.operators, self.pins)

    def expr(self):
        parts = [self.and_expr()]
        branches = [self.pins]
        while self.keyword("OR"):
            parts.append(self.and_expr())
            branches.append(self.pins)
        # an OR pins a field only when each branch does, to any of their values
        self.pins = {
            name: frozenset().union(*(b[name] for b in branches)) for name in branches[0] if all(name in b for b in branches)
        }
        return parts[0] if len(parts) == 1 else (lambda obj: any(p(obj) for p in parts))

    def and_expr(self):
        parts = [self.term()]
        pins = dict(self.pins)
        while self.keyword("AND"):
            parts.append(self.term())
            # an AND pins what any of its terms pins (to the values they all allow)
            for name, values in self.pins.items():
                pins[name] = pins[name] & values if name in pins else values
        self.pins = pins
        return parts[0] if len(parts) == 1 else (lambda obj: all(p(obj) for p in parts))

    def term(self):
        kind, value, _unused = self.peek()
        self.pins = {}
        if kind == "punct" and value == "(":
            self.next()
            inner = self.expr()
            if self.next()[1] != ")":
                self.pos -= 1
                self.fail("')'")
            return inner
        if kind != "word" or value.upper() in ("AND", "OR", "IN", "NOT"):
            self.fail("a field name")
        self.next()
        if value not in self.fields:
            raise BBQLError(
                "Invalid query: %r is not a field that can be queried here (known: %s)" % (value, ", ".join(sorted(self.fields)))
            )
        self.used.add(value)
        fdef = self.fields[value]
        ops = self.operators.setdefault(value, set())
        if self.keyword("NOT"):
            if not self.keyword("IN"):
                self.fail("IN after NOT")
            ops.add("NOT IN")
            return self.membership(value, fdef, negate=True)
        if self.keyword("IN"):
            ops.add("IN")
            return self.membership(value, fdef, negate=False)
        kind, op, _unused = self.peek()
        if kind != "op":
            self.fail("an operator (=, !=, ~, !~, >, >=, <, <=, IN, NOT IN)")
        self.next()
        ops.add(op)
        literal = self.value(value, fdef)
        if literal is _NULL:
            ops.add("null")
        elif op == "=" and fdef.kind == "string":
            self.pins = {value: frozenset([literal])}
        return self.compare(value, fdef, op, literal)

    def value(self, name: str, fdef: Field):
        kind, value, pos = self.next()
        if kind == "word" and value.lower() in ("true", "false", "null"):
            literal = _NULL if value.lower() == "null" else value.lower() == "true"
        elif kind == "string":
            literal = value
        elif kind == "number":
            literal = float(value) if "." in value else int(value)
        elif kind == "datetime":
            try:
                literal = _parse_datetime(value)
            except ValueError as exc:
                raise BBQLError("Invalid query: bad datetime %r at position %d" % (value, pos)) from exc
        else:
            self.pos -= 1
            self.fail("a value")
        return self.coerce(name, fdef, literal, pos)

    def coerce(self, name: str, fdef: Field, literal, pos: int):
        if literal is _NULL:
            return literal
        expected = {"string": str, "permission": str, "bool": bool, "number": (int, float), "datetime": datetime}[fdef.kind]
        if fdef.kind == "datetime" and isinstance(literal, str):
            try:
                literal = _parse_datetime(literal)
            except ValueError as exc:
                raise BBQLError("Invalid query: bad datetime %r for %s" % (literal, name)) from exc
        if not isinstance(literal, expected) or (fdef.kind == "number" and isinstance(literal, bool)):
            raise BBQLError("Invalid query: %s expects a %s value, got %r at position %d" % (name, fdef.kind, literal, pos))
        if fdef.fold:
            literal = literal.lower()
        if fdef.kind == "permission" and literal not in PERM_RANK:
            raise BBQLError("Invalid query: %r is not a permission (read, write, admin)" % literal)
        self.literals.setdefault(name, []).append(literal)
        return literal

    def membership(self, name: str, fdef: Field, negate: bool):
        if self.next()[1] != "(":
            self.pos -= 1
            self.fail("'(' to open the list")
        items = [self.value(name, fdef)]
        while self.peek()[1] == ",":
            self.next()
            items.append(self.value(name, fdef))
        if self.next()[1] != ")":
            self.pos -= 1
            self.fail("',' or ')'")
        getter = fdef.getter
        if fdef.kind == "string":
            wanted = {item for item in items if item is not _NULL}
        else:
            wanted = set(items)
        has_null = any(item is _NULL for item in items)
        if has_null:
            self.operators.setdefault(name, set()).add("null")
        if fdef.kind == "string" and not negate and not has_null:
            self.pins = {name: frozenset(wanted)}

        def pred(obj):
            got = getter(obj)
            found = (got is None and has_null) or (got is not None and got in wanted)
            return not found if negate else found

        return pred

    def compare(self, name: str, fdef: Field, op: str, literal):
        getter = fdef.getter
        if literal is _NULL:
            if op not in ("=", "!="):
                raise BBQLError("Invalid query: null can only be compared with = or != (%s)" % name)
            return (lambda obj: getter(obj) is None) if op == "=" else (lambda obj: getter(obj) is not None)
        if op in ("~", "!~"):
            if fdef.kind != "string":
                raise BBQLError("Invalid query: operator %s is not supported for %s" % (op, name))
            needle = literal.lower()

            def contains(obj):
                return needle in (getter(obj) or "").lower()

            return contains if op == "~" else (lambda obj: not contains(obj))
        if fdef.kind == "bool" and op not in ("=", "!="):
            raise BBQLError("Invalid query: operator %s is not supported for %s" % (op, name))
        key = (lambda v: PERM_RANK.get(v, 0)) if fdef.kind == "permission" else (lambda v: v)
        target = key(literal)
        ops = {
            "=": lambda a: a == target,
            "!=": lambda a: a != target,
            ">": lambda a: a > target,
            ">=": lambda a: a >= target,
            "<": lambda a: a < target,
            "<=": lambda a: a <= target,
        }
        check = ops[op]

        def pred(obj):
            got = getter(obj)
            if got is None:
                return op == "!="
            return check(key(got))

        return pred


def parse(text: str, fields: dict) -> Query:
    """Parse ``q`` against the endpoint's ``fields`` (name -> :class:`Field`)."""
    return _Parser(text, fields).parse()


def sort_key(spec: str, fields: dict) -> tuple[Callable[[Any], Any], bool]:
    """``sort=field`` or ``sort=-field`` -> (key function, reverse). One field only."""
    spec = spec.strip()
    reverse = spec.startswith("-")
    name = spec[1:] if reverse else spec
    if "," in name:
        raise BBQLError("Invalid sort: only one field can be sorted on (%r)" % spec)
    if name not in fields:
        raise BBQLError("Invalid sort: %r is not a field that can be sorted on (known: %s)" % (name, ", ".join(sorted(fields))))
    fdef = fields[name]
    if fdef.kind == "permission":
        return (lambda obj: PERM_RANK.get(fdef.getter(obj), 0)), reverse

    def key(obj):
        value = fdef.getter(obj)
        return (value is None, value.lower() if isinstance(value, str) else value)

    return key, reverse


def apply(items: list, q: str | None, sort: str | None, fields: dict) -> tuple[list, Query | None]:
    """Filter and sort ``items``; return (items, parsed query or None)."""
    query = None
    if q is not None and q.strip() != "":
        query = parse(q, fields)
        items = [item for item in items if query.predicate(item)]
    if sort:
        key, reverse = sort_key(sort, fields)
        items = sorted(items, key=key, reverse=reverse)
    return items, query
