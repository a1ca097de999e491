# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one harness of the module unit tests: run a module's main() with arguments and catch its result, retries on a
fake clock (never a real sleep), the ``responses`` registry, and the exact HTTP calls it saw.

Each product adds only what is its own (admin_helpers.py, bitbucket_helpers.py, scim_helpers.py): URLs, ids, fake
payloads, and which connection function builds its transport (``retries_on``).
"""

from __future__ import annotations

import contextlib
import json
import os
from unittest import mock
from urllib.parse import parse_qsl, unquote_plus, urlsplit

import pytest
import responses
from responses.registries import OrderedRegistry

from ansible.module_utils import basic
from ansible.module_utils.common import arg_spec

from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args=None):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}))):
            yield


# 2026-01-01T00:00:00Z: the wall clock of the fake clock when a task starts
NOW = 1767225600.0


class ExitJson(Exception):
    """The module called exit_json: ``result``."""

    def __init__(self, result):
        super().__init__("exit_json")
        self.result = result


class FailJson(Exception):
    """The module called fail_json: ``result``."""

    def __init__(self, result):
        super().__init__("fail_json")
        self.result = result


class FakeClock:
    """Monotonic clock, wall clock (``NOW`` at the start) and sleep in one: a sleep moves both on, records its delay."""

    def __init__(self, wall=NOW):
        self.monotonic = 0.0
        self.start = wall
        self.sleeps = []

    def clock(self):
        return self.monotonic

    def now(self):
        return self.start + self.monotonic

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.monotonic += seconds

    def policy(self, max_retries, **kwargs):
        return RetryPolicy(max_retries=max_retries, sleep=self.sleep, clock=self.clock, now=self.now, rng=lambda: 0.5, **kwargs)


def retries_on(owner, factory_name, clock, default_retries, **policy):
    """Patch ``owner.<factory_name>`` (a product's ``*_transport_from_params``) so that the transport retries on
    ``clock`` (a FakeClock): ``max_retries`` of the options, or ``default_retries`` when it is None; ``policy``: more
    RetryPolicy arguments (``max_total_wait``...)."""
    real_factory = getattr(owner, factory_name)

    def factory(params, warn=None, **kwargs):
        retries = params.get("max_retries")
        kwargs.setdefault("retry_policy", clock.policy(default_retries if retries is None else retries, **policy))
        return real_factory(params, warn=warn, **kwargs)

    return mock.patch.object(owner, factory_name, factory)


def run_main(module, args, check_mode=False, diff=False, patches=(), record_warnings=True):
    """Run ``module.main()`` with ``args``; return (result, failed). The result goes through JSON, as a module's does.

    ``patches``: more context managers to run it in (``retries_on``...). ``record_warnings``: ``module.warn`` is
    recorded into the result's ``warnings``; False leaves ``module.warn`` alone (and the result has no ``warnings``)."""
    args = dict(args)
    args.setdefault("_ansible_module_name", module.__name__.rsplit(".", 1)[-1])  # as ansible-core passes it
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    warned = []

    def finish(kwargs):
        if record_warnings:
            kwargs["warnings"] = list(warned)
        return json.loads(json.dumps(kwargs))

    def exit_json(self, **kwargs):  # pylint: disable=unused-argument
        kwargs.setdefault("changed", False)
        raise ExitJson(finish(kwargs))

    def fail_json(self, msg, **kwargs):  # pylint: disable=unused-argument
        kwargs["failed"] = True
        kwargs["msg"] = msg
        raise FailJson(finish(kwargs))

    def warn(self, warning, **kwargs):  # pylint: disable=unused-argument
        warned.append(warning)

    with contextlib.ExitStack() as stack:
        stack.enter_context(patch_module_args(args))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "exit_json", exit_json))
        stack.enter_context(mock.patch.object(basic.AnsibleModule, "fail_json", fail_json))
        if record_warnings:
            stack.enter_context(mock.patch.object(basic.AnsibleModule, "warn", warn))
        for patch in patches:
            stack.enter_context(patch)
        try:
            module.main()
        except ExitJson as done:
            return done.result, False
        except FailJson as failed:
            return failed.result, True
    raise AssertionError("the module returned without exit_json or fail_json")


def environment_fixture(name, prefixes, real_sleep_fails):
    """A fixture ``name``: no connection environment variable of the caller (``prefixes``, the CA bundle ones and the
    plan journal's), and ``time.sleep`` records instead of sleeping; the fixture's value is that list of delays.
    ``real_sleep_fails``: the test fails if anything slept for real."""

    def isolated(monkeypatch):
        for variable in list(os.environ):
            if variable.startswith(prefixes) or variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "ACCESSOPS_PLAN_JOURNAL"):
                monkeypatch.delenv(variable)
        slept = []
        monkeypatch.setattr("time.sleep", slept.append)
        yield slept
        if real_sleep_fails:
            assert slept == [], "a real sleep was attempted"

    isolated.__doc__ = environment_fixture.__doc__
    return pytest.fixture(name=name)(isolated)


@pytest.fixture
def api():
    """responses in strict order: every registered answer is consumed, in sequence."""
    with responses.RequestsMock(registry=OrderedRegistry, assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def module_warnings(monkeypatch):
    """``messages()``: the warnings the module gave (``module.warn``) and the deprecations ansible-core found in the
    argument spec (``(msg, version, collection_name)``), over the module runs of the test so far (with
    ``run_main(..., record_warnings=False)``)."""
    warnings, deprecations = [], []
    validate = arg_spec.ModuleArgumentSpecValidator.validate

    def recording_validate(self, parameters):
        result = validate(self, parameters)
        deprecations.extend((d.get("msg"), d.get("version"), d.get("collection_name")) for d in result._deprecations)  # pylint: disable=protected-access
        return result

    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning, **kwargs: warnings.append(warning))
    monkeypatch.setattr(arg_spec.ModuleArgumentSpecValidator, "validate", recording_validate)
    return lambda: (list(warnings), list(deprecations))


def calls(rsps):
    """The HTTP calls ``responses`` saw: [(METHOD, path, query dict, JSON body or None)]."""
    made = []
    for call in rsps.calls:
        parts = urlsplit(call.request.url)
        body = call.request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        made.append((call.request.method, parts.path, dict(parse_qsl(parts.query)), json.loads(body) if body else None))
    return made


def request_lines(rsps):
    """The HTTP calls ``responses`` saw, as text: [(METHOD, "/path?decoded query")]."""
    seen = []
    for call in rsps.calls:
        parts = urlsplit(call.request.url)
        text = unquote_plus(parts.path)
        if parts.query:
            text += "?" + unquote_plus(parts.query)
        seen.append((call.request.method, text))
    return seen


def bodies(rsps, method):
    """JSON bodies of the requests sent with ``method``."""
    return [json.loads(c.request.body) for c in rsps.calls if c.request.method == method]
