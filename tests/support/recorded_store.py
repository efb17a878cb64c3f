"""What clients see of a store, as plain JSON: every aggregate at every version, every history, every
read-model row. The fixture generator (tests/fixtures/make_store_1e8a587.py) recorded it with the code of
the day; tests/integration/test_stored_events_keep_loading.py renders it again with today's code and
compares.

Later code may ADD to what clients see (a field, a column, a table); it may not drop or change what was
recorded: ``assert_keeps`` compares only what the recording holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from flask import Flask
from sqlalchemy import select

from application.ledger import GridLedger
from interface.presenters import fieldwork, meetings
from projections.registry import Projections

API = "/api/v1"
# Aggregate kind → its resource path, by the topic of its first event (module:Class.Event).
KINDS = {
    "domain.case:Case": "cases",
    "domain.meeting:Meeting": "meetings",
    "domain.household:Household": "households",
    "domain.patrol:Patrol": "patrols",
}
WITH_HISTORY = ("cases", "households", "patrols")  # meetings have no history endpoint
AUDIT_PAGE = 200


class FixedClock:
    """The moment the recording was made: "overdue" and handover-list ticks depend on now."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# -- the store's aggregates ---------------------------------------------------------------------------
def aggregates_in(ledger: GridLedger) -> dict[str, list[str]]:
    """Every aggregate id in the store by kind, in the order each was created."""
    table = ledger.recorder.events_record_cls.__table__
    found: dict[str, list[str]] = {kind: [] for kind in KINDS.values()}
    with ledger.datastore.transaction(commit=False) as session:
        rows = (
            session.connection()
            .execute(
                select(table.c.originator_id, table.c.topic).where(table.c.originator_version == 1).order_by(table.c.id)
            )
            .all()
        )
    for originator_id, topic in rows:
        found[KINDS[topic.rsplit(".", 1)[0]]].append(str(originator_id))
    return found


def render_store(app: Flask, ledger: GridLedger, token: str, aggregates: dict[str, list[str]]) -> dict[str, Any]:
    """Each aggregate: its state at every version, its state now (GET by id) and its history."""
    get = _reader(app, token)
    rendered: dict[str, Any] = {}
    for kind, ids in aggregates.items():
        rendered[kind] = {}
        for aggregate_id in ids:
            current = ledger.repository.get(UUID(aggregate_id))
            entry: dict[str, Any] = {
                "versions": [
                    _state_at(app, ledger, get, kind, aggregate_id, version)
                    for version in range(1, current.version + 1)
                ],
                "now": get(f"/{kind}/{aggregate_id}"),
            }
            if kind in WITH_HISTORY:
                entry["history"] = get(f"/{kind}/{aggregate_id}/history")
            if kind == "meetings":
                entry["handover_list"] = get(f"/meetings/{aggregate_id}/handover-list")
            rendered[kind][aggregate_id] = entry
    return rendered


def render_audit(app: Flask, token: str) -> list[Any]:
    """Every page of ``GET /audit``: its rows index the store, each entry is decoded from the event itself."""
    get, pages = _reader(app, token), []
    while True:
        pages.append(get(f"/audit?per_page={AUDIT_PAGE}&page={len(pages) + 1}"))
        if len(pages) * AUDIT_PAGE >= pages[-1]["total"]:
            return pages


def _reader(app: Flask, token: str) -> Callable[[str], Any]:
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}

    def get(path: str) -> Any:
        response = client.get(f"{API}{path}", headers=headers)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True))
        return response.get_json()

    return get


def _state_at(app: Flask, ledger: GridLedger, get: Any, kind: str, aggregate_id: str, version: int) -> Any:
    """A past version as the API presents it: cases have ``?version=N``; the others are presented the way
    their own reads present them now (admins see personal data whole)."""
    if kind == "cases":
        return get(f"/cases/{aggregate_id}?version={version}")
    aggregate = ledger.repository.get(UUID(aggregate_id), version=version)
    zone = ledger.local_zone
    if kind == "households":
        return fieldwork.household_state(aggregate, position=ledger.position_of(aggregate), zone=zone, reveal=True)
    if kind == "patrols":
        return fieldwork.patrol_state(aggregate, position=ledger.position_of(aggregate), zone=zone, reveal=True)
    return meetings.meeting_state(aggregate, None, zone, ledger.directory.department_name)


# -- read models ----------------------------------------------------------------------------------------
def read_model_rows(projections: Projections) -> dict[str, list[dict[str, Any]]]:
    """Every row of every read-model table, JSON-safe and sorted, by table name."""
    tables = {
        table.name: table
        for projection in projections.engine.projections.values()
        for table in projection.metadata.sorted_tables
    }
    rows: dict[str, list[dict[str, Any]]] = {}
    with projections.db.connect() as connection:
        for name, table in sorted(tables.items()):
            found = [
                {key: json_safe(value) for key, value in row._mapping.items()}
                for row in connection.execute(select(table))
            ]
            rows[name] = sorted(found, key=canonical)
    return rows


def json_safe(value: Any) -> Any:
    """One JSON form on either database: date-times in UTC (SQLite hands them back without a zone)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# -- comparing --------------------------------------------------------------------------------------------
def differences(recorded: Any, current: Any, path: str = "$") -> Iterator[str]:
    """Where ``current`` drops or changes what ``recorded`` holds (keys it adds are fine)."""
    if isinstance(recorded, dict):
        if not isinstance(current, dict):
            yield f"{path}: was an object, now {current!r:.200}"
            return
        for key, value in recorded.items():
            if key not in current:
                yield f"{path}.{key}: disappeared (was {value!r:.200})"
            else:
                yield from differences(value, current[key], f"{path}.{key}")
    elif isinstance(recorded, list):
        if not isinstance(current, list) or len(current) != len(recorded):
            yield f"{path}: was {recorded!r:.300}, now {current!r:.300}"
            return
        for index, (was, now) in enumerate(zip(recorded, current, strict=True)):
            yield from differences(was, now, f"{path}[{index}]")
    elif not _same(recorded, current):
        yield f"{path}: was {recorded!r:.200}, now {current!r:.200}"


def _same(was: Any, now: Any) -> bool:
    """Equal and of the same JSON type (an integer and a float of the same value count as one number)."""

    def number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    if isinstance(was, str) and isinstance(now, str) and OLD_PLUS_86_MASK.fullmatch(was):
        return now == was or now.startswith("+86 ") and now.endswith(was[-4:]) and "*" in now
    return was == now and (type(was) is type(now) or number(was) and number(now))


# The one deliberate change to what clients see of the recorded store: 1e8a587 masked a +86 mobile as
# "+86*******8000"; issue 11 masks it like any mobile, "+86 138****8000". The visible tail must not change.
OLD_PLUS_86_MASK = re.compile(r"\+86\*{7}\d{4}")


def rows_differences(
    recorded: dict[str, list[dict[str, Any]]], current: dict[str, list[dict[str, Any]]]
) -> Iterator[str]:
    """Per recorded table: the same rows, compared on the recorded columns only (new columns are fine)."""
    for table, rows in recorded.items():
        if table not in current:
            yield f"{table}: the read-model table disappeared"
            continue
        columns = sorted({column for row in rows for column in row})
        present = {column for row in current[table] for column in row} if current[table] else set(columns)
        if missing := [column for column in columns if column not in present]:
            yield f"{table}: columns disappeared: {missing}"
            continue
        kept = [row for row in current[table] if not upgrade_registration(table, row)]
        now = sorted(({column: row.get(column) for column in columns} for row in kept), key=canonical)
        was = sorted(rows, key=canonical)
        if len(now) != len(was):
            yield f"{table}: {len(was)} rows recorded, {len(now)} now"
        for index, (row_was, row_now) in enumerate(zip(was, now, strict=False)):
            yield from differences(row_was, row_now, f"{table}[{index}]")


# The one deliberate addition to the recorded store: opening it registers each staff account the store did not
# hold (accounts became an aggregate in issue 16), one ``StaffAccount`` event each, which the audit log indexes.
def upgrade_registration(table: str, row: dict[str, Any]) -> bool:
    return table == "rm_audit_log" and row.get("aggregate_type") == "StaffAccount"
