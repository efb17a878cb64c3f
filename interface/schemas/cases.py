"""Schemas for reporting a case, its commands and its read options; the case and its history as answered."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from domain.case_types import Category, Channel, FollowUpMethod, Satisfaction, Status, Track
from interface.schemas import answers, personal
from interface.schemas.base import ReadSchema, RequestSchema, UpperBound, attachments, one_of, text


class LocationSchema(RequestSchema):
    address = text(300, required=True)
    lat = fields.Float(validate=validate.Range(-90, 90), allow_none=True)
    lon = fields.Float(validate=validate.Range(-180, 180), allow_none=True)


class ReporterSchema(RequestSchema):
    name = fields.String(validate=validate.Length(max=100), allow_none=True)
    phone = personal.phone(allow_none=True)


class CaseReportSchema(RequestSchema):
    title = text(200, required=True)
    description = text(5000, required=True)
    category = one_of(Category, required=True)
    channel = one_of(Channel, required=True)
    track = one_of(Track, required=True)
    grid = fields.String(required=True, validate=validate.Length(min=1, max=64))
    location = fields.Nested(LocationSchema, allow_none=True)
    reporter = fields.Nested(ReporterSchema, allow_none=True)
    household_id = fields.UUID(allow_none=True)
    patrol_id = fields.UUID(allow_none=True)
    attachments = attachments()


class AcceptSchema(RequestSchema):
    category = one_of(Category)
    track = one_of(Track)
    note = text(2000)


class ReasonSchema(RequestSchema):
    reason = text(2000, required=True)


class MergeSchema(RequestSchema):
    into = fields.UUID(required=True)


class DepartmentsSchema(RequestSchema):
    """A lead department and its co-departments (派遣, 改派)."""

    lead_department = fields.String(required=True, validate=validate.Length(min=1, max=64))
    co_departments = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)), load_default=list, validate=validate.Length(max=20)
    )

    @validates_schema
    def lead_is_not_co(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("lead_department") in data.get("co_departments", []):
            raise ValidationError("The lead department cannot also co-handle.", "co_departments")


class DispatchSchema(DepartmentsSchema):
    note = text(2000)


class RedispatchSchema(DepartmentsSchema):
    reason = text(2000, required=True)


class EmptySchema(RequestSchema):
    pass


class NoteSchema(RequestSchema):
    text = text(5000, required=True)
    attachments = attachments()


class ExtendSchema(RequestSchema):
    due_at = UpperBound(required=True)
    reason = text(2000, required=True)


class ResolveSchema(RequestSchema):
    result = text(5000, required=True)
    attachments = attachments()


class FollowUpSchema(RequestSchema):
    """An answer (``satisfaction``, maybe ``solved``), or with ``attempt: true`` a call nobody answered."""

    satisfaction = one_of(Satisfaction)
    method = one_of(FollowUpMethod, required=True)
    comment = text(2000)
    solved = fields.Boolean(metadata={"description": "问题是否解决"})
    attempt = fields.Boolean(load_default=False, metadata={"description": "an unanswered call (no satisfaction)"})

    @validates_schema
    def answered_or_attempted(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("attempt"):
            if "satisfaction" in data or "solved" in data:
                raise ValidationError("An unanswered call has no answer.", "satisfaction")
        elif "satisfaction" not in data:
            raise ValidationError("Missing data for required field.", "satisfaction")


class SuspendSchema(RequestSchema):
    reason = text(2000, required=True)
    until = UpperBound()


class UrgeSchema(RequestSchema):
    note = text(2000, required=True)


class RevealContactSchema(RequestSchema):
    purpose = text(500, required=True)


class ContactSchema(answers.AnswerSchema):
    """The reporter's phone in full, for the person making the call; the disclosure is in the case's history."""

    case_id = answers.identifier()
    phone = answers.string()
    version = answers.integer()
    position = answers.integer()


class CaseReadQuerySchema(ReadSchema):
    version = fields.Integer(validate=validate.Range(min=1))
    as_of = UpperBound()

    @validates_schema
    def one_moment(self, data: dict[str, Any], **_: Any) -> None:
        if "version" in data and "as_of" in data:
            raise ValidationError("Give either version or as_of, not both.", "as_of")


class CaseCodesSchema(answers.VersionedSchema):
    """What a case and a row of the case list share: identity, codes (labelled), departments (named), times."""

    id = answers.identifier()
    case_no = answers.string()
    title = answers.string()
    category = answers.coded(Category)
    channel = answers.coded(Channel)
    track = answers.coded(Track)
    grid = answers.string()
    status = answers.coded(Status)
    lead_department = answers.string(nullable=True)
    co_departments = answers.strings()
    due_at = answers.moment()
    overdue = answers.boolean()
    created_at = answers.moment(nullable=False)
    updated_at = answers.moment(nullable=False)


class DeadlineSchema(answers.AnswerSchema):
    """One stage's deadline as stored when its clock started: by which rules and calendar (none: older code)."""

    due_at = answers.moment(nullable=False)
    met_at = answers.moment()
    overdue = answers.boolean()
    unit = fields.String(required=True, allow_none=True, validate=validate.OneOf(["hours", "working_days", "meeting"]))
    rule_version = answers.integer(nullable=True)
    calendar_version = answers.integer(nullable=True)
    calendar_complete = answers.boolean()


class DeadlinesSchema(answers.AnswerSchema):
    """The four clocks of a case (受理, 签收, 办结, 回访); a clock not started yet is null."""

    accept = answers.nested(DeadlineSchema, nullable=True)
    claim = answers.nested(DeadlineSchema, nullable=True)
    resolve = answers.nested(DeadlineSchema, nullable=True)
    follow_up = answers.nested(DeadlineSchema, nullable=True)


class ExtensionRequestSchema(answers.AnswerSchema):
    due_at = answers.moment(nullable=False)
    reason = answers.string()
    at = answers.moment(nullable=False)
    by = answers.nested(answers.ActorSchema)


class CaseStateSchema(CaseCodesSchema):
    """A case: its state now (or as it was), its ETag the version."""

    description = answers.string()
    claim_due_at = answers.moment()
    resolve_due_at = answers.moment()
    deadlines = answers.nested(DeadlinesSchema)
    suspended = answers.boolean()
    returns = answers.integer()
    urges = answers.integer()
    extension_request = answers.nested(ExtensionRequestSchema, nullable=True)
    acknowledged_by = answers.strings()
    follow_up_attempts = answers.records()
    meeting_id = answers.string(nullable=True)
    follow_ups = answers.records()
    resolution = answers.record(nullable=True)
    reopen_count = answers.integer()
    merged_into = answers.string(nullable=True)
    merged_cases = answers.strings()
    location = answers.record(nullable=True)
    reporter = answers.record(nullable=True)
    household_id = answers.string(nullable=True)
    patrol_id = answers.string(nullable=True)
    attachments = answers.records()
    reported_by = answers.nested(answers.ActorSchema)


class CaseHistorySchema(answers.HistorySchema):
    case_no = answers.string()
