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


def test_every_operation_documents_its_answers_and_its_parameters(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert set(document["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status", "detail"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            answers = operation["responses"]
            success = [status for status in answers if status.startswith("2")]
            assert len(success) == 1, where
            content = answers[success[0]]["content"]
            # JSON with its schema; a file alone (an attachment) as binary in each of its media types
            binary = {"schema": {"type": "string", "format": "binary"}}
            described = "schema" in content.get("application/json", {})
            assert described or all(value == binary for value in content.values()), where
            for status in answers:
                if path.startswith("/api/v1/") and status[0] in "45":
                    assert answers[status]["content"] == problem, f"{where} {status}"
            for parameter in operation["parameters"]:
                if parameter["name"].endswith("_id") and parameter["in"] == "path":
                    assert parameter["schema"] == {"type": "string", "format": "uuid"}, where


def test_codes_are_enums_and_dates_have_formats(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    queue = document["paths"]["/api/v1/queues/{name}"]["get"]["parameters"]
    assert next(p for p in queue if p["name"] == "name")["schema"]["enum"][0] == "triage"
    cases = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/cases"]["get"]["parameters"]}
    assert cases["created_from"]["format"] == "date-time" and "enum" in cases["status"] and "enum" in cases["channel"]
    schemas = document["components"]["schemas"]
    assert schemas["CaseState"]["properties"]["created_at"]["format"] == "date-time"
    assert "enum" in schemas["CaseState"]["properties"]["category"]
    assert schemas["MeetingCreate"]["properties"]["scheduled_for"]["format"] == "date"
    assert "enum" in schemas["StaffRecord"]["properties"]["role"]
    assert "enum" in schemas["TagState"]["properties"]["tag"]
