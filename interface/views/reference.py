"""Reference data: the grid tree, departments and the caller's own record."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from interface import staff_presenters
from interface.auth import current_staff
from interface.context import services
from interface.labels import GRID, labelled
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


@blueprint.get("/me")
@direct_read
def me() -> Response:
    """The caller's own staff record, role and role history."""
    staff = current_staff()
    roles = staff_presenters.role_history(services().directory.role_history(staff.id), services().ledger.local_zone)
    return jsonify({**staff_presenters.staff_member(staff), "roles": roles})


def _grid(row: dict[str, Any]) -> dict[str, Any]:
    return labelled(
        {"code": row["code"], "name": row["name"], "level": row["level"], "parent": row["parent"], "path": row["path"]},
        GRID,
    )


def _department(row: dict[str, Any]) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"]}
