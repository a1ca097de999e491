# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two rulebooks of extensions/eda/rulebooks run by the real ansible-rulebook (``accessops.atlassian.<name>``,
found through ansible-galaxy in the collections path) against the simulator's audit log and a fake controller.

One scenario, both rulebooks running side by side (``accessops_poll_delay`` 1 s; the Admin API key in the
environment, the organization and URL in the variables of one and in the environment of the other):
1. the automation writes through the collection's permission modules (ansible-playbook, the demo-admin credential
   whose API token id is in ``accessops_automation_token_ids``, found with atlassian_api_token_info by its label):
   no drift launch once the drift rulebook has seen those events;
2. a manual grant by another credential (dev179's API token, a PUT on a PLAT project permission): one launch of
   "Workspace access (plan)" with the workspace, in plan mode;
3. the identity provider deactivates dev001 (SCIM PATCH active=false), then the Admin API suspends the same account
   within the throttle window, then the identity provider deactivates dev002: two launches of "Offboarding (approved)",
   dev001's then dev002's (the suspension of dev001 launched nothing).
"""

from __future__ import annotations

import time

from atlsim import demo
from conftest import DRIFT_JOB_TEMPLATE, OFFBOARDING_WORKFLOW
from eda_helpers import (
    AUTOMATION_TOKEN_LABEL,
    account_id,
    admin_suspend,
    events,
    grant_project,
    requests_per_minute,
    scim_deactivate,
    stream_requests,
    wait_for,
)

BITBUCKET = {"api_url": "{{ sim_api_url }}", "username": demo.ADMIN[0], "api_token": demo.ADMIN[1]}
ADMIN_API = {"admin_url": "{{ sim_url }}", "org_id": demo.ORG_ID, "admin_api_key": demo.ADMIN_API_KEY}


def automation_token_ids(sim, playbook) -> list[str]:
    """The documented way: atlassian_api_token_info on the automation's account, its token by label."""
    output = playbook(
        [
            {
                "name": "tokens",
                "accessops.atlassian.atlassian_api_token_info": dict(ADMIN_API, account_ids=[account_id(sim, demo.ADMIN[0])]),
            }
        ]
    )
    tokens = output["tokens"]["tokens"]
    return [token["id"] for token in tokens if token["label"] == AUTOMATION_TOKEN_LABEL]


def automation_writes(playbook):
    """The automation's own changes, through the collection's permission modules with its credential."""
    playbook(
        [
            {
                "name": "repository",
                "accessops.atlassian.bitbucket_repo_permission": dict(
                    BITBUCKET, workspace="acme", repository="infra-core", user="dev010@acme.example", permission="write"
                ),
            },
            {
                "name": "project",
                "accessops.atlassian.bitbucket_project_permission": dict(
                    BITBUCKET, workspace="acme", project="INFRA", user="dev011@acme.example", permission="read"
                ),
            },
        ]
    )


def new_events(sim, before):
    return events(sim)[before:]


def test_offboarding_and_drift_rulebooks(sim, tmp_path, playbook, rulebook, fake_controller, request):
    token_ids = automation_token_ids(sim, playbook)
    assert len(token_ids) == 1, token_ids
    variables = {
        "accessops_org_id": demo.ORG_ID,
        "accessops_workspace": "acme",
        "accessops_cursor_dir": str(tmp_path / "cursors"),
        "accessops_admin_url": sim.url,
        "accessops_poll_delay": 1,
        "accessops_automation_token_ids": token_ids,
    }
    # the organization and the URL from the environment (as the Admin API key credential injects them) for one,
    # from the variables for the other
    env_settings = {"ATLASSIAN_ORG_ID": demo.ORG_ID, "ATLASSIAN_ADMIN_URL": sim.url}
    offboard_vars = {k: v for k, v in variables.items() if k not in ("accessops_org_id", "accessops_admin_url")}
    offboard = rulebook("offboard_on_deactivation", offboard_vars, env_extra=env_settings)
    drift = rulebook("drift_guard", variables)
    processes = (offboard, drift)

    def detail():
        return "\n".join(p.tail() for p in processes) + "\nlaunches: %r" % fake_controller.launched()

    # both sources have read the stream once (each writes its cursor file after a page): later events are theirs
    cursor_files = [tmp_path / "cursors" / name for name in ("offboard_on_deactivation.cursor.json", "drift_guard.cursor.json")]
    wait_for(
        lambda: all(f.exists() for f in cursor_files) or not all(p.running() for p in processes), "the first polls", detail=detail
    )
    assert all(p.running() for p in processes), detail()

    # 1. the automation's own writes: events whose actor token is the automation's, and no launch
    first = len(events(sim))
    automation_writes(playbook)
    own = new_events(sim, first)
    assert own and all(e["attributes"]["actor"]["auth"]["tokenId"] == token_ids[0] for e in own), own
    wait_for(
        lambda: all(drift.printed(e["id"]) for e in own), "the drift rulebook to receive the automation's events", detail=detail
    )
    polls = len(stream_requests(sim))
    wait_for(lambda: len(stream_requests(sim)) >= polls + 4, "two more polls of each source", detail=detail)
    assert fake_controller.launched() == [], detail()

    # 2. a manual grant by another credential (dev179, admin of project PLAT): one drift plan
    before_grant = len(events(sim))
    granted_at = time.monotonic()
    grant_project(sim, demo.PROJECT_ADMIN, "PLAT", "dev012@acme.example", "write")
    grant = new_events(sim, before_grant)
    assert len(grant) == 1 and grant[0]["attributes"]["actor"]["auth"]["tokenId"] not in token_ids, grant
    wait_for(lambda: fake_controller.launched(DRIFT_JOB_TEMPLATE), "the drift launch", detail=detail)

    # 3. deactivation and suspension of dev001 (one offboarding), then deactivation of dev002 (the second one)
    dev001, dev002 = account_id(sim, "dev001@acme.example"), account_id(sim, "dev002@acme.example")
    before_dev001 = len(events(sim))
    scim_deactivate(sim, "dev001@acme.example")
    admin_suspend(sim, "dev001@acme.example")
    dev001_events = new_events(sim, before_dev001)
    assert [e["attributes"]["action"] for e in dev001_events] == ["user_deactivated", "user_access_suspended"], dev001_events
    wait_for(
        lambda: all(offboard.printed(e["id"]) for e in dev001_events),
        "the offboarding rulebook to receive dev001's events",
        detail=detail,
    )
    scim_deactivate(sim, "dev002@acme.example")
    wait_for(lambda: len(fake_controller.launched(OFFBOARDING_WORKFLOW)) >= 2, "the second offboarding launch", detail=detail)

    offboardings = fake_controller.launched(OFFBOARDING_WORKFLOW)
    assert [launch["kind"] for launch in offboardings] == ["workflow_job_template"] * 2
    assert [launch["extra_vars"] for launch in offboardings] == [
        {"offboarding_workspace": "acme", "offboarding_people": [account], "offboarding_survey_people": account}
        for account in (dev001, dev002)
    ], detail()
    drifts = fake_controller.launched(DRIFT_JOB_TEMPLATE)
    assert len(drifts) == 1, detail()
    assert drifts[0]["kind"] == "job_template" and drifts[0]["at"] > granted_at
    assert drifts[0]["extra_vars"] == {"workspace_access_workspace": "acme", "workspace_access_mode": "plan"}
    assert drift.printed(grant[0]["id"])
    assert len(fake_controller.launched()) == 3 and fake_controller.unexpected == [], detail()
    assert all(p.running() for p in processes), detail()
    made = stream_requests(sim)
    count, seconds, most = requests_per_minute(made)
    request.config.eda_figures.append(
        "rulebook test: the two sources (delay 1 s, each paced at 20 requests a minute by default) made %d requests "
        "in %.1f s; requests per minute (most in any 60 s window): %d, under the limit of 50; launches: %d "
        "offboarding, %d drift" % (count, seconds, most, len(offboardings), len(drifts))
    )
    # the key reached the sources from the environment only: never in their output
    for process in processes:
        process.stop()
        assert demo.ADMIN_API_KEY not in process.output()
        assert "Traceback" not in process.output(), process.tail(200)
