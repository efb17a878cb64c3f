"""``gridledger demo`` tells a story that could have happened: every meeting is scheduled before its day and
held on or after it, its items were reported before it sat, and time never runs backwards or into the future."""

from __future__ import annotations

from datetime import UTC, datetime, time

from application.ledger import GridLedger
from application.settings import Settings
from interface.demo import load_demo


def test_the_demo_meetings_and_events_follow_a_plausible_order(own_database_url: str) -> None:
    # Given the demo loaded into a fresh database, as a newcomer would
    load_demo(Settings(database_url=own_database_url), echo=lambda line: None)
    loaded_by = datetime.now(UTC)
    ledger = GridLedger(Settings(database_url=own_database_url))
    try:
        notifications = ledger.recorder.select_notifications(start=1, limit=100_000)
        events = [ledger.mapper.to_domain_event(notification) for notification in notifications]
        # Time runs forward with the store's order, and never past the moment the demo was loaded
        moments = [event.timestamp for event in events]
        assert moments == sorted(moments) and moments[-1] <= loaded_by
        meeting_ids = {event.originator_id for event in events if type(event).__qualname__ == "Meeting.Scheduled"}
        assert len(meeting_ids) == 2
        held = 0
        for meeting_id in meeting_ids:
            meeting = ledger.load_meeting(meeting_id)
            history = list(ledger.events.get(meeting.id))
            day_starts = datetime.combine(
                datetime.fromisoformat(meeting.scheduled_for).date(), time.min, tzinfo=ledger.local_zone
            )
            # Scheduled before its day
            assert meeting.created_on < day_starts, meeting.title
            sat = [event.timestamp for event in history if type(event).__qualname__ == "Meeting.Held"]
            if not sat:
                assert meeting.status == "scheduled"
                continue
            held += 1
            # Held on its day or later; each item was reported (and escalated) before the meeting sat
            assert day_starts <= sat[0], meeting.title
            for case_id, item in meeting.items.items():
                assert ledger.load_case(case_id).created_on < item["submitted_at"] < sat[0]
                # ...and assigned at the meeting, not before it
                assert item["assignment"] is not None and item["assignment"]["at"] >= sat[0]
        assert held == 1
    finally:
        ledger.datastore.engine.dispose()
