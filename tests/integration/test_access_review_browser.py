# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review's HTML page, rendered by a real headless Chromium after its JavaScript ran (--dump-dom):
known cells, the residual-access highlight, the URL-fragment filter, and a hostile display name kept inert."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest

from test_role_access_review import run_review, scim_deactivate

HOSTILE = '<script>window.PWNED=1</script><img src=x onerror="document.title=1">Eve'
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser():
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(
        "no Chromium binary on PATH (%s): install it with `apt-get install -y chromium` to render the HTML "
        "report in a browser" % ", ".join(BROWSERS)
    )
    return None


def _chromium(browser, tmp_path, url, *extra):
    profile = tmp_path / "chromium-profile"
    cmd = (
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=%s" % profile,
            "--window-size=1600,1000",
        ]
        + list(extra)
        + [url]
    )
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _row(dom, email):
    """The <tr> of a member (the row holds the email in its <small>)."""
    for row in re.findall(r"<tr [^>]*>.*?</tr>", dom, re.S):
        if "<small>%s</small>" % email in row:
            return row
    raise AssertionError("no row for %s" % email)


def _cell(row, slug):
    found = re.search(r'<td class="([^"]*)" data-repo="%s"([^>]*)>' % re.escape(slug), row)
    assert found, slug
    return found.group(1), dict(re.findall(r'(data-[a-z]+)="([^"]*)"', found.group(2)))


def test_html_report_in_headless_chromium(sim, ansible_run, tmp_path):
    browser = _browser()
    hostile = sim.state.accounts.get_by_email("dev005@acme.example")
    hostile["display_name"] = HOSTILE
    scim_deactivate(sim, "dev002@acme.example")
    report_dir = tmp_path / "reports"
    run_review(ansible_run, sim, report_dir, access_review_formats=["html"], access_review_last_active=False)
    page = report_dir / "access-review-acme.html"
    url = page.as_uri()

    dom = _chromium(browser, tmp_path, url, "--dump-dom")
    assert 'data-ready="1"' in dom, dom[:2000]
    assert 'data-shown="260"' in dom
    classes, attrs = _cell(_row(dom, "dev001@acme.example"), "infra-core")
    assert "p-write" in classes and attrs["data-permission"] == "write" and attrs["data-sources"] == "repository user"
    classes, attrs = _cell(_row(dom, "dev003@acme.example"), "infra-core")
    assert "p-admin" in classes and attrs["data-permission"] == "admin"
    # dev002: SCIM-deactivated, still holding explicit read on infra-core: row and cell highlighted
    row = _row(dom, "dev002@acme.example")
    assert re.match(r'<tr class="[^"]*\bresidual\b', row) and "inactive" in row.split(">", 1)[0]
    classes, attrs = _cell(row, "infra-core")
    assert "res" in classes.split() and attrs["data-permission"] == "read"
    owner = _row(dom, "owner@acme.example")
    assert "wsadmin" in owner.split(">", 1)[0] and 'data-sources="workspace role"' in owner
    assert re.search(r'data-count="residual access"><b>1</b>', dom)
    # the hostile name is text: no element came out of it, and the page's title is untouched
    assert "window.PWNED" not in re.sub(
        r"&lt;script&gt;window\.PWNED=1&lt;/script&gt;", "", dom.split('<script type="application/json"', 1)[0]
    )
    assert '<img src="x"' not in dom and "<img src=x" not in dom
    assert html.escape(HOSTILE, quote=False) in dom
    assert "<title>Access review of acme</title>" in dom

    # the filter, pre-set from the URL fragment: one member, repositories matching "infra"
    filtered = _chromium(browser, tmp_path, url + "#q=dev002%40acme&repo=infra-c", "--dump-dom")
    assert 'data-shown="1"' in filtered
    body = filtered.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr ") == 1 and "dev002@acme.example" in body
    head = filtered.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.findall(r'<th class="repo[^"]*" data-sort="r:([^"]+)"', head) == ["infra-client", "infra-config", "infra-core"]
    residual = _chromium(browser, tmp_path, url + "#only=residual", "--dump-dom")
    assert 'data-shown="1"' in residual and "dev002@acme.example" in residual.split("<tbody>", 1)[1]

    shot = tmp_path / "access-review.png"
    _chromium(browser, tmp_path, url, "--screenshot=%s" % shot)
    assert shot.stat().st_size > 10000
    print("screenshot: %s" % shot)
