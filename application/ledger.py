"""GridLedger: the event-sourced application. Each command loads, authorises, commands and saves."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy.exc
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from application import schema
from application.authorization import CasePolicy
from application.fieldwork_policy import FieldworkPolicy
from application.meeting_policy import MeetingPolicy
from application.case_history import HistoryEntry, history_entries, state_as_of
from application.case_numbers import next_case_no
from application.directory import Directory
from application.errors import ConcurrentUpdate, Forbidden, NotFound
from application.idempotency import IdempotencyKey, StoredOutcome, find_outcome, record_outcome
from application.settings import Settings
from application.staff import StaffMember
from application.time_limits import TimeLimitPolicy
from domain.case import Case
from domain.household import Household
from domain.meeting import Meeting
from domain.patrol import Patrol

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Outcome:
    """What a command or a read hands back: the aggregate and its latest event's global position."""

    aggregate: Any
    position: int

    @property
    def case(self) -> Case:
        return self.aggregate

    @property
    def meeting(self) -> Meeting:
        return self.aggregate

    @property
    def household(self) -> Household:
        return self.aggregate

    @property
    def patrol(self) -> Patrol:
        return self.aggregate


class GridLedger(Application):
    """The case ledger. Reference data lives in plain tables in the same database."""

    name = "GridLedger"

    def __init__(self, settings: Settings | None = None, *, clock: Clock = utc_now) -> None:
        self.settings = settings or Settings.from_env()
        interval = self.settings.snapshot_interval
        self.snapshotting_intervals = {Case: interval, Household: interval, Patrol: interval}
        super().__init__(self.settings.event_store_env())
        self.clock = clock
        self.local_zone = ZoneInfo(self.settings.timezone)
        self.datastore = self.recorder.datastore
        # On a database that is not yet current this upgrades it (under a lock): the first run of any command.
        self.schema_report = schema.ensure_current(self.datastore.engine, self.event_store_tables)
        self.datastore.init_sqlite_wal_mode()  # already WAL (the upgrade saw to it): only tells the datastore
        self.directory = Directory(self.datastore.transaction, clock, self.settings.token_cache_seconds)
        self.case_policy = CasePolicy(self.directory)
        self.fieldwork_policy = FieldworkPolicy(self.directory)
        self.meeting_policy = MeetingPolicy(self.directory)
        self.time_limits = TimeLimitPolicy.from_file(self.settings.time_limits_file)
        self.after_save: list[Callable[[], None]] = []  # e.g. wake an in-process projection worker

    @property
    def event_store_tables(self) -> list[Any]:
        """The library's tables: stored events and snapshots."""
        return [*self.recorder.tables, *self.snapshots.recorder.tables] if self.snapshots else [*self.recorder.tables]

    # -- running a command -------------------------------------------------------------------
    def execute(self, staff: StaffMember, idempotency: IdempotencyKey | None,
                run: Callable[[Any, datetime], Sequence[Any]]) -> Outcome:
        """Run ``run`` in one transaction with the idempotency record; the first aggregate is the answer.

        A lost race (another writer saved the same case version first) rolls everything back.
        """
        try:
            with self.datastore.transaction(commit=True) as session:
                if idempotency and (outcome := find_outcome(session, staff.id, idempotency)):
                    return self._replay(outcome)
                now = self.clock()
                aggregates = run(session, now)
                recordings = self.save(*aggregates)
                case = aggregates[0]
                outcome = StoredOutcome(str(case.id), case.version, recordings[-1].notification.id)
                if idempotency:
                    record_outcome(session, staff.id, idempotency, outcome, now)
        except (IntegrityError, sqlalchemy.exc.IntegrityError) as error:
            if idempotency and (replayed := self._replay_after_race(staff, idempotency)):
                return replayed
            raise ConcurrentUpdate("it was changed by someone else at the same moment; "
                                   "reload it and try again") from error
        for listener in self.after_save:
            listener()
        return Outcome(case, outcome.position)

    def _replay(self, outcome: StoredOutcome) -> Outcome:
        case = self.repository.get(UUID(outcome.case_id), version=outcome.version)
        return Outcome(case, outcome.position)

    def _replay_after_race(self, staff: StaffMember, key: IdempotencyKey) -> Outcome | None:
        with self.datastore.transaction(commit=False) as session:
            outcome = find_outcome(session, staff.id, key)
        return self._replay(outcome) if outcome else None

    def load_case(self, case_id: str | UUID) -> Case:
        return self._load(case_id, Case, "case")

    def load_meeting(self, meeting_id: str | UUID) -> Meeting:
        return self._load(meeting_id, Meeting, "meeting")

    def load_household(self, household_id: str | UUID) -> Household:
        return self._load(household_id, Household, "household")

    def load_patrol(self, patrol_id: str | UUID) -> Patrol:
        return self._load(patrol_id, Patrol, "patrol")

    def _load(self, aggregate_id: str | UUID, kind: type, noun: str) -> Any:
        try:
            aggregate = self.repository.get(aggregate_id if isinstance(aggregate_id, UUID) else UUID(aggregate_id))
        except (AggregateNotFoundError, ValueError):
            raise NotFound(f"{noun} '{aggregate_id}' does not exist") from None
        if not isinstance(aggregate, kind):
            raise NotFound(f"{noun} '{aggregate_id}' does not exist")
        return aggregate

    # -- reads ----------------------------------------------------------------------------------
    def read_case(self, staff: StaffMember, case_id: str, *, version: int | None = None,
                  as_of: datetime | None = None) -> Outcome:
        case = self.load_case(case_id)
        self.check_read(staff, case)
        if version is not None or as_of is not None:
            case = self._past_state(case, version=version, as_of=as_of)
        return Outcome(case, self.position_of(case))

    def _past_state(self, current: Case, *, version: int | None, as_of: datetime | None) -> Case:
        if version is not None:
            if not 1 <= version <= current.version:
                raise NotFound(f"case {current.case_no} has no version {version} "
                               f"(it is at version {current.version})")
            return self.repository.get(current.id, version=version)
        assert as_of is not None
        past = state_as_of(list(self.events.get(current.id)), as_of)
        if past is None:
            raise NotFound(f"case {current.case_no} did not exist yet at {as_of.isoformat()}")
        return past

    def case_history(self, staff: StaffMember, case_id: str) -> tuple[Case, list[HistoryEntry]]:
        case = self.load_case(case_id)
        self.check_read(staff, case)
        return case, history_entries(list(self.events.get(case.id)))

    def read_meeting(self, staff: StaffMember, meeting_id: str) -> Meeting:
        """A meeting the caller may read (its handover list too); 403 otherwise -- for a role that reads no
        meeting before the lookup, so that it cannot learn which ids exist."""
        self.meeting_policy.check_reads_meetings(staff)
        meeting = self.load_meeting(meeting_id)
        self.meeting_policy.check_read(staff, meeting)
        return meeting

    def history_of(self, aggregate: Any) -> list[HistoryEntry]:
        """Every event of any aggregate, in order (households and patrols; cases use ``case_history``)."""
        return history_entries(list(self.events.get(aggregate.id)))

    def check_read(self, staff: StaffMember, case: Case) -> None:
        if not self.case_policy.may_read(staff, case):
            raise Forbidden(f"case {case.case_no} is outside your scope")

    def position_of(self, case: Case) -> int:
        """The global position of the event that produced this version of the case."""
        record_cls = self.recorder.events_record_cls
        with self.datastore.transaction(commit=False) as session:
            row = (session.query(record_cls.id)
                   .filter(record_cls.originator_id == case.id,
                           record_cls.originator_version == case.version).first())
        return int(row[0]) if row else 0

    def next_case_no(self, session: Any, now: datetime) -> str:
        return next_case_no(session, now, self.local_zone)
