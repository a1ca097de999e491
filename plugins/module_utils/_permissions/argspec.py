# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options and the whole ``main()`` of an explicit-permission module."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.connection import (
    bitbucket_argument_spec,
    bitbucket_client,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._module import run_module
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.engine import run_permissions
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import Scope
from ansible_collections.accessops.atlassian.plugins.module_utils._workers import DEFAULT_CONCURRENCY


def permission_argument_spec(scope: Scope) -> dict[str, Any]:
    """Options of an explicit-permission module for ``scope`` (``_permissions.scopes.REPOSITORY`` or ``PROJECT``):
    the Bitbucket connection, the targets, users and groups with the scope's permission levels."""
    levels = list(scope.levels)

    def subjects(name: str) -> dict[str, Any]:
        return dict(
            type="list",
            elements="dict",
            required_if=[("state", "present", ("permission",))],
            options={
                name: dict(type="str", required=True),
                "permission": dict(type="str", choices=levels),
                "state": dict(type="str", choices=["present", "absent"], default="present"),
                "expect": dict(type="str", choices=levels + ["none"]),
            },
        )

    spec = bitbucket_argument_spec()
    spec.update(
        {
            "workspace": dict(type="str", required=True),
            scope.name: dict(type="str"),
            scope.plural: dict(type="list", elements="str"),
            "user": dict(type="str"),
            "users": subjects("user"),
            "group": dict(type="str"),
            "groups": subjects("group"),
            "permission": dict(type="str", choices=levels),
            "state": dict(type="str", choices=["present", "absent"]),
            "exclusive": dict(type="bool", default=False),
            "exempt": dict(type="list", elements="str", default=[]),
            "concurrency": dict(type="int", default=DEFAULT_CONCURRENCY),
        }
    )
    return spec


def permission_module_kwargs(scope: Scope) -> dict[str, Any]:
    """The AnsibleModule arguments of an explicit-permission module (besides ``argument_spec``)."""
    return dict(
        supports_check_mode=True,
        mutually_exclusive=[(scope.name, scope.plural), ("user", "users"), ("group", "groups")],
        required_one_of=[(scope.name, scope.plural), ("user", "users", "group", "groups")],
    )


def run_permission_module(scope: Scope) -> None:
    """The whole ``main()`` of an explicit-permission module for ``scope``."""
    module = AnsibleModule(argument_spec=permission_argument_spec(scope), **permission_module_kwargs(scope))
    run_module(
        module,
        bitbucket_client,
        lambda client, module: run_permissions(client, scope, module.params, check_mode=module.check_mode),
    )
