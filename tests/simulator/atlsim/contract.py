# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the simulator's answers against the official OpenAPI documents, with openapi-core.

The simulator serves the Bitbucket API under ``/2.0`` and SCIM under ``/scim/directory/{id}``;
the specs declare ``https://api.bitbucket.org/2.0`` and ``https://api.atlassian.com/``. A request
is therefore presented to openapi-core with the spec's host and the simulator's path, which then
resolve to the same server and path template.

Every departure from a strict validation is a named entry of :data:`SPEC_QUIRKS`, applied where the
spec itself is wrong or silent; nothing else is relaxed.
"""

from __future__ import annotations

import copy
import json
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
}

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
        config = Config(extra_media_type_deserializers={"application/scim+json": json_loads})
        self.api = OpenAPI.from_dict(spec, config=config)
        self.error_schema = spec["components"]["schemas"][error_schema]
        self.error_schema_name = error_schema

    @classmethod
    def bitbucket(cls, directory: Path) -> SpecContract:
        return cls(_load(directory / BITBUCKET_SPEC), BITBUCKET_HOST, "error")

    @classmethod
    def scim(cls, directory: Path) -> SpecContract:
        spec = _load(directory / SCIM_SPEC)
        spec["components"]["schemas"]["ScimMetadata"]["properties"]["resourceType"].pop("enum")  # SCIM_META_RESOURCE_TYPE_ENUM
        return cls(spec, SCIM_HOST, "ScimError")

    def check(self, method: str, path: str, query: str, request_headers: Mapping[str, str], request_body: bytes | None,
              status: int, response_headers: Headers, data: bytes | None) -> str:
        """Validate one exchange; return how it was checked ('operation', 'error schema', a quirk name).

        :raises ContractViolation: with the path, the status and every validation error.
        """
        request = SpecRequest(self.host_url, path, method, query, request_headers, request_body,
                              request_headers.get("Content-Type", "application/json"))
        content_type = (response_headers.get("Content-Type") or "").split(";")[0].strip().lower()
        response = SpecResponse(status, data if data else None, content_type or "application/octet-stream",
                                response_headers)
        where = f"{method.upper()} {path}{'?' + query if query else ''} -> {status}"
        if self.host_url == BITBUCKET_HOST and status == 200 and path.rstrip("/").endswith("/2.0/user/emails"):
            self._check_schema(USER_EMAILS_PAGE_SCHEMA, data, where, "BB_USER_EMAILS_NO_200")
            return "BB_USER_EMAILS_NO_200"
        try:
            self.api.validate_response(request, response)
        except ResponseNotFound:
            if status < 400:
                raise ContractViolation(f"{where}: the spec declares no {status} answer for this operation") from None
            # The spec does not list this error status for the operation: the body must still be an API error.
            self._check_schema(self.error_schema, data, where, f"undeclared {status}: {self.error_schema_name} schema")
            return "error schema"
        except Exception as exc:  # openapi-core raises a family of exceptions; report them all the same way
            raise ContractViolation(f"{where}\n{describe_errors(exc)}") from None  # the message holds every error
        return "operation"

    def _check_schema(self, schema: dict[str, Any], data: bytes | None, where: str, how: str) -> None:
        try:
            body = json.loads(data or b"")
        except ValueError as exc:
            raise ContractViolation(f"{where} ({how}): body is not JSON: {data[:200]!r}") from exc
        validator = OAS30Validator(schema)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            details = "\n".join(f"  at {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors)
            raise ContractViolation(f"{where} ({how})\n{details}")


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return copy.deepcopy(json.load(handle))
