"""The console's pages: 工作台 (the caller's queues), a queue, the case list, a case and its actions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound as PageNotFound
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from application.errors import Forbidden, InvalidReference
from domain.actor import ROLE_LABELS
from domain.case_types import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    FOLLOW_UP_METHOD_LABELS,
    SATISFACTION_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    TRACK_LABELS,
)
from interface.console import signin
from interface.console.actions import PHOTO_FIELD, available_actions, body_of, find_action, takes_photo
from interface.console.form_keys import posted_key
from interface.console.messages import chinese_problem
from interface.console.photo_forms import posted_photo, refused_as_too_large
from interface.context import services
from interface.endpoint import CONSOLE_PREFIX
from interface.presenters import cases as presenters
from interface.presenters.case_rows import case_row
from interface.schemas.read_models import QueueQuerySchema
from interface.views.cases import _plain, case_ledger_file
from interface.views.read_models import queue_rows
from projections import case_list, work_queues
from projections import meetings as meetings_register

blueprint = Blueprint("console", __name__, url_prefix=CONSOLE_PREFIX)
blueprint.before_request(signin.protect)
PER_PAGE = 50
LEDGER_FORMATS = ("csv", "xlsx")
QUEUE_LABELS = {
    "triage": "待受理",
    "dispatch": "待派遣",
    "department": "部门办理",
    "meeting": "待交办会",
    "follow-up": "待回访",
    "overdue": "已超期",
}
CHOICES = {
    "category": CATEGORY_LABELS,
    "track": TRACK_LABELS,
    "channel": CHANNEL_LABELS,
    "satisfaction": SATISFACTION_LABELS,
    "method": FOLLOW_UP_METHOD_LABELS,
    "status": STATUS_LABELS,
}


@blueprint.context_processor
def page_globals() -> dict[str, Any]:
    return {
        "staff": g.get("staff"),
        "role_labels": ROLE_LABELS,
        "queue_labels": QUEUE_LABELS,
        "choices": CHOICES,
        "stage_labels": STAGE_LABELS,
        "org_name": _org_name,
        "may_audit": _may_audit,
        "may_read_meetings": _may_read_meetings,
        "may_read_fieldwork": _may_read_fieldwork,
    }


def _may_read_fieldwork() -> bool:
    try:
        services().ledger.fieldwork_policy.check_read(g.staff)
    except Forbidden:
        return False
    return True


def _may_read_meetings() -> bool:
    try:
        services().ledger.meeting_policy.check_reads_meetings(g.staff)
    except Forbidden:
        return False
    return True


def _may_audit() -> bool:
    try:
        services().ledger.read_policy.check_operates(g.staff)
    except Forbidden:
        return False
    return True


def _org_name(code: str | None) -> str:
    """An actor's organisation by name: a department's or a grid's (the code when neither knows it); each code
    looked up once per page (a timeline names the same few organisations again and again)."""
    if not code:
        return ""
    names: dict[str, str] = g.setdefault("org_names", {})
    if code not in names:
        directory = services().directory
        grid = None if directory.find_department(code) else directory.find_grid(code)
        names[code] = grid["name"] if grid else directory.department_name(code)
    return names[code]


@blueprint.get("/")
def home() -> str:
    """The queues this person reads, with how many cases wait in each."""
    queues = []
    for name in work_queues.QUEUES:
        try:
            _, total = queue_rows(g.staff, name, grid=None, department=None, page=1, per_page=1)
        except Forbidden:
            continue
        queues.append({"name": name, "label": QUEUE_LABELS[name], "total": total})
    return render_template("console/home.html", queues=queues)


@blueprint.get("/queues/<name>")
def queue(name: str) -> str | tuple[str, int]:
    """A queue by deadline (earliest or latest first), filtered by grid and category, 50 rows a page: the
    query of ``GET /queues/{name}``, checked by its schema. Page links keep the sort and the filters."""
    if name not in work_queues.QUEUES:
        raise PageNotFound()
    asked = {key: request.args[key] for key in ("grid", "category", "order", "page") if request.args.get(key)}
    try:
        query = {"order": "due", **QueueQuerySchema().load({**asked, "per_page": PER_PAGE})}
        filters = {"grid": query.get("grid"), "category": query.get("category"), "order": query["order"]}
        rows, total = queue_rows(g.staff, name, department=None, page=query["page"], per_page=PER_PAGE, **filters)
    except (Forbidden, InvalidReference, ValidationError) as error:
        status, message, _ = chinese_problem(error) or (403, "", "")
        return render_template("console/refused.html", message=message), status
    return _list_page("console/queue.html", rows, total, query["page"], name=name, **filters)


@blueprint.get("/cases")
def case_search() -> str:
    """The case list with the filters of ``GET /cases`` (status, category, grid, text, overdue)."""
    ledger, args = services().ledger, request.args
    filters = _searched()
    page, now = _page(), ledger.clock()
    with services().projections.db.connect() as connection:
        rows, total = case_list.search(
            connection,
            filters,
            ledger.case_policy.read_scope(g.staff),
            now=now,
            page=page,
            per_page=PER_PAGE,
            count_limit=1001,
        )
    items = [case_row(row, now, ledger.local_zone, ledger.directory.department_name) for row in rows]
    searched = {name: value for name, value in args.items() if name != "page" and value}
    return _list_page("console/cases.html", items, total, page, args=args, searched=searched)


@blueprint.get("/cases/ledger.<fmt>")
def case_ledger(fmt: str) -> Response:
    """导出台账: every case the search page's filters match, as the API's ``GET /cases?format=`` makes it."""
    if fmt not in LEDGER_FORMATS:
        raise PageNotFound()
    return case_ledger_file(_searched(), services().ledger.case_policy.read_scope(g.staff), fmt)


def _searched() -> case_list.CaseFilters:
    """The search page's filters (status, category, grid subtree, text, overdue) from the query string."""
    args = request.args
    grid = args.get("grid") or None
    return case_list.CaseFilters(
        status=args.get("status") or None,
        category=args.get("category") or None,
        grid_path=services().directory.grid_path(grid) if grid else None,
        q=args.get("q") or None,
        overdue=True if args.get("overdue") == "yes" else None,
    )


@blueprint.get("/cases/<case_id>")
def case_page(case_id: str) -> tuple[str, int] | str:
    return _render_case(case_id)


@blueprint.post("/cases/<case_id>/<action>")
def act(case_id: str, action: str) -> Response | tuple[str, int] | str:
    """One action from the case page; the page's version travels in the form, so a stale page writes nothing."""
    command = find_action(action)
    if command is None:
        raise PageNotFound()
    version = request.form.get("version", "")
    if not version.isdigit():
        return _render_case(case_id, failed=action, problem=(400, "表单缺少案件版本，请刷新页面。", "no version"))
    try:
        body = _plain(body_of(command, request.form))
        if takes_photo(command) and (photo := posted_photo(g.staff)):  # once the fields are found valid
            body[PHOTO_FIELD] = [photo]
        run = getattr(services().cases, command.method)
        # posted twice (a double click, a resubmit): carried out once, and both land on the case page
        once = posted_key(command.path, case_id, body)
        run(g.staff, case_id, **body, expected_version=int(version), idempotency=once)
    except Exception as error:  # noqa: BLE001 - only the application's own errors are shown; others re-raised
        return _render_case(case_id, failed=action, error=error)
    return redirect(url_for("console.case_page", case_id=case_id))


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Response | tuple[str, int]:
    """An action's body far over the limit (a photo of more than 10 MB), refused before its form was read."""
    case_id, action = (request.view_args or {}).get("case_id", ""), (request.view_args or {}).get("action")
    unread = MultiDict[str, str]()  # the form was never read: drawn again empty
    return refused_as_too_large(
        error, lambda problem: _render_case(case_id, failed=action, problem=problem, form=unread)
    )


def _render_case(
    case_id: str,
    *,
    failed: str | None = None,
    error: Exception | None = None,
    problem: tuple[int, str, str] | None = None,
    form: MultiDict[str, str] | None = None,
) -> tuple[str, int]:
    """``form``: the answers to draw the failed action's form with (default: those posted)."""
    ledger, staff = services().ledger, g.staff
    if error is not None:
        problem = chinese_problem(error)
        if problem is None:
            raise error
    try:
        case, entries = ledger.case_history(staff, case_id)
    except Exception as reading_error:  # noqa: BLE001 - not found / forbidden as a page, others re-raised
        shown = chinese_problem(reading_error)
        if shown is None:
            raise
        return render_template("console/refused.html", message=shown[1]), shown[0]
    state = presenters.case_state(
        case,
        position=0,
        now=ledger.clock(),
        zone=ledger.local_zone,
        viewer_role=staff.role,
        department_name=ledger.directory.department_name,
    )
    timeline = presenters.history(case, entries, ledger.local_zone, staff.role, ledger.directory.department_name)
    actions = available_actions(ledger.case_policy, staff, case)
    return render_template(
        "console/case.html",
        case=state,
        timeline=timeline["events"],
        actions=actions,
        departments=ledger.directory.list_departments(),
        meetings=_open_meetings() if any(action.name == "escalate" for action in actions) else [],
        failed=failed,
        problem=problem,
        form=form if form is not None else (request.form if failed else MultiDict()),
    ), (problem[0] if problem else 200)


def _list_page(template: str, rows: list[dict[str, Any]], total: int, page: int, **extra: Any) -> str:
    """A page of case rows with its pager and the grids to filter by."""
    grids = services().directory.list_grids()
    return render_template(template, rows=rows, total=total, page=page, pages=_pages(total), grids=grids, **extra)


def _open_meetings() -> list[dict[str, Any]]:
    """The meetings not yet closed that this person reads: where a case may be escalated to (the command decides)."""
    try:
        scope = services().ledger.meeting_policy.list_scope(g.staff)
    except Forbidden:
        return []
    with services().projections.db.connect() as connection:
        rows, _ = meetings_register.list_meetings(connection, org=None, scope=scope, page=1, per_page=PER_PAGE)
    return [row for row in rows if row["status"] != "closed"]


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _pages(total: int) -> int:
    return max(1, -(-min(total, 1000) // PER_PAGE))
