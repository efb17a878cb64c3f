"""Who reads what beyond a single aggregate: the case list and work queues, the audit log and the
projections' state, staff records; and who changes reference data. The rules of each aggregate live in
its policy (``CasePolicy``, ``FieldworkPolicy``, ``MeetingPolicy``); this is the one place for the rest."""

from __future__ import annotations

from application.authorization import CasePolicy
from application.directory import Directory
from application.errors import Forbidden
from application.meeting_policy import MeetingPolicy
from application.staff import StaffMember
from domain.actor import Role
from domain.read_scope import ReadScope

OPERATORS = (Role.AUDITOR, Role.ADMIN)  # the audit log and the projections' state
STAFF_SUPERVISORS = (Role.DISPATCHER, Role.LEADER)  # see the accounts of their grid subtree
STATISTICS_READERS = (Role.AUDITOR, Role.ADMIN, Role.MEETING_SECRETARY)  # every unit's figures


class ReadPolicy:
    def __init__(self, cases: CasePolicy, meetings: MeetingPolicy, directory: Directory) -> None:
        self._cases = cases
        self._directory = directory
        self._meetings = meetings

    def queue_scope(self, staff: StaffMember, queue: str, department: str | None) -> tuple[str | None, ReadScope]:
        """The department filter and the scope of a work queue; 403 for a queue or department not theirs."""
        if queue == "meeting":  # cases awaiting a meeting: read by those who read meetings
            self._meetings.check_reads_meetings(staff)
        if staff.role != Role.DEPARTMENT:
            return department, self._cases.read_scope(staff)
        if department not in (None, staff.department):
            raise Forbidden("department staff see only their own department's queue")
        # Their department's queue (cases they lead) is within their scope by construction; a department
        # scope would only keep the planner off the (queue, lead_department, due_at) index.
        return staff.department, ReadScope(everything=True)

    def statistics_scope(
        self, staff: StaffMember, *, by: str, grid: str | None, department: str | None = None
    ) -> tuple[str | None, str | None]:
        """The grid subtree (its path; None: everywhere) and the department (None: every one) whose figures
        ``staff`` reads, grouped ``by`` (or of one ``department``), under ``grid`` if asked: auditors, admins and
        meeting secretaries all; leaders and dispatchers their subtree; a department its own figures only (never
        another's, nor grids')."""
        if staff.role in STATISTICS_READERS:
            return (self._directory.grid_path(grid) if grid else None), department
        if staff.role == Role.DEPARTMENT and staff.department is not None:
            if by != "department" or grid is not None or department not in (None, staff.department):
                raise Forbidden("department staff see only their own department's figures (by=department)")
            return None, staff.department
        if staff.role in STAFF_SUPERVISORS and staff.grid is not None:
            if grid is not None and not self._directory.is_within(grid, staff.grid):
                raise Forbidden(f"grid '{grid}' is outside your grid")
            return self._directory.grid_path(grid or staff.grid), department
        raise Forbidden(
            "statistics are read by leaders, dispatchers, departments, meeting secretaries, auditors and admins"
        )

    @staticmethod
    def check_operates(staff: StaffMember) -> None:
        """The audit log (every event of every aggregate) and the projections' state."""
        _check_role(staff, OPERATORS)

    @staticmethod
    def check_administers(staff: StaffMember) -> None:
        """Adding grids, departments and staff accounts."""
        _check_role(staff, (Role.ADMIN,))

    def staff_scope(self, staff: StaffMember) -> str | None:
        """Whose accounts a caller may list and read: everyone's (None) for admins and auditors; the accounts
        scoped inside their grid subtree (its code) for dispatchers and leaders; 403 for everyone else."""
        if staff.role in OPERATORS:
            return None
        if staff.role in STAFF_SUPERVISORS and staff.grid is not None:
            return staff.grid
        raise Forbidden("only admins, auditors, dispatchers and leaders may look up other staff")

    def check_reads_staff(self, staff: StaffMember, account: StaffMember) -> None:
        """A staff account with its role history: one's own, or one within the caller's staff scope."""
        if staff.id == account.id:
            return
        scope = self.staff_scope(staff)
        if scope is not None and not (account.grid and self._directory.is_within(account.grid, scope)):
            raise Forbidden(f"staff member '{account.id}' is outside your grid")


def _check_role(staff: StaffMember, roles: tuple[Role, ...]) -> None:
    if staff.role not in roles:
        raise Forbidden(f"this needs one of the roles: {', '.join(r.value for r in roles)}")
