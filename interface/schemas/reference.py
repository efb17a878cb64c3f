"""Schemas for grids, departments and staff accounts, as given and as answered."""

from __future__ import annotations

from marshmallow import fields, validate

from application.directory import GRID_LEVELS
from domain.actor import Role
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


class StaffSchema(answers.AnswerSchema):
    id = answers.string()
    name = answers.string()
    role = answers.coded(Role)
    org = answers.string(nullable=True)
    grid = answers.string(nullable=True)


class NewStaffSchema(StaffSchema):
    """The token is shown once, here only."""

    token = answers.string()


class RoleHeldSchema(answers.AnswerSchema):
    role = answers.coded(Role)
    org = answers.string(nullable=True)
    grid = answers.string(nullable=True)
    granted_by = answers.string(nullable=True)
    valid_from = answers.moment(nullable=False)
    valid_to = answers.moment()


class StaffRecordSchema(StaffSchema):
    """A staff account with every role and scope it has held."""

    roles = answers.nested(RoleHeldSchema, many=True)
