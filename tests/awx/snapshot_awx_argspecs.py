#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Snapshot the argument specs of the awx.awx modules that docs/awx/load.yml uses, into tests/awx/awx_argspecs.json.

awx.awx is not a dependency of this collection and CI has no network, so the loader's test
(tests/unit/awx/test_awx_loader.py) reads this committed snapshot. The spec of each module is what its main()
passes to ControllerAPIModule (the real awx.awx code runs, up to that call), plus the authentication options every
module gets (ControllerModule.AUTH_ARGSPEC), and, for dict options, the suboptions the module's DOCUMENTATION
declares (the module does not check them itself: approval_node, workflow_nodes).

Source: the awx_collection directory of github.com/ansible/awx at a commit (a git directory, e.g. the one `fetch
github:ansible/awx` brings), or an installed collection (a directory holding plugins/modules):

    python tests/awx/snapshot_awx_argspecs.py --git /work/.mirror/ansible+awx/repo --rev HEAD
    python tests/awx/snapshot_awx_argspecs.py --collection ~/.ansible/collections/ansible_collections/awx/awx
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

MODULES = (
    "credential",
    "credential_type",
    "execution_environment",
    "host",
    "inventory",
    "job_template",
    "project",
    "schedule",
    "workflow_job_template",
    "workflow_job_template_node",
)
CHECK_KEYS = ("mutually_exclusive", "required_if", "required_one_of", "required_together", "required_by")
OUT = Path(__file__).resolve().parent / "awx_argspecs.json"


class Captured(Exception):
    """Raised by the patched ControllerAPIModule: the arguments it was built with."""

    def __init__(self, argument_spec: dict[str, Any], kwargs: dict[str, Any]) -> None:
        super().__init__("captured")
        self.argument_spec = argument_spec
        self.kwargs = kwargs


def plain(spec: dict[str, Any]) -> dict[str, Any]:
    """An argument spec as JSON: a fallback (env_fallback, [names]) becomes {"env": [names]}."""
    out: dict[str, Any] = {}
    for name, option in sorted(spec.items()):
        entry = {}
        for key, value in sorted(option.items()):
            if key == "fallback":
                entry[key] = {"env": list(value[1])}
            elif key == "options":
                entry[key] = plain(value)
            else:
                entry[key] = list(value) if isinstance(value, tuple) else value
        out[name] = entry
    return out


def doc_suboptions(options: dict[str, Any]) -> dict[str, Any]:
    """The documented suboptions of each option that has some (recursively, only the checkable keys)."""
    keep = ("type", "elements", "required", "choices", "default", "aliases")
    out: dict[str, Any] = {}
    for name, option in options.items():
        if "suboptions" in option:
            out[name] = {
                sub: {key: value[key] for key in keep if key in value}
                | ({"suboptions": doc_suboptions({"x": value})["x"]} if "suboptions" in value else {})
                for sub, value in option["suboptions"].items()
            }
    return out


def extract(collection: Path) -> dict[str, Any]:
    """Run each module's main() from a copy of `collection` (plugins/) until it builds its ControllerAPIModule."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ansible_collections" / "awx" / "awx"
        for sub in ("plugins/modules", "plugins/module_utils", "plugins/doc_fragments"):
            (root / sub).mkdir(parents=True)
            for path in (collection / sub).glob("*.py"):
                (root / sub / path.name).write_bytes(path.read_bytes())
        for package in (root.parents[1], root.parent, root, root / "plugins"):
            (package / "__init__.py").touch()
        sys.path.insert(0, tmp)
        try:
            api = importlib.import_module("ansible_collections.awx.awx.plugins.module_utils.controller_api")
            auth = plain(api.ControllerModule.AUTH_ARGSPEC)

            def capture(self, argument_spec=None, **kwargs):
                raise Captured(argument_spec, kwargs)

            api.ControllerAPIModule.__init__ = capture
            modules: dict[str, Any] = {}
            for name in MODULES:
                module = importlib.import_module("ansible_collections.awx.awx.plugins.modules.%s" % name)
                spec: dict[str, Any] | None = None
                kwargs: dict[str, Any] = {}
                try:
                    module.main()
                except Captured as captured:
                    spec, kwargs = captured.argument_spec, captured.kwargs
                if spec is None:
                    raise SystemExit("%s: main() did not build a ControllerAPIModule" % name)
                documentation = yaml.safe_load(module.DOCUMENTATION)
                entry: dict[str, Any] = {"argument_spec": plain(spec)}
                for key in CHECK_KEYS:
                    if kwargs.get(key):
                        entry[key] = json.loads(json.dumps(kwargs[key]))
                suboptions = doc_suboptions(documentation.get("options") or {})
                if suboptions:
                    entry["doc_suboptions"] = suboptions
                modules[name] = entry
        finally:
            sys.path.remove(tmp)
            for loaded in [m for m in sys.modules if m.startswith("ansible_collections.awx")]:
                del sys.modules[loaded]
    return {"auth_argument_spec": auth, "modules": modules}


def from_git(git_dir: str, rev: str) -> tuple[Path, str, str, tempfile.TemporaryDirectory]:
    """Check out awx_collection of `rev` from a (bare) git directory into a temporary directory."""
    commit = subprocess.run(
        ["git", "--git-dir", git_dir, "rev-parse", rev], check=True, capture_output=True, text=True
    ).stdout.strip()
    described = subprocess.run(
        ["git", "--git-dir", git_dir, "describe", "--tags", commit], capture_output=True, text=True, check=False
    ).stdout.strip()
    tmp = tempfile.TemporaryDirectory()
    archive = subprocess.run(
        ["git", "--git-dir", git_dir, "archive", "--format=tar", commit, "awx_collection"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", tmp.name], input=archive, check=True)
    return Path(tmp.name) / "awx_collection", commit, described, tmp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--git", help="a git directory of github.com/ansible/awx")
    source.add_argument("--collection", help="an installed awx.awx collection (holds plugins/modules)")
    parser.add_argument("--rev", default="HEAD", help="with --git: the commit or tag (default HEAD)")
    parser.add_argument("--output", default=str(OUT))
    args = parser.parse_args()
    if args.git:
        collection, commit, described, keep = from_git(args.git, args.rev)
        source_text = "github.com/ansible/awx awx_collection at %s (git describe: %s)" % (commit, described or "?")
    else:
        collection = Path(args.collection)
        manifest = collection / "MANIFEST.json"
        version = json.loads(manifest.read_text())["collection_info"]["version"] if manifest.is_file() else "?"
        source_text = "awx.awx %s installed at %s" % (version, collection)
    snapshot = {"source": source_text, "script": "tests/awx/snapshot_awx_argspecs.py"} | extract(collection)
    Path(args.output).write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("wrote %s: %d modules from %s" % (args.output, len(snapshot["modules"]), source_text))


if __name__ == "__main__":
    main()
