# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of the three connection types (Bitbucket, SCIM, organization Admin API) (with environment fallbacks) and the factories
that build a Transport from a module's params.

The choice of exactly one Bitbucket auth method is checked in code (ConfigurationError), not
with AnsibleModule's mutually_exclusive: environment fallbacks fill options in before that
check and would make it reject or accept the wrong combinations.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ansible_collections.accessops.atlassian.plugins.module_utils._auth import (
    DEFAULT_TOKEN_URL,
    ClientCredentialsAuth,
    admin_auth,
    bitbucket_auth,
    scim_auth,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import (
    BITBUCKET_REQUESTS_PER_HOUR,
    ApiStats,
    RequestBudget,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket_workers import DEFAULT_CONCURRENCY
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AtlassianError, ConfigurationError
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport
from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate

DEFAULT_API_URL = "https://api.bitbucket.org/2.0"
DEFAULT_SCIM_URL = "https://api.atlassian.com"
DEFAULT_ADMIN_URL = "https://api.atlassian.com"
# "every directory this key may manage": documented for reads; writes are sent to a concrete directory
ALL_DIRECTORIES = "-"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 5
MAX_REQUESTS_PER_HOUR = 1000000

# No mutually_exclusive / required_together lists for AnsibleModule: with environment fallbacks they fail
# with generic messages (or wrongly, when a variable is set in the environment and another method in the task).
# bitbucket_transport_from_params checks the auth choice and names the options and variables involved.


def _common_spec(prefix):
    return dict(
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, [prefix + "_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, [prefix + "_CA_PATH"])),
        timeout=dict(type="float", default=DEFAULT_TIMEOUT, fallback=(env_fallback, [prefix + "_TIMEOUT"])),
        max_retries=dict(type="int", default=DEFAULT_MAX_RETRIES, fallback=(env_fallback, [prefix + "_MAX_RETRIES"])),
    )


def bitbucket_argument_spec():
    """Connection options of every Bitbucket module (a new dict each call)."""
    spec = dict(
        api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["BITBUCKET_API_URL"])),
        username=dict(type="str", fallback=(env_fallback, ["BITBUCKET_USERNAME"])),
        api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["BITBUCKET_API_TOKEN"])),
        access_token=dict(type="str", no_log=True, fallback=(env_fallback, ["BITBUCKET_ACCESS_TOKEN"])),
        client_id=dict(type="str", fallback=(env_fallback, ["BITBUCKET_CLIENT_ID"])),
        client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["BITBUCKET_CLIENT_SECRET"])),
        token_url=dict(type="str", default=DEFAULT_TOKEN_URL, no_log=False, fallback=(env_fallback, ["BITBUCKET_TOKEN_URL"])),
        requests_per_hour=dict(type="int", default=BITBUCKET_REQUESTS_PER_HOUR,
                               fallback=(env_fallback, ["BITBUCKET_REQUESTS_PER_HOUR"])),
    )
    spec.update(_common_spec("BITBUCKET"))
    return spec


def scim_argument_spec():
    """Connection options of every SCIM module (a new dict each call)."""
    spec = dict(
        scim_url=dict(type="str", default=DEFAULT_SCIM_URL, fallback=(env_fallback, ["ATLASSIAN_SCIM_URL"])),
        directory_id=dict(type="str", fallback=(env_fallback, ["ATLASSIAN_SCIM_DIRECTORY_ID"])),
        scim_token=dict(type="str", no_log=True, fallback=(env_fallback, ["ATLASSIAN_SCIM_TOKEN"])),
    )
    spec.update(_common_spec("ATLASSIAN_SCIM"))
    return spec


def admin_argument_spec():
    """Connection options of every organization Admin API module (a new dict each call)."""
    spec = dict(
        admin_url=dict(type="str", default=DEFAULT_ADMIN_URL, fallback=(env_fallback, ["ATLASSIAN_ADMIN_URL"])),
        org_id=dict(type="str", fallback=(env_fallback, ["ATLASSIAN_ORG_ID"])),
        admin_api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["ATLASSIAN_ADMIN_API_KEY"])),
        admin_directory_id=dict(type="str", default=ALL_DIRECTORIES, fallback=(env_fallback, ["ATLASSIAN_ADMIN_DIRECTORY_ID"])),
    )
    spec.update(_common_spec("ATLASSIAN_ADMIN"))
    return spec


def _or_default(params, option, default):
    """The option's value, its default when it is not set at all (None); an empty string stays empty (and is refused:
    an empty variable must not switch the target to the default service)."""
    value = params.get(option)
    return default if value is None else value


URL_OPTIONS = ("api_url", "token_url", "scim_url", "admin_url")


def protect_url_credentials(module):
    """Mask a password written into a URL option wherever ansible-core shows the options (the failed result's
    ``invocation``), before the option is refused."""
    module.no_log_values.update(validate.url_passwords(module.params, URL_OPTIONS))


def _transport_options(params, warn=None):
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
        warn("validate_certs is false: TLS certificates are not verified, so anyone on the network path can read and "
             "change the requests, credentials included. Use ca_path for a private CA instead")
    return dict(timeout=timeout, validate_certs=validate_certs, ca_path=ca_path, max_retries=max_retries)


def bitbucket_transport_from_params(params, warn=None, **kwargs):
    """A Transport for the Bitbucket API from module params (ConfigurationError on bad options).

    ``kwargs`` (e.g. ``retry_policy``, ``session``) go to Transport unchanged.
    """
    api_url = validate.url(_or_default(params, "api_url", DEFAULT_API_URL), "api_url", warn)
    auth = bitbucket_auth(
        username=params.get("username"),
        api_token=params.get("api_token"),
        access_token=params.get("access_token"),
        client_id=params.get("client_id"),
        client_secret=params.get("client_secret"),
        token_url=_or_default(params, "token_url", DEFAULT_TOKEN_URL),
    )
    if isinstance(auth, ClientCredentialsAuth):
        validate.url(auth.token_url, "token_url", warn)
    options = _transport_options(params, warn)
    per_hour = _or_default(params, "requests_per_hour", BITBUCKET_REQUESTS_PER_HOUR)
    per_hour = validate.bounded_int(per_hour, "requests_per_hour", 0, MAX_REQUESTS_PER_HOUR)
    if per_hour:
        options["stats"] = ApiStats(budget=RequestBudget(per_hour))
    options.update(kwargs)
    return Transport(api_url, auth, warn=warn, **options)


def scim_base_url(scim_url, directory_id):
    """``{scim_url}/scim/directory/{directory_id}`` (both validated)."""
    if directory_id is None or directory_id == "":
        raise ConfigurationError("directory_id is required: set it or ATLASSIAN_SCIM_DIRECTORY_ID")
    directory_id = validate.opaque_id(directory_id, "directory_id", "a directory id (letters, digits, '-', '_', '.', '~')")
    return (scim_url or DEFAULT_SCIM_URL).rstrip("/") + "/scim/directory/" + validate.encode_segment(directory_id)


def scim_transport_from_params(params, warn=None, **kwargs):
    """A Transport for one SCIM directory from module params (ConfigurationError on bad options)."""
    scim_url = validate.url(_or_default(params, "scim_url", DEFAULT_SCIM_URL), "scim_url", warn)
    base_url = scim_base_url(scim_url, params.get("directory_id"))
    auth = scim_auth(params.get("scim_token"))
    options = _transport_options(params, warn)
    options.update(kwargs)
    return Transport(base_url, auth, warn=warn, **options)


def admin_settings(params):
    """``(org_id, directory_id)`` of the Admin API options, validated (ConfigurationError naming the option)."""
    org_id = params.get("org_id")
    if org_id is None or org_id == "":
        raise ConfigurationError("org_id is required: set it or ATLASSIAN_ORG_ID (the organization id, shown in the URL "
                                 "of admin.atlassian.com/o/{org_id})")
    org_id = validate.opaque_id(org_id, "org_id", "an organization id (letters, digits, '-', '_', '.', '~')")
    directory_id = _or_default(params, "admin_directory_id", ALL_DIRECTORIES)
    if directory_id != ALL_DIRECTORIES:
        directory_id = validate.opaque_id(directory_id, "admin_directory_id",
                                          "a directory id (letters, digits, '-', '_', '.', '~') or '-' for every directory")
    return org_id, directory_id


def admin_transport_from_params(params, warn=None, **kwargs):
    """A Transport for the organization Admin API (``{admin_url}/admin``) from module params (ConfigurationError on
    bad options)."""
    admin_url = validate.url(_or_default(params, "admin_url", DEFAULT_ADMIN_URL), "admin_url", warn)
    admin_settings(params)
    auth = admin_auth(params.get("admin_api_key"))
    options = _transport_options(params, warn)
    options.update(kwargs)
    return Transport(admin_url.rstrip("/") + "/admin", auth, warn=warn, **options)


def accounting(client):
    """``api_calls`` and ``rate_limit`` of a client (anything with ``.stats``), for every module result.

    ``client`` may be None (the error came before any request), which reads as no call made.
    """
    stats = getattr(client, "stats", None)
    if stats is None:
        return {"api_calls": {"total": 0}, "rate_limit": {}}
    rate_limit = dict(stats.rate_limit)
    budget = getattr(stats, "budget", None)
    if budget is not None and budget.paced_seconds:
        rate_limit["paced_seconds"] = round(budget.paced_seconds, 1)
    return {"api_calls": stats.as_result(), "rate_limit": rate_limit}


def error_result(err, client=None):
    """The keys a module passes to ``fail_json`` for an error of the client:
    ``msg``, ``status``, ``method``, ``path``, ``api_message`` (None when unknown), and the
    ``api_calls`` and ``rate_limit`` of ``client`` (none made when there is no client yet)."""
    if isinstance(err, AtlassianError):
        result = err.as_result()
    else:
        result = {"msg": str(err), "status": None, "method": None, "path": None, "api_message": None}
    result.update(accounting(client))
    return result


def permission_argument_spec(scope):
    """Options of an explicit-permission module for ``scope`` (``_permission_scopes.REPOSITORY`` or ``PROJECT``):
    the Bitbucket connection, the targets, users and groups with the scope's permission levels."""
    levels = list(scope.levels)

    def subjects(name):
        return dict(type="list", elements="dict", required_if=[("state", "present", ("permission",))],
                    options={name: dict(type="str", required=True), "permission": dict(type="str", choices=levels),
                             "state": dict(type="str", choices=["present", "absent"], default="present")})

    spec = bitbucket_argument_spec()
    spec.update({
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
    })
    return spec


def permission_module_kwargs(scope):
    """The AnsibleModule arguments of an explicit-permission module (besides ``argument_spec``)."""
    return dict(supports_check_mode=True,
                mutually_exclusive=[(scope.name, scope.plural), ("user", "users"), ("group", "groups")],
                required_one_of=[(scope.name, scope.plural), ("user", "users", "group", "groups")])
