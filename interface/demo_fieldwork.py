"""The demo's field work: 紫阳镇's rentals and their floating tenants ("紫阳平安出租一点通"), the "8必访"
households with a liaison (联户长) and a pairing cadre (结对帮扶), a 红袖套 night patrol and a routine patrol.

Last month comes first (registrations, last month's visits); this month's visits and patrols come at the end.
ID numbers and phones are invented, with valid GB 11643 check digits.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.patrol_commands import PatrolCommands
from application.staff import StaffMember
from domain.actor import Role


class Clock(Protocol):
    now: datetime

    def advance(self, **delta: float) -> None: ...


# key → (address, grid, kind, head, tags)
HOUSEHOLDS: dict[str, tuple[str, str, str, dict[str, str], list[str]]] = {
    "rental_12": (
        "紫阳镇文公北路12号2栋101（出租屋）",
        "chayuan-01-01-01",
        "rental",
        {"name": "汪德福", "id_number": "361130196205123025", "phone": "13807931234"},
        [],
    ),
    "rental_18": (
        "紫阳镇文公北路18号（出租屋）",
        "chayuan-01-01",
        "rental",
        {"name": "程立新", "id_number": "361130197004032519", "phone": "13979345678"},
        [],
    ),
    "qiao": (
        "茶苑社区3栋2单元501",
        "chayuan-01-01-01",
        "owner",
        {"name": "乔春梅", "id_number": "361130193802091021", "phone": "07937361234"},
        ["elderly_alone"],
    ),
    "yu": ("茶苑社区6栋1单元302", "chayuan-01", "owner", {"name": "俞奶奶"}, ["left_behind_child"]),
    "hu": (
        "和平岗安置小区5栋",
        "chayuan-02",
        "owner",
        {"name": "胡建华", "id_number": "361130195807183039", "phone": "15179301234"},
        ["needy", "disabled"],
    ),
    "liu": ("茶苑社区9栋", "chayuan-02", "owner", {"name": "柳秋云", "phone": "13907935678"}, ["veteran"]),
}
TENANTS = [  # (household, name, id_number, phone, origin)
    ("rental_12", "张晓军", "362329198903074510", "18879301234", "江西省上饶市（快递员，移动网格员）"),
    ("rental_12", "方丽", "341004199508223412", "13655791234", "安徽省黄山市"),
    ("rental_12", "余小东", "330824199901153023", "15057091234", "浙江省开化县"),
    ("rental_18", "陈师傅", None, "13767301234", "江西省景德镇市（外卖骑手）"),
]


def add_fieldwork_staff(ledger: GridLedger) -> dict[str, StaffMember]:
    """A liaison (联户长) and a pairing cadre; they need no login, so their tokens are not printed."""
    liaison, _ = ledger.staff_accounts.add(name="俞春来（联户长）", role=Role.GRID_WORKER, grid="chayuan-01-01")
    cadre, _ = ledger.staff_accounts.add(name="程桂开（镇党委，结对帮扶）", role=Role.LEADER, grid="ziyang")
    return {"liaison": liaison, "cadre": cadre}


def last_month(households: HouseholdCommands, clock: Clock, s: dict[str, StaffMember]) -> dict[str, str]:
    """Registrations, tenants checking in, tags, liaison and pairing, last month's visits."""
    ids: dict[str, str] = {}
    for key, (address, grid, kind, head, tags) in HOUSEHOLDS.items():
        who = s["worker2"] if grid == "chayuan-02" else s["worker1"]
        ids[key] = str(households.register(who, address=address, grid=grid, kind=kind, head=head).id)
        for tag in tags:
            households.add_tag(who, ids[key], tag=tag)
        clock.advance(minutes=25)
    for key, name, id_number, phone, origin in TENANTS:
        households.add_member(
            s["worker1"],
            ids[key],
            name=name,
            relation="tenant",
            floating=True,
            id_number=id_number,
            phone=phone,
            origin=origin,
        )
    clock.advance(days=3)
    moved = households.ledger.state_after(
        households.add_member(
            s["worker1"], ids["rental_12"], name="临时租客", relation="tenant", floating=True, origin="福建省南平市"
        )
    )
    tenant_id = next(m["member_id"] for m in moved.members.values() if m["name"] == "临时租客")
    clock.advance(days=5)
    households.move_out(s["worker1"], ids["rental_12"], tenant_id, reason="退租离开紫阳镇")
    for key in ("rental_12", "qiao", "yu"):
        households.assign_liaison(s["worker1"], ids[key], staff_id=s["liaison"].id)
    households.assign_pairing(s["dispatcher"], ids["qiao"], staff_id=s["cadre"].id)
    clock.advance(days=2)
    households.visit(s["worker1"], ids["yu"], notes="八必访：留守儿童学习正常，奶奶身体尚可，父母在浙江务工。")
    households.visit(s["worker2"], ids["hu"], notes="八必访：已协助申请低保续期。")
    return ids


def this_month(
    households: HouseholdCommands,
    patrols: PatrolCommands,
    clock: Clock,
    s: dict[str, StaffMember],
    ids: dict[str, str],
    zone: ZoneInfo,
    now: datetime,
) -> None:
    """This month (of ``now``): two households visited (one need becomes a case), the others still due; two
    patrols."""
    _move_into_this_month(clock, zone, now)
    w1, w2 = s["worker1"], s["worker2"]
    households.visit(
        w1,
        ids["qiao"],
        notes="八必访：老人反映储藏室的灯不亮了。",
        needs=[
            {
                "title": "独居老人家储藏室灯不亮",
                "description": "乔春梅老人家储藏室的灯不亮，疑似线路故障，需上门检修。",
                "category": "livelihood",
                "track": "instant",
            }
        ],
    )
    households.visit(w2, ids["liu"], notes="八必访：退役军人柳秋云，近况良好，愿参加红袖套夜巡。")
    clock.advance(hours=2)
    # 红袖套 night patrol: party members + grid workers + volunteers, 和平岗 to the pedestrian street.
    night = str(patrols.start(w2, grid="chayuan-02", kind="night", members=[w2.id, w1.id]).id)
    for place in ("和平岗", "步行街", "和平岗安置小区5栋"):
        patrols.checkpoint(w2, night, place=place)
        clock.advance(minutes=20)
    patrols.finding(
        w2,
        night,
        description="步行街醉酒人员滞留，已劝导并联系家属接回",
        category="public_order",
        resolved_on_spot=True,
    )
    patrols.end(w2, night, summary="夜巡三处，劝导醉酒人员一名，无其他异常。")
    clock.advance(hours=1)
    # A routine patrol that is still under way, with a 4必报 finding raised as a case.
    routine = str(patrols.start(w1, grid="chayuan-01", kind="routine", members=[w1.id]).id)
    patrols.checkpoint(w1, routine, place="文公北路12号", lat=29.2486, lon=117.8612)
    patrols.finding(
        w1, routine, description="3栋2单元楼道堆放纸箱，已协调住户清理", category="sanitation", resolved_on_spot=True
    )
    patrols.checkpoint(w1, routine, place="茶苑社区车棚")
    patrols.finding(
        w1,
        routine,
        description="车棚内电动车飞线充电，存在火灾隐患",
        category="safety_hazard",
        resolved_on_spot=False,
        track="instant",
        location={"address": "茶苑社区车棚"},
    )


def _move_into_this_month(clock: Clock, zone: ZoneInfo, now: datetime) -> None:
    """This month's work must fall in the current local month: jump forward to it when the story is behind."""
    month_start = now.astimezone(zone).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if clock.now < month_start:  # the story below takes about five hours; keep it out of the future if we can
        story_start = max(month_start.astimezone(UTC), now - timedelta(hours=6))
        clock.now = min(month_start.astimezone(UTC) + timedelta(hours=8), story_start)
