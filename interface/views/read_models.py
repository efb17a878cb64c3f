"""Read models over HTTP: the case list, the work queues, the audit log and the projections' state."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify

from application.errors import InvalidReference
from interface import read_presenters as present
from interface.auth import current_staff
from interface.context import services
from interface.read_your_writes import direct_read, wait_for_position
from interface.requests import with_query
from interface.schemas import read_models as schemas
from projections import audit_log, case_list, work_queues
from projections.registry import AUDIT_LOG, CASE_LIST, WORK_QUEUES

blueprint = Blueprint("read_models", __name__)
# Totals are exact up to here ("1,000+" beyond): counting every match of a broad filter over a million
# cases would cost more than the page itself, and nobody pages through a thousand cases.
COUNT_LIMIT = 1_000


@blueprint.get("/cases")
@with_query(schemas.CaseListQuerySchema)
def list_cases(query: dict[str, Any]) -> Response:
    """Cases, newest first: filtered, rolled up by grid subtree, scoped by role."""
    scope, page = services().ledger.case_policy.read_scope(current_staff()), _page(query, CASE_LIST)
    filters = case_list.CaseFilters(
        status=query.get("status"),
        grid_path=_grid_path(query.get("grid")),
        category=query.get("category"),
        track=query.get("track"),
        channel=query.get("channel"),
        department=query.get("department"),
        overdue=query.get("overdue"),
        q=query.get("q"),
        created_from=query.get("created_from"),
        created_to=query.get("created_to"),
    )
    now = services().ledger.clock()
    with services().projections.db.connect() as connection:
        rows, total = case_list.search(connection, filters, scope, now=now, count_limit=COUNT_LIMIT + 1, **page)
    return _page_response([present.case_row(row, now, _zone(), _department_name) for row in rows], total, page)


@blueprint.get("/queues/<name>")
@with_query(schemas.QueueQuerySchema)
def queue(name: str, query: dict[str, Any]) -> Response:
    """A work queue sorted by due time, with overdue computed against now."""
    if name not in work_queues.QUEUES:
        abort(404, f"there is no queue '{name}'; queues: {', '.join(work_queues.QUEUES)}")
    department, scope = services().ledger.read_policy.queue_scope(current_staff(), name, query.get("department"))
    page = _page(query, WORK_QUEUES)
    now = services().ledger.clock()
    with services().projections.db.connect() as connection:
        rows, total = work_queues.queue_page(
            connection,
            name,
            scope,
            now=now,
            grid_path=_grid_path(query.get("grid")),
            department=department,
            count_limit=COUNT_LIMIT + 1,
            **page,
        )
    return _page_response([present.queue_row(row, now, _zone(), _department_name) for row in rows], total, page)


@blueprint.get("/audit")
@with_query(schemas.AuditQuerySchema)
def audit(query: dict[str, Any]) -> Response:
    """Every event of every aggregate, oldest first (auditors and admins)."""
    services().ledger.read_policy.check_operates(current_staff())
    page = _page(query, AUDIT_LOG)
    filters = {key: query.get(key) for key in ("actor", "aggregate_type", "aggregate_id", "event_type", "start", "end")}
    ledger = services().ledger
    with services().projections.db.connect() as connection:
        rows, total = audit_log.audit_page(
            connection,
            ledger.recorder.events_record_cls.__table__,
            ledger.mapper,
            count_limit=COUNT_LIMIT + 1,
            **filters,
            **page,
        )
    return _page_response([present.audit_row(row, _zone(), _department_name) for row in rows], total, page)


@blueprint.get("/projections")
@direct_read
def projections_status() -> Response:
    """Each projection's position, the store's head and the lag (admins and auditors)."""
    services().ledger.read_policy.check_operates(current_staff())
    running = services().projections
    return jsonify(
        {
            "items": [present.projection_status(status) for status in running.engine.statuses()],
            "worker": {"in_process": running.running, "last_error": running.worker.last_error},
        }
    )


def _grid_path(code: str | None) -> str | None:
    if code is None:
        return None
    path = services().directory.grid_path(code)
    if path is None:
        raise InvalidReference("grid", f"unknown grid '{code}'")
    return path


def _page(query: dict[str, Any], projection: str) -> dict[str, int]:
    wait_for_position(query.get("min_position"), projection)
    return {"page": query["page"], "per_page": query["per_page"]}


def _zone() -> Any:
    return services().ledger.local_zone


def _department_name(code: str) -> str:
    return services().directory.department_name(code)


def _page_response(items: list[dict[str, Any]], total: int, page: dict[str, int]) -> Response:
    exact = total <= COUNT_LIMIT
    return jsonify({"items": items, "total": min(total, COUNT_LIMIT), "total_exact": exact, **page})
