# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run-wide request budget (requests_ledger) against the simulator's rate limit, with real ansible-playbook.

Two tasks of one play use the same account: together they need more requests than its hour allows (the simulator's
``rate_limit`` knob: 5 per window; each task 3 GETs, ``requests_per_hour: 5``). Between them, a task moves time
forward by almost an hour on both sides (the simulator's clock, and the times in the ledger), so the pacing that
follows lasts seconds, not an hour: the requests of the first task leave the ledger's hour about ``EXPIRE_IN``
seconds later, and the simulator's window ``MARGIN`` seconds earlier than that (the client is the cautious side).

* without a ledger (each task its own budget, as before) the second task is refused with HTTP 429 (``max_retries:
  0``: no retry hides it);
* with one, it paces (``rate_limit.paced_seconds``) and the simulator answers no 429.

No timing is asserted: the margins (tens of seconds) only decide whether pacing is needed at all.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from role_helpers import environment

LIMIT = 5
EXPIRE_IN = 45
MARGIN = 10

# "An hour passes but EXPIRE_IN seconds": every time in the ledger (when there is one) and the simulator's clock
# move by the same amount, the simulator's MARGIN seconds further.
SHIFT_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, urllib.request
    ledger, sim_url, shift, margin = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    if ledger and os.path.exists(ledger):
        with open(ledger, "r+", encoding="ascii") as handle:
            header, *lines = handle.read().splitlines()
            lines = [line.split(" ") for line in lines]
            handle.seek(0)
            handle.truncate()
            handle.write(header + "-moved\\n")  # a new header: readers drop what they cached
            handle.write("".join("%s %.3f\\n" % (key, float(when) - shift) for key, when in lines))
    body = json.dumps({"advance": shift + margin}).encode("ascii")
    request = urllib.request.Request(sim_url + "/_sim/clock", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    urllib.request.urlopen(request, timeout=30).read()
    """
)

PLAY = f"""
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/accessops.atlassian.bitbucket:
      requests_per_hour: {LIMIT}
      max_retries: 0
      requests_ledger: "{{{{ ledger }}}}"
  tasks:
    - name: First task
      accessops.atlassian.bitbucket_member_info:
        workspace: acme
    - name: Almost an hour passes
      ansible.builtin.command:
        argv: ["{{{{ ansible_playbook_python }}}}", "{{{{ shift_script }}}}", "{{{{ ledger }}}}", "{{{{ sim_admin_url }}}}",
               "{3600 - EXPIRE_IN}", "{MARGIN}"]
      changed_when: false
    - name: Second task
      accessops.atlassian.bitbucket_member_info:
        workspace: acme
"""


def _run(sim, ansible_run, tmp_path, ledger):
    script = tmp_path / "shift.py"
    script.write_text(SHIFT_SCRIPT)
    sim.faults(rate_limit=LIMIT)
    sim.clear_log()
    env = environment(sim, scim=False, admin=False)
    return ansible_run(PLAY, extra_vars={"ledger": ledger, "shift_script": str(script)}, env=env)


def _statuses(sim):
    return [entry["status"] for entry in sim.log() if entry["path"].startswith("/2.0")]


def test_without_a_ledger_the_second_task_trips_the_rate_limit(sim, ansible_run, tmp_path):
    result = _run(sim, ansible_run, tmp_path, ledger="")
    first, second = result.task("First task"), result.task("Second task")
    assert first["_status"] == "ok" and first["api_calls"]["total"] == 3, result.stdout
    assert second["_status"] == "failed" and second["status"] == 429, result.stdout
    assert "paced_seconds" not in second["rate_limit"]
    assert _statuses(sim).count(429) == 1
    print("before (no ledger): second task %s, HTTP 429 answers: %d" % (second["_status"], _statuses(sim).count(429)))


def test_with_a_ledger_the_second_task_paces_instead(sim, ansible_run, tmp_path):
    ledger = tmp_path / "run" / "bitbucket-requests.ledger"
    ledger.parent.mkdir()
    result = _run(sim, ansible_run, tmp_path, ledger=str(ledger))
    first, second = result.task("First task"), result.task("Second task")
    assert first["_status"] == "ok" and "paced_seconds" not in first["rate_limit"], result.stdout
    assert second["_status"] == "ok", result.stdout + result.stderr
    assert second["api_calls"]["total"] == 3 and second["rate_limit"]["paced_seconds"] > 0
    assert 429 not in _statuses(sim) and len(_statuses(sim)) == 6
    # the file: 0600, a line per request, one hashed key, no credential or email
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    header, *lines = ledger.read_text(encoding="ascii").splitlines()
    assert (
        header.startswith("# accessops.atlassian requests ledger ")
        and len(lines) == 6
        and len({line.split(" ")[0] for line in lines}) == 1
    )
    assert "acme" not in ledger.read_text() and "demo-" not in ledger.read_text()
    print("after (ledger): second task ok, paced %.1f s, HTTP 429 answers: 0" % second["rate_limit"]["paced_seconds"])


def test_the_collection_playbooks_give_the_run_one_ledger(sim, ansible_run, tmp_path):
    """accessops.atlassian.access_review: every Bitbucket task gets the same ledger (a file in a directory made for
    the run, removed at the end); BITBUCKET_REQUESTS_LEDGER names one of the caller's own instead."""
    play = "- ansible.builtin.import_playbook: accessops.atlassian.access_review\n"
    variables = {"access_review_workspace": "acme", "access_review_report_dir": str(tmp_path / "reports")}
    variables["access_review_formats"] = ["json"]
    env = environment(sim, scim=False, admin=False)
    result = ansible_run(play, extra_vars=variables, env=env)
    assert result.rc == 0, result.stdout + result.stderr
    ledgers = {
        task["invocation"]["module_args"].get("requests_ledger")
        for task in result.tasks
        if "api_calls" in task and "invocation" in task and "requests_per_hour" in task["invocation"]["module_args"]
    }
    assert len(ledgers) == 1, ledgers
    (made,) = ledgers
    assert made.endswith("/bitbucket-requests.ledger") and "accessops-requests-ledger-" in made
    assert not os.path.exists(made.rsplit("/", 1)[0])  # removed at the end of the run

    sim.clear_log()
    own = tmp_path / "own.ledger"
    result = ansible_run(play, extra_vars=variables, env=dict(env, BITBUCKET_REQUESTS_LEDGER=str(own)))
    assert result.rc == 0, result.stdout + result.stderr
    bitbucket_requests = [entry for entry in sim.log() if entry["path"].startswith("/2.0")]
    assert len(own.read_text().splitlines()) - 1 == len(bitbucket_requests) > 0  # every request of every task


# -- make simulator: the export block of the modules' environment (issue 19, item 9) ----------------------------------

ALL_PRODUCTS = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Bitbucket
      accessops.atlassian.bitbucket_member_info:
        workspace: acme
        emails: [dev001@acme.example]
    - name: Admin API
      accessops.atlassian.atlassian_user_info:
        emails: [newhire02@acme.example]
    - name: SCIM
      accessops.atlassian.atlassian_scim_user_info:
        active: true
"""


def test_the_printed_export_block_is_all_the_modules_need(ansible_run, tmp_path):
    """``python -m atlsim --print-env`` (``make simulator``): the block, sourced by bash, is the whole environment
    of the three kinds of modules (no connection option in the tasks), and clears a second Bitbucket auth method."""
    import atlsim  # pylint: disable=import-outside-toplevel

    env = dict(os.environ, PYTHONPATH=str(Path(atlsim.__file__).resolve().parents[1]))
    command = [sys.executable, "-m", "atlsim", "--port", "0", "--print-env"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)  # pylint: disable=consider-using-with
    try:
        lines = []
        for line in server.stdout:  # bounded: the block ends with the SCIM token's line, the output with the process
            lines.append(line)
            if line.startswith("export ATLASSIAN_SCIM_TOKEN="):
                break
        block = "".join(line for line in lines if line.startswith(("#", "unset ", "export ")))
        names = [line.split("=", 1)[0].split(" ", 1)[1] for line in block.splitlines() if line.startswith("export ")]
        assert names == [
            "BITBUCKET_API_URL", "BITBUCKET_USERNAME", "BITBUCKET_API_TOKEN", "ATLASSIAN_ADMIN_URL", "ATLASSIAN_ORG_ID",
            "ATLASSIAN_ADMIN_API_KEY", "ATLASSIAN_SCIM_URL", "ATLASSIAN_SCIM_DIRECTORY_ID", "ATLASSIAN_SCIM_TOKEN",
        ]  # fmt: skip
        (tmp_path / "block.sh").write_text(block)
        shell = subprocess.run(
            ["bash", "-c", 'source "$0" && env -0', str(tmp_path / "block.sh")],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env={"PATH": os.environ["PATH"], "BITBUCKET_ACCESS_TOKEN": "left-over-access-token"},
        )
        sourced = dict(item.split("=", 1) for item in shell.stdout.split("\0") if "=" in item)
        assert "BITBUCKET_ACCESS_TOKEN" not in sourced
        exported = {name: sourced[name] for name in names}
        result = ansible_run(ALL_PRODUCTS, env=exported)
        assert result.rc == 0, result.stdout + result.stderr
        assert [task["_status"] for task in result.tasks] == ["ok", "ok", "ok"]
        assert result.task("Admin API")["users"] and result.task("SCIM")["users"]
    finally:
        server.terminate()
        server.wait(timeout=60)


# -- docs/ansible.cfg: the recommended configuration (issue 19, item 9) ----------------------------------------------

SHOWN = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: A step that does not apply
      ansible.builtin.debug:
        msg: never shown
      when: false
    - name: A summary line
      ansible.builtin.debug:
        msg: {lines: [dev010 | offboarded]}
"""


def test_the_recommended_ansible_cfg_hides_skipped_tasks_and_shows_yaml(ansible_run, tmp_path):
    config = Path(__file__).resolve().parents[2] / "docs" / "ansible.cfg"
    result = ansible_run(SHOWN, env={"ANSIBLE_CONFIG": str(config)})
    assert result.rc == 0, result.stdout + result.stderr
    assert "A step that does not apply" not in result.stdout and "never shown" not in result.stdout
    assert "TASK [A summary line]" in result.stdout and "- dev010 | offboarded" in result.stdout  # YAML, not JSON
    assert "[WARNING]" not in result.stdout + result.stderr
