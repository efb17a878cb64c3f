"""Schemas for starting a patrol and its commands (checkpoints, findings, end); the patrol as answered."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.case_types import Category, Track
from domain.patrol import ENDED, ON_PATROL
from domain.patrol_types import PatrolKind
from interface.schemas import answers
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


class PatrolSchema(answers.VersionedSchema):
    """What a patrol's state and a row of the patrol log share."""

    id = answers.identifier()
    grid = answers.string()
    kind = answers.coded(PatrolKind)
    status = answers.coded(PATROL_STATUSES)
    members = answers.records()
    started_at = answers.moment(nullable=False)
    ended_at = answers.moment()
    summary = answers.string(nullable=True)


class PatrolStateSchema(PatrolSchema):
    """A patrol now (its ETag the version); a finding's answer also names the case it raised."""

    started_by = answers.nested(answers.ActorSchema)
    checkpoints = answers.records()
    findings = answers.records()
    created_at = answers.moment(nullable=False)
    updated_at = answers.moment(nullable=False)
    raised_cases = fields.List(fields.Nested(answers.RaisedCaseSchema))
