# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request budget (requests_per_hour): a rolling-hour window that paces a task larger than its budget."""

from __future__ import annotations

import pytest
import responses

from .conftest import FakeTime
from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import ApiStats, RequestBudget, accounting
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.connection import (
    bitbucket_argument_spec,
    bitbucket_transport_from_params,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import AccessTokenAuth


def test_a_task_within_its_budget_never_waits():
    fake = FakeTime()
    budget = RequestBudget(5, clock=fake.clock, sleep=fake.sleep)
    for _index in range(5):
        budget.acquire()
        fake.now += 1
    assert fake.sleeps == [] and budget.remaining() == 0 and budget.paced_seconds == 0


def test_a_larger_task_waits_for_the_oldest_request_to_leave_the_hour():
    fake = FakeTime()
    budget = RequestBudget(3, clock=fake.clock, sleep=fake.sleep)
    for _index in range(3):
        budget.acquire()
        fake.now += 10  # requests at 1000, 1010, 1020
    budget.acquire()  # now 1030: waits until 1000 + 3600
    budget.acquire()  # then until 1010 + 3600
    assert fake.sleeps == [3570.0, 10.0]
    assert budget.paced_seconds == pytest.approx(3580.0)


def test_the_server_limit_and_near_limit_lower_the_budget():
    fake = FakeTime()
    budget = RequestBudget(1000, clock=fake.clock, sleep=fake.sleep)
    for _index in range(10):
        budget.acquire()
    budget.limit_to(limit=500)
    assert budget.per_hour == 500 and budget.remaining() == 490
    budget.limit_to(limit=500, near=True)  # less than 20 % of 500 left: 100 more at most
    assert budget.per_hour == 110 and budget.remaining() == 100
    budget.limit_to(limit=5000)  # never raised above what was set
    assert budget.per_hour == 110


def test_near_limit_headers_lower_the_budget_through_the_stats():
    stats = ApiStats(budget=RequestBudget(1000))
    stats.observe({"X-RateLimit-Limit": "1000", "X-RateLimit-NearLimit": "true", "X-RateLimit-Resource": "api"})
    assert stats.budget.per_hour == 200


def test_the_shortfall_warning_says_how_many_and_how_long():
    fake = FakeTime()
    budget = RequestBudget(100, clock=fake.clock, sleep=fake.sleep)
    assert budget.shortfall_warning(100, "This task") is None
    message = budget.shortfall_warning(160, "This task (80 repositories)")
    assert message.startswith("This task (80 repositories) may need about 160 API requests, more than the 100 left")
    assert "about 36 more minutes" in message and "requests_per_hour 100" in message


@responses.activate
def test_the_transport_paces_every_request_it_sends():
    fake = FakeTime()
    responses.add("GET", "https://api.bitbucket.org/2.0/user", json={"account_id": "557058:me"})
    stats = ApiStats(budget=RequestBudget(2, clock=fake.clock, sleep=fake.sleep))
    transport = Transport(
        "https://api.bitbucket.org/2.0",
        AccessTokenAuth("unit-access-token"),
        stats=stats,
        retry_policy=RetryPolicy(max_retries=0, sleep=fake.sleep),
    )
    for _index in range(3):
        transport.request("GET", "/user")
    assert len(responses.calls) == 3 and fake.sleeps == [3600.0]
    assert accounting(transport)["rate_limit"] == {"paced_seconds": 3600.0}


def _params(**kwargs):
    params = {name: spec.get("default") for name, spec in bitbucket_argument_spec().items()}
    params.update(username="admin@acme.example", api_token="unit-api-token")
    params.update(kwargs)
    return params


def test_requests_per_hour_defaults_to_bitbucket_s_limit_and_zero_disables_it():
    assert bitbucket_argument_spec()["requests_per_hour"]["default"] == 1000
    assert bitbucket_transport_from_params(_params()).stats.budget.per_hour == 1000
    assert bitbucket_transport_from_params(_params(requests_per_hour=0)).stats.budget is None
    with pytest.raises(ConfigurationError, match="requests_per_hour must be a whole number from 0 to 1000000"):
        bitbucket_transport_from_params(_params(requests_per_hour=-1))
