"""The working-day calendar (工作日历): one per installation, the days that differ from Mon–Fri, versioned.

Every change is an event: a day set (a public holiday, or a 调休 working weekend day), a day cleared, a year
imported from the official schedule. The aggregate's version is the calendar version deadlines record.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidCommand
from domain.working_days import DAY_KINDS, WorkingDays

Record = dict[str, Any]
CALENDAR_ID = uuid5(NAMESPACE_URL, "gridledger:working-calendar")  # one per installation

EVENT_LABELS = {
    "Started": "建立工作日历",
    "DaySet": "设置节假日/调休",
    "DayCleared": "删除节假日/调休",
    "YearImported": "导入法定节假日",
}
DAY_KIND_LABELS = {"holiday": "节假日", "workday": "调休上班"}


class WorkingCalendar(Aggregate):
    """The days that are not what Mon–Fri says, each ``{"kind": "holiday"|"workday", "name"}``."""

    @staticmethod
    def create_id(**_: Any) -> UUID:
        return CALENDAR_ID

    @event("Started")
    def __init__(self, *, actor: Record, timestamp: datetime) -> None:
        self.days: dict[str, Record] = {}

    def set_day(self, *, day: date, kind: str, name: str, actor: Record, timestamp: datetime) -> None:
        _check_day(day, kind, name)
        self._day_set(day=day.isoformat(), kind=kind, name=name, actor=actor, timestamp=timestamp)

    @event("DaySet")
    def _day_set(self, *, day: str, kind: str, name: str, actor: Record, timestamp: datetime) -> None:
        self.days[day] = {"kind": kind, "name": name}

    def clear_day(self, *, day: date, actor: Record, timestamp: datetime) -> None:
        if day.isoformat() not in self.days:
            raise InvalidCommand("date", f"{day.isoformat()} is not in the calendar (it follows Mon–Fri already)")
        self._day_cleared(day=day.isoformat(), actor=actor, timestamp=timestamp)

    @event("DayCleared")
    def _day_cleared(self, *, day: str, actor: Record, timestamp: datetime) -> None:
        self.days.pop(day, None)

    def import_year(
        self, *, year: int, days: dict[date, Record], source: str, actor: Record, timestamp: datetime
    ) -> None:
        """A year's official days in one version; the year's earlier entries are replaced."""
        for day, entry in days.items():
            if day.year != year:
                raise InvalidCommand("days", f"{day.isoformat()} is not in {year}")
            _check_day(day, entry["kind"], entry["name"])
        entries = {day.isoformat(): {"kind": e["kind"], "name": e["name"]} for day, e in sorted(days.items())}
        self._year_imported(year=year, days=entries, source=source, actor=actor, timestamp=timestamp)

    @event("YearImported")
    def _year_imported(
        self, *, year: int, days: dict[str, Record], source: str, actor: Record, timestamp: datetime
    ) -> None:
        prefix = f"{year:04d}-"
        self.days = {d: e for d, e in self.days.items() if not d.startswith(prefix)}
        self.days.update(days)
        self.days = dict(sorted(self.days.items()))

    def days_of(self, year: int) -> list[Record]:
        prefix = f"{year:04d}-"
        return [{"date": d, **e} for d, e in sorted(self.days.items()) if d.startswith(prefix)]

    def working_days(self, zone: tzinfo) -> WorkingDays:
        return working_days_of(self.days, zone)


def working_days_of(days: dict[str, Record], zone: tzinfo) -> WorkingDays:
    return WorkingDays({date.fromisoformat(d): e["kind"] for d, e in days.items()}, zone)


def _check_day(day: date, kind: str, name: str) -> None:
    if kind not in DAY_KINDS:
        raise InvalidCommand("kind", f"must be one of {', '.join(DAY_KINDS)}")
    if not name or not name.strip():
        raise InvalidCommand("name", "must not be empty")
