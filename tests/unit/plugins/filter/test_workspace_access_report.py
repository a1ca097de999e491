# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""workspace_access_report with plain data: the drift of workspace_access_plan rendered in Markdown and HTML - one
section per drifting target only, its rows (declared, actual, change, reason), the removals not made and the grants
expiring soon, a hostile display name kept as text in both formats, a bad format refused, the same text each time."""

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_declared import workspace_access_declared
from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_plan import workspace_access_plan
from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_report import workspace_access_report

ORG = "0475f711-2971-5a21-a71a-659f380ffd26"
JANE, BOB, CAROL, DAVE, ERIN, EVE = ("557058:jane", "557058:bob", "557058:carol", "557058:dave", "557058:erin", "557058:eve")
TODAY = "2026-12-05"
HOSTILE = '<script>window.PWNED=1</script><img src=x onerror="document.title=1">Eve'


def user(account_id, name, permission):
    return {"account_id": account_id, "display_name": name, "nickname": "n", "permission": permission}


def person(account_id, email, name):
    return {"account_id": account_id, "email": email, "display_name": name, "bot": False, "owner": False}


def actual_access(eve_name="Eve"):
    return {
        "workspace": "acme",
        "repositories": [
            {
                "slug": "infra-core",
                "name": "Infra Core",
                "project": "INFRA",
                "users": [user(JANE, "Jane Doe", "write"), user(BOB, "Bob Builder", "admin"), user(ERIN, "Erin", "read")],
                "groups": [{"slug": "developers", "name": "Developers", "permission": "write"}],
            },
            {
                "slug": "web",
                "name": "web",
                "project": "WEB",
                "users": [user(JANE, "Jane Doe", "read"), user(CAROL, "Carol", "write"), user(EVE, eve_name, "read")],
                "groups": [],
            },
            {"slug": "docs", "name": "docs", "project": None, "users": [], "groups": []},
        ],
        "projects": [
            {
                "key": "INFRA",
                "name": "Infra",
                "users": [user(BOB, "Bob Builder", "admin")],
                "groups": [{"slug": "developers", "name": "Developers", "permission": "create-repo"}],
            },
        ],
        "groups": [
            {
                "id": "g1",
                "name": "bitbucket-users-acme",
                "members": [
                    {"account_id": JANE, "email": "jane@acme.example", "display_name": "Jane Doe"},
                    {"account_id": BOB, "email": "bob@acme.example", "display_name": "Bob Builder"},
                ],
            },
            {
                "id": "g2",
                "name": "Site Admins",
                "members": [{"account_id": BOB, "email": "bob@acme.example", "display_name": "Bob"}],
            },
        ],
    }


def people(eve_name="Eve"):
    return [
        person(JANE, "jane@acme.example", "Jane Doe"),
        person(BOB, "bob@acme.example", "Bob Builder"),
        person(CAROL, None, "Carol"),
        person(DAVE, "dave@acme.example", "Dave"),
        person(EVE, "eve@acme.example", eve_name),
    ]


# today's access, declared (docs, without explicit permissions, is not in the file); the reasons name the lines
BASE = """\
workspace: acme
guardrails: {min_admins: 1, require_caller_admin: true}
repositories:
  infra-core:
    users:
      jane@acme.example: write
      bob@acme.example: admin
      "557058:erin": read
    groups:
      developers: write
  web:
    users:
      jane@acme.example: read
      "557058:carol": write
      eve@acme.example: read
projects:
  INFRA:
    users: {bob@acme.example: admin}
    groups: {developers: create-repo}
groups:
  bitbucket-users-acme:
    members: [jane@acme.example, bob@acme.example]
  Site Admins:
    members: [bob@acme.example]
"""

# infra-core: jane raised (line 6), dave granted until 2027-01-04 (line 7), erin left out (additive: not removed);
# web made exclusive: carol left out (revoked), eve raised to write (line 15); bitbucket-users-acme: dave added
EDITED = (
    BASE.replace(
        "      jane@acme.example: write\n",
        "      jane@acme.example: admin\n      dave@acme.example: {level: read, expires: 2027-01-04, ticket: OPS-9}\n",
    )
    .replace('      "557058:erin": read\n', "")
    .replace("  web:\n", "  web:\n    exclusive: true\n")
    .replace('      "557058:carol": write\n', "")
    .replace("eve@acme.example: read", "eve@acme.example: write")
    .replace(
        "members: [jane@acme.example, bob@acme.example]", "members: [jane@acme.example, bob@acme.example, dave@acme.example]"
    )
)


def render(text=EDITED, eve_name="Eve", fmt="markdown", **kwargs):
    declared = workspace_access_declared(text)
    actual, accounts = actual_access(eve_name), people(eve_name)
    drift = workspace_access_plan(declared, actual, accounts, caller=BOB, org=ORG, today=TODAY)
    kwargs.setdefault("plan_id", "plan-1")
    return drift, workspace_access_report(drift, declared, actual, accounts, format=fmt, **kwargs)


def sections(markdown):
    """{heading: its text} of the ## sections."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def rows(section_text):
    """The table rows (cells) of a section, the header and the rule left out."""
    lines = [line for line in section_text.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines[2:]]


def test_one_section_per_drifting_target_in_the_plan_order():
    drift, markdown = render()
    assert drift["errors"] == [] and drift["refused"] == []
    found = sections(markdown)
    assert list(found) == [
        "Repository infra-core",
        "Repository web",
        "Organization group bitbucket-users-acme",
        "In step",
        "Expiring soon",
        "Removals not made",
    ]
    # INFRA and Site Admins are declared and in step: counted, not listed; docs (not in the file, no drift): neither
    assert found["In step"].strip() == (
        "2 declared targets have no drift (0 repositories, 1 project, 1 organization group): not listed."
    )
    assert markdown.startswith(
        "# Workspace access drift of acme\n\nWorkspace acme, plan plan-1, declared in workspace\\_access\\_file.\n"
    )
    assert "generated at" not in markdown


def test_the_rows_say_declared_actual_change_and_reason():
    _drift, markdown = render()
    found = sections(markdown)
    assert rows(found["Repository infra-core"]) == [
        [
            "Dave \\<dave@acme.example\\>, 557058:dave",
            "read (until 2027-01-04, ticket OPS-9, line 7)",
            "none",
            "grant none -\\> read",
            "declared in workspace\\_access\\_file line 7 (ticket OPS-9; until 2027-01-04); expires on 2027-01-04 (in 30 days)",
        ],
        ["Erin, 557058:erin", "not declared", "read", "not made", "the section is not exclusive"],
        [
            "Jane Doe \\<jane@acme.example\\>, 557058:jane",
            "admin (line 6)",
            "write",
            "change write -\\> admin",
            "declared in workspace\\_access\\_file line 6",
        ],
    ]
    assert "2 other subjects in step." in found["Repository infra-core"]
    assert rows(found["Repository web"]) == [
        [
            "Carol, 557058:carol",
            "not declared",
            "write",
            "revoke write -\\> none",
            "not declared, and repositories.web is exclusive (line 12)",
        ],
        [
            "Eve \\<eve@acme.example\\>, 557058:eve",
            "write (line 15)",
            "read",
            "change read -\\> write",
            "declared in workspace\\_access\\_file line 15",
        ],
    ]
    assert rows(found["Organization group bitbucket-users-acme"]) == [
        [
            "Dave \\<dave@acme.example\\>, 557058:dave",
            "member (line 22)",
            "not a member",
            "add not a member -\\> member",
            "declared in workspace\\_access\\_file line 22",
        ]
    ]


def test_the_header_counts_and_the_lists_after_the_sections():
    drift, markdown = render(generated_at="2026-12-05T13:40:00Z", workspace="acme")
    assert "Workspace acme, plan plan-1, generated at 2026-12-05T13:40:00Z, declared in workspace\\_access\\_file." in markdown
    counts = dict(rows(markdown.split("\n## ", 1)[0]))
    assert counts == {
        "plan items": "5",
        "items: grant": "1",
        "items: change": "2",
        "items: revoke": "1",
        "items: add": "1",
        "removals not made": "1",
        "expiring soon": "1",
        "refused by the guardrails": "0",
        "errors": "0",
    }
    assert drift["summary"]["by_action"] == {"grant": 1, "change": 2, "revoke": 1, "add": 1}
    found = sections(markdown)
    assert found["Expiring soon"].strip() == (
        "- dave@acme.example on repositories.infra-core expires on 2027-01-04 (in 30 days; workspace\\_access\\_file line 7)"
    )
    assert found["Removals not made"].strip() == "- repositories.infra-core: 1 removal not made: the section is not exclusive"


def test_an_expiring_grant_in_step_and_an_exempt_account_have_their_rows():
    text = BASE.replace("      bob@acme.example: admin\n", "      bob@acme.example: {level: admin, expires: 2026-12-06}\n")
    text = text.replace("  web:\n", "  web:\n    exclusive: true\n").replace('      "557058:carol": write\n', "")
    text = 'exempt: ["557058:carol"]\n' + text
    _drift, markdown = render(text)
    found = sections(markdown)
    assert list(found) == ["Repository infra-core", "Repository web", "In step", "Expiring soon", "Removals not made"]
    assert rows(found["Repository infra-core"]) == [
        [
            "Bob Builder \\<bob@acme.example\\>, 557058:bob",
            "admin (until 2026-12-06, line 8)",
            "admin",
            "in step, expiring",
            "expires on 2026-12-06 (in 1 day)",
        ]
    ]
    assert rows(found["Repository web"]) == [
        ["Carol, 557058:carol", "not declared", "write", "not made", "Carol is exempt (exempt: 557058:carol, line 1)"]
    ]
    assert "- repositories.web: 1 removal not made: Carol is exempt (exempt: 557058:carol, line 1)" in found["Removals not made"]


def test_a_target_not_in_the_file_and_group_subjects():
    text = BASE.replace(
        "  INFRA:\n    users: {bob@acme.example: admin}\n    groups: {developers: create-repo}\n",
        "  INFRA:\n    exclusive: true\n    users: {bob@acme.example: admin}\n",
    )
    text = text.replace(
        '  web:\n    users:\n      jane@acme.example: read\n      "557058:carol": write\n      eve@acme.example: read\n', ""
    )
    _drift, markdown = render(text)
    found = sections(markdown)
    assert list(found) == ["Repository web", "Project INFRA", "In step", "Removals not made"]
    assert "Not in the file: nothing is changed here." in found["Repository web"]
    assert [row[0] for row in rows(found["Repository web"])] == [
        "Carol, 557058:carol",
        "Eve \\<eve@acme.example\\>, 557058:eve",
        "Jane Doe \\<jane@acme.example\\>, 557058:jane",
    ]
    assert {row[1] for row in rows(found["Repository web"])} == {"not in the file"}
    assert {row[4] for row in rows(found["Repository web"])} == {"the repository is not in the file"}
    assert rows(found["Project INFRA"]) == [
        [
            "group Developers (developers)",
            "not declared",
            "create-repo",
            "revoke create-repo -\\> none",
            "not declared, and projects.INFRA is exclusive (line 13)",
        ]
    ]


def test_no_drift():
    drift, markdown = render(BASE)
    assert drift["items"] == [] and drift["not_made"] == []
    assert "No drift: today's access is what the file declares." in markdown
    assert list(sections(markdown)) == ["In step"]
    assert "5 declared targets have no drift (2 repositories, 1 project, 2 organization groups): not listed." in markdown
    _drift, page = render(BASE, fmt="html")
    assert "No drift: today's access is what the file declares." in page


def test_a_hostile_display_name_is_text_in_markdown():
    _drift, markdown = render(eve_name=HOSTILE, plan_id="<b>p|1</b>")
    assert re.findall(r"(?<!\\)[<>]", markdown) == []  # every < and > escaped
    row = next(r for r in rows(sections(markdown)["Repository web"]) if "557058:eve" in r[0])
    assert row[0].startswith('\\<script\\>window.PWNED=1\\</script\\>\\<img src=x onerror="document.title=1"\\>Eve')
    assert "plan \\<b\\>p\\|1\\</b\\>" in markdown
    # a newline or a pipe in a value cannot break the table
    _drift, markdown = render(eve_name="Eve\n| x | y |\nEvil")
    row = next(r for r in rows(sections(markdown)["Repository web"]) if "557058:eve" in r[0])
    assert row[0] == "Eve \\| x \\| y \\| Evil \\<eve@acme.example\\>, 557058:eve" and len(row) == 5


def test_a_hostile_display_name_is_text_in_html():
    _drift, page = render(eve_name=HOSTILE, fmt="html", workspace='acme"><script>alert(1)</script>')
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;window.PWNED=1&lt;/script&gt;&lt;img src=x onerror=&quot;document.title=1&quot;&gt;Eve" in page
    assert "<title>Workspace access drift of acme&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page


def test_the_html_page_is_static_self_contained_and_printable():
    _drift, page = render(fmt="html", generated_at="2026-12-05T13:40:00Z")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "<script" not in page and "http://" not in page and "https://" not in page and " src=" not in page
    assert "default-src 'none'" in page and "@media print" in page and "thead{display:table-header-group}" in page
    targets = re.findall(r'<section class="target" id="[^"]+" data-target="([^"]+)"', page)
    assert targets == ["repositories.infra-core", "repositories.web", "groups.bitbucket-users-acme"]
    web = page.split('data-target="repositories.web"', 1)[1].split("</section>", 1)[0]
    carol = re.search(r'<tr class="a-revoke" data-subject="557058:carol" data-action="revoke">(.*?)</tr>', web).group(1)
    assert "<b>Carol</b>" in carol and "revoke write -&gt; none" in carol
    assert "not declared, and repositories.web is exclusive (line 12)" in carol
    assert 'data-count="plan items"><b>5</b>' in page and "generated at 2026-12-05T13:40:00Z" in page
    assert '<section class="list" id="not_made"><h2>Removals not made</h2>' in page
    assert '<section class="list" id="errors">' not in page


def test_a_bad_format_or_input_is_refused():
    declared = workspace_access_declared(EDITED)
    drift = workspace_access_plan(declared, actual_access(), people(), caller=BOB, org=ORG, today=TODAY)
    with pytest.raises(AnsibleFilterError, match="format must be markdown or html, not 'pdf'"):
        workspace_access_report(drift, declared, actual_access(), people(), format="pdf")
    with pytest.raises(AnsibleFilterError, match="the result of workspace_access_plan"):
        workspace_access_report({"items": []}, declared, actual_access(), people())
    with pytest.raises(AnsibleFilterError, match="the result of workspace_access_declared"):
        workspace_access_report(drift, "text", actual_access(), people())


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_same_input_gives_the_same_text(fmt):
    _drift, first = render(fmt=fmt, generated_at="2026-12-05T13:40:00Z")
    _drift, second = render(fmt=fmt, generated_at="2026-12-05T13:40:00Z")
    assert first == second
    # the order today's access lists things in does not matter
    declared = workspace_access_declared(EDITED)
    actual = actual_access()
    actual["repositories"].reverse()
    for target in actual["repositories"] + actual["projects"]:
        target["users"].reverse()
    actual["groups"].reverse()
    drift = workspace_access_plan(declared, actual, people(), caller=BOB, org=ORG, today=TODAY)
    again = workspace_access_report(
        drift, declared, actual, people(), format=fmt, plan_id="plan-1", generated_at="2026-12-05T13:40:00Z"
    )
    assert again == first
