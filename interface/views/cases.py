"""Cases: report, the command sub-resources, current and past state, history, the case list.

A case command endpoint is one row of ``COMMANDS``: its path, the ``CaseCommands`` method it calls, its body
schema and its summary. The method is called with the staff member, the case id, the body's fields and the
command options (``expected_version``, ``idempotency``); its answer is the case's state after the command.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple
from uuid import UUID

from flask import Blueprint, Response, jsonify
from marshmallow import Schema

from application.commands import CommandResult
from domain.actor import Role
from domain.case import Case
from domain.read_scope import ReadScope
from interface import case_ledger_formats as ledger_formats
from interface.auth import current_staff
from interface.context import services
from interface.disclosures import record_disclosure
from interface.endpoint import endpoint, state_response
from interface.presenters import cases as presenters
from interface.presenters.case_rows import case_row
from interface.read_your_writes import wait_for_position
from interface.schemas import cases as schemas
from interface.schemas import meetings as meeting_schemas
from interface.schemas import read_models as list_schemas
from interface.views.paging import COUNT_LIMIT, page_of, page_response, subtree
from projections import case_list
from projections.registry import CASE_LIST

blueprint = Blueprint("cases", __name__, url_prefix="/cases")


class CaseCommand(NamedTuple):
    path: str  # POST /cases/<case_id>/<path>; also the command's name in its idempotency key
    method: str  # of CaseCommands
    body: type[Schema]
    summary: str


COMMANDS = (
    CaseCommand("accept", "accept", schemas.AcceptSchema, "Accept a reported case (受理), maybe re-classified."),
    CaseCommand("reject", "reject", schemas.ReasonSchema, "Reject a reported case (不予受理) with a reason."),
    CaseCommand("merge", "merge", schemas.MergeSchema, "Merge a case into another one (合并)."),
    CaseCommand("dispatch", "dispatch", schemas.DispatchSchema, "Dispatch to a lead department (派遣)."),
    CaseCommand("claim", "claim", schemas.EmptySchema, "The lead department claims the case (签收)."),
    CaseCommand(
        "return",
        "return_to_centre",
        schemas.ReasonSchema,
        "Return the case to the centre (退单): before claiming, or within the return window after.",
    ),
    CaseCommand("redispatch", "redispatch", schemas.RedispatchSchema, "Dispatch to another lead department (改派)."),
    CaseCommand("note", "note", schemas.NoteSchema, "Add a progress note (处置进展)."),
    CaseCommand(
        "request-extension", "request_extension", schemas.ExtendSchema, "The lead department asks for more time."
    ),
    CaseCommand("extend", "extend", schemas.ExtendSchema, "Extend the deadline (延期), granting a pending request."),
    CaseCommand("refuse-extension", "refuse_extension", schemas.ReasonSchema, "Refuse the pending extension request."),
    CaseCommand("suspend", "suspend", schemas.SuspendSchema, "Suspend the case (缓办): the clock stops."),
    CaseCommand("resume", "resume", schemas.EmptySchema, "Resume a suspended case: its deadlines move on."),
    CaseCommand("urge", "urge", schemas.UrgeSchema, "Urge the case on (督办/催办)."),
    CaseCommand("acknowledge", "acknowledge", schemas.EmptySchema, "A co-department acknowledges the case (协办确认)."),
    CaseCommand("resolve", "resolve", schemas.ResolveSchema, "Resolve the case (办结)."),
    CaseCommand("follow-up", "follow_up", schemas.FollowUpSchema, "Record the follow-up with the reporter (回访)."),
    CaseCommand("reopen", "reopen", schemas.ReasonSchema, "Reopen a resolved case (重新办理)."),
    CaseCommand("close", "close", schemas.EmptySchema, "Close the case (结案)."),
    CaseCommand("escalate", "escalate", meeting_schemas.EscalateSchema, "Submit the case to a handover meeting."),
    CaseCommand("assign", "assign", meeting_schemas.AssignSchema, "Assign the case at its handover meeting (交办)."),
)


@blueprint.post("")
@endpoint(body=schemas.CaseReportSchema, command="report", response=schemas.CaseStateSchema, status=201)
def report(body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Report a new case (上报)."""
    result = services().cases.report(current_staff(), _plain(body), **options)
    return _command_response(result, status=201)


def _command_view(command: CaseCommand) -> Any:
    @endpoint(body=command.body, command=command.path, conditional=True, response=schemas.CaseStateSchema)
    def view(case_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
        run = getattr(services().cases, command.method)
        return _command_response(run(current_staff(), case_id, **_plain(body), **options))

    view.__name__, view.__doc__ = f"command_{command.method}", command.summary
    return view


for _command in COMMANDS:
    blueprint.add_url_rule(f"/<case_id>/{_command.path}", view_func=_command_view(_command), methods=["POST"])


@blueprint.post("/<case_id>/reveal-contact")
@endpoint(body=schemas.RevealContactSchema, command="reveal-contact", response=schemas.ContactSchema)
def reveal_contact(case_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """The reporter's phone in full, for the follow-up call; who saw it and why is recorded (查看联系电话)."""
    result, phone = services().cases.reveal_contact(current_staff(), case_id, **body, **options)
    return jsonify({"case_id": case_id, "phone": phone, "version": result.version, "position": result.position})


@blueprint.get("")
@endpoint(
    query=list_schemas.CaseListQuerySchema, response=list_schemas.CaseListSchema, media_types=ledger_formats.MEDIA_TYPES
)
def list_cases(query: dict[str, Any]) -> Response:
    """Cases, newest first: filtered, rolled up by grid subtree, scoped by role; ``format=csv|xlsx``: the 台账 of
    the filter, every matching case (streamed; ``page`` and ``per_page`` do not apply)."""
    scope, page = services().ledger.case_policy.read_scope(current_staff()), page_of(query, CASE_LIST)
    filters = _case_filters(query)
    if query["format"] != "json":
        return case_ledger_file(filters, scope, query["format"])
    ledger = services().ledger
    now = ledger.clock()
    with services().projections.db.connect() as connection:
        rows, total = case_list.search(connection, filters, scope, now=now, count_limit=COUNT_LIMIT + 1, **page)
    department_name = ledger.directory.department_name
    return page_response([case_row(row, now, ledger.local_zone, department_name) for row in rows], total, page)


def _case_filters(query: dict[str, Any]) -> case_list.CaseFilters:
    return case_list.CaseFilters(
        status=query.get("status"),
        grid_path=subtree(query.get("grid")),
        category=query.get("category"),
        track=query.get("track"),
        channel=query.get("channel"),
        department=query.get("department"),
        overdue=query.get("overdue"),
        q=query.get("q"),
        created_from=query.get("created_from"),
        created_to=query.get("created_to"),
    )


def case_ledger_file(filters: case_list.CaseFilters, scope: ReadScope, fmt: str) -> Response:
    """The 台账 of ``filters`` within ``scope`` as a ``csv`` or ``xlsx`` download (the API's and the console's one
    way to it). The first batch is read before the answer starts, so that an unreachable database is still a 503
    problem rather than a truncated file."""
    ledger = services().ledger
    now = ledger.clock()
    directory = ledger.directory
    grid_names: dict[str, str] = {}

    def grid_name(code: str) -> str:
        if code not in grid_names:
            found = directory.find_grid(code)
            grid_names[code] = found["name"] if found else code
        return grid_names[code]

    names = ledger_formats.Names(
        grid=grid_name, community=directory.community_name, department=directory.department_name
    )
    matches = case_list.every_match(services().projections.db, filters, scope, now=now)
    first = next(matches, None)
    rows = matches if first is None else itertools.chain([first], matches)
    context = ledger_formats.Context(now=now, zone=ledger.local_zone, names=names)
    return ledger_formats.download(ledger_formats.values(rows, context), fmt, made_at=now.astimezone(ledger.local_zone))


@blueprint.get("/<case_id>")
@endpoint(query=schemas.CaseReadQuerySchema, response=schemas.CaseStateSchema)
def read(case_id: str, query: dict[str, Any]) -> Response:
    """The case now, or as it was at ``version`` or ``as_of``."""
    wait_for_position(query.pop("min_position", None))
    case, position = services().ledger.read_case(current_staff(), case_id, **query)
    return _case_response(case, position)


@blueprint.get("/<case_id>/history")
@endpoint(direct=True, response=schemas.CaseHistorySchema)
def history(case_id: str) -> Response:
    """Every event of the case in order, with Chinese labels and the actor of each."""
    ledger = services().ledger
    case, entries = ledger.case_history(current_staff(), case_id)
    if current_staff().role == Role.ADMIN:
        record_disclosure("case", str(case.id), [case.details.get("reporter")])
    return jsonify(
        presenters.history(case, entries, ledger.local_zone, current_staff().role, ledger.directory.department_name)
    )


def _command_response(result: CommandResult, status: int = 200) -> Response:
    return _case_response(services().ledger.state_after(result), result.position, status)


def _case_response(case: Case, position: int, status: int = 200) -> Response:
    ledger = services().ledger
    if current_staff().role == Role.ADMIN:
        record_disclosure("case", str(case.id), [case.details.get("reporter")])
    state = presenters.case_state(
        case,
        position=position,
        now=ledger.clock(),
        zone=ledger.local_zone,
        viewer_role=current_staff().role,
        department_name=ledger.directory.department_name,
    )
    return state_response(state, version=case.version, location=f"/cases/{case.id}", status=status)


def _plain(value: Any) -> Any:
    """UUIDs from the schema become strings before they go into events."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, UUID):
        return str(value)
    return value
