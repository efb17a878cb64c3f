"""入户走访: a grid worker's visits due this month, a household page (members masked) and recording a visit.

The lists and the household are the households endpoints' own answers (their undecorated views, for the
signed-in person, whose field-work scope the policy decides: department staff are refused); a visit goes
through the one command path with the page's version."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from application.errors import ApplicationError
from interface.console import signin
from interface.console.form_keys import posted_key
from interface.console.messages import chinese_problem
from interface.console.pages import page_globals
from interface.console.statistics import answer_of
from interface.context import services
from interface.endpoint import CONSOLE_PREFIX
from interface.schemas.fieldwork_reads import VisitsDueQuerySchema
from interface.schemas.households import VisitSchema
from interface.views import households as api

blueprint = Blueprint("console_households", __name__, url_prefix=CONSOLE_PREFIX + "/households")
blueprint.before_request(signin.protect)
blueprint.context_processor(page_globals)


@blueprint.errorhandler(ApplicationError)
@blueprint.errorhandler(ValidationError)
def refused(error: Exception) -> tuple[str, int]:
    status, message, _ = chinese_problem(error) or (400, "无法完成此请求。", str(error))
    return render_template("console/refused.html", message=message), status


@blueprint.get("/visits-due")
def visits_due() -> str:
    query = {name: request.args[name] for name in ("month", "grid", "tag", "page") if request.args.get(name)}
    answer = answer_of(api.visits_due, VisitsDueQuerySchema, query)
    return render_template("console/visits_due.html", answer=answer)


@blueprint.get("/<household_id>")
def household_page(household_id: str) -> tuple[str, int] | str:
    return _render(household_id)


@blueprint.post("/<household_id>/visits")
def record_visit(household_id: str) -> Response | tuple[str, int] | str:
    version = request.form.get("version", "")
    if not version.isdigit():
        return _render(household_id, problem=(400, "表单缺少版本，请刷新页面。", "no version"))
    try:
        body = VisitSchema().load({"notes": request.form.get("notes", ""), "needs": _posted_needs()})
        # posted twice (a double click, a resubmit): recorded once, and both land on the household page
        once = posted_key("visit", household_id, body)
        services().households.visit(g.staff, household_id, **body, expected_version=int(version), idempotency=once)
    except Exception as error:  # noqa: BLE001 - the application's errors are shown; others re-raised
        problem = chinese_problem(error, thing="住户")
        if problem is None:
            raise
        return _render(household_id, problem=problem)
    return redirect(url_for("console_households.household_page", household_id=household_id))


def _posted_needs() -> list[dict[str, str]]:
    """The need the form names (a title given), as the API's ``needs``: the schema checks it like any report."""
    title = request.form.get("need_title", "").strip()
    if not title:
        return []
    need = {"title": title, "description": request.form.get("need_description", "").strip() or title}
    for field in ("category", "track"):
        if chosen := request.form.get(f"need_{field}", "").strip():
            need[field] = chosen
    return [need]


def _render(household_id: str, problem: tuple[int, str, str] | None = None) -> tuple[str, int]:
    household = api.read.__wrapped__(household_id).get_json()
    return render_template("console/household.html", household=household, problem=problem), (
        problem[0] if problem else 200
    )
