#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a stand-in awx.awx collection built from the argument-spec snapshot (tests/awx/awx_argspecs.json).

Each module of the snapshot becomes a module with the same argument spec and checks (AnsibleModule validates every
argument: unknown names, types, choices, required, required_if, mutually_exclusive) that calls no API: it appends
its validated parameters to the file named by AWX_STUB_RECORD, when set, and reports changed. `make lint` puts it
on the collections path so ansible-lint resolves (and its args rule checks) the awx.awx tasks of docs/awx/load.yml
offline; tests/unit/awx/test_awx_loader.py runs load.yml against it.

    python tests/awx/stub_collection.py DIR   # writes DIR/ansible_collections/awx/awx
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).resolve().parent / "awx_argspecs.json"

MODULE = '''#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Stand-in for awx.awx.%(name)s written by tests/awx/stub_collection.py from %(source)s: same argument spec, no API.
from __future__ import annotations

DOCUMENTATION = r"""
module: %(name)s
short_description: Stand-in for awx.awx.%(name)s (argument spec only)
description: Validates its arguments as awx.awx.%(name)s does and records them; calls no API.
author: accessops.atlassian tests
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule, env_fallback

SNAPSHOT = json.loads(r"""%(entry)s""")


def spec(options):
    out = {}
    for name, option in options.items():
        option = dict(option)
        if "fallback" in option:
            option["fallback"] = (env_fallback, option["fallback"]["env"])
        if "options" in option:
            option["options"] = spec(option["options"])
        out[name] = option
    return out


def main():
    checks = {key: SNAPSHOT[key] for key in ("mutually_exclusive", "required_if", "required_one_of", "required_together") if key in SNAPSHOT}
    module = AnsibleModule(argument_spec=spec(SNAPSHOT["argument_spec"]), supports_check_mode=True, **checks)
    record = os.environ.get("AWX_STUB_RECORD")
    if record:
        with open(record, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"module": "%(name)s", "params": module.params}, sort_keys=True) + "\\n")
    module.exit_json(changed=True, id=1)


if __name__ == "__main__":
    main()
'''


def load_snapshot(path: Path = SNAPSHOT) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def full_spec(snapshot: dict[str, Any], name: str) -> dict[str, Any]:
    """The whole argument spec of awx.awx.<name>: its own options and the authentication options of every module."""
    return dict(snapshot["auth_argument_spec"]) | snapshot["modules"][name]["argument_spec"]


def write_stub_collection(dest: Path, snapshot: dict[str, Any] | None = None) -> Path:
    """Write the stand-in collection under dest/ansible_collections/awx/awx; returns dest (a collections path)."""
    snapshot = snapshot or load_snapshot()
    root = dest / "ansible_collections" / "awx" / "awx"
    (root / "plugins" / "modules").mkdir(parents=True, exist_ok=True)
    (root / "meta").mkdir(exist_ok=True)
    (root / "meta" / "runtime.yml").write_text("---\nrequires_ansible: '>=2.15.0'\n", encoding="utf-8")
    manifest = {"collection_info": {"namespace": "awx", "name": "awx", "version": "0.0.1-stub", "dependencies": {}}}
    (root / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    for name, entry in snapshot["modules"].items():
        module_entry = {key: value for key, value in entry.items() if key != "doc_suboptions"}
        module_entry["argument_spec"] = full_spec(snapshot, name)
        text = MODULE % {"name": name, "source": snapshot["source"], "entry": json.dumps(module_entry, sort_keys=True)}
        (root / "plugins" / "modules" / ("%s.py" % name)).write_text(text, encoding="utf-8")
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: stub_collection.py DIR")
    print(write_stub_collection(Path(sys.argv[1])))
