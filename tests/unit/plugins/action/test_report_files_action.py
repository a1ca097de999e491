# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""accessops.atlassian.report_files: report files written on the controller in the task (the other path, through
ansible.builtin.copy, is run by tests/integration/test_report_files.py)."""

from __future__ import annotations

import os
import stat
from unittest.mock import MagicMock

import pytest
import yaml
from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.accessops.atlassian.plugins.action import report_files as action
from ansible_collections.accessops.atlassian.plugins.modules import report_files as doc


def run(args, check=False):
    task = MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = check
    loader = DataLoader()
    connection = MagicMock(transport="local")
    context = MagicMock(become=False)
    plugin = action.ActionModule(task, connection, context, loader=loader, templar=Templar(loader=loader), shared_loader_obj=None)
    plugin._execute_module = MagicMock(side_effect=AssertionError("nothing runs as a module on the controller"))
    return plugin.run(task_vars={})


def files(**contents):
    return [{"name": name.replace("_", "."), "content": content} for name, content in contents.items()]


def test_makes_a_private_directory_and_writes_each_file_with_its_mode(tmp_path):
    path = tmp_path / "reports" / "deeper"
    result = run({"path": str(path), "files": files(a_json='{"x": 1}\n', a_md="# Report é\n")})
    assert result["changed"] is True and result["written"] == ["a.json", "a.md"]
    assert result["files"] == [str(path / "a.json"), str(path / "a.md")]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    assert (path / "a.md").read_text(encoding="utf-8") == "# Report é\n"
    assert stat.S_IMODE(os.stat(path / "a.json").st_mode) == 0o600
    assert sorted(os.listdir(path)) == ["a.json", "a.md"]  # no temporary file left


def test_the_same_content_is_left_alone_and_a_new_one_replaces_it(tmp_path):
    run({"path": str(tmp_path), "files": files(r_md="one\n", s_md="two\n")})
    before = os.stat(tmp_path / "r.md").st_ino
    again = run({"path": str(tmp_path), "files": files(r_md="one\n", s_md="TWO\n")})
    assert again["changed"] is True and again["written"] == ["s.md"]
    assert os.stat(tmp_path / "r.md").st_ino == before
    assert (tmp_path / "s.md").read_text(encoding="utf-8") == "TWO\n"
    assert run({"path": str(tmp_path), "files": files(r_md="one\n", s_md="TWO\n")})["changed"] is False


def test_a_mode_change_alone_is_written(tmp_path):
    run({"path": str(tmp_path), "files": files(r_md="one\n")})
    result = run({"path": str(tmp_path), "files": files(r_md="one\n"), "mode": "0640"})
    assert result["written"] == ["r.md"]
    assert stat.S_IMODE(os.stat(tmp_path / "r.md").st_mode) == 0o640


def test_check_mode_writes_nothing_and_says_what_would_be(tmp_path):
    path = tmp_path / "new"
    result = run({"path": str(path), "files": files(r_md="one\n")}, check=True)
    assert result["changed"] is True and result["written"] == ["r.md"] and not path.exists()
    run({"path": str(tmp_path), "files": files(r_md="one\n")})
    assert run({"path": str(tmp_path), "files": files(r_md="changed\n")}, check=True)["written"] == ["r.md"]
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == "one\n"


@pytest.mark.parametrize(
    "args, message",
    [
        ({"files": [{"name": "../escape.md", "content": "x"}]}, "is not a file name"),
        ({"files": [{"name": "..", "content": "x"}]}, "is not a file name"),
        ({"files": [{"name": "a.md", "content": "x"}, {"name": "a.md", "content": "y"}]}, "may appear once"),
        ({"files": [{"name": "a.md", "content": "x"}], "mode": "u=rw"}, "octal"),
    ],
)
def test_refusals_write_nothing(tmp_path, args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        run(dict(args, path=str(tmp_path / "out")))
    assert not (tmp_path / "out").exists()


def test_json_data_is_written_as_to_nice_json_writes_it(tmp_path):
    data = {"b": [1, True, None], "a": "é"}
    run({"path": str(tmp_path), "files": [{"name": "r.json", "json": data}]})
    text = (tmp_path / "r.json").read_text(encoding="utf-8")
    assert text == '{\n  "a": "\\u00e9",\n  "b": [\n    1,\n    true,\n    null\n  ]\n}\n'


def test_content_that_is_not_a_string_is_refused(tmp_path):
    with pytest.raises(AnsibleActionFail, match="not a string"):
        run({"path": str(tmp_path), "files": [{"name": "r.json", "content": {"a": 1}}]})


def test_the_documented_options_are_the_action_options():
    options = yaml.safe_load(doc.DOCUMENTATION)["options"]
    spec = doc.argument_spec()
    assert sorted(options) == sorted(spec)
    assert sorted(options["files"]["suboptions"]) == sorted(spec["files"]["options"])
    assert options["mode"]["default"] == spec["mode"]["default"]
