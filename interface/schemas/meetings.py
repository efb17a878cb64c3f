"""Schemas for handover meetings and the case commands that involve them."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.meeting import LEVELS
from interface.schemas.base import LocalDateTime, RequestSchema, one_of, text


class MeetingCreateSchema(RequestSchema):
    title = text(200, required=True)
    level = one_of(LEVELS, required=True)
    org = fields.String(required=True, validate=validate.Length(min=1, max=64),
                        metadata={"description": "grid code of the county or town holding the meeting"})
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
    co_departments = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                                 load_default=list, validate=validate.Length(max=20))
    deadline = LocalDateTime(required=True)
    instruction = text(2000)


class HandoverListQuerySchema(RequestSchema):
    format = one_of(("json", "csv", "xlsx", "html"), load_default="json")
    as_of = LocalDateTime()


class MeetingListQuerySchema(RequestSchema):
    org = fields.String(validate=validate.Length(min=1, max=64))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    min_position = fields.Integer(validate=validate.Range(min=0))
