"""Schemas for handover meetings and the case commands that involve them."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.meeting import LEVELS
from interface.schemas.base import ReadSchema, RequestSchema, UpperBound, one_of, text
from interface.schemas.read_models import PageSchema


class MeetingCreateSchema(RequestSchema):
    title = text(200, required=True)
    level = one_of(LEVELS, required=True)
    org = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "grid code of the county or town holding the meeting"},
    )
    scheduled_for = fields.Date(required=True)
    chair = text(100, required=True)


class HoldSchema(RequestSchema):
    attendees = fields.List(text(100), required=True, validate=validate.Length(min=1, max=200))
    minutes = text(20_000, required=True)


class EscalateSchema(RequestSchema):
    meeting_id = fields.UUID(required=True)
    reason = text(2000, required=True)


class AssignSchema(RequestSchema):
    lead_department = fields.String(required=True, validate=validate.Length(min=1, max=64))
    co_departments = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)), load_default=list, validate=validate.Length(max=20)
    )
    deadline = UpperBound(required=True)
    instruction = text(2000)


class HandoverListQuerySchema(ReadSchema):
    format = one_of(("json", "csv", "xlsx", "html"), load_default="json")
    as_of = UpperBound()


class MeetingListQuerySchema(PageSchema):
    org = fields.String(validate=validate.Length(min=1, max=64))
