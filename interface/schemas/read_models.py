"""Query-string schemas of the read models: case list, work queues, audit log."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.case_types import Category, Channel, Status, Track
from interface.schemas.base import LowerBound, ReadSchema, UpperBound, one_of

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
