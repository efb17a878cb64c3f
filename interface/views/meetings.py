"""Handover meetings (交办会): schedule, hold, close, and the handover list in four formats."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from flask import Blueprint, Response, jsonify

from application import handover_list
from application.staff import StaffMember
from domain.meeting import Meeting
from interface import handover_formats as formats
from interface.anchors import Anchor
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint, state_response
from interface.presenters import meetings as present
from interface.presenters.times import local_iso
from interface.read_your_writes import wait_for_position
from interface.schemas import meetings as schemas
from interface.schemas.cases import EmptySchema
from projections import meetings as register
from projections.registry import MEETINGS

blueprint = Blueprint("meetings", __name__, url_prefix="/meetings")
STATE = schemas.MeetingStateSchema


@blueprint.post("")
@endpoint(body=schemas.MeetingCreateSchema, command="schedule", response=STATE, status=201)
def schedule(body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Schedule a handover meeting (meeting secretary, admin)."""
    result = services().meetings.schedule(current_staff(), **options, **body)
    return _meeting_response(services().ledger.state_after(result), result.position, status=201)


@blueprint.get("")
@endpoint(query=schemas.MeetingListQuerySchema, response=schemas.MeetingListSchema)
def list_meetings(query: dict[str, Any]) -> Response:
    """The meetings the caller may read, latest first."""
    scope = services().ledger.meeting_policy.list_scope(current_staff())
    wait_for_position(query.get("min_position"), MEETINGS)
    with services().projections.db.connect() as connection:
        rows, total = register.list_meetings(
            connection, org=query.get("org"), scope=scope, page=query["page"], per_page=query["per_page"]
        )
    items = [present.meeting_row(row, services().ledger.local_zone) for row in rows]
    return jsonify({"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]})


@blueprint.get("/<meeting_id>")
@endpoint(direct=True, response=STATE)
def read(meeting_id: str) -> Response:
    """A meeting with the items submitted to it."""
    meeting = services().ledger.read_meeting(current_staff(), meeting_id)
    return _meeting_response(meeting, None)


@blueprint.post("/<meeting_id>/hold")
@endpoint(body=schemas.HoldSchema, command="hold", conditional=True, response=STATE)
def hold(meeting_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Record that the meeting was held: attendees and minutes."""
    result = services().meetings.hold(current_staff(), meeting_id, **body, **options)
    return _meeting_response(services().ledger.state_after(result), result.position)


@blueprint.post("/<meeting_id>/close")
@endpoint(body=EmptySchema, command="close-meeting", conditional=True, response=STATE)
def close(meeting_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Close the meeting."""
    result = services().meetings.close(current_staff(), meeting_id, **options)
    return _meeting_response(services().ledger.state_after(result), result.position)


@blueprint.get("/<meeting_id>/handover-list")
@endpoint(
    query=schemas.HandoverListQuerySchema,
    response=schemas.HandoverListSchema,
    media_types=(
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/html",
    ),
)
def handover(meeting_id: str, query: dict[str, Any]) -> Response:
    """The handover list (交办清单): JSON, or ``format=csv|xlsx|html``; ``as_of`` for the list as it stood then."""
    as_of = query.get("as_of")
    parts = handover_parts(current_staff(), meeting_id, as_of=as_of, min_position=query.get("min_position"))
    if query["format"] != "json":
        return handover_file(parts, query["format"], as_of)
    zone, department_name = services().ledger.local_zone, services().directory.department_name
    return jsonify(
        {
            "meeting": present.meeting_state(parts.meeting, None, zone, department_name),
            "as_of": local_iso(as_of, zone),
            "items": [formats.item_json(item, zone, parts.names) for item in parts.items],
            "anchor": parts.anchor.as_json(zone),
        }
    )


class HandoverParts(NamedTuple):
    meeting: Meeting
    items: list[Any]
    names: dict[str, str]  # grid and department codes → names
    anchor: Anchor


def handover_parts(
    staff: StaffMember, meeting_id: str, *, as_of: datetime | None = None, min_position: int | None = None
) -> HandoverParts:
    """The meeting's handover list as ``staff`` may read it (the API's and the console's one way to it)."""
    ledger = services().ledger
    current = ledger.read_meeting(staff, meeting_id)
    wait_for_position(min_position, MEETINGS)  # its predecessors come from the meetings register
    with services().projections.db.connect() as connection:
        earlier = register.earlier_meetings(
            connection, org=current.org, level=current.level, before=current.scheduled_for
        )
    meeting, items = handover_list.build(ledger, meeting_id, earlier_meeting_ids=earlier, as_of=as_of)
    names = {row["code"]: row["name"] for row in [*ledger.directory.list_grids(), *ledger.directory.list_departments()]}
    anchor = Anchor.read(ledger)  # after the list is built: it covers every event the list was made from
    return HandoverParts(meeting, items, names, anchor)


def handover_file(parts: HandoverParts, fmt: str, as_of: datetime | None) -> Response:
    """The list as a CSV or XLSX download, or the printable page (``html``)."""
    ledger = services().ledger
    meeting, items, names, anchor = parts
    zone, filename = ledger.local_zone, f"handover-{meeting.scheduled_for}"
    if fmt == "csv":
        return _download(formats.to_csv(items, zone, names, anchor), "text/csv; charset=utf-8", f"{filename}.csv")
    if fmt == "xlsx":
        return _download(
            formats.to_xlsx(meeting, items, zone, names, anchor),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{filename}.xlsx",
        )
    return Response(formats.to_html(meeting, items, zone, as_of or ledger.clock(), names, anchor), mimetype="text/html")


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, content_type=mimetype)  # mimetype= would add a second charset
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _meeting_response(meeting: Meeting, position: int | None, status: int = 200) -> Response:
    ledger = services().ledger
    state = present.meeting_state(meeting, position, ledger.local_zone, ledger.directory.department_name)
    return state_response(state, version=meeting.version, location=f"/meetings/{meeting.id}", status=status)
