# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization side of the simulator (Atlassian Admin API): organizations, directories, their users
(active / suspended), groups (some synced from an identity provider, read-only), memberships, role
assignments on resources, API keys, and the **live link** to the Bitbucket workspaces.

A Bitbucket workspace named in an organization's ``resources`` is a resource with the id
``ari:cloud:bitbucket::workspace/<workspace uuid>`` (owner ``bitbucket``). A person has product access to a
resource while active in a directory of the organization and holding ``atlassian/user`` or ``atlassian/admin``
on it, directly or through a group of that directory. After every Admin API write, :meth:`AdminModel.sync`
makes the workspace members follow: gaining access makes the person a member (their earlier workspace role
when they had one, else a plain member), losing it (last granting membership removed, role revoked,
suspended, removed from the directory) takes them out of the members; their explicit permissions stay
stored. The workspace owner is never removed. At load time the seed must already be consistent (every member
of a linked workspace has access, every person with access is a member): a seed error otherwise.

Seed (``admin``)::

    admin:
      api_keys: [{id, key, org, scopes: [...]}]           # no scopes: every operation
      orgs:
      - id, name, paid: true                              # false: no paid subscription (invitations: 402)
        verified_domains: [acme.example]                 # managed accounts (older key: domains)
        resources: [{workspace: acme, capacity: 300}, {id: "ari:cloud:confluence::site/..", owner: confluence, name}]
                                                          # capacity: the seat limit (a workspace's default: its
                                                          # plan_user_limit); older key seats, which wins over capacity
        directories:
        - id, name
          workspace_members: [acme]                         # every seeded member of acme is an active user
          users: [{user: <email|account id>, status: active|suspended}]
          groups:
          - id, name, description, synced: false, workspace_members: [acme], members: [...],
            roles: [{resource: acme | <ARI>, role: atlassian/user}]
        user_roles: [{user, resource, role}]               # direct role assignments
"""

from __future__ import annotations

import uuid as uuidlib

from .accounts import DEFAULT_CREATED_ON, SeedError, now_iso

GRANTING_ROLES = frozenset(("atlassian/user", "atlassian/admin"))
GROUP_ROLES = (
    "atlassian/user",
    "atlassian/user-access-admin",
    "atlassian/admin",
    "atlassian/guest",
    "atlassian/contributor",
    "atlassian/customer",
    "atlassian/basic",
    "atlassian/stakeholder",
    "atlassian/viewer",
)
USER_ROLES = GROUP_ROLES
ROLE_IDS = (
    "atlassian/user",
    "atlassian/admin",
    "atlassian/guest",
    "atlassian/customer",
    "atlassian/user-access-admin",
    "atlassian/contributor",
    "atlassian/basic",
    "atlassian/stakeholder",
    "atlassian/org-admin",
    "atlassian/site-admin",
    "atlassian/ai-access",
)  # the spec's RoleId (the search filters' roleIds)
USER_STATUSES = ("active", "suspended")


def stable_id(*parts: str) -> str:
    """A plain UUID derived from ``parts`` (stable across runs)."""
    return str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, "atlsim:admin/" + "/".join(parts)))


def workspace_ari(ws) -> str:
    return "ari:cloud:bitbucket::workspace/%s" % ws.uuid.strip("{}")


class Resource:
    """A product instance (a Bitbucket workspace, a Confluence site...) that roles are granted on."""

    def __init__(self, entry: dict, state, org_id: str):
        self.workspace = None
        if entry.get("workspace"):
            ws = state.workspaces.get(str(entry["workspace"]))
            if ws is None:
                raise SeedError("org %s: unknown workspace %s" % (org_id, entry["workspace"]))
            self.workspace = ws.slug
            self.id = workspace_ari(ws)
            self.owner = "bitbucket"
            self.name = ws.slug
            self.created = ws.created_on
            seats = entry.get("seats", entry.get("capacity", ws.plan_user_limit))
        else:
            self.id = str(entry["id"])
            self.owner = str(entry.get("owner") or "platform")
            self.name = str(entry.get("name") or self.id)
            self.created = str(entry.get("created_on") or DEFAULT_CREATED_ON)
            seats = entry.get("seats", entry.get("capacity"))
        self.seats = None if seats is None else int(seats)


class Group:
    __slots__ = ("id", "name", "description", "directory_id", "synced", "members", "roles", "created")

    def __init__(self, entry: dict, directory_id: str):
        self.name = str(entry["name"])
        self.id = str(entry.get("id") or stable_id("group", directory_id, self.name))
        self.description = str(entry.get("description") or "")
        self.directory_id = directory_id
        self.synced = bool(entry.get("synced", False))
        self.members: dict[str, None] = {}  # account ids, in order
        self.roles: dict[str, list] = {}  # resource id -> role ids
        self.created = str(entry.get("created_on") or DEFAULT_CREATED_ON)

    @property
    def modifiable(self) -> bool:
        return not self.synced


class Directory:
    def __init__(self, entry: dict, org_id: str):
        self.id = str(entry.get("id") or stable_id("directory", org_id))
        self.name = str(entry.get("name") or self.id)
        self.users: dict[str, dict] = {}  # account id -> {"status", "added", "source"}
        self.groups: dict[str, Group] = {}

    def group(self, ident: str) -> Group | None:
        return self.groups.get(ident)

    def groups_of(self, account_id: str) -> list:
        return [group for group in self.groups.values() if account_id in group.members]


class Org:
    def __init__(self, entry: dict, state):
        self.id = str(entry["id"])
        self.name = str(entry.get("name") or self.id)
        # verified domains: an account whose email is in one is managed (claimed) by the organization
        domains = list(entry.get("verified_domains") or ()) + list(entry.get("domains") or ())
        self.domains = tuple(dict.fromkeys(str(domain).lower().lstrip("@") for domain in domains))
        self.paid = bool(entry.get("paid", True))  # False: no paid subscription, the invitation answers 402
        self.state = state
        self.resources: dict[str, Resource] = {}
        for item in entry.get("resources") or ():
            resource = Resource(item, state, self.id)
            self.resources[resource.id] = resource
        self.directories: dict[str, Directory] = {}
        self.user_roles: dict[str, dict] = {}  # account id -> resource id -> role ids (direct)
        for item in entry.get("directories") or ():
            self._load_directory(item)
        for item in entry.get("user_roles") or ():
            account = state.accounts.ref(item["user"], "org %s user_roles" % self.id)
            resource = self.resource_ref(item["resource"], "org %s user_roles" % self.id)
            self.user_roles.setdefault(account["account_id"], {}).setdefault(resource.id, []).append(str(item["role"]))

    def resource_ref(self, ref: str, where: str) -> Resource:
        ref = str(ref)
        for resource in self.resources.values():
            if ref in (resource.id, resource.workspace):
                return resource
        raise SeedError("%s: unknown resource %r" % (where, ref))

    def _load_directory(self, item: dict) -> None:
        directory = Directory(item, self.id)
        accounts = self.state.accounts
        where = "org %s directory %s" % (self.id, directory.id)
        for slug in item.get("workspace_members") or ():
            for account_id in self._members_of(slug, where):
                directory.users[account_id] = {"status": "active", "added": None, "source": None}
        for user in item.get("users") or ():
            user = {"user": user} if isinstance(user, str) else user
            account = accounts.ref(user["user"], where)
            status = str(user.get("status") or "active")
            if status not in USER_STATUSES:
                raise SeedError("%s: status %r is not one of %s" % (where, status, USER_STATUSES))
            directory.users[account["account_id"]] = {"status": status, "added": user.get("added"), "source": user.get("source")}
        for entry in item.get("groups") or ():
            group = Group(entry, directory.id)
            members = list(self._members_of(entry.get("workspace_members") or (), where, many=True))
            members += [accounts.ref(ref, where + " group " + group.name)["account_id"] for ref in entry.get("members") or ()]
            for account_id in members:
                if account_id not in directory.users:
                    raise SeedError("%s group %s: %s is not a user of the directory" % (where, group.name, account_id))
                group.members[account_id] = None
            for role in entry.get("roles") or ():
                resource = self.resource_ref(role["resource"], where + " group " + group.name)
                group.roles.setdefault(resource.id, []).append(str(role.get("role") or "atlassian/user"))
            directory.groups[group.id] = group
        self.directories[directory.id] = directory

    def _members_of(self, slugs, where: str, many: bool = False):
        for slug in slugs if many else (slugs,):
            ws = self.state.workspaces.get(str(slug))
            if ws is None:
                raise SeedError("%s: unknown workspace %s" % (where, slug))
            yield from ws.members

    # -- queries -----------------------------------------------------------------------------------
    def directories_for(self, ident: str) -> list | None:
        """The directories a path's ``directoryId`` names: ``-`` every one, else one (None: unknown)."""
        if ident == "-":
            return list(self.directories.values())
        directory = self.directories.get(ident)
        return [directory] if directory else None

    def record(self, account_id: str, directories=None):
        """(directory, user record) of the first directory holding ``account_id``, or (None, None)."""
        for directory in directories if directories is not None else self.directories.values():
            if account_id in directory.users:
                return directory, directory.users[account_id]
        return None, None

    def roles_on(self, account_id: str, resource_id: str) -> dict:
        """role -> methods (``direct``, ``group_direct``) of ``account_id`` on ``resource_id``: what the user holds
        (suspended users keep their roles and groups; :meth:`has_access` says whether they apply)."""
        roles: dict[str, list] = {}
        for role in self.user_roles.get(account_id, {}).get(resource_id, ()):
            roles.setdefault(role, []).append("direct")
        for directory in self.directories.values():
            if account_id not in directory.users:
                continue
            for group in directory.groups.values():
                if account_id in group.members:
                    for role in group.roles.get(resource_id, ()):
                        methods = roles.setdefault(role, [])
                        if "group_direct" not in methods:
                            methods.append("group_direct")
        return roles

    def manages(self, account: dict) -> bool:
        """The account is managed by the organization: its email is in one of the verified domains."""
        return str(account.get("email") or "").rpartition("@")[2].lower() in self.domains

    def is_active(self, account_id: str) -> bool:
        account = self.state.accounts.by_id.get(account_id)
        if account is None or account.get("account_status", "active") != "active":
            return False
        return any(d.users.get(account_id, {}).get("status") == "active" for d in self.directories.values())

    def has_access(self, account_id: str, resource_id: str) -> bool:
        if not self.is_active(account_id):
            return False
        return bool(GRANTING_ROLES & set(self.roles_on(account_id, resource_id)))

    def users_with_access(self, resource_id: str) -> set:
        people: set = set()
        for directory in self.directories.values():
            people.update(directory.users)
        return {account_id for account_id in people if self.has_access(account_id, resource_id)}

    def over_limit(self, candidates, resource_ids, extra: int = 0) -> Resource | None:
        """The first resource whose seats the active ``candidates`` (and ``extra`` new people) would exceed once
        granted access."""
        for resource_id in resource_ids:
            resource = self.resources.get(resource_id)
            if resource is None or resource.seats is None:
                continue
            current = self.users_with_access(resource_id)
            added = len({a for a in candidates if a not in current and (self.is_active(a) or self.record(a)[1] is None)})
            added += extra
            if added and len(current) + added > resource.seats:
                return resource
        return None

    def set_capacity(self, ref: str, capacity) -> Resource:
        """Set the seat limit of a resource (``ref``: its id or workspace slug); ``"full"``: its current usage (the
        next person given access is out of seats); None: no limit. Tests fill a product with it (README)."""
        resource = self.resource_ref(ref, "capacity")
        if capacity == "full":
            capacity = len(self.users_with_access(resource.id))
        if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0):
            raise ValueError('capacity must be an integer >= 0, "full" or null, not %r' % (capacity,))
        resource.seats = capacity
        return resource

    def granting_resources(self, group: Group) -> list:
        return [rid for rid, roles in group.roles.items() if GRANTING_ROLES & set(roles)]

    # -- the live link -------------------------------------------------------------------------------
    def check_links(self) -> None:
        """Seed consistency: every member of a linked workspace has access and every person with access is a member."""
        for resource in self.resources.values():
            if resource.workspace is None:
                continue
            ws = self.state.workspaces[resource.workspace]
            access = self.users_with_access(resource.id)
            lacking = [a for a in ws.members if a not in access and not ws.is_owner(a)]
            extra = [a for a in access if a not in ws.members]
            if lacking or extra:
                raise SeedError(
                    "org %s: workspace %s members without product access %s, product access without "
                    "membership %s" % (self.id, ws.slug, lacking[:5], extra[:5])
                )

    def sync(self, account_ids) -> None:
        """Make the linked workspaces' members follow product access for ``account_ids``."""
        for resource in self.resources.values():
            if resource.workspace is None:
                continue
            ws = self.state.workspaces[resource.workspace]
            changed = False
            for account_id in dict.fromkeys(account_ids):
                if ws.is_owner(account_id):
                    continue
                has, member = self.has_access(account_id, resource.id), account_id in ws.members
                if has and not member:
                    ws.members[account_id] = ws.departed.pop(account_id, None) or {"role": "member", "admin": False}
                    changed = True
                elif member and not has:
                    ws.departed[account_id] = ws.members.pop(account_id)
                    changed = True
            if changed:
                ws.membership_changed()


class AdminModel:
    """Every organization of the seed, and the organization API keys."""

    def __init__(self, seed: dict | None, state):
        seed = seed or {}
        self.orgs: dict[str, Org] = {}
        for entry in seed.get("orgs") or ():
            org = Org(entry, state)
            if org.id in self.orgs:
                raise SeedError("duplicate org %s" % org.id)
            org.check_links()
            self.orgs[org.id] = org
        self.keys = []
        for entry in seed.get("api_keys") or ():
            if not entry.get("key") or not entry.get("id"):
                raise SeedError("admin api key %r lacks id or key" % entry.get("id"))
            if entry.get("org") not in self.orgs:
                raise SeedError("admin api key %s: unknown org %r" % (entry["id"], entry.get("org")))
            scopes = entry.get("scopes")
            self.keys.append(
                {
                    "id": str(entry["id"]),
                    "key": str(entry["key"]),
                    "org": str(entry["org"]),
                    "scopes": None if scopes is None else frozenset(scopes),
                }
            )

    def provisioned(self, account_id: str) -> None:
        """A user created over SCIM: added to the first directory of the first organization (``managementSource``
        ``synced``), unless the organization already has the account. No group, so no product access."""
        org = next(iter(self.orgs.values()), None)
        if org is None or not org.directories or org.record(account_id)[1] is not None:
            return
        self.add_user(next(iter(org.directories.values())), account_id, source="synced")
        org.sync([account_id])

    def add_user(self, directory: Directory, account_id: str, source: str | None = None) -> None:
        directory.users[account_id] = {"status": "active", "added": now_iso(), "source": source}
