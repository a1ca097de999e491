# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the runbook role tests share: credentials given as environment variables only (as AWX injects them), which
requests of the simulator's log are reads, and the play recap."""

from __future__ import annotations

import re
from collections import Counter

from atlsim import demo

# The Admin API's searches and the workspaces listing are POSTs that only read.
_ADMIN_READS = ("/search", "/workspaces")


def environment(sim, scim=True, admin=True):
    """The modules' environment variables for the demo seed's admin credentials (no variable of the caller)."""
    env = {"BITBUCKET_API_URL": sim.api_url, "BITBUCKET_USERNAME": demo.ADMIN[0], "BITBUCKET_API_TOKEN": demo.ADMIN[1]}
    if admin:
        env.update(ATLASSIAN_ADMIN_URL=sim.url, ATLASSIAN_ORG_ID=demo.ORG_ID, ATLASSIAN_ADMIN_API_KEY=demo.ADMIN_API_KEY)
    if scim:
        env.update(
            ATLASSIAN_SCIM_URL=sim.scim_url,
            ATLASSIAN_SCIM_DIRECTORY_ID=demo.SCIM_DIRECTORY,
            ATLASSIAN_SCIM_TOKEN=demo.SCIM_API_KEY,
        )
    return env


def is_read(entry):
    """GET / HEAD, and the Admin API's POST searches (users/search, groups/search, the workspaces listing)."""
    return entry["method"] in ("GET", "HEAD") or (
        entry["method"] == "POST" and entry["path"].startswith("/admin/") and entry["path"].endswith(_ADMIN_READS)
    )


def writes(log):
    """``(method, path)`` of the requests of a log that can change something."""
    return [(e["method"], e["path"]) for e in log if not is_read(e)]


def recap_changed(run):
    """``changed=`` of the play recap."""
    found = re.search(r"localhost\s*:\s*ok=\d+\s+changed=(\d+)", run.stdout)
    assert found, run.stdout[-2000:]
    return int(found.group(1))


def report_calls(role, label, log):
    """Print the API calls of a run (pytest -s shows them: the figures of the closing notes)."""
    counts = Counter(e["method"] for e in log)
    print("API calls, %s %s: %d (%s)" % (role, label, len(log), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))


def item_write(item):
    """The (method, path) an item is applied with (the documented endpoints)."""
    target, subject = item["target"], item["subject"]
    if item["kind"] in ("repository_permission", "project_permission"):
        base = (
            "/2.0/repositories/%s/%s" % (target["workspace"], target["repository"])
            if item["kind"] == "repository_permission"
            else "/2.0/workspaces/%s/projects/%s" % (target["workspace"], target["project"])
        )
        who = "users/" + subject["account_id"] if subject["type"] == "user" else "groups/" + subject["slug"]
        return ("DELETE" if item["after"] is None else "PUT", "%s/permissions-config/%s" % (base, who))
    if item["kind"] == "group_membership":
        path = "/admin/v2/orgs/%s/directories/%s/groups/%s/memberships" % (
            target["org"],
            demo.ADMIN_DIRECTORY_ID,
            target["group_id"],
        )
        return ("POST", path) if item["after"] else ("DELETE", path + "/" + subject["account_id"])
    if item["kind"] == "api_token":
        return ("DELETE", "/users/%s/manage/api-tokens/%s" % (target["account_id"], subject["id"]))
    raise AssertionError("no write mapping for %r in this test" % (item["kind"],))
