# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run-wide plan journal (option ``plan_journal``): each change a task makes, or would make in check mode, is
appended to one file as a JSON line ``{"item": <change>, "check_mode": <bool>, "module": "<short name>"}``, the
shared item schema of the plans (docs/plans.md). The runbooks build their plan from it.

The module shell (``_module.run_module``) writes it once for every module, from the ``changes`` of the result: the
modules themselves never write it. Many tasks (processes, or threads) may append to the same file: each append is
one ``write`` of whole lines under an exclusive ``fcntl.flock``, on a file opened ``O_APPEND``. The file is created
``0600`` (an existing one readable by others is made ``0600`` when it is ours, refused otherwise), as
``_accounting.RequestLedger`` does; it holds no credential.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from collections.abc import Iterable
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError

JOURNAL_OPTION = "plan_journal"
JOURNAL_ENV = "ACCESSOPS_PLAN_JOURNAL"
_FLAGS = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def journal_spec() -> dict[str, Any]:
    """The ``plan_journal`` option of every connection's argument spec (a new dict each call)."""
    return {JOURNAL_OPTION: dict(type="path", fallback=(env_fallback, [JOURNAL_ENV]))}


def journal_path(params: dict[str, Any]) -> str | None:
    """The journal file of the options (None: not set, or an empty variable), an absolute path (ConfigurationError
    otherwise, before any request)."""
    path = params.get(JOURNAL_OPTION)
    if not path:
        return None
    path = os.path.expanduser(str(path))
    if not os.path.isabs(path) or validate.has_control(path):
        raise ConfigurationError(
            "%s must be an absolute path of a file (created 0600 when missing), not %s" % (JOURNAL_OPTION, validate.show(path))
        )
    return path


def _error(path: str, why: Any) -> ConfigurationError:
    return ConfigurationError("%s: cannot write %s: %s" % (JOURNAL_OPTION, path, why))


def _open(path: str, create: bool) -> int:
    """An ``O_APPEND`` descriptor of the journal, a regular file of mode 0600 (ConfigurationError otherwise)."""
    try:
        fd = os.open(path, _FLAGS | (os.O_CREAT if create else 0), 0o600)
    except OSError as exc:
        raise _error(path, exc.strerror or exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _error(path, "it is not a regular file")
        if info.st_mode & 0o077:
            if info.st_uid != os.geteuid():
                raise _error(
                    path, "it can be read by other users and belongs to another one; use a file of your own (it is created 0600)"
                )
            os.fchmod(fd, 0o600)
    except OSError as exc:
        os.close(fd)
        raise _error(path, exc.strerror or exc) from None
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_journal(path: str) -> None:
    """Before any request: the journal can be written (an existing file opened for appending, or a missing one's
    directory writable). Creates nothing. ConfigurationError otherwise."""
    if os.path.lexists(path):
        os.close(_open(path, create=False))
        return
    directory = os.path.dirname(path) or "/"
    if not os.path.isdir(directory):
        raise _error(path, "the directory %s does not exist" % directory)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise _error(path, "the directory %s is not writable" % directory)


def journal_lines(changes: Iterable[dict[str, Any]], check_mode: bool, module_name: str) -> bytes:
    """The journal lines of ``changes``: one JSON object per line (ASCII, so no character of a value breaks a line)."""
    return b"".join(
        json.dumps({"item": change, "check_mode": bool(check_mode), "module": module_name}, default=str).encode("ascii") + b"\n"
        for change in changes
    )


def append_changes(path: str, changes: Iterable[dict[str, Any]], check_mode: bool, module_name: str) -> int:
    """Append one line per change to the journal at ``path`` (created 0600 when missing) under an exclusive flock, in
    one write; return how many lines. ConfigurationError (``plan_journal: cannot write ...``) when it cannot."""
    data = journal_lines(changes, check_mode, module_name)
    if not data:
        return 0
    fd = _open(path, create=True)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError as exc:
        raise _error(path, exc.strerror or exc) from None
    finally:
        os.close(fd)
    return data.count(b"\n")
