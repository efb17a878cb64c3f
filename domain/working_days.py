"""Working-day arithmetic (工作日): China's Mon–Fri week, bent by public holidays and 调休 make-up working days.

Pure: a ``WorkingDays`` is built from the calendar's entries (only the days that differ from Mon–Fri) and
answers in the local time zone it is given. A year with no entry at all is not guessed at: it counts Mon–Fri
and every answer that touched it says so (``complete`` is False), for the dispatcher to see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

HOLIDAY, WORKDAY = "holiday", "workday"
DAY_KINDS = (HOLIDAY, WORKDAY)
SEARCH_LIMIT_DAYS = 3660  # no working day in ten years means a calendar entered wrongly, not a deadline


class NoWorkingDay(ValueError):
    """The calendar has no working day where one is needed (every day of a decade marked a holiday)."""


@dataclass(frozen=True)
class Counted:
    """An answer of working-day arithmetic, and whether every year it crossed had a calendar entered."""

    at: datetime
    complete: bool


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """The end of a local day, as API.md reads a plain date in ``due_at``: 23:59:59.999999."""
    return datetime.combine(day, time.max, zone)


def start_of_day(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, zone)


class WorkingDays:
    """Which local days are working days, per the calendar's entries ``{date: "holiday"|"workday"}``."""

    def __init__(self, entries: Mapping[date, str], zone: tzinfo) -> None:
        self.entries = dict(entries)
        self.zone = zone
        self.known_years = frozenset(day.year for day in self.entries)

    def is_working_day(self, day: date) -> bool:
        kind = self.entries.get(day)
        if kind is not None:
            return kind == WORKDAY
        return day.weekday() < 5

    def end_of_nth_working_day(self, start: datetime, n: int) -> Counted:
        """The end of the Nth working day after the local day of ``start`` (that day itself never counts)."""
        day, years = start.astimezone(self.zone).date(), set()
        for _ in range(SEARCH_LIMIT_DAYS):
            if n <= 0:
                break
            day += timedelta(days=1)
            years.add(day.year)
            if self.is_working_day(day):
                n -= 1
        else:
            raise NoWorkingDay(f"no working day within {SEARCH_LIMIT_DAYS} days after {start.date().isoformat()}")
        return Counted(end_of_day(day, self.zone), years <= self.known_years)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) lies on working days (a suspension's cost to a working-day deadline)."""
        total = timedelta()
        if end <= start:
            return total
        day = start.astimezone(self.zone).date()
        while (day_start := start_of_day(day, self.zone)) < end:
            if self.is_working_day(day):
                next_start = start_of_day(day + timedelta(days=1), self.zone)
                total += min(end, next_start) - max(start, day_start)
            day += timedelta(days=1)
        return total

    def add_working_time(self, moment: datetime, amount: timedelta) -> Counted:
        """``moment`` moved later by ``amount`` of working-day time (non-working days pass for free)."""
        local, years = moment.astimezone(self.zone), {moment.astimezone(self.zone).year}
        day = local.date()
        for _ in range(SEARCH_LIMIT_DAYS):
            next_start = start_of_day(day + timedelta(days=1), self.zone)
            if self.is_working_day(day):
                room = next_start - max(local, start_of_day(day, self.zone))
                if amount <= room:
                    at = max(local, start_of_day(day, self.zone)) + amount
                    return Counted(at, years <= self.known_years)
                amount -= room
            day += timedelta(days=1)
            years.add(day.year)
        raise NoWorkingDay(f"no working day within {SEARCH_LIMIT_DAYS} days after {local.date().isoformat()}")
