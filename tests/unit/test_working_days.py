"""Working-day arithmetic against China's 2026 schedule, with chinese_calendar as the independent oracle."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.official_calendar import official_days
from domain.errors import InvalidCommand
from domain.time_limit_rules import DEFAULT_RULES, DeadlinePolicy, validated_rules
from domain.working_days import NoWorkingDay, WorkingDays

ZIYANG = ZoneInfo("Asia/Shanghai")
CALENDAR_2026 = WorkingDays({day: entry["kind"] for day, entry in official_days(2026).items()}, ZIYANG)


def local(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZIYANG)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, ZIYANG)


def test_the_official_2026_days_include_the_make_up_working_weekends() -> None:
    for day in (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 10, 10)):
        assert day.weekday() >= 5 and CALENDAR_2026.is_working_day(day)
    for day in (date(2026, 10, 1), date(2026, 10, 7)):
        assert not CALENDAR_2026.is_working_day(day)


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)))
def test_every_2026_day_agrees_with_chinese_calendar(day: date) -> None:
    assert CALENDAR_2026.is_working_day(day) == chinese_calendar.is_workday(day)


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 11, 30)), st.integers(1, 10))
def test_end_of_the_nth_working_day_agrees_with_chinese_calendar(start: date, n: int) -> None:
    expected, left = start, n
    while left:
        expected += timedelta(days=1)
        left -= chinese_calendar.is_workday(expected)
    counted = CALENDAR_2026.end_of_nth_working_day(local(start, 16), n)
    assert counted.at == end_of(expected) and counted.complete


def test_national_day_week_is_skipped() -> None:
    assert CALENDAR_2026.end_of_nth_working_day(local(date(2026, 9, 30), 16), 1).at == end_of(date(2026, 10, 8))


def test_a_year_without_entries_counts_mon_to_fri_and_is_flagged() -> None:
    counted = CALENDAR_2026.end_of_nth_working_day(local(date(2026, 12, 31), 9), 1)  # into 2027
    assert counted.at == end_of(date(2027, 1, 1)) and counted.complete is False


def test_working_time_between_counts_only_working_days() -> None:
    # Tuesday 10-13 10:00 to Thursday 10-15 10:00: 14 h + 24 h + 10 h.
    assert CALENDAR_2026.working_time_between(local(date(2026, 10, 13), 10), local(date(2026, 10, 15), 10)) == (
        timedelta(hours=48)
    )
    # Over the holiday: from 09-30 16:00 to 10-08 08:00 only 8 hours of 09-30 count.
    assert CALENDAR_2026.working_time_between(local(date(2026, 9, 30), 16), local(date(2026, 10, 8), 0)) == (
        timedelta(hours=8)
    )
    assert CALENDAR_2026.working_time_between(local(date(2026, 10, 2)), local(date(2026, 10, 1))) == timedelta()


def test_adding_working_time_jumps_weekends_and_holidays() -> None:
    moved = CALENDAR_2026.add_working_time(end_of(date(2026, 10, 15)), timedelta(hours=48))
    assert moved.at == end_of(date(2026, 10, 19))
    assert CALENDAR_2026.add_working_time(local(date(2026, 9, 30), 20), timedelta(hours=5)).at == local(
        date(2026, 10, 8), 1
    )


def test_a_calendar_without_any_working_day_is_refused_not_looped_over() -> None:
    everything_off = WorkingDays({date(2026, 1, 1) + timedelta(days=i): "holiday" for i in range(4000)}, ZIYANG)
    with pytest.raises(NoWorkingDay):
        everything_off.end_of_nth_working_day(local(date(2026, 1, 1)), 1)


def test_rules_default_and_validation() -> None:
    policy = DeadlinePolicy(DEFAULT_RULES, 1, CALENDAR_2026, 3)
    accept = policy.deadline(track="instant", category="parking", stage="accept", start=local(date(2026, 10, 1), 9))
    assert accept["due_at"] == local(date(2026, 10, 1), 10) and accept["unit"] == "hours"
    rules = validated_rules({"general": {"categories": {"dispute": {"resolve": {"working_days": 15}}}}})
    policy = DeadlinePolicy(rules, 2, CALENDAR_2026, 3)
    dispute = policy.deadline(track="general", category="dispute", stage="resolve", start=local(date(2026, 11, 2)))
    other = policy.deadline(track="general", category="parking", stage="resolve", start=local(date(2026, 11, 2)))
    assert (dispute["rule_version"], dispute["calendar_version"]) == (2, 3)
    assert dispute["due_at"] == end_of(date(2026, 11, 23)) and other["due_at"] == end_of(date(2026, 11, 9))
    for bad, field in (
        ({"express": {}}, "express"),
        ({"general": {"close": {"hours": 1}}}, "general.close"),
        ({"general": {"claim": {"minutes": 5}}}, "general.claim"),
        ({"general": {"claim": {"hours": 0}}}, "general.claim.hours"),
        ({"general": {"categories": {"weather": {}}}}, "general.categories.weather"),
    ):
        with pytest.raises(InvalidCommand) as refused:
            validated_rules(bad)
        assert refused.value.field == field
