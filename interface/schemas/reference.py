"""Schemas for grids, departments and staff accounts, as given and as answered."""

from __future__ import annotations

from marshmallow import fields, validate

from application.directory import GRID_LEVELS
from interface.schemas import answers
from interface.schemas.base import RequestSchema, one_of, text

CODE = validate.Regexp(r"^[A-Za-z0-9_.-]{1,64}$", error="Use 1-64 letters, digits, '_', '-' or '.'.")


class GridCreateSchema(RequestSchema):
    code = fields.String(required=True, validate=CODE)
    name = text(200, required=True)
    level = one_of(GRID_LEVELS, required=True)
    parent = fields.String(load_default=None, allow_none=True, validate=CODE)


class DepartmentCreateSchema(RequestSchema):
    code = fields.String(required=True, validate=CODE)
    name = text(200, required=True)


class GridSchema(answers.AnswerSchema):
    code = answers.string()
    name = answers.string()
    level = answers.coded(GRID_LEVELS)
    parent = answers.string(nullable=True)
    path = answers.string()


class GridNodeSchema(GridSchema):
    children = fields.List(fields.Nested(lambda: GridNodeSchema()), required=True)


class GridTreeSchema(answers.AnswerSchema):
    items = answers.nested(GridNodeSchema, many=True)
    total = answers.integer()


class DepartmentSchema(answers.AnswerSchema):
    code = answers.string()
    name = answers.string()


class DepartmentsSchema(answers.AnswerSchema):
    items = answers.nested(DepartmentSchema, many=True)
    total = answers.integer()
