# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The certification campaign with plain data: rows and their stable ids, reviewers (admins, project admins, fallback,
never oneself), the worksheets, the filled worksheets as plan items (stale rows, errors naming file:line, group
memberships) and the evidence manifest."""

from __future__ import annotations

import copy
import csv
import io

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.filter.access_review_campaign import access_review_campaign
from ansible_collections.accessops.atlassian.plugins.filter.access_review_campaign_manifest import (
    access_review_campaign_manifest,
)
from ansible_collections.accessops.atlassian.plugins.filter.access_review_decisions import access_review_decisions
from ansible_collections.accessops.atlassian.plugins.filter.access_review_worksheet import access_review_worksheet
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.apply import calls_for
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import item_key

ORG = "org-1"


def member(account_id, name, cells=None, repos=None, projects=None, admin=False, inactive=False):
    return {
        "account_id": account_id,
        "display_name": name,
        "nickname": name.lower(),
        "email": "%s@acme.example" % name.lower(),
        "workspace_admin": admin,
        "inactive": inactive,
        "explicit": {"repositories": repos or {}, "projects": projects or {}},
        "cells": cells or {},
    }


def cell(permission, *sources, project=None, **extra):
    return dict({"permission": permission, "sources": list(sources), "project": project}, **extra)


def matrix():
    return {
        "workspace": "acme",
        "repositories": ["core", "docs", "web"],
        "members": [
            member("a-owner", "Owner", admin=True, cells={"core": cell("admin", "workspace role")}),
            # repository admin of core (explicit), reaches docs through the developers group
            member(
                "a-rita",
                "Rita",
                repos={"core": "admin"},
                cells={"core": cell("admin", "repository user"), "docs": cell("read", "group", groups=["Developers"])},
            ),
            # project admin of WEB (web is in WEB)
            member(
                "a-pat",
                "Pat",
                projects={"WEB": "admin"},
                cells={"web": cell("admin", "project user", project="WEB")},
            ),
            member(
                "a-dan",
                "Dan",
                repos={"core": "write"},
                projects={"WEB": "read"},
                cells={
                    "core": cell("write", "repository user"),
                    "web": cell("read", "project user", project="WEB"),
                    "docs": cell("read", "group", groups=["developers"]),
                },
            ),
            member("a-gil", "Gil", cells={"docs": cell("read", "group")}),
        ],
    }


ADMIN_USERS = [
    {"account_id": "a-dan", "groups": [{"id": "g-dev", "name": "Developers"}, {"id": "g-x", "name": "other"}]},
    {"account_id": "a-rita", "groups": [{"id": "g-dev", "name": "Developers"}]},
]


def make(**kwargs):
    kwargs.setdefault("admin_users", ADMIN_USERS)
    kwargs.setdefault("fallback", "sec@acme.example")
    return access_review_campaign(matrix(), **kwargs)


def by(doc, **match):
    found = [r for r in doc["rows"] if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def test_rows_paths_levels_and_stable_ids():
    doc = make()
    got = sorted((r["member"], r["target_type"], r["target"], r["level"], r["path"], r["group"]) for r in doc["rows"])
    assert got == sorted(
        [
            ("Owner", "workspace", "acme", "admin", "workspace role", None),
            ("Rita", "repository", "core", "admin", "repository user", None),
            ("Rita", "repository", "docs", "read", "group", "Developers"),
            ("Pat", "project", "WEB", "admin", "project user", None),
            ("Dan", "repository", "core", "write", "repository user", None),
            ("Dan", "project", "WEB", "read", "project user", None),
            ("Dan", "repository", "docs", "read", "group", "developers"),
            ("Gil", "repository", "docs", "read", "group", None),
        ]
    )
    assert by(doc, member="Dan", target="docs")["org_group"] == {"id": "g-dev", "name": "Developers"}
    assert by(doc, member="Gil")["revocable"] is False and by(doc, member="Owner")["revocable"] is False
    # the id is what the row is about, not its level: the same with another level, another for another target
    other = matrix()
    other["members"][3]["explicit"]["repositories"]["core"] = "read"
    again = access_review_campaign(other, admin_users=ADMIN_USERS, fallback="sec@acme.example")
    assert by(again, member="Dan", target="core")["id"] == by(doc, member="Dan", target="core")["id"]
    assert again["id"] != doc["id"]
    assert len({r["id"] for r in doc["rows"]}) == len(doc["rows"])
    assert make()["id"] == doc["id"]


def test_reviewers_are_admins_then_project_admins_then_the_fallback_never_oneself():
    doc = make()
    assert by(doc, member="Dan", target="core")["reviewers"] == ["a-rita"]
    # Rita's own admin row: she is the only admin of core, so the fallback reviews it
    assert by(doc, member="Rita", target="core")["reviewers"] == ["sec@acme.example"]
    assert by(doc, member="Dan", target="WEB")["reviewers"] == ["a-pat"]
    assert by(doc, member="Pat", target="WEB")["reviewers"] == ["sec@acme.example"]
    assert by(doc, member="Owner")["reviewers"] == ["sec@acme.example"]
    # docs has no admin and no known project: the fallback
    assert by(doc, member="Gil")["reviewers"] == ["sec@acme.example"]
    # web's project is known from the cells: its project admin reviews it
    files = {r["key"]: (r["file"], r["rows"]) for r in doc["reviewers"]}
    assert files == {
        "a-pat": ("worksheet-pat-acme.example", 1),
        "a-rita": ("worksheet-rita-acme.example", 1),
        "sec@acme.example": ("worksheet-sec-acme.example", 6),
    }
    unassigned = make(fallback="")
    assert unassigned["summary"]["unassigned"] == 6
    assert unassigned["reviewers"][-1]["key"] == "(no reviewer)"


def test_worksheets_csv_and_html():
    doc = make()
    text = access_review_worksheet(doc, "a-rita", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["member"], r["target"], r["level"], r["path"], r["decision"]) for r in rows] == [
        ("Dan", "core", "write", "repository user", "")
    ]
    assert rows[0]["row_id"] == by(doc, member="Dan", target="core")["id"] and rows[0]["campaign"] == doc["id"][:12]
    page = access_review_worksheet(doc, "sec@acme.example", "html", title="Q3 <review>")
    assert "Q3 &lt;review&gt;" in page and page.count("<tr class=") == 6 and "not revocable here" in page
    assert "thead { display: table-header-group; }" in page
    with pytest.raises(AnsibleFilterError, match="no reviewer"):
        access_review_worksheet(doc, "nobody", "csv")
    evil = matrix()
    evil["members"][4]["display_name"] = "=HYPERLINK(1)"
    assert "'=HYPERLINK(1)" in access_review_worksheet(access_review_campaign(evil, fallback="sec"), "sec", "csv")


def fill(doc, reviewer, decisions, change=None):
    """The reviewer's CSV with decisions {(member, target): decision}."""
    rows = list(csv.reader(io.StringIO(access_review_worksheet(doc, reviewer, "csv"))))
    header = rows[0]
    for row in rows[1:]:
        key = (row[header.index("member")], row[header.index("target")])
        row[header.index("decision")] = decisions.get(key, "keep")
        for column, value in (change or {}).get(key, {}).items():
            row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def decide(doc, files, today=None, **kwargs):
    kwargs.setdefault("admin_users", ADMIN_USERS)
    kwargs.setdefault("org", ORG)
    paths = [p for p, _text in files]
    return access_review_decisions(doc, paths=paths, texts=[t for _path, t in files], matrix=today or matrix(), **kwargs)


def test_revokes_become_plan_items_the_rest_is_kept():
    doc = make()
    result = decide(
        doc,
        [
            ("rita.csv", fill(doc, "a-rita", {("Dan", "core"): "revoke"})),
            ("pat.csv", fill(doc, "a-pat", {("Dan", "WEB"): "Revoke "})),
            ("sec.csv", fill(doc, "sec@acme.example", {("Rita", "docs"): "revoke", ("Owner", "acme"): "revoke"})),
        ],
    )
    assert result["errors"] == [] and result["stale"] == []
    dan = {"type": "user", "account_id": "a-dan", "display": "dan@acme.example"}
    rita = {"type": "user", "account_id": "a-rita", "display": "rita@acme.example"}
    expected = [
        {
            "api": "bitbucket",
            "kind": "repository_permission",
            "action": "revoke",
            "target": {"workspace": "acme", "repository": "core"},
            "subject": dan,
            "before": "write",
            "after": None,
        },
        {
            "api": "bitbucket",
            "kind": "project_permission",
            "action": "revoke",
            "target": {"workspace": "acme", "project": "WEB"},
            "subject": dan,
            "before": "read",
            "after": None,
        },
        {
            "api": "admin",
            "kind": "group_membership",
            "action": "remove",
            "target": {"org": ORG, "group_id": "g-dev", "group_name": "Developers"},
            "subject": rita,
            "before": True,
            "after": False,
        },
    ]
    assert [{k: v for k, v in i.items() if k not in ("key", "reason")} for i in result["items"]] == expected
    assert all(i["key"] == item_key(i) for i in result["items"])
    assert result["items"][0]["reason"] == "access_review: certification campaign %s: revoked by rita@acme.example (row %s)" % (
        doc["id"][:12],
        by(doc, member="Dan", target="core")["id"],
    )
    assert [c.module for c in calls_for(result["items"])] == [
        "bitbucket_repo_permission",
        "bitbucket_project_permission",
        "atlassian_group_member",
    ]
    assert [n["row_id"] for n in result["not_plannable"]] == [by(doc, member="Owner")["id"]]
    assert "workspace admin role" in result["not_plannable"][0]["message"]
    assert result["summary"] == {
        "keep": 4, "planned": 3, "stale": 0, "not plannable": 1, "undecided": 0, "rows": 8, "items": 3, "files": 3,
    }  # fmt: skip
    record = {d["row_id"]: d for d in result["decisions"]}
    assert record[by(doc, member="Dan", target="core")["id"]]["where"] == ["rita.csv:2"]


def test_stale_rows_are_reported_not_planned():
    doc = make()
    today = matrix()
    today["members"][3]["explicit"]["repositories"]["core"] = "read"  # Dan's level changed
    del today["members"][3]["explicit"]["projects"]["WEB"]  # Dan's WEB permission gone
    result = decide(
        doc,
        [
            ("rita.csv", fill(doc, "a-rita", {("Dan", "core"): "revoke"})),
            ("pat.csv", fill(doc, "a-pat", {("Dan", "WEB"): "revoke"})),
        ],
        today=today,
    )
    assert result["items"] == []
    # in the campaign's order: projects before repositories
    assert [(s["row_id"], s["found"]) for s in result["stale"]] == [
        (by(doc, member="Dan", target="WEB")["id"], None),
        (by(doc, member="Dan", target="core")["id"], "read"),
    ]
    assert all("changed since the worksheet" in s["message"] for s in result["stale"])


def test_errors_name_the_file_and_line():
    doc = make()
    dan_core = by(doc, member="Dan", target="core")["id"]
    bad = fill(doc, "sec@acme.example", {("Gil", "docs"): "maybe"}) + "rffffffffffffff,%s,,,,,,,,,,revoke,\n" % doc["id"][:12]
    wrong = fill(doc, "a-rita", {}, {("Dan", "core"): {"campaign": "0123456789ab"}})
    result = decide(doc, [("sec.csv", bad), ("rita.csv", wrong), ("empty.csv", "name,what\nx,y\n")])
    gil = by(doc, member="Gil")["id"]
    line = 1 + [r["id"] for r in doc["rows"] if "sec@acme.example" in r["reviewers"]].index(gil) + 1
    assert result["errors"] == [
        "sec.csv:%d: the decision of row %s must be keep or revoke (or empty), got 'maybe'" % (line, gil),
        "sec.csv:8: unknown row id 'rffffffffffffff' (not a row of campaign %s)" % doc["id"][:12],
        "rita.csv:2: the row is of campaign 0123456789ab, not %s" % doc["id"][:12],
        "empty.csv:1: the worksheet has no row_id and decision columns (header: name,what)",
    ]
    assert dan_core not in [d["row_id"] for d in result["decisions"] if d["where"]]


def test_spreadsheet_forms_conflicts_undecided_and_side_effects():
    doc = make()
    # Excel in a European locale: BOM, ';' separators, CRLF; the fallback revokes Rita's docs row, and Dan's docs
    # row (same group) is kept: removing Rita from Developers takes nothing else of hers, so no side effect for Dan
    sec = fill(doc, "sec@acme.example", {("Rita", "docs"): "revoke", ("Gil", "docs"): ""})
    sec = "\ufeff" + sec.replace(",", ";")
    twice = fill(doc, "sec@acme.example", {("Rita", "docs"): "keep", ("Gil", "docs"): ""})
    result = decide(doc, [("sec.csv", sec), ("copy.csv", twice)])
    assert result["errors"] == []
    assert [i["kind"] for i in result["items"]] == ["group_membership"]
    assert [c["row_id"] for c in result["conflicts"]] == [by(doc, member="Rita", target="docs")["id"]]
    assert result["summary"]["undecided"] == 3  # Gil (empty), and the rows of Rita's and Pat's worksheets
    # a membership whose removal also takes another row of the same person
    more = matrix()
    more["members"][1]["cells"]["web"] = cell("read", "group", groups=["developers"])
    doc2 = access_review_campaign(more, admin_users=ADMIN_USERS, fallback="sec@acme.example")
    result2 = decide(doc2, [("sec.csv", fill(doc2, "sec@acme.example", {("Rita", "docs"): "revoke"}))], today=more)
    assert len(result2["items"]) == 1
    assert result2["side_effects"] == [
        "removing rita@acme.example from group Developers also takes away repository web (row %s, decided %s)"
        % (by(doc2, member="Rita", target="web")["id"], "undecided")
    ]
    # without the organization id, a group row is not plannable
    result3 = decide(doc, [("sec.csv", fill(doc, "sec@acme.example", {("Rita", "docs"): "revoke"}))], org=None)
    assert result3["items"] == [] and "Admin API" in result3["not_plannable"][0]["message"]


def test_manifest_is_sha256sum_format():
    base = "/tmp/pack"
    digest = "a" * 64
    text = access_review_campaign_manifest(
        [
            {"path": base + "/plan/p.json", "checksum": digest},
            {"path": base + "/MANIFEST.sha256", "checksum": "b" * 64},
            {"path": base + "/decisions/x.csv", "checksum": "c" * 64},
        ],
        base=base,
    )
    assert text == "%s  decisions/x.csv\n%s  plan/p.json\n" % ("c" * 64, digest)
    with pytest.raises(AnsibleFilterError, match="not a file of the evidence"):
        access_review_campaign_manifest([{"path": "/etc/passwd", "checksum": digest}], base=base)
    with pytest.raises(AnsibleFilterError, match="no sha256"):
        access_review_campaign_manifest([{"path": base + "/a", "checksum": "sha1"}], base=base)


def test_bad_input():
    with pytest.raises(AnsibleFilterError, match="needs members"):
        access_review_campaign({"workspace": "acme"})
    with pytest.raises(AnsibleFilterError, match="no JSON"):
        access_review_campaign("{not json")
    doc = make()
    other = copy.deepcopy(matrix())
    other["workspace"] = "globex"
    with pytest.raises(AnsibleFilterError, match="workspace"):
        access_review_decisions(doc, paths=[], texts=[], matrix=other)
