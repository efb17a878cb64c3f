"""Schemas for starting a patrol and its commands (checkpoints, findings, end)."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.case_types import Category, Track
from domain.patrol_types import PatrolKind
from interface.schemas.base import RequestSchema, one_of, text
from interface.schemas.cases import LocationSchema


class PatrolStartSchema(RequestSchema):
    grid = fields.String(required=True, validate=validate.Length(min=1, max=64))
    kind = one_of(PatrolKind, required=True)
    members = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "staff ids"},
    )


class CheckpointSchema(RequestSchema):
    place = text(300, required=True)
    lat = fields.Float(validate=validate.Range(-90, 90), allow_none=True)
    lon = fields.Float(validate=validate.Range(-180, 180), allow_none=True)


class FindingSchema(RequestSchema):
    """What was found; not fixed on the spot, it becomes a case (title defaults to the description)."""

    description = text(5000, required=True)
    category = one_of(Category, required=True)
    resolved_on_spot = fields.Boolean(required=True)
    title = text(200)
    track = one_of(Track)
    location = fields.Nested(LocationSchema, allow_none=True)


class EndSchema(RequestSchema):
    summary = text(5000, required=True)
