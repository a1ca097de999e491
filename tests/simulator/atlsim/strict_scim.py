# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict mode on SCIM (:mod:`atlsim.strict`): the ``filter`` the documents state (one comparison on a named attribute)
and the PATCH operations RFC 7644 allows (``op``, ``path``, ``value``, overlay ``SCIM_PATCH_OPS``)."""

from __future__ import annotations

import re
from typing import Any

from .strict_rules import Refusal, Rules
from .strict_spec import Found, properties

SCIM_OPERATORS = ("eq", "ne", "co", "sw", "ew", "pr", "gt", "ge", "lt", "le")
SCIM_CORE = {"User": "urn:ietf:params:scim:schemas:core:2.0:User", "Group": "urn:ietf:params:scim:schemas:core:2.0:Group"}
PATCH_OPS = ("add", "remove", "replace")


def scim_filter_rule(param_description: str, op_description: str) -> tuple[frozenset, frozenset]:
    """The attributes the filter parameter's description names (before its example) and the operators the operation's
    description names (the example's when it names none)."""
    head, _sep, example = param_description.partition("Example")
    attributes = frozenset(re.findall(r"`([A-Za-z][\w.]*)`", head))
    ops = {word.lower() for word in re.findall(r"`(\w+)`", op_description) if word.lower() in SCIM_OPERATORS}
    if not ops:
        ops = {word.lower() for word in re.findall(r"\s(\w+)\s", example) if word.lower() in SCIM_OPERATORS}
    return attributes, frozenset(ops)


# -- SCIM filter ----------------------------------------------------------------------------------------------------
_COMPARISON = re.compile(r'^\s*(?P<attr>[A-Za-z][\w:.$-]*)\s+(?P<op>[A-Za-z]+)\s+(?P<value>"(?:[^"\\]|\\.)*"|\S+)\s*$')


def scim_filter_refusal(rule: Rules, text: str) -> Refusal | None:
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


# -- PATCH bodies ---------------------------------------------------------------------------------------------------
def patch_refusal(found: Found, rule: Rules, body: dict) -> Refusal | None:
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
