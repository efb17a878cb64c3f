"""The working-day calendar: the days that differ from Mon–Fri, by year; admins set and clear them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, jsonify
from marshmallow import ValidationError

from application.commands import CommandResult
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint
from interface.read_your_writes import wait_for_position
from interface.schemas import clock_rules as schemas

blueprint = Blueprint("calendar", __name__, url_prefix="/calendar")


@blueprint.get("")
@endpoint(query=schemas.CalendarQuerySchema, response=schemas.CalendarSchema)
def calendar(query: dict[str, Any]) -> Response:
    """The calendar's version and one year's holidays and 调休 working days."""
    current_staff()
    wait_for_position(query.get("min_position"))
    year = query.get("year") or datetime.now(services().ledger.local_zone).year
    return _calendar_response(year)


@blueprint.put("/<day>")
@endpoint(
    body=schemas.CalendarDaySchema, command="calendar-day", conditional=True, response=schemas.CalendarChangeSchema
)
def set_day(day: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Mark a day a holiday or a working day (admin): a new calendar version."""
    when = _date(day)
    result = services().ledger.clock_rules.set_day(current_staff(), when, **body, **options)
    return _calendar_response(when.year, result)


@blueprint.delete("/<day>")
@endpoint(command="calendar-day-delete", conditional=True, response=schemas.CalendarChangeSchema)
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
    state = services().ledger.clock_rules.calendar_days(year)
    body = {"year": year, **state}
    if result is not None:
        body.update(version=result.version, position=result.position)
    response = jsonify(body)
    response.headers["ETag"] = f'"{body["version"]}"'
    return response
