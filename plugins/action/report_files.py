# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""accessops.atlassian.report_files: write a runbook's report files into one directory in one task
(plugins/modules/report_files.py documents it). On the controller the worker writes them itself; elsewhere each file
is transferred and installed with ansible.builtin.copy, the directory made with ansible.builtin.file."""

from __future__ import annotations

import os
import stat
import tempfile
from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.plugins.filter.core import to_nice_json

from ansible_collections.accessops.atlassian.plugins.modules.report_files import MODE, argument_spec
from ansible_collections.accessops.atlassian.plugins.plugin_utils._in_process import InProcessModules


def checked(args: dict[str, Any]) -> tuple[str, list[tuple[str, bytes]], int]:
    """(path, [(name, content as UTF-8)], mode) of valid arguments; AnsibleActionFail names what is wrong."""
    if not MODE.match(args["mode"]):
        raise AnsibleActionFail(
            "report_files: mode must be an octal string such as 0600 (got %r); nothing was written." % args["mode"]
        )
    files = []
    for entry in args["files"]:
        name = entry["name"]
        if not name or name in (".", "..") or "/" in name or "\0" in name:
            raise AnsibleActionFail("report_files: %r is not a file name (no directory part); nothing was written." % name)
        if entry.get("json") is not None:
            text = to_nice_json(entry["json"], indent=2) + "\n"
        elif isinstance(entry.get("content"), str):
            text = entry["content"]
        else:
            raise AnsibleActionFail(
                "report_files: the content of %s is not a string (give data as json); nothing was written." % name
            )
        files.append((name, text.encode("utf-8")))
    names = [name for name, _content in files]
    if len(set(names)) != len(names):
        raise AnsibleActionFail("report_files: each file name may appear once; nothing was written.")
    return args["path"], files, int(args["mode"].replace("0o", ""), 8)


def _holds(dest: str, content: bytes, mode: int) -> bool:
    """Whether ``dest`` is a regular file with exactly ``content`` and ``mode``."""
    try:
        info = os.lstat(dest)
        if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != mode or info.st_size != len(content):
            return False
        with open(dest, "rb") as handle:
            return handle.read() == content
    except FileNotFoundError:
        return False


def write_here(path: str, files: list[tuple[str, bytes]], mode: int, check: bool) -> list[str]:
    """Write ``files`` into ``path`` on this host; the names written (in check mode: that would be)."""
    if not os.path.isdir(path):
        if check:
            return [name for name, _content in files]
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
    written = []
    for name, content in files:
        dest = os.path.join(path, name)
        if _holds(dest, content, mode):
            continue
        written.append(name)
        if check:
            continue
        handle, temporary = tempfile.mkstemp(dir=path, prefix=".%s." % name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.chmod(temporary, mode)
            os.replace(temporary, dest)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
    return written


class ActionModule(InProcessModules):
    """Write report files into one directory (see plugins/modules/report_files.py)."""

    TRANSFERS_FILES = False  # a temporary directory only on the copy path (_write_there makes and removes it)
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result, task_vars, args = self.begin(tmp, task_vars, argument_spec())
        path, files, mode = checked(args)
        if self.controller_reason(task_vars) is None:
            written = write_here(path, files, mode, bool(self._task.check_mode))
        else:
            written = self._write_there(path, files, args["mode"], task_vars)
        result.update(changed=bool(written), path=path, files=[os.path.join(path, n) for n, _c in files], written=written)
        return result

    def _write_there(self, path: str, files: list[tuple[str, bytes]], mode: str, task_vars: dict[str, Any]) -> list[str]:
        """As ansible.builtin.file and ansible.builtin.copy would, on a target that is not this process's host."""
        made = self._execute_module(
            "ansible.legacy.file", {"path": path, "state": "directory", "mode": "0700"}, task_vars=task_vars
        )
        if made.get("failed"):
            raise AnsibleActionFail("report_files: could not make %s: %s" % (path, made.get("msg")))
        written = []
        tmpdir = self._connection._shell.tmpdir or self._make_tmp_path()  # pylint: disable=protected-access
        try:
            for index, (name, content) in enumerate(files):
                source = self._connection._shell.join_path(tmpdir, "report-%d" % index)  # pylint: disable=protected-access
                self._transfer_data(source, content)
                self._fixup_perms2((tmpdir, source))
                arguments = {"src": source, "dest": self._connection._shell.join_path(path, name), "mode": mode}
                arguments["_original_basename"] = name
                copied = self._execute_module("ansible.legacy.copy", arguments, task_vars=task_vars)
                if copied.get("failed"):
                    raise AnsibleActionFail("report_files: could not write %s: %s" % (name, copied.get("msg")))
                if copied.get("changed"):
                    written.append(name)
        finally:
            self._remove_tmp_path(tmpdir)
        return written
