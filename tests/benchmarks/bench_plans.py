# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan benchmark: jobs 1 (onboard one member) and 2 (offboard one person) of bench_jobs.py run three ways against
the simulator: ``run`` (plan and apply in one run), ``plan`` (no write: the plan file) and ``apply`` (that plan,
applied on the state it was made on). For each: the wall time, the API calls by method (the simulator's log) and the
tasks Ansible ran; then plan + apply against run. Nothing is asserted about time (docs/performance.md).

    make bench                                          # also runs this, with bench_jobs.py's defaults
    .venv/bin/python tests/benchmarks/bench_plans.py --members 300 --repositories 80 --latency-ms 20
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench_jobs import Bench, overhead
from bench_support import ROOT, RunFailed, Runner, by_method, git_commit, median, prepare_seed

from atlsim.app import create_app  # pylint: disable=wrong-import-position
from atlsim.server import SimServer  # pylint: disable=wrong-import-position
import gen_seed  # pylint: disable=wrong-import-position

ROLES = {"1": "onboarding", "2": "offboarding"}


def _figure(seconds, log):
    return {"seconds": round(seconds, 2), "calls": len(log), "by_method": by_method(log)}


def plan_and_apply(bench, job_id, runs):
    """{"run", "plan", "apply"} figures of one job (medians of ``runs``), each run from the seed; apply runs on the
    state the plan was made on (plan writes nothing), with the plan file as its extra vars."""
    role = ROLES[job_id]
    playbook, extra, env, _check = (bench.job_onboard if job_id == "1" else bench.job_offboard)()[0]
    figures = {"run": [], "plan": [], "apply": []}
    items = None
    for index in range(runs):
        report_dir = bench.tmp / ("plans-%s-%d" % (job_id, index))
        extra_dir = dict(extra, **{"%s_report_dir" % role: str(report_dir)})
        bench.reset()
        seconds, _changed = bench.runner.run(playbook, extra_dir, env=env, label="job %s run" % job_id)
        figures["run"].append(_figure(seconds, bench.app.log.entries()))
        bench.reset()
        seconds, _changed = bench.runner.run(
            playbook, dict(extra_dir, **{"%s_mode" % role: "plan"}), env=env, label="job %s plan" % job_id
        )
        figures["plan"].append(_figure(seconds, bench.app.log.entries()))
        plan_file = max(report_dir.glob("%s-plan-*.json" % role), key=lambda p: p.stat().st_mtime)
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        items = len(plan["accessops_plan"]["items"])
        bench.app.log.clear()
        apply_extra = {"%s_workspace" % role: "acme", "%s_mode" % role: "apply", "%s_report_dir" % role: str(report_dir)}
        apply_extra.update(plan)
        seconds, _changed = bench.runner.run(playbook, apply_extra, env=env, label="job %s apply" % job_id)
        figures["apply"].append(_figure(seconds, bench.app.log.entries()))
    out = {way: min(figs, key=lambda f: f["seconds"]) for way, figs in figures.items()}
    for way, figs in figures.items():
        out[way]["seconds"] = median([f["seconds"] for f in figs])
    out["items"] = items
    out["plan_plus_apply_calls"] = out["plan"]["calls"] + out["apply"]["calls"]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repositories", type=int, default=500)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--json", default=str(ROOT / "build" / "bench" / "bench-plans.json"))
    args = parser.parse_args(argv)
    args.uri_max_items, args.uri_full = 0, False
    args.runs = max(1, min(args.runs, 25))
    started = time.perf_counter()
    seed = gen_seed.generate(args.members, args.repositories)
    names = prepare_seed(seed, grant_repositories=min(200, args.repositories))
    app = create_app(seed)
    report = {"commit": git_commit(), "latency_ms": args.latency_ms, "runs": args.runs, "jobs": {}, "failed": []}
    with tempfile.TemporaryDirectory() as tmp, SimServer(app) as server:
        runner = Runner(tmp)
        startup, per_task = overhead(runner, 2)
        report.update(ansible_startup_seconds=round(startup, 3), ansible_per_task_seconds=round(per_task, 4))
        bench = Bench(args, app, server, runner, names)
        for job_id in [j.strip() for j in args.jobs.split(",") if j.strip() in ROLES]:
            try:
                report["jobs"][job_id] = plan_and_apply(bench, job_id, args.runs)
            except (RunFailed, ValueError, OSError) as exc:
                report["failed"].append({"id": job_id, "error": str(exc)})
                print("job %s FAILED: %s" % (job_id, exc), flush=True)
    print()
    print("%-4s %-12s %-6s %8s %6s  %s" % ("job", "runbook", "mode", "wall s", "calls", "by method"))
    for job_id, job in report["jobs"].items():
        for way in ("run", "plan", "apply"):
            fig = job[way]
            methods = " ".join("%s %d" % kv for kv in fig["by_method"].items()) or "-"
            print("%-4s %-12s %-6s %8.1f %6d  %s" % (job_id, ROLES[job_id], way, fig["seconds"], fig["calls"], methods))
        print(
            "     plan items %s | plan + apply: %.1f s, %d calls (run: %.1f s, %d calls)"
            % (
                job["items"],
                job["plan"]["seconds"] + job["apply"]["seconds"],
                job["plan_plus_apply_calls"],
                job["run"]["seconds"],
                job["run"]["calls"],
            )
        )
    print()
    print(
        "latency %d ms, %d run(s) per figure (median), Ansible start-up %.2f s + %.3f s per module task; whole bench %.0f s"
        % (args.latency_ms, args.runs, startup, per_task, time.perf_counter() - started)
    )
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print("figures written to %s" % out)
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
