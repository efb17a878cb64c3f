"""Every answer checked against the OpenAPI document: its status is documented for the operation, its media
type is one the operation documents for that status, and its body matches the documented schema.

``DocumentedClient`` is the test client of the HTTP tests (``tests/http/conftest.py``), so each answer the
suite receives is checked; requests to no documented operation (an unknown path, a method not allowed) are
not, having nothing to be checked against.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from interface.views.openapi import PARAM, build_spec


def document_of(app: Flask) -> Any:
    """The app's document, loaded once per app into schemathesis (which validates answers against it)."""
    if "tests.documented" not in app.extensions:
        app.extensions["tests.documented"] = schemathesis.openapi.from_dict(build_spec(app))
    return app.extensions["tests.documented"]


def check_documented(app: Flask, response: TestResponse) -> None:
    request = response.request
    try:
        rule, _ = app.url_map.bind("localhost").match(request.path, method=request.method, return_rule=True)
    except HTTPException:
        return  # no such operation: a 404 or 405 with nothing documented to compare
    method = "get" if request.method == "HEAD" else request.method.lower()
    operation = document_of(app)[PARAM.sub(r"{\1}", rule.rule)][method]
    where = f"{request.method} {request.path} → {response.status_code}"
    documented = operation.definition.raw["responses"]
    assert str(response.status_code) in documented, f"{where}: status not documented ({', '.join(documented)})"
    media_types = documented[str(response.status_code)].get("content", {})
    assert response.mimetype in media_types, f"{where}: {response.mimetype} not documented ({', '.join(media_types)})"
    if request.method != "HEAD":
        operation.validate_response(response)


class DocumentedClient(FlaskClient):
    """A test client whose every answer is checked against the app's OpenAPI document."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        check_documented(self.application, response)
        return response
