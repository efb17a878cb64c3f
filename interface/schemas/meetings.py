"""Schemas for handover meetings and the case commands that involve them; meetings as answered."""

from __future__ import annotations

from marshmallow import fields, validate

from application.handover_list import STATUS_WORDS as HANDOVER_STATUS_WORDS
from domain.meeting import LEVELS
from domain.meeting import STATUS_LABELS as MEETING_STATUSES
from interface.schemas.answers import (
    ActorSchema,
    AnswerSchema,
    PageFieldsSchema,
    coded,
    identifier,
    integer,
    label,
    moment,
    nested,
    page_of,
    record,
    string,
    strings,
)
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


class MeetingRowSchema(AnswerSchema):
    id = identifier()
    title = string()
    level = coded(LEVELS)
    level_label = label()
    org = string()
    scheduled_for = fields.Date(required=True)
    chair = string()
    status = coded(MEETING_STATUSES)
    status_label = label()
    created_at = moment(nullable=False)


class MeetingListRowSchema(MeetingRowSchema):
    items = integer()


class MeetingItemSchema(AnswerSchema):
    case_id = string()
    case_no = string()
    reason = string()
    submitted_by = nested(ActorSchema)
    submitted_at = moment(nullable=False)
    assignment = record(nullable=True)
    ticked_off_at = moment()


class MeetingStateSchema(MeetingRowSchema):
    """A meeting with the items submitted to it (its ETag the version; ``position`` only in a command's answer)."""

    attendees = strings()
    minutes = string(nullable=True)
    items = nested(MeetingItemSchema, many=True)
    version = integer()
    position = integer(nullable=True)
    updated_at = moment(nullable=False)


class HandoverItemSchema(AnswerSchema):
    no = integer()
    case_id = string()
    case_no = string()
    title = string()
    grid = string()
    grid_name = string()
    community = string(nullable=True)
    submitted_by = string(nullable=True)
    lead_department = string(nullable=True)
    lead_department_name = string(nullable=True)
    co_departments = strings()
    co_department_names = strings()
    deadline = moment()
    progress = string()
    status = coded(HANDOVER_STATUS_WORDS)
    status_label = label()
    ticked_off_at = moment()
    carried_over_from = string(nullable=True)
    carried_over_from_title = string(nullable=True)


class HandoverListSchema(AnswerSchema):
    """The handover list as JSON (``format=csv|xlsx|html`` answer those media types instead)."""

    meeting = nested(MeetingStateSchema)
    as_of = moment()
    items = nested(HandoverItemSchema, many=True)


MeetingListSchema = page_of(MeetingListRowSchema, "MeetingListSchema", PageFieldsSchema)
