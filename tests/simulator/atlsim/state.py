# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seed loading and the in-memory model: accounts, workspaces, members, groups, repositories, permissions.

Lookups are indexed (accounts by id / uuid / email, repositories by slug / uuid) and effective
permissions are computed per repository once and cached until a permission of that repository
changes, so a 10,000-member seed loads in seconds and answers quickly.
"""

from __future__ import annotations

import json
import os
import threading
import uuid as uuidlib
from datetime import datetime, timezone

import yaml

PERMISSIONS = ("read", "write", "admin")
PERM_RANK = {"read": 1, "write": 2, "admin": 3}
WORKSPACE_ROLES = ("owner", "collaborator", "member")
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
    return datetime.now(timezone.utc).isoformat()


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
            account = self.add({
                "account_id": "712020:%s" % new_id,
                "uuid": "{%s}" % uuidlib.uuid4(),
                "email": email,
                "display_name": display_name or str(email).split("@", 1)[0],
                "nickname": nickname or str(email).split("@", 1)[0],
                "created_on": now_iso(),
            })
            return dict(account)

    def unlink(self, account_id: str) -> None:
        """Mark the account as unlinked from its SCIM directory (the Bitbucket side is unchanged)."""
        with self.lock:
            self.unlinked.add(str(account_id))

    def __len__(self) -> int:
        return len(self.by_id)


class Repo:
    """A repository and its explicit permissions."""

    __slots__ = ("workspace", "slug", "name", "uuid", "project_key", "is_private", "description",
                 "created_on", "updated_on", "user_perms", "group_perms", "effective_cache")

    def __init__(self, workspace: "Workspace", entry: dict):
        self.workspace = workspace
        self.slug = str(entry["slug"])
        self.name = str(entry.get("name") or self.slug)
        self.uuid = norm_uuid(entry.get("uuid") or stable_uuid("repo", workspace.slug, self.slug))
        self.project_key = entry.get("project")
        self.is_private = bool(entry.get("is_private", True))
        self.description = str(entry.get("description") or "")
        self.created_on = str(entry.get("created_on") or DEFAULT_CREATED_ON)
        self.updated_on = str(entry.get("updated_on") or self.created_on)
        self.user_perms: dict[str, str] = {}
        self.group_perms: dict[str, str] = {}
        self.effective_cache: dict[str, str] | None = None  # filled by Workspace.effective

    @property
    def full_name(self) -> str:
        return "%s/%s" % (self.workspace.slug, self.slug)


def _check_perm(value, where: str) -> str:
    if value not in PERM_RANK:
        raise SeedError("%s: permission must be one of read/write/admin, not %r" % (where, value))
    return value


class Workspace:
    """A workspace: members (role + admin flag), projects, groups, repositories."""

    def __init__(self, entry: dict, accounts: Accounts):
        self.accounts = accounts
        self.slug = str(entry["slug"])
        self.name = str(entry.get("name") or self.slug)
        self.uuid = norm_uuid(entry.get("uuid") or stable_uuid("workspace", self.slug))
        self.plan_user_limit = entry.get("plan_user_limit")
        self.is_private = bool(entry.get("is_private", True))
        self.created_on = str(entry.get("created_on") or DEFAULT_CREATED_ON)
        self.members: dict[str, dict] = {}
        self.projects: dict[str, dict] = {}
        self.groups: dict[str, dict] = {}
        self.repos: dict[str, Repo] = {}
        self.repos_by_uuid: dict[str, Repo] = {}
        self._access: set | None = None
        self.version = 0  # bumped on every permission change
        self.cache: dict = {}  # derived lists (routes), emptied on every permission change
        self._load(entry)

    # -- loading -------------------------------------------------------------------------------
    def _load(self, entry: dict) -> None:
        where = "workspace %s" % self.slug
        for item in entry.get("members") or ():
            item = {"user": item} if isinstance(item, str) else item
            account = self.accounts.ref(item["user"], where + " members")
            role = item.get("role", "member")
            if role not in WORKSPACE_ROLES:
                raise SeedError("%s: role %r is not one of %s" % (where, role, WORKSPACE_ROLES))
            self.members[account["account_id"]] = {"role": role, "admin": bool(item.get("admin", role == "owner"))}
        for item in entry.get("projects") or ():
            key = str(item["key"])
            self.projects[key] = {"key": key, "name": str(item.get("name") or key),
                                  "uuid": norm_uuid(item.get("uuid") or stable_uuid("project", self.slug, key))}
        for item in entry.get("groups") or ():
            slug = str(item["slug"])
            members = []
            for ref in item.get("members") or ():
                account = self.accounts.ref(ref, "%s group %s" % (where, slug))
                if account["account_id"] not in self.members:
                    raise SeedError("%s group %s: %s is not a workspace member" % (where, slug, ref))
                members.append(account["account_id"])
            self.groups[slug] = {"slug": slug, "name": str(item.get("name") or slug), "members": members,
                                 "member_set": frozenset(members)}
        for item in entry.get("repositories") or ():
            repo = Repo(self, item)
            if repo.slug in self.repos:
                raise SeedError("%s: duplicate repository %s" % (where, repo.slug))
            if repo.project_key is None and self.projects:
                repo.project_key = next(iter(self.projects))
            if repo.project_key is not None and repo.project_key not in self.projects:
                self.projects[repo.project_key] = {"key": repo.project_key, "name": repo.project_key,
                                                   "uuid": stable_uuid("project", self.slug, repo.project_key)}
            rwhere = "%s repository %s" % (where, repo.slug)
            for ref, perm in (item.get("user_permissions") or {}).items():
                account = self.accounts.ref(ref, rwhere)
                if account["account_id"] not in self.members:
                    raise SeedError("%s: %s is not a workspace member" % (rwhere, ref))
                repo.user_perms[account["account_id"]] = _check_perm(perm, rwhere)
            for slug, perm in (item.get("group_permissions") or {}).items():
                if slug not in self.groups:
                    raise SeedError("%s: unknown group %s" % (rwhere, slug))
                repo.group_perms[slug] = _check_perm(perm, rwhere)
            self.repos[repo.slug] = repo
            self.repos_by_uuid[repo.uuid] = repo

    # -- queries ---------------------------------------------------------------------------------
    def member(self, account_id: str) -> dict | None:
        return self.members.get(account_id)

    def is_admin(self, account_id: str) -> bool:
        member = self.members.get(account_id)
        return bool(member and member["admin"])

    def is_owner(self, account_id: str) -> bool:
        member = self.members.get(account_id)
        return bool(member and member["role"] == "owner")

    def repo(self, ident: str) -> Repo | None:
        if ident.startswith("{"):
            return self.repos_by_uuid.get(ident.lower())
        return self.repos.get(ident)

    def effective(self, repo: Repo) -> dict[str, str]:
        """account_id -> highest of the user's direct and group permissions on ``repo``: what
        ``/permissions/repositories`` reports. Workspace admin status is not a permission here; it is an
        authorization rule applied by :meth:`perm_of`."""
        if repo.effective_cache is None:
            eff: dict[str, str] = {}
            for slug, perm in repo.group_perms.items():
                rank = PERM_RANK[perm]
                for account_id in self.groups[slug]["members"]:
                    if PERM_RANK.get(eff.get(account_id), 0) < rank:
                        eff[account_id] = perm
            for account_id, perm in repo.user_perms.items():
                if PERM_RANK.get(eff.get(account_id), 0) < PERM_RANK[perm]:
                    eff[account_id] = perm
            repo.effective_cache = eff
        return repo.effective_cache

    def perm_of(self, account_id: str, repo: Repo) -> str | None:
        """What ``account_id`` may do on ``repo`` (authorization): admin for workspace admins, else the
        effective (direct or group) permission."""
        if self.is_admin(account_id):
            return "admin"
        return self.effective(repo).get(account_id)

    def users_with_access(self) -> set:
        """Distinct accounts with access to any repository (what the plan's user limit counts): every user
        with a direct or group permission on some repository, plus the workspace admins (who reach every
        repository without one)."""
        if self._access is None:
            users: set = {account_id for account_id, member in self.members.items() if member["admin"]}
            for repo in self.repos.values():
                users.update(self.effective(repo))
            self._access = users
        return self._access

    def _changed(self, repo: Repo) -> None:
        repo.effective_cache = None
        self._access = None
        self.version += 1
        self.cache.clear()
        repo.updated_on = now_iso()

    # -- writes ----------------------------------------------------------------------------------
    def set_user_perm(self, repo: Repo, account_id: str, perm: str) -> None:
        repo.user_perms[account_id] = perm
        self._changed(repo)

    def delete_user_perm(self, repo: Repo, account_id: str) -> None:
        del repo.user_perms[account_id]
        self._changed(repo)

    def set_group_perm(self, repo: Repo, slug: str, perm: str) -> None:
        repo.group_perms[slug] = perm
        self._changed(repo)

    def delete_group_perm(self, repo: Repo, slug: str) -> None:
        del repo.group_perms[slug]
        self._changed(repo)


class State:
    """The whole simulated world built from one seed. ``lock`` guards every read and write."""

    def __init__(self, seed: dict):
        self.seed = seed
        self.lock = threading.RLock()
        self.accounts = Accounts(self.lock)
        for entry in seed.get("accounts") or ():
            self.accounts.add(entry)
        self.workspaces: dict[str, Workspace] = {}
        self.workspaces_by_uuid: dict[str, Workspace] = {}
        for entry in seed.get("workspaces") or ():
            workspace = Workspace(entry, self.accounts)
            if workspace.slug in self.workspaces:
                raise SeedError("duplicate workspace %s" % workspace.slug)
            self.workspaces[workspace.slug] = workspace
            self.workspaces_by_uuid[workspace.uuid] = workspace
        limits = seed.get("rate_limits") or {}
        self.rate_limits = {
            "default": int(limits.get("default", 1000)),
            "access_token": int(limits.get("access_token", 10000)),
            "unauthenticated": int(limits.get("unauthenticated", 60)),
            "window_seconds": float(limits.get("window_seconds", 3600)),
        }
        self.token_lifetime = int((seed.get("oauth") or {}).get("token_lifetime", 7200))

    def workspace(self, ident: str) -> Workspace | None:
        if ident.startswith("{"):
            return self.workspaces_by_uuid.get(ident.lower())
        return self.workspaces.get(ident)

    def workspaces_of(self, account_id: str) -> list:
        return [ws for ws in self.workspaces.values() if account_id in ws.members]
