# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options and the whole ``main()`` of ``atlassian_scim_user`` (one user, or a list of users)."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.module_utils._scim.connection import scim_argument_spec, scim_client
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.client import (
    IGNORED_OPTION,
    IGNORED_OPTION_REMOVED_IN,
    MANAGED_OPTIONS,
    ensure_user,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.bulk import (
    DEFAULT_CONCURRENCY,
    concurrency_of,
    ensure_users,
    ignored_option_warnings,
)


def _user_options(item):
    """The options of one user: top level (single form, no defaults there: see ``users``) or in an item of ``users``."""
    options = dict(
        user_name=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"]),
        active=dict(type="bool"),
    )
    if item:
        options["user_name"]["required"] = True
        options["state"]["default"] = "present"
    for option in MANAGED_OPTIONS:
        if option != "active":
            options[option] = dict(type="str")
    # deprecated, never sent (ignored_option_warnings); ansible-core >= 2.16 also reports a deprecated sub-option
    options[IGNORED_OPTION] = dict(
        type="str", removed_in_version=IGNORED_OPTION_REMOVED_IN, removed_from_collection="accessops.atlassian"
    )
    return options


def user_argument_spec():
    """The options of atlassian_scim_user: the SCIM connection, one user, ``users`` and ``concurrency``."""
    spec = scim_argument_spec()
    spec.update(_user_options(item=False))
    spec.update(
        users=dict(type="list", elements="dict", options=_user_options(item=True)),
        concurrency=dict(type="int", default=DEFAULT_CONCURRENCY),
    )
    return spec


def _ensure(client, module):
    params = module.params
    concurrency_of(params)  # checked in both forms, before any request
    if params["users"] is not None:
        return ensure_users(client, params, check_mode=module.check_mode)
    desired = {option: params[option] for option in MANAGED_OPTIONS}
    return ensure_user(
        client, params["user_name"], desired, state=params["state"] or "present", check_mode=module.check_mode
    ), False


def run_user_module():
    """The whole ``main()`` of atlassian_scim_user."""
    module = AnsibleModule(
        argument_spec=user_argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[("user_name", "users")],
        required_one_of=[("user_name", "users")],
    )
    for warning in ignored_option_warnings(module.params):  # the deprecated locale: never sent
        module.warn(warning)
    run_module(module, scim_client, _ensure)
