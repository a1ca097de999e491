# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the official documents cannot be used as is (:data:`SPEC_QUIRKS`), the rules the Admin spec states in words only
(:data:`ADMIN_REQUEST_RULES`, and :func:`breaks_rule`), and the schema that stands in for the missing one of
``GET /user/emails``. Applied by :class:`atlsim.contract.SpecContract`, each quirk in exactly one place.
"""

from __future__ import annotations

from typing import Any

# Where the spec cannot be used as is, and why. Each quirk is applied in exactly one place (atlsim.contract).
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


def breaks_rule(rule: str, body: Any) -> bool:
    """Whether a request body breaks the worded rule ``rule`` of :data:`ADMIN_REQUEST_RULES`."""
    if not isinstance(body, dict):
        return False
    if rule == "ADMIN_WORKSPACES_CURSOR_ALONE":
        return body.get("cursor") is not None and len(body) > 1
    if rule == "ADMIN_USERS_EMAILS_OR_TERM":
        return "emails" in body and "searchTerm" in body
    return "groupNames" in body and ("searchTerm" in body or "groupIds" in body)  # ADMIN_GROUPS_NAMES_EXCLUSIVE
