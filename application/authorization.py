"""Who may do what to a case: the role table of API.md, with grid and department scopes."""

from __future__ import annotations

from application.directory import Directory
from application.errors import Forbidden
from application.staff import StaffMember
from domain.actor import Role
from domain.case import Case
from domain.read_scope import ReadScope

DISPATCH_DESK = (
    "accept",
    "reject",
    "merge",
    "dispatch",
    "reopen",
    "close",
    "extend",
    "redispatch",
    "refuse-extension",
    "suspend",
    "resume",
)
LEAD_DEPARTMENT = ("claim", "return", "request-extension")
EVERYTHING_READERS = (Role.ADMIN, Role.AUDITOR, Role.MEETING_SECRETARY)
# Who may upload an attachment: whoever may report a case or note (or resolve) one.
UPLOADERS = (Role.ADMIN, Role.INTAKE, Role.DISPATCHER, Role.GRID_WORKER, Role.DEPARTMENT)


class CasePolicy:
    """Answers 'may this staff member do this to this case?' and raises Forbidden when not."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    def check_report(self, staff: StaffMember, grid: str) -> None:
        if staff.role in (Role.INTAKE, Role.ADMIN):
            return
        if staff.role in (Role.GRID_WORKER, Role.DISPATCHER) and self._in_scope(staff, grid):
            return
        raise Forbidden(f"a {staff.role.value} may not report a case in grid '{grid}'")

    def check_upload(self, staff: StaffMember) -> None:
        if staff.role not in UPLOADERS:
            raise Forbidden(f"a {staff.role.value} may not upload attachments (only those who report or note cases)")

    def check_role(self, staff: StaffMember, command: str) -> None:
        """Before the case is loaded: every rule depends on the case, so nothing to refuse yet."""

    def check_change(self, staff: StaffMember, command: str, case: Case) -> None:
        # State before role: whoever loses a race to change the case hears 409 (it moved on), not 403.
        case.check_allowed(command)
        self.check_command(staff, command, case)

    def check_command(self, staff: StaffMember, command: str, case: Case) -> None:
        if not self._may(staff, command, case):
            raise Forbidden(f"a {staff.role.value} may not '{command}' case {case.case_no}")

    def _may(self, staff: StaffMember, command: str, case: Case) -> bool:  # noqa: PLR0911
        role = staff.role
        if command in DISPATCH_DESK:
            return role == Role.ADMIN or (role == Role.DISPATCHER and self._in_scope(staff, case.grid))
        if command in LEAD_DEPARTMENT:
            return self._is_lead(staff, case)
        if command == "resolve":
            if case.status == "reported":  # on the spot: the domain checks it is the reporter
                return role == Role.GRID_WORKER and self._in_scope(staff, case.grid)
            return self._is_lead(staff, case)
        if command == "note":
            is_department = role == Role.DEPARTMENT and (
                staff.department == case.lead_department or staff.department in case.co_departments
            )
            return is_department or (role == Role.DISPATCHER and self._in_scope(staff, case.grid))
        if command == "escalate":
            return self._is_lead(staff, case) or (role == Role.DISPATCHER and self._in_scope(staff, case.grid))
        if command == "assign":
            return role in (Role.MEETING_SECRETARY, Role.ADMIN)
        if command == "follow-up":  # the domain refuses whoever resolved it
            return role in (Role.DISPATCHER, Role.GRID_WORKER) and self._in_scope(staff, case.grid)
        if command == "reveal-contact":
            return role == Role.ADMIN or (
                role in (Role.DISPATCHER, Role.GRID_WORKER) and self._in_scope(staff, case.grid)
            )
        if command == "urge":
            return role == Role.ADMIN or (role in (Role.DISPATCHER, Role.LEADER) and self._in_scope(staff, case.grid))
        if command == "acknowledge":
            return role == Role.DEPARTMENT and staff.department in case.co_departments
        return False

    def may_read(self, staff: StaffMember, case: Case) -> bool:
        role = staff.role
        if role in EVERYTHING_READERS:
            return True
        if role == Role.INTAKE:
            return case.reported_by["id"] == staff.id
        if role == Role.DEPARTMENT:
            return staff.department == case.lead_department or staff.department in case.co_departments
        return self._in_scope(staff, case.grid)

    def read_scope(self, staff: StaffMember) -> ReadScope:
        """The rows of the case read models (list, queues) this staff member reads: ``may_read`` as a scope."""
        if staff.role in EVERYTHING_READERS:
            return ReadScope(everything=True)
        if staff.role == Role.DEPARTMENT:
            return ReadScope(department=staff.department)
        if staff.role == Role.INTAKE:
            return ReadScope(reported_by=staff.id)
        return ReadScope(grid_path=self._directory.grid_path(staff.grid) if staff.grid else None)

    def _is_lead(self, staff: StaffMember, case: Case) -> bool:
        return staff.role == Role.DEPARTMENT and staff.department == case.lead_department

    def _in_scope(self, staff: StaffMember, grid: str) -> bool:
        return self._directory.is_within(grid, staff.grid)
