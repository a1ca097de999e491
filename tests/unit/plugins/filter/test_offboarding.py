# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding role's filters: the self-lockout guard, the removals of a (failed) removal task, the Markdown
report and summary lines (unknown never rendered as none, no Python reprs) and unique report names."""

from __future__ import annotations

import datetime
import re

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_guard import offboarding_guard
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_removed import offboarding_removed
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_render import offboarding_render
from ansible_collections.accessops.atlassian.plugins.filter.offboarding_report_name import offboarding_report_name

CALLER = {"account_id": "557058:admin", "display_name": "Adam Admin"}


def person(account_id, role="member"):
    return {"input": account_id, "account_id": account_id, "before": {"in_workspace": True, "workspace_permission": role}}


def member(account_id, role):
    return {"account_id": account_id, "workspace_permission": role}


EVERYONE = [member("557058:owner", "owner"), member("557058:admin", "collaborator"), member("557058:dev", "member")]
ADMINS = ["557058:owner", "557058:admin"]


def test_the_guard_refuses_the_caller_and_the_owner_unless_allowed():
    kwargs = {"caller": CALLER, "people": EVERYONE, "workspace_admins": ADMINS, "workspace": "acme"}
    reason = offboarding_guard(person("557058:admin", "collaborator"), **kwargs)
    assert reason.startswith("refused: this is the account of the Bitbucket credentials") and "allow_self" in reason
    assert "owner of workspace acme" in offboarding_guard(person("557058:owner", "owner"), **kwargs)
    assert offboarding_guard(person("557058:dev"), **kwargs) == ""
    assert offboarding_guard(person("557058:admin", "collaborator"), caller="557058:admin", people=[]) != ""  # id only
    # allowed: the caller goes when the owner stays
    allowed = {**kwargs, "people": EVERYONE[1:], "allow_self": True}
    assert offboarding_guard(person("557058:admin", "collaborator"), **allowed) == ""


def test_the_last_admins_are_refused_even_with_the_override():
    kwargs = {"caller": CALLER, "people": EVERYONE, "workspace_admins": ADMINS, "allow_self": True, "workspace": "acme"}
    for account_id, role in (("557058:owner", "owner"), ("557058:admin", "collaborator")):
        reason = offboarding_guard(person(account_id, role), **kwargs)
        assert "last workspace admins of workspace acme (2" in reason and "no override" in reason
    # another admin stays: allowed
    assert offboarding_guard(person("557058:admin", "collaborator"), **{**kwargs, "workspace_admins": ADMINS + ["x"]}) == ""
    # the admins could not be read: an admin may be the last one
    assert "could not be read" in offboarding_guard(person("557058:other", "collaborator"), caller=CALLER, people=[])
    assert offboarding_guard(None) == "" and offboarding_guard(person("557058:dev"), caller=None) == ""


def test_removed_reads_targets_then_results_and_a_failed_task():
    failed = {
        "failed": True,
        "msg": "1 repository failed",
        "results": [
            {"repository": "infra-core", "removed": ["a"], "failed": []},
            {"repository": "portal-core", "removed": [], "failed": [{"user": "a", "operation": "revoke", "status": 500}]},
        ],
    }
    assert offboarding_removed(failed, "a", "repository") == ["infra-core"]
    assert offboarding_removed(failed, "b", "repository") == []  # another person's result
    renamed = {"targets": [{"project": "INFRA", "removed": ["a"]}], "results": [{"project": "OLD", "removed": ["a"]}]}
    assert offboarding_removed(renamed, "a", "project") == ["INFRA"]
    assert offboarding_removed(renamed, "a") == ["INFRA"]
    assert offboarding_removed({"skipped": True}, "a") == [] and offboarding_removed(None, "a") == []
    assert offboarding_removed(failed, None) == []
    looped = {"results": [{"ansible_loop_var": "item", "removed": ["a"], "repository": "x"}]}
    assert offboarding_removed(looped, "a") == []
    group = {"user": {"account_id": "a"}, "removed": ["bitbucket-users-acme"], "groups": []}
    assert offboarding_removed(group, "a") == ["bitbucket-users-acme"] and offboarding_removed(group, "b") == []
    assert offboarding_removed({"removed": ["g"]}, "a") == ["g"] and offboarding_removed({"changed": False}, "a") == []


def entry(**overrides):
    base = {
        "input": "dev010@acme.example",
        "email": "dev010@acme.example",
        "display_name": "Dev 010",
        "account_id": "557058:dev010",
        "status": "offboarded",
        "complete": True,
        "error": None,
        "failed_step": None,
        "predicted": False,
        "before": {
            "in_workspace": True,
            "workspace_permission": "member",
            "effective": {"web-jobs": "write", "web-ui": "read"},
            "explicit_repositories": {"web-jobs": "write"},
            "explicit_projects": {},
            "organization_status": "active",
            "granting_groups": ["bitbucket-users-acme"],
        },
        "actions": {
            "repositories_removed": ["web-jobs"],
            "projects_removed": [],
            "groups_removed": ["bitbucket-users-acme"],
            "groups_kept": [],
            "account": {"action": "none", "done": False, "changed": False, "detail": "not requested"},
        },
        "after": {
            "predicted": False,
            "in_workspace": False,
            "effective": {},
            "explicit_repositories": {},
            "explicit_projects": {},
            "granting_groups": [],
            "organization_status": "active",
        },
        "residual": [],
        "notes": [],
        "api_calls": {"collect": 0, "permissions": 2, "groups": 1, "verify": 0, "account": 0, "total": 3},
    }
    base.update(overrides)
    return base


def result(*entries, **overrides):
    entries = list(entries)
    base = {
        "workspace": "acme",
        "check_mode": False,
        "started": "2026-01-01T12:00:00Z",
        "finished": "2026-01-01T12:00:09Z",
        "account_action": "none",
        "remove_groups": True,
        "allowed_groups": [],
        "admin_api": True,
        "workspace_groups": ["bitbucket-users-acme"],
        "people": entries,
        "offboarded": [e["input"] for e in entries if e["status"] == "offboarded"],
        "residual_access": [e["input"] for e in entries if e["status"] == "residual_access"],
        "not_verified": [e["input"] for e in entries if e["status"] == "not_verified"],
        "incomplete": [e["input"] for e in entries if not e["complete"]],
        "api_calls": {"collect": 5, "permissions": 2, "groups": 1, "verify": 2, "account": 0, "total": 10},
        "reports": {"json": "/r/x.json", "markdown": "/r/x.md"},
    }
    base.update(overrides)
    return base


def no_reprs(text):
    assert not re.search(r"\b(True|False)\b", text) and "{'" not in text and "['" not in text, text


def test_one_line_per_person_like_onboarding():
    assert offboarding_render(result(entry()), "lines") == [
        "dev010@acme.example | offboarded | removed write on web-jobs; left bitbucket-users-acme; residual: none"
    ]
    predicted = entry(predicted=True, actions=dict(entry()["actions"], projects_removed=["WEB"]))
    predicted["before"]["explicit_projects"] = {"WEB": "admin"}
    line = offboarding_render(result(predicted), "lines")[0]
    assert "would remove write on web-jobs; would remove admin on project WEB; would leave bitbucket-users-acme" in line
    failed = entry(
        status="failed",
        complete=False,
        error="GET .../permissions failed with HTTP 429\n(rate limited)",
        after={},
        actions=dict(entry()["actions"], repositories_removed=[], groups_removed=[]),
        failed_step="Step 1",
    )
    line = offboarding_render(result(failed), "lines")[0]
    assert line == (
        "dev010@acme.example | failed | nothing recorded before the failure; residual: unknown (failed in step "
        '"Step 1") | error: GET .../permissions failed with HTTP 429 (rate limited)'
    )
    residual = entry(
        status="residual_access",
        residual=[
            {"kind": "group", "name": "okta-bitbucket-acme", "reason": "read-only"},
            {"kind": "effective_permissions", "target": "acme", "repositories": {"a": "read", "b": "write"}, "reason": "x"},
            {"kind": "explicit_permissions", "target": "acme", "repositories": {"r": "read"}, "projects": {"P": "read"}},
            {"kind": "other_products", "name": "okta-wiki", "reason": "other"},
        ],
    )
    line = offboarding_render(result(residual), "lines")[0]
    assert line.endswith(
        "residual: group okta-bitbucket-acme, effective permissions on 2 repositories, explicit permissions on P, r"
    )
    no_reprs(line)


def test_markdown_never_renders_unknown_as_none_nor_python_values():
    ok = offboarding_render(result(entry()), "markdown")
    assert "None: no explicit permission" in ok and "| Workspace member | yes (member) | no |" in ok
    assert "| Remove granting groups | yes |" in ok and "| Repositories reachable (effective) | 2 | 0 |" in ok
    no_reprs(ok)
    failed = entry(
        status="failed",
        complete=False,
        error="HTTP 429",
        failed_step="Step 1",
        before={},
        after={},
        residual=[],
        actions=dict(entry()["actions"], repositories_removed=[], groups_removed=[]),
    )
    text = offboarding_render(result(failed), "markdown")
    assert "None: no explicit permission" not in text and "**Unknown** (failed in step" in text
    assert "| Workspace member | unknown (not read) | unknown (not verified) |" in text
    assert "Groups left: none recorded before the failure" in text
    assert "| Repositories reachable (effective) | unknown (not read) |" in text
    no_reprs(text)
    partial = entry(status="failed", complete=False, error="HTTP 500", failed_step="Remove", after={})
    text = offboarding_render(result(partial), "markdown")
    assert "Explicit repository permissions removed: web-jobs" in text and "**Unknown**" in text
    not_verified = offboarding_render(result(entry(status="not_verified", after={})), "markdown")
    assert "**Unknown** (step 4 (verify) did not run)" in not_verified


def test_markdown_admins_reach_every_repository_and_names_are_escaped():
    admin = entry(
        display_name="A|dmin *x*", residual=[{"kind": "group", "name": "g|1", "reason": "kept"}], status="residual_access"
    )
    admin["before"] = dict(admin["before"], workspace_permission="owner", effective={})
    admin["after"] = dict(admin["after"], in_workspace=True, effective={})
    text = offboarding_render(result(admin, remove_groups=False, admin_api=False), "markdown")
    assert "| Repositories reachable (effective) | all (workspace admin: owner) | all (workspace admin: owner) |" in text
    assert "A\\|dmin \\*x\\*" in text and "g\\|1" in text and "| Remove granting groups | no |" in text
    assert "not read (Admin API not configured)" in text
    no_reprs(text)


def test_outcome_says_what_happened_and_fails_on_residual_when_asked():
    out = offboarding_render(result(entry()), "outcome")
    assert out == {
        "ok": True,
        "msg": "Every person was offboarded (1 of 1 offboarded, 0 with residual access, 0 not verified, 0 incomplete).",
    }
    residual = entry(input="dev011", status="residual_access")
    out = offboarding_render(result(entry(), residual), "outcome")
    assert out["ok"] and "Every person" not in out["msg"] and "residual access of dev011" in out["msg"]
    out = offboarding_render(result(entry(), residual), "outcome", fail_on_residual=True)
    assert not out["ok"] and out["msg"].startswith("Residual access remains for dev011")
    failed = entry(input="dev012", status="failed", complete=False)
    out = offboarding_render(result(failed, check_mode=True), "outcome")
    assert not out["ok"] and out["msg"].startswith("Check mode (predicted): Offboarding incomplete for dev012 (")
    with pytest.raises(AnsibleFilterError):
        offboarding_render({}, "markdown")
    with pytest.raises(AnsibleFilterError):
        offboarding_render(result(), "html")


def test_report_names_are_unique_within_one_second():
    moment = datetime.datetime(2026, 1, 1, 12, 0, 0)
    names = {offboarding_report_name("acme", False, now=moment) for attempt in range(50)}
    assert len(names) == 50
    for name in names:
        assert re.fullmatch(r"offboarding-acme-20260101T120000Z-[0-9a-f]{8}", name), name
    assert offboarding_report_name("acme", True).endswith("-check")
