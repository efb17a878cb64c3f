"""The official schedule of public holidays and 调休 working days, as the ``chinese-calendar`` package knows it."""

from __future__ import annotations

from datetime import date

import chinese_calendar
from chinese_calendar import constants

from domain.working_days import HOLIDAY, WORKDAY


def known_years() -> list[int]:
    """The years the installed package has the State Council's announcement for."""
    return sorted({day.year for day in constants.holidays} | {day.year for day in constants.workdays})


def official_days(year: int) -> dict[date, dict[str, str]]:
    """``{date: {"kind", "name"}}`` for the days of ``year`` that differ from Mon–Fri; empty if unknown."""
    days = {}
    for source, kind in ((constants.holidays, HOLIDAY), (constants.workdays, WORKDAY)):
        for day, english in source.items():
            if day.year == year and chinese_calendar.is_workday(day) != (day.weekday() < 5):
                days[day] = {"kind": kind, "name": _chinese_name(english) + ("调休" if kind == WORKDAY else "")}
    return dict(sorted(days.items()))


def _chinese_name(english: str) -> str:
    for holiday in constants.Holiday:
        if holiday.value == english:
            return str(holiday.chinese)
    return english
