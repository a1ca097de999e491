# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The declared file's YAML, read with the line of every key and list item (PyYAML's safe loader, pure Python so
that the marks are there): mappings load as ``Lined`` (a dict with ``line`` and ``lines``, key -> line), sequences
as ``LinedList`` (``line`` and ``lines``, one per item). A key given twice in one mapping is a problem naming both
lines, never a silent "the last one wins" (the first value is kept, so that its own problems are named too). A date
that is no real date (``2027-02-30``) stays text, for the checks to name it."""

from __future__ import annotations

import datetime
from typing import Any

import yaml

MERGE_TAG = "tag:yaml.org,2002:merge"


class Lined(dict):
    """A mapping of the file: ``line`` (where it starts), ``lines`` (key -> the line of the key)."""

    line = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LinedList(list):
    """A sequence of the file: ``line`` (where it starts), ``lines`` (the line of each item)."""

    line = 0

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _Loader(yaml.SafeLoader):
    """SafeLoader recording lines and duplicate keys (in ``problems``: (line, text))."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.problems: list[tuple[int, str]] = []


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _key(loader: _Loader, node: yaml.Node) -> tuple[bool, Any]:
    """(whether the key is usable, the key)."""
    key = loader.construct_object(node, deep=True)
    try:
        hash(key)
    except TypeError:
        return False, None
    return True, key


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Lined:
    seen: dict[Any, int] = {}
    skipped: set[int] = set()  # the key nodes (by id) left out: not usable, or a duplicate (the first one is kept)
    for key_node, _value in node.value:
        if key_node.tag == MERGE_TAG:
            continue
        usable, key = _key(loader, key_node)
        if not usable:
            loader.problems.append((_line(key_node), "a mapping key must be a single value, not a list or mapping"))
            skipped.add(id(key_node))
        elif key in seen:
            loader.problems.append(
                (_line(key_node), "the key %r is given twice (lines %d and %d)" % (key, seen[key], _line(key_node)))
            )
            skipped.add(id(key_node))
        else:
            seen[key] = _line(key_node)
    loader.flatten_mapping(node)
    data = Lined()
    data.line = _line(node)
    for key_node, value_node in node.value:
        usable, key = _key(loader, key_node)
        if not usable or id(key_node) in skipped:
            continue
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = _line(key_node)
    return data


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LinedList:
    data = LinedList(loader.construct_object(child, deep=True) for child in node.value)
    data.line = _line(node)
    data.lines = [_line(child) for child in node.value]
    return data


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """A YAML date or time; one that is no real date (2027-02-30) stays text (the checks name it)."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)


class SourceError(ValueError):
    """The text is no YAML: ``line`` and ``problem``."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


def load(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """(the document, its problems as (line, text)); SourceError when it is no YAML (or not one document)."""
    if not isinstance(text, str):
        raise SourceError(1, "the file content must be text, got %s" % type(text).__name__)
    loader = _Loader(str(text))
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = " ".join(part for part in (err.context, err.problem) if part)
        raise SourceError(mark.line + 1 if mark else 1, "not valid YAML: %s" % (problem or "unreadable")) from None
    except yaml.YAMLError as err:
        raise SourceError(1, "not valid YAML: %s" % err) from None
    finally:
        loader.dispose()
    return data, loader.problems


def plain(value: Any) -> Any:
    """``value`` with Lined / LinedList made plain dicts and lists, dates made ``YYYY-MM-DD`` text."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
