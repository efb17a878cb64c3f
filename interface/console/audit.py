"""审计: one case's story by its number, and the audit log of every event with the API's filters."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from application.errors import Forbidden
from interface.console import signin
from interface.console.messages import chinese_problem
from interface.console.pages import page_globals
from interface.context import services
from interface.endpoint import CONSOLE_PREFIX
from interface.presenters.case_rows import audit_row
from interface.schemas.read_models import AuditQuerySchema
from projections import audit_log, case_list

blueprint = Blueprint("console_audit", __name__, url_prefix=CONSOLE_PREFIX)
blueprint.before_request(signin.protect)
blueprint.context_processor(page_globals)
FILTERS = ("actor", "aggregate_type", "aggregate_id", "event_type", "from", "to", "page")


@blueprint.get("/history")
def case_history() -> Response | tuple[str, int]:
    """The case with this number (among those one may read) opens on its page, timeline and all."""
    number = request.args.get("case_no", "").strip()
    if not number:
        return render_template("console/history.html", number=number, missing=False), 200
    ledger = services().ledger
    with services().projections.db.connect() as connection:
        rows, _ = case_list.search(
            connection,
            case_list.CaseFilters(q=number),
            ledger.case_policy.read_scope(g.staff),
            now=ledger.clock(),
            page=1,
            per_page=1,
            count_limit=1,
        )
    found = [row for row in rows if row["case_no"] == number]
    if found:
        return redirect(url_for("console.case_page", case_id=found[0]["id"]))
    return render_template("console/history.html", number=number, missing=True), 404


@blueprint.get("/audit")
def audit() -> tuple[str, int]:
    ledger = services().ledger
    try:
        ledger.read_policy.check_operates(g.staff)
    except Forbidden:
        return render_template("console/refused.html"), 403
    args = {name: request.args[name] for name in FILTERS if request.args.get(name, "").strip()}
    try:
        query: dict[str, Any] = AuditQuerySchema().load(args)
    except Exception as error:  # noqa: BLE001 - a validation error is shown; others re-raised
        problem = chinese_problem(error)
        if problem is None:
            raise
        return render_template("console/audit.html", rows=[], total=0, page=1, pages=1, problem=problem), 422
    filters = {key: query.get(key) for key in ("actor", "aggregate_type", "aggregate_id", "event_type", "start", "end")}
    with services().projections.db.connect() as connection:
        rows, total = audit_log.audit_page(
            connection,
            ledger.recorder.events_record_cls.__table__,
            ledger.mapper,
            count_limit=1001,
            page=query["page"],
            per_page=query["per_page"],
            **filters,
        )
    items = [audit_row(row, ledger.local_zone, ledger.directory.department_name) for row in rows]
    pages = max(1, -(-min(total, 1000) // query["per_page"]))
    return render_template(
        "console/audit.html", rows=items, total=total, page=query["page"], pages=pages, problem=None
    ), 200
