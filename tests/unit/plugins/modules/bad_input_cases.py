# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bad-input cases of every module, as data (test_bad_input.py runs them, tests/reliability/gen_reliability.py
renders them into docs/reliability.md).

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


# --- bitbucket_project_permission ----------------------------------------------------------------------------------
# project keys and group slugs become path segments: the API's own syntax, before any request.
case("proj", "project", "empty", {"project": ""})
case("proj", "project", "dotdot", {"project": ".."})
case("proj", "project", "slash", {"project": "INFRA/WEB"})
case("proj", "project", "pct2e", {"project": "%2e%2e"})
case("proj", "project", "space", {"project": "IN FRA"})
case("proj", "project", "digit-first", {"project": "1NFRA"})
case("proj", "project", "dash", {"project": "IN-FRA"})
case("proj", "project", "newline", {"project": "INFRA\n"})
case("proj", "project", "long", {"project": "A" * 5000})
case("proj", "projects", "empty-list", {"projects": []}, unset=("project",))
case("proj", "projects", "element-dotdot", {"projects": ["INFRA", ".."]}, unset=("project",))
case("proj", "group", "empty", {"group": ""})
case("proj", "group", "dotdot", {"group": ".."})
case("proj", "group", "slash", {"group": "dev/ops"})
case("proj", "group", "nonascii", {"group": "développeurs"})
case("proj", "groups", "element-blank", {"groups": [{"group": " ", "permission": "read"}]}, unset=("group", "permission"))
case(
    "proj",
    "groups",
    "duplicate-contradiction",
    {"groups": [{"group": "qa", "permission": "read"}, {"group": "QA", "state": "absent"}]},
    unset=("group", "permission"),
)
case("proj", "permission", "repository-level-only", {"permission": "owner"})
case("proj", "exclusive", "with-single-group", {"exclusive": True})
case(
    "proj", "exempt", "without-users", {"groups": [], "exclusive": True, "exempt": ["557058:dev1"]}, unset=("group", "permission")
)
case("proj", "concurrency", "zero", {"concurrency": 0})
case("proj", "workspace", "dotdot", {"workspace": ".."})
case("proj", "project", "ok-create-repo-check-mode", {"_ansible_check_mode": True}, expect=OK)

# --- bitbucket_repo_permission -------------------------------------------------------------------------------------
# user: blank or malformed identifiers (neither an email, an account id nor a {uuid}), before any request.
case("perm", "user", "empty", {"user": ""})
case("perm", "user", "empty-absent", {"user": "", "state": "absent"}, unset=("permission",))
case("perm", "user", "blank", {"user": "  "})
case("perm", "user", "dot", {"user": "."})
case("perm", "user", "dotdot", {"user": ".."})
case("perm", "user", "slash", {"user": "557058:a/b"})
case("perm", "user", "pct2f", {"user": "%2F"})
case("perm", "user", "newline", {"user": "557058:dev1\n"})
case("perm", "user", "tab", {"user": "dev\t1@acme.example"})
case("perm", "user", "nul", {"user": "557058:dev1\x00"})
case("perm", "user", "del", {"user": "557058:dev\x7f1"})
case("perm", "user", "long", {"user": LONG})
case("perm", "user", "nonascii", {"user": "dév"})
case("perm", "user", "bad-uuid", {"user": "{not-a-uuid"})
case("perm", "user", "account-id-no-tail", {"user": "557058:"})
case("perm", "user", "dotted-absent", {"user": "dev002.acme.example", "state": "absent"}, unset=("permission",))
case("perm", "user", "at-only", {"user": "@"})
case("perm", "user", "at-no-domain", {"user": "a@"})
case("perm", "user", "email-space", {"user": "x y@z"})
case("perm", "user", "int", {"user": 42})
case("perm", "user", "list", {"user": [42]})
# users[].user and the users list itself
case("perm", "users", "user-empty", {"users": [{"user": "", "permission": "read"}]}, unset=("user", "permission"))
case("perm", "users", "user-blank", {"users": [{"user": "  ", "permission": "read"}]}, unset=("user", "permission"))
case(
    "perm",
    "users",
    "user-dotdot",
    {"users": [{"user": "557058:dev1", "permission": "read"}, {"user": "..", "state": "absent"}]},
    unset=("user", "permission"),
)
case("perm", "users", "user-bad-uuid", {"users": [{"user": "{not-a-uuid", "state": "absent"}]}, unset=("user", "permission"))
case(
    "perm",
    "users",
    "user-newline",
    {"users": [{"user": "dev1@acme.example\n", "permission": "read"}]},
    unset=("user", "permission"),
)
case("perm", "users", "user-dict", {"users": [{"user": {"a": 1}, "permission": "read"}]}, unset=("user", "permission"))
case(
    "perm",
    "users",
    "duplicate-contradiction",
    {"users": [{"user": "557058:dev1", "permission": "read"}, {"user": "557058:dev1", "state": "absent"}]},
    unset=("user", "permission"),
)
case("perm", "users", "element-int", {"users": [42]}, unset=("user", "permission"), known_limit=ANSIBLE_CORE_NO_LOG_LIMIT)
case(
    "perm",
    "users",
    "element-str",
    {"users": ["557058:dev1"]},
    unset=("user", "permission"),
    known_limit=ANSIBLE_CORE_DICT_PARSE_LIMIT,
)
case("perm", "users", "dict-not-list", {"users": {"a": 1}}, unset=("user", "permission"))
case(
    "perm",
    "users",
    "unknown-suboption",
    {"users": [{"user": "557058:dev1", "state": "absent", "permision": "read"}]},
    unset=("user", "permission"),
)
case("perm", "users", "state-choice", {"users": [{"user": "557058:dev1", "state": "gone"}]}, unset=("user", "permission"))
case("perm", "users", "permission-missing", {"users": [{"user": "557058:dev1"}]}, unset=("user", "permission"))
# contradictions
case("perm", "users", "and-user", {"users": [{"user": "557058:dev2", "permission": "read"}]}, unset=("permission",))
case("perm", "repositories", "and-repository", {"repositories": ["infra-api"]})
case("perm", "permission", "missing-state-present", {"state": "present"}, unset=("permission",))
case("perm", "permission", "choice", {"permission": "owner"})
case("perm", "permission", "with-users", {"users": [{"user": "557058:dev2", "permission": "read"}]}, unset=("user",))
case("perm", "exclusive", "with-user", {"exclusive": True})
case("perm", "exclusive", "not-bool", {"exclusive": "maybe"})
case(
    "perm",
    "exempt",
    "without-exclusive",
    {"users": [{"user": "557058:dev2", "permission": "read"}], "exempt": ["557058:dev3"]},
    unset=("user", "permission"),
)
case(
    "perm",
    "exempt",
    "and-absent",
    {"users": [{"user": "557058:dev2", "state": "absent"}], "exclusive": True, "exempt": ["557058:dev2"]},
    unset=("user", "permission"),
)
case("perm", "access_token", "two-auth-methods", {"access_token": ACCESS_TOKEN})
# workspace / repository / repositories: path segments
case("perm", "workspace", "empty", {"workspace": ""})
case("perm", "workspace", "blank", {"workspace": "  "})
case("perm", "workspace", "dot", {"workspace": "."})
case("perm", "workspace", "dotdot", {"workspace": ".."})
case("perm", "workspace", "slash", {"workspace": "a/b"})
case("perm", "workspace", "pct2f", {"workspace": "%2F"})
case("perm", "workspace", "pct2e", {"workspace": "%2e%2e"})
case("perm", "workspace", "newline", {"workspace": "acme\n"})
case("perm", "workspace", "fullwidth", {"workspace": "ｗｏｒｋ"})
case("perm", "workspace", "long", {"workspace": LONG})
case("perm", "workspace", "list", {"workspace": ["x", 1]})
case("perm", "repository", "empty", {"repository": ""})
case("perm", "repository", "dot", {"repository": "."})
case("perm", "repository", "dotdot", {"repository": ".."})
case("perm", "repository", "slash", {"repository": "a/b"})
case("perm", "repository", "pct2f", {"repository": "infra%2Fcore"})
case("perm", "repository", "pct2e", {"repository": "%2e%2e"})
case("perm", "repository", "nul", {"repository": "infra\x00core"})
case("perm", "repository", "del", {"repository": "infra\x7fcore"})
case("perm", "repository", "nonascii", {"repository": "dév"})
case("perm", "repository", "long", {"repository": LONG})
case("perm", "repositories", "empty-list", {"repositories": []}, unset=("repository",))
case("perm", "repositories", "element-dotdot", {"repositories": ["infra-core", ".."]}, unset=("repository",))
case("perm", "repositories", "element-blank", {"repositories": ["infra-core", " "]}, unset=("repository",))
case("perm", "repositories", "element-dict", {"repositories": ["infra-core", {"a": 1}]}, unset=("repository",))
# exempt: every kind of identifier must be well formed, and must resolve (a read is needed to know)
case("perm", "exempt", "blank", {"users": [], "exclusive": True, "exempt": [" "]}, unset=("user", "permission"))
case(
    "perm", "exempt", "account-id-no-tail", {"users": [], "exclusive": True, "exempt": ["557058:"]}, unset=("user", "permission")
)
case(
    "perm", "exempt", "dotted", {"users": [], "exclusive": True, "exempt": ["dev002.acme.example"]}, unset=("user", "permission")
)
case("perm", "exempt", "mixed-types", {"users": [], "exclusive": True, "exempt": ["x", 1]}, unset=("user", "permission"))
case(
    "perm",
    "exempt",
    "email-nobody",
    {"users": [], "exclusive": True, "exempt": ["nobody@acme.example"]},
    unset=("user", "permission"),
    expect=FAIL_NO_WRITES,
)
case(
    "perm",
    "exempt",
    "account-id-nobody",
    {"users": [], "exclusive": True, "exempt": ["557058:nobody"]},
    unset=("user", "permission"),
    expect=FAIL_NO_WRITES,
)
case(
    "perm",
    "exempt",
    "uuid-nobody",
    {"users": [], "exclusive": True, "exempt": [UUID_NOBODY]},
    unset=("user", "permission"),
    expect=FAIL_NO_WRITES,
)
# numbers
case("perm", "timeout", "nan", {"timeout": float("nan")})
case("perm", "timeout", "inf", {"timeout": "inf"})
case("perm", "timeout", "negative", {"timeout": -1})
case("perm", "timeout", "zero", {"timeout": 0})
case("perm", "timeout", "huge", {"timeout": 1e9})
case("perm", "max_retries", "negative", {"max_retries": -1})
case("perm", "max_retries", "huge", {"max_retries": 1000})
case("perm", "max_retries", "fraction", {"max_retries": 1.5})
case("perm", "requests_per_hour", "negative", {"requests_per_hour": -1})
case("perm", "requests_per_hour", "huge", {"requests_per_hour": 10**9})
case("perm", "concurrency", "zero", {"concurrency": 0})
case("perm", "concurrency", "too-many", {"concurrency": 17})
case("perm", "concurrency", "negative", {"concurrency": -3})
case("perm", "concurrency", "dict", {"concurrency": {"a": 1}})
# URLs and credentials
case("perm", "api_url", "file", {"api_url": "file:///etc/passwd"})
case("perm", "api_url", "credentials", {"api_url": "https://admin:%s@api.bitbucket.org/2.0" % URL_PASSWORD})
case("perm", "api_url", "trailing-newline", {"api_url": "https://api.bitbucket.org/2.0\n"})
case("perm", "api_url", "ftp", {"api_url": "ftp://x"})
case("perm", "api_url", "no-host", {"api_url": "https://"})
case("perm", "api_url", "query", {"api_url": "https://api.bitbucket.org/2.0?a=b"})
case("perm", "api_url", "dotdot", {"api_url": "https://api.bitbucket.org/2.0/../x"})
case("perm", "api_url", "dot", {"api_url": "https://api.bitbucket.org/./2.0"})
case("perm", "api_url", "pct2e", {"api_url": "https://api.bitbucket.org/2.0/%2E%2e"})
case("perm", "token_url", "file", dict(OAUTH_SET, token_url="file:///etc/passwd"), unset=OAUTH_UNSET)
case(
    "perm",
    "token_url",
    "credentials",
    dict(OAUTH_SET, token_url="https://u:%s@bitbucket.org/site/oauth2/access_token" % URL_PASSWORD),
    unset=OAUTH_UNSET,
)
case(
    "perm",
    "token_url",
    "dotdot",
    dict(OAUTH_SET, token_url="https://bitbucket.org/site/../oauth2/access_token"),
    unset=OAUTH_UNSET,
)
case("perm", "api_token", "newline", {"api_token": API_TOKEN + "\n"})
case("perm", "username", "blank", {"username": "  "})
case("perm", "api_token", "no-credentials", unset=("username", "api_token"))
case("perm", "validate_certs", "not-bool", {"validate_certs": "sometimes"})
# control: documented as valid (an empty users list with exclusive), with the largest concurrency
case(
    "perm",
    "users",
    "ok-empty-exclusive",
    {"users": [], "exclusive": True, "concurrency": 16},
    unset=("user", "permission"),
    expect=OK,
)

# --- bitbucket_member_info -----------------------------------------------------------------------------------------
case("member", "member", "empty", {"member": ""})
case("member", "member", "blank", {"member": "  "})
case("member", "member", "dotdot", {"member": ".."})
case("member", "member", "bad-uuid", {"member": "{not-a-uuid"})
case("member", "member", "account-id-no-tail", {"member": "557058:"})
case("member", "member", "dotted", {"member": "dev002.acme.example"})
case("member", "member", "at-only", {"member": "@"})
case("member", "member", "at-no-domain", {"member": "a@"})
case("member", "member", "email-space", {"member": "x y@z"})
case("member", "member", "newline", {"member": "557058:dev1\n"})
case("member", "member", "nul", {"member": "dev1@acme.example\x00"})
case("member", "member", "long", {"member": LONG})
case("member", "member", "dict", {"member": {"a": 1}})
case("member", "emails", "empty-list", {"emails": []})
case("member", "emails", "element-blank", {"emails": ["dev1@acme.example", " "]})
case("member", "emails", "element-account-id", {"emails": ["557058:dev1"]})
case("member", "emails", "mixed-types", {"emails": ["x", 1]})
case("member", "emails", "element-tab", {"emails": ["dev1@acme.example\t"]})
case("member", "emails", "dict-not-list", {"emails": {"a": 1}})
case("member", "emails", "and-member", {"emails": ["dev1@acme.example"], "member": "557058:dev1"})
case("member", "workspace", "empty", {"workspace": ""})
case("member", "workspace", "dotdot", {"workspace": ".."})
case("member", "workspace", "pct2e", {"workspace": "%2e%2e"})
case("member", "workspace", "tab", {"workspace": "ac\tme"})
case("member", "workspace", "fullwidth", {"workspace": "ｗｏｒｋ"})
case("member", "repository", "empty", {"repository": ""})
case("member", "repository", "dotdot", {"repository": ".."})
case("member", "repository", "slash", {"repository": "a/b"})
case("member", "repository", "pct2f", {"repository": "%2F"})
case("member", "include_permissions", "not-bool", {"include_permissions": "perhaps"})
case("member", "timeout", "nan", {"timeout": float("nan")})
case("member", "timeout", "inf", {"timeout": float("inf")})
case("member", "timeout", "list", {"timeout": [42]})
case("member", "max_retries", "huge", {"max_retries": 1000})
case("member", "max_retries", "string", {"max_retries": "many"})
case("member", "requests_per_hour", "string", {"requests_per_hour": "lots"})
case("member", "api_url", "credentials", {"api_url": "https://u:%s@api.bitbucket.org/2.0" % URL_PASSWORD})
case("member", "api_url", "trailing-newline", {"api_url": "https://api.bitbucket.org/2.0\n"})
case("member", "api_url", "no-host", {"api_url": "https://"})
case("member", "api_url", "empty", {"api_url": ""})
case("member", "token_url", "file", dict(OAUTH_SET, token_url="file:///etc/passwd"), unset=OAUTH_UNSET)
case("member", "token_url", "ftp", dict(OAUTH_SET, token_url="ftp://x"), unset=OAUTH_UNSET)
case("member", "client_secret", "newline", dict(OAUTH_SET, client_secret=CLIENT_SECRET + "\n"), unset=OAUTH_UNSET)
case("member", "access_token", "two-auth-methods", dict(OAUTH_SET, access_token=ACCESS_TOKEN), unset=OAUTH_UNSET)
case(
    "member",
    "access_token",
    "space",
    {"access_token": ACCESS_TOKEN[:12] + " " + ACCESS_TOKEN[12:]},
    unset=("username", "api_token"),
)
# control: the smallest valid timeout and no retries
case("member", "timeout", "ok-small-no-retries", {"timeout": 0.5, "max_retries": 0}, expect=OK)

# --- atlassian_scim_user -------------------------------------------------------------------------------------------
case("scim", "user_name", "empty", {"user_name": ""})
case("scim", "user_name", "blank", {"user_name": "  "})
case("scim", "user_name", "newline", {"user_name": "jane@acme.example\n"})
case("scim", "user_name", "nul", {"user_name": "jane\x00@acme.example"})
case("scim", "user_name", "del", {"user_name": "jane@acme.example\x7f"})
case("scim", "user_name", "long", {"user_name": LONG})
case("scim", "user_name", "absent-tab", {"user_name": "jane@acme.example\t", "state": "absent"})
case("scim", "email", "empty", {"email": ""})
case("scim", "email", "blank", {"email": "  "})
case("scim", "email", "at-no-domain", {"email": "a@"})
case("scim", "email", "space", {"email": "x y@z"})
case("scim", "email", "newline", {"email": "jane@acme.example\n"})
case("scim", "external_id", "newline", {"external_id": "00u1a2b3\n"})
case("scim", "external_id", "del", {"external_id": "00u1\x7fa2b3"})
case("scim", "directory_id", "empty", {"directory_id": ""})
case("scim", "directory_id", "dot", {"directory_id": "."})
case("scim", "directory_id", "dotdot", {"directory_id": ".."})
case("scim", "directory_id", "pct2e", {"directory_id": "%2e%2e"})
case("scim", "directory_id", "pct2f", {"directory_id": "%2F"})
case("scim", "directory_id", "newline", {"directory_id": "dir-1\n"})
case("scim", "directory_id", "long", {"directory_id": LONG})
case("scim", "scim_url", "file", {"scim_url": "file:///etc/passwd"})
case("scim", "scim_url", "credentials", {"scim_url": "https://u:%s@api.atlassian.com" % URL_PASSWORD})
case("scim", "scim_url", "trailing-newline", {"scim_url": "https://api.atlassian.com\n"})
case("scim", "scim_url", "query", {"scim_url": "https://api.atlassian.com?a=b"})
case("scim", "scim_url", "dotdot", {"scim_url": "https://api.atlassian.com/a/.."})
case("scim", "scim_token", "empty", {"scim_token": ""})
case("scim", "scim_token", "newline", {"scim_token": SCIM_TOKEN + "\n"})
case("scim", "state", "choice", {"state": "deleted"})
case("scim", "active", "not-bool", {"active": "sometimes"})
case("scim", "timeout", "zero", {"timeout": 0})
case("scim", "timeout", "huge", {"timeout": 1e9})
case("scim", "timeout", "nan-string", {"timeout": "nan"})
case("scim", "max_retries", "negative", {"max_retries": -1})
# creating a user needs its email: known only after the read that finds no such user
case("scim", "email", "missing-to-create", unset=("email",), expect=FAIL_NO_WRITES)
# users (the list form): every item checked before the first request, no user twice, no top-level attribute with it
SCIM_ONE = ("user_name", "email")
case(
    "scim", "users", "and-user-name", {"users": [{"user_name": "li@acme.example", "email": "li@acme.example"}]}, unset=("email",)
)
case("scim", "users", "top-level-email", {"users": [{"user_name": "li@acme.example"}]}, unset=("user_name",))
case("scim", "users", "top-level-title", {"users": [{"user_name": "li@acme.example"}], "title": "x"}, unset=SCIM_ONE)
case("scim", "users", "top-level-state", {"users": [{"user_name": "li@acme.example"}], "state": "absent"}, unset=SCIM_ONE)
case("scim", "users", "user-name-empty", {"users": [{"user_name": ""}]}, unset=SCIM_ONE)
case(
    "scim",
    "users",
    "user-name-newline",
    {"users": [{"user_name": "li@acme.example", "state": "absent"}, {"user_name": "jane@acme.example\n"}]},
    unset=SCIM_ONE,
)
case("scim", "users", "user-name-missing", {"users": [{"email": "li@acme.example"}]}, unset=SCIM_ONE)
case("scim", "users", "email-at-no-domain", {"users": [{"user_name": "li@acme.example", "email": "a@"}]}, unset=SCIM_ONE)
case("scim", "users", "email-blank", {"users": [{"user_name": "li@acme.example", "email": "  "}]}, unset=SCIM_ONE)
case("scim", "users", "title-nul", {"users": [{"user_name": "li@acme.example", "title": "a\x00b"}]}, unset=SCIM_ONE)
case(
    "scim",
    "users",
    "duplicate-case",
    {
        "users": [
            {"user_name": "li@acme.example", "email": "li@acme.example"},
            {"user_name": "LI@acme.example", "state": "absent"},
        ]
    },
    unset=SCIM_ONE,
)
case("scim", "users", "state-choice", {"users": [{"user_name": "li@acme.example", "state": "gone"}]}, unset=SCIM_ONE)
case("scim", "users", "active-not-bool", {"users": [{"user_name": "li@acme.example", "active": "sometimes"}]}, unset=SCIM_ONE)
case("scim", "users", "unknown-suboption", {"users": [{"user_name": "li@acme.example", "titel": "x"}]}, unset=SCIM_ONE)
case("scim", "users", "dict-not-list", {"users": {"user_name": "li@acme.example"}}, unset=SCIM_ONE)
case("scim", "users", "element-int", {"users": [42]}, unset=SCIM_ONE, known_limit=ANSIBLE_CORE_NO_LOG_LIMIT)
case("scim", "concurrency", "zero", {"concurrency": 0})
case("scim", "concurrency", "too-many", {"users": [{"user_name": "li@acme.example"}], "concurrency": 17}, unset=SCIM_ONE)
case("scim", "concurrency", "string", {"users": [{"user_name": "li@acme.example"}], "concurrency": "many"}, unset=SCIM_ONE)
# an item without email for a user that does not exist: known after its read; the others are still handled
case(
    "scim",
    "users",
    "missing-email-to-create",
    {"users": [{"user_name": "li@acme.example", "state": "absent"}, {"user_name": "new@acme.example"}]},
    unset=SCIM_ONE,
    expect=FAIL_NO_WRITES,
)
# control: a list in check mode with the largest concurrency reads only
case(
    "scim",
    "users",
    "ok-check-mode",
    {
        "users": [
            {"user_name": "li@acme.example", "email": "li@acme.example"},
            {"user_name": "old@acme.example", "state": "absent"},
        ],
        "concurrency": 16,
        "_ansible_check_mode": True,
    },
    unset=SCIM_ONE,
    expect=OK,
)

# --- atlassian_scim_user_info --------------------------------------------------------------------------------------
case("sciminfo", "user_name", "empty", {"user_name": ""})
case("sciminfo", "user_name", "blank", {"user_name": "  "})
case("sciminfo", "user_name", "tab", {"user_name": "jane@acme.example\t"})
case("sciminfo", "user_name", "long", {"user_name": LONG})
case("sciminfo", "external_id", "empty", {"external_id": ""})
case("sciminfo", "external_id", "blank", {"external_id": "  "})
case("sciminfo", "external_id", "nul", {"external_id": "00u1\x00"})
case("sciminfo", "external_id", "and-user-name", {"external_id": "00u1a2b3", "user_name": "jane@acme.example"})
case("sciminfo", "directory_id", "dotdot", {"directory_id": ".."})
case("sciminfo", "directory_id", "slash", {"directory_id": "a/b"})
case("sciminfo", "directory_id", "pct2e", {"directory_id": "%2e%2e"})
case("sciminfo", "directory_id", "blank", {"directory_id": "  "})
case("sciminfo", "directory_id", "fullwidth", {"directory_id": "ｗｏｒｋ"})
case("sciminfo", "scim_url", "file", {"scim_url": "file:///etc/passwd"})
case("sciminfo", "scim_url", "no-host", {"scim_url": "https://"})
case("sciminfo", "scim_url", "ftp", {"scim_url": "ftp://x"})
case("sciminfo", "scim_url", "empty", {"scim_url": ""})
case("sciminfo", "active", "not-bool", {"active": "sometimes"})
case("sciminfo", "timeout", "nan", {"timeout": float("nan")})
case("sciminfo", "timeout", "negative", {"timeout": -1})
case("sciminfo", "max_retries", "huge", {"max_retries": 1000})
case("sciminfo", "validate_certs", "not-bool", {"validate_certs": "maybe"})
case("sciminfo", "ca_path", "missing-file", {"ca_path": "/nonexistent/ca-bundle.pem"})
case("sciminfo", "directory", "unknown-option", {"directory": "dir-1"})
# control: a non-ASCII userName is valid (internationalized email address)
case("sciminfo", "user_name", "ok-nonascii", {"user_name": "zoë@acme.example"}, expect=OK)

# --- atlassian_user_info (organization Admin API: the connection options are checked on this module) -----------------
case("userinfo", "emails", "empty-list", {"emails": []})
case("userinfo", "account_ids", "empty-list", {"account_ids": []})
case("userinfo", "emails", "element-blank", {"emails": ["jane@acme.example", " "]})
case("userinfo", "emails", "element-account-id", {"emails": ["557058:dev1"]})
case("userinfo", "emails", "at-no-domain", {"emails": ["a@"]})
case("userinfo", "emails", "element-newline", {"emails": ["jane@acme.example\n"]})
case("userinfo", "emails", "dict-not-list", {"emails": {"a": 1}})
case("userinfo", "account_ids", "element-email", {"account_ids": ["jane@acme.example"]})
case("userinfo", "account_ids", "element-slash", {"account_ids": ["557058:a/b"]})
case("userinfo", "account_ids", "element-uuid", {"account_ids": [UUID_NOBODY]})
case("userinfo", "include_role_assignments", "not-bool", {"include_role_assignments": "sometimes"})
case("userinfo", "org_id", "missing", unset=("org_id",))
case("userinfo", "org_id", "empty", {"org_id": ""})
case("userinfo", "org_id", "blank", {"org_id": "  "})
case("userinfo", "org_id", "dotdot", {"org_id": ".."})
case("userinfo", "org_id", "slash", {"org_id": "a/b"})
case("userinfo", "org_id", "pct2e", {"org_id": "%2e%2e"})
case("userinfo", "org_id", "newline", {"org_id": ORG_ID + "\n"})
case("userinfo", "org_id", "long", {"org_id": LONG})
case("userinfo", "admin_directory_id", "empty", {"admin_directory_id": ""})
case("userinfo", "admin_directory_id", "dotdot", {"admin_directory_id": ".."})
case("userinfo", "admin_directory_id", "slash", {"admin_directory_id": "a/b"})
case("userinfo", "admin_directory_id", "pct2f", {"admin_directory_id": "%2F"})
case("userinfo", "admin_url", "file", {"admin_url": "file:///etc/passwd"})
case("userinfo", "admin_url", "credentials", {"admin_url": "https://u:%s@api.atlassian.com" % URL_PASSWORD})
case("userinfo", "admin_url", "trailing-newline", {"admin_url": "https://api.atlassian.com\n"})
case("userinfo", "admin_url", "query", {"admin_url": "https://api.atlassian.com?a=b"})
case("userinfo", "admin_url", "dot", {"admin_url": "https://api.atlassian.com/./"})
case("userinfo", "admin_url", "empty", {"admin_url": ""})
case("userinfo", "admin_url", "no-host", {"admin_url": "https://"})
case("userinfo", "admin_api_key", "missing", unset=("admin_api_key",))
case("userinfo", "admin_api_key", "empty", {"admin_api_key": ""})
case("userinfo", "timeout", "zero", {"timeout": 0})
case("userinfo", "timeout", "negative", {"timeout": -1})
case("userinfo", "timeout", "huge", {"timeout": 1e9})
case("userinfo", "timeout", "nan-string", {"timeout": "nan"})
case("userinfo", "max_retries", "negative", {"max_retries": -1})
case("userinfo", "max_retries", "huge", {"max_retries": 1000})
case("userinfo", "validate_certs", "not-bool", {"validate_certs": "maybe"})
case("userinfo", "ca_path", "missing-file", {"ca_path": "/nonexistent/ca-bundle.pem"})

# --- atlassian_group_info ------------------------------------------------------------------------------------------
case("groupinfo", "names", "empty-list", {"names": []})
case("groupinfo", "ids", "empty-list", {"ids": []})
case("groupinfo", "ids", "element-name", {"ids": ["bitbucket-users-acme"]})
case("groupinfo", "ids", "element-braced-uuid", {"ids": [UUID_NOBODY]})
case("groupinfo", "names", "element-empty", {"names": [""]})
case("groupinfo", "names", "element-blank", {"names": ["devs", "  "]})
case("groupinfo", "names", "element-newline", {"names": ["devs\n"]})
case("groupinfo", "names", "long", {"names": [LONG]})
case("groupinfo", "workspace", "and-resource-id", {"workspace": "acme", "resource_id": "ari:cloud:bitbucket::workspace/x"})
case("groupinfo", "workspace", "dotdot", {"workspace": ".."})
case("groupinfo", "resource_id", "newline", {"resource_id": "ari:cloud:bitbucket::workspace/x\n"})
case("groupinfo", "include_members", "not-bool", {"include_members": "perhaps"})
case("groupinfo", "org_id", "pct2f", {"org_id": "%2F"})
case("groupinfo", "admin_url", "credentials", {"admin_url": "https://u:%s@api.atlassian.com" % URL_PASSWORD})
case("groupinfo", "timeout", "inf", {"timeout": "inf"})

# --- atlassian_group_member ----------------------------------------------------------------------------------------
case("groupmember", "user", "missing", unset=("user",))
case("groupmember", "user", "empty", {"user": ""})
case("groupmember", "user", "blank", {"user": "  "})
case("groupmember", "user", "dotdot", {"user": ".."})
case("groupmember", "user", "at-no-domain", {"user": "a@"})
case("groupmember", "user", "newline", {"user": "jane@acme.example\n"})
case("groupmember", "user", "slash", {"user": "557058:a/b"})
case("groupmember", "user", "uuid", {"user": UUID_NOBODY})
case("groupmember", "user", "long", {"user": LONG})
case("groupmember", "user", "list", {"user": [42]})
case("groupmember", "groups", "missing", unset=("groups",))
case("groupmember", "groups", "empty-list", {"groups": []})
case("groupmember", "groups", "element-empty", {"groups": [""]})
case("groupmember", "groups", "element-blank", {"groups": ["bitbucket-users-acme", " "]})
case("groupmember", "groups", "element-newline", {"groups": ["bitbucket-users-acme\n"]})
case("groupmember", "groups", "element-long", {"groups": [LONG]})
case("groupmember", "groups", "dict-not-list", {"groups": {"a": 1}})
case("groupmember", "groups", "absent-element-empty", {"groups": [""], "state": "absent"})
case("groupmember", "state", "choice", {"state": "gone"})
case("groupmember", "org_id", "missing", unset=("org_id",))
case("groupmember", "admin_url", "credentials", {"admin_url": "https://u:%s@api.atlassian.com" % URL_PASSWORD})
case("groupmember", "admin_directory_id", "dotdot", {"admin_directory_id": ".."})
case("groupmember", "max_retries", "fraction", {"max_retries": 1.5})

# --- atlassian_user ------------------------------------------------------------------------------------------------
case("adminuser", "user", "missing", unset=("user",))
case("adminuser", "user", "empty", {"user": ""})
case("adminuser", "user", "blank", {"user": "  "})
case("adminuser", "user", "dotdot", {"user": ".."})
case("adminuser", "user", "at-only", {"user": "@"})
case("adminuser", "user", "tab", {"user": "jane\t@acme.example"})
case("adminuser", "user", "nul", {"user": "jane@acme.example\x00"})
case("adminuser", "user", "uuid-invited", {"user": UUID_NOBODY, "state": "invited"})
case("adminuser", "user", "empty-removed", {"user": "", "state": "removed"})
case("adminuser", "user", "account-id-invited", {"user": "557058:6c1b5e2a-0d3b-4b5a-9a56-2f0e8c1d4b7e", "state": "invited"})
case("adminuser", "groups", "element-empty-invited", {"groups": [""], "state": "invited"})
case("adminuser", "state", "choice", {"state": "deleted"})
case("adminuser", "groups", "with-suspended", {"groups": ["bitbucket-users-acme"]})
case("adminuser", "groups", "with-removed", {"groups": ["bitbucket-users-acme"], "state": "removed"})
case("adminuser", "send_notification", "not-bool", {"send_notification": "maybe", "state": "invited"})
case("adminuser", "org_id", "empty", {"org_id": ""})
case("adminuser", "admin_directory_id", "newline", {"admin_directory_id": "dir-1\n"})
case("adminuser", "admin_url", "ftp", {"admin_url": "ftp://x"})
case("adminuser", "timeout", "zero", {"timeout": 0})


def cases_by_id():
    return {c["id"]: c for c in CASES}
