# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's organization Admin API against Atlassian's official Organizations REST API document
(``atlassian-admin-organization.swagger.v3.2026-08-21.json``, openapi-core).

Every exchange of :data:`CASES` (the ``admin_cases_*.py`` tables: organization, users, groups, more) is validated twice:
its request (path and query parameters, body, security and the rules the spec states in words,
``atlsim.contract.ADMIN_REQUEST_RULES``) unless it is malformed on purpose, and the answer (the operation's declared
response for that status, else the ``Errors`` schema). Each case also asserts its status, so the test knows which
answer it validated. The spec's own defects are the ``ADMIN_*`` entries of ``atlsim.contract.SPEC_QUIRKS``; the
``required`` attributes it leaves out are the ``ADMIN_*`` entries of ``atlsim.contract.STRICTNESS_OVERLAY`` (their
self-tests: test_contract_admin_checker.py). Skipped when the reference documents are absent.
``test_admin_client_contract.py`` validates the requests the collection itself sends.
"""

from __future__ import annotations

import pytest

from admin_cases_groups import GROUP_CASES
from admin_cases_more import MORE_CASES
from admin_cases_org import ORG_CASES
from admin_cases_users import USER_CASES
from admin_contract_kit import MEMBERS, SEATS_FULL, exchange, fill, make_app, values_of
from atlsim.admin_testkit import COLLECTION_OPERATIONS as COLLECTION

# Declared statuses the simulator cannot produce for an operation, and why (the coverage test allows only these).
UNREACHABLE = {
    ("GET", "/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}"): {
        400: "its only inputs are path segments: nothing in a request to it can be malformed"
    },
}

CASES = ORG_CASES + USER_CASES + GROUP_CASES + MORE_CASES


@pytest.mark.parametrize("method,path,body,query,status,key,setup,valid", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_simulator_answers_follow_the_spec(spec, method, path, body, query, status, key, setup, valid):
    app = make_app(setup)
    values = values_of(app)
    _answer, how, template = exchange(
        spec, app, method, fill(path, values), status, fill(body, values), fill(query, values), key, valid
    )
    assert template is not None and how in ("operation", "error schema", "ADMIN_BODYLESS_ANSWERS")


def test_every_operation_the_collection_calls_is_covered_with_success_and_errors(spec):
    """The table holds, for each of the collection's 14 operations, its success and every error status the spec
    declares but those of :data:`UNREACHABLE` (429 and 500, through the fault knobs the same for every route, on a
    sample); no case expects a status its operation does not declare."""
    covered: dict = {}
    for case in CASES:
        found = spec.operation(
            case[1],
            case[2].format(
                org="o",
                dir="d",
                **dict.fromkeys(
                    ("dev001", "dev010", "newhire01", "newhire02", "globex", "users_group", "admins_group", "synced", "dir_id"),
                    "x",
                ),
            ),
        )
        covered.setdefault((case[1], found[0]), set()).add(case[5])
    assert set(covered) >= COLLECTION
    for (method, template), statuses in covered.items():
        declared = {int(s) for s in spec.spec["paths"][template][method.lower()]["responses"] if s.isdigit()}
        assert statuses <= declared, (method, template, statuses - declared)
        if (method, template) in COLLECTION:
            wanted = declared - {429, 500} - set(UNREACHABLE.get((method, template), {}))
            assert wanted <= statuses, (method, template, sorted(wanted - statuses))
    assert len(covered) == 25  # the 14 of the collection, and the 11 more the simulator serves


def test_a_membership_conflict_has_two_reasons_and_one_shape(spec):
    """409 on adding a member: already a member (ADMIN-UAM-409-2) or no seat left (ADMIN-UAM-409-3), one Errors shape."""
    app = make_app(SEATS_FULL)
    values = values_of(app)
    codes = []
    for account in ("{dev010}", "{newhire02}"):
        answer, how, _template = exchange(spec, app, "POST", fill(MEMBERS, values), 409, {"accountId": fill(account, values)})
        assert how == "ADMIN_BODYLESS_ANSWERS"
        codes.append(answer.get_json()["errors"][0]["code"])
    assert codes == ["ADMIN-UAM-409-2", "ADMIN-UAM-409-3"]
