# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The position of a reader in the organization audit log (the ``accessops.atlassian.audit_events`` event source):
the stream's cursor, the last processing time and the ids of the last events, kept in a JSON file written
atomically with mode 0600, so a restart neither replays nor misses events. Imports core only, never ansible."""

from __future__ import annotations

import collections
import datetime
import json
import os
import tempfile
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError

RECENT_IDS = 1000  # ids of the last events kept in the cursor file (dedup after a restart or a bad cursor)
STATE_VERSION = 1


def epoch_ms(text: Any) -> int | None:
    """Epoch milliseconds of an ISO 8601 time (``Z`` or an offset; none means UTC), None when unreadable."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    try:
        when = datetime.datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return int(round(when.timestamp() * 1000))


def start_ms(value: Any, now: float) -> int | None:
    """``from`` of the first poll without a cursor file: now, None for the oldest, or the given time."""
    text = str(value).strip() if value is not None else "now"
    if text.lower() == "now":
        return int(now * 1000)
    if text.lower() == "oldest":
        return None
    if text.isdigit():
        return int(text)
    found = epoch_ms(text)
    if found is None:
        raise ConfigurationError(
            "start must be now, oldest, epoch milliseconds or an ISO 8601 date, not %s" % validate.show(text)
        )
    return found


class StreamPosition:
    """The position in the stream: cursor, last processedAt (epoch ms) and the ids of the last events."""

    def __init__(self, path: str | None, org_id: str) -> None:
        self.path = path
        self.org_id = org_id
        self.cursor = None
        self.last_ms = None
        self.recent = collections.deque(maxlen=RECENT_IDS)
        self.seen = set()
        self.saved = None
        self.loaded = False

    def load(self) -> None:
        if not self.path or not os.path.exists(self.path):
            return
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as err:
            raise ConfigurationError(
                "cursor_file %s cannot be read (%s): fix or remove it" % (self.path, type(err).__name__)
            ) from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION or not isinstance(data.get("recent_ids", []), list):
            raise ConfigurationError("cursor_file %s is not a cursor file of this source: fix or remove it" % self.path)
        if data.get("org_id") != self.org_id:
            raise ConfigurationError(
                "cursor_file %s holds the position of another organization: use one file per org_id" % self.path
            )
        self.cursor = data.get("cursor") if isinstance(data.get("cursor"), str) else None
        self.last_ms = data.get("last_processed_ms") if isinstance(data.get("last_processed_ms"), int) else None
        for event_id in data.get("recent_ids", []):
            self.remember(str(event_id))
        self.saved = self._content()
        self.loaded = True

    def remember(self, event_id: str) -> None:
        if len(self.recent) == self.recent.maxlen:
            self.seen.discard(self.recent[0])
        self.recent.append(event_id)
        self.seen.add(event_id)

    def _content(self) -> str:
        return json.dumps(
            {
                "version": STATE_VERSION,
                "org_id": self.org_id,
                "cursor": self.cursor,
                "last_processed_ms": self.last_ms,
                "recent_ids": list(self.recent),
            },
            indent=1,
        )

    def save(self) -> None:
        """Write the file atomically (a temporary file with mode 0600 in the same directory, then a rename)."""
        content = self._content()
        if not self.path or content == self.saved:
            return
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".audit_events.", dir=directory)
        try:
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(content + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        self.saved = content
