"""The OpenAPI document is the full contract: every route the app serves under /api/v1 is in it."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def test_every_api_route_and_method_is_in_the_openapi_document(app: Flask, client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    served = {
        (PARAM.sub(r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, operations in paths.items() for method in operations}
    assert len(served) > 50 and served <= documented
    for path, method in served:
        assert paths[path][method]["summary"], f"{method.upper()} {path} has no summary"
