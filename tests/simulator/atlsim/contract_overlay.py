# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The strictness overlay: the ``required`` lists the documented behaviour implies and the specs leave out
(:data:`STRICTNESS_OVERLAY`), and :func:`apply_overlay`, which adds them to a parsed spec (see :mod:`atlsim.contract`).
"""

from __future__ import annotations

from typing import Any

ATLASSIAN_EXTENSION = "urn:scim:schemas:extension:atlassian-external:1.0"

# Where the spec is stricter in fact than on paper: entry -> (kind, schema, attributes an answer must carry, why).
# "paginated_*" stands for every paginated list of the Bitbucket spec; "schema/property" names the schema of one
# property; "GET /path" the schema of the operation's 200 JSON answer. Kind "atlassian" entries only apply to a contract built for Atlassian's own SCIM service
# (``SpecContract.scim(..., atlassian=True)``), not to a plain RFC 7644 server.
STRICTNESS_OVERLAY = {
    "BB_PAGE_VALUES": (
        "bitbucket",
        "paginated_*",
        ("values",),
        "narrative_pagination: only `values` and `next` are guaranteed in a page; `values` always is",
    ),
    "BB_USER_IDENTITY": (
        "bitbucket",
        "user",
        ("type", "account_id", "uuid", "display_name"),
        "a user is known by its account_id and uuid, and every answer names it",
    ),
    "BB_ACCOUNT_IDENTITY": (
        "bitbucket",
        "account",
        ("type", "uuid", "display_name"),
        "any account (a repository owner is a workspace-like account without account_id)",
    ),
    "BB_CURRENT_USER": (
        "bitbucket",
        "GET /user",
        ("account_id",),
        "the spec answers an `account`; the authenticated caller is a user, known by its account_id",
    ),
    "BB_SELECTED_USER": (
        "bitbucket",
        "GET /users/{selected_user}",
        ("account_id",),
        "the spec answers an `account`; /users/{selected_user} finds users only",
    ),
    "BB_MEMBERSHIP": ("bitbucket", "workspace_membership", ("user", "workspace"), "a membership links a user to a workspace"),
    "BB_MEMBERSHIP_USER": (
        "bitbucket",
        "workspace_membership/user",
        ("account_id",),
        "the member (declared an `account`) is a user, known by its account_id",
    ),
    "BB_REPOSITORY_USER_PERMISSION": (
        "bitbucket",
        "repository_user_permission",
        ("permission", "user"),
        "an explicit permission names its level and its user (the spec's example, like "
        "Bitbucket, leaves `repository` out of permissions-config answers)",
    ),
    "BB_REPOSITORY_GROUP_PERMISSION": (
        "bitbucket",
        "repository_group_permission",
        ("permission", "group"),
        "an explicit permission names its level and its group (no `repository`, as above)",
    ),
    "BB_REPOSITORY_PERMISSION": (
        "bitbucket",
        "repository_permission",
        ("permission", "user", "repository"),
        "an effective permission names its level, its user and its repository",
    ),
    "BB_PROJECT": (
        "bitbucket",
        "project",
        ("type", "key", "uuid", "name"),
        "a project is known by its key (the path parameter) and its uuid, and every answer names it",
    ),
    "BB_PROJECT_USER_PERMISSION": (
        "bitbucket",
        "project_user_permission",
        ("permission", "user"),
        "an explicit project permission names its level and its user (the spec's examples leave `project` out)",
    ),
    "BB_PROJECT_GROUP_PERMISSION": (
        "bitbucket",
        "project_group_permission",
        ("permission", "group"),
        "an explicit project permission names its level and its group (no `project`)",
    ),
    "BB_GROUP_SLUG": (
        "bitbucket",
        "group",
        ("slug",),
        "a group in a permission is known by its slug (the path parameter of permissions-config)",
    ),
    "SCIM_USER_IDENTITY": (
        "scim",
        "ScimUser",
        ("id", "userName", "meta", "schemas"),
        "RFC 7643: id and schemas are always returned, userName and meta by default",
    ),
    "SCIM_ATLASSIAN_ACCOUNT": (
        "atlassian",
        "ScimUser",
        (ATLASSIAN_EXTENSION,),
        "Atlassian links every directory user to an Atlassian account",
    ),
    "SCIM_ATLASSIAN_ACCOUNT_ID": (
        "atlassian",
        "ExternalAtlassianScimExtension",
        ("atlassianAccountId",),
        "the extension exists to carry the account id",
    ),
    # the organization Admin API: what the collection reads in every answer (the spec marks only search `data` required)
    "ADMIN_USER": (
        "admin",
        "MultiDirectoryUser",
        ("accountId", "email", "status", "accountStatus", "membershipStatus"),
        "a directory user is known by its account id and email, and every answer tells its statuses",
    ),
    "ADMIN_USER_DETAILS": ("admin", "MultiDirectoryUserDetails", ("data",), "GET user details wraps the user in `data`"),
    "ADMIN_USER_DETAILS_DATA": (
        "admin",
        "MultiDirectoryUserDetailsData",
        ("accountId", "email", "status", "accountStatus", "membershipStatus"),
        "as ADMIN_USER",
    ),
    "ADMIN_USER_GROUP": ("admin", "MultiDirectoryUserGroup", ("id",), "an expanded group of a user is known by its id"),
    "ADMIN_GROUP": (
        "admin",
        "MultiDirectoryGroup",
        ("id", "name", "directoryId", "managementAccess"),
        "a group is known by its id and name, lives in one directory (where its writes go) and tells whether it may be modified",
    ),
    "ADMIN_GROUP_DETAILS": ("admin", "MultiDirectoryGroupDetails", ("data",), "GET group wraps the group in `data`"),
    "ADMIN_GROUP_DETAILS_DATA": (
        "admin",
        "MultiDirectoryGroupDetails/data",
        ("id", "name", "directoryId", "managementAccess"),
        "as ADMIN_GROUP",
    ),
    "ADMIN_DIRECTORY": ("admin", "MultiDirectoryUserDirectory", ("directoryId", "name"), "a directory is known by its id"),
    "ADMIN_DIRECTORY_PAGE": ("admin", "MultiDirectoryUserDirectoryPage", ("data",), "a page always holds its `data` list"),
    "ADMIN_USER_ROLES_PAGE": ("admin", "MultiDirectoryUserRoleAssignmentPage", ("data",), "as ADMIN_DIRECTORY_PAGE"),
    "ADMIN_GROUP_ROLES_PAGE": ("admin", "MultiDirectoryGroupRoleAssignmentPage", ("data",), "as ADMIN_DIRECTORY_PAGE"),
    "ADMIN_WORKSPACES_PAGE": ("admin", "PageDataResponseV2", ("data",), "as ADMIN_DIRECTORY_PAGE"),
    "ADMIN_USER_ROLE_ASSIGNMENT": (
        "admin",
        "MultiDirectoryUserRoleAssignment",
        ("resourceId", "roleAssignments"),
        "a role assignment names its resource and the roles held on it",
    ),
    "ADMIN_ROLE_ASSIGNMENT": (
        "admin",
        "MultiDirectoryRoleAssignment",
        ("role", "roleAssignmentMethods"),
        "a role held says how it is held (direct, group_direct, inferred)",
    ),
    "ADMIN_GROUP_ROLE_ASSIGNMENT": (
        "admin",
        "MultiDirectoryGroupRoleAssignment",
        ("resourceId", "roles"),
        "a group's role assignment names its resource and roles",
    ),
    "ADMIN_WORKSPACE": ("admin", "WorkspaceModel", ("id", "type", "attributes"), "a workspace (resource) is known by its id"),
    "ADMIN_WORKSPACE_ATTRIBUTES": (
        "admin",
        "WorkspaceModel/attributes",
        ("name", "typeKey"),
        "its name and product (typeKey) are what a resource is looked up by",
    ),
    "ADMIN_INVITE_ANSWER": (
        "admin",
        "MultidirectoryInviteSuccessResponse",
        ("data",),
        "an invitation answers one entry per email",
    ),
    "ADMIN_INVITE_RESULT": (
        "admin",
        "AdminInviteResponse",
        ("email", "results"),
        "each entry names its email and the group and role results of the invitation",
    ),
    "ADMIN_ERRORS": ("admin", "Errors", ("errors",), "an error answer lists its errors"),
    "ADMIN_ERROR": ("admin", "Error", ("code", "status", "title"), "each error has its code, status and title"),
    "ADMIN_API_ERRORS": ("admin", "ApiErrorResponse", ("errors",), "as ADMIN_ERRORS (the invitation's errors)"),
    "ADMIN_API_ERROR": ("admin", "ApiError", ("code", "status", "title"), "as ADMIN_ERROR; its codes are listed"),
    "ADMIN_APPLICATION_ERROR": (
        "admin",
        "ApplicationError",
        ("code", "status", "title"),
        "the workspaces operation's error body: one error, not a list",
    ),
    "ADMIN_PROXY_ERROR": ("admin", "ProxyError", ("code", "message"), "the gateway's error body (401, 429)"),
}
# Attributes the overlay requires although the spec declares them only on a derived schema.
UNDECLARED_ALLOWED = {  # declared on `user`, not on its base `account`
    ("workspace_membership/user", "account_id"),
    ("GET /user", "account_id"),
    ("GET /users/{selected_user}", "account_id"),
}
# RFC 7644 section 3.9: with ``attributes`` / ``excludedAttributes`` only the attributes returned "always" are sure.
SCIM_ALWAYS_RETURNED = ("id", "schemas")


def apply_overlay(spec: dict[str, Any], kinds: tuple[str, ...], only: tuple[str, ...] | None = None) -> list[str]:
    """Add the ``required`` lists of the :data:`STRICTNESS_OVERLAY` entries of these kinds; return the entry names.

    ``only`` keeps just these attributes of each list. A schema the overlay names must exist and declare (itself or
    through ``allOf``) every attribute it requires, so that a renamed schema or attribute cannot void the overlay.
    """
    schemas = spec["components"]["schemas"]
    applied = []
    for name, (kind, target, attributes, _why) in STRICTNESS_OVERLAY.items():
        if kind not in kinds:
            continue
        targets = [n for n in schemas if n.startswith("paginated_")] if target == "paginated_*" else [target]
        wanted = [a for a in attributes if only is None or a in only]
        for target_name in targets:
            schema = _overlay_target(spec, target_name)
            missing = [a for a in wanted if a not in _declared(schemas, schema) and (target_name, a) not in UNDECLARED_ALLOWED]
            if missing:
                raise ValueError(f"{name}: {target_name} declares no {missing}")
            for attribute in wanted:
                if (target_name, attribute) in UNDECLARED_ALLOWED:  # declare it (as `user` does) beside the requirement
                    schema.setdefault("properties", {}).setdefault(attribute, {"type": "string"})
            required = schema.setdefault("required", [])
            required.extend(a for a in wanted if a not in required)
        applied.append(name)
    return applied


def _overlay_target(spec: dict[str, Any], target: str) -> dict[str, Any]:
    """The schema ``target`` names; a ``$ref`` there is wrapped (``allOf``) so that it can take a ``required``."""
    if target.startswith("GET "):
        holder = spec["paths"][target[4:]]["get"]["responses"]["200"]["content"]["application/json"]
        return _wrapped(holder, "schema")
    schemas = spec["components"]["schemas"]
    schema_name, _slash, prop = target.partition("/")
    schema = schemas[schema_name]
    if not prop:
        return schema
    for part in [schema, *schema.get("allOf", [])]:
        if prop in (part.get("properties") or {}):
            return _wrapped(part["properties"], prop)
    raise ValueError(f"{target}: no such property")


def _wrapped(holder: dict[str, Any], key: str) -> dict[str, Any]:
    if "$ref" in holder[key]:
        holder[key] = {"allOf": [holder[key]]}  # OpenAPI 3.0 ignores the siblings of a $ref
    return holder[key]


def _declared(schemas: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    """The property names a schema declares, following ``allOf`` and ``$ref``."""
    if "$ref" in schema:
        return _declared(schemas, schemas[schema["$ref"].rsplit("/", 1)[-1]])
    names = set(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        names |= _declared(schemas, part)
    return names
