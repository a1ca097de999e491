# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization audit log (the ``Events`` group of ``atlassian-admin-organization.swagger.v3.2026-08-21.json``,
server ``https://api.atlassian.com/admin``):

* ``GET /v1/orgs/{orgId}/event-actions`` (getEventActions): ``{"data": [EventActionModel]}``, each ``{"id", "type",
  "attributes": {"displayName", "groupDisplayName"}}``: the action ids, discovered at run time, never guessed;
* ``GET /v1/orgs/{orgId}/events-stream`` (pollEvents): ``cursor``, ``from`` (epoch ms), ``limit`` (1..500, default 200),
  sorted by processing time, ascending; ``PollingEventPage`` ``{"data", "links": {"next"?}, "meta": {"next"}}``:
  ``meta.next`` is the cursor to poll with later ("Can be used when last page is reached to poll for new events"),
  ``links.next`` says more events are already there;
* ``GET /v1/orgs/{orgId}/events/{eventId}`` (getEventById): ``{"data": Event}``.

``EventsClient`` makes the calls on the shared ``Transport`` and checks each answer; the rest is pure: the category of
an action (``categorize``: rules on its names), the actions a source listens to (``resolve_actions``), the product of
an event (``product_of``) and the emitted shape (``normalize``). This file imports core module_utils only, never
``ansible``: the Event-Driven Ansible source ``audit_events`` runs it without the module shell.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ConfigurationError, UnexpectedAnswerError
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import ApiClient

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport

DEFAULT_LIMIT = 200
MAX_LIMIT = 500  # pollEvents: limit 1..500
# The categories a source listens to by default (the actions whose category is one of them); any other action is OTHER.
CATEGORIES = ("account_deactivated", "account_suspended", "permission_changed", "membership_changed")
OTHER = "other"
# Products named by an object's type prefix (``bitbucket-repository``) when no ``product`` attribute says it.
PRODUCTS = ("bitbucket", "jira", "confluence", "opsgenie", "statuspage", "trello", "loom", "compass")
AUDIT_KEY = "atlassian_audit"


class EventsClient(ApiClient):
    """The audit log of the organization ``org_id``, through ``transport`` (base URL ``{admin_url}/admin``)."""

    def __init__(self, transport: Transport, org_id: str) -> None:
        super().__init__(transport)
        self.org_id = org_id
        self._org = "v1/orgs/" + validate.encode_segment(org_id)

    def _on(self, transport: Transport) -> EventsClient:
        return EventsClient(transport, self.org_id)

    def _unexpected(self, path: str, message: str) -> UnexpectedAnswerError:
        shown = self.transport.shown_path(path)
        return UnexpectedAnswerError(
            "GET %s answered %s" % (shown, message), method="GET", path=shown, status=200, secrets=self.transport.secrets
        )

    def _data_list(self, path: str, params: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Any]]:
        body = self.transport.request_json("GET", path, params=params)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise self._unexpected(path, "no data list")
        return body, data

    def event_actions(self) -> list[dict[str, Any]]:
        """Every action the audit log records (``EventActionModel`` items, each with a string ``id``)."""
        path = self._org + "/event-actions"
        _body, data = self._data_list(path)
        for item in data:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
                raise self._unexpected(path, "an event action without an id")
            if item.get("attributes") is not None and not isinstance(item["attributes"], dict):
                raise self._unexpected(path, "an event action whose attributes are not an object")
        return data

    def poll(
        self, cursor: str | None = None, from_ms: int | None = None, limit: int = DEFAULT_LIMIT
    ) -> tuple[list[dict[str, Any]], str | None, bool]:
        """One page of the stream: ``(events, next_cursor, more)``. With ``cursor``: the events after it; else from
        ``from_ms`` (epoch ms, inclusive), or from the oldest kept event. ``next_cursor``: ``meta.next`` (or the cursor
        of ``links.next``), None when the answer has none; ``more``: ``links.next`` says more events are there."""
        path = self._org + "/events-stream"
        params = {"limit": int(limit)}
        if cursor is not None:
            params["cursor"] = cursor
        elif from_ms is not None:
            params["from"] = str(int(from_ms))
        body, data = self._data_list(path, params)
        for event in data:
            check_event(event, lambda message: self._unexpected(path, message))
        links = body.get("links") if isinstance(body.get("links"), dict) else {}
        meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
        link = links.get("next") if isinstance(links.get("next"), str) and links.get("next") else None
        next_cursor = meta.get("next") if isinstance(meta.get("next"), str) and meta.get("next") else None
        if next_cursor is None and link is not None:
            next_cursor = dict(parse_qsl(urlsplit(link).query)).get("cursor") or None
        return data, next_cursor, bool(link and data and next_cursor)

    def event(self, event_id: str) -> dict[str, Any]:
        """One event (``Event``: the stream's shape without ``processedAt``)."""
        path = "%s/events/%s" % (self._org, validate.path_segment(event_id))
        body = self.transport.request_json("GET", path)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise self._unexpected(path, "no data object")
        check_event(data, lambda message: self._unexpected(path, message), processed=False)
        if data["id"] != event_id:
            raise self._unexpected(path, "another event (%s)" % validate.show(data["id"]))
        return data


def check_event(event: Any, fail: Any, processed: bool = True) -> None:
    """Raise ``fail(message)`` unless ``event`` has a string id and attributes with a string action (and, on the
    stream, a processedAt)."""
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not event["id"]:
        raise fail("an event without an id")
    attributes = event.get("attributes")
    if not isinstance(attributes, dict) or not isinstance(attributes.get("action"), str) or not attributes["action"]:
        raise fail("the event %s without an action" % validate.show(event["id"]))
    if processed and not isinstance(attributes.get("processedAt"), str):
        raise fail("the event %s without a processedAt time" % validate.show(event["id"]))


# -- actions -----------------------------------------------------------------------------------------------------------


def _words(text: str) -> str:
    return (text or "").replace("_", " ").replace("-", " ").lower()


def _rule(text: str, both: str) -> str | None:
    if "deactivat" in text and "reactivat" not in text:
        return "account_deactivated"
    if "suspend" in text:
        return "account_suspended"
    if "permission" in text and "bitbucket" in both:
        return "permission_changed"
    if "group" in text and any(word in text for word in ("added", "removed", "member")):
        return "membership_changed"
    return None


def categorize(action_id: str, display_name: str | None, group_display_name: str | None) -> str:
    """The category of an action, by rules on its display name, then on its group's display name (case-insensitive;
    the id only when the action has no names): ``account_deactivated`` ("deactivat", not "reactivat"),
    ``account_suspended`` ("suspend"), ``permission_changed`` ("permission", and "bitbucket" in the name or the group),
    ``membership_changed`` ("group" with "added", "removed" or "member"), else ``other``."""
    name, group = _words(display_name or ""), _words(group_display_name or "")
    texts = [t for t in (name, group) if t] or [_words(action_id)]
    both = " ".join(texts)
    for text in texts:
        found = _rule(text, both)
        if found:
            return found
    return OTHER


def _names(item: dict[str, Any]) -> tuple[str, str]:
    attributes = item.get("attributes") if isinstance(item.get("attributes"), dict) else {}
    name = attributes.get("displayName")
    group = attributes.get("groupDisplayName")
    return (name if isinstance(name, str) else ""), (group if isinstance(group, str) else "")


def _entry(item: dict[str, Any]) -> dict[str, str]:
    name, group = _names(item)
    return {"name": name or item["id"], "group": group, "category": categorize(item["id"], name, group)}


def resolve_actions(requested: list[Any] | None, available: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The actions to listen to: ``{id: {"name", "group", "category"}}``.

    ``requested`` None (or empty): every action whose category is one of ``CATEGORIES`` (ConfigurationError listing
    the available names when there is none). Else each entry is an action id (exactly), or a display name or an id
    in any case; an entry that matches nothing is a ConfigurationError naming the close matches."""
    by_id = {item["id"]: item for item in available}
    if not requested:
        chosen = {key: _entry(item) for key, item in by_id.items()}
        chosen = {key: entry for key, entry in chosen.items() if entry["category"] in CATEGORIES}
        if not chosen:
            names = sorted("%s (%s)" % (_names(item)[0] or key, key) for key, item in by_id.items())
            raise ConfigurationError(
                "actions: none of the %d event actions of the organization is an account deactivation or suspension, a "
                "Bitbucket permission change or a group membership change, so the default actions are empty: name the "
                "actions to listen to. Available: %s" % (len(names), ", ".join(names[:100]) or "none (no event-actions)")
            )
        return chosen
    chosen = {}
    for entry in requested:
        if not isinstance(entry, str) or not entry.strip():
            raise ConfigurationError("actions: each entry must be an action id or display name, not %r" % (entry,))
        wanted = entry.strip()
        if wanted in by_id:
            chosen[wanted] = _entry(by_id[wanted])
            continue
        folded = wanted.casefold()
        matches = [key for key, item in by_id.items() if folded in (key.casefold(), _names(item)[0].casefold())]
        if not matches:
            known = {}
            for key, item in by_id.items():
                known[key.casefold()] = key
                if _names(item)[0]:
                    known[_names(item)[0].casefold()] = _names(item)[0]
            close = [known[m] for m in difflib.get_close_matches(folded, list(known), n=5, cutoff=0.5)]
            raise ConfigurationError(
                "actions: %s is no event action of the organization (neither an id nor a display name)%s"
                % (validate.show(wanted), ": did you mean %s?" % ", ".join(close) if close else "")
            )
        for key in matches:
            chosen[key] = _entry(by_id[key])
    return chosen


# -- events ------------------------------------------------------------------------------------------------------------


def _objects(event: dict[str, Any], key: str) -> list[dict[str, Any]]:
    attributes = event.get("attributes") if isinstance(event.get("attributes"), dict) else {}
    found = attributes.get(key)
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _attrs(obj: dict[str, Any] | None) -> dict[str, Any]:
    found = obj.get("attributes") if obj else None
    return found if isinstance(found, dict) else {}


def _first(objects: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    for obj in objects:
        if obj.get("type") == kind:
            return obj
    return None


def product_of(event: dict[str, Any]) -> str | None:
    """The product an event is about: the ``product`` attribute of a container (or context) object, else the prefix
    of an object's type (``bitbucket-workspace``: bitbucket); None when nothing says."""
    objects = _objects(event, "container") + _objects(event, "context")
    for obj in objects:
        product = _attrs(obj).get("product")
        if isinstance(product, str) and product.strip():
            return product.strip().lower()
    for obj in objects:
        kind = obj.get("type")
        prefix = kind.split("-", 1)[0].lower() if isinstance(kind, str) and "-" in kind else None
        if prefix in PRODUCTS:
            return prefix
    return None


def _pick(obj: dict[str, Any] | None, **keys: str) -> dict[str, Any] | None:
    """``{"id": obj id, out: attributes[key]...}`` (absent values None), or None without the object."""
    if obj is None:
        return None
    attributes = _attrs(obj)
    shaped = {"id": obj.get("id")}
    for out, key in keys.items():
        shaped[out] = attributes.get(key)
    return shaped


def normalize(event: dict[str, Any], actions: dict[str, dict[str, str]], org_id: str) -> dict[str, Any]:
    """The event a source emits: ``{"atlassian_audit": {...}}`` (docs of the ``audit_events`` source; absent values
    None)."""
    attributes = event.get("attributes") if isinstance(event.get("attributes"), dict) else {}
    action = attributes.get("action")
    known = actions.get(action) or {"name": None, "group": None, "category": categorize(action or "", None, None)}
    actor = attributes.get("actor") if isinstance(attributes.get("actor"), dict) else {}
    auth = actor.get("auth") if isinstance(actor.get("auth"), dict) else {}
    app = actor.get("app") if isinstance(actor.get("app"), dict) else {}
    context, container = _objects(event, "context"), _objects(event, "container")
    everything = context + container
    user = _first(context, "user")
    permission = previous = None
    for obj in context:
        values = _attrs(obj)
        if permission is None and previous is None and ("permission" in values or "previousPermission" in values):
            permission, previous = values.get("permission"), values.get("previousPermission")
    return {
        AUDIT_KEY: {
            "id": event.get("id"),
            "action": action,
            "action_name": known.get("name"),
            "action_group": known.get("group"),
            "category": known.get("category"),
            "time": attributes.get("time"),
            "processed_at": attributes.get("processedAt"),
            "org_id": org_id,
            "product": product_of(event),
            "actor": {
                "id": actor.get("id"),
                "email": actor.get("email"),
                "name": actor.get("name"),
                "auth_type": auth.get("authType"),
                "token_id": auth.get("tokenId"),
                "token_label": auth.get("tokenLabel"),
                "app_id": app.get("id"),
            },
            "account": _pick(user, email="email", name="name"),
            "workspace": _pick(_first(everything, "bitbucket-workspace"), slug="slug"),
            "repository": _pick(_first(context, "bitbucket-repository"), name="name", full_name="fullName"),
            "project": _pick(_first(context, "bitbucket-project"), key="key", name="name"),
            "group": _pick(_first(context, "group"), name="name"),
            "permission": permission,
            "previous_permission": previous,
            "context": context,
            "container": container,
        }
    }
