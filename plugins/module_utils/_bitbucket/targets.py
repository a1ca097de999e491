# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an explicit Bitbucket permission is about, defined once: the scope (a repository or a project), the subject
(a user or a group), the permission levels each scope accepts, and the ``permissions-config`` paths.

The client (``_bitbucket.client``) and the permission engine (``_permissions.engine``, which takes them through
``_permissions.scopes``) are parametrized by these descriptions, so a new permission module is a Scope and a few
lines of option mapping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate

REPOSITORY_LEVELS = ("read", "write", "admin")
PROJECT_LEVELS = ("read", "write", "create-repo", "admin")


class Scope:
    """Where explicit permissions are set: ``name`` (the result key, e.g. ``repository``), ``plural`` (the list
    option), ``levels``, ``base`` (path of one target, ``%s`` for the workspace and the target's key)."""

    def __init__(
        self,
        name: str,
        plural: str,
        levels: tuple[str, ...],
        base: str,
        validate_key: Callable[..., str],
        item_key: Callable[[dict[str, Any]], str | None],
    ) -> None:
        self.name = name
        self.plural = plural
        self.levels = levels
        self.base = base
        self.validate_key = validate_key
        self.item_key = item_key

    def path(self, workspace: str, target: str, subject: Subject, key: str | None = None) -> str:
        """``{base}/permissions-config/{users|groups}[/{key}]`` with every segment encoded (server values checked)."""
        path = (
            self.base % (validate.path_segment(workspace), validate.path_segment(target))
            + "/permissions-config/"
            + subject.plural
        )
        if key is not None:
            path += "/" + validate.path_segment(key)
        return path

    def is_about(self, item: dict[str, Any] | None, workspace: str, target: str) -> bool:
        """False when a permission item says it is about another target of this scope (None: it does not say)."""
        found = self.item_key(item or {})
        if not found or workspace.startswith("{") or target.startswith("{"):
            return True
        return found.lower() in (target.lower(), ("%s/%s" % (workspace, target)).lower())


def _repository_of(item: dict[str, Any]) -> str | None:
    return (item.get("repository") or {}).get("full_name")


def _project_of(item: dict[str, Any]) -> str | None:
    return (item.get("project") or {}).get("key")


REPOSITORY = Scope("repository", "repositories", REPOSITORY_LEVELS, "/repositories/%s/%s", validate.repository, _repository_of)
PROJECT = Scope("project", "projects", PROJECT_LEVELS, "/workspaces/%s/projects/%s", validate.project_key, _project_of)


class Subject:
    """Who holds explicit permissions: ``name`` (``user``/``group``), ``plural`` (path segment and list option),
    ``field`` (the object in a permission item), ``key_of`` (its stable key)."""

    def __init__(
        self, name: str, plural: str, key_of: Callable[[dict[str, Any]], str | None], valid_key: Callable[[Any], bool]
    ) -> None:
        self.name = name
        self.plural = plural
        self.field = name
        self.key_of = key_of
        self.valid_key = valid_key

    def item_key(self, item: dict[str, Any] | None) -> str | None:
        return self.key_of((item or {}).get(self.field) or {})


def _user_key(user: dict[str, Any]) -> str | None:
    return user.get("account_id") or user.get("uuid")


def _group_key(group: dict[str, Any]) -> Any:
    slug = group.get("slug")
    return slug.lower() if isinstance(slug, str) else slug


def _valid_user_key(key: Any) -> bool:
    return validate.identifier_kind(key) in ("account_id", "uuid")


def _valid_group_key(key: Any) -> bool:
    return isinstance(key, str) and bool(validate.SLUG.match(key)) and key not in (".", "..")


USER = Subject("user", "users", _user_key, _valid_user_key)
GROUP = Subject("group", "groups", _group_key, _valid_group_key)
SUBJECTS = (USER, GROUP)
