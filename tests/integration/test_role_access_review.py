# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review role (playbooks/access_review.yml) against the simulator's demo seed, with environment-only
credentials: the reports and their known cells, check mode, idempotence, the API calls it costs.
The helpers at the top are shared with test_access_review_browser.py."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import time
import urllib.request

from role_helpers import environment, is_read

PLAYBOOK = "- ansible.builtin.import_playbook: accessops.atlassian.access_review\n"
RESULT_TASK = "accessops.atlassian.access_review : Set access_review_result"


def run_review(ansible_run, sim, report_dir, check=False, admin=True, scim=True, **extra):
    variables = {"access_review_workspace": "acme", "access_review_report_dir": str(report_dir)}
    variables.update(extra)
    result = ansible_run(PLAYBOOK, check=check, extra_vars=variables, env=environment(sim, scim=scim, admin=admin))
    assert result.rc == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return result


def review_result(result):
    return result.task(RESULT_TASK)["ansible_facts"]["access_review_result"]


def changed_tasks(result):
    return [name for name, task in zip(result.names, result.tasks, strict=True) if task.get("changed")]


def non_read_requests(sim):
    """Requests other than GET/HEAD, except the Admin API's POST searches (reads by design)."""
    return [e for e in sim.log() if not is_read(e)]


def scim_deactivate(sim, email):
    """Set active=false on the SCIM user ``email`` over the SCIM API (the Admin directory is not changed: the person
    stays a workspace member with their permissions), then clear the request log."""
    base = "%s/scim/directory/demo-directory/Users" % sim.url
    headers = {"Authorization": "Bearer demo-scim-api-key", "Content-Type": "application/scim+json"}
    url = base + "?filter=" + urllib.request.quote('userName eq "%s"' % email)
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as answer:
        user = json.load(answer)["Resources"][0]
    body = json.dumps(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False}}],
        }
    ).encode()
    request = urllib.request.Request("%s/%s" % (base, user["id"]), data=body, headers=headers, method="PATCH")
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert json.load(answer)["active"] is False
    sim.clear_log()


LEVEL = {"none": 0, "read": 1, "write": 2, "create-repo": 2, "admin": 3}


def expected_sources(sim, account_id, slug):
    """The sources the README promises for a non-admin member's cell, from the simulator's own state."""
    ws = sim.state.workspace("acme")
    repo = ws.repo(slug)
    effective = LEVEL[ws.effective(repo)[account_id]]
    sources, project = [], None
    if LEVEL.get(repo.user_perms.get(account_id, "none"), 0) == effective:
        sources.append("repository user")
    if LEVEL.get(repo.project.user_perms.get(account_id, "none"), 0) == effective:
        sources.append("project user")
        project = repo.project_key
    return (sources or ["group"]), project


def _members(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    return data, {m["email"]: m for m in data["members"]}


# byte-stable reports (no "generated at"), no dormant flag (test_access_review_evidence.py has both)
STABLE = {"access_review_timestamp": False, "access_review_last_active": False}


def test_access_review_reports_check_mode_and_idempotence(sim, ansible_run, tmp_path):
    scim_deactivate(sim, "dev002@acme.example")  # still a member with explicit read on infra-core: residual access
    report_dir = tmp_path / "reports"

    check = run_review(ansible_run, sim, report_dir, check=True, **STABLE)
    assert non_read_requests(sim) == []
    assert sim.writes() == [e for e in sim.log() if e["method"] == "POST"]  # the Admin searches only
    assert not report_dir.exists()
    predicted = review_result(check)
    assert predicted["check_mode"] is True and predicted["reports_written"] is False
    sim.clear_log()

    started = time.monotonic()
    real = run_review(ansible_run, sim, report_dir, **STABLE)
    elapsed = time.monotonic() - started
    result = review_result(real)
    log = sim.log()
    assert non_read_requests(sim) == []
    assert result["api_calls"]["total"] == len(log)
    assert result["summary"] == predicted["summary"]
    assert result["reports"] == predicted["reports"]
    assert result["reports_written"] is True
    print(
        "access_review on the demo seed: %d API calls (%s), %.1f s wall (ansible-playbook included)"
        % (len(log), result["api_calls"], elapsed)
    )

    assert stat.S_IMODE(os.stat(report_dir).st_mode) == 0o700
    paths = {
        fmt: report_dir / ("access-review-acme." + ext)
        for fmt, ext in (("json", "json"), ("csv", "csv"), ("markdown", "md"), ("html", "html"))
    }
    assert result["reports"] == {fmt: str(path) for fmt, path in paths.items()}
    for path in paths.values():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path

    data, by_email = _members(paths["json"])
    assert data["summary"]["members"] == 260 and data["summary"]["repositories"] == 64
    assert data["sources"] == {"admin": True, "scim": True, "group_permissions": True, "last_active": False, "api_tokens": True}

    def cell(email, slug):
        return by_email[email]["cells"].get(slug)

    assert cell("dev001@acme.example", "infra-core")["permission"] == "write"
    assert cell("dev001@acme.example", "infra-core")["sources"] == ["repository user"]
    assert cell("dev002@acme.example", "infra-core")["permission"] == "read"
    assert cell("dev002@acme.example", "infra-core")["sources"] == ["repository user"]
    assert cell("dev003@acme.example", "infra-core")["permission"] == "admin"
    assert cell("dev003@acme.example", "infra-core")["admin"] is True
    owner = by_email["owner@acme.example"]
    assert owner["workspace_admin"] is True and len(owner["cells"]) == 64
    assert {c["permission"] for c in owner["cells"].values()} == {"admin"}
    assert all(c["sources"][0] == "workspace role" for c in owner["cells"].values())
    # dev179 reaches PLAT through the project only; dev003 holds INFRA read beside the developers group
    plat = sorted(sim.state.workspace("acme").project("PLAT").repos)
    assert sorted(by_email["dev179@acme.example"]["cells"]) == plat
    assert cell("dev179@acme.example", plat[0])["sources"] == ["project user"]
    assert cell("dev179@acme.example", plat[0])["project"] == "PLAT"

    # every cell's source is what the simulator's own state says (the project inference included)
    for email, member in by_email.items():
        if member["workspace_admin"]:
            continue
        for slug, found in member["cells"].items():
            sources, project = expected_sources(sim, member["account_id"], slug)
            assert (found["sources"], found["project"]) == (sources, project), (email, slug, found)

    # residual access: dev002 is SCIM-deactivated and still holds explicit read on infra-core
    dev002 = by_email["dev002@acme.example"]
    assert dev002["scim_active"] is False and dev002["admin_status"] == "active"
    assert dev002["inactive"] is True and dev002["residual"] is True
    assert cell("dev002@acme.example", "infra-core")["residual"] is True
    assert [m["email"] for m in data["members"] if m["residual"]] == ["dev002@acme.example"]
    assert data["summary"]["residual_members"] == 1 and data["summary"]["residual_cells"] == 1
    assert [u["email"] for u in data["inactive_outside"]] == ["newhire01@acme.example"]
    assert [p["email"] for p in result["people"] if p["residual"]] == ["dev002@acme.example"]
    assert [p["email"] for p in result["people"] if p["workspace_admin"]] == ["owner@acme.example"]

    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8")))}
    assert len(rows) == 260
    assert rows["dev001@acme.example"]["infra-core"] == "write (repository user)"
    assert rows["dev002@acme.example"]["infra-core"] == "read (repository user)"
    assert rows["dev002@acme.example"]["residual"] == "yes"
    assert rows["dev003@acme.example"]["infra-core"] == "admin (repository user)"
    assert rows["dev179@acme.example"][plat[0]] == "admin (project user PLAT)"
    assert rows["owner@acme.example"]["infra-core"] == "admin (workspace role)"

    markdown = paths["markdown"].read_text(encoding="utf-8")
    residual = markdown.split("## Residual access", 1)[1].split("## ", 1)[0]
    assert (
        "dev002@acme.example" in residual
        and "| infra-core | read (repository user) |" in residual
        and "SCIM deactivated" in residual
    )
    assert "newhire01@acme.example" in markdown.split("## Inactive accounts outside the workspace", 1)[1]

    html = paths["html"].read_text(encoding="utf-8")
    assert "<link" not in html and "src=" not in html.split("<script", 1)[0]
    assert "http://" not in html and "https://" not in html

    second = run_review(ansible_run, sim, report_dir, **STABLE)
    assert changed_tasks(second) == []
    assert review_result(second)["summary"] == result["summary"]


def test_access_review_bitbucket_only(sim, ansible_run, tmp_path):
    report_dir = tmp_path / "bb"
    result = run_review(
        ansible_run,
        sim,
        report_dir,
        admin=False,
        scim=False,
        access_review_formats=["csv", "json"],
        access_review_repositories=["infra-core", "web-core"],
    )
    review = review_result(result)
    assert set(review["reports"]) == {"csv", "json"}
    assert sorted(p.name for p in report_dir.iterdir()) == ["access-review-acme.csv", "access-review-acme.json"]
    assert [e for e in sim.log() if not e["path"].startswith("/2.0/")] == []
    assert review["api_calls"]["admin"] == 0 and review["api_calls"]["scim"] == 0
    assert review["api_calls"]["total"] == len(sim.log())
    data, by_email = _members(report_dir / "access-review-acme.json")
    assert data["sources"] == {
        "admin": False,
        "scim": False,
        "group_permissions": False,
        "last_active": False,
        "api_tokens": False,
    }
    assert data["repositories"] == ["infra-core", "web-core"]
    assert by_email == {} or all(m["email"] is None for m in data["members"])
    assert data["summary"]["inactive_members"] == 0


def test_access_review_rejects_bad_input_before_any_request(sim, ansible_run, tmp_path):
    result = ansible_run(
        PLAYBOOK,
        extra_vars={
            "access_review_workspace": "acme",
            "access_review_report_dir": str(tmp_path),
            "access_review_formats": ["pdf"],
        },
        env=environment(sim),
    )
    assert result.rc != 0
    assert "pdf" in result.stdout
    assert sim.log() == []
