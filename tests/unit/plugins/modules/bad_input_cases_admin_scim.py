# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bad-input cases of the SCIM modules (atlassian_scim_user, atlassian_scim_user_info) and of the organization
Admin API modules (atlassian_user_info, atlassian_group_info, atlassian_group_member, atlassian_user): ``case()`` adds
each to ``bad_input_format.CASES`` (bad_input_cases.py imports this file)."""

from __future__ import annotations

from .bad_input_format import (
    ANSIBLE_CORE_NO_LOG_LIMIT,
    FAIL_NO_WRITES,
    LONG,
    OK,
    ORG_ID,
    SCIM_TOKEN,
    URL_PASSWORD,
    UUID_NOBODY,
    case,
)

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
# the account protected from self-removal (issue 19): checked before any request, like ``user``
case("groupmember", "protect_account", "newline", {"protect_account": "admin@acme.example\n", "state": "absent"})
case("groupmember", "protect_account", "slash", {"protect_account": "557058:a/b", "state": "absent"})
case("groupmember", "allow_self_removal", "not-bool", {"allow_self_removal": "maybe", "state": "absent"})

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
