"""Who did something: the staff member behind every event."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    GRID_WORKER = "grid_worker"
    DEPARTMENT = "department"
    MEETING_SECRETARY = "meeting_secretary"
    LEADER = "leader"
    AUDITOR = "auditor"
    INTAKE = "intake"


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.DISPATCHER: "综治中心调度员",
    Role.GRID_WORKER: "网格员",
    Role.DEPARTMENT: "职能部门",
    Role.MEETING_SECRETARY: "交办会秘书",
    Role.LEADER: "领导",
    Role.AUDITOR: "审计督查",
    Role.INTAKE: "受理渠道",
}


@dataclass(frozen=True)
class Actor:
    """A staff member as recorded on an event: identity, role and organisation at that moment.

    ``org`` is the department code for department staff and the grid code for grid-scoped roles.
    """

    id: str
    name: str
    role: Role
    org: str | None = None

    def as_record(self) -> dict[str, str | None]:
        record = asdict(self)
        record["role"] = self.role.value
        return record
