# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Event-Driven Ansible tests share: bounded waits, the simulator's writes as the people of the scenarios
make them (plain HTTP with their own credentials), the events-stream requests of the request log, and an
ansible-rulebook process.

Every wait is bounded (WAIT seconds by default: wide, for a loaded 2-core machine) and names what it waited for; no
assertion is about how long something took.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import requests
from atlsim import demo

WAIT = 120.0  # seconds: the bound of every wait (the normal case takes a few seconds)
ORG_PATH = "/admin/v1/orgs/%s" % demo.ORG_ID
STREAM_PATH = ORG_PATH + "/events-stream"
ACTIONS_PATH = ORG_PATH + "/event-actions"
AUTOMATION_TOKEN_LABEL = "bitbucket-automation"  # the demo seed's token of admin@acme.example (credential demo-admin)


def wait_for(predicate, what, timeout=WAIT, interval=0.2, detail=None):
    """Poll ``predicate`` until it returns a true value (returned); AssertionError naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            extra = "" if detail is None else "\n" + detail()
            raise AssertionError("still waiting after %d s for %s%s" % (timeout, what, extra))
        time.sleep(interval)


def stream_requests(sim) -> list[dict]:
    """The events-stream and event-actions requests of the simulator's request log, in order."""
    return [e for e in sim.log() if e["path"] in (STREAM_PATH, ACTIONS_PATH)]


def events(sim) -> list[dict]:
    """Every audit event the simulator recorded, in processing order."""
    return sim.app.events.all(demo.ORG_ID)


def account_id(sim, email) -> str:
    return sim.state.accounts.get_by_email(email)["account_id"]


def _check(answer, what):
    assert answer.status_code < 300, "%s: HTTP %s %s" % (what, answer.status_code, answer.text[:300])
    return answer


def grant_repository(sim, credential, repository, email, permission):
    """PUT a user's explicit permission on a repository of acme with a Bitbucket API token (Basic)."""
    url = "%s/2.0/repositories/acme/%s/permissions-config/users/%s" % (sim.url, repository, account_id(sim, email))
    answer = requests.put(url, json={"permission": permission}, auth=credential, timeout=30)
    return _check(answer, "PUT %s" % url)


def grant_project(sim, credential, project, email, permission):
    """PUT a user's explicit permission on a project of acme with a Bitbucket API token (Basic)."""
    url = "%s/2.0/workspaces/acme/projects/%s/permissions-config/users/%s" % (sim.url, project, account_id(sim, email))
    answer = requests.put(url, json={"permission": permission}, auth=credential, timeout=30)
    return _check(answer, "PUT %s" % url)


def scim_deactivate(sim, email):
    """What the identity provider does: PATCH active=false on the SCIM user ``email`` with the SCIM key."""
    base = "%s/scim/directory/%s/Users" % (sim.url, demo.SCIM_DIRECTORY)
    headers = dict(demo.bearer(demo.SCIM_API_KEY), **{"Content-Type": "application/scim+json"})
    found = _check(
        requests.get(base, params={"filter": 'userName eq "%s"' % email}, headers=headers, timeout=30), "SCIM search"
    ).json()["Resources"]
    assert len(found) == 1, found
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}],
    }
    answer = _check(requests.patch("%s/%s" % (base, found[0]["id"]), json=body, headers=headers, timeout=30), "SCIM PATCH")
    assert answer.json()["active"] is False
    return answer


def admin_suspend(sim, email):
    """Suspend the account's access with the organization Admin API key."""
    url = "%s/admin/v2/orgs/%s/directories/%s/users/%s/suspend" % (
        sim.url,
        demo.ORG_ID,
        demo.ADMIN_DIRECTORY_ID,
        account_id(sim, email),
    )
    return _check(requests.post(url, headers=demo.bearer(demo.ADMIN_API_KEY), timeout=30), "POST %s" % url)


def requests_per_minute(entries) -> tuple[int, float, int]:
    """(requests, seconds from the first to the last, the most in any 60 s window) of request log entries."""
    times = sorted(entry["time"] for entry in entries)
    if not times:
        return 0, 0.0, 0
    most = max(sum(1 for t in times if start <= t < start + 60.0) for start in times)
    return len(times), times[-1] - times[0], most


class Rulebook:
    """One ``ansible-rulebook`` process; its output (stdout and stderr) goes to a file, read by ``output()``."""

    def __init__(self, command, env, log_path: Path):
        self.command = command
        self.log_path = log_path
        self._log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def running(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines=60) -> str:
        return "--- %s (last %d lines) ---\n%s" % (self.log_path.name, lines, "\n".join(self.output().splitlines()[-lines:]))

    def printed(self, event_id) -> bool:
        """Whether ansible-rulebook printed the event (--print-events) whose id is ``event_id``."""
        return json.dumps(event_id)[1:-1] in self.output()

    def stop(self, timeout=30) -> int:
        if self.running():
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        self._log.close()
        return self.process.returncode
