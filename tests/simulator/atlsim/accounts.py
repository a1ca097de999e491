# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed loading helpers and the Atlassian account registry (shared by the Bitbucket model and the SCIM app)."""

from __future__ import annotations

import json
import os
import threading
import uuid as uuidlib
from datetime import datetime, UTC

import yaml

DEFAULT_CREATED_ON = "2020-01-01T00:00:00+00:00"

_SEED_CACHE: dict = {}


class SeedError(ValueError):
    """The seed is inconsistent (unknown user, duplicate id, bad permission...)."""


def load_seed(source) -> dict:
    """Return the seed as a dict: ``source`` is a dict (returned as is) or a path to a YAML/JSON file.

    Parsed files are cached by (path, mtime): the seed dict is never mutated by the simulator.
    """
    if isinstance(source, dict):
        return source
    path = os.fspath(source)
    key = (os.path.abspath(path), os.stat(path).st_mtime_ns)
    if key not in _SEED_CACHE:
        with open(path, encoding="utf-8") as handle:
            if path.endswith(".json"):
                data = json.load(handle)
            else:
                loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                data = yaml.load(handle, Loader=loader)  # nosec - SafeLoader / CSafeLoader only
        if not isinstance(data, dict):
            raise SeedError("%s: the seed must be a mapping" % path)
        _SEED_CACHE[key] = data
    return _SEED_CACHE[key]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def stable_uuid(*parts: str) -> str:
    """A braced UUID derived from ``parts``: stable across runs when the seed gives none."""
    return "{%s}" % uuidlib.uuid5(uuidlib.NAMESPACE_URL, "atlsim:" + "/".join(parts))


def norm_uuid(value: str) -> str:
    value = str(value).strip().lower()
    return value if value.startswith("{") else "{%s}" % value


class Accounts:
    """The Atlassian account registry (shared with the SCIM app, which calls ``ensure_account``/``unlink``)."""

    def __init__(self, lock: threading.RLock):
        self.lock = lock
        self.by_id: dict[str, dict] = {}
        self.by_uuid: dict[str, dict] = {}
        self.by_email: dict[str, dict] = {}
        self.unlinked: set[str] = set()

    def add(self, entry: dict) -> dict:
        for key in ("account_id", "email"):
            if not entry.get(key):
                raise SeedError("account %r lacks %s" % (entry, key))
        email = str(entry["email"]).strip()
        account = {
            "account_id": str(entry["account_id"]),
            "uuid": norm_uuid(entry.get("uuid") or stable_uuid("account", str(entry["account_id"]))),
            "nickname": str(entry.get("nickname") or email.split("@", 1)[0]),
            "display_name": str(entry.get("display_name") or email.split("@", 1)[0]),
            "email": email,
            "created_on": str(entry.get("created_on") or DEFAULT_CREATED_ON),
            "account_status": str(entry.get("account_status") or "active"),
        }
        if account["account_id"] in self.by_id or account["uuid"] in self.by_uuid or email.lower() in self.by_email:
            raise SeedError("duplicate account %s / %s / %s" % (account["account_id"], account["uuid"], email))
        self.by_id[account["account_id"]] = account
        self.by_uuid[account["uuid"]] = account
        self.by_email[email.lower()] = account
        return account

    def get(self, ident: str | None) -> dict | None:
        """An account by Atlassian account id or ``{uuid}`` (as the API accepts them)."""
        if not ident:
            return None
        ident = str(ident).strip()
        if ident.startswith("{") and ident.endswith("}"):
            return self.by_uuid.get(ident.lower())
        return self.by_id.get(ident)

    def get_by_email(self, email: str) -> dict | None:
        return self.by_email.get(str(email).strip().lower())

    def ref(self, ref: str, where: str) -> dict:
        """Resolve a seed reference: an email, an account id or a ``{uuid}``."""
        account = self.get_by_email(ref) if "@" in str(ref) else self.get(ref)
        if account is None:
            raise SeedError("%s: unknown account %r" % (where, ref))
        return account

    def ensure_account(self, email: str, display_name: str | None = None, nickname: str | None = None) -> dict:
        """The account holding ``email``, created (as a new Atlassian account, member of nothing) when missing."""
        with self.lock:
            existing = self.get_by_email(email)
            if existing is not None:
                return dict(existing)
            new_id = str(uuidlib.uuid4())
            account = self.add(
                {
                    "account_id": "712020:%s" % new_id,
                    "uuid": "{%s}" % uuidlib.uuid4(),
                    "email": email,
                    "display_name": display_name or str(email).split("@", 1)[0],
                    "nickname": nickname or str(email).split("@", 1)[0],
                    "created_on": now_iso(),
                }
            )
            return dict(account)

    def unlink(self, account_id: str) -> None:
        """Mark the account as unlinked from its SCIM directory (the Bitbucket side is unchanged)."""
        with self.lock:
            self.unlinked.add(str(account_id))

    def __len__(self) -> int:
        return len(self.by_id)
