# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: arm the simulator before each scenario task, and save its request log after it.

E(SIM_SCENARIOS_FILE) names a JSON object ``{task name: {"server": name, "reset": bool, "faults": {...}}}`` and
E(SIM_CONTROL_URLS) a JSON object ``{server name: "http://127.0.0.1:PORT"}``. Before a task named in the first, the
callback resets that simulator (``POST /_sim/reset``; with ``"reset": false`` it only clears the log and the faults)
and posts the faults; when the task's result arrives it appends ``{"task", "log"}`` (the simulator's request log) as
one JSON line to E(SIM_SCENARIO_LOG). So one ansible-playbook run holds many scenarios, each with its own faults and
its own log, without a task (and a module process) to arm the simulator. Only loopback URLs are called.
"""

from __future__ import annotations

import json
import os
import urllib.request
from urllib.parse import urlsplit

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: sim_scenarios
type: aggregate
short_description: arm the atlsim simulator per task and save its request log (test helper)
description:
  - Before each task named in the E(SIM_SCENARIOS_FILE) JSON file, resets the simulator and sets its fault knobs;
    after the task, appends the simulator's request log to the E(SIM_SCENARIO_LOG) file.
"""

LOOPBACK = ("127.0.0.1", "::1", "localhost")


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "sim_scenarios"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._scenarios = {}
        self._servers = {}
        if os.environ.get("SIM_SCENARIOS_FILE"):
            with open(os.environ["SIM_SCENARIOS_FILE"], encoding="utf-8") as handle:
                self._scenarios = json.load(handle)
            self._servers = json.loads(os.environ.get("SIM_CONTROL_URLS") or "{}")
        for url in self._servers.values():
            if urlsplit(url).hostname not in LOOPBACK:
                raise ValueError("sim_scenarios only calls loopback simulators, not %s" % url)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._current = None

    def _control(self, server, method, path, body=None):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            self._servers[server] + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with self._opener.open(request, timeout=60) as answer:
            text = answer.read().decode("utf-8")
        return json.loads(text) if text else None

    def v2_playbook_on_task_start(self, task, is_conditional):
        name = task.get_name()
        scenario = self._scenarios.get(name)
        self._current = None
        if scenario is None:
            return
        server = scenario.get("server", "main")
        if scenario.get("reset", True):
            self._control(server, "POST", "/_sim/reset")
        else:
            self._control(server, "DELETE", "/_sim/faults")
            self._control(server, "DELETE", "/_sim/log")
        if scenario.get("faults"):
            self._control(server, "POST", "/_sim/faults", scenario["faults"])
        self._current = (name, server)

    def _finish(self, result):
        if self._current is None:
            return
        name, server = self._current
        self._current = None
        log = self._control(server, "GET", "/_sim/log")
        self._control(server, "DELETE", "/_sim/faults")
        with open(os.environ["SIM_SCENARIO_LOG"], "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"task": name, "log": log}) + "\n")

    def v2_runner_on_ok(self, result):
        self._finish(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._finish(result)

    def v2_runner_on_skipped(self, result):
        self._finish(result)

    def v2_runner_on_unreachable(self, result):
        self._finish(result)
