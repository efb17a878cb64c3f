"""The household and patrol read models' query strings and pages."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from application.directory import GRID_LEVELS
from domain.household_types import CareTag, HouseholdKind
from domain.patrol_types import PatrolKind
from interface.schemas.answers import (
    AnswerSchema,
    CountedPageSchema,
    NamedStaffSchema,
    PageFieldsSchema,
    coded,
    identifier,
    integer,
    label,
    moment,
    nested,
    number,
    page_of,
    records,
    string,
    strings,
)
from interface.schemas.base import LowerBound, UpperBound, one_of
from interface.schemas.patrols import PATROL_STATUSES
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


class HeadRowSchema(AnswerSchema):
    name = string()
    phone = string(nullable=True)


class HouseholdRowSchema(AnswerSchema):
    id = identifier()
    address = string()
    grid = string()
    kind = coded(HouseholdKind)
    kind_label = label()
    head = nested(HeadRowSchema)
    tags = fields.List(coded(CareTag), required=True)
    tag_labels = strings()
    liaison = nested(NamedStaffSchema, nullable=True)
    pairing = nested(NamedStaffSchema, nullable=True)
    last_visit_at = moment()


class HouseholdListRowSchema(HouseholdRowSchema):
    residents = integer()
    floating = integer()
    visits = integer()
    registered_at = moment(nullable=False)
    updated_at = moment(nullable=False)
    version = integer()
    position = integer()


class PatrolRowSchema(AnswerSchema):
    id = identifier()
    grid = string()
    kind = coded(PatrolKind)
    kind_label = label()
    status = coded(PATROL_STATUSES)
    status_label = label()
    members = records()
    started_by = nested(NamedStaffSchema)
    started_at = moment(nullable=False)
    ended_at = moment()
    hours = number(nullable=True)
    checkpoints = integer()
    last_checkpoint = string(nullable=True)
    findings = integer()
    fixed_on_spot = integer()
    cases_raised = integer()
    summary = string(nullable=True)
    version = integer()
    position = integer()


class FiguresSchema(AnswerSchema):
    """A grid's figures, each counting the grids beneath it too (which figures: the endpoint's)."""

    grid = string()
    name = string()
    level = coded(GRID_LEVELS)
    path = string()


def figures_page(name: str, figures: tuple[str, ...], **extra: fields.Field) -> type[Schema]:
    """A page of grids with ``figures``, and their ``totals`` over the whole subtree."""
    numbers = {figure: number() if figure == "hours" else integer() for figure in figures}
    row = type(f"{name}RowSchema", (FiguresSchema,), dict(numbers))
    totals = type(f"{name}TotalsSchema", (AnswerSchema,), dict(numbers))
    return type(
        f"{name}Schema", (PageFieldsSchema,), {"items": nested(row, many=True), "totals": nested(totals), **extra}
    )


class VisitsDuePageSchema(CountedPageSchema):
    month = string()
    start = moment(nullable=False)
    end = moment(nullable=False)


HouseholdListSchema = page_of(HouseholdListRowSchema, "HouseholdListSchema")
VisitsDueSchema = page_of(HouseholdRowSchema, "VisitsDueSchema", VisitsDuePageSchema)
PatrolListSchema = page_of(PatrolRowSchema, "PatrolListSchema")
FloatingPopulationSchema = figures_page("FloatingPopulation", FLOATING_FIGURES)
CoverageSchema = figures_page("Coverage", COVERAGE_FIGURES, start=moment(nullable=False), end=moment(nullable=False))
