# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RetryPolicy: full-jitter bounds, Retry-After forms, max_retries and the total wait cap."""

from __future__ import annotations

import email.utils
import random
import time

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils._retry import (
    RETRY_STATUSES,
    RetryPolicy,
    is_idempotent,
    parse_retry_after,
)

NOW = 1700000000.0


def test_retry_statuses():
    assert frozenset((429, 502, 503, 504)) == RETRY_STATUSES


@pytest.mark.parametrize(
    "method, flag, expected",
    [
        ("GET", None, True),
        ("head", None, True),
        ("PUT", None, True),
        ("DELETE", None, True),
        ("POST", None, False),
        ("PATCH", None, False),
        ("PATCH", True, True),
        ("POST", True, True),
        ("GET", False, False),
    ],
)
def test_is_idempotent(method, flag, expected):
    assert is_idempotent(method, flag) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("0", 0.0),
        ("5", 5.0),
        (" 12 ", 12.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        (7, 7.0),
        (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),
        ("Wed, 21 Oct 2015 07:28:00", None),  # no zone: unusable
        ("Wed, 99 Foo 2015 07:28:00 GMT", None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=NOW) == expected


def test_parse_retry_after_uses_wall_clock_by_default():
    value = email.utils.formatdate(time.time() + 1000, usegmt=True)
    assert 990 <= parse_retry_after(value) <= 1000


@pytest.mark.parametrize(
    "attempt, ceiling", [(0, 1.0), (1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (5, 30.0), (6, 30.0), (500, 30.0)]
)
def test_backoff_is_full_jitter_between_zero_and_ceiling(attempt, ceiling):
    assert RetryPolicy(rng=lambda: 0.0).backoff(attempt) == 0.0
    assert RetryPolicy(rng=lambda: 1.0).backoff(attempt) == ceiling
    assert RetryPolicy(rng=lambda: 0.25).backoff(attempt) == 0.25 * ceiling
    source = random.Random(attempt)
    policy = RetryPolicy(rng=source.random)
    samples = [policy.backoff(attempt) for dummy in range(200)]
    assert all(0.0 <= s < ceiling for s in samples)
    assert max(samples) - min(samples) > ceiling / 2  # really spread, not a fixed delay


def test_backoff_parameters():
    policy = RetryPolicy(base=0.5, cap=3.0, rng=lambda: 1.0)
    assert [policy.backoff(a) for a in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_next_delay_bounded_by_max_retries():
    policy = RetryPolicy(max_retries=2, rng=lambda: 0.5)
    assert policy.next_delay(0, 0.0) == 0.5
    assert policy.next_delay(1, 0.5) == 1.0
    assert policy.next_delay(2, 1.5) is None


def test_next_delay_prefers_retry_after_without_jitter():
    policy = RetryPolicy(rng=lambda: 0.5, now=lambda: NOW)
    assert policy.next_delay(0, 0.0, "9") == 9.0
    assert policy.next_delay(0, 0.0, email.utils.formatdate(NOW + 20, usegmt=True)) == 20.0
    assert policy.next_delay(3, 0.0, "garbage") == 4.0  # unreadable header: backoff


def test_next_delay_bounded_by_total_wait():
    policy = RetryPolicy(max_retries=100, max_total_wait=120.0, rng=lambda: 1.0)
    assert policy.next_delay(0, 0.0, "120") == 120.0
    assert policy.next_delay(0, 0.0, "121") is None
    assert policy.next_delay(0, 119.5) is None  # 119.5 + 1 > 120
    assert policy.next_delay(0, 119.0) == 1.0


def test_defaults_and_validation():
    policy = RetryPolicy()
    assert policy.max_retries == 5
    assert policy.max_total_wait == 120.0
    assert policy.sleep is time.sleep
    assert policy.clock is time.monotonic
    assert policy.now is time.time
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=None)
