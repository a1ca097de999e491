# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the simulator's answers against the official OpenAPI documents, with openapi-core.

The simulator serves the Bitbucket API under ``/2.0``, SCIM under ``/scim/directory/{id}`` and the organization
Admin API under ``/admin``; the specs declare ``https://api.bitbucket.org/2.0``, ``https://api.atlassian.com/`` and
``https://api.atlassian.com/admin``. A request is therefore presented to openapi-core with the spec's host and the
simulator's path, which then resolve to the same server and path template.

Every departure from a strict validation is a named entry of :data:`SPEC_QUIRKS` (:mod:`atlsim.contract_quirks`),
applied where the spec itself is wrong or silent; nothing else is relaxed.

The specs mark few attributes required (a Bitbucket membership ``{"type": "workspace_membership"}`` or a
SCIM user without ``id`` would pass), so a contract check alone could pass on an empty shape. The named
entries of :data:`STRICTNESS_OVERLAY` (:mod:`atlsim.contract_overlay`) add the ``required`` lists the documented
behaviour implies; each is applied to the schema it names, on top of what the spec requires.
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

# The quirks, the worded rules and the overlay are kept in their own modules; re-exported here, where they are named.
from .contract_overlay import ATLASSIAN_EXTENSION  # noqa: F401  pylint: disable=unused-import
from .contract_overlay import SCIM_ALWAYS_RETURNED, apply_overlay
from .contract_overlay import STRICTNESS_OVERLAY  # noqa: F401  pylint: disable=unused-import
from .contract_quirks import ADMIN_REQUEST_RULES, USER_EMAILS_PAGE_SCHEMA, breaks_rule
from .contract_quirks import SPEC_QUIRKS  # noqa: F401  pylint: disable=unused-import

BITBUCKET_SPEC = "bitbucket-cloud-swagger.v3.json"
SCIM_SPEC = "atlassian-user-provisioning-scim.2022-08-29.json"
BITBUCKET_HOST = "https://api.bitbucket.org"
SCIM_HOST = "https://api.atlassian.com"
ADMIN_SPEC = "atlassian-admin-organization.swagger.v3.2026-08-21.json"
ADMIN_HOST = "https://api.atlassian.com"  # the spec's server is https://api.atlassian.com/admin: the simulator's /admin


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
            if rule_method == method.lower() and rule_template == template and breaks_rule(name, data)
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


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return copy.deepcopy(json.load(handle))
