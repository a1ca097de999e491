# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlassian_scim_user: the exact HTTP calls, in order, of every path but creation (no change, change, deactivation,
deletion, check mode, the deprecated locale). Creation, conflicts and lost answers are in
test_atlassian_scim_user_create.py, errors in test_atlassian_scim_user_errors.py."""

from __future__ import annotations

import json

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.modules import atlassian_scim_user as module

from .scim_helpers import (  # pylint: disable=unused-import
    CORE,
    ENTERPRISE,
    NAME,
    PATCH_OP,
    USER_PATH,
    USERS,
    USERS_PATH,
    atlassian_dept,
    by_name,
    list_response,
    make_user,
    patch_body,
    run_module,
    scim_env,
    scim_change,
    scim_error,
    user_args as args,
)
from .harness import api, calls, module_warnings  # pylint: disable=unused-import

pytestmark = pytest.mark.usefixtures("scim_env")


# -- present ------------------------------------------------------------------------------------------


def test_no_change_reads_once(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(email=NAME, given_name="Jane", department="Platform", active=True), diff=True)
    assert not failed
    assert calls(api) == [("GET", USERS_PATH, by_name(NAME), None)]
    assert result["changed"] is False
    assert result["api_calls"] == {"total": 1, "GET": 1}
    assert result["atlassian_account_id"] == "712020:aaaa-1111"
    assert result["user"]["id"] == "u-1"
    expected = {"user_name": NAME, "email": NAME, "given_name": "Jane", "department": "Platform", "active": True}
    assert result["diff"] == {"before": expected, "after": expected}
    assert result["changes"] == []


def test_change_sends_one_patch_with_only_the_changed_attributes(api):
    current = make_user(title="Engineer")
    updated = make_user(title="Manager", **atlassian_dept("Ops"))
    api.add(responses.GET, USERS, json=list_response(current))
    api.add(responses.PATCH, USERS + "/u-1", json=updated)
    result, failed = run_module(module, args(given_name="Jane", title="Manager", department="Ops", timezone=None))
    assert not failed
    assert calls(api) == [
        ("GET", USERS_PATH, by_name(NAME), None),
        (
            "PATCH",
            USER_PATH,
            {},
            patch_body(
                {"op": "replace", "path": "title", "value": "Manager"},
                {"op": "replace", "path": "department", "value": "Ops"},  # top-level: Atlassian's extension is read-only
            ),
        ),
    ]
    assert result["changed"] is True
    assert result["user"] == updated
    assert result["api_calls"] == {"total": 2, "GET": 1, "PATCH": 1}
    assert result["diff"] == {
        "before": {"user_name": NAME, "given_name": "Jane", "title": "Engineer", "department": "Platform"},
        "after": {"user_name": NAME, "given_name": "Jane", "title": "Manager", "department": "Ops"},
    }
    # only what the PATCH touches (not given_name, which the task sets and already matches)
    assert result["changes"] == [
        scim_change("update", {"title": "Engineer", "department": "Platform"}, {"title": "Manager", "department": "Ops"})
    ]


@pytest.mark.parametrize(
    "account_id,organization_path",
    [
        ("712020:aaaa-1111", "organization"),
        (None, ENTERPRISE + ":organization"),
    ],
    ids=["atlassian-top-level", "rfc7643-enterprise-extension"],
)
def test_every_attribute_maps_to_its_scim_path(api, account_id, organization_path):
    current = make_user(account_id=account_id)
    api.add(responses.GET, USERS, json=list_response(current))
    api.add(responses.PATCH, USERS + "/u-1", json=current)
    values = {
        "family_name": "Roe",
        "display_name": "Jane Roe",
        "nick_name": "JR",
        "title": "CTO",
        "organization": "Acme",
        "timezone": "Europe/Paris",
        "preferred_language": "fr-FR",
        "external_id": "idp-42",
    }
    result, failed = run_module(module, args(**values))
    assert not failed and result["changed"] is True
    operations = calls(api)[1][3]["Operations"]
    assert operations == [
        {"op": "replace", "path": "name.familyName", "value": "Roe"},
        {"op": "replace", "path": "displayName", "value": "Jane Roe"},
        {"op": "replace", "path": "nickName", "value": "JR"},
        {"op": "replace", "path": "title", "value": "CTO"},
        {"op": "replace", "path": organization_path, "value": "Acme"},
        {"op": "replace", "path": "timezone", "value": "Europe/Paris"},
        {"op": "replace", "path": "preferredLanguage", "value": "fr-FR"},
        {"op": "replace", "path": "externalId", "value": "idp-42"},
    ]


def test_new_primary_email_replaces_the_primary_and_keeps_the_others(api):
    current = make_user(emails=[{"value": "home@example.org", "type": "home"}, {"value": NAME, "type": "work", "primary": True}])
    api.add(responses.GET, USERS, json=list_response(current))
    api.add(responses.PATCH, USERS + "/u-1", json=current)
    result, failed = run_module(module, args(email="jane.doe@acme.example"))
    assert not failed and result["changed"] is True
    assert calls(api)[1][3] == patch_body(
        {
            "op": "replace",
            "path": "emails",
            "value": [
                {"value": "jane.doe@acme.example", "type": "work", "primary": True},
                {"value": "home@example.org", "type": "home"},
            ],
        }
    )
    assert result["diff"]["before"]["email"] == NAME
    assert result["diff"]["after"]["email"] == NAME  # what the (mocked) server stored, reported honestly


def test_empty_string_removes_an_attribute_and_is_a_no_op_when_absent(api):
    current = make_user(nickName="JD")
    cleared = make_user()
    api.add(responses.GET, USERS, json=list_response(current))
    api.add(responses.PATCH, USERS + "/u-1", json=cleared)
    result, failed = run_module(module, args(nick_name="", title=""))
    assert not failed and result["changed"] is True
    assert calls(api)[1][3] == patch_body({"op": "remove", "path": "nickName"})
    assert result["diff"] == {"before": {"user_name": NAME, "nick_name": "JD"}, "after": {"user_name": NAME, "nick_name": None}}

    api.add(responses.GET, USERS, json=list_response(cleared))
    result, failed = run_module(module, args(nick_name="", title=""))
    assert not failed and result["changed"] is False
    assert [c[0] for c in calls(api)] == ["GET", "PATCH", "GET"]


def test_patch_answered_204_reads_the_user_again(api):
    current = make_user(account_id=None, title="Engineer")
    stored = make_user(account_id=None, title="Manager")
    api.add(responses.GET, USERS, json=list_response(current))
    api.add(responses.PATCH, USERS + "/u-1", status=204)
    api.add(responses.GET, USERS + "/u-1", json=stored)
    result, failed = run_module(module, args(title="Manager"))
    assert not failed
    assert [(c[0], c[1]) for c in calls(api)] == [("GET", USERS_PATH), ("PATCH", USER_PATH), ("GET", USER_PATH)]
    assert result["user"] == stored
    assert result["atlassian_account_id"] is None
    assert result["api_calls"] == {"total": 3, "GET": 2, "PATCH": 1}


def test_user_name_is_quoted_in_the_filter(api):
    tricky = 'o"brien\\x@acme.example'
    api.add(responses.GET, USERS, json=list_response(make_user(user_name=tricky)))
    result, failed = run_module(module, args(user_name=tricky))
    assert not failed and result["changed"] is False
    assert calls(api)[0][2] == {"filter": 'userName eq "o\\"brien\\\\x@acme.example"'}


# -- deactivate, delete ---------------------------------------------------------------------------------


def test_deactivate_patches_active_only(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    api.add(responses.PATCH, USERS + "/u-1", json=make_user(active=False))
    result, failed = run_module(module, args(active=False))
    assert not failed
    assert calls(api) == [
        ("GET", USERS_PATH, by_name(NAME), None),
        ("PATCH", USER_PATH, {}, patch_body({"op": "replace", "path": "active", "value": False})),
    ]
    assert result["changed"] is True
    assert result["diff"] == {"before": {"user_name": NAME, "active": True}, "after": {"user_name": NAME, "active": False}}
    assert result["changes"] == [scim_change("deactivate", {"active": True}, {"active": False})]


def test_delete_sends_delete_and_returns_the_user_as_it_was(api):
    current = make_user()
    api.add(responses.GET, USERS, json=list_response(current))
    api.add(responses.DELETE, USERS + "/u-1", status=204)
    result, failed = run_module(module, args(state="absent", title="ignored"))
    assert not failed
    assert calls(api) == [("GET", USERS_PATH, by_name(NAME), None), ("DELETE", USER_PATH, {}, None)]
    assert result["changed"] is True
    assert result["user"] == current
    assert result["atlassian_account_id"] == "712020:aaaa-1111"
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["user_name"] == NAME and result["diff"]["before"]["active"] is True
    assert result["api_calls"] == {"total": 2, "GET": 1, "DELETE": 1}
    assert result["changes"] == [scim_change("delete", {"active": True}, None)]


def test_delete_of_a_missing_user_changes_nothing(api):
    api.add(responses.GET, USERS, json=list_response())
    result, failed = run_module(module, args(state="absent"))
    assert not failed
    assert result["changed"] is False and result["user"] is None and result["atlassian_account_id"] is None
    assert len(api.calls) == 1 and result["changes"] == []


def test_delete_already_gone_between_read_and_delete_is_fine(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    api.add(responses.DELETE, USERS + "/u-1", json=scim_error(404, "User not found"), status=404)
    result, failed = run_module(module, args(state="absent"))
    assert not failed and result["changed"] is True


# -- check mode -------------------------------------------------------------------------------------------


def test_check_mode_create_reads_only_and_predicts_the_user(api):
    api.add(responses.GET, USERS, json=list_response())
    result, failed = run_module(module, args(email=NAME, given_name="Jane", organization="Acme"), check_mode=True, diff=True)
    assert not failed
    assert [c[0] for c in calls(api)] == ["GET"]
    assert result["changed"] is True
    assert result["user"]["userName"] == NAME and "id" not in result["user"]
    assert result["user"][ENTERPRISE] == {"organization": "Acme"}
    assert result["atlassian_account_id"] is None
    after = {"user_name": NAME, "email": NAME, "given_name": "Jane", "organization": "Acme", "active": True}
    assert result["diff"] == {"before": {}, "after": after}
    created = {"email": NAME, "given_name": "Jane", "organization": "Acme", "active": True}
    assert result["changes"] == [scim_change("create", None, created, user_id=None)]  # no id before it exists


@pytest.mark.parametrize(
    "options",
    [
        {"title": "Manager", "department": "Ops", "email": "jane.doe@acme.example"},
        {"active": False, "nick_name": "JD", "external_id": "idp-7"},
        {"given_name": "", "display_name": "J. Doe"},
    ],
)
def test_check_mode_update_predicts_exactly_the_real_run(api, options):
    current = make_user(title="Engineer")
    api.add(responses.GET, USERS, json=list_response(current))
    predicted, failed = run_module(module, args(**options), check_mode=True, diff=True)
    assert not failed and [c[0] for c in calls(api)] == ["GET"]

    def echo(request):
        """A server that applies the operations the way the module predicted them is stored."""
        body = json.loads(request.body)
        stored = json.loads(json.dumps(predicted["user"]))
        assert body["schemas"] == [PATCH_OP]
        return 200, {}, json.dumps(stored)

    api.add(responses.GET, USERS, json=list_response(current))
    api.add_callback(responses.PATCH, USERS + "/u-1", callback=echo)
    real, failed = run_module(module, args(**options), diff=True)
    assert not failed
    assert predicted["changed"] is real["changed"] is True
    assert predicted["diff"] == real["diff"]
    assert predicted["changes"] == real["changes"] and len(real["changes"]) == 1
    assert real["changes"][0]["action"] == "update"  # not deactivate: more than active changes
    assert real["changes"][0]["after"] == {option: None if value == "" else value for option, value in options.items()}
    assert [c[0] for c in calls(api)] == ["GET", "GET", "PATCH"]


def test_check_mode_delete_reads_only(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(state="absent"), check_mode=True)
    assert not failed and result["changed"] is True
    assert result["changes"] == [scim_change("delete", {"active": True}, None)]
    assert [c[0] for c in calls(api)] == ["GET"]


def test_check_mode_no_change(api):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(title=""), check_mode=True)
    assert not failed and result["changed"] is False and result["changes"] == []


# -- locale: deprecated, never sent -----------------------------------------------------------------------------

LOCALE_WARNING = (
    "Option locale is deprecated and ignored: Atlassian's SCIM schema has no locale attribute, so the module "
    "does not send, compare or report it; use preferred_language. The option will be removed in version "
    "1.0.0 of accessops.atlassian."
)
LOCALE_DEPRECATION = ("Param 'locale' is deprecated. See the module docs for more information", "1.0.0", "accessops.atlassian")


@pytest.mark.parametrize("locale", ["fr-FR", ""], ids=["value", "empty"])
def test_locale_is_warned_about_and_never_sent_nor_compared(api, module_warnings, locale):
    current = make_user(title="Engineer", locale="en-US")  # what a server holds is left as it is, and not reported
    updated = make_user(title="CTO", locale="en-US")
    api.add(responses.GET, USERS, json=list_response(current))
    api.add(responses.PATCH, USERS + "/u-1", json=updated)
    result, failed = run_module(module, args(title="CTO", locale=locale), diff=True)
    assert not failed
    assert calls(api) == [
        ("GET", USERS_PATH, by_name(NAME), None),
        ("PATCH", USER_PATH, {}, patch_body({"op": "replace", "path": "title", "value": "CTO"})),
    ]
    assert result["changed"] is True and result["user"] == updated
    assert result["diff"] == {"before": {"user_name": NAME, "title": "Engineer"}, "after": {"user_name": NAME, "title": "CTO"}}
    assert module_warnings() == ([LOCALE_WARNING], [LOCALE_DEPRECATION])


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check"])
def test_locale_alone_changes_nothing(api, module_warnings, check_mode):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(locale="fr-FR"), check_mode=check_mode, diff=True)
    assert not failed
    assert calls(api) == [("GET", USERS_PATH, by_name(NAME), None)]
    assert result["changed"] is False
    assert result["diff"] == {"before": {"user_name": NAME}, "after": {"user_name": NAME}}
    assert module_warnings() == ([LOCALE_WARNING], [LOCALE_DEPRECATION])


def test_a_new_user_is_created_without_locale_and_check_mode_predicts_it(api, module_warnings):
    body = {
        "schemas": [CORE],
        "userName": NAME,
        "emails": [{"value": NAME, "type": "work", "primary": True}],
        "preferredLanguage": "fr-FR",
        "active": True,
    }
    after = {"user_name": NAME, "email": NAME, "preferred_language": "fr-FR", "active": True}
    options = args(email=NAME, preferred_language="fr-FR", locale="fr-FR")
    api.add(responses.GET, USERS, json=list_response())
    predicted, failed = run_module(module, options, check_mode=True, diff=True)
    assert not failed and predicted["changed"] is True
    assert predicted["user"] == body and predicted["diff"] == {"before": {}, "after": after}

    created = make_user(preferredLanguage="fr-FR")
    api.add(responses.GET, USERS, json=list_response())
    api.add(responses.POST, USERS, json=created, status=201)
    result, failed = run_module(module, options, diff=True)
    assert not failed
    assert calls(api)[1:] == [("GET", USERS_PATH, by_name(NAME), None), ("POST", USERS_PATH, {}, body)]
    assert result["changed"] is True and result["user"] == created
    assert result["diff"] == predicted["diff"]
    assert module_warnings() == ([LOCALE_WARNING] * 2, [LOCALE_DEPRECATION] * 2)  # one of each a run


def test_locale_is_not_validated_since_it_is_never_used(api, module_warnings):
    api.add(responses.GET, USERS, json=list_response(make_user()))
    result, failed = run_module(module, args(locale="fr\nFR"))
    assert not failed and result["changed"] is False
    assert module_warnings()[0] == [LOCALE_WARNING]
