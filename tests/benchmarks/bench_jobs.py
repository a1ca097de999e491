# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Job benchmark: each job run by the collection and by an ansible.builtin.uri baseline, against the simulator.

For each job: the wall time (median of --runs), the API calls by method (the simulator's request log), the ratio
uri / collection, the minimal truthful calls computed from the job's definition, the physical limit (minimal calls
times the latency, the parallel ones divided by the concurrency, plus the measured Ansible start-up and per-task
overhead) and the collection's ratio to it. docs/performance.md explains every figure. Nothing is asserted about
time; every server listens on 127.0.0.1 and is stopped at the end.

    make bench                                   # 2,000 members, 500 repositories, 100 ms per request
    .venv/bin/python tests/benchmarks/bench_jobs.py --members 300 --repositories 80 --runs 1 --latency-ms 20
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections import namedtuple
from pathlib import Path

from bench_support import (
    HERE,
    LEAVER,
    LEAVER_PROJECTS,
    ONBOARD,
    ONBOARD_PROJECTS,
    ROOT,
    RunFailed,
    Runner,
    api_part,
    baseline_vars,
    by_method,
    doc_default,
    environment,
    git_commit,
    median,
    prepare_seed,
)

from atlsim.app import create_app  # pylint: disable=wrong-import-position
from atlsim.server import SimServer  # pylint: disable=wrong-import-position
import gen_seed  # pylint: disable=wrong-import-position

BASELINE = HERE / "baseline"
PAGELEN = 100
EMAILS_PER_LOOKUP = 50
IMPORT = "- ansible.builtin.import_playbook: accessops.atlassian.%s\n"
MODULE_PLAY = """
- name: bench
  hosts: localhost
  gather_facts: false
  connection: local
  tasks:
%s
"""
EXCLUSIVE_TASK = """    - name: Exactly these users on these repositories
      accessops.atlassian.bitbucket_repo_permission:
        workspace: acme
        repositories: "{{ repositories }}"
        users: "{{ users }}"
        exclusive: true
"""
SCIM_TASK = """    - name: SCIM users present (one task, the users list form)
      accessops.atlassian.atlassian_scim_user:
        users: "{{ users }}"
"""


# What the uri baseline of a job does in full (calls by method, computed from its playbook and the seed), how many
# loop items (repositories, pages, users) the job has and how many the bench times when it samples, with the
# variables that make the baseline do only those.
Plan = namedtuple("Plan", "full_by_method items_full items_sample override")


def pages(count):
    return max(1, math.ceil(count / PAGELEN))


class Bench:
    def __init__(self, args, app, server, runner, names):
        self.args, self.app, self.server, self.runner, self.names = args, app, server, runner, names
        self.url = server.url
        self.cap = args.uri_max_items
        self.tmp = runner.tmp
        self.concurrency = doc_default("plugins/doc_fragments/permissions.py", "concurrency")
        self.scim_concurrency = doc_default("plugins/modules/atlassian_scim_user.py", "concurrency")
        self.review_concurrency = doc_default(
            "roles/access_review/defaults/main.yml", "access_review_concurrency", fragment=False
        )

    def reset(self):
        self.app.reset()
        self.app.configure_faults(
            {"latency_ms": self.args.latency_ms, "rate_limit": 1000000} if self.args.latency_ms else {"rate_limit": 1000000}
        )

    def measure(self, label, playbook, extra, env=None, check=False):
        """Median wall time of --runs runs, each from the seed; the request log of the last run."""
        times, changed, log = [], None, []
        for index in range(self.args.runs):
            self.reset()
            seconds, changed = self.runner.run(playbook, extra, env=env, check=check, label="%s (run %d)" % (label, index + 1))
            times.append(seconds)
            log = self.app.log.entries()
        return {
            "seconds": median(times),
            "all_seconds": times,
            "calls": len(log),
            "by_method": by_method(log),
            "by_api": by_method([{"method": api_part(e)} for e in log]),
            "changed_tasks": changed,
        }, log

    def measure_uri(self, label, playbook, extra, env, check, plan, startup):
        """The uri baseline: in full when its loop is at most --uri-max-items long (or --uri-full), else on a sample
        of its loop items, the time scaled to the full job by the calls (start-up excluded)."""
        full_calls = sum(plan.full_by_method.values())
        if self.args.uri_full or plan.items_sample >= plan.items_full:
            fig, _unused = self.measure(label, playbook, extra, env, check)
            fig["predicted_calls"] = full_calls
            return fig
        fig, _unused = self.measure(label + " (sample)", playbook, dict(extra, **plan.override), env, check)
        seconds = startup + (fig["seconds"] - startup) * full_calls / max(1, fig["calls"])
        return {
            "seconds": round(seconds, 2),
            "calls": full_calls,
            "by_method": dict(sorted(plan.full_by_method.items())),
            "extrapolated": True,
            "sample": dict(fig, items=plan.items_sample, of_items=plan.items_full),
        }

    # --- the state the minimal calls are computed from (the seed, before a run) -------------------------------------

    def ws(self):
        return self.app.state.workspace("acme")

    def account_id(self, email):
        return self.app.state.accounts.get_by_email(email)["account_id"]

    def effective_count(self, account_id):
        ws = self.ws()
        return sum(1 for repo in ws.repos.values() if account_id in ws.effective(repo))

    # --- the jobs ---------------------------------------------------------------------------------------------------

    def job_onboard(self, check=False):
        repos = [{"name": slug, "permission": "write"} for slug in self.names["onboard_repos"]]
        projects = [{"key": key, "permission": "read"} for key in ONBOARD_PROJECTS]
        extra = {
            "onboarding_workspace": "acme",
            "onboarding_people": [{"email": ONBOARD, "repositories": repos, "projects": projects}],
        }
        coll = (IMPORT % "onboarding", extra, environment(self.url, scim=False), check)
        base_extra = dict(baseline_vars(self.url), person=ONBOARD, repositories=repos, projects=projects)
        base = (BASELINE / "onboarding.yml", base_extra, None, check)
        self.reset()
        eff = self.effective_count(self.account_id(ONBOARD))
        writes = 0 if check else len(repos) + len(projects)
        keep = min(len(repos), self.cap)
        base = base + (Plan({"GET": 1, "PUT": len(repos) + len(projects)}, len(repos), keep, {"repositories": repos[:keep]}),)
        base = None if check else base
        minimal = {
            "sequential": 1 + 1 + 1,
            "parallel": (pages(eff) - 1) + len(projects) + writes,
            "tasks": 3,
            "concurrency": self.concurrency,
            "formula": "1 member lookup by email + %d effective-permission page(s) + 1 owner check + %d project reads"
            " + %d PUTs" % (pages(eff), len(projects), writes),
        }
        return coll, base, minimal

    def job_offboard(self, check=False):
        extra = {
            "offboarding_workspace": "acme",
            "offboarding_people": [LEAVER],
            "offboarding_report_dir": str(self.tmp / "offboarding"),
        }
        coll = (IMPORT % "offboarding", extra, environment(self.url, scim=False), check)
        base = (BASELINE / "offboarding.yml", dict(baseline_vars(self.url), person=LEAVER), None, check)
        self.reset()
        account = self.account_id(LEAVER)
        ws = self.ws()
        eff = self.effective_count(account)
        explicit = sum(1 for repo in ws.repos.values() if account in repo.user_perms)
        projects = len(ws.projects)
        explicit_projects = sum(1 for p in ws.projects.values() if account in p.user_perms)
        deletes = 0 if check else explicit + explicit_projects
        base = base + (
            Plan(
                {"GET": 1 + pages(eff) + pages(projects), "DELETE": eff + projects + 1},
                eff,
                min(eff, self.cap),
                {"bench_sample": min(eff, self.cap)},
            ),
        )
        base = None if check else base
        minimal = {
            "sequential": 1 + 1 + 1,
            "parallel": (pages(eff) - 1) + eff + projects + deletes,
            "tasks": 4,
            "concurrency": self.concurrency,
            "formula": "1 member lookup + %d effective page(s) + 1 projects page + %d explicit GETs + %d project"
            " reads + %d DELETEs" % (pages(eff), eff, projects, deletes),
        }
        return coll, base, minimal

    def job_exclusive(self):
        repos, users = self.names["exclusive_repos"], self.names["exclusive_users"]
        extra = {"repositories": repos, "users": users}
        coll = (MODULE_PLAY % EXCLUSIVE_TASK, extra, environment(self.url, scim=False, admin=False), False)
        base = (BASELINE / "exclusive.yml", dict(baseline_vars(self.url), **extra), None, False)
        self.reset()
        ws = self.ws()
        wanted = {self.account_id(u["user"]): u["permission"] for u in users}
        lists = puts = deletes = 0
        for slug in repos:
            current = {k: v for k, v in ws.repos[slug].user_perms.items() if v != "none"}
            lists += pages(len(current))
            puts += sum(1 for k, v in wanted.items() if current.get(k) != v)
            deletes += sum(1 for k in current if k not in wanted)
        lookups = math.ceil(len(users) / EMAILS_PER_LOOKUP)
        keep = min(len(users), self.cap)
        base = base + (
            Plan(
                {"GET": lookups + lists, "DELETE": deletes, "PUT": len(users) * len(repos)},
                len(users) * len(repos),
                keep,
                {"repositories": repos[:1], "users": users[:keep]},
            ),
        )
        minimal = {
            "sequential": lookups + 1,
            "parallel": lists + puts + deletes,
            "tasks": 1,
            "concurrency": self.concurrency,
            "formula": "%d email look-ups (%d per request) + 1 owner check + %d explicit-permission pages"
            " + %d PUTs + %d DELETEs" % (lookups, EMAILS_PER_LOOKUP, lists, puts, deletes),
        }
        return coll, base, minimal

    def job_review(self):
        extra = {"access_review_workspace": "acme", "access_review_report_dir": str(self.tmp / "review")}
        coll = (IMPORT % "access_review", extra, environment(self.url), False)
        base = (
            BASELINE / "access_review.yml",
            dict(baseline_vars(self.url), report_dir=str(self.tmp / "review-uri")),
            None,
            False,
        )
        self.reset()
        ws = self.ws()
        members = len(ws.members)
        eff = sum(len(ws.effective(repo)) for repo in ws.repos.values())
        base = base + (
            Plan(
                {"GET": pages(members) + pages(eff)},
                pages(members) + pages(eff),
                min(pages(members), self.cap // 4) + min(pages(eff), self.cap // 4),
                {"bl_max_pages": max(1, self.cap // 4)},
            ),
        )
        # what the runbook's report holds beyond the uri baseline's matrix: the explicit permissions (sources), the
        # organization's users and the SCIM directory's users
        reached = [repo for repo in ws.repos.values() if ws.effective(repo)]
        explicit = sum(pages(len(repo.user_perms)) for repo in reached)
        projects = pages(len(ws.projects)) + sum(pages(len(p.user_perms)) for p in ws.projects.values())
        # opaque next: the pages of one listing follow each other; the effective permissions split by member (50 a
        # query) and the explicit lists are read in parallel (the Admin API and SCIM listings are added as measured)
        minimal = {
            "sequential": pages(members),
            "parallel": pages(eff) + explicit + projects,
            "tasks": 3,
            "concurrency": self.review_concurrency,
            "formula": "%d member pages + %d effective-permission pages (%d pairs) + %d explicit repository lists"
            " + %d project reads; member pages in sequence, the rest in parallel"
            % (pages(members), pages(eff), eff, explicit, projects),
        }
        return coll, base, minimal

    def job_scim(self):
        users = self.names["scim_users"]
        coll = (MODULE_PLAY % SCIM_TASK, {"users": users}, environment(self.url, admin=False), False)
        base = (BASELINE / "scim_users.yml", dict(baseline_vars(self.url), users=users), None, False)
        have = self.names["scim_existing"]
        half = max(1, min(have, self.cap // 4))
        sample = users[:half] + users[have : have + half]
        base = base + (
            Plan({"GET": len(users), "POST": len(users) - have, "PUT": have}, len(users), len(sample), {"users": sample}),
        )
        minimal = {
            "sequential": 0,
            "parallel": 2 * len(users),
            "tasks": 1,
            "concurrency": self.scim_concurrency,
            "formula": "%d x (1 filtered GET + 1 POST or PATCH), users handled concurrently in one task" % len(users),
        }
        return coll, base, minimal

    def jobs(self):
        n_on, n_off = len(self.names["onboard_repos"]), len(self.names["leaver_repos"])
        yield "1", "onboard 1 member: %d repos (write) + %d projects (read)" % (n_on, len(ONBOARD_PROJECTS)), self.job_onboard
        yield "2", "offboard 1 person: explicit on %d repos + %d projects" % (n_off, len(LEAVER_PROJECTS)), self.job_offboard
        sizes = (len(self.names["exclusive_repos"]), len(self.names["exclusive_users"]))
        yield "3", "exclusive: %d repos x exactly %d users" % sizes, self.job_exclusive
        yield "4", "access review: %d members x %d repos" % (self.args.members, self.args.repositories), self.job_review
        scim = (len(self.names["scim_users"]), self.names["scim_existing"])
        yield "5", "SCIM: %d users present (%d exist, 1 attribute differs)" % scim, self.job_scim
        yield "6a", "check mode of job 1", lambda: self.job_onboard(check=True)
        yield "6b", "check mode of job 2", lambda: self.job_offboard(check=True)


def overhead(runner, runs):
    """(start-up seconds of a one-task playbook, seconds per extra module task), medians of `runs` runs; the task is
    ansible.builtin.ping, a module run like any other (AnsiballZ, a Python process per task)."""
    task = "    - name: noop\n      ansible.builtin.ping:\n"
    one = [runner.run(MODULE_PLAY % task, {}, label="no-op playbook")[0] for _unused in range(runs)]
    many = [runner.run(MODULE_PLAY % (task * 11), {}, label="11-task playbook")[0] for _unused in range(runs)]
    return median(one), max(0.0, (median(many) - median(one)) / 10)


def limit_of(minimal, latency, startup, per_task):
    calls = minimal["sequential"] + minimal["parallel"] / minimal["concurrency"]
    return startup + per_task * (minimal["tasks"] - 1) + calls * latency / 1000.0


def ratio(num, den):
    return round(num / den, 2) if den else None


def fmt_methods(methods):
    return " ".join("%s %d" % kv for kv in methods.items()) or "-"


def print_table(report):
    print()
    print("%-4s %-58s %-10s %8s %6s  %s" % ("job", "", "way", "wall s", "calls", "by method"))
    for job in report["jobs"]:
        for way in ("collection", "uri"):
            fig = job[way]
            first = way == "collection"
            head = (job["id"] if first else "", job["title"][:58] if first else "", way)
            if fig is None:
                print("%-4s %-58s %-10s %8s %6s  %s" % (head + ("n/a", "", "uri does not support check mode")))
                continue
            mark = "*" if fig.get("extrapolated") else " "
            print(
                "%-4s %-58s %-10s %7.1f%s %6d  %s" % (head + (fig["seconds"], mark, fig["calls"], fmt_methods(fig["by_method"])))
            )
        mini = job["minimal"]
        ratios = job["uri_over_collection"]
        print(
            "     %sminimal %d calls (%s) | limit %.1f s | collection/limit %sx | collection calls/minimal %sx"
            % (
                "uri/collection: time %sx, calls %sx | " % (ratios["seconds"], ratios["calls"]) if ratios else "",
                mini["calls"],
                mini["formula"],
                job["limit_seconds"],
                job["collection_over_limit"],
                job["collection_calls_over_minimal"],
            )
        )
    print()
    print(
        "latency %d ms, %d run(s) per figure (median), Ansible start-up %.2f s + %.3f s per module task, concurrency"
        " %s"
        % (
            report["latency_ms"],
            report["runs"],
            report["ansible_startup_seconds"],
            report["ansible_per_task_seconds"],
            report["concurrency"],
        )
    )
    if any((job["uri"] or {}).get("extrapolated") for job in report["jobs"]):
        print(
            "* uri time scaled from a run over a sample of the loop (--uri-max-items %d), calls computed for the full"
            " job; --uri-full runs them all" % report["uri_max_items"]
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repositories", type=int, default=500)
    parser.add_argument("--latency-ms", type=int, default=100, help="added to every simulated request (round trip)")
    parser.add_argument(
        "--runs", type=int, default=1, help="runs per figure, the median is shown (default 1: see docs/performance.md)"
    )
    parser.add_argument(
        "--uri-max-items",
        type=int,
        default=20,
        help="longest uri loop (repositories, pages, users)"
        " run in full; a longer one is timed on a sample and scaled (default 20)",
    )
    parser.add_argument(
        "--uri-full",
        action="store_true",
        help="run every uri baseline in full (slow: about 1 s per uri call on a 2-core machine)",
    )
    parser.add_argument("--jobs", default="", help="comma-separated job ids to run (1,2,3,4,5,6a,6b; default all)")
    parser.add_argument("--json", default=str(ROOT / "build" / "bench" / "bench.json"), help="where to write the figures")
    args = parser.parse_args(argv)
    args.runs = max(1, min(args.runs, 25))
    wanted = {j.strip() for j in args.jobs.split(",") if j.strip()}

    started = time.perf_counter()
    seed = gen_seed.generate(args.members, args.repositories)
    names = prepare_seed(seed, grant_repositories=min(200, args.repositories))
    app = create_app(seed)
    print(
        "seed: %d members, %d repositories (+ the bench's accounts and projects), loaded in %.1f s; commit %s"
        % (args.members, args.repositories, time.perf_counter() - started, git_commit())
    )
    report = {
        "commit": git_commit(),
        "members": args.members,
        "repositories": args.repositories,
        "latency_ms": args.latency_ms,
        "runs": args.runs,
        "uri_max_items": args.uri_max_items,
        "uri_full": args.uri_full,
        "jobs": [],
        "failed": [],
    }
    with tempfile.TemporaryDirectory() as tmp, SimServer(app) as server:
        runner = Runner(tmp)
        startup, per_task = overhead(runner, max(args.runs, 2))
        bench = Bench(args, app, server, runner, names)
        report.update(
            ansible_startup_seconds=round(startup, 3),
            ansible_per_task_seconds=round(per_task, 4),
            concurrency={"permission_modules": bench.concurrency, "access_review": bench.review_concurrency},
        )
        for job_id, title, build in bench.jobs():
            if wanted and job_id not in wanted:
                continue
            job_started = time.perf_counter()
            coll, base, minimal = build()
            try:
                coll_fig, coll_log = bench.measure("job %s collection" % job_id, *coll)
                if base is None:
                    base_fig = None
                else:
                    base_fig = bench.measure_uri("job %s uri baseline" % job_id, *base[:4], plan=base[4], startup=startup)
            except RunFailed as exc:
                report["failed"].append({"id": job_id, "title": title, "error": str(exc)})
                print("job %s FAILED: %s" % (job_id, exc), flush=True)
                continue
            extra = sum(1 for e in coll_log if api_part(e) != "bitbucket") if job_id != "5" else 0
            if extra:
                minimal["sequential"] += extra
                minimal["formula"] += " + %d Admin/SCIM calls of the runbook" % extra
            minimal["calls"] = minimal["sequential"] + minimal["parallel"]
            limit = limit_of(minimal, args.latency_ms, startup, per_task)
            job = {
                "id": job_id,
                "title": title,
                "collection": coll_fig,
                "uri": base_fig,
                "minimal": minimal,
                "uri_over_collection": {
                    "seconds": ratio(base_fig["seconds"], coll_fig["seconds"]),
                    "calls": ratio(base_fig["calls"], coll_fig["calls"]),
                }
                if base_fig
                else None,
                "collection_calls_over_minimal": ratio(coll_fig["calls"], minimal["calls"]),
                "limit_seconds": round(limit, 2),
                "collection_over_limit": ratio(coll_fig["seconds"], limit),
            }
            report["jobs"].append(job)
            print(
                "job %s done in %.0f s: collection %.1f s / %d calls"
                % (job_id, time.perf_counter() - job_started, coll_fig["seconds"], coll_fig["calls"]),
                flush=True,
            )
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    print_table(report)
    print("whole bench: %.0f s" % report["total_seconds"])
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print("figures written to %s" % out)
    for failed in report["failed"]:
        print("job %s (%s) failed: %s" % (failed["id"], failed["title"], failed["error"]))
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
