# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a permission task asks, from the module options to one ``Wishes`` per subject kind (users, groups), keyed
by account id or group slug once identities are resolved. Every check here runs before any request, or before any
write, and fails with a message naming the option.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import normalize_identifier
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import AtlassianError, ConfigurationError
from ansible_collections.accessops.atlassian.plugins.module_utils._permissions.scopes import GROUP, USER, Subject


class RefusedError(AtlassianError):
    """A request the module refuses before any write (owner, caller's own admin, unknown user, auth method)."""


class Request:
    """One wanted explicit permission of a user or a group: ``identifier`` (as given), ``key`` (normalized),
    ``permission``, ``state``, ``expect`` (compare-and-set: the level the subject must hold before the change, ``none``
    for no explicit permission; None when not given)."""

    def __init__(
        self,
        subject: Subject,
        identifier: str,
        permission: str | None = None,
        state: str = "present",
        option: str | None = None,
        expect: str | None = None,
    ) -> None:
        self.subject = subject
        self.expect = expect
        option = option or subject.name
        if subject is USER:
            self.kind, self.key = validate.user_identifier(identifier, option)
        else:
            self.kind = "slug"
            self.key = validate.slug(identifier, option, "a group slug (letters, digits, '-', '_', '.')").lower()
        self.identifier = identifier.strip()
        self.permission = permission
        self.state = state or "present"
        if self.state == "present" and not self.permission:
            raise ConfigurationError("permission is required to grant %s (state=present)" % self.identifier)


def _asks(params: dict[str, Any], subject: Subject) -> tuple[list[Request], bool] | None:
    """(requests, exclusive) of one subject kind, or None when the task does not name it."""
    one, many = subject.name, subject.plural
    if params.get(one) is not None:
        if params.get("exclusive") and params.get(many) is None:
            raise ConfigurationError("exclusive applies to a %s list: use %s instead of %s" % (many, many, one))
        return [Request(subject, params[one], params.get("permission"), params.get("state") or "present")], False
    if params.get(many) is None:
        return None
    requests = [
        Request(
            subject,
            item.get(one),
            item.get("permission"),
            item.get("state") or "present",
            option="%s[%d].%s" % (many, index, one),
            expect=item.get("expect"),
        )
        for index, item in enumerate(params[many])
    ]
    expecting = [index for index, request in enumerate(requests) if request.expect is not None]
    if expecting and params.get("exclusive"):
        raise ConfigurationError(
            "%s[%d].expect cannot be combined with exclusive=true: exclusive removes every unlisted permission without "
            "comparing it with anything. Use expect without exclusive, or exclusive without expect. Nothing was changed."
            % (many, expecting[0])
        )
    if not requests and not params.get("exclusive"):
        raise ConfigurationError(
            "%s is an empty list: nothing would be granted or revoked (an empty list is only "
            "meaningful with exclusive=true, where it removes every explicit %s permission)" % (many, one)
        )
    return requests, bool(params.get("exclusive"))


def requests_from_params(params: dict[str, Any]) -> tuple[dict[str, tuple[list[Request], bool]], list[str]]:
    """({subject name: (requests, exclusive)} for the subjects the task names, exempt user identifiers)."""
    asks = {}
    for subject in (USER, GROUP):
        found = _asks(params, subject)
        if found is not None:
            asks[subject.name] = found
    if not asks:
        raise ConfigurationError("Nothing to do: give user, users, group or groups")
    if params.get("user") is None and params.get("group") is None:
        for option in ("permission", "state"):
            if params.get(option) is not None:
                raise ConfigurationError("%s applies to user or group; in users and groups each entry has its own" % option)
    exempt = [e.strip() for e in params.get("exempt") or [] if validate.user_identifier(e, "exempt")]
    if exempt and not params.get("exclusive"):
        raise ConfigurationError("exempt applies only with exclusive=true")
    if exempt and "user" not in asks:
        raise ConfigurationError("exempt names users, and the task names no users list for exclusive to apply to")
    user_requests = asks.get("user", ([], False))[0]
    check_absent_exempt(
        {r.key: r.identifier for r in user_requests if r.state == "absent"}, {normalize_identifier(i): i for i in exempt}
    )
    return asks, exempt


def check_absent_exempt(absent: dict[str, str], exempt: dict[str, str]) -> None:
    """ConfigurationError when a user is both asked to be removed (state: absent) and exempt from removal.

    ``absent`` and ``exempt`` map what identifies a user (its normalized identifier before resolution,
    its account id after) to the identifier as given."""
    for key, identifier in absent.items():
        if key in exempt:
            raise ConfigurationError(
                "%s is listed with state: absent and is also in exempt (as %s): the task cannot both "
                "remove and protect its permission; remove it from one of the two lists. Nothing was "
                "changed." % (identifier, exempt[key])
            )


class Wishes:
    """What a task asks of one subject kind, by key (account id or group slug): ``desired`` {key: permission},
    ``absent`` keys, ``exempt`` keys, ``exclusive``, ``named`` {key: identifier as given}, ``not_found``, ``expect``
    {key: the explicit level the subject must hold on every target before the change, None for no explicit
    permission} of the entries that give ``expect`` (in the order given)."""

    def __init__(
        self, subject: Subject, requests: Iterable[Request], exclusive: bool, resolve: Callable[[str], str | None]
    ) -> None:
        self.subject = subject
        self.exclusive = exclusive
        self.desired = {}
        self.absent = set()
        self.exempt = set()
        self.named = {}
        self.not_found = []
        self.expect: dict[str, str | None] = {}
        unknown = []
        wishes = {}
        expects = {}
        for request in requests:
            key = resolve(request.identifier)
            if key is None:
                if request.state == "present":
                    unknown.append(request.identifier)
                elif request.identifier not in self.not_found:
                    self.not_found.append(request.identifier)
                continue
            wish = request.permission if request.state == "present" else "absent"
            if wishes.get(key, wish) != wish:
                raise ConfigurationError(
                    "%s: %s is listed twice with different wishes (as %s and as %s)"
                    % (subject.plural, key, self.named[key], request.identifier)
                )
            if key in expects and expects[key] != request.expect:
                raise ConfigurationError(
                    "%s: %s is listed twice with different expect (as %s and as %s)"
                    % (subject.plural, key, self.named[key], request.identifier)
                )
            wishes[key] = wish
            expects[key] = request.expect
            if request.expect is not None:
                self.expect[key] = None if request.expect == "none" else request.expect
            self.named.setdefault(key, request.identifier)
            if wish == "absent":
                self.absent.add(key)
            else:
                self.desired[key] = wish
        if unknown:
            raise RefusedError(
                "Cannot grant a permission to %s: no workspace member has this email address or uuid "
                "(give them Bitbucket access first: in an organization, add them to a group that grants the workspace with "
                "accessops.atlassian.atlassian_group_member). Nothing was changed." % ", ".join(unknown)
            )

    @property
    def involved(self) -> set[str]:
        return set(self.desired) | self.absent

    def expects_level(self, key: str) -> bool:
        """True when ``key``'s entry gives ``expect`` a level (not ``none``): a read that finds no explicit permission
        must then tell a missing target from a stale one."""
        return self.expect.get(key) is not None

    def protect(self, exempt: Iterable[str], resolve: Callable[[str], str | None]) -> None:
        """Resolve the ``exempt`` identifiers (each must match someone) into ``self.exempt``."""
        unresolved = []
        exempt_ids = {}
        for identifier in exempt:
            key = resolve(identifier)
            if key is None:
                unresolved.append(identifier)
            else:
                self.exempt.add(key)
                exempt_ids.setdefault(key, identifier)
        if unresolved:
            raise RefusedError(
                "Cannot exempt %s: no workspace member has this email address, account ID or uuid, so "
                "exclusive could remove the permission it is meant to protect. Correct the exempt list. "
                "Nothing was changed." % ", ".join(unresolved)
            )
        check_absent_exempt({k: self.named[k] for k in self.absent}, exempt_ids)

    def mark_not_found(self, keys: Iterable[str]) -> None:
        """Removals that match nobody: reported in ``not_found`` (nothing to remove)."""
        for key in sorted(keys):
            identifier = self.named.get(key, key)
            if identifier not in self.not_found:
                self.not_found.append(identifier)
