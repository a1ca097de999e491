# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Domain logic of explicit repository user permissions: who is asked for, what is there,
what must change (decided by ``_engine.reconcile``), what must never change, and applying it.

Safety rules, all checked before the first write (check mode runs them too):

* a grant to the workspace owner is refused (Bitbucket does not allow explicit permissions for the owner);
* the caller's own explicit ``admin`` permission is never removed or lowered: asked explicitly,
  the task is refused; through ``exclusive``, the caller is kept (reported as ``protected``);
* ``exclusive`` removes only what a list read to its last page shows;
* every ``exempt`` identifier must match a workspace member (a typo would protect nobody), and a user
  cannot be both asked to be removed and exempt.
"""

from __future__ import annotations

import re

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket import (
    ACCOUNT_ID_BATCH,
    bbql_in,
    check_filtered,
    chunks,
    identifier_kind,
    normalize_identifier,
    user_key,
    user_summary,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._engine import reconcile
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    AtlassianError,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
)

RANK = {"read": 1, "write": 2, "admin": 3}


class RefusedError(AtlassianError):
    """A request the module refuses before any write (owner, caller's own admin, unknown user)."""


class UserRequest(object):
    """One wanted explicit permission: ``identifier`` (as given), ``permission``, ``state``."""

    def __init__(self, identifier, permission=None, state="present", option="user"):
        self.kind, self.key = validate.user_identifier(identifier, option)
        self.identifier = identifier.strip()
        self.permission = permission
        self.state = state or "present"
        if self.state == "present" and not self.permission:
            raise ConfigurationError("permission is required to grant %s (state=present)" % self.identifier)


def requests_from_params(params):
    """(list of UserRequest, list of exempt identifiers) from the module params; ConfigurationError on misuse."""
    if params.get("user") is not None:
        if params.get("exclusive"):
            raise ConfigurationError("exclusive applies to a users list: use users instead of user")
        requests = [UserRequest(params["user"], params.get("permission"), params.get("state") or "present")]
    else:
        requests = [UserRequest(u.get("user"), u.get("permission"), u.get("state") or "present",
                                option="users[%d].user" % index)
                    for index, u in enumerate(params.get("users") or [])]
    if not requests and not params.get("exclusive"):
        raise ConfigurationError("users is an empty list: nothing would be granted or revoked (an empty list is only "
                                 "meaningful with exclusive=true, where it removes every explicit user permission)")
    exempt = [e.strip() for e in params.get("exempt") or [] if validate.user_identifier(e, "exempt")]
    if exempt and not params.get("exclusive"):
        raise ConfigurationError("exempt applies only with exclusive=true")
    check_absent_exempt(dict((r.key, r.identifier) for r in requests if r.state == "absent"),
                        dict((normalize_identifier(i), i) for i in exempt))
    return requests, exempt


def check_absent_exempt(absent, exempt):
    """ConfigurationError when a user is both asked to be removed (state: absent) and exempt from removal.

    ``absent`` and ``exempt`` map what identifies a user (its normalized identifier before resolution,
    its account id after) to the identifier as given."""
    for key, identifier in absent.items():
        if key in exempt:
            raise ConfigurationError("%s is listed with state: absent and is also in exempt (as %s): the task cannot both "
                                     "remove and protect its permission; remove it from one of the two lists. Nothing was "
                                     "changed." % (identifier, exempt[key]))


class Directory(object):
    """Identifiers resolved to account ids: emails (90 per request) and ``{uuid}``s (50 per request) with
    batched member look-ups; account ids are taken as given (no request)."""

    def __init__(self):
        self.account_ids = {}   # normalized identifier -> account_id or None
        self.users = {}         # account_id -> user summary
        self.confirmed = set()  # account ids known to be workspace members (seen in an answer)

    def learn(self, user):
        key = user_key(user)
        if key:
            self.confirmed.add(key)
            known = self.users.setdefault(key, {"account_id": key})
            for name, value in user_summary(user).items():
                if value is not None:
                    known[name] = value
        return key

    def resolve(self, client, workspace, identifiers, confirm=()):
        """Resolve emails and {uuid}s (batched look-ups); account ids are taken as given, except those in
        ``confirm``, whose membership is checked (50 per request): a non-member resolves to None."""
        keys = [normalize_identifier(i) for i in identifiers]
        emails = [k for k in keys if identifier_kind(k) == "email" and k not in self.account_ids]
        if emails:
            found = client.members_by_email(workspace, emails)
            for email in emails:
                self.account_ids[email] = self.learn(found[email]) if email in found else None
        uuids = [k for k in keys if identifier_kind(k) == "uuid" and k not in self.account_ids]
        if uuids:
            found = client.members_by_uuid(workspace, uuids)
            for key in uuids:
                self.account_ids[key] = self.learn(found[key]) if key in found else None
        for key in keys:
            if key not in self.account_ids:
                self.account_ids[key] = key
                self.users.setdefault(key, {"account_id": key})
        # after the email and uuid look-ups, which may already have shown these accounts
        account_ids = [k for k in (normalize_identifier(i) for i in confirm) if identifier_kind(k) == "account_id"]
        for key in self.unconfirmed(client, workspace, account_ids):
            self.account_ids[key] = None
        return self

    def account_id(self, identifier):
        return self.account_ids.get(normalize_identifier(identifier))

    def unconfirmed(self, client, workspace, account_ids):
        """The account ids among ``account_ids`` that are no workspace member (one request per 50 not yet seen)."""
        todo = sorted(set(a for a in account_ids if a not in self.confirmed))
        if not todo:
            return []
        found = client.members_by_account_id(workspace, todo)
        for user in found.values():
            self.learn(user)
        return [a for a in todo if a not in found]


class Targets(object):
    """What a task asks for, by account id: ``desired`` {id: permission}, ``absent`` ids,
    ``exempt`` ids, ``named`` {id: identifier as given}, ``not_found`` identifiers."""

    def __init__(self, requests, exempt, directory):
        self.desired = {}
        self.absent = set()
        self.exempt = set()
        self.named = {}
        self.not_found = []
        unknown = []
        wishes = {}
        for request in requests:
            account_id = directory.account_id(request.identifier)
            if account_id is None:
                if request.state == "present":
                    unknown.append(request.identifier)
                elif request.identifier not in self.not_found:
                    self.not_found.append(request.identifier)
                continue
            wish = request.permission if request.state == "present" else "absent"
            if wishes.get(account_id, wish) != wish:
                raise ConfigurationError("users: %s is listed twice with different wishes (as %s and as %s)"
                                         % (account_id, self.named[account_id], request.identifier))
            wishes[account_id] = wish
            self.named.setdefault(account_id, request.identifier)
            if wish == "absent":
                self.absent.add(account_id)
            else:
                self.desired[account_id] = wish
        if unknown:
            raise RefusedError("Cannot grant a permission to %s: no workspace member has this email address or uuid "
                               "(invite them to the workspace first). Nothing was changed." % ", ".join(unknown))
        unresolved = []
        exempt_ids = {}
        for identifier in exempt:
            account_id = directory.account_id(identifier)
            if account_id is None:
                unresolved.append(identifier)
            else:
                self.exempt.add(account_id)
                exempt_ids.setdefault(account_id, identifier)
        if unresolved:
            raise RefusedError("Cannot exempt %s: no workspace member has this email address, account ID or uuid, so exclusive could "
                               "remove the permission it is meant to protect. Correct the exempt list (or name the user "
                               "by account ID). Nothing was changed." % ", ".join(unresolved))
        check_absent_exempt(dict((k, self.named[k]) for k in self.absent), exempt_ids)

    @property
    def involved(self):
        return set(self.desired) | self.absent

    def mark_not_found(self, account_ids):
        """Removals of account ids that match no workspace member: reported in ``not_found`` (nothing to remove)."""
        for account_id in sorted(account_ids):
            identifier = self.named.get(account_id, account_id)
            if identifier not in self.not_found:
                self.not_found.append(identifier)


class RepoState(object):
    """What phase 1 read from one repository: ``current`` {account_id: permission} (None when the read
    failed), the user objects seen, and ``error``."""

    def __init__(self, repository, current=None, users=None, error=None):
        self.repository = repository
        self.current = current
        self.users = users or {}
        self.error = error


def read_repository(client, workspace, repository, targets, exclusive, check_mode=False):
    """Read the explicit permissions a plan needs, with the fewest requests: the single
    ``permissions-config/users/{id}`` GET when one user is involved (not exclusive), else the whole
    list (100 per page). Errors are returned in the RepoState, never raised.

    When that single GET answers 404, whether the repository exists is checked with a second
    request only when it changes the answer: in check mode, and for a removal (state: absent). A real
    grant needs no check: its ``PUT`` answers 404 for a missing repository (see :func:`apply_plan`)."""
    involved = sorted(targets.involved)
    try:
        if not exclusive and len(involved) == 1:
            confirm = check_mode or involved[0] in targets.absent
            permission = client.get_user_permission(workspace, repository, involved[0], confirm_missing=confirm)
            current = {involved[0]: permission} if permission else {}
            return RepoState(repository, current)
        listed = client.list_user_permissions(workspace, repository)
    except AtlassianError as err:
        return RepoState(repository, error=err)
    current = {}
    users = {}
    for account_id, entry in listed.items():
        if exclusive or account_id in targets.involved:
            current[account_id] = entry["permission"]
            users[account_id] = entry["user"]
    return RepoState(repository, current, users)


def plan_repository(state, targets, exclusive, keep=()):
    """The engine's plan for one repository that was read."""
    return reconcile(state.current, targets.desired, absent=targets.absent, exclusive=exclusive,
                     keep=set(keep) | targets.exempt)


def admin_losses(plans):
    """{account_id: [repositories]} of explicit admin permissions the plans remove or lower."""
    losses = {}
    for repository, plan in plans.items():
        lost = [k for k, v in plan.remove.items() if v == "admin"]
        lost += [k for k, (before, after) in plan.update.items() if before == "admin" and RANK[after] < RANK["admin"]]
        for account_id in lost:
            losses.setdefault(account_id, []).append(repository)
    return losses


def caller_account(client):
    """The caller's account id (``GET /user``, 1 request); RefusedError when it cannot be known.

    An ``access_token`` may be a user's OAuth access token (whose admin permission must be protected
    like any other caller's) or a workspace / project / repository access token, which is no user:
    only a 401/403 from ``GET /user`` with an access token means "no user account" (None). Such a
    token cannot change permissions anyway."""
    try:
        me = client.current_user()
    except (AuthenticationError, ForbiddenError) as err:
        if client.auth_kind == "access_token":
            return None
        raise RefusedError("These changes remove or lower explicit admin permissions, and the caller's own account could not "
                           "be read to make sure it is not one of them (%s). Nothing was changed." % err.message,
                           method=err.method, path=err.path, status=err.status, api_message=err.api_message) from None
    except AtlassianError as err:
        raise RefusedError("These changes remove or lower explicit admin permissions, and the caller's own account could not "
                           "be read to make sure it is not one of them (%s). Nothing was changed." % err.message,
                           method=err.method, path=err.path, status=err.status, api_message=err.api_message) from None
    return user_key(me)


def check_caller(caller, losses, targets):
    """Refuse when the task explicitly removes or lowers the caller's own admin permission."""
    if caller and caller in losses and caller in targets.involved:
        raise RefusedError("Refusing to remove or lower your own admin permission (%s) on %s: you would lose the right to "
                           "manage these permissions. Nothing was changed."
                           % (targets.named.get(caller, caller), ", ".join(sorted(losses[caller]))))


def check_owner(client, workspace, plans, targets, directory):
    """Refuse a grant to the workspace owner, or to an account id that is no workspace member (Bitbucket: "the
    selected user must be a member of the workspace"). Made only when a plan adds someone: one request,
    ``permission = "owner" OR user.account_id IN (...)`` for the added account ids not yet seen in an answer
    (50 per request)."""
    added = set()
    for plan in plans.values():
        added.update(plan.add)
    if not added:
        return
    unseen = sorted(a for a in added if a not in directory.confirmed)
    batches = chunks(unseen, ACCOUNT_ID_BATCH) or [[]]
    members = set()
    path = client.transport.path_of(client.transport.url_for("/workspaces/%s/permissions" % workspace))
    for index, batch in enumerate(batches):
        query = ['permission = "owner"'] if index == 0 else []
        if batch:
            query.append(bbql_in("user.account_id", batch))
        listed = list(client.iter_workspace_permissions(workspace, q=" OR ".join(query)))
        check_filtered(listed, set(batch) | {"owner"},
                       lambda m: "owner" if m.get("permission") == "owner" else (m.get("user") or {}).get("account_id"),
                       "permission and user.account_id", "GET", path)
        for membership in listed:
            user = membership.get("user") or {}
            members.add(directory.learn(user))
            if membership.get("permission") != "owner":
                continue
            for key in (user.get("account_id"), user.get("uuid")):
                if key and key in targets.desired:
                    raise RefusedError("Refusing to grant an explicit permission to %s: it is the owner of workspace %s, "
                                       "who already has full access and cannot be given explicit permissions. Nothing was "
                                       "changed." % (targets.named.get(key, key), workspace))
    unknown = [a for a in unseen if a not in members]
    if unknown:
        raise RefusedError("Cannot grant a permission to %s: no workspace member has this account ID (Bitbucket grants "
                           "explicit permissions to workspace members only; check the ID, or invite the person first). "
                           "Nothing was changed." % ", ".join(targets.named.get(a, a) for a in unknown))


def _failure(account_id, operation, err):
    return {"user": account_id, "operation": operation, "status": getattr(err, "status", None),
            "message": getattr(err, "message", None) or str(err)}


_ACCESS_TOKEN_REFUSED = re.compile(r"access[ -]tokens?\b.*\b(cannot|can ?not|can't|are not allowed|is not allowed|not supported)",
                                   re.IGNORECASE)


def access_token_refused(err):
    """True for a 403 whose API message says access tokens cannot be used (not for any 403 seen with an access token:
    an OAuth access token of a user may be refused one repository and allowed the next)."""
    return isinstance(err, ForbiddenError) and bool(_ACCESS_TOKEN_REFUSED.search(err.api_message or ""))


def stops_everything(err, auth_kind=None):  # pylint: disable=unused-argument
    """True for errors that no other request of the task can avoid: bad credentials (401) and a 403 saying
    access tokens cannot be used. ``auth_kind`` is accepted for compatibility and not used."""
    return isinstance(err, AuthenticationError) or access_token_refused(err)


class Outcome(object):
    """What was applied to one repository: ``added``/``updated``/``removed`` like a Plan, plus ``failed``."""

    def __init__(self):
        self.add = {}
        self.update = {}
        self.remove = {}
        self.failed = []
        self.fatal = None


def apply_plan(client, workspace, repository, plan):
    """Apply a plan: removals first (they free seats on plans with a user limit), then updates, then
    additions. Each write is idempotent. A 401/403 stops this repository (the rest is reported as not
    attempted), and so does a 404 on a ``PUT`` (the repository is not there); any other error fails that
    write only."""
    outcome = Outcome()
    steps = [("revoke", k, None) for k in sorted(plan.remove)]
    steps += [("update", k, plan.update[k][1]) for k in sorted(plan.update)]
    steps += [("grant", k, plan.add[k]) for k in sorted(plan.add)]
    stopped = None
    for operation, account_id, permission in steps:
        if stopped is not None:
            outcome.failed.append({"user": account_id, "operation": operation, "status": None,
                                   "message": "not attempted after an earlier failure on this repository: %s" % stopped.message})
            continue
        try:
            if operation == "revoke":
                client.remove_user_permission(workspace, repository, account_id)
                outcome.remove[account_id] = plan.remove[account_id]
            else:
                client.set_user_permission(workspace, repository, account_id, permission)
                if operation == "update":
                    outcome.update[account_id] = plan.update[account_id]
                else:
                    outcome.add[account_id] = permission
        except NotFoundError as err:
            stopped = NotFoundError("Repository %s/%s not found (or not visible with these credentials): %s"
                                    % (workspace, repository, err.message), method=err.method, path=err.path,
                                    status=err.status, api_message=err.api_message)
            outcome.failed.append(_failure(account_id, operation, stopped))
        except AtlassianError as err:
            outcome.failed.append(_failure(account_id, operation, err))
            if isinstance(err, (AuthenticationError, ForbiddenError)):
                stopped = err
                if stops_everything(err):
                    outcome.fatal = err
    return outcome


def outcome_after(before, outcome):
    """The permissions after what was actually applied."""
    after = dict(before)
    for key in outcome.remove:
        after.pop(key, None)
    after.update(outcome.add)
    for key, (_before, value) in outcome.update.items():
        after[key] = value
    return dict(sorted(after.items()))
