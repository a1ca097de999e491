# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one module shell: every module is ``run_module(module, make_client, work)``.

It masks credentials written into URL options, fails cleanly when ``requests`` is missing, turns every typed
error of the client into ``fail_json`` (the only place modules call it), closes the HTTP session, and puts
``api_calls`` and ``rate_limit`` into every result, failed ones included.

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
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ApiClient


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
    try:
        client = make_client(module.params, module.warn)
        result, failed = work(client, module)
    except AtlassianError as err:
        module.fail_json(changed=False, **error_result(err, client))
    finally:
        if client is not None:
            client.close()
    result.update(accounting(client))
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)
