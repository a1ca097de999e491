# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the Atlassian SCIM user provisioning modules (accessops.atlassian.scim)."""

    DOCUMENTATION = r"""
options:
  scim_url:
    description:
      - An absolute C(https://) URL without credentials (C(user:password@)), query, fragment, C(.) or C(..) path
        segments, spaces or line breaks.
        Plain C(http://) is accepted with a warning unless the host is this machine (credentials would travel
        unencrypted).
      - Base URL of the Atlassian user provisioning API. The modules talk to
        C({scim_url}/scim/directory/{directory_id}).
      - If not set in the task, the value of the E(ATLASSIAN_SCIM_URL) environment variable is used.
    type: str
    default: https://api.atlassian.com
  directory_id:
    description:
      - ID of the identity provider directory of the Atlassian organization, shown in Atlassian Administration when
        the directory API key is created.
      - Required, in the task or through the environment.
      - Letters, digits, C(-), C(_), C(.) and C(~) only (it becomes one URL path segment).
      - If not set in the task, the value of the E(ATLASSIAN_SCIM_DIRECTORY_ID) environment variable is used.
    type: str
  scim_token:
    description:
      - The directory API key, sent as a Bearer token.
      - Required, in the task or through the environment.
      - If not set in the task, the value of the E(ATLASSIAN_SCIM_TOKEN) environment variable is used.
    type: str
  # BEGIN GENERATED common-options: from the tables of tests/update_doc_fragments.py (make doc-fragments)
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API.
      - Only set this to V(false) against a test server you control.
      - V(false) makes every task warn.
      - When O(ca_path) is not set, C(requests) trusts the file named by E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) if
        one is set; the task then warns unless that file is a default trust store. Set O(ca_path) to make the choice
        explicit.
      - If not set in the task, the value of the E(ATLASSIAN_SCIM_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM bundle of CA certificates used to verify TLS certificates, for example behind a proxy that
        inspects TLS. When not set, the system or C(certifi) bundle is used.
      - Ignored when O(validate_certs=false).
      - If not set in the task, the value of the E(ATLASSIAN_SCIM_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for the server to accept a connection, and then for each answer.
      - A number greater than 0 and at most 3600.
      - If not set in the task, the value of the E(ATLASSIAN_SCIM_TIMEOUT) environment variable is used.
    type: float
    default: 30
  max_retries:
    description:
      - How many times a request is retried when the API answers HTTP 429, 502, 503 or 504, or the connection fails.
      - From 0 to 20.
      - Retries wait with exponential backoff and full jitter, honour C(Retry-After) when the server sends it, and stop
        after 120 seconds in total.
      - Requests that create something (C(POST)) are only retried when they cannot have reached the server, or on HTTP
        429.
      - V(0) disables retries.
      - If not set in the task, the value of the E(ATLASSIAN_SCIM_MAX_RETRIES) environment variable is used.
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
  - SCIM provisioning creates, updates and deactivates Atlassian accounts of the organization. It does not grant
    access to Bitbucket workspaces or repositories by itself.
requirements:
  - requests >= 2.28
"""
