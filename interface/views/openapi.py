"""``GET /api/v1/openapi.json``: the OpenAPI document, generated from the request schemas."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify

blueprint = Blueprint("openapi", __name__)
PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# What a successful answer is, where it is not JSON (``?format=`` chooses).
MEDIA_TYPES = {
    "api.meetings.handover": [
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/html",
    ]
}


@blueprint.get("/openapi.json")
def document() -> Response:
    """The OpenAPI 3 document of this API."""
    spec = current_app.extensions.get("gridledger.openapi")
    if spec is None:
        spec = current_app.extensions["gridledger.openapi"] = build_spec(current_app)
    return jsonify(spec)


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="gridledger",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Event-sourced case ledger for grid governance (网格化管理)."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        media_types = MEDIA_TYPES.get(rule.endpoint, ["application/json"])
        operations = {
            method.lower(): _operation(
                view, rule.rule, media_types=media_types, created=method == "POST" and not PARAM.search(rule.rule)
            )
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        }
        spec.path(path=PARAM.sub(r"{\1}", rule.rule), operations=operations)
    return spec.to_dict()


def _operation(view: Any, path: str, *, created: bool, media_types: list[str]) -> dict[str, Any]:
    # A POST to a collection (no path parameter) creates and answers 201; everything else answers 200.
    success = {"description": "Created" if created else "OK", "content": {media: {} for media in media_types}}
    operation: dict[str, Any] = {
        "summary": (view.__doc__ or "").strip().splitlines()[0] if view.__doc__ else "",
        "responses": {
            "default": {
                "description": "application/problem+json on error",
                "content": {"application/problem+json": {}},
            },
            "201" if created else "200": success,
        },
        "parameters": [
            {"in": "path", "name": name, "required": True, "schema": {"type": "string"}} for name in PARAM.findall(path)
        ],
    }
    if path.startswith("/api/v1"):
        operation["security"] = [{"bearer": []}]
    if getattr(view, "request_body", None) is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": view.request_body}}}
    if getattr(view, "query_schema", None) is not None:
        operation["parameters"].append({"in": "query", "schema": view.query_schema})
    return operation
