# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review's certification campaign against the simulator's demo seed: the review with the campaign on
writes a worksheet per reviewer; two filled worksheets (three rows revoke, the rest keep) fed back make a plan of
exactly those three revokes with nothing written; its apply removes exactly those permissions (request log and the
simulator's state); the evidence pack's MANIFEST.sha256 verifies with sha256sum."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

from role_helpers import environment, item_write, writes

PLAY = "- ansible.builtin.import_playbook: accessops.atlassian.access_review\n"
FALLBACK = "security@acme.example"


def fact(run, name):
    found = None
    for task in run.tasks:
        found = task.get("ansible_facts", {}).get(name, found)
    return found


def review(sim, ansible_run, report_dir, **extra):
    sim.clear_log()
    variables = {
        "access_review_workspace": "acme",
        "access_review_report_dir": str(report_dir),
        # the campaign uses neither: their reads are covered by test_access_review_evidence.py
        "access_review_api_tokens": False,
        "access_review_last_active": False,
    }
    variables.update(extra)
    run = ansible_run(PLAY, extra_vars=variables, env=environment(sim, scim=False))
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-2000:]
    return run, sim.log()


def explicit(sim):
    """Every explicit user permission of the workspace: {(kind, target, account id): level}."""
    ws = sim.state.workspace("acme")
    found = {("repository", slug, a): p for slug, repo in ws.repos.items() for a, p in repo.user_perms.items()}
    found.update({("project", key, a): p for key, proj in ws.projects.items() for a, p in proj.user_perms.items()})
    return found


def fill(path, revoke_ids):
    """The worksheet with revoke on the rows ``revoke_ids`` and keep on every other row (as a reviewer saves it)."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows, path
    for row in rows:
        row["decision"] = "revoke" if row["row_id"] in revoke_ids else "keep"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return [row["row_id"] for row in rows]


def test_campaign_worksheets_decisions_plan_apply_and_evidence(sim, ansible_run, tmp_path):
    report_dir = tmp_path / "reports"
    run, log = review(sim, ansible_run, report_dir, access_review_campaign=True, access_review_reviewer_fallback=FALLBACK)
    assert writes(log) == []
    result = fact(run, "access_review_campaign_result")
    campaign_dir = Path(result["dir"])
    doc = json.loads((campaign_dir / "campaign.json").read_text(encoding="utf-8"))
    assert result["id"] == doc["id"] and result["summary"]["rows"] == len(doc["rows"])
    for reviewer in doc["reviewers"]:
        assert (campaign_dir / (reviewer["file"] + ".csv")).is_file() and (campaign_dir / (reviewer["file"] + ".html")).is_file()

    accounts = sim.state.accounts

    def row(email, target, path):
        account_id = accounts.get_by_email(email)["account_id"]
        found = [r for r in doc["rows"] if r["account_id"] == account_id and r["target"] == target and r["path"] == path]
        assert len(found) == 1, (email, target, found)
        return found[0]

    dev001 = row("dev001@acme.example", "infra-core", "repository user")
    dev002 = row("dev002@acme.example", "infra-core", "repository user")
    dev182 = row("dev182@acme.example", "WEB", "project user")
    dev003 = accounts.get_by_email("dev003@acme.example")["account_id"]
    # infra-core is reviewed by its admins (dev003, explicit), the WEB project (no admin) by the fallback
    assert dev003 in dev001["reviewers"] and dev003 in dev002["reviewers"]
    assert dev182["reviewers"] == [FALLBACK]
    files = {r["key"]: campaign_dir / (r["file"] + ".csv") for r in doc["reviewers"]}
    repo_sheet, fallback_sheet = files[dev003], files[FALLBACK]
    kept = fill(repo_sheet, {dev001["id"], dev002["id"]}) + fill(fallback_sheet, {dev182["id"]})
    assert len(kept) > 10

    before = explicit(sim)
    plan_run, plan_log = review(sim, ansible_run, report_dir, access_review_decisions=[str(repo_sheet), str(fallback_sheet)])
    assert writes(plan_log) == []
    decided = fact(plan_run, "access_review_decisions_result")
    plan = json.loads(Path(decided["plan"]["json"]).read_text(encoding="utf-8"))["accessops_plan"]
    assert plan["role"] == "access_review"
    got = sorted((i["kind"], i["action"], i["subject"]["display"], i["before"]) for i in plan["items"])
    assert got == [
        ("project_permission", "revoke", "dev182@acme.example", "read"),
        ("repository_permission", "revoke", "dev001@acme.example", "write"),
        ("repository_permission", "revoke", "dev002@acme.example", "read"),
    ]
    assert decided["stale"] == [] and decided["summary"]["planned"] == 3
    assert explicit(sim) == before

    apply_run, apply_log = review(
        sim, ansible_run, report_dir, access_review_decisions_mode="apply", accessops_plan=plan,
        accessops_approved_by="Alice Admin (ticket IT-42)",
    )  # fmt: skip
    assert sorted(writes(apply_log)) == sorted(item_write(i) for i in plan["items"])
    after = explicit(sim)
    removed = {k: v for k, v in before.items() if k not in after}
    assert removed == {
        ("repository", "infra-core", dev001["account_id"]): "write",
        ("repository", "infra-core", dev002["account_id"]): "read",
        ("project", "WEB", dev182["account_id"]): "read",
    }
    assert {k: v for k, v in before.items() if k in after} == after

    pack = report_dir / ("evidence-" + plan["id"])
    listed = [line.split("  ", 1)[1] for line in (pack / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()]
    assert {name.split("/")[0] for name in listed} == {"review", "decisions", "plan", "apply"}
    assert "review/campaign.json" in listed and "decisions/decisions.json" in listed
    assert any(name.startswith("apply/access_review-apply-") for name in listed)
    check = subprocess.run(
        ["sha256sum", "--strict", "-c", "MANIFEST.sha256"], cwd=pack, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    # a changed file no longer verifies
    (pack / "decisions" / "decisions.json").write_text("{}\n", encoding="utf-8")
    check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=pack, capture_output=True, text=True, check=False)
    assert check.returncode != 0 and "decisions/decisions.json: FAILED" in check.stdout
