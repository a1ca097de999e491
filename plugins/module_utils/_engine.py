# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one compare / ensure / diff engine of the collection.

Modules describe what they want (a desired mapping) and what is there (a current
mapping); this engine decides what must change and describes it the same way for
every module, so that check mode predicts exactly what a real run then does.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

_MISSING = object()


def _flatten(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts into {"a.b": leaf}; lists, scalars and empty dicts are leaves."""
    flat = {}
    for key, item in value.items():
        path = "%s%s" % (prefix, key)
        if isinstance(item, dict) and item:
            flat.update(_flatten(item, path + "."))
        else:
            flat[path] = item
    return flat


def diff_attributes(current: dict[str, Any] | None, desired: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    """Return {path: (before, after)} for every leaf of ``desired`` that differs from ``current``.

    Leaves of ``desired`` that are ``None`` mean "not managed" and are skipped, so only the
    attributes a task sets are ever compared or changed. Nested dicts are compared leaf by
    leaf and reported with dotted paths (``name.givenName``).
    """
    current_flat = _flatten(current or {})
    changes = {}
    for path, after in _flatten(desired or {}).items():
        if after is None:
            continue
        before = current_flat.get(path)
        if before != after:
            changes[path] = (before, after)
    return changes


class Plan:
    """What reconciling a current mapping with a desired one would do.

    ``add``: key -> new value; ``update``: key -> (before, after); ``remove``: key -> old value;
    ``unchanged``: key -> value; ``protected``: keys that would have been removed but are kept.
    """

    def __init__(self, current: dict[str, Any]) -> None:
        self.current = dict(current)
        self.add = {}
        self.update = {}
        self.remove = {}
        self.unchanged = {}
        self.protected = {}

    @property
    def changed(self) -> bool:
        return bool(self.add or self.update or self.remove)

    def before(self) -> dict[str, Any]:
        return dict(sorted(self.current.items()))

    def after(self, applied: Any = None) -> dict[str, Any]:
        """The mapping afterwards, sorted by key: with the plan's own changes (check mode), or with only those of
        ``applied`` (anything with ``add``, ``update`` and ``remove`` like a Plan: what a real run did). Check mode's
        promise that it predicts exactly what the real run does rests on this one function."""
        done = self if applied is None else applied
        result = dict(self.current)
        for key in done.remove:
            result.pop(key, None)
        for key, value in done.add.items():
            result[key] = value
        for key, (_before, after) in done.update.items():
            result[key] = after
        return dict(sorted(result.items()))

    def as_dict(self) -> dict[str, list[str]]:
        """A summary suitable for a module result (lists of keys, sorted)."""
        return {
            "added": sorted(self.add),
            "updated": sorted(self.update),
            "removed": sorted(self.remove),
            "unchanged": sorted(self.unchanged),
        }


def reconcile(
    current: dict[str, Any],
    desired: dict[str, Any],
    absent: Iterable[str] = (),
    exclusive: bool = False,
    keep: Iterable[str] = (),
) -> Plan:
    """Plan the changes that turn ``current`` into what ``desired`` asks.

    ``current``: key -> value as it is now.
    ``desired``: key -> value that must be there (added or updated).
    ``absent``: keys that must not be there (removed when present).
    ``exclusive``: also remove every current key that ``desired`` does not name.
    ``keep``: keys never removed, whatever ``absent`` or ``exclusive`` say (they land in
    ``plan.protected`` instead, so the caller can report them).
    """
    plan = Plan(current)
    keep = set(keep)
    for key, value in desired.items():
        before = current.get(key, _MISSING)
        if before is _MISSING:
            plan.add[key] = value
        elif before != value:
            plan.update[key] = (before, value)
        else:
            plan.unchanged[key] = value
    removals = {k for k in absent if k in current}
    if exclusive:
        removals.update(k for k in current if k not in desired)
    for key in sorted(removals):
        if key in desired:
            continue
        if key in keep:
            plan.protected[key] = current[key]
        else:
            plan.remove[key] = current[key]
    return plan


def make_diff(before: Any, after: Any, before_header: str | None = None, after_header: str | None = None) -> dict[str, Any]:
    """Build Ansible's diff dict (deep copies, so later mutation cannot change it)."""
    diff = {"before": copy.deepcopy(before), "after": copy.deepcopy(after)}
    if before_header:
        diff["before_header"] = before_header
    if after_header:
        diff["after_header"] = after_header
    return diff
