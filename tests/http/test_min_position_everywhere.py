"""Read-your-writes everywhere: a client that passes ``min_position`` on every GET is never refused for it.

Every GET route of the app is called (the test fails when a new route has a path parameter it cannot fill), with
the position of the latest write (answered: 200) and with a position no event has yet (503 with Retry-After,
the same answer whether the route reads a read model, the event store or the reference tables).
"""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from PIL import Image

from interface.endpoint import is_console_page
from tests.support.api import Api
from tests.support.clock import MovableClock

NO_DATA = {"/api/v1/openapi.json", "/healthz", "/readyz"}  # nothing a command writes: nothing to wait for
PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@pytest.fixture
def one_of_each(api: Api, clock: MovableClock) -> dict[str, str | int]:
    """A case (with a photo) on a meeting's list, a household and a patrol, all in 紫阳镇."""
    t = api.territory
    meeting = api.schedule_meeting(title="紫阳镇6月问题交办会", level="town", org="ziyang", scheduled_for="2026-06-10")
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(photo, format="JPEG")
    form = {"file": (io.BytesIO(photo.getvalue()), "现场.jpg")}
    attachment = api.client.post("/api/v1/attachments", data=form, headers=t.auth("worker")).get_json()
    case = api.report("worker", attachments=[{k: attachment[k] for k in ("sha256", "filename", "content_type")}])
    api.command("dispatcher", case["id"], "accept")
    escalated = api.command("dispatcher", case["id"], "escalate", {"meeting_id": meeting["id"], "reason": "需统筹"})
    household = api.post(
        "worker",
        "/households",
        {"address": "茶苑社区3栋2单元501", "grid": t.grid("chayuan-01"), "kind": "owner", "head": {"name": "乔春梅"}},
    ).get_json()
    patrol = api.post(
        "worker", "/patrols", {"grid": t.grid("chayuan-01"), "kind": "routine", "members": [t.staff["worker"].id]}
    ).get_json()
    return {
        "case_id": case["id"],
        "meeting_id": meeting["id"],
        "household_id": household["id"],
        "patrol_id": patrol["id"],
        "code": t.grid("ziyang"),
        "staff_id": t.staff["admin"].id,
        "name": "meeting",
        "sha256": attachment["sha256"],
        "position": max(escalated["position"], household["position"], patrol["position"]),
    }


def _get_routes(app: Flask, values: dict[str, str | int]) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or is_console_page(rule.rule):
            continue
        names = PARAMETER.findall(rule.rule)
        missing = [name for name in names if name not in values]
        assert not missing, f"{rule.rule}: give this test a value for {missing}"
        paths.append(PARAMETER.sub(lambda match: str(values[match.group(1)]), rule.rule))
    return paths


def test_every_get_accepts_min_position_and_answers_once_it_can(api: Api, app: Flask, one_of_each: dict) -> None:
    paths = _get_routes(app, one_of_each)
    assert len(paths) >= 25 and any(path.endswith("/handover-list") for path in paths)
    headers = api.territory.auth("admin")
    position = one_of_each["position"]
    # The query a route cannot answer without (the cases behind which figure of which unit):
    required = {"/api/v1/stats/monthly/cases": {"figure": "received", "unit": api.territory.grid("ziyang")}}
    for path in paths:
        # The position of the latest write: answered
        query = {"min_position": position, **required.get(path, {})}
        response = api.client.get(path, query_string=query, headers=headers)
        assert response.status_code == 200, (path, response.get_json())
        # A position no event has yet: the same 503 everywhere, never a 422
        query["min_position"] = position + 1_000_000
        response = api.client.get(path, query_string=query, headers=headers)
        if path in NO_DATA:
            assert response.status_code == 200, path
            continue
        assert response.status_code == 503, (path, response.get_json())
        assert response.headers["Retry-After"] and response.mimetype == "application/problem+json"


def test_min_position_is_still_validated(api: Api, one_of_each: dict) -> None:
    response = api.get("admin", f"/meetings/{one_of_each['meeting_id']}/handover-list", min_position="soon")
    assert response.status_code == 422 and "min_position" in response.get_json()["errors"]
    response = api.get("admin", f"/cases/{one_of_each['case_id']}/history", min_position=-1)
    assert response.status_code == 422 and "min_position" in response.get_json()["errors"]
