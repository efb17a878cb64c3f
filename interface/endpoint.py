"""One way to declare an endpoint: what it takes, what it answers and which problems it can answer.

    @blueprint.post("/<case_id>/accept")
    @endpoint(body=AcceptSchema, response=CaseStateSchema, command="accept", conditional=True)
    def accept(case_id: str, body: dict, options: dict) -> Response: ...

The declaration is kept on the view (``view.endpoint``) and is the only source of both the request's
validation and the OpenAPI document (``interface/views/openapi.py``), so the two cannot disagree:

- ``body``: the JSON body's schema; the view gets the validated body as ``body``.
- ``upload``: instead, a multipart/form-data body of one file in the field so named, of at most ``upload_limit``
  bytes; the view gets ``upload`` (its name as sent, and its bytes).
- ``query``: the query string's schema; the view gets ``query``. ``direct=True`` instead: a read of the event
  store or reference tables, which takes ``min_position`` only and waits for it (read-your-writes).
- ``command``: the view is a command; it gets ``options`` (``idempotency`` from ``Idempotency-Key`` and, with
  ``conditional=True``, ``expected_version`` from ``If-Match``) to pass to the command method as they are.
- ``response`` and ``status``: the success body's schema and status; ``media_types`` when not only JSON.
- ``problems``: the problem statuses beyond the ones the declaration itself implies (``implied_problems``);
  ``unavailable``: the schema of a 503 that is not a problem (readiness).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, jsonify
from marshmallow import Schema

from interface.read_your_writes import wait_for_position
from interface.requests import (
    expected_version,
    idempotency_key,
    json_body,
    load,
    loaded_schema,
    query_args,
    uploaded_file,
)
from interface.schemas.base import ReadSchema

JSON = ("application/json",)
API_PREFIX = "/api/v1"
CONSOLE_PREFIX = "/console"  # the web console's pages: for people with a session, not part of the API


def is_console_page(path: str) -> bool:
    """The console's pages and the site's root (which leads to them)."""
    return path == "/" or path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/")


@dataclass(frozen=True)
class Declaration:
    body: type[Schema] | None = None
    upload: str | None = None
    upload_limit: int = 0
    query: type[Schema] | None = None
    direct: bool = False
    command: str | None = None
    conditional: bool = False
    response: type[Schema] | None = None
    status: int = 200
    media_types: tuple[str, ...] = JSON
    problems: tuple[int, ...] = field(default=())
    unavailable: type[Schema] | None = None  # a 503 answered with this JSON body rather than a problem

    def query_schema(self) -> type[Schema] | None:
        return ReadSchema if self.direct else self.query

    def implied_problems(self, *, has_path_parameters: bool, authenticated: bool) -> set[int]:
        """Every API call can be unauthenticated (401), held back after too many failed authentications (429),
        refused to the caller's role or scope (403) or meet an unreachable database or a read model behind its
        ``min_position`` (503)."""
        statuses = {401, 403, 429, 503, *self.problems} if authenticated else set(self.problems)
        if self.body or self.command:
            statuses |= {400, 413, 422}  # malformed JSON or header, a body too large, invalid fields
        if self.upload:
            statuses |= {413, 415, 422}  # a file too large, of no accepted type, missing or unreadable
        if self.query_schema():
            statuses |= {422}
        if has_path_parameters:
            statuses |= {404}
        if self.command:
            statuses |= {409}  # a state that does not allow it, or a concurrent update
        if self.conditional:
            statuses |= {412}
        return statuses


def endpoint(**declared: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the view it decorates (see the module's docstring)."""
    declaration = Declaration(**declared)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **path: Any) -> Any:
            arguments: dict[str, Any] = {}
            if declaration.body:
                arguments["body"] = load(loaded_schema(declaration.body), json_body())
            if declaration.upload:
                arguments["upload"] = uploaded_file(declaration.upload, declaration.upload_limit)
            if declaration.direct:
                wait_for_position(load(loaded_schema(ReadSchema), query_args()).get("min_position"))
            elif declaration.query:
                arguments["query"] = load(loaded_schema(declaration.query), query_args())
            if declaration.command:
                arguments["options"] = _command_options(declaration, path)
            return view(*args, **path, **arguments)

        wrapper.endpoint = declaration  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _command_options(declaration: Declaration, path: dict[str, Any]) -> dict[str, Any]:
    """``Idempotency-Key`` (for this command on this target: the path's ids) and, if conditional, ``If-Match``."""
    target = "/".join(str(value) for value in path.values()) or None
    options: dict[str, Any] = {"idempotency": idempotency_key(str(declaration.command), target, json_body())}
    if declaration.conditional:
        options["expected_version"] = expected_version()
    return options


def state_response(state: dict[str, Any], *, version: int, location: str, status: int = 200) -> Response:
    """An aggregate's state with its ``ETag``; a 201 also says where the new resource lives (``location`` is the
    path under the API's base, e.g. ``/cases/<id>``)."""
    response = jsonify(state)
    response.status_code = status
    response.headers["ETag"] = f'"{version}"'
    if status == 201:
        response.headers["Location"] = f"{API_PREFIX}{location}"
    return response
