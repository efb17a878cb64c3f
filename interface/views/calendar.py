"""The working-day calendar: the days that differ from Mon–Fri, by year; admins set and clear them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response
from marshmallow import ValidationError

from application.commands import CommandResult
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint, state_response
from interface.read_your_writes import wait_for_position
from interface.schemas import clock_rules as schemas

blueprint = Blueprint("calendar", __name__, url_prefix="/calendar")
ANSWER = schemas.CalendarSchema


@blueprint.get("")
@endpoint(query=schemas.CalendarQuerySchema, response=ANSWER)
def calendar(query: dict[str, Any]) -> Response:
    """The calendar's version and one year's holidays and 调休 working days (every role)."""
    wait_for_position(query.get("min_position"))
    year = query.get("year") or datetime.now(services().ledger.local_zone).year
    return _calendar_response(year)


@blueprint.put("/<day>")
@endpoint(body=schemas.CalendarDaySchema, command="calendar-day", conditional=True, response=ANSWER)
def set_day(day: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Mark a day a holiday or a working day (admin): a new calendar version."""
    when = _date(day)
    result = services().ledger.clock_rules.set_day(current_staff(), when, **body, **options)
    return _calendar_response(when.year, result)


@blueprint.delete("/<day>")
@endpoint(command="calendar-day-delete", conditional=True, response=ANSWER)
def clear_day(day: str, options: dict[str, Any]) -> Response:
    """Let a day follow Mon–Fri again (admin): a new calendar version."""
    when = _date(day)
    result = services().ledger.clock_rules.clear_day(current_staff(), when, **options)
    return _calendar_response(when.year, result)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"date": ["Not a valid date (YYYY-MM-DD)."]}) from None


def _calendar_response(year: int, result: CommandResult | None = None) -> Response:
    body = {"year": year, **services().ledger.clock_rules.calendar_days(year)}
    if result is not None:
        body.update(version=result.version, position=result.position)
    return state_response(body, version=body["version"], location="/calendar")
