# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""accessops.atlassian.run_ledger: make or remove the directory of a run's request ledger, on the controller, in the
task itself (no module process: the collection playbooks call it twice a run, and a module task costs about half a
second of start-up). plugins/modules/run_ledger.py documents it."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.accessops.atlassian.plugins.modules.run_ledger import PREFIX, argument_spec


def make_directory() -> str:
    """A new directory only this user can enter (mkdtemp: 0700, a name nobody could have taken)."""
    return tempfile.mkdtemp(prefix=PREFIX)


def remove_directory(path: str) -> bool:
    """Remove a directory make_directory() made; False when it is already gone. Refuses anything else: a path
    that is not named as ours, a link, or a directory of another user."""
    if not os.path.basename(os.path.normpath(path)).startswith(PREFIX):
        raise AnsibleActionFail("run_ledger: %s is not a run ledger directory (%s*); nothing was removed." % (path, PREFIX))
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise AnsibleActionFail("run_ledger: %s is not a directory of this user; nothing was removed." % path)
    shutil.rmtree(path)
    return True


class ActionModule(ActionBase):
    """Make (state=present) or remove (state=absent) a run's request ledger directory."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=argument_spec())
        # like the tempfile task it replaces (check_mode: false): the ledger is the run's own bookkeeping, not a change
        if args["state"] == "present":
            path = make_directory()
            result.update(changed=False, path=path, ledger=os.path.join(path, "bitbucket-requests.ledger"))
        else:
            if not args.get("path"):
                raise AnsibleActionFail("run_ledger: state=absent needs the path state=present returned.")
            result.update(changed=False, path=args["path"], removed=remove_directory(args["path"]))
        return result
