# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Change items of every kind (plain data) shared by the plan tests."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

ORG = "0475f711-2971-5a21-a71a-659f380ffd26"
NOW = datetime(2026, 12, 5, 13, 40, 0, tzinfo=timezone.utc)  # noqa: UP017
IDENTITIES = {"bitbucket": "557058:admin", "admin": ORG, "scim": "demo-directory"}

JANE = {"type": "user", "account_id": "712020:jane"}


def repo(action, before, after, repository="infra-core", subject=None):
    return {
        "api": "bitbucket",
        "kind": "repository_permission",
        "action": action,
        "target": {"workspace": "acme", "repository": repository},
        "subject": copy.deepcopy(subject or JANE),
        "before": before,
        "after": after,
    }


def project(action, before, after, key="INFRA", subject=None):
    return {
        "api": "bitbucket",
        "kind": "project_permission",
        "action": action,
        "target": {"workspace": "acme", "project": key},
        "subject": copy.deepcopy(subject or JANE),
        "before": before,
        "after": after,
    }


def membership(action, group_name="bitbucket-users-acme", group_id="g-1"):
    return {
        "api": "admin",
        "kind": "group_membership",
        "action": action,
        "target": {"org": ORG, "group_id": group_id, "group_name": group_name},
        "subject": dict(JANE),
        "before": action == "remove",
        "after": action == "add",
    }


def account(action, before, after, account_id="712020:jane", email=None):
    return {
        "api": "admin",
        "kind": "account",
        "action": action,
        "target": {"org": ORG},
        "subject": {"type": "user", "account_id": account_id, "email": email},
        "before": before,
        "after": after,
    }


def scim(action, before, after, user_name="jane@acme.example"):
    return {
        "api": "scim",
        "kind": "scim_user",
        "action": action,
        "target": {"directory": "demo-directory"},
        "subject": {"type": "scim_user", "user_name": user_name, "id": None},
        "before": before,
        "after": after,
    }


def every_kind() -> list[dict]:
    """One plan item (a change with its reason) of each kind."""
    changes = [
        repo("grant", None, "write"),
        repo("change", "write", "admin", repository="web-api", subject={"type": "group", "slug": "devs"}),
        project("revoke", "admin", None),
        membership("add"),
        account("suspend", "active", "suspended"),
        scim("deactivate", {"active": True}, {"active": False}),
    ]
    return [dict(change, reason="offboarding: jane@acme.example is offboarded") for change in changes]


def token(token_id="tok-1", account_id="712020:jane", label="ci-deploy", last_access="2026-08-01T12:00:00Z"):
    """The change of one API token revoked (issue 23): the token as listed before, null after."""
    return {
        "api": "admin",
        "kind": "api_token",
        "action": "revoke_api_token",
        "target": {"org": ORG, "account_id": account_id},
        "subject": {"type": "api_token", "id": token_id, "label": label},
        "before": {"label": label, "created_at": "2026-01-05T09:00:00Z", "expires_at": None, "last_access": last_access},
        "after": None,
    }
