"""GridLedger: the event-sourced application: loading and reading aggregates (commands run in ``commands``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application

from application import event_chain, schema
from application.attachments import Attachments
from application.authorization import CasePolicy
from application.case_history import HistoryEntry, history_entries, state_as_of
from application.case_numbers import next_case_no
from application.chain_reading import verify_store
from application.chain_verification import Verdict
from application.clock_rules import ClockRules
from application.directory import Directory
from application.earlier_accounts import register_earlier_accounts
from application.errors import Forbidden, NotFound
from application.fieldwork_policy import FieldworkPolicy
from application.meeting_policy import MeetingPolicy
from application.person_keys import PersonKeys, master_key
from application.personal_fields import PersonalFields
from application.personal_mapper import PersonalDataMapper
from application.read_policy import ReadPolicy
from application.recent_states import RecentStates
from application.security_generation import SecurityGeneration
from application.settings import Settings
from application.staff import StaffMember
from application.staff_accounts import StaffAccounts
from domain.case import Case
from domain.household import Household
from domain.meeting import Meeting
from domain.patrol import Patrol
from domain.staff_account import StaffAccount

if TYPE_CHECKING:
    from application.commands import CommandResult

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


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
        self.directory = Directory(self.datastore.transaction, clock)
        self.case_policy = CasePolicy(self.directory)
        self.fieldwork_policy = FieldworkPolicy(self.directory)
        self.meeting_policy = MeetingPolicy(self.directory)
        self.read_policy = ReadPolicy(self.case_policy, self.meeting_policy, self.directory)
        self.clock_rules = ClockRules(self)  # the calendar and time-limit rules, cached for this process
        self.after_save: list[Callable[[], None]] = []  # e.g. wake an in-process projection worker
        self.recent_states = RecentStates()
        self.staff_accounts = StaffAccounts(self)
        self.person_keys = self._person_keys()
        self.attachments = Attachments(self)
        self.security = SecurityGeneration(self.datastore.transaction, self.directory, self.forget_erased_people)
        register_earlier_accounts(self)

    def construct_mapper(self) -> PersonalDataMapper:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=PersonalDataMapper)

    def _person_keys(self) -> PersonKeys | None:
        """Per-person keys for residents' personal fields, wrapped by GRIDLEDGER_CIPHER_KEY (none without it)."""
        if not self.settings.cipher_key or not self.settings.person_keys:
            return None
        keys = PersonKeys(
            master_key(self.settings.cipher_key),
            self.datastore.transaction,
            self.clock,
            writers_lock=f"LOCK TABLE {self.recorder.events_table_name} IN EXCLUSIVE MODE; ",
        )
        assert isinstance(self.mapper, PersonalDataMapper)
        self.mapper.personal = PersonalFields(keys)
        return keys

    def forget_erased_people(self) -> None:
        """After a key was destroyed (here or in another process): keys and aggregates held in memory go."""
        if self.person_keys is not None and self.person_keys.forget_erased_keys():
            self._forget_cached_aggregates()
            self.recent_states.clear()

    def _forget_cached_aggregates(self) -> None:
        # The library's LRUCache.clear() resets its recency list only, not the entries: both, under its lock.
        cache = self.repository.cache
        if cache is None:
            return
        with getattr(cache, "lock", nullcontext()):
            cache.cache.clear()
            if hasattr(cache, "root"):
                cache.clear()
                cache.full = False

    @property
    def event_store_tables(self) -> list[Any]:
        """The library's tables: stored events and snapshots."""
        return [*self.recorder.tables, *self.snapshots.recorder.tables] if self.snapshots else [*self.recorder.tables]

    def state_after(self, result: CommandResult) -> Any:
        """The aggregate as a command left it (a ``CommandResult``), to present in the command's answer.

        No read check: the command that made this version was authorised, and its answer shows what it did.
        """
        aggregate_id = UUID(result.id)
        return self.recent_states.get(aggregate_id, result.version) or self.repository.get(
            aggregate_id, version=result.version
        )

    def load_case(self, case_id: str | UUID) -> Case:
        return self._load(case_id, Case, "case")

    def load_meeting(self, meeting_id: str | UUID) -> Meeting:
        return self._load(meeting_id, Meeting, "meeting")

    def load_household(self, household_id: str | UUID) -> Household:
        return self._load(household_id, Household, "household")

    def load_patrol(self, patrol_id: str | UUID) -> Patrol:
        return self._load(patrol_id, Patrol, "patrol")

    def load_staff_account(self, account_id: str | UUID) -> StaffAccount:
        return self._load(account_id, StaffAccount, "staff member")

    def _load(self, aggregate_id: str | UUID, kind: type, noun: str) -> Any:
        try:
            aggregate = self.repository.get(aggregate_id if isinstance(aggregate_id, UUID) else UUID(aggregate_id))
        except (AggregateNotFoundError, ValueError):
            raise NotFound(f"{noun} '{aggregate_id}' does not exist") from None
        if not isinstance(aggregate, kind):
            raise NotFound(f"{noun} '{aggregate_id}' does not exist")
        return aggregate

    # -- reads ----------------------------------------------------------------------------------
    def read_case(
        self, staff: StaffMember, case_id: str, *, version: int | None = None, as_of: datetime | None = None
    ) -> tuple[Case, int]:
        """The case (now, or at a version or moment) and the global position of the event that made it."""
        case = self.load_case(case_id)
        self.check_read(staff, case)
        if version is not None or as_of is not None:
            case = self._past_state(case, version=version, as_of=as_of)
        return case, self.position_of(case)

    def _past_state(self, current: Case, *, version: int | None, as_of: datetime | None) -> Case:
        if version is not None:
            if not 1 <= version <= current.version:
                raise NotFound(f"case {current.case_no} has no version {version} (it is at version {current.version})")
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

    def read_household(self, staff: StaffMember, household_id: str) -> Household:
        return self._read_fieldwork(staff, self.load_household, household_id)

    def read_patrol(self, staff: StaffMember, patrol_id: str) -> Patrol:
        return self._read_fieldwork(staff, self.load_patrol, patrol_id)

    def _read_fieldwork(self, staff: StaffMember, load: Callable[[str], Any], aggregate_id: str) -> Any:
        """A household or patrol the caller may read: the role first (so no existence leaks), then the grid."""
        self.fieldwork_policy.check_read(staff)
        aggregate = load(aggregate_id)
        self.fieldwork_policy.check_read(staff, aggregate.grid)
        return aggregate

    def history_of(self, aggregate: Any) -> list[HistoryEntry]:
        """Every event of any aggregate, in order (households and patrols; cases use ``case_history``)."""
        stored = self.recorder.select_events(aggregate.id)
        self.mapper.prefetch_people(stored)
        return history_entries([self.mapper.to_domain_event(event) for event in stored])

    def check_read(self, staff: StaffMember, case: Case) -> None:
        if not self.case_policy.may_read(staff, case):
            raise Forbidden(f"case {case.case_no} is outside your scope")

    def position_of(self, case: Case) -> int:
        """The global position of the event that produced this version of the case."""
        record_cls = self.recorder.events_record_cls
        with self.datastore.transaction(commit=False) as session:
            row = (
                session.query(record_cls.id)
                .filter(record_cls.originator_id == case.id, record_cls.originator_version == case.version)
                .first()
            )
        return int(row[0]) if row else 0

    # -- the hash chain (tamper evidence) --------------------------------------------------------
    def chain_head(self) -> event_chain.Link:
        """The last event chained and its hash: what an auditor writes down to check the store against later."""
        with self.datastore.transaction(commit=False) as session:
            return event_chain.head(session.connection())

    def verify_chain(self, anchor: event_chain.Link | None = None) -> Verdict:
        """Recompute the chain over the whole store (or from ``anchor`` on); the first tampering found."""
        return verify_store(self.datastore.engine, self.recorder.events_table_name, anchor)

    def next_case_no(self, session: Any, now: datetime) -> str:
        return next_case_no(session, now, self.local_zone)
