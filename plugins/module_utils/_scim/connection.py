# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SCIM connection: argument spec (with environment fallbacks), the Transport and the ScimClient of one SCIM
directory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.accessops.atlassian.plugins.module_utils._args import common_spec, or_default, transport_options
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import scim_auth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.client import ScimClient
from ansible_collections.accessops.atlassian.plugins.module_utils._journal import journal_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport
from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate

DEFAULT_SCIM_URL = "https://api.atlassian.com"


def scim_argument_spec() -> dict[str, Any]:
    """Connection options of every SCIM module (a new dict each call)."""
    spec = dict(
        scim_url=dict(type="str", default=DEFAULT_SCIM_URL, fallback=(env_fallback, ["ATLASSIAN_SCIM_URL"])),
        directory_id=dict(type="str", fallback=(env_fallback, ["ATLASSIAN_SCIM_DIRECTORY_ID"])),
        scim_token=dict(type="str", no_log=True, fallback=(env_fallback, ["ATLASSIAN_SCIM_TOKEN"])),
    )
    spec.update(common_spec("ATLASSIAN_SCIM"))
    spec.update(journal_spec())
    return spec


def scim_base_url(scim_url: str | None, directory_id: Any) -> str:
    """``{scim_url}/scim/directory/{directory_id}`` (both validated)."""
    if directory_id is None or directory_id == "":
        raise ConfigurationError("directory_id is required: set it or ATLASSIAN_SCIM_DIRECTORY_ID")
    directory_id = validate.opaque_id(directory_id, "directory_id", "a directory id (letters, digits, '-', '_', '.', '~')")
    return (scim_url or DEFAULT_SCIM_URL).rstrip("/") + "/scim/directory/" + validate.encode_segment(directory_id)


def scim_transport_from_params(params: dict[str, Any], warn: Callable[[str], Any] | None = None, **kwargs: Any) -> Transport:
    """A Transport for one SCIM directory from module params (ConfigurationError on bad options)."""
    scim_url = validate.url(or_default(params, "scim_url", DEFAULT_SCIM_URL), "scim_url", warn)
    base_url = scim_base_url(scim_url, params.get("directory_id"))
    auth = scim_auth(params.get("scim_token"))
    options = transport_options(params, warn)
    options["url_hint"] = "scim_url / ATLASSIAN_SCIM_URL"
    options.update(kwargs)
    return Transport(base_url, auth, warn=warn, **options)


def scim_client(params: dict[str, Any], warn: Callable[[str], Any] | None) -> ScimClient:
    """The ScimClient of a task (``make_client`` of ``_module.run_module``), which knows its directory id."""
    transport = scim_transport_from_params(params, warn=warn)  # validates directory_id
    return ScimClient(transport, str(params.get("directory_id")).strip())
