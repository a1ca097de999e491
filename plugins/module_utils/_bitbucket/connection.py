# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Bitbucket connection: argument spec (with environment fallbacks), the Transport and the BitbucketClient of a
task.

The choice of exactly one Bitbucket auth method is checked in code (ConfigurationError), not
with AnsibleModule's mutually_exclusive: environment fallbacks fill options in before that
check and would make it reject or accept the wrong combinations.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import (
    BITBUCKET_REQUESTS_PER_HOUR,
    ApiStats,
    RequestBudget,
    RequestLedger,
    ledger_key,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._args import common_spec, or_default, transport_options
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import (
    DEFAULT_TOKEN_URL,
    ClientCredentialsAuth,
    bitbucket_auth,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import BitbucketClient
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError
from ansible_collections.accessops.atlassian.plugins.module_utils._journal import journal_spec
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport
from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate

DEFAULT_API_URL = "https://api.bitbucket.org/2.0"
MAX_REQUESTS_PER_HOUR = 1000000

# No mutually_exclusive / required_together lists for AnsibleModule: with environment fallbacks they fail
# with generic messages (or wrongly, when a variable is set in the environment and another method in the task).
# bitbucket_transport_from_params checks the auth choice and names the options and variables involved.


def bitbucket_argument_spec() -> dict[str, Any]:
    """Connection options of every Bitbucket module (a new dict each call)."""
    spec = dict(
        api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["BITBUCKET_API_URL"])),
        username=dict(type="str", fallback=(env_fallback, ["BITBUCKET_USERNAME"])),
        api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["BITBUCKET_API_TOKEN"])),
        access_token=dict(type="str", no_log=True, fallback=(env_fallback, ["BITBUCKET_ACCESS_TOKEN"])),
        client_id=dict(type="str", fallback=(env_fallback, ["BITBUCKET_CLIENT_ID"])),
        client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["BITBUCKET_CLIENT_SECRET"])),
        token_url=dict(type="str", default=DEFAULT_TOKEN_URL, no_log=False, fallback=(env_fallback, ["BITBUCKET_TOKEN_URL"])),
        requests_per_hour=dict(
            type="int", default=BITBUCKET_REQUESTS_PER_HOUR, fallback=(env_fallback, ["BITBUCKET_REQUESTS_PER_HOUR"])
        ),
        requests_ledger=dict(type="path", fallback=(env_fallback, ["BITBUCKET_REQUESTS_LEDGER"])),
    )
    spec.update(common_spec("BITBUCKET"))
    spec.update(journal_spec())
    return spec


def _account(auth: Any) -> str:
    """Who the rate limit counts (Bitbucket: per user; access tokens: per token), as the ledger key's input: the
    username of an API token, the OAuth consumer's key, a hash of an access token (the token itself never)."""
    if isinstance(auth, ClientCredentialsAuth):
        return "oauth:" + auth.client_id
    username = getattr(auth, "username", None)
    if username:
        return "user:" + username.strip().lower()
    secrets = getattr(auth, "secrets", ()) or ("",)
    return "token:" + hashlib.sha256(secrets[0].encode("utf-8")).hexdigest()


def request_budget(params: dict[str, Any], api_url: str, auth: Any) -> RequestBudget | None:
    """The task's RequestBudget (None: ``requests_per_hour`` 0, no pacing); with ``requests_ledger``, the run's budget
    on that file, keyed by a hash of the API URL and the account."""
    per_hour = or_default(params, "requests_per_hour", BITBUCKET_REQUESTS_PER_HOUR)
    per_hour = validate.bounded_int(per_hour, "requests_per_hour", 0, MAX_REQUESTS_PER_HOUR)
    if not per_hour:
        return None
    path = params.get("requests_ledger")
    if not path:  # not set, or an empty variable: the task's own budget
        return RequestBudget(per_hour)
    path = os.path.expanduser(str(path))
    if not os.path.isabs(path) or validate.has_control(path):
        raise ConfigurationError(
            "requests_ledger must be an absolute path of a file (created 0600 when missing), not %s" % validate.show(path)
        )
    return RequestBudget(per_hour, ledger=RequestLedger(path, ledger_key(api_url, _account(auth))))


def bitbucket_transport_from_params(params: dict[str, Any], warn: Callable[[str], Any] | None = None, **kwargs: Any) -> Transport:
    """A Transport for the Bitbucket API from module params (ConfigurationError on bad options).

    ``kwargs`` (e.g. ``retry_policy``, ``session``) go to Transport unchanged.
    """
    api_url = validate.url(or_default(params, "api_url", DEFAULT_API_URL), "api_url", warn)
    auth = bitbucket_auth(
        username=params.get("username"),
        api_token=params.get("api_token"),
        access_token=params.get("access_token"),
        client_id=params.get("client_id"),
        client_secret=params.get("client_secret"),
        token_url=or_default(params, "token_url", DEFAULT_TOKEN_URL),
    )
    if isinstance(auth, ClientCredentialsAuth):
        validate.url(auth.token_url, "token_url", warn)
    options = transport_options(params, warn)
    budget = request_budget(params, api_url, auth)
    if budget is not None:
        options["stats"] = ApiStats(budget=budget)
    options["url_hint"] = "api_url / BITBUCKET_API_URL"
    options.update(kwargs)
    return Transport(api_url, auth, warn=warn, **options)


def bitbucket_client(params: dict[str, Any], warn: Callable[[str], Any] | None) -> BitbucketClient:
    """The BitbucketClient of a task (``make_client`` of ``_module.run_module``)."""
    return BitbucketClient(bitbucket_transport_from_params(params, warn=warn))
