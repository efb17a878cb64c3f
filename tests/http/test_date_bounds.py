"""A plain date in a query or body is a whole local day: its start in a lower bound (``from``, ``created_from``,
``start_date``), its end everywhere else (``to``, ``created_to``, ``as_of``, ``due_at``, ``deadline``, ``until``)."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, datetime

import pytest
from marshmallow import Schema

import interface.schemas
from application.patrol_commands import PatrolCommands
from interface.schemas.base import LocalDateTime, LowerBound, RequestSchema, UpperBound
from tests.support.api import Api
from tests.support.clock import MovableClock

LOWER_BOUNDS = {"from", "created_from", "start_date"}
# In 紫阳镇 (UTC+8): late on 1 June, and just after midnight on 2 June.
MORNING_1ST, LATE_1ST, EARLY_2ND = (
    datetime(2026, 6, 1, 1, 0, tzinfo=UTC),
    datetime(2026, 6, 1, 15, 30, tzinfo=UTC),
    datetime(2026, 6, 1, 16, 30, tzinfo=UTC),
)


@pytest.fixture
def three_days_work(api: Api, ledger, clock: MovableClock) -> dict:
    """Cases reported at 09:00 and 23:30 on 1 June and at 00:30 on 2 June; patrols started at the last two."""
    t, patrols, worker = api.territory, PatrolCommands(ledger), api.territory.staff["worker"]
    made: dict = {}
    for key, moment in (("morning", MORNING_1ST), ("late", LATE_1ST), ("early", EARLY_2ND)):
        clock.now = moment
        made[key] = api.report("worker", title=f"路灯不亮（{key}）")
        if key != "morning":
            outcome = patrols.start(worker, grid=t.grid("chayuan-01"), kind="night", members=[worker.id])
            made[f"{key}_patrol"], made["position"] = str(outcome.id), outcome.position
    return made


def test_case_list_counts_a_plain_created_from_as_the_start_of_the_day(api: Api, three_days_work: dict) -> None:
    made, grid = three_days_work, api.territory.grid("chayuan-01")

    def titles(**bounds: str) -> set[str]:
        page = api.read("dispatcher", "/cases", made["position"], per_page=200, grid=grid, **bounds)
        return {item["title"] for item in page["items"]}

    first, second = {"路灯不亮（morning）", "路灯不亮（late）"}, {"路灯不亮（early）"}
    assert titles(created_from="2026-06-01", created_to="2026-06-01") == first
    assert titles(created_from="2026-06-02") == second
    assert titles(created_to="2026-06-01") == first
    assert titles(created_from="2026-06-02", created_to="2026-06-02") == second
    # A date-time stays exactly what it says (local without an offset)
    assert titles(created_from="2026-06-01T23:00:00", created_to="2026-06-02T00:00:00+08:00") == {"路灯不亮（late）"}


def test_audit_from_and_to_take_whole_days(api: Api, three_days_work: dict) -> None:
    made = three_days_work
    for key, day in (("late", "2026-06-01"), ("early", "2026-06-02")):
        case_id = made[key]["id"]
        page = api.read(
            "auditor", "/audit", made["position"], per_page=200, aggregate_id=case_id, **{"from": day, "to": day}
        )
        assert [item["type"] for item in page["items"]] == ["Reported"]
        page = api.read(
            "auditor", "/audit", made["position"], per_page=200, aggregate_id=case_id, **{"from": "2026-06-03"}
        )
        assert page["items"] == []


def test_patrol_log_and_coverage_take_whole_days(api: Api, three_days_work: dict) -> None:
    made, grid = three_days_work, api.territory.grid("chayuan-01")
    for key, day in (("late_patrol", "2026-06-01"), ("early_patrol", "2026-06-02")):
        page = api.read("leader", "/patrols", made["position"], per_page=200, grid=grid, **{"from": day, "to": day})
        assert [item["id"] for item in page["items"]] == [made[key]]
        coverage = api.read(
            "leader", "/patrols/coverage", made["position"], per_page=200, grid=grid, **{"from": day, "to": day}
        )
        assert coverage["totals"]["patrols"] == 1


def test_as_of_a_plain_date_is_the_end_of_that_day(api: Api, three_days_work: dict) -> None:
    late = three_days_work["late"]["id"]  # reported at 23:30 on 1 June
    assert api.get("auditor", f"/cases/{late}", as_of="2026-06-01").status_code == 200
    assert api.get("auditor", f"/cases/{late}", as_of="2026-05-31").status_code == 404


def _request_schemas() -> list[type[Schema]]:
    for module in pkgutil.iter_modules(interface.schemas.__path__):
        importlib.import_module(f"interface.schemas.{module.name}")
    found, todo = [], [RequestSchema]
    while todo:
        schema = todo.pop()
        found.append(schema)
        todo.extend(schema.__subclasses__())
    return found


def test_every_date_time_field_says_which_bound_it_is() -> None:
    """One rule for every endpoint: a field named as a lower bound is a LowerBound, every other an UpperBound."""
    checked = 0
    for schema in _request_schemas():
        for name, field in schema().fields.items():
            if not isinstance(field, LocalDateTime):
                continue
            key = field.data_key or name
            expected = LowerBound if key in LOWER_BOUNDS else UpperBound
            assert type(field) is expected, f"{schema.__name__}.{key} should be a {expected.__name__}"
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (LowerBound, "2026-12-01", "2026-12-01T00:00:00+08:00"),
        (UpperBound, "2026-12-01", "2026-12-01T23:59:59.999999+08:00"),
        (LowerBound, "2026-12-01T10:00:00", "2026-12-01T10:00:00+08:00"),
        (UpperBound, "2026-12-01T10:00:00Z", "2026-12-01T10:00:00+00:00"),
    ],
)
def test_the_two_kinds_of_bound(kind: type, value: str, expected: str) -> None:
    assert kind()._deserialize(value, None, None).isoformat() == expected
