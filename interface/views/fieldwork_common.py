"""What the household and patrol views share: who may read one, whether they see personal data whole,
the options every command takes from its request, and the response carrying the state a command left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify

from application.commands import CommandResult
from interface.auth import current_staff
from interface.context import services
from interface.requests import expected_version, idempotency_key, json_body

Aggregate = TypeVar("Aggregate")


def readable(load: Callable[[str], Aggregate], aggregate_id: str) -> Aggregate:
    """Load a household or patrol the caller may read: the role first (so no existence leaks), then the grid."""
    policy, staff = services().ledger.fieldwork_policy, current_staff()
    policy.check_read(staff)
    aggregate = load(aggregate_id)
    policy.check_read(staff, aggregate.grid)  # type: ignore[attr-defined]
    return aggregate


def after(result: CommandResult) -> tuple[Any, int]:
    """The state a command left and its position, for the command's answer."""
    return services().ledger.state_after(result), result.position


def reveal() -> bool:
    """Only admins see ID numbers and phones whole."""
    return services().ledger.fieldwork_policy.sees_personal_data(current_staff())


def command_options(command: str, target: str) -> dict[str, Any]:
    """``If-Match`` and ``Idempotency-Key`` of the request, as the command methods take them."""
    return {"expected_version": expected_version(),
            "idempotency": idempotency_key(command, target, json_body())}


def state_response(state: dict[str, Any], *, version: int, location: str, status: int = 200) -> Response:
    """The state with its ``ETag``; a 201 also says where the new resource lives."""
    response = jsonify(state)
    response.status_code = status
    response.headers["ETag"] = f'"{version}"'
    if status == 201:
        response.headers["Location"] = location
    return response
