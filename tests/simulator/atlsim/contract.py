# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the simulator's answers against the official OpenAPI documents, with openapi-core.

The simulator serves the Bitbucket API under ``/2.0``, SCIM under ``/scim/directory/{id}`` and the organization
Admin API under ``/admin``; the specs declare ``https://api.bitbucket.org/2.0``, ``https://api.atlassian.com/`` and
``https://api.atlassian.com/admin``. A request is therefore presented to openapi-core with the spec's host and the
simulator's path, which then resolve to the same server and path template.

Every departure from a strict validation is a named entry of :data:`SPEC_QUIRKS`, applied where the
spec itself is wrong or silent; nothing else is relaxed.

The specs mark few attributes required (a Bitbucket membership ``{"type": "workspace_membership"}`` or a
SCIM user without ``id`` would pass), so a contract check alone could pass on an empty shape. The named
entries of :data:`STRICTNESS_OVERLAY` add the ``required`` lists the documented behaviour implies; each is
applied to the schema it names, on top of what the spec requires.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from openapi_core import Config
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.util import json_loads
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_schema_validator import OAS30Validator
from werkzeug.datastructures import Headers
from werkzeug.datastructures import ImmutableMultiDict

BITBUCKET_SPEC = "bitbucket-cloud-swagger.v3.json"
SCIM_SPEC = "atlassian-user-provisioning-scim.2022-08-29.json"
BITBUCKET_HOST = "https://api.bitbucket.org"
SCIM_HOST = "https://api.atlassian.com"
ADMIN_SPEC = "atlassian-admin-organization.swagger.v3.2026-08-21.json"
ADMIN_HOST = "https://api.atlassian.com"  # the spec's server is https://api.atlassian.com/admin: the simulator's /admin
ATLASSIAN_EXTENSION = "urn:scim:schemas:extension:atlassian-external:1.0"

# Where the spec cannot be used as is, and why. Each quirk is applied in exactly one place below.
SPEC_QUIRKS = {
    "BB_USER_EMAILS_NO_200": (
        "GET /user/emails declares only a `default` response with the `error` schema and no email schema at all; "
        "a 200 page is checked against the paginated envelope of the other list endpoints with Bitbucket's documented "
        "email object (type 'email', email, is_primary, is_confirmed) instead."
    ),
    "SCIM_META_RESOURCE_TYPE_ENUM": (
        "ScimMetadata.resourceType is declared as enum USER/GROUP/DIRECTORY (a Java enum leaking into the spec), while "
        "RFC 7643 section 3.1 and the service itself use the resource type name 'User' / 'Group'; the enum is dropped, "
        "the attribute stays a string."
    ),
    "SCIM_PROJECTION": (
        "An answer to a request with `attributes` or `excludedAttributes` holds only what was asked plus what is "
        "returned always (RFC 7644 section 3.9): SCIM_USER_IDENTITY then requires only id and schemas."
    ),
    "ADMIN_GROUP_COUNTS_TYPE": (
        'MultiDirectoryGroupDetails.data.counts declares `"type": "GroupCounts"` beside its `$ref` (a schema name '
        "where a JSON type belongs: the document fails OpenAPI validation); the stray `type` is dropped, the `$ref` stays."
    ),
    "ADMIN_USER_DETAILS_TEMPLATE": (
        "GET user details is filed under `.../users/{userId}` but names its path parameter `accountId`, and "
        "`.../users/{userId}` and `.../users/{accountId}` are the same templated path (OpenAPI forbids both); the GET "
        "joins `.../users/{accountId}`, the name its parameter has."
    ),
    "ADMIN_INVITE_EMAILS_BOUNDS": (
        "MultidirectoryInviteApiRequest.emails bounds the array with `minimum: 1` / `maximum: 25`, number keywords that "
        "do not apply to an array (no validator enforces them); they are read as `minItems: 1` / `maxItems: 25`."
    ),
    "ADMIN_NULLABLE_ENUM": (
        "MultiDirectoryUser.managementSource and MultiDirectoryUserDetailsData.managementSource are `nullable` with an "
        "`enum` of invited / synced that leaves null out (OpenAPI 3.0.3: an enum must list null to allow it), while "
        "the spec's own words make null the value of an account neither invited nor synced; null joins the enum."
    ),
    "ADMIN_V1_USER_ID_UUID": (
        "The v1 user role operations declare the path parameter `userId` (and, on role-assignments, `orgId`) as "
        "`format: uuid`, but account ids are opaque (`557058:...`, `712020:...`) and org ids are not always UUIDs; the "
        "format is dropped, the parameter stays a string."
    ),
    "ADMIN_BODYLESS_ANSWERS": (
        "The membership, suspend, restore and remove operations declare every status with a description and no body: "
        "a success answer must then be empty, and an error answer is checked against `Errors`, the error shape every "
        "other v2 directory operation declares."
    ),
}

# Rules the Admin spec states in words (descriptions), not in its schemas: rule -> (method, template, the spec's words).
# Checked on requests (:meth:`SpecContract.check_request`), so a client, or a test, sending such a body is caught.
ADMIN_REQUEST_RULES = {
    "ADMIN_WORKSPACES_CURSOR_ALONE": (
        "post",
        "/v2/orgs/{orgId}/workspaces",
        'SearchWorkspacesRequestV2.cursor: "When a cursor is provided in the request body, no other properties may be present."',
    ),
    "ADMIN_USERS_EMAILS_OR_TERM": (
        "post",
        "/v2/orgs/{orgId}/directories/{directoryId}/users/search",
        'emails: "Mutually exclusive with `searchTerm`"',
    ),
    "ADMIN_GROUPS_NAMES_EXCLUSIVE": (
        "post",
        "/v2/orgs/{orgId}/directories/{directoryId}/groups/search",
        'groupNames: "Mutually exclusive with `searchTerm` and `groupIds`"',
    ),
}

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

USER_EMAILS_PAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "size": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "pagelen": {"type": "integer", "minimum": 1},
        "next": {"type": "string", "format": "uri"},
        "previous": {"type": "string", "format": "uri"},
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["email"]},
                    "email": {"type": "string"},
                    "is_primary": {"type": "boolean"},
                    "is_confirmed": {"type": "boolean"},
                    "links": {"type": "object"},
                },
                "required": ["type", "email", "is_primary", "is_confirmed"],
            },
        },
    },
    "required": ["values"],
    "additionalProperties": False,
}


def reference_dir(repo_root: Path) -> Path:
    """``<repo>/../shared/reference``, where the official specs are kept (absent in a user's clone)."""
    return repo_root.resolve().parent / "shared" / "reference"


@dataclass
class SpecRequest:
    """An openapi-core Request built from what was sent to the simulator."""

    host_url: str
    path: str
    method: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str = "application/json"
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        self.method = self.method.lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(self.query, keep_blank_values=True)),
            header=Headers(dict(self.headers)),
            cookie=ImmutableMultiDict(),
        )


@dataclass
class SpecResponse:
    """An openapi-core Response built from what the simulator answered."""

    status_code: int
    data: bytes | None
    content_type: str
    headers: Headers


class ContractViolation(AssertionError):
    """A simulator answer the spec rejects: names the request, the status and the validation errors."""


def describe_errors(exc: BaseException) -> str:
    """Flatten openapi-core's nested exceptions into readable lines (JSON path: message)."""
    lines = [f"{type(exc).__name__}: {_short(exc)}"]
    cause = exc.__cause__
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            for err in schema_errors:
                where = "/".join(str(p) for p in getattr(err, "absolute_path", [])) or "<root>"
                lines.append(f"  at {where}: {_short(getattr(err, 'message', err))}")
        else:
            lines.append(f"  caused by {type(cause).__name__}: {_short(cause)}")
        cause = cause.__cause__
    return "\n".join(lines)


def _short(value: object, limit: int = 400) -> str:
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


class SpecContract:
    """One parsed spec, and the checks of (request, response) pairs against it."""

    def __init__(self, spec: dict[str, Any], host_url: str, error_schema: str) -> None:
        self.spec = spec
        self.host_url = host_url
        # SCIM answers are application/scim+json, a JSON media type openapi-core does not know by default.
        self.config = Config(extra_media_type_deserializers={"application/scim+json": json_loads})
        self.api = OpenAPI.from_dict(spec, config=self.config)
        self.projected_api: OpenAPI | None = None
        self.error_schema = spec["components"]["schemas"][error_schema]
        self.error_schema_name = error_schema
        self.prefix = ""  # the path prefix of the spec's server (Admin: /admin), for the templates of the spec's paths
        self.templates: list[tuple[re.Pattern, str]] = []

    @classmethod
    def bitbucket(cls, directory: Path) -> SpecContract:
        spec = _load(directory / BITBUCKET_SPEC)
        apply_overlay(spec, ("bitbucket",))
        return cls(spec, BITBUCKET_HOST, "error")

    @classmethod
    def scim(cls, directory: Path, atlassian: bool = True) -> SpecContract:
        """The SCIM contract; ``atlassian`` adds the Atlassian-only requirements (the account link)."""
        spec = _load(directory / SCIM_SPEC)
        spec["components"]["schemas"]["ScimMetadata"]["properties"]["resourceType"].pop("enum")  # SCIM_META_RESOURCE_TYPE_ENUM
        projected = copy.deepcopy(spec)
        apply_overlay(spec, ("scim", "atlassian") if atlassian else ("scim",))
        apply_overlay(projected, ("scim",), only=SCIM_ALWAYS_RETURNED)  # SCIM_PROJECTION
        contract = cls(spec, SCIM_HOST, "ScimError")
        contract.projected_api = OpenAPI.from_dict(projected, config=contract.config)
        return contract

    @classmethod
    def admin(cls, directory: Path) -> SpecContract:
        """The organization Admin API contract (v2 directories, users, groups, invite, workspaces)."""
        spec = _load(directory / ADMIN_SPEC)
        spec.pop("_meta", None)  # the mirror's provenance key, not Atlassian's text (see the spec's sibling .md)
        schemas, paths = spec["components"]["schemas"], spec["paths"]
        schemas["MultiDirectoryGroupDetails"]["properties"]["data"]["properties"]["counts"].pop("type")  # ADMIN_GROUP_COUNTS_TYPE
        details = paths.pop("/v2/orgs/{orgId}/directories/{directoryId}/users/{userId}")  # ADMIN_USER_DETAILS_TEMPLATE
        paths["/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}"].update(details)
        emails = schemas["MultidirectoryInviteApiRequest"]["properties"]["emails"]  # ADMIN_INVITE_EMAILS_BOUNDS
        emails["minItems"], emails["maxItems"] = emails.pop("minimum"), emails.pop("maximum")
        for name in ("MultiDirectoryUser", "MultiDirectoryUserDetailsData"):  # ADMIN_NULLABLE_ENUM
            schemas[name]["properties"]["managementSource"]["enum"].append(None)
        for template, item in paths.items():  # ADMIN_V1_USER_ID_UUID
            for operation in (op for op in item.values() if template.startswith("/v1/") and isinstance(op, dict)):
                for parameter in operation.get("parameters") or ():
                    if parameter.get("in") == "path" and parameter.get("schema", {}).get("format") == "uuid":
                        parameter["schema"].pop("format")
        apply_overlay(spec, ("admin",))
        contract = cls(spec, ADMIN_HOST, "Errors")
        contract.prefix = "/admin"
        for template in sorted(paths, key=lambda t: [part.startswith("{") for part in t.split("/")]):  # literals first
            contract.templates.append(
                (re.compile("^/admin" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)) + "$"), template)
            )
        return contract

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        """(template, operation) of the spec that a simulator path and method stand for (Admin API), or None."""
        for regex, template in self.templates:
            operation = self.spec["paths"][template].get(method.lower())
            if operation is not None and regex.match(path):
                return template, operation
        return None

    def check_request(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes | None) -> str:
        """Validate a request (path, query, body, security) and the spec's worded rules; return the operation's template.

        :raises ContractViolation: with every validation error.
        """
        where = f"{method.upper()} {path}{'?' + query if query else ''} (request)"
        request = SpecRequest(
            self.host_url, path, method, query, headers, body or None, headers.get("Content-Type", "application/json")
        )
        try:
            self.api.validate_request(request)
        except Exception as exc:  # openapi-core raises a family of exceptions; report them all the same way
            raise ContractViolation(f"{where}\n{describe_errors(exc)}") from None
        found = self.operation(method, path)
        template = found[0] if found else path
        data = json.loads(body) if body else None
        broken = [
            f"{name}: {words}"
            for name, (rule_method, rule_template, words) in ADMIN_REQUEST_RULES.items()
            if rule_method == method.lower() and rule_template == template and _breaks(name, data)
        ]
        if broken:
            raise ContractViolation(f"{where}\n" + "\n".join(broken))
        return template

    def check(
        self,
        method: str,
        path: str,
        query: str,
        request_headers: Mapping[str, str],
        request_body: bytes | None,
        status: int,
        response_headers: Headers,
        data: bytes | None,
    ) -> str:
        """Validate one exchange; return how it was checked ('operation', 'error schema', a quirk name).

        :raises ContractViolation: with the path, the status and every validation error.
        """
        request = SpecRequest(
            self.host_url,
            path,
            method,
            query,
            request_headers,
            request_body,
            request_headers.get("Content-Type", "application/json"),
        )
        content_type = (response_headers.get("Content-Type") or "").split(";")[0].strip().lower()
        response = SpecResponse(status, data if data else None, content_type or "application/octet-stream", response_headers)
        where = f"{method.upper()} {path}{'?' + query if query else ''} -> {status}"
        if self.host_url == BITBUCKET_HOST and status == 200 and path.rstrip("/").endswith("/2.0/user/emails"):
            self._check_schema(USER_EMAILS_PAGE_SCHEMA, data, where, "BB_USER_EMAILS_NO_200")
            return "BB_USER_EMAILS_NO_200"
        api = self.api
        if self.projected_api is not None and {"attributes", "excludedAttributes"} & set(request.parameters.query):
            api = self.projected_api  # SCIM_PROJECTION
        try:
            api.validate_response(request, response)
        except ResponseNotFound:
            if status < 400:
                raise ContractViolation(f"{where}: the spec declares no {status} answer for this operation") from None
            # The spec does not list this error status for the operation: the body must still be an API error (of the
            # operation's own error schema when it declares one: the Admin workspaces operation's is ApplicationError).
            name = self._operation_error_schema(method, path) or self.error_schema_name
            self._check_schema(self.spec["components"]["schemas"][name], data, where, f"undeclared {status}: {name} schema")
            return "error schema"
        except Exception as exc:  # openapi-core raises a family of exceptions; report them all the same way
            raise ContractViolation(f"{where}\n{describe_errors(exc)}") from None  # the message holds every error
        found = self.operation(method, path) if self.templates else None
        declared = found[1]["responses"].get(str(status)) if found else None
        if declared is not None and "content" not in declared and "$ref" not in declared:  # ADMIN_BODYLESS_ANSWERS
            if status < 400 and data:
                raise ContractViolation(f"{where} (ADMIN_BODYLESS_ANSWERS): a body where the spec declares none: {data[:200]!r}")
            if status >= 400:
                self._check_schema(self.error_schema, data, where, "ADMIN_BODYLESS_ANSWERS")
            return "ADMIN_BODYLESS_ANSWERS"
        return "operation"

    def _operation_error_schema(self, method: str, path: str) -> str | None:
        """The schema name of the operation's declared 400 (else 500) JSON answer (Admin API), or None."""
        found = self.operation(method, path) if self.templates else None
        for status in ("400", "500"):
            declared = found[1]["responses"].get(status) if found else None
            ref = ((declared or {}).get("content") or {}).get("application/json", {}).get("schema", {}).get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                return ref.rsplit("/", 1)[-1]
        return None

    def _check_schema(self, schema: dict[str, Any], data: bytes | None, where: str, how: str) -> None:
        try:
            body = json.loads(data or b"")
        except ValueError as exc:
            raise ContractViolation(f"{where} ({how}): body is not JSON: {data[:200]!r}") from exc
        validator = OAS30Validator(dict(schema, components=self.spec["components"]))  # its $refs resolve in the spec
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            details = "\n".join(f"  at {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors)
            raise ContractViolation(f"{where} ({how})\n{details}")


def _breaks(rule: str, body: Any) -> bool:
    """Whether a request body breaks the worded rule ``rule`` of :data:`ADMIN_REQUEST_RULES`."""
    if not isinstance(body, dict):
        return False
    if rule == "ADMIN_WORKSPACES_CURSOR_ALONE":
        return body.get("cursor") is not None and len(body) > 1
    if rule == "ADMIN_USERS_EMAILS_OR_TERM":
        return "emails" in body and "searchTerm" in body
    return "groupNames" in body and ("searchTerm" in body or "groupIds" in body)  # ADMIN_GROUPS_NAMES_EXCLUSIVE


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


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return copy.deepcopy(json.load(handle))
