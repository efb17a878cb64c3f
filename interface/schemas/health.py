"""Liveness and readiness as answered (outside the API's base path, not problem+json)."""

from __future__ import annotations

from marshmallow import fields

from interface.schemas.answers import AnswerSchema, string


class LivenessSchema(AnswerSchema):
    status = string(metadata={"enum": ["ok"]})


class ReadinessSchema(AnswerSchema):
    """Ready, or (503) unavailable with what is wrong: the database, a stopped projection, a dead worker."""

    status = string(metadata={"enum": ["ready", "unavailable"]})
    database = string()
    problem = fields.String()
    projections = fields.Dict()
    workers = fields.Dict()
