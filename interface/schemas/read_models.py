"""The read models' query strings and pages: case list, work queues, audit log, projections."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.case_types import Category, Channel, Status, Track
from interface.schemas.answers import (
    ActorSchema,
    AnswerSchema,
    boolean,
    coded,
    integer,
    moment,
    nested,
    page_of,
    record,
    string,
)
from interface.schemas.base import LowerBound, ReadSchema, UpperBound, one_of
from interface.schemas.cases import CaseCodesSchema
from projections.work_queues import QUEUES

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


class QueueQuerySchema(PageSchema):
    grid = fields.String(validate=validate.Length(min=1, max=64))
    department = fields.String(validate=validate.Length(min=1, max=64))


class AuditQuerySchema(PageSchema):
    actor = fields.String(validate=validate.Length(min=1, max=36))
    aggregate_type = fields.String(validate=validate.Length(min=1, max=32))
    aggregate_id = fields.String(validate=validate.Length(min=1, max=36))
    event_type = fields.String(validate=validate.Length(min=1, max=64))
    start = LowerBound(data_key="from")
    end = UpperBound(data_key="to")


class QueueRowSchema(CaseCodesSchema):
    queue = coded(QUEUES)


class AuditRowSchema(AnswerSchema):
    position = integer()
    at = moment(nullable=False)
    aggregate_type = string()
    aggregate_id = string()
    version = integer()
    type = string()
    label = string()
    actor = nested(ActorSchema)
    data = record()


class ProjectionStatusSchema(AnswerSchema):
    name = string()
    position = integer()
    head = integer()
    lag = integer()
    status = string()
    error = string(nullable=True)


class WorkerSchema(AnswerSchema):
    in_process = boolean()
    last_error = string(nullable=True)


class ProjectionsSchema(AnswerSchema):
    items = nested(ProjectionStatusSchema, many=True)
    worker = nested(WorkerSchema)


CaseListSchema = page_of(CaseCodesSchema, "CaseListSchema")
QueueSchema = page_of(QueueRowSchema, "QueueSchema")
AuditSchema = page_of(AuditRowSchema, "AuditSchema")
