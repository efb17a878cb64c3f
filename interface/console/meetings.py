"""交办会: the meetings one may read, a meeting's handover list, and its CSV/XLSX/printable forms."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from werkzeug.exceptions import NotFound as PageNotFound
from werkzeug.wrappers import Response

from application.errors import ApplicationError
from interface import handover_formats as formats
from interface.console import signin
from interface.console.messages import chinese_problem
from interface.console.pages import page_globals
from interface.context import services
from interface.endpoint import CONSOLE_PREFIX
from interface.presenters import meetings as present
from interface.views.meetings import handover_file, handover_parts
from projections import meetings as register

blueprint = Blueprint("console_meetings", __name__, url_prefix=CONSOLE_PREFIX + "/meetings")
blueprint.before_request(signin.protect)
blueprint.context_processor(page_globals)
PER_PAGE = 50
FILE_FORMATS = ("csv", "xlsx", "html")


@blueprint.errorhandler(ApplicationError)
def refused(error: ApplicationError) -> tuple[str, int]:
    """Not found, not allowed: a page in Chinese."""
    status, message, _ = chinese_problem(error) or (400, "无法完成此请求。", str(error))
    return render_template("console/refused.html", message=message), status


@blueprint.get("")
def meeting_list() -> str:
    scope = services().ledger.meeting_policy.list_scope(g.staff)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with services().projections.db.connect() as connection:
        rows, total = register.list_meetings(connection, org=None, scope=scope, page=page, per_page=PER_PAGE)
    zone = services().ledger.local_zone
    return render_template(
        "console/meetings.html",
        rows=[present.meeting_row(row, zone) for row in rows],
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
    )


@blueprint.get("/<meeting_id>")
def meeting_page(meeting_id: str) -> str:
    parts = handover_parts(g.staff, meeting_id)
    ledger = services().ledger
    zone = ledger.local_zone
    return render_template(
        "console/meeting.html",
        meeting=present.meeting_state(parts.meeting, None, zone, ledger.directory.department_name),
        items=[formats.item_json(item, zone, parts.names) for item in parts.items],
        org_names=parts.names,
    )


@blueprint.get("/<meeting_id>/handover.<fmt>")
def handover(meeting_id: str, fmt: str) -> Response:
    if fmt not in FILE_FORMATS:
        raise PageNotFound()
    return handover_file(handover_parts(g.staff, meeting_id), fmt, None)
