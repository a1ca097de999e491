# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the official documents state per operation, for the strict mode of :mod:`atlsim.strict`.

The four specs are loaded once (lazily, from ``$ATLSIM_SPEC_DIR`` or ``<repo>/../shared/reference`` as
:func:`atlsim.contract.reference_dir` finds them) and indexed by path template. A simulator path is mapped to the
spec's template the way :mod:`atlsim.contract` presents requests to openapi-core: the Bitbucket spec's server is
``https://api.bitbucket.org/2.0`` (simulator ``/2.0`` + template), SCIM's is ``https://api.atlassian.com/`` (its
templates carry ``/scim/directory/{directoryId}``), the organization Admin API's ``https://api.atlassian.com/admin``
(simulator ``/admin`` + template) and the user management API's ``https://api.atlassian.com`` (its templates,
``/users/{account_id}/manage/...``, at the simulator's root). Where several templates match, a literal segment wins over a parameter
(``/users/count`` before ``/users/{userId}``).
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPEC_DIR_ENV = "ATLSIM_SPEC_DIR"
SCIM_SPEC_NAME = "atlassian-user-provisioning-scim.2022-08-29.json"
ADMIN_ORG_SPEC = "atlassian-admin-organization.swagger.v3.2026-08-21.json"
ADMIN_USER_SPEC = "atlassian-admin-user-management.swagger.v3.2026-08-21.json"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class SpecsUnavailable(RuntimeError):
    """Strict mode was asked for but the official documents cannot be found."""


def spec_dir() -> Path:
    """``$ATLSIM_SPEC_DIR``, else ``<repo>/../shared/reference`` (absent in a plain clone and in the built tree)."""
    # imported here: openapi-core (contract) is slow to import
    from .contract import reference_dir  # pylint: disable=import-outside-toplevel

    configured = os.environ.get(SPEC_DIR_ENV)
    return Path(configured) if configured else reference_dir(Path(__file__).resolve().parents[3])


def spec_files() -> dict[str, list[tuple[str, str]]]:
    """api -> [(file name, simulator prefix of its templates)]."""
    from .contract import BITBUCKET_SPEC, SCIM_SPEC  # pylint: disable=import-outside-toplevel

    return {
        "bitbucket": [(BITBUCKET_SPEC, "/2.0")],
        "scim": [(SCIM_SPEC, "")],
        "admin": [(ADMIN_ORG_SPEC, "/admin")],
        "user_management": [(ADMIN_USER_SPEC, "")],
    }


def require_specs() -> Path:
    """The spec directory; :class:`SpecsUnavailable` naming what is missing and how to point at it."""
    directory = spec_dir()
    missing = [name for files in spec_files().values() for name, _prefix in files if not (directory / name).is_file()]
    if missing:
        raise SpecsUnavailable(
            "atlsim strict mode needs the official API documents; missing in %s: %s (set %s to the "
            "directory that holds them)" % (directory, ", ".join(missing), SPEC_DIR_ENV)
        )
    return directory


@dataclass(frozen=True)
class Found:
    """A request mapped onto a spec: ``op`` is None when the path is documented but not with this method."""

    api: str
    spec: dict
    template: str  # the spec's own path template, e.g. /workspaces/{workspace}/members
    path_item: dict
    op: dict | None
    method: str  # upper case; HEAD is looked up as GET


class SpecIndex:
    """Every path template of one API's spec(s), as regular expressions over the simulator's paths."""

    def __init__(self, api: str, specs: list[tuple[dict, str]]):
        self.api = api
        entries = []
        for spec, prefix in specs:
            for template, item in spec.get("paths", {}).items():
                segments = [s for s in template.split("/") if s]
                regex = "".join("/[^/]+" if s.startswith("{") and s.endswith("}") else "/" + re.escape(s) for s in segments)
                rank = tuple(1 if s.startswith("{") else 0 for s in segments)
                entries.append((rank, re.compile("^%s%s/?$" % (re.escape(prefix), regex)), spec, template, item))
        entries.sort(key=lambda entry: entry[0])  # a literal segment before a parameter, position by position
        self._entries = entries

    def find(self, method: str, path: str) -> Found | None:
        wanted = "get" if method.upper() == "HEAD" else method.lower()
        first = None
        for _rank, regex, spec, template, item in self._entries:
            if not regex.match(path):
                continue
            if wanted in item:
                return Found(self.api, spec, template, item, item[wanted], method.upper())
            if first is None:
                first = Found(self.api, spec, template, item, None, method.upper())
        return first


_LOCK = threading.Lock()
_INDEXES: dict[str, SpecIndex] = {}


def index(api: str) -> SpecIndex:
    """The (cached) index of ``api``: bitbucket, scim, admin or user_management."""
    with _LOCK:
        if not _INDEXES:
            directory = require_specs()
            for name, files in spec_files().items():
                specs = []
                for file_name, prefix in files:
                    with (directory / file_name).open(encoding="utf-8") as handle:
                        specs.append((json.load(handle), prefix))
                _INDEXES[name] = SpecIndex(name, specs)
        return _INDEXES[api]


def find(api: str, method: str, path: str) -> Found | None:
    return index(api).find(method, path)


# -- reading the documents ------------------------------------------------------------------------
def ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    return ref.rsplit("/", 1)[-1] if ref else None


def resolve(spec: dict, node: dict, section: str) -> dict:
    """``node`` with a ``$ref`` to ``#/components/<section>/...`` followed (once per level, repeatedly)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 10:
        node = spec["components"][section][ref_name(node)]
        seen += 1
    return node


def parameters(spec: dict, found: Found, location: str) -> list[dict]:
    """The declared parameters ``in: location`` of the operation (path-level ones included, ``$ref`` followed)."""
    out = []
    for raw in list(found.path_item.get("parameters") or []) + list((found.op or {}).get("parameters") or []):
        param = resolve(spec, raw, "parameters")
        if param.get("in") == location:
            out.append(param)
    return out


def response_schema(spec: dict, op: dict, status: str = "200") -> dict | None:
    response = resolve(spec, (op.get("responses") or {}).get(status) or {}, "responses")
    content = response.get("content") or {}
    for media in ("application/json", "application/scim+json"):
        if media in content:
            return content[media].get("schema")
    return None


def request_schema(spec: dict, op: dict) -> dict | None:
    """The JSON schema of the operation's requestBody (None: the operation documents no JSON body)."""
    body = resolve(spec, op.get("requestBody") or {}, "requestBodies")
    content = body.get("content") or {}
    for media in ("application/json", "application/scim+json"):
        if media in content and content[media].get("schema") is not None:
            return content[media]["schema"]
    return None


def schema_of(spec: dict, schema: dict) -> tuple[str | None, dict]:
    """(name, schema) behind a property: ``$ref`` and a lone ``allOf: [$ref]`` followed, arrays opened to their items."""
    for _unused in range(10):
        name = ref_name(schema)
        if name:
            return name, spec["components"]["schemas"][name]
        if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
            schema = schema["items"]
            continue
        parts = schema.get("allOf") or []
        if len(parts) == 1 and not schema.get("properties"):
            schema = parts[0]
            continue
        break
    return None, schema


def properties(spec: dict, schema: dict, depth: int = 0) -> dict[str, dict]:
    """Every property a schema declares, through ``$ref``, ``allOf``, ``oneOf`` and ``anyOf``."""
    if depth > 10 or not isinstance(schema, dict):
        return {}
    name = ref_name(schema)
    if name:
        return properties(spec, spec["components"]["schemas"][name], depth + 1)
    out = dict(schema.get("properties") or {})
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key) or []:
            for prop, value in properties(spec, part, depth + 1).items():
                out.setdefault(prop, value)
    return out


def closed(spec: dict, schema: dict) -> bool:
    """The schema says ``additionalProperties: false`` (itself, or behind its ``$ref``)."""
    name = ref_name(schema)
    if name:
        schema = spec["components"]["schemas"][name]
    return isinstance(schema, dict) and schema.get("additionalProperties") is False


def unknown_keys(spec: dict, schema: dict, value: Any, where: str = "", ci: bool = False, top: bool = True) -> list[str]:
    """Keys of ``value`` the schema does not declare: at the top level, and below where the schema is closed."""
    out: list[str] = []
    schema = resolve(spec, schema, "schemas")
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema, dict) else None
        for index, item in enumerate(value if isinstance(items, dict) else ()):
            out += unknown_keys(spec, items, item, "%s[%d]." % (where.rstrip("."), index), ci, False)
        return out
    if not isinstance(value, dict):
        return out
    props = properties(spec, schema)
    lookup = {key.lower(): val for key, val in props.items()} if ci else props
    strict_here = bool(props) and (top or closed(spec, schema))
    for key, sub in value.items():
        prop = lookup.get(key.lower() if ci else key)
        if prop is None:
            if strict_here:
                out.append(where + key)
            continue
        out += unknown_keys(spec, prop, sub, where + key + ".", ci, False)
    return out
