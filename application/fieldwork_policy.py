"""Who may see and change households and patrols: grid-scoped staff in their subtree, admins everywhere.

Department staff, channel integrations and meeting secretaries do not see households or patrols at all;
leaders see their subtree read-only; auditors read everything; only admins see personal data whole.
"""

from __future__ import annotations

from application.directory import Directory
from application.errors import Forbidden
from application.staff import StaffMember
from domain.actor import Role
from domain.household import Household
from domain.patrol import Patrol

FIELD_STAFF = (Role.GRID_WORKER, Role.DISPATCHER)
SUBTREE_READERS = (Role.GRID_WORKER, Role.DISPATCHER, Role.LEADER)
EVERYTHING_READERS = (Role.ADMIN, Role.AUDITOR)


class FieldworkPolicy:
    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    def check_write(self, staff: StaffMember, grid: str, what: str) -> None:
        """Register or change a household, start a patrol: admins anywhere, field staff in their subtree."""
        if staff.role == Role.ADMIN or (staff.role in FIELD_STAFF and self._in_scope(staff, grid)):
            return
        raise Forbidden(f"a {staff.role.value} may not {what} in grid '{grid}'")

    def check_patrol_command(self, staff: StaffMember, patrol: Patrol, command: str) -> None:
        """Check-ins, findings and the end: the patrol's own members, or its grid's dispatcher, or an admin."""
        if staff.role == Role.ADMIN or (staff.role == Role.DISPATCHER and self._in_scope(staff, patrol.grid)):
            return
        if patrol.has_member(staff.id) and staff.role in FIELD_STAFF:
            return
        raise Forbidden(f"only the patrol's members may '{command}' it")

    def check_read(self, staff: StaffMember, grid: str | None = None) -> None:
        """``grid`` None: may this role read households and patrols at all (lists are scoped later)."""
        if staff.role in EVERYTHING_READERS:
            return
        if staff.role in SUBTREE_READERS and (grid is None or self._in_scope(staff, grid)):
            return
        if staff.role in SUBTREE_READERS:
            raise Forbidden(f"grid '{grid}' is outside your scope")
        raise Forbidden(f"a {staff.role.value} does not see households or patrols")

    def read_scope(self, staff: StaffMember) -> str | None:
        """The grid subtree a reader's lists are limited to; None for everything."""
        self.check_read(staff)
        return None if staff.role in EVERYTHING_READERS else staff.grid

    @staticmethod
    def sees_personal_data(staff: StaffMember) -> bool:
        return staff.role == Role.ADMIN

    def _in_scope(self, staff: StaffMember, grid: str) -> bool:
        return self._directory.is_within(grid, staff.grid)


class HouseholdPolicy:
    """The command policy of households: field staff of its grid, or an admin."""

    def __init__(self, fieldwork: FieldworkPolicy) -> None:
        self._fieldwork = fieldwork

    def check_role(self, staff: StaffMember, command: str) -> None:
        """Before the household is loaded: the rule depends on its grid."""

    def check_change(self, staff: StaffMember, command: str, household: Household) -> None:
        self._fieldwork.check_write(staff, household.grid, "change a household")


class PatrolPolicy:
    """The command policy of patrols: its members, its grid's dispatcher, or an admin."""

    def __init__(self, fieldwork: FieldworkPolicy) -> None:
        self._fieldwork = fieldwork

    def check_role(self, staff: StaffMember, command: str) -> None:
        """Before the patrol is loaded: the rule depends on its members and grid."""

    def check_change(self, staff: StaffMember, command: str, patrol: Patrol) -> None:
        self._fieldwork.check_patrol_command(staff, patrol, command)
