"""Staff accounts: create, list, read with role history and events; change role, revoke, rotate the token.

A revoked or rotated token fails on the very next request in every process (tokens are looked up per request).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from application.commands import CommandResult
from application.staff import StaffMember
from domain.actor import Role
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint, state_response
from interface.presenters import staff as present
from interface.read_your_writes import wait_for_position
from interface.schemas import staff as schemas
from interface.schemas.answers import HistorySchema

blueprint = Blueprint("staff", __name__, url_prefix="/staff")


@blueprint.post("")
@endpoint(body=schemas.StaffCreateSchema, command="add-staff", response=schemas.IssuedAccountSchema, status=201)
def create(body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Create a staff account (admin); the token is shown once, in this response only."""
    member, token = services().ledger.staff_accounts.add(
        name=body["name"],
        role=Role(body["role"]),
        department=body["org"],
        grid=body["grid"],
        by=current_staff(),
        **options,
    )
    return _account_response(member, version=1, status=201, token=token)


@blueprint.get("")
@endpoint(query=schemas.StaffListQuerySchema, response=schemas.StaffPageSchema)
def list_staff(query: dict[str, Any]) -> Response:
    """Staff accounts by name: admins and auditors see all, dispatchers and leaders those of their grid subtree."""
    wait_for_position(query.get("min_position"))  # the accounts table is written with the events
    within = services().ledger.read_policy.staff_scope(current_staff())
    filters = {name: query.get(name) for name in ("grid", "role", "org", "active")}
    members, total = services().directory.list_staff(
        within=within, page=query["page"], per_page=query["per_page"], **filters
    )
    items = [present.staff_member(member) for member in members]
    return jsonify({"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]})


@blueprint.get("/<staff_id>")
@endpoint(direct=True, response=schemas.AccountSchema)
def read(staff_id: str) -> Response:
    """A staff account with every role and scope it has held (oneself; admins and auditors; dispatchers and
    leaders for the accounts of their grid subtree)."""
    return _account_response(_readable(staff_id))


@blueprint.get("/<staff_id>/history")
@endpoint(direct=True, response=HistorySchema)
def history(staff_id: str) -> Response:
    """Every event of the account: registered, role changes, token rotations, revocation."""
    member = _readable(staff_id)
    ledger = services().ledger
    account = ledger.load_staff_account(member.id)
    return jsonify(present.history(member.id, ledger.history_of(account), ledger.local_zone))


@blueprint.post("/<staff_id>/roles")
@endpoint(body=schemas.RoleChangeSchema, command="roles", conditional=True, response=schemas.AccountSchema)
def change_role(staff_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Give the account another role or scope (admin); the one it held ends now."""
    role, org, grid = Role(body["role"]), body["org"], body["grid"]
    result = services().ledger.staff_accounts.change_role(
        current_staff(), staff_id, role=role, department=org, grid=grid, **options
    )
    return _after(result)


@blueprint.post("/<staff_id>/revoke")
@endpoint(body=schemas.RevokeSchema, command="revoke", conditional=True, response=schemas.AccountSchema)
def revoke(staff_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """Revoke the account (admin): its token stops working at once, everywhere; its events keep its name."""
    result = services().ledger.staff_accounts.revoke(current_staff(), staff_id, reason=body["reason"], **options)
    return _after(result)


@blueprint.post("/<staff_id>/rotate-token")
@endpoint(
    body=schemas.RotateTokenSchema, command="rotate-token", conditional=True, response=schemas.IssuedAccountSchema
)
def rotate_token(staff_id: str, body: dict[str, Any], options: dict[str, Any]) -> Response:
    """A new token for the account (admin, or the account's owner), shown once; the old one stops working."""
    result, token = services().ledger.staff_accounts.rotate_token(current_staff(), staff_id, **options)
    return _after(result, token=token)


def _readable(staff_id: str) -> StaffMember:
    member = services().directory.get_staff(staff_id)
    services().ledger.read_policy.check_reads_staff(current_staff(), member)
    return member


def _after(result: CommandResult, **extra: Any) -> Response:
    return _account_response(services().directory.get_staff(result.id), version=result.version, **extra)


def _account_response(member: StaffMember, *, version: int | None = None, status: int = 200, **extra: Any) -> Response:
    ledger = services().ledger
    if version is None:
        version = ledger.load_staff_account(member.id).version
    roles = services().directory.role_history(member.id)
    state = present.record(member, roles, ledger.local_zone, version=version, **extra)
    return state_response(state, version=version, location=f"/staff/{member.id}", status=status)
