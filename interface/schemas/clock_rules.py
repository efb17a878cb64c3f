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


class CalendarAnswerSchema(answers.AnswerSchema):
    """A year of the calendar: the days that differ from Mon–Fri; after a change, its position too."""

    year = answers.integer()
    version = answers.integer()
    days = answers.records()
    position = fields.Integer()


class TimeLimitsAnswerSchema(answers.AnswerSchema):
    """The rules in force, their version and history; after a change, its position too."""

    version = answers.integer()
    rules = answers.record()
    history = answers.records()
    position = fields.Integer()
