"""The household registry and the patrol log: a rebuild, in any batch size, gives the same rows."""

from __future__ import annotations

from sqlalchemy import select

from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.patrol_commands import PatrolCommands
from projections import households, patrols
from projections.registry import HOUSEHOLDS, PATROLS, Projections
from tests.support.clock import MovableClock
from tests.support.projection_worker import table_rows
from tests.support.territory import Territory

NAMES = [HOUSEHOLDS, PATROLS]
TABLES = [*households.metadata.sorted_tables, *patrols.metadata.sorted_tables]


def _field_work(ledger: GridLedger, territory: Territory, clock: MovableClock) -> None:
    """A month of field work in 茶苑社区: a rental with tenants, a tagged household visited, two patrols."""
    homes, rounds = HouseholdCommands(ledger), PatrolCommands(ledger)
    worker, grid = territory.staff["worker"], territory.grid("chayuan-01")
    rental = homes.register(
        worker, address="和平岗8号", grid=grid, kind="rental", head={"name": "汪房东", "phone": "13912340000"}
    )
    for name in ("甲", "乙", "丙"):
        outcome = homes.add_member(worker, str(rental.id), name=name, relation="tenant", floating=True)
        clock.advance(hours=1)
    homes.move_out(
        worker,
        str(rental.id),
        next(m["member_id"] for m in ledger.state_after(outcome).members.values() if m["name"] == "乙"),
    )
    elder = homes.register(worker, address="南山社区3号楼", grid=grid, kind="owner", head={"name": "汪大爷"})
    homes.add_tag(worker, str(elder.id), tag="elderly_alone")
    homes.add_tag(worker, str(elder.id), tag="needy")
    homes.assign_liaison(worker, str(elder.id), staff_id=territory.staff["other_worker"].id)
    clock.advance(days=3)
    homes.remove_tag(worker, str(elder.id), "needy")
    homes.visit(
        worker,
        str(elder.id),
        notes="身体尚好",
        needs=[{"title": "灯泡坏了", "description": "需要更换", "category": "livelihood", "track": "instant"}],
    )
    homes.add_tag(worker, str(elder.id), tag="needy")
    night = rounds.start(worker, grid=grid, kind="night", members=[worker.id])
    rounds.checkpoint(worker, str(night.id), place="东门")
    rounds.finding(worker, str(night.id), description="杂物", category="sanitation", resolved_on_spot=True)
    rounds.finding(worker, str(night.id), description="路灯不亮", category="municipal", resolved_on_spot=False)
    clock.advance(hours=2)
    rounds.end(worker, str(night.id), summary="完成")
    rounds.start(worker, grid=grid, kind="routine", members=[worker.id])


def test_a_rebuild_in_any_batch_size_gives_the_same_rows(
    ledger: GridLedger, territory: Territory, clock: MovableClock
) -> None:
    _field_work(ledger, territory, clock)
    running = Projections(ledger)
    try:
        running.engine.catch_up(NAMES)
        before = table_rows(running.db, TABLES)
        assert len(before["rm_household_tags"]) >= 3 and before["rm_patrols"]
        for batch_size in (1000, 3):
            running.engine.batch_size = batch_size
            running.engine.reset(NAMES, without_indexes=batch_size == 1000)
            running.engine.catch_up(NAMES)
            running.engine.create_indexes(NAMES)
            assert table_rows(running.db, TABLES) == before, batch_size
    finally:
        running.close()


def test_the_registry_row_follows_the_household(ledger: GridLedger, territory: Territory, clock: MovableClock) -> None:
    _field_work(ledger, territory, clock)
    running = Projections(ledger)
    try:
        running.engine.catch_up(NAMES)
        grid_path = ledger.directory.grid_path(territory.grid("chayuan-01"))
        with running.db.connect() as connection:
            rows = {
                row.head_name: row
                for row in connection.execute(
                    select(households.households).where(households.households.c.grid_path == grid_path)
                )
            }
            periods = connection.execute(
                select(households.tag_periods.c.tag, households.tag_periods.c.removed_at)
                .where(households.tag_periods.c.household_id == rows["汪大爷"].id)
                .order_by(households.tag_periods.c.added_at)
            ).all()
        assert (rows["汪房东"].residents, rows["汪房东"].floating, rows["汪房东"].head_phone) == (3, 2, "139****0000")
        elder = rows["汪大爷"]
        assert (elder.tags, elder.visits, elder.liaison_name) == (",elderly_alone,needy,", 1, "汪建国")
        assert [(tag, removed is None) for tag, removed in periods] == [
            ("elderly_alone", True),
            ("needy", False),
            ("needy", True),
        ]
    finally:
        running.close()
