"""The rebuild's shortcuts change nothing: decoding equals the library's, the audit log masks every phone
and ID number (households, members, reporters), and COPY writes exactly what an INSERT writes.

Run on SQLite and PostgreSQL, with events stored in the clear and encrypted (GRIDLEDGER_CIPHER_KEY).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.persistence import StoredEvent, TranscodingNotRegisteredError
from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Integer, MetaData, Table, Text, insert, select

from application.case_commands import CaseCommands
from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.settings import Settings
from domain.personal_data import masked
from projections.audit_log import _iso, audit, audit_page
from projections.engine.bulk import insert_rows, utc
from projections.engine.events import ENVELOPE, decode, decode_attributes, decode_envelope, read_batch
from projections.engine.service import read_model_engine
from projections.registry import Projections
from tests.support.clock import MovableClock
from tests.support.projection_worker import drive_cases
from tests.support.territory import Territory, build_territory

ID_NUMBER, PHONE = "11010519491231002X", "13812345678"


@pytest.fixture(params=["clear", "encrypted"])
def ledger(request: pytest.FixtureRequest, own_database_url: str, clock: MovableClock) -> Iterator[GridLedger]:
    key = AESCipher.create_key(16) if request.param == "encrypted" else None
    ledger = GridLedger(Settings(database_url=own_database_url, cipher_key=key), clock=clock)
    yield ledger
    ledger.datastore.engine.dispose()


def store_events_with_personal_data(ledger: GridLedger, clock: MovableClock) -> Territory:
    territory = build_territory(ledger)
    cases, households = CaseCommands(ledger), HouseholdCommands(ledger)
    drive_cases(cases, territory, clock, 12, seed=3)
    worker = territory.staff["worker"]
    # A reporter's phone (nested in the report), a household head's and a member's ID number and phone.
    cases.report(
        territory.staff["intake"],
        {
            "title": "楼道堆物",
            "description": "3栋2单元",
            "category": "municipal",
            "channel": "hotline",
            "track": "general",
            "grid": territory.grid("chayuan-01"),
            "reporter": {"name": "刘女士", "phone": "13912345678"},
        },
    )
    home = households.register(
        worker,
        address="茶苑社区3栋2单元501",
        grid=territory.grid("chayuan-01"),
        kind="rental",
        head={"name": "汪德福", "id_number": ID_NUMBER, "phone": PHONE},
    )
    households.add_member(
        worker,
        str(home.id),
        name="汪小明",
        relation="tenant",
        floating=True,
        id_number="362330199001010016",
        phone="13700001234",
    )
    return territory


def stored_rows(ledger: GridLedger) -> list[Any]:
    events = ledger.recorder.events_record_cls.__table__
    with ledger.datastore.engine.connect() as connection:
        return connection.execute(select(events.c.id, events.c.state).order_by(events.c.id)).all()


def plain_state(ledger: GridLedger, state: Any) -> bytes:
    state = bytes(state)
    if ledger.mapper.cipher:
        state = ledger.mapper.cipher.decrypt(state)
    return ledger.mapper.compressor.decompress(state) if ledger.mapper.compressor else state


def test_decoding_gives_exactly_what_the_library_decodes_for_every_stored_event(
    ledger: GridLedger, clock: MovableClock
) -> None:
    store_events_with_personal_data(ledger, clock)
    transcoder = ledger.mapper.transcoder
    rows = stored_rows(ledger)
    assert len(rows) > 60
    for position, state in rows:
        state = plain_state(ledger, state)
        fast = decode_attributes(transcoder, state)
        expected = transcoder.decode(state)
        assert fast == expected, position
        assert {k: type(v) for k, v in fast.items()} == {k: type(v) for k, v in expected.items()}, position
        assert decode_attributes(transcoder, state.decode("utf8")) == expected  # as PostgreSQL hands it over

    # read_batch (which also reads the id as text on PostgreSQL) against the library's own event objects.
    events = ledger.recorder.events_record_cls.__table__
    with ledger.datastore.engine.connect() as connection:
        batch = read_batch(connection, events, ledger.mapper, after=0, limit=len(rows))
    with ledger.datastore.engine.connect() as connection:
        stored = connection.execute(
            select(events.c.originator_id, events.c.originator_version, events.c.topic, events.c.state).order_by(
                events.c.id
            )
        ).all()
    for projected, row in zip(batch, stored, strict=True):
        domain_event = ledger.mapper.to_domain_event(StoredEvent(row[0], row[1], row[2], bytes(row[3])))
        assert projected.aggregate_id == str(domain_event.originator_id)
        assert projected.at == domain_event.timestamp
        assert projected.data == {k: v for k, v in vars(domain_event).items() if k not in ENVELOPE}

    # Envelopes only (a rebuild of the audit index alone): the same events with empty data; and a mix.
    with ledger.datastore.engine.connect() as connection:
        envelopes = read_batch(connection, events, ledger.mapper, after=0, limit=len(rows), data_of=frozenset())
        mixed = read_batch(connection, events, ledger.mapper, after=0, limit=len(rows), data_of={"Household"})
    assert envelopes == [event._replace(data={}) for event in batch]
    assert mixed == [event if event.aggregate_type == "Household" else event._replace(data={}) for event in batch]
    assert {event.aggregate_type for event in batch} > {"Household"}


@pytest.mark.parametrize(
    "text",
    [
        '{"timestamp":{"_type_":"datetime_iso","_data_":"2026-03-04T12:51:43.587547+00:00"},"a":1}',
        '{"deep":{"when":{"_type_":"datetime_iso","_data_":"2026-03-04T12:51:43+00:00"}},"x":[{"_type_":"uuid_hex",'
        f'"_data_":"{uuid.uuid4().hex}"}}]}}',
        '{"_type_":"decimal_str","_data_":"1.50"}',
        '{"amount":{"_type_":"decimal_str","_data_":"1.50"},"odd":{"_type_":"x","_data_":1,"more":2}}',
        '{"\\u0070hone":"13812345678","n":{"_type_":"uuid_hex","_data_":"' + uuid.uuid4().hex + '"}}',
        ' {"padded": true} ',
        "[1, 2]",
        '{"nested":{"_type_":"datetime_iso","_data_":{"_type_":"datetime_iso","_data_":"2026-01-01T00:00:00"}}}',
    ],
)
def test_decoding_odd_json_still_equals_the_library(text: str) -> None:
    transcoder = GridLedger(Settings(database_url="sqlite://")).mapper.transcoder
    state = text.encode("utf8")
    try:
        expected: Any = transcoder.decode(state)
    except Exception as error:  # noqa: BLE001 - then the same error, raised by the library itself
        with pytest.raises(type(error)):
            decode_attributes(transcoder, state)
        return
    assert decode_attributes(transcoder, state) == expected
    assert decode_attributes(transcoder, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '{"timestamp":{"_type_":"datetime_iso","_data_":"2026-03-04T12:51:43.587547+00:00"},"actor":{"id":"a"}}',
        '{"timestamp":{"_type_":"datetime_iso","_data_":"2026-03-04T12:51:43+00:00"},"data":{"n":NaN}}',
        '{"timestamp":{"_type_":"datetime_iso","_data_":"2026-03-04T12:51:43+00:00"},"big":123456789012345678901234}',
        '{"timestamp":"2026-03-04T12:51:43+00:00","actor":null}',
        '{"timestamp":{"_type_":"datetime_iso","_data_":"2026-03-04T12:51:43+00:00"},"actor":"someone"}',
        '{"\\u0074imestamp":{"_type_":"datetime_iso","_data_":"2026-03-04T12:51:43+00:00"}}',
        '{"actor":{"id":"a"}}',
        "[1, 2]",
        "not json",
    ],
)
def test_an_envelope_is_the_full_decoding_without_its_data(text: str) -> None:
    """The envelope's fast path takes only what it expects; everything else is decoded in full (and
    raises what full decoding raises)."""
    mapper = GridLedger(Settings(database_url="sqlite://")).mapper
    row = (7, uuid.uuid4(), 2, "domain.case:Case.NoteAdded", text.encode("utf8"))
    try:
        expected = decode(mapper, row)._replace(data={})
    except Exception as error:  # noqa: BLE001
        with pytest.raises(type(error)):
            decode_envelope(mapper, row)
        return
    assert decode_envelope(mapper, row) == expected
    assert decode_envelope(mapper, (*row[:4], text)) == expected


def test_an_unknown_type_name_raises_the_library_error() -> None:
    transcoder = GridLedger(Settings(database_url="sqlite://")).mapper.transcoder
    with pytest.raises(TranscodingNotRegisteredError):
        decode_attributes(transcoder, b'{"timestamp":{"_type_":"nope","_data_":"x"}}')


def test_the_audit_log_masks_every_phone_and_id_number_and_keeps_the_rest_as_the_library_reads_it(
    ledger: GridLedger, clock: MovableClock
) -> None:
    store_events_with_personal_data(ledger, clock)
    projections = Projections(ledger)
    events_table = ledger.recorder.events_record_cls.__table__
    try:
        projections.engine.reset(list(projections.engine.projections), without_indexes=True)
        projections.engine.catch_up()
        projections.engine.create_indexes(list(projections.engine.projections))
        with projections.db.connect() as connection:
            entries, total = audit_page(
                connection,
                events_table,
                ledger.mapper,
                actor=None,
                aggregate_type=None,
                aggregate_id=None,
                event_type=None,
                start=None,
                end=None,
                page=1,
                per_page=1000,
                count_limit=1001,
            )
            index_rows = [tuple(row) for row in connection.execute(select(audit))]
    finally:
        projections.close()
    rows = stored_rows(ledger)
    assert [entry["position"] for entry in entries] == [position for position, _ in rows] and total == len(rows)
    for entry, (position, state) in zip(entries, rows, strict=True):
        attributes = ledger.mapper.transcoder.decode(plain_state(ledger, state))
        ledger.mapper.open_attributes(attributes, entry["aggregate_id"])  # residents' fields sealed per person
        data = {k: v for k, v in attributes.items() if k not in ENVELOPE}
        expected = json.loads(json.dumps(masked(data), ensure_ascii=False, default=_iso))
        assert entry["data"] == expected, position
        assert entry["at"] == attributes["timestamp"] and entry["actor_name"] == attributes["actor"]["name"]
    everything = json.dumps([entry["data"] for entry in entries], ensure_ascii=False)
    for secret in (ID_NUMBER, PHONE, "13912345678", "362330199001010016", "13700001234"):
        assert secret not in everything
    assert "138****5678" in everything and "110" + "*" * 11 + "002X" in everything
    # The read model itself is an index: position, time, aggregate, type, actor id -- no names, no data.
    names = {name for entry in entries for name in (entry["actor_name"], entry["data"].get("head", {}).get("name"))}
    assert not {value for row in index_rows for value in row} & (names - {None})


SHANGHAI = timezone(timedelta(hours=8))
ODD_TEXTS = [
    "",
    "\\.",
    "\\N",
    "a\tb",
    "line\nbreak",
    "cr\rlf\r\n",
    'quote " and ""',
    "back\\slash",
    ",",
    "NULL",
    "紫阳镇 城管",
    " padded ",
]


@pytest.fixture
def odd_table(database_url: str) -> Iterator[tuple[Any, Table]]:
    metadata = MetaData()
    table = Table(
        f"t_copy_{uuid.uuid4().hex[:8]}",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=False),
        Column("text", Text),
        Column("flag", Boolean),
        Column("at", DateTime(timezone=True)),
        Column("day", Date),
        Column("n", Integer),
    )
    db = read_model_engine(database_url)
    metadata.create_all(db)
    yield db, table
    metadata.drop_all(db)
    db.dispose()


def test_bulk_rows_come_back_exactly_as_an_insert_stores_them(odd_table: tuple[Any, Table]) -> None:
    db, table = odd_table
    at = datetime(2026, 3, 4, 12, 51, 43, 587547, tzinfo=UTC)
    rows: list[dict[str, Any]] = [
        {
            "id": i,
            "text": text,
            "flag": i % 2 == 0,
            "at": at.replace(microsecond=i),
            "day": date(2025, 12, i + 1),
            "n": -i,
        }
        for i, text in enumerate(ODD_TEXTS)
    ]
    rows += [
        {"id": 100, "text": None, "flag": None, "at": None, "day": None, "n": None},
        {"id": 101, "text": "whole seconds", "at": at.replace(microsecond=0), "flag": False, "day": None, "n": 0},
        # Before PostgreSQL's epoch (2000-01-01: negative microseconds and days), another zone, extremes.
        {
            "id": 102,
            "text": "1999",
            "at": datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            "flag": True,
            "day": date(1999, 12, 31),
            "n": -(2**31),
        },
        {
            "id": 2**62,
            "text": "北京时间",
            "at": datetime(2026, 3, 4, 20, 51, 43, 1, tzinfo=SHANGHAI),
            "flag": False,
            "day": date(2000, 1, 1),
            "n": 2**31 - 1,
        },
    ]
    with db.begin() as connection:
        insert_rows(connection, table, rows)
    with db.connect() as connection:
        copied = [dict(row._mapping) for row in connection.execute(select(table).order_by(table.c.id))]
        connection.execute(table.delete())
        # Read models store UTC: an insert of the same rows with their datetimes in UTC.
        connection.execute(
            insert(table),
            [
                {c.name: utc(v) if isinstance(v := row.get(c.name), datetime) else v for c in table.columns}
                for row in rows
            ],
        )
        inserted = [dict(row._mapping) for row in connection.execute(select(table).order_by(table.c.id))]
        connection.commit()
    assert copied == inserted
    assert utc(copied[-1]["at"]) == datetime(2026, 3, 4, 12, 51, 43, 1, tzinfo=UTC)  # SQLite: naive UTC
    assert [row["text"] for row in copied[: len(ODD_TEXTS)]] == ODD_TEXTS
    assert copied[len(ODD_TEXTS)]["text"] is None
