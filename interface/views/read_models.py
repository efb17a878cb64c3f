"""Read models over HTTP that belong to no one resource: the work queues, the audit log, the projections' state."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify

from application.staff import StaffMember
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint
from interface.presenters import case_rows as present
from interface.schemas import read_models as schemas
from interface.views.paging import COUNT_LIMIT, page_of, page_response, subtree
from projections import audit_log, work_queues
from projections.registry import AUDIT_LOG, WORK_QUEUES

blueprint = Blueprint("read_models", __name__)


@blueprint.get("/queues/<name>")
@endpoint(query=schemas.QueueQuerySchema, response=schemas.QueueSchema)
def queue(name: str, query: dict[str, Any]) -> Response:
    """A work queue sorted by due time, with overdue computed against now."""
    if name not in work_queues.QUEUES:
        abort(404, f"there is no queue '{name}'; queues: {', '.join(work_queues.QUEUES)}")
    services().ledger.read_policy.queue_scope(current_staff(), name, query.get("department"))  # 403 before waiting
    page = page_of(query, WORK_QUEUES)
    filters = {key: query.get(key) for key in ("grid", "department", "category")}
    rows, total = queue_rows(current_staff(), name, **filters, order=query.get("order", "due"), **page)
    return page_response(rows, total, page)


def queue_rows(
    staff: StaffMember,
    name: str,
    *,
    grid: str | None,
    department: str | None,
    page: int,
    per_page: int,
    category: str | None = None,
    order: str = "due",
) -> tuple[list[dict[str, Any]], int]:
    """One page of a work queue as ``staff`` may read it, and its total (the API's and the console's one way)."""
    department, scope = services().ledger.read_policy.queue_scope(staff, name, department)
    now, zone = services().ledger.clock(), services().ledger.local_zone
    with services().projections.db.connect() as connection:
        rows, total = work_queues.queue_page(
            connection,
            name,
            scope,
            now=now,
            grid_path=subtree(grid),
            department=department,
            category=category,
            order=order,
            count_limit=COUNT_LIMIT + 1,
            page=page,
            per_page=per_page,
        )
    return [present.queue_row(row, now, zone, _department_name, department) for row in rows], total


@blueprint.get("/audit")
@endpoint(query=schemas.AuditQuerySchema, response=schemas.AuditSchema)
def audit(query: dict[str, Any]) -> Response:
    """Every event of every aggregate, oldest first (auditors and admins)."""
    services().ledger.read_policy.check_operates(current_staff())
    page = page_of(query, AUDIT_LOG)
    filters = {key: query.get(key) for key in ("actor", "aggregate_type", "aggregate_id", "event_type", "start", "end")}
    rows, total = audit_entries(filters, page)
    zone = services().ledger.local_zone
    return page_response([present.audit_row(row, zone, _department_name) for row in rows], total, page)


def audit_entries(filters: dict[str, Any], page: dict[str, int]) -> tuple[list[dict[str, Any]], int]:
    """A page of the audit log (its events decoded from the store), and the count."""
    ledger = services().ledger
    with services().projections.db.connect() as connection:
        return audit_log.audit_page(
            connection,
            ledger.recorder.events_record_cls.__table__,
            ledger.mapper,
            count_limit=COUNT_LIMIT + 1,
            **filters,
            **page,
        )


@blueprint.get("/projections")
@endpoint(direct=True, response=schemas.ProjectionsSchema)
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


def _department_name(code: str) -> str:
    return services().directory.department_name(code)
