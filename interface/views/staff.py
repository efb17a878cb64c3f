"""Staff accounts: create, list, read with role history and events; change role, revoke, rotate the token.

A revoked or rotated token fails on the very next request in every process (tokens are looked up per request).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from application.commands import CommandResult
from domain.actor import Role
from interface import staff_presenters as present
from interface.auth import current_staff
from interface.context import services
from interface.read_your_writes import direct_read, wait_for_position
from interface.requests import idempotency_key, json_body, with_body, with_query
from interface.schemas import staff as schemas
from interface.views.fieldwork_common import command_options, state_response

blueprint = Blueprint("staff", __name__, url_prefix="/staff")


@blueprint.post("")
@with_body(schemas.StaffCreateSchema)
def create(body: dict[str, Any]) -> Response:
    """Create a staff account (admin); the token is shown once, in this response only."""
    member, token = services().ledger.staff_accounts.add(
        name=body["name"],
        role=Role(body["role"]),
        department=body["org"],
        grid=body["grid"],
        by=current_staff(),
        idempotency=idempotency_key("add-staff", None, json_body()),
    )
    answer = {**present.staff_member(member), "token": token}
    return state_response(answer, version=1, location=f"/api/v1/staff/{member.id}", status=201)


@blueprint.get("")
@with_query(schemas.StaffListQuerySchema)
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
@direct_read
def read(staff_id: str) -> Response:
    """A staff account with every role and scope it has held."""
    member = _readable(staff_id)
    return _account_response(member)


@blueprint.get("/<staff_id>/history")
@direct_read
def history(staff_id: str) -> Response:
    """Every event of the account: registered, role changes, token rotations, revocation."""
    _readable(staff_id)
    ledger = services().ledger
    account = ledger.load_staff_account(staff_id)
    return jsonify(present.history(staff_id, ledger.history_of(account), ledger.local_zone))


@blueprint.post("/<staff_id>/roles")
@with_body(schemas.RoleChangeSchema)
def change_role(staff_id: str, body: dict[str, Any]) -> Response:
    """Give the account another role or scope (admin); the previous one ends now."""
    result = services().ledger.staff_accounts.change_role(
        current_staff(),
        staff_id,
        role=Role(body["role"]),
        department=body["org"],
        grid=body["grid"],
        **command_options("roles", staff_id),
    )
    return _after(result)


@blueprint.post("/<staff_id>/revoke")
@with_body(schemas.RevokeSchema)
def revoke(staff_id: str, body: dict[str, Any]) -> Response:
    """Revoke the account (admin): its token stops working at once, everywhere; its events keep its name."""
    result = services().ledger.staff_accounts.revoke(
        current_staff(), staff_id, reason=body["reason"], **command_options("revoke", staff_id)
    )
    return _after(result)


@blueprint.post("/<staff_id>/rotate-token")
@with_body(schemas.RotateTokenSchema)
def rotate_token(staff_id: str, body: dict[str, Any]) -> Response:
    """A new token for the account (admin, or the account's owner), shown once; the old one stops working."""
    result, token = services().ledger.staff_accounts.rotate_token(
        current_staff(), staff_id, **command_options("rotate-token", staff_id)
    )
    return _after(result, token=token)


def _readable(staff_id: str) -> Any:
    member = services().directory.get_staff(staff_id)
    services().ledger.read_policy.check_reads_staff(current_staff(), member)
    return member


def _after(result: CommandResult, **extra: Any) -> Response:
    return _account_response(services().directory.get_staff(result.id), version=result.version, **extra)


def _account_response(member: Any, *, version: int | None = None, **extra: Any) -> Response:
    ledger = services().ledger
    if version is None:
        version = ledger.load_staff_account(member.id).version
    state = {
        **present.staff_member(member),
        "roles": present.role_history(services().directory.role_history(member.id), ledger.local_zone),
        "version": version,
        **extra,
    }
    return state_response(state, version=version, location=f"/api/v1/staff/{member.id}")
