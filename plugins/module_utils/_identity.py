# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who is who, in one place: the identity resolver (account ids, ``{uuid}``s and emails to workspace members, in
batches) and "who am I" (the caller's account).
"""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket import (
    identifier_kind,
    normalize_identifier,
    user_key,
    user_summary,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AuthenticationError, ForbiddenError


class Directory(object):
    """Identifiers resolved to account ids: emails (90 per request), ``{uuid}``s (50 per request) and, when asked,
    account ids (50 per request) with batched member look-ups. ``users``: what is known of each account;
    ``confirmed``: the account ids an answer showed to be workspace members."""

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


def whoami(client, emails=False):
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


def is_not_a_user(client, err):
    """True when ``GET /user`` refused an access token: a workspace, project or repository access token."""
    return isinstance(err, (AuthenticationError, ForbiddenError)) and client.auth_kind == "access_token"
