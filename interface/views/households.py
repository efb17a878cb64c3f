"""Households (户): register, members in and out, care tags, liaison and pairing, visits; state and history;
the lists (the registry, visits due, floating population), read models scoped by the field-work policy."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify

from domain.household import Household
from interface.auth import current_staff
from interface.context import services
from interface.disclosures import record_disclosure
from interface.endpoint import endpoint, state_response
from interface.presenters import fieldwork, fieldwork_rows
from interface.schemas import fieldwork_reads as list_schemas
from interface.schemas import households as schemas
from interface.schemas.answers import HistorySchema
from interface.views.fieldwork_common import after, reveal, root_path
from interface.views.paging import COUNT_LIMIT, figures_response, page_of, page_response
from projections import household_queries
from projections.grid_rollup import rolled_up, total_of
from projections.household_queries import FLOATING_FIGURES, HouseholdFilters
from projections.registry import HOUSEHOLDS

blueprint = Blueprint("households", __name__, url_prefix="/households")
STATE = schemas.HouseholdStateSchema


@blueprint.post("")
@endpoint(body=schemas.HouseholdRegisterSchema, command="register-household", response=STATE, status=201)
def register(body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Register a household (登记户) with its head."""
    result = services().households.register(current_staff(), **options, **body)
    return household_response(*after(result), status=201)


@blueprint.get("")
@endpoint(query=list_schemas.HouseholdListQuerySchema, response=list_schemas.HouseholdListSchema)
def list_households(query: dict[str, Any]) -> Response:
    """Households in grid order: filtered by grid subtree, care tag and kind; scoped by role."""
    root, page = root_path(query.get("grid")), page_of(query, HOUSEHOLDS)
    filters = HouseholdFilters(grid_path=root, tag=query.get("tag"), kind=query.get("kind"))
    with services().projections.db.connect() as connection:
        rows, total = household_queries.list_households(connection, filters, count_limit=COUNT_LIMIT + 1, **page)
    return page_response([fieldwork_rows.household_row(row, _zone()) for row in rows], total, page)


@blueprint.get("/visits-due")
@endpoint(query=list_schemas.VisitsDueQuerySchema, response=list_schemas.VisitsDueSchema)
def visits_due(query: dict[str, Any]) -> Response:
    """ "8必访": households that carried a care tag in the month (local time) and were not visited in it."""
    root, page = root_path(query.get("grid")), page_of(query, HOUSEHOLDS)
    month = query.get("month") or services().ledger.clock().astimezone(_zone()).strftime("%Y-%m")
    start, end = _month(month)
    filters = HouseholdFilters(grid_path=root, tag=query.get("tag"), kind=query.get("kind"))
    with services().projections.db.connect() as connection:
        rows, total = household_queries.visits_due(
            connection, filters, start=start, end=end, count_limit=COUNT_LIMIT + 1, **page
        )
    rows = [fieldwork_rows.visit_due_row(row, _zone()) for row in rows]
    return page_response(rows, total, page, month=month, start=start.isoformat(), end=end.isoformat())


@blueprint.get("/floating-population")
@endpoint(query=list_schemas.GridFiguresQuerySchema, response=list_schemas.FloatingPopulationSchema)
def floating_population(query: dict[str, Any]) -> Response:
    """Per grid of the subtree (each counting the grids beneath it): households, rentals, residents, floating."""
    root, page = root_path(query.get("grid")), page_of(query, HOUSEHOLDS)
    with services().projections.db.connect() as connection:
        by_path = household_queries.floating_population(connection, root)
        rows, total = rolled_up(
            connection, by_path, root_path=root, level=query.get("level"), names=FLOATING_FIGURES, **page
        )
    return figures_response(rows, total, page, total_of(by_path, FLOATING_FIGURES))


@blueprint.get("/<household_id>")
@endpoint(direct=True, response=STATE)
def read(household_id: str) -> Response:
    """The household now: members, care tags, liaison, pairing cadre, visits."""
    household = services().ledger.read_household(current_staff(), household_id)
    return household_response(household, services().ledger.position_of(household))


@blueprint.get("/<household_id>/history")
@endpoint(direct=True, response=HistorySchema)
def history(household_id: str) -> Response:
    """Every event of the household in order, with Chinese labels and the actor of each."""
    household = services().ledger.read_household(current_staff(), household_id)
    ledger = services().ledger
    entries = ledger.history_of(household)
    if reveal():
        record_disclosure("household", str(household.id), household.members.values())
    return jsonify(fieldwork.history(household, entries, zone=ledger.local_zone, reveal=reveal()))


@blueprint.post("/<household_id>/members")
@endpoint(body=schemas.MemberSchema, command="add-member", conditional=True, response=STATE)
def add_member(household_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """A member moves in (tenants of a rental are the floating population)."""
    result = services().households.add_member(current_staff(), household_id, **body, **options)
    return household_response(*after(result))


@blueprint.post("/<household_id>/members/<member_id>/move-out")
@endpoint(body=schemas.MoveOutSchema, command="move-out", conditional=True, response=STATE)
def move_out(household_id: str, member_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """A member moves out (迁出); they stay on record with the date."""
    result = services().households.move_out(current_staff(), household_id, member_id, **body, **options)
    return household_response(*after(result))


@blueprint.post("/<household_id>/tags")
@endpoint(body=schemas.TagSchema, command="add-tag", conditional=True, response=STATE)
def add_tag(household_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Add a care tag (one of the "8必访")."""
    result = services().households.add_tag(current_staff(), household_id, **body, **options)
    return household_response(*after(result))


@blueprint.delete("/<household_id>/tags/<tag>")
@endpoint(command="remove-tag", conditional=True, response=STATE)
def remove_tag(household_id: str, tag: str, options: dict[str, Any]) -> Response:
    """Remove a care tag."""
    result = services().households.remove_tag(current_staff(), household_id, tag, **options)
    return household_response(*after(result))


@blueprint.post("/<household_id>/liaison")
@endpoint(body=schemas.StaffRefSchema, command="liaison", conditional=True, response=STATE)
def assign_liaison(household_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Assign the household's liaison (联户长)."""
    result = services().households.assign_liaison(current_staff(), household_id, **body, **options)
    return household_response(*after(result))


@blueprint.post("/<household_id>/pairing")
@endpoint(body=schemas.StaffRefSchema, command="pairing", conditional=True, response=STATE)
def assign_pairing(household_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Assign the household's pairing cadre (结对帮扶)."""
    result = services().households.assign_pairing(current_staff(), household_id, **body, **options)
    return household_response(*after(result))


@blueprint.post("/<household_id>/visits")
@endpoint(body=schemas.VisitSchema, command="visit", conditional=True, response=STATE)
def visit(household_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Record a visit (走访); each need found becomes a case linked to the household."""
    result = services().households.visit(current_staff(), household_id, **body, **options)
    cases = fieldwork.raised_cases(services().ledger, result.linked_ids)
    return household_response(*after(result), raised_cases=cases)


def household_response(household: Household, position: int, status: int = 200, **extra: Any) -> Response:
    state = fieldwork.household_state(household, position=position, zone=_zone(), reveal=reveal())
    if reveal():
        record_disclosure("household", str(household.id), household.members.values())
    return state_response(
        {**state, **extra}, version=household.version, location=f"/households/{household.id}", status=status
    )


def _month(month: str) -> tuple[datetime, datetime]:
    """The first moment of ``month`` and of the month after, in the ledger's local zone."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=_zone())
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=_zone())
    return start, end


def _zone() -> Any:
    return services().ledger.local_zone
