# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for the SCIM tests: a recording account registry and a small in-process SCIM client."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.test import Client
from werkzeug.test import TestResponse

from .scim import build_scim_app

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


class RecordingAccounts:
    """A stand-in for the simulator's account registry that records every call."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_email: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.unlinked: list[str] = []

    def ensure_account(self, email: str, display_name: str | None = None, nickname: str | None = None) -> dict[str, Any]:
        with self.lock:
            self.calls.append(("ensure_account", (email, display_name, nickname)))
            key = str(email).lower()
            if key not in self.by_email:
                self.by_email[key] = {
                    "account_id": f"557058:{len(self.by_email) + 1:04d}",
                    "email": email,
                    "display_name": display_name,
                    "nickname": nickname,
                }
            return dict(self.by_email[key])

    def unlink(self, account_id: str) -> None:
        with self.lock:
            self.calls.append(("unlink", (account_id,)))
            self.unlinked.append(account_id)

    def account_id(self, email: str) -> str:
        return self.by_email[email.lower()]["account_id"]


def user(name: str, **extra: Any) -> dict[str, Any]:
    """A SCIM user payload for ``name@acme.example``."""
    email = f"{name}@acme.example"
    body: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "name": {"givenName": name.title(), "familyName": "Example"},
        "displayName": f"{name.title()} Example",
        "emails": [{"value": email, "type": "work", "primary": True}],
        "active": True,
    }
    body.update(extra)
    return body


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


class ScimTestClient:
    """Calls one directory of a SCIM app in-process, with its bearer key."""

    def __init__(self, app: Any, directory: str, api_key: str | None, accounts: RecordingAccounts | None = None) -> None:
        self.app = app
        self.accounts = accounts
        self.client = Client(app)
        self.base = f"/scim/directory/{directory}"
        self.api_key = api_key

    def headers(self, api_key: str | None = None) -> dict[str, str]:
        key = api_key if api_key is not None else self.api_key
        return {"Authorization": f"Bearer {key}"} if key is not None else {}

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: dict[str, Any] | None = None,
        api_key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        all_headers = {**self.headers(api_key), **(headers or {})}
        return self.client.open(self.base + path, method=method, json=body, query_string=query, headers=all_headers)

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any, **kw: Any) -> TestResponse:
        return self.call("POST", path, body, **kw)

    def put(self, path: str, body: Any, **kw: Any) -> TestResponse:
        return self.call("PUT", path, body, **kw)

    def patch(self, path: str, body: Any, **kw: Any) -> TestResponse:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> TestResponse:
        return self.call("DELETE", path, **kw)

    def find(self, user_name: str) -> list[dict[str, Any]]:
        answer = self.get("/Users", query={"filter": f'userName eq "{user_name}"'})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.json["Resources"]


def demo_seed(users: int = 2, directories: int = 1) -> dict[str, Any]:
    """A SCIM seed: ``dir0`` ... with keys ``key-dir0`` ..., each with ``users`` users user000..."""
    return {
        "directories": [
            {
                "id": f"dir{d}",
                "api_key": f"key-dir{d}",
                "users": [user(f"user{i:03d}") for i in range(users)],
                "groups": [
                    {"displayName": "engineering", "members": [f"user{i:03d}@acme.example" for i in range(min(users, 2))]}
                ],
            }
            for d in range(directories)
        ]
    }


def make_client(seed: dict[str, Any] | None = None, extension: bool = True) -> ScimTestClient:
    """A client of ``dir0`` of a fresh SCIM app on ``seed``; ``.accounts`` is its recording registry."""
    accounts = RecordingAccounts()
    app = build_scim_app(seed if seed is not None else demo_seed(), accounts, extension=extension)
    return ScimTestClient(app, "dir0", "key-dir0", accounts)
