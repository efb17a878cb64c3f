"""Reference data: the grid tree, departments, staff accounts and the caller's own record."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from domain.actor import Role
from interface.auth import current_staff
from interface.context import services
from interface.fieldwork_presenters import iso
from interface.labels import GRID, STAFF, labelled
from interface.read_your_writes import direct_read
from interface.requests import with_body
from interface.schemas import reference as schemas

blueprint = Blueprint("reference", __name__)


@blueprint.post("/grids")
@with_body(schemas.GridCreateSchema)
def create_grid(body: dict[str, Any]) -> tuple[Response, int]:
    """Add a grid under its parent (admin)."""
    services().ledger.read_policy.check_administers(current_staff())
    return jsonify(_grid(services().directory.add_grid(**body))), 201


@blueprint.get("/grids")
@direct_read
def grid_tree() -> Response:
    """The whole grid tree, nested by parent."""
    rows = services().directory.list_grids()
    nodes = {row["code"]: {**_grid(row), "children": []} for row in rows}
    roots = []
    for row in rows:  # ordered by path, so parents come before children
        parent = nodes.get(row["parent"]) if row["parent"] else None
        (parent["children"] if parent else roots).append(nodes[row["code"]])
    return jsonify({"items": roots, "total": len(rows)})


@blueprint.get("/grids/<code>")
@direct_read
def grid(code: str) -> Response:
    """One grid."""
    return jsonify(_grid(services().directory.get_grid(code)))


@blueprint.post("/departments")
@with_body(schemas.DepartmentCreateSchema)
def create_department(body: dict[str, Any]) -> tuple[Response, int]:
    """Add a department (admin)."""
    services().ledger.read_policy.check_administers(current_staff())
    return jsonify(_department(services().directory.add_department(**body))), 201


@blueprint.get("/departments")
@direct_read
def departments() -> Response:
    """All departments."""
    rows = services().directory.list_departments()
    return jsonify({"items": [_department(row) for row in rows], "total": len(rows)})


@blueprint.post("/staff")
@with_body(schemas.StaffCreateSchema)
def create_staff(body: dict[str, Any]) -> tuple[Response, int]:
    """Create a staff account (admin); the token is shown once, in this response only."""
    admin = current_staff()
    services().ledger.read_policy.check_administers(admin)
    member, token = services().ledger.staff_accounts.add(
        name=body["name"], role=Role(body["role"]), department=body["org"], grid=body["grid"], by=admin
    )
    return jsonify({**_staff(member), "token": token}), 201


@blueprint.get("/staff/<staff_id>")
@direct_read
def staff_record(staff_id: str) -> Response:
    """A staff account with every role and scope it has held (admin, auditor, or oneself)."""
    services().ledger.read_policy.check_reads_staff(current_staff(), staff_id)
    directory = services().directory
    member = directory.get_staff(staff_id)
    return jsonify({**_staff(member), "roles": _roles(directory.role_history(staff_id))})


@blueprint.get("/me")
@direct_read
def me() -> Response:
    """The caller's own staff record, role and role history."""
    staff = current_staff()
    return jsonify({**_staff(staff), "roles": _roles(services().directory.role_history(staff.id))})


def _grid(row: dict[str, Any]) -> dict[str, Any]:
    return labelled(
        {"code": row["code"], "name": row["name"], "level": row["level"], "parent": row["parent"], "path": row["path"]},
        GRID,
    )


def _department(row: dict[str, Any]) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"]}


def _staff(member: Any) -> dict[str, Any]:
    return labelled(
        {
            "id": member.id,
            "name": member.name,
            "role": member.role.value,
            "org": member.department,
            "grid": member.grid,
        },
        STAFF,
    )


def _roles(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each role held and when, in local time like every other answer (the table stores UTC)."""
    zone = services().ledger.local_zone
    return labelled(
        [
            {
                "role": r["role"],
                "org": r["department"],
                "grid": r["grid"],
                "granted_by": r["granted_by"],
                "valid_from": iso(r["valid_from"], zone),
                "valid_to": iso(r["valid_to"], zone),
            }
            for r in rows
        ],
        STAFF,
    )
