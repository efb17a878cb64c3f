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
from interface.requests import expected_version, idempotency_key, json_body
from interface.schemas import clock_rules as schemas

blueprint = Blueprint("calendar", __name__, url_prefix="/calendar")


@blueprint.get("")
@endpoint(query=schemas.CalendarQuerySchema, response=schemas.CalendarAnswerSchema)
def calendar(query: dict[str, Any]) -> Response:
    """The calendar's version and one year's holidays and 调休 working days."""
    current_staff()
    wait_for_position(query.get("min_position"))  # the calendar is read from the event store
    year = query.get("year") or datetime.now(services().ledger.local_zone).year
    return _calendar_response(year)


@blueprint.put("/<day>")
@endpoint(body=schemas.CalendarDaySchema, response=schemas.CalendarAnswerSchema, problems=(409, 412))
def set_day(day: str, body: dict[str, Any]) -> Response:
    """Mark a day a holiday or a working day (admin): a new calendar version."""
    when = _date(day)
    result = services().ledger.clock_rules.set_day(current_staff(), when, **body, **_options("calendar-day", day))
    return _calendar_response(when.year, result)


@blueprint.delete("/<day>")
@endpoint(response=schemas.CalendarAnswerSchema, problems=(400, 409, 412, 422))
def clear_day(day: str) -> Response:
    """Let a day follow Mon–Fri again (admin): a new calendar version."""
    when = _date(day)
    result = services().ledger.clock_rules.clear_day(current_staff(), when, **_options("calendar-day-delete", day))
    return _calendar_response(when.year, result)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"date": ["Not a valid date (YYYY-MM-DD)."]}) from None


def _options(command: str, target: str) -> dict[str, Any]:
    return {"expected_version": expected_version(), "idempotency": idempotency_key(command, target, json_body())}


def _calendar_response(year: int, result: CommandResult | None = None) -> Response:
    state = services().ledger.clock_rules.calendar_days(year)
    body = {"year": year, **state}
    if result is not None:
        body.update(version=result.version, position=result.position)
    response = jsonify(body)
    response.headers["ETag"] = f'"{body["version"]}"'
    return response
