# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``/_sim`` control endpoints (loopback clients only, never logged, never faulted):

``GET /_sim/health``      ``{"status": "ok", ...}``
``GET /_sim/log``         the request log (JSON list); ``DELETE /_sim/log`` clears it
``POST /_sim/reset``      back to the seed: state, OAuth tokens, rate-limit windows, log, faults
``GET /_sim/faults``      the fault knobs; ``POST`` sets some (JSON object), ``DELETE`` clears all
``POST /_sim/clock``      ``{"advance": seconds}`` moves the simulator's clock forward (seconds >= 0, else 400)
``POST /_sim/capacity``   ``{"resource": "acme", "capacity": N | "full" | null}`` sets a product's seat limit in the
                          (first) organization (``"full"``: the seats in use now); answers ``{"resource", "capacity",
                          "usage"}``; back to the seed's value on reset
``GET /_sim/events``      the organization audit log (:mod:`atlsim.audit_events`, every organization, oldest first);
                          ``POST`` records one: ``{"action", "actor"?, "context"?, "container"?, "org"?}`` (201, the
                          event); cleared on reset

``/_sim/sink...`` is no control endpoint: the app answers it (200 ``{}``, any method) and logs it, see
:mod:`atlsim.misbehave` (``redirect_writes``).
"""

from __future__ import annotations

import ipaddress
import json
import math

from werkzeug.wrappers import Request, Response

from .audit_events import inject
from .web import json_response, empty_response


def is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _body(request: Request):
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    return json.loads(raw.decode("utf-8"))


def _advance_clock(app, body) -> Response:
    """``{"advance": seconds}``: a finite number >= 0 (time never goes back: token expiry and the
    rate-limit windows assume it)."""
    if not isinstance(body, dict):
        raise ValueError('the body must be a JSON object {"advance": seconds}')
    advance = body.get("advance", 0)
    if isinstance(advance, bool) or not isinstance(advance, (int, float)) or not math.isfinite(advance) or advance < 0:
        raise ValueError("advance must be a number of seconds >= 0, not %r" % (advance,))
    if not hasattr(app.clock, "advance"):
        raise ValueError("this simulator's clock cannot be moved")
    return json_response({"now": app.clock.advance(float(advance))})


def set_capacity(app, body) -> Response:
    """``{"resource": <workspace slug or resource id>, "capacity": N | "full" | null[, "org": id]}``."""
    if not isinstance(body, dict) or "resource" not in body or "capacity" not in body:
        raise ValueError('the body must be a JSON object {"resource": "acme", "capacity": N | "full" | null}')
    state = app.state
    with state.lock:
        orgs = state.admin.orgs
        org = orgs.get(body.get("org")) if body.get("org") else next(iter(orgs.values()), None)
        if org is None:
            raise ValueError("no such organization in the seed")
        resource = org.set_capacity(str(body["resource"]), body["capacity"])  # unknown resource: SeedError, a ValueError
        usage = len(org.users_with_access(resource.id))
    return json_response({"resource": resource.id, "capacity": resource.seats, "usage": usage})


def handle(app, request: Request) -> Response:
    """Answer a ``/_sim`` request for ``app`` (a :class:`atlsim.app.SimApp`)."""
    if not is_loopback(request.remote_addr):
        return json_response({"error": "the /_sim control endpoints only answer loopback clients"}, 403)
    route = (request.method, request.path.rstrip("/"))
    try:
        if route == ("GET", "/_sim/health"):
            state = app.state
            return json_response(
                {
                    "status": "ok",
                    "workspaces": sorted(state.workspaces),
                    "accounts": len(state.accounts),
                    "requests_logged": len(app.log),
                    "scim": app.scim_app is not None,
                }
            )
        if route == ("GET", "/_sim/log"):
            return json_response(app.log.entries())
        if route == ("DELETE", "/_sim/log"):
            app.log.clear()
            return empty_response(204)
        if route == ("POST", "/_sim/reset"):
            app.reset()
            return json_response({"status": "reset"})
        if route == ("GET", "/_sim/faults"):
            return json_response(app.faults.snapshot())
        if route == ("POST", "/_sim/faults"):
            return json_response(app.configure_faults(_body(request)))
        if route == ("DELETE", "/_sim/faults"):
            app.faults.clear()
            return empty_response(204)
        if route == ("POST", "/_sim/clock"):
            return _advance_clock(app, _body(request))
        if route == ("POST", "/_sim/capacity"):
            return set_capacity(app, _body(request))
        if route == ("GET", "/_sim/events"):
            return json_response(app.events.all())
        if route == ("POST", "/_sim/events"):
            return json_response(inject(app.state, _body(request)), 201)
    except (ValueError, TypeError, AttributeError) as exc:
        return json_response({"error": str(exc)}, 400)
    return json_response({"error": "no control endpoint %s %s" % route}, 404)
