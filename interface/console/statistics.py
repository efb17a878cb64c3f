"""统计: the monthly 三率 table by community or department, the rankings, a trend chart, and drill-down to the
cases a figure counts. The figures are the statistics endpoints' own answers (their undecorated views, called
for the signed-in person, whose scope the read policy decides), so the page and the API never disagree."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from application.errors import ApplicationError
from domain.actor import Role
from interface.console import signin
from interface.console.charts import rate_lines
from interface.console.messages import chinese_problem
from interface.console.pages import page_globals
from interface.endpoint import CONSOLE_PREFIX
from interface.schemas import statistics as schemas
from interface.views import statistics as api
from projections import statistics_queries as figures

blueprint = Blueprint("console_statistics", __name__, url_prefix=CONSOLE_PREFIX + "/stats")
blueprint.before_request(signin.protect)
blueprint.context_processor(page_globals)
THREE_RATES = {"response_rate": "响应率", "on_time_rate": "按期办结率", "satisfaction_rate": "满意率"}
UNITS = {"community": "按社区", "town": "按乡镇", "department": "按部门"}
TREND_MONTHS = 6


@blueprint.errorhandler(ApplicationError)
@blueprint.errorhandler(ValidationError)
def refused(error: Exception) -> tuple[str, int]:
    """Not allowed, or a month that is no month: a page in Chinese."""
    status, message, _ = chinese_problem(error) or (400, "无法完成此请求。", str(error))
    return render_template("console/refused.html", message=message), status


@blueprint.get("")
def overview() -> tuple[str, int]:
    default = "department" if g.staff.role == Role.DEPARTMENT else "community"  # a department sees only its own
    by = request.args.get("by") if request.args.get("by") in UNITS else default
    period = {"month": request.args["month"]} if request.args.get("month") else {}
    monthly = answer_of(api.monthly, schemas.MonthlyQuerySchema, {"by": by, **period})
    rankings = answer_of(api.rankings, schemas.RankingsQuerySchema, {"level": by, **period})
    first = last = monthly["to"]
    for _ in range(TREND_MONTHS - 1):
        first = figures.previous_month(first)
    own = {"department": g.staff.department} if g.staff.role == Role.DEPARTMENT else {}
    trend = answer_of(api.trend, schemas.TrendQuerySchema, {"from": first, "to": last, **own})
    chart = rate_lines(trend["rows"], THREE_RATES, title=f"{first} 至 {last} 三率走势")
    return render_template(
        "console/statistics.html",
        by=by,
        units=UNITS,
        month=last,
        monthly=monthly,
        rankings=rankings,
        chart=chart,
        rates=THREE_RATES,
    ), 200


@blueprint.get("/cases")
def counted_cases() -> str:
    """The cases behind one figure of one unit (the drill-down of a table cell)."""
    names = ("by", "unit", "figure", "part", "month", "page")
    query = {name: request.args[name] for name in names if request.args.get(name)}
    answer = answer_of(api.figure_cases, schemas.FigureCasesQuerySchema, query)
    return render_template("console/counted_cases.html", answer=answer, args=request.args)


def answer_of(view: Any, schema: type, query: dict[str, Any]) -> dict[str, Any]:
    """The JSON an API endpoint answers this query with, for the signed-in person."""
    response: Response = view.__wrapped__(schema().load(query))
    return response.get_json()
