# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""workspace_access_declared: the declared file read from its text, normalized with its lines, and every problem
named as ``<file>:<line>: <problem>``; the examples of docs/workspace_access.md against its JSON Schema."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.filter.workspace_access_declared import workspace_access_declared
from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.declared import DeclaredError, declared
from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.source import plain

DOCS = Path(__file__).resolve().parents[4] / "docs"
SCHEMA = json.loads((DOCS / "workspace_access.schema.json").read_text(encoding="utf-8"))

EXAMPLE = """\
workspace: acme
defaults: {exclusive: false}
exempt: [ci-bot@acme.example, "557058:abc"]
guardrails: {min_admins: 1, require_caller_admin: true, max_removals: "10%"}
repositories:
  infra-core:
    exclusive: true
    users:
      jane@acme.example: write
      Bob@Acme.example: {level: admin, expires: 2027-03-31, reason: on call, ticket: OPS-12}
    groups:
      developers: write
projects:
  INFRA:
    users: {"557058:abc": create-repo}
    groups: {developers: {level: read, expires: "2027-01-01"}}
groups:
  bitbucket-users-acme:
    exclusive: false
    members: [jane@acme.example, "557058:abc", {user: dave@acme.example, expires: 2027-02-01 10:00:00, ticket: 7}]
"""


def errors_of(text, file="workspace_access_file"):
    with pytest.raises(DeclaredError) as caught:
        declared(text, file)
    return caught.value.errors


def test_the_example_normalized():
    found = workspace_access_declared(EXAMPLE)
    assert found == {
        "file": "workspace_access_file",
        "workspace": "acme",
        "line": 1,
        "lines": {"workspace": 1, "defaults": 2, "exempt": 3, "guardrails": 4, "repositories": 5, "projects": 13, "groups": 17},
        "defaults": {"exclusive": False, "line": 2},
        "exempt": [
            {"user": "557058:abc", "email": None, "account_id": "557058:abc", "line": 3},
            {"user": "ci-bot@acme.example", "email": "ci-bot@acme.example", "account_id": None, "line": 3},
        ],
        "guardrails": {
            "min_admins": 1,
            "require_caller_admin": True,
            "max_removals": 10,
            "max_removals_percent": True,
            "lines": {"min_admins": 4, "require_caller_admin": 4, "max_removals": 4},
        },
        "repositories": [
            {
                "slug": "infra-core",
                "line": 6,
                "exclusive": True,
                "exclusive_line": 7,
                "exclusive_by": "section",
                "users": [
                    {
                        "user": "Bob@Acme.example",
                        "email": "bob@acme.example",
                        "account_id": None,
                        "line": 10,
                        "level": "admin",
                        "expires": "2027-03-31",
                        "reason": "on call",
                        "ticket": "OPS-12",
                    },
                    {
                        "user": "jane@acme.example",
                        "email": "jane@acme.example",
                        "account_id": None,
                        "line": 9,
                        "level": "write",
                        "expires": None,
                        "reason": None,
                        "ticket": None,
                    },
                ],
                "groups": [{"slug": "developers", "line": 12, "level": "write", "expires": None, "reason": None, "ticket": None}],
            }
        ],
        "projects": [
            {
                "key": "INFRA",
                "line": 14,
                "exclusive": False,
                "exclusive_line": 2,
                "exclusive_by": "defaults",
                "users": [
                    {
                        "user": "557058:abc",
                        "email": None,
                        "account_id": "557058:abc",
                        "line": 15,
                        "level": "create-repo",
                        "expires": None,
                        "reason": None,
                        "ticket": None,
                    }
                ],
                "groups": [
                    {"slug": "developers", "line": 16, "level": "read", "expires": "2027-01-01", "reason": None, "ticket": None}
                ],
            }
        ],
        "groups": [
            {
                "name": "bitbucket-users-acme",
                "line": 18,
                "exclusive": False,
                "exclusive_line": 19,
                "exclusive_by": "section",
                "members": [
                    {
                        "user": "557058:abc",
                        "email": None,
                        "account_id": "557058:abc",
                        "expires": None,
                        "reason": None,
                        "ticket": None,
                        "line": 20,
                    },
                    {
                        "user": "dave@acme.example",
                        "email": "dave@acme.example",
                        "account_id": None,
                        "expires": "2027-02-01",
                        "reason": None,
                        "ticket": "7",
                        "line": 20,
                    },
                    {
                        "user": "jane@acme.example",
                        "email": "jane@acme.example",
                        "account_id": None,
                        "expires": None,
                        "reason": None,
                        "ticket": None,
                        "line": 20,
                    },
                ],
            }
        ],
        "emails": ["bob@acme.example", "ci-bot@acme.example", "dave@acme.example", "jane@acme.example"],
    }
    # plain data only: JSON as it is
    assert json.loads(json.dumps(found)) == found


def test_a_minimal_file_has_the_defaults():
    found = declared("workspace: acme\n")
    assert found["defaults"] == {"exclusive": False, "line": None}
    assert found["guardrails"] == {
        "min_admins": 1,
        "require_caller_admin": True,
        "max_removals": None,
        "max_removals_percent": False,
        "lines": {"min_admins": None, "require_caller_admin": None, "max_removals": None},
    }
    assert (found["repositories"], found["projects"], found["groups"], found["exempt"], found["emails"]) == ([], [], None, [], [])
    assert declared("workspace: acme\ngroups: {}\n")["groups"] == []
    assert declared("workspace: acme\ngroups:\n")["groups"] == []
    section = declared("workspace: acme\ndefaults:\n  exclusive: true\nrepositories:\n  web:\n")["repositories"][0]
    assert section == {
        "slug": "web",
        "line": 5,
        "exclusive": True,
        "exclusive_line": 3,
        "exclusive_by": "defaults",
        "users": [],
        "groups": [],
    }


@pytest.mark.parametrize("limit, value", [(0, (0, False)), (25, (25, False)), ("0%", (0, True)), (" 100 % ", (100, True))])
def test_max_removals_takes_a_number_or_a_percentage(limit, value):
    rails = declared("workspace: acme\nguardrails:\n  max_removals: %s\n" % json.dumps(limit))["guardrails"]
    assert (rails["max_removals"], rails["max_removals_percent"]) == value


@pytest.mark.parametrize(
    "text, error",
    [
        ("- a\n- b\n", "workspace_access_file:1: the file must be a mapping (workspace, repositories, ...), got a list"),
        ("", "workspace_access_file:1: the file must be a mapping (workspace, repositories, ...), got nothing"),
        ("just text\n", "workspace_access_file:1: the file must be a mapping (workspace, repositories, ...), got 'just text'"),
        (
            "workspace: acme\nrepositories:\n  web: [\n",
            "workspace_access_file:4: not valid YAML: while parsing a flow node expected the node content, but found '<stream end>'",
        ),
        (
            "workspace: acme\n---\nworkspace: b\n",
            "workspace_access_file:2: not valid YAML: expected a single document in the stream but found another document",
        ),
        (
            "workspace: acme\nrepository: {}\n",
            "workspace_access_file:2: unknown top-level key 'repository' (allowed: workspace, defaults, exempt, guardrails, repositories, projects, groups)",
        ),
        ("repositories: {}\n", "workspace_access_file:1: workspace must be the workspace's slug (text), got nothing"),
        (
            "workspace: acme\ndefaults: {exclusive: yes please}\n",
            "workspace_access_file:2: defaults.exclusive must be true or false, got 'yes please'",
        ),
        (
            "workspace: acme\ndefaults: {exclusiv: true}\n",
            "workspace_access_file:2: unknown key 'exclusiv' in defaults (allowed: exclusive)",
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    user: {}\n",
            "workspace_access_file:4: unknown key 'user' in repositories.web (allowed: exclusive, users, groups)",
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    users:\n      jane@acme.example: writ\n",
            "workspace_access_file:5: repositories.web.users.jane@acme.example: bad level 'writ' (one of read, write, admin)",
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    users:\n      jane@acme.example: create-repo\n",
            "workspace_access_file:5: repositories.web.users.jane@acme.example: bad level 'create-repo' (one of read, write, admin)",
        ),
        (
            "workspace: acme\nprojects:\n  WEB:\n    groups:\n      devs:\n        level: owner\n",
            "workspace_access_file:6: projects.WEB.groups.devs: bad level 'owner' (one of read, write, create-repo, admin)",
        ),
        (
            "workspace: acme\nprojects:\n  WEB:\n    groups:\n      devs: {expires: 2027-01-01}\n",
            "workspace_access_file:5: projects.WEB.groups.devs: a level is needed (one of read, write, create-repo, admin)",
        ),
        (
            "workspace: acme\nprojects:\n  WEB:\n    users:\n      jane@acme.example: {level: read, until: 2027-01-01}\n",
            "workspace_access_file:5: unknown key 'until' in projects.WEB.users.jane@acme.example (allowed: level, expires, reason, ticket)",
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    users:\n      jane@acme.example:\n        level: read\n        expires: 2027-02-30\n",
            "workspace_access_file:7: repositories.web.users.jane@acme.example.expires must be a date (YYYY-MM-DD), got '2027-02-30'",
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    users:\n      jane@acme.example: {level: read, expires: next week}\n",
            "workspace_access_file:5: repositories.web.users.jane@acme.example.expires must be a date (YYYY-MM-DD), got 'next week'",
        ),
        (
            "workspace: acme\nguardrails: {max_removals: ten}\n",
            "workspace_access_file:2: guardrails.max_removals must be a whole number >= 0 or a percentage (\"10%\"), got 'ten'",
        ),
        (
            "workspace: acme\nguardrails: {max_removals: 150%}\n",
            "workspace_access_file:2: guardrails.max_removals must be a whole number >= 0 or a percentage (\"10%\"), got '150%'",
        ),
        (
            "workspace: acme\nguardrails: {max_removals: -1}\n",
            'workspace_access_file:2: guardrails.max_removals must be a whole number >= 0 or a percentage ("10%"), got -1',
        ),
        (
            "workspace: acme\nguardrails: {max_removals: true}\n",
            'workspace_access_file:2: guardrails.max_removals must be a whole number >= 0 or a percentage ("10%"), got True',
        ),
        (
            "workspace: acme\nguardrails: {min_admins: one}\n",
            "workspace_access_file:2: guardrails.min_admins must be a whole number >= 0, got 'one'",
        ),
        (
            "workspace: acme\nguardrails: {max_admins: 1}\n",
            "workspace_access_file:2: unknown key 'max_admins' in guardrails (allowed: min_admins, require_caller_admin, max_removals)",
        ),
        (
            "workspace: acme\nrepositories:\n  web: {}\n  infra: {}\n  web: {exclusive: true}\n",
            "workspace_access_file:5: the key 'web' is given twice (lines 3 and 5)",
        ),
        (
            "workspace: acme\nrepositories:\n  web: {}\n  Web: {}\n",
            "workspace_access_file:4: the repository Web is declared twice (as web line 3 and Web line 4)",
        ),
        (
            "workspace: acme\nprojects:\n  WEB: {}\n  web: {}\n",
            "workspace_access_file:4: the project web is declared twice (as WEB line 3 and web line 4)",
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    users:\n      jane@acme.example: read\n      Jane@Acme.example: write\n",
            "workspace_access_file:6: repositories.web: Jane@Acme.example is declared twice (lines 5 and 6)",
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    groups:\n      devs: read\n      DEVS: write\n",
            "workspace_access_file:6: repositories.web: the group DEVS is declared twice (lines 5 and 6)",
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    users:\n      557058:12: read\n",
            "workspace_access_file:5: repositories.web.users: the user 33423492 must be an email or an account id, as text"
            ' (quote an account id: "557058:...")',
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    users:\n      jane@: read\n",
            "workspace_access_file:5: repositories.web.users: 'jane@' is no email address",
        ),
        ('workspace: acme\nexempt: ["a b"]\n', "workspace_access_file:2: exempt: 'a b' is neither an email nor an account id"),
        (
            "workspace: acme\nexempt: ci-bot@acme.example\n",
            "workspace_access_file:2: exempt must be a list of emails and account ids, got 'ci-bot@acme.example'",
        ),
        (
            "workspace: acme\ngroups:\n  g: {members: jane@acme.example}\n",
            "workspace_access_file:3: groups.g.members must be a list, got 'jane@acme.example'",
        ),
        (
            "workspace: acme\ngroups:\n  g:\n    members:\n      - jane@acme.example\n      - JANE@acme.example\n",
            "workspace_access_file:6: groups.g: JANE@acme.example is listed twice (lines 5 and 6)",
        ),
        (
            "workspace: acme\ngroups:\n  g:\n    members:\n      - {expires: 2027-01-01}\n",
            "workspace_access_file:5: groups.g.members: a member mapping needs user (an email or an account id)",
        ),
        (
            "workspace: acme\ngroups:\n  g: {}\n  G: {}\n",
            "workspace_access_file:4: the group G is declared twice (as g line 3 and G line 4)",
        ),
        ("workspace: acme\ngroups:\n  yes: {}\n", "workspace_access_file:3: groups: True is no group name (quote it)"),
        (
            "workspace: acme\nrepositories:\n  [a, b]: {}\n",
            "workspace_access_file:3: a mapping key must be a single value, not a list or mapping",
        ),
        (
            "workspace: acme\nrepositories:\n  web: [jane@acme.example]\n",
            "workspace_access_file:3: repositories.web must be a mapping, got a list",
        ),
        (
            "workspace: acme\nrepositories:\n  web:\n    users:\n      jane@acme.example: {level: read, reason: [a]}\n",
            "workspace_access_file:5: repositories.web.users.jane@acme.example.reason must be text, got a list",
        ),
    ],
)
def test_each_problem_names_its_line(text, error):
    assert errors_of(text) == [error]


def test_every_problem_is_reported_in_line_order_and_names_the_file():
    text = "workspace: acme\nrepositories:\n  web:\n    users:\n      a@b.example: writ\n  web: {}\nnope: 1\n"
    assert errors_of(text, "access/acme.yml") == [
        "access/acme.yml:5: repositories.web.users.a@b.example: bad level 'writ' (one of read, write, admin)",
        "access/acme.yml:6: the key 'web' is given twice (lines 3 and 6)",
        "access/acme.yml:7: unknown top-level key 'nope' (allowed: workspace, defaults, exempt, guardrails, repositories, projects, groups)",
    ]
    with pytest.raises(AnsibleFilterError) as caught:
        workspace_access_declared(text, file="access/acme.yml")
    assert str(caught.value).startswith("access/acme.yml:5: ")
    with pytest.raises(AnsibleFilterError, match=r"^workspace_access_file:1: the file content must be text, got NoneType"):
        workspace_access_declared(None)


def test_dates_may_be_yaml_dates_datetimes_or_text():
    text = "workspace: acme\nrepositories:\n  web:\n    users:\n      a@b.example: {level: read, expires: %s}\n"
    for value in ("2027-03-31", "'2027-03-31'", "2027-03-31T10:00:00Z", "2027-03-31 23:59:59"):
        assert declared(text % value)["repositories"][0]["users"][0]["expires"] == "2027-03-31"


def test_merge_keys_are_no_duplicates():
    text = "workspace: acme\nrepositories:\n  web: &base\n    users: {a@b.example: read}\n  infra:\n    <<: *base\n    exclusive: true\n"
    found = declared(text)["repositories"]
    assert [(t["slug"], t["exclusive"], [u["level"] for u in t["users"]]) for t in found] == [
        ("infra", True, ["read"]),
        ("web", False, ["read"]),
    ]


def test_plain_makes_json_values():
    assert plain({"a": [datetime.date(2027, 1, 2), datetime.datetime(2027, 1, 2, 3, 4)]}) == {"a": ["2027-01-02", "2027-01-02"]}


# --- docs/workspace_access.md ------------------------------------------------------------------------------------


def doc_files():
    return re.findall(r"```yaml\n(.*?)```", (DOCS / "workspace_access.md").read_text(encoding="utf-8"), re.S)


def test_the_schema_is_a_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("text", doc_files())
def test_each_file_of_the_docs_is_valid_for_the_schema_and_the_filter(text):
    jsonschema.validate(plain(yaml.safe_load(text)), SCHEMA, cls=jsonschema.Draft202012Validator)
    assert declared(text)["workspace"] == "acme"


def test_the_docs_show_a_file():
    assert len(doc_files()) >= 1


@pytest.mark.parametrize(
    "text",
    [
        "repositories: {}\n",
        "workspace: acme\nrepository: {}\n",
        "workspace: acme\nrepositories:\n  web:\n    users: {a@b.example: owner}\n",
        "workspace: acme\nprojects:\n  WEB:\n    users: {a@b.example: {level: read, until: 2027-01-01}}\n",
        "workspace: acme\nguardrails: {max_removals: ten}\n",
        "workspace: acme\ngroups:\n  g: {members: [{expires: 2027-01-01}]}\n",
    ],
)
def test_the_schema_refuses_what_the_filter_refuses(text):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(plain(yaml.safe_load(text)), SCHEMA, cls=jsonschema.Draft202012Validator)
    with pytest.raises(DeclaredError):
        declared(text)
