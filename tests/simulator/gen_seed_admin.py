# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization (Admin API) section of the seeds :mod:`gen_seed` generates; its ids never draw from the RNG."""

from __future__ import annotations

import uuid


def stable_id(*parts: str) -> str:
    """Ids of the organization side: uuid5, so that they never draw from the RNG."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "atlsim:admin/" + "/".join(parts)))


DORMANT_DAYS = 150  # the demo's dormant Bitbucket member (devs[4], dev005): last active this many days ago


def _ago(days: int) -> str:
    return "%d day%s ago" % (days, "" if days == 1 else "s")


def token_id(email: str, label: str) -> str:
    """The id of an account's API token (``api_tokens`` entries; a credential's ``token_id`` seed key names it)."""
    return stable_id("api-token", email, label)


def _token(email: str, label: str, created: str, expiry: str | None = None, last_access: str | None = None) -> dict:
    token = {"id": token_id(email, label), "label": label, "created": created}
    if expiry is not None:
        token["expiry"] = expiry
    if last_access is not None:
        token["last_access"] = last_access
    return token


def add_activity(accounts: list, owner: str, admin: str, devs: list, outsiders: list, project_admin: str | None = None) -> None:
    """API tokens and last-active dates on the account entries (seed keys ``api_tokens`` and ``last_active``, dates
    relative to the simulator's clock): every acme member was active on Bitbucket in the last 20 days but ``devs[4]``
    (dormant, 150 days); tokens: the admin one, ``devs[0]`` two (one unused for 120 days), ``devs[1]`` one expiring in
    20 days, ``devs[2]`` one never used (created 500 days ago), ``devs[4]`` one unused for 150 days, and the
    contractor (``outsiders[3]``, partner.example: not managed by the organization) one, ``project_admin`` one in use
    (``bitbucket-project-admin``: the demo-project-admin credential's token)."""
    tokens = {
        admin: [_token(admin, "bitbucket-automation", "300 days ago", last_access="1 day ago")],
        devs[0]: [
            _token(devs[0], "ci-pipeline", "400 days ago", expiry="in 200 days", last_access="2 days ago"),
            _token(devs[0], "laptop-cli", "200 days ago", last_access="120 days ago"),
        ],
        devs[1]: [_token(devs[1], "jira-sync", "30 days ago", expiry="in 20 days", last_access="1 day ago")],
        devs[2]: [_token(devs[2], "old-deploy-script", "500 days ago")],
        devs[4]: [_token(devs[4], "personal", "365 days ago", last_access="%d days ago" % DORMANT_DAYS)],
        outsiders[3]: [_token(outsiders[3], "partner-sync", "60 days ago", last_access="5 days ago")],
    }
    if project_admin is not None:
        tokens.setdefault(project_admin, []).append(
            _token(project_admin, "bitbucket-project-admin", "90 days ago", last_access="1 day ago")
        )
    last_active = {email: {"bitbucket": _ago(1 + index % 20)} for index, email in enumerate([owner, admin] + devs)}
    last_active[devs[4]] = {"bitbucket": "%d days ago" % DORMANT_DAYS}
    last_active[outsiders[0]] = {"bitbucket": "40 days ago"}
    for email in (devs[0], devs[1], outsiders[2]):
        last_active.setdefault(email, {})["confluence"] = "3 days ago"
    for account in accounts:
        if account["email"] in tokens:
            account["api_tokens"] = tokens[account["email"]]
        if account["email"] in last_active:
            account["last_active"] = last_active[account["email"]]


def admin_section(owner: str, admin: str, devs: list, outsiders: list, capacity: int | None = None) -> dict:
    """The organization (Admin API) of the acme workspace: every acme member is in ``bitbucket-users-acme`` (which
    grants the workspace), the owner and the admin also in ``bitbucket-admins-acme``; ``okta-engineering`` is synced
    from an identity provider (read-only) and grants only the Confluence site. ``newhire01`` is suspended (in
    ``bitbucket-users-acme``: restoring gives access back), ``newhire02`` has an account and no access at all,
    ``newhire03`` only Confluence. ``acme.example`` is the verified domain (its accounts are managed); the workspace's
    seat ``capacity`` is ``capacity`` (its plan user limit)."""
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
                "verified_domains": ["acme.example"],
                "resources": [
                    {"workspace": "acme"} if capacity is None else {"workspace": "acme", "capacity": capacity},
                    {"id": wiki, "owner": "confluence", "name": "acme-wiki"},
                ],
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
