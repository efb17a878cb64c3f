"""Schemas for registering a household and its commands (members, tags, liaison, pairing, visits);
the household as answered."""

from __future__ import annotations

from marshmallow import fields, validate

from domain.case_types import Channel
from domain.household_types import CareTag, HouseholdKind
from interface.schemas import answers, personal
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


class MemberStateSchema(answers.AnswerSchema):
    """A member; ID number and phone masked for everyone but an admin."""

    member_id = answers.string()
    name = answers.string()
    relation = answers.string(nullable=True)
    floating = answers.boolean()
    origin = answers.string(nullable=True)
    added_at = answers.moment(nullable=False)
    moved_out_at = answers.moment()
    id_number = answers.string(nullable=True)
    phone = answers.string(nullable=True)


class TagStateSchema(answers.AnswerSchema):
    tag = answers.coded(CareTag)
    label = answers.string()


class HouseholdSchema(answers.AnswerSchema):
    """What a household's state and the rows of the household lists share."""

    id = answers.identifier()
    address = answers.string()
    grid = answers.string()
    kind = answers.coded(HouseholdKind)


class HouseholdStateSchema(HouseholdSchema, answers.VersionedSchema):
    """A household now (its ETag the version); a visit's answer also names the cases it raised."""

    head = answers.nested(MemberStateSchema)
    members = answers.nested(MemberStateSchema, many=True)
    residents = answers.integer()
    floating = answers.integer()
    tags = answers.nested(TagStateSchema, many=True)
    liaison = answers.record(nullable=True)
    pairing = answers.record(nullable=True)
    visits = answers.records()
    registered_by = answers.nested(answers.ActorSchema)
    created_at = answers.moment(nullable=False)
    updated_at = answers.moment(nullable=False)
    raised_cases = fields.List(fields.Nested(answers.RaisedCaseSchema))
