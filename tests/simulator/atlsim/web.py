# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small HTTP helpers shared by the routes: Bitbucket error bodies, JSON answers, request context."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

API_DOCS = "https://developer.atlassian.com/bitbucket/api/2/reference/"


class DropConnection(ConnectionAbortedError):
    """Raised to make the server close the connection without writing any answer."""


class ApiError(Exception):
    """An answer with Bitbucket's standard error body ``{"type": "error", "error": {...}}``.

    ``detail`` is a string and ``data`` an object, as the OpenAPI ``error`` schema says
    (``additionalProperties: false``: no other keys in ``error``).
    """

    def __init__(
        self, status: int, message: str, detail: str | None = None, data: dict | None = None, headers: dict | None = None
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail
        self.data = data
        self.headers = headers or {}

    def response(self) -> Response:
        error: dict[str, Any] = {"message": self.message}
        if self.detail is not None:
            error["detail"] = self.detail
        if self.data is not None:
            error["data"] = self.data
        resp = json_response({"type": "error", "error": error}, self.status)
        for name, value in self.headers.items():
            resp.headers[name] = value
        return resp


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    resp = Response(json.dumps(body, separators=(", ", ": ")), status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def empty_response(status: int = 204) -> Response:
    return Response(b"", status=status)


def text_response(text: str, status: int, content_type: str = "text/plain", headers: dict | None = None) -> Response:
    resp = Response(text, status=status, content_type=content_type)
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def not_found_url() -> ApiError:
    """What Bitbucket answers for a URL where no API lives."""
    return ApiError(
        404,
        "Resource not found",
        "There is no API hosted at this URL.\n\nFor information about our API's, please refer to "
        "the documentation at: " + API_DOCS,
    )


def bad_request(message: str, detail: str | None = None) -> ApiError:
    return ApiError(400, message, detail)


def forbidden(message: str, detail: str | None = None) -> ApiError:
    return ApiError(403, message, detail)


def not_found(message: str, detail: str | None = None) -> ApiError:
    return ApiError(404, message, detail)


@dataclass
class Ctx:
    """Everything a route handler needs."""

    request: Request
    state: Any
    principal: Any
    params: dict = field(default_factory=dict)
    pagination: str = "page"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` as the client reached us (the absolute URLs we hand out use it)."""
        return self.request.host_url.rstrip("/")

    @property
    def api_url(self) -> str:
        return self.base_url + "/2.0"

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.request.args.get(name, default)

    def json_body(self) -> Any:
        """The parsed JSON body, or a 400 like Bitbucket's for a body that is not JSON."""
        raw = self.request.get_data(cache=True)
        if not raw:
            raise bad_request("Bad request", "The request body is empty; a JSON document is required.")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise bad_request("Bad request", "The request body is not valid JSON: %s" % exc) from exc
