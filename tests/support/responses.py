"""What a test checks of every answer: a success's JSON body, or a problem+json with all its members."""

from __future__ import annotations

from typing import Any

from werkzeug.test import TestResponse

PROBLEM = "application/problem+json"


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """The problem's body, once it is a ``status`` problem+json with a status, title, detail and type."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


def assert_ok(response: TestResponse, status: int = 200) -> dict[str, Any]:
    """The JSON body, once the answer has ``status``."""
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def item_ids(page: dict[str, Any]) -> list[str]:
    """The ids of a page's items, in the page's order."""
    return [item["id"] for item in page["items"]]
