"""The time-limit rules (办理时限): the version in force with its history; admins put a new version."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from marshmallow import ValidationError

from domain.errors import InvalidCommand
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint
from interface.presenters.times import local_iso
from interface.requests import expected_version, idempotency_key, json_body
from interface.schemas import clock_rules as schemas

blueprint = Blueprint("time_limits", __name__, url_prefix="/time-limits")


@blueprint.get("")
@endpoint(direct=True, response=schemas.TimeLimitsAnswerSchema)
def time_limits() -> Response:
    """The rules in force, their version and every version's start and author."""
    current_staff()
    return _rules_response()


@blueprint.put("")
@endpoint(body=schemas.TimeLimitsSchema, response=schemas.TimeLimitsAnswerSchema, problems=(409, 412))
def put_time_limits(body: dict[str, Any]) -> Response:
    """A new version of the rules (admin); deadlines already set keep theirs."""
    key = idempotency_key("time-limits", None, json_body())
    try:
        result = services().ledger.clock_rules.set_rules(
            current_staff(), body["rules"], expected_version=expected_version(), idempotency=key
        )
    except InvalidCommand as error:
        raise ValidationError({f"rules.{error.field}": [error.message]}) from None
    return _rules_response(result.position)


def _rules_response(position: int | None = None) -> Response:
    state = services().ledger.clock_rules.rules_state()
    zone = services().ledger.local_zone
    history = [{**entry, "valid_from": local_iso(entry["valid_from"], zone)} for entry in state["history"]]
    body = {**state, "history": history}
    if position is not None:
        body["position"] = position
    response = jsonify(body)
    response.headers["ETag"] = f'"{state["version"]}"'
    return response
