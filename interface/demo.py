"""``gridledger demo``: 婺源县紫阳镇 with departments, staff, a dozen cases in every state, and field work
(households, visits and patrols, in ``demo_fieldwork``).

Places, departments and problems come from the source articles (shared/seeds).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from application.case_commands import CaseCommands
from application.household_commands import HouseholdCommands
from application.ledger import GridLedger
from application.meeting_commands import MeetingCommands
from application.patrol_commands import PatrolCommands
from application.settings import Settings
from application.staff import StaffMember
from domain.actor import Role
from interface import demo_accountability, demo_fieldwork, demo_history

GRIDS = [
    ("wuyuan", "婺源县", "county", None),
    ("ziyang", "紫阳镇", "town", "wuyuan"),
    ("chayuan", "茶苑社区", "community", "ziyang"),
    ("chayuan-01", "茶苑社区第一网格", "grid_large", "chayuan"),
    ("chayuan-02", "茶苑社区第二网格", "grid_large", "chayuan"),
    ("chayuan-01-01", "文公北路中网格", "grid_medium", "chayuan-01"),
    ("chayuan-01-01-01", "文公北路12号小网格", "grid_small", "chayuan-01-01"),
]
DEPARTMENTS = [("chengguan", "城管"), ("paichusuo", "紫阳派出所"), ("zhujian", "住建"), ("shichang", "市场监管")]
STAFF = [
    ("admin", "系统管理员", Role.ADMIN, None, None),
    ("dispatcher", "王敏（紫阳镇综治中心）", Role.DISPATCHER, None, "ziyang"),
    ("worker1", "程晓燕（第一网格员）", Role.GRID_WORKER, None, "chayuan-01"),
    ("worker2", "汪建国（第二网格员）", Role.GRID_WORKER, None, "chayuan-02"),
    ("chengguan", "李强（城管）", Role.DEPARTMENT, "chengguan", None),
    ("police", "张伟（紫阳派出所）", Role.DEPARTMENT, "paichusuo", None),
    ("zhujian", "刘芳（住建）", Role.DEPARTMENT, "zhujian", None),
    ("shichang", "陈静（市场监管）", Role.DEPARTMENT, "shichang", None),
    ("secretary", "周红（交办会秘书）", Role.MEETING_SECRETARY, None, None),
    ("leader", "吴书记（紫阳镇）", Role.LEADER, None, "ziyang"),
    ("auditor", "县纪委督查组", Role.AUDITOR, None, None),
    ("intake", "E呼即办小程序", Role.INTAKE, None, None),
]


class DemoClock:
    """A clock the demo moves forward, so the cases have a believable past."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def load_demo(
    settings: Settings, *, echo: Callable[[str], None] = print, now: datetime | None = None
) -> dict[str, str]:
    """Load the demo once, told as of ``now`` (the current time unless given); returns the tokens it created
    (empty when already loaded)."""
    now = now or datetime.now(UTC)
    clock = DemoClock(now - timedelta(days=45))
    ledger = GridLedger(settings, clock=clock)
    if ledger.directory.grid_path("wuyuan") is not None:
        echo("demo data is already loaded; create more tokens with 'gridledger staff add'")
        return {}
    seeded = demo_history.Seeded.after(_what_the_rest_adds(settings, now))
    clock.now = demo_history.start_of_history(ledger.local_zone) - timedelta(days=7)
    staff, tokens = _territory(ledger)
    written = demo_history.load_history(ledger, seeded, now - timedelta(days=46), staff)
    clock.now = now - timedelta(days=45)  # last month's field work first; the case story takes ~7 days
    _the_rest(ledger, clock, staff, now)
    echo(
        "demo loaded: 婺源县 → 紫阳镇 → 茶苑社区 and 秋口镇, 4 departments, 12 staff (+ a 联户长, a 结对帮扶 cadre "
        f"and 秋口镇's grid worker), {written} past cases since 2025-01 (紫阳镇: 567 received, 304 E呼即办, "
        "263 一般件, 83.4% satisfied up to last month), 24 current cases (退单, 改派, 延期, 缓办, 督办, 协办, 回访), "
        "the 2026 holiday calendar, a past and a coming 问题交办会, 6 households (4 floating tenants, 8必访 tags, "
        "visits), a 红袖套 night patrol and a routine patrol"
    )
    for key, token in tokens.items():
        member = staff[key]
        echo(f"  {member.role.value:<18} {member.name:<16} {token}")
    return tokens


def _territory(ledger: GridLedger) -> tuple[dict[str, StaffMember], dict[str, str]]:
    for code, name, level, parent in GRIDS:
        ledger.directory.add_grid(code=code, name=name, level=level, parent=parent)
    demo_history.add_grids(ledger)
    for code, name in DEPARTMENTS:
        ledger.directory.add_department(code=code, name=name)
    staff: dict[str, StaffMember] = {}
    tokens: dict[str, str] = {}
    for key, name, role, department, grid in STAFF:
        staff[key], tokens[key] = ledger.staff_accounts.add(name=name, role=role, department=department, grid=grid)
    staff.update(demo_fieldwork.add_fieldwork_staff(ledger))
    staff["qiukou_worker"], _ = ledger.staff_accounts.add(
        name="俞丽华（秋口镇网格员）", role=Role.GRID_WORKER, grid="qiukou"
    )
    return staff, tokens


def _the_rest(ledger: GridLedger, clock: DemoClock, staff: dict[str, StaffMember], now: datetime) -> None:
    """Everything after the history: last month's field work, the current cases, meetings, this month's visits."""
    households, patrols = HouseholdCommands(ledger), PatrolCommands(ledger)
    homes = demo_fieldwork.last_month(households, clock, staff)
    clock.now = max(clock.now, now - timedelta(days=14))
    demo_accountability.load_calendar(ledger, staff["admin"])
    _cases(CaseCommands(ledger), clock, staff)
    demo_accountability.stories(CaseCommands(ledger), clock, staff, _report)
    _meetings(CaseCommands(ledger), MeetingCommands(ledger), clock, staff, ledger.local_zone)
    demo_fieldwork.this_month(households, patrols, clock, staff, homes, ledger.local_zone, now)


def _what_the_rest_adds(settings: Settings, now: datetime) -> dict[str, int]:
    """The rest of the demo, told in a scratch database: what it adds to 紫阳镇's figures before this month."""
    with tempfile.TemporaryDirectory() as scratch:
        clock = DemoClock(now - timedelta(days=45))
        dry = GridLedger(replace(settings, database_url=f"sqlite:///{scratch}/rest.db"), clock=clock)
        try:
            staff, _ = _territory(dry)
            _the_rest(dry, clock, staff, now)
            events = [dry.mapper.to_domain_event(n) for n in dry.recorder.select_notifications(start=1, limit=100_000)]
            this_month = now.astimezone(dry.local_zone).strftime("%Y-%m")
            return demo_history.counted_before(events, this_month, dry.local_zone)
        finally:
            dry.datastore.engine.dispose()


def _report(
    cases: CaseCommands,
    who: StaffMember,
    grid: str,
    title: str,
    category: str,
    track: str,
    channel: str,
    description: str,
    **extra: Any,
) -> str:
    body = {
        "title": title,
        "description": description,
        "category": category,
        "track": track,
        "channel": channel,
        "grid": grid,
        **extra,
    }
    return cases.report(who, body).id


def _cases(cases: CaseCommands, clock: DemoClock, s: dict[str, StaffMember]) -> None:  # noqa: PLR0915
    d, w1, w2 = s["dispatcher"], s["worker1"], s["worker2"]
    # 1. Closed: a street light fixed by 住建, resident satisfied.
    light = _report(
        cases,
        w1,
        "chayuan-01-01-01",
        "文公北路路灯不亮",
        "municipal",
        "general",
        "grid_app",
        "文公北路12号门前两盏路灯连续三晚不亮，老人夜间出行不便。",
        location={"address": "紫阳镇文公北路12号"},
    )
    clock.advance(minutes=20)
    cases.accept(d, light)
    cases.dispatch(d, light, lead_department="zhujian", co_departments=[])
    clock.advance(hours=3)
    cases.claim(s["zhujian"], light)
    clock.advance(days=1)
    cases.resolve(s["zhujian"], light, result="更换灯具两套，已恢复照明。")
    clock.advance(hours=5)
    cases.follow_up(d, light, satisfaction="satisfied", method="phone", comment="群众表示满意")
    cases.close(d, light)
    # 2. On-the-spot (见事管事): a grid worker clears a blocked corridor herself.
    corridor = _report(
        cases,
        w1,
        "chayuan-01",
        "楼道杂物堆放",
        "sanitation",
        "instant",
        "grid_app",
        "3栋2单元楼道堆放纸箱，已现场劝导清理。",
    )
    cases.resolve(w1, corridor, result="现场协调住户清理完毕。")
    # 3. In progress and overdue: a smelly ditch handed to 城管 (instant track, 24 h limit).
    clock.advance(hours=2)
    ditch = _report(
        cases,
        s["intake"],
        "chayuan-02",
        "臭水沟散发异味",
        "sanitation",
        "instant",
        "mini_program",
        "和平岗附近水沟淤塞发臭，夏天蚊虫多。",
        reporter={"name": "刘女士", "phone": "13812345678"},
    )
    cases.accept(d, ditch)
    cases.dispatch(d, ditch, lead_department="chengguan", co_departments=["zhujian"])
    clock.advance(hours=1)
    cases.claim(s["chengguan"], ditch)
    cases.note(s["chengguan"], ditch, text="已派清淤车，等待住建确认管网走向。")
    # 4. Resolved, awaiting the follow-up call: a stolen e-bike found by the police.
    clock.advance(hours=6)
    bike = _report(
        cases,
        s["intake"],
        "chayuan-01",
        "电动车被盗",
        "public_order",
        "general",
        "hotline",
        "小区车棚一辆电动车夜间被盗。",
        reporter={"name": "汪先生", "phone": "13900001111"},
    )
    cases.accept(d, bike)
    cases.dispatch(d, bike, lead_department="paichusuo", co_departments=[])
    clock.advance(hours=2)
    cases.claim(s["police"], bike)
    clock.advance(days=1)
    cases.resolve(s["police"], bike, result="调取监控，车辆已追回并发还失主。")
    # 5. Dispatched, not yet claimed: shops occupying the road (市场监管).
    clock.advance(hours=3)
    stalls = _report(
        cases,
        w2,
        "chayuan-02",
        "商铺占道经营",
        "parking",
        "general",
        "snapshot",
        "顺手拍：步行街多家商铺货物摆到路中间。",
    )
    cases.accept(d, stalls)
    cases.dispatch(d, stalls, lead_department="shichang", co_departments=["chengguan"])
    # 6. Returned by a department: wrong department, back in the dispatch queue.
    noise = _report(
        cases,
        w1,
        "chayuan-01-01",
        "夜间装修噪音",
        "dispute",
        "general",
        "grid_app",
        "楼上住户晚上十点后仍在装修，邻里矛盾激化。",
    )
    cases.accept(d, noise)
    cases.dispatch(d, noise, lead_department="zhujian", co_departments=[])
    cases.return_to_centre(s["zhujian"], noise, reason="属邻里纠纷，建议由社区调解并会同派出所处理。")
    # 7. Accepted, awaiting dispatch: unpaid wages (a 4必报-adjacent dispute).
    clock.advance(days=1)
    wages = _report(
        cases, d, "chayuan", "农民工工资拖欠", "dispute", "general", "hotline", "某工地12名工人反映被拖欠工资约18万元。"
    )
    cases.accept(d, wages)
    # 8. Reopened after an unsatisfied follow-up (返工): the elevator.
    elevator = _report(
        cases, w2, "chayuan-02", "电梯频繁故障", "municipal", "general", "grid_app", "安置小区5栋电梯一周内停运三次。"
    )
    cases.accept(d, elevator)
    cases.dispatch(d, elevator, lead_department="zhujian", co_departments=["shichang"])
    cases.claim(s["zhujian"], elevator)
    clock.advance(days=1)
    cases.resolve(s["zhujian"], elevator, result="维保单位已更换控制板。")
    cases.follow_up(d, elevator, satisfaction="unsatisfied", method="visit", comment="次日又停运")
    # 9. Rejected: not a matter for the centre.
    ad = _report(cases, s["intake"], "chayuan", "咨询房价走势", "other", "general", "mini_program", "想了解明年房价。")
    cases.reject(d, ad, reason="不属于网格事项，已电话答复。")
    # 10. Merged: a duplicate report of the smelly ditch.
    duplicate = _report(
        cases, w2, "chayuan-02", "水沟发臭（重复）", "sanitation", "instant", "grid_app", "和平岗水沟有异味。"
    )
    cases.merge(d, duplicate, into=ditch)
    # 11-12. Waiting in triage: a safety hazard (4必报) and a micro-wish (微心愿).
    clock.advance(hours=4)
    _report(
        cases,
        w1,
        "chayuan-01",
        "电线私拉乱接",
        "safety_hazard",
        "instant",
        "grid_app",
        "车棚内电动车飞线充电，存在火灾隐患。",
    )
    _report(
        cases,
        s["intake"],
        "chayuan-01",
        "独居老人理发微心愿",
        "livelihood",
        "general",
        "mini_program",
        "82岁独居老人行动不便，希望志愿者上门理发。",
    )


def _meetings(
    cases: CaseCommands, meetings: MeetingCommands, clock: DemoClock, s: dict[str, StaffMember], zone: ZoneInfo
) -> None:
    """紫阳镇's monthly 问题交办会: a past one (scheduled, its items reported and escalated before its day, held
    on the day, closed) and next month's (scheduled, an item waiting for it)."""
    d, secretary = s["dispatcher"], s["secretary"]
    meeting_day = clock.now.astimezone(zone).date() + timedelta(days=2)
    past = meetings.schedule(
        secretary,
        title=f"紫阳镇{meeting_day.month}月问题交办会",
        level="town",
        org="ziyang",
        scheduled_for=meeting_day,
        chair="镇党委书记 吴建华",
    )
    past_id = str(past.id)
    items = [
        ("和平岗污水管网改造", "sanitation", "chengguan", ["zhujian"], 5),  # ticked off
        ("安置小区停车位不足", "parking", "zhujian", ["chengguan"], 30),  # open
        ("老旧小区电梯加装", "municipal", "zhujian", ["shichang"], 1),  # overdue
    ]
    ids = []
    for title, category, _, _, _ in items:
        clock.advance(hours=1)
        case_id = _report(
            cases,
            s["worker1"],
            "chayuan-01",
            title,
            category,
            "general",
            "deliberation",
            f"议事会提出：{title}，社区无力解决，需提交交办会。",
        )
        clock.advance(minutes=30)
        cases.accept(d, case_id)
        cases.escalate(d, case_id, meeting_id=past_id, reason="资金需求大，社区无力解决")
        ids.append(case_id)
    # The meeting sits on its day at half past nine; the items are assigned there (交办).
    clock.now = max(clock.now, datetime.combine(meeting_day, time(9, 30), tzinfo=zone).astimezone(UTC))
    meetings.hold(
        secretary, past_id, attendees=["城管", "住建", "市场监管", "紫阳派出所"], minutes="逐项交办，限期销号"
    )
    for case_id, (_, _, lead, co, days) in zip(ids, items, strict=True):
        clock.advance(minutes=10)
        cases.assign(
            secretary,
            case_id,
            lead_department=lead,
            co_departments=co,
            deadline=clock.now + timedelta(days=days),
            instruction="按期办结并报送进展",
        )
    clock.advance(hours=2)
    meetings.close(secretary, past_id)
    clock.advance(days=2)
    cases.note(s["chengguan"], ids[0], text="已完成管网勘察，施工队进场")
    clock.advance(hours=3)
    cases.resolve(s["chengguan"], ids[0], result="新铺污水管网300米，臭水沟消除")
    clock.advance(hours=2)
    cases.follow_up(d, ids[0], satisfaction="satisfied", method="visit")
    cases.close(d, ids[0])  # 销号
    cases.note(s["zhujian"], ids[1], text="已规划临时停车场选址")
    # Next month's meeting: the open items carry over; a new problem waits in the meeting queue.
    next_day = (meeting_day.replace(day=1) + timedelta(days=32)).replace(day=min(meeting_day.day, 28))
    coming = meetings.schedule(
        secretary,
        title=f"紫阳镇{next_day.month}月问题交办会",
        level="town",
        org="ziyang",
        scheduled_for=next_day,
        chair="镇党委书记 吴建华",
    )
    clock.advance(hours=1)
    school = _report(
        cases,
        s["worker2"],
        "chayuan-02",
        "学校周边交通拥堵",
        "parking",
        "general",
        "deliberation",
        "上下学高峰道路拥堵，需交警、城管联合整治。",
    )
    cases.accept(d, school)
    cases.escalate(d, school, meeting_id=str(coming.id), reason="涉及多部门，需交办会统筹")
