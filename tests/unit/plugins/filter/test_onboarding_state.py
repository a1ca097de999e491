# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The onboarding role's bookkeeping (onboarding_state, onboarding_result) with plain data: the registered results of
each step as ansible-core registers them (looped tasks: ``results`` items with ``ansible_loop_var``; failed tasks kept
with ignore_errors), the work each step is given, and the per-person record."""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.filter.onboarding_result import onboarding_result
from ansible_collections.accessops.atlassian.plugins.filter.onboarding_state import onboarding_state

WS = "acme"
JANE = "jane.doe@acme.example"
BOB = "bob@acme.example"


def settings(**more):
    base = {
        "workspace": WS,
        "default_groups": [],
        "use_scim": False,
        "create_accounts": False,
        "allowed_domains": [],
        "invite": False,
        "verify": True,
        "check": False,
    }
    base.update(more)
    return base


def calls(total):
    return {"api_calls": {"total": total}}


def looped(var, *items):
    """A looped task's registered result: one entry per (loop item, module result)."""
    results = [dict(result, ansible_loop_var=var, **{var: item}) for item, result in items]
    return {"results": results, "changed": any(r.get("changed") for r in results), "msg": "All items completed"}


def skipped_loop():
    return {"results": [], "skipped": True, "skipped_reason": "No items in the list", "changed": False}


def skipped():
    return {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}


def user(email, account_id, status="active"):
    return {"email": email, "account_id": account_id, "status": status}


def grant(kind, changed_targets, after=None, failed=None, total=3, msg=None):
    """A permission module result: per-target entries in ``targets``, the explicit levels after in ``permissions``."""
    key = kind
    targets = [{key: name, "changed": True, "failed": []} for name in changed_targets]
    targets += [{key: name, "changed": False, "failed": [{"message": why}]} for name, why in (failed or {}).items()]
    result = dict(calls(total), changed=bool(changed_targets), targets=targets, permissions={"after": after or {}})
    if failed:
        result.update(failed=True, msg=msg or "Failed on %d target(s). Everything else was applied." % len(failed))
    return result


def state(people, results=None, **options):
    return onboarding_state(people, settings(**options), results or {})


def person(value, email):
    return next(p for p in value["people"] if p["email"] == email)


def test_an_existing_account_from_lookup_to_verified():
    people = [
        {
            "email": JANE,
            "repositories": [{"name": "web-api", "permission": "write"}, {"name": "infra", "permission": "admin"}],
            "projects": [{"key": "INFRA", "permission": "read"}],
        }
    ]
    first = state(people)
    assert first["todo"]["lookup"] == [JANE] and first["todo"]["project_grants"] == []  # no grant before the repositories
    results = {"lookup": dict(calls(1), users=[user("Jane.Doe@acme.example", "712020:jane")])}
    after_lookup = state(people, results)
    assert after_lookup["todo"]["directory"] is False and after_lookup["todo"]["scim"] == []
    results.update(scim=skipped(), invite=skipped_loop(), group_check=skipped(), groups=skipped_loop(), members_before=skipped())
    results["repositories_exist"] = skipped_loop()
    todo = state(people, results)["todo"]
    # one item per permission level, levels in order of their names, the account ID as the user
    assert todo["repository_grants"] == [
        {"email": JANE, "user": "712020:jane", "permission": "admin", "repositories": ["infra"]},
        {"email": JANE, "user": "712020:jane", "permission": "write", "repositories": ["web-api"]},
    ]
    assert todo["invite"] == [] and todo["groups"] == [] and todo["members_before"] == []
    results["repository_grants"] = looped(
        "onboarding_item",
        (todo["repository_grants"][0], grant("repository", ["infra"])),
        (todo["repository_grants"][1], grant("repository", ["web-api"])),
    )
    todo = state(people, results)["todo"]
    assert todo["project_grants"] == [{"email": JANE, "user": "712020:jane", "permission": "read", "projects": ["INFRA"]}]
    results["project_grants"] = looped(
        "onboarding_item", (todo["project_grants"][0], grant("project", ["INFRA"], after={"INFRA": {"712020:jane": "read"}}))
    )
    assert state(people, results)["todo"]["verify"] == [JANE]
    # the read-back reads the permissions of the repositories asked for, not all that the person reaches
    assert state(people, results)["todo"]["verify_repositories"] == ["infra", "web-api"]
    # the account is known: read back by account id, whose memberships carry no email
    assert state(people, results)["todo"]["verify_account_ids"] == ["712020:jane"]
    results["readback"] = dict(
        calls(2), members=[{"email": None, "account_id": "712020:jane", "repository_permissions": {"web-api": "admin"}}]
    )
    assert person(state(people, results), JANE)["errors"] == ["verify: repository permission missing: infra=admin"]
    results["readback"] = dict(
        calls(2),
        members=[{"email": None, "account_id": "712020:jane", "repository_permissions": {"web-api": "admin", "infra": "admin"}}],
    )
    final = state(people, results)
    jane = person(final, JANE)
    assert jane["verified"] is True and jane["errors"] == [] and jane["changed"] is True
    assert jane["repositories_granted"] == {"infra": "admin", "web-api": "write"} and jane["projects_granted"] == {
        "INFRA": "read"
    }
    assert jane["actions"] == ["granted on repositories: admin on infra; write on web-api", "granted on projects: read on INFRA"]
    assert final["api_calls"] == 1 + 3 + 3 + 3 + 2

    result = onboarding_result(final, WS)
    assert result["complete"] == [JANE] and result["incomplete"] == [] and result["api_calls"] == {"total": 12}
    assert result["changed"]["repository_permissions"] == 2 and result["changed"]["project_permissions"] == 1
    assert list(result["people"][0]) == [
        "email", "status", "account_id", "account", "changed", "scim", "invited", "groups_added", "projects_granted",
        "repositories_granted", "verified", "suggestions", "actions", "errors",
    ]  # fmt: skip


def test_verify_reports_what_is_missing_and_a_failed_read_back():
    people = [
        {"email": JANE, "repositories": [{"name": "a", "permission": "write"}], "projects": [{"key": "P", "permission": "admin"}]}
    ]
    results = {"lookup": {"users": [user(JANE, "id-j")]}, "invite": skipped_loop(), "groups": skipped_loop()}
    results["repository_grants"] = looped("onboarding_item", ({"email": JANE, "permission": "write"}, grant("repository", [])))
    results["project_grants"] = looped(
        "onboarding_item", ({"email": JANE, "permission": "admin"}, grant("project", [], after={"P": {"id-j": "read"}}))
    )
    results["readback"] = {"members": [{"email": JANE, "repository_permissions": {"a": "read"}}]}
    jane = person(state(people, results), JANE)
    assert jane["verified"] is False
    assert jane["errors"] == ["verify: project permission missing: P=admin", "verify: repository permission missing: a=write"]
    results["readback"] = {"members": []}
    assert person(state(people, results), JANE)["errors"][0] == "verify: not a member of workspace acme"
    results["readback"] = dict(calls(1), failed=True, msg="HTTP 500")
    jane = person(state(people, results), JANE)
    assert jane["verified"] is None and jane["errors"] == ["verify: the read-back failed: HTTP 500"]
    assert state(people, results, verify=False)["todo"]["verify"] == []


def test_no_account_did_you_mean_off_domain_and_inactive():
    people = [
        {"email": "jnae.doe@acme.example"},
        {"email": "new@elsewhere.example", "create_account": True},
        {"email": BOB},
        {"email": "new@acme.example", "create_account": True},
    ]
    users = [user(JANE, "id-j"), user(BOB, "id-b", status="suspended")]
    results = {"lookup": {"users": users}}
    value = state(people, results, use_scim=True, allowed_domains=["acme.example"])
    assert value["todo"]["directory"] is True
    # the refused and suspended stop before SCIM: only the account to create goes on
    assert value["todo"]["scim"] == [{"user_name": "new@acme.example", "email": "new@acme.example"}]
    results["directory"] = dict(calls(2), users=users)
    value = state(people, results, use_scim=True, allowed_domains=["acme.example"])
    typo = person(value, "jnae.doe@acme.example")
    assert typo["suggestions"] == [JANE] and typo["errors"][0].endswith(
        "onboarding_create_accounts: true); did you mean %s?" % JANE
    )
    assert "its domain is not in onboarding_allowed_domains" in person(value, "new@elsewhere.example")["errors"][0]
    assert person(value, BOB)["errors"] == [
        "account: the account is suspended in the organization directory (restore it with"
        " accessops.atlassian.atlassian_user state=active first)"
    ]
    # without SCIM, the reason names onboarding_invite
    value = state([{"email": "jnae.doe@acme.example"}], results)
    assert "inviting it was not asked for (onboarding_invite: true)" in person(value, "jnae.doe@acme.example")["errors"][0]


def test_a_failed_lookup():
    people = [{"email": JANE}, {"email": "new@acme.example", "create_account": True}]
    results = {"lookup": dict(calls(1), failed=True, msg="HTTP 503")}
    # with SCIM, only the accounts whose creation was asked for go on
    value = state(people, results, use_scim=True)
    assert person(value, JANE)["errors"] == ["account: the look-up failed: HTTP 503"]
    assert [i["user_name"] for i in value["todo"]["scim"]] == ["new@acme.example"]
    # without SCIM, nobody is invited and each person says why, once the account step ran
    value = state(people, dict(results, invite=skipped_loop()), invite=True)
    assert value["todo"]["invite"] == []
    assert person(value, JANE)["errors"] == ["account: the look-up failed: HTTP 503"]


def test_scim_created_in_check_mode_is_predicted_with_its_groups_and_permissions():
    people = [
        {
            "email": "new@acme.example",
            "create_account": True,
            "given_name": "New",
            "display_name": None,
            "groups": ["okta-sync"],
            "repositories": [
                {"name": "web-api", "permission": "write"},
                {"name": "nope", "permission": "read"},
                {"name": "gone", "permission": "read"},
            ],
            "projects": [{"key": "INFRA", "permission": "read"}],
        },
        {"email": JANE, "repositories": [{"name": "web-api", "permission": "read"}]},
    ]
    options = {"use_scim": True, "check": True, "default_groups": ["bitbucket-users-acme"]}
    results = {"lookup": {"users": [user(JANE, "id-j")]}}
    todo = state(people, results, **options)["todo"]
    assert todo["scim"] == [
        {"user_name": "new@acme.example", "email": "new@acme.example", "given_name": "New"},
        {"user_name": JANE, "email": JANE},
    ]
    scim_users = [
        {"user_name": "new@acme.example", "changed": True, "atlassian_account_id": None, "failed": False, "diff": {"before": {}}},
        {"user_name": JANE, "changed": True, "atlassian_account_id": "id-j", "failed": False, "diff": {"before": {"title": "x"}}},
    ]
    results.update(scim=dict(calls(3), users=scim_users, changed=True), invite=skipped_loop())
    todo = state(people, results, **options)["todo"]
    assert todo["group_check"] == ["okta-sync", "bitbucket-users-acme"]
    assert todo["groups"] == [{"email": JANE, "user": "id-j", "groups": ["bitbucket-users-acme"]}]
    results["group_check"] = {"groups": [{"name": "okta-sync", "id": "g1"}, {"name": "bitbucket-users-acme", "id": "g2"}]}
    results["groups"] = looped("onboarding_item", (todo["groups"][0], {"changed": True, "added": ["bitbucket-users-acme"]}))
    todo = state(people, results, **options)["todo"]
    assert todo["members_before"] == [JANE]
    results["members_before"] = {"members": []}  # JANE is a member only through the predicted group
    todo = state(people, results, **options)["todo"]
    assert todo["repository_grants"] == [] and todo["repositories_exist"] == ["web-api", "nope", "gone"]
    results["repositories_exist"] = looped(
        "onboarding_repository",
        ("web-api", dict(calls(1), repository_permissions={})),
        ("nope", dict(calls(1), repository_permissions=None)),
        ("gone", dict(calls(1), failed=True, msg="HTTP 500")),
    )
    results.update(repository_grants=skipped_loop(), project_grants=skipped_loop())
    value = state(people, results, **options)
    new, jane = person(value, "new@acme.example"), person(value, JANE)
    assert (new["scim"], new["account_id"], new["predicted"]) == ("created", None, True)
    assert new["groups_added"] == ["okta-sync", "bitbucket-users-acme"]
    assert new["repositories_granted"] == {"web-api": "write"} and new["projects_granted"] == {"INFRA": "read"}
    assert new["errors"] == [
        "permissions: repository nope not found in workspace acme",
        "permissions: repository gone could not be read",
    ]
    assert new["actions"] == [
        "would create the SCIM user",
        "would add the account to the groups okta-sync, bitbucket-users-acme",
        "would grant on repositories: write on web-api",
        "would grant on projects: read on INFRA",
    ]
    assert jane["scim"] == "updated" and jane["actions"][0] == "would update the SCIM user"
    assert (
        jane["repositories_granted"] == {"web-api": "read"}
        and jane["actions"][-1] == "would grant on repositories: read on web-api"
    )
    assert value["todo"]["verify"] == []  # check mode: only the people with nothing to change are read back
    assert value["api_calls"] == 3 + 3
    # a synced group is what the real run would refuse: the person stops there
    results["group_check"] = {
        "groups": [{"name": "okta-sync", "id": "g1", "read_only_reason": "synced from Okta"}],
        "not_found": [],
    }
    new = person(state(people, results, **options), "new@acme.example")
    assert new["stopped"] and new["errors"] == [
        "groups: cannot add the account to the group okta-sync: synced from Okta",
        "groups: no group bitbucket-users-acme in the organization directory",
    ]


def test_scim_failures_stay_per_person():
    people = [{"email": JANE}, {"email": BOB}]
    results = {"lookup": {"users": [user(JANE, "id-j"), user(BOB, "id-b")]}}
    failed = {"user_name": BOB, "changed": False, "failed": True, "msg": "HTTP 400: bad email", "atlassian_account_id": None}
    ok = {"user_name": JANE, "changed": False, "failed": False, "atlassian_account_id": "id-j", "diff": {}}
    results["scim"] = dict(calls(4), users=[ok, failed], failed=True, msg="Failed on 1 of 2 users")
    value = state(people, results, use_scim=True)
    assert person(value, BOB)["errors"] == ["SCIM: HTTP 400: bad email"] and person(value, BOB)["stopped"]
    assert person(value, JANE)["scim"] == "unchanged" and person(value, JANE)["account"] == "scim"
    # a task that failed before any user (no users list) fails each of them
    results["scim"] = dict(calls(0), failed=True, msg="users: bad option")
    value = state(people, results, use_scim=True)
    assert [person(value, e)["errors"] for e in (JANE, BOB)] == [["SCIM: users: bad option"]] * 2


def test_invitations_pending_and_predicted():
    people = [{"email": "invitee@acme.example", "groups": ["g"], "repositories": [{"name": "r", "permission": "read"}]}]
    results = {"lookup": {"users": []}}
    todo = state(people, results, invite=True)["todo"]
    assert todo["directory"] is False and todo["invite"] == [{"email": "invitee@acme.example", "groups": ["g"]}]
    answer = {"changed": True, "invited": True, "user": {"account_id": None}, "groups": ["g"]}
    results["invite"] = looped("onboarding_item", (todo["invite"][0], answer))
    results.update(groups=skipped_loop(), repository_grants=skipped_loop(), project_grants=skipped_loop())
    invitee = person(state(people, results, invite=True), "invitee@acme.example")
    assert (invitee["awaiting"], invitee["invited"], invitee["groups_added"]) == (True, True, ["g"])
    assert invitee["actions"] == [
        "invited the email into the organization with the groups g",
        "pending (run again once the account exists): grant on repositories: read on r",
    ]
    assert invitee["repositories_granted"] == {}
    assert onboarding_result(state(people, results, invite=True), WS)["pending"] == ["invitee@acme.example"]
    # check mode: the invitation is predicted, and so are the permissions
    check = state(people, results, invite=True, check=True)
    assert person(check, "invitee@acme.example")["actions"][0] == "would invite the email into the organization with the groups g"
    assert person(check, "invitee@acme.example")["repositories_granted"] == {"r": "read"}
    # a failed invitation stops the person
    results["invite"] = looped("onboarding_item", (todo["invite"][0], {"failed": True, "msg": "HTTP 409"}))
    assert person(state(people, results, invite=True), "invitee@acme.example")["errors"] == ["invitation: HTTP 409"]
    # without onboarding_invite, the account step reports the email
    value = state(people, {"lookup": {"users": []}, "directory": skipped(), "invite": skipped_loop()})
    assert person(value, "invitee@acme.example")["stopped"]


def test_a_failed_group_task_keeps_what_it_added():
    people = [{"email": JANE, "groups": ["a", "b"], "repositories": [{"name": "r", "permission": "read"}]}]
    results = {"lookup": {"users": [user(JANE, "id-j")]}, "invite": skipped_loop()}
    item = state(people, results)["todo"]["groups"][0]
    results["groups"] = looped("onboarding_item", (item, dict(calls(3), failed=True, added=["a"], msg="HTTP 400")))
    value = state(people, results)
    jane = person(value, JANE)
    assert jane["groups_added"] == ["a"] and jane["stopped"]
    assert jane["actions"] == ["added the account to the groups a before the failure"] and jane["errors"] == ["groups: HTTP 400"]
    assert value["todo"]["repository_grants"] == [] and value["api_calls"] == 3


def test_a_failed_repository_level_stops_the_person_before_the_projects():
    people = [
        {
            "email": JANE,
            "repositories": [{"name": "web-api", "permission": "admin"}, {"name": "nope", "permission": "read"}],
            "projects": [{"key": "INFRA", "permission": "read"}],
        },
        {"email": BOB, "projects": [{"key": "INFRA", "permission": "write"}]},
    ]
    results = {"lookup": {"users": [user(JANE, "id-j"), user(BOB, "id-b")]}, "invite": skipped_loop(), "groups": skipped_loop()}
    todo = state(people, results)["todo"]
    results["repository_grants"] = looped(
        "onboarding_item",
        (todo["repository_grants"][0], grant("repository", ["web-api"])),
        (todo["repository_grants"][1], grant("repository", [], failed={"nope": "not found"})),
    )
    value = state(people, results)
    assert [i["email"] for i in value["todo"]["project_grants"]] == [BOB]
    jane = person(value, JANE)
    assert jane["repositories_granted"] == {"web-api": "admin"} and jane["stopped"]
    assert jane["errors"] == [
        "permissions: repository nope: not found",
        "permissions: the project permissions were not attempted",
    ]
    assert value["todo"]["verify"] == [BOB]


def test_result_statuses_and_counts():
    value = {
        "api_calls": 7,
        "people": [
            {"email": "a", "errors": ["x"], "scim": "created", "invited": False, "changed": True, "groups_added": ["g"]},
            {"email": "b", "errors": [], "invited": True, "changed": True, "repositories_granted": {"r": "read"}},
            {"email": "c", "errors": [], "awaiting": True, "changed": False, "projects_granted": {}},
            {"email": "d", "errors": [], "scim": "updated", "changed": True},
        ],
    }
    result = onboarding_result(value, WS, check_mode=True)
    assert (result["complete"], result["pending"], result["incomplete"]) == (["d"], ["b", "c"], ["a"])
    assert result["changed"] == {
        "people": 3,
        "scim_users_created": 1,
        "scim_users_updated": 1,
        "invitations": 1,
        "group_memberships": 1,
        "project_permissions": 0,
        "repository_permissions": 1,
    }
    assert result["check_mode"] is True and result["api_calls"] == {"total": 7}
    assert onboarding_result(None, WS)["people"] == [] and onboarding_state(None, None, None)["people"] == []
