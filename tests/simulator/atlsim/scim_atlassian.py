# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Atlassian flavour of the scim2-server SCIM service used by the simulator.

Nothing here implements SCIM itself: scim2-server does. This module only bends it to the
documented behaviour of Atlassian's user provisioning API:

- the ``urn:scim:schemas:extension:atlassian-external:1.0`` extension with the read-only
  ``atlassianAccountId``, filled by the server when a user is created;
- user searches accept only ``userName eq "..."`` and ``externalId eq "..."``;
- no bulk, no sorting, no ETags; at most 100 results a page (100 by default);
- PATCH answers 200 with the user (RFC 7644 also allows the 204 scim2-server sends);
- DELETE unlinks the Atlassian account (the user then answers 404);
- ``department`` and ``organization`` are writable *top-level* attributes of the user (POST, PUT, PATCH
  path ``department``), mirrored into the enterprise extension, which is read-only as a whole: what a
  client writes into it is ignored (RFC 7643 section 7: readOnly values sent by a client SHALL be ignored);
- POST and PUT require ``schemas`` (else 400 invalidSyntax) and ``emails`` with one primary address
  (else 400 invalidValue), as the specification says.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from typing import Annotated
from typing import Any
from wsgiref.util import application_uri

from scim2_models import URN
from scim2_models import Bulk
from scim2_models import ChangePassword
from scim2_models import Context
from scim2_models import EnterpriseUser
from scim2_models import ETag
from scim2_models import Extension
from scim2_models import Filter
from scim2_models import Group
from scim2_models import InvalidFilterException
from scim2_models import InvalidSyntaxException
from scim2_models import InvalidValueException
from scim2_models import Mutability
from scim2_models import Patch
from scim2_models import Resource
from scim2_models import ResourceType
from scim2_models import ScimProvider
from scim2_models import ServiceProviderConfig
from scim2_models import Sort
from scim2_models import UnauthorizedException
from scim2_models import User as CoreUser
from scim2_models.path.expressions import CompareOperator
from scim2_models.path.expressions import Comparison
from scim2_server.applications.wsgi import WSGIApplication
from scim2_server.handler import ScimHandler
from scim2_server.memory import InMemoryStorage
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME
from scim2_server.utils import load_default_resource_types
from scim2_server.utils import load_default_schemas
from scim2_server.utils import load_default_service_provider_config

ATLASSIAN_EXTENSION_URN = "urn:scim:schemas:extension:atlassian-external:1.0"
CORE_USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
FILTERABLE_USER_ATTRIBUTES = frozenset({f"{CORE_USER_URN}:userName", f"{CORE_USER_URN}:externalId"})
ATLASSIAN_PAGE_SIZE = 100
# Top-level attributes of Atlassian's ScimUser that the read-only enterprise extension repeats.
MIRRORED_ATTRIBUTES = ("department", "organization")


class AtlassianExternal(Extension):
    """The Atlassian extension of the SCIM User: the linked Atlassian account."""

    __schema__ = URN(ATLASSIAN_EXTENSION_URN)

    atlassian_account_id: Annotated[str | None, Mutability.read_only] = None
    """The id of the Atlassian account the directory user is linked to."""


class User(CoreUser):
    """User Account"""

    __schema__ = URN(CORE_USER_URN)

    department: str | None = None
    """User department (Atlassian ScimUser: top level, writable)."""

    organization: str | None = None
    """User organization (Atlassian ScimUser: top level, writable)."""


AtlassianUser = User[EnterpriseUser | AtlassianExternal]


def atlassian_provider() -> ScimProvider:
    """Describe the Atlassian flavoured service: Users (enterprise + Atlassian extensions) and Groups."""
    config = ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=ATLASSIAN_PAGE_SIZE),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[BEARER_TOKEN_SCHEME],
    )
    user_type = ResourceType.from_resource(AtlassianUser)
    user_type.description = "User Account"
    return ScimProvider(
        models=[User, EnterpriseUser, AtlassianExternal, Group],
        resource_types=[user_type, ResourceType.from_resource(Group)],
        config=config,
    )


def plain_provider() -> ScimProvider:
    """Describe scim2-server's own default service (RFC 7643 schemas), announcing bearer auth."""
    config = load_default_service_provider_config()
    config.authentication_schemes = [*(config.authentication_schemes or []), BEARER_TOKEN_SCHEME]
    return ScimProvider.from_discovery(load_default_schemas().values(), load_default_resource_types().values(), config=config)


def account_hints(resource: Resource[Any]) -> tuple[str | None, str | None, str | None]:
    """Return (email, display name, nickname) of a user: primary email, else first email, else userName."""
    emails = getattr(resource, "emails", None) or []
    primary = next((e.value for e in emails if e.primary and e.value), None)
    email = primary or next((e.value for e in emails if e.value), None) or getattr(resource, "user_name", None)
    display = getattr(resource, "display_name", None)
    name = getattr(resource, "name", None)
    if not display and name is not None:
        display = name.formatted or " ".join(p for p in (name.given_name, name.family_name) if p) or None
    return email, display, getattr(resource, "nick_name", None)


def mirror_enterprise(resource: Resource[Any], kept: EnterpriseUser | None = None) -> None:
    """Make the read-only enterprise extension of an Atlassian user repeat its top-level department and organization.

    ``kept`` is the extension the server holds (its other attributes stay); the extension is dropped when empty.
    """
    extension = kept.model_copy(deep=True) if kept is not None else EnterpriseUser()
    for attribute in MIRRORED_ATTRIBUTES:
        setattr(extension, attribute, getattr(resource, attribute, None))
    filled = any(value is not None for name, value in extension if name != "schemas")
    resource.EnterpriseUser = extension if filled else None


def check_full_user(data: Any) -> None:
    """Refuse a POST / PUT body of a user without ``schemas``, or without ``emails`` with one primary address."""
    if not isinstance(data, dict):
        return  # scim2-server refuses it with its own error
    if not data.get("schemas"):
        raise InvalidSyntaxException(detail="schemas is required during user creation or modification")
    emails = data.get("emails")
    if not isinstance(emails, list):
        if emails is None:
            raise InvalidValueException(detail="emails is required during user creation or modification")
        return  # a wrong type: scim2-server's validation answers it
    if not emails:
        raise InvalidValueException(detail="emails is required during user creation or modification")
    if not any(isinstance(entry, dict) and entry.get("primary") is True for entry in emails):
        raise InvalidValueException(detail="One value of emails must be marked as primary")


def linked_account_id(resource: Resource[Any]) -> str | None:
    """Return the atlassianAccountId a stored user carries, if any."""
    extension = getattr(resource, "AtlassianExternal", None)
    return extension.atlassian_account_id if extension is not None else None


class SimulatorStorage(InMemoryStorage):
    """scim2-server's in-memory storage (its RLock serialises every access), with UUID ids.

    A resource that already carries an id (a seeded one) keeps it.
    """

    def __init__(self, id_factory: Callable[[], str]) -> None:
        super().__init__()
        self.id_factory = id_factory

    def generate_id(self, resource_type: ResourceType, resource: Resource[Any]) -> str:
        return resource.id or self.id_factory()


class DirectoryService(ScimService):
    """The SCIM service of one directory.

    ``link`` is called with each validated user before it is stored (outside the storage lock);
    it may raise a SCIM exception to refuse the creation.
    """

    def __init__(
        self, provider: ScimProvider, *, atlassian: bool, link: Callable[[ResourceType, Resource[Any]], None] | None = None
    ) -> None:
        super().__init__(provider)
        self.atlassian = atlassian
        self.link = link

    def _atlassian_user(self, resource_type: ResourceType) -> bool:
        return self.atlassian and resource_type.name == "User"

    def read_creation(self, resource_type: ResourceType, body: bytes, content_type: str | None) -> Resource[Any]:
        if self._atlassian_user(resource_type):
            check_full_user(self.decode_body(body, content_type))
        resource = super().read_creation(resource_type, body, content_type)
        if self._atlassian_user(resource_type):
            mirror_enterprise(resource)  # what the client wrote into the read-only extension is ignored
        if self.link is not None:
            self.link(resource_type, resource)
        return resource

    def read_replacement(self, resource_type: ResourceType, body: bytes, content_type: str | None) -> Resource[Any]:
        if self._atlassian_user(resource_type):
            check_full_user(self.decode_body(body, content_type))
        return super().read_replacement(resource_type, body, content_type)

    def apply_replacement(self, current: Resource[Any], replacement: Resource[Any], conditions: Any) -> Resource[Any] | None:
        if self.atlassian and isinstance(current, User):
            # RFC 7644 PUT keeps read-only attributes; the read-only extensions as a whole must survive too.
            if linked_account_id(current) is not None:
                replacement.AtlassianExternal = current.AtlassianExternal.model_copy()
            mirror_enterprise(replacement, current.EnterpriseUser)
        return super().apply_replacement(current, replacement, conditions)

    def apply_patch(self, current: Resource[Any], patch_op: Any, conditions: Any) -> Resource[Any] | None:
        if not (self.atlassian and isinstance(current, User)):
            return super().apply_patch(current, patch_op, conditions)
        original = current.model_copy(deep=True)
        super().apply_patch(current, patch_op, conditions)
        mirror_enterprise(current, original.EnterpriseUser)  # a write into the read-only extension is ignored
        return current if current.model_dump() != original.model_dump() else None

    def read_search(self, resource_types: list[ResourceType], payload: Any) -> tuple[Any, Any]:
        search_request, position = super().read_search(resource_types, payload)
        if self.atlassian and search_request.filter is not None and any(rt.name == "User" for rt in resource_types):
            check_atlassian_user_filter(search_request.filter)
        return search_request, position

    def patch_response(self, base_url: str, resource: Resource[Any], response_parameters: Any) -> ScimResponse:
        if not self.atlassian:
            return super().patch_response(base_url, resource, response_parameters)
        published = self.publish(base_url, resource)
        return self.resource_response(published, Context.RESOURCE_REPLACEMENT_RESPONSE, response_parameters)


def check_atlassian_user_filter(scim_filter: Any) -> None:
    """Refuse (400 invalidFilter) any user filter but a single ``userName eq`` / ``externalId eq`` string comparison."""
    node = scim_filter.ast
    if isinstance(node, Comparison) and node.op == CompareOperator.eq and isinstance(node.value, str):
        binding = scim_filter.resolve_comparison(node.attr_path, strict=False)
        if binding is not None and binding.urn in FILTERABLE_USER_ATTRIBUTES:
            return
    raise InvalidFilterException(detail='Only the filters userName eq "..." and externalId eq "..." are supported')


class DirectoryHandler(ScimHandler):
    """scim2-server's handler, that tells the directory which Atlassian account a DELETE unlinked.

    The callback runs after the storage lock is released.
    """

    def __init__(
        self, service: ScimService, storage: InMemoryStorage, on_delete: Callable[[Resource[Any]], None] | None = None
    ) -> None:
        super().__init__(service, storage)
        self.on_delete = on_delete
        self._deleted = threading.local()

    def delete(self, request: ScimRequest) -> ScimResponse:
        self._deleted.resource = None
        response = super().delete(request)
        deleted, self._deleted.resource = self._deleted.resource, None
        if deleted is not None and self.on_delete is not None:
            self.on_delete(deleted)
        return response

    def delete_resource(self, resource_type: ResourceType, resource_id: str, conditions: Any) -> None:
        current = self.storage.get(resource_type, resource_id)
        super().delete_resource(resource_type, resource_id, conditions)
        self._deleted.resource = current


class DirectoryApplication(WSGIApplication):
    """The WSGI application of one SCIM directory: its own storage and its own bearer API key.

    It is mounted under ``/scim/directory/{directoryId}`` (the SCRIPT_NAME the dispatcher sets), and
    builds its URLs without scim2-server's ``/v2`` segment, as Atlassian's API does.
    """

    def __init__(
        self,
        storage: InMemoryStorage,
        service: DirectoryService,
        api_key: str,
        on_delete: Callable[[Resource[Any]], None] | None = None,
    ) -> None:
        super().__init__(storage, service.provider, service)
        self.handler = DirectoryHandler(service, storage, on_delete)
        self.api_key = api_key

    @staticmethod
    def get_base_url(environ: Any) -> str:
        return application_uri(environ).rstrip("/")

    def check_auth(self, request: ScimRequest) -> None:
        scheme, _space, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), self.api_key.encode()):
            raise UnauthorizedException(detail="Missing or invalid API key for this directory")
