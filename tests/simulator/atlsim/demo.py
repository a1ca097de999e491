# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo seed's public test credentials (docs/DESIGN.md) and Authorization header helpers."""

from __future__ import annotations

import base64

WORKSPACE = "acme"
OWNER_EMAIL = "owner@acme.example"
ADMIN = ("admin@acme.example", "demo-admin-api-token")            # workspace admin (collaborator), all scopes
ADMIN_READONLY = ("admin@acme.example", "demo-admin-readonly-api-token")  # same admin, read scopes only
OWNER = ("owner@acme.example", "demo-owner-api-token")            # workspace owner, all scopes
MEMBER = ("dev001@acme.example", "demo-member-api-token")         # plain member, read scopes
REPO_ADMIN = ("dev003@acme.example", "demo-repo-admin-api-token")  # admin of infra-core only, all scopes
PROJECT_ADMIN = ("dev179@acme.example", "demo-project-admin-api-token")  # admin of project PLAT only, all scopes
OAUTH_CLIENT = ("demo-client-id", "demo-client-secret")           # admin's consumer, all scopes
OAUTH_READONLY_CLIENT = ("demo-readonly-client-id", "demo-readonly-client-secret")
WORKSPACE_ACCESS_TOKEN = "demo-workspace-access-token"            # workspace acme
PROJECT_ACCESS_TOKEN = "demo-project-access-token"                # project acme/INFRA
REPO_ACCESS_TOKEN = "demo-repo-access-token"                      # repository acme/infra-core
SCIM_DIRECTORY = "demo-directory"
SCIM_API_KEY = "demo-scim-api-key"


def basic(user: str, secret: str) -> dict:
    """``{"Authorization": "Basic ..."}``"""
    raw = base64.b64encode(("%s:%s" % (user, secret)).encode("utf-8")).decode("ascii")
    return {"Authorization": "Basic " + raw}


def bearer(token: str) -> dict:
    """``{"Authorization": "Bearer ..."}``"""
    return {"Authorization": "Bearer " + token}
