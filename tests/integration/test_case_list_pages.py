"""A case-list page of one status in a subtree is merged grid by grid: it must be exactly the page the one
range scan gives (same rows, same order, ties on the report time broken by id), page after page.

Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from projections import case_list
from projections.case_list import CaseFilters, search
from projections.registry import Projections
from projections.scope import Scope
from tests.support.clock import MovableClock
from tests.support.projection_worker import _report, drive_cases
from tests.support.territory import Territory

STATUSES = ("reported", "accepted", "dispatched", "in_progress", "resolved", "closed", "rejected", "merged")


@pytest.fixture
def read_side(ledger: GridLedger, cases: CaseCommands, territory: Territory,
              clock: MovableClock) -> Iterator[Projections]:
    drive_cases(cases, territory, clock, 40)
    # Reports at one and the same moment in three grids of the subtree: the order rests on the id alone.
    for n, grid in enumerate(["chayuan-01", "chayuan-02", "chayuan", "chayuan-02", "ziyang"] * 3):
        _report(cases, territory, "dispatcher", 1000 + n, grid=grid)
    clock.advance(minutes=5)
    projections = Projections(ledger)
    projections.engine.catch_up()
    yield projections
    projections.close()


def pages(projections: Projections, filters: CaseFilters, scope: Scope, clock: MovableClock,
          per_page: int) -> list[list[dict[str, Any]]]:
    out = []
    with projections.db.connect() as connection:
        for page in range(1, 8):
            rows, _ = search(connection, filters, scope, now=clock(), page=page, per_page=per_page,
                             count_limit=1001)
            out.append(rows)
    return out


def test_a_status_page_merged_grid_by_grid_equals_the_single_scan(
        read_side: Projections, territory: Territory, clock: MovableClock, monkeypatch: pytest.MonkeyPatch) -> None:
    town, community = (read_side.ledger.directory.grid_path(territory.grid(name)) for name in ("ziyang", "chayuan"))
    grid = read_side.ledger.directory.grid_path(territory.grid("chayuan-02"))
    checked = 0
    for status in STATUSES:
        for filters, scope in [(CaseFilters(status=status, grid_path=community), Scope(grid_path=town)),
                               (CaseFilters(status=status), Scope(grid_path=community)),
                               (CaseFilters(status=status, grid_path=grid), Scope(everything=True)),
                               (CaseFilters(status=status, grid_path=town), Scope(grid_path=community))]:
            with read_side.db.connect() as connection:
                assert case_list._grids_to_merge(connection, filters, scope)  # the merged way is taken
            merged = pages(read_side, filters, scope, clock, per_page=3)
            with monkeypatch.context() as patch:
                patch.setattr(case_list, "MERGE_MAX_GRIDS", 0)
                single = pages(read_side, filters, scope, clock, per_page=3)
            assert merged == single, (status, filters, scope)
            checked += sum(map(len, merged))
    assert checked > 100


def test_disjoint_subtrees_and_wide_ones_take_the_single_scan(
        read_side: Projections, territory: Territory) -> None:
    directory = read_side.ledger.directory
    chayuan, qingshan = (directory.grid_path(territory.grid(name)) for name in ("chayuan", "qingshan"))
    with read_side.db.connect() as connection:
        assert case_list._grids_to_merge(connection, CaseFilters(status="closed", grid_path=qingshan),
                                         Scope(grid_path=chayuan)) is None
        assert case_list._grids_to_merge(connection, CaseFilters(status="closed"), Scope(everything=True)) is None
        assert case_list._grids_to_merge(connection, CaseFilters(grid_path=chayuan), Scope(everything=True)) is None
