"""Handover meetings (交办会): schedule, hold, close, and the handover list in four formats."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from application import handover_list
from domain.meeting import Meeting
from interface import handover_formats as formats
from interface.anchors import Anchor
from interface.auth import current_staff
from interface.context import services
from interface.labels import MEETING, labelled
from interface.presenters import local_time
from interface.read_your_writes import direct_read, wait_for_position
from interface.requests import expected_version, idempotency_key, json_body, with_body, with_query
from interface.schemas import meetings as schemas
from interface.schemas.cases import EmptySchema
from projections import meetings as register
from projections.registry import MEETINGS

blueprint = Blueprint("meetings", __name__, url_prefix="/meetings")


@blueprint.post("")
@with_body(schemas.MeetingCreateSchema)
def schedule(body: dict[str, Any]) -> Response:
    """Schedule a handover meeting (meeting secretary, admin)."""
    key = idempotency_key("schedule", None, json_body())
    result = services().meetings.schedule(current_staff(), idempotency=key, **body)
    return _meeting_response(services().ledger.state_after(result), result.position, status=201)


@blueprint.get("")
@with_query(schemas.MeetingListQuerySchema)
def list_meetings(query: dict[str, Any]) -> Response:
    """The meetings the caller may read, latest first."""
    scope = services().ledger.meeting_policy.list_scope(current_staff())
    wait_for_position(query.get("min_position"), MEETINGS)
    with services().projections.db.connect() as connection:
        rows, total = register.list_meetings(
            connection, org=query.get("org"), scope=scope, page=query["page"], per_page=query["per_page"]
        )
    items = [
        labelled(
            {
                **row,
                "scheduled_for": row["scheduled_for"].isoformat(),
                "created_at": local_time(row["created_at"], services().ledger.local_zone),
            },
            MEETING,
        )
        for row in rows
    ]
    return jsonify({"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]})


@blueprint.get("/<meeting_id>")
@direct_read
def read(meeting_id: str) -> Response:
    """A meeting with the items submitted to it."""
    meeting = services().ledger.read_meeting(current_staff(), meeting_id)
    return _meeting_response(meeting, None)


@blueprint.post("/<meeting_id>/hold")
@with_body(schemas.HoldSchema)
def hold(meeting_id: str, body: dict[str, Any]) -> Response:
    """Record that the meeting was held: attendees and minutes."""
    result = services().meetings.hold(
        current_staff(),
        meeting_id,
        **body,
        expected_version=expected_version(),
        idempotency=idempotency_key("hold", meeting_id, json_body()),
    )
    return _meeting_response(services().ledger.state_after(result), result.position)


@blueprint.post("/<meeting_id>/close")
@with_body(EmptySchema)
def close(meeting_id: str, body: dict[str, Any]) -> Response:
    """Close the meeting."""
    result = services().meetings.close(
        current_staff(),
        meeting_id,
        expected_version=expected_version(),
        idempotency=idempotency_key("close-meeting", meeting_id, json_body()),
    )
    return _meeting_response(services().ledger.state_after(result), result.position)


@blueprint.get("/<meeting_id>/handover-list")
@with_query(schemas.HandoverListQuerySchema)
def handover(meeting_id: str, query: dict[str, Any]) -> Response:
    """The handover list (交办清单): JSON, or ``format=csv|xlsx|html``; ``as_of`` for the list as it stood then."""
    ledger = services().ledger
    current = ledger.read_meeting(current_staff(), meeting_id)
    wait_for_position(query.get("min_position"), MEETINGS)  # its predecessors come from the meetings register
    with services().projections.db.connect() as connection:
        earlier = register.earlier_meetings(
            connection, org=current.org, level=current.level, before=current.scheduled_for
        )
    as_of = query.get("as_of")
    meeting, items = handover_list.build(ledger, meeting_id, earlier_meeting_ids=earlier, as_of=as_of)
    zone, fmt = ledger.local_zone, query["format"]
    filename = f"handover-{meeting.scheduled_for}"
    names = {row["code"]: row["name"] for row in [*ledger.directory.list_grids(), *ledger.directory.list_departments()]}
    anchor = Anchor.read(ledger)  # after the list is built: it covers every event the list was made from
    if fmt == "csv":
        return _download(formats.to_csv(items, zone, names, anchor), "text/csv; charset=utf-8", f"{filename}.csv")
    if fmt == "xlsx":
        return _download(
            formats.to_xlsx(meeting, items, zone, names, anchor),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{filename}.xlsx",
        )
    if fmt == "html":
        return Response(
            formats.to_html(meeting, items, zone, as_of or ledger.clock(), names, anchor), mimetype="text/html"
        )
    return jsonify(
        {
            "meeting": _meeting_json(meeting, None),
            "as_of": local_time(as_of, zone),
            "items": [formats.item_json(item, zone, names) for item in items],
            "anchor": anchor.as_json(zone),
        }
    )


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, content_type=mimetype)  # mimetype= would add a second charset
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _meeting_response(meeting: Meeting, position: int | None, status: int = 200) -> Response:
    response = jsonify(_meeting_json(meeting, position))
    response.status_code = status
    response.headers["ETag"] = f'"{meeting.version}"'
    return response


def _meeting_json(meeting: Meeting, position: int | None) -> dict[str, Any]:
    ledger = services().ledger
    zone = ledger.local_zone
    return labelled(
        {
            "id": str(meeting.id),
            "title": meeting.title,
            "level": meeting.level,
            "org": meeting.org,
            "scheduled_for": meeting.scheduled_for,
            "chair": meeting.chair,
            "status": meeting.status,
            "attendees": list(meeting.attendees),
            "minutes": meeting.minutes,
            "items": [
                {
                    "case_id": item["case_id"],
                    "case_no": item["case_no"],
                    "reason": item["reason"],
                    "submitted_by": item["submitted_by"],
                    "submitted_at": local_time(item["submitted_at"], zone),
                    "assignment": None
                    if item["assignment"] is None
                    else {
                        **{k: v for k, v in item["assignment"].items() if k not in ("deadline", "at")},
                        "deadline": local_time(item["assignment"]["deadline"], zone),
                        "at": local_time(item["assignment"]["at"], zone),
                    },
                    "ticked_off_at": local_time(item["ticked_off_at"], zone),
                }
                for item in meeting.items.values()
            ],
            "version": meeting.version,
            "position": position,
            "created_at": local_time(meeting.created_on, zone),
            "updated_at": local_time(meeting.modified_on, zone),
        },
        MEETING,
        ledger.directory.department_name,
    )
