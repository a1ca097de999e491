# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generate simulator seeds, deterministically (fixed RNG seed).

    python tests/simulator/gen_seed.py --demo -o tests/simulator/seeds/demo.yml
    python tests/simulator/gen_seed.py --members 10000 --repositories 2000 -o /tmp/scale.yml

Every seed holds the demo credentials of docs/DESIGN.md (workspace ``acme``, owner
``owner@acme.example``, admin ``admin@acme.example``, member ``dev001@acme.example``, the OAuth
consumer, the access tokens, the SCIM directory and the organization of the Admin API), so the same playbooks run
against any size.
Every repository belongs to one of the projects INFRA, PLAT, WEB, DATA, MOB, which carry explicit user and
group permissions (``create-repo`` and an explicit ``none`` included); repositories carry explicit user
permissions (random) and group permissions (by project, plus auditors, contractors and QA on some).
Additions to a seed never draw from the RNG, so the existing accounts, ids and permissions stay as they were.
``.json`` output is written as JSON (fastest to load), anything else as YAML.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import uuid

import yaml

from gen_seed_admin import add_activity, admin_section, token_id
from gen_seed_tables import ALL_API_SCOPES, ALL_CLASSIC_SCOPES, FIRST, LAST, PREFIXES, PROJECT_FACTS, PROJECT_GROUPS
from gen_seed_tables import PROJECTS, READ_API_SCOPES, SUFFIXES


class Gen:
    def __init__(self, rng_seed: int):
        self.rng = random.Random(rng_seed)
        self.accounts: list = []

    def uuid(self) -> str:
        return "{%s}" % uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def date(self, year_from: int = 2016, year_to: int = 2024) -> str:
        return "%04d-%02d-%02dT%02d:%02d:%02d+00:00" % (
            self.rng.randint(year_from, year_to),
            self.rng.randint(1, 12),
            self.rng.randint(1, 28),
            self.rng.randint(0, 23),
            self.rng.randint(0, 59),
            self.rng.randint(0, 59),
        )

    def account(self, email: str, display_name: str) -> str:
        account_id = "557058:%s" % uuid.UUID(int=self.rng.getrandbits(128), version=4)
        nickname = display_name.lower().replace(" ", ".")
        self.accounts.append(
            {
                "account_id": account_id,
                "uuid": self.uuid(),
                "nickname": nickname,
                "display_name": display_name,
                "email": email,
                "created_on": self.date(),
            }
        )
        return email


def _project_names(key: str):
    """Endless repository names of a project: prefix-suffix, then prefix-suffix-2, ..."""
    for round_no in itertools.count(1):
        for prefix in PREFIXES[key]:
            for suffix in SUFFIXES:
                yield "%s-%s" % (prefix, suffix) if round_no == 1 else "%s-%s-%d" % (prefix, suffix, round_no)


def _repo_names(count: int) -> list:
    """(project key, name) pairs, ``infra-core`` first, then the projects in turn."""
    names, seen = [("INFRA", "infra-core")], {"infra-core"}
    sources = {key: _project_names(key) for key, _unused in PROJECTS}
    while len(names) < count:
        for key, _unused in PROJECTS:
            name = next(sources[key])
            while name in seen:
                name = next(sources[key])
            seen.add(name)
            names.append((key, name))
    return names[:count]


def _project_permissions(devs: list, grouped: int, teams: list) -> tuple[dict, dict]:
    """(user permissions, group permissions) of each project, by email / group slug. ``grouped``: how many of
    ``devs`` (the first ones) belong to a default group; project users are mostly people of no group, who reach
    the project's repositories through that permission only. No RNG: the seed's random draws stay as they were."""
    free = devs[grouped:] or devs

    def free_dev(index: int) -> str:
        return free[index % len(free)]

    users = {
        "INFRA": {devs[2]: "read"},  # dev003: below their admin on infra-core
        "PLAT": {free_dev(0): "admin", free_dev(2): "create-repo"},  # dev179: project admin (API token below)
        "WEB": {free_dev(3): "read", devs[min(119, len(devs) - 1)]: "write"},
        "DATA": {free_dev(1): "write", free_dev(4): "read"},
        "MOB": {},
    }
    groups = {key: dict(perms) for key, perms in PROJECT_GROUPS.items()}
    if len(teams) >= 2:  # scale seeds: two teams granted on a whole project
        groups["DATA"][teams[0]["slug"]] = "write"
        groups["WEB"][teams[1]["slug"]] = "read"
    return users, groups


def generate(members: int, repositories: int, rng_seed: int = 20240601) -> dict:
    """The seed dict: workspace ``acme`` with ``members`` members (>= 10) and ``repositories`` repos (>= 5)."""
    gen = Gen(rng_seed)
    owner = gen.account("owner@acme.example", "Olivia Owner")
    admin = gen.account("admin@acme.example", "Adam Admin")
    devs = []
    for index in range(1, max(members, 10) - 1):
        name = "%s %s" % (gen.rng.choice(FIRST), gen.rng.choice(LAST))
        devs.append(gen.account("dev%03d@acme.example" % index, name))
    outsiders = [gen.account("newhire%02d@acme.example" % index, "New Hire %d" % index) for index in range(1, 4)]
    outsiders.append(gen.account("contractor@partner.example", "Casey Contractor"))
    globex_owner = gen.account("owner@globex.example", "Greta Globex")
    globex_devs = [gen.account("dev%02d@globex.example" % index, "Globex Dev %d" % index) for index in range(1, 4)]

    n = len(devs)
    # group sizes: proportional for small seeds (the demo), capped for scale seeds so that the effective
    # permissions stay realistic (a few hundred thousand (user, repository) pairs for 10,000 members)
    sizes = [
        min(int(n * 0.45), 150),
        min(int(n * 0.10), 80),
        min(int(n * 0.08), 60),
        min(int(n * 0.05), 40),
        min(int(n * 0.02), 20),
    ]
    cut = [0]
    for size in sizes:
        cut.append(cut[-1] + size)
    groups = [
        {"slug": "developers", "name": "Developers", "members": devs[cut[0] : cut[1]]},
        {"slug": "qa", "name": "QA", "members": devs[cut[1] : cut[2]]},
        {"slug": "ops", "name": "Ops", "members": devs[cut[2] : cut[3]]},
        {"slug": "auditors", "name": "Auditors", "members": devs[cut[3] : cut[4]]},
        {"slug": "contractors", "name": "Contractors", "members": devs[cut[4] : cut[5]]},
    ]
    teams = []
    if n > 1000:  # scale seeds: teams of about 50 people, each writing to its share of the repositories
        rest = devs[cut[-1] :]
        count = max(1, len(rest) // 100)
        teams = [
            {"slug": "team-%03d" % (index + 1), "name": "Team %d" % (index + 1), "members": rest[index :: count * 2]}
            for index in range(count)
        ]
        groups.extend(teams)
    project_groups = {
        "INFRA": {"ops": "admin", "developers": "read"},
        "PLAT": {"developers": "write", "qa": "read"},
        "WEB": {"developers": "write", "qa": "read"},
        "DATA": {"developers": "write"},
        "MOB": {"developers": "write", "qa": "read"},
    }
    repos = []
    candidates = devs[1:]  # dev001 (the member token) never gets an explicit permission at random
    for index, (key, name) in enumerate(_repo_names(max(repositories, 5))):
        group_perms = dict(project_groups[key])
        if index % 7 == 0:
            group_perms["auditors"] = "read"
        if teams:
            group_perms[teams[index % len(teams)]["slug"]] = "write"
        if name.endswith("-tests") and "qa" not in group_perms:  # QA writes the test suites
            group_perms["qa"] = "write"
        if index % 9 == 4:  # contractors work on a few repositories
            group_perms["contractors"] = "write"
        user_perms = {}
        for _unused in range(gen.rng.randint(0, 3)):
            user_perms[gen.rng.choice(candidates)] = gen.rng.choice(["read", "read", "write", "write", "admin"])
        if name == "infra-core":
            user_perms = {devs[0]: "write", devs[1]: "read", devs[2]: "admin"}
        created = gen.date(2018, 2023)
        repos.append(
            {
                "slug": name,
                "name": name,
                "uuid": gen.uuid(),
                "project": key,
                "is_private": name == "infra-core" or index % 10 != 3,
                "description": "%s (%s)" % (name.replace("-", " ").capitalize(), dict(PROJECTS)[key]),
                "created_on": created,
                "updated_on": created,
                "user_permissions": user_perms,
                "group_permissions": group_perms,
            }
        )

    acme_members = [{"user": owner, "role": "owner"}, {"user": admin, "role": "collaborator", "admin": True}]
    acme_members += devs
    project_users, project_groups_of = _project_permissions(devs, cut[-1], teams)
    project_admin = next(email for email, perm in project_users["PLAT"].items() if perm == "admin")
    workspaces = [
        {
            "slug": "acme",
            "name": "ACME Corp",
            "uuid": gen.uuid(),
            "created_on": "2016-03-01T09:00:00+00:00",
            "plan_user_limit": 300 if members <= 300 else members * 2,
            "members": acme_members,
            "projects": [
                {
                    "key": key,
                    "name": name,
                    "uuid": gen.uuid(),
                    "description": PROJECT_FACTS[key][0],
                    "is_private": PROJECT_FACTS[key][1],
                    "created_on": "2017-%02d-01T09:00:00+00:00" % (index + 1),
                    "user_permissions": project_users[key],
                    "group_permissions": project_groups_of[key],
                }
                for index, (key, name) in enumerate(PROJECTS)
            ],
            "groups": groups,
            "repositories": repos,
        },
        {
            "slug": "globex",
            "name": "Globex",
            "uuid": gen.uuid(),
            "plan_user_limit": 5,
            "members": [{"user": globex_owner, "role": "owner"}] + globex_devs + [devs[1]],
            "projects": [
                {
                    "key": "GX",
                    "name": "Globex",
                    "uuid": gen.uuid(),
                    "description": "Everything Globex",
                    "group_permissions": {"developers": "write"},
                }
            ],
            "groups": [{"slug": "developers", "name": "Developers", "members": globex_devs}],
            "repositories": [
                {"slug": "globex-%s" % name, "project": "GX", "uuid": gen.uuid(), "group_permissions": {"developers": "write"}}
                for name in ("api", "web", "infra")
            ],
        },
    ]
    credentials = {
        "api_tokens": [
            {
                "id": "demo-admin",
                "email": admin,
                "token": "demo-admin-api-token",
                "scopes": ALL_API_SCOPES,
                "token_id": token_id(admin, "bitbucket-automation"),  # the account's api_tokens entry (audit events)
            },
            {"id": "demo-admin-readonly", "email": admin, "token": "demo-admin-readonly-api-token", "scopes": READ_API_SCOPES},
            {"id": "demo-owner", "email": owner, "token": "demo-owner-api-token", "scopes": ALL_API_SCOPES},
            {"id": "demo-member", "email": devs[0], "token": "demo-member-api-token", "scopes": READ_API_SCOPES},
            {"id": "demo-repo-admin", "email": devs[2], "token": "demo-repo-admin-api-token", "scopes": ALL_API_SCOPES},
            {
                "id": "demo-project-admin",
                "email": project_admin,
                "token": "demo-project-admin-api-token",
                "scopes": ALL_API_SCOPES,
                "token_id": token_id(project_admin, "bitbucket-project-admin"),
            },
        ],
        "oauth_consumers": [
            {"client_id": "demo-client-id", "client_secret": "demo-client-secret", "owner": admin, "scopes": ALL_CLASSIC_SCOPES},
            {
                "client_id": "demo-readonly-client-id",
                "client_secret": "demo-readonly-client-secret",
                "owner": admin,
                "scopes": ["account", "email", "repository"],
            },
        ],
        "access_tokens": [
            {
                "id": "demo-workspace-token",
                "token": "demo-workspace-access-token",
                "kind": "workspace",
                "resource": "acme",
                "scopes": ["account", "project", "repository", "repository:write", "repository:admin", "pullrequest"],
            },
            {
                "id": "demo-project-token",
                "token": "demo-project-access-token",
                "kind": "project",
                "resource": "acme/INFRA",
                "scopes": ["project", "repository", "repository:write", "repository:admin"],
            },
            {
                "id": "demo-repo-token",
                "token": "demo-repo-access-token",
                "kind": "repository",
                "resource": "acme/infra-core",
                "scopes": ["repository", "repository:write", "repository:admin", "pullrequest"],
            },
        ],
    }
    by_email = {account["email"]: account for account in gen.accounts}

    def scim_user(email: str, external_id: str, active: bool = True) -> dict:
        account = by_email[email]
        given, _unused, family = account["display_name"].partition(" ")
        return {
            "userName": email,
            "externalId": external_id,
            "active": active,
            "displayName": account["display_name"],
            "name": {"givenName": given, "familyName": family or given},
            "emails": [{"value": email, "type": "work", "primary": True}],
        }

    scim = {
        "directories": [
            {
                "id": "demo-directory",
                "api_key": "demo-scim-api-key",
                "users": [
                    scim_user(devs[0], "okta-00u-dev001"),
                    scim_user(devs[1], "okta-00u-dev002"),
                    scim_user(outsiders[0], "okta-00u-newhire01", active=False),
                ],
                "groups": [{"displayName": "bitbucket-users", "members": [devs[0], devs[1]]}],
            }
        ]
    }
    add_activity(gen.accounts, owner, admin, devs, outsiders, project_admin)  # API tokens, last-active dates (no RNG)
    return {
        "version": 1,
        "description": "atlsim seed generated by gen_seed.py (members=%d, repositories=%d, rng_seed=%d)"
        % (members, repositories, rng_seed),
        "rate_limits": {"default": 1000, "access_token": 10000, "unauthenticated": 60, "window_seconds": 3600},
        "oauth": {"token_lifetime": 7200},
        "accounts": gen.accounts,
        "workspaces": workspaces,
        "credentials": credentials,
        "scim": scim,
        "admin": admin_section(owner, admin, devs, outsiders, capacity=workspaces[0]["plan_user_limit"]),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--members", type=int, default=260)
    parser.add_argument("--repositories", type=int, default=64)
    parser.add_argument("--rng-seed", type=int, default=20240601)
    parser.add_argument("--demo", action="store_true", help="the committed demo seed (260 members, 64 repositories)")
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args(argv)
    if args.demo:
        args.members, args.repositories, args.rng_seed = 260, 64, 20240601
    seed = generate(args.members, args.repositories, args.rng_seed)
    if args.output.endswith(".json"):
        text = json.dumps(seed, indent=1)
    else:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = "# Generated by tests/simulator/gen_seed.py; do not edit by hand.\n" + yaml.dump(
            seed, Dumper=dumper, sort_keys=False, default_flow_style=False, width=160
        )
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
