# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""workspace_access_plan with plain data: the drift of a declared file as plan items (grants, changes, revokes,
memberships; additive by default, exclusive sections, expiry, exempt accounts), the errors naming the file's lines
and the guardrails."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_declared import workspace_access_declared
from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_plan import workspace_access_plan
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.apply import calls_for
from workspace_access_data import (
    ORG,
    JANE,
    BOB,
    CAROL,
    BOT,
    DAVE,
    ERIN,
    TODAY,
    ACTUAL,
    PEOPLE,
    BASE,
    edit,
    run,
    short,
    check_items,
)

# --- the file that is today's access ------------------------------------------------------------------------------


def test_the_file_of_todays_access_plans_nothing():
    result = run()
    assert result == {
        "items": [],
        "not_made": [],
        "expiring": [],
        "errors": [],
        "refused": [],
        "summary": {
            "items": 0,
            "by_action": {},
            "not_made": 0,
            "expiring": 0,
            "errors": 0,
            "refused": 0,
            "declared": {"repositories": 2, "projects": 1, "groups": 3},
        },
    }
    check_items(result)


def test_the_five_edits_give_exactly_their_items():
    text = edit(
        BASE,
        ("      jane@acme.example: write\n", "      jane@acme.example: admin\n      dave@acme.example: read\n"),
        ('      "557058:erin": read\n', ""),
        ("  web:\n", "  web:\n    exclusive: true\n"),
        ('      "557058:carol": write\n', ""),
        ("members: [jane@acme.example, bob@acme.example]", "members: [jane@acme.example, bob@acme.example, dave@acme.example]"),
    )
    result = run(text)
    assert result["errors"] == [] and result["refused"] == []
    assert short(result["items"]) == [
        ("grant", "infra-core", DAVE, None, "read"),
        ("change", "infra-core", JANE, "write", "admin"),
        ("revoke", "web", CAROL, "write", None),
        ("add", "bitbucket-users-acme", DAVE, False, True),
    ]
    grant, change, revoke, add = result["items"]
    assert grant == {
        "key": "bitbucket:repository_permission:acme/infra-core:user:557058:dave",
        "api": "bitbucket",
        "kind": "repository_permission",
        "action": "grant",
        "target": {"workspace": "acme", "repository": "infra-core"},
        "subject": {"type": "user", "account_id": DAVE, "display": "dave@acme.example"},
        "before": None,
        "after": "read",
        "reason": "workspace_access: declared in workspace_access_file line 9",
    }
    assert change["reason"] == "workspace_access: declared in workspace_access_file line 8"
    assert revoke["subject"] == {"type": "user", "account_id": CAROL, "display": "Carol"}
    assert revoke["reason"] == "workspace_access: not declared, and repositories.web is exclusive (line 14)"
    assert add == {
        "key": "admin:group_membership:%s/g1:user:557058:dave" % ORG,
        "api": "admin",
        "kind": "group_membership",
        "action": "add",
        "target": {"org": ORG, "group_id": "g1", "group_name": "bitbucket-users-acme"},
        "subject": {"type": "user", "account_id": DAVE, "display": "dave@acme.example"},
        "before": False,
        "after": True,
        "reason": "workspace_access: declared in workspace_access_file line 24",
    }
    # erin, removed from the non-exclusive infra-core, is kept and counted
    assert result["not_made"] == [
        {
            "target": "repositories.infra-core",
            "count": 1,
            "message": "repositories.infra-core: 1 removal not made: the section is not exclusive",
            "subjects": ["Erin"],
        }
    ]
    assert result["summary"]["by_action"] == {"grant": 1, "change": 1, "revoke": 1, "add": 1}
    assert result["summary"]["not_made"] == 1
    check_items(result)
    calls = calls_for(result["items"])
    assert [c.module for c in calls] == [
        "bitbucket_repo_permission",
        "bitbucket_repo_permission",
        "bitbucket_repo_permission",
        "atlassian_group_member",
    ]
    assert calls[2].args == {
        "workspace": "acme",
        "repositories": ["web"],
        "users": [{"user": CAROL, "state": "absent", "expect": "write"}],
    }
    assert calls[3].args == {"user": DAVE, "groups": ["g1"], "state": "present"}


def test_exclusive_revokes_users_and_groups_and_the_order_is_fixed():
    text = edit(
        BASE,
        ("defaults: {exclusive: false}", "defaults: {exclusive: true}"),
        ('      "557058:erin": read\n', ""),
        ("    groups:\n      developers: write\n", ""),
        ("    groups: {developers: create-repo}\n", ""),
        ("members: [jane@acme.example, bob@acme.example]", "members: [bob@acme.example]"),
    )
    result = run(text)
    assert short(result["items"]) == [
        ("revoke", "infra-core", ERIN, "read", None),
        ("revoke", "infra-core", "developers", "write", None),
        ("revoke", "INFRA", "developers", "create-repo", None),
        ("remove", "bitbucket-users-acme", JANE, True, False),
    ]
    assert result["items"][1]["subject"] == {"type": "group", "slug": "developers", "display": "Developers"}
    reason = "workspace_access: not declared, and repositories.infra-core is exclusive (defaults.exclusive, line 2)"
    assert result["items"][0]["reason"] == reason
    assert (
        result["items"][3]["reason"]
        == "workspace_access: not declared, and groups.bitbucket-users-acme is exclusive (defaults.exclusive, line 2)"
    )
    check_items(result)


def test_additive_sections_and_targets_not_in_the_file_count_what_is_not_removed():
    text = edit(
        BASE,
        (
            '  web:\n    users:\n      jane@acme.example: read\n      "557058:carol": write\n      ci-bot@acme.example: write\n',
            "",
        ),
    )
    text = edit(text, ("members: [jane@acme.example, bob@acme.example]", "members: []"))
    result = run(text)
    assert result["items"] == []
    assert [(n["target"], n["count"], n["message"]) for n in result["not_made"]] == [
        ("repositories.web", 3, "repositories.web: 3 removals not made: the repository is not in the file"),
        ("groups.bitbucket-users-acme", 2, "groups.bitbucket-users-acme: 2 removals not made: the section is not exclusive"),
    ]
    assert result["summary"]["not_made"] == 5


def test_an_exclusive_org_group_removes_undeclared_members_but_never_an_exempt_one():
    text = edit(BASE, ("  bitbucket-users-acme:\n    members:", "  bitbucket-users-acme:\n    exclusive: true\n    members:"))
    text = edit(text, ("members: [jane@acme.example, bob@acme.example]", "members: [bob@acme.example]"))
    text = edit(text, ("exempt: [ci-bot@acme.example]", 'exempt: [ci-bot@acme.example, "557058:jane"]'))
    result = run(text)
    assert result["items"] == []
    assert result["not_made"] == [
        {
            "target": "groups.bitbucket-users-acme",
            "count": 1,
            "message": "groups.bitbucket-users-acme: 1 removal not made: jane@acme.example is exempt (exempt: 557058:jane, line 3)",
            "subjects": ["jane@acme.example"],
        }
    ]


def test_exempt_accounts_are_never_revoked_but_may_change():
    text = edit(BASE, ("  web:\n", "  web:\n    exclusive: true\n"), ("      ci-bot@acme.example: write\n", ""))
    result = run(text)
    assert result["items"] == []
    assert [n["message"] for n in result["not_made"]] == [
        "repositories.web: 1 removal not made: ci-bot@acme.example is exempt (exempt: ci-bot@acme.example, line 3)"
    ]
    # expired, still not removed
    text = edit(BASE, ("      ci-bot@acme.example: write\n", "      ci-bot@acme.example: {level: write, expires: 2026-01-01}\n"))
    assert run(text)["items"] == [] and len(run(text)["not_made"]) == 1
    # lowered: an exempt account is never removed, its level is the file's
    text = edit(BASE, ("      ci-bot@acme.example: write\n", "      ci-bot@acme.example: read\n"))
    assert short(run(text)["items"]) == [("change", "web", BOT, "write", "read")]


# --- expiry -------------------------------------------------------------------------------------------------------


def test_an_expired_grant_is_revoked_and_one_not_granted_is_left_alone():
    text = edit(
        BASE,
        (
            "      jane@acme.example: write\n",
            "      jane@acme.example: {level: write, expires: 2026-11-30, reason: on call, ticket: OPS-12}\n",
        ),
        (
            "      bob@acme.example: admin\n",
            "      bob@acme.example: admin\n      dave@acme.example: {level: read, expires: '2026-12-04'}\n",
        ),
    )
    result = run(text)
    assert short(result["items"]) == [("revoke", "infra-core", JANE, "write", None)]
    assert result["items"][0]["reason"] == "workspace_access: expired on 2026-11-30 (ticket OPS-12: on call)"
    assert result["expiring"] == []
    check_items(result)


def test_expired_reason_without_ticket_names_the_line_and_a_membership_expires_too():
    text = edit(
        BASE,
        (
            "members: [jane@acme.example, bob@acme.example]",
            "members: [{user: jane@acme.example, expires: 2026-12-01}, bob@acme.example]",
        ),
    )
    result = run(text)
    assert short(result["items"]) == [("remove", "bitbucket-users-acme", JANE, True, False)]
    assert result["items"][0]["reason"] == "workspace_access: expired on 2026-12-01 (workspace_access_file line 24)"
    check_items(result)


def test_grants_expiring_soon_are_listed_with_days_left():
    text = edit(
        BASE,
        ("      jane@acme.example: write\n", "      jane@acme.example: {level: write, expires: 2026-12-05}\n"),
        (
            "      bob@acme.example: admin\n",
            "      bob@acme.example: admin\n      dave@acme.example: {level: read, expires: 2027-01-04, ticket: OPS-9}\n",
        ),
        ("      developers: write\n", "      developers: {level: write, expires: 2027-06-01}\n"),
    )
    result = run(text)
    assert result["expiring"] == [
        {
            "target": "repositories.infra-core",
            "subject": "dave@acme.example",
            "expires": "2027-01-04",
            "days_left": 30,
            "line": 10,
            "message": "dave@acme.example on repositories.infra-core expires on 2027-01-04 (in 30 days; workspace_access_file line 10)",
        },
        {
            "target": "repositories.infra-core",
            "subject": "jane@acme.example",
            "expires": "2026-12-05",
            "days_left": 0,
            "line": 8,
            "message": "jane@acme.example on repositories.infra-core expires on 2026-12-05 (in 0 days; workspace_access_file line 8)",
        },
    ]
    assert short(result["items"]) == [("grant", "infra-core", DAVE, None, "read")]
    assert (
        result["items"][0]["reason"]
        == "workspace_access: declared in workspace_access_file line 10 (ticket OPS-9; until 2027-01-04)"
    )
    assert run(text, warn_days=10)["summary"]["expiring"] == 1
    assert short(run(text, today="2026-12-06")["items"]) == [
        ("grant", "infra-core", DAVE, None, "read"),
        ("revoke", "infra-core", JANE, "write", None),
    ]


# --- errors -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, error",
    [
        (
            ("  web:\n", "  nope:\n    users: {jane@acme.example: read}\n  web:\n"),
            "workspace_access_file:13: repositories.nope: no repository nope in the workspace acme",
        ),
        (
            ("  INFRA:\n", "  DATA:\n    users: {jane@acme.example: read}\n  INFRA:\n"),
            "workspace_access_file:19: projects.DATA: no project DATA in the workspace acme",
        ),
        (
            ("      bob@acme.example: admin\n", "      bob@acme.example: admin\n      zed@acme.example: read\n"),
            "workspace_access_file:10: repositories.infra-core: no account found for zed@acme.example (not a workspace member or directory account)",
        ),
        (
            ("      bob@acme.example: admin\n", '      bob@acme.example: admin\n      "557058:zzz": read\n'),
            "workspace_access_file:10: repositories.infra-core: the account id 557058:zzz is not known here (no person, no grant)",
        ),
        (
            ("  empty: {members: []}\n", "  nobody: {members: []}\n"),
            "workspace_access_file:27: groups.nobody: no organization group named nobody",
        ),
        (
            ("      developers: write\n", "      developers: write\n      testers: read\n"),
            "workspace_access_file:13: repositories.infra-core: no Bitbucket group testers in the workspace",
        ),
        (
            ("      bob@acme.example: admin\n", "      bob@acme.example: admin\n      owner@acme.example: admin\n"),
            "workspace_access_file:10: repositories.infra-core: owner@acme.example is the workspace owner, who takes no explicit permission",
        ),
        (
            ("      bob@acme.example: admin\n", '      bob@acme.example: admin\n      "557058:bob": admin\n'),
            "workspace_access_file:10: repositories.infra-core: 557058:bob is declared twice (lines 9 and 10)",
        ),
        (
            ("workspace: acme", "workspace: other"),
            "workspace_access_file:1: the file is for the workspace other, and the role reads acme",
        ),
    ],
)
def test_errors_name_the_line(change, error):
    result = run(edit(BASE, change))
    assert result["errors"] == [error]
    assert result["summary"]["errors"] == 1


def test_an_org_group_is_found_by_name_whatever_the_case_and_org_groups_give_group_slugs():
    text = edit(
        BASE,
        ("  Site Admins:\n", "  site admins:\n"),
        ("      developers: write\n", "      developers: write\n      site-admins: read\n"),
    )
    result = run(text)
    assert result["errors"] == []
    assert result["items"][0]["subject"] == {"type": "group", "slug": "site-admins", "display": "Site Admins"}


def test_a_groups_section_needs_the_admin_api():
    actual = dict(ACTUAL, groups=None)
    result = run(BASE, actual=actual)
    assert result["errors"] == [
        "workspace_access_file:22: groups: the organization Admin API is not configured, so organization groups can be neither"
        " read nor changed (configure it, or leave the groups section out)"
    ]
    text = BASE.split("groups:\n  bitbucket", maxsplit=1)[0]
    assert run(text, actual=actual)["errors"] == []
    assert run(text + "groups: {}\n", actual=actual)["errors"] == []


def test_a_membership_change_needs_the_org_id():
    text = edit(BASE, ("members: [bob@acme.example]", "members: [bob@acme.example, jane@acme.example]"))
    result = run(text, org=None)
    assert result["items"] == []
    assert result["errors"] == [
        "workspace_access_file:22: groups: the organization id (org) is not known, so group memberships cannot be planned"
    ]


def test_bad_arguments():
    declared = workspace_access_declared(BASE)
    with pytest.raises(AnsibleFilterError, match="today must be the date of the run"):
        workspace_access_plan(declared, ACTUAL, PEOPLE)
    with pytest.raises(AnsibleFilterError, match="warn_days"):
        workspace_access_plan(declared, ACTUAL, PEOPLE, today=TODAY, warn_days=-1)
    with pytest.raises(AnsibleFilterError, match="result of workspace_access_declared"):
        workspace_access_plan("text", ACTUAL, PEOPLE, today=TODAY)


# --- guardrails ---------------------------------------------------------------------------------------------------


def test_min_admins_refuses_a_target_left_with_too_few_admins():
    text = edit(BASE, ("      bob@acme.example: admin\n", "      bob@acme.example: write\n"))
    result = run(text, caller=None)
    assert short(result["items"]) == [("change", "infra-core", BOB, "admin", "write")]
    assert result["refused"] == [
        "guardrails.min_admins (workspace_access_file line 4): the repository infra-core would keep 0 explicit admins (users and"
        " groups), fewer than 1 (it has 1 today)."
    ]
    assert result["summary"]["refused"] == 1
    assert run(edit(text, ("min_admins: 1", "min_admins: 0")), caller=None)["refused"] == []
    # a group admin counts: then infra-core keeps one
    text = edit(text, ("      developers: write\n", "      developers: admin\n"))
    assert run(text, caller=None)["refused"] == []


def test_min_admins_allows_a_target_that_had_too_few_before_when_the_plan_does_not_lower_them():
    # web has no admin today
    text = edit(BASE, ('      "557058:carol": write\n', '      "557058:carol": read\n'))
    result = run(text)
    assert short(result["items"]) == [("change", "web", CAROL, "write", "read")]
    assert result["refused"] == []


def test_require_caller_admin_refuses_revoking_lowering_and_group_removal_of_the_caller():
    text = edit(
        BASE,
        ("min_admins: 1", "min_admins: 0"),
        ("      bob@acme.example: admin\n", "      bob@acme.example: read\n"),
        ("    users: {bob@acme.example: admin}\n", "    exclusive: true\n    users: {}\n"),
        ("  Site Admins:\n", "  Site Admins:\n    exclusive: true\n"),
        ("members: [bob@acme.example]", "members: []"),
    )
    result = run(text)
    assert short(result["items"]) == [
        ("change", "infra-core", BOB, "admin", "read"),
        ("revoke", "INFRA", BOB, "admin", None),
        ("remove", "Site Admins", BOB, True, False),
    ]
    rule = "guardrails.require_caller_admin (workspace_access_file line 4)"
    assert result["refused"] == [
        rule
        + ": the plan lowers to read the explicit admin permission of the caller (bob@acme.example) on the repository infra-core.",
        rule + ": the plan revokes the explicit admin permission of the caller (bob@acme.example) on the project INFRA.",
        rule + ": the plan removes the caller (bob@acme.example) from the organization group Site Admins.",
    ]
    assert run(edit(text, ("require_caller_admin: true", "require_caller_admin: false")))["refused"] == []
    assert run(text, caller=None)["refused"] == []


@pytest.mark.parametrize(
    "limit, refused",
    [
        ("1", "the plan revokes or removes 2 permissions or memberships, more than the 1 allowed."),
        (
            '"10%"',
            "the plan revokes or removes 2 permissions or memberships, more than the 1 allowed (10% of the 12 explicit"
            " permissions and group memberships of today, rounded down, at least 1).",
        ),
        ('"0%"', None),
        ('"20%"', None),
        ("2", None),
    ],
)
def test_max_removals_counts_revokes_and_removes(limit, refused):
    text = edit(
        BASE,
        ("require_caller_admin: true}", "require_caller_admin: true, max_removals: %s}" % limit),
        ("  web:\n", "  web:\n    exclusive: true\n"),
        ('      "557058:carol": write\n', ""),
        ("      jane@acme.example: read\n", ""),
    )
    result = run(text)
    assert [i["action"] for i in result["items"]] == ["revoke", "revoke"]
    if limit == '"0%"':
        assert result["refused"] == [
            "guardrails.max_removals (workspace_access_file line 4): the plan revokes or removes 2 permissions or memberships,"
            " more than the 0 allowed (0% of the 12 explicit permissions and group memberships of today, rounded down)."
        ]
    elif refused:
        assert result["refused"] == ["guardrails.max_removals (workspace_access_file line 4): " + refused]
    else:
        assert result["refused"] == []


def test_guardrails_have_defaults_named_as_such():
    text = edit(
        BASE,
        ("guardrails: {min_admins: 1, require_caller_admin: true}\n", ""),
        ("      bob@acme.example: admin\n", "      bob@acme.example: read\n"),
    )
    result = run(text)
    assert [r.split(":")[0] for r in result["refused"]] == [
        "guardrails.min_admins (default)",
        "guardrails.require_caller_admin (default)",
    ]
