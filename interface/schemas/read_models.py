"""The read models' query strings and pages: case list, work queues, audit log, projections."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.case_types import Category, Channel, Status, Track
from interface.schemas import answers
from interface.schemas.base import LowerBound, ReadSchema, UpperBound, one_of
from interface.schemas.cases import CaseCodesSchema
from projections.work_queues import ORDERS, QUEUES

MAX_PER_PAGE = 200


class PageSchema(ReadSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class CaseListQuerySchema(PageSchema):
    status = one_of(Status)
    grid = fields.String(validate=validate.Length(min=1, max=64))
    category = one_of(Category)
    track = one_of(Track)
    channel = one_of(Channel)
    department = fields.String(validate=validate.Length(min=1, max=64))
    overdue = fields.Boolean()
    q = fields.String(validate=validate.Length(min=1, max=100))
    created_from = LowerBound()
    created_to = UpperBound()
    # the 台账 of the filter: every match (page and per_page do not apply)
    format = one_of(("json", "csv", "xlsx"), load_default="json")


class QueueQuerySchema(PageSchema):
    grid = fields.String(validate=validate.Length(min=1, max=64))
    department = fields.String(validate=validate.Length(min=1, max=64))
    category = one_of(Category)
    order = one_of(ORDERS)  # "due" (default): earliest deadline first; "-due": latest first


class AuditQuerySchema(PageSchema):
    actor = fields.String(validate=validate.Length(min=1, max=36))
    aggregate_type = fields.String(validate=validate.Length(min=1, max=32))
    aggregate_id = fields.String(validate=validate.Length(min=1, max=36))
    event_type = fields.String(validate=validate.Length(min=1, max=64))
    start = LowerBound(data_key="from")
    end = UpperBound(data_key="to")


class QueueRowSchema(CaseCodesSchema):
    queue = answers.coded(QUEUES, labelled=False)
    role_in_case = answers.coded(("lead", "co"), nullable=True, labelled=False)  # with a department: its role
    urges = answers.integer()
    extension_requested = answers.boolean()
    suspended = answers.boolean()


class AuditRowSchema(answers.AnswerSchema):
    position = answers.integer()
    at = answers.moment(nullable=False)
    aggregate_type = answers.string()
    aggregate_id = answers.string()
    version = answers.integer()
    type = answers.string()
    label = answers.string()
    actor = answers.nested(answers.ActorSchema)
    data = answers.record()


class ProjectionStatusSchema(answers.AnswerSchema):
    name = answers.string()
    position = answers.integer()
    head = answers.integer()
    lag = answers.integer()
    status = answers.string()
    error = answers.string(nullable=True)


class WorkerSchema(answers.AnswerSchema):
    in_process = answers.boolean()
    last_error = answers.string(nullable=True)


class ProjectionsSchema(answers.AnswerSchema):
    items = answers.nested(ProjectionStatusSchema, many=True)
    worker = answers.nested(WorkerSchema)


CaseListSchema = answers.page_of(CaseCodesSchema, "CaseListSchema")
QueueSchema = answers.page_of(QueueRowSchema, "QueueSchema")
AuditSchema = answers.page_of(AuditRowSchema, "AuditSchema")
