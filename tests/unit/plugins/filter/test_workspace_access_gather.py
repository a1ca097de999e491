# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""workspace_access_gather with plain data: the file of today's access, commented, quoted where YAML would
misread it, that plans to nothing."""

from __future__ import annotations

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_declared import workspace_access_declared
from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_gather import workspace_access_gather
from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_plan import workspace_access_plan
from workspace_access_data import (
    ORG,
    BOB,
    TODAY,
    user,
    ACTUAL,
    PEOPLE,
)

# --- gather -------------------------------------------------------------------------------------------------------


def gathered(actual=None, people=None, **kwargs):
    return workspace_access_gather(ACTUAL if actual is None else actual, PEOPLE if people is None else people, "acme", **kwargs)


def test_gather_writes_the_file_of_todays_access():
    text = gathered(gathered_at="2026-12-05T13:40:00Z", caller=BOB)
    assert text.startswith("# Workspace access of acme (accessops.atlassian.workspace_access), gathered 2026-12-05T13:40:00Z.\n")
    assert "# Applied as is, this file changes nothing" in text
    assert "defaults.exclusive: false" in text
    body = text[text.index("workspace: acme") :]
    assert body == (
        "workspace: acme\n"
        "defaults:\n"
        "  exclusive: false\n"
        "exempt:  # accounts never revoked nor removed (bots, break-glass)\n"
        "  - ci-bot@acme.example  # CI Bot (bot)\n"
        "guardrails:\n"
        "  min_admins: 1\n"
        "  require_caller_admin: true\n"
        "  # max_removals: 10%  (a number, or a percentage of today's grants and memberships; no limit when absent)\n"
        "repositories:\n"
        "  infra-core:  # Infra Core\n"
        "    users:\n"
        '      "557058:erin": read  # Erin\n'
        "      bob@acme.example: admin  # Bob Builder (caller)\n"
        "      jane@acme.example: write  # Jane Doe\n"
        "    groups:\n"
        "      developers: write  # Developers\n"
        "  web:\n"
        "    users:\n"
        '      "557058:carol": write  # Carol\n'
        "      ci-bot@acme.example: write  # CI Bot (bot)\n"
        "      jane@acme.example: read  # Jane Doe\n"
        "projects:\n"
        "  INFRA:  # Infra\n"
        "    users:\n"
        "      bob@acme.example: admin  # Bob Builder (caller)\n"
        "    groups:\n"
        "      developers: create-repo  # Developers\n"
        "groups:\n"
        "  bitbucket-users-acme:\n"
        "    members:\n"
        "      - bob@acme.example  # Bob Builder (caller)\n"
        "      - jane@acme.example  # Jane Doe\n"
        "  empty:\n"
        "    members: []\n"
        '  "Site Admins":\n'
        "    members:\n"
        "      - bob@acme.example  # Bob Builder (caller)\n"
    )


def test_gather_then_declared_then_plan_gives_no_item():
    text = gathered(gathered_at="2026-12-05T13:40:00Z", caller=BOB)
    declared = workspace_access_declared(text)
    result = workspace_access_plan(declared, ACTUAL, PEOPLE, caller=BOB, org=ORG, today=TODAY)
    assert (result["items"], result["not_made"], result["errors"], result["refused"]) == ([], [], [], [])
    assert declared["emails"] == ["bob@acme.example", "ci-bot@acme.example", "jane@acme.example"]


def test_gather_without_the_admin_api_leaves_groups_out_and_still_round_trips():
    actual = dict(ACTUAL, groups=None)
    text = gathered(actual)
    assert "\ngroups:" not in text and "group memberships" not in text
    result = workspace_access_plan(workspace_access_declared(text), actual, PEOPLE, today=TODAY)
    assert (result["items"], result["errors"]) == ([], [])


TRICKY = [
    "yes",
    "null",
    "1.5",
    "2027-03-31",
    "a: b",
    "#x",
    "-",
    "x #y",
    "on",
    "0x1F",
    "~",
    "'quoted'",
    'dq"',
    "Ünïcode grp",
    "  pad",
]


def test_gather_quotes_what_yaml_would_misread_and_round_trips_odd_names():
    actual = {
        "workspace": "acme",
        "repositories": [
            {
                "slug": "2027",
                "name": "numbers # and hash",
                "users": [user("712020:123", "Line\nBreak", "read"), user("abc", "Plain", "write")],
                "groups": [{"slug": "true", "name": "True", "permission": "admin"}],
            }
        ],
        "projects": [{"key": "NULL", "name": "n", "users": [], "groups": [{"slug": "no", "name": "No", "permission": "read"}]}],
        "groups": [{"id": "g%d" % i, "name": name, "members": [{"account_id": "712020:123"}]} for i, name in enumerate(TRICKY)],
    }
    text = gathered(actual, [])
    loaded = yaml.safe_load(text)
    assert list(loaded["repositories"]) == ["2027"]
    assert loaded["repositories"]["2027"]["users"] == {"712020:123": "read", "abc": "write"}
    assert loaded["repositories"]["2027"]["groups"] == {"true": "admin"}
    assert sorted(loaded["groups"]) == sorted(TRICKY)
    assert "# Line Break" in text
    result = workspace_access_plan(workspace_access_declared(text), actual, [], today=TODAY)
    assert (result["items"], result["errors"]) == ([], [])


def test_gather_of_an_empty_workspace():
    actual = {"workspace": "acme", "repositories": [], "projects": [], "groups": []}
    text = gathered(actual, [])
    assert "repositories: {}\nprojects: {}\ngroups: {}\n" in text
    assert "exempt: []" in text
    declared = workspace_access_declared(text)
    assert workspace_access_plan(declared, actual, [], today=TODAY)["items"] == []
    with pytest.raises(AnsibleFilterError, match="needs the workspace"):
        workspace_access_gather({}, [])
