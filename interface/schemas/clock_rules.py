"""Schemas for the working-day calendar and the time-limit rules (API.md "Accountability")."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.working_days import DAY_KINDS
from interface.schemas import answers
from interface.schemas.base import ReadSchema, RequestSchema, one_of, text


class CalendarQuerySchema(ReadSchema):
    year = fields.Integer(validate=validate.Range(min=1900, max=9998), metadata={"description": "default: this year"})


class CalendarDaySchema(RequestSchema):
    kind = one_of(DAY_KINDS, required=True)
    name = text(100, required=True)


class TimeLimitsSchema(RequestSchema):
    rules = fields.Dict(
        required=True,
        metadata={
            "description": 'per track (and optionally per category), stage → {"hours": N} or {"working_days": N}'
        },
    )


class CalendarDayAnswerSchema(answers.AnswerSchema):
    date = answers.string()
    kind = fields.String(required=True, validate=validate.OneOf(DAY_KINDS))
    name = answers.string()


class CalendarSchema(answers.AnswerSchema):
    """A year of the calendar: only the days that differ from Mon–Fri; ``version`` is the ETag."""

    year = answers.integer()
    version = answers.integer()
    days = answers.nested(CalendarDayAnswerSchema, many=True)


class CalendarChangeSchema(CalendarSchema):
    position = answers.integer()


class TimeLimitsAnswerSchema(answers.AnswerSchema):
    """The rules in force (``version`` is the ETag) and every version's start and author."""

    version = answers.integer()
    rules = answers.record()
    history = answers.records()


class TimeLimitsChangeSchema(TimeLimitsAnswerSchema):
    position = answers.integer()
