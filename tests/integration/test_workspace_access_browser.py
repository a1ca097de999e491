# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report of workspace_access, rendered by a real headless Chromium (--dump-dom): the role gathers the
file, the file is edited (a level changed, a user left out of an exclusive repository), the plan run writes the report
beside the plan, and the page shows the edited repository's section with its rows and reasons; the display name of
the account whose level changes is hostile, and stays inert text (no script run, no element made of it)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from test_access_review_browser import HOSTILE, _browser, _chromium
from test_role_workspace_access import edit, fact, gathered, plan_of, run_mode


def _level(grant):
    return grant["level"] if isinstance(grant, dict) else grant


def _account(sim, user):
    accounts = sim.state.accounts
    return accounts.get_by_email(user) if "@" in user else accounts.by_id[user]


def _tr(section, account_id):
    found = re.search(
        r'<tr class="[^"]*" data-subject="%s" data-action="([^"]+)">(.*?)</tr>' % re.escape(account_id), section, re.S
    )
    assert found, (account_id, section[:3000])
    return found.group(1), found.group(2)


def test_drift_report_in_headless_chromium(sim, ansible_run, tmp_path):
    browser = _browser()
    declared, document, _log = gathered(sim, ansible_run, tmp_path)
    repos = document["repositories"]
    slug = next(s for s in sorted(repos) if len(repos[s].get("users") or {}) >= 2)
    users = repos[slug]["users"]
    changed, removed = sorted(users)[:2]
    old_level = _level(users[changed])
    new_level = "admin" if old_level != "admin" else "write"
    users[changed] = {"level": new_level, "ticket": "OPS-42", "reason": "on call"}
    removed_level = _level(users.pop(removed))
    repos[slug]["exclusive"] = True
    document["guardrails"] = {"min_admins": 0, "require_caller_admin": False, "max_removals": 5}
    edit(declared, document)
    hostile = _account(sim, changed)
    hostile["display_name"] = HOSTILE
    changed_id, removed_id = hostile["account_id"], _account(sim, removed)["account_id"]

    run, _log = run_mode(sim, ansible_run, tmp_path, "plan", declared)
    assert run.rc == 0, run.stdout[-3000:]
    plan_id = plan_of(run)["accessops_plan"]["id"]
    reports = fact(run, "workspace_access_result")["drift_report"]
    report_dir = (tmp_path / "reports").resolve()
    page = report_dir / ("workspace_access-drift-%s.html" % plan_id)
    assert Path(reports["html"]) == page and page.is_file()
    assert Path(reports["markdown"]) == report_dir / ("workspace_access-drift-%s.md" % plan_id)
    markdown = Path(reports["markdown"]).read_text(encoding="utf-8")
    assert "## Repository %s" % slug.replace("_", "\\_") in markdown
    assert "\\<script\\>window.PWNED=1\\</script\\>" in markdown and re.findall(r"(?<!\\)<", markdown) == []

    dom = _chromium(browser, tmp_path, page.as_uri(), "--dump-dom")
    targets = re.findall(r'<section class="target" id="[^"]+" data-target="([^"]+)"', dom)
    assert targets == ["repositories.%s" % slug], targets
    section = dom.split('data-target="repositories.%s"' % slug, 1)[1].split("</section>", 1)[0]
    action, row = _tr(section, changed_id)
    assert action == "change"
    assert "change %s -&gt; %s" % (old_level, new_level) in row
    assert re.search(r"declared in workspace-access\.yml line \d+ \(ticket OPS-42: on call\)", row), row
    assert re.search(r'<td class="d">%s<small>ticket OPS-42, on call, line \d+</small></td>' % new_level, row), row
    action, row = _tr(section, removed_id)
    assert action == "revoke" and "revoke %s -&gt; none" % removed_level in row
    assert re.search(r"not declared, and repositories\.%s is exclusive \(line \d+\)" % re.escape(slug), row), row
    assert re.search(r'data-count="plan items"><b>2</b>', dom)
    assert re.search(r'data-count="items: change"><b>1</b>', dom) and re.search(r'data-count="items: revoke"><b>1</b>', dom)

    # the hostile name is text: no element came out of it, nothing ran, the title is the page's own
    assert html.escape(HOSTILE, quote=False) in dom
    assert "PWNED" not in dom.replace(html.escape("<script>window.PWNED=1</script>", quote=False), "")
    assert "<script" not in dom and "<img" not in dom
    assert "<title>Workspace access drift of acme</title>" in dom

    shot = tmp_path / "workspace-access-drift.png"
    _chromium(browser, tmp_path, page.as_uri(), "--screenshot=%s" % shot)
    assert shot.stat().st_size > 10000
    print("screenshot: %s" % shot)
