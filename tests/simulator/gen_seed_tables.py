# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fixed tables of the seeds :mod:`gen_seed` generates: the people's first and last names, the projects and the
names of their repositories, the projects' facts and group permissions, and the scopes of the demo credentials."""

from __future__ import annotations

FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dan",
    "Eva",
    "Finn",
    "Gia",
    "Hugo",
    "Ines",
    "Jon",
    "Kai",
    "Lea",
    "Milo",
    "Nora",
    "Omar",
    "Pia",
    "Quin",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Vic",
    "Wen",
    "Xia",
    "Yuri",
    "Zoe",
]
LAST = [
    "Archer",
    "Baker",
    "Carter",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Virtanen",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
]
PROJECTS = [("INFRA", "Infrastructure"), ("PLAT", "Platform"), ("WEB", "Web"), ("DATA", "Data"), ("MOB", "Mobile")]
PREFIXES = {
    "INFRA": ["infra", "terraform", "ansible", "k8s", "network", "dns", "vault", "monitoring"],
    "PLAT": ["platform", "auth", "billing", "search", "queue", "gateway", "payments", "identity"],
    "WEB": ["web", "portal", "storefront", "admin", "docs", "landing", "checkout", "design"],
    "DATA": ["data", "etl", "warehouse", "ml", "reporting", "analytics", "events", "lake"],
    "MOB": ["mobile", "ios", "android", "push", "sdk", "wallet", "offline", "maps"],
}
SUFFIXES = ["core", "api", "service", "ui", "worker", "config", "tools", "pipeline", "client", "lib", "jobs", "tests"]
# API token scopes as the spec names them (there is no read:permission:bitbucket: reading permissions takes
# read:repository:bitbucket / read:project:bitbucket, changing them admin:* plus write/delete:permission:bitbucket)
ALL_API_SCOPES = [
    "read:user:bitbucket",
    "read:workspace:bitbucket",
    "admin:workspace:bitbucket",
    "read:repository:bitbucket",
    "write:repository:bitbucket",
    "admin:repository:bitbucket",
    "read:project:bitbucket",
    "admin:project:bitbucket",
    "write:permission:bitbucket",
    "delete:permission:bitbucket",
]
READ_API_SCOPES = ["read:user:bitbucket", "read:workspace:bitbucket", "read:repository:bitbucket", "read:project:bitbucket"]
ALL_CLASSIC_SCOPES = [
    "account",
    "email",
    "project",
    "project:admin",
    "repository",
    "repository:write",
    "repository:admin",
    "pullrequest",
    "pullrequest:write",
]
PROJECT_FACTS = {  # description, is_private (WEB holds the public repositories: a private project cannot)
    "INFRA": ("Servers, networks, CI runners and their automation", True),
    "PLAT": ("Shared services: auth, billing, search, payments", True),
    "WEB": ("Public sites, the storefront and their design system", False),
    "DATA": ("Pipelines, the warehouse, reporting and ML", True),
    "MOB": ("iOS and Android apps and their SDKs", True),
}
# explicit project group permissions (create-repo gives write on the project's repositories; none gives nothing)
PROJECT_GROUPS = {
    "INFRA": {"ops": "admin", "auditors": "read"},
    "PLAT": {"developers": "write", "qa": "read"},
    "WEB": {"developers": "write", "contractors": "read"},
    "DATA": {"developers": "create-repo", "auditors": "read", "contractors": "none"},
    "MOB": {"qa": "write"},
}
