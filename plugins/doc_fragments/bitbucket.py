# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the Bitbucket Cloud modules (accessops.atlassian.bitbucket)."""

    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - An absolute C(https://) URL without credentials (C(user:password@)), query, fragment, C(.) or C(..) path
        segments, spaces or line breaks.
        Plain C(http://) is accepted with a warning unless the host is this machine (credentials would travel
        unencrypted).
      - Base URL of the Bitbucket Cloud REST API, including the C(/2.0) version path.
      - If not set in the task, the value of the E(BITBUCKET_API_URL) environment variable is used.
    type: str
    default: https://api.bitbucket.org/2.0
  username:
    description:
      - The B(Atlassian account email) that owns the API token given in O(api_token). This is not the Bitbucket
        username or nickname.
      - Used with O(api_token) for HTTP Basic authentication.
      - If not set in the task, the value of the E(BITBUCKET_USERNAME) environment variable is used.
    type: str
  api_token:
    description:
      - An Atlassian API token with Bitbucket scopes, sent with O(username) over HTTP Basic authentication.
      - Managing workspace members and permissions needs scopes such as C(read:workspace:bitbucket),
        C(read:repository:bitbucket) / C(read:project:bitbucket) to read permissions, and
        C(admin:repository:bitbucket) / C(admin:project:bitbucket) plus C(write:permission:bitbucket) (grant, change)
        or C(delete:permission:bitbucket) (revoke) to change them; the account must be an administrator of the
        repositories or projects.
      - The only credentials Bitbucket accepts for permission changes (C(permissions-config) C(PUT) and C(DELETE)).
      - App passwords were removed from Bitbucket Cloud and cannot be used; create an API token instead.
      - If not set in the task, the value of the E(BITBUCKET_API_TOKEN) environment variable is used.
    type: str
  access_token:
    description:
      - A Bearer token. Either an OAuth 2.0 access token, or a workspace, project or repository access token.
      - Workspace, project and repository access tokens B(cannot query or change permissions); an OAuth access token
        can read them but B(cannot change them) (Bitbucket accepts only HTTP Basic credentials for permission writes).
        Use O(username) and O(api_token) for modules that manage permissions.
      - OAuth 2.0 access tokens expire after about one to two hours and are not refreshed by the modules.
      - If not set in the task, the value of the E(BITBUCKET_ACCESS_TOKEN) environment variable is used.
    type: str
  client_id:
    description:
      - Key of a private Bitbucket OAuth consumer, used with O(client_secret) for the OAuth 2.0 client credentials grant.
      - The modules request an access token from O(token_url) once per task, and once more if the API rejects it
        with HTTP 401. The token acts as the owner of the consumer, with the consumer's scopes.
      - An OAuth consumer can read permissions but B(cannot change them). Bitbucket refuses OAuth for permission
        writes (JWT and OAuth authentication methods are unsupported), so the permission modules fail such a task
        before the first write; use O(username) and O(api_token).
      - If not set in the task, the value of the E(BITBUCKET_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - Secret of the OAuth consumer given in O(client_id).
      - If not set in the task, the value of the E(BITBUCKET_CLIENT_SECRET) environment variable is used.
    type: str
  token_url:
    description:
      - An absolute C(https://) URL without credentials (C(user:password@)), query, fragment, C(.) or C(..) path
        segments, spaces or line breaks.
        Plain C(http://) is accepted with a warning unless the host is this machine (credentials would travel
        unencrypted).
      - The OAuth 2.0 token endpoint used with O(client_id) and O(client_secret).
      - If not set in the task, the value of the E(BITBUCKET_TOKEN_URL) environment variable is used.
    type: str
    default: https://bitbucket.org/site/oauth2/access_token
  requests_per_hour:
    description:
      - "The task's client-side request budget, for Bitbucket's rate limit (about 1,000 requests per user and rolling
        hour): the task never sends more than this many requests in any hour, and a task larger than that waits for
        room (paces its requests) instead of being refused with HTTP 429, which Bitbucket answers without
        C(Retry-After). A task within its budget never waits."
      - When the job is estimated to need more requests than are left, the task warns before it starts. When Bitbucket
        sends C(X-RateLimit-Limit) or C(X-RateLimit-NearLimit) (less than 20% left), the budget is lowered to match.
      - Without O(requests_ledger) the budget counts this task's own requests only (each task starts a new hour),
        while other tasks and tools using the same account share Bitbucket's limit; with it, the budget counts the
        requests of every task that records in the same ledger file. C(rate_limit.paced_seconds) in the result says
        how long the task waited.
      - V(0) disables pacing (HTTP 429 answers are still retried, see O(max_retries)) and the ledger.
      - If not set in the task, the value of the E(BITBUCKET_REQUESTS_PER_HOUR) environment variable is used.
    type: int
    default: 1000
    version_added: 0.3.0
  requests_ledger:
    description:
      - "Absolute path of a ledger file that makes O(requests_per_hour) the budget of a whole run instead of one task:
        every task that names the same file records there the time of each request it sends, and paces when the
        requests of the rolling hour, of all those tasks together, reach O(requests_per_hour)."
      - The requests are counted per account and API URL (a hash of the username, OAuth consumer key or access token;
        never the credential itself), so two accounts in one ledger do not share a budget.
      - The file is created with mode C(0600) when missing (an empty file is fine, for example one made by
        M(ansible.builtin.tempfile)); it holds only hashed keys and times and is locked with C(flock) for each request,
        so it must be on a local file system of the controller.
      - The collection's playbooks set it for the whole play (a file under a temporary directory made once per run,
        or E(BITBUCKET_REQUESTS_LEDGER) when set). In a playbook of your own, set it once for the Bitbucket modules
        with C(module_defaults) for C(group/accessops.atlassian.bitbucket), or set E(BITBUCKET_REQUESTS_LEDGER) to a
        file that outlives the run to share the budget between runs too.
      - Not set (or empty), each task has its own budget, as before.
      - If not set in the task, the value of the E(BITBUCKET_REQUESTS_LEDGER) environment variable is used.
    type: path
    version_added: 0.3.0
  # BEGIN GENERATED common-options: from the tables of tests/update_doc_fragments.py (make doc-fragments)
  validate_certs:
    description:
      - Whether to verify the TLS certificates of the API and token endpoints.
      - Only set this to V(false) against a test server you control.
      - V(false) makes every task warn.
      - When O(ca_path) is not set, C(requests) trusts the file named by E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) if
        one is set; the task then warns unless that file is a default trust store. Set O(ca_path) to make the choice
        explicit.
      - If not set in the task, the value of the E(BITBUCKET_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM bundle of CA certificates used to verify TLS certificates, for example behind a proxy that
        inspects TLS. When not set, the system or C(certifi) bundle is used.
      - Ignored when O(validate_certs=false).
      - If not set in the task, the value of the E(BITBUCKET_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for the server to accept a connection, and then for each answer.
      - A number greater than 0 and at most 3600.
      - If not set in the task, the value of the E(BITBUCKET_TIMEOUT) environment variable is used.
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
      - If not set in the task, the value of the E(BITBUCKET_MAX_RETRIES) environment variable is used.
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
  - Give exactly one authentication method per task, in the task or through environment variables. The methods are
    O(username) with O(api_token), O(access_token), or O(client_id) with O(client_secret). The modules fail when
    none or several are given.
  - Bitbucket Cloud allows about 1,000 API requests per hour per user (more for access tokens). Every module
    returns C(api_calls), the number of HTTP requests it sent, to help plan large runs.
requirements:
  - requests >= 2.28
"""
