# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one module shell: every module is ``run_module(module, make_client, work)``.

It masks credentials written into URL options, fails cleanly when ``requests`` is missing, turns every typed
error of the client into ``fail_json`` (the only place modules call it), closes the HTTP session, and puts
``api_calls`` and ``rate_limit`` into every result, failed ones included.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.accessops.atlassian.plugins.module_utils._args import (
    accounting,
    admin_settings,
    admin_transport_from_params,
    bitbucket_transport_from_params,
    error_result,
    permission_argument_spec,
    permission_module_kwargs,
    protect_url_credentials,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket import BitbucketClient
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AtlassianError
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


def run_module(module, make_client, work):
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


def bitbucket_client(params, warn):
    """The BitbucketClient of a task (``make_client`` of :func:`run_module`)."""
    return BitbucketClient(bitbucket_transport_from_params(params, warn=warn))


def admin_client(params, warn):
    """The AdminClient of a task (``make_client`` of :func:`run_module`)."""
    # imported here: only the Admin API modules need it
    from ansible_collections.accessops.atlassian.plugins.module_utils._admin import AdminClient

    org_id, directory_id = admin_settings(params)
    return AdminClient(admin_transport_from_params(params, warn=warn), org_id, directory_id)


def run_permission_module(scope):
    """The whole ``main()`` of an explicit-permission module for ``scope``."""
    # imported here: the engine is only needed by the permission modules
    from ansible_collections.accessops.atlassian.plugins.module_utils._permission_engine import run_permissions

    module = AnsibleModule(argument_spec=permission_argument_spec(scope), **permission_module_kwargs(scope))
    run_module(module, bitbucket_client,
               lambda client, module: run_permissions(client, scope, module.params, check_mode=module.check_mode))
