"""Query-string schemas of the household and patrol read models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from application.directory import GRID_LEVELS
from domain.household_types import CareTag, HouseholdKind
from domain.patrol_types import PatrolKind
from interface.schemas.base import LocalDateTime, one_of
from interface.schemas.read_models import PageSchema

MONTH = r"^(19|20)\d\d-(0[1-9]|1[0-2])$"


def grid() -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=64),
                         metadata={"description": "a grid code: its whole subtree"})


class StartOfDay(LocalDateTime):
    """Like ``LocalDateTime``, but a plain date means the *start* of that day: ``from=2026-06-01`` includes it."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment.replace(hour=0, minute=0, second=0, microsecond=0) if len(value) == 10 else moment


class PeriodSchema(PageSchema):
    start = StartOfDay(data_key="from")
    end = LocalDateTime(data_key="to")

    @validates_schema
    def _a_real_period(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("'from' must not be after 'to'.", field_name="from")


class HouseholdListQuerySchema(PageSchema):
    grid = grid()
    tag = one_of(CareTag)
    kind = one_of(HouseholdKind)


class VisitsDueQuerySchema(PageSchema):
    month = fields.String(validate=validate.Regexp(MONTH, error="Must be a month such as 2026-06."),
                          metadata={"description": "YYYY-MM in local time; default: this month"})
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
