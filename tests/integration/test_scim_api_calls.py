# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many SCIM requests each main path costs, measured from the simulator's request log and checked against
the ``api_calls`` the modules report. The table is printed."""

from __future__ import annotations

from pathlib import Path

import yaml

from atlsim import DEMO_SEED

PLAYBOOKS = Path(__file__).parent / "playbooks"
USER = "measured.user@acme.example"
ATTRIBUTES = {"email": USER, "given_name": "Measured", "family_name": "User", "title": "Engineer", "department": "Platform"}
DIRECTORY_SIZE = 250


def _seed():
    """The demo seed with a directory of DIRECTORY_SIZE users (three pages of 100)."""
    seed = yaml.safe_load(DEMO_SEED.read_text(encoding="utf-8"))
    users = seed["scim"]["directories"][0]["users"]
    for number in range(DIRECTORY_SIZE - len(users)):
        name = "bulk%03d@acme.example" % number
        users.append({"userName": name, "active": number % 10 != 0, "emails": [{"value": name, "type": "work", "primary": True}]})
    return seed


def _measure(handle, ansible_run, playbook, options):
    handle.clear_log()
    result = ansible_run(
        (PLAYBOOKS / playbook).read_text(encoding="utf-8"), extra_vars=dict(options, sim_scim_url=handle.scim_url)
    )
    assert result.rc == 0, result.stdout + result.stderr
    task = result.tasks[0]
    logged, by_method = _scim_requests(handle, task)
    return task, len(logged), by_method


def _scim_requests(handle, task):
    """The SCIM requests of the simulator's log, and their count by method (checked against the task's own count)."""
    logged = [e for e in handle.log() if e["path"].startswith("/scim/")]
    by_method = {}
    for entry in logged:
        by_method[entry["method"]] = by_method.get(entry["method"], 0) + 1
    assert task["api_calls"] == dict(by_method, total=len(logged)), "the module's own count matches the server log"
    return logged, by_method


PATHS = [
    ("create", dict(ATTRIBUTES, user_name=USER), True),
    ("no change", dict(ATTRIBUTES, user_name=USER), False),
    ("update (2 attributes)", dict(ATTRIBUTES, user_name=USER, title="Manager", department="Ops"), True),
    ("deactivate", {"user_name": USER, "active": False}, True),
    ("delete", {"user_name": USER, "state": "absent"}, True),
    ("info, all %d users" % DIRECTORY_SIZE, {}, False),
]
# Expected requests: Atlassian answers PATCH with the user (200); scim2-server answers 204, so the user is read again.
# A creation is POSTed in the RFC 7643 form; Atlassian ignores its read-only enterprise extension, so the department
# is then set top-level with one PATCH (Atlassian only, and only when the task sets department / organization).
EXPECTED = {
    "atlassian": {
        "create": 3,
        "no change": 1,
        "update (2 attributes)": 2,
        "deactivate": 2,
        "delete": 2,
        "info, all %d users" % DIRECTORY_SIZE: 3,
    },
    "plain RFC 7644": {
        "create": 2,
        "no change": 1,
        "update (2 attributes)": 3,
        "deactivate": 3,
        "delete": 2,
        "info, all %d users" % DIRECTORY_SIZE: 3,
    },
}


def test_api_calls_per_main_path(sim_factory, ansible_run, capsys):
    seed = _seed()
    rows = []
    for server, extension in (("atlassian", True), ("plain RFC 7644", False)):
        handle = sim_factory(seed, scim_extension=extension)
        for name, options, changed in PATHS:
            playbook = "scim_user_info.yml" if name.startswith("info") else "scim_user.yml"
            task, total, by_method = _measure(handle, ansible_run, playbook, options)
            assert task["changed"] is changed, name
            if name.startswith("info"):
                assert task["total"] == DIRECTORY_SIZE
            rows.append((server, name, total, by_method))
            assert total == EXPECTED[server][name], (server, name, by_method)
    with capsys.disabled():
        print("\nSCIM requests per path (measured from the simulator log):")
        for server, name, total, by_method in rows:
            detail = ", ".join("%s %d" % item for item in sorted(by_method.items()))
            print("  %-15s %-24s %d  (%s)" % (server, name, total, detail))


BULK_PLAY = """
- name: Manage many SCIM users
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Manage the users
      accessops.atlassian.atlassian_scim_user:
        scim_url: "{{ sim_scim_url }}"
        directory_id: demo-directory
        scim_token: demo-scim-api-key
        users: "{{ team }}"
"""
BULK_SIZE = 20


def _bulk_team():
    """BULK_SIZE users: the first half exist in the seed (a title is added: one attribute changed), the rest are new."""
    team = [{"user_name": "bulk%03d@acme.example" % n, "title": "Engineer"} for n in range(1, BULK_SIZE // 2 + 1)]
    team += [
        {"user_name": "fresh%03d@acme.example" % n, "email": "fresh%03d@acme.example" % n, "title": "Engineer"}
        for n in range(BULK_SIZE // 2)
    ]
    return team


def test_api_calls_of_the_list_form(sim_factory, ansible_run, capsys):
    handle = sim_factory(_seed())
    rows = []
    for name, expected in (
        ("users: %d, half new" % BULK_SIZE, {"GET": BULK_SIZE, "POST": BULK_SIZE // 2, "PATCH": BULK_SIZE // 2}),
        ("users: %d, no change" % BULK_SIZE, {"GET": BULK_SIZE}),
    ):
        handle.clear_log()
        result = ansible_run(BULK_PLAY, extra_vars={"team": _bulk_team(), "sim_scim_url": handle.scim_url})
        assert result.rc == 0, result.stdout + result.stderr
        task = result.tasks[0]
        logged, by_method = _scim_requests(handle, task)
        assert by_method == expected, name
        assert task["changed"] is (len(expected) > 1)
        rows.append((name, len(logged), by_method))
    with capsys.disabled():
        print("\nSCIM requests of one atlassian_scim_user task with users (measured from the simulator log):")
        for name, total, by_method in rows:
            print("  %-24s %d  (%s)" % (name, total, ", ".join("%s %d" % item for item in sorted(by_method.items()))))
