"""Liveness and readiness as answered (outside the API's base path, not problem+json)."""

from __future__ import annotations

from marshmallow import fields

from interface.schemas import answers


class LivenessSchema(answers.AnswerSchema):
    status = answers.string(metadata={"enum": ["ok"]})


class ReadinessSchema(answers.AnswerSchema):
    """Ready, or (503) unavailable with what is wrong: the database, a stopped projection, a dead worker."""

    status = answers.string(metadata={"enum": ["ready", "unavailable"]})
    database = answers.string()
    problem = fields.String()
    projections = fields.Dict()
    workers = fields.Dict()
