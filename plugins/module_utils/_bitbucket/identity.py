# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who is who, in one place: the identity resolver (account ids, ``{uuid}``s and emails to workspace members, in
batches), the member look-ups it uses, and "who am I" (the caller's account).

Member look-ups by account id or ``{uuid}`` (``members_by_key``) use the forms the official documents state:
``GET /workspaces/{ws}/permissions?q=user.account_id IN (...)`` (``q`` is declared there; the field follows the
filtering narrative) for API tokens and OAuth, 50 per request; ``GET /workspaces/{ws}/members/{member}`` per id or the
unfiltered member listing (``members_listed``) for access tokens, which cannot read ``/permissions``, and whenever the
filter is answered with HTTP 400 (or 403). Emails: the one filter the spec states on ``/members`` (``members_by_email``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import (
    ACCOUNT_ID_BATCH,
    BitbucketClient,
    IncompleteListError,
    bbql_in,
    check_filtered,
    chunks,
    member_key,
    normalize_identifier,
    refused_query,
    user_key,
    user_summary,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    ApiError,
    AuthenticationError,
    ForbiddenError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._pagination import iter_bitbucket_pages

# Members looked up with one ``GET /workspaces/{ws}/members/{member}`` each (the documented keyed read); more are found
# in the unfiltered member listing, or one by one once its first page's ``size`` shows that costs fewer requests.
MEMBER_GET_MAX = 2


def members_by_key(
    client: BitbucketClient, workspace: str, keys: Iterable[str], kind: str = "account_id"
) -> dict[str, dict[str, Any]]:
    """{key: user} of the workspace members among ``keys``: account ids, or ``{uuid}``s (any case) with
    ``kind="uuid"``; keys of another kind are ignored, keys that match no member are absent.

    API token or OAuth: ``GET /workspaces/{ws}/permissions?q=user.<kind> IN (...)``, 50 per request, every answer
    checked against the filter. An access token, or HTTP 400 / 403 to the filter: :func:`members_listed`."""
    field = "user.%s" % kind
    wanted = []
    for key in keys:
        key = normalize_identifier(key)
        if key and validate.identifier_kind(key, lenient=True) == kind and key not in wanted:
            wanted.append(key)
    if not wanted:
        return {}
    if client.auth_kind == "access_token":
        return members_listed(client, workspace, wanted, kind)
    path = client.transport.shown_path("/workspaces/%s/permissions" % validate.path_segment(workspace))
    found = {}
    batches = chunks(sorted(wanted), ACCOUNT_ID_BATCH)
    for index, batch in enumerate(batches):
        try:
            listed = list(client.iter_workspace_permissions(workspace, q=bbql_in(field, batch)))
        except ApiError as err:
            if not (refused_query(err) or isinstance(err, ForbiddenError)):
                raise
            found.update(members_listed(client, workspace, [k for rest in batches[index:] for k in rest], kind))
            return found
        for membership in check_filtered(listed, batch, lambda m: member_key(m.get("user"), kind), field, "GET", path):
            found[member_key(membership["user"], kind)] = dict(membership["user"])
    return found


def members_listed(
    client: BitbucketClient, workspace: str, keys: Iterable[str], kind: str = "account_id"
) -> dict[str, dict[str, Any]]:
    """{key: user} of the workspace members among ``keys``, from the forms the spec states for everyone who may read
    members (access tokens included): ``GET /workspaces/{ws}/members/{member}`` per key (404: no member) for at most
    ``MEMBER_GET_MAX`` keys; else the unfiltered ``/workspaces/{ws}/members`` listing matched here, which stops once
    every key is found and switches to one GET per key still missing when its first page's ``size`` shows that costs
    fewer requests than the pages left. A listing whose ``next`` chain breaks raises IncompleteListError."""
    keys = [normalize_identifier(k) for k in keys]
    if len(keys) <= MEMBER_GET_MAX:
        return _one_by_one(client, workspace, keys, kind)
    wanted = set(keys)
    found = {}
    path = "/workspaces/%s/members" % validate.path_segment(workspace)
    last = None
    for index, page in enumerate(iter_bitbucket_pages(client.transport, path, pagelen=client.pagelen)):
        values = page.get("values") or []
        for membership in values:
            key = member_key(membership.get("user"), kind)
            if key in wanted:
                found[key] = dict(membership["user"])
        last = page
        missing = [k for k in keys if k not in found]
        if not missing:
            return found
        size, pagelen = page.get("size"), page.get("pagelen")
        if index == 0 and page.get("next") and isinstance(size, int) and not isinstance(size, bool):
            per_page = pagelen if isinstance(pagelen, int) and pagelen > 0 else client.pagelen
            if len(missing) < -(-max(size - len(values), 0) // per_page):
                found.update(_one_by_one(client, workspace, missing, kind))
                return found
    if last is not None and last.get("next"):
        shown = client.transport.shown_path(path)
        raise IncompleteListError(
            "GET %s: the member list could not be read to its last page (the API returned a broken next link)" % shown,
            method="GET",
            path=shown,
            status=200,
            secrets=client.transport.secrets,
        )
    return found


def _one_by_one(client: BitbucketClient, workspace: str, keys: list[str], kind: str) -> dict[str, dict[str, Any]]:
    found = {}
    for key in keys:
        membership = client.get_member(workspace, key)  # checked: the answer is the account asked for
        if membership is not None:
            found[key] = dict(membership["user"])
    return found


class Directory:
    """Identifiers resolved to account ids: emails (90 per request), ``{uuid}``s and, when asked, account ids (50 per
    request, or per id / the member listing: :func:`members_by_key`). ``users``: what is known of each account;
    ``confirmed``: the account ids an answer showed to be workspace members."""

    def __init__(self) -> None:
        self.account_ids = {}  # normalized identifier -> account_id or None
        self.users = {}  # account_id -> user summary
        self.confirmed = set()  # account ids known to be workspace members (seen in an answer)

    def learn(self, user: dict[str, Any]) -> str | None:
        key = user_key(user)
        if key:
            self.confirmed.add(key)
            known = self.users.setdefault(key, {"account_id": key})
            for name, value in user_summary(user).items():
                if value is not None:
                    known[name] = value
        return key

    def resolve(
        self, client: BitbucketClient, workspace: str, identifiers: Iterable[str], confirm: Iterable[str] = ()
    ) -> Directory:
        """Resolve emails and {uuid}s (batched look-ups); account ids are taken as given, except those in
        ``confirm``, whose membership is checked (50 per request): a non-member resolves to None."""
        keys = [normalize_identifier(i) for i in identifiers]
        emails = [k for k in keys if validate.identifier_kind(k, lenient=True) == "email" and k not in self.account_ids]
        if emails:
            found = client.members_by_email(workspace, emails)
            for email in emails:
                self.account_ids[email] = self.learn(found[email]) if email in found else None
        uuids = [k for k in keys if validate.identifier_kind(k, lenient=True) == "uuid" and k not in self.account_ids]
        if uuids:
            found = members_by_key(client, workspace, uuids, "uuid")
            for key in uuids:
                self.account_ids[key] = self.learn(found[key]) if key in found else None
        for key in keys:
            if key not in self.account_ids:
                self.account_ids[key] = key
                self.users.setdefault(key, {"account_id": key})
        # after the email and uuid look-ups, which may already have shown these accounts
        account_ids = [
            k for k in (normalize_identifier(i) for i in confirm) if validate.identifier_kind(k, lenient=True) == "account_id"
        ]
        for key in self.unconfirmed(client, workspace, account_ids):
            self.account_ids[key] = None
        return self

    def account_id(self, identifier: str) -> str | None:
        return self.account_ids.get(normalize_identifier(identifier))

    def unconfirmed(self, client: BitbucketClient, workspace: str, account_ids: Iterable[str]) -> list[str]:
        """The account ids among ``account_ids`` that are no workspace member, looked up when not yet seen
        (:func:`members_by_key`)."""
        todo = sorted({a for a in account_ids if a not in self.confirmed})
        if not todo:
            return []
        found = members_by_key(client, workspace, todo)
        for user in found.values():
            self.learn(user)
        return [a for a in todo if a not in found]


def whoami(client: BitbucketClient, emails: bool = False) -> dict[str, Any]:
    """The caller's account (``GET /user``, 1 request) as a user summary; with ``emails``, also its addresses
    (``GET /user/emails``, every page): ``emails``, ``primary_email`` and ``email``.

    AuthenticationError / ForbiddenError from ``GET /user`` propagate: with an ``access_token`` they mean a workspace,
    project or repository access token, which is no user (see :func:`is_not_a_user`)."""
    me = user_summary(client.current_user())
    if emails:
        addresses = client.current_user_emails()
        me["emails"] = [e.get("email") for e in addresses if e.get("email")]
        primary = [e.get("email") for e in addresses if e.get("is_primary")]
        me["primary_email"] = primary[0] if primary else None
        if me["primary_email"] and not me.get("email"):
            me["email"] = me["primary_email"]
    return me


def is_not_a_user(client: BitbucketClient, err: Exception) -> bool:
    """True when ``GET /user`` refused an access token: a workspace, project or repository access token."""
    return isinstance(err, (AuthenticationError, ForbiddenError)) and client.auth_kind == "access_token"
