"""``GET /api/v1/openapi.json``: the OpenAPI document, generated from the request schemas."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify

blueprint = Blueprint("openapi", __name__)
PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@blueprint.get("/openapi.json")
def document() -> Response:
    """The OpenAPI 3 document of this API."""
    spec = current_app.extensions.get("gridledger.openapi")
    if spec is None:
        spec = current_app.extensions["gridledger.openapi"] = build_spec(current_app)
    return jsonify(spec)


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(title="gridledger", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Event-sourced case ledger for grid governance (网格化管理)."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        operations = {method.lower(): _operation(view, rule.rule)
                      for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}
        spec.path(path=PARAM.sub(r"{\1}", rule.rule), operations=operations)
    return spec.to_dict()


def _operation(view: Any, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": (view.__doc__ or "").strip().splitlines()[0] if view.__doc__ else "",
        "responses": {"default": {"description": "application/problem+json on error",
                                  "content": {"application/problem+json": {}}},
                      "200": {"description": "OK"}},
        "parameters": [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                       for name in PARAM.findall(path)],
    }
    if path.startswith("/api/v1"):
        operation["security"] = [{"bearer": []}]
    if getattr(view, "request_body", None) is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": view.request_body}}}
    if getattr(view, "query_schema", None) is not None:
        operation["parameters"].append({"in": "query", "schema": view.query_schema})
    return operation
