"""巡查: the patrol log of the caller's field-work scope, and a patrol page with its check-ins and findings (each
finding that became a case links to it).

The list and the patrol are the patrols endpoints' own answers (their undecorated views, for the signed-in
person, whose field-work scope the policy decides: department staff are refused, a grid worker sees the
patrols of their own grids), so the page and ``GET /patrols`` never disagree."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from marshmallow import ValidationError

from application.errors import ApplicationError
from domain.patrol_types import KIND_LABELS
from interface.console import signin
from interface.console.messages import chinese_problem
from interface.console.pages import page_globals
from interface.console.statistics import answer_of
from interface.context import services
from interface.endpoint import CONSOLE_PREFIX
from interface.labels import PATROL_STATUS_LABELS
from interface.presenters.fieldwork import raised_cases
from interface.schemas.fieldwork_reads import PatrolListQuerySchema
from interface.views import patrols as api
from interface.views.paging import COUNT_LIMIT

blueprint = Blueprint("console_patrols", __name__, url_prefix=CONSOLE_PREFIX + "/patrols")
blueprint.before_request(signin.protect)
blueprint.context_processor(page_globals)
FILTERS = ("grid", "kind", "status", "page")


@blueprint.errorhandler(ApplicationError)
@blueprint.errorhandler(ValidationError)
def refused(error: Exception) -> tuple[str, int]:
    status, message, _ = chinese_problem(error, thing="巡查") or (400, "无法完成此请求。", str(error))
    return render_template("console/refused.html", message=message), status


@blueprint.get("")
def patrol_list() -> str:
    """Patrols, latest first, filtered by grid, kind and status."""
    query = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    answer = answer_of(api.list_patrols, PatrolListQuerySchema, query)
    return render_template(
        "console/patrols.html",
        answer=answer,
        page=answer["page"],
        pages=max(1, -(-min(answer["total"], COUNT_LIMIT) // answer["per_page"])),
        grids=services().directory.list_grids(),
        kinds={str(kind): label for kind, label in KIND_LABELS.items()},
        statuses=PATROL_STATUS_LABELS,
        args=request.args,
    )


@blueprint.get("/<patrol_id>")
def patrol_page(patrol_id: str) -> str:
    patrol: dict[str, Any] = api.read.__wrapped__(patrol_id).get_json()
    case_ids = [finding["case_id"] for finding in patrol["findings"] if finding.get("case_id")]
    case_numbers = {case["id"]: case["case_no"] for case in raised_cases(services().ledger, case_ids)}
    return render_template("console/patrol.html", patrol=patrol, case_numbers=case_numbers)
