# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bad-input suite: every case of bad_input_cases.py run through a module's main(), in-process.

Each case must fail cleanly (a fail_json result whose ``msg`` names the option, no traceback), send no HTTP request
(or, for ``fail-no-writes`` cases, no write), and leave no secret, nor 8 characters of one, anywhere in the result.

The harness (``run_case`` and ``problems``) is also what tests/reliability/gen_reliability.py uses to render the table
of docs/reliability.md.

How a case runs:

* ``fail_json`` and ``exit_json`` are ansible-core's own: the result is the one Ansible would receive (``invocation``
  added, no_log values masked by ansible-core), caught at ``AnsibleModule._record_module_result`` instead of being
  printed;
* every HTTP request is recorded at ``requests.Session.request`` (so an attempt that requests itself refuses, such as
  a ``file://`` URL, counts too), then answered by ``responses`` as an empty workspace / empty directory would answer;
* no environment variable of the caller (BITBUCKET_*, ATLASSIAN_SCIM_*, ATLASSIAN_ADMIN_*, ATLASSIAN_ORG_ID, CA bundles) and no real sleeping.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import uuid
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from ansible.module_utils import basic
from ansible.module_utils.common import json as ansible_json
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bad_input_cases import (
    CASES,
    EXPECTATIONS,
    FAIL,
    FAIL_NO_WRITES,
    MODULES,
    OK,
    SECRETS,
)

MODULE_PACKAGE = "ansible_collections.accessops.atlassian.plugins.modules."
WRITE_METHODS = ("PUT", "POST", "PATCH", "DELETE")
NO_LOG_OPTIONS = ("api_token", "access_token", "client_secret", "scim_token", "admin_api_key")
PIECE = 8  # no piece of a secret this long may appear in a result

WORKSPACE = "acme"
REPOSITORIES = ("infra-core", "infra-api")


def _user(name):
    return {
        "type": "user",
        "account_id": "557058:" + name,
        "uuid": "{%s}" % uuid.uuid5(uuid.NAMESPACE_URL, name),
        "display_name": name.capitalize(),
        "nickname": name,
    }


CALLER = _user("admin")
# The fake workspace: the caller (admin), an owner and three developers (dev1..dev3, email <name>@acme.example).
MEMBERS = [("admin", "member"), ("owner", "owner"), ("dev1", "member"), ("dev2", "member"), ("dev3", "collaborator")]
SCIM_LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


class ModuleResult(BaseException):
    """Raised instead of printing the module's result (fail_json or exit_json); a BaseException like SystemExit,
    so that no ``except Exception`` of the module can swallow it."""

    def __init__(self, result):
        super().__init__("module result")
        self.result = result


def _record_module_result(self, result):  # pylint: disable=unused-argument
    encoder = ansible_json.get_module_encoder("legacy", ansible_json.Direction.MODULE_TO_CONTROLLER)
    raise ModuleResult(json.loads(json.dumps(result, cls=encoder)))


def _json(status, body):
    return status, {"Content-Type": "application/json"}, json.dumps(body)


def _membership(name, permission):
    user = dict(_user(name), email="%s@acme.example" % name)
    return {
        "type": "workspace_membership",
        "permission": permission,
        "user": user,
        "workspace": {"type": "workspace", "slug": WORKSPACE},
    }


_FIELDS = {
    "user.account_id": lambda e: e["user"]["account_id"],
    "user.uuid": lambda e: e["user"]["uuid"],
    "user.email": lambda e: e["user"]["email"],
    "permission": lambda e: e["permission"],
}


def _atom(entry, atom):
    """One BBQL comparison (``field IN ("a","b")``, ``field = "a"``, ``field != "a"``); True for what it cannot read."""
    found = re.match(r"\s*\(?\s*([\w.]+)\s*(IN|!=|=)\s*(.*)$", atom)
    if not found or found.group(1) not in _FIELDS:
        return True
    field, operator, rest = found.groups()
    values = [v.lower() for v in re.findall(r'"((?:[^"\\]|\\.)*)"', rest)]
    present = _FIELDS[field](entry).lower() in values
    return not present if operator == "!=" else present


def _members(query):
    """The memberships of the fake workspace that a BBQL ``q`` (OR of ANDs of comparisons) selects."""
    q = (parse_qs(query).get("q") or [""])[0]
    selected = []
    for name, permission in MEMBERS:
        entry = _membership(name, permission)
        if not q.strip() or any(
            all(_atom(entry, atom) for atom in re.split(r"\s+AND\s+", clause)) for clause in re.split(r"\s+OR\s+", q)
        ):
            selected.append(entry)
    return selected


def _not_found(what):
    return _json(404, {"type": "error", "error": {"message": "%s not found" % what}})


def _answer(request):
    """The fake servers (only reached when a case sends a request): the Bitbucket workspace ``acme`` (MEMBERS,
    repositories REPOSITORIES without any explicit permission) and an empty SCIM directory."""
    parts = urlsplit(request.url)
    segments = [s for s in parts.path.split("/") if s]
    if request.method == "POST" and "oauth2" in parts.path:
        return _json(401, {"error": "invalid_client", "error_description": "unknown consumer"})
    if request.method == "DELETE":
        return 204, {}, ""
    if request.method != "GET":
        return _json(200, {})
    if "scim" in segments:
        return _json(200, {"schemas": [SCIM_LIST], "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []})
    rest = segments[1:] if segments[:1] == ["2.0"] else segments
    if rest == ["user"]:
        return _json(200, CALLER)
    if rest == ["user", "emails"]:
        return _json(
            200,
            {
                "pagelen": 100,
                "values": [{"type": "email", "email": "admin@acme.example", "is_primary": True, "is_confirmed": True}],
            },
        )
    if len(rest) >= 2 and rest[0] in ("workspaces", "repositories") and rest[1] != WORKSPACE:
        return _not_found("Workspace")
    if len(rest) == 3 and rest[0] == "workspaces" and rest[2] in ("permissions", "members"):
        return _json(200, {"pagelen": 100, "values": _members(parts.query)})
    if len(rest) >= 3 and rest[0] == "repositories":
        if rest[2] not in REPOSITORIES:
            return _not_found("Repository")
        if len(rest) == 3:
            return _json(
                200,
                {
                    "type": "repository",
                    "slug": rest[2],
                    "name": rest[2],
                    "full_name": "%s/%s" % (WORKSPACE, rest[2]),
                    "workspace": {"type": "workspace", "slug": WORKSPACE},
                },
            )
        if len(rest) == 6 and rest[3:5] == ["permissions-config", "users"]:
            return _not_found("Explicit permission")
    if len(rest) == 7 and rest[0] == "workspaces" and rest[2] == "projects" and rest[4] == "permissions-config":
        return _not_found("Explicit permission")
    return _json(200, {"pagelen": 100, "values": []})


def run_case(case):
    """Run ``case``; return a dict: ``result`` (the module's result, None when main() raised), ``failed``,
    ``requests`` ([(METHOD, URL)] attempted) and ``crash`` (``"Type: message"`` when main() raised anything else)."""
    module = importlib.import_module(MODULE_PACKAGE + case["module"])
    attempted = []
    real_request = requests.Session.request

    def recording_request(session, method, url, *args, **kwargs):
        attempted.append((str(method).upper(), str(url)))
        return real_request(session, method, url, *args, **kwargs)

    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BITBUCKET_", "ATLASSIAN_SCIM_", "ATLASSIAN_ADMIN_", "ATLASSIAN_ORG_ID"))
        and k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
    }
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
    ansible_warnings._global_deprecations.clear()  # pylint: disable=protected-access
    outcome = {"result": None, "failed": None, "requests": attempted, "crash": None}
    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as rsps,
        mock.patch.dict(os.environ, environ, clear=True),
        mock.patch.object(requests.Session, "request", recording_request),
        mock.patch("time.sleep", lambda seconds: None),
        mock.patch.object(basic.AnsibleModule, "_record_module_result", _record_module_result),
        patch_module_args(dict(case["args"])),
    ):
        for method in ("GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"):
            rsps.add_callback(method, re.compile(r".*"), callback=_answer)
        try:
            module.main()
        except ModuleResult as done:
            outcome["result"] = done.result
            outcome["failed"] = done.result.get("failed") is True
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # pylint: disable=broad-except
            outcome["crash"] = "%s: %s" % (type(exc).__name__, exc)
        else:
            outcome["crash"] = "main() returned without exit_json or fail_json"
    return outcome


def secret_pieces(text, secrets=None):
    """[(secret name, piece)]: the pieces of PIECE characters of each secret found in ``text``."""
    found = []
    for name, secret in sorted((secrets or SECRETS).items()):
        for start in range(len(secret) - PIECE + 1):
            piece = secret[start : start + PIECE]
            if piece in text:
                found.append((name, piece))
                break
    return found


def problems(case, outcome):
    """What the outcome breaks of the case's contract: a list of ``(category, detail)``, empty when it is met."""
    found = []
    result, failed, attempted = outcome["result"], outcome["failed"], outcome["requests"]
    if outcome["crash"] is not None:
        found.append(("traceback", "main() raised %s" % outcome["crash"][:300]))
    if result is not None:
        text = json.dumps(result, sort_keys=True, default=str)
        if "Traceback" in text:
            found.append(("traceback", "the result holds a Traceback"))
        if case["expect"] in (FAIL, FAIL_NO_WRITES):
            msg = result.get("msg")
            if not failed:
                found.append(("no failure", "the module did not fail (changed=%s)" % result.get("changed")))
            elif not isinstance(msg, str) or case["option"] not in msg:
                found.append(("msg lacks option", "msg does not name %s" % case["option"]))
        elif failed:
            found.append(("unexpected failure", "valid input, yet the module failed"))
        invocation = json.dumps(result.get("invocation"), sort_keys=True, default=str)
        rest = json.dumps({k: v for k, v in result.items() if k != "invocation"}, sort_keys=True, default=str)
        for name, _piece in secret_pieces(invocation):
            found.append(("secret in invocation", "%s (%d+ characters of it) in invocation" % (name, PIECE)))
        for name, _piece in secret_pieces(rest):
            found.append(("secret in result", "%s (%d+ characters of it) in the result" % (name, PIECE)))
    writes = [r for r in attempted if r[0] in WRITE_METHODS]
    if case["expect"] == FAIL and attempted:
        found.append(("request sent", "%d request(s) sent, first %s" % (len(attempted), _request_text(attempted[0]))))
    elif case["expect"] in (FAIL_NO_WRITES, OK) and writes:
        found.append(("write sent", "%d write(s) sent, first %s" % (len(writes), _request_text(writes[0]))))
    return found


def _request_text(request):
    method, url = request
    parts = urlsplit(url)
    return "%s %s" % (method, (parts.path or url)[:60])


def _params():
    params = []
    for case in CASES:
        marks = ()
        if case["known_limit"]:
            marks = (pytest.mark.xfail(strict=True, reason=case["known_limit"]),)
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_bad_input(case):
    outcome = run_case(case)
    found = problems(case, outcome)
    msg = (outcome["result"] or {}).get("msg")
    assert not found, "%s: %s (msg: %r)" % (case["id"], "; ".join("%s: %s" % p for p in found), msg)


def test_the_table_covers_every_module_and_is_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(CASES) >= 70
    assert {c["module"] for c in CASES} == set(MODULES.values())
    for case in CASES:
        assert case["expect"] in EXPECTATIONS, case["id"]
        module = importlib.import_module(MODULE_PACKAGE + case["module"])
        spec = module.argument_spec() if hasattr(module, "argument_spec") else None
        if spec is not None:
            assert case["option"] in spec or case["option"] in case["set"], case["id"]
    assert sum(1 for c in CASES if c["expect"] == OK) <= 5, "controls are few"


def test_secrets_share_no_piece_with_each_other_nor_with_other_inputs():
    """Else a finding would blame the wrong secret, or an input would be taken for a leak."""
    for name, secret in SECRETS.items():
        others = {k: v for k, v in SECRETS.items() if k != name}
        assert secret_pieces(secret, others) == [], name
    for case in CASES:
        for key, value in case["args"].items():
            if key in NO_LOG_OPTIONS:
                continue
            text = json.dumps(value).replace(SECRETS["url_password"], "")
            assert secret_pieces(text) == [], (case["id"], key)


def test_the_harness_sees_requests_writes_and_secrets():
    """The checks can fail: a valid grant sends requests and a write, and a secret piece is found."""
    case = {
        "id": "control",
        "module": "bitbucket_repo_permission",
        "option": "user",
        "expect": FAIL,
        "args": {
            "username": "admin@acme.example",
            "api_token": SECRETS["api_token"],
            "workspace": "acme",
            "repository": "infra-core",
            "user": "557058:dev1",
            "permission": "write",
        },
    }
    outcome = run_case(case)
    assert outcome["requests"], "a valid task must reach the fake server"
    categories = [p[0] for p in problems(case, outcome)]
    assert "request sent" in categories
    assert "write sent" in [p[0] for p in problems(dict(case, expect=FAIL_NO_WRITES), outcome)]
    assert secret_pieces("xx" + SECRETS["scim_token"][3:12] + "yy") == [("scim_token", SECRETS["scim_token"][3:11])]
    assert secret_pieces("a harmless message about api_token and scim_token") == []


def _generator():
    """tests/reliability/gen_reliability.py of the collection this test file belongs to."""
    root = Path(__file__).resolve().parents[4]
    path = root / "tests" / "reliability" / "gen_reliability.py"
    spec = importlib.util.spec_from_file_location("gen_reliability", str(path))
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    return root, generator


def test_docs_reliability_table_is_up_to_date(capsys):
    root, generator = _generator()
    doc = root / "docs" / "reliability.md"
    code = generator.main(["--check", "--doc", str(doc)])
    assert code == 0, (
        "docs/reliability.md is not the fresh rendering of the bad-input cases: run "
        "tests/reliability/gen_reliability.py\n" + capsys.readouterr().err[-3000:]
    )
