# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Workspace access benchmark: the role workspace_access (collection playbook) against the simulator, on the bench
seed of bench_jobs.py: ``gather`` (today's access into the declared file), 20 edits of that file (grants added,
levels changed, users removed from sections made exclusive, a removal in a non-exclusive section, organization-group
members added), ``plan`` of the edited file and ``apply`` of that plan. For each step: the wall time, the API calls by
method and by kind (the simulator's log) and the minimal reads and writes computed from the simulator's state and the
declared file before the run, with the ratio calls / minimal. Nothing is asserted about time (docs/performance.md);
the bench exits non-zero when a run fails or the apply's writes are not exactly the plan's items.

    make bench                                          # also runs this: 2,000 members, 500 repositories, 100 ms
    .venv/bin/python tests/benchmarks/bench_access.py --members 300 --repositories 80 --latency-ms 0
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import yaml
from bench_support import ROOT, RunFailed, Runner, by_method, environment, git_commit, median, prepare_seed

from atlsim.app import create_app  # pylint: disable=wrong-import-position
from atlsim.server import SimServer  # pylint: disable=wrong-import-position
import gen_seed  # pylint: disable=wrong-import-position

sys.path.insert(0, str(ROOT / "tests" / "integration"))
from role_helpers import item_write  # pylint: disable=wrong-import-position

PLAY = "- ansible.builtin.import_playbook: accessops.atlassian.workspace_access\n"
PAGELEN = 100  # Bitbucket lists and Admin API member searches: entries a page
EMAILS_PER_SEARCH = 100  # Admin API users/search: emails a request (USER_FILTER_LIMITS of _admin/client.py)
IDS_PER_SEARCH = 10  # Admin API users/search: account ids a request
NAMES_PER_SEARCH = 100  # Admin API groups/search: group names a request
STEPS = ("gather", "plan", "apply")
GUARDRAILS = {"min_admins": 0, "require_caller_admin": False, "max_removals": 10}
ADMIN_READS = ("/search", "/workspaces")


def pages(count, size=PAGELEN):
    return max(1, math.ceil(count / size))


def is_read(entry):
    """GET / HEAD, and the Admin API's POST searches (users/search, groups/search, the workspaces listing)."""
    return entry["method"] in ("GET", "HEAD") or (
        entry["method"] == "POST" and entry["path"].startswith("/admin/") and entry["path"].endswith(ADMIN_READS)
    )


def kind_of(entry):
    """What a request of the log is, for the breakdown of a step's calls."""
    path = entry["path"]
    if not is_read(entry):
        return "write"
    if path.startswith("/admin/"):
        for tail in ("/users/search", "/groups/search", "/workspaces", "/role-assignments"):
            if path.endswith(tail):
                return "admin " + tail.strip("/")
        return "admin other read"
    known = {
        "/2.0/user": "whoami",
        "/2.0/user/emails": "whoami emails",
        "/2.0/repositories/acme": "repositories listing",
        "/2.0/workspaces/acme/projects": "projects listing",
        "/2.0/workspaces/acme/permissions": "member/owner check",
        "/2.0/workspaces/acme/permissions/repositories": "effective permission check",
    }
    if path.rstrip("/") == "/2.0/workspaces/acme/permissions" and "account_id" not in unquote(entry["query"] or ""):
        return "owner read"
    if path.rstrip("/") in known:
        return known[path.rstrip("/")]
    if path.endswith(("/permissions-config/users", "/permissions-config/groups")):
        return "permission list"
    if "/permissions-config/" in path:
        return "permission re-read"
    return "bitbucket other read"


# --- the state the minimal reads are computed from ----------------------------------------------------------------


def workspace_state(app):
    """{"repositories": {slug: (users, groups)}, "projects": {key: (users, groups)}, "groups": {name: [account ids]},
    "emails": {account id: email}} of acme as the simulator holds it (explicit permissions; the organization groups
    with a role on the workspace)."""
    state = app.state
    ws = state.workspaces["acme"]
    out = {
        "repositories": {slug: (len(r.user_perms), len(r.group_perms)) for slug, r in ws.repos.items()},
        "projects": {key: (len(p.user_perms), len(p.group_perms)) for key, p in ws.projects.items() if p.declared},
        "user_ids": sorted(
            {a for r in ws.repos.values() for a in r.user_perms} | {a for p in ws.projects.values() for a in p.user_perms}
        ),
        "groups": {},
        "all_groups": {},
    }
    for org in state.admin.orgs.values():
        acme = [rid for rid, res in org.resources.items() if res.workspace == "acme"]
        for directory in org.directories.values():
            for group in directory.groups.values():
                out["all_groups"][group.name.lower()] = list(group.members)
                if any(rid in group.roles for rid in acme):
                    out["groups"][group.name] = list(group.members)
    return out


def minimal_gather(state):
    """The fewest requests that read today's access: the two listings, then per repository and per project one list
    of its explicit users and one of its groups (pages of 100, at least 1 each); the Admin API: the workspace's
    resource, the groups with a role on it (one search), their members (pages of 100 a group), and the emails of the
    explicit users that are in none of those groups (10 account ids a search)."""
    repos, projects = state["repositories"], state["projects"]
    bitbucket = pages(len(repos)) + pages(len(projects))
    bitbucket += sum(pages(u) + pages(g) for u, g in list(repos.values()) + list(projects.values()))
    in_groups = {a for members in state["groups"].values() for a in members}
    unknown = [a for a in state["user_ids"] if a not in in_groups]
    admin = {
        "workspace resource": 1,
        "group search": 1,
        "members pages": sum(pages(len(m)) for m in state["groups"].values()),
        "account id searches": math.ceil(len(unknown) / IDS_PER_SEARCH),
    }
    return {"bitbucket": bitbucket, "admin": admin, "total": bitbucket + sum(admin.values())}


def declared_emails(document):
    found = set()
    for section in ("repositories", "projects"):
        for target in (document.get(section) or {}).values():
            found.update(u.lower() for u in (target.get("users") or {}) if "@" in str(u))
    for group in (document.get("groups") or {}).values():
        for member in group.get("members") or []:
            user = member["user"] if isinstance(member, dict) else member
            if "@" in str(user):
                found.add(str(user).lower())
    found.update(str(u).lower() for u in document.get("exempt") or [] if "@" in str(u))
    return sorted(found)


def minimal_plan(state, document):
    """The caller (whoami), the emails of the file (100 a search), per declared repository and project its two lists
    (pages of 100), the declared organization groups (one search a 100 names) and their members (pages of 100)."""
    repos, projects = state["repositories"], state["projects"]
    declared_repos = list(document.get("repositories") or {})
    declared_projects = list(document.get("projects") or {})
    bitbucket = 1 + sum(pages(repos[s][0]) + pages(repos[s][1]) for s in declared_repos)
    bitbucket += sum(pages(projects[k][0]) + pages(projects[k][1]) for k in declared_projects)
    groups = list(document.get("groups") or {})
    admin = {
        "email searches": math.ceil(len(declared_emails(document)) / EMAILS_PER_SEARCH),
        "group search": math.ceil(len(groups) / NAMES_PER_SEARCH),
        "members pages": sum(pages(len(state["all_groups"].get(name.lower(), []))) for name in groups),
    }
    return {"bitbucket": bitbucket, "admin": admin, "total": bitbucket + sum(admin.values())}


def minimal_apply(items):
    """The caller (whoami), one re-read of each touched (target, subject) (compare-and-set) and exactly the items'
    writes."""
    touched = {(i["kind"], json.dumps(i["target"], sort_keys=True), json.dumps(i["subject"], sort_keys=True)) for i in items}
    bitbucket_touched = sum(1 for t in touched if t[0] != "group_membership")
    admin_touched = len(touched) - bitbucket_touched
    writes = len(items)
    admin_writes = sum(1 for i in items if i["kind"] == "group_membership")
    bitbucket = 1 + bitbucket_touched + writes - admin_writes
    admin = {"membership re-reads": admin_touched, "membership writes": admin_writes}
    return {"bitbucket": bitbucket, "admin": admin, "total": bitbucket + sum(admin.values()), "writes": writes}


# --- the 20 edits -------------------------------------------------------------------------------------------------


def _level(value):
    return value["level"] if isinstance(value, dict) else value


def edit(document, members):
    """20 deterministic edits of the gathered ``document`` (in place); returns (the edits as text, the items the plan
    should have). ``members``: emails of workspace members (developers: neither the caller nor the owner), sorted."""
    repos, projects = document["repositories"], document.get("projects") or {}
    edits, expected = [], []
    with_users = [s for s in sorted(repos) if len(repos[s].get("users") or {}) >= 2]
    with_groups = [s for s in sorted(repos) if repos[s].get("groups")]
    used = set()

    def take(candidates):
        slug = next(s for s in candidates if s not in used)
        used.add(slug)
        return slug

    def newcomer(known, offset):
        lowered = {str(k).lower() for k in known}
        free = [m for m in members if m.lower() not in lowered]
        return free[(offset * 37) % len(free)]

    # 6 grants added, one of them with an expiry date
    for index in range(6):
        slug = take(sorted(repos))
        users = repos[slug].setdefault("users", {})
        email = newcomer(users, index)
        level = ("read", "write", "admin")[index % 3]
        users[email] = {"level": level, "expires": "2099-12-31", "ticket": "BENCH-1"} if index == 5 else level
        edits.append("grant %s on repository %s to %s" % (level, slug, email))
        expected.append(("repository_permission", "grant", slug, email))
    # 4 user levels changed
    for _index in range(4):
        slug = take(with_users)
        users = repos[slug]["users"]
        email = sorted(users)[-1]
        old = _level(users[email])
        users[email] = "admin" if old != "admin" else "write"
        edits.append("change %s -> %s on repository %s for %s" % (old, users[email], slug, email))
        expected.append(("repository_permission", "change", slug, email))
    # 1 group level changed
    slug = take(with_groups)
    group = sorted(repos[slug]["groups"])[0]
    old = _level(repos[slug]["groups"][group])
    repos[slug]["groups"][group] = "read" if old != "read" else "write"
    edits.append("change %s -> %s on repository %s for group %s" % (old, repos[slug]["groups"][group], slug, group))
    expected.append(("repository_permission", "change", slug, group))
    # a project: one grant added, one level changed
    if projects:
        key = sorted(k for k in projects if projects[k].get("users"))[0]
        users = projects[key]["users"]
        email = newcomer(users, 7)
        users[email] = "read"
        edits.append("grant read on project %s to %s" % (key, email))
        expected.append(("project_permission", "grant", key, email))
        changed = sorted(u for u in users if u != email)[0]
        old = _level(users[changed])
        users[changed] = "write" if old != "write" else "read"
        edits.append("change %s -> %s on project %s for %s" % (old, users[changed], key, changed))
        expected.append(("project_permission", "change", key, changed))
    # 4 users removed from two repositories made exclusive (2 each)
    for _index in range(2):
        slug = take(with_users)
        repos[slug]["exclusive"] = True
        for email in sorted(repos[slug]["users"])[-2:]:
            del repos[slug]["users"][email]
            edits.append("remove %s from repository %s (made exclusive)" % (email, slug))
            expected.append(("repository_permission", "revoke", slug, email))
    # 1 removal in a non-exclusive repository: not made, reported
    slug = take(with_users)
    email = sorted(repos[slug]["users"])[-1]
    del repos[slug]["users"][email]
    edits.append("remove %s from repository %s (not exclusive: not made)" % (email, slug))
    # organization-group members added (accounts of the directory that are in no group yet)
    groups = document.get("groups") or {}
    if groups:
        name = sorted(groups, key=lambda n: -len(groups[n].get("members") or []))[0]
        listed = {(m["user"] if isinstance(m, dict) else m).lower() for m in groups[name].get("members") or []}
        joiners = [e for e in ("newhire02@acme.example", "newhire03@acme.example") if e not in listed]
        for email in joiners[: 20 - len(edits)]:
            groups[name].setdefault("members", []).append(email)
            edits.append("add %s to organization group %s" % (email, name))
            expected.append(("group_membership", "add", name, email))
    # fill up to 20 with grants on further repositories
    index = 10
    while len(edits) < 20:
        slug = take(sorted(repos))
        users = repos[slug].setdefault("users", {})
        email = newcomer(users, index)
        users[email] = "read"
        edits.append("grant read on repository %s to %s" % (slug, email))
        expected.append(("repository_permission", "grant", slug, email))
        index += 1
    document["guardrails"] = dict(GUARDRAILS)
    return edits, expected


def item_signature(item):
    target, subject = item["target"], item["subject"]
    where = target.get("repository") or target.get("project") or target.get("group_name") or target.get("group")
    who = subject.get("email") or subject.get("display") or subject.get("slug") or subject.get("account_id")
    return (item["kind"], item["action"], where, who)


# --- the runs -----------------------------------------------------------------------------------------------------


def figure(seconds, log, minimal):
    kinds = dict(sorted(Counter(kind_of(e) for e in log).items()))
    admin_calls = sum(1 for e in log if e["path"].startswith("/admin/"))
    return {
        "seconds": round(seconds, 2),
        "calls": len(log),
        "by_method": by_method(log),
        "by_kind": kinds,
        "bitbucket_calls": len(log) - admin_calls,
        "admin_calls": admin_calls,
        "minimal": minimal,
        "ratio": round(len(log) / minimal["total"], 3) if minimal["total"] else None,
        "bitbucket_ratio": round((len(log) - admin_calls) / minimal["bitbucket"], 3) if minimal["bitbucket"] else None,
    }


class AccessBench:
    def __init__(self, args, app, server, runner):
        self.args, self.app, self.runner = args, app, runner
        self.env = environment(server.url, scim=False)
        self.tmp = runner.tmp

    def reset(self):
        self.app.reset()
        knobs = {"rate_limit": 1000000}
        if self.args.latency_ms:
            knobs["latency_ms"] = self.args.latency_ms
        self.app.configure_faults(knobs)

    def run(self, mode, declared, report_dir, label, more=None):
        self.app.log.clear()
        extra = {
            "workspace_access_workspace": "acme",
            "workspace_access_mode": mode,
            "workspace_access_file": str(declared),
            "workspace_access_report_dir": str(report_dir),
        }
        extra.update(more or {})
        seconds, _changed = self.runner.run(PLAY, extra, env=self.env, label=label)
        return seconds, self.app.log.entries()

    def once(self, index):
        """gather, edit, plan, apply from the seed; {step: figure} plus the edits and the check of the apply."""
        self.reset()
        state = workspace_state(self.app)
        members = sorted(
            self.app.state.accounts.by_id[a]["email"]
            for a in self.app.state.workspaces["acme"].members
            if str(self.app.state.accounts.by_id[a].get("email") or "").startswith("dev")
        )
        declared = self.tmp / ("access-%d.yml" % index)
        report_dir = self.tmp / ("access-reports-%d" % index)
        out = {}
        seconds, log = self.run("gather", declared, report_dir, "gather (run %d)" % (index + 1))
        out["gather"] = figure(seconds, log, minimal_gather(state))
        if [e for e in log if not is_read(e)]:
            raise ValueError("gather wrote: %s" % [(e["method"], e["path"]) for e in log if not is_read(e)])
        document = yaml.safe_load(declared.read_text(encoding="utf-8"))
        out["gathered"] = {
            "repositories": len(document.get("repositories") or {}),
            "projects": len(document.get("projects") or {}),
            "groups": len(document.get("groups") or {}),
            "emails": len(declared_emails(document)),
        }
        edits, expected = edit(document, members)
        declared.write_text(yaml.safe_dump(document, sort_keys=True), encoding="utf-8")
        out["edits"] = edits
        seconds, log = self.run("plan", declared, report_dir, "plan (run %d)" % (index + 1))
        out["plan"] = figure(seconds, log, minimal_plan(state, document))
        if [e for e in log if not is_read(e)]:
            raise ValueError("plan wrote: %s" % [(e["method"], e["path"]) for e in log if not is_read(e)])
        plan_file = max(report_dir.glob("workspace_access-plan-*.json"), key=lambda p: p.stat().st_mtime)
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        items = plan["accessops_plan"]["items"]
        out["items"] = len(items)
        got = sorted((k, a, str(w), str(s).lower()) for k, a, w, s in map(item_signature, items))
        want = sorted((k, a, str(w), str(s).lower()) for k, a, w, s in expected)
        out["items_as_edited"] = got == want
        if got != want:
            print("plan items differ from the edits:\n  got  %s\n  want %s" % (got, want), flush=True)
        try:
            seconds, log = self.run("apply", declared, report_dir, "apply (run %d)" % (index + 1), more=plan)
        except RunFailed:
            for path in report_dir.glob("workspace_access-apply-*.json"):
                result = json.loads(path.read_text(encoding="utf-8"))
                for entry in result.get("failed") or []:
                    print(
                        "apply: item failed: %s" % json.dumps({k: v for k, v in entry.items() if k != "item"})[:800], flush=True
                    )
            raise
        out["apply"] = figure(seconds, log, minimal_apply(items))
        written = sorted((e["method"], e["path"]) for e in log if not is_read(e))
        wanted = sorted(item_write(i) for i in items)
        out["apply_writes_exactly_items"] = written == wanted
        out["apply_extra_writes"] = [w for w in written if w not in wanted]
        out["apply_missing_writes"] = [w for w in wanted if w not in written]
        return out


def print_table(report):
    print()
    print("%-7s %8s %6s %8s %7s  %-22s %s" % ("step", "wall s", "calls", "minimal", "ratio", "by method", "by kind"))
    for step in STEPS:
        fig = report["steps"].get(step)
        if not fig:
            continue
        methods = " ".join("%s %d" % kv for kv in fig["by_method"].items()) or "-"
        kinds = ", ".join("%s %d" % kv for kv in fig["by_kind"].items())
        print(
            "%-7s %8.1f %6d %8d %7.3f  %-22s %s"
            % (step, fig["seconds"], fig["calls"], fig["minimal"]["total"], fig["ratio"], methods, kinds)
        )
        admin = " + ".join("%d %s" % (v, k) for k, v in fig["minimal"]["admin"].items())
        print(
            "        minimal: %d Bitbucket + %d Admin calls (%s); Bitbucket calls/minimal %d/%d = %.3f, Admin %d/%d"
            % (
                fig["minimal"]["bitbucket"],
                sum(fig["minimal"]["admin"].values()),
                admin,
                fig["bitbucket_calls"],
                fig["minimal"]["bitbucket"],
                fig["bitbucket_ratio"],
                fig["admin_calls"],
                sum(fig["minimal"]["admin"].values()),
            )
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repositories", type=int, default=500)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", default=str(ROOT / "build" / "bench" / "bench-access.json"))
    args = parser.parse_args(argv)
    args.runs = max(1, min(args.runs, 25))
    started = time.perf_counter()
    seed = gen_seed.generate(args.members, args.repositories)
    prepare_seed(seed, grant_repositories=min(200, args.repositories))
    # seats for the two organization-group members the edits add (small seeds have exactly 300 seats, all used)
    acme = seed["workspaces"][0]
    acme["plan_user_limit"] = max(acme.get("plan_user_limit") or 0, len(acme["members"]) + 10)
    app = create_app(seed)
    report = {"commit": git_commit(), "latency_ms": args.latency_ms, "runs": args.runs, "steps": {}, "failed": []}
    with tempfile.TemporaryDirectory() as tmp, SimServer(app) as server:
        bench = AccessBench(args, app, server, Runner(tmp))
        results = []
        for index in range(args.runs):
            try:
                results.append(bench.once(index))
            except (RunFailed, ValueError, OSError, KeyError, StopIteration) as exc:
                report["failed"].append({"run": index + 1, "error": str(exc)})
                print("run %d FAILED: %s" % (index + 1, exc), flush=True)
    if results:
        last = results[-1]
        for step in STEPS:
            report["steps"][step] = dict(last[step], seconds=median([r[step]["seconds"] for r in results]))
        for key in ("gathered", "edits", "items", "items_as_edited", "apply_writes_exactly_items"):
            report[key] = last[key]
        report["apply_extra_writes"] = last["apply_extra_writes"]
        report["apply_missing_writes"] = last["apply_missing_writes"]
        if not all(r["apply_writes_exactly_items"] for r in results):
            report["failed"].append({"run": "apply", "error": "the apply's writes are not exactly the plan's items"})
    print_table(report)
    if results:
        print()
        print(
            "gathered: %(repositories)d repositories, %(projects)d projects, %(groups)d organization groups, "
            "%(emails)d emails" % report["gathered"]
        )
        print(
            "edits: %d -> plan items %d (as edited: %s); apply writes exactly the items: %s%s"
            % (
                len(report["edits"]),
                report["items"],
                "yes" if report["items_as_edited"] else "NO",
                "yes" if report["apply_writes_exactly_items"] else "NO",
                ""
                if report["apply_writes_exactly_items"]
                else " (extra %s, missing %s)" % (report["apply_extra_writes"], report["apply_missing_writes"]),
            )
        )
    print()
    print(
        "%d members, %d repositories, latency %d ms, %d run(s) per figure (median); whole bench %.0f s"
        % (args.members, args.repositories, args.latency_ms, args.runs, time.perf_counter() - started)
    )
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print("figures written to %s" % out)
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
