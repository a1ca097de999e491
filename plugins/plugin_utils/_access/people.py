# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The accounts the declared file can name: ``people`` (what the role resolved: workspace members found by the file's
emails, the directory's accounts) and every account today's access names (explicit permissions, organization group
members). Emails compare case-insensitively; the first value given wins (``people`` before ``actual``)."""

from __future__ import annotations

from typing import Any


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _lower(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def permission_targets(actual: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(section, target) of every repository and project of ``actual``."""
    return [(section, _dict(t)) for section in ("repositories", "projects") for t in _list(_dict(actual).get(section))]


class People:
    """Accounts by id and by (lower-cased) email: ``resolve`` a user of the file, ``display`` an account."""

    def __init__(self, people: Any, actual: Any) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.by_email: dict[str, str] = {}
        for person in _list(people):
            self._add(_dict(person), listed=True)
        for _section, target in permission_targets(actual):
            for user in _list(target.get("users")):
                self._add(_dict(user))
        for group in _list(_dict(actual).get("groups")):
            for member in _list(_dict(group).get("members")):
                self._add(_dict(member))

    def _add(self, person: dict[str, Any], listed: bool = False) -> None:
        account_id = person.get("account_id")
        if not isinstance(account_id, str) or not account_id:
            return
        record = self.by_id.setdefault(
            account_id, {"account_id": account_id, "email": None, "display_name": None, "bot": False, "owner": False}
        )
        email = _lower(person.get("email"))
        if email and not record["email"]:
            record["email"] = email
        if email:
            self.by_email.setdefault(email, account_id)
        if not record["display_name"] and isinstance(person.get("display_name"), str) and person["display_name"]:
            record["display_name"] = person["display_name"]
        if listed:
            record["bot"] = record["bot"] or bool(person.get("bot"))
            record["owner"] = record["owner"] or bool(person.get("owner"))

    def resolve(self, user: dict[str, Any]) -> str | None:
        """The account id of a user of the file ({"email"} or {"account_id"}), or None when no account is known."""
        if user.get("email"):
            return self.by_email.get(user["email"])
        return user.get("account_id") if user.get("account_id") in self.by_id else None

    def get(self, account_id: str) -> dict[str, Any]:
        return self.by_id.get(account_id) or {
            "account_id": account_id,
            "email": None,
            "display_name": None,
            "bot": False,
            "owner": False,
        }

    def email_of(self, account_id: str) -> str | None:
        """The account's email when it names the account back (the file can use it), else None."""
        email = self.get(account_id)["email"]
        return email if email and self.by_email.get(email) == account_id else None

    def display(self, account_id: str) -> str:
        """How an approver knows the account: its email when known, else its display name, else its id."""
        record = self.get(account_id)
        return record["email"] or record["display_name"] or account_id
