# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs, environment fallbacks, factories and error_result."""

from __future__ import annotations

import pytest
import yaml
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.accessops.atlassian.plugins.doc_fragments import bitbucket as bitbucket_fragment
from ansible_collections.accessops.atlassian.plugins.doc_fragments import scim as scim_fragment
from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import accounting, error_result
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.connection import (
    DEFAULT_API_URL,
    bitbucket_argument_spec,
    bitbucket_transport_from_params,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.connection import (
    DEFAULT_SCIM_URL,
    scim_argument_spec,
    scim_base_url,
    scim_transport_from_params,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import DEFAULT_TOKEN_URL
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, ConfigurationError, NotFoundError
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy

BITBUCKET_ENV = {
    "api_url": "BITBUCKET_API_URL",
    "username": "BITBUCKET_USERNAME",
    "api_token": "BITBUCKET_API_TOKEN",
    "access_token": "BITBUCKET_ACCESS_TOKEN",
    "client_id": "BITBUCKET_CLIENT_ID",
    "client_secret": "BITBUCKET_CLIENT_SECRET",
    "token_url": "BITBUCKET_TOKEN_URL",
    "validate_certs": "BITBUCKET_VALIDATE_CERTS",
    "ca_path": "BITBUCKET_CA_PATH",
    "timeout": "BITBUCKET_TIMEOUT",
    "max_retries": "BITBUCKET_MAX_RETRIES",
    "requests_per_hour": "BITBUCKET_REQUESTS_PER_HOUR",
    "requests_ledger": "BITBUCKET_REQUESTS_LEDGER",
    "plan_journal": "ACCESSOPS_PLAN_JOURNAL",
}
SCIM_ENV = {
    "scim_url": "ATLASSIAN_SCIM_URL",
    "directory_id": "ATLASSIAN_SCIM_DIRECTORY_ID",
    "scim_token": "ATLASSIAN_SCIM_TOKEN",
    "validate_certs": "ATLASSIAN_SCIM_VALIDATE_CERTS",
    "ca_path": "ATLASSIAN_SCIM_CA_PATH",
    "timeout": "ATLASSIAN_SCIM_TIMEOUT",
    "max_retries": "ATLASSIAN_SCIM_MAX_RETRIES",
    "plan_journal": "ACCESSOPS_PLAN_JOURNAL",
}


def _module(spec, args, **kwargs):
    with patch_module_args(args):
        return AnsibleModule(argument_spec=spec, **kwargs)


@pytest.mark.parametrize(
    "spec_fn, env, no_log",
    [
        (bitbucket_argument_spec, BITBUCKET_ENV, {"api_token", "access_token", "client_secret"}),
        (scim_argument_spec, SCIM_ENV, {"scim_token"}),
    ],
)
def test_spec_options_env_and_no_log(spec_fn, env, no_log):
    spec = spec_fn()
    assert set(spec) == set(env)
    for name, option in spec.items():
        assert option["fallback"][1] == [env[name]]
        assert bool(option.get("no_log")) == (name in no_log)
        if "token" in name and name not in no_log:
            assert option["no_log"] is False  # said explicitly, for validate-modules' no-log-needed
    spec["validate_certs"]["default"] = False  # a fresh dict each call: modules may extend it
    assert spec_fn()["validate_certs"]["default"] is True


def test_spec_types_and_defaults():
    bb = bitbucket_argument_spec()
    assert bb["api_url"]["default"] == DEFAULT_API_URL == "https://api.bitbucket.org/2.0"
    assert bb["token_url"]["default"] == DEFAULT_TOKEN_URL == "https://bitbucket.org/site/oauth2/access_token"
    sc = scim_argument_spec()
    assert sc["scim_url"]["default"] == DEFAULT_SCIM_URL == "https://api.atlassian.com"
    for spec in (bb, sc):
        assert spec["validate_certs"] == dict(spec["validate_certs"], type="bool", default=True)
        assert spec["ca_path"]["type"] == "path"
        assert spec["timeout"]["type"] == "float" and spec["timeout"]["default"] == 30
        assert spec["max_retries"]["type"] == "int" and spec["max_retries"]["default"] == 5


@pytest.mark.parametrize(
    "fragment, spec_fn", [(bitbucket_fragment, bitbucket_argument_spec), (scim_fragment, scim_argument_spec)]
)
def test_doc_fragments_match_the_specs(fragment, spec_fn):
    doc = yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)
    spec = spec_fn()
    assert set(doc["options"]) == set(spec)
    for name, option in doc["options"].items():
        assert option["type"] == spec[name]["type"]
        assert option.get("default") == spec[name].get("default")
        assert spec[name]["fallback"][1][0] in " ".join(option["description"])


def test_doc_fragment_explains_auth_methods():
    text = bitbucket_fragment.ModuleDocFragment.DOCUMENTATION
    for words in (
        "Atlassian account email",
        "client credentials",
        "Bearer",
        "cannot query or change permissions",
        "App passwords were removed",
    ):
        assert words in text


def test_env_fallbacks_through_ansible_module(monkeypatch):
    monkeypatch.setenv("BITBUCKET_USERNAME", "admin@acme.example")
    monkeypatch.setenv("BITBUCKET_API_TOKEN", "env-token")
    monkeypatch.setenv("BITBUCKET_VALIDATE_CERTS", "false")
    monkeypatch.setenv("BITBUCKET_TIMEOUT", "12.5")
    monkeypatch.setenv("BITBUCKET_MAX_RETRIES", "2")
    monkeypatch.setenv("BITBUCKET_API_URL", "http://127.0.0.1:8080/2.0")
    module = _module(bitbucket_argument_spec(), {})
    assert module.params["api_token"] == "env-token"
    assert "env-token" in module.no_log_values
    transport = bitbucket_transport_from_params(module.params)
    assert transport.auth.kind == "api_token"
    assert transport.base_url == "http://127.0.0.1:8080/2.0"
    assert transport.verify is False
    assert transport.timeout == 12.5
    assert transport.retry_policy.max_retries == 2


def test_task_options_win_over_environment(monkeypatch):
    monkeypatch.setenv("BITBUCKET_API_URL", "http://127.0.0.1:1/2.0")
    module = _module(bitbucket_argument_spec(), {"access_token": "task-token", "api_url": "http://127.0.0.1:2/2.0"})
    transport = bitbucket_transport_from_params(module.params)
    assert transport.auth.kind == "access_token"
    assert transport.base_url == "http://127.0.0.1:2/2.0"


def test_auth_from_environment_and_task_conflict(monkeypatch):
    monkeypatch.setenv("BITBUCKET_ACCESS_TOKEN", "env-access-token")
    module = _module(bitbucket_argument_spec(), {"username": "a@b.c", "api_token": "task-token"})
    with pytest.raises(ConfigurationError) as info:
        bitbucket_transport_from_params(module.params)
    assert "Several" in str(info.value)
    assert "env-access-token" not in str(info.value)


def test_bitbucket_factory_defaults_and_kwargs():
    warned = []
    policy = RetryPolicy(max_retries=1)
    transport = bitbucket_transport_from_params({"client_id": "i", "client_secret": "s"}, warn=warned.append, retry_policy=policy)
    assert transport.auth.kind == "client_credentials"
    assert transport.auth.token_url == DEFAULT_TOKEN_URL
    assert transport.base_url == DEFAULT_API_URL
    assert transport.retry_policy is policy
    assert transport.timeout == 30.0 and transport.verify is True
    transport.warn("x")
    assert warned == ["x"]


def test_bitbucket_factory_errors(tmp_path):
    with pytest.raises(ConfigurationError, match="No Bitbucket credentials"):
        bitbucket_transport_from_params({})
    with pytest.raises(ConfigurationError, match="max_retries"):
        bitbucket_transport_from_params({"access_token": "t", "max_retries": -1})
    with pytest.raises(ConfigurationError, match="does not exist"):
        bitbucket_transport_from_params({"access_token": "t", "ca_path": str(tmp_path / "missing.pem")})


def test_scim_factory(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    monkeypatch.setenv("ATLASSIAN_SCIM_DIRECTORY_ID", "dir-1")
    monkeypatch.setenv("ATLASSIAN_SCIM_TOKEN", "scim-env-key")
    module = _module(scim_argument_spec(), {"scim_url": "https://api.atlassian.com/", "ca_path": str(bundle)})
    transport = scim_transport_from_params(module.params)
    assert transport.base_url == "https://api.atlassian.com/scim/directory/dir-1"
    assert transport.auth.kind == "scim_token"
    assert transport.verify == str(bundle)


@pytest.mark.parametrize(
    "params, words",
    [
        ({"scim_token": "k"}, "directory_id is required"),
        ({"scim_token": "k", "directory_id": "a/b"}, "is not a directory id"),
        ({"directory_id": "d"}, "ATLASSIAN_SCIM_TOKEN"),
    ],
)
def test_scim_factory_errors(params, words):
    with pytest.raises(ConfigurationError, match=words):
        scim_transport_from_params(params)


def test_scim_base_url():
    assert scim_base_url(None, "d") == "https://api.atlassian.com/scim/directory/d"
    assert scim_base_url("http://127.0.0.1:9/", "d") == "http://127.0.0.1:9/scim/directory/d"


def test_error_result():
    err = NotFoundError("GET /x failed with HTTP 404: gone", method="GET", path="/x", status=404, api_message="gone")
    none_made = {"api_calls": {"total": 0}, "rate_limit": {}}
    assert error_result(err) == dict(
        none_made, msg="GET /x failed with HTTP 404: gone", status=404, method="GET", path="/x", api_message="gone"
    )
    assert error_result(ValueError("boom")) == dict(none_made, msg="boom", status=None, method=None, path=None, api_message=None)


def test_error_result_with_a_client_adds_its_accounting():
    class Stats:
        rate_limit = {"limit": 1000, "resource": "api", "near_limit": False}

        def as_result(self):
            return {"total": 2, "GET": 2}

    class Client:
        stats = Stats()

    result = error_result(ApiError("boom", method="GET", path="/x", status=500), Client())
    assert result["api_calls"] == {"total": 2, "GET": 2}
    assert result["rate_limit"] == {"limit": 1000, "resource": "api", "near_limit": False}
    assert result["status"] == 500


def test_accounting_before_any_client_reads_as_no_call():
    assert accounting(None) == {"api_calls": {"total": 0}, "rate_limit": {}}


def test_each_transport_names_its_url_option_when_the_host_cannot_be_reached():
    """The "cannot reach HOST (check ...)" message of an unreachable host names the product's URL option and variable."""
    bitbucket = bitbucket_transport_from_params({"username": "a@acme.example", "api_token": "t"})
    scim = scim_transport_from_params({"scim_token": "t", "directory_id": "dir-1"})
    assert bitbucket.url_hint == "api_url / BITBUCKET_API_URL"
    assert scim.url_hint == "scim_url / ATLASSIAN_SCIM_URL"
