# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""offboarding_result with the run's credential check (issue 23, docs/credentials.md): the check is kept as given, its
requests are the api_calls counter credentials and are in the total; without a check nothing changes."""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.filter.offboarding_plan import offboarding_plan
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_result import offboarding_result
from ansible_collections.accessops.atlassian.tests.unit.plugins.filter.test_offboarding_steps import A, B, reads, start

CHECK = {
    "warn_days": 14,
    "warnings": ["the SCIM API key expires on 2026-09-06, in 4 days (declared in atlassian_scim_token_expires): ..."],
    "expired": [],
    "notes": [],
    "credentials": [],
    "api_calls": 3,
}


def test_the_check_is_kept_and_its_calls_are_in_the_total():
    state = offboarding_plan(start([A, B]), reads())
    without = offboarding_result(state, {})
    assert without["credentials"] is None and "credentials" not in without["api_calls"]
    result = offboarding_result(state, {}, credentials=CHECK)
    assert result["credentials"] == CHECK
    assert result["api_calls"]["credentials"] == 3
    assert result["api_calls"]["total"] == without["api_calls"]["total"] + 3
    assert {k: v for k, v in result["api_calls"].items() if k not in ("credentials", "total")} == {
        k: v for k, v in without["api_calls"].items() if k != "total"
    }
    # a check without a count (or a boolean) adds nothing
    odd = offboarding_result(state, {}, credentials=dict(CHECK, api_calls=True))
    assert odd["api_calls"]["credentials"] == 0 and odd["api_calls"]["total"] == without["api_calls"]["total"]
