# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bad-input cases of the Bitbucket modules (bitbucket_project_permission, bitbucket_repo_permission,
bitbucket_member_info): ``case()`` adds each to ``bad_input_format.CASES`` (bad_input_cases.py imports this file)."""

from __future__ import annotations

from .bad_input_format import (
    ACCESS_TOKEN,
    ANSIBLE_CORE_DICT_PARSE_LIMIT,
    ANSIBLE_CORE_NO_LOG_LIMIT,
    API_TOKEN,
    CLIENT_SECRET,
    FAIL_NO_WRITES,
    LONG,
    OAUTH_SET,
    OAUTH_UNSET,
    OK,
    URL_PASSWORD,
    UUID_NOBODY,
    case,
)

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
# the run-wide request budget (issue 19): an absolute path, refused before any request
case("perm", "requests_ledger", "relative", {"requests_ledger": "ledger.txt"})
case("perm", "requests_ledger", "newline", {"requests_ledger": "/tmp/ledger\n.txt"})
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
