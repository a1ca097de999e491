# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The onboarding role's per-person record, in plain Python (issue 21): a fold of the results the role's tasks
registered so far into one record per person and the work of each next task (``todo``). The filter
plugins/filter/onboarding_state.py is its documented, thin entry."""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.filter.onboarding_account_plan import onboarding_account_plan
from ansible_collections.accessops.atlassian.plugins.filter.onboarding_grants import onboarding_grants
from ansible_collections.accessops.atlassian.plugins.filter.onboarding_group_problems import onboarding_group_problems
from ansible_collections.accessops.atlassian.plugins.filter.onboarding_suggest import onboarding_suggest
from ansible_collections.accessops.atlassian.plugins.plugin_utils._onboarding import seats as _seats

HIDDEN = "(hidden by onboarding_no_log)"
SCIM_NAMES = ("given_name", "family_name", "display_name")
# A new person's record; the lists (LISTS) and dicts of what was granted are added fresh to each.
BLANK = dict(
    account_id=None, account=None, scim=None, invited=False, predicted=False, awaiting=False, stopped=False, verified=None
)
LISTS = ("suggestions", "groups_added", "projects_have", "actions", "errors")
INACTIVE = "account: the account is %s in the organization directory (restore it with accessops.atlassian.atlassian_user state=active first)"
REFUSED = "account: no account in the organization directory for %s; %s"
WHY_REFUSED = {
    "off-domain": "its domain is not in onboarding_allowed_domains",
    "scim": "creating one over SCIM was not asked for (set create_account: true on the person, or onboarding_create_accounts: true)",
    "invite": "inviting it was not asked for (onboarding_invite: true)",
}
NO_ACCOUNT = "account: no account in the organization directory for this email (provision it over SCIM, or set onboarding_invite: true to invite it)"
LEVELS_COVERED = {"read": ("read",), "write": ("read", "write"), "admin": ("read", "write", "admin")}


def _flag(value):
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
    return bool(value)


def _ran(result):
    return isinstance(result, dict)


def _items(result):
    """The per-item results of a looped task (none for a task that was not looped)."""
    found = result.get("results") if isinstance(result, dict) else None
    return [r for r in found or [] if isinstance(r, dict) and "ansible_loop_var" in r]


def _item_of(result):
    item = result.get(result.get("ansible_loop_var") or "")
    return item if isinstance(item, dict) else {}


def _by_email(result):
    """{lower-cased email: [item results]} of a task looped over items with an email."""
    found = {}
    for item in _items(result):
        email = _item_of(item).get("email")
        if isinstance(email, str):
            found.setdefault(email.lower(), []).append(item)
    return found


def _calls(result):
    if not isinstance(result, dict):
        return 0
    api = result.get("api_calls")
    if isinstance(api, dict) and isinstance(api.get("total"), int):
        return api["total"]
    return sum(_calls(item) for item in _items(result))


def _message(result, default=HIDDEN):
    msg = result.get("msg") if isinstance(result, dict) else None
    return msg if isinstance(msg, str) and msg else default


def _would(check, real, future):
    return ("would " + future) if check else real


def _describe(levels):
    """C(write on a, b; read on c) of {target: level}, levels in order of their names."""
    by_level = {}
    for name, level in levels.items():
        by_level.setdefault(level, []).append(name)
    return "; ".join("%s on %s" % (level, ", ".join(names)) for level, names in sorted(by_level.items()))


def _by_level(entries, key):
    """[(level, [names])] of [{key, permission}], levels in order of their names, names in input order."""
    levels = {}
    for entry in entries:
        levels.setdefault(entry.get("permission"), []).append(entry.get(key))
    return sorted(levels.items(), key=lambda pair: str(pair[0]))


def _entry(person, default_groups):
    groups = []
    for group in list(person.get("groups") or []) + list(default_groups or []):
        groups += [] if group in groups else [group]
    entry = dict(BLANK, email=person["email"], key=person["email"].lower(), person=person, groups=groups)
    entry.update({key: [] for key in LISTS}, projects_granted={}, repositories_granted={})
    entry["projects"] = [p for p in person.get("projects") or [] if isinstance(p, dict)]
    entry["repositories"] = [r for r in person.get("repositories") or [] if isinstance(r, dict)]
    return entry


def _stop(entry, *errors):
    entry["stopped"] = True
    entry["errors"].extend(errors)


class _Fold:
    """The people's records after each step whose result is given, and the work of each step."""

    def __init__(self, people, settings, results):
        self.people = [p for p in people or [] if isinstance(p, dict) and isinstance(p.get("email"), str)]
        settings = settings or {}
        self.workspace = settings.get("workspace") or ""
        self.use_scim = _flag(settings.get("use_scim"))
        self.invite = _flag(settings.get("invite"))
        self.check = _flag(settings.get("check"))
        self.verify = _flag(settings.get("verify", True))
        self.creation = {
            "create_accounts": _flag(settings.get("create_accounts")),
            "allowed_domains": settings.get("allowed_domains"),
        }
        self.results = results or {}
        self.entries = [_entry(p, settings.get("default_groups")) for p in self.people]
        self.todo = {}
        self.lookup_error = None
        self.users = {}
        self.seat_summary = None

    def active(self):
        return [e for e in self.entries if not e["stopped"]]

    def result(self, step):
        found = self.results.get(step)
        return found if _ran(found) else None

    # --- read: the accounts ---------------------------------------------------------------------------------------

    def lookup(self):
        self.todo["lookup"] = [e["email"] for e in self.active()]
        result = self.result("lookup")
        plan = {}
        if result is not None and result.get("failed"):
            self.lookup_error = _message(result, "failed")
        elif result is not None and isinstance(result.get("users"), list):
            users = [u for u in result["users"] if isinstance(u, dict)]
            by_email = {u["email"].lower(): u for u in users if isinstance(u.get("email"), str)}
            self.users = by_email
            for entry in self.active():
                found = by_email.get(entry["key"])
                if found is None:
                    continue
                entry.update(account_id=found.get("account_id"), account="directory")
                if found.get("status") != "active":
                    _stop(entry, INACTIVE % (found.get("status") or ""))
            plan = onboarding_account_plan(self.people, users, use_scim=self.use_scim, invite=self.invite, **self.creation)
        refused = [e for e in self.active() if plan.get(e["key"]) in ("refused", "off-domain")]
        self.todo["directory"] = bool(refused)
        directory = self.result("directory") or {}
        for entry in refused:
            suggestions = onboarding_suggest(entry["email"], directory.get("users") or [])
            how = "off-domain" if plan[entry["key"]] == "off-domain" else "scim" if self.use_scim else "invite"
            why = REFUSED % (entry["email"], WHY_REFUSED[how])
            if suggestions:
                why += "; did you mean %s?" % " or ".join(suggestions)
            entry["suggestions"] = suggestions
            _stop(entry, why)
        if self.lookup_error is not None and self.use_scim:
            blind = onboarding_account_plan(self.people, [], use_scim=True, **self.creation)
            for entry in self.active():
                if blind.get(entry["key"]) != "create":
                    _stop(entry, "account: the look-up failed: " + self.lookup_error)

    # --- read: the seats of the workspace, before any write (plugin_utils/_onboarding/seats.py) ---------------------

    def seats(self):
        self.todo["seats"] = _seats.needs_check(self.active(), self.users)
        if not self.todo["seats"]:
            return
        summary, refused = _seats.allocate(self.active(), self.users, self.result("seats"), self.workspace)
        self.seat_summary = summary
        for entry in self.active():
            if entry["key"] in refused:
                _stop(entry, refused[entry["key"]])

    # --- apply: SCIM, invitations, groups ----------------------------------------------------------------------------

    def scim(self):
        todo = []
        if self.use_scim:
            for entry in self.active():
                item = {"user_name": entry["email"], "email": entry["email"]}
                item.update({k: entry["person"][k] for k in SCIM_NAMES if entry["person"].get(k) is not None})
                todo.append(item)
        self.todo["scim"] = todo
        result = self.result("scim")
        if result is None or not todo:
            return
        users = {str(u.get("user_name")).lower(): u for u in result.get("users") or [] if isinstance(u, dict)}
        asked = {item["user_name"].lower() for item in todo}
        for entry in [e for e in self.active() if e["key"] in asked]:
            user = users.get(entry["key"])
            if user is None:
                if result.get("failed"):
                    _stop(entry, "SCIM: " + _message(result))
                continue
            if user.get("failed"):
                _stop(entry, "SCIM: " + _message(user))
                continue
            changed = bool(user.get("changed"))
            created = changed and not ((user.get("diff") or {}).get("before"))
            account_id = user.get("atlassian_account_id")
            entry["predicted"] = account_id is None and changed and entry["account_id"] is None
            entry["account_id"] = account_id or entry["account_id"]
            entry["account"] = entry["account"] if account_id is None else "scim"
            entry["scim"] = ("created" if created else "updated") if changed else "unchanged"
            if changed:
                how = "create" if created else "update"
                entry["actions"].append(_would(self.check, how + "d", how) + " the SCIM user")

    def invitations(self):
        without = [e for e in self.active() if e["account_id"] is None and not e["predicted"]]
        refuse = self.lookup_error is not None or self.use_scim or not self.invite
        self.todo["invite"] = [] if refuse else [{"email": e["email"], "groups": e["groups"]} for e in without]
        result = self.result("invite")
        if result is None:
            return
        if refuse:
            why = NO_ACCOUNT if self.lookup_error is None else "account: the look-up failed: " + self.lookup_error
            for entry in without:
                _stop(entry, why)
            return
        items = _by_email(result)
        for entry in without:
            for item in items.get(entry["key"], []):
                if item.get("failed"):
                    _stop(entry, "invitation: " + _message(item))
                    continue
                account_id = (item.get("user") or {}).get("account_id") or None
                groups = item.get("groups") if "groups" in item else (entry["groups"] if self.check else [])
                groups = list(groups or [])
                entry.update(
                    account_id=account_id,
                    account="invitation",
                    invited=bool(item.get("invited")),
                    predicted=self.check and not account_id,
                    awaiting=not self.check and not account_id,
                    groups_added=groups,
                )
                entry["actions"].append(
                    _would(self.check, "invited", "invite")
                    + " the email into the organization"
                    + (" with the groups " + ", ".join(groups) if groups else "")
                )

    def groups(self):
        checked = [e for e in self.active() if e["groups"] and e["predicted"] and e["account"] != "invitation"]
        names = []
        for entry in checked:
            names.extend(g for g in entry["groups"] if g not in names)
        self.todo["group_check"] = names
        info = self.result("group_check")
        if info is not None and checked:
            for entry in checked:
                if info.get("failed"):
                    _stop(entry, "groups: " + _message(info))
                    continue
                problems = onboarding_group_problems(info, entry["groups"])
                if problems:
                    _stop(entry, *["groups: " + p for p in problems])
        members = [e for e in self.active() if e["groups"] and not (e["predicted"] or e["awaiting"])]
        self.todo["groups"] = [
            {"email": e["email"], "user": e["account_id"] or e["email"], "groups": e["groups"]} for e in members
        ]
        result = self.result("groups")
        if result is None:
            return
        for entry in self.active():
            if entry["groups"] and (entry["predicted"] or entry["awaiting"]) and entry["account"] != "invitation":
                entry["groups_added"] = list(entry["groups"])
                entry["actions"].append("would add the account to the groups " + ", ".join(entry["groups"]))
        items = _by_email(result)
        for entry in members:
            for item in items.get(entry["key"], []):
                added = list(item.get("added") or [])
                entry["groups_added"] = entry["groups_added"] + [g for g in added if g not in entry["groups_added"]]
                failed = bool(item.get("failed"))
                if added:
                    entry["actions"].append(
                        _would(self.check, "added", "add")
                        + " the account to the groups "
                        + ", ".join(added)
                        + (" before the failure" if failed else "")
                    )
                if failed:
                    _stop(entry, "groups: " + _message(item))
                else:
                    entry["account_id"] = entry["account_id"] or (item.get("user") or {}).get("account_id") or None

    # --- apply: permissions -----------------------------------------------------------------------------------------

    def permissions(self):
        wanted = [e for e in self.active() if e["projects"] or e["repositories"]]
        self.todo["members_before"] = (
            [e["email"] for e in self.active() if e["groups_added"] and not (e["predicted"] or e["awaiting"])]
            if self.check
            else []
        )
        before = self.result("members_before") or {}
        members = {
            m["email"].lower() for m in before.get("members") or [] if isinstance(m, dict) and isinstance(m.get("email"), str)
        }
        deferred = [
            e for e in wanted if e["predicted"] or e["awaiting"] or (self.check and e["groups_added"] and e["key"] not in members)
        ]
        granted = [e for e in wanted if all(e is not d for d in deferred)]
        exist = []
        for entry in deferred:
            if self.check and not entry["awaiting"]:
                exist.extend(r["name"] for r in entry["repositories"] if r.get("name") not in exist)
        self.todo["repositories_exist"] = exist
        self.todo["repository_grants"] = [
            {"email": e["email"], "user": e["account_id"] or e["email"], "permission": level, "repositories": names}
            for e in granted
            for level, names in _by_level(e["repositories"], "name")
        ]
        if self.result("repository_grants") is None:
            self.todo["project_grants"] = []
            return
        self.predict(deferred)
        repositories = _by_email(self.result("repository_grants"))
        for entry in granted:
            self.record(entry, "repository", repositories.get(entry["key"], []))
            if entry["stopped"] and entry["projects"]:
                entry["errors"].append("permissions: the project permissions were not attempted")
        self.todo["project_grants"] = [
            {"email": e["email"], "user": e["account_id"] or e["email"], "permission": level, "projects": keys}
            for e in granted
            if not e["stopped"]
            for level, keys in _by_level(e["projects"], "key")
        ]
        projects = self.result("project_grants")
        if projects is None:
            return
        projects = _by_email(projects)
        for entry in granted:
            if not entry["stopped"]:
                self.record(entry, "project", projects.get(entry["key"], []))

    def predict(self, deferred):
        """Check mode or an invitation not accepted yet: what would be granted (no module can be called)."""
        checked = {}
        for item in _items(self.result("repositories_exist")):
            checked[item.get(item["ansible_loop_var"])] = item
        for entry in deferred:
            missing, unreadable = [], []
            if self.check and not entry["awaiting"]:
                for repository in entry["repositories"]:
                    item = checked.get(repository.get("name"))
                    if item is None or item.get("skipped"):
                        continue
                    if item.get("failed"):
                        unreadable.append(repository["name"])
                    elif "repository_permissions" in item and item["repository_permissions"] is None:
                        missing.append(repository["name"])
            projects = {p.get("key"): p.get("permission") for p in entry["projects"]}
            repositories = {
                r.get("name"): r.get("permission") for r in entry["repositories"] if r.get("name") not in missing + unreadable
            }
            if not entry["awaiting"]:
                entry["projects_granted"], entry["repositories_granted"] = projects, repositories
            entry["errors"].extend(
                ["permissions: repository %s not found in workspace %s" % (name, self.workspace) for name in missing]
                + ["permissions: repository %s could not be read" % name for name in unreadable]
            )
            prefix = "pending (run again once the account exists): grant " if entry["awaiting"] else "would grant "
            if repositories:
                entry["actions"].append(prefix + "on repositories: " + _describe(repositories))
            if projects:
                entry["actions"].append(prefix + "on projects: " + _describe(projects))

    def record(self, entry, kind, items):
        results = [dict(item, onboarding_level=_item_of(item).get("permission")) for item in items]
        grants = onboarding_grants(results, kind)
        if kind == "project":
            entry["projects_granted"] = grants["granted"]
            entry["projects_have"] = grants["held_pairs"]
        else:
            entry["repositories_granted"] = grants["granted"]
        if grants["granted"]:
            what = "on repositories: " if kind == "repository" else "on projects: "
            entry["actions"].append(_would(self.check, "granted", "grant") + " " + what + grants["described"])
        entry["errors"].extend("permissions: " + e for e in grants["errors"])
        if any(item.get("failed") for item in items):
            entry["stopped"] = True

    # --- verify -----------------------------------------------------------------------------------------------------

    def readback(self):
        candidates = [e for e in self.active() if not (e["predicted"] or e["awaiting"])]
        if self.check:
            candidates = [e for e in candidates if not _changed(e)]
        self.todo["verify"] = [e["email"] for e in candidates] if self.verify else []
        # the read-back checks the repositories asked for: their permissions only (one query per 50, not the pages of
        # everything the people reach)
        self.todo["verify_repositories"] = sorted({r.get("name") for e in candidates for r in e["repositories"] if r.get("name")})
        # known account ids: the memberships and the permissions are read at the same time (by email: one after the other)
        ids = [e.get("account_id") for e in candidates]
        self.todo["verify_account_ids"] = ids if self.todo["verify"] and all(ids) else []
        result = self.result("readback")
        if result is None or result.get("skipped") or not self.todo["verify"]:
            return
        if result.get("failed"):
            for entry in candidates:
                entry["errors"].append("verify: the read-back failed: " + _message(result, "unknown error"))
            return
        listed = [m for m in result.get("members") or [] if isinstance(m, dict)]
        members = {m["email"].lower(): m for m in listed if isinstance(m.get("email"), str)}
        by_id = {m["account_id"]: m for m in listed if m.get("account_id")}
        for entry in candidates:
            # read by account id (todo.verify_account_ids) the memberships carry no email
            member = by_id.get(entry.get("account_id")) or members.get(entry["key"])
            problems = [] if member else ["verify: not a member of workspace " + self.workspace]
            have = set(entry["projects_have"])
            problems += [
                "verify: project permission missing: %s=%s" % (p.get("key"), p.get("permission"))
                for p in entry["projects"]
                if "%s=%s" % (p.get("key"), p.get("permission")) not in have
            ]
            effective = (member or {}).get("repository_permissions") or {}
            problems += [
                "verify: repository permission missing: %s=%s" % (r.get("name"), r.get("permission"))
                for r in entry["repositories"]
                if r.get("name") not in effective
                or r.get("permission") not in LEVELS_COVERED.get(effective[r.get("name")], ("read",))
            ]
            entry["account_id"] = entry["account_id"] or (member or {}).get("account_id") or None
            entry["verified"] = not problems
            entry["errors"].extend(problems)

    def run(self):
        self.lookup()
        self.seats()
        self.scim()
        self.invitations()
        self.groups()
        self.permissions()
        self.readback()
        inputs = ("key", "person", "groups", "projects", "repositories")
        people = [dict({k: v for k, v in e.items() if k not in inputs}, changed=_changed(e)) for e in self.entries]
        calls = sum(_calls(result) for result in self.results.values())
        # Whether a group of steps has work: run.yml includes the group's file only then (a skipped task still costs
        # the evaluation of its condition). Nothing before a group's first step changes its work but its own steps.
        self.todo["accounts"] = any(self.todo.get(step) for step in ACCOUNT_STEPS)
        self.todo["predict"] = any(self.todo.get(step) for step in PREDICT_STEPS)
        return {"people": people, "todo": self.todo, "api_calls": calls, "seats": self.seat_summary}


ACCOUNT_STEPS = ("directory", "seats", "scim", "invite", "group_check", "groups")
PREDICT_STEPS = ("members_before", "repositories_exist")


def _changed(entry):
    return bool(
        entry["scim"] in ("created", "updated")
        or entry["invited"]
        or entry["groups_added"]
        or entry["projects_granted"]
        or entry["repositories_granted"]
    )


def fold(people, settings, results):
    """The records and the next tasks' work (see the filter's RETURN)."""
    return _Fold(people, settings, results).run()
