"""What the household and patrol views share: whether the caller sees personal data whole,
the options every command takes from its request, and the response carrying the state a command left."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from application.commands import CommandResult
from interface.auth import current_staff
from interface.context import services
from interface.requests import expected_version, idempotency_key, json_body


def after(result: CommandResult) -> tuple[Any, int]:
    """The state a command left and its position, for the command's answer."""
    return services().ledger.state_after(result), result.position


def reveal() -> bool:
    """Only admins see ID numbers and phones whole."""
    return services().ledger.fieldwork_policy.sees_personal_data(current_staff())


def command_options(command: str, target: str) -> dict[str, Any]:
    """``If-Match`` and ``Idempotency-Key`` of the request, as the command methods take them."""
    return {"expected_version": expected_version(), "idempotency": idempotency_key(command, target, json_body())}


def state_response(state: dict[str, Any], *, version: int, location: str, status: int = 200) -> Response:
    """The state with its ``ETag``; a 201 also says where the new resource lives."""
    response = jsonify(state)
    response.status_code = status
    response.headers["ETag"] = f'"{version}"'
    if status == 201:
        response.headers["Location"] = location
    return response
