# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The format of the bad-input cases (bad_input_cases.py gathers them; test_bad_input.py runs them), the valid base
arguments of each module and ``case()``, which adds a case to ``CASES``. The cases are in bad_input_cases_bitbucket.py
(the Bitbucket modules) and bad_input_cases_admin_scim.py (the SCIM and the organization Admin API modules).

Each case is a dict:

* ``id``: unique, ``<module short name>-<option>-<what>``;
* ``module``: the module file name under plugins/modules;
* ``option``: the option the failure message must name (for a sub-option, the list option, e.g. ``users``);
* ``set`` / ``unset``: what the case changes in the module's valid base arguments (``BASES``), and ``args``: the
  complete arguments the module receives;
* ``expect``: ``fail`` (a clean failure naming ``option`` before any HTTP request), ``fail-no-writes`` (a read is needed
  to know, so GETs are allowed but no PUT/POST/PATCH/DELETE) or ``ok`` (a control: valid input the module must accept,
  with no write);
* ``known_limit``: None, or the reason why the case cannot pass (an ansible-core limitation); the test marks it
  xfail(strict=True), so a fix shows up.

Every case also requires no traceback and no secret (nor 8 characters of one) anywhere in the result, ``invocation``
included.
"""

from __future__ import annotations

FAIL = "fail"
FAIL_NO_WRITES = "fail-no-writes"
OK = "ok"
EXPECTATIONS = (FAIL, FAIL_NO_WRITES, OK)

# Long, distinctive secrets that share no 8-character piece with each other nor with any other input: the test looks
# for every 8-character piece of each in the whole result.
API_TOKEN = "apitoken.Q7vK2mX9pL4wN6sE3dRt"
ACCESS_TOKEN = "accesstk.R8nJ3cY6tH1zB5qW7uLm"
CLIENT_SECRET = "clientsc.S5bF7dW2kM9qX4jP8vNa"
SCIM_TOKEN = "scimtokn.T4gN8hV3rP6xC2mK9wQe"
URL_PASSWORD = "urlpassw.U9cL2jB5sD7yF3nH6tRz"
# The organization API key of the Admin API modules.
ADMIN_API_KEY = "adminkey.W6hM2tQ9xB4vK7pZ3nFj"
SECRETS = {
    "api_token": API_TOKEN,
    "access_token": ACCESS_TOKEN,
    "client_secret": CLIENT_SECRET,
    "scim_token": SCIM_TOKEN,
    "url_password": URL_PASSWORD,
    "admin_api_key": ADMIN_API_KEY,
}
ORG_ID = "0475f711-2971-5a21-a71a-659f380ffd26"

CLIENT_ID = "acme-oauth-consumer-id"
LONG = "a" * 5000
UUID_NOBODY = "{6c1b5e2a-0d3b-4b5a-9a56-2f0e8c1d4b7e}"

_BITBUCKET = {"username": "admin@acme.example", "api_token": API_TOKEN, "workspace": "acme"}
BASES = {
    "bitbucket_repo_permission": dict(_BITBUCKET, repository="infra-core", user="557058:dev1", permission="write"),
    "bitbucket_member_info": dict(_BITBUCKET),
    "bitbucket_project_permission": dict(_BITBUCKET, project="INFRA", group="developers", permission="create-repo"),
    "atlassian_scim_user": {
        "directory_id": "dir-1",
        "scim_token": SCIM_TOKEN,
        "user_name": "jane@acme.example",
        "email": "jane@acme.example",
    },
    "atlassian_scim_user_info": {"directory_id": "dir-1", "scim_token": SCIM_TOKEN},
    "atlassian_user_info": {"org_id": ORG_ID, "admin_api_key": ADMIN_API_KEY},
    "atlassian_group_info": {"org_id": ORG_ID, "admin_api_key": ADMIN_API_KEY},
    "atlassian_group_member": {
        "org_id": ORG_ID,
        "admin_api_key": ADMIN_API_KEY,
        "user": "jane@acme.example",
        "groups": ["bitbucket-users-acme"],
    },
    "atlassian_user": {"org_id": ORG_ID, "admin_api_key": ADMIN_API_KEY, "user": "jane@acme.example", "state": "suspended"},
}
SHORT_NAMES = {
    "bitbucket_repo_permission": "perm",
    "bitbucket_member_info": "member",
    "bitbucket_project_permission": "proj",
    "atlassian_scim_user": "scim",
    "atlassian_scim_user_info": "sciminfo",
    "atlassian_user_info": "userinfo",
    "atlassian_group_info": "groupinfo",
    "atlassian_group_member": "groupmember",
    "atlassian_user": "adminuser",
}
ADMIN_MODULES = ("atlassian_user_info", "atlassian_group_info", "atlassian_group_member", "atlassian_user")
MODULES = {short: module for module, short in SHORT_NAMES.items()}

# Client credentials instead of username + api_token (Bitbucket modules).
OAUTH_UNSET = ("username", "api_token")
OAUTH_SET = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}

ANSIBLE_CORE_NO_LOG_LIMIT = (
    "ansible-core limitation: a list element that is not a dict where a dict sub-option is expected fails validation "
    "before no_log values are collected, so the no_log values of the task appear in the failed result's invocation "
    "(reproduced with a bare AnsibleModule, without this collection)"
)

ANSIBLE_CORE_DICT_PARSE_LIMIT = (
    ANSIBLE_CORE_NO_LOG_LIMIT + "; also, ansible-core's message for a string that is not a dict ('dictionary requested, "
    "could not parse JSON or key=value') does not name the option"
)

CASES = []


def case(short, option, what, changes=None, unset=(), expect=FAIL, known_limit=None):
    """Add one case: the base arguments of module ``short``, minus ``unset``, plus ``changes``."""
    module = MODULES[short]
    args = dict(BASES[module])
    for key in unset:
        args.pop(key, None)
    args.update(changes or {})
    entry = {
        "id": "%s-%s-%s" % (short, option.replace("_", "-"), what),
        "module": module,
        "option": option,
        "set": dict(changes or {}),
        "unset": tuple(unset),
        "args": args,
        "expect": expect,
        "known_limit": known_limit,
    }
    CASES.append(entry)
    return entry
