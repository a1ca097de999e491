# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The explicit user and group permissions of a workspace's repositories and projects, for
``bitbucket_permission_info``: the read side of "workspace access as code".

Requests (the fewest that answer): the repository listing (``GET /repositories/{ws}``, 100 per page) when no
repositories are named, the project listing (``GET /workspaces/{ws}/projects``, 100 per page) when no projects are
named, then per target one ``permissions-config`` list per subject kind asked for (100 entries per page), read
``concurrency`` at a time by the worker pool. Nothing is read per user or per group, and nothing is written.

The permission lists do not name their repository or project, so targets the task names keep ``name`` and
``project`` null rather than cost a request each; the listings give them when the task names none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ansible_collections.accessops.atlassian.plugins.module_utils import _validate as validate
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import check_filtered, unexpected
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.targets import (
    GROUP,
    PROJECT,
    REPOSITORY,
    USER,
    Scope,
    Subject,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import (
    AtlassianError,
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._pagination import iter_bitbucket_values
from ansible_collections.accessops.atlassian.plugins.module_utils._workers import DEFAULT_CONCURRENCY, MAX_CONCURRENCY, WorkerPool

if TYPE_CHECKING:
    from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import BitbucketClient

INCLUDE = ("repositories", "projects")
SUBJECT_KINDS = ("users", "groups")
_SCOPES = {"repositories": REPOSITORY, "projects": PROJECT}
_SUBJECTS = {"users": USER, "groups": GROUP}


def _kinds(params: dict[str, Any], option: str, choices: tuple[str, ...], allow_empty: bool) -> list[str]:
    given = choices if params.get(option) is None else params[option]
    unknown = [kind for kind in given if kind not in choices]
    if unknown:
        raise ConfigurationError("%s: %s is not one of %s" % (option, validate.show(str(unknown[0])), ", ".join(choices)))
    if not given and not allow_empty:
        raise ConfigurationError("%s is an empty list: nothing would be read (give %s)" % (option, " and/or ".join(choices)))
    return [kind for kind in choices if kind in given]


def _named(params: dict[str, Any], option: str, check: Callable[[Any, str], str], included: bool) -> list[str] | None:
    """The targets the task names (checked, duplicates dropped, sorted), or None for "every one"."""
    given = params.get(option)
    if given is None:
        return None
    if not included:
        raise ConfigurationError("%s is given but include leaves %s out: add %s to include, or leave %s out" % ((option,) * 4))
    if not given:
        raise ConfigurationError(
            "%s is an empty list: give at least one, or leave %s out to read every one of the workspace" % (option, option)
        )
    found = {}
    for index, value in enumerate(given):
        key = check(value, "%s[%d]" % (option, index))
        found.setdefault(key.lower(), key)
    return sorted(found.values())


def validate_params(params: dict[str, Any]) -> dict[str, Any]:
    """The options, checked before any request (ConfigurationError naming the option)."""
    checked = {"workspace": validate.workspace(params["workspace"])}
    checked["include"] = _kinds(params, "include", INCLUDE, allow_empty=False)
    checked["subjects"] = _kinds(params, "subjects", SUBJECT_KINDS, allow_empty=True)
    checked["repositories"] = _named(params, "repositories", validate.repository, "repositories" in checked["include"])
    checked["projects"] = _named(params, "projects", validate.project_key, "projects" in checked["include"])
    checked["include_owner"] = bool(params.get("include_owner"))
    checked["missing"] = params.get("missing") or "fail"
    if checked["missing"] not in ("fail", "report"):
        raise ConfigurationError("missing: %s is not one of fail, report" % validate.show(str(checked["missing"])))
    concurrency = params.get("concurrency")
    checked["concurrency"] = validate.bounded_int(
        DEFAULT_CONCURRENCY if concurrency is None else concurrency, "concurrency", 1, MAX_CONCURRENCY
    )
    return checked


# -- the listings -----------------------------------------------------------------------------------------------------


def _listed(items: Iterable[Any], key_of: Callable[[dict[str, Any]], Any], what: str, path: str) -> dict[str, dict[str, Any]]:
    """{key: item} of a listing; UnexpectedAnswerError for an item without a usable key."""
    found = {}
    for item in items:
        key = key_of(item) if isinstance(item, dict) else None
        if not isinstance(key, str) or not key:
            raise unexpected("GET", path, "answered a %s without a %s" % (what, "slug" if what == "repository" else "key"))
        found.setdefault(key, item)
    return found


def _repository_slug(item: dict[str, Any]) -> Any:
    slug = item.get("slug")
    if not slug and isinstance(item.get("full_name"), str) and "/" in item["full_name"]:
        slug = item["full_name"].split("/", 1)[1]
    return slug


def list_repositories(client: BitbucketClient, workspace: str) -> list[dict[str, Any]]:
    """Every repository of the workspace the credentials see (``GET /repositories/{ws}``, 100 per request), sorted by
    slug: [{"slug", "name", "project"}] (``project``: its key)."""
    path = "/repositories/%s" % validate.path_segment(workspace)
    shown = client.transport.shown_path(path)
    listed = _listed(iter_bitbucket_values(client.transport, path, pagelen=client.pagelen), _repository_slug, "repository", shown)
    return [
        {"slug": slug, "name": item.get("name"), "project": (item.get("project") or {}).get("key")}
        for slug, item in sorted(listed.items())
    ]


def list_projects(client: BitbucketClient, workspace: str) -> list[dict[str, Any]]:
    """Every project of the workspace (``GET /workspaces/{ws}/projects``, 100 per request), sorted by key:
    [{"key", "name"}]."""
    shown = client.transport.shown_path("/workspaces/%s/projects" % validate.path_segment(workspace))
    listed = _listed(client.iter_projects(workspace), lambda item: item.get("key"), "project", shown)
    return [{"key": key, "name": item.get("name")} for key, item in sorted(listed.items())]


OWNER_QUERY = 'permission = "owner"'  # the filter the spec states on GET /workspaces/{ws}/permissions


def list_owners(client: BitbucketClient, workspace: str) -> list[dict[str, Any]]:
    """The workspace's owner(s) (``GET /workspaces/{ws}/permissions?q=permission = "owner"``, one request, every answer
    checked against the filter): [{"account_id", "display_name"}], sorted."""
    path = client.transport.shown_path("/workspaces/%s/permissions" % validate.path_segment(workspace))
    listed = check_filtered(
        list(client.iter_workspace_permissions(workspace, q=OWNER_QUERY)),
        {"owner"},
        lambda m: m.get("permission") if isinstance(m, dict) else None,
        "permission",
        "GET",
        path,
    )
    owners = {}
    for membership in listed:
        user = membership.get("user") or {}
        if user.get("account_id"):
            owners[user["account_id"]] = {"account_id": user["account_id"], "display_name": user.get("display_name")}
    return [owners[key] for key in sorted(owners)]


# -- the permission lists -----------------------------------------------------------------------------------------------


def _user_entry(key: str, entry: dict[str, Any]) -> dict[str, Any]:
    user = entry["subject"]
    return {
        "account_id": user.get("account_id") or key,
        "display_name": user.get("display_name"),
        "nickname": user.get("nickname"),
        "permission": entry["permission"],
    }


def _group_entry(key: str, entry: dict[str, Any]) -> dict[str, Any]:
    group = entry["subject"]
    return {"slug": group.get("slug") or key, "name": group.get("name"), "permission": entry["permission"]}


def _about(scope: Scope, workspace: str, target: str) -> str:
    return "%s %s/%s" % (scope.name, workspace, target)


def explain(err: AtlassianError, scope: Scope, workspace: str, target: str) -> AtlassianError:
    """A 404 names the target that does not exist, a 403 the rights its permission lists need; others unchanged."""
    if isinstance(err, NotFoundError):
        message = "%s does not exist (or the credentials cannot see it): %s" % (_about(scope, workspace, target), err.message)
    elif isinstance(err, ForbiddenError):
        message = (
            "Reading the explicit permissions of %s needs admin rights on it (a workspace admin can read every "
            "repository and project): %s" % (_about(scope, workspace, target), err.message)
        )
    else:
        return err
    return type(err)(message, method=err.method, path=err.path, status=err.status, api_message=err.api_message)


def read_target(worker: BitbucketClient, scope: Scope, subject: Subject, workspace: str, target: str) -> list[dict[str, Any]]:
    """The explicit permissions of one target for one subject kind (one request per 100 entries), sorted by their
    key (account id, group slug)."""
    try:
        listed = worker.list_permissions(scope, subject, workspace, target)
    except AtlassianError as err:
        raise explain(err, scope, workspace, target) from None
    shape = _user_entry if subject is USER else _group_entry
    entries = [shape(key, entry) for key, entry in listed.items()]
    sort_key = "account_id" if subject is USER else "slug"
    return sorted(entries, key=lambda e: str(e[sort_key]))


def _warn_if_over_budget(client: BitbucketClient, what: str, estimate: int) -> None:
    budget = getattr(client.stats, "budget", None)
    message = budget.shortfall_warning(estimate, what) if budget is not None else None
    if message and client.transport.warn is not None:
        client.transport.warn(message)


class _Missing:
    """The answer of a named target that does not exist, with ``missing=report``."""


MISSING = _Missing()


def run_permission_info(client: BitbucketClient, params: dict[str, Any]) -> dict[str, Any]:
    """``{"repositories": [...], "projects": [...], "missing": {"repositories": [...], "projects": [...]}}``: each
    target with its explicit ``users`` and ``groups`` (only the kinds of ``subjects``). Raises AtlassianError on the
    first list that cannot be read (the others are then not attempted), except, with ``missing=report``, a named
    target that does not exist (404): it is left out and listed in ``missing``."""
    opts = validate_params(params)
    workspace = opts["workspace"]
    targets: dict[str, list[dict[str, Any]]] = {"repositories": [], "projects": []}
    if "repositories" in opts["include"]:
        named = opts["repositories"]
        if named is None:
            targets["repositories"] = list_repositories(client, workspace)
        else:
            targets["repositories"] = [{"slug": slug, "name": None, "project": None} for slug in named]
    if "projects" in opts["include"]:
        named = opts["projects"]
        if named is None:
            targets["projects"] = list_projects(client, workspace)
        else:
            targets["projects"] = [{"key": key, "name": None} for key in named]
    reads = [
        (kind, index, subject_kind)
        for kind in INCLUDE
        for index in range(len(targets[kind]))
        for subject_kind in opts["subjects"]
    ]
    count = len(targets["repositories"]) + len(targets["projects"])
    _warn_if_over_budget(client, "This task (%d repositories and projects)" % count, len(reads))
    with WorkerPool(client, opts["concurrency"]) as pool:

        def read(worker: BitbucketClient, item: tuple[str, int, str]) -> list[dict[str, Any]] | AtlassianError:
            kind, index, subject_kind = item
            target = targets[kind][index]
            try:
                return read_target(
                    worker, _SCOPES[kind], _SUBJECTS[subject_kind], workspace, target["slug" if kind == "repositories" else "key"]
                )
            except NotFoundError as err:
                if opts["missing"] == "report" and opts[kind] is not None:
                    return MISSING  # a named target that does not exist: reported, the others are read
                pool.stop(err)
                return err
            except AtlassianError as err:
                pool.stop(err)  # the task fails: the lists not started yet are not read
                return err

        answers = pool.map(read, reads, skipped=lambda item, err: None)
    errors = [answer for answer in answers if isinstance(answer, AtlassianError)]
    if errors:
        raise errors[0]
    gone: dict[str, set[int]] = {"repositories": set(), "projects": set()}
    for position, (kind, index, subject_kind) in enumerate(reads):
        if answers[position] is MISSING:
            gone[kind].add(index)
        else:
            targets[kind][index][subject_kind] = answers[position]
    key = {"repositories": "slug", "projects": "key"}
    result: dict[str, Any] = {"missing": {}, "owners": list_owners(client, workspace) if opts["include_owner"] else None}
    for kind in INCLUDE:
        result[kind] = [target for index, target in enumerate(targets[kind]) if index not in gone[kind]]
        result["missing"][kind] = [targets[kind][index][key[kind]] for index in sorted(gone[kind])]
    return result
