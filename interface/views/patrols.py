"""Patrols (巡查): start, check in, record findings (fixed on the spot or raised as cases), end; state and
history; the lists (the patrol log, coverage), read models scoped by the field-work policy."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from domain.patrol import Patrol
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint, state_response
from interface.presenters import fieldwork, fieldwork_rows
from interface.schemas import fieldwork_reads as list_schemas
from interface.schemas import patrols as schemas
from interface.schemas.answers import HistorySchema
from interface.views.fieldwork_common import after, reveal, root_path
from interface.views.paging import COUNT_LIMIT, figures_response, page_of, page_response
from projections import patrols as patrol_log
from projections.grid_rollup import rolled_up, total_of
from projections.patrols import COVERAGE_FIGURES
from projections.registry import PATROLS

blueprint = Blueprint("patrols", __name__, url_prefix="/patrols")
STATE = schemas.PatrolStateSchema


@blueprint.post("")
@endpoint(body=schemas.PatrolStartSchema, command="start-patrol", response=STATE, status=201)
def start(body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Start a patrol in a grid (routine, night 红袖套, special)."""
    result = services().patrols.start(current_staff(), **options, **body)
    return patrol_response(*after(result), status=201)


@blueprint.get("")
@endpoint(query=list_schemas.PatrolListQuerySchema, response=list_schemas.PatrolListSchema)
def list_patrols(query: dict[str, Any]) -> Response:
    """Patrols, latest first: filtered by grid subtree, kind, status and start time."""
    root, page = root_path(query.get("grid")), page_of(query, PATROLS)
    with services().projections.db.connect() as connection:
        rows, total = patrol_log.list_patrols(
            connection,
            grid_path=root,
            kind=query.get("kind"),
            status=query.get("status"),
            start=query.get("start"),
            end=query.get("end"),
            count_limit=COUNT_LIMIT + 1,
            **page,
        )
    return page_response([fieldwork_rows.patrol_row(row, _zone()) for row in rows], total, page)


@blueprint.get("/coverage")
@endpoint(query=list_schemas.CoverageQuerySchema, response=list_schemas.CoverageSchema)
def coverage(query: dict[str, Any]) -> Response:
    """Per grid of the subtree (rolled up): patrols started in the period, hours, findings, fixed, cases."""
    root, page = root_path(query.get("grid")), page_of(query, PATROLS)
    now = services().ledger.clock().astimezone(_zone())
    start = query.get("start") or now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = query.get("end") or now
    with services().projections.db.connect() as connection:
        by_path = patrol_log.coverage(connection, grid_path=root, start=start, end=end)
        rows, total = rolled_up(
            connection, by_path, root_path=root, level=query.get("level"), names=COVERAGE_FIGURES, **page
        )
    totals = total_of(by_path, COVERAGE_FIGURES)
    return figures_response(rows, total, page, totals, start=start.isoformat(), end=end.isoformat())


@blueprint.get("/<patrol_id>")
@endpoint(direct=True, response=STATE)
def read(patrol_id: str) -> Response:
    """The patrol now: members, checkpoints, findings."""
    patrol = services().ledger.read_patrol(current_staff(), patrol_id)
    return patrol_response(patrol, services().ledger.position_of(patrol))


@blueprint.get("/<patrol_id>/history")
@endpoint(direct=True, response=HistorySchema)
def history(patrol_id: str) -> Response:
    """Every event of the patrol in order, with Chinese labels and the actor of each."""
    patrol = services().ledger.read_patrol(current_staff(), patrol_id)
    ledger = services().ledger
    return jsonify(fieldwork.history(patrol, ledger.history_of(patrol), zone=ledger.local_zone, reveal=reveal()))


@blueprint.post("/<patrol_id>/checkpoints")
@endpoint(body=schemas.CheckpointSchema, command="checkpoint", conditional=True, response=STATE)
def checkpoint(patrol_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Check in at a place (打卡)."""
    result = services().patrols.checkpoint(current_staff(), patrol_id, **body, **options)
    return patrol_response(*after(result))


@blueprint.post("/<patrol_id>/findings")
@endpoint(body=schemas.FindingSchema, command="finding", conditional=True, response=STATE)
def finding(patrol_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Record a finding; one not fixed on the spot becomes a case linked to the patrol."""
    result = services().patrols.finding(current_staff(), patrol_id, **body, **options)
    cases = fieldwork.raised_cases(services().ledger, result.linked_ids)
    return patrol_response(*after(result), raised_cases=cases)


@blueprint.post("/<patrol_id>/end")
@endpoint(body=schemas.EndSchema, command="end-patrol", conditional=True, response=STATE)
def end(patrol_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """End the patrol with a summary."""
    result = services().patrols.end(current_staff(), patrol_id, **body, **options)
    return patrol_response(*after(result))


def patrol_response(patrol: Patrol, position: int, status: int = 200, **extra: Any) -> Response:
    state = fieldwork.patrol_state(patrol, position=position, zone=_zone(), reveal=reveal())
    return state_response({**state, **extra}, version=patrol.version, location=f"/patrols/{patrol.id}", status=status)


def _zone() -> Any:
    return services().ledger.local_zone
