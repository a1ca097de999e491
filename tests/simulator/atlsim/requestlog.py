# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request log: one entry per request (``/_sim`` control requests excepted).

Entry: ``{"method", "path", "query", "status", "credential", "time", "fault"}`` where ``path`` is the
decoded path, ``query`` the raw query string, ``status`` the HTTP status sent (``None`` when the
connection was closed without an answer), ``credential`` the credential id (never a secret:
``api_token:<id>``, ``oauth:<client_id>``, ``access_token:<id>``, ``scim:<directory id>``,
``anonymous``; rejected: ``invalid:basic:<known email>``, ``invalid:basic``, ``invalid:bearer``,
``invalid:scheme``, ``oauth:invalid``, ``scim:invalid``), ``time`` the clock value when the request arrived, and ``fault``
the injected fault that shaped the answer (or ``None``).
"""

from __future__ import annotations

import threading

READ_METHODS = ("GET", "HEAD")


class RequestLog:
    def __init__(self):
        self._entries: list[dict] = []
        self._lock = threading.Lock()

    def add(
        self, method: str, path: str, query: str, status: int | None, credential: str, time: float, fault: str | None = None
    ) -> dict:
        entry = {
            "method": method,
            "path": path,
            "query": query,
            "status": status,
            "credential": credential,
            "time": time,
            "fault": fault,
        }
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self) -> list[dict]:
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def writes(self) -> list[dict]:
        return [entry for entry in self.entries() if entry["method"] not in READ_METHODS]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
