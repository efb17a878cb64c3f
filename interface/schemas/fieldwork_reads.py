"""The household and patrol read models' query answers.strings and pages."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from application.directory import GRID_LEVELS
from domain.household_types import CareTag, HouseholdKind
from domain.patrol_types import PatrolKind
from interface.schemas import answers
from interface.schemas.base import LowerBound, UpperBound, one_of
from interface.schemas.households import HouseholdSchema
from interface.schemas.patrols import PATROL_STATUSES, PatrolSchema
from interface.schemas.read_models import PageSchema
from projections.household_queries import FLOATING_FIGURES
from projections.patrols import COVERAGE_FIGURES

MONTH = r"^(19|20)\d\d-(0[1-9]|1[0-2])$"


def grid() -> fields.String:
    return fields.String(
        validate=validate.Length(min=1, max=64), metadata={"description": "a grid code: its whole subtree"}
    )


class PeriodSchema(PageSchema):
    start = LowerBound(data_key="from")
    end = UpperBound(data_key="to")

    @validates_schema
    def _a_real_period(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("'from' must not be after 'to'.", field_name="from")


class HouseholdListQuerySchema(PageSchema):
    grid = grid()
    tag = one_of(CareTag)
    kind = one_of(HouseholdKind)


class VisitsDueQuerySchema(PageSchema):
    month = fields.String(
        validate=validate.Regexp(MONTH, error="Must be a month such as 2026-06."),
        metadata={"description": "YYYY-MM in local time; default: this month"},
    )
    grid = grid()
    tag = one_of(CareTag)
    kind = one_of(HouseholdKind)


class GridFiguresQuerySchema(PageSchema):
    grid = grid()
    level = one_of(GRID_LEVELS)  # only the grids of this level


class PatrolListQuerySchema(PeriodSchema):
    grid = grid()
    kind = one_of(PatrolKind)
    status = one_of(PATROL_STATUSES)


class CoverageQuerySchema(GridFiguresQuerySchema, PeriodSchema):
    """Coverage of the patrols started from ``from`` (default: the 1st of this month) to ``to`` (default: now)."""


class HeadRowSchema(answers.AnswerSchema):
    name = answers.string()
    phone = answers.string(nullable=True)


class HouseholdRowSchema(HouseholdSchema):
    head = answers.nested(HeadRowSchema)
    tags = fields.List(answers.coded(CareTag, labelled=False), required=True)
    tag_labels = answers.strings()
    liaison = answers.nested(answers.NamedStaffSchema, nullable=True)
    pairing = answers.nested(answers.NamedStaffSchema, nullable=True)
    last_visit_at = answers.moment()


class HouseholdListRowSchema(HouseholdRowSchema, answers.VersionedSchema):
    residents = answers.integer()
    floating = answers.integer()
    visits = answers.integer()
    registered_at = answers.moment(nullable=False)
    updated_at = answers.moment(nullable=False)


class PatrolRowSchema(PatrolSchema):
    started_by = answers.nested(answers.NamedStaffSchema)
    hours = answers.number(nullable=True)
    checkpoints = answers.integer()
    last_checkpoint = answers.string(nullable=True)
    findings = answers.integer()
    fixed_on_spot = answers.integer()
    cases_raised = answers.integer()


class FiguresSchema(answers.AnswerSchema):
    """A grid's figures, each counting the grids beneath it too (which figures: the endpoint's)."""

    grid = answers.string()
    name = answers.string()
    level = answers.coded(GRID_LEVELS, labelled=False)
    path = answers.string()


def figures_page(name: str, figures: tuple[str, ...], **extra: fields.Field) -> type[Schema]:
    """A page of grids with ``figures``, and their ``totals`` over the whole subtree."""
    numbers = {figure: answers.number() if figure == "hours" else answers.integer() for figure in figures}
    row = type(f"{name}RowSchema", (FiguresSchema,), dict(numbers))
    totals = type(f"{name}TotalsSchema", (answers.AnswerSchema,), dict(numbers))
    return type(
        f"{name}Schema",
        (answers.PageFieldsSchema,),
        {"items": answers.nested(row, many=True), "totals": answers.nested(totals), **extra},
    )


class VisitsDuePageSchema(answers.CountedPageSchema):
    month = answers.string()
    start = answers.moment(nullable=False)
    end = answers.moment(nullable=False)


HouseholdListSchema = answers.page_of(HouseholdListRowSchema, "HouseholdListSchema")
VisitsDueSchema = answers.page_of(HouseholdRowSchema, "VisitsDueSchema", VisitsDuePageSchema)
PatrolListSchema = answers.page_of(PatrolRowSchema, "PatrolListSchema")
FloatingPopulationSchema = figures_page("FloatingPopulation", FLOATING_FIGURES)
CoverageSchema = figures_page(
    "Coverage", COVERAGE_FIGURES, start=answers.moment(nullable=False), end=answers.moment(nullable=False)
)
