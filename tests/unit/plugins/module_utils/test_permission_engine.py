# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The permission engine: wishes, plans, safety rules and applying a plan (with a fake client)."""

from __future__ import annotations

import pytest

from ansible_collections.accessops.atlassian.plugins.module_utils._engine import reconcile
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
    PlanLimitError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.identity import Directory
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.effective import lowered_or_set
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.engine import (
    TargetState,
    _plans,
    apply_target,
    find_stale,
    stops_everything,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.report import Outcome, change_items
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.desired import (
    RefusedError,
    Request,
    Wishes,
    requests_from_params,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.safety import (
    admin_losses,
    caller_account,
    check_auth_for_writes,
    check_caller,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import (
    GROUP,
    PROJECT,
    REPOSITORY,
    USER,
)


def UserRequest(identifier, permission=None, state="present"):  # pylint: disable=invalid-name
    return Request(USER, identifier, permission, state)


def directory(mapping):
    found = Directory()
    found.account_ids.update(mapping)
    return found


def targets(*requests, exempt=(), known=None, exclusive=False):
    known = known or {}
    for request in requests:
        known.setdefault(request.key, request.key)
    for identifier in exempt:
        known.setdefault(identifier, identifier)
    resolver = directory(known)
    wishes = Wishes(USER, list(requests), exclusive or bool(exempt), resolver.account_id)
    wishes.protect(list(exempt), resolver.account_id)
    return wishes


def plan_repository(state, wishes, exclusive=False, keep=()):
    return reconcile(
        state.current["user"], wishes.desired, absent=wishes.absent, exclusive=exclusive, keep=set(keep) | wishes.exempt
    )


def RepoState(target, current):  # pylint: disable=invalid-name
    return TargetState(target, {"user": current})


def apply_plan(client, workspace, target, plan):
    return apply_target(client, REPOSITORY, workspace, TargetState(target), {"user": plan})["user"]


def test_targets_map_emails_and_report_unknown_removals():
    result = targets(
        UserRequest("A@x.example", "read"),
        UserRequest("b@x.example", state="absent"),
        known={"a@x.example": "557058:a", "b@x.example": None},
    )
    assert result.desired == {"557058:a": "read"}
    assert result.absent == set()
    assert result.not_found == ["b@x.example"]
    assert result.named == {"557058:a": "A@x.example"}


def test_unknown_grant_is_refused_and_conflicts_are_errors():
    with pytest.raises(RefusedError):
        targets(UserRequest("ghost@x.example", "read"), known={"ghost@x.example": None})
    with pytest.raises(ConfigurationError):
        targets(UserRequest("a@x.example", "read"), UserRequest("557058:a", "write"), known={"a@x.example": "557058:a"})
    same = targets(UserRequest("a@x.example", "read"), UserRequest("557058:a", "read"), known={"a@x.example": "557058:a"})
    assert same.desired == {"557058:a": "read"}


def test_plan_scopes_to_named_users_unless_exclusive():
    wanted = targets(UserRequest("557058:a", "write"), UserRequest("557058:b", state="absent"), exempt=())
    state = RepoState("r", {"557058:a": "read", "557058:b": "admin"})
    plan = plan_repository(state, wanted, exclusive=False)
    assert plan.update == {"557058:a": ("read", "write")} and plan.remove == {"557058:b": "admin"}
    exclusive = targets(UserRequest("557058:a", "write"), exempt=["557058:e"])
    plan = plan_repository(
        RepoState("r", {"557058:a": "write", "557058:c": "read", "557058:e": "read", "557058:me": "admin"}),
        exclusive,
        exclusive=True,
        keep=("557058:me",),
    )
    assert plan.remove == {"557058:c": "read"}
    assert sorted(plan.protected) == ["557058:e", "557058:me"]


def test_admin_losses_and_caller_check():
    wanted = targets(UserRequest("557058:me", "write"), UserRequest("557058:b", state="absent"))
    plans = {
        "r1": plan_repository(RepoState("r1", {"557058:me": "admin", "557058:b": "admin"}), wanted, False),
        "r2": plan_repository(RepoState("r2", {"557058:me": "write", "557058:b": "read"}), wanted, False),
    }
    losses = admin_losses(plans)
    assert losses == {"557058:me": ["r1"], "557058:b": ["r1"]}
    with pytest.raises(RefusedError, match="your own admin permission"):
        check_caller("557058:me", losses, wanted)
    check_caller("someone-else", losses, wanted)
    check_caller(None, losses, wanted)


class FakeClient:
    auth_kind = "api_token"

    def __init__(self, failures=None):
        self.failures = failures or {}
        self.writes = []

    def _maybe_fail(self, account_id):
        if account_id in self.failures:
            raise self.failures[account_id]

    def set_permission(self, scope, subject, workspace, target, key, permission):
        self.writes.append(("PUT", key, permission))
        self._maybe_fail(key)

    def remove_permission(self, scope, subject, workspace, target, key):
        self.writes.append(("DELETE", key))
        self._maybe_fail(key)
        return True

    def target_exists(self, scope, subject, workspace, target):
        self.writes.append(("GET", target))
        if target == "gone":
            raise NotFoundError("GET failed with HTTP 404", status=404)


def test_apply_order_and_partial_failure():
    wanted = targets(
        UserRequest("557058:a", "read"),
        UserRequest("557058:b", "admin"),
        UserRequest("557058:c", "write"),
        UserRequest("557058:d", state="absent"),
    )
    plan = plan_repository(RepoState("r", {"557058:b": "read", "557058:d": "write"}), wanted, False)
    client = FakeClient({"557058:a": PlanLimitError("limit", status=402)})
    outcome = apply_plan(client, "acme", "r", plan)
    assert client.writes == [
        ("DELETE", "557058:d"),
        ("PUT", "557058:b", "admin"),
        ("PUT", "557058:a", "read"),
        ("PUT", "557058:c", "write"),
    ]
    assert (
        outcome.remove == {"557058:d": "write"}
        and outcome.update == {"557058:b": ("read", "admin")}
        and outcome.add == {"557058:c": "write"}
    )
    assert [(f["user"], f["operation"], f["status"]) for f in outcome.failed] == [("557058:a", "grant", 402)]
    assert plan.after(outcome) == {"557058:b": "admin", "557058:c": "write"}
    assert outcome.fatal is None


def test_a_403_stops_the_repository_and_reports_the_rest_as_not_attempted():
    wanted = targets(UserRequest("557058:a", "read"), UserRequest("557058:b", "read"))
    plan = plan_repository(RepoState("r", {}), wanted, False)
    client = FakeClient({"557058:a": ForbiddenError("denied", status=403)})
    outcome = apply_plan(client, "acme", "r", plan)
    assert client.writes == [("PUT", "557058:a", "read")]
    assert [f["status"] for f in outcome.failed] == [403, None]
    assert outcome.failed[1]["message"].startswith("not attempted")
    assert outcome.fatal is None
    client = FakeClient({"557058:a": ForbiddenError("denied", status=403)})
    client.auth_kind = "access_token"  # e.g. a user's OAuth access token without admin on this repository
    assert apply_plan(client, "acme", "r", plan).fatal is None
    refused = ForbiddenError("refused", status=403, api_message="Access tokens cannot be used for this resource")
    client = FakeClient({"557058:a": refused})
    assert apply_plan(client, "acme", "r", plan).fatal is refused


def test_a_404_on_a_put_is_a_missing_repository_and_stops_it():
    wanted = targets(UserRequest("557058:a", "read"), UserRequest("557058:b", "read"))
    plan = plan_repository(RepoState("r", {}), wanted, False)
    client = FakeClient({"557058:a": NotFoundError("PUT /x failed with HTTP 404", status=404)})
    outcome = apply_plan(client, "acme", "r", plan)
    assert client.writes == [("PUT", "557058:a", "read")]
    assert outcome.failed[0]["status"] == 404
    assert outcome.failed[0]["message"].startswith("Repository acme/r not found")
    assert outcome.failed[1]["message"].startswith("not attempted after an earlier failure on this repository: Repository")
    assert outcome.fatal is None


@pytest.mark.parametrize(
    "message, stops",
    [
        ("Access tokens cannot be used for this resource", True),
        ("Access token can't be used with this endpoint", True),
        ("Access denied", False),
        ("Your credentials lack one or more required privilege scopes.", False),
        (None, False),
    ],
)
def test_only_an_access_token_refusal_stops_everything(message, stops):
    assert stops_everything(ForbiddenError("x", status=403, api_message=message)) is stops
    assert stops_everything(AuthenticationError("x", status=401)) is True
    assert stops_everything(PlanLimitError("x", status=402, api_message=message)) is False


class CallerClient:
    def __init__(self, auth_kind, answer):
        self.transport = None
        self.auth_kind = auth_kind
        self.answer = answer
        self.calls = 0

    def current_user(self):
        self.calls += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_caller_of_an_oauth_access_token_is_asked_for():
    client = CallerClient("access_token", {"account_id": "557058:me", "uuid": "{u}"})
    assert caller_account(client) == "557058:me" and client.calls == 1


@pytest.mark.parametrize("err", [AuthenticationError("no", status=401), ForbiddenError("no", status=403)])
def test_an_access_token_without_a_user_has_no_caller(err):
    assert caller_account(CallerClient("access_token", err)) is None


@pytest.mark.parametrize(
    "auth_kind, err",
    [
        ("api_token", AuthenticationError("no", status=401)),
        ("client_credentials", ForbiddenError("no", status=403)),
        ("access_token", ApiError("boom", status=500)),
    ],
)
def test_an_unknown_caller_is_refused_otherwise(auth_kind, err):
    with pytest.raises(RefusedError, match="could not be read"):
        caller_account(CallerClient(auth_kind, err))


def test_an_exempt_that_matches_nobody_is_refused():
    with pytest.raises(RefusedError, match="Cannot exempt typo@x.example"):
        targets(UserRequest("557058:a", "read"), exempt=["typo@x.example"], known={"typo@x.example": None})


def test_absent_and_exempt_is_a_contradiction_after_resolution():
    with pytest.raises(ConfigurationError, match="state: absent and is also in exempt"):
        targets(UserRequest("a@x.example", state="absent"), exempt=["557058:a"], known={"a@x.example": "557058:a"})


def test_absent_and_exempt_is_a_contradiction_before_any_request():
    params = {"users": [{"user": "A@x.example", "state": "absent"}], "exclusive": True, "exempt": ["a@X.example"]}
    with pytest.raises(ConfigurationError, match="A@x.example is listed with state: absent"):
        requests_from_params(params)
    params["users"][0]["state"] = "present"
    params["users"][0]["permission"] = "read"
    assert len(requests_from_params(params)[0]["user"][0]) == 1


class Plans:
    def __init__(self, changed):
        self.changed = changed


@pytest.mark.parametrize("auth_kind, refused", [("api_token", False), ("client_credentials", True), ("access_token", True)])
def test_permission_writes_need_basic_credentials(auth_kind, refused):
    client = FakeClient()
    client.auth_kind = auth_kind
    check_auth_for_writes(client, REPOSITORY, [Plans(False)])  # reading is fine with any method
    if refused:
        with pytest.raises(RefusedError, match="only for HTTP Basic credentials .* set username .* and api_token"):
            check_auth_for_writes(client, PROJECT, [Plans(False), Plans(True)])
    else:
        check_auth_for_writes(client, PROJECT, [Plans(True)])


def test_a_group_404_on_an_existing_target_names_the_group_and_the_others_go_on():
    plan = reconcile({}, {"ghosts": "write", "devs": "read"})
    client = FakeClient({"ghosts": NotFoundError("PUT /x failed with HTTP 404", method="PUT", path="/x", status=404)})
    outcome = apply_target(client, PROJECT, "acme", TargetState("INFRA"), {"group": plan})["group"]
    assert client.writes == [("PUT", "devs", "read"), ("PUT", "ghosts", "write"), ("GET", "INFRA")]
    assert outcome.add == {"devs": "read"}
    assert outcome.failed[0]["group"] == "ghosts"
    assert outcome.failed[0]["message"].startswith("Group ghosts not found in workspace acme")
    missing = FakeClient({"devs": NotFoundError("PUT /x failed with HTTP 404", method="PUT", path="/x", status=404)})
    outcome = apply_target(missing, PROJECT, "acme", TargetState("gone"), {"group": plan})["group"]
    assert outcome.failed[0]["message"].startswith("Project acme/gone not found")
    assert outcome.failed[1]["message"].startswith("not attempted after an earlier failure on this project")


def test_group_requests_are_slugs_and_exclusive_needs_a_list():
    assert Request(GROUP, " Developers ", "read").key == "developers"
    for bad in ("", "a/b", "..", "dév"):
        with pytest.raises(ConfigurationError, match="^group"):
            Request(GROUP, bad, "read")
    with pytest.raises(ConfigurationError, match="exclusive applies to a groups list"):
        requests_from_params({"group": "devs", "permission": "read", "exclusive": True})
    asks, exempt = requests_from_params({"users": [], "groups": [{"group": "devs", "permission": "write"}], "exclusive": True})
    assert asks["user"] == ([], True) and asks["group"][1] is True and exempt == []
    with pytest.raises(ConfigurationError, match="exempt names users"):
        requests_from_params({"groups": [], "exclusive": True, "exempt": ["557058:a"]})


def test_half_measure_checks_only_tasks_that_lower_a_level():
    lowering = {"web": {"user": reconcile({"a": "write", "b": "read"}, {"a": "read", "b": "admin", "c": "read"})}}
    # a lowering: the users lowered or set are checked (a raised one too, its level is set), never the removals
    assert lowered_or_set(lowering, None) == {"web": {"a": ("write", "read"), "b": ("read", "admin"), "c": (None, "read")}}
    raising = {"web": {"user": reconcile({"a": "read"}, {"a": "write", "c": "read"}, absent={"b"})}}
    assert lowered_or_set(raising, None) == {}
    groups_only = {"web": {"group": reconcile({"devs": "write"}, {"devs": "read"})}}
    assert lowered_or_set(groups_only, None) == {}
    # the real run: only what was applied (no outcome for a target, nothing applied there)
    assert lowered_or_set(lowering, {}) == {}


def test_expect_is_kept_per_key_with_none_for_no_explicit_permission():
    wanted = Wishes(
        USER,
        [
            Request(USER, "a@x.example", "write", expect="read"),
            Request(USER, "557058:b", state="absent", expect="none"),
            Request(USER, "557058:c", "read"),
        ],
        False,
        directory({"a@x.example": "557058:a", "557058:b": "557058:b", "557058:c": "557058:c"}).account_id,
    )
    assert wanted.expect == {"557058:a": "read", "557058:b": None}
    assert wanted.expects_level("557058:a") and not wanted.expects_level("557058:b") and not wanted.expects_level("557058:c")
    with pytest.raises(ConfigurationError, match="listed twice with different expect"):
        targets(Request(USER, "557058:a", "read", expect="read"), Request(USER, "557058:a", "read", expect="none"))


def test_expect_with_exclusive_is_refused_naming_the_entry():
    params = {
        "users": [{"user": "557058:a", "permission": "read"}],
        "groups": [{"group": "qa", "state": "absent", "expect": "read"}],
    }
    assert requests_from_params(params)[0]["group"][0][0].expect == "read"
    with pytest.raises(ConfigurationError, match=r"^groups\[0\]\.expect cannot be combined with exclusive=true"):
        requests_from_params(dict(params, exclusive=True))


def test_stale_subjects_are_recorded_and_left_out_of_the_plans():
    wanted = targets(
        Request(USER, "557058:a", "write", expect="read"),
        Request(USER, "557058:b", state="absent", expect="none"),
        Request(USER, "557058:c", "admin", expect="none"),
    )
    state = RepoState("r", {"557058:a": "admin", "557058:b": "read"})
    find_stale(state, {"user": wanted})
    assert state.stale == {"user": {"557058:a": ("read", "admin"), "557058:b": (None, "read")}}
    plans = _plans([state], {"user": wanted})["r"]["user"]
    assert (plans.add, plans.update, plans.remove) == ({"557058:c": "admin"}, {}, {})
    matching = RepoState("r", {"557058:a": "read"})
    find_stale(matching, {"user": wanted})
    assert matching.stale == {}
    failed = TargetState("r", error=NotFoundError("gone"))
    find_stale(failed, {"user": wanted})
    assert failed.stale == {}


def test_change_items_of_an_outcome_hold_only_what_was_applied():
    outcome = Outcome()
    outcome.remove = {"557058:b": "read"}
    outcome.update = {"557058:a": ("read", "admin")}
    items = change_items(PROJECT, "acme", "INFRA", "user", outcome)
    assert items == [
        {
            "api": "bitbucket",
            "kind": "project_permission",
            "action": "revoke",
            "target": {"workspace": "acme", "project": "INFRA"},
            "subject": {"type": "user", "account_id": "557058:b"},
            "before": "read",
            "after": None,
        },
        {
            "api": "bitbucket",
            "kind": "project_permission",
            "action": "change",
            "target": {"workspace": "acme", "project": "INFRA"},
            "subject": {"type": "user", "account_id": "557058:a"},
            "before": "read",
            "after": "admin",
        },
    ]
    group = reconcile({}, {"qa": "read"})
    assert change_items(REPOSITORY, "acme", "web", "group", group) == [
        {
            "api": "bitbucket",
            "kind": "repository_permission",
            "action": "grant",
            "target": {"workspace": "acme", "repository": "web"},
            "subject": {"type": "group", "slug": "qa"},
            "before": None,
            "after": "read",
        }
    ]
