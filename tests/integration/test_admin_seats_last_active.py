# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_group_info's seats of a Bitbucket workspace and atlassian_user_info's last-active dates (from the search,
and with include_last_active the per-user read), with real ansible-playbook runs against the simulator (demo seed: acme
has spare seats; dev005 dormant on Bitbucket)."""

from __future__ import annotations

from datetime import datetime, UTC

from admin_task_helpers import admin, ok
from atlsim import demo
from bitbucket_helpers import account_id, run_tasks, workspace
from role_helpers import writes


def _acme(sim):
    return "ari:cloud:bitbucket::workspace/" + workspace(sim).uuid.strip("{}")


def test_group_info_gives_the_seats_of_the_workspace_and_a_full_one(sim, ansible_run, tmp_path):
    org = sim.state.admin.orgs[demo.ORG_ID]
    used = len(org.users_with_access(_acme(sim)))
    result, logs = run_tasks(sim, ansible_run, tmp_path, [admin("seats", "atlassian_group_info", workspace="acme")])
    found = ok(result, "seats", changed=False)
    assert found["seats"] == {"capacity": 300, "usage": used, "available": 300 - used}
    assert 0 < used < 300 and writes(logs["seats"]) == []
    sim.set_capacity("acme", "full")
    result, _logs = run_tasks(
        sim, ansible_run, tmp_path, [admin("full", "atlassian_group_info", workspace="acme", include_role_assignments=False)]
    )
    assert ok(result, "full")["seats"] == {"capacity": used, "usage": used, "available": 0}


def test_user_info_last_active_per_product(sim, ansible_run, tmp_path):
    emails = ["dev001@acme.example", "dev005@acme.example"]
    result, logs = run_tasks(
        sim,
        ansible_run,
        tmp_path,
        [
            admin("plain", "atlassian_user_info", emails=emails, include_role_assignments=False),
            admin("dates", "atlassian_user_info", emails=emails, include_role_assignments=False, include_last_active=True),
        ],
    )
    plain, dates = ok(result, "plain", False), ok(result, "dates", False)
    # the search alone gives the dates of the products each user has access to (lastActiveTimestamp): one request
    searched = {u["email"]: u for u in plain["users"]}
    assert plain["api_calls"] == {"total": 1, "POST": 1} and [e["method"] for e in logs["plain"]] == ["POST"]
    assert all("last_active_dates" not in u for u in plain["users"])
    users = {u["email"]: u for u in dates["users"]}
    for email in emails:
        seeded = sim.state.activity.last_active[account_id(sim, email)]
        expected = {k: v.strftime("%Y-%m-%d") for k, v in seeded.items()}
        assert searched[email]["last_active"] == expected  # every seeded product is one the user has access to
        assert {p["product"]: p["last_active"] for p in searched[email]["product_access"]} == expected
        assert users[email]["last_active"] == expected
        assert sorted(i["key"] for i in users[email]["last_active_dates"]) == sorted(seeded)
    today = datetime.fromtimestamp(sim.app.clock(), UTC).date()
    dormant = (today - datetime.strptime(users["dev005@acme.example"]["last_active"]["bitbucket"], "%Y-%m-%d").date()).days
    recent = (today - datetime.strptime(users["dev001@acme.example"]["last_active"]["bitbucket"], "%Y-%m-%d").date()).days
    assert dormant > 90 and recent < 90
    bitbucket = [p for p in users["dev005@acme.example"]["product_access"] if p["product"] == "bitbucket"]
    assert [p["last_active"] for p in bitbucket] == [users["dev005@acme.example"]["last_active"]["bitbucket"]]
    # one search, then one last-active read a user (two products or fewer: one page each)
    paths = [e["path"] for e in logs["dates"]]
    assert sorted(paths[1:]) == sorted(
        "/admin/v1/orgs/%s/directory/users/%s/last-active-dates" % (demo.ORG_ID, account_id(sim, e)) for e in emails
    )
    assert dates["api_calls"] == {"total": 3, "POST": 1, "GET": 2}
