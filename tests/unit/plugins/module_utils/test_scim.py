# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_scim: attribute mapping, PatchOp building, predictions, and ScimClient calls."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils._auth import ScimTokenAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    ConfigurationError,
    ConflictError,
    UnexpectedAnswerError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._scim.client import (
    ATLASSIAN_EXTERNAL_SCHEMA,
    CORE_USER_SCHEMA,
    ENTERPRISE_USER_SCHEMA,
    IGNORED_OPTION,
    MANAGED_OPTIONS,
    ScimClient,
    apply_changes,
    atlassian_account_id,
    create_payload,
    desired_for,
    ensure_user,
    ignored_option_warning,
    is_atlassian_user,
    patch_operations,
    primary_email_entry,
    scim_filter_eq,
    user_view,
)

from .conftest import SCIM

USERS = SCIM + "/Users"


@pytest.fixture
def client(make_transport):
    return ScimClient(make_transport(auth=ScimTokenAuth("scim-key-0123456789abcdef"), base_url=SCIM))


def _user(**extra):
    user = {
        "schemas": [CORE_USER_SCHEMA],
        "id": "u-1",
        "userName": "jane@acme.example",
        "active": True,
        "emails": [{"value": "jane@acme.example", "type": "work", "primary": True}],
    }
    user.update(extra)
    return user


@pytest.mark.parametrize(
    "value, expected",
    [
        ("jane@acme.example", 'userName eq "jane@acme.example"'),
        ('a"b', 'userName eq "a\\"b"'),
        ("a\\b", 'userName eq "a\\\\b"'),
        ('\\"', 'userName eq "\\\\\\""'),
    ],
)
def test_filter_quotes_the_value(value, expected):
    assert scim_filter_eq("userName", value) == expected


@pytest.mark.parametrize(
    "emails, expected",
    [
        ([], None),
        ([{"value": "a", "type": "home"}, {"value": "b", "type": "work"}], "b"),
        ([{"value": "a", "type": "work"}, {"value": "b", "type": "home", "primary": True}], "b"),
        ([{"value": "a", "type": "home"}, {"value": "c", "type": "other"}], "a"),
        (["not-a-dict", {"value": "d"}], "d"),
    ],
)
def test_primary_email(emails, expected):
    _index, entry = primary_email_entry({"emails": emails})
    assert (entry or {}).get("value") == expected


def test_user_view_reads_every_managed_attribute():
    user = _user(
        name={"givenName": "Jane", "familyName": "Doe"},
        displayName="Jane Doe",
        nickName="JD",
        title="CTO",
        timezone="Europe/Paris",
        preferredLanguage="fr",
        locale="fr-FR",
        externalId="idp-1",
        **{ENTERPRISE_USER_SCHEMA: {"department": "Ops", "organization": "Acme"}},
    )
    assert user_view(user) == {
        "email": "jane@acme.example",
        "given_name": "Jane",
        "family_name": "Doe",
        "display_name": "Jane Doe",
        "nick_name": "JD",
        "title": "CTO",
        "department": "Ops",
        "organization": "Acme",
        "timezone": "Europe/Paris",
        "preferred_language": "fr",
        "external_id": "idp-1",
        "active": True,
    }  # no locale: the deprecated option is never read, compared or reported (Atlassian's ScimUser has no such attribute)
    assert set(user_view({})) == set(MANAGED_OPTIONS)
    assert set(user_view({})).issuperset({"email", "active"}) and all(v is None for v in user_view({}).values())


def test_department_is_read_top_level_first_then_from_the_enterprise_extension():
    assert user_view({"department": "Ops", "organization": "Acme"})["department"] == "Ops"
    assert user_view({ENTERPRISE_USER_SCHEMA: {"department": "Ext"}})["department"] == "Ext"
    # Atlassian: the top-level attribute is the writable one; the read-only extension only repeats it.
    assert user_view({"department": "Top", ENTERPRISE_USER_SCHEMA: {"department": "Stale"}})["department"] == "Top"


def test_is_atlassian_user():
    assert is_atlassian_user(_user(schemas=[CORE_USER_SCHEMA, ATLASSIAN_EXTERNAL_SCHEMA]))
    assert is_atlassian_user(_user(**{ATLASSIAN_EXTERNAL_SCHEMA: {"atlassianAccountId": "712020:x"}}))
    assert not is_atlassian_user(_user(schemas=[CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA]))
    assert not is_atlassian_user(None)


def test_atlassian_user_gets_top_level_department_and_a_mirrored_prediction():
    user = _user(
        schemas=[CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, ATLASSIAN_EXTERNAL_SCHEMA],
        department="R&D",
        **{ENTERPRISE_USER_SCHEMA: {"department": "R&D"}, ATLASSIAN_EXTERNAL_SCHEMA: {"atlassianAccountId": "a"}},
    )
    changes = {"department": ("R&D", "Ops"), "organization": (None, "Acme")}
    assert patch_operations(user, changes) == [
        {"op": "replace", "path": "department", "value": "Ops"},
        {"op": "replace", "path": "organization", "value": "Acme"},
    ]
    predicted = apply_changes(user, changes)
    assert (predicted["department"], predicted["organization"]) == ("Ops", "Acme")
    assert predicted[ENTERPRISE_USER_SCHEMA] == {"department": "Ops", "organization": "Acme"}
    cleared = apply_changes(user, {"department": ("R&D", "")})
    assert patch_operations(user, {"department": ("R&D", "")}) == [{"op": "remove", "path": "department"}]
    assert "department" not in cleared and ENTERPRISE_USER_SCHEMA not in cleared
    assert cleared["schemas"] == [CORE_USER_SCHEMA, ATLASSIAN_EXTERNAL_SCHEMA]


def test_rfc_user_gets_department_in_the_enterprise_extension():
    user = _user(**{ENTERPRISE_USER_SCHEMA: {"department": "R&D", "employeeNumber": "7"}})
    assert patch_operations(user, {"department": ("R&D", "")}) == [
        {"op": "remove", "path": ENTERPRISE_USER_SCHEMA + ":department"}
    ]
    cleared = apply_changes(user, {"department": ("R&D", "")})
    assert cleared[ENTERPRISE_USER_SCHEMA] == {"employeeNumber": "7"} and "department" not in cleared


def test_creating_without_email_fails_before_any_post(client):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS, json={"totalResults": 0, "Resources": []})
        for check_mode in (False, True):
            with pytest.raises(ConfigurationError, match="email is required to create the user 'new@acme.example'"):
                ensure_user(client, "new@acme.example", {"given_name": "New"}, check_mode=check_mode)
        assert [c.request.method for c in rsps.calls] == ["GET", "GET"]


def test_atlassian_account_id():
    assert atlassian_account_id({ATLASSIAN_EXTERNAL_SCHEMA: {"atlassianAccountId": "712020:x"}}) == "712020:x"
    assert atlassian_account_id({}) is None
    assert atlassian_account_id(None) is None
    assert atlassian_account_id({ATLASSIAN_EXTERNAL_SCHEMA: "odd"}) is None


def test_desired_for_empty_string_on_absent_attribute_is_not_managed():
    wanted = desired_for({"title": None, "nick_name": "JD"}, {"title": "", "nick_name": "", "email": None})
    assert wanted["title"] is None and wanted["nick_name"] == "" and wanted["email"] is None


def test_desired_for_compares_email_without_case():
    assert desired_for({"email": "Jane@Acme.example"}, {"email": "jane@acme.example"})["email"] == "Jane@Acme.example"
    assert desired_for({"email": "jane@acme.example"}, {"email": "john@acme.example"})["email"] == "john@acme.example"
    assert desired_for({"email": None}, {"email": "john@acme.example"})["email"] == "john@acme.example"


def test_patch_operations_and_prediction_agree():
    user = _user(
        title="Engineer",
        nickName="JD",
        emails=[{"value": "old@acme.example", "type": "work", "primary": True}, {"value": "me@home.example", "type": "home"}],
    )
    changes = {
        "title": ("Engineer", "CTO"),
        "nick_name": ("JD", ""),
        "department": (None, "Ops"),
        "email": ("old@acme.example", "new@acme.example"),
        "given_name": (None, "Jane"),
    }
    assert patch_operations(user, changes) == [
        {
            "op": "replace",
            "path": "emails",
            "value": [
                {"value": "new@acme.example", "type": "work", "primary": True},
                {"value": "me@home.example", "type": "home"},
            ],
        },
        {"op": "replace", "path": "name.givenName", "value": "Jane"},
        {"op": "remove", "path": "nickName"},
        {"op": "replace", "path": "title", "value": "CTO"},
        {"op": "replace", "path": ENTERPRISE_USER_SCHEMA + ":department", "value": "Ops"},
    ]
    predicted = apply_changes(user, changes)
    assert user["title"] == "Engineer"  # the input is not modified
    view = user_view(predicted)
    assert view["title"] == "CTO" and view["nick_name"] is None and view["department"] == "Ops"
    assert view["email"] == "new@acme.example" and view["given_name"] == "Jane"
    assert ENTERPRISE_USER_SCHEMA in predicted["schemas"]


def test_new_email_equal_to_a_secondary_one_is_not_duplicated():
    user = _user(emails=[{"value": "a@x", "type": "work", "primary": True}, {"value": "B@x", "type": "home"}])
    ops = patch_operations(user, {"email": ("a@x", "b@x")})
    assert ops[0]["value"] == [{"value": "b@x", "type": "work", "primary": True}]


def test_create_payload_sets_active_and_only_given_attributes():
    payload = create_payload(
        "jane@acme.example", {"email": "jane@acme.example", "title": "", "given_name": None, "organization": "Acme"}
    )
    assert payload == {
        "schemas": [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        "userName": "jane@acme.example",
        "emails": [{"value": "jane@acme.example", "type": "work", "primary": True}],
        ENTERPRISE_USER_SCHEMA: {"organization": "Acme"},
        "active": True,
    }
    assert create_payload("x", {"active": False})["active"] is False


def test_the_deprecated_locale_is_no_managed_option_and_is_never_sent(client):
    assert IGNORED_OPTION == "locale" and IGNORED_OPTION not in MANAGED_OPTIONS
    assert "locale" not in create_payload("x", {"email": "x@acme.example", "locale": "fr-FR"})
    assert ignored_option_warning("locale") == (
        "Option locale is deprecated and ignored: Atlassian's SCIM schema has no locale attribute, so the module does "
        "not send, compare or report it; use preferred_language. The option will be removed in version 1.0.0 of "
        "accessops.atlassian."
    )
    with responses.RequestsMock() as rsps:  # every call it makes is listed: one read, no write
        rsps.add(responses.GET, USERS, json={"Resources": [_user(locale="en-US")]})
        result = ensure_user(client, "jane@acme.example", {"locale": "fr-FR"})
        assert len(rsps.calls) == 1 and rsps.calls[0].request.method == "GET"
    assert result["changed"] is False and result["diff"] == {
        "before": {"user_name": "jane@acme.example"},
        "after": {"user_name": "jane@acme.example"},
    }


def test_find_user_none_and_one(client):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS, json={"totalResults": 0, "Resources": []})
        rsps.add(responses.GET, USERS, json={"totalResults": 1, "Resources": [_user()]})
        assert client.find_user("jane@acme.example") is None
        assert client.find_user("jane@acme.example")["id"] == "u-1"
        assert rsps.calls[0].request.params == {"filter": 'userName eq "jane@acme.example"'}


def test_find_user_prefers_the_exact_spelling(client):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS, json={"Resources": [_user(id="u-2", userName="JANE@acme.example"), _user()]})
        assert client.find_user("jane@acme.example")["id"] == "u-1"


def test_non_object_answers_are_errors(client):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, USERS, json=["not", "an", "object"], status=201)
        rsps.add(responses.PATCH, USERS + "/u-1", json=[1], status=200)
        with pytest.raises(ApiError, match="without a JSON object"):
            client.create_user(create_payload("x", {"email": "x@acme.example"}))
        with pytest.raises(ApiError, match="without a JSON object"):
            client.patch_user("u-1", [])


def test_patch_is_sent_as_idempotent_and_retried_on_503(client, fake_clock):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.PATCH, USERS + "/u-1", status=503)
        rsps.add(responses.PATCH, USERS + "/u-1", json=_user(title="T"))
        assert client.patch_user("u-1", [{"op": "replace", "path": "title", "value": "T"}])["title"] == "T"
        assert len(fake_clock.sleeps) == 1
        assert client.stats.as_result() == {"total": 2, "PATCH": 2}


def test_iter_users_and_find_users(client):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS, json={"totalResults": 1, "Resources": [_user()]})
        rsps.add(responses.GET, USERS, json={"totalResults": 1, "Resources": [_user(externalId="e")]})
        assert [u["id"] for u in client.iter_users()] == ["u-1"]
        assert [u["id"] for u in client.find_users("externalId", "e")] == ["u-1"]
        assert rsps.calls[1].request.params["filter"] == 'externalId eq "e"'


@pytest.mark.parametrize(
    "attribute, value, answer",
    [
        ("userName", "leaver@acme.example", _user()),  # the filter was ignored
        ("externalId", "e-1", _user(externalId="e-2")),
        ("externalId", "e-1", _user()),  # no externalId at all
    ],
)
def test_filtered_reads_refuse_users_that_do_not_match(client, attribute, value, answer):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS, json={"totalResults": 1, "Resources": [answer]})
        with pytest.raises(UnexpectedAnswerError, match="filtered on %s eq .* ignored or misapplied the filter" % attribute):
            client.find_users(attribute, value)


def test_user_name_matches_without_case_but_another_user_is_refused_with_zero_writes(client):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS, json={"Resources": [_user(userName="JANE@acme.example")]})
        assert client.find_user("jane@ACME.example")["id"] == "u-1"
        rsps.add(responses.GET, USERS, json={"Resources": [_user()]})
        with pytest.raises(UnexpectedAnswerError, match="answered a user whose userName is 'jane@acme.example'"):
            ensure_user(client, "leaver@acme.example", {}, state="absent")
        assert [c.request.method for c in rsps.calls] == ["GET", "GET"]


@pytest.mark.parametrize("hostile", ["../../other-directory/Users/x", "..", "a/b", "%2e%2e", "", None, "a\nb"])
def test_a_user_id_that_is_no_safe_path_segment_is_never_put_in_a_url(client, hostile):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS, json={"Resources": [_user(id=hostile)]})
        with pytest.raises(UnexpectedAnswerError, match="not a safe URL path segment"):
            ensure_user(client, "jane@acme.example", {"title": "x"})
        assert len(rsps.calls) == 1


def test_keyed_answers_of_another_user_are_refused(client):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS + "/u-1", json=_user(id="u-2"))
        with pytest.raises(UnexpectedAnswerError, match="answered the user with id 'u-2' instead of 'u-1'"):
            client.get_user("u-1")
        rsps.add(responses.PATCH, USERS + "/u-1", json=_user(id="u-2"))
        with pytest.raises(UnexpectedAnswerError, match="instead of 'u-1'"):
            client.patch_user("u-1", [])
        rsps.add(responses.POST, USERS, json=_user(userName="other@acme.example"))
        with pytest.raises(UnexpectedAnswerError, match="answered a user named 'other@acme.example'"):
            client.create_user(create_payload("jane@acme.example", {"email": "jane@acme.example"}))


def test_ensure_user_conflict_error_keeps_details(client):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS, json={"Resources": []})
        rsps.add(responses.POST, USERS, json={"status": "409", "detail": "taken", "scimType": "uniqueness"}, status=409)
        rsps.add(responses.GET, USERS, json={"Resources": []})
        with pytest.raises(ConflictError) as caught:
            ensure_user(client, "jane@acme.example", {"email": "jane@acme.example"})
        assert caught.value.scim_type == "uniqueness" and caught.value.status == 409
        assert "taken" in str(caught.value)


def test_ensure_user_absent_missing_and_present(client):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, USERS, json={"Resources": []})
        assert ensure_user(client, "x", {}, state="absent")["changed"] is False
        rsps.add(responses.GET, USERS, json={"Resources": [_user()]})
        rsps.add(responses.DELETE, USERS + "/u-1", status=204)
        result = ensure_user(client, "jane@acme.example", {}, state="absent")
        assert result["changed"] is True and result["diff"]["after"] == {}
