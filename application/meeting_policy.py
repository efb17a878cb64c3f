"""Who may read a handover meeting (交办会), its handover list and the meeting queue; and who runs one.

A list names cases, their grids and their progress, so it is read by the people of the meeting, not by
everyone: admins, auditors and meeting secretaries; leaders and dispatchers whose subtree contains the
meeting's organisation (a town's centre, the town's meetings) or lies inside it (a town's centre, its
county's meetings); department staff of a department an item names as lead or co-department. Grid workers
and channel integrations read no meeting.
Meetings are scheduled, held and closed by their organisers: the meeting secretary or an admin.
"""

from __future__ import annotations

from application.directory import Directory
from application.errors import Forbidden
from application.staff import StaffMember
from domain.actor import Role
from domain.meeting import Meeting
from domain.read_scope import MeetingScope

EVERYTHING_READERS = (Role.ADMIN, Role.AUDITOR, Role.MEETING_SECRETARY)
GRID_READERS = (Role.LEADER, Role.DISPATCHER)
MEETING_READERS = (*EVERYTHING_READERS, *GRID_READERS, Role.DEPARTMENT)
ORGANISERS = (Role.MEETING_SECRETARY, Role.ADMIN)


class MeetingPolicy:
    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    def check_role(self, staff: StaffMember, command: str) -> None:
        """Before anything is loaded, so that nobody else learns which meetings exist."""
        if staff.role not in ORGANISERS:
            raise Forbidden("only the meeting secretary or an admin runs handover meetings")

    def check_change(self, staff: StaffMember, command: str, meeting: Meeting) -> None:
        """The organiser's role was all there was to check."""

    def check_read(self, staff: StaffMember, meeting: Meeting) -> None:
        """A meeting and its handover list, in every format and at every moment."""
        self.check_reads_meetings(staff)
        if not self.may_read(staff, meeting):
            raise Forbidden(f"the meeting '{meeting.title}' is outside your scope")

    def may_read(self, staff: StaffMember, meeting: Meeting) -> bool:
        if staff.role in EVERYTHING_READERS:
            return True
        if staff.role in GRID_READERS:
            return staff.grid is not None and (
                self._directory.is_within(meeting.org, staff.grid) or self._directory.is_within(staff.grid, meeting.org)
            )
        if staff.role == Role.DEPARTMENT:
            return staff.department is not None and staff.department in meeting.departments()
        return False

    def check_reads_meetings(self, staff: StaffMember) -> None:
        """May this role read any meeting at all (the meeting list, the meeting queue)?"""
        if staff.role not in MEETING_READERS:
            raise Forbidden(f"a {staff.role.value} does not read handover meetings")

    def list_scope(self, staff: StaffMember) -> MeetingScope:
        """What ``GET /meetings`` shows this reader; 403 for a role that reads no meeting."""
        self.check_reads_meetings(staff)
        if staff.role in EVERYTHING_READERS:
            return MeetingScope(everything=True)
        if staff.role == Role.DEPARTMENT:
            return MeetingScope(department=staff.department)
        path = self._directory.grid_path(staff.grid) if staff.grid else None
        if path is None:
            raise Forbidden(f"a {staff.role.value} without a grid reads no meeting")
        return MeetingScope(grid_path=path)
