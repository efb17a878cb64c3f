"""Households (户): register, members in and out, care tags, liaison and pairing, visits; state and history.

The lists (``GET /households``, visits due, floating population) are read models, served elsewhere.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from domain.household import Household
from interface import fieldwork_state as present
from interface.auth import current_staff
from interface.context import services
from interface.read_your_writes import direct_read
from interface.requests import idempotency_key, json_body, with_body
from interface.schemas import households as schemas
from interface.views.fieldwork_common import after, command_options, reveal, state_response

blueprint = Blueprint("households", __name__, url_prefix="/households")


@blueprint.post("")
@with_body(schemas.HouseholdRegisterSchema)
def register(body: dict[str, Any]) -> Response:
    """Register a household (登记户) with its head."""
    key = idempotency_key("register-household", None, json_body())
    result = services().households.register(current_staff(), idempotency=key, **body)
    return household_response(*after(result), status=201)


@blueprint.get("/<household_id>")
@direct_read
def read(household_id: str) -> Response:
    """The household now: members, care tags, liaison, pairing cadre, visits."""
    household = services().ledger.read_household(current_staff(), household_id)
    return household_response(household, services().ledger.position_of(household))


@blueprint.get("/<household_id>/history")
@direct_read
def history(household_id: str) -> Response:
    """Every event of the household in order, with Chinese labels and the actor of each."""
    household = services().ledger.read_household(current_staff(), household_id)
    ledger = services().ledger
    return jsonify(present.history(household, ledger.history_of(household), zone=ledger.local_zone, reveal=reveal()))


@blueprint.post("/<household_id>/members")
@with_body(schemas.MemberSchema)
def add_member(household_id: str, body: dict[str, Any]) -> Response:
    """A member moves in (tenants of a rental are the floating population)."""
    result = services().households.add_member(
        current_staff(), household_id, **body, **command_options("add-member", household_id)
    )
    return household_response(*after(result))


@blueprint.post("/<household_id>/members/<member_id>/move-out")
@with_body(schemas.MoveOutSchema)
def move_out(household_id: str, member_id: str, body: dict[str, Any]) -> Response:
    """A member moves out (迁出); they stay on record with the date."""
    result = services().households.move_out(
        current_staff(), household_id, member_id, **body, **command_options("move-out", f"{household_id}/{member_id}")
    )
    return household_response(*after(result))


@blueprint.post("/<household_id>/tags")
@with_body(schemas.TagSchema)
def add_tag(household_id: str, body: dict[str, Any]) -> Response:
    """Add a care tag (one of the "8必访")."""
    result = services().households.add_tag(
        current_staff(), household_id, **body, **command_options("add-tag", household_id)
    )
    return household_response(*after(result))


@blueprint.delete("/<household_id>/tags/<tag>")
def remove_tag(household_id: str, tag: str) -> Response:
    """Remove a care tag."""
    result = services().households.remove_tag(
        current_staff(), household_id, tag, **command_options("remove-tag", f"{household_id}/{tag}")
    )
    return household_response(*after(result))


@blueprint.post("/<household_id>/liaison")
@with_body(schemas.StaffRefSchema)
def assign_liaison(household_id: str, body: dict[str, Any]) -> Response:
    """Assign the household's liaison (联户长)."""
    result = services().households.assign_liaison(
        current_staff(), household_id, **body, **command_options("liaison", household_id)
    )
    return household_response(*after(result))


@blueprint.post("/<household_id>/pairing")
@with_body(schemas.StaffRefSchema)
def assign_pairing(household_id: str, body: dict[str, Any]) -> Response:
    """Assign the household's pairing cadre (结对帮扶)."""
    result = services().households.assign_pairing(
        current_staff(), household_id, **body, **command_options("pairing", household_id)
    )
    return household_response(*after(result))


@blueprint.post("/<household_id>/visits")
@with_body(schemas.VisitSchema)
def visit(household_id: str, body: dict[str, Any]) -> Response:
    """Record a visit (走访); each need found becomes a case linked to the household."""
    result = services().households.visit(
        current_staff(), household_id, **body, **command_options("visit", household_id)
    )
    cases = present.raised_cases(services().ledger, result.linked_ids)
    return household_response(*after(result), raised_cases=cases)


def household_response(household: Household, position: int, status: int = 200, **extra: Any) -> Response:
    state = present.household_state(household, position=position, zone=services().ledger.local_zone, reveal=reveal())
    return state_response(
        {**state, **extra}, version=household.version, location=f"/api/v1/households/{household.id}", status=status
    )
