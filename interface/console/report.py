"""上报: report a case from the console, checked by the API's own schema and the case policy, with a photo taken
by the form (kept by the same call as ``POST /api/v1/attachments``) and the form's key as its Idempotency-Key.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from application.errors import Forbidden
from application.staff import StaffMember
from interface.console import signin
from interface.console.form_keys import posted_key
from interface.console.messages import chinese_problem
from interface.console.pages import page_globals
from interface.console.photo_forms import posted_photo, refused_as_too_large
from interface.context import services
from interface.endpoint import CONSOLE_PREFIX
from interface.schemas.cases import CaseReportSchema
from interface.views.cases import _plain

blueprint = Blueprint("console_report", __name__, url_prefix=CONSOLE_PREFIX)
blueprint.before_request(signin.protect)
blueprint.context_processor(page_globals)
FIELDS = ("title", "description", "category", "channel", "track", "grid")


@blueprint.get("/report")
def form() -> tuple[str, int]:
    return _render(MultiDict({"channel": "grid_app", "track": "general", "grid": g.staff.grid or ""}))


@blueprint.post("/report")
def submit() -> Response | tuple[str, int]:
    raw: dict[str, Any] = {name: request.form[name] for name in FIELDS if request.form.get(name, "").strip()}
    if location := _posted_location():
        raw["location"] = location
    try:
        body = _plain(CaseReportSchema().load(raw))
        if photo := posted_photo(g.staff):  # after the fields are found valid: no file kept for a form refused
            body["attachments"] = [photo]
        result = services().cases.report(g.staff, body, idempotency=posted_key("report", None, body))
    except Exception as error:  # noqa: BLE001 - the application's errors are shown; others re-raised
        problem = chinese_problem(error)
        if problem is None:
            raise
        return _render(request.form, problem)
    return redirect(url_for("console.case_page", case_id=result.id))


def _posted_location() -> dict[str, str] | None:
    """The address typed and the position the phone gave (locate.js); a position alone is its own address.
    The schema checks both (numbers, ranges)."""
    address = request.form.get("address", "").strip()
    lat, lon = request.form.get("lat", "").strip(), request.form.get("lon", "").strip()
    if lat and lon:
        return {"address": address or f"{lat}, {lon}", "lat": lat, "lon": lon}
    return {"address": address} if address else None


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Response | tuple[str, int]:
    return refused_as_too_large(error, lambda problem: _render(MultiDict(), problem))


def _render(values: MultiDict[str, str], problem: tuple[int, str, str] | None = None) -> tuple[str, int]:
    return render_template("console/report.html", values=values, problem=problem, grids=_grids_of(g.staff)), (
        problem[0] if problem else 200
    )


def _grids_of(staff: StaffMember) -> list[dict[str, Any]]:
    """The grids offered: those the case policy lets this person report in (it decides again on submit)."""
    policy, grids = services().ledger.case_policy, services().directory.list_grids()
    offered = []
    for grid in grids:
        try:
            policy.check_report(staff, grid["code"])
        except Forbidden:
            continue
        offered.append(grid)
    return offered
