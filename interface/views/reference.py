"""Reference data: the grid tree, departments and the caller's own record."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint
from interface.labels import GRID, labelled
from interface.presenters import staff as staff_presenters
from interface.schemas import reference as schemas
from interface.schemas import staff as staff_schemas

blueprint = Blueprint("reference", __name__)


@blueprint.post("/grids")
@endpoint(body=schemas.GridCreateSchema, response=schemas.GridSchema, status=201)
def create_grid(body: dict[str, Any]) -> tuple[Response, int]:
    """Add a grid under its parent (admin)."""
    services().ledger.read_policy.check_administers(current_staff())
    return jsonify(_grid(services().directory.add_grid(**body))), 201


@blueprint.get("/grids")
@endpoint(direct=True, response=schemas.GridTreeSchema)
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
@endpoint(direct=True, response=schemas.GridSchema)
def grid(code: str) -> Response:
    """One grid."""
    return jsonify(_grid(services().directory.get_grid(code)))


@blueprint.post("/departments")
@endpoint(body=schemas.DepartmentCreateSchema, response=schemas.DepartmentSchema, status=201)
def create_department(body: dict[str, Any]) -> tuple[Response, int]:
    """Add a department (admin)."""
    services().ledger.read_policy.check_administers(current_staff())
    return jsonify(_department(services().directory.add_department(**body))), 201


@blueprint.get("/departments")
@endpoint(direct=True, response=schemas.DepartmentsSchema)
def departments() -> Response:
    """All departments."""
    rows = services().directory.list_departments()
    return jsonify({"items": [_department(row) for row in rows], "total": len(rows)})


@blueprint.get("/me")
@endpoint(direct=True, response=staff_schemas.StaffRecordSchema)
def me() -> Response:
    """The caller's own staff record, role and role history."""
    staff = current_staff()
    return jsonify(
        staff_presenters.record(staff, services().directory.role_history(staff.id), services().ledger.local_zone)
    )


def _grid(row: dict[str, Any]) -> dict[str, Any]:
    return labelled(
        {"code": row["code"], "name": row["name"], "level": row["level"], "parent": row["parent"], "path": row["path"]},
        GRID,
    )


def _department(row: dict[str, Any]) -> dict[str, Any]:
    return {"code": row["code"], "name": row["name"]}
