# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization Admin API connection: argument spec (with environment fallbacks), the validated settings, the
Transport and the AdminClient of a task; the ApiTokenClient of the user-management API (same options and key, base
URL ``admin_url`` without ``/admin``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.accessops.atlassian.plugins.module_utils._admin.client import AdminClient
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.tokens import ApiTokenClient
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.writes import ALL_DIRECTORIES
from ansible_collections.accessops.atlassian.plugins.module_utils._args import common_spec, or_default, transport_options
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import admin_auth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError
from ansible_collections.accessops.atlassian.plugins.module_utils._journal import journal_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport
from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate

DEFAULT_ADMIN_URL = "https://api.atlassian.com"
ADMIN_BASE_PATH = "/admin"  # the Organizations REST API; the user-management API is served at admin_url itself


def admin_argument_spec() -> dict[str, Any]:
    """Connection options of every organization Admin API module (a new dict each call)."""
    spec = dict(
        admin_url=dict(type="str", default=DEFAULT_ADMIN_URL, fallback=(env_fallback, ["ATLASSIAN_ADMIN_URL"])),
        org_id=dict(type="str", fallback=(env_fallback, ["ATLASSIAN_ORG_ID"])),
        admin_api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["ATLASSIAN_ADMIN_API_KEY"])),
        admin_directory_id=dict(type="str", default=ALL_DIRECTORIES, fallback=(env_fallback, ["ATLASSIAN_ADMIN_DIRECTORY_ID"])),
    )
    spec.update(common_spec("ATLASSIAN_ADMIN"))
    spec.update(journal_spec())
    return spec


def admin_settings(params: dict[str, Any]) -> tuple[str, str]:
    """``(org_id, directory_id)`` of the Admin API options, validated (ConfigurationError naming the option)."""
    org_id = params.get("org_id")
    if org_id is None or org_id == "":
        raise ConfigurationError(
            "org_id is required: set it or ATLASSIAN_ORG_ID (the organization id, shown in the URL "
            "of admin.atlassian.com/o/{org_id})"
        )
    org_id = validate.opaque_id(org_id, "org_id", "an organization id (letters, digits, '-', '_', '.', '~')")
    directory_id = or_default(params, "admin_directory_id", ALL_DIRECTORIES)
    if directory_id != ALL_DIRECTORIES:
        directory_id = validate.opaque_id(
            directory_id, "admin_directory_id", "a directory id (letters, digits, '-', '_', '.', '~') or '-' for every directory"
        )
    return org_id, directory_id


def admin_transport_from_params(
    params: dict[str, Any], warn: Callable[[str], Any] | None = None, base_path: str = ADMIN_BASE_PATH, **kwargs: Any
) -> Transport:
    """A Transport for the organization Admin API (``{admin_url}/admin``) from module params (ConfigurationError on
    bad options); ``base_path=""``: the user-management API (``{admin_url}``), same key, retries and accounting."""
    admin_url = validate.url(or_default(params, "admin_url", DEFAULT_ADMIN_URL), "admin_url", warn)
    admin_settings(params)
    auth = admin_auth(params.get("admin_api_key"))
    options = transport_options(params, warn)
    options.update(kwargs)
    options.setdefault("url_hint", "admin_url / ATLASSIAN_ADMIN_URL")
    return Transport(admin_url.rstrip("/") + base_path, auth, warn=warn, **options)


def admin_client(params: dict[str, Any], warn: Callable[[str], Any] | None) -> AdminClient:
    """The AdminClient of a task (``make_client`` of ``_module.run_module``)."""
    org_id, directory_id = admin_settings(params)
    return AdminClient(admin_transport_from_params(params, warn=warn), org_id, directory_id)


def api_tokens_client(params: dict[str, Any], warn: Callable[[str], Any] | None) -> ApiTokenClient:
    """The ApiTokenClient of a task (``make_client`` of the API token modules): the user-management API at
    ``admin_url`` (no ``/admin``), with the organization API key."""
    org_id, _directory_id = admin_settings(params)
    return ApiTokenClient(admin_transport_from_params(params, warn=warn, base_path=""), org_id)
