"""The time-limit rules (办理时限): the version in force with its history; admins put a new version."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from marshmallow import ValidationError

from domain.errors import InvalidCommand
from domain.ranking import FIELD as WEIGHTS_FIELD
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint, state_response
from interface.presenters.times import local_iso
from interface.schemas import clock_rules as schemas

blueprint = Blueprint("time_limits", __name__, url_prefix="/time-limits")
ANSWER = schemas.TimeLimitsAnswerSchema


@blueprint.get("")
@endpoint(direct=True, response=ANSWER)
def time_limits() -> Response:
    """The rules in force, their version and every version's start and author (every role)."""
    return _rules_response()


@blueprint.put("")
@endpoint(body=schemas.TimeLimitsSchema, command="time-limits", conditional=True, response=ANSWER)
def put_time_limits(body: dict[str, Any], options: dict[str, Any]) -> Response:
    """A new version of the rules (admin); deadlines already set keep theirs."""
    try:
        result = services().ledger.clock_rules.set_rules(
            current_staff(), body["rules"], ranking_weights=body["ranking_weights"], **options
        )
    except InvalidCommand as error:
        field = error.field if error.field.startswith(WEIGHTS_FIELD) else f"rules.{error.field}"
        raise ValidationError({field: [error.message]}) from None
    return _rules_response(result.position)


def _rules_response(position: int | None = None) -> Response:
    state = services().ledger.clock_rules.rules_state()
    zone = services().ledger.local_zone
    history = [{**entry, "valid_from": local_iso(entry["valid_from"], zone)} for entry in state["history"]]
    body = {**state, "history": history}
    if position is not None:
        body["position"] = position
    return state_response(body, version=state["version"], location="/time-limits")
