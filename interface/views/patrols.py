"""Patrols (巡查): start, check in, record findings (fixed on the spot or raised as cases), end; state and history.

The lists (``GET /patrols``, coverage) are read models, served elsewhere.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from domain.patrol import Patrol
from interface import fieldwork_state as present
from interface.auth import current_staff
from interface.context import services
from interface.read_your_writes import direct_read
from interface.requests import idempotency_key, json_body, with_body
from interface.schemas import patrols as schemas
from interface.views.fieldwork_common import after, command_options, reveal, state_response

blueprint = Blueprint("patrols", __name__, url_prefix="/patrols")


@blueprint.post("")
@with_body(schemas.PatrolStartSchema)
def start(body: dict[str, Any]) -> Response:
    """Start a patrol in a grid (routine, night 红袖套, special)."""
    key = idempotency_key("start-patrol", None, json_body())
    result = services().patrols.start(current_staff(), idempotency=key, **body)
    return patrol_response(*after(result), status=201)


@blueprint.get("/<patrol_id>")
@direct_read
def read(patrol_id: str) -> Response:
    """The patrol now: members, checkpoints, findings."""
    patrol = services().ledger.read_patrol(current_staff(), patrol_id)
    return patrol_response(patrol, services().ledger.position_of(patrol))


@blueprint.get("/<patrol_id>/history")
@direct_read
def history(patrol_id: str) -> Response:
    """Every event of the patrol in order, with Chinese labels and the actor of each."""
    patrol = services().ledger.read_patrol(current_staff(), patrol_id)
    ledger = services().ledger
    return jsonify(present.history(patrol, ledger.history_of(patrol), zone=ledger.local_zone, reveal=reveal()))


@blueprint.post("/<patrol_id>/checkpoints")
@with_body(schemas.CheckpointSchema)
def checkpoint(patrol_id: str, body: dict[str, Any]) -> Response:
    """Check in at a place (打卡)."""
    result = services().patrols.checkpoint(
        current_staff(), patrol_id, **body, **command_options("checkpoint", patrol_id)
    )
    return patrol_response(*after(result))


@blueprint.post("/<patrol_id>/findings")
@with_body(schemas.FindingSchema)
def finding(patrol_id: str, body: dict[str, Any]) -> Response:
    """Record a finding; one not fixed on the spot becomes a case linked to the patrol."""
    result = services().patrols.finding(current_staff(), patrol_id, **body, **command_options("finding", patrol_id))
    cases = present.raised_cases(services().ledger, result.linked_ids)
    return patrol_response(*after(result), raised_cases=cases)


@blueprint.post("/<patrol_id>/end")
@with_body(schemas.EndSchema)
def end(patrol_id: str, body: dict[str, Any]) -> Response:
    """End the patrol with a summary."""
    result = services().patrols.end(current_staff(), patrol_id, **body, **command_options("end-patrol", patrol_id))
    return patrol_response(*after(result))


def patrol_response(patrol: Patrol, position: int, status: int = 200, **extra: Any) -> Response:
    state = present.patrol_state(patrol, position=position, zone=services().ledger.local_zone, reveal=reveal())
    return state_response(
        {**state, **extra}, version=patrol.version, location=f"/api/v1/patrols/{patrol.id}", status=status
    )
