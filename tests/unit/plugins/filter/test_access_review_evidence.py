# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review as audit evidence: generated at / run by in every format (and none with the timestamp off),
the groups named behind a "group" cell, the risk flags, the long CSV and the print styles of the HTML page."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from ansible_collections.accessops.atlassian.plugins.filter.access_review_matrix import access_review_matrix
from ansible_collections.accessops.atlassian.plugins.filter.access_review_render import access_review_render
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.info import shape_user
from ansible_collections.accessops.atlassian.plugins.plugin_utils._review.risk import member_flags, parse_time

NOW = "2026-06-30T12:00:00Z"
RUN_BY = {"bitbucket": "557058:admin", "bitbucket_name": "Adam Admin", "admin": "org-1", "scim": "dir-1"}


def member(account_id, name, role="member", effective=None, repos=None, projects=None):
    return {
        "account_id": account_id,
        "uuid": "{%s}" % account_id,
        "display_name": name,
        "nickname": name.lower(),
        "workspace_permission": role,
        "repository_permissions": effective or {},
        "explicit_permissions": {"repositories": repos or {}, "projects": projects or {}},
    }


MEMBERS = [
    member("o", "Owner", role="owner"),
    # Alice: write on core through the group "Developers" on the repository; admin on ops through "Ops" on project OPS
    member("a", "Alice", effective={"core": "write", "ops-tools": "admin"}),
    # Bob: direct admin on core, read on web through a group he is not in (not identifiable)
    member("b", "Bob", effective={"core": "admin", "web": "read"}, repos={"core": "admin"}),
    member("c", "Carol", effective={"web": "read"}, projects={"OPS": "admin"}),
    member("n", "Nobody"),
]
ADMIN_USERS = [
    {"account_id": "a", "email": "alice@x.example", "status": "active", "groups": [{"name": "developers"}, {"name": "Ops"}]},
    {"account_id": "b", "email": "bob@x.example", "status": "active", "groups": [{"name": "QA-other"}]},
    {"account_id": "c", "email": "carol@x.example", "status": "active", "groups": []},
    {"account_id": "n", "email": "nobody@x.example", "status": "active", "groups": []},
]
GROUP_PERMISSIONS = {
    "repositories": [
        {"slug": "core", "project": "CORE", "groups": [{"slug": "developers", "name": "Developers", "permission": "write"}]},
        {"slug": "ops-tools", "project": "OPS", "groups": []},
        {"slug": "web", "project": "WEB", "groups": [{"slug": "viewers", "name": "Viewers", "permission": "read"}]},
    ],
    "projects": [
        {"key": "CORE", "groups": [{"slug": "developers", "name": "Developers", "permission": "read"}]},
        {"key": "OPS", "groups": [{"slug": "ops", "name": "Ops", "permission": "admin"}]},
    ],
}
LAST_ACTIVE = [
    {"account_id": "a", "last_active": {"bitbucket": "2026-06-01"}, "product_access": [{"product": "bitbucket"}]},
    {"account_id": "b", "last_active": {"bitbucket": "2026-03-01", "confluence": "2026-06-29"}},
    {"account_id": "c", "last_active": {"bitbucket": None}},  # access listed without a date: never active
    {"account_id": "n", "last_active": {}, "product_access": []},  # no Bitbucket access recorded: not dormant
    {"account_id": "o", "last_active": None},  # the API does not know the account: not read
]
TOKENS = [
    {
        "account_id": "a",
        "managed": True,
        "reason": None,
        "tokens": [
            {
                "account_id": "a",
                "id": "t1",
                "label": "ci",
                "created_at": "2025-01-01T00:00:00.000Z",
                "last_access": "2026-02-28T10:00:00.000Z",
                "expires_at": None,
            },
            {
                "account_id": "a",
                "id": "t2",
                "label": "laptop",
                "created_at": "2026-06-01T00:00:00Z",
                "last_access": "2026-06-29T00:00:00Z",
                "expires_at": "2026-07-15T00:00:00Z",
            },
        ],
    },
    {
        "account_id": "b",
        "managed": True,
        "reason": None,
        "tokens": [
            {
                "account_id": "b",
                "id": "t3",
                "label": "old",
                "created_at": "2026-01-01T00:00:00Z",
                "last_access": None,
                "expires_at": "2027-01-01T00:00:00Z",
            }
        ],
    },
    {"account_id": "c", "managed": False, "reason": "not managed by the organization", "tokens": []},
]


def build(**kwargs):
    defaults = {
        "workspace": "acme",
        "admin_users": ADMIN_USERS,
        "group_permissions": GROUP_PERMISSIONS,
        "last_active_users": LAST_ACTIVE,
        "api_tokens": TOKENS,
        "now": NOW,
        "generated_at": NOW,
        "run_by": RUN_BY,
    }
    defaults.update(kwargs)
    return access_review_matrix(json.loads(json.dumps(MEMBERS)), **defaults)


def rows(matrix):
    return {m["account_id"]: m for m in matrix["members"]}


def test_groups_named_when_derivable():
    by = rows(build())
    core = by["a"]["cells"]["core"]
    assert core["sources"] == ["group"]
    assert core["groups"] == [{"name": "Developers", "slug": "developers", "via": "repository"}]  # not the project's read
    ops = by["a"]["cells"]["ops-tools"]
    assert ops["groups"] == [{"name": "Ops", "slug": "ops", "via": "project OPS"}]  # the listing's project of ops-tools
    assert by["b"]["cells"]["web"]["groups"] == []  # Viewers has read on web, Bob is not in it
    assert by["b"]["cells"]["core"]["groups"] == []  # not a group cell
    text = access_review_render(build(), "csv")
    table = {r["account_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert table["a"]["core"] == "write (group Developers)"
    assert table["a"]["ops-tools"] == "admin (group Ops via project OPS)"
    assert table["b"]["web"] == "read (group (not identifiable))"
    # without the group permissions, or without the memberships, nothing is named
    for matrix in (build(group_permissions=None), build(admin_users=None)):
        assert rows(matrix)["a"]["cells"]["core"]["groups"] == []


def test_flags_per_member():
    matrix = build()
    by = rows(matrix)
    assert by["a"]["flags"] == ["group_admin", "token_unused", "token_expiring"]
    assert "'ci' last used 2026-02-28" in by["a"]["flag_details"]["token_unused"]
    assert "'laptop' expires 2026-07-15" in by["a"]["flag_details"]["token_expiring"]
    assert "(Ops)" in by["a"]["flag_details"]["group_admin"] and "ops-tools" in by["a"]["flag_details"]["group_admin"]
    assert by["b"]["flags"] == ["dormant", "direct_admin", "token_unused"]
    assert by["b"]["flag_details"]["dormant"].startswith("last active on Bitbucket 2026-03-01")
    assert "'old' never used (created 2026-01-01)" in by["b"]["flag_details"]["token_unused"]
    assert by["c"]["flags"] == ["dormant", "direct_admin"]  # never active; project admin
    assert by["c"]["flag_details"]["dormant"] == "no Bitbucket activity recorded"
    assert by["c"]["api_tokens"] == {"managed": False, "reason": "not managed by the organization", "tokens": []}
    assert by["n"]["flags"] == [] and by["o"]["flags"] == []  # the owner's admin is its workspace role
    assert by["n"]["last_active"] == {"bitbucket": None, "bitbucket_access": False} and by["o"]["last_active"] is None
    assert by["c"]["last_active"] == {"bitbucket": None, "bitbucket_access": True}
    assert matrix["summary"]["flags"] == {
        "dormant": 2,
        "direct_admin": 2,
        "group_admin": 1,
        "residual": 0,
        "token_unused": 2,
        "token_expiring": 1,
    }
    assert matrix["summary"]["flagged_members"] == 3
    assert [h["account_id"] for h in matrix["highlights"]] == ["a", "b", "c", "o"]
    assert matrix["sources"] == {"admin": True, "scim": False, "group_permissions": True, "last_active": True, "api_tokens": True}


def test_flag_thresholds():
    # Bob was last active on 2026-03-01, 121 days before NOW: dormant at 90 days, not at 180
    assert "dormant" not in rows(build(dormant_days=180))["b"]["flags"]
    assert "token_unused" not in rows(build(token_unused_days=200))["a"]["flags"]
    assert "token_expiring" not in rows(build(token_expiry_days=10))["a"]["flags"]
    # nothing read: no dormant or token flag, the admin flags stay
    plain = rows(build(last_active_users=None, api_tokens=None))
    assert plain["b"]["flags"] == ["direct_admin"] and plain["b"]["last_active"] is None and plain["b"]["api_tokens"] is None
    # an expired token is no longer "expiring"; a time that is not a date is refused
    row = {"cells": {}, "explicit": {"repositories": {}, "projects": {}}, "residual": False}
    expired = {"tokens": [{"id": "x", "label": "x", "created_at": NOW, "last_access": NOW, "expires_at": "2026-06-01"}]}
    assert member_flags(row, None, expired, parse_time(NOW)) == ([], {})
    with pytest.raises(Exception, match="ISO 8601"):
        build(now="yesterday")


def test_residual_flag():
    members = json.loads(json.dumps(MEMBERS))
    admin = json.loads(json.dumps(ADMIN_USERS))
    admin[2]["status"] = "suspended"
    carol = rows(access_review_matrix(members, admin_users=admin, now=NOW))["c"]
    assert "residual" in carol["flags"]
    assert carol["flag_details"]["residual"] == "suspended account still holding explicit permissions on project OPS"


def test_evidence_in_every_format():
    matrix = build()
    assert (matrix["generated_at"], matrix["run_by"]) == (NOW, RUN_BY)
    text = json.loads(access_review_render(matrix, "json"))
    assert text["generated_at"] == NOW and text["run_by"]["admin"] == "org-1"
    who = "Bitbucket account Adam Admin (557058:admin), organization org-1 (Admin API), SCIM directory dir-1"
    for fmt in ("csv", "csv_long"):
        parsed = list(csv.DictReader(io.StringIO(access_review_render(matrix, fmt))))
        assert {(r["generated_at"], r["run_by"]) for r in parsed} == {(NOW, who)}, fmt
    markdown = access_review_render(matrix, "markdown")
    assert markdown.splitlines()[2] == "Generated at %s by %s." % (NOW, who)
    page = access_review_render(matrix, "html")
    assert '<div id="evidence">Generated at %s by %s</div>' % (NOW, who) in page
    # a run whose Bitbucket credentials are no user account says so
    anonymous = access_review_render(build(run_by={"admin": "org-1"}), "markdown")
    assert "by Bitbucket credentials that are not a user account (no account id), organization org-1" in anonymous


def test_no_timestamp_is_byte_stable():
    first = build(generated_at=None, run_by=None)
    assert "generated_at" not in first and "run_by" not in first
    later = build(generated_at=None, run_by=None, now="2026-07-01T08:00:00Z")
    for fmt in ("json", "csv", "csv_long", "markdown", "html"):
        text = access_review_render(first, fmt)
        assert text == access_review_render(later, fmt), fmt
        assert "Generated at" not in text and "generated_at" not in text and "run_by" not in text, fmt


def test_long_csv_one_row_per_member_target_path():
    parsed = list(csv.DictReader(io.StringIO(access_review_render(build(), "csv_long"))))
    got = [
        (r["account_id"], r["target_type"], r["target"], r["permission"], r["path"], r["via"], r["path_permission"])
        for r in parsed
    ]
    assert ("a", "repository", "core", "write", "group", "Developers (repository)", "write") in got
    assert ("a", "repository", "ops-tools", "admin", "group", "Ops (project OPS)", "admin") in got
    assert ("b", "repository", "core", "admin", "repository user", "", "admin") in got
    assert ("b", "repository", "web", "read", "group (not identifiable)", "", "read") in got
    assert ("c", "project", "OPS", "admin", "project user", "", "admin") in got
    owner = [g for g in got if g[0] == "o"]
    assert len(owner) == 3 and {g[4] for g in owner} == {"workspace role"}  # one row per repository
    assert [g for g in got if g[0] == "n"] == [("n", "", "", "", "", "", "")]  # every member is in the file
    assert {r["flags"] for r in parsed if r["account_id"] == "b"} == {"dormant direct_admin token_unused"}
    # a path below the effective level is listed too
    members = json.loads(json.dumps(MEMBERS))
    members[1]["explicit_permissions"]["repositories"] = {"core": "read"}
    low = list(csv.DictReader(io.StringIO(access_review_render(access_review_matrix(members, now=NOW), "csv_long"))))
    assert [(r["path"], r["path_permission"]) for r in low if r["account_id"] == "a" and r["target"] == "core"] == [
        ("group (not identifiable)", "write"),
        ("repository user", "read"),
    ]


def test_flags_in_markdown_and_html():
    matrix = build()
    markdown = access_review_render(matrix, "markdown")
    flags = markdown.split("## Risk flags", 1)[1].split("\n## ", 1)[0]
    assert "| Bob \\<bob@x.example\\> | dormant on Bitbucket | last active on Bitbucket 2026-03-01" in flags
    assert flags.count("| Alice") == 3
    page = access_review_render(matrix, "html")
    assert '<option value="flag:dormant">' in page and '<option value="flagged">' in page
    assert 'data-flags="' in page and "flagTags(m)" in page


def test_print_styles():
    page = access_review_render(build(), "html")
    css = page.split("@media print{", 1)[1].split("</style>", 1)[0]
    assert "#print thead{display:table-header-group}" in css
    assert "overflow:visible !important" in css and "max-height:none !important" in css and "position:static !important" in css
    assert ".bar,.wrap,noscript{display:none !important}" in css
    assert re.search(r"#print tr\{break-inside:auto", css)
    assert '<table id="print">' in page and "drawPrint(rows)" in page


def test_dormant_from_the_organization_users_search():
    """The role passes the organization users' search (atlassian_user_info without include_last_active) as both
    admin_users and last_active_users: the productAccess items' lastActiveTimestamp decide, no per-member read."""

    def searched(account_id, *access):
        return shape_user(
            {
                "accountId": account_id,
                "email": account_id + "@x.example",
                "status": "active",
                "groups": [],
                "productAccess": [
                    dict({"key": k, "id": k + "-1"}, **({"lastActiveTimestamp": t} if t else {})) for k, t in access
                ],
            }
        )

    users = [
        searched("a", ("bitbucket", "2026-06-01T09:30:00.123Z"), ("confluence", "2026-01-01T00:00:00Z")),
        searched("b", ("bitbucket", "2026-03-01T00:00:00Z"), ("confluence", "2026-06-29T00:00:00Z")),  # 121 days
        searched("c", ("bitbucket", None)),  # Bitbucket access, never active there
        searched("n", ("confluence", None)),  # no Bitbucket access: not dormant
        searched("o"),  # no product access at all
    ]
    by = rows(build(admin_users=users, last_active_users=users, api_tokens=None, group_permissions=None))
    assert {k: r["last_active"] for k, r in by.items()} == {
        "a": {"bitbucket": "2026-06-01", "bitbucket_access": True},
        "b": {"bitbucket": "2026-03-01", "bitbucket_access": True},
        "c": {"bitbucket": None, "bitbucket_access": True},
        "n": {"bitbucket": None, "bitbucket_access": False},
        "o": {"bitbucket": None, "bitbucket_access": False},
    }
    dormant = {k: r["flag_details"]["dormant"] for k, r in by.items() if "dormant" in r["flags"]}
    assert dormant == {
        "b": "last active on Bitbucket 2026-03-01 (more than 90 days before the review)",
        "c": "no Bitbucket activity recorded",
    }
