# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization audit log: the events the simulator's own writes record (``state.events``, an :class:`AuditEvents`),
their actions, actors and objects, and the recording hooks the write routes call. Served by
:mod:`atlsim.routes_admin_events` (``events-stream``, ``event-actions``, ``events/{eventId}``).

An event is the spec's ``PollingEventModel`` (``id``, ``type: events``, ``attributes``: ``time``, ``processedAt``,
``action``, ``actor``, ``context`` (the "what"), ``container`` (the "where"), ``location``), kept with its organization
and a sequence number (the processing order the stream follows). Only real changes are recorded: a PUT to the level
already held, a suspension of a suspended user or a failed write (an exception in the hook's block) records nothing.

Actors (the credential used): a Bitbucket API token is its account with ``auth.tokenId`` / ``tokenLabel`` the account's
token named by the credential's ``token_id`` seed key (else ``tok-`` + sha256(credential id)[:16] and the credential
id); an organization API key ``Organization API key <key id>``; a SCIM directory key ``Identity provider (<directory>)``
with an ``app`` of type ``scim``. The simulator's clock gives ``time`` / ``processedAt``; events older than
:data:`RETENTION_DAYS` are not kept (not listed).
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, UTC

from .admin_state import stable_id, workspace_ari
from .ratelimit import RateLimiter

RETENTION_DAYS = 180
STREAM_LIMIT = 50  # events-stream requests per org and window (the spec: 50 per path)
STREAM_WINDOW = 60.0
# (id, displayName, groupDisplayName) of every action GET .../event-actions lists
ACTIONS = (
    ("user_deactivated", "Deactivated user account", "User management"),
    ("user_reactivated", "Reactivated user account", "User management"),
    ("user_access_suspended", "Suspended user access", "User management"),
    ("user_access_restored", "Restored user access", "User management"),
    ("user_removed_from_directory", "Removed user from directory", "User management"),
    ("group_member_added", "Added user to group", "Group management"),
    ("group_member_removed", "Removed user from group", "Group management"),
    ("bitbucket_repository_permission_updated", "Bitbucket repository permission changed", "Bitbucket"),
    ("bitbucket_repository_permission_removed", "Bitbucket repository permission removed", "Bitbucket"),
    ("bitbucket_project_permission_updated", "Bitbucket project permission changed", "Bitbucket"),
    ("bitbucket_project_permission_removed", "Bitbucket project permission removed", "Bitbucket"),
    ("api_token_revoked", "Revoked API token", "User management"),
    ("user_logged_in", "Logged in", "Authentication"),
)
ACTION_IDS = frozenset(action for action, _name, _group in ACTIONS)
CONTROL_ACTOR = {"id": "atlsim-control", "name": "Simulator control"}


def iso_ms(millis: int) -> str:
    """``2026-12-06T01:02:03.456Z``."""
    moment = datetime.fromtimestamp(millis / 1000.0, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (millis % 1000)


def event_path(org_id: str, event_id: str) -> str:
    return "/admin/v1/orgs/%s/events/%s" % (org_id, event_id)


class AuditEvents:
    """Every recorded event of the world (all organizations), in processing order; ``clock``: the simulator's."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.limiter = RateLimiter(clock=self.now, window=STREAM_WINDOW)  # self.clock may be replaced later
        self._lock = threading.Lock()
        self._records: list[dict] = []  # {"seq", "org", "ms", "event"}
        self._seq = 0

    def now(self) -> float:
        return self.clock()

    def record(self, action: str, actor: dict | None = None, context=(), container=(), org: str | None = None,
               ip: str | None = "127.0.0.1") -> dict:  # fmt: skip
        """Append one event (processed now) and return it; ``org``: the organization whose log holds it."""
        with self._lock:
            now = int(self.clock() * 1000)
            if self._records:
                now = max(now, self._records[-1]["ms"])  # processing order never goes back
            self._seq += 1
            event_id = str(uuid.uuid4())
            attributes = {
                "time": iso_ms(now),
                "processedAt": iso_ms(now),
                "action": str(action),
                "actor": dict(actor or CONTROL_ACTOR),
                "context": [dict(item) for item in context or ()],
                "container": [dict(item) for item in container or ()],
            }
            if ip:
                attributes["location"] = {"ip": ip}
            event = {"id": event_id, "type": "events", "attributes": attributes}
            if org is not None:
                event["links"] = {"self": event_path(org, event_id)}
            self._records.append({"seq": self._seq, "org": org, "ms": now, "event": event})
            return event

    def all(self, org: str | None = None) -> list[dict]:
        """The events (oldest first), of one organization when ``org`` is given."""
        with self._lock:
            return [r["event"] for r in self._records if org is None or r["org"] == org]

    def kept(self, org: str) -> list[dict]:
        """The records of ``org`` still within the retention window: ``{"seq", "ms", "event"}``."""
        horizon = int((self.clock() - RETENTION_DAYS * 86400) * 1000)
        with self._lock:
            return [r for r in self._records if r["org"] == org and r["ms"] >= horizon]

    def find(self, org: str, event_id: str) -> dict | None:
        return next((r["event"] for r in self.kept(org) if r["event"]["id"] == event_id), None)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
        self.limiter.clear()

    def __len__(self) -> int:
        return len(self._records)


# -- objects ---------------------------------------------------------------------------------------
def user_object(account_id: str, email: str | None, name: str | None) -> dict:
    attributes = {key: value for key, value in (("email", email), ("name", name)) if value}
    return {"id": account_id, "type": "user", "attributes": attributes}


def account_object(account: dict) -> dict:
    return user_object(account["account_id"], account.get("email"), account.get("display_name"))


def org_object(org) -> dict:
    return {"id": org.id, "type": "organization", "attributes": {"name": org.name}}


def workspace_object(ws) -> dict:
    return {"id": ws.uuid, "type": "bitbucket-workspace", "attributes": {"slug": ws.slug, "product": "bitbucket"}}


def org_of_workspace(state, ws):
    """The organization whose resources hold the workspace, else the first organization (None without any)."""
    ari = workspace_ari(ws)
    orgs = list(state.admin.orgs.values())
    return next((org for org in orgs if ari in org.resources), orgs[0] if orgs else None)


def first_org(state):
    return next(iter(state.admin.orgs.values()), None)


# -- actors ----------------------------------------------------------------------------------------
def token_actor(state, principal) -> dict:
    """A Bitbucket credential: its account, and the API token the credential's ``token_id`` names."""
    credential = principal.credential.partition(":")[2] or principal.credential
    account = principal.account or {}
    token_id = getattr(principal, "token_id", None)
    label = credential
    if token_id:
        tokens = state.activity.tokens.get(account.get("account_id"), ())
        label = next((t["label"] for t in tokens if t["id"] == token_id), credential)
    else:
        token_id = "tok-" + hashlib.sha256(credential.encode("utf-8")).hexdigest()[:16]
    actor = {"id": account.get("account_id") or credential, "email": account.get("email"), "name": account.get("display_name")}
    actor = {key: value for key, value in actor.items() if value}
    actor["auth"] = {"authType": "api-token", "tokenId": token_id, "tokenLabel": label}
    return actor


def key_actor(key: dict) -> dict:
    """An organization API key (the Admin API, the user management API)."""
    ident = stable_id("api-key", key["id"])
    return {
        "id": ident,
        "name": "Organization API key %s" % key["id"],
        "auth": {"authType": "api-token", "tokenId": ident, "tokenLabel": key["id"]},
    }


def scim_actor(directory_id: str, key_id: str) -> dict:
    ident = stable_id("scim-directory", directory_id)
    return {
        "id": ident,
        "name": "Identity provider (%s)" % directory_id,
        "app": {"id": ident, "type": "scim"},
        "auth": {"authType": "api-token", "tokenId": stable_id("scim-key", key_id), "tokenLabel": "SCIM %s" % directory_id},
    }


# -- hooks of the write routes -----------------------------------------------------------------------
@contextmanager
def permission_change(ctx, holder, kind: str, ident: str):
    """Around a Bitbucket permissions-config write on ``holder`` (a repository or a project) for ``ident`` (an account
    id, ``kind`` ``users``, or a group slug, ``groups``): records ``..._updated`` / ``..._removed`` when the explicit
    permission changed."""
    perms = holder.user_perms if kind == "users" else holder.group_perms
    before = perms.get(ident)
    yield
    after = perms.get(ident)
    if before == after:
        return
    state, ws = ctx.state, holder.workspace
    repository = hasattr(holder, "full_name")
    if repository:
        attributes = {"name": holder.name, "fullName": holder.full_name, "slug": holder.slug}
        target = {"id": holder.uuid, "type": "bitbucket-repository", "attributes": attributes}
    else:
        target = {"id": holder.uuid, "type": "bitbucket-project", "attributes": {"key": holder.key, "name": holder.name}}
    if after is not None:
        target["attributes"]["permission"] = after
    if before is not None:
        target["attributes"]["previousPermission"] = before
    if kind == "users":
        subject = account_object(state.accounts.by_id[ident])
    else:
        group = ws.groups.get(ident) or {}
        subject = {"id": ident, "type": "group", "attributes": {"name": group.get("name") or ident, "slug": ident}}
    org = org_of_workspace(state, ws)
    action = "bitbucket_%s_permission_%s" % ("repository" if repository else "project", "updated" if after else "removed")
    state.events.record(
        action,
        token_actor(state, ctx.principal),
        [subject, target],
        [workspace_object(ws)] + ([org_object(org)] if org is not None else []),
        org.id if org is not None else None,
        ctx.request.remote_addr,
    )


def admin_event(ctx, org, action: str, account: dict, group=None) -> None:
    """An Admin API write (``ctx``: its AdminCtx) on ``account`` (and ``group``, a membership change)."""
    context = [account_object(account)]
    if group is not None:
        context.append({"id": group.id, "type": "group", "attributes": {"name": group.name}})
    ctx.state.events.record(action, key_actor(ctx.key), context, [org_object(org)], org.id, ctx.request.remote_addr)


@contextmanager
def status_change(ctx, org, account: dict, record: dict):
    """Around a suspension / restoration: records it when the user's status changed."""
    before = record["status"]
    yield
    if record["status"] != before:
        action = "user_access_suspended" if record["status"] == "suspended" else "user_access_restored"
        admin_event(ctx, org, action, account)


def token_revoked(state, key: dict, account: dict, token: dict) -> None:
    """``DELETE /users/{account_id}/manage/api-tokens/{tokenId}`` (user management API) removed ``token``."""
    org = state.admin.orgs.get(key["org"])
    context = [account_object(account), {"id": token["id"], "type": "api-token", "attributes": {"label": token["label"]}}]
    container = [org_object(org)] if org is not None else []
    state.events.record("api_token_revoked", key_actor(key), context, container, key["org"], None)


# -- SCIM ------------------------------------------------------------------------------------------
SCIM_EXTENSION = "urn:scim:schemas:extension:atlassian-external:1.0"


def _scim_user(scim_app, directory_id: str, user_id: str) -> dict | None:
    try:
        return next((user for user in scim_app.users(directory_id) if user.get("id") == user_id), None)
    except KeyError:
        return None


def scim_watch(app, request, credential: str):
    """For a SCIM write on one user (PATCH / PUT / DELETE ``/scim/directory/{d}/Users/{id}``): a callable to call with
    the answer's status, recording ``user_deactivated`` / ``user_reactivated`` when ``active`` changed (a DELETE of an
    active user deactivates it); None for any other request."""
    parts = request.path.strip("/").split("/")
    if request.method not in ("PATCH", "PUT", "DELETE") or len(parts) != 5 or parts[:2] != ["scim", "directory"]:
        return None
    if parts[3] != "Users" or app.scim_app is None:
        return None
    directory_id, user_id = parts[2], parts[4]
    before = _scim_user(app.scim_app, directory_id, user_id)
    if before is None:
        return None

    def done(status: int) -> None:
        if status >= 300:
            return
        after = None if request.method == "DELETE" else _scim_user(app.scim_app, directory_id, user_id)
        was, now = bool(before.get("active", True)), bool(after.get("active", True)) if after is not None else False
        if was == now:
            return
        linked = (before.get(SCIM_EXTENSION) or {}).get("atlassianAccountId")
        emails = before.get("emails") or []
        email = next((e.get("value") for e in emails if e.get("primary")), emails[0].get("value") if emails else None)
        subject = user_object(linked or user_id, email or before.get("userName"), before.get("displayName"))
        state = app.state
        org = first_org(state)
        key_id = credential.partition(":")[2] or directory_id
        container = [{"id": directory_id, "type": "directory", "attributes": {"name": directory_id}}]
        container += [org_object(org)] if org is not None else []
        action = "user_reactivated" if now else "user_deactivated"
        state.events.record(
            action, scim_actor(directory_id, key_id), [subject], container, org.id if org else None, request.remote_addr
        )

    return done


def inject(state, body) -> dict:
    """``POST /_sim/events``: ``{"action", "actor"?, "context"?, "container"?, "org"?}`` (default: the first
    organization, its object as the container)."""
    if not isinstance(body, dict) or not isinstance(body.get("action"), str) or not body["action"]:
        raise ValueError('the body must be a JSON object {"action": "<action id>", "actor"?, "context"?, "container"?}')
    unknown = sorted(set(body) - {"action", "actor", "context", "container", "org"})
    if unknown:
        raise ValueError("unknown key(s) %s" % ", ".join(unknown))
    for name in ("context", "container"):
        if not isinstance(body.get(name, []), list) or not all(isinstance(item, dict) for item in body.get(name, [])):
            raise ValueError("%s must be a list of objects" % name)
    if not isinstance(body.get("actor", {}), dict):
        raise ValueError("actor must be an object")
    org = state.admin.orgs.get(body["org"]) if body.get("org") else first_org(state)
    if org is None:
        raise ValueError("no such organization")
    container = body["container"] if "container" in body else [org_object(org)]
    return state.events.record(body["action"], body.get("actor"), body.get("context") or [], container, org.id)
