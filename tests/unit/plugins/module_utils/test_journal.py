# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run-wide plan journal (``_journal``) and the module shell that writes it: one JSON line per change, 0600,
whole lines from concurrent writers, a typed error for a path that cannot be written (before any request when it is
known then), failed runs' partial changes journaled too."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import threading

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils import _module as shell
from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import ApiStats
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.connection import admin_argument_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.connection import bitbucket_argument_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, ConfigurationError
from ansible_collections.accessops.atlassian.plugins.module_utils._journal import (
    JOURNAL_ENV,
    append_changes,
    check_journal,
    journal_path,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.connection import scim_argument_spec


def change(number=1, **extra):
    item = {
        "api": "admin",
        "kind": "group_membership",
        "action": "add",
        "target": {"org": "org-1", "group_id": "g-%d" % number, "group_name": "group %d" % number},
        "subject": {"type": "user", "account_id": "712020:a"},
        "before": False,
        "after": True,
    }
    item.update(extra)
    return item


def lines(path):
    with open(path, "rb") as handle:
        data = handle.read()
    assert data.endswith(b"\n")
    return [json.loads(line) for line in data.split(b"\n")[:-1]]


def test_append_writes_one_line_per_change_and_appends_after_what_is_there(tmp_path):
    path = str(tmp_path / "journal.jsonl")
    assert append_changes(path, [change(1), change(2)], False, "atlassian_group_member") == 2
    assert append_changes(path, [change(3, action="remove", before=True, after=False)], True, "atlassian_group_member") == 1
    assert lines(path) == [
        {"item": change(1), "check_mode": False, "module": "atlassian_group_member"},
        {"item": change(2), "check_mode": False, "module": "atlassian_group_member"},
        {"item": change(3, action="remove", before=True, after=False), "check_mode": True, "module": "atlassian_group_member"},
    ]
    assert append_changes(path, [], False, "x") == 0 and len(lines(path)) == 3


def test_a_value_with_a_line_break_stays_on_its_line(tmp_path):
    path = str(tmp_path / "journal")
    append_changes(path, [change(1, after={"display_name": "Jane\nDoe\u2028"})], False, "atlassian_scim_user")
    with open(path, "rb") as handle:
        data = handle.read()
    assert data.count(b"\n") == 1 and data.isascii()
    assert lines(path)[0]["item"]["after"] == {"display_name": "Jane\nDoe\u2028"}


def test_the_journal_is_created_0600_and_an_existing_one_open_to_others_made_private(tmp_path):
    path = tmp_path / "journal"
    append_changes(str(path), [change()], False, "m")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    other = tmp_path / "other"
    other.write_text("")
    os.chmod(other, 0o644)
    append_changes(str(other), [change()], False, "m")
    assert stat.S_IMODE(os.stat(other).st_mode) == 0o600 and len(lines(other)) == 1


def _append_many(path, writer, count):
    for number in range(count):
        append_changes(
            path, [change(number, subject={"type": "user", "account_id": "w%d-%d" % (writer, number)})] * 3, False, "m"
        )


def test_processes_appending_at_once_keep_whole_lines(tmp_path):
    """Four processes of 50 appends of 3 lines: 600 whole lines, each append's lines together."""
    path = str(tmp_path / "journal")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(path, writer, 50)) for writer in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    found = [entry["item"]["subject"]["account_id"] for entry in lines(path)]
    assert len(found) == 600
    assert sorted(set(found)) == sorted("w%d-%d" % (w, n) for w in range(4) for n in range(50))
    assert all(found[i] == found[i + 1] == found[i + 2] for i in range(0, 600, 3))


def test_threads_appending_at_once_keep_whole_lines(tmp_path):
    path = str(tmp_path / "journal")
    threads = [threading.Thread(target=_append_many, args=(path, writer, 50)) for writer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = [entry["item"]["subject"]["account_id"] for entry in lines(path)]
    assert len(found) == 600 and len(set(found)) == 200


def test_a_path_that_cannot_be_written_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="^plan_journal: cannot write .*missing-dir"):
        append_changes(str(tmp_path / "missing-dir" / "journal"), [change()], False, "m")
    with pytest.raises(ConfigurationError, match="^plan_journal: cannot write"):
        append_changes(str(tmp_path), [change()], False, "m")  # a directory
    os.symlink(tmp_path / "target", tmp_path / "link")
    with pytest.raises(ConfigurationError, match="^plan_journal: cannot write"):
        append_changes(str(tmp_path / "link"), [change()], False, "m")  # never followed
    assert not (tmp_path / "target").exists()


def test_check_journal_creates_nothing_and_refuses_what_append_would(tmp_path):
    check_journal(str(tmp_path / "new"))
    assert not (tmp_path / "new").exists()
    for bad in (tmp_path / "missing-dir" / "journal", tmp_path):
        with pytest.raises(ConfigurationError, match="^plan_journal: cannot write"):
            check_journal(str(bad))


def test_journal_path_is_absolute_or_refused():
    assert journal_path({}) is None and journal_path({"plan_journal": ""}) is None
    assert journal_path({"plan_journal": "/tmp/run/journal"}) == "/tmp/run/journal"
    for bad in ("relative/journal", "/tmp/a\nb"):
        with pytest.raises(ConfigurationError, match="^plan_journal must be an absolute path"):
            journal_path({"plan_journal": bad})


@pytest.mark.parametrize("spec", [bitbucket_argument_spec, scim_argument_spec, admin_argument_spec])
def test_every_connection_has_the_option_with_its_environment_variable(spec):
    option = spec()["plan_journal"]
    assert option["type"] == "path" and option["fallback"][1] == [JOURNAL_ENV] == ["ACCESSOPS_PLAN_JOURNAL"]
    assert "default" not in option and not option.get("no_log")


# -- the module shell ------------------------------------------------------------------------------------------------


class Exited(Exception):
    def __init__(self, failed, result):
        super().__init__("exit")
        self.failed = failed
        self.result = result


class FakeModule:
    def __init__(self, params=None, check_mode=False, name="accessops.atlassian.atlassian_group_member"):
        self.params = params or {}
        self.no_log_values = set()
        self.check_mode = check_mode
        self._name = name

    def warn(self, text):
        pass

    def fail_json(self, **result):
        raise Exited(True, result)

    def exit_json(self, **result):
        raise Exited(False, result)


class FakeClient:
    def __init__(self):
        self.stats = ApiStats()
        self.closed = 0

    def close(self):
        self.closed += 1


def _run(work, params, check_mode=False, made=None):
    def make_client(params, warn):
        client = FakeClient()
        if made is not None:
            made.append(client)
        return client

    with pytest.raises(Exited) as caught:
        shell.run_module(FakeModule(params, check_mode), make_client, work)
    return caught.value


def test_the_shell_journals_the_changes_of_a_run_check_mode_included(tmp_path):
    path = str(tmp_path / "journal")
    done = _run(lambda client, module: ({"changed": True, "changes": [change(1)]}, False), {"plan_journal": path})
    assert not done.failed and done.result["changes"] == [change(1)]
    _run(lambda client, module: ({"changed": True, "changes": [change(2)]}, False), {"plan_journal": path}, check_mode=True)
    _run(lambda client, module: ({"changed": False, "changes": []}, False), {"plan_journal": path})
    assert lines(path) == [
        {"item": change(1), "check_mode": False, "module": "atlassian_group_member"},
        {"item": change(2), "check_mode": True, "module": "atlassian_group_member"},
    ]


def test_without_the_option_or_without_changes_nothing_is_written(tmp_path):
    _run(lambda client, module: ({"changed": True, "changes": [change(1)]}, False), {})
    _run(lambda client, module: ({"changed": False}, False), {"plan_journal": str(tmp_path / "journal")})
    assert list(tmp_path.iterdir()) == []


def test_a_failed_run_journals_what_it_applied_before_failing(tmp_path):
    path = str(tmp_path / "journal")
    done = _run(
        lambda client, module: ({"changed": True, "changes": [change(1)], "msg": "Failed on g-2"}, True), {"plan_journal": path}
    )
    assert done.failed and done.result["msg"] == "Failed on g-2"
    assert [entry["item"] for entry in lines(path)] == [change(1)]


def test_an_error_that_carries_its_applied_changes_is_reported_and_journaled(tmp_path):
    path = str(tmp_path / "journal")

    def work(client, module):
        err = ApiError("PATCH /Users/u-1 failed with HTTP 500", method="PATCH", status=500)
        err.changes = [change(1)]
        raise err

    done = _run(work, {"plan_journal": path})
    assert done.failed and done.result["changed"] is True and done.result["changes"] == [change(1)]
    assert done.result["status"] == 500 and [entry["item"] for entry in lines(path)] == [change(1)]


def test_a_journal_that_cannot_be_written_fails_before_the_client_exists(tmp_path):
    made = []
    done = _run(lambda client, module: pytest.fail("no work"), {"plan_journal": str(tmp_path / "no" / "j")}, made=made)
    assert done.failed and done.result["msg"].startswith("plan_journal: cannot write") and made == []
    assert done.result["api_calls"] == {"total": 0}


def test_a_journal_lost_after_the_changes_fails_the_task_and_keeps_them(tmp_path):
    path = tmp_path / "journal"

    def work(client, module):
        path.mkdir()  # the file became a directory during the task
        return {"changed": True, "changes": [change(1)]}, False

    done = _run(work, {"plan_journal": str(path)})
    assert done.failed and done.result["changed"] is True and done.result["changes"] == [change(1)]
    assert done.result["msg"].startswith("plan_journal: cannot write") and "were made" in done.result["msg"]


def test_the_module_short_name_comes_from_ansible_core_s_name():
    assert shell.module_short_name(FakeModule(name="accessops.atlassian.atlassian_user")) == "atlassian_user"
    assert shell.module_short_name(FakeModule(name="atlassian_user")) == "atlassian_user"
