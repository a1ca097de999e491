# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run-wide request budget (requests_ledger): one ledger file shared by the RequestBudgets of several tasks.

A fake clock and a fake sleep (which moves the clock): nothing here really sleeps, and every loop is bounded.
"""

from __future__ import annotations

import multiprocessing
import os
import stat

import pytest

from .conftest import FakeTime
from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import (
    LEDGER_HEADER,
    LEDGER_PRUNE_AFTER,
    RequestBudget,
    RequestLedger,
    ledger_key,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.connection import (
    bitbucket_argument_spec,
    bitbucket_transport_from_params,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError

KEY = ledger_key("https://api.bitbucket.org/2.0", "user:admin@acme.example")
OTHER = ledger_key("https://api.bitbucket.org/2.0", "user:dev001@acme.example")


def _requests(path):
    """The request lines of a ledger file (its header line left out)."""
    lines = path.read_text(encoding="ascii").splitlines()
    assert lines[0].encode("ascii").startswith(LEDGER_HEADER)
    return lines[1:]


def _budget(path, fake, per_hour, key=KEY):
    return RequestBudget(per_hour, clock=fake.clock, sleep=fake.sleep, ledger=RequestLedger(str(path), key))


def test_two_tasks_on_one_ledger_share_the_hour(tmp_path):
    fake = FakeTime(1_700_000_000.0)
    ledger = tmp_path / "ledger"
    first, second = _budget(ledger, fake, 5), _budget(ledger, fake, 5)
    for _index in range(3):
        first.acquire()
        fake.now += 10  # the first task's requests at +0, +10, +20
    assert second.remaining() == 2 and first.remaining() == 2
    second.acquire()
    second.acquire()
    assert fake.sleeps == []
    second.acquire()  # at +30 the hour is full: waits for the first task's oldest request (+0 + 3600)
    assert fake.sleeps == [3570.0]
    assert second.paced_seconds == pytest.approx(3570.0) and first.paced_seconds == 0


def test_without_a_ledger_the_same_two_tasks_do_not_see_each_other():
    """The behaviour that let a runbook exceed the account's hour: each task counts only itself."""
    fake = FakeTime(1_700_000_000.0)
    first = RequestBudget(5, clock=fake.clock, sleep=fake.sleep)
    second = RequestBudget(5, clock=fake.clock, sleep=fake.sleep)
    for _index in range(5):
        first.acquire()
        second.acquire()
    assert fake.sleeps == []  # 10 requests in the hour, twice the account's 5


def test_two_accounts_in_one_ledger_do_not_share_a_budget(tmp_path):
    fake = FakeTime(1_700_000_000.0)
    ledger = tmp_path / "ledger"
    admin, member = _budget(ledger, fake, 3), _budget(ledger, fake, 3, key=OTHER)
    for _index in range(3):
        admin.acquire()
    assert member.remaining() == 3 and admin.remaining() == 0
    for _index in range(3):
        member.acquire()
    assert fake.sleeps == []


def test_the_ledger_is_created_0600_and_holds_no_identity(tmp_path):
    fake = FakeTime(1_700_000_000.0)
    ledger = tmp_path / "ledger"
    _budget(ledger, fake, 5).acquire()
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    assert _requests(ledger) == ["%s %.3f" % (KEY, fake.now)]
    text = ledger.read_text(encoding="ascii")
    assert "acme" not in text and "admin" not in text and len(KEY) == 16


def test_an_existing_file_open_to_others_is_made_private(tmp_path):
    ledger = tmp_path / "ledger"
    ledger.write_text("")  # e.g. made by ansible.builtin.tempfile, or by hand with a wide umask
    os.chmod(ledger, 0o644)
    _budget(ledger, FakeTime(1_700_000_000.0), 5).acquire()
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600


def test_old_lines_are_pruned_and_unreadable_lines_ignored(tmp_path):
    fake = FakeTime(1_700_000_000.0)
    ledger = tmp_path / "ledger"
    old = fake.now - 4000
    lines = ["%s %.3f" % (OTHER, old + index) for index in range(LEDGER_PRUNE_AFTER)] + ["garbage", "%s 1e400x" % KEY]
    ledger.write_text("\n".join(lines) + "\n")
    budget = _budget(ledger, fake, 5)
    assert budget.remaining() == 5
    budget.acquire()
    assert _requests(ledger) == ["%s %.3f" % (KEY, fake.now)]  # rewritten: only the live line


def test_a_rewrite_by_one_task_is_seen_by_the_other(tmp_path):
    fake = FakeTime(1_700_000_000.0)
    ledger = tmp_path / "ledger"
    first, second = _budget(ledger, fake, 1000), _budget(ledger, fake, 1000)
    for _index in range(LEDGER_PRUNE_AFTER + 10):
        first.acquire()
        fake.now += 0.5
    second.acquire()
    assert second.remaining() == 1000 - LEDGER_PRUNE_AFTER - 11
    fake.now += 3600  # every request so far leaves the hour
    first.acquire()  # the first task rewrites the file: only its new request is left
    assert len(_requests(ledger)) == 1
    assert second.remaining() == 999  # the second reads the rewritten file, not its cache
    second.acquire()
    assert len(_requests(ledger)) == 2 and first.remaining() == 998


def test_the_ledger_is_appended_to_until_enough_lines_are_old(tmp_path):
    fake = FakeTime(1_700_000_000.0)
    ledger = tmp_path / "ledger"
    budget = _budget(ledger, fake, 1000)
    for _index in range(20):
        budget.acquire()
        fake.now += 1
    assert len(_requests(ledger)) == 20


def test_the_server_s_near_limit_counts_the_ledger(tmp_path):
    fake = FakeTime(1_700_000_000.0)
    ledger = tmp_path / "ledger"
    first, second = _budget(ledger, fake, 1000), _budget(ledger, fake, 1000)
    for _index in range(30):
        first.acquire()
    second.limit_to(limit=100, near=True)  # 30 used by the run, at most 20 % of 100 more
    assert second.per_hour == 50 and second.remaining() == 20


def test_the_shortfall_warning_names_the_run_s_budget(tmp_path):
    fake = FakeTime(1_700_000_000.0)
    ledger = tmp_path / "ledger"
    first, second = _budget(ledger, fake, 100), _budget(ledger, fake, 100)
    for _index in range(60):
        first.acquire()
    message = second.shortfall_warning(50, "This task")
    assert "more than the 40 left of the run's request budget (requests_ledger" in message


def _take_many(path, count):
    budget = RequestBudget(100000, ledger=RequestLedger(path, KEY))
    for _index in range(count):
        budget.acquire()


def test_processes_appending_at_once_lose_no_request(tmp_path):
    """The flock: four processes of 100 requests each leave 400 whole lines (no torn or lost line)."""
    ledger = str(tmp_path / "ledger")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_take_many, args=(ledger, 100)) for _index in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    lines = _requests(tmp_path / "ledger")
    assert len(lines) == 400 and all(line.startswith(KEY + " ") for line in lines)


def _params(**kwargs):
    params = {name: spec.get("default") for name, spec in bitbucket_argument_spec().items()}
    params.update(username="admin@acme.example", api_token="unit-api-token")
    params.update(kwargs)
    return params


def test_requests_ledger_option_and_environment_variable(tmp_path):
    spec = bitbucket_argument_spec()["requests_ledger"]
    assert spec["type"] == "path" and spec["fallback"][1] == ["BITBUCKET_REQUESTS_LEDGER"] and "default" not in spec
    assert bitbucket_transport_from_params(_params()).stats.budget.ledger is None
    assert bitbucket_transport_from_params(_params(requests_ledger="")).stats.budget.ledger is None
    budget = bitbucket_transport_from_params(_params(requests_ledger=str(tmp_path / "l"))).stats.budget
    assert budget.ledger.path == str(tmp_path / "l") and budget.per_hour == 1000
    assert bitbucket_transport_from_params(_params(requests_ledger=str(tmp_path / "l"), requests_per_hour=0)).stats.budget is None
    with pytest.raises(ConfigurationError, match="requests_ledger must be an absolute path"):
        bitbucket_transport_from_params(_params(requests_ledger="relative/ledger"))


def test_the_key_is_per_account_and_api_never_the_credential(tmp_path):
    def key(**kwargs):
        return bitbucket_transport_from_params(_params(requests_ledger=str(tmp_path / "l"), **kwargs)).stats.budget.ledger.key

    admin = key()
    assert admin == key(username="Admin@acme.example", api_token="another-token")  # the user, not the token
    assert admin != key(username="dev001@acme.example")
    assert admin != key(api_url="http://127.0.0.1:8765/2.0")
    token = key(username=None, api_token=None, access_token="unit-access-token")
    assert b"unit" not in token and len(token) == 16
    assert token != key(username=None, api_token=None, access_token="other-access-token")


def test_an_unusable_ledger_fails_the_task_with_a_configuration_error(tmp_path):
    budget = RequestBudget(5, ledger=RequestLedger(str(tmp_path / "missing-dir" / "ledger"), KEY))
    with pytest.raises(ConfigurationError, match="requests_ledger: cannot open"):
        budget.acquire()
    budget = RequestBudget(5, ledger=RequestLedger(str(tmp_path), KEY))
    with pytest.raises(ConfigurationError, match="requests_ledger"):
        budget.acquire()


def benchmark(requests: int = 2000) -> None:
    """Requests/second of RequestBudget.acquire without and with a ledger (printed, not asserted): the per-request
    overhead the ledger adds, against an empty ledger and one holding a full hour of another account's 1,000
    requests (each acquire reads the whole file)."""
    import tempfile  # pylint: disable=import-outside-toplevel
    import time  # pylint: disable=import-outside-toplevel

    def rate(budget: RequestBudget) -> float:
        started = time.perf_counter()
        for _index in range(requests):
            budget.acquire()
        return requests / (time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as directory:
        plain = rate(RequestBudget(10**6))
        empty = rate(RequestBudget(10**6, ledger=RequestLedger(os.path.join(directory, "a"), KEY)))
        full = os.path.join(directory, "b")
        now = time.time()
        with open(full, "w", encoding="ascii") as handle:
            handle.writelines("%s %.3f\n" % (OTHER, now - index) for index in range(1000))
        busy = rate(RequestBudget(10**6, ledger=RequestLedger(full, KEY)))
    print("RequestBudget.acquire, %d requests:" % requests)
    print("  no ledger (per task)            %10.0f requests/s  (%6.1f us each)" % (plain, 1e6 / plain))
    print("  ledger, starts empty            %10.0f requests/s  (%6.1f us each)" % (empty, 1e6 / empty))
    print("  ledger, +1,000 lines of the hour %9.0f requests/s  (%6.1f us each)" % (busy, 1e6 / busy))


if __name__ == "__main__":
    benchmark()
