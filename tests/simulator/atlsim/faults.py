# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection knobs. Deterministic: counters, and a seeded RNG where a rate is given.

Knobs (``POST /_sim/faults`` JSON, ``SimHandle.faults(**knobs)``, or ``python -m atlsim`` flags):

``latency_ms``                 every answer waits that long first (at most 10000)
``error_rate``                 fraction of requests answered with one of ``error_statuses`` (default
                               [500, 502, 503]); drawn from ``random.Random(fault_seed)`` (default 0)
``fail_next``                  ``[{"status": 503, "count": 2, "method": "GET", "path_prefix": "/2.0/..."}]``
``burst_429``                  the next N requests get the rate limit answer (429)
``drop_next``                  the next N requests: the connection is closed without an answer
``slow_next``                  ``{"count": N, "seconds": S}``: process, then wait S seconds before answering
``lose_write_answer_next``     the next N writes (not GET/HEAD) are applied, then the connection is
                               closed: the client never sees the answer
``malformed_json_next``        the next N JSON answers are cut in the middle (invalid JSON)
``expire_tokens``              ``true``: every OAuth access token issued so far is now expired
``rate_limit``                 override every rate limit with this number per window (null: seed values)
``pagination``                 ``"page"`` (default, list-based: page/size/previous) or ``"iterator"``
                               (only pagelen/values/next, with an opaque ``next``)

A misbehaving server (:mod:`atlsim.misbehave`; answers that a client must not trust):

``ignore_filters``             the next N filtered reads ignore their filter: Bitbucket ``q`` is dropped (the
                               unfiltered listing, paginated as asked); SCIM ``GET /Users?filter=`` serves the
                               users that do NOT match it
``wrong_object_next``          the next N keyed GETs (``/2.0/users/{id}``, ``/2.0/workspaces/{ws}/members/{id}``,
                               ``.../permissions-config/users/{id}``, SCIM ``/Users/{id}``) answer 200 with
                               another user's object (also instead of a 404)
``hostile_ids``                the next N answers holding user ids carry path-traversal ids: SCIM ``id`` ->
                               ``../../other-directory/Users/<id>``, Bitbucket list ``user.account_id`` ->
                               ``../../<account_id>``; a later request using one is logged with fault
                               ``hostile_id_used``
``echo_credentials``           ``{"count": N, "pad": P, "step": S}``: the next N error answers (4xx/5xx, any cause)
                               carry in their message field ``"x" * P`` then the raw Authorization header, the
                               decoded Basic ``user:password`` and the bare token/password (the pad grows by S
                               after each answer; P + S * (N - 1) <= 10000)
``redirect_writes``            ``{"count": N, "status": 307}`` (301, 302, 303, 307, 308): the next N writes (not
                               GET/HEAD, token endpoint included) are not applied but redirected to another origin
                               (``http://localhost:PORT/_sim/sink<path>`` for 127.0.0.1, and the other way round);
                               the sink answers 200 ``{}`` to anything and logs it with fault ``sink``
``oauth_token_linebreak``      the next N OAuth access tokens issued hold a line break in the middle (and are
                               not valid)

The counter knobs (``burst_429``, ``drop_next``, ``lose_write_answer_next``, ``malformed_json_next``,
``ignore_filters``, ``wrong_object_next``, ``hostile_ids``, ``oauth_token_linebreak``; ``echo_credentials`` too)
also accept ``{"count": N, "method": "PUT", "path_prefix": "/2.0/repositories"}`` to target requests.
Bounds: ``latency_ms`` <= 10000, ``seconds`` <= 120, every ``count`` <= 10000, ``pad`` + ``step`` * (count - 1)
<= 10000; statuses (``fail_next``, ``error_statuses``) are HTTP error statuses 400..599 with a reason phrase,
``redirect_writes`` statuses one of 301, 302, 303, 307, 308. Anything else raises
``ValueError`` (400 from ``POST /_sim/faults``, an error from the CLI) and changes nothing.
Posting knobs updates only the knobs given; ``DELETE /_sim/faults`` clears all.
"""

from __future__ import annotations

import math
import random
import threading
from http import HTTPStatus

MAX_LATENCY_MS = 10000
MAX_SECONDS = 120
MAX_COUNT = 10000
MAX_PAD = 10000
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
COUNTERS = (
    "burst_429",
    "drop_next",
    "lose_write_answer_next",
    "malformed_json_next",
    "ignore_filters",
    "wrong_object_next",
    "hostile_ids",
    "oauth_token_linebreak",
)
RULES = COUNTERS + ("echo_credentials", "redirect_writes")  # one Rule each in Faults.counters
KNOBS = (
    "latency_ms",
    "error_rate",
    "error_statuses",
    "fault_seed",
    "fail_next",
    "slow_next",
    "expire_tokens",
    "rate_limit",
    "pagination",
) + RULES


class Rule:
    """A counter of faults, optionally restricted to a method and a path prefix."""

    def __init__(
        self,
        count: int,
        method: str | None = None,
        path_prefix: str | None = None,
        status: int | None = None,
        seconds: float = 0.0,
        pad: int | None = None,
        step: int = 0,
    ):
        self.count = count
        self.method = method.upper() if method else None
        self.path_prefix = path_prefix
        self.status = status
        self.seconds = seconds
        self.pad = pad
        self.step = step

    def matches(self, method: str, path: str) -> bool:
        return (
            self.count > 0
            and (self.method is None or self.method == method)
            and (self.path_prefix is None or path.startswith(self.path_prefix))
        )

    def as_dict(self) -> dict:
        out: dict = {"count": self.count}
        for key in ("method", "path_prefix", "status", "pad"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.seconds:
            out["seconds"] = self.seconds
        if self.step:
            out["step"] = self.step
        return out


def _int(name: str, value, minimum: int = 0, maximum: int | None = None) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or int(value) != value
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        bounds = ">= %d" % minimum if maximum is None else "between %d and %d" % (minimum, maximum)
        raise ValueError("%s must be an integer %s, not %r" % (name, bounds, value))
    return int(value)


def _status(name: str, value) -> int:
    """An error status the fault can answer with: 400..599 with a standard reason phrase."""
    status = _int(name, value, 400, 599)
    try:
        HTTPStatus(status)
    except ValueError as exc:
        raise ValueError("%s: %d is not an HTTP error status with a reason phrase" % (name, status)) from exc
    return status


def _rule(
    name: str, value, need_status: bool = False, need_seconds: bool = False, padded: bool = False, statuses: tuple | None = None
) -> Rule:
    """A counter rule: an int (the count) or ``{"count", "method", "path_prefix"}`` plus, per knob, ``status``
    (``need_status``: an error status; ``statuses``: one of those), ``seconds`` or ``pad`` / ``step``."""
    need_status = need_status or statuses is not None
    if not isinstance(value, dict):
        if need_status or need_seconds:
            raise ValueError("%s must be an object" % name)
        return Rule(_int(name, value, 0, MAX_COUNT), pad=0 if padded else None)
    unknown = set(value) - {"count", "method", "path_prefix", "status", "seconds", "pad", "step"}
    if unknown:
        raise ValueError("%s: unknown keys %s" % (name, sorted(unknown)))
    status = value.get("status")
    if statuses is not None:
        if isinstance(status, bool) or status not in statuses:
            raise ValueError("%s.status must be one of %s, not %r" % (name, ", ".join(map(str, statuses)), status))
    elif need_status:
        status = _status(name + ".status", status)
    elif status is not None:
        raise ValueError("%s takes no status" % name)
    seconds = value.get("seconds", 0)
    if need_seconds and (
        isinstance(seconds, bool)
        or not isinstance(seconds, (int, float))
        or not math.isfinite(seconds)
        or not 0 <= seconds <= MAX_SECONDS
    ):
        raise ValueError("%s.seconds must be a number between 0 and %d" % (name, MAX_SECONDS))
    if not need_seconds and "seconds" in value:
        raise ValueError("%s takes no seconds" % name)
    if not padded and ("pad" in value or "step" in value):
        raise ValueError("%s takes no pad or step" % name)
    for key in ("method", "path_prefix"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise ValueError("%s.%s must be a string" % (name, key))
    count = _int(name + ".count", value.get("count", 1), 0, MAX_COUNT)
    pad = step = None
    if padded:
        pad = _int(name + ".pad", value.get("pad", 0), 0, MAX_PAD)
        step = _int(name + ".step", value.get("step", 0), 0, MAX_PAD)
        if pad + step * max(count - 1, 0) > MAX_PAD:
            raise ValueError("%s: pad + step * (count - 1) must be at most %d" % (name, MAX_PAD))
    return Rule(count, value.get("method"), value.get("path_prefix"), status, float(seconds), pad, step or 0)


class Faults:
    def __init__(self, on_expire_tokens=None):
        self._lock = threading.Lock()
        self.on_expire_tokens = on_expire_tokens  # called when ``expire_tokens: true`` is posted
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self.latency_ms = 0
            self.error_rate = 0.0
            self.error_statuses = [500, 502, 503]
            self.fault_seed = 0
            self.rng = random.Random(0)
            self.fail_next: list[Rule] = []
            self.slow_next = Rule(0)
            self.counters = {name: Rule(0) for name in RULES}
            self.rate_limit: int | None = None
            self.pagination = "page"

    def configure(self, knobs: dict) -> dict:
        """Validate and apply ``knobs`` (all or nothing); return the snapshot. ``expire_tokens: true``
        is an action, not a state: it calls ``on_expire_tokens``."""
        if not isinstance(knobs, dict):
            raise ValueError("fault knobs must be a JSON object")
        unknown = set(knobs) - set(KNOBS)
        if unknown:
            raise ValueError("unknown fault knobs: %s (known: %s)" % (sorted(unknown), ", ".join(KNOBS)))
        updates: dict = {}
        for name, value in knobs.items():
            if name == "latency_ms":
                updates[name] = _int(name, value, 0, MAX_LATENCY_MS)
            elif name == "error_rate":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                    raise ValueError("error_rate must be a number between 0 and 1")
                updates[name] = float(value)
            elif name == "error_statuses":
                if not isinstance(value, list) or not value:
                    raise ValueError("error_statuses must be a non-empty list")
                updates[name] = [_status(name, item) for item in value]
            elif name == "fault_seed":
                updates[name] = _int(name, value)
            elif name == "fail_next":
                items = value if isinstance(value, list) else [value]
                if len(items) > 100:
                    raise ValueError("fail_next takes at most 100 rules")
                updates[name] = [_rule(name, item, need_status=True) for item in items]
            elif name == "slow_next":
                updates[name] = _rule(name, value, need_seconds=True)
            elif name in COUNTERS:
                updates[name] = _rule(name, value)
            elif name == "echo_credentials":
                updates[name] = _rule(name, value, padded=True)
            elif name == "redirect_writes":
                updates[name] = _rule(name, value, statuses=REDIRECT_STATUSES)
            elif name == "rate_limit":
                updates[name] = None if value is None else _int(name, value, 1)
            elif name == "pagination":
                if value not in ("page", "iterator"):
                    raise ValueError("pagination must be 'page' or 'iterator'")
                updates[name] = value
            elif name == "expire_tokens" and not isinstance(value, bool):
                raise ValueError("expire_tokens must be true or false")
        with self._lock:
            for name, value in updates.items():
                if name in RULES:
                    self.counters[name] = value
                else:
                    setattr(self, name, value)
            if "fault_seed" in updates or "error_rate" in updates:
                self.rng = random.Random(self.fault_seed)
        if knobs.get("expire_tokens") and self.on_expire_tokens is not None:
            self.on_expire_tokens()
        return self.snapshot()

    def snapshot(self) -> dict:
        with self._lock:
            out = {
                "latency_ms": self.latency_ms,
                "error_rate": self.error_rate,
                "error_statuses": list(self.error_statuses),
                "fault_seed": self.fault_seed,
                "fail_next": [rule.as_dict() for rule in self.fail_next if rule.count],
                "slow_next": self.slow_next.as_dict(),
                "rate_limit": self.rate_limit,
                "pagination": self.pagination,
            }
            out.update((name, rule.as_dict()) for name, rule in self.counters.items())
            return out

    # -- per request -----------------------------------------------------------------------------
    def take(self, name: str, method: str, path: str) -> bool:
        """Consume one unit of counter ``name`` if it applies to this request."""
        with self._lock:
            rule = self.counters[name]
            if rule.matches(method, path):
                rule.count -= 1
                return True
            return False

    def take_rule(self, name: str, method: str, path: str) -> Rule | None:
        """Consume one unit of rule ``name`` if it applies; return a copy of it as it was used (``pad`` then
        grows by ``step`` for the next answer)."""
        with self._lock:
            rule = self.counters[name]
            if not rule.matches(method, path):
                return None
            used = Rule(1, rule.method, rule.path_prefix, rule.status, rule.seconds, rule.pad, rule.step)
            rule.count -= 1
            if rule.pad is not None:
                rule.pad = min(MAX_PAD, rule.pad + rule.step)
            return used

    def armed(self, name: str, method: str, path: str) -> bool:
        """Whether rule ``name`` would apply to this request (consumes nothing)."""
        with self._lock:
            return self.counters[name].matches(method, path)

    def before(self, method: str, path: str) -> tuple[str, int | None] | None:
        """The fault replacing this request's answer, if any: ("drop", None), ("429", 429) or ("status", N)."""
        if self.take("drop_next", method, path):
            return "drop_next", None
        if self.take("burst_429", method, path):
            return "burst_429", 429
        with self._lock:
            for rule in self.fail_next:
                if rule.matches(method, path):
                    rule.count -= 1
                    return "fail_next", rule.status
            if self.error_rate and self.rng.random() < self.error_rate:
                return "error_rate", self.rng.choice(self.error_statuses)
        return None

    def slow(self, method: str, path: str) -> float:
        """Seconds to wait before answering this request (consumes ``slow_next``)."""
        with self._lock:
            if self.slow_next.matches(method, path):
                self.slow_next.count -= 1
                return self.slow_next.seconds
            return 0.0
