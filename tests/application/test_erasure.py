"""Erasure by key destruction (crypto-shredding) and disclosures, on SQLite and PostgreSQL: a person's fields read
"[已删除]" in every answer after an erasure, the households read model forgets them, the stored events keep their
bytes (the hash chain still verifies), and every time an admin was shown them whole is listed for auditors."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from eventsourcing.cipher import AESCipher
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from application.ledger import GridLedger
from application.settings import Settings
from interface.app import create_app
from projections.storage.tables import person_keys
from tests.support.api import Api
from tests.support.clock import MovableClock
from tests.support.territory import Territory, build_territory

ERASED = "[已删除]"
HEAD = {"name": "汪德福", "id_number": "11010519491231002X", "phone": "13812345678"}


@pytest.fixture
def keyed(own_database_url: str, clock: MovableClock) -> Iterator[tuple[FlaskClient, Territory, GridLedger, Any]]:
    settings = Settings(database_url=own_database_url, cipher_key=AESCipher.create_key(16), snapshot_interval=2)
    ledger = GridLedger(settings, clock=clock)
    app = create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger)
    projections = app.extensions["gridledger"].projections
    yield app.test_client(), build_territory(ledger), ledger, projections
    projections.close()
    ledger.datastore.engine.dispose()


def _stored(ledger: GridLedger) -> list[tuple[int, bytes]]:
    table = ledger.recorder.events_record_cls.__table__
    with ledger.datastore.transaction(commit=False) as session:
        return [(row[0], bytes(row[1])) for row in session.execute(select(table.c.id, table.c.state).order_by("id"))]


def _register(client: FlaskClient, t: Territory) -> tuple[str, str]:
    worker = t.auth("worker")
    home = client.post(
        "/api/v1/households",
        headers={**worker, "Idempotency-Key": "reg-1"},
        json={"address": "紫阳镇文公北路12号", "grid": t.grid("chayuan-01"), "kind": "rental", "head": HEAD},
    ).get_json()
    added = client.post(
        f"/api/v1/households/{home['id']}/members",
        headers={**worker, "Idempotency-Key": "member-1"},
        json={"name": "李小宝", "relation": "child", "floating": False},
    ).get_json()
    child = next(m["member_id"] for m in added["members"] if m["name"] == "李小宝")
    return home["id"], child


def _report(client: FlaskClient, t: Territory, phone: str, name: str = "汪德福") -> str:
    case = client.post(
        "/api/v1/cases",
        headers={**t.auth("worker"), "Idempotency-Key": f"case-{phone}"},
        json={
            "title": "路灯不亮",
            "description": "文公北路",
            "category": "municipal",
            "channel": "hotline",
            "track": "general",
            "grid": t.grid("chayuan-01"),
            "reporter": {"name": name, "phone": phone},
        },
    )
    assert case.status_code == 201, case.get_json()
    return case.get_json()["id"]


def test_an_erased_person_reads_erased_everywhere_and_the_chain_still_verifies(keyed) -> None:
    client, t, ledger, projections = keyed
    admin = t.auth("admin")
    home, child = _register(client, t)
    case_id = _report(client, t, "138 1234 5678")  # the head's phone, written another way: the same person
    other_case = _report(client, t, "13900001111", "刘女士")
    projections.engine.catch_up()
    whole = client.get(f"/api/v1/households/{home}", headers=admin).get_json()
    head = next(m for m in whole["members"] if m["relation"] == "head")
    assert head["id_number"] == HEAD["id_number"] and head["name"] == "汪德福"
    listed = client.get("/api/v1/households", headers=admin).get_json()["items"]
    assert [row["head"]["name"] for row in listed] == ["汪德福"]
    before = _stored(ledger)

    erased = client.post(
        "/api/v1/people/erase", headers=admin, json={"id_number": HEAD["id_number"], "reason": "本人申请删除"}
    )
    assert erased.status_code == 200, erased.get_json()
    assert erased.get_json()["keys_destroyed"] == 1 and erased.get_json()["identified_by"] == "id_number"

    # Every answer: the state, the history, the case the same person reported, for an admin and a worker.
    for who in ("admin", "worker"):
        state = client.get(f"/api/v1/households/{home}", headers=t.auth(who)).get_json()
        head = next(m for m in state["members"] if m["relation"] == "head")
        assert (head["name"], head["id_number"], head["phone"]) == (ERASED, ERASED, ERASED)
        assert next(m for m in state["members"] if m["member_id"] == child)["name"] == "李小宝"
        history = client.get(f"/api/v1/households/{home}/history", headers=t.auth(who)).get_data(as_text=True)
        assert "汪德福" not in history and "1949" not in history and ERASED in history
        case = client.get(f"/api/v1/cases/{case_id}", headers=t.auth(who)).get_json()
        assert case["reporter"]["name"] == ERASED and case["reporter"]["phone"] == ERASED
        case_history = client.get(f"/api/v1/cases/{case_id}/history", headers=t.auth(who)).get_data(as_text=True)
        assert "汪德福" not in case_history and "5678" not in case_history
    # Someone else's report is untouched.
    untouched = client.get(f"/api/v1/cases/{other_case}", headers=admin).get_json()["reporter"]
    assert untouched["phone"] == "13900001111"
    # The read model forgets the head; the audit log shows the erasure (with no data) and erased fields.
    projections.engine.catch_up()
    listed = client.get("/api/v1/households", headers=admin).get_json()["items"]
    assert [(row["head"]["name"], row["head"]["phone"]) for row in listed] == [(ERASED, ERASED)]
    audit = client.get("/api/v1/audit?per_page=100", headers=t.auth("auditor")).get_data(as_text=True)
    assert "汪德福" not in audit and "删除个人信息" in audit and "本人申请删除" in audit
    # The events stored before keep their bytes; the chain verifies.
    after = _stored(ledger)
    assert after[: len(before)] == before
    assert ledger.verify_chain().intact
    # A fresh process (no key in memory) reads the same.
    fresh = GridLedger(ledger.settings)
    assert fresh.load_household(home).head["name"] == ERASED
    fresh.datastore.engine.dispose()


def test_a_member_known_by_neither_id_nor_phone_is_erased_by_household_and_member(keyed) -> None:
    client, t, ledger, projections = keyed
    home, child = _register(client, t)
    body = {"household_id": home, "member_id": child, "reason": "监护人申请"}
    assert client.post("/api/v1/people/erase", headers=t.auth("admin"), json=body).status_code == 200
    state = client.get(f"/api/v1/households/{home}", headers=t.auth("admin")).get_json()
    assert next(m for m in state["members"] if m["member_id"] == child)["name"] == ERASED
    assert next(m for m in state["members"] if m["relation"] == "head")["name"] == "汪德福"
    # Nothing left to erase: 404; the keys are gone from the key table.
    again = client.post("/api/v1/people/erase", headers=t.auth("admin"), json=body)
    assert again.status_code == 404
    with ledger.datastore.transaction(commit=False) as session:
        lookups = session.execute(select(person_keys.c.lookup)).scalars().all()
    assert len(lookups) == 3  # the head's ID number, phone and member


def test_erasure_is_for_admins_with_a_reason_and_one_person(keyed) -> None:
    client, t, _, _ = keyed
    _register(client, t)
    body = {"id_number": HEAD["id_number"], "reason": "本人申请"}
    assert client.post("/api/v1/people/erase", headers=t.auth("dispatcher"), json=body).status_code == 403
    assert client.post("/api/v1/people/erase", headers=t.auth("auditor"), json=body).status_code == 403
    no_reason = client.post("/api/v1/people/erase", headers=t.auth("admin"), json={"id_number": HEAD["id_number"]})
    assert no_reason.status_code == 422
    both = {**body, "phone": "13812345678"}
    assert client.post("/api/v1/people/erase", headers=t.auth("admin"), json=both).status_code == 422
    # A person with no key (perhaps known only from records stored before per-person keys) is erased all the same:
    # their lookups are recorded; only an identifier already erased is not found.
    unknown = {"phone": "13700000000", "reason": "本人申请"}
    first = client.post("/api/v1/people/erase", headers=t.auth("admin"), json=unknown)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["keys_destroyed"] == 0 and first.get_json()["older_records"] == "redacted"
    assert client.post("/api/v1/people/erase", headers=t.auth("admin"), json=unknown).status_code == 404


def test_disclosures_list_admin_reads_and_reveal_contact(keyed) -> None:
    client, t, _, projections = keyed
    home, _ = _register(client, t)
    case_id = _report(client, t, "13900001111", "刘女士")
    client.get(f"/api/v1/households/{home}", headers=t.auth("worker"))  # masked: no disclosure
    client.get(f"/api/v1/households/{home}", headers=t.auth("admin"))
    client.get(f"/api/v1/cases/{case_id}/history", headers=t.auth("admin"))
    revealed = client.post(
        f"/api/v1/cases/{case_id}/reveal-contact", headers=t.auth("worker"), json={"purpose": "回访核实"}
    )
    assert revealed.status_code == 200, revealed.get_json()
    projections.engine.catch_up()
    assert client.get("/api/v1/audit/disclosures", headers=t.auth("worker")).status_code == 403
    page = client.get("/api/v1/audit/disclosures", headers=t.auth("auditor")).get_json()
    rows = [
        (row["actor"]["id"], row["subject"], row["subject_id"], row["fields"], row["purpose"]) for row in page["items"]
    ]
    admin, worker = t.staff["admin"].id, t.staff["worker"].id
    assert rows == [
        (admin, "household", home, ["id_number", "phone"], f"GET /api/v1/households/{home}"),
        (admin, "case", case_id, ["phone"], f"GET /api/v1/cases/{case_id}/history"),
        (worker, "case", case_id, ["phone"], "回访核实"),
    ]
    assert all(len(row["people"]) == 1 and len(row["people"][0]) == 32 for row in page["items"])
    assert "13900001111" not in str(page) and "汪德福" not in str(page)


def test_a_key_made_in_a_transaction_rolled_back_is_not_kept_in_memory(keyed) -> None:
    _, _, ledger, _ = keyed
    keys = ledger.person_keys
    lookups = [keys.lookup("phone", "13812345678")]
    with pytest.raises(RuntimeError), ledger.datastore.transaction(commit=True):
        lost, _ = keys.key_for(lookups)
        raise RuntimeError("the command failed after sealing")
    assert keys.cipher(lost) is None  # never stored
    kept, _ = keys.key_for(lookups)
    assert kept != lost
    fresh = GridLedger(ledger.settings)
    assert fresh.person_keys.cipher(kept) is not None  # what later events are sealed with is in the store
    fresh.datastore.engine.dispose()


def test_without_a_cipher_key_nothing_is_erasable_and_nothing_is_written(own_database_url: str, clock) -> None:
    ledger = GridLedger(Settings(database_url=own_database_url), clock=clock)
    app = create_app({"TESTING": True, "GRIDLEDGER_PROJECTIONS_IN_PROCESS": False}, ledger=ledger)
    try:
        client, t = app.test_client(), build_territory(ledger)
        before = _stored(ledger)
        body = {"id_number": HEAD["id_number"], "reason": "本人申请"}
        answer = client.post("/api/v1/people/erase", headers=t.auth("admin"), json=body)
        assert answer.status_code == 409 and "GRIDLEDGER_CIPHER_KEY" in answer.get_json()["detail"]
        assert _stored(ledger) == before
    finally:
        app.extensions["gridledger"].projections.close()
        ledger.datastore.engine.dispose()


def test_no_export_an_admin_makes_shows_a_phone_or_id_number_whole(keyed) -> None:
    """Handover lists (every format), statistics downloads, the audit log and the read-model lists hold no phone or
    ID number whole, for an admin either: so no export is a disclosure (README, "Security")."""
    client, t, _, projections = keyed
    api = Api(client, t)
    home, _ = _register(client, t)
    case_id = _report(client, t, "13900001111", "刘女士")
    meeting = api.schedule_meeting(title="6月问题交办会", level="county", org="wuyuan", scheduled_for="2026-06-10")
    api.command("dispatcher", case_id, "accept")
    api.command("dispatcher", case_id, "escalate", {"meeting_id": meeting["id"], "reason": "需县级统筹"})
    projections.engine.catch_up()
    whole = ("13900001111", "13812345678", HEAD["id_number"])
    before = client.get("/api/v1/audit/disclosures", headers=t.auth("auditor")).get_json()["total"]

    exports = [f"/meetings/{meeting['id']}/handover-list?format={fmt}" for fmt in ("json", "csv", "xlsx", "html")]
    exports += [f"/stats/{what}?format={fmt}" for what in ("monthly", "rankings") for fmt in ("json", "csv", "xlsx")]
    exports += ["/audit?per_page=200", "/households", "/cases", f"/audit?aggregate_id={home}"]
    for path in exports:
        answer = client.get(f"/api/v1{path}", headers=t.auth("admin"))
        assert answer.status_code == 200, (path, answer.get_data(as_text=True))
        shown = _text_of_xlsx(answer.data) if "xlsx" in path else answer.get_data(as_text=True)
        assert not any(value in shown for value in whole), path
    handover = client.get(f"/api/v1/meetings/{meeting['id']}/handover-list", headers=t.auth("admin")).get_json()
    assert [item["case_id"] for item in handover["items"]] == [case_id]  # the list did hold the reporter's case
    projections.engine.catch_up()
    assert client.get("/api/v1/audit/disclosures", headers=t.auth("auditor")).get_json()["total"] == before
    assert "13900001111" in client.get(f"/api/v1/cases/{case_id}", headers=t.auth("admin")).get_data(as_text=True)


def _text_of_xlsx(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    cells = [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    return "\n".join([*cells, str(book.properties.title), *(str(s.oddFooter.center.text) for s in book.worksheets)])
