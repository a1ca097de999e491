# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review filters: the matrix from a small fixture, CSV/Markdown escaping, HTML escaping of hostile names."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.accessops.atlassian.plugins.filter.access_review_matrix import access_review_matrix
from ansible_collections.accessops.atlassian.plugins.filter.access_review_render import access_review_render

EXT = "urn:scim:schemas:extension:atlassian-external:1.0"


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
    member("a", "Alice", effective={"core": "write", "web": "read", "lib": "read"}, repos={"core": "write"}),
    # Bob: project user on PLAT (create-repo = write on its repositories core-x and lib), explicit read on web under
    # a group write
    member(
        "b",
        "Bob",
        effective={"core-x": "write", "lib": "write", "web": "write"},
        repos={"web": "read"},
        projects={"PLAT": "create-repo", "DATA": "none"},
    ),
    member("c", "Carol", effective={"core": "read"}, repos={"core": "read"}),
    member("d", "Dan", effective={"web": "admin"}, repos={"web": "admin"}),
]
ADMIN_USERS = [
    {"account_id": "a", "email": "alice@x.example", "status": "active", "groups": [{"name": "devs"}]},
    {"account_id": "c", "email": "carol@x.example", "status": "suspended", "groups": []},
    {"account_id": "z", "email": "zed@x.example", "status": "deactivated", "name": "Zed", "groups": []},
]
SCIM_USERS = [
    {"userName": "dan@x.example", "active": False, EXT: {"atlassianAccountId": "d"}},
    {"userName": "alice@x.example", "active": True, EXT: {"atlassianAccountId": "a"}},
]


def build(**kwargs):
    kwargs.setdefault("admin_users", ADMIN_USERS)
    kwargs.setdefault("scim_users", SCIM_USERS)
    return access_review_matrix(json.loads(json.dumps(MEMBERS)), workspace="acme", **kwargs)


def rows(matrix):
    return {m["account_id"]: m for m in matrix["members"]}


def test_matrix_cells_and_sources():
    matrix = build()
    assert matrix["repositories"] == ["core", "core-x", "lib", "web"]
    by = rows(matrix)
    assert [m["display_name"] for m in matrix["members"]] == ["Alice", "Bob", "Carol", "Dan", "Owner"]
    owner = by["o"]["cells"]
    assert by["o"]["workspace_admin"] and set(owner) == set(matrix["repositories"])
    assert all(c["permission"] == "admin" and c["sources"] == ["workspace role"] for c in owner.values())
    alice = by["a"]["cells"]
    assert (alice["core"]["permission"], alice["core"]["sources"]) == ("write", ["repository user"])
    assert alice["web"]["sources"] == ["group"] and alice["lib"]["sources"] == ["group"]
    assert "core-x" not in alice
    bob = by["b"]["cells"]
    assert (bob["core-x"]["sources"], bob["core-x"]["project"]) == (["project user"], "PLAT")
    assert bob["lib"]["sources"] == ["project user"]
    # explicit read under an effective write: the write comes from a group (PLAT may not hold web: Bob's write there
    # is the only holder's, so the inference cannot tell; the given mapping says web is not in PLAT)
    matrix = build(repository_projects={"web": "WEB"})
    bob = rows(matrix)["b"]["cells"]
    assert (bob["web"]["permission"], bob["web"]["sources"], bob["web"]["explicit"]) == ("write", ["group"], "read")
    assert rows(matrix)["b"]["explicit"]["projects"] == {"PLAT": "create-repo"}  # "none" grants nothing
    assert rows(matrix)["d"]["cells"]["web"]["admin"] is True


def test_matrix_inference_uses_every_project_holder():
    members = json.loads(json.dumps(MEMBERS)) + [
        member("e", "Erin", effective={"core-x": "read", "lib": "read"}, projects={"PLAT": "read"})
    ]
    matrix = access_review_matrix(members, workspace="acme")
    # Erin's read on PLAT excludes web from PLAT's candidates: Bob's write on web is a group's
    assert rows(matrix)["b"]["cells"]["web"]["sources"] == ["group"]
    assert rows(matrix)["e"]["cells"]["lib"]["project"] == "PLAT"


def test_residual_access_and_statuses():
    matrix = build()
    by = rows(matrix)
    assert by["c"]["admin_status"] == "suspended" and by["c"]["residual"] and by["c"]["cells"]["core"]["residual"]
    assert by["d"]["scim_active"] is False and by["d"]["residual"]
    assert not by["a"]["inactive"] and by["a"]["email"] == "alice@x.example" and by["a"]["groups"] == ["devs"]
    assert by["b"]["scim_active"] is None and by["b"]["admin_status"] is None
    assert [u["account_id"] for u in matrix["inactive_outside"]] == ["z"]
    s = matrix["summary"]
    assert (s["members"], s["workspace_admins"], s["residual_members"], s["residual_cells"], s["inactive_outside"]) == (
        5,
        1,
        2,
        2,
        1,
    )
    assert s["admin_cells"] == 4 + 1
    assert [h["account_id"] for h in matrix["highlights"]] == ["c", "d", "o"]
    plain = access_review_matrix(json.loads(json.dumps(MEMBERS)))
    assert plain["summary"]["residual_members"] == 0
    assert plain["sources"] == {
        "admin": False,
        "scim": False,
        "group_permissions": False,
        "last_active": False,
        "api_tokens": False,
    }


def test_matrix_limits_columns_and_rejects_members_without_permissions():
    assert build(repositories=["web"])["repositories"] == ["web"]
    with pytest.raises(AnsibleFilterError, match="include_permissions"):
        access_review_matrix([{"account_id": "x"}])
    with pytest.raises(AnsibleFilterError):
        access_review_matrix({"members": []})


def hostile_matrix():
    members = json.loads(json.dumps(MEMBERS))
    members[1]["display_name"] = '=HYPERLINK("http://evil")|<script>alert(1)</script> *x* [a](b)\n# h'
    members[1]["repository_permissions"]["</script><b>repo"] = "read"
    return access_review_matrix(members, workspace="acme</title>", admin_users=ADMIN_USERS)


def test_csv_escaping():
    text = access_review_render(hostile_matrix(), "csv")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0][:9] == [
        "account_id",
        "display_name",
        "nickname",
        "email",
        "workspace_role",
        "workspace_admin",
        "status",
        "residual",
        "groups",
    ]
    alice = [r for r in parsed if r[0] == "a"][0]
    assert alice[1].startswith("'=HYPERLINK")  # no formula
    assert alice[1][1:] == hostile_matrix()["members"][0]["display_name"]  # the rest verbatim, quoted by csv
    assert len({len(r) for r in parsed}) == 1
    assert alice[parsed[0].index("core")] == "write (repository user)"


def test_markdown_escaping():
    text = access_review_render(hostile_matrix(), "markdown")
    line = [row for row in text.splitlines() if "HYPERLINK" in row][0]
    assert "<script>" not in text and "\\<script\\>" in line
    assert "\\*x\\*" in line and "\\[a\\](b)" in line and "\\|" in line
    assert "\n# h" not in text  # the line break is folded
    assert line.count(" | ") == 7  # no cell split by the name's pipe


def test_html_escaping_of_hostile_names():
    page = access_review_render(hostile_matrix(), "html", title="<b>Review</b>")
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
    assert len(scripts) == 2  # the data and the page's code: nothing closed the data block early
    assert "<script>alert" not in page and "</script><b>" not in page
    data = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data and ">" not in data and "&" not in data
    decoded = json.loads(data)
    assert decoded["members"][0]["display_name"].startswith("=HYPERLINK")
    assert "</script><b>repo" in decoded["repositories"]
    assert "<title>&lt;b&gt;Review&lt;/b&gt;</title>" in page
    assert not re.search(r"""(src|href)=["']?https?:""", page) and "<link" not in page
    assert "innerHTML" in page and "esc(" in page  # every value goes through esc() before innerHTML


def test_json_and_bad_format():
    matrix = build()
    assert json.loads(access_review_render(matrix, "json")) == json.loads(json.dumps(matrix))
    assert access_review_render(access_review_render(matrix, "compact"), "digest")["summary"] == matrix["summary"]
    with pytest.raises(AnsibleFilterError, match="format"):
        access_review_render(matrix, "pdf")
    with pytest.raises(AnsibleFilterError):
        access_review_render({"nope": 1}, "csv")


def test_markdown_summary_names_each_count_once():
    matrix = build()
    assert matrix["summary"]["by_permission"], "the fixture has cells"
    text = access_review_render(matrix, "markdown")
    labels = [line.split(" | ")[0].lstrip("| ") for line in text.splitlines() if line.startswith("| ") and " | " in line]
    counted = [label for label in labels if "cells" in label]
    assert len(counted) == len(set(counted)), counted
    for level, count in matrix["summary"]["by_permission"].items():
        assert "| cells at level %s | %d |" % (level, count) in text
