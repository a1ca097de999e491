# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plain data of the workspace_access filter tests: today's access, the people, the declared file of it, and
the helpers that run the filters and check their items against the plan engine."""

import json
from datetime import datetime, timezone
from pathlib import Path

import jsonschema

from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_declared import workspace_access_declared
from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_plan import workspace_access_plan
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.apply import calls_for
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import check_plan, item_key, new_plan

ORG = "0475f711-2971-5a21-a71a-659f380ffd26"
JANE, BOB, CAROL, BOT, OWN, DAVE, ERIN = (
    "557058:jane",
    "557058:bob",
    "557058:carol",
    "557058:bot",
    "557058:own",
    "557058:dave",
    "557058:erin",
)
TODAY = "2026-12-05"
PLANS_SCHEMA = json.loads((Path(__file__).resolve().parents[4] / "docs" / "plans.schema.json").read_text(encoding="utf-8"))


def user(account_id, name, permission):
    return {"account_id": account_id, "display_name": name, "nickname": name.split()[0].lower(), "permission": permission}


ACTUAL = {
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
            "users": [user(JANE, "Jane Doe", "read"), user(CAROL, "Carol", "write"), user(BOT, "CI Bot", "write")],
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
        {"key": "WEB", "name": "Web", "users": [], "groups": []},
    ],
    "groups": [
        {
            "id": "g1",
            "name": "bitbucket-users-acme",
            "members": [
                {"account_id": JANE, "email": "Jane@Acme.example", "display_name": "Jane Doe"},
                {"account_id": BOB, "email": "bob@acme.example", "display_name": "Bob Builder"},
            ],
        },
        {"id": "g2", "name": "Site Admins", "members": [{"account_id": BOB, "email": "bob@acme.example", "display_name": "Bob"}]},
        {"id": "g3", "name": "empty", "members": []},
    ],
}


def person(account_id, email, name, bot=False, owner=False):
    return {"account_id": account_id, "email": email, "display_name": name, "bot": bot, "owner": owner}


# ERIN is in no people entry: only today's grant names her (an account id the file may use all the same)
PEOPLE = [
    person(JANE, "jane@acme.example", "Jane Doe"),
    person(BOB, "bob@acme.example", "Bob Builder"),
    person(CAROL, None, "Carol"),
    person(BOT, "ci-bot@acme.example", "CI Bot", bot=True),
    person(OWN, "owner@acme.example", "Owner", owner=True),
    person(DAVE, "dave@acme.example", "Dave"),
]

# The declared file that is exactly ACTUAL (lines numbered: the errors and reasons name them).
BASE = """\
workspace: acme
defaults: {exclusive: false}
exempt: [ci-bot@acme.example]
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
      ci-bot@acme.example: write
projects:
  INFRA:
    users: {bob@acme.example: admin}
    groups: {developers: create-repo}
groups:
  bitbucket-users-acme:
    members: [jane@acme.example, bob@acme.example]
  Site Admins:
    members: [bob@acme.example]
  empty: {members: []}
"""


def edit(text, *changes):
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def run(text=BASE, actual=None, people=None, caller=BOB, org=ORG, today=TODAY, **kwargs):
    declared = workspace_access_declared(text)
    actual = ACTUAL if actual is None else actual
    people = PEOPLE if people is None else people
    return workspace_access_plan(declared, actual, people, caller=caller, org=org, today=today, **kwargs)


def short(items):
    """(action, target name, subject id, before, after) of each item."""
    found = []
    for item in items:
        target, subject = item["target"], item["subject"]
        where = target.get("repository") or target.get("project") or target.get("group_name")
        found.append((item["action"], where, subject.get("account_id") or subject.get("slug"), item["before"], item["after"]))
    return found


def check_items(result, caller=BOB):
    """The items are plan items: their keys, module calls, a plan made of them that check_plan accepts."""
    items = result["items"]
    assert all(item["key"] == item_key(item) for item in items)
    calls_for(items)
    now = datetime(2026, 12, 5, 13, 40, tzinfo=timezone.utc)  # noqa: UP017
    summary = {"items": len(items), "by_action": result["summary"]["by_action"], "refused": result["refused"]}
    plan = new_plan(
        role="workspace_access",
        workspace="acme",
        inputs={"file": "workspace_access_file"},
        items=items,
        created_by={"bitbucket": caller, "admin": ORG},
        now=now,
        max_age_hours=24,
        summary=summary,
    )
    jsonschema.validate(plan, PLANS_SCHEMA, cls=jsonschema.Draft202012Validator)
    refusals = check_plan(
        plan, role="workspace_access", workspace="acme", identities={"bitbucket": caller, "admin": ORG}, now=now, max_age_hours=24
    )
    assert refusals == []
