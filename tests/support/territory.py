"""A small 紫阳镇 territory with unique codes per test (tests share one PostgreSQL database)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from application.ledger import GridLedger
from application.staff import StaffMember
from domain.actor import Role


@dataclass
class Territory:
    suffix: str
    staff: dict[str, StaffMember] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def grid(self, name: str) -> str:
        return f"{name}-{self.suffix}"

    def department(self, name: str) -> str:
        return f"{name}-{self.suffix}"

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


GRIDS = [  # (name, 中文, level, parent)
    ("wuyuan", "婺源县", "county", None),
    ("ziyang", "紫阳镇", "town", "wuyuan"),
    ("chayuan", "茶苑社区", "community", "ziyang"),
    ("chayuan-01", "茶苑社区第一网格", "grid_large", "chayuan"),
    ("chayuan-02", "茶苑社区第二网格", "grid_large", "chayuan"),
    ("qingshan", "清华镇", "town", "wuyuan"),
]
DEPARTMENTS = [("chengguan", "城管"), ("paichusuo", "派出所"), ("zhujian", "住建"), ("shichang", "市场监管")]
# key → (name, role, department, grid)
STAFF = {
    "admin": ("管理员", Role.ADMIN, None, None),
    "dispatcher": ("王敏", Role.DISPATCHER, None, "ziyang"),
    "other_dispatcher": ("清华镇调度", Role.DISPATCHER, None, "qingshan"),
    "worker": ("程晓燕", Role.GRID_WORKER, None, "chayuan-01"),
    "other_worker": ("汪建国", Role.GRID_WORKER, None, "chayuan-02"),
    "chengguan": ("李强", Role.DEPARTMENT, "chengguan", None),
    "zhujian": ("刘芳", Role.DEPARTMENT, "zhujian", None),
    "paichusuo": ("张伟", Role.DEPARTMENT, "paichusuo", None),
    "secretary": ("周红", Role.MEETING_SECRETARY, None, None),
    "leader": ("吴书记", Role.LEADER, None, "ziyang"),
    "auditor": ("督查组", Role.AUDITOR, None, None),
    "intake": ("E呼即办小程序", Role.INTAKE, None, None),
}


def build_territory(ledger: GridLedger) -> Territory:
    directory = ledger.directory
    territory = Territory(suffix=uuid.uuid4().hex[:8])
    for name, label, level, parent in GRIDS:
        directory.add_grid(
            code=territory.grid(name), name=label, level=level, parent=territory.grid(parent) if parent else None
        )
    for name, label in DEPARTMENTS:
        directory.add_department(code=territory.department(name), name=label)
    for key, (name, role, department, grid) in STAFF.items():
        member, token = ledger.staff_accounts.add(
            name=name,
            role=role,
            department=territory.department(department) if department else None,
            grid=territory.grid(grid) if grid else None,
        )
        territory.staff[key], territory.tokens[key] = member, token
    return territory
