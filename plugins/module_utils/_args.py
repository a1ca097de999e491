# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every connection shares: the TLS, timeout and retry options (with environment fallbacks), their validation,
and URL credentials masked. The accounting and error keys of every module result are in ``_accounting``.

Each product owns its own argument spec and factories: ``_bitbucket.connection``, ``_scim.connection``,
``_admin.connection`` (and ``_permissions.argspec`` for the permission modules).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 5


def common_spec(prefix: str) -> dict[str, Any]:
    """TLS, timeout and retry options of a connection, with ``{prefix}_*`` environment fallbacks."""
    return dict(
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, [prefix + "_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, [prefix + "_CA_PATH"])),
        timeout=dict(type="float", default=DEFAULT_TIMEOUT, fallback=(env_fallback, [prefix + "_TIMEOUT"])),
        max_retries=dict(type="int", default=DEFAULT_MAX_RETRIES, fallback=(env_fallback, [prefix + "_MAX_RETRIES"])),
    )


def or_default(params: dict[str, Any], option: str, default: Any) -> Any:
    """The option's value, its default when it is not set at all (None); an empty string stays empty (and is refused:
    an empty variable must not switch the target to the default service)."""
    value = params.get(option)
    return default if value is None else value


URL_OPTIONS = ("api_url", "token_url", "scim_url", "admin_url")


def protect_url_credentials(module: Any) -> None:
    """Mask a password written into a URL option wherever ansible-core shows the options (the failed result's
    ``invocation``), before the option is refused."""
    module.no_log_values.update(validate.url_passwords(module.params, URL_OPTIONS))


def transport_options(params: dict[str, Any], warn: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """timeout, TLS and retry options, validated (ConfigurationError naming the option)."""
    max_retries = params.get("max_retries")
    if max_retries is None:
        max_retries = DEFAULT_MAX_RETRIES
    validate.bounded_int(max_retries, "max_retries", 0, validate.MAX_RETRIES)
    timeout = params.get("timeout")
    if timeout is None:
        timeout = DEFAULT_TIMEOUT
    timeout = validate.timeout(timeout)
    validate_certs = params.get("validate_certs")
    validate_certs = True if validate_certs is None else validate_certs
    ca_path = params.get("ca_path") or None
    if ca_path is not None:
        validate.text(ca_path, "ca_path", "the path of a CA bundle file", max_chars=4096)
    if not validate_certs and warn is not None:
        warn(
            "validate_certs is false: TLS certificates are not verified, so anyone on the network path can read and "
            "change the requests, credentials included. Use ca_path for a private CA instead"
        )
    return dict(timeout=timeout, validate_certs=validate_certs, ca_path=ca_path, max_retries=max_retries)
