# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Partial responses: the ``fields`` query parameter (narrative_partial-response.md).

``fields`` is a comma-separated list of dotted paths, each ``-path`` (remove), ``+path`` (add,
keeping the defaults) or ``path`` (when the first spec has no prefix: start from nothing and keep
only the listed paths). ``*`` matches every key of a level; lists are transparent
(``values.user.email`` applies to every element of ``values``).

A route renders the *full* document, including the fields it hides by default, and names those
hidden paths (e.g. ``values.user.email``): they are stripped unless a spec asks for them. As on
Bitbucket, an include-only ``fields`` drops ``next`` unless it is listed too.
"""

from __future__ import annotations

import copy
from typing import Any


def _split(path: str) -> list[str]:
    return [part for part in path.strip().split(".") if part]


def _remove(doc: Any, parts: list[str]) -> None:
    if isinstance(doc, list):
        for item in doc:
            _remove(item, parts)
        return
    if not isinstance(doc, dict) or not parts:
        return
    head, rest = parts[0], parts[1:]
    keys = list(doc) if head == "*" else [head] if head in doc else []
    for key in keys:
        if rest:
            _remove(doc[key], rest)
        else:
            del doc[key]


def _empty_like(value: Any) -> Any:
    if isinstance(value, dict):
        return {}
    if isinstance(value, list):
        return [_empty_like(item) for item in value]
    return None


def _add(target: Any, source: Any, parts: list[str], copy_leaves: bool) -> Any:
    """Copy ``parts`` of ``source`` into ``target`` (same shape); return the updated target."""
    if isinstance(source, list):
        if not isinstance(target, list) or len(target) != len(source):
            target = [_empty_like(item) for item in source]
        return [_add(t, s, parts, copy_leaves) for t, s in zip(target, source, strict=True)]
    if not isinstance(source, dict):
        return target
    if not isinstance(target, dict):
        target = {}
    head, rest = parts[0], parts[1:]
    keys = list(source) if head == "*" else [head] if head in source else []
    for key in keys:
        if not rest:
            target[key] = copy.deepcopy(source[key]) if copy_leaves else source[key]
        elif isinstance(source[key], (dict, list)):
            target[key] = _add(target.get(key, _empty_like(source[key])), source[key], rest, copy_leaves)
    return target


def hidden_requested(fields: str | None, hidden_path: str) -> bool:
    """Whether ``fields`` explicitly asks for ``hidden_path`` (``+values.user.email``, ``values.user.email``...)."""
    if not fields:
        return False
    for spec in fields.split(","):
        spec = spec.strip().lstrip("+")
        if spec.startswith("-") or not spec:
            continue
        if spec == hidden_path:
            return True
    return False


def apply_fields(doc: Any, fields: str | None, hidden: tuple = ()) -> Any:
    """Return ``doc`` shaped by ``fields``; ``hidden`` paths are only kept when explicitly requested.

    ``doc`` must be freshly rendered for this answer: it may be changed in place.
    """
    requested = [spec.strip() for spec in (fields or "").split(",") if spec.strip()]
    explicit = {spec.lstrip("+") for spec in requested if not spec.startswith("-")}
    for path in hidden:
        if path not in explicit:
            _remove(doc, _split(path))
    if not requested:
        return doc
    removals = any(spec.startswith("-") for spec in requested)
    include_only = requested[0][0] not in "+-"
    if include_only:
        result: Any = {}
    else:
        result = copy.deepcopy(doc) if removals and len(explicit) else doc
    for spec in requested:
        if spec.startswith("-"):
            parts = _split(spec[1:])
            if parts:
                _remove(result, parts)
        else:
            parts = _split(spec.lstrip("+"))
            if parts and (include_only or result is not doc):
                result = _add(result, doc, parts, removals)
    return result
