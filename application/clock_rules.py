"""The calendar and the time-limit rules in force: read per process, refreshed only when their version moved.

A deadline-setting command asks ``policy()``: one indexed look-up of the two aggregates' latest versions, and
the cached ``DeadlinePolicy`` unless one of them changed. Before an admin first changes them, each is at
version 1: a calendar in which no day differs from Mon–Fri, and the ``GRIDLEDGER_TIME_LIMITS`` file's rules
(read once, when the process starts) or the defaults. The first change stores that version 1, then its own.
"""

from __future__ import annotations

import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import func, select

from application.commands import CommandHandler, CommandResult, Create
from application.errors import NotFound, VersionMismatch
from application.idempotency import IdempotencyKey
from application.official_calendar import official_days
from application.staff import StaffMember
from domain.errors import InvalidCommand
from domain.ranking import WEIGHTS, validated_weights
from domain.time_limit_rules import DEFAULT_RULES, STAGES, DeadlinePolicy, Rules, validated_rules
from domain.time_limits import TIME_LIMITS_ID, TimeLimits
from domain.working_calendar import CALENDAR_ID, WorkingCalendar, working_days_of

if TYPE_CHECKING:
    from application.ledger import GridLedger

Versions = tuple[int, int]
SYSTEM = {"id": "system", "name": "gridledger", "role": "admin", "org": None}


def rules_from_file(path: str | Path | None) -> tuple[Rules, str]:
    """The rules of a TOML file (``GRIDLEDGER_TIME_LIMITS``) over the defaults, or the defaults."""
    if not path:
        return DEFAULT_RULES, "defaults"
    with open(path, "rb") as file:
        return validated_rules(_current_shape(tomllib.load(file))), f"GRIDLEDGER_TIME_LIMITS ({path})"


def _current_shape(rules: Any) -> Any:
    """Files of older versions said ``claim_hours = 2`` where the rules now say ``claim = {hours = 2}``."""
    if not isinstance(rules, dict):
        return rules
    shaped = {}
    for key, value in rules.items():
        if key.endswith("_hours") and key.removesuffix("_hours") in STAGES:
            shaped[key.removesuffix("_hours")] = {"hours": value}
        else:
            shaped[key] = _current_shape(value)
    return shaped


class ClockRules:
    """The calendar and the rules, their changes (admin), and the policy deadlines are computed by."""

    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger
        self.first_rules, self.first_source = rules_from_file(ledger.settings.time_limits_file)
        self._handler = CommandHandler(ledger, ledger.load_case, ledger.case_policy)  # only its transaction path
        self._lock = threading.Lock()
        self._cached: tuple[Versions, DeadlinePolicy] | None = None
        self._checked_until = 0.0  # time.monotonic() until which the cached versions are taken as current

    # -- what deadlines are computed by ----------------------------------------------------------
    def policy(self) -> DeadlinePolicy:
        """What deadlines are computed by now. The versions are looked up at most every
        ``GRIDLEDGER_CLOCK_RULES_SECONDS`` (another process's change is seen within that time; this process's own
        changes at once), so that a command setting a deadline costs no query of its own."""
        cached, now = self._cached, time.monotonic()
        if cached is not None and now < self._checked_until:
            return cached[1]
        versions = self._stored_versions()
        self._checked_until = now + self.ledger.settings.clock_rules_seconds
        if cached is not None and cached[0] == versions:
            return cached[1]
        with self._lock:
            calendar, rules = self.calendar(), self.rules()
            policy = DeadlinePolicy(
                rules=rules.rules if rules else self.first_rules,
                rule_version=rules.version if rules else 1,
                calendar=working_days_of(calendar.days if calendar else {}, self.ledger.local_zone),
                calendar_version=calendar.version if calendar else 1,
            )
            self._cached = (versions, policy)
        return policy

    def _stored_versions(self) -> Versions:
        record = self.ledger.recorder.events_record_cls
        with self.ledger.datastore.transaction(commit=False) as session:
            rows = session.execute(
                select(record.originator_id, func.max(record.originator_version))
                .where(record.originator_id.in_([CALENDAR_ID, TIME_LIMITS_ID]))
                .group_by(record.originator_id)
            ).all()
        latest = {UUID(str(row[0])): int(row[1]) for row in rows}
        return latest.get(CALENDAR_ID, 0), latest.get(TIME_LIMITS_ID, 0)

    # -- reads ---------------------------------------------------------------------------------
    def calendar(self) -> WorkingCalendar | None:
        return self._get(CALENDAR_ID)

    def rules(self) -> TimeLimits | None:
        return self._get(TIME_LIMITS_ID)

    def calendar_days(self, year: int) -> dict[str, Any]:
        """``GET /calendar``: the version and the year's days that differ from Mon–Fri."""
        calendar = self.calendar()
        return {"version": calendar.version if calendar else 1, "days": calendar.days_of(year) if calendar else []}

    def rules_state(self) -> dict[str, Any]:
        """``GET /time-limits``: the version in force, its rules and every version's author and start."""
        stored = self.rules()
        if stored is None:
            history = [{"version": 1, "valid_from": None, "actor": None, "source": self.first_source}]
            return {"version": 1, "rules": self.first_rules, "ranking_weights": dict(WEIGHTS), "history": history}
        return {
            "version": stored.version,
            "rules": stored.rules,
            "ranking_weights": dict(stored.ranking_weights),
            "history": stored.history,
        }

    def ranking_weights(self, as_of: datetime | None = None) -> tuple[dict[str, float], int]:
        """The ranking weights in force (at ``as_of``, when given: those a ranking asked then was scored by) and
        the version of the rules that holds them."""
        stored = self.rules()
        if stored is None:
            return dict(WEIGHTS), 1
        if as_of is not None:
            then = max((entry["version"] for entry in stored.history if entry["valid_from"] <= as_of), default=1)
            if then != stored.version:
                stored = self.ledger.repository.get(TIME_LIMITS_ID, version=then)
        return dict(stored.ranking_weights), stored.version

    def _get(self, aggregate_id: UUID) -> Any:
        try:
            return self.ledger.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    # -- changes (admin) ---------------------------------------------------------------------------
    def set_day(self, staff: StaffMember, day: date, *, kind: str, name: str, **options: Any) -> CommandResult:
        """``options``: ``expected_version`` (If-Match) and ``idempotency``, as for every command."""
        return self._change_calendar(
            staff,
            lambda cal, actor, now: cal.set_day(day=day, kind=kind, name=name, actor=actor, timestamp=now),
            **options,
        )

    def clear_day(self, staff: StaffMember, day: date, **options: Any) -> CommandResult:
        self.ledger.read_policy.check_administers(staff)
        calendar = self.calendar()
        if calendar is None or day.isoformat() not in calendar.days:
            raise NotFound(f"{day.isoformat()} is not in the calendar (it follows Mon–Fri already)")
        return self._change_calendar(
            staff, lambda cal, actor, now: cal.clear_day(day=day, actor=actor, timestamp=now), **options
        )

    def import_year(self, staff: StaffMember, year: int, **options: Any) -> CommandResult:
        """The official days of ``year`` (``gridledger calendar import``); a year the package does not know is
        refused, so that nobody mistakes an empty import for a year without holidays."""
        days = official_days(year)
        if not days:
            raise InvalidCommand("year", f"the chinese-calendar package does not know {year}; enter its days by hand")
        return self._change_calendar(
            staff,
            lambda cal, actor, now: cal.import_year(
                year=year, days=days, source="chinese-calendar", actor=actor, timestamp=now
            ),
            **options,
        )

    def set_rules(
        self,
        staff: StaffMember,
        rules: Rules,
        *,
        ranking_weights: Mapping[str, float] | None = None,
        expected_version: int | None = None,
        idempotency: IdempotencyKey | None = None,
    ) -> CommandResult:
        """A new version of the rules, with new ranking weights when given (else those in force)."""
        self.ledger.read_policy.check_administers(staff)
        checked = validated_rules(rules)  # refused before anything is written
        weights = None if ranking_weights is None else validated_weights(ranking_weights)

        def make(c: Any) -> TimeLimits:
            stored = self.rules()
            _check_version(expected_version, stored.version if stored else 1)
            if stored is None:  # the first change keeps what was in force as version 1
                stored = TimeLimits(rules=self.first_rules, source=self.first_source, actor=SYSTEM, timestamp=c.now)
            stored.change(rules=checked, actor=c.actor.as_record(), timestamp=c.now, ranking_weights=weights)
            return stored

        return self._saved(self._handler.create(staff, Create(make), idempotency=idempotency))

    def _change_calendar(
        self,
        staff: StaffMember,
        change: Callable[[WorkingCalendar, dict[str, Any], Any], None],
        *,
        expected_version: int | None = None,
        idempotency: IdempotencyKey | None = None,
    ) -> CommandResult:
        self.ledger.read_policy.check_administers(staff)

        def make(c: Any) -> WorkingCalendar:
            stored = self.calendar()
            _check_version(expected_version, stored.version if stored else 1)
            calendar = stored or WorkingCalendar(actor=c.actor.as_record(), timestamp=c.now)
            change(calendar, c.actor.as_record(), c.now)
            return calendar

        return self._saved(self._handler.create(staff, Create(make), idempotency=idempotency))

    def _saved(self, result: CommandResult) -> CommandResult:
        self._checked_until = 0.0  # this process's own change counts from its next deadline on
        return result


def _check_version(expected: int | None, actual: int) -> None:
    if expected is not None and expected != actual:
        raise VersionMismatch(expected=expected, actual=actual)
