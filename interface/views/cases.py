"""Cases: report, the command sub-resources, current and past state, history."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Response, jsonify

from application.commands import CommandResult
from domain.case import Case
from interface import presenters
from interface.auth import current_staff
from interface.context import services
from interface.read_your_writes import direct_read, wait_for_position
from interface.requests import expected_version, idempotency_key, json_body, with_body, with_query
from interface.schemas import cases as schemas
from interface.schemas import meetings as meeting_schemas

blueprint = Blueprint("cases", __name__, url_prefix="/cases")

# command path → (method on CaseCommands, body schema)
COMMANDS = {
    "accept": ("accept", schemas.AcceptSchema),
    "reject": ("reject", schemas.ReasonSchema),
    "merge": ("merge", schemas.MergeSchema),
    "dispatch": ("dispatch", schemas.DispatchSchema),
    "claim": ("claim", schemas.EmptySchema),
    "return": ("return_to_centre", schemas.ReasonSchema),
    "note": ("note", schemas.NoteSchema),
    "extend": ("extend", schemas.ExtendSchema),
    "resolve": ("resolve", schemas.ResolveSchema),
    "follow-up": ("follow_up", schemas.FollowUpSchema),
    "reopen": ("reopen", schemas.ReasonSchema),
    "close": ("close", schemas.EmptySchema),
    "escalate": ("escalate", meeting_schemas.EscalateSchema),
    "assign": ("assign", meeting_schemas.AssignSchema),
}


@blueprint.post("")
@with_body(schemas.CaseReportSchema)
def report(body: dict[str, Any]) -> Response:
    """Report a new case (上报)."""
    body = _plain(body)
    key = idempotency_key("report", None, json_body())
    result = services().cases.report(current_staff(), body, idempotency=key)
    return _command_response(result, status=201)


def _command_view(command: str, method: str, schema: type) -> Any:
    @with_body(schema)
    def view(case_id: str, body: dict[str, Any]) -> Response:
        key = idempotency_key(command, case_id, json_body())
        run = getattr(services().cases, method)
        result = run(current_staff(), case_id, **_plain(body), expected_version=expected_version(), idempotency=key)
        return _command_response(result)

    view.__name__ = f"command_{method}"
    view.__doc__ = f"Issue the '{command}' command on a case."
    return view


for _command, (_method, _schema) in COMMANDS.items():
    blueprint.add_url_rule(
        f"/<case_id>/{_command}", view_func=_command_view(_command, _method, _schema), methods=["POST"]
    )


@blueprint.get("/<case_id>")
@with_query(schemas.CaseReadQuerySchema)
def read(case_id: str, query: dict[str, Any]) -> Response:
    """The case now, or as it was at ``version`` or ``as_of``."""
    wait_for_position(query.pop("min_position", None))
    case, position = services().ledger.read_case(current_staff(), case_id, **query)
    return _case_response(case, position)


@blueprint.get("/<case_id>/history")
@direct_read
def history(case_id: str) -> Response:
    """Every event of the case in order, with Chinese labels and the actor of each."""
    ledger = services().ledger
    case, entries = ledger.case_history(current_staff(), case_id)
    return jsonify(
        presenters.history(case, entries, ledger.local_zone, current_staff().role, ledger.directory.department_name)
    )


def _command_response(result: CommandResult, status: int = 200) -> Response:
    return _case_response(services().ledger.state_after(result), result.position, status)


def _case_response(case: Case, position: int, status: int = 200) -> Response:
    ledger = services().ledger
    state = presenters.case_state(
        case,
        position=position,
        now=ledger.clock(),
        zone=ledger.local_zone,
        viewer_role=current_staff().role,
        department_name=ledger.directory.department_name,
    )
    response = jsonify(state)
    response.status_code = status
    response.headers["ETag"] = f'"{case.version}"'
    if status == 201:
        response.headers["Location"] = f"/api/v1/cases/{case.id}"
    return response


def _plain(value: Any) -> Any:
    """UUIDs from the schema become strings before they go into events."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, UUID):
        return str(value)
    return value
