"""Schemas for handover meetings and the case commands that involve them; meetings as answered."""

from __future__ import annotations

from marshmallow import fields, validate

from application.handover_list import STATUS_WORDS as HANDOVER_STATUS_WORDS
from domain.meeting import LEVELS
from domain.meeting import STATUS_LABELS as MEETING_STATUSES
from interface.schemas import answers
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


class MeetingRowSchema(answers.AnswerSchema):
    id = answers.identifier()
    title = answers.string()
    level = answers.coded(LEVELS)
    org = answers.string()
    scheduled_for = fields.Date(required=True)
    chair = answers.string()
    status = answers.coded(MEETING_STATUSES)
    created_at = answers.moment(nullable=False)


class MeetingListRowSchema(MeetingRowSchema):
    items = answers.integer()


class MeetingItemSchema(answers.AnswerSchema):
    case_id = answers.string()
    case_no = answers.string()
    reason = answers.string()
    submitted_by = answers.nested(answers.ActorSchema)
    submitted_at = answers.moment(nullable=False)
    assignment = answers.record(nullable=True)
    ticked_off_at = answers.moment()


class MeetingStateSchema(MeetingRowSchema):
    """A meeting with the items submitted to it (its ETag the version; ``position`` only in a command's answer)."""

    attendees = answers.strings()
    minutes = answers.string(nullable=True)
    items = answers.nested(MeetingItemSchema, many=True)
    version = answers.integer()
    position = answers.integer(nullable=True)
    updated_at = answers.moment(nullable=False)


class HandoverItemSchema(answers.AnswerSchema):
    no = answers.integer()
    case_id = answers.string()
    case_no = answers.string()
    title = answers.string()
    grid = answers.string()
    grid_name = answers.string()
    community = answers.string(nullable=True)
    submitted_by = answers.string(nullable=True)
    lead_department = answers.string(nullable=True)
    co_departments = answers.strings()
    deadline = answers.moment()
    progress = answers.string()
    status = answers.coded(HANDOVER_STATUS_WORDS)
    ticked_off_at = answers.moment()
    carried_over_from = answers.string(nullable=True)
    carried_over_from_title = answers.string(nullable=True)


class HandoverListSchema(answers.AnswerSchema):
    """The handover list as JSON (``format=csv|xlsx|html`` answer those media types instead), with the hash
    chain's head when it was made (``anchor``: ``gridledger verify --anchor POSITION:HASH`` checks it later)."""

    meeting = answers.nested(MeetingStateSchema)
    as_of = answers.moment()
    items = answers.nested(HandoverItemSchema, many=True)
    anchor = answers.nested(answers.AnchorSchema)


MeetingListSchema = answers.page_of(MeetingListRowSchema, "MeetingListSchema", answers.PageFieldsSchema)
