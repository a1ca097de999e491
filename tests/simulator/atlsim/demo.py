# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo seed's public test credentials (docs/DESIGN.md) and Authorization header helpers."""

from __future__ import annotations

import base64

WORKSPACE = "acme"
OWNER_EMAIL = "owner@acme.example"
ADMIN = ("admin@acme.example", "demo-admin-api-token")  # workspace admin (collaborator), all scopes
ADMIN_READONLY = ("admin@acme.example", "demo-admin-readonly-api-token")  # same admin, read scopes only
OWNER = ("owner@acme.example", "demo-owner-api-token")  # workspace owner, all scopes
MEMBER = ("dev001@acme.example", "demo-member-api-token")  # plain member, read scopes
REPO_ADMIN = ("dev003@acme.example", "demo-repo-admin-api-token")  # admin of infra-core only, all scopes
PROJECT_ADMIN = ("dev179@acme.example", "demo-project-admin-api-token")  # admin of project PLAT only, all scopes
OAUTH_CLIENT = ("demo-client-id", "demo-client-secret")  # admin's consumer, all scopes
OAUTH_READONLY_CLIENT = ("demo-readonly-client-id", "demo-readonly-client-secret")
WORKSPACE_ACCESS_TOKEN = "demo-workspace-access-token"  # workspace acme
PROJECT_ACCESS_TOKEN = "demo-project-access-token"  # project acme/INFRA
REPO_ACCESS_TOKEN = "demo-repo-access-token"  # repository acme/infra-core
SCIM_DIRECTORY = "demo-directory"
SCIM_API_KEY = "demo-scim-api-key"
# organization Admin API (Authorization: Bearer <key>; base URL <sim>/admin)
ORG_ID = "0475f711-2971-5a21-a71a-659f380ffd26"
ADMIN_API_KEY = "demo-org-admin-api-key"  # no scopes: every operation
ADMIN_READONLY_API_KEY = "demo-org-readonly-api-key"  # read:directories/groups/workspaces:admin only
ADMIN_DIRECTORY_ID = "2ef0f675-904a-5eed-949f-2d150ffd0457"  # the organization's one directory ("-" = all)
ADMIN_GROUP_USERS = ("0e35343a-3bbd-59e8-bdb5-d019d29449e6", "bitbucket-users-acme")  # atlassian/user on acme
ADMIN_GROUP_ADMINS = ("c9a47c58-6f38-560a-a0d6-a26711677854", "bitbucket-admins-acme")  # atlassian/admin on acme
ADMIN_GROUP_SYNCED = ("c82764c7-9b90-5255-ac45-09ead3bd1844", "okta-engineering")  # IdP-synced, read-only
ADMIN_SUSPENDED_USER = "newhire01@acme.example"  # suspended, in bitbucket-users-acme
ADMIN_NO_ACCESS_USER = "newhire02@acme.example"  # account in the directory, no group, no access
ADMIN_CONFLUENCE_ONLY_USER = "newhire03@acme.example"  # only in okta-engineering (Confluence)


def basic(user: str, secret: str) -> dict:
    """``{"Authorization": "Basic ..."}``"""
    raw = base64.b64encode(("%s:%s" % (user, secret)).encode("utf-8")).decode("ascii")
    return {"Authorization": "Basic " + raw}


def bearer(token: str) -> dict:
    """``{"Authorization": "Bearer ..."}``"""
    return {"Authorization": "Bearer " + token}
