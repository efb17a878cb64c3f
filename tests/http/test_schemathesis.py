"""schemathesis against the app, on SQLite and PostgreSQL: every operation of the OpenAPI document is called
with requests generated from its schemas -- valid ones (on a case, household, patrol and meeting that exist)
and invalid ones -- as an admin, and every answer goes through all of schemathesis's checks: no server error,
a documented status, a documented media type, documented headers, a body of the documented schema, invalid
data refused, auth not ignored.

Bounded so that it does not depend on the machine's speed: a few examples per operation and mode,
derandomized (the same examples every run), no deadline, no shrinking.
"""

from __future__ import annotations

import io
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from PIL import Image
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from interface.auth_throttle import FailureThrottle
from tests.support.api import Api
from tests.support.territory import Territory

EXAMPLES = 10
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            # A 503 with Retry-After is API.md's answer to a ``min_position`` no event has reached yet (any number
            # the document allows): the client is told to come back, the server has not failed.
            "not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "503"]},
            # A request valid by the document may still name a grid, department or staff member that does not
            # exist, or a date outside the years 1900-9998: a 422 the document cannot foresee.
            "positive_data_acceptance": {"enabled": False},
        }
    }
)
BOUNDED = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_every_operation_answers_as_the_openapi_document_says(app: Flask, api: Api, territory: Territory) -> None:
    known = _seed(api, territory)
    # schemathesis sends wrong credentials to every operation on purpose (its auth check), hundreds of times from
    # one address: the failed-authentication throttle (tested on its own) would answer them 429.
    app.extensions["gridledger.auth_throttle"] = FailureThrottle(per_address=10**9, per_prefix=10**9)
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    failures: list[str] = []
    for result in document.get_all_operations():
        operation = result.ok()
        takes_input = bool(operation.path_parameters or operation.query or operation.body)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if takes_input else (GenerationMode.POSITIVE,):
            path = {name: known[name] for name in known if "{" + name + "}" in operation.path}
            strategy = operation.as_strategy(mode, path_parameters=path if mode == GenerationMode.POSITIVE else None)
            try:
                _check_all(strategy, territory.auth("admin"))
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - every operation's failures, not the first
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)


def _check_all(strategy: Any, auth: dict[str, str]) -> None:
    @BOUNDED
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=auth)

    check()


def _seed(api: Api, territory: Territory) -> dict[str, str]:
    """A case, a household (with a member), a patrol, a meeting and an attachment the valid requests address."""
    grid = territory.grid("chayuan-01")
    case = api.report("worker")
    household = api.post(
        "worker",
        "/households",
        {"address": "紫阳镇文公北路12号", "grid": grid, "kind": "rental", "head": {"name": "汪德福"}},
    ).get_json()
    members = [territory.staff["worker"].id, territory.staff["other_worker"].id]
    patrol = api.post("worker", "/patrols", {"grid": grid, "kind": "night", "members": members}).get_json()
    meeting = api.schedule_meeting(title="交办会", level="town", org="ziyang", scheduled_for="2026-12-01")
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(photo, format="JPEG")
    form = {"file": (io.BytesIO(photo.getvalue()), "现场.jpg")}  # uploaded by the admin, who calls every operation
    attachment = api.client.post("/api/v1/attachments", data=form, headers=territory.auth("admin")).get_json()
    return {
        "case_id": case["id"],
        "household_id": household["id"],
        "member_id": household["head"]["member_id"],
        "patrol_id": patrol["id"],
        "meeting_id": meeting["id"],
        "staff_id": territory.staff["worker"].id,
        "code": grid,
        "sha256": attachment["sha256"],
    }
