"""What every answer's schema is built of: the fields of a success body, a page, a history, a problem.

Answer schemas describe bodies for the OpenAPI document (and the tests check every answer against it); the
presenters build the bodies. Every declared field is always present (``required``); ``None`` where nullable.
A coded field ``x`` has ``x_label`` beside it (``interface/labels.py``), declared with ``label()``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from domain.actor import Role


class AnswerSchema(Schema):
    """A success body."""


def string(*, nullable: bool = False, **kwargs: Any) -> fields.String:
    return fields.String(required=True, allow_none=nullable, **kwargs)


def integer(*, nullable: bool = False) -> fields.Integer:
    return fields.Integer(required=True, allow_none=nullable)


def number(*, nullable: bool = False) -> fields.Float:
    return fields.Float(required=True, allow_none=nullable)


def boolean() -> fields.Boolean:
    return fields.Boolean(required=True)


def moment(*, nullable: bool = True) -> fields.DateTime:
    """An ISO 8601 date-time with its offset, in local time."""
    return fields.DateTime(required=True, allow_none=nullable)


def identifier(*, nullable: bool = False) -> fields.UUID:
    return fields.UUID(required=True, allow_none=nullable)


def coded(values: Any, *, nullable: bool = False) -> fields.String:
    choices = [str(value) for value in values]
    return fields.String(
        required=True,
        allow_none=nullable,
        validate=validate.OneOf(choices),
        metadata={"enum": [*choices, None] if nullable else choices},
    )


def label(*, required: bool = True) -> fields.String:
    """The Chinese label of the coded field beside it (the code itself when it has none)."""
    return fields.String(required=required)


def strings() -> fields.List:
    return fields.List(fields.String(), required=True)


def record(*, nullable: bool = False) -> fields.Dict:
    """A nested record whose members vary (an event's data, an attachment, a location)."""
    return fields.Dict(required=True, allow_none=nullable)


def records() -> fields.List:
    return fields.List(fields.Dict(), required=True)


def nested(schema: type[Schema], *, nullable: bool = False, many: bool = False) -> fields.Field:
    field = fields.Nested(schema, required=not many, allow_none=nullable)
    return fields.List(field, required=True) if many else field


class ActorSchema(AnswerSchema):
    id = string()
    name = string(nullable=True)
    role = coded(Role, nullable=True)
    role_label = label(required=False)
    org = string(nullable=True)


class NamedStaffSchema(AnswerSchema):
    id = string()
    name = string(nullable=True)


class PageFieldsSchema(AnswerSchema):
    total = integer()
    page = integer()
    per_page = integer()


class CountedPageSchema(PageFieldsSchema):
    total_exact = boolean()


def page_of(item: type[Schema], name: str, base: type[Schema] = CountedPageSchema) -> type[Schema]:
    """A page of ``item``: items, total (exact up to a limit, ``total_exact`` says), page, per_page."""
    return type(name, (base,), {"items": nested(item, many=True)})


class HistoryEventSchema(AnswerSchema):
    version = integer()
    type = string()
    label = string()
    at = moment(nullable=False)
    actor = nested(ActorSchema)
    data = record()


class HistorySchema(AnswerSchema):
    """Every event of an aggregate in order (the data masked for everyone but an admin)."""

    id = identifier()
    events = nested(HistoryEventSchema, many=True)


class RaisedCaseSchema(AnswerSchema):
    id = identifier()
    case_no = string()


class ProblemSchema(Schema):
    """application/problem+json (RFC 9457); ``errors`` (field → messages) on a validation problem."""

    type = fields.String(required=True, metadata={"format": "uri"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict()
