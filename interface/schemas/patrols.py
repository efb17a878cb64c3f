"""Schemas for starting a patrol and its commands (checkpoints, findings, end); the patrol as answered."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.case_types import Category, Track
from domain.patrol import ENDED, ON_PATROL
from domain.patrol_types import PatrolKind
from interface.schemas.answers import (
    ActorSchema,
    AnswerSchema,
    RaisedCaseSchema,
    coded,
    identifier,
    integer,
    label,
    moment,
    nested,
    records,
    string,
)
from interface.schemas.base import RequestSchema, one_of, text
from interface.schemas.cases import LocationSchema

PATROL_STATUSES = (ON_PATROL, ENDED)


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


class PatrolStateSchema(AnswerSchema):
    """A patrol now (its ETag the version); a finding's answer also names the case it raised."""

    id = identifier()
    grid = string()
    kind = coded(PatrolKind)
    kind_label = label()
    status = coded(PATROL_STATUSES)
    status_label = label()
    members = records()
    started_by = nested(ActorSchema)
    started_at = moment(nullable=False)
    checkpoints = records()
    findings = records()
    ended_at = moment()
    summary = string(nullable=True)
    version = integer()
    position = integer()
    created_at = moment(nullable=False)
    updated_at = moment(nullable=False)
    raised_cases = fields.List(fields.Nested(RaisedCaseSchema))
