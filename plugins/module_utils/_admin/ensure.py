# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The write side of the organization Admin API modules: plan from what was read, refuse what the API says cannot be
changed before any write, apply (nothing in check mode), and report the same plan and diff either way.

``group_membership`` is ``atlassian_group_member``; ``account_state`` is ``atlassian_user``. Both return ``changes``:
the change items of the plans (``group_membership`` and ``account`` of docs/plans.md) of what was done, or in check
mode what would be; after a failure midway, what was done before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.writes import InvitationFailedError, group_key
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.writes import ALL_DIRECTORIES
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.safety import check_removals
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.info import (
    find_groups,
    find_user,
    is_read_only,
    shape_user,
    split_groups,
    user_kind,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._engine import make_diff
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AtlassianError, ConfigurationError

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._admin.client import AdminClient

LOST = "%s: applied; answer lost, verified by re-read"

NO_ACCOUNT = (
    "has no account in the organization's directory (or the key cannot see it): use "
    "accessops.atlassian.atlassian_user with state=invited to invite an email first"
)


def _group_names(client: AdminClient, groups: list[dict[str, Any]]) -> list[str]:
    return sorted(g["name"] for g in groups)


def membership_change(client: AdminClient, user: dict[str, Any], group: dict[str, Any], add: bool) -> dict[str, Any]:
    """The change item of one membership added (``add``) or removed."""
    return {
        "api": "admin",
        "kind": "group_membership",
        "action": "add" if add else "remove",
        "target": {"org": client.org_id, "group_id": group["id"], "group_name": group.get("name")},
        "subject": {"type": "user", "account_id": user.get("accountId")},
        "before": not add,
        "after": add,
    }


def account_change(
    client: AdminClient, action: str, before: str | None, after: str, account_id: str | None, email: str | None
) -> dict[str, Any]:
    """The change item of an account's status: ``invite`` (null -> invited), ``suspend``, ``restore``, ``remove``."""
    return {
        "api": "admin",
        "kind": "account",
        "action": action,
        "target": {"org": client.org_id},
        "subject": {"type": "user", "account_id": account_id, "email": email},
        "before": before,
        "after": after,
    }


def group_membership(client: AdminClient, params: dict[str, Any], check_mode: bool = False) -> tuple[dict[str, Any], bool]:
    """Ensure the account ``user`` is (``present``) or is not (``absent``) a member of each of ``groups``."""
    state = params.get("state") or "present"
    ids, names = split_groups(params.get("groups"))
    if not ids and not names:
        raise ConfigurationError("groups must name at least one group (by name or id)")
    if params.get("protect_account"):
        user_kind(params["protect_account"], "protect_account")  # checked before any request
    user = find_user(client, params.get("user"))
    if user is None:
        raise ConfigurationError("user %s %s" % (validate.show(str(params.get("user"))), NO_ACCOUNT))
    groups, not_found = find_groups(client, ids, names)
    if not_found:
        raise ConfigurationError(
            "groups: no group %s in the organization's directory (or the key cannot see it); nothing "
            "was changed" % ", ".join(validate.show(str(n)) for n in not_found)
        )
    member_of = {group_key(g.get("id")) for g in user.get("groups") or () if isinstance(g, dict)}
    if state == "present":
        todo = [g for g in groups if g["id"] not in member_of]
    else:
        todo = [g for g in groups if g["id"] in member_of]
    refused = [(g, is_read_only(g)) for g in todo if is_read_only(g)]
    if refused:
        raise ConfigurationError(
            "Cannot %s %s %s %s. Nothing was changed"
            % (
                "add" if state == "present" else "remove",
                user.get("email") or user["accountId"],
                "to" if state == "present" else "from",
                "; ".join("the group %s: it is %s" % (validate.show(str(g.get("name"))), why) for g, why in refused),
            )
        )
    if state == "absent":
        check_removals(client, user, todo, params)  # the caller's admin group, the last admin group: before any write
    done = []
    answered_already = []
    lost = []
    failure = None
    if not check_mode:
        for group in todo:
            try:
                if state == "present":
                    changed = client.add_member(group, user["accountId"])
                else:
                    changed = client.remove_member(group, user["accountId"])
            except AtlassianError as err:
                if not done:
                    raise
                failure = err  # what was changed before is reported, then the task fails
                break
            (done if changed else answered_already).append(group)
            if changed and client.last_answer_lost:
                lost.append(LOST % group["name"])
    else:
        done = list(todo)
    before = sorted(g["name"] for g in groups if g["id"] in member_of)
    settled = {g["name"] for g in done + answered_already}  # in the state asked for, by the API's word
    if state == "present":
        after = sorted(set(before) | settled)
    else:
        after = sorted(set(before) - settled)
    result = {
        "changed": bool(done),
        "user": shape_user({k: v for k, v in user.items() if k != "groups"}),
        "groups": [
            {"id": g["id"], "name": g["name"], "directory_id": g.get("directoryId"), "member": (g["name"] in after)}
            for g in groups
        ],
        "added": _group_names(client, done) if state == "present" else [],
        "removed": _group_names(client, done) if state == "absent" else [],
        "changes": [membership_change(client, user, g, state == "present") for g in sorted(done, key=lambda g: g["name"])],
    }
    if answered_already:
        result["unchanged_by_api"] = _group_names(client, answered_already)
    if lost:
        result["answer_lost"] = lost
    result["diff"] = make_diff(
        {"groups": before},
        {"groups": after},
        "%s (managed groups)" % (user.get("email") or user["accountId"]),
        "%s (managed groups)" % (user.get("email") or user["accountId"]),
    )
    return _with_failure(result, failure, _group_names(client, done))


def _with_failure(result: dict[str, Any], failure: AtlassianError | None, done: list[str]) -> tuple[dict[str, Any], bool]:
    """``(result, failed)``: a write that failed after others were made fails the task, which still reports
    ``changed`` and what was done."""
    if failure is None:
        return result, False
    result.update(failure.as_result())
    result["msg"] = "%s. Changed before the failure: %s; run the task again to finish" % (failure.message, ", ".join(done))
    return result, True


def _status(user: dict[str, Any] | None) -> str:
    """``active``, ``suspended``, ``deactivated``... of a user object (membership first: it is what a write moves)."""
    if user is None:
        return "absent"
    if user.get("membershipStatus") == "suspended" or user.get("status") == "suspended":
        return "suspended"
    return user.get("status") or "active"


def _directory_records(client: AdminClient, user: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``[(directory id, user)]``: where the account is, for writes (see ``AdminClient.user_directories``)."""
    return client.user_records(user)


def _invite(
    client: AdminClient, params: dict[str, Any], check_mode: bool, kind: str, value: str
) -> tuple[dict[str, Any], InvitationFailedError | None]:
    if kind != "email":
        raise ConfigurationError("state=invited needs user to be an email address (an invitation goes to an email)")
    ids, names = split_groups(params.get("groups"))
    groups, not_found = find_groups(client, ids, names) if (ids or names) else ([], [])
    if not_found:
        raise ConfigurationError(
            "groups: no group %s in the organization's directory; nothing was changed"
            % ", ".join(validate.show(str(n)) for n in not_found)
        )
    refused = [(g, is_read_only(g)) for g in groups if is_read_only(g)]
    if refused:
        raise ConfigurationError(
            "Cannot invite %s into %s. Nothing was changed"
            % (value, "; ".join("the group %s, which is %s" % (validate.show(str(g.get("name"))), why) for g, why in refused))
        )
    result = {"changed": True, "invited": True, "pending": True, "groups": sorted(g["name"] for g in groups)}
    if check_mode:
        result["user"] = None
        result["changes"] = [account_change(client, "invite", None, "invited", None, value)]
        return result, None
    failure = None
    try:
        invitations = client.invite([value], [g["id"] for g in groups], params.get("send_notification", True))
    except InvitationFailedError as err:  # 206, or 200 with an ERROR result: reported per email, then the task fails
        invitations, failure = err.results, err
    names = {g["id"]: g["name"] for g in groups}
    result["invitations"] = [dict(r, failures=[_named(f, names) for f in r["failures"]]) for r in invitations]
    user = find_user(client, value, expand=())
    result["user"] = shape_user(user) if user is not None else None
    result["pending"] = user is None
    # invited: the answer says so, or (a failed part) the account is in the directory now
    result["invited"] = result["changed"] = any(r["invited"] for r in invitations) or user is not None
    account_id = user.get("accountId") if user is not None else None
    result["changes"] = [account_change(client, "invite", None, "invited", account_id, value)] if result["invited"] else []
    return result, failure


def _named(failure: str, names: dict[str, str]) -> str:
    """An invitation failure (``group <id>: reason``) with the group's name."""
    for gid, name in names.items():
        if failure.startswith("group %s:" % gid):
            return "group %s%s" % (name, failure[len("group %s" % gid) :])
    return failure


def account_state(client: AdminClient, params: dict[str, Any], check_mode: bool = False) -> tuple[dict[str, Any], bool]:
    """Ensure the account's state in the organization directory: active, suspended, removed, or invited."""
    state = params.get("state") or "active"
    kind, value = user_kind(params.get("user"))
    if params.get("groups") and state != "invited":
        raise ConfigurationError(
            "groups is only used with state=invited; use accessops.atlassian.atlassian_group_member "
            "to change the groups of an account"
        )
    if state == "invited":
        if kind != "email":
            raise ConfigurationError("state=invited needs user to be an email address (an invitation goes to an email)")
        split_groups(params.get("groups"))  # the names are checked before any request
    user = find_user(client, value, expand=())
    before = _status(user)
    header = "%s (organization directory)" % value
    if user is None:
        if state == "invited":
            result, failure = _invite(client, params, check_mode, kind, value)
            result["diff"] = make_diff(
                {"status": "absent"}, {"status": "invited" if result["invited"] else "absent"}, header, header
            )
            if failure is None:
                return result, False
            result.update(failure.as_result())
            result["msg"] = "%s. %s; give what failed with accessops.atlassian.atlassian_group_member once the cause is fixed" % (
                "; ".join(
                    "The invitation of %s failed: %s" % (r["email"], ", ".join(r["failures"]))
                    for r in result["invitations"]
                    if not r["invited"]
                ),
                "The account was invited" if result["invited"] else "Nothing was invited",
            )
            return result, True
        if state == "removed":
            return {
                "changed": False,
                "user": None,
                "directories": [],
                "changes": [],
                "diff": make_diff({"status": "absent"}, {"status": "absent"}, header, header),
            }, False
        raise ConfigurationError("user %s %s" % (validate.show(value), NO_ACCOUNT))
    result = {"changed": False, "user": shape_user(user), "directories": [], "changes": []}
    if state == "invited":
        result.update({"invited": False, "pending": False})
        result["diff"] = make_diff({"status": before}, {"status": before}, header, header)
        return result, False
    if state == "active" and user.get("accountStatus") not in (None, "active"):
        raise ConfigurationError(
            "user %s: the Atlassian account itself is %s (status %s), which restoring its access in the "
            "directory does not change: reactivate it where it was deactivated (the identity "
            "provider over SCIM, or Atlassian Administration)"
            % (validate.show(value), user.get("accountStatus"), user.get("status"))
        )
    exact = client.directory_id != ALL_DIRECTORIES  # the account was read in the one directory configured
    if (state == "active" and before != "suspended" and exact) or (state == "suspended" and before == "suspended"):
        # the status read answers it (organization-wide, suspended means suspended in every directory): nothing to read
        result["diff"] = make_diff({"status": before}, {"status": before}, header, header)
        return result, False
    records = _directory_records(client, user)
    if state == "active":
        todo = [d for d, u in records if u is not None and _status(u) == "suspended"]
        action, after, verb, status = client.restore, "active" if records else before, "restore", "active"
    elif state == "suspended":
        todo = [d for d, u in records if u is not None and _status(u) != "suspended"]
        action, after, verb, status = client.suspend, "suspended" if records else before, "suspend", "suspended"
    else:
        todo = [d for d, u in records if u is not None]
        action, after, verb, status = client.remove_user, "absent", "remove", "removed"
    failure = None
    if not check_mode:
        applied = []
        lost = []
        for directory in todo:
            try:
                # remove_user answers False when the directory no longer had the account (404)
                if action(directory, user["accountId"]) is not False:
                    applied.append(directory)
                    if action == client.remove_user and client.last_answer_lost:
                        lost.append(LOST % ("directory " + directory))
            except AtlassianError as err:
                if not applied:
                    raise
                failure = err
                break
        todo = applied
        if lost:
            result["answer_lost"] = lost
    if not todo:
        after = before
    result.update({"changed": bool(todo), "directories": todo})
    if todo:  # one item for the account, whatever the number of its directories
        was = "suspended" if verb == "restore" else before  # restored: its directories read suspended
        result["changes"] = [account_change(client, verb, was, status, user.get("accountId"), user.get("email"))]
    result["diff"] = make_diff({"status": before}, {"status": after}, header, header)
    return _with_failure(result, failure, ["directory " + d for d in todo])
