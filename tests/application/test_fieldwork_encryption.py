"""With GRIDLEDGER_CIPHER_KEY set, no name, ID number or phone of a household is readable in the database."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest
from eventsourcing.cipher import AESCipher
from flask.testing import FlaskClient
from sqlalchemy import select, text

from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from tests.support.clock import MovableClock
from tests.support.territory import Territory, build_territory

SECRETS = [
    "汪德福",
    "11010519491231002X",
    "13812345678",
    "李春花",
    "360222199001011222",
    "15907031234",
    "刘女士",
    "13900001111",
]


@pytest.fixture
def encrypted(own_database_url: str, clock: MovableClock) -> Iterator[tuple[FlaskClient, Territory, GridLedger]]:
    # Snapshots every 2 events, so the snapshots table holds a household too.
    settings = Settings(database_url=own_database_url, cipher_key=AESCipher.create_key(16), snapshot_interval=2)
    ledger = GridLedger(settings, clock=clock)
    app = create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger)
    yield app.test_client(), build_territory(ledger), ledger
    app.extensions["gridledger"].projections.close()
    ledger.datastore.engine.dispose()


def test_personal_data_is_encrypted_at_rest(encrypted) -> None:
    client, t, ledger = encrypted
    auth = t.auth("worker")
    # 1. A household with its head, a tenant, and a visit whose need names a reporter; then a case by hotline.
    home = client.post(
        "/api/v1/households",
        headers={**auth, "Idempotency-Key": "reg-1"},
        json={
            "address": "紫阳镇文公北路12号",
            "grid": t.grid("chayuan-01"),
            "kind": "rental",
            "head": {"name": "汪德福", "id_number": "11010519491231002X", "phone": "13812345678"},
        },
    ).get_json()
    client.post(
        f"/api/v1/households/{home['id']}/members",
        headers={**auth, "Idempotency-Key": "member-1"},
        json={
            "name": "李春花",
            "id_number": "360222199001011222",
            "phone": "15907031234",
            "relation": "tenant",
            "floating": True,
            "origin": "江西省上饶市",
        },
    )
    visit = client.post(
        f"/api/v1/households/{home['id']}/visits",
        headers={**auth, "Idempotency-Key": "visit-1"},
        json={
            "notes": "走访",
            "needs": [
                {
                    "title": "求职",
                    "description": "希望找工作",
                    "category": "livelihood",
                    "track": "general",
                    "reporter": {"name": "刘女士", "phone": "13900001111"},
                }
            ],
        },
    )
    case = client.post(
        "/api/v1/cases",
        headers={**auth, "Idempotency-Key": "case-1"},
        json={
            "title": "路灯不亮",
            "description": "文公北路",
            "category": "municipal",
            "channel": "hotline",
            "track": "general",
            "grid": t.grid("chayuan-01"),
            "reporter": {"name": "刘女士", "phone": "13900001111"},
        },
    )
    assert visit.status_code == 200 and case.status_code == 201
    ids = [home["id"], case.get_json()["id"], visit.get_json()["raised_cases"][0]["id"]]
    # 2. The application reads everything back whole (as an admin sees it).
    assert ledger.load_household(home["id"]).head["id_number"] == "11010519491231002X"
    # 3. The raw rows hold none of it in plaintext (our aggregates' rows).
    with ledger.datastore.transaction(commit=False) as session:
        rows = {
            table: [
                bytes(row[0])
                for row in session.execute(
                    select(table.c.state).where(table.c.originator_id.in_([UUID(i) for i in ids]))
                )
            ]
            for table in (
                ledger.recorder.events_record_cls.__table__,
                ledger.snapshots.recorder.events_record_cls.__table__,
            )
        }
        keys = [
            " ".join(str(value) for value in row)
            for row in session.execute(
                text("SELECT * FROM gridledger_idempotency_keys WHERE staff_id = :staff"),
                {"staff": t.staff["worker"].id},
            )
        ]
    events, snapshots = rows.values()
    assert len(events) == 5 and snapshots and len(keys) == 4
    for secret in SECRETS:
        assert not any(secret.encode() in state for states in rows.values() for state in states), secret
        assert not any(secret in key for key in keys), secret
