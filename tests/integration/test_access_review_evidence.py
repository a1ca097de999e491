# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review as audit evidence, against the simulator's demo seed: the risk flags match the seeded dormant
member, the direct admins and the tokens unused for 120 days (each set computed from the simulator's own state),
"generated at" and "run by" in every format, the group named behind a group cell, the long CSV; and the HTML page
printed to PDF by headless Chromium holds every member (the rows counted in the PDF's text)."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest

from test_access_review_browser import _browser, _chromium
from test_role_access_review import review_result, run_review

from atlsim import demo
from atlsim.admin_state import Group
from atlsim.state import REPO_LEVEL_OF_PROJECT

LEVEL = {"read": 1, "write": 2, "admin": 3}
DAYS = 90


def _old(moment, now, days=DAYS):
    return moment is not None and moment < now - datetime.timedelta(days=days)


def expected_flags(sim, now):
    """flag -> emails, from the simulator's state (the seed's tokens and dates, its permissions)."""
    state = sim.state
    ws = state.workspace("acme")
    org = next(iter(state.admin.orgs.values()))
    workspaces = [r.id for r in org.resources.values() if r.owner == "bitbucket"]
    email = {a: state.accounts.by_id[a]["email"] for a in ws.members}
    owner = {a for a, m in ws.members.items() if m["role"] == "owner"}
    flags = {name: set() for name in ("dormant", "direct_admin", "group_admin", "token_unused", "token_expiring")}
    for account_id in ws.members:
        bitbucket = state.activity.last_active.get(account_id, {}).get("bitbucket")
        never = bitbucket is None and any(org.has_access(account_id, rid) for rid in workspaces)  # access, no date
        if _old(bitbucket, now) or never:
            flags["dormant"].add(email[account_id])
        for token in state.activity.tokens.get(account_id, ()):
            if _old(token["last_access"], now) or (token["last_access"] is None and _old(token["created"], now)):
                flags["token_unused"].add(email[account_id])
            if token["expiry"] is not None and now <= token["expiry"] <= now + datetime.timedelta(days=30):
                flags["token_expiring"].add(email[account_id])
        if account_id in owner:
            continue  # admin everywhere by its workspace role: no explicit permission, no flag
        for project in ws.projects.values():
            if project.user_perms.get(account_id) == "admin":
                flags["direct_admin"].add(email[account_id])
        for repo in ws.repos.values():
            if ws.effective(repo).get(account_id) != "admin":
                continue
            project_level = REPO_LEVEL_OF_PROJECT.get(repo.project.user_perms.get(account_id, "none"))
            if repo.user_perms.get(account_id) == "admin" or project_level == "admin":
                flags["direct_admin"].add(email[account_id])
            else:
                flags["group_admin"].add(email[account_id])
    return flags


def mirror_group(sim, slug):
    """An organization group named like the Bitbucket group ``slug``, with its members (the Admin API's memberships
    then tell who is in it)."""
    ws = sim.state.workspace("acme")
    org = next(iter(sim.state.admin.orgs.values()))
    directory = next(iter(org.directories.values()))
    group = Group({"name": ws.groups[slug]["name"]}, directory.id)
    for account_id in ws.groups[slug]["members"]:
        group.members[account_id] = None
    directory.groups[group.id] = group
    return set(ws.groups[slug]["members"])


def named_groups(sim, account_id, slug, permission, mirrored):
    """The Bitbucket groups the review must name for a group cell: the mirrored group with that level on the
    repository or its project, when the member is in it."""
    ws = sim.state.workspace("acme")
    repo = ws.repo(slug)
    found = []
    if account_id in mirrored[1]:
        if LEVEL.get(repo.group_perms.get(mirrored[0], "none"), 0) == LEVEL[permission]:
            found.append((ws.groups[mirrored[0]]["name"], "repository"))
        level = REPO_LEVEL_OF_PROJECT.get(repo.project.group_perms.get(mirrored[0], "none"))
        if level == permission:
            found.append((ws.groups[mirrored[0]]["name"], "project " + repo.project_key))
    return found


def test_review_flags_evidence_and_groups(sim, ansible_run, tmp_path):
    mirrored = ("developers", mirror_group(sim, "developers"))
    sim.clear_log()
    report_dir = tmp_path / "reports"
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    result = run_review(ansible_run, sim, report_dir, access_review_formats=["json", "csv", "csv_long", "markdown", "html"])
    after = datetime.datetime.now(datetime.UTC)
    review = review_result(result)
    log = sim.log()
    assert review["api_calls"]["total"] == len(log)
    data = json.loads((report_dir / "access-review-acme.json").read_text(encoding="utf-8"))
    members = data["members"]
    assert len(members) == 260
    assert data["sources"] == {"admin": True, "scim": True, "group_permissions": True, "last_active": True, "api_tokens": True}
    # the last-active dates come with the organization users' search (3 pages of 100): no read per member;
    # one token listing per member
    assert sum(1 for e in log if e["path"].endswith("/last-active-dates")) == 0
    assert sum(1 for e in log if e["path"].endswith("/users/search")) == 3
    # (+1: the credential check reads the caller's own tokens before the review, docs/credentials.md)
    assert sum(1 for e in log if e["path"].endswith("/manage/api-tokens")) == 260 + 1

    # generated at / run by
    generated = datetime.datetime.strptime(data["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    assert before <= generated <= after
    admin = sim.state.accounts.get_by_email(demo.ADMIN[0])
    assert data["run_by"] == {
        "bitbucket": admin["account_id"],
        "bitbucket_name": admin["display_name"],
        "admin": demo.ORG_ID,
        "scim": demo.SCIM_DIRECTORY,
    }
    assert review["generated_at"] == data["generated_at"] and review["run_by"] == data["run_by"]
    who = "Bitbucket account %s (%s), organization %s (Admin API), SCIM directory %s" % (
        admin["display_name"],
        admin["account_id"],
        demo.ORG_ID,
        demo.SCIM_DIRECTORY,
    )
    for name in ("access-review-acme.csv", "access-review-acme.long.csv"):
        rows = list(csv.DictReader(io.StringIO((report_dir / name).read_text(encoding="utf-8"))))
        assert {(r["generated_at"], r["run_by"]) for r in rows} == {(data["generated_at"], who)}, name
    markdown = (report_dir / "access-review-acme.md").read_text(encoding="utf-8")
    assert "Generated at %s by %s." % (data["generated_at"], who) in markdown
    page = (report_dir / "access-review-acme.html").read_text(encoding="utf-8")
    assert '<div id="evidence">Generated at %s by %s</div>' % (data["generated_at"], who) in page

    # the flags, each set as the simulator's state says
    expected = expected_flags(sim, generated)
    got = {flag: {m["email"] for m in members if flag in m["flags"]} for flag in expected}
    assert got == expected
    assert got["dormant"] == {"dev005@acme.example"}  # the seeded dormant member (150 days)
    assert "dev003@acme.example" in got["direct_admin"]  # explicit admin on infra-core
    assert {"dev001@acme.example", "dev003@acme.example", "dev005@acme.example"} <= got["token_unused"]
    dev001 = next(m for m in members if m["email"] == "dev001@acme.example")
    assert "'laptop-cli' last used" in dev001["flag_details"]["token_unused"]  # 120 days, the other token is in use
    assert "ci-pipeline" not in dev001["flag_details"]["token_unused"]
    assert got["token_expiring"] == {"dev002@acme.example"}
    assert data["summary"]["flags"]["dormant"] == 1
    print("flags on the demo seed: %s" % {flag: len(emails) for flag, emails in got.items()})

    # the group behind each group cell: the mirrored Bitbucket group where it holds that level, else not identifiable
    named = 0
    for member in members:
        for slug, cell in member["cells"].items():
            if "group" not in cell["sources"]:
                continue
            want = named_groups(sim, member["account_id"], slug, cell["permission"], mirrored)
            assert [(g["name"], g["via"]) for g in cell["groups"]] == want, (member["email"], slug, cell)
            named += bool(want)
    assert named > 0
    wide = {r["email"]: r for r in csv.DictReader(io.StringIO((report_dir / "access-review-acme.csv").read_text("utf-8")))}
    texts = {text for row in wide.values() for slug, text in row.items() if slug in data["repositories"]}
    assert any("(group Developers" in t for t in texts) and any("group (not identifiable)" in t for t in texts)

    # the long CSV: one row per member x target x path, every member in it
    long_rows = list(csv.DictReader(io.StringIO((report_dir / "access-review-acme.long.csv").read_text("utf-8"))))
    assert {r["email"] for r in long_rows} == {m["email"] for m in members}
    paths = sum(
        max(1, len(c["groups"])) if s == "group" else 1 for m in members for c in m["cells"].values() for s in c["sources"]
    )
    below = sum(1 for m in members for c in m["cells"].values() if c["explicit"] and "repository user" not in c["sources"])
    projects = sum(len(m["explicit"]["projects"]) for m in members)
    nothing = sum(1 for m in members if not m["cells"] and not m["explicit"]["projects"])
    assert len(long_rows) == paths + below + projects + nothing
    dev003 = [r for r in long_rows if r["email"] == "dev003@acme.example" and r["target"] == "infra-core"]
    assert [(r["permission"], r["path"], r["path_permission"]) for r in dev003][0] == ("admin", "repository user", "admin")


def _pdf_text(path):
    pypdf = pytest.importorskip("pypdf", reason="pypdf (tests/requirements.txt) extracts the PDF's text")
    reader = pypdf.PdfReader(str(path))
    return [page.extract_text() or "" for page in reader.pages]


def test_html_report_prints_every_member_to_pdf(sim, ansible_run, tmp_path):
    browser = _browser()
    report_dir = tmp_path / "reports"
    run_review(ansible_run, sim, report_dir, access_review_formats=["html", "json"], access_review_last_active=False)
    data = json.loads((report_dir / "access-review-acme.json").read_text(encoding="utf-8"))
    emails = [m["email"] for m in data["members"]]
    assert len(emails) == 260
    pdf = tmp_path / "access-review.pdf"
    url = (report_dir / "access-review-acme.html").as_uri()
    _chromium(browser, tmp_path, url, "--no-pdf-header-footer", "--print-to-pdf=%s" % pdf)
    pages = _pdf_text(pdf)
    text = "\n".join(pages)
    # every member is a row of the printed table (its email once, its row number)
    found = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
    assert sorted(e for e in found if e in emails) == sorted(emails)
    assert len(pages) > 5, len(pages)
    # the table's header is repeated on every page that holds rows; the title and the evidence are on the first
    header = "Access: permission (sources): repositories"
    for number, page in enumerate(pages[1:], start=2):
        if any(e in page for e in emails):
            assert header in " ".join(page.split()), "page %d has rows without the header" % number
    assert "Access review of acme" in pages[0] and "Generated at %s" % data["generated_at"] in pages[0]
    assert "260 of 260 members" in " ".join(text.split())
    print("access review PDF: %d pages, %d members" % (len(pages), len(emails)))
