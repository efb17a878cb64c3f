"""`gridledger projections rebuild`: several processes replaying at once leave the same rows as the worker."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

import pytest
from click.testing import CliRunner

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from interface.cli import main
from projections.engine.rebuild import groups_for
from projections.engine.runner import Projection, ProjectionEngine
from projections.registry import Projections, all_projections, rebuild
from tests.support.clock import MovableClock
from tests.support.projection_worker import drive_cases, projection_names, read_model_rows
from tests.support.territory import Territory

Rows = dict[str, list[tuple[Any, ...]]]


def test_groups_balance_the_heavy_projections_apart() -> None:
    groups = groups_for(["case_list", "work_queues", "audit_log", "meetings", "households", "patrols"], 2)
    assert len(groups) == 2
    assert not {"audit_log", "case_list"} <= set(groups[0]) and not {"audit_log", "case_list"} <= set(groups[1])
    assert sorted(name for group in groups for name in group) == sorted(
        ["case_list", "work_queues", "audit_log", "meetings", "households", "patrols"]
    )
    assert groups_for(["audit_log"], 4) == [["audit_log"]]


@pytest.mark.parametrize(
    "jobs, other_thread", [(1, False), (2, False), (2, True)], ids=["one-process", "forked", "spawned"]
)
def test_a_rebuild_in_several_processes_equals_the_worker(
    ledger: GridLedger,
    territory: Territory,
    clock: MovableClock,
    jobs: int,
    other_thread: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Children are forked where the rebuilding process has no other thread, spawned where it has."""
    if other_thread:
        monkeypatch.setattr(threading, "active_count", lambda: 2)
    drive_cases(CaseCommands(ledger), territory, clock, 40)
    by_worker = rows_caught_up(ledger)

    seen: list[tuple[int, int]] = []
    result = rebuild(
        partial(GridLedger, ledger.settings),
        jobs=jobs,
        batch_size=50,
        on_progress=lambda at, head: seen.append((at, head)),
    )

    assert result.names == projection_names() and result.events == len(by_worker["rm_audit_log"])
    assert result.jobs == (jobs if ledger.settings.database_url.startswith("postgresql") else 1)
    after = Projections(ledger)
    try:
        assert read_model_rows(after.engine.engine) == by_worker
        statuses = after.engine.statuses()
        assert {s.status for s in statuses} == {"running"} and {s.lag for s in statuses} == {0}
    finally:
        after.close()
    assert seen and seen[-1][0] <= seen[-1][1]


def test_the_command_rebuilds_one_read_model_and_refuses_an_unknown_one(
    ledger: GridLedger, territory: Territory, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    drive_cases(CaseCommands(ledger), territory, clock, 5)
    monkeypatch.setenv("GRIDLEDGER_DATABASE_URL", ledger.settings.database_url)
    runner = CliRunner()
    done = runner.invoke(main, ["projections", "rebuild", "audit_log", "--jobs", "2"])
    assert done.exit_code == 0, done.output
    assert "rebuilt audit_log in 1 process(es)" in done.output and "events/s" in done.output
    refused = runner.invoke(main, ["projections", "rebuild", "no_such_model"])
    assert refused.exit_code != 0 and "'no_such_model' is not one of" in refused.output


def test_the_work_queues_fold_alone_to_what_they_take_from_the_case_list(
    ledger: GridLedger, territory: Territory, clock: MovableClock
) -> None:
    """In the worker the work queues take the case list's fold of each batch (the engine's fold cache); rebuilt
    on their own they fold from their own rows, which hold no finished case. Both give the same rows."""
    drive_cases(CaseCommands(ledger), territory, clock, 40)
    shared = rows_caught_up(ledger)

    rebuild(partial(GridLedger, ledger.settings), ["work_queues"], jobs=1, batch_size=7)

    after = Projections(ledger)
    try:
        alone = read_model_rows(after.engine.engine)
    finally:
        after.close()
    assert alone["rm_work_queue"] == shared["rm_work_queue"] and shared["rm_work_queue"]


def test_the_order_read_models_are_listed_in_changes_no_row(
    ledger: GridLedger, territory: Territory, clock: MovableClock
) -> None:
    """The work queues listed before the case list: the engine still applies the case list first (its rows hold
    the whole summary), and a case list never takes the work queues' fold, which lacks descriptions."""
    reversed_order = list(reversed(all_projections()))
    order = ProjectionEngine(None, None, None, reversed_order).order  # type: ignore[arg-type]  # reads nothing
    assert order[0] == "case_list" and order[-1] == "work_queues"  # complete first: the case list before the queues
    assert sorted(order) == sorted(projection.name for projection in all_projections())
    drive_cases(CaseCommands(ledger), territory, clock, 40)
    as_listed = rows_caught_up(ledger)
    assert rows_caught_up(ledger, projections=reversed_order, reset=True) == as_listed


def rows_caught_up(ledger: GridLedger, *, projections: list[Projection] | None = None, reset: bool = False) -> Rows:
    """Every read model's rows once a worker (small batches: a case's events span several) has caught up."""
    worker = Projections(ledger, batch_size=7, projections=projections)
    try:
        if reset:
            worker.engine.reset(list(worker.engine.projections))
        worker.engine.catch_up()
        return read_model_rows(worker.engine.engine)
    finally:
        worker.close()
