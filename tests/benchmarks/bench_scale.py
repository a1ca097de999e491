# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scale benchmark: the modules against a large simulated workspace, through real ansible-playbook.

Prints, per scenario, the API calls the module reported, the requests the simulator answered, the TCP
connections it accepted (keep-alive at work) and the wall time. It asserts nothing about time: the
figures are for reading. Every server it starts listens on 127.0.0.1 and is stopped at the end.

    make bench                     # 10,000 members, 2,000 repositories, 20 ms per request
    .venv/bin/python tests/benchmarks/bench_scale.py --members 2000 --repositories 400 --latency-ms 5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "simulator"))

from atlsim.app import create_app  # noqa: E402  pylint: disable=wrong-import-position
from atlsim.server import SimServer  # noqa: E402  pylint: disable=wrong-import-position
import gen_seed  # noqa: E402  pylint: disable=wrong-import-position

PLAY = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/accessops.atlassian.bitbucket:
      api_url: "{{ api_url }}"
      username: admin@acme.example
      api_token: "{{ token }}"
  tasks:
    - name: scenario
      %s:
%s
"""


def collections_path(tmp):
    parts = ROOT.parts
    if parts[-3:] == ("ansible_collections", "accessops", "atlassian"):
        return str(ROOT.parents[2])
    link = Path(tmp) / "ansible_collections" / "accessops"
    link.mkdir(parents=True, exist_ok=True)
    (link / "atlassian").symlink_to(ROOT, target_is_directory=True)
    return tmp


def run_task(tmp, coll_path, api_url, module, args):
    playbook = Path(tmp) / "bench.yml"
    playbook.write_text(PLAY % ("accessops.atlassian." + module, _yaml(args)))
    results = Path(tmp) / "results.jsonl"
    if results.exists():
        results.unlink()
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=coll_path,
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_CALLBACK_PLUGINS=str(ROOT / "tests" / "integration" / "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="task_results",
        TASK_RESULTS_FILE=str(results),
        ANSIBLE_LOCAL_TEMP=str(Path(tmp) / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
    )
    playbook_bin = str(Path(sys.executable).parent / "ansible-playbook")
    extra = json.dumps({"api_url": api_url, "token": "demo-admin-api-token"})
    started = time.perf_counter()
    proc = subprocess.run(
        [playbook_bin, "-i", "localhost,", "-c", "local", str(playbook), "-e", extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    elapsed = time.perf_counter() - started
    records = [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []
    if proc.returncode != 0 or not records:
        raise SystemExit("scenario %s failed:\n%s\n%s" % (module, proc.stdout[-3000:], proc.stderr[-2000:]))
    return records[0]["result"], elapsed


def _yaml(args):
    """Task arguments as YAML flow values (JSON is valid YAML)."""
    return "\n".join("        %s: %s" % (key, json.dumps(value)) for key, value in args.items())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10000)
    parser.add_argument("--repositories", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=20, help="added to every simulated request (network round trip)")
    parser.add_argument("--grant-repositories", type=int, default=200, help="repositories in the grant scenarios")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    seed = gen_seed.generate(args.members, args.repositories)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    app = create_app(seed)
    loaded = time.perf_counter() - started
    print(
        "seed: %d members, %d repositories; generated in %.1f s, loaded in %.1f s"
        % (args.members, args.repositories, generated, loaded)
    )

    repos = [r["slug"] for r in seed["workspaces"][0]["repositories"]][: args.grant_repositories]
    emails = ["dev%03d@acme.example" % i for i in range(1, 501)]
    scenarios = [
        ("member_info: every member (%d)" % args.members, "bitbucket_member_info", {"workspace": "acme"}),
        ("member_info: 500 emails", "bitbucket_member_info", {"workspace": "acme", "emails": emails}),
        (
            "member_info: 50 emails + effective permissions",
            "bitbucket_member_info",
            {"workspace": "acme", "emails": emails[:50], "include_permissions": True},
        ),
        (
            "member_info: one member + effective permissions",
            "bitbucket_member_info",
            {"workspace": "acme", "member": "dev010@acme.example", "include_permissions": True},
        ),
        (
            "repo_permission: 1 user x %d repos, concurrency 1" % len(repos),
            "bitbucket_repo_permission",
            {"workspace": "acme", "repositories": repos, "user": "dev020@acme.example", "permission": "write", "concurrency": 1},
        ),
        (
            "repo_permission: same again (no change), concurrency 1",
            "bitbucket_repo_permission",
            {"workspace": "acme", "repositories": repos, "user": "dev020@acme.example", "permission": "write", "concurrency": 1},
        ),
        (
            "repo_permission: 1 user x %d repos, concurrency 8" % len(repos),
            "bitbucket_repo_permission",
            {"workspace": "acme", "repositories": repos, "user": "dev021@acme.example", "permission": "write", "concurrency": 8},
        ),
        (
            "repo_permission: same again (no change), concurrency 8",
            "bitbucket_repo_permission",
            {"workspace": "acme", "repositories": repos, "user": "dev021@acme.example", "permission": "write", "concurrency": 8},
        ),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, SimServer(app) as server:
        coll_path = collections_path(tmp)
        knobs = {"rate_limit": 1000000}
        if args.latency_ms:
            knobs["latency_ms"] = args.latency_ms
        app.configure_faults(knobs)
        for label, module, task_args in scenarios:
            app.log.clear()
            connections = server.httpd.connections_accepted
            result, elapsed = run_task(tmp, coll_path, server.url + "/2.0", module, task_args)
            answered = len(app.log.entries())
            rows.append(
                (
                    label,
                    result.get("api_calls", {}).get("total"),
                    answered,
                    server.httpd.connections_accepted - connections,
                    elapsed,
                    result.get("changed"),
                )
            )
    print("%-62s %9s %9s %11s %9s %8s" % ("scenario", "api_calls", "answered", "connections", "seconds", "changed"))
    for label, calls, answered, conns, elapsed, changed in rows:
        print("%-62s %9s %9d %11d %9.1f %8s" % (label, calls, answered, conns, elapsed, changed))
    serial, parallel = rows[4][4], rows[6][4]
    print("grant over %d repositories: concurrency 8 took %.2fx the time of concurrency 1" % (len(repos), parallel / serial))
    return 0


if __name__ == "__main__":
    sys.exit(main())
