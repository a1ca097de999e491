# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Applying a plan: the fewest module calls that make exactly its items, and what each call's result says of them.

``calls_for(items)`` turns the items of an approved plan into module calls, in the order the items first appear:

* permission items with the same kind, workspace, subject, before and after: ONE ``bitbucket_repo_permission`` /
  ``bitbucket_project_permission`` call on all their targets, the subject's entry carrying ``expect`` (the level it
  must hold before: compare-and-set, the module writes nothing where it holds another one and reports it ``stale``);
* group_membership items with the same org, user and action: ONE ``atlassian_group_member`` call on all their groups;
* account items: one ``atlassian_user`` call each;
* api_token items (``revoke_api_token``) of the same account: ONE ``atlassian_api_token`` call (``token_ids``, never
  ``all``) on all their tokens. A token is named by its id, which is never reused: a token already gone is
  ``already``; its ``before`` (label, dates) is what the approver read, not compared (a leaver's token used since
  the plan has another ``last_access`` and is still revoked); an account no longer managed by the organization
  (the API refuses to list or revoke its tokens) makes its items ``stale``;
* scim_user items: ONE ``atlassian_scim_user_info`` read per user name (``Call.reread``), then one
  ``atlassian_scim_user`` write per item (``Call.needs_reread``), made only when the re-read found the item's
  ``before`` (``reread_verdict``).

``classify(call, result)`` sorts the items of a call into (applied, already, stale, failed) from the module's result
(its ``changes``, ``stale``, ``failed`` and ``msg``). Nothing here sends a request: the action plugin
``plan_apply`` runs the calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils._scim.attributes import EMAIL_OPTION, user_view

PERMISSION_KINDS = {
    # kind: (module, target key = the module's singular option, the module's list option)
    "repository_permission": ("bitbucket_repo_permission", "repository", "repositories"),
    "project_permission": ("bitbucket_project_permission", "project", "projects"),
}
MEMBERSHIP_STATES = {"add": "present", "remove": "absent"}
ACCOUNT_STATES = {"invite": "invited", "suspend": "suspended", "restore": "active", "remove": "removed"}
SCIM_ACTIONS = ("create", "update", "deactivate", "delete")
MODULE_APIS = {
    "bitbucket_repo_permission": "bitbucket",
    "bitbucket_project_permission": "bitbucket",
    "atlassian_group_member": "admin",
    "atlassian_user": "admin",
    "atlassian_scim_user_info": "scim",
    "atlassian_scim_user": "scim",
    "atlassian_api_token": "admin",
}


class PlanItemError(ValueError):
    """An item the apply cannot turn into a module call (raised before any call is made)."""


@dataclass(frozen=True)
class Call:
    """One module call: ``module`` (short name), ``api`` (whose ``module_args`` it takes), ``args`` (derived from the
    items only), ``items`` (the plan items it makes). ``reread``: a read of the items' current state (no write);
    ``needs_reread``: a write made only when the re-read before it found the item's ``before``."""

    module: str
    args: dict[str, Any]
    items: tuple[dict[str, Any], ...]
    reread: bool = False
    needs_reread: bool = False
    api: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "api", MODULE_APIS[self.module])

    @property
    def keys(self) -> list[str]:
        return [item.get("key") for item in self.items]


def _need(item: dict[str, Any], where: dict[str, Any] | None, name: str) -> Any:
    value = (where or {}).get(name)
    if value is None or value == "":
        raise PlanItemError("item %s has no %s" % (item.get("key"), name))
    return value


def _subject_entry(item: dict[str, Any]) -> tuple[str, str]:
    """("user", account id) or ("group", slug) of a permission item."""
    subject = item.get("subject") or {}
    if subject.get("type") == "group":
        return "group", _need(item, subject, "slug")
    if subject.get("type") == "user":
        return "user", _need(item, subject, "account_id")
    raise PlanItemError("item %s has a subject of unknown type %r" % (item.get("key"), subject.get("type")))


def _permission_entry(item: dict[str, Any]) -> dict[str, Any]:
    name, ident = _subject_entry(item)
    before, after = item.get("before"), item.get("after")
    if before is None and after is None:
        raise PlanItemError("item %s has neither a before nor an after level" % item.get("key"))
    entry: dict[str, Any] = {name: ident}
    if after is None:
        entry["state"] = "absent"
    else:
        entry["permission"] = after
    entry["expect"] = before if before is not None else "none"
    return entry


def _scim_user_name(item: dict[str, Any]) -> str:
    return _need(item, item.get("subject"), "user_name")


def _scim_write_args(item: dict[str, Any]) -> dict[str, Any]:
    """The atlassian_scim_user options that make a scim_user item (its ``after`` attributes, or deactivate / delete)."""
    action, before, after = item.get("action"), item.get("before"), item.get("after")
    args: dict[str, Any] = {"user_name": _scim_user_name(item)}
    if action == "delete":
        if after is not None:
            raise PlanItemError("item %s deletes a SCIM user but has an after state" % item.get("key"))
        args["state"] = "absent"
        return args
    if not isinstance(after, dict) or not after:
        raise PlanItemError("item %s has no SCIM attributes after the change" % item.get("key"))
    if action == "deactivate":
        if after.get("active") is not False:
            raise PlanItemError("item %s deactivates a SCIM user but its after state is not active false" % item.get("key"))
        args["active"] = False
        return args
    if action == "create" and before is not None:
        raise PlanItemError("item %s creates a SCIM user but has a before state" % item.get("key"))
    if action == "update" and not isinstance(before, dict):
        raise PlanItemError("item %s updates a SCIM user but has no before state" % item.get("key"))
    for option, value in after.items():
        if option == "user_name":
            continue
        if value is None:
            # absent after the change: an update removes it (an empty string), a creation does not set it
            if action == "update" and option != EMAIL_OPTION and (before or {}).get(option) is not None:
                args[option] = ""
            continue
        args[option] = value
    return args


def calls_for(items: list[dict[str, Any]]) -> list[Call]:
    """The fewest module calls that make exactly ``items``, in the order of their first item (PlanItemError, before
    anything is sent, for an item that cannot be made)."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    order: list[tuple[Any, ...]] = []

    def add(group: tuple[Any, ...], item: dict[str, Any]) -> None:
        if group not in groups:
            groups[group] = []
            order.append(group)
        groups[group].append(item)

    for item in items:
        if not isinstance(item, dict):
            raise PlanItemError("a plan item is not a mapping")
        kind, action, target = item.get("kind"), item.get("action"), item.get("target") or {}
        if kind in PERMISSION_KINDS:
            scope = PERMISSION_KINDS[kind][1]
            _need(item, target, scope)
            _permission_entry(item)  # checked here, before any call
            add(
                (
                    "permission",
                    kind,
                    _need(item, target, "workspace"),
                    _subject_entry(item),
                    item.get("before"),
                    item.get("after"),
                ),
                item,
            )
        elif kind == "group_membership":
            if action not in MEMBERSHIP_STATES:
                raise PlanItemError("item %s has an unknown action %r" % (item.get("key"), action))
            _need(item, target, "group_id")
            add(("membership", target.get("org"), _need(item, item.get("subject"), "account_id"), action), item)
        elif kind == "account":
            if action not in ACCOUNT_STATES:
                raise PlanItemError("item %s has an unknown action %r" % (item.get("key"), action))
            subject = item.get("subject") or {}
            if not (subject.get("account_id") or subject.get("email")):
                raise PlanItemError("item %s has neither an account id nor an email" % item.get("key"))
            if action == "invite" and not subject.get("email"):
                raise PlanItemError("item %s invites an account but has no email" % item.get("key"))
            add(("account", item.get("key"), id(item)), item)
        elif kind == "api_token":
            if action != "revoke_api_token":
                raise PlanItemError("item %s has an unknown action %r" % (item.get("key"), action))
            if item.get("after") is not None:
                raise PlanItemError("item %s revokes an API token but has an after state" % item.get("key"))
            _need(item, item.get("subject"), "id")
            add(("api_token", _need(item, target, "account_id")), item)
        elif kind == "scim_user":
            if action not in SCIM_ACTIONS:
                raise PlanItemError("item %s has an unknown action %r" % (item.get("key"), action))
            _scim_write_args(item)  # checked here, before any call
            add(("scim", _scim_user_name(item).lower()), item)
        else:
            raise PlanItemError("item %s has an unknown kind %r" % (item.get("key"), kind))

    calls: list[Call] = []
    for group in order:
        members = groups[group]
        first = members[0]
        if group[0] == "permission":
            module, scope, plural = PERMISSION_KINDS[first["kind"]]
            targets = list(dict.fromkeys(item["target"][scope] for item in members))
            subjects = "users" if group[3][0] == "user" else "groups"
            args = {"workspace": group[2], plural: targets, subjects: [_permission_entry(first)]}
            calls.append(Call(module, args, tuple(members)))
        elif group[0] == "membership":
            group_ids = list(dict.fromkeys(item["target"]["group_id"] for item in members))
            args = {"user": group[2], "groups": group_ids, "state": MEMBERSHIP_STATES[group[3]]}
            calls.append(Call("atlassian_group_member", args, tuple(members)))
        elif group[0] == "api_token":
            token_ids = list(dict.fromkeys(item["subject"]["id"] for item in members))
            args = {"account_id": group[1], "token_ids": token_ids, "state": "absent"}
            calls.append(Call("atlassian_api_token", args, tuple(members)))
        elif group[0] == "account":
            subject = first.get("subject") or {}
            user = subject.get("email") if first["action"] == "invite" else (subject.get("account_id") or subject.get("email"))
            calls.append(Call("atlassian_user", {"user": user, "state": ACCOUNT_STATES[first["action"]]}, (first,)))
        else:
            calls.append(Call("atlassian_scim_user_info", {"user_name": _scim_user_name(first)}, tuple(members), reread=True))
            calls.extend(Call("atlassian_scim_user", _scim_write_args(item), (item,), needs_reread=True) for item in members)
    return calls


# --- what a result says -------------------------------------------------------------------------------------------


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def same_change(item: dict[str, Any], change: Any) -> bool:
    """Whether a change item a module reported is about the same target and subject as a plan item."""
    if not isinstance(change, dict) or change.get("kind") != item.get("kind"):
        return False
    kind = item.get("kind")
    target, subject = item.get("target") or {}, item.get("subject") or {}
    c_target, c_subject = change.get("target") or {}, change.get("subject") or {}
    if kind in PERMISSION_KINDS:
        scope = PERMISSION_KINDS[kind][1]
        name = "slug" if subject.get("type") == "group" else "account_id"
        return (
            c_target.get("workspace") == target.get("workspace")
            and c_target.get(scope) == target.get(scope)
            and c_subject.get("type") == subject.get("type")
            and c_subject.get(name) == subject.get(name)
        )
    if kind == "group_membership":
        return c_target.get("group_id") == target.get("group_id") and c_subject.get("account_id") == subject.get("account_id")
    if kind == "account":
        if subject.get("account_id") and c_subject.get("account_id"):
            return c_subject.get("account_id") == subject.get("account_id")
        return bool(subject.get("email")) and _lower(c_subject.get("email")) == _lower(subject.get("email"))
    if kind == "scim_user":
        return _lower(c_subject.get("user_name")) == _lower(subject.get("user_name"))
    if kind == "api_token":
        return c_target.get("account_id") == target.get("account_id") and c_subject.get("id") == subject.get("id")
    return False


def _token_outcome(item: dict[str, Any], result: dict[str, Any]) -> tuple[str, Any]:
    """What an atlassian_api_token result says of an api_token item without a matching change: ("already", None),
    ("stale", found), ("failed", msg) or ("unknown", None)."""
    token_id = (item.get("subject") or {}).get("id")
    if result.get("managed") is False:
        return "stale", {"managed": False, "reason": result.get("reason") or result.get("msg")}
    if token_id in (result.get("not_found") or []):
        return "already", None
    if result.get("failed"):
        return "failed", _failure_message(result)
    return "unknown", None


def _failure_message(result: dict[str, Any]) -> str:
    return str(result.get("msg") or "the module failed without a message")


def _target_failure(call: Call, item: dict[str, Any], result: dict[str, Any]) -> str | None:
    """The message of the permission module's own failure entry for this item's target and subject, if any."""
    scope = PERMISSION_KINDS[item["kind"]][1]
    name, ident = _subject_entry(item)
    for entry in result.get("targets") or []:
        if not isinstance(entry, dict) or entry.get(scope) != item["target"][scope]:
            continue
        for failure in entry.get("failed") or []:
            if isinstance(failure, dict) and (failure.get(name) == ident or failure.get("operation") == "read"):
                return str(failure.get("message") or _failure_message(result))
    return None


def _unchanged_on_target(item: dict[str, Any], result: dict[str, Any]) -> bool:
    """Whether the permission module listed the item's subject as unchanged on the item's target."""
    scope = PERMISSION_KINDS[item["kind"]][1]
    name, ident = _subject_entry(item)
    for entry in result.get("targets") or []:
        if isinstance(entry, dict) and entry.get(scope) == item["target"][scope]:
            lists = entry if name == "user" else (entry.get("groups") or {})
            return ident in (lists.get("unchanged") or [])
    return False


def _stale_entry(item: dict[str, Any], result: dict[str, Any]) -> dict[str, Any] | None:
    scope = PERMISSION_KINDS[item["kind"]][1]
    name, ident = _subject_entry(item)
    for entry in result.get("stale") or []:
        if isinstance(entry, dict) and entry.get(scope) == item["target"][scope] and entry.get(name) == ident:
            return entry
    return None


Outcome = tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]


def classify(call: Call, result: dict[str, Any]) -> Outcome:
    """(applied, already, stale, failed) of a call's items from its module result: applied = items with a matching
    change in ``changes``; a permission item the module reports ``stale`` is ``already`` when the level found is the
    item's ``after``, else stale (``{"item", "found"}``); an admin or SCIM write that reported no change for an item is
    ``already`` (their states are two-valued); an api_token item is ``already`` when its id is in ``not_found``,
    stale when the result says the account is not managed (``managed: false``); in a failed result, the items without a change are failed
    (``{"item", "msg"}``). A re-read call (``Call.reread``) classifies with ``reread_verdict`` and leaves out the items
    to write."""
    applied: list[dict[str, Any]] = []
    already: list[dict[str, Any]] = []
    stale: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    result = result if isinstance(result, dict) else {}
    if call.reread:
        for item in call.items:
            verdict, detail = reread_verdict(item, result)
            if verdict == "already":
                already.append(item)
            elif verdict == "stale":
                stale.append({"item": item, "found": detail})
            elif verdict == "failed":
                failed.append({"item": item, "msg": detail})
        return applied, already, stale, failed
    changes = result.get("changes") if isinstance(result.get("changes"), list) else []
    is_failed = bool(result.get("failed"))
    for item in call.items:
        if any(same_change(item, change) for change in changes):
            applied.append(item)
            continue
        if item.get("kind") == "api_token":
            verdict, detail = _token_outcome(item, result)
            if verdict == "already":
                already.append(item)
            elif verdict == "stale":
                stale.append({"item": item, "found": detail})
            else:
                msg = detail if verdict == "failed" else "the module reported neither a revocation nor a missing token"
                failed.append({"item": item, "msg": msg})
        elif item.get("kind") in PERMISSION_KINDS:
            entry = _stale_entry(item, result)
            if entry is not None:
                if entry.get("found") == item.get("after"):
                    already.append(item)
                else:
                    stale.append({"item": item, "found": entry.get("found")})
            elif is_failed:
                failed.append({"item": item, "msg": _target_failure(call, item, result) or _failure_message(result)})
            elif _unchanged_on_target(item, result) or (
                item.get("after") is None and (item.get("subject") or {}).get("account_id") in (result.get("not_found") or [])
            ):
                already.append(item)
            else:
                failed.append({"item": item, "msg": "the module reported neither a change nor a stale state for this item"})
        elif is_failed:
            failed.append({"item": item, "msg": _failure_message(result)})
        elif result.get("changed") and "changes" not in result:
            failed.append({"item": item, "msg": "the module changed something but reported no change items (changes)"})
        else:
            already.append(item)
    return applied, already, stale, failed


# --- SCIM re-read -----------------------------------------------------------------------------------------------------


def _norm(option: str, value: Any) -> Any:
    if value == "":
        return None
    if option in (EMAIL_OPTION, "user_name"):
        return _lower(value)
    return value


def _matches(view: dict[str, Any] | None, wanted: dict[str, Any] | None) -> bool:
    """A SCIM state (None: no user) against a plan state: None = no user; a dict = the listed attributes equal."""
    if wanted is None or view is None:
        return wanted is None and view is None
    return all(_norm(option, view.get(option)) == _norm(option, value) for option, value in wanted.items())


def reread_verdict(item: dict[str, Any], result: dict[str, Any]) -> tuple[str, Any]:
    """What the re-read (an atlassian_scim_user_info result for the item's user name) says of a scim_user item:
    ``("write", None)`` (the state is the item's ``before``), ``("already", None)`` (it is its ``after``),
    ``("stale", found)`` (neither: found = None for no user, else the attributes the item lists, as read, with ``id``
    when the user is another one than the plan's), ``("failed", msg)``."""
    if result.get("failed"):
        return "failed", "not written: the re-read of the SCIM user failed: %s" % _failure_message(result)
    user_name = _lower(_scim_user_name(item))
    users = [u for u in (result.get("users") or []) if isinstance(u, dict) and _lower(u.get("userName")) == user_name]
    if len(users) > 1:
        return "failed", "not written: the re-read found %d SCIM users with this user name" % len(users)
    before, after = item.get("before"), item.get("after")
    listed = before if isinstance(before, dict) else after if isinstance(after, dict) else {}
    found: dict[str, Any] | None = None
    if users:
        view = dict(user_view(users[0]), user_name=users[0].get("userName"))
        found = {option: view.get(option) for option in listed}
        planned_id = (item.get("subject") or {}).get("id")
        if planned_id and users[0].get("id") != planned_id:
            found["id"] = users[0].get("id")
            return "stale", found
    if _matches(found, before):
        return "write", None
    if _matches(found, after):
        return "already", None
    return "stale", found
