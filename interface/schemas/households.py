"""Schemas for registering a household and its commands (members, tags, liaison, pairing, visits)."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.case_types import Channel
from domain.household_types import CareTag, HouseholdKind
from interface.schemas import personal
from interface.schemas.base import RequestSchema, one_of, text
from interface.schemas.cases import CaseReportSchema


class HeadSchema(RequestSchema):
    """The head of household (户主)."""

    name = text(100, required=True)
    id_number = personal.id_number(allow_none=True)
    phone = personal.phone(allow_none=True)


class HouseholdRegisterSchema(RequestSchema):
    address = text(300, required=True)
    grid = fields.String(required=True, validate=validate.Length(min=1, max=64))
    kind = one_of(HouseholdKind, required=True)
    head = fields.Nested(HeadSchema, required=True)


class MemberSchema(HeadSchema):
    """A member moving in; ``floating`` marks the floating population (流动人员) of a rental."""

    relation = text(50, required=True, metadata={"example": "tenant"})
    floating = fields.Boolean(required=True)
    origin = text(200, allow_none=True, metadata={"description": "where a floating member comes from"})


class MoveOutSchema(RequestSchema):
    reason = text(2000, allow_none=True)


class TagSchema(RequestSchema):
    tag = one_of(CareTag, required=True)


class StaffRefSchema(RequestSchema):
    """The liaison (联户长) or pairing cadre (结对帮扶干部): a staff member's id."""

    staff_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class NeedSchema(CaseReportSchema):
    """A need found on a visit: a case report whose grid and channel default to the household's and "visit"."""

    grid = fields.String(validate=validate.Length(min=1, max=64))
    channel = one_of(Channel)

    class Meta(CaseReportSchema.Meta):
        exclude = ("household_id", "patrol_id")


class VisitSchema(RequestSchema):
    notes = text(5000, required=True)
    needs = fields.List(fields.Nested(NeedSchema), load_default=list, validate=validate.Length(max=20))
