# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""accessops.atlassian.report_files with real ansible-playbook: the files written by the worker on the controller and
through ansible.builtin.file / copy (``accessops_in_process: false``, the path of a remote target) are the same."""

from __future__ import annotations

import os
import stat

import yaml

DATA = {"person": "jane@acme.example", "removed": ["infra-core", "web-api"], "verified": True, "residual": None}


def playbook(directory, in_process):
    task = {
        "name": "Write the reports",
        "accessops.atlassian.report_files": {
            "path": str(directory),
            "files": [
                {"name": "report.json", "json": "{{ report_data }}"},
                {
                    "name": "report.md",
                    "content": "# Report\n\n{{ report_data.person }}: {{ report_data.removed | join(', ') }}\n",
                },
            ],
        },
        "vars": {"accessops_in_process": in_process, "report_data": DATA},
    }
    return yaml.safe_dump([{"name": "Reports", "hosts": "localhost", "gather_facts": False, "tasks": [task]}])


def written(directory):
    return {
        name: ((directory / name).read_text(encoding="utf-8"), stat.S_IMODE(os.stat(directory / name).st_mode))
        for name in sorted(os.listdir(directory))
    }


def test_the_worker_and_the_copy_module_write_the_same_files(ansible_run, tmp_path):
    here, there = tmp_path / "worker" / "reports", tmp_path / "copy" / "reports"
    first = ansible_run(playbook(here, True), verbosity=3)
    assert first.rc == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert first.tasks[0]["changed"] is True and first.tasks[0]["written"] == ["report.json", "report.md"]
    assert "AnsiballZ_copy.py" not in first.stdout  # no module process on the controller
    second = ansible_run(playbook(there, False), verbosity=3)
    assert second.rc == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert second.tasks[0]["written"] == ["report.json", "report.md"]
    assert "AnsiballZ_copy.py" in second.stdout
    assert written(here) == written(there)
    assert written(here)["report.json"][1] == 0o600
    assert stat.S_IMODE(os.stat(here).st_mode) == stat.S_IMODE(os.stat(there).st_mode) == 0o700
    assert '"removed": [\n    "infra-core",' in written(here)["report.json"][0]
    for directory, in_process in ((here, True), (there, False)):
        again = ansible_run(playbook(directory, in_process))
        assert again.rc == 0 and again.tasks[0]["changed"] is False and again.tasks[0]["written"] == []
