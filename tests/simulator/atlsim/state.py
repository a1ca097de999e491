# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in-memory model built from a seed: workspaces, members, groups, projects, repositories, permissions.

Lookups are indexed (accounts by id / uuid / email, repositories by slug / uuid) and effective
permissions are computed per repository once and cached until a permission of that repository (or of
its project) changes, so a 10,000-member seed loads in seconds and answers quickly.

Four explicit paths give a user access to a repository: a user permission on the repository, a user
permission on its project, a group permission on the repository, a group permission on its project. The
effective permission is the highest of them; a project permission gives its level on every repository of
the project, ``create-repo`` giving ``write`` (Bitbucket: "Create ... provides write access to all
repositories in that project"). ``none`` (an explicit entry giving nothing) may come from a seed: it is
listed where the spec says the value can be returned and never grants access.
"""

from __future__ import annotations

import threading
import time

from .accounts import DEFAULT_CREATED_ON, Accounts, SeedError, load_seed, norm_uuid, now_iso, stable_uuid
from .activity import Activity
from .admin_state import AdminModel
from .audit_events import AuditEvents

__all__ = [
    "Accounts",
    "SeedError",
    "load_seed",
    "State",
    "Workspace",
    "Repo",
    "Project",
    "PERM_RANK",
    "PROJECT_PERM_RANK",
    "PERMISSIONS",
    "PROJECT_PERMISSIONS",
    "REPO_LEVEL_OF_PROJECT",
]

PERMISSIONS = ("read", "write", "admin")  # what a repository permission PUT accepts
PERM_RANK = {"none": 0, "read": 1, "write": 2, "admin": 3}
PROJECT_PERMISSIONS = ("read", "write", "create-repo", "admin")  # what a project permission PUT accepts
PROJECT_PERM_RANK = {"none": 0, "read": 1, "write": 2, "create-repo": 3, "admin": 4}
REPO_LEVEL_OF_PROJECT = {"read": "read", "write": "write", "create-repo": "write", "admin": "admin"}
WORKSPACE_ROLES = ("owner", "collaborator", "member")
DEFAULT_PROJECT = ("PROJ", "Untitled project")  # a repository of a workspace without projects lands there


class Repo:
    """A repository and its explicit permissions."""

    __slots__ = (
        "workspace",
        "slug",
        "name",
        "uuid",
        "project_key",
        "is_private",
        "description",
        "created_on",
        "updated_on",
        "user_perms",
        "group_perms",
        "effective_cache",
    )

    def __init__(self, workspace: Workspace, entry: dict):
        self.workspace = workspace
        self.slug = str(entry["slug"])
        self.name = str(entry.get("name") or self.slug)
        self.uuid = norm_uuid(entry.get("uuid") or stable_uuid("repo", workspace.slug, self.slug))
        self.project_key = str(entry["project"]) if entry.get("project") is not None else None
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

    @property
    def project(self) -> Project:
        return self.workspace.projects[self.project_key]


class Project:
    """A project, its repositories (slugs) and its explicit permissions."""

    __slots__ = (
        "workspace",
        "key",
        "name",
        "uuid",
        "description",
        "is_private",
        "created_on",
        "updated_on",
        "user_perms",
        "group_perms",
        "repos",
        "declared",
    )

    def __init__(self, workspace: Workspace, entry: dict, declared: bool = True):
        self.workspace = workspace
        self.key = str(entry["key"])
        self.name = str(entry.get("name") or self.key)
        self.uuid = norm_uuid(entry.get("uuid") or stable_uuid("project", workspace.slug, self.key))
        self.description = str(entry.get("description") or "")
        self.is_private = bool(entry.get("is_private", True))
        self.created_on = str(entry.get("created_on") or DEFAULT_CREATED_ON)
        self.updated_on = str(entry.get("updated_on") or self.created_on)
        self.user_perms: dict[str, str] = {}
        self.group_perms: dict[str, str] = {}
        self.repos: list[str] = []
        self.declared = declared  # False: created for a repository naming an undeclared key

    @property
    def has_publicly_visible_repos(self) -> bool:
        return any(not self.workspace.repos[slug].is_private for slug in self.repos)


def _check_perm(value, where: str, ranks: dict) -> str:
    if value not in ranks:
        raise SeedError("%s: permission must be one of %s, not %r" % (where, "/".join(ranks), value))
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
        self.projects: dict[str, Project] = {}
        self.groups: dict[str, dict] = {}
        self.repos: dict[str, Repo] = {}
        self.repos_by_uuid: dict[str, Repo] = {}
        self._access: set | None = None
        self.departed: dict[str, dict] = {}  # members taken out by the Admin API live link (atlsim.admin_state)
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
        for item in entry.get("groups") or ():
            slug = str(item["slug"])
            members = []
            for ref in item.get("members") or ():
                account = self.accounts.ref(ref, "%s group %s" % (where, slug))
                if account["account_id"] not in self.members:
                    raise SeedError("%s group %s: %s is not a workspace member" % (where, slug, ref))
                members.append(account["account_id"])
            self.groups[slug] = {
                "slug": slug,
                "name": str(item.get("name") or slug),
                "members": members,
                "member_set": frozenset(members),
            }
        for item in entry.get("projects") or ():
            project = Project(self, item)
            if project.key in self.projects:
                raise SeedError("%s: duplicate project %s" % (where, project.key))
            self._load_perms(project, item, "%s project %s" % (where, project.key), PROJECT_PERM_RANK)
            self.projects[project.key] = project
        for item in entry.get("repositories") or ():
            self._load_repo(item, where)
        for project in self.projects.values():
            if project.is_private and project.declared and project.has_publicly_visible_repos:
                raise SeedError("%s project %s: a private project cannot contain public repositories" % (where, project.key))
            if not project.declared:
                project.is_private = not project.has_publicly_visible_repos

    def _load_repo(self, item: dict, where: str) -> None:
        repo = Repo(self, item)
        if repo.slug in self.repos:
            raise SeedError("%s: duplicate repository %s" % (where, repo.slug))
        if repo.project_key is None:
            repo.project_key = next(iter(self.projects), DEFAULT_PROJECT[0])
        if repo.project_key not in self.projects:
            name = DEFAULT_PROJECT[1] if repo.project_key == DEFAULT_PROJECT[0] else repo.project_key
            self.projects[repo.project_key] = Project(self, {"key": repo.project_key, "name": name}, declared=False)
        self._load_perms(repo, item, "%s repository %s" % (where, repo.slug), PERM_RANK)
        self.repos[repo.slug] = repo
        self.repos_by_uuid[repo.uuid] = repo
        self.projects[repo.project_key].repos.append(repo.slug)

    def _load_perms(self, holder, item: dict, where: str, ranks: dict) -> None:
        for ref, perm in (item.get("user_permissions") or {}).items():
            account = self.accounts.ref(ref, where)
            if account["account_id"] not in self.members:
                raise SeedError("%s: %s is not a workspace member" % (where, ref))
            if self.is_owner(account["account_id"]):
                raise SeedError("%s: %s is the workspace owner (no explicit permission)" % (where, ref))
            holder.user_perms[account["account_id"]] = _check_perm(perm, where, ranks)
        for slug, perm in (item.get("group_permissions") or {}).items():
            if slug not in self.groups:
                raise SeedError("%s: unknown group %s" % (where, slug))
            holder.group_perms[slug] = _check_perm(perm, where, ranks)

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

    def project(self, key: str) -> Project | None:
        return self.projects.get(key)

    def _paths(self, repo: Repo):
        """(permission on ``repo``, account ids) for each explicit path: project groups, project users,
        repository groups, repository users; ``none`` entries give nothing."""
        project = self.projects[repo.project_key]
        for slug, perm in project.group_perms.items():
            if perm != "none":
                yield REPO_LEVEL_OF_PROJECT[perm], self.groups[slug]["members"]
        for account_id, perm in project.user_perms.items():
            if perm != "none":
                yield REPO_LEVEL_OF_PROJECT[perm], (account_id,)
        for slug, perm in repo.group_perms.items():
            yield perm, self.groups[slug]["members"]
        for account_id, perm in repo.user_perms.items():
            yield perm, (account_id,)

    def effective(self, repo: Repo) -> dict[str, str]:
        """account_id -> highest of the user's permissions on ``repo`` through the four explicit paths: what
        ``/permissions/repositories`` reports. Workspace admin status is not a permission here; it is an
        authorization rule applied by :meth:`perm_of`."""
        if repo.effective_cache is None:
            eff: dict[str, str] = {}
            for perm, account_ids in self._paths(repo):
                rank = PERM_RANK[perm]
                if rank == 0:
                    continue
                for account_id in account_ids:
                    if PERM_RANK.get(eff.get(account_id), 0) < rank and account_id in self.members:
                        eff[account_id] = perm
            repo.effective_cache = eff
        return repo.effective_cache

    def perm_of(self, account_id: str, repo: Repo) -> str | None:
        """What ``account_id`` may do on ``repo`` (authorization): admin for workspace admins, else the
        effective permission."""
        if self.is_admin(account_id):
            return "admin"
        return self.effective(repo).get(account_id)

    def project_level(self, account_id: str | None, project: Project) -> str | None:
        """What ``account_id`` may do on ``project`` (authorization): admin for workspace admins, else the
        highest of its project user permission and the project permissions of its groups."""
        if account_id is None:
            return None
        if self.is_admin(account_id):
            return "admin"
        if account_id not in self.members:  # explicit permissions of a former member stay stored, unused
            return None
        best = project.user_perms.get(account_id)
        for slug, perm in project.group_perms.items():
            if PROJECT_PERM_RANK[perm] > PROJECT_PERM_RANK.get(best, 0) and account_id in self.groups[slug]["member_set"]:
                best = perm
        return best if best != "none" else None

    def users_with_access(self) -> set:
        """Distinct accounts with access (what the plan's user limit counts): every user with a permission
        (other than ``none``) through any of the four explicit paths, on any repository or project (a project
        permission counts even while the project holds no repository), plus the workspace admins (who reach
        every repository without one)."""
        if self._access is None:
            users: set = {account_id for account_id, member in self.members.items() if member["admin"]}
            for repo in self.repos.values():
                users.update(self.effective(repo))
            for project in self.projects.values():
                users.update(a for a, perm in project.user_perms.items() if perm != "none")
                for slug, perm in project.group_perms.items():
                    if perm != "none":
                        users.update(self.groups[slug]["members"])
            self._access = {account_id for account_id in users if account_id in self.members}
        return self._access

    def membership_changed(self) -> None:
        """The members changed (the Admin API live link): effective permissions and derived lists are stale."""
        for repo in self.repos.values():
            repo.effective_cache = None
        self._access = None
        self.version += 1
        self.cache.clear()

    def _changed(self, repos, touched) -> None:
        for repo in repos:
            repo.effective_cache = None
        self._access = None
        self.version += 1
        self.cache.clear()
        touched.updated_on = now_iso()

    # -- writes ----------------------------------------------------------------------------------
    def set_user_perm(self, repo: Repo, account_id: str, perm: str) -> None:
        repo.user_perms[account_id] = perm
        self._changed((repo,), repo)

    def delete_user_perm(self, repo: Repo, account_id: str) -> None:
        del repo.user_perms[account_id]
        self._changed((repo,), repo)

    def set_group_perm(self, repo: Repo, slug: str, perm: str) -> None:
        repo.group_perms[slug] = perm
        self._changed((repo,), repo)

    def delete_group_perm(self, repo: Repo, slug: str) -> None:
        del repo.group_perms[slug]
        self._changed((repo,), repo)

    def set_project_perm(self, project: Project, kind: str, ident: str, perm: str) -> None:
        """``kind`` "users" (``ident`` an account id) or "groups" (a group slug)."""
        (project.user_perms if kind == "users" else project.group_perms)[ident] = perm
        self._changed([self.repos[slug] for slug in project.repos], project)

    def delete_project_perm(self, project: Project, kind: str, ident: str) -> None:
        del (project.user_perms if kind == "users" else project.group_perms)[ident]
        self._changed([self.repos[slug] for slug in project.repos], project)


class State:
    """The whole simulated world built from one seed. ``lock`` guards every read and write."""

    def __init__(self, seed: dict, now: float | None = None):
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
        self.admin = AdminModel(seed.get("admin"), self)
        # API tokens and last-active dates of the accounts, relative dates counted from ``now`` (the app's clock)
        self.clock_at_load = time.time() if now is None else now
        self.activity = Activity(seed.get("accounts"), self.accounts, self.clock_at_load)
        self.events = AuditEvents()  # the organization audit log (:mod:`atlsim.audit_events`); SimApp sets its clock

    def workspace(self, ident: str) -> Workspace | None:
        if ident.startswith("{"):
            return self.workspaces_by_uuid.get(ident.lower())
        return self.workspaces.get(ident)

    def workspaces_of(self, account_id: str) -> list:
        return [ws for ws in self.workspaces.values() if account_id in ws.members]
