"""Schemas for erasing a person and listing disclosures of personal data."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from interface.schemas import answers
from interface.schemas.base import LowerBound, RequestSchema, UpperBound, text
from interface.schemas.personal import id_number, phone
from interface.schemas.read_models import PageSchema


class EraseSchema(RequestSchema):
    """Whose data to erase: one of an ID number, a phone, or a household and one of its members."""

    id_number = id_number()
    phone = phone()
    household_id = fields.UUID()
    member_id = fields.UUID()
    reason = text(500, required=True)

    @validates_schema
    def _one_person(self, data: dict[str, object], **_: object) -> None:
        member = [data.get("household_id") is not None, data.get("member_id") is not None]
        given = [data.get("id_number") is not None, data.get("phone") is not None, all(member)]
        if any(member) and not all(member):
            raise ValidationError("household_id and member_id go together", "member_id")
        if sum(given) != 1:
            raise ValidationError("give exactly one of id_number, phone, or household_id with member_id", "_schema")


class ErasureSchema(answers.AnswerSchema):
    id = answers.identifier()
    identified_by = answers.coded(("id_number", "phone", "member"), labelled=False)
    keys_destroyed = answers.integer()
    older_records = answers.coded(("redacted",), labelled=False)  # records stored in clear read "[已删除]" too
    households_blanked = answers.integer()  # households read model rows of a head recorded in clear
    position = answers.integer()


class DisclosureQuerySchema(PageSchema):
    actor = fields.String(validate=validate.Length(min=1, max=36))
    start = LowerBound(data_key="from")
    end = UpperBound(data_key="to")


class DisclosureSchema(answers.AnswerSchema):
    position = answers.integer()
    at = answers.moment(nullable=False)
    actor = answers.nested(answers.ActorSchema)
    people = answers.strings()
    subject = answers.coded(("case", "household", "export"), labelled=False)
    subject_id = answers.string()
    fields = answers.strings()
    purpose = answers.string()


DisclosurePageSchema = answers.page_of(DisclosureSchema, "DisclosurePage")
