"""``GET /api/v1/openapi.json``: the OpenAPI document, generated from each view's declaration (``endpoint``):
the schemas that validate requests, the schemas of success bodies, the problems each endpoint can answer."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify

from domain.household_types import CareTag
from interface.auth import PUBLIC_ENDPOINTS
from interface.endpoint import API_PREFIX, Declaration, endpoint, is_console_page
from interface.schemas.answers import ProblemSchema
from interface.schemas.base import LocalDateTime
from projections.work_queues import QUEUES

blueprint = Blueprint("openapi", __name__)
PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
UUID = {"type": "string", "format": "uuid"}
# Path parameters by name; any other is a string.
PATH_PARAMETERS = {
    "case_id": UUID,
    "meeting_id": UUID,
    "household_id": UUID,
    "patrol_id": UUID,
    "member_id": UUID,
    "staff_id": UUID,
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "tag": {"type": "string", "enum": [str(tag) for tag in CareTag]},
    "name": {"type": "string", "enum": list(QUEUES)},
}
PROBLEM_TITLES = {
    400: "Malformed request (JSON, If-Match or Idempotency-Key)",
    401: "No or unknown bearer token",
    403: "Not allowed for the caller's role or scope",
    404: "No such resource",
    405: "Method not allowed",
    409: "Not allowed in the current state, or a concurrent update",
    412: "If-Match names another version (ETag: the current one)",
    413: "Request body too large",
    415: "A body of a media type not accepted, or a file of a content type not accepted",
    422: "Validation failed (errors: field → messages), or an idempotency key reused with another body",
    429: "Too many failed authentications from this address or with this token prefix (Retry-After)",
    503: "Database unavailable, or a read model behind min_position (Retry-After)",
}


@blueprint.get("/openapi.json")
@endpoint()
def document() -> Response:
    """The OpenAPI 3 document of this API."""
    spec = current_app.extensions.get("gridledger.openapi")
    if spec is None:
        spec = current_app.extensions["gridledger.openapi"] = build_spec(current_app)
    return jsonify(spec)


def build_spec(app: Flask) -> dict[str, Any]:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="gridledger",
        version="1",
        openapi_version="3.0.3",
        plugins=[plugin],
        info={"description": "Event-sourced case ledger for grid governance (网格化管理)."},
    )
    plugin.map_to_openapi_type(LocalDateTime, "string", "date-time")
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=ProblemSchema)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or is_console_page(rule.rule):
            continue
        view = app.view_functions[rule.endpoint]
        operations = {
            method.lower(): _operation(
                view,
                rule.rule,
                authenticated=rule.rule.startswith(API_PREFIX) and rule.endpoint not in PUBLIC_ENDPOINTS,
            )
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        }
        spec.path(path=PARAM.sub(r"{\1}", rule.rule), operations=operations)
    return spec.to_dict()


def _operation(view: Any, path: str, *, authenticated: bool) -> dict[str, Any]:
    declaration: Declaration = view.endpoint
    parameters = [
        {"in": "path", "name": name, "required": True, "schema": PATH_PARAMETERS.get(name, {"type": "string"})}
        for name in PARAM.findall(path)
    ]
    problems = declaration.implied_problems(has_path_parameters=bool(parameters), authenticated=authenticated)
    responses: dict[str, Any] = {str(status): _problem(status) for status in sorted(problems)}
    responses[str(declaration.status)] = _success(declaration)
    if declaration.unavailable is not None:
        responses["503"] = {
            "description": "Not ready",
            "content": {"application/json": {"schema": declaration.unavailable}},
        }
    operation: dict[str, Any] = {
        "summary": (view.__doc__ or "").strip().splitlines()[0] if view.__doc__ else "",
        "responses": responses,
        "parameters": parameters,
    }
    if authenticated:
        operation["security"] = [{"bearer": []}]
    if declaration.command:
        operation["parameters"] += _command_headers(declaration)
    if declaration.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": declaration.body}},
        }
    if declaration.upload is not None:
        operation["requestBody"] = _upload_body(declaration.upload)
    if declaration.query_schema() is not None:
        operation["parameters"].append({"in": "query", "schema": declaration.query_schema()})
    return operation


def _upload_body(field: str) -> dict[str, Any]:
    """One file in a multipart/form-data body."""
    schema = {
        "type": "object",
        "required": [field],
        "properties": {field: {"type": "string", "format": "binary"}},
        "additionalProperties": False,
    }
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def _success(declaration: Declaration) -> dict[str, Any]:
    created = declaration.status == 201
    schema = {"schema": declaration.response} if declaration.response is not None else {"schema": {"type": "object"}}
    content = {media: _content_schema(media, schema) for media in declaration.media_types}
    headers: dict[str, Any] = {}
    if declaration.command:
        headers["ETag"] = {"description": 'The version after the command, e.g. "7"', "schema": {"type": "string"}}
    if created and declaration.command:
        headers["Location"] = {"description": "Where the new resource lives", "schema": {"type": "string"}}
    return {
        "description": "Created" if created else "OK",
        "content": content,
        **({"headers": headers} if headers else {}),
    }


def _content_schema(media: str, json_schema: dict[str, Any]) -> dict[str, Any]:
    """JSON by its schema; a file (an image, a PDF) as binary; other formats (CSV, XLSX, HTML) undescribed."""
    if media == "application/json":
        return json_schema
    if media.startswith("image/") or media == "application/pdf":
        return {"schema": {"type": "string", "format": "binary"}}
    return {}


def _problem(status: int) -> dict[str, Any]:
    return {
        "description": PROBLEM_TITLES[status],
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _command_headers(declaration: Declaration) -> list[dict[str, Any]]:
    headers = [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "description": "A retry with the same key and body answers the first result and stores nothing new",
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        }
    ]
    if declaration.conditional:
        headers.append(
            {
                "in": "header",
                "name": "If-Match",
                "required": False,
                "description": 'The version the command expects, e.g. "7" (412 if it is another)',
                "schema": {"type": "string", "pattern": r'^(W/)?"?\d{1,18}"?$'},
            }
        )
    return headers
