# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_user state=invited: the invitation followed by a lookup, partial and failed invitations, check mode, an
account already there, groups that cannot be given, the licence limit and the options only invitations take."""

from __future__ import annotations

import pytest

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_user as module

from .admin_helpers import (  # pylint: disable=unused-import
    ACME_ARI,
    GROUPS_SEARCH,
    INVITE,
    ORG,
    USERS_SEARCH,
    WORKSPACES,
    add,
    admin_env,
    aid,
    email,
    errors,
    gid,
    group,
    group_role,
    group_search,
    invited,
    page,
    run_module,
    user,
    workspace,
    writes,
)
from .harness import api, calls  # pylint: disable=unused-import
from .test_atlassian_user import LOOKUP, NAME, _change, _diff, _found, _task

pytestmark = pytest.mark.usefixtures("admin_env")


def test_invite_then_find_the_new_account(api):
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-users-acme")]))
    add(api, "POST", INVITE, {"data": [invited(email(NAME), aid(NAME), [gid("bitbucket-users-acme")])]})
    add(api, "POST", USERS_SEARCH, page([user(NAME, managementSource="invited")]))
    result, failed = run_module(module, _task(state="invited", groups=["bitbucket-users-acme"]), diff=True)
    assert not failed, result
    assert calls(api) == [
        LOOKUP,
        ("POST", GROUPS_SEARCH, {}, group_search(names=["bitbucket-users-acme"])),
        (
            "POST",
            INVITE,
            {},
            {"emails": [email(NAME)], "sendNotification": True, "additionalGroups": [gid("bitbucket-users-acme")]},
        ),
        LOOKUP,
    ]
    assert result["changed"] is True and result["invited"] is True and result["pending"] is False
    assert result["groups"] == ["bitbucket-users-acme"]
    assert result["user"]["account_id"] == aid(NAME) and result["user"]["management_source"] == "invited"
    assert result["diff"] == _diff("absent", "invited") and "directories" not in result
    assert result["invitations"] == [{"email": email(NAME), "account_id": aid(NAME), "invited": True, "failures": []}]
    assert result["changes"] == [_change("invite", None, "invited")]


def test_a_partial_invitation_reports_the_email_and_fails(api):
    """206 "At least one invitation failed": the account is invited, the group it could not join is named."""
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-users-acme")]))
    add(
        api,
        "POST",
        INVITE,
        {"data": [invited(email(NAME), aid(NAME), [gid("bitbucket-users-acme")], failed=[gid("bitbucket-users-acme")])]},
        status=206,
    )
    add(api, "POST", USERS_SEARCH, page([user(NAME, managementSource="invited")]))
    result, failed = run_module(module, _task(state="invited", groups=["bitbucket-users-acme"]), diff=True)
    assert failed and result["changed"] is True and result["invited"] is True and result["status"] == 206
    assert result["invitations"] == [
        {"email": email(NAME), "account_id": aid(NAME), "invited": False, "failures": ["group bitbucket-users-acme: no room"]}
    ]
    assert result["msg"] == (
        "The invitation of newhire02@acme.example failed: group bitbucket-users-acme: no room. The "
        "account was invited; give what failed with accessops.atlassian.atlassian_group_member once "
        "the cause is fixed"
    )
    assert result["user"]["account_id"] == aid(NAME) and result["diff"] == _diff("absent", "invited")
    assert result["changes"] == [_change("invite", None, "invited")]  # the account was invited before the failure


@pytest.mark.parametrize(
    "entries, why",
    [
        ([], "not in the answer of HTTP 206"),
        (
            [invited(email(NAME), aid(NAME), [gid("bitbucket-users-acme")], failed=[gid("bitbucket-users-acme")])],
            "group bitbucket-users-acme: no room",
        ),
    ],
)
def test_an_invitation_that_failed_entirely_changes_nothing(api, entries, why):
    """Failed for the email, and the search right after finds no account: nothing was invited."""
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-users-acme")]))
    add(api, "POST", INVITE, {"data": entries}, status=206)
    add(api, "POST", USERS_SEARCH, page([]))
    result, failed = run_module(module, _task(state="invited", groups=["bitbucket-users-acme"]), diff=True)
    assert failed and result["changed"] is False and result["invited"] is False and result["pending"] is True
    assert result["msg"].startswith("The invitation of newhire02@acme.example failed: %s. Nothing was invited" % why)
    assert result["diff"] == _diff("absent", "absent") and result["changes"] == []


def test_an_invitation_needs_a_paid_subscription(api):
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", INVITE, errors("ADMIN-UAM-402-1", 402, "Payment Required"), status=402)
    result, failed = run_module(module, _task(state="invited"))
    assert failed and result["status"] == 402 and result["changed"] is False
    assert result["msg"] == (
        "Cannot invite newhire02@acme.example: the organization has no paid subscription, which the "
        "invitation API needs (HTTP 402: ADMIN-UAM-402-1: Payment Required)"
    )


def test_invite_without_groups_nor_notification_still_pending(api):
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", INVITE, {"data": [invited(email(NAME))]})
    add(api, "POST", USERS_SEARCH, page([]))
    result, failed = run_module(module, _task(state="invited", send_notification=False))
    assert not failed
    assert calls(api)[1] == ("POST", INVITE, {}, {"emails": [email(NAME)], "sendNotification": False})
    assert result["changed"] is True and result["pending"] is True and result["user"] is None
    assert result["groups"] == [] and result["changes"] == [_change("invite", None, "invited", account_id=None)]


def test_invite_in_check_mode_sends_no_invitation(api):
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-users-acme")]))
    result, failed = run_module(module, _task(state="invited", groups=["bitbucket-users-acme"]), check_mode=True)
    assert not failed and len(calls(api)) == 2 and writes(api) == []
    assert result["changed"] is True and result["invited"] is True and result["pending"] is True
    assert result["user"] is None and result["groups"] == ["bitbucket-users-acme"]
    assert result["changes"] == [_change("invite", None, "invited", account_id=None)]  # no account id before it exists


def test_invite_an_account_already_in_the_directory_changes_nothing(api):
    _found(api)
    result, failed = run_module(module, _task(state="invited", groups=["bitbucket-users-acme"]))
    assert not failed and calls(api) == [LOOKUP]
    assert result["changed"] is False and result["invited"] is False and result["pending"] is False
    assert result["user"]["account_id"] == aid(NAME) and result["diff"] == _diff("active", "active")
    assert result["changes"] == []


def test_invite_into_a_synced_group_is_refused_with_zero_writes(api):
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", GROUPS_SEARCH, page([group("okta-engineering", synced=True)]))
    result, failed = run_module(module, _task(state="invited", groups=["okta-engineering"]))
    assert failed and writes(api) == []
    assert result["msg"] == (
        "Cannot invite newhire02@acme.example into the group 'okta-engineering', which is synced "
        "from an identity provider: change its members there. Nothing was changed"
    )


def test_invite_into_a_missing_group_is_refused_with_zero_writes(api):
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", GROUPS_SEARCH, page([]))
    result, failed = run_module(module, _task(state="invited", groups=["ghosts"]))
    assert failed and writes(api) == []
    assert result["msg"] == "groups: no group 'ghosts' in the organization's directory; nothing was changed"


def test_invite_refused_by_the_licence_limit(api):
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", INVITE, errors("ADMIN-UAM-409-3", 409, "bitbucket is full"), status=409)
    result, failed = run_module(module, _task(state="invited"))
    assert failed and result["changed"] is False
    assert result["msg"].startswith(
        "Cannot invite newhire02@acme.example: a product is out of seats (at its user limit) "
        "(HTTP 409: ADMIN-UAM-409-3: bitbucket is full)"
    )


def test_invite_into_a_group_refused_by_the_licence_limit_names_the_product(api):
    add(api, "POST", USERS_SEARCH, page([]))
    add(api, "POST", GROUPS_SEARCH, page([group("bitbucket-users-acme")]))
    add(api, "POST", INVITE, errors("ADMIN-UAM-409-3", 409, "full"), status=409)
    add(
        api,
        "GET",
        ORG + "/directories/-/groups/%s/role-assignments" % gid("bitbucket-users-acme"),
        page([group_role(ACME_ARI, "atlassian/user")]),
    )
    full = workspace("acme", ACME_ARI)
    full["attributes"].update(usage=300, capacity=300)
    add(api, "POST", WORKSPACES, page([full]))
    result, failed = run_module(module, _task(state="invited", groups=["bitbucket-users-acme"]))
    assert failed and result["status"] == 409
    assert result["msg"].startswith(
        "Cannot invite newhire02@acme.example: out of seats: bitbucket acme (300 of 300 seats "
        "used) (HTTP 409: ADMIN-UAM-409-3: full)"
    )


def test_invited_needs_an_email(api):
    # today the check follows the lookup; it should come before it (see admin_bug_demos.py, bug 4)
    api.assert_all_requests_are_fired = False
    add(api, "POST", USERS_SEARCH, page([]))
    result, failed = run_module(module, _task(user=aid(NAME), state="invited"))
    assert failed and writes(api) == []
    assert result["msg"] == ("state=invited needs user to be an email address (an invitation goes to an email)")


def test_groups_are_only_for_invitations(api):
    result, failed = run_module(module, _task(state="suspended", groups=["bitbucket-users-acme"]))
    assert failed and calls(api) == []
    assert result["msg"].startswith("groups is only used with state=invited")
