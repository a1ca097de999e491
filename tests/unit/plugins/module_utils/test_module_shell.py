# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one module shell: typed errors become fail_json, the session is closed and accounting is in every result."""

from __future__ import annotations

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils import _module as shell
from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import ApiStats
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, ConfigurationError


class Exited(Exception):
    def __init__(self, failed, result):
        super().__init__("exit")
        self.failed = failed
        self.result = result


class FakeModule:
    def __init__(self, params=None):
        self.params = params or {}
        self.no_log_values = set()
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)

    def fail_json(self, **result):
        raise Exited(True, result)

    def exit_json(self, **result):
        raise Exited(False, result)


class FakeClient:
    def __init__(self):
        self.stats = ApiStats()
        self.closed = 0

    def close(self):
        self.closed += 1


def _run(work, make_client=None, params=None):
    client = FakeClient()
    with pytest.raises(Exited) as caught:
        shell.run_module(FakeModule(params), make_client or (lambda params, warn: client), work)
    return caught.value, client


def test_success_closes_the_session_and_adds_accounting():
    def work(client, module):
        client.stats.record("GET")
        return {"changed": False}, False

    done, client = _run(work)
    assert not done.failed and client.closed == 1
    assert done.result == {"changed": False, "api_calls": {"total": 1, "GET": 1}, "rate_limit": {}}


def test_a_typed_error_is_failed_once_at_the_edge_with_accounting_and_the_session_closed():
    def work(client, module):
        client.stats.record("GET")
        raise ApiError("GET /x failed with HTTP 500", method="GET", path="/x", status=500)

    done, client = _run(work)
    assert done.failed and client.closed == 1
    assert done.result["msg"] == "GET /x failed with HTTP 500" and done.result["status"] == 500
    assert done.result["api_calls"] == {"total": 1, "GET": 1} and done.result["changed"] is False


def test_a_failed_result_is_failed_with_everything_it_says():
    done, client = _run(lambda client, module: ({"changed": True, "msg": "Failed on 1 of 2"}, True))
    assert done.failed and done.result["changed"] is True and client.closed == 1


def test_bad_options_fail_before_any_client_exists():
    def refuse(params, warn):
        raise ConfigurationError("timeout must be a number of seconds greater than 0 and at most 3600")

    done, _client = _run(lambda client, module: ({}, False), make_client=refuse)
    assert done.failed and done.result["msg"].startswith("timeout must be") and done.result["api_calls"] == {"total": 0}


def test_missing_requests_fails_cleanly(monkeypatch):
    monkeypatch.setattr(shell, "HAS_REQUESTS", False)
    done, client = _run(lambda client, module: ({}, False))
    assert done.failed and "requests" in done.result["msg"] and client.closed == 0


def test_a_password_in_a_url_option_is_masked_wherever_ansible_shows_the_options():
    module = FakeModule({"api_url": "https://svc:hunter2-password@api.example/2.0"})
    with pytest.raises(Exited):
        shell.run_module(module, lambda params, warn: FakeClient(), lambda client, module: ({}, False))
    assert "hunter2-password" in module.no_log_values
