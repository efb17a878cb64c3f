"""Schemas for grids, departments and staff accounts, as given and as answered."""

from __future__ import annotations

from marshmallow import fields, validate

from application.directory import GRID_LEVELS
from domain.actor import Role
from interface.schemas.answers import AnswerSchema, coded, integer, label, moment, nested, string
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


class StaffCreateSchema(RequestSchema):
    name = text(100, required=True)
    role = one_of([r.value for r in Role], required=True)
    org = fields.String(
        load_default=None,
        allow_none=True,
        validate=CODE,
        metadata={"description": "department code, for department staff"},
    )
    grid = fields.String(
        load_default=None,
        allow_none=True,
        validate=CODE,
        metadata={"description": "grid code: the root of the staff member's scope"},
    )


class GridSchema(AnswerSchema):
    code = string()
    name = string()
    level = coded(GRID_LEVELS)
    level_label = label()
    parent = string(nullable=True)
    path = string()


class GridNodeSchema(GridSchema):
    children = fields.List(fields.Nested(lambda: GridNodeSchema()), required=True)


class GridTreeSchema(AnswerSchema):
    items = nested(GridNodeSchema, many=True)
    total = integer()


class DepartmentSchema(AnswerSchema):
    code = string()
    name = string()


class DepartmentsSchema(AnswerSchema):
    items = nested(DepartmentSchema, many=True)
    total = integer()


class StaffSchema(AnswerSchema):
    id = string()
    name = string()
    role = coded(Role)
    role_label = label()
    org = string(nullable=True)
    grid = string(nullable=True)


class NewStaffSchema(StaffSchema):
    """The token is shown once, here only."""

    token = string()


class RoleHeldSchema(AnswerSchema):
    role = coded(Role)
    role_label = label()
    org = string(nullable=True)
    grid = string(nullable=True)
    granted_by = string(nullable=True)
    valid_from = moment(nullable=False)
    valid_to = moment()


class StaffRecordSchema(StaffSchema):
    """A staff account with every role and scope it has held."""

    roles = nested(RoleHeldSchema, many=True)
