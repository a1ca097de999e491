# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Last-active dates per product (``atlassian_user_info``), and the seats of a Bitbucket workspace
(``atlassian_group_info workspace``).

Two reads give the dates. The user search with ``expand: productAccess`` (which atlassian_user_info always asks)
answers ``MultiDirectoryProductAccess`` items ``{"id", "key", "lastActiveTimestamp"?}`` per product instance the user
has access to, ``lastActiveTimestamp`` left out for an instance never used: ``search_dates`` turns them into dates at
no extra request. ``include_last_active`` adds the per-user read below, which also lists products the user no longer
has access to; ``add_last_active`` merges both (the latest date wins).

``GET /v1/orgs/{orgId}/directory/users/{accountId}/last-active-dates`` (Organizations REST API,
``atlassian-admin-organization.swagger.v3.2026-08-21.json``) answers ``UserProductAccessActivityPage``:
``{"data": {"product_access": [{"id", "key", "last_active", "last_active_timestamp"}], "added_to_org"...},
"links": {"next"}}``, the next page by ``?cursor=``. The spec's narrative (``info.x-atlassian-narrative``, "Rate
limits": "Rate limits of Last Active Dates API ... Rate limit per organization: 200 requests per minute") limits
it: these reads are paced by a ``RequestBudget`` of ``LAST_ACTIVE_PER_MINUTE`` requests in any rolling minute.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._accounting import RequestBudget
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, NotFoundError

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._admin.client import AdminClient

LAST_ACTIVE_PER_MINUTE = 200
LAST_ACTIVE_WINDOW = 60.0
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def last_active_budget() -> RequestBudget:
    """The pacing of the last-active reads of one task: at most LAST_ACTIVE_PER_MINUTE in any rolling minute."""
    return RequestBudget(LAST_ACTIVE_PER_MINUTE, window=LAST_ACTIVE_WINDOW)


def last_active_dates(client: AdminClient, account_id: str, budget: RequestBudget) -> list[dict[str, Any]] | None:
    """The ``product_access`` items of every page of the account's last-active dates; None when the API does not
    know the account (404)."""
    path = "v1/orgs/%s/directory/users/%s/last-active-dates" % (
        validate.encode_segment(client.org_id),
        validate.path_segment(account_id),
    )
    found, seen, cursor = [], set(), None
    while True:
        budget.acquire()
        try:
            body = client.transport.request_json("GET", path, params={"cursor": cursor} if cursor else None)
        except NotFoundError:
            if cursor is None:
                return None
            raise
        data = body.get("data") if isinstance(body, dict) else None
        items = data.get("product_access") if isinstance(data, dict) else None
        if not isinstance(items, list):
            shown = client.transport.shown_path(path)
            raise ApiError(
                "GET %s answered without a data.product_access list" % shown,
                method="GET",
                path=shown,
                status=200,
                secrets=client.transport.secrets,
            )
        found.extend(item for item in items if isinstance(item, dict))
        links = body.get("links") if isinstance(body.get("links"), dict) else {}
        cursor = links.get("next")
        if not cursor or not isinstance(cursor, str) or cursor in seen or not items:
            return found
        seen.add(cursor)


def day_of(value: Any) -> str | None:
    """``yyyy-MM-dd`` of an ISO 8601 date or date-time as the API writes them (UTC), None for anything else."""
    return value[:10] if isinstance(value, str) and _DAY.match(value) else None


def latest(first: str | None, second: str | None) -> str | None:
    """The later of two ``yyyy-MM-dd`` dates (None: no date)."""
    return max(first, second) if first is not None and second is not None else (first or second)


def _date(item: dict[str, Any]) -> str | None:
    """``yyyy-MM-dd`` of one product's last activity (``last_active``, else the date of ``last_active_timestamp``)."""
    for key in ("last_active", "last_active_timestamp"):
        when = day_of(item.get(key))
        if when is not None:
            return when
    return None


def _per_key(pairs: Any) -> dict[str, str | None]:
    dates: dict[str, str | None] = {}
    for key, when in pairs:
        if isinstance(key, str):
            dates[key] = latest(dates.get(key), when)
    return dates


def by_product(items: list[dict[str, Any]]) -> dict[str, str | None]:
    """``{product key: the latest date}`` over every instance of each product of the per-user read (None: the
    product, never used)."""
    return _per_key((item.get("key"), _date(item)) for item in items)


def search_dates(product_access: list[dict[str, Any]]) -> dict[str, str | None]:
    """``{product key: the latest date}`` of the shaped ``product_access`` entries of a user search (each with its
    ``last_active``, from ``lastActiveTimestamp``); None: access to the product, never used there."""
    return _per_key((access.get("product"), access.get("last_active")) for access in product_access)


def add_last_active(client: AdminClient, users: list[dict[str, Any]], shaped: list[dict[str, Any]]) -> None:
    """``include_last_active``: give each shaped user ``last_active_dates`` (the per-user read's ``product_access``
    items, null when the API does not know the account) and merge its dates into ``last_active`` (``{product: date}``,
    already set from the search's ``lastActiveTimestamp`` when the search expanded productAccess; null when neither
    read knows the account) and into each ``product_access`` entry's ``last_active``: the latest date wins. One paced
    read (or more, by pages) a user."""
    budget = last_active_budget()
    for index, user in enumerate(users):
        entry = shaped[index]
        items = last_active_dates(client, user["accountId"], budget)
        entry["last_active_dates"] = items
        found = entry.get("last_active") if isinstance(entry.get("last_active"), dict) else None
        if items is not None:
            read = by_product(items)
            found = {key: latest((found or {}).get(key), read.get(key)) for key in list(found or {}) + list(read)}
        entry["last_active"] = found
        if "product_access" in entry:
            by_id = {i.get("id"): _date(i) for i in items or () if i.get("id") is not None}
            for access in entry["product_access"]:
                access["last_active"] = latest(access.get("last_active"), by_id.get(access.get("resource_id")))


def seats(attributes: dict[str, Any]) -> dict[str, int | None]:
    """``{capacity, usage, available}`` of a workspace's ``attributes`` (``usage``: the seats in use, which is how
    the simulator and the collection read the spec's oddly worded description); null when the API leaves one out."""

    def number(value: Any) -> int | None:
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    capacity, usage = number(attributes.get("capacity")), number(attributes.get("usage"))
    available = max(capacity - usage, 0) if capacity is not None and usage is not None else None
    return {"capacity": capacity, "usage": usage, "available": available}
