"""Query-string schemas of the household and patrol read models."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from application.directory import GRID_LEVELS
from domain.household_types import CareTag, HouseholdKind
from domain.patrol_types import PatrolKind
from interface.schemas.base import LowerBound, UpperBound, one_of
from interface.schemas.read_models import PageSchema

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
    status = one_of(("on_patrol", "ended"))


class CoverageQuerySchema(GridFiguresQuerySchema, PeriodSchema):
    """Coverage of the patrols started from ``from`` (default: the 1st of this month) to ``to`` (default: now)."""
