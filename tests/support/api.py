"""A thin caller for the HTTP API that speaks as one staff member at a time."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.territory import Territory


class Api:
    def __init__(self, client: FlaskClient, territory: Territory) -> None:
        self.client = client
        self.territory = territory

    def post(self, who: str, path: str, body: Any = None, **headers: str) -> TestResponse:
        return self.client.post(
            f"/api/v1{path}",
            json=body if body is not None else {},
            headers={**self.territory.auth(who), **_headers(headers)},
        )

    def get(self, who: str, path: str, **params: Any) -> TestResponse:
        return self.client.get(f"/api/v1{path}", query_string=params, headers=self.territory.auth(who))

    def report(self, who: str, **overrides: Any) -> dict[str, Any]:
        response = self.post(who, "/cases", self.case_body(**overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def command(
        self, who: str, case_id: str, command: str, body: Any = None, status: int = 200, **headers: str
    ) -> dict[str, Any]:
        response = self.post(who, f"/cases/{case_id}/{command}", body, **headers)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def schedule_meeting(
        self, *, title: str, level: str, org: str, scheduled_for: str, chair: str = "吴书记"
    ) -> dict[str, Any]:
        """The secretary schedules a handover meeting (交办会) of ``org`` (a grid name of the territory)."""
        body = {
            "title": title,
            "level": level,
            "org": self.territory.grid(org),
            "scheduled_for": scheduled_for,
            "chair": chair,
        }
        response = self.post("secretary", "/meetings", body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def read(self, who: str, path: str, position: int, **params: Any) -> dict[str, Any]:
        """A read's body once the read models hold ``position`` (the position a command answered)."""
        response = self.get(who, path, min_position=position, **params)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def version(self, path: str) -> int:
        """The version of the aggregate at ``path`` now, as an admin (who may read them all) sees it."""
        return self.get("admin", path).get_json()["version"]

    def case_body(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "title": "茶苑社区路灯不亮",
            "description": "文公北路12号门前两盏路灯连续三晚不亮。",
            "category": "municipal",
            "channel": "grid_app",
            "track": "general",
            "grid": self.territory.grid("chayuan-01"),
            "location": {"address": "紫阳镇文公北路12号"},
        }
        body.update(overrides)
        return body


def _headers(headers: dict[str, str]) -> dict[str, str]:
    """Python names to HTTP header names: if_match → If-Match, idempotency_key → Idempotency-Key."""
    return {"-".join(part.capitalize() for part in key.split("_")): value for key, value in headers.items()}
