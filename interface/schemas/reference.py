"""Schemas for grids, departments and staff accounts."""

from __future__ import annotations

from marshmallow import fields, validate

from application.directory import GRID_LEVELS
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
