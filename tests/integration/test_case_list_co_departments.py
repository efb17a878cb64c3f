"""The case list's co-department rows (what department scope matches) hold exactly each case's co-departments,
whether the worker wrote them batch by batch or a rebuild replayed them (COPY on PostgreSQL)."""

from __future__ import annotations

from functools import partial

from sqlalchemy import select

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from projections.case_list import cases as case_list
from projections.case_list import co_departments
from projections.case_summary import split_codes
from projections.registry import Projections, rebuild
from tests.support.clock import MovableClock
from tests.support.projection_worker import drive_cases, read_model_rows
from tests.support.territory import Territory


def _pairs(db) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The co-department rows, and the pairs the case list's shown co_departments name."""
    with db.connect() as connection:
        rows = {tuple(row) for row in connection.execute(select(co_departments.c.case_id, co_departments.c.department))}
        shown = {
            (case_id, code)
            for case_id, joined in connection.execute(select(case_list.c.id, case_list.c.co_departments))
            for code in split_codes(joined)
        }
    return rows, shown


def test_co_department_rows_follow_dispatch_return_and_redispatch_in_the_worker_and_the_rebuild(
    ledger: GridLedger, territory: Territory, clock: MovableClock
) -> None:
    t, commands = territory, CaseCommands(ledger)
    d, department = t.staff["dispatcher"], t.department
    drive_cases(commands, t, clock, 30)
    # Two co-departments; sent back (none); dispatched again with a third: only that one is left.
    body = {
        "title": "和平岗臭水沟",
        "description": "和平岗42号",
        "category": "sanitation",
        "channel": "grid_app",
        "track": "general",
        "grid": t.grid("chayuan-01"),
    }
    case = str(commands.report(t.staff["worker"], body).id)
    commands.accept(d, case)
    commands.dispatch(
        d,
        case,
        lead_department=department("chengguan"),
        co_departments=[department("zhujian"), department("paichusuo")],
    )
    commands.return_to_centre(t.staff["chengguan"], case, reason="不属于本单位职责")
    commands.dispatch(d, case, lead_department=department("paichusuo"), co_departments=[department("shichang")])

    worker = Projections(ledger, batch_size=3)  # a case's events span batches
    try:
        worker.engine.catch_up()
        by_worker = read_model_rows(worker.engine.engine)
        rows, shown = _pairs(worker.db)
    finally:
        worker.close()
    assert rows == shown
    assert {code for case_id, code in rows if case_id == case} == {department("shichang")}
    assert len(rows) > 1

    rebuild(partial(GridLedger, ledger.settings), ["case_list"], jobs=1, batch_size=50)
    after = Projections(ledger)
    try:
        assert (
            read_model_rows(after.engine.engine)["rm_case_list_co_department"]
            == by_worker["rm_case_list_co_department"]
        )
    finally:
        after.close()
