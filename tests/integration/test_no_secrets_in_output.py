# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets never appear in output, logs or error messages, even at -vvvv.

Each playbook passes its credentials through variables (as a vault would) and runs tasks that
succeed, change something and fail, at the highest verbosity; nothing it prints may contain a
secret, whole or base64-encoded as in an HTTP Basic header.
"""

from __future__ import annotations

import base64

import pytest

BITBUCKET_TASKS = """
- hosts: localhost
  gather_facts: false
  vars_files:
    - "%(vars_file)s"
  module_defaults:
    group/accessops.atlassian.bitbucket:
      api_url: "{{ sim_api_url }}"
      token_url: "{{ sim_token_url }}"
%(auth)s
  tasks:
    - name: Look up members
      accessops.atlassian.bitbucket_member_info:
        workspace: acme
        member: dev010@acme.example
        include_permissions: true
      ignore_errors: true

    - name: Grant a permission
      accessops.atlassian.bitbucket_repo_permission:
        workspace: acme
        repository: infra-core
        user: dev010@acme.example
        permission: admin
      ignore_errors: true

    - name: Fail on a repository that does not exist
      accessops.atlassian.bitbucket_repo_permission:
        workspace: acme
        repository: no-such-repository
        user: dev010@acme.example
        permission: read
      ignore_errors: true
"""

AUTHS = {
    "api_token": (
        '      username: admin@acme.example\n      api_token: "{{ secret }}"',
        "demo-admin-api-token",
        "admin@acme.example",
    ),
    "client_credentials": (
        '      client_id: demo-client-id\n      client_secret: "{{ secret }}"',
        "demo-client-secret",
        "demo-client-id",
    ),
    "access_token": ('      access_token: "{{ secret }}"', "demo-workspace-access-token", None),
    "wrong_api_token": (
        '      username: admin@acme.example\n      api_token: "{{ secret }}"',
        "not-the-right-token-0123",
        "admin@acme.example",
    ),
}

SCIM_TASKS = """
- hosts: localhost
  gather_facts: false
  vars_files:
    - "%(vars_file)s"
  module_defaults:
    group/accessops.atlassian.scim:
      scim_url: "{{ sim_scim_url }}"
      directory_id: demo-directory
      scim_token: "{{ secret }}"
  tasks:
    - name: Provision
      accessops.atlassian.atlassian_scim_user:
        user_name: leak.check@acme.example
        email: leak.check@acme.example
        given_name: Leak
        family_name: Check
      ignore_errors: true

    - name: Audit
      accessops.atlassian.atlassian_scim_user_info:
      ignore_errors: true
"""


def _vars_file(tmp_path, secret):
    """The secret goes in a vars file, as it would in a vault: never on the command line, which -vvvv prints."""
    path = tmp_path / "secrets.yml"
    path.write_text("secret: %s\n" % secret)
    return str(path)


def _forms(secret, username):
    forms = [secret]
    if username:
        forms.append(base64.b64encode(("%s:%s" % (username, secret)).encode()).decode())
    return forms


def _assert_clean(result, secret, username):
    text = result.stdout + result.stderr
    assert "Look up members" in text or "Provision" in text, "the run printed nothing useful:\n" + text[-2000:]
    for form in _forms(secret, username):
        assert form not in text, "secret form %r printed at -vvvv" % form


@pytest.mark.parametrize("kind", sorted(AUTHS))
def test_bitbucket_secrets_stay_hidden_at_vvvv(sim, ansible_run, tmp_path, kind):
    auth, secret, username = AUTHS[kind]
    playbook = BITBUCKET_TASKS % {"auth": auth, "vars_file": _vars_file(tmp_path, secret)}
    result = ansible_run(playbook, diff=True, verbosity=4)
    assert len(result.tasks) == 3, result.stdout[-3000:]
    statuses = [task["_status"] for task in result.tasks]
    if kind == "api_token":
        assert statuses == ["ok", "ok", "failed"], statuses
    elif kind == "client_credentials":  # OAuth reads; Bitbucket refuses it for permission writes
        assert statuses == ["ok", "failed", "failed"], statuses
    else:
        assert "failed" in statuses
    _assert_clean(result, secret, username)
    for task in result.tasks:
        assert secret not in repr(task)


@pytest.mark.parametrize("secret, expected", [("demo-scim-api-key", "ok"), ("wrong-scim-key-0123456789", "failed")])
def test_scim_secret_stays_hidden_at_vvvv(sim, ansible_run, tmp_path, secret, expected):
    result = ansible_run(SCIM_TASKS % {"vars_file": _vars_file(tmp_path, secret)}, diff=True, verbosity=4)
    assert [task["_status"] for task in result.tasks] == [expected, expected]
    _assert_clean(result, secret, None)
