# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request forms of the collection: what a sent request looks like once its values are taken out (method, path
template, query keys, BBQL fields or SCIM filter attributes, body keys), and the table of documented forms in
``docs/api-requests.md`` it is compared with.

``tests/unit/conftest.py`` records every request the unit tests send (``record``) and, at the end of the session,
fails the run when one of them has no row in the table (``undocumented``); rows no test exercised are listed
(``unexercised``). ``test_request_forms.py`` tests this module.
"""

from __future__ import annotations

import json
import re
from collections import namedtuple
from pathlib import Path
from urllib.parse import parse_qsl, unquote_plus, urlsplit

TABLE = Path(__file__).resolve().parents[2] / "docs" / "api-requests.md"
HEADER = ("method", "path", "query keys", "filter fields", "body keys", "source", "sent by")
NONE = ("", "-", "\u2014", "none")

# A request as sent: ``link`` is True when its URL is one the server gave (a ``next`` page or a redirect Location),
# whose query is the server's, not the collection's.
Form = namedtuple("Form", "method path query fields body link")
Row = namedtuple("Row", "method template query fields body source sender line")
Keys = namedtuple("Keys", "required optional")

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BBQL_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*(?:!=|!~|>=|<=|=|~|>|<|\bNOT\s+IN\b|\bIN\b)", re.IGNORECASE)
_SCIM_FIELD = re.compile(r"([A-Za-z][A-Za-z0-9_.:$-]*)\s+(?:eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b", re.IGNORECASE)
_KEYWORDS = ("AND", "OR", "NOT")


def bbql_fields(query):
    """The field names a BBQL query compares (``user.account_id IN (...) OR permission = "owner"`` ->
    ``("permission", "user.account_id")``); string literals never count, whatever they hold."""
    bare = _STRING.sub('""', query or "")
    return tuple(sorted({f for f in _BBQL_FIELD.findall(bare) if f.upper() not in _KEYWORDS}))


def scim_fields(expression):
    """The attributes a SCIM filter compares (``userName eq "a@x"`` -> ``("userName",)``)."""
    bare = _STRING.sub('""', expression or "")
    return tuple(sorted(set(_SCIM_FIELD.findall(bare))))


def body_keys(body, content_type=None):
    """The top-level keys of a JSON object body, or of a form-encoded body; () for none."""
    if body is None or body in (b"", ""):
        return ()
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if "x-www-form-urlencoded" in (content_type or ""):
        return tuple(sorted({k for k, _v in parse_qsl(text, keep_blank_values=True)}))
    try:
        data = json.loads(text)
    except ValueError:
        return ("<not JSON>",)
    return tuple(sorted(data)) if isinstance(data, dict) else ("<JSON %s>" % type(data).__name__,)


def normalise(method, url, body=None, content_type=None, link=False):
    """The form of one request (its path is still concrete: ``match`` finds its template)."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = tuple(sorted({k for k, _v in pairs}))
    fields = set()
    for key, value in pairs:
        if key == "q":
            fields.update(bbql_fields(unquote_plus(value)))
        elif key == "filter":
            fields.update(scim_fields(unquote_plus(value)))
    return Form(method.upper(), parts.path or "/", query, tuple(sorted(fields)), body_keys(body, content_type), bool(link))


def _keys(cell):
    """``a, b?`` -> Keys({"a"}, {"b"}) (``?``: may be left out)."""
    required, optional = set(), set()
    text = cell.replace("`", "").strip()
    if text.lower() in NONE:
        return Keys(frozenset(), frozenset())
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        if item.endswith("?"):
            optional.add(item[:-1].strip())
        else:
            required.add(item)
    return Keys(frozenset(required), frozenset(optional))


def _template_regex(template):
    pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(template))
    # a base path before the template (an api_url behind a proxy, e.g. https://host/bitbucket/2.0) is allowed
    return re.compile(r"(?:/[^?#]*?)?" + pattern)


def parse_table(text):
    """The rows of every table of ``text`` whose header is ``HEADER`` (other tables are ignored)."""
    rows = []
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if tuple(c.lower() for c in cells) == HEADER:
            in_table = True
            continue
        if not in_table or set("".join(cells)) <= set("-: "):
            continue
        if len(cells) != len(HEADER):
            raise ValueError("docs/api-requests.md line %d: %d cells instead of %d" % (number, len(cells), len(HEADER)))
        method, template = cells[0].replace("`", "").upper(), cells[1].replace("`", "").strip()
        if not re.fullmatch(r"[A-Z]+", method) or not template.startswith("/"):
            raise ValueError("docs/api-requests.md line %d: no method and path template" % number)
        rows.append(Row(method, template, _keys(cells[2]), _keys(cells[3]), _keys(cells[4]), cells[5], cells[6], number))
    return rows


def load_table(path=TABLE):
    return parse_table(Path(path).read_text(encoding="utf-8"))


def _within(found, keys):
    found = set(found)
    return keys.required <= found <= (keys.required | keys.optional)


def path_matches(row, path):
    return _template_regex(row.template).fullmatch(path) is not None


def matches(row, form):
    """True when ``row`` states ``form``. A followed link (``next`` page, redirect) needs only its method and path:
    its query is the server's (narrative_pagination: ``next`` is followed as given)."""
    if row.method != form.method or not path_matches(row, form.path):
        return False
    if form.link:
        return True
    return _within(form.query, row.query) and _within(form.fields, row.fields) and _within(form.body, row.body)


def template_of(form, rows):
    """The path template of the rows whose path matches ``form`` (the most specific), else the concrete path."""
    candidates = [r.template for r in rows if path_matches(r, form.path)]
    if not candidates:
        return form.path
    return sorted(candidates, key=lambda t: (t.count("{"), -len(t)))[0]


def describe(form, rows):
    """One line for a form, with its path template: ``GET /2.0/workspaces/{workspace}/members q(user.uuid) pagelen``."""
    text = "%s %s" % (form.method, template_of(form, rows))
    if form.link:
        return text + " (a link the server gave)"
    if form.query:
        text += " query: %s" % ", ".join(form.query)
    if form.fields:
        text += " filter fields: %s" % ", ".join(form.fields)
    if form.body:
        text += " body: %s" % ", ".join(form.body)
    return text


def undocumented(recorded, rows):
    """{form description: [test ids]} of the recorded forms (``{form: [test ids]}``) that no row states."""
    missing = {}
    for form, tests in recorded.items():
        if not any(matches(row, form) for row in rows):
            missing.setdefault(describe(form, rows), []).extend(tests)
    return {k: sorted(set(v)) for k, v in sorted(missing.items())}


def unexercised(recorded, rows):
    """The rows that no recorded form (other than a followed link) matches."""
    return [row for row in rows if not any(matches(row, form) for form in recorded if not form.link)]
