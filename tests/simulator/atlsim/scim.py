# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SCIM side of the simulator: one scim2-server application per directory, under /scim/directory/{id}.

Entry point (the simulator's dispatcher imports it)::

    app = build_scim_app(scim_seed, accounts, extension=True)
    app(environ, start_response)     # PATH_INFO (or SCRIPT_NAME + PATH_INFO) = /scim/directory/{id}/...
    app.reset(accounts=None)         # back to the seed (optionally with a new account registry)

``scim_seed``::

    {"directories": [{"id": "demo-directory", "api_key": "demo-scim-api-key",
                      "users": [{"userName": ..., "name": {...}, "emails": [...], "active": true, ...}],
                      "groups": [{"displayName": ..., "members": ["<userName>", ...]}]}]}

``accounts`` is the simulator's account registry: ``ensure_account(email, display_name=None,
nickname=None) -> dict`` (with ``"account_id"``) and ``unlink(account_id)``. In the Atlassian mode
(``extension=True``) every created user is linked to the account of its primary email (else its
userName), and a DELETE unlinks it. With ``extension=False`` the directories are plain scim2-server
applications and the registry is never called.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from scim2_models import Context
from scim2_models import NotFoundException
from scim2_models import Resource
from scim2_models import ResourceType
from scim2_models import ScimProvider
from scim2_models import SearchRequest
from scim2_models import UniquenessException
from scim2_server.applications.wsgi import send_response
from scim2_server.responses import ScimResponse

from .scim_atlassian import ATLASSIAN_EXTENSION_URN
from .scim_atlassian import ENTERPRISE_USER_URN
from .scim_atlassian import MIRRORED_ATTRIBUTES
from .scim_atlassian import AtlassianExternal
from .scim_atlassian import DirectoryApplication
from .scim_atlassian import DirectoryService
from .scim_atlassian import SimulatorStorage
from .scim_atlassian import account_hints
from .scim_atlassian import atlassian_provider
from .scim_atlassian import linked_account_id
from .scim_atlassian import mirror_enterprise
from .scim_atlassian import plain_provider

__all__ = ["ATLASSIAN_EXTENSION_URN", "ScimApp", "build_scim_app"]

SCIM_PREFIX = "/scim/directory/"
# Attributes a seed may give at the top level of a user, that RFC 7643 keeps in the enterprise extension
# (Atlassian keeps department and organization top-level and repeats them in its read-only extension).
ENTERPRISE_ATTRIBUTES = ("department", "organization", "division", "costCenter", "employeeNumber")
SEED_NAMESPACE = uuid.UUID("6f1c3f0e-3f43-4d0c-9d61-5b0d7f3c2a10")


def build_scim_app(scim_seed: dict | None, accounts: Any, extension: bool = True) -> ScimApp:
    """Return the WSGI application serving every seeded SCIM directory (see the module docstring)."""
    return ScimApp(scim_seed, accounts, extension=extension)


class _Directory:
    """One directory: its WSGI application and the parts tests look at."""

    def __init__(self, directory_id: str, application: DirectoryApplication, storage: SimulatorStorage) -> None:
        self.id = directory_id
        self.application = application
        self.storage = storage


class ScimApp:
    """Dispatch ``/scim/directory/{directoryId}/...`` to the application of that directory.

    The directories are rebuilt from the seed by :meth:`reset`, which swaps them in at once:
    a request in flight finishes on the old state. No lock of this class is held while the
    account registry is called.
    """

    def __init__(self, scim_seed: dict | None, accounts: Any, extension: bool = True) -> None:
        self.seed = copy.deepcopy(scim_seed or {})
        self.accounts = accounts
        self.extension = extension
        # called with the account id of each user a client creates (the simulator adds it to the organization)
        self.on_provision: Callable[[str], None] | None = None
        self.provider: ScimProvider = atlassian_provider() if extension else plain_provider()
        self._directories: dict[str, _Directory] = {}
        self.reset()

    # -- state -------------------------------------------------------------

    def reset(self, accounts: Any = None) -> None:
        """Forget every change: rebuild each directory from the seed, linking the seeded users again.

        Pass ``accounts`` when the simulator replaced its account registry (the new one is used from now on).
        Call it after the registry itself was reset, and without holding a non-reentrant lock the registry takes.
        """
        if accounts is not None:
            self.accounts = accounts
        directories = {}
        for spec in self.seed.get("directories") or []:
            directory = self._build_directory(spec)
            directories[directory.id] = directory
        self._directories = directories

    @property
    def directory_ids(self) -> list[str]:
        """The ids of the served directories."""
        return list(self._directories)

    def users(self, directory_id: str) -> list[dict[str, Any]]:
        """The users of a directory as a SCIM client reads them (for tests and /_sim inspection)."""
        return self._dump(directory_id, "User")

    def groups(self, directory_id: str) -> list[dict[str, Any]]:
        """The groups of a directory as a SCIM client reads them."""
        return self._dump(directory_id, "Group")

    def _dump(self, directory_id: str, type_name: str) -> list[dict[str, Any]]:
        directory = self._directories[directory_id]
        service = directory.application.service
        resource_type = service.get_resource_type(type_name)
        with self.provider:
            page = directory.storage.search([resource_type], SearchRequest())
            return [r.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE) for r in page.resources]

    def _build_directory(self, spec: dict[str, Any]) -> _Directory:
        directory_id = str(spec["id"])
        if not directory_id or "/" in directory_id:
            raise ValueError(f"invalid SCIM directory id: {directory_id!r}")
        storage = SimulatorStorage(lambda: str(uuid.uuid4()))
        service = DirectoryService(self.provider, atlassian=self.extension)
        if self.extension:
            service.link = self._link_new_user(service, storage)
        application = DirectoryApplication(
            storage, service, str(spec["api_key"]), on_delete=self._unlink if self.extension else None
        )
        with self.provider:
            user_type = service.get_resource_type("User")
            ids_by_name = {}
            for user in spec.get("users") or []:
                resource = self._seed_resource(service, user_type, directory_id, user)
                if self.extension:
                    self._link(resource)
                created = storage.create(user_type, resource)
                ids_by_name[str(user["userName"]).casefold()] = created.id
            group_type = service.get_resource_type("Group")
            for group in spec.get("groups") or []:
                storage.create(group_type, self._seed_group(service, group_type, directory_id, group, ids_by_name))
        return _Directory(directory_id, application, storage)

    def _seed_resource(
        self, service: DirectoryService, resource_type: ResourceType, directory_id: str, data: dict[str, Any]
    ) -> Resource[Any]:
        """A seeded user. Atlassian mode keeps department / organization top-level (mirrored into the extension)."""
        data = copy.deepcopy(data)
        top_level = MIRRORED_ATTRIBUTES if self.extension else ()
        extension = data.setdefault(ENTERPRISE_USER_URN, {})
        for key in ENTERPRISE_ATTRIBUTES:
            if key in top_level and key in extension:
                data.setdefault(key, extension.pop(key))
            elif key not in top_level and key in data:
                extension[key] = data.pop(key)
        if not extension:
            del data[ENTERPRISE_USER_URN]
        data.setdefault("schemas", [str(resource_type.schema_)])
        data.setdefault("id", str(uuid.uuid5(SEED_NAMESPACE, f"{directory_id}/User/{str(data['userName']).casefold()}")))
        resource = service.get_model(resource_type).model_validate(data)
        if self.extension:
            mirror_enterprise(resource, resource.EnterpriseUser)
        return resource

    @staticmethod
    def _seed_group(
        service: DirectoryService,
        resource_type: ResourceType,
        directory_id: str,
        data: dict[str, Any],
        ids_by_name: dict[str, str],
    ) -> Resource[Any]:
        data = copy.deepcopy(data)
        members = []
        for member in data.pop("members", None) or []:
            name = member if isinstance(member, str) else member.get("userName") or member.get("value")
            members.append({"value": ids_by_name.get(str(name).casefold(), name), "type": "User"})
        if members:
            data["members"] = members
        data.setdefault("schemas", [str(resource_type.schema_)])
        data.setdefault("id", str(uuid.uuid5(SEED_NAMESPACE, f"{directory_id}/Group/{data['displayName']}")))
        return service.get_model(resource_type).model_validate(data)

    # -- Atlassian account links ------------------------------------------

    def _link(self, resource: Resource[Any]) -> None:
        """Set atlassianAccountId: the registry's account of the user's email (created if unknown)."""
        if self.accounts is None:
            return
        email, display_name, nickname = account_hints(resource)
        account = self.accounts.ensure_account(email, display_name=display_name, nickname=nickname)
        resource.AtlassianExternal = AtlassianExternal(atlassian_account_id=account["account_id"])

    def _link_new_user(self, service: DirectoryService, storage: SimulatorStorage) -> Callable[..., None]:
        def link(resource_type: ResourceType, resource: Resource[Any]) -> None:
            if resource_type.name != "User":
                return
            # Refuse a duplicate userName before an account is created for it (the storage checks again).
            model = service.get_model(resource_type)
            if _user_name_taken(storage, model, resource_type, getattr(resource, "user_name", None)):
                raise UniquenessException(detail="A user with this userName already exists in the directory")
            self._link(resource)
            account_id = linked_account_id(resource)
            if account_id and self.on_provision is not None:
                self.on_provision(account_id)

        return link

    def _unlink(self, resource: Resource[Any]) -> None:
        account_id = linked_account_id(resource)
        if account_id and self.accounts is not None:
            self.accounts.unlink(account_id)

    # -- WSGI --------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        full_path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        head, found, rest = full_path.partition(SCIM_PREFIX)
        directory_id, _slash, tail = rest.partition("/")
        directory = self._directories.get(directory_id) if found else None
        if directory is None:
            return _not_found(start_response, "Unknown SCIM directory" if found else "Not a SCIM path")
        environ["SCRIPT_NAME"] = f"{head}{SCIM_PREFIX}{directory_id}"
        environ["PATH_INFO"] = f"/{tail}" if tail else ""
        return directory.application(environ, start_response)


def _user_name_taken(
    storage: SimulatorStorage, model: type[Resource[Any]], resource_type: ResourceType, user_name: str | None
) -> bool:
    """Tell whether a user of the directory has this userName (compared as scim2-server compares it)."""
    if not user_name:
        return False
    request = SearchRequest[model].model_validate({"filter": f"userName eq {json.dumps(user_name)}"})
    return bool(storage.search([resource_type], request).resources)


def _not_found(start_response: Any, detail: str) -> Iterable[bytes]:
    error = NotFoundException(detail=detail).to_error()
    return send_response(ScimResponse(HTTPStatus.NOT_FOUND, error.model_dump()), start_response)
