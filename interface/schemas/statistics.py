"""The statistics' query strings and answers (GET /stats/monthly, /stats/monthly/cases, /stats/rankings)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from domain.case_types import Category
from domain.ranking import MIN_CASES
from interface.schemas import answers
from interface.schemas.base import ReadSchema, UpperBound, one_of
from interface.schemas.read_models import PageSchema
from projections.statistics_queries import BY, COUNTS, FIGURES, RATES

MONTH = r"^(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
MAX_MONTHS = 120


def month_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Regexp(MONTH, error="Must be a month YYYY-MM."), **kwargs)


class PeriodSchema(ReadSchema):
    """``month`` (default: this month), or ``from`` and ``to`` (months, inclusive); ``as_of`` a past moment;
    ``grid`` a subtree."""

    month = month_field()
    first = month_field(data_key="from")
    last = month_field(data_key="to")
    grid = fields.String(validate=validate.Length(min=1, max=64))
    as_of = UpperBound()

    @validates_schema
    def _one_period(self, data: dict[str, Any], **_: Any) -> None:
        has_range = "first" in data or "last" in data
        if "month" in data and has_range:
            raise ValidationError("give either month or both from and to", "month")
        if has_range:
            if "first" not in data or "last" not in data:
                raise ValidationError("from and to go together", "to")
            if data["first"] > data["last"]:
                raise ValidationError("must not be before from", "to")
            first, last = (int(value[:4]) * 12 + int(value[5:]) for value in (data["first"], data["last"]))
            if last - first >= MAX_MONTHS:
                raise ValidationError(f"a period spans at most {MAX_MONTHS} months", "to")


class MonthlyQuerySchema(PeriodSchema):
    by = one_of(BY, load_default="town")
    format = one_of(("json", "csv", "xlsx"), load_default="json")


class FigureCasesQuerySchema(PeriodSchema, PageSchema):
    by = one_of(BY, load_default="town")
    unit = fields.String(required=True, validate=validate.Length(min=1, max=64))
    figure = one_of(FIGURES, required=True)
    part = one_of(("numerator", "denominator"), load_default="numerator")


class RankingsQuerySchema(PeriodSchema):
    level = one_of(("town", "community", "department"), load_default="town")
    min_cases = fields.Integer(load_default=MIN_CASES, validate=validate.Range(min=0, max=1_000_000))
    format = one_of(("json", "csv", "xlsx"), load_default="json")


class TrendQuerySchema(PeriodSchema):
    department = fields.String(validate=validate.Length(min=1, max=64))


class HotspotsQuerySchema(PeriodSchema):
    top = fields.Integer(load_default=10, validate=validate.Range(min=1, max=200))


class PartSchema(answers.AnswerSchema):
    numerator = answers.integer()
    denominator = answers.integer()


PartsSchema = type("PartsSchema", (answers.AnswerSchema,), {name: answers.nested(PartSchema) for name in RATES})
FiguresSchema = type(
    "FiguresSchema",
    (answers.AnswerSchema,),
    {
        **{name: answers.integer() for name in COUNTS},
        **{name: answers.number(nullable=True) for name in RATES},
        "parts": answers.nested(PartsSchema),
    },
)


class HeldSchema(answers.AnswerSchema):
    cases = answers.integer()
    median = answers.number(nullable=True)
    p90 = answers.number(nullable=True)


class HeldHoursSchema(answers.AnswerSchema):
    claim = answers.nested(HeldSchema)
    resolve = answers.nested(HeldSchema)


class UnitFiguresSchema(FiguresSchema):  # type: ignore[misc, valid-type]
    unit = answers.string()
    unit_name = answers.string()
    held_hours = fields.Nested(HeldHoursSchema, required=True, allow_none=True)  # by=department only


class PeriodAnswerSchema(answers.AnswerSchema):
    month = answers.string(nullable=True)
    first = answers.string(data_key="from")
    last = answers.string(data_key="to")
    as_of = answers.moment(nullable=False)


class MonthlySchema(PeriodAnswerSchema):
    by = answers.string()
    rows = answers.nested(UnitFiguresSchema, many=True)
    totals = answers.nested(FiguresSchema)
    definitions = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class DecidingEventSchema(answers.AnswerSchema):
    position = answers.integer()
    type = answers.string()
    at = answers.moment(nullable=False)
    recorded_at = answers.moment(nullable=False)


class CountedCaseSchema(answers.AnswerSchema):
    case_id = answers.string()
    case_no = answers.string(nullable=True)
    title = answers.string(nullable=True)
    month = answers.string()
    grid = answers.string()
    department = answers.string(nullable=True)
    deciding_event = answers.nested(DecidingEventSchema)


class FigureCasesBaseSchema(answers.CountedPageSchema, PeriodAnswerSchema):
    by = answers.string()
    unit = answers.string()
    figure = answers.string()
    part = answers.string()
    definition = answers.string()


FigureCasesSchema = answers.page_of(CountedCaseSchema, "FigureCasesSchema", FigureCasesBaseSchema)


class RankedSchema(answers.AnswerSchema):
    rank = answers.integer()
    unit = answers.string()
    unit_name = answers.string()
    score = answers.number()
    response_rate = answers.number(nullable=True)
    on_time_rate = answers.number(nullable=True)
    satisfaction_rate = answers.number(nullable=True)
    received = answers.integer()


class NotRankedSchema(answers.AnswerSchema):
    unit = answers.string()
    unit_name = answers.string()
    received = answers.integer()
    reason = answers.string()


class RankingsSchema(PeriodAnswerSchema):
    level = answers.string()
    min_cases = answers.integer()
    ranked = answers.nested(RankedSchema, many=True)
    not_ranked = answers.nested(NotRankedSchema, many=True)
    weights = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    weights_version = fields.Integer(
        required=True, metadata={"description": "the version of the time-limit rules that holds the weights"}
    )


class MonthFiguresSchema(FiguresSchema):  # type: ignore[misc, valid-type]
    month = answers.string()


class TrendSchema(PeriodAnswerSchema):
    rows = answers.nested(MonthFiguresSchema, many=True)
    definitions = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class HotspotSchema(answers.AnswerSchema):
    month = answers.string()
    rank = answers.integer()
    category = answers.coded(Category)
    grid = answers.string()
    grid_name = answers.string(nullable=True)
    received = answers.integer()
    previous = answers.integer()
    change = answers.integer()


class HotspotsSchema(PeriodAnswerSchema):
    top = answers.integer()
    items = answers.nested(HotspotSchema, many=True)
