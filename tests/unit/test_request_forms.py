# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request-form check itself: the normaliser, the parser of docs/api-requests.md, the matching, and the lists of
undocumented forms and of rows no test exercised (``request_forms``; the recorder is ``conftest.py``)."""

from __future__ import annotations

import pytest

from ansible_collections.accessops.atlassian.tests.unit import request_forms as forms

TABLE = """
| method | path | query keys | filter fields | body keys | source | sent by |
| --- | --- | --- | --- | --- | --- | --- |
| GET | `/2.0/workspaces/{workspace}/members` | `pagelen`, `q`, `fields` | `user.email` | - | **spec** | members_by_email |
| GET | `/2.0/workspaces/{workspace}/members/{member}` | - | - | - | **spec** | members_listed |
| POST | `/admin/v2/orgs/{orgId}/users/invite` | - | - | `emails`, `sendNotification`, `additionalGroups?` | **spec** | invite |
| GET | `/scim/directory/{directoryId}/Users` | `filter`, `startIndex?`, `count?` | `userName` | - | **spec** | find_user |

| method | path | other table |
| --- | --- | --- |
| GET | `/not/a/form` | ignored |
"""


def test_bbql_fields_are_the_compared_names_never_the_strings():
    query = (
        'permission = "owner" OR user.account_id IN ("a = b", "c\\" IN (x") AND repository.full_name != "x" '
        'AND NOT size >= 3 and name ~ "AND"'
    )
    assert forms.bbql_fields(query) == ("name", "permission", "repository.full_name", "size", "user.account_id")
    assert forms.bbql_fields('user.uuid NOT IN ("{u}")') == ("user.uuid",)
    assert forms.bbql_fields("") == ()


def test_scim_filter_attributes():
    assert forms.scim_fields('userName eq "a eq b"') == ("userName",)
    assert forms.scim_fields('externalId eq "x" and emails.value co "y"') == ("emails.value", "externalId")


@pytest.mark.parametrize(
    "url, body, content_type, expected",
    [
        (
            "https://api.bitbucket.org/2.0/workspaces/acme/members?q=user.email+IN+%28%22a%40x%22%29&fields=%2Bvalues.user.email"
            "&pagelen=100",
            None,
            None,
            ("GET", "/2.0/workspaces/acme/members", ("fields", "pagelen", "q"), ("user.email",), ()),
        ),
        (
            "https://api.atlassian.com/scim/directory/d/Users?filter=userName%20eq%20%22a%40x%22&startIndex=1&count=100",
            None,
            None,
            ("GET", "/scim/directory/d/Users", ("count", "filter", "startIndex"), ("userName",), ()),
        ),
        (
            "https://api.atlassian.com/admin/v2/orgs/o/users/invite",
            b'{"emails": ["a@x"], "sendNotification": true}',
            "application/json",
            ("GET", "/admin/v2/orgs/o/users/invite", (), (), ("emails", "sendNotification")),
        ),
        (
            "https://bitbucket.org/site/oauth2/access_token",
            "grant_type=client_credentials",
            "application/x-www-form-urlencoded",
            ("GET", "/site/oauth2/access_token", (), (), ("grant_type",)),
        ),
        ("https://h/x", b"[1, 2]", "application/json", ("GET", "/x", (), (), ("<JSON list>",))),
        ("https://h/x", b"not json", "text/plain", ("GET", "/x", (), (), ("<not JSON>",))),
    ],
)
def test_normalise(url, body, content_type, expected):
    form = forms.normalise("get", url, body, content_type)
    assert (form.method, form.path, form.query, form.fields, form.body) == expected
    assert form.link is False


def test_parse_table_reads_rows_of_the_forms_table_only():
    rows = forms.parse_table(TABLE)
    assert [(r.method, r.template) for r in rows] == [
        ("GET", "/2.0/workspaces/{workspace}/members"),
        ("GET", "/2.0/workspaces/{workspace}/members/{member}"),
        ("POST", "/admin/v2/orgs/{orgId}/users/invite"),
        ("GET", "/scim/directory/{directoryId}/Users"),
    ]
    assert rows[0].query == forms.Keys(frozenset({"pagelen", "q", "fields"}), frozenset())
    assert rows[2].body == forms.Keys(frozenset({"emails", "sendNotification"}), frozenset({"additionalGroups"}))
    assert rows[1].query == forms.Keys(frozenset(), frozenset()) and rows[1].line == 5


@pytest.mark.parametrize(
    "line",
    [
        "| GET | `/2.0/x` | - | - | - | spec |",  # a cell short
        "| get me | `/2.0/x` | - | - | - | spec | code |",  # no method
        "| GET | 2.0/x | - | - | - | spec | code |",  # no path template
    ],
)
def test_parse_table_refuses_a_broken_row(line):
    with pytest.raises(ValueError, match="line 3"):
        forms.parse_table(TABLE.split("\n| GET", maxsplit=1)[0].strip() + "\n" + line)


def test_matching_required_optional_and_link_forms():
    rows = forms.parse_table(TABLE)
    sent = forms.normalise(
        "GET", "https://api.bitbucket.org/2.0/workspaces/acme/members?q=user.uuid+IN+%28%22u%22%29&pagelen=100"
    )
    assert not any(forms.matches(r, sent) for r in rows)  # the undocumented filter of /members
    email = forms.normalise("GET", "https://h/2.0/workspaces/acme/members?q=user.email%3D%22a%22&pagelen=1&fields=x")
    assert forms.matches(rows[0], email)
    behind_a_proxy = forms.normalise("GET", "https://h/bitbucket/2.0/workspaces/acme/members/557058:a")
    assert forms.matches(rows[1], behind_a_proxy) and not forms.matches(rows[0], behind_a_proxy)
    invite_url = "https://h/admin/v2/orgs/o/users/invite"
    invite = forms.normalise(
        "POST", invite_url, b'{"emails": [], "sendNotification": 1, "additionalGroups": []}', "application/json"
    )
    assert forms.matches(rows[2], invite)
    for body in (b'{"emails": []}', b'{"emails": [], "sendNotification": 1, "notificationText": ""}'):
        assert not forms.matches(rows[2], forms.normalise("POST", invite_url, body, "application/json"))
    page_two = forms.normalise("GET", "https://h/2.0/workspaces/acme/members?page=2&whatever=1", link=True)
    assert forms.matches(rows[0], page_two)
    assert not forms.matches(rows[0], forms.normalise("DELETE", "https://h/2.0/workspaces/acme/members", link=True))


def test_undocumented_and_unexercised_are_listed():
    rows = forms.parse_table(TABLE)
    recorded = {
        forms.normalise("GET", "https://h/2.0/workspaces/acme/members?q=user.uuid+IN+%28%22u%22%29&pagelen=100"): ["t1"],
        forms.normalise("GET", "https://h/2.0/workspaces/acme/members/557058:a"): ["t2", "t3"],
        forms.normalise("GET", "https://h/2.0/elsewhere"): ["t4", "t4"],
        forms.normalise("DELETE", "https://h/admin/v2/orgs/o/users/invite", link=True): ["t5"],
    }
    assert forms.undocumented(recorded, rows) == {
        "GET /2.0/elsewhere": ["t4"],
        "GET /2.0/workspaces/{workspace}/members query: pagelen, q filter fields: user.uuid": ["t1"],
        "DELETE /admin/v2/orgs/{orgId}/users/invite (a link the server gave)": ["t5"],
    }
    # a followed link exercises no row: the invite row is still listed
    assert [r.template for r in forms.unexercised(recorded, rows)] == [
        "/2.0/workspaces/{workspace}/members",
        "/admin/v2/orgs/{orgId}/users/invite",
        "/scim/directory/{directoryId}/Users",
    ]


def test_the_real_table_parses_and_keeps_the_admin_part_delimited():
    text = forms.TABLE.read_text(encoding="utf-8")
    rows = forms.parse_table(text)
    keys = [(r.method, r.template, r.query, r.fields, r.body) for r in rows]
    assert len(keys) == len(set(keys)), "a row is listed twice"
    assert all(r.source.strip() and r.sender.strip() for r in rows)
    begin, end = text.index("<!-- BEGIN ADMIN API FORMS"), text.index("<!-- END ADMIN API FORMS -->")
    admin = [r for r in rows if r.template.startswith("/admin/")]
    assert admin and all(text.count("\n", 0, begin) < r.line <= text.count("\n", 0, end) for r in admin)
    assert {r.template.split("/")[1] for r in rows} == {"2.0", "site", "scim", "admin", "users"}
    # the filters the spec states on /workspaces/{workspace}/members are the email filter only
    members = [r for r in rows if r.template == "/2.0/workspaces/{workspace}/members"]
    assert {f for r in members for f in r.fields.required | r.fields.optional} == {"user.email"}
