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
    ranking_weights = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        load_default=None,
        metadata={
            "description": "response_rate, on_time_rate and satisfaction_rate, each ≥ 0, summing to 1 "
            "(omitted: the weights in force are kept)"
        },
    )


class CalendarDayAnswerSchema(answers.AnswerSchema):
    date = fields.Date(required=True)
    kind = answers.coded(DAY_KINDS, labelled=False)
    name = answers.string()


class CalendarSchema(answers.AnswerSchema):
    """The calendar's version (its ETag) and one year's days that differ from Mon–Fri."""

    year = answers.integer()
    version = answers.integer()
    days = answers.nested(CalendarDayAnswerSchema, many=True)
    position = fields.Integer(metadata={"description": "after a change: the global position of its event"})


class RulesVersionSchema(answers.AnswerSchema):
    version = answers.integer()
    valid_from = answers.moment()
    actor = answers.nested(answers.ActorSchema, nullable=True)
    source = fields.String(allow_none=True, metadata={"description": "version 1: where its rules came from"})


class TimeLimitsAnswerSchema(answers.AnswerSchema):
    """The rules in force (track → stage → {hours | working_days}, with per-category overrides), their version
    (its ETag) and every version's start and author."""

    version = answers.integer()
    rules = answers.record()
    ranking_weights = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    history = answers.nested(RulesVersionSchema, many=True)
    position = fields.Integer(metadata={"description": "after a change: the global position of its event"})
