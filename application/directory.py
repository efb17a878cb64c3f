"""Reference data: the grid tree, departments and staff accounts (with their role history)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, or_, select

from application.errors import AlreadyExists, InvalidReference, NotFound
from application.staff import GRID_SCOPED_ROLES, StaffMember, hash_token
from domain.actor import Role
from projections.storage import tables

GRID_LEVELS = ("county", "town", "community", "grid_large", "grid_medium", "grid_small", "building")
GRID_LEVEL_LABELS = {
    "county": "县/区",
    "town": "镇/街道",
    "community": "社区/村",
    "grid_large": "大网格",
    "grid_medium": "中网格",
    "grid_small": "小网格",
    "building": "楼栋",
}


class Directory:
    """Reads and writes the reference tables inside the event store's transactions."""

    def __init__(self, transaction: Callable[..., Any], clock: Callable[[], datetime]) -> None:
        self._transaction = transaction
        self._clock = clock
        self._grid_paths: dict[str, str] = {}
        self._community_rows: dict[str, dict[str, Any]] = {}
        self._department_names: dict[str, str] = {}

    # -- grids -----------------------------------------------------------------------------
    def add_grid(self, *, code: str, name: str, level: str, parent: str | None) -> dict[str, Any]:
        if level not in GRID_LEVELS:
            raise InvalidReference("level", f"must be one of {', '.join(GRID_LEVELS)}")
        with self._transaction(commit=True) as session:
            if self._find_grid(session, code):
                raise AlreadyExists("code", f"grid '{code}' exists already")
            parent_path = "/"
            if parent is not None:
                parent_row = self._find_grid(session, parent)
                if parent_row is None:
                    raise InvalidReference("parent", f"unknown grid '{parent}'")
                parent_path = parent_row["path"]
                self._check_level_below(parent_row["level"], level)
            row = {
                "code": code,
                "name": name,
                "level": level,
                "parent": parent,
                "path": f"{parent_path}{code}/",
                "created_at": self._clock(),
            }
            session.execute(insert(tables.grids).values(**row))
        return row

    @staticmethod
    def _check_level_below(parent_level: str, level: str) -> None:
        if GRID_LEVELS.index(level) <= GRID_LEVELS.index(parent_level):
            raise InvalidReference("level", f"a '{level}' cannot sit under a '{parent_level}'")

    @staticmethod
    def _find_grid(session: Any, code: str) -> dict[str, Any] | None:
        row = session.execute(select(tables.grids).where(tables.grids.c.code == code)).first()
        return dict(row._mapping) if row else None

    def find_grid(self, code: str) -> dict[str, Any] | None:
        with self._transaction(commit=False) as session:
            return self._find_grid(session, code)

    def get_grid(self, code: str) -> dict[str, Any]:
        with self._transaction(commit=False) as session:
            row = self._find_grid(session, code)
        if row is None:
            raise NotFound(f"grid '{code}' does not exist")
        return row

    def list_grids(self) -> list[dict[str, Any]]:
        with self._transaction(commit=False) as session:
            rows = session.execute(select(tables.grids).order_by(tables.grids.c.path)).all()
        return [dict(row._mapping) for row in rows]

    def grid_path(self, code: str) -> str | None:
        """The grid's materialised path; grids are never moved, so paths are cached forever."""
        path = self._grid_paths.get(code)
        if path is None:
            with self._transaction(commit=False) as session:
                row = self._find_grid(session, code)
            if row is None:
                return None
            path = self._grid_paths[code] = row["path"]
        return path

    def community_name(self, code: str) -> str | None:
        """The name of the community (社区/村) a grid belongs to, if it lies under one."""
        path = self.grid_path(code)
        if path is None:
            return None
        for ancestor in path.strip("/").split("/"):
            row = self._community_rows.get(ancestor)
            if row is None:
                row = self._community_rows[ancestor] = self.find_grid(ancestor) or {}
            if row.get("level") == "community":
                return row["name"]
        return None

    def is_within(self, grid: str, scope: str | None) -> bool:
        """True when ``grid`` lies in the subtree rooted at ``scope``."""
        if scope is None:
            return False
        grid_path, scope_path = self.grid_path(grid), self.grid_path(scope)
        return bool(grid_path and scope_path and grid_path.startswith(scope_path))

    # -- departments -----------------------------------------------------------------------
    def add_department(self, *, code: str, name: str) -> dict[str, Any]:
        with self._transaction(commit=True) as session:
            if self.find_department(code):
                raise AlreadyExists("code", f"department '{code}' exists already")
            row = {"code": code, "name": name, "created_at": self._clock()}
            session.execute(insert(tables.departments).values(**row))
        return row

    def find_department(self, code: str) -> dict[str, Any] | None:
        query = select(tables.departments).where(tables.departments.c.code == code)
        with self._transaction(commit=False) as session:  # joins the caller's transaction if any
            row = session.execute(query).first()
        return dict(row._mapping) if row else None

    def list_departments(self) -> list[dict[str, Any]]:
        with self._transaction(commit=False) as session:
            rows = session.execute(select(tables.departments).order_by(tables.departments.c.code)).all()
        return [dict(row._mapping) for row in rows]

    def department_name(self, code: str) -> str:
        """A department's name, for answers that show codes (the code itself when unknown). Departments are
        only ever added, never renamed or removed: the names are cached, and reloaded when a code is new."""
        name = self._department_names.get(code)
        if name is None:
            self._department_names = {row["code"]: row["name"] for row in self.list_departments()}
            name = self._department_names.get(code, code)
        return name

    # -- staff -----------------------------------------------------------------------------
    def check_staff_scope(self, role: Role, department: str | None, grid: str | None) -> None:
        if role == Role.DEPARTMENT and department is None:
            raise InvalidReference("org", "department staff need a department")
        # Checked for every role: the column is a foreign key (PostgreSQL refuses the insert; SQLite would store it).
        if department is not None and self.find_department(department) is None:
            raise InvalidReference("org", f"unknown department '{department}'")
        if role in GRID_SCOPED_ROLES:
            if grid is None:
                raise InvalidReference("grid", f"a {role.value} needs a grid")
        if grid is not None and self.grid_path(grid) is None:
            raise InvalidReference("grid", f"unknown grid '{grid}'")

    def staff_by_token(self, token: str) -> StaffMember | None:
        """The active account the token belongs to (one indexed read). Requests ask ``SecurityGeneration``, which
        asks this only for a token it does not hold under the current security generation."""
        staff = tables.staff
        query = select(staff).where(staff.c.token_hash == hash_token(token), staff.c.revoked_at.is_(None))
        with self._transaction(commit=False) as session:
            row = session.execute(query).first()
        return None if row is None else _staff_member(row._mapping)

    def get_staff(self, staff_id: str) -> StaffMember:
        with self._transaction(commit=False) as session:
            row = session.execute(select(tables.staff).where(tables.staff.c.id == staff_id)).first()
        if row is None:
            raise NotFound(f"staff member '{staff_id}' does not exist")
        return _staff_member(row._mapping)

    def staff_record(self, staff_id: str, *, field: str) -> dict[str, Any]:
        """A staff member as an event records them (a liaison, a patrol member); unknown: ``field`` is invalid."""
        try:
            person = self.get_staff(staff_id)
        except NotFound:
            raise InvalidReference(field, f"unknown staff member '{staff_id}'") from None
        if not person.active:
            raise InvalidReference(field, f"staff member '{staff_id}' has left (account revoked)")
        return {"id": person.id, "name": person.name, "role": person.role.value}

    def list_staff(
        self,
        *,
        within: str | None,
        grid: str | None,
        role: str | None,
        org: str | None,
        active: bool | None,
        page: int,
        per_page: int,
    ) -> tuple[list[StaffMember], int]:
        """A page of accounts ordered by name, and how many match. ``within`` and ``grid`` are grid codes whose
        subtree holds the accounts' grid scope; ``org`` is a department or grid code as events record it."""
        staff, grids = tables.staff, tables.grids
        conditions = []
        for root in (within, grid):
            if root is not None:
                path = self.grid_path(root) or "/-unknown-/"
                conditions.append(grids.c.path.startswith(path, autoescape=True))
        if role is not None:
            conditions.append(staff.c.role == role)
        if org is not None:
            conditions.append(or_(staff.c.department == org, staff.c.grid == org))
        if active is not None:
            conditions.append(staff.c.revoked_at.is_(None) if active else staff.c.revoked_at.is_not(None))
        source = staff.outerjoin(grids, grids.c.code == staff.c.grid)
        query = select(staff).select_from(source).where(*conditions)
        with self._transaction(commit=False) as session:
            total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = session.execute(
                query.order_by(staff.c.name, staff.c.id).limit(per_page).offset((page - 1) * per_page)
            ).all()
        return [_staff_member(row._mapping) for row in rows], total

    def role_history(self, staff_id: str) -> list[dict[str, Any]]:
        query = (
            select(tables.staff_roles)
            .where(tables.staff_roles.c.staff_id == staff_id)
            .order_by(tables.staff_roles.c.valid_from)
        )
        with self._transaction(commit=False) as session:
            rows = session.execute(query).all()
        return [
            {**row._mapping, "valid_from": _aware(row.valid_from), "valid_to": _aware(row.valid_to)} for row in rows
        ]


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _staff_member(row: Any) -> StaffMember:
    return StaffMember(
        id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        department=row["department"],
        grid=row["grid"],
        active=row["revoked_at"] is None,
    )
