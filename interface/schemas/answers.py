"""What every answer's schema is built of: the fields of a success body, a page, a history, a problem.

Answer schemas describe bodies for the OpenAPI document (and the tests check every answer against it); the
presenters build the bodies. Every declared field is always present (``required``); ``None`` where nullable.
A coded field ``x`` has ``x_label`` beside it, a department its name: ``AnswerMeta`` declares them.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from marshmallow.schema import SchemaMeta

from domain.actor import Role
from interface.labels import DEPARTMENT_FIELDS


class AnswerMeta(SchemaMeta):
    """Declares what ``labelled`` (``interface/labels.py``) adds: ``x_label`` beside a coded field ``x``, and the
    name(s) beside a department field (``lead_department_name``, ``co_department_names``)."""

    @classmethod
    def get_declared_fields(mcs, klass: Any, cls_fields: Any, inherited_fields: Any, dict_cls: Any = dict) -> Any:  # noqa: N804
        declared = super().get_declared_fields(klass, cls_fields, inherited_fields, dict_cls)
        for name, field in list(declared.items()):
            if field.metadata.get("labelled"):
                declared.setdefault(f"{name}_label", fields.String(required=not field.allow_none))
            if name in DEPARTMENT_FIELDS:
                declared.setdefault(DEPARTMENT_FIELDS[name], _named_like(field))
        return declared


class AnswerSchema(Schema, metaclass=AnswerMeta):
    """A success body."""


def _named_like(field: fields.Field) -> fields.Field:
    if isinstance(field, fields.List):
        return strings()
    return string(nullable=field.allow_none)


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


def coded(values: Any, *, nullable: bool = False, labelled: bool = True) -> fields.String:
    """One of ``values``; ``labelled``: with ``x_label`` (Chinese) beside it, as ``interface/labels.py`` adds."""
    choices = [str(value) for value in values]
    return fields.String(
        required=True,
        allow_none=nullable,
        validate=validate.OneOf(choices),
        metadata={"enum": [*choices, None] if nullable else choices, "labelled": labelled},
    )


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


class VersionedSchema(AnswerSchema):
    """An aggregate's version (its ETag) and the position of the event that made it so."""

    version = integer()
    position = integer()


class ActorSchema(AnswerSchema):
    id = string()
    name = string(nullable=True)
    role = coded(Role, nullable=True)
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


class AnchorSchema(AnswerSchema):
    """The hash chain's head: the last chained event's position and hash (hex), and when it was read."""

    position = integer()
    hash = string()
    at = moment(nullable=False)


class ProblemSchema(Schema):
    """application/problem+json (RFC 9457); ``errors`` (field → messages) on a validation problem."""

    type = fields.String(required=True, metadata={"format": "uri"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict()
