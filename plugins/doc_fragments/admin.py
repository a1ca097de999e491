# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the Atlassian organization Admin API modules (accessops.atlassian.admin)."""

    DOCUMENTATION = r"""
options:
  admin_url:
    description:
      - An absolute C(https://) URL without credentials (C(user:password@)), query, fragment, spaces or line breaks.
        Plain C(http://) is accepted with a warning unless the host is this machine (credentials would travel
        unencrypted).
      - Base URL of the Atlassian organization Admin API. The modules talk to C({admin_url}/admin/v2/orgs/{org_id})
        (the API's server is C(https://api.atlassian.com/admin)).
      - If not set in the task, the value of the E(ATLASSIAN_ADMIN_URL) environment variable is used.
    type: str
    default: https://api.atlassian.com
  org_id:
    description:
      - ID of the Atlassian organization, shown in the URL of Atlassian Administration
        (C(admin.atlassian.com/o/{org_id})) and next to the organization's API keys.
      - Required, in the task or through the environment.
      - Letters, digits, C(-), C(_), C(.) and C(~) only (it becomes one URL path segment).
      - If not set in the task, the value of the E(ATLASSIAN_ORG_ID) environment variable is used.
    type: str
  admin_api_key:
    description:
      - An API key of the organization, sent as a Bearer token. Created by an organization admin in Atlassian
        Administration, under Settings, API keys.
      - Reads work with a key with scopes (C(read:directories:admin), C(read:groups:admin), C(read:workspaces:admin));
        changes (group memberships, suspend, restore, remove, invite) need a key B(without) scopes, since the API
        documents no scope for them.
      - Required, in the task or through the environment.
      - If not set in the task, the value of the E(ATLASSIAN_ADMIN_API_KEY) environment variable is used.
    type: str
  admin_directory_id:
    description:
      - The user directory of the organization to work in.
      - V(-) means every directory this key may manage. Reads then cover all of them; changes go to the directory
        that holds the group or the user (the API documents V(-) for reads only).
      - Set a directory ID (from Atlassian Administration, or the C(directories) the API lists) to work in one
        directory only.
      - If not set in the task, the value of the E(ATLASSIAN_ADMIN_DIRECTORY_ID) environment variable is used.
    type: str
    default: "-"
  # BEGIN GENERATED common-options: from the tables of tests/update_doc_fragments.py (make doc-fragments)
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API.
      - Only set this to V(false) against a test server you control.
      - V(false) makes every task warn.
      - When O(ca_path) is not set, C(requests) trusts the file named by E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) if
        one is set; the task then warns unless that file is a default trust store. Set O(ca_path) to make the choice
        explicit.
      - If not set in the task, the value of the E(ATLASSIAN_ADMIN_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM bundle of CA certificates used to verify TLS certificates, for example behind a proxy that
        inspects TLS. When not set, the system or C(certifi) bundle is used.
      - Ignored when O(validate_certs=false).
      - If not set in the task, the value of the E(ATLASSIAN_ADMIN_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for the server to accept a connection, and then for each answer.
      - A number greater than 0 and at most 3600.
      - If not set in the task, the value of the E(ATLASSIAN_ADMIN_TIMEOUT) environment variable is used.
    type: float
    default: 30
  max_retries:
    description:
      - How many times a request is retried when the API answers HTTP 429, 502, 503 or 504, or the connection fails.
      - From 0 to 20.
      - Retries wait with exponential backoff and full jitter; on HTTP 429 they wait for C(Retry-After), or else until
        the C(X-RateLimit-Reset) time the API sends; they stop after 120 seconds in total.
      - Requests that create something (C(POST)) are only retried when they cannot have reached the server, or on HTTP
        429.
      - V(0) disables retries.
      - If not set in the task, the value of the E(ATLASSIAN_ADMIN_MAX_RETRIES) environment variable is used.
    type: int
    default: 5
  plan_journal:
    description:
      - "Append each change this task makes (or would make, in check mode) as one JSON line to this file: the run-wide
        journal the runbooks build their plan from (docs/plans.md)."
      - Each line is an object with C(item) (the change, as the module's C(changes) result lists it), C(check_mode) and
        C(module) (the module's short name).
      - An absolute path. The file is created with mode C(0600) when it is missing; the tasks that name the same file
        append whole lines to it under a lock. A path that cannot be written fails the task before any request.
      - Modules that change nothing (the C(_info) ones) accept it and write nothing.
      - If not set in the task, the value of the E(ACCESSOPS_PLAN_JOURNAL) environment variable is used.
    type: path
    version_added: 0.3.0
  # END GENERATED common-options
notes:
  - Lists are read with the API's cursors, 100 items a request; filters are sent within the API's limits - 100 emails
    or group names, 10 account IDs or group IDs, 20 resource IDs a request.
  - Every answer to a filtered or keyed read is checked against what was asked (the emails, the account IDs, the group
    names or IDs) before anything acts on it; a mismatch fails the task with C(Unexpected answer from the API).
requirements:
  - requests >= 2.28
"""
