# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module path with account ids and ``{uuid}``s against a server that answers 400 to undocumented BBQL.

The simulator is switched to strict mode here whatever the run's default (``atlsim/strict.py``: 400 to any query the
official documents do not state, e.g. ``/workspaces/{ws}/members?q=user.account_id IN (...)``), and each test first
shows that the server does refuse the undocumented form, so it cannot pass against a lenient one. Skipped (with the
reason) when the official documents strict mode reads are not beside the clone.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

import pytest
import requests
from atlsim import demo, strict_spec
from bitbucket_helpers import account_id, explicit, playbook

REPO = playbook("bitbucket_repo_permission.yml")
MEMBERS = playbook("bitbucket_member_info.yml")
UNDOCUMENTED = {"q": 'user.account_id IN ("x")'}


@pytest.fixture
def strict_sim(sim):
    try:
        strict_spec.require_specs()
    except strict_spec.SpecsUnavailable as err:
        pytest.skip(str(err))
    sim.app.strict = True
    answer = requests.get(
        sim.api_url + "/workspaces/acme/members",
        params=UNDOCUMENTED,
        headers=demo.basic("admin@acme.example", "demo-admin-api-token"),
        timeout=30,
    )
    assert answer.status_code == 400 and answer.json()["type"] == "error", answer.text
    sim.clear_log()
    yield sim
    sim.app.strict = False


def queries(sim):
    return [unquote_plus(e["query"] or "") for e in sim.log()]


def refused(sim):
    return [e for e in sim.log() if e["status"] == 400]


def one_task(ansible_run, text, **extra_vars):
    result = ansible_run(text, extra_vars=extra_vars)
    assert len(result.tasks) == 1, result.stdout + result.stderr
    return result.tasks[0]


def test_revoking_an_account_id_twice(strict_sim, ansible_run):
    sim = strict_sim
    dev = account_id(sim, "dev010@acme.example")
    granted = one_task(ansible_run, REPO, repository="infra-api", user=dev, permission="write")
    assert granted["_status"] == "ok" and granted["changed"] is True, granted.get("msg")
    first = one_task(ansible_run, REPO, repository="infra-api", user=dev, state="absent")
    assert first["_status"] == "ok" and first["changed"] is True, first.get("msg")
    assert dev not in explicit(sim, "infra-api")
    sim.clear_log()
    second = one_task(ansible_run, REPO, repositories=["infra-api", "web-core"], user=dev, state="absent")
    assert second["_status"] == "ok" and second["changed"] is False, second.get("msg")
    assert not refused(sim), refused(sim)
    assert second["api_calls"]["total"] == len(sim.log())


def test_revoking_an_account_id_that_is_no_member(strict_sim, ansible_run):
    sim = strict_sim
    stranger = "557058:00000000-0000-4000-8000-00000000beef"
    task = one_task(ansible_run, REPO, repository="infra-api", user=stranger, state="absent")
    assert task["_status"] == "ok" and task["changed"] is False, task.get("msg")
    assert stranger in str(task["results"][0].get("not_found") or task.get("not_found")), task
    assert any("user.account_id" in q for q in queries(sim)), queries(sim)
    assert not refused(sim), refused(sim)


def test_granting_to_uuids(strict_sim, ansible_run):
    sim = strict_sim
    users = [sim.state.accounts.get_by_email("dev%03d@acme.example" % i) for i in (10, 11, 12)]
    task = one_task(
        ansible_run, REPO, repository="infra-api", users=[{"user": u["uuid"].upper(), "permission": "read"} for u in users]
    )
    assert task["_status"] == "ok" and task["changed"] is True, task.get("msg")
    assert all(explicit(sim, "infra-api").get(u["account_id"]) == "read" for u in users)
    assert not refused(sim), refused(sim)
    assert [q for q in queries(sim) if "user.uuid" in q], queries(sim)


@pytest.mark.parametrize("credential", ["api_token", "workspace_access_token"])
def test_member_look_ups_by_uuid_and_account_id(strict_sim, ansible_run, credential):
    sim = strict_sim
    extra = {"bb_access_token": "demo-workspace-access-token"} if credential != "api_token" else {}
    dev = sim.state.accounts.get_by_email("dev011@acme.example")
    for member in (dev["uuid"], dev["account_id"]):
        task = one_task(ansible_run, MEMBERS, member=member, **extra)
        assert task["_status"] == "ok", task.get("msg")
        assert [m["account_id"] for m in task["members"]] == [dev["account_id"]], task
    assert not refused(sim), refused(sim)


def test_the_fallback_when_the_permissions_filter_is_refused(strict_sim, ansible_run):
    """A server that refuses even the narrative-only ``/permissions?q=user.account_id IN (...)``: the documented
    ``/members`` forms answer instead (the fallback on HTTP 400)."""
    sim = strict_sim
    sim.faults(fail_next=[{"status": 400, "count": 1, "method": "GET", "path_prefix": "/2.0/workspaces/acme/permissions"}])
    stranger = "557058:00000000-0000-4000-8000-00000000cafe"
    task = one_task(ansible_run, REPO, repository="infra-api", user=stranger, state="absent")
    assert task["_status"] == "ok" and task["changed"] is False, task.get("msg")
    assert [e["path"] for e in refused(sim)] == ["/2.0/workspaces/acme/permissions"]
    assert any(e["path"].startswith("/2.0/workspaces/acme/members") and e["status"] in (200, 404) for e in sim.log())
