# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one module shell: every module is ``run_module(module, make_client, work)``.

It masks credentials written into URL options, fails cleanly when ``requests`` is missing, turns every typed
error of the client into ``fail_json`` (the only place modules call it), closes the HTTP session, and puts
``api_calls`` and ``rate_limit`` into every result, failed ones included.

With ``plan_journal`` set (``_journal``), it appends the result's ``changes`` (the change items of a write module) to
that file, check mode or not, failed runs included (what they applied before failing); a client error raised after a
part of the work was applied may carry that part as ``err.changes``. The path is checked before the client is built.

It imports no product: each product's ``connection`` gives the ``make_client`` (``_bitbucket.connection.bitbucket_client``,
``_admin.connection.admin_client``...), ``_permissions.argspec.run_permission_module`` the permission modules' main().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import accounting, error_result
from ansible_collections.accessops.atlassian.plugins.module_utils._args import protect_url_credentials
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AtlassianError
from ansible_collections.accessops.atlassian.plugins.module_utils._journal import append_changes, check_journal, journal_path
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ApiClient


def module_short_name(module: Any) -> str:
    """The module's short name (``atlassian_user``) from the name ansible-core gives it (FQCN or short)."""
    name = str(getattr(module, "_name", "") or "")
    name = name.rsplit(".", 1)[-1] if not name.endswith(".py") else name[: -len(".py")]
    return name or "unknown"


def _journal(module: Any, path: str | None, result: dict[str, Any]) -> bool:
    """Append the result's ``changes`` to the journal at ``path`` (nothing without one); False, with the error in
    ``result`` (``msg``), when it cannot be written."""
    changes = result.get("changes")
    if not path or not changes or not isinstance(changes, list):
        return True
    try:
        append_changes(path, changes, bool(getattr(module, "check_mode", False)), module_short_name(module))
    except AtlassianError as err:
        done = "would be made (check mode)" if getattr(module, "check_mode", False) else "were made"
        earlier = result.get("msg")
        result["msg"] = "%s. The changes (see changes) %s but are not in the plan journal%s" % (
            err.message,
            done,
            "; and: %s" % earlier if earlier else "",
        )
        return False
    return True


def run_module(
    module: Any,
    make_client: Callable[[dict[str, Any], Callable[[str], Any]], ApiClient],
    work: Callable[[Any, Any], tuple[dict[str, Any], bool]],
) -> None:
    """``make_client(params, warn)`` builds the client (ConfigurationError on bad options, no request);
    ``work(client, module)`` returns ``(result, failed)``. Exits the module."""
    protect_url_credentials(module)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    client = None
    journal = None
    try:
        journal = journal_path(module.params)
        if journal is not None:
            check_journal(journal)  # before any request: a journal that cannot be written stops the task here
        client = make_client(module.params, module.warn)
        result, failed = work(client, module)
    except AtlassianError as err:
        failure = dict(changed=False, **error_result(err, client))
        changes = getattr(err, "changes", None)
        if changes:  # applied before the error
            failure.update(changed=True, changes=list(changes))
            _journal(module, journal, failure)
        module.fail_json(**failure)
    finally:
        if client is not None:
            client.close()
    result.update(accounting(client))
    if not _journal(module, journal, result):
        failed = True
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)
