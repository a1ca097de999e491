# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization API key stays out of every output at -vvvv (valid, wrong and echoed by the server), with real
ansible-playbook runs of the Admin API modules against the simulator."""

from __future__ import annotations

import base64

import pytest

from atlsim import demo


# 8. -- the organization API key stays out of every output at -vvvv --------------------------------------------------

SECRET_TASKS = """
- hosts: localhost
  gather_facts: false
  vars_files:
    - "%(vars_file)s"
  module_defaults:
    group/accessops.atlassian.admin:
      admin_url: "{{ sim_admin_url }}"
      org_id: %(org)s
      admin_api_key: "{{ secret }}"
  tasks:
    - name: Audit a user
      accessops.atlassian.atlassian_user_info:
        emails: [dev010@acme.example]
      ignore_errors: true
    - name: Give access
      accessops.atlassian.atlassian_group_member:
        user: newhire02@acme.example
        groups: [bitbucket-users-acme]
      ignore_errors: true
    - name: Suspend
      accessops.atlassian.atlassian_user:
        user: dev149@acme.example
        state: suspended
      ignore_errors: true
    - name: Refused synced group
      accessops.atlassian.atlassian_group_member:
        user: newhire02@acme.example
        groups: [okta-engineering]
      ignore_errors: true
"""


@pytest.mark.parametrize(
    "kind, secret, statuses",
    [
        ("valid", demo.ADMIN_API_KEY, ["ok", "ok", "ok", "failed"]),
        ("wrong", "wrong-org-admin-api-key-0123456789", ["failed"] * 4),
        ("echoed", demo.ADMIN_API_KEY, ["failed"] * 4),
    ],
)
def test_admin_api_key_stays_hidden_at_vvvv(sim, ansible_run, tmp_path, kind, secret, statuses):
    vars_file = tmp_path / "secrets.yml"
    vars_file.write_text("secret: %s\n" % secret)  # as from a vault: never on the command line, which -vvvv prints
    if kind != "valid":  # every error answer carries the Authorization header and the bare key
        sim.faults(echo_credentials={"count": 100, "pad": 5})
    if kind == "echoed":
        sim.faults(fail_next=[{"status": 400, "count": 100, "path_prefix": "/admin/"}])
    result = ansible_run(SECRET_TASKS % {"vars_file": vars_file, "org": demo.ORG_ID}, diff=True, verbosity=4)
    assert [t["_status"] for t in result.tasks] == statuses, result.stdout[-3000:]
    if kind != "valid":
        assert any(e["fault"] and "echo_credentials" in e["fault"] for e in sim.log()), "nothing was echoed"
        assert all(t.get("status") in (400, 401) for t in result.tasks), [t.get("msg") for t in result.tasks]
    text = result.stdout + result.stderr
    assert "Audit a user" in text and "Refused synced group" in text
    for form in (secret, "Bearer " + secret, base64.b64encode(secret.encode()).decode()):
        assert form not in text, "secret form %r printed at -vvvv" % form
        assert all(form not in repr(task) for task in result.tasks)
