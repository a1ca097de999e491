# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""accessops.atlassian.run_ledger: the run's ledger directory, made and removed on the controller in the task."""

from __future__ import annotations

import os
import stat
from unittest.mock import MagicMock

import pytest
import yaml
from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.accessops.atlassian.plugins.action import run_ledger as action
from ansible_collections.accessops.atlassian.plugins.modules import run_ledger as doc


@pytest.fixture(autouse=True)
def _tmp_as_tempdir(tmp_path, monkeypatch):
    monkeypatch.setattr(action.tempfile, "tempdir", str(tmp_path))


def run(args):
    task = MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = False
    loader = DataLoader()
    plugin = action.ActionModule(
        task, MagicMock(), MagicMock(), loader=loader, templar=Templar(loader=loader), shared_loader_obj=None
    )
    return plugin.run(task_vars={})


def test_present_makes_a_private_directory_and_names_the_ledger(tmp_path):
    result = run({})
    path = result["path"]
    assert os.path.dirname(path) == str(tmp_path) and os.path.basename(path).startswith("accessops-requests-ledger-")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    assert result["ledger"] == os.path.join(path, "bitbucket-requests.ledger") and result["changed"] is False
    assert run({})["path"] != path  # a new one each run


def test_absent_removes_it_with_the_ledger_and_again_is_no_error():
    path = run({})["path"]
    with open(os.path.join(path, "bitbucket-requests.ledger"), "w", encoding="ascii") as handle:
        handle.write("token\n")
    assert run({"state": "absent", "path": path})["removed"] is True
    assert not os.path.exists(path)
    assert run({"state": "absent", "path": path})["removed"] is False


@pytest.mark.parametrize("name", ["not-a-ledger", "accessops-requests-ledger-link"])
def test_absent_removes_nothing_but_its_own_directories(tmp_path, name):
    victim = tmp_path / "victim"
    victim.mkdir()
    target = tmp_path / name
    if name.endswith("link"):
        target.symlink_to(victim, target_is_directory=True)
    else:
        target.mkdir()
    with pytest.raises(AnsibleActionFail, match="nothing was removed"):
        run({"state": "absent", "path": str(target)})
    assert victim.exists() and target.exists()


def test_absent_needs_the_path():
    with pytest.raises(AnsibleActionFail, match="needs the path"):
        run({"state": "absent"})


def test_the_module_file_documents_the_action_options():
    documented = yaml.safe_load(doc.DOCUMENTATION)["options"]
    spec = doc.argument_spec()
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        assert documented[name]["type"] == option["type"] and documented[name].get("default") == option.get("default")
