# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization (Admin API) section of the seeds :mod:`gen_seed` generates; its ids never draw from the RNG."""

from __future__ import annotations

import uuid


def stable_id(*parts: str) -> str:
    """Ids of the organization side: uuid5, so that they never draw from the RNG."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "atlsim:admin/" + "/".join(parts)))


def admin_section(owner: str, admin: str, devs: list, outsiders: list) -> dict:
    """The organization (Admin API) of the acme workspace: every acme member is in ``bitbucket-users-acme`` (which
    grants the workspace), the owner and the admin also in ``bitbucket-admins-acme``; ``okta-engineering`` is synced
    from an identity provider (read-only) and grants only the Confluence site. ``newhire01`` is suspended (in
    ``bitbucket-users-acme``: restoring gives access back), ``newhire02`` has an account and no access at all,
    ``newhire03`` only Confluence."""
    org_id = stable_id("org", "acme")
    wiki = "ari:cloud:confluence::site/%s" % stable_id("site", "acme-wiki")
    return {
        "api_keys": [
            {"id": "demo-org-admin", "key": "demo-org-admin-api-key", "org": org_id},
            {
                "id": "demo-org-readonly",
                "key": "demo-org-readonly-api-key",
                "org": org_id,
                "scopes": ["read:directories:admin", "read:groups:admin", "read:workspaces:admin"],
            },
        ],
        "orgs": [
            {
                "id": org_id,
                "name": "ACME Corp",
                "domains": ["acme.example"],
                "resources": [{"workspace": "acme"}, {"id": wiki, "owner": "confluence", "name": "acme-wiki"}],
                "directories": [
                    {
                        "id": stable_id("directory", "acme"),
                        "name": "ACME Corp",
                        "workspace_members": ["acme"],
                        "users": [{"user": outsiders[0], "status": "suspended"}, {"user": outsiders[1]}, {"user": outsiders[2]}],
                        "groups": [
                            {
                                "id": stable_id("group", "bitbucket-users-acme"),
                                "name": "bitbucket-users-acme",
                                "description": "Bitbucket users of workspace acme",
                                "workspace_members": ["acme"],
                                "members": [outsiders[0]],
                                "roles": [{"resource": "acme", "role": "atlassian/user"}],
                            },
                            {
                                "id": stable_id("group", "bitbucket-admins-acme"),
                                "name": "bitbucket-admins-acme",
                                "description": "Bitbucket administrators of workspace acme",
                                "members": [owner, admin],
                                "roles": [{"resource": "acme", "role": "atlassian/admin"}],
                            },
                            {
                                "id": stable_id("group", "okta-engineering"),
                                "name": "okta-engineering",
                                "description": "Synced from Okta",
                                "synced": True,
                                "members": [devs[0], devs[1], outsiders[2]],
                                "roles": [{"resource": wiki, "role": "atlassian/user"}],
                            },
                        ],
                    }
                ],
            }
        ],
    }
