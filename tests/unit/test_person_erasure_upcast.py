"""An erasure recorded before it named households (``PersonErasure.Erased`` v1) loads with ``household_ids`` []."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Mapper, StoredEvent, UUIDAsHex

from domain.personal_records import PersonErasure


def test_an_erasure_recorded_without_households_loads_with_none() -> None:
    erasure = PersonErasure(
        key_ids=["ab" * 16],
        identified_by="phone",
        reason="本人申请",
        actor={"id": "admin", "name": "管理员", "role": "admin", "org": None},
        timestamp=datetime(2026, 12, 1, tzinfo=UTC),
        household_ids=["h-1"],
    )
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    mapper = Mapper(transcoder=transcoder)
    stored = mapper.to_stored_event(erasure.collect_events()[0])
    state = json.loads(stored.state)
    assert state.pop("household_ids") == ["h-1"] and state.pop("class_version") == 2
    older = StoredEvent(stored.originator_id, stored.originator_version, stored.topic, json.dumps(state).encode())

    event = mapper.to_domain_event(older)

    assert event.household_ids == [] and event.key_ids == ["ab" * 16]
    assert event.mutate(None).household_ids == []
