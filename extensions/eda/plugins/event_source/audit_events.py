# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""accessops.atlassian.audit_events: an ansible-rulebook event source that polls the organization audit log.

The HTTP work is the collection's own (``_admin.events.EventsClient`` on ``_transport.Transport``: retries, error
mapping, redaction of the key); the blocking Transport runs in ``asyncio.to_thread``.

Private args for tests only (never documented as options): ``_clock`` (wall clock in seconds), ``_sleep`` (async
sleep), ``_thread_sleep`` (the sleep of the request pacing and the retries, in the worker thread) and ``_max_polls``
(stop after that many events-stream requests).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import sys
import time
from typing import Any

try:
    from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
except ImportError:  # ansible-rulebook loads this file with runpy.run_path: put the collections root on sys.path
    _here = os.path.dirname(os.path.abspath(__file__))
    while os.path.basename(_here) != "ansible_collections" and os.path.dirname(_here) != _here:
        _here = os.path.dirname(_here)
    sys.path.insert(0, os.path.dirname(_here))
    from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate

from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import ApiStats, RequestBudget
from ansible_collections.accessops.atlassian.plugins.module_utils._admin import events as audit
from ansible_collections.accessops.atlassian.plugins.module_utils._admin.events_position import (
    StreamPosition,
    epoch_ms,
    start_ms,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._auth import admin_auth
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AtlassianError,
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    TransportError,
    UnexpectedAnswerError,
    redact,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport

DOCUMENTATION = r"""
---
short_description: Poll the Atlassian organization audit log for access events
description:
  - An ansible-rulebook event source that polls the organization audit log (C(GET /admin/v1/orgs/{orgId}/events-stream)
    of the Atlassian Admin API) and puts one event on the queue per audit event of the chosen actions and products.
  - The action ids are discovered at start from C(event-actions) and chosen by id or display name; by default the
    account deactivations and suspensions, the Bitbucket permission changes and the group membership changes.
  - The position in the stream (its cursor, the last processing time and the ids of the last events) is kept in
    O(cursor_file), written atomically with mode 0600, so a restart neither replays nor misses events; events are
    de-duplicated by id.
  - Requests are paced under the documented limit of the stream (50 requests a minute per path, 60 per user); a 429
    still answered after the retries, a 5xx or a network error is logged and polling goes on after a back-off of
    60 to 300 seconds. HTTP 401, 403 or 404 (the organization) stop the source with a message naming the cause; the
    key is never logged.
  - "Each event is C({\"atlassian_audit\": {...}}) with the keys C(id), C(action), C(action_name), C(action_group),
    C(category) (C(account_deactivated), C(account_suspended), C(permission_changed), C(membership_changed) or
    C(other)), C(time), C(processed_at), C(org_id), C(product), C(actor) (C(id), C(email), C(name), C(auth_type),
    C(token_id), C(token_label), C(app_id)), C(account) (the affected user: C(id), C(email), C(name)), C(workspace)
    (C(id), C(slug)), C(repository) (C(id), C(name), C(full_name)), C(project) (C(id), C(key), C(name)), C(group)
    (C(id), C(name)), C(permission), C(previous_permission), and the raw C(context) and C(container) lists; absent
    values are null."
  - The audit log needs Atlassian Guard (it is empty without it) and keeps 180 days.
version_added: 0.3.0
options:
  org_id:
    description:
      - The organization id. Defaults to the E(ATLASSIAN_ORG_ID) environment variable.
    type: str
  api_key:
    description:
      - An organization API key with read access to the audit log (scope C(read:events:admin)). Defaults to the
        E(ATLASSIAN_ADMIN_API_KEY) environment variable. It is never logged.
    type: str
  admin_url:
    description:
      - The Atlassian API URL; the Admin API is its C(/admin) path. Defaults to the E(ATLASSIAN_ADMIN_URL) environment
        variable, then C(https://api.atlassian.com).
    type: str
    default: https://api.atlassian.com
  cursor_file:
    description:
      - A JSON file that keeps the position in the stream (cursor, last processing time, ids of the last events),
        written atomically with mode 0600 after each page; its directory is created when missing.
      - Without it, the position is kept in memory only and a restart begins again from O(start).
    type: path
  delay:
    description:
      - Seconds between two polls once every available event was read.
    type: float
    default: 60
  actions:
    description:
      - The audit actions to emit, each an action id or display name (case-insensitive) of C(event-actions). An
        unknown name fails at start and names the close matches.
      - By default every action whose name says an account deactivation or suspension, a Bitbucket permission change
        or a group membership change.
    type: list
    elements: str
  products:
    description:
      - Emit only the events of these products (for example C(bitbucket)). An event whose product is unknown passes
        only when this list is empty.
    type: list
    elements: str
    default: []
  limit:
    description:
      - Events a request (1 to 500).
    type: int
    default: 200
  start:
    description:
      - Where to begin when there is no cursor file yet. C(now) (the events processed from now on), C(oldest) (the
        oldest kept event, up to 180 days back), or a time as epoch milliseconds or an ISO 8601 date.
    type: str
    default: now
  requests_per_minute:
    description:
      - At most this many requests in any 60 seconds (retries and the C(event-actions) request included). Above 50,
        the limit of the stream per path, 50 is used.
    type: int
    default: 40
  validate_certs:
    description:
      - Whether to check the TLS certificate of the API.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of the certificate authorities to trust instead of the default ones.
    type: path
  timeout:
    description:
      - Seconds to wait for an answer.
    type: float
    default: 30
"""

EXAMPLES = r"""
- name: React to access changes in the Atlassian organization
  hosts: all
  sources:
    - accessops.atlassian.audit_events:
        org_id: "{{ accessops_org_id }}"
        cursor_file: /var/lib/eda/atlassian-audit.cursor.json
        products: [bitbucket]
        delay: 60
  rules:
    - name: An account was deactivated
      condition: event.atlassian_audit.category == "account_deactivated"
      action:
        debug:
          msg: "{{ event.atlassian_audit.account.id }}"

- name: Only explicit actions, by display name or id
  hosts: all
  sources:
    - accessops.atlassian.audit_events:
        actions:
          - Deactivated user account
          - user_access_suspended
        start: "2026-01-01"
        requests_per_minute: 20
  rules:
    - name: Show it
      condition: event.atlassian_audit is defined
      action:
        print_event:
"""

logger = logging.getLogger(__name__)

MAX_REQUESTS_PER_MINUTE = 50  # pollEvents: 50 requests a minute per path (60 per user)
BACKOFF_MIN, BACKOFF_MAX = 60.0, 300.0


class AuditSourceError(Exception):
    """A fatal error of the source (bad args, a refused key, an unknown organization)."""


class _Pacer(RequestBudget):
    """At most ``per_minute`` requests in any 60 seconds (every attempt counted in the worker thread); an
    X-RateLimit-Limit header (an hourly figure) does not change it."""

    def __init__(self, per_minute: int, clock: Any, sleep: Any) -> None:
        super().__init__(per_minute, clock=clock, sleep=sleep, window=60.0)

    def limit_to(self, limit: int | None = None, near: bool = False) -> None:
        return None


def _as_list(value: Any, option: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise ConfigurationError("%s must be a list of strings" % option)
    return [item.strip() for item in value if item.strip()]


def _number(value: Any, option: str, minimum: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError("%s must be a number" % option) from None
    if isinstance(value, bool) or not math.isfinite(number) or number < minimum:
        raise ConfigurationError("%s must be a number of at least %s" % (option, minimum))
    return number


def _integer(value: Any, option: str, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (maximum is not None and value > maximum):
        raise ConfigurationError(
            "%s must be a whole number from %d%s" % (option, minimum, " to %d" % maximum if maximum else " up")
        )
    return value


def _boolean(value: Any, option: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.strip().lower() in ("true", "yes", "on", "1")
    raise ConfigurationError("%s must be true or false" % option)


class _Source:
    def __init__(self, args: dict[str, Any]) -> None:
        self.clock = args.get("_clock") or time.time
        self.sleep = args.get("_sleep") or asyncio.sleep
        thread_sleep = args.get("_thread_sleep") or time.sleep
        self.max_polls = args.get("_max_polls")
        org_id = args.get("org_id") or os.environ.get("ATLASSIAN_ORG_ID")
        if not org_id:
            raise ConfigurationError("org_id is required: set it or ATLASSIAN_ORG_ID")
        self.org_id = validate.opaque_id(org_id, "org_id", "an organization id (letters, digits, '-', '_', '.', '~')")
        api_key = args.get("api_key") or os.environ.get("ATLASSIAN_ADMIN_API_KEY")
        if not api_key:
            raise ConfigurationError(
                "No organization API key given: set api_key or the ATLASSIAN_ADMIN_API_KEY environment variable"
            )
        self.secrets = (str(api_key),)
        auth = admin_auth(api_key)
        admin_url = args.get("admin_url") or os.environ.get("ATLASSIAN_ADMIN_URL") or "https://api.atlassian.com"
        admin_url = validate.url(admin_url, "admin_url", logger.warning).rstrip("/")
        self.delay = _number(args.get("delay", 60), "delay", 0)
        self.limit = _integer(args.get("limit", audit.DEFAULT_LIMIT), "limit", 1, audit.MAX_LIMIT)
        self.requested = _as_list(args.get("actions"), "actions") or None
        self.products = [product.lower() for product in _as_list(args.get("products"), "products")]
        per_minute = _integer(args.get("requests_per_minute", 40), "requests_per_minute", 1)
        if per_minute > MAX_REQUESTS_PER_MINUTE:
            logger.warning(
                "requests_per_minute %d is above the %d requests a minute the events stream allows per path: %d is used",
                per_minute,
                MAX_REQUESTS_PER_MINUTE,
                MAX_REQUESTS_PER_MINUTE,
            )
            per_minute = MAX_REQUESTS_PER_MINUTE
        self.start = start_ms(args.get("start", "now"), self.clock())
        self.pacer = _Pacer(per_minute, self.clock, thread_sleep)
        policy = RetryPolicy(sleep=thread_sleep, clock=self.clock, now=self.clock) if args.get("_clock") else None
        transport = Transport(
            admin_url + "/admin",
            auth,
            timeout=validate.timeout(_number(args.get("timeout", 30), "timeout", 0)),
            validate_certs=_boolean(args.get("validate_certs", True), "validate_certs"),
            ca_path=args.get("ca_path"),
            retry_policy=policy,
            warn=logger.warning,
            stats=ApiStats(budget=self.pacer),
            url_hint="admin_url / ATLASSIAN_ADMIN_URL",
        )
        self.client = audit.EventsClient(transport, self.org_id)
        cursor_file = args.get("cursor_file")
        if cursor_file is not None and (not isinstance(cursor_file, str) or not cursor_file.strip()):
            raise ConfigurationError("cursor_file must be a file path")
        self.state = StreamPosition(os.path.expanduser(cursor_file) if cursor_file else None, self.org_id)
        if not cursor_file:
            logger.warning("No cursor_file: the position in the audit log is not kept, a restart begins again from start")
        self.actions = {}
        self.backoff = BACKOFF_MIN
        self.polls = 0

    # -- requests --------------------------------------------------------------------------------------

    async def _call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Wait (asynchronously) for room in the request budget, then run the blocking call in a thread."""
        while self.pacer.remaining() == 0:
            await self.sleep(1.0)
        return await asyncio.to_thread(function, *args, **kwargs)

    def _fatal(self, err: AtlassianError) -> AuditSourceError:
        if isinstance(err, (AuthenticationError, ForbiddenError)):
            why = (
                "the organization API key was refused (HTTP %s): check api_key / ATLASSIAN_ADMIN_API_KEY (an API key of "
                "organization %s that may read the audit log, scope read:events:admin)" % (err.status, self.org_id)
            )
        elif isinstance(err, NotFoundError):
            why = "organization %s was not found (HTTP 404): check org_id / ATLASSIAN_ORG_ID" % self.org_id
        else:
            why = "the source cannot go on"
        return AuditSourceError(redact("accessops.atlassian.audit_events: %s. %s" % (why, err), self.secrets))

    @staticmethod
    def _transient(err: AtlassianError) -> bool:
        if isinstance(err, (RateLimitedError, TransportError, UnexpectedAnswerError)):
            return True
        return isinstance(err, ApiError) and (err.status or 0) >= 500

    async def _back_off(self, err: AtlassianError) -> None:
        wait = self.backoff
        logger.warning("audit log unavailable, polling again in %d s: %s", wait, redact(str(err), self.secrets))
        self.backoff = min(BACKOFF_MAX, self.backoff * 2)
        await self.sleep(wait)

    def _stop(self) -> bool:
        return self.max_polls is not None and self.polls >= self.max_polls

    # -- the loop --------------------------------------------------------------------------------------

    async def resolve(self) -> bool:
        """Resolve the actions (False when a transient error leaves them unresolved and the loop must stop)."""
        while True:
            try:
                available = await self._call(self.client.event_actions)
            except AtlassianError as err:
                if not self._transient(err):
                    raise self._fatal(err) from None
                self.polls += 1
                if self._stop():
                    return False
                await self._back_off(err)
                continue
            self.backoff = BACKOFF_MIN
            self.actions = audit.resolve_actions(self.requested, available)
            logger.info("listening to %d audit actions: %s", len(self.actions), ", ".join(sorted(self.actions)))
            return True

    def _wanted(self, event: dict[str, Any]) -> bool:
        if event["attributes"]["action"] not in self.actions:
            return False
        return not self.products or audit.product_of(event) in self.products

    async def run(self, queue: Any) -> None:
        state = self.state
        state.load()
        if not state.loaded:
            state.last_ms = self.start
        try:
            if not await self.resolve():
                return
            while not self._stop():
                await self._poll_once(queue)
        finally:
            state.save()

    async def _poll_once(self, queue: Any) -> None:
        state = self.state
        cursor = state.cursor
        self.polls += 1
        try:
            events, next_cursor, more = await self._call(self.client.poll, cursor=cursor, from_ms=state.last_ms, limit=self.limit)
        except AtlassianError as err:
            if isinstance(err, ApiError) and err.status == 400 and cursor is not None:
                logger.warning(
                    "the stored cursor was refused (%s): reading again from the last processed time (%s ms), without "
                    "the events already emitted",
                    redact(err.api_message or "HTTP 400", self.secrets),
                    state.last_ms,
                )
                state.cursor = None
                state.save()
                return
            if not self._transient(err):
                raise self._fatal(err) from None
            await self._back_off(err)
            return
        self.backoff = BACKOFF_MIN
        emitted = 0
        for event in events:
            if event["id"] in state.seen:
                continue
            if self._wanted(event):
                await queue.put(audit.normalize(event, self.actions, self.org_id))
                emitted += 1
            state.remember(event["id"])
            processed = epoch_ms(event["attributes"].get("processedAt"))
            if processed is not None and (state.last_ms is None or processed > state.last_ms):
                state.last_ms = processed
        state.cursor = next_cursor
        state.save()
        if events:
            logger.info("%d audit events read, %d emitted (%d requests sent)", len(events), emitted, self.client.stats.total)
        if not more and not self._stop():
            await self.sleep(self.delay)


async def main(queue: Any, args: dict[str, Any]) -> None:
    """Poll the audit log forever, putting the chosen events on ``queue``; raise AuditSourceError when it cannot go
    on (bad args, a refused key, an unknown organization)."""
    args = args or {}
    try:
        source = _Source(args)
    except ConfigurationError as err:
        key = args.get("api_key") or os.environ.get("ATLASSIAN_ADMIN_API_KEY")
        raise AuditSourceError(redact("accessops.atlassian.audit_events: %s" % err, [str(key)] if key else [])) from None
    try:
        await source.run(queue)
    except ConfigurationError as err:
        raise AuditSourceError(redact("accessops.atlassian.audit_events: %s" % err, source.secrets)) from None
    finally:
        source.client.close()


if __name__ == "__main__":
    # ATLASSIAN_ORG_ID and ATLASSIAN_ADMIN_API_KEY from the environment; prints the events.

    class _PrintQueue:
        async def put(self, event: dict[str, Any]) -> None:
            print(json.dumps(event))

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(_PrintQueue(), {"cursor_file": os.environ.get("AUDIT_EVENTS_CURSOR_FILE")}))
