# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How deep the code is between a module and the HTTP send: one ``exclusive`` bitbucket_repo_permission task run
in this process against the simulator (127.0.0.1, stopped at the end), its requests, the Python calls made in the
collection's files, the files they are in, and the frames from the module's main() to ``requests.Session.send``
(all frames, and those in the collection). Prints figures, asserts nothing.

    .venv/bin/python tests/benchmarks/call_depth.py                       # the collection of this clone
    .venv/bin/python tests/benchmarks/call_depth.py --collections /tmp/old  # another copy (ansible_collections/...)

``--collections`` is a folder holding ``ansible_collections/accessops/atlassian`` (e.g. ``git archive <commit>
plugins`` unpacked there), so two versions of the code are measured by the same task on the same simulator.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "simulator"))

from atlsim import demo  # noqa: E402
from atlsim.app import create_app  # noqa: E402
from atlsim.server import SimServer  # noqa: E402

MODULE = "ansible_collections.accessops.atlassian.plugins.modules.bitbucket_repo_permission"
TASK = {
    "workspace": "acme",
    "repositories": None,  # the first --repositories of the seed
    "users": [{"user": "dev001@acme.example", "permission": "write"}],
    "exclusive": True,
    "concurrency": 1,  # every request in this thread, so each send has the whole stack
}


def collection_root(collections):
    """The folder holding ``ansible_collections`` (this clone's build tree when not given)."""
    if collections:
        return Path(collections).resolve()
    tree = Path(tempfile.mkdtemp(prefix="call-depth-"))
    link = tree / "ansible_collections" / "accessops"
    link.mkdir(parents=True)
    (link / "atlassian").symlink_to(ROOT)
    return tree


def run_task(module_name, args):
    """Run the module's main() here with ``args``; its JSON result."""
    from ansible.module_utils import basic

    module = importlib.import_module(module_name)
    out = io.StringIO()
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
    basic._ANSIBLE_PROFILE = "legacy"
    with contextlib.redirect_stdout(out):
        try:
            module.main()
        except SystemExit:
            pass
    return json.loads(out.getvalue())


def measure(repositories):
    import requests

    plugins = str(Path(importlib.import_module("ansible_collections.accessops.atlassian.plugins").__path__[0]))
    importlib.import_module(MODULE)  # imports are not what is measured: only the calls of the task
    sends, calls, files = [], [0], set()
    original_send = requests.Session.send

    def send(self, request, **kwargs):
        frame, total, ours = sys._getframe(1), 0, 0
        while frame is not None and frame.f_code.co_name != "main":
            total += 1
            ours += frame.f_code.co_filename.startswith(plugins)
            frame = frame.f_back
        sends.append((request.method, total + 1, ours + 1))  # main() itself counted
        return original_send(self, request, **kwargs)

    def profile(frame, event, _arg):
        if event == "call" and frame.f_code.co_filename.startswith(plugins):
            calls[0] += 1
            files.add(os.path.relpath(frame.f_code.co_filename, plugins))

    seed = str(ROOT / "tests" / "simulator" / "seeds" / "demo.yml")
    with SimServer(create_app(seed, strict=False)) as server:
        args = dict(TASK, repositories=repositories)
        args.update(api_url=server.url + "/2.0", username=demo.ADMIN[0], api_token=demo.ADMIN[1])
        requests.Session.send = send
        sys.setprofile(profile)
        try:
            result = run_task(MODULE, args)
        finally:
            sys.setprofile(None)
            requests.Session.send = original_send
    return result, sends, calls[0], files


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--collections", help="folder holding ansible_collections/accessops/atlassian")
    parser.add_argument("--repositories", type=int, default=1, help="repositories in the task (default 1)")
    options = parser.parse_args()
    sys.path.insert(0, str(collection_root(options.collections)))
    slugs = [repo["slug"] for repo in demo_repositories()][: options.repositories]
    result, sends, calls, files = measure(slugs)
    if result.get("failed"):
        sys.exit("the task failed: %s" % result.get("msg"))
    print("exclusive bitbucket_repo_permission on %d repositories: changed=%s" % (len(slugs), result.get("changed")))
    print("  requests sent: %d (%s)" % (len(sends), ", ".join(method for method, _t, _o in sends)))
    print("  Python calls in the collection: %d, in %d files" % (calls, len(files)))
    print("  frames main() -> Session.send, all: %s" % " ".join(str(t) for _m, t, _o in sends))
    print("  frames main() -> Session.send, in the collection: %s" % " ".join(str(o) for _m, _t, o in sends))
    print("  files: %s" % ", ".join(sorted(files)))


def demo_repositories():
    import yaml

    seed = yaml.safe_load((ROOT / "tests" / "simulator" / "seeds" / "demo.yml").read_text())
    return next(ws for ws in seed["workspaces"] if ws["slug"] == "acme")["repositories"]


if __name__ == "__main__":
    main()
