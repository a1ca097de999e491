# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan_apply action plugin with a fake _execute_module that records every module call."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from unittest.mock import MagicMock

import pytest
import yaml
from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.accessops.atlassian.plugins.action.plan_apply import ActionModule, argument_spec
from ansible_collections.accessops.atlassian.plugins.modules import plan_apply as plan_apply_doc
from ansible_collections.accessops.atlassian.plugins.plugin_utils._plan.document import item_key, new_plan

ORG = "0475f711-2971-5a21-a71a-659f380ffd26"
JANE = "712020:jane"
CALLER = "712020:admin"
IDENTITIES = {"bitbucket": CALLER, "admin": ORG, "scim": "demo-directory"}
NOW = datetime.now(timezone.utc)  # noqa: UP017


def keyed(change):
    change["key"] = item_key(change)
    change["reason"] = "offboarding: jane@acme.example is offboarded"
    return change


def revoke(repository, before="write"):
    return keyed(
        {
            "api": "bitbucket",
            "kind": "repository_permission",
            "action": "revoke",
            "target": {"workspace": "acme", "repository": repository},
            "subject": {"type": "user", "account_id": JANE},
            "before": before,
            "after": None,
        }
    )


def leave(group_id):
    return keyed(
        {
            "api": "admin",
            "kind": "group_membership",
            "action": "remove",
            "target": {"org": ORG, "group_id": group_id, "group_name": group_id},
            "subject": {"type": "user", "account_id": JANE},
            "before": True,
            "after": False,
        }
    )


def deactivate():
    return keyed(
        {
            "api": "scim",
            "kind": "scim_user",
            "action": "deactivate",
            "target": {"directory": "demo-directory"},
            "subject": {"type": "scim_user", "user_name": "jane@acme.example", "id": "s-1"},
            "before": {"active": True},
            "after": {"active": False},
        }
    )


def make_plan(items, created_by=None, created=None):
    return new_plan(
        role="offboarding",
        workspace="acme",
        inputs={"people": ["jane@acme.example"]},
        items=items,
        created_by=created_by or IDENTITIES,
        now=created or NOW - timedelta(minutes=10),
        max_age_hours=24,
        summary={},
    )


def change_of(item):
    return {k: copy.deepcopy(v) for k, v in item.items() if k not in ("key", "reason")}


class Recorder:
    """A fake _execute_module: records (module, args) and answers with ``answer(module, args)``."""

    def __init__(self, answer):
        self.calls = []
        self.answer = answer

    def __call__(self, module_name=None, module_args=None, task_vars=None, **_kwargs):
        self.calls.append((module_name, copy.deepcopy(module_args)))
        return self.answer(module_name.rsplit(".", 1)[-1], module_args)


GROUP_OF = {
    "bitbucket_repo_permission": "bitbucket",
    "bitbucket_project_permission": "bitbucket",
    "atlassian_group_member": "admin",
    "atlassian_user": "admin",
    "atlassian_scim_user_info": "scim",
    "atlassian_scim_user": "scim",
}


def action_groups():
    """As the play has them (meta/runtime.yml): each module's FQCN -> its groups."""
    return {
        "accessops.atlassian." + module: ["accessops.atlassian." + group, "accessops.atlassian.atlassian"]
        for module, group in GROUP_OF.items()
    }


def run(args, answer, check_mode=False, module_defaults=None):
    task = MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = check_mode
    task.action = "accessops.atlassian.plan_apply"
    task.module_defaults = module_defaults or []
    task._parent._play._action_groups = action_groups()
    connection = MagicMock()
    connection._shell.tmpdir = None
    loader = DataLoader()
    action = ActionModule(task, connection, MagicMock(), loader=loader, templar=Templar(loader=loader), shared_loader_obj=None)
    recorder = Recorder(answer)
    action._execute_module = recorder
    action._remove_tmp_path = MagicMock()
    return action.run(task_vars={}), recorder.calls


def args_for(plan, **extra):
    args = {"plan": plan, "role": "offboarding", "workspace": "acme", "identities": dict(IDENTITIES)}
    args.update(extra)
    return args


def never(module, args):
    raise AssertionError("no module may run, got %s" % module)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda plan: plan.update(role="onboarding"), "made for the role 'onboarding'"),
        (lambda plan: plan["items"][0].update(before="admin"), "does not match its content"),
        (lambda plan: plan.update(expires_at="2000-01-01T00:00:00Z"), "expired"),
    ],
)
def test_a_refused_plan_sends_nothing(change, words):
    plan = make_plan([revoke("infra-core"), leave("g1")])
    change(plan)
    result, calls = run(args_for(plan), never)
    assert calls == []
    assert result["failed"] is True
    assert any(words in sentence for sentence in result["refused"]), result["refused"]
    assert result["applied"] == result["already"] == result["stale"] == result["failed_items"] == []
    assert result["msg"].startswith("The plan was refused; nothing was sent")


def test_another_identity_is_refused():
    plan = make_plan([revoke("infra-core")])
    result, calls = run(
        args_for(plan, identities={"bitbucket": "712020:someone-else", "admin": ORG, "scim": "demo-directory"}), never
    )
    assert calls == []
    assert result["refused"] == [
        "The plan was made with the Bitbucket account '%s', and this run has '712020:someone-else'." % CALLER
    ]


def test_module_args_cannot_widen_a_call():
    plan = make_plan([revoke("infra-core")])
    with pytest.raises(AnsibleActionFail, match="module_args may not set bitbucket.exclusive, bitbucket.users"):
        run(args_for(plan, module_args={"bitbucket": {"exclusive": True, "users": [], "requests_ledger": "/tmp/l"}}), never)


def test_a_full_apply_calls_the_modules_in_order_with_module_args_merged():
    items = [revoke("infra-core"), revoke("web-api"), leave("g1"), leave("g2"), deactivate()]

    def answer(module, args):
        if module == "bitbucket_repo_permission":
            return {
                "changed": True,
                "changes": [change_of(items[0]), change_of(items[1])],
                "stale": [],
                "api_calls": {"total": 3, "GET": 1, "DELETE": 2},
            }
        if module == "atlassian_group_member":
            return {"changed": True, "changes": [change_of(items[2])], "api_calls": {"total": 3, "POST": 3}}
        if module == "atlassian_scim_user_info":
            return {
                "changed": False,
                "users": [{"id": "s-1", "userName": "jane@acme.example", "active": True}],
                "api_calls": {"total": 1, "GET": 1},
            }
        return {"changed": True, "changes": [change_of(items[4])], "api_calls": {"total": 2, "GET": 1, "PATCH": 1}}

    module_args = {
        "bitbucket": {"requests_ledger": "/tmp/ledger"},
        "admin": {"org_id": ORG},
        "scim": {"directory_id": "demo-directory"},
    }
    result, calls = run(args_for(make_plan(items), module_args=module_args), answer)
    assert calls == [
        (
            "accessops.atlassian.bitbucket_repo_permission",
            {
                "requests_ledger": "/tmp/ledger",
                "workspace": "acme",
                "repositories": ["infra-core", "web-api"],
                "users": [{"user": JANE, "state": "absent", "expect": "write"}],
            },
        ),
        ("accessops.atlassian.atlassian_group_member", {"org_id": ORG, "user": JANE, "groups": ["g1", "g2"], "state": "absent"}),
        ("accessops.atlassian.atlassian_scim_user_info", {"directory_id": "demo-directory", "user_name": "jane@acme.example"}),
        (
            "accessops.atlassian.atlassian_scim_user",
            {"directory_id": "demo-directory", "user_name": "jane@acme.example", "active": False},
        ),
    ]
    assert result["applied"] == [items[0], items[1], items[2], items[4]]
    assert result["already"] == [items[3]]
    assert result["stale"] == result["failed_items"] == result["not_attempted"] == result["refused"] == []
    assert result["changed"] is True and "failed" not in result
    assert result["check_mode"] is False
    assert result["plan_id"] == make_plan(items)["id"]
    assert result["api_calls"] == {"total": 9, "GET": 3, "DELETE": 2, "POST": 3, "PATCH": 1, "module_calls": 4, "rereads": 1}
    assert result["calls"] == [
        {"module": "bitbucket_repo_permission", "items": [items[0]["key"], items[1]["key"]], "changed": True, "failed": False},
        {"module": "atlassian_group_member", "items": [items[2]["key"], items[3]["key"]], "changed": True, "failed": False},
        {"module": "atlassian_scim_user_info", "items": [items[4]["key"]], "changed": False, "failed": False},
        {"module": "atlassian_scim_user", "items": [items[4]["key"]], "changed": True, "failed": False},
    ]
    assert result["msg"].startswith("Plan %s: 4 applied, 1 already in place, 0 stale" % result["plan_id"][:12])


def test_module_defaults_of_the_groups_fill_in_but_never_widen_a_call():
    items = [revoke("infra-core"), leave("g1")]
    defaults = [
        {
            "group/accessops.atlassian.bitbucket": {
                "username": "admin@acme.example",
                "exclusive": True,
                "exempt": ["x"],
                "timeout": 5,
            },
            "group/accessops.atlassian.atlassian": {"max_retries": 2, "state": "present"},
            "accessops.atlassian.atlassian_group_member": {"allow_self_removal": True, "protect_account": "admin@acme.example"},
        }
    ]
    result, calls = run(
        args_for(make_plan(items), module_args={"bitbucket": {"timeout": 9}}),
        lambda m, a: {"changed": False, "changes": [], "stale": [{"repository": "infra-core", "user": JANE, "found": None}]},
        module_defaults=defaults,
    )
    assert calls == [
        (
            "accessops.atlassian.bitbucket_repo_permission",
            {
                "username": "admin@acme.example",
                "timeout": 9,
                "max_retries": 2,
                "workspace": "acme",
                "repositories": ["infra-core"],
                "users": [{"user": JANE, "state": "absent", "expect": "write"}],
            },
        ),
        (
            "accessops.atlassian.atlassian_group_member",
            {"max_retries": 2, "protect_account": "admin@acme.example", "user": JANE, "groups": ["g1"], "state": "absent"},
        ),
    ]
    assert result["already"] == items


def test_a_stale_permission_is_not_written_and_fails_the_task():
    items = [revoke("infra-core", before="write")]

    def answer(module, args):
        # the module got the item's before as expect: it found admin there and wrote nothing
        assert args["users"] == [{"user": JANE, "state": "absent", "expect": "write"}]
        return {
            "changed": False,
            "changes": [],
            "stale": [{"repository": "infra-core", "user": JANE, "expected": "write", "found": "admin"}],
        }

    result, calls = run(args_for(make_plan(items)), answer)
    assert len(calls) == 1
    assert result["stale"] == [{"item": items[0], "found": "admin"}]
    assert result["applied"] == [] and result["changed"] is False
    assert result["failed"] is True and result["msg"].endswith("Not done: " + items[0]["key"])


def test_a_stale_scim_user_is_read_and_not_written():
    item = deactivate()

    def answer(module, args):
        assert module == "atlassian_scim_user_info", "the write must not run"
        return {"users": [{"id": "s-1", "userName": "jane@acme.example", "active": False, "displayName": "x"}]}

    result, calls = run(args_for(make_plan([item])), answer)
    assert [c[0] for c in calls] == ["accessops.atlassian.atlassian_scim_user_info"]
    assert result["already"] == [item] and "failed" not in result


def test_a_failed_call_does_not_stop_the_next():
    items = [revoke("infra-core"), leave("g1"), deactivate()]

    def answer(module, args):
        if module == "bitbucket_repo_permission":
            return {"failed": True, "msg": "HTTP 403 on infra-core", "status": 403, "changes": [], "stale": []}
        if module == "atlassian_group_member":
            return {"changed": True, "changes": [change_of(items[1])]}
        if module == "atlassian_scim_user_info":
            return {"users": [{"id": "s-1", "userName": "jane@acme.example", "active": True}]}
        return {"changed": True, "changes": [change_of(items[2])]}

    result, calls = run(args_for(make_plan(items)), answer)
    assert len(calls) == 4
    assert result["failed_items"] == [{"item": items[0], "msg": "HTTP 403 on infra-core"}]
    assert result["applied"] == [items[1], items[2]]
    assert result["failed"] is True and result["changed"] is True
    assert [c["failed"] for c in result["calls"]] == [True, False, False, False]


def test_an_exception_of_one_call_is_its_failure_only():
    items = [leave("g1"), revoke("infra-core")]

    def answer(module, args):
        if module == "atlassian_group_member":
            raise RuntimeError("connection lost")
        return {"changed": True, "changes": [change_of(items[1])]}

    result, calls = run(args_for(make_plan(items)), answer)
    assert len(calls) == 2
    assert result["failed_items"] == [
        {"item": items[0], "msg": "the module atlassian_group_member could not be run: connection lost"}
    ]
    assert result["applied"] == [items[1]]


def test_after_http_401_the_same_api_is_not_called_again():
    items = [revoke("a", before="write"), revoke("b", before="read"), leave("g1")]

    def answer(module, args):
        if module == "bitbucket_repo_permission":
            return {"failed": True, "status": 401, "msg": "HTTP 401: check the credentials"}
        return {"changed": True, "changes": [change_of(items[2])]}

    result, calls = run(args_for(make_plan(items)), answer)
    assert [c[0].rsplit(".", 1)[-1] for c in calls] == ["bitbucket_repo_permission", "atlassian_group_member"]
    assert result["failed_items"] == [{"item": items[0], "msg": "HTTP 401: check the credentials"}]
    assert result["not_attempted"] == [items[1]]
    assert result["applied"] == [items[2]]
    assert result["failed"] is True


def test_check_mode_reports_what_would_be_applied():
    items = [revoke("infra-core")]
    result, calls = run(
        args_for(make_plan(items)), lambda m, a: {"changed": True, "changes": [change_of(items[0])]}, check_mode=True
    )
    assert len(calls) == 1
    assert result["applied"] == items and result["check_mode"] is True
    assert "1 would be applied (check mode)" in result["msg"]


def test_an_empty_plan_calls_nothing():
    result, calls = run(args_for(make_plan([])), never)
    assert calls == [] and "failed" not in result and result["changed"] is False


def test_the_module_file_documents_the_action_options():
    run(args_for(make_plan([])), never)  # the validator fills defaults in: a spec shared between runs would change
    assert argument_spec is plan_apply_doc.argument_spec  # one spec, next to its documentation
    documented = yaml.safe_load(plan_apply_doc.DOCUMENTATION)["options"]
    spec = argument_spec()
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        assert documented[name]["type"] == option["type"], name
        assert documented[name].get("required", False) == option.get("required", False), name
        assert documented[name].get("default") == option.get("default"), name
        assert sorted(documented[name].get("suboptions") or {}) == sorted(option.get("options") or {}), name


def test_a_plan_whose_times_came_back_as_datetimes_is_applied():
    """AWX passes workflow artifacts on as !unsafe extra vars, which ansible-core >= 2.19 resolves as plain YAML: the
    plan's times arrive as datetimes. They are written back as the plan's time text, so the id still matches."""
    plan = make_plan([revoke("infra-core")])
    travelled = dict(plan)
    for key in ("created_at", "expires_at"):
        travelled[key] = datetime.strptime(plan[key], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)  # noqa: UP017

    def answer(module, args):
        return {"changed": True, "changes": [change_of(plan["items"][0])], "stale": []}

    result, calls = run(args_for(travelled), answer)
    assert result["refused"] == [] and len(calls) == 1
    assert result["applied"] == plan["items"]


def test_a_plan_with_another_changed_value_is_still_refused():
    plan = make_plan([revoke("infra-core")])
    travelled = copy.deepcopy(plan)
    travelled["inputs"]["people"] = [5]  # '5' resolved as an int: not the plan that was approved
    result, calls = run(args_for(travelled), never)
    assert calls == [] and "does not match its content" in " ".join(result["refused"])
