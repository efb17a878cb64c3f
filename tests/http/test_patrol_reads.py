"""The patrol log and coverage per grid as leaders read them, and the case a finding raises in triage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application.ledger import GridLedger
from application.patrol_commands import PatrolCommands
from tests.support.api import Api
from tests.support.clock import MovableClock
from tests.support.responses import item_ids


@pytest.fixture
def patrols(ledger: GridLedger) -> PatrolCommands:
    return PatrolCommands(ledger)


def test_a_night_patrol_in_the_log_in_coverage_and_its_case_in_triage(
    api: Api, patrols: PatrolCommands, clock: MovableClock
) -> None:
    t = api.territory
    worker, neighbour = t.staff["worker"], t.staff["other_worker"]
    # 21:00: the 红袖套 night patrol sets off in 茶苑社区第一网格.
    clock.now = datetime(2026, 6, 1, 13, 0, tzinfo=UTC)
    night = patrols.start(worker, grid=t.grid("chayuan-01"), kind="night", members=[worker.id, neighbour.id])
    clock.advance(minutes=30)
    patrols.checkpoint(worker, str(night.id), place="茶苑社区东门")
    clock.advance(minutes=30)
    patrols.checkpoint(worker, str(night.id), place="文公北路夜市")
    patrols.finding(
        worker, str(night.id), description="楼道堆放杂物，已劝导清理", category="sanitation", resolved_on_spot=True
    )
    found = patrols.finding(
        worker, str(night.id), description="文公北路两盏路灯不亮", category="municipal", resolved_on_spot=False
    )
    case_id = found.linked_ids[0]
    clock.advance(minutes=90)
    ended = patrols.end(worker, str(night.id), summary="打卡两处，发现两处问题，一处当场解决")
    # 23:30: 汪建国 starts a routine patrol in the second grid and has not ended it yet.
    routine = patrols.start(neighbour, grid=t.grid("chayuan-02"), kind="routine", members=[neighbour.id])
    p = routine.position

    log = api.read("dispatcher", "/patrols", p, grid=t.grid("chayuan"))
    assert item_ids(log) == [str(routine.id), str(night.id)]  # latest first
    row = log["items"][1]
    assert (row["kind"], row["kind_label"], row["status"]) == ("night", "夜间巡逻", "ended")
    assert [m["name"] for m in row["members"]] == ["程晓燕", "汪建国"]
    assert row["started_by"] == {"id": worker.id, "name": "程晓燕"}
    assert (row["started_at"], row["ended_at"]) == ("2026-06-01T21:00:00+08:00", "2026-06-01T23:30:00+08:00")
    assert (
        row["checkpoints"],
        row["last_checkpoint"],
        row["findings"],
        row["fixed_on_spot"],
        row["cases_raised"],
        row["hours"],
    ) == (2, "文公北路夜市", 2, 1, 1, 2.5)
    assert row["summary"] == "打卡两处，发现两处问题，一处当场解决" and row["version"] == ended.version
    assert log["items"][0]["hours"] is None and log["items"][0]["status"] == "on_patrol"
    assert item_ids(api.read("dispatcher", "/patrols", p, grid=t.grid("chayuan"), kind="night")) == [str(night.id)]
    assert item_ids(api.read("dispatcher", "/patrols", p, status="on_patrol")) == [str(routine.id)]
    assert api.read("dispatcher", "/patrols", p, **{"from": "2026-06-02"})["total"] == 0
    assert api.read("dispatcher", "/patrols", p, **{"from": "2026-06-01", "to": "2026-06-01"})["total"] == 2

    cover = api.read(
        "leader", "/patrols/coverage", p, grid=t.grid("chayuan"), **{"from": "2026-06-01", "to": "2026-06-30"}
    )
    figures = ("patrols", "hours", "findings", "fixed_on_spot", "cases_raised", "unfinished")
    by_grid = {item["grid"]: tuple(item[f] for f in figures) for item in cover["items"]}
    assert by_grid == {
        t.grid("chayuan"): (2, 2.5, 2, 1, 1, 1),  # the community rolls up both grids
        t.grid("chayuan-01"): (1, 2.5, 2, 1, 1, 0),
        t.grid("chayuan-02"): (1, 0, 0, 0, 0, 1),
    }  # under way: no hours yet
    assert tuple(cover["totals"][f] for f in figures) == (2, 2.5, 2, 1, 1, 1)
    assert cover["start"] == "2026-06-01T00:00:00+08:00"
    july = api.read("leader", "/patrols/coverage", p, grid=t.grid("chayuan"), **{"from": "2026-07-01"})
    assert july["totals"]["patrols"] == 0
    this_month = api.read("leader", "/patrols/coverage", p, grid=t.grid("chayuan-01"))  # default: month so far
    assert this_month["totals"]["patrols"] == 1 and this_month["total"] == 1

    # The street light became a case: the dispatcher finds it in triage, from the patrol channel.
    triage = api.read("dispatcher", "/queues/triage", found.position, grid=t.grid("chayuan-01"))
    assert case_id in item_ids(triage)
    assert next(item for item in triage["items"] if item["id"] == case_id)["channel"] == "patrol"


def test_patrols_are_scoped_and_bad_queries_are_422(api: Api, patrols: PatrolCommands) -> None:
    t = api.territory
    mine = patrols.start(t.staff["worker"], grid=t.grid("chayuan-01"), kind="routine", members=[t.staff["worker"].id])
    theirs = patrols.start(
        t.staff["other_worker"], grid=t.grid("chayuan-02"), kind="special", members=[t.staff["other_worker"].id]
    )
    p = theirs.position
    assert item_ids(api.read("worker", "/patrols", p)) == [str(mine.id)]
    assert api.read("other_dispatcher", "/patrols", p)["total"] == 0
    assert api.read("auditor", "/patrols", p, grid=t.grid("wuyuan"))["total"] == 2
    worker_cover = api.read("worker", "/patrols/coverage", p)
    assert [item["grid"] for item in worker_cover["items"]] == [t.grid("chayuan-01")]
    assert api.get("worker", "/patrols", grid=t.grid("chayuan-02")).status_code == 403
    assert api.get("worker", "/patrols/coverage", grid=t.grid("chayuan-02")).status_code == 403
    for who in ("chengguan", "intake", "secretary"):
        assert api.get(who, "/patrols").status_code == 403
        assert api.get(who, "/patrols/coverage").status_code == 403
    common = [
        {"from": "yesterday"},
        {"grid": "atlantis"},
        {"from": "2026-06-30", "to": "2026-06-01"},
        {"per_page": 0},
        {"colour": "red"},
        {"to": "0001-01-01"},
    ]  # year 1 would overflow in UTC
    for path, own in (
        ("/patrols", [{"kind": "daytime"}, {"status": "lost"}]),
        ("/patrols/coverage", [{"level": "planet"}]),
    ):
        for params in common + own:
            response = api.get("dispatcher", path, **params)
            assert response.status_code == 422, (path, params, response.get_json())
            assert response.content_type == "application/problem+json"
