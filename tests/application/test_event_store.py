"""The event store: snapshots and a cold cache give the same case; encryption at rest hides the text."""

from __future__ import annotations

from sqlalchemy import text

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.settings import Settings
from tests.support.clock import MovableClock
from tests.support.territory import build_territory


def _full_life(cases: CaseCommands, t) -> str:
    s = t.staff
    body = {
        "title": "电梯频繁故障",
        "description": "安置小区5栋",
        "category": "municipal",
        "channel": "grid_app",
        "track": "general",
        "grid": t.grid("chayuan-02"),
    }
    case_id = str(cases.report(s["other_worker"], body).id)
    cases.accept(s["dispatcher"], case_id)
    cases.dispatch(s["dispatcher"], case_id, lead_department=t.department("zhujian"), co_departments=[])
    cases.claim(s["zhujian"], case_id)
    for n in range(5):
        cases.note(s["zhujian"], case_id, text=f"维保进展 {n}")
    cases.resolve(s["zhujian"], case_id, result="更换控制板")
    cases.follow_up(s["dispatcher"], case_id, satisfaction="unsatisfied", method="visit")
    cases.resolve(s["zhujian"], case_id, result="整机大修")
    return case_id


def test_snapshots_and_a_cold_cache_rebuild_the_same_case(database_url: str, clock: MovableClock) -> None:
    settings = Settings(database_url=database_url, snapshot_interval=3)
    ledger = GridLedger(settings, clock=clock)
    territory = build_territory(ledger)
    case_id = _full_life(CaseCommands(ledger), territory)
    warm = ledger.load_case(case_id)
    cold_ledger = GridLedger(settings, clock=clock)  # another process: empty cache, reads snapshots
    cold = cold_ledger.load_case(case_id)
    assert ledger.snapshots is not None and list(ledger.snapshots.get(warm.id))
    assert (cold.version, cold.status, cold.reopen_count, cold.follow_ups) == (
        warm.version,
        warm.status,
        warm.reopen_count,
        warm.follow_ups,
    )
    assert cold_ledger.repository.get(warm.id, version=4).status == "in_progress"
    for each in (ledger, cold_ledger):
        each.datastore.engine.dispose()


def test_events_are_encrypted_at_rest_with_a_cipher_key(tmp_path, clock: MovableClock) -> None:
    from eventsourcing.cipher import AESCipher

    url = f"sqlite:///{tmp_path}/secret.db"
    ledger = GridLedger(Settings(database_url=url, cipher_key=AESCipher.create_key(16)), clock=clock)
    territory = build_territory(ledger)
    case_id = _full_life(CaseCommands(ledger), territory)
    assert ledger.load_case(case_id).title == "电梯频繁故障"
    with ledger.datastore.transaction(commit=False) as session:
        states = [bytes(row[0]) for row in session.execute(text("SELECT state FROM gridledger_events"))]
    assert states and not any("电梯".encode() in state or b"zhujian" in state for state in states)
    ledger.datastore.engine.dispose()
