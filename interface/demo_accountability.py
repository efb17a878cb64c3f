"""The demo's accountability stories (issue 13): the 2026 working-day calendar with its National Day week, and a
case for each piece of the workflow around departments: 退单 after claiming and 改派, 延期申请 granted and refused,
缓办 and resume, 督办 twice, three unanswered 回访 calls on two days then 联系不上, 协办确认."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from application.case_commands import CaseCommands
from application.ledger import GridLedger
from application.staff import StaffMember

Clock = Any  # interface.demo.DemoClock (it imports this module)
Report = Callable[..., str]


def load_calendar(ledger: GridLedger, admin: StaffMember) -> None:
    """2026 as the State Council announced it (国庆节 10-01…10-07, 调休 Saturday 10-10, …)."""
    ledger.clock_rules.import_year(admin, 2026)


def stories(cases: CaseCommands, clock: Clock, s: dict[str, StaffMember], report: Report) -> None:
    d = s["dispatcher"]

    def dispatched(title: str, lead: str, co: list[str], description: str, **extra: Any) -> str:
        case_id = report(
            cases, s["worker1"], "chayuan-01", title, "municipal", "general", "grid_app", description, **extra
        )
        clock.advance(minutes=15)
        cases.accept(d, case_id)
        cases.dispatch(d, case_id, lead_department=lead, co_departments=co)
        clock.advance(hours=1)
        return case_id

    # 退单 after claiming (within the window), then 改派 to the right department.
    drain = dispatched("雨水井盖破损", "chengguan", [], "文公北路雨水井盖破裂，行人易绊倒。")
    cases.claim(s["chengguan"], drain)
    clock.advance(hours=2)
    cases.return_to_centre(s["chengguan"], drain, reason="井盖属住建管网设施，非城管职责。")
    clock.advance(minutes=30)
    cases.dispatch(d, drain, lead_department="chengguan", co_departments=[])
    clock.advance(minutes=20)
    cases.redispatch(d, drain, lead_department="zhujian", co_departments=["chengguan"], reason="管网设施归住建")
    clock.advance(hours=1)
    cases.claim(s["zhujian"], drain)
    # 协办确认: 城管 co-handles the drain and confirms.
    cases.acknowledge(s["chengguan"], drain)

    # 延期申请 granted; another refused.
    def claimed_and_asked(title: str, lead: str, description: str, days: int, reason: str) -> str:
        case_id = dispatched(title, lead, [], description)
        cases.claim(s[lead], case_id)
        clock.advance(hours=2)
        due_at = cases.ledger.load_case(case_id).due_at + timedelta(days=days)
        cases.request_extension(s[lead], case_id, due_at=due_at, reason=reason)
        clock.advance(hours=1)
        return case_id

    wall = claimed_and_asked("围墙开裂倾斜", "zhujian", "小区东侧围墙开裂并向人行道倾斜。", 5, "需专业鉴定。")
    asked_for = cases.ledger.load_case(wall).extension_request["due_at"]
    cases.extend(d, wall, due_at=asked_for, reason="同意：等待鉴定报告。")
    sign = claimed_and_asked("店招松动", "shichang", "步行街一处店招被风吹松，随时可能掉落。", 3, "商户联系不上。")
    cases.refuse_extension(d, sign, reason="存在安全隐患，须按期处置。")

    # 缓办 while a court decides, then resumed: its deadline moves by the working time spent suspended.
    land = dispatched("宅基地边界纠纷", "paichusuo", [], "两户因宅基地边界发生争执，已起诉至法院。")
    cases.claim(s["police"], land)
    clock.advance(hours=2)
    cases.suspend(d, land, reason="等待法院判决。")

    # 督办 twice: a late case pressed by the dispatcher, then by the town's leader.
    tree = dispatched("行道树倒伏", "chengguan", ["zhujian"], "暴雨后行道树倒伏压住路边车辆。")
    clock.advance(hours=6)
    cases.urge(d, tree, note="请立即签收处置。")
    clock.advance(hours=3)
    cases.urge(s["leader"], tree, note="镇领导督办：今日内清理完毕。")

    # 回访: three unanswered calls on two days, then 联系不上.
    pipe = dispatched(
        "自来水管漏水",
        "zhujian",
        [],
        "巷口自来水管爆裂，路面积水。",
        reporter={"name": "李大爷", "phone": "13700002222"},
    )
    cases.claim(s["zhujian"], pipe)
    clock.advance(hours=5)
    cases.resolve(s["zhujian"], pipe, result="已更换破损管段，恢复供水。")
    clock.advance(hours=2)
    cases.reveal_contact(d, pipe, purpose="回访")
    for pause in (1, 24, 1):  # the third call on the next day
        cases.follow_up(d, pipe, method="phone", attempt=True, comment="无人接听")
        clock.advance(hours=pause)
    cases.follow_up(d, pipe, satisfaction="unreachable", method="phone", comment="三次未接通，联系不上")

    clock.advance(days=1)
    cases.resume(d, land)
