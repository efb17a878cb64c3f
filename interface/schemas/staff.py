"""Schemas for staff accounts: create, list, change role, revoke, rotate the token; the answers."""

from __future__ import annotations

from marshmallow import fields

from domain.actor import Role
from interface.schemas import answers
from interface.schemas.base import RequestSchema, one_of, text
from interface.schemas.read_models import PageSchema
from interface.schemas.reference import CODE


class ScopeSchema(RequestSchema):
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


class StaffCreateSchema(ScopeSchema):
    name = text(100, required=True)


class RoleChangeSchema(ScopeSchema):
    """The account's new role and scope; the one it held ends now."""


class RevokeSchema(RequestSchema):
    reason = text(500, required=True)


class RotateTokenSchema(RequestSchema):
    pass


class StaffListQuerySchema(PageSchema):
    grid = fields.String(validate=CODE, metadata={"description": "accounts scoped within this grid's subtree"})
    role = one_of([r.value for r in Role])
    org = fields.String(validate=CODE, metadata={"description": "department or grid code, as events record it"})
    active = fields.Boolean(load_default=None, metadata={"description": "false: revoked accounts only"})


class StaffSchema(answers.AnswerSchema):
    id = answers.string()
    name = answers.string()
    role = answers.coded(Role)
    org = answers.string(nullable=True)
    grid = answers.string(nullable=True)
    active = answers.boolean()


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


class AccountSchema(StaffRecordSchema):
    """A staff account with its version (its ETag)."""

    version = answers.integer()


class IssuedAccountSchema(AccountSchema):
    """An account with the token just issued to it, shown here once (null on a retry with the same
    Idempotency-Key: it was shown the first time)."""

    token = answers.string(nullable=True)


StaffPageSchema = answers.page_of(StaffSchema, "StaffPageSchema", base=answers.PageFieldsSchema)
