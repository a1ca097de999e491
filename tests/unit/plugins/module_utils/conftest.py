# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures of the module_utils tests: a fake clock (no real sleeping) and transports."""

from __future__ import annotations

import os

import pytest
import responses
from responses.registries import OrderedRegistry

from ansible_collections.accessops.atlassian.plugins.module_utils._auth import (
    AccessTokenAuth,
    ApiTokenAuth,
    ClientCredentialsAuth,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport

API = "https://api.bitbucket.org/2.0"
TOKEN_URL = "https://bitbucket.org/site/oauth2/access_token"
SCIM = "https://api.atlassian.com/scim/directory/dir-1"
EPOCH = 1700000000.0


class FakeTime:
    """One wall clock for the request budgets of a test (they may stand for the tasks of one run); sleep moves it."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


class FakeClock:
    """Monotonic clock, wall clock and sleep in one: sleeping moves both clocks on."""

    def __init__(self, rng_value=0.5):
        self.monotonic = 100.0
        self.sleeps = []
        self.rng_value = rng_value

    def clock(self):
        return self.monotonic

    def wall(self):
        return EPOCH + self.monotonic

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.monotonic += seconds

    def rng(self):
        return self.rng_value

    def policy(self, max_retries=5, **kwargs):
        return RetryPolicy(max_retries=max_retries, sleep=self.sleep, clock=self.clock, rng=self.rng, now=self.wall, **kwargs)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No test depends on the caller's CA bundle or connection environment variables."""
    for name in list(os.environ):
        if name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE") or name.startswith(("BITBUCKET_", "ATLASSIAN_SCIM_")):
            monkeypatch.delenv(name)


@pytest.fixture
def fake_clock():
    return FakeClock()


@pytest.fixture
def mocked():
    """responses in strict order: each registered answer must be consumed in sequence."""
    with responses.RequestsMock(registry=OrderedRegistry, assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def warnings():
    return []


@pytest.fixture
def make_transport(fake_clock, warnings):
    def factory(auth=None, base_url=API, max_retries=5, **kwargs):
        if auth is None:
            auth = ApiTokenAuth("admin@acme.example", "s3cr3t-api-token-value")
        policy = kwargs.pop("retry_policy", None) or fake_clock.policy(max_retries=max_retries)
        return Transport(base_url, auth, retry_policy=policy, warn=warnings.append, **kwargs)

    return factory


@pytest.fixture
def bearer_auth():
    return AccessTokenAuth("bearer-secret-token-0123456789")


@pytest.fixture
def cc_auth():
    return ClientCredentialsAuth("my-client-id", "my-client-secret-0123456789", TOKEN_URL)
