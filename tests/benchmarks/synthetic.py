"""Synthetic case histories, fast: realistic lifecycles driven through the Case aggregate directly.

``generate(ledger, territory, events=N)`` appends at least N events to ``ledger``'s event store: cases
reported in a handful of towns, communities and grids, accepted, dispatched (some returned and
re-dispatched), claimed, noted, extended, resolved, followed up and closed; some resolved on the spot,
rejected or merged; some reopened after an unsatisfied follow-up or by the dispatcher; some escalated to
a town's monthly handover meeting (交办会) and assigned there, ticked off the meeting's list on close; and
some left open in every status. Timestamps are explicit, spread over the year before ``end`` and never
after it; each aggregate's events are in time order. About 7 events per case.

Escalated cases are built after the others, meeting by meeting in time order (a meeting takes items only
while scheduled, so its events must be recorded in the order they happen).

No command goes through ``CaseCommands`` (no per-command load, authorisation or transaction): aggregates
are built in memory and saved ``chunk`` at a time with ``ledger.save(*aggregates)``, one transaction
per chunk. Case numbers follow the application's ``AJ-YYYYMMDD-NNNNN`` per local reporting day, and the
day counters (``gridledger_case_counters``) are moved past them, as if the cases had been reported
through the API.

Usable on its own::

    python -m tests.benchmarks.synthetic [--events 200000] [--chunk 200]
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from application.ledger import GridLedger
from application.staff import StaffMember
from domain.actor import Actor, Role
from domain.case import Case, report_case
from domain.case_types import MUST_REPORT, Category, Channel, Satisfaction, Status
from domain.meeting import Meeting
from projections.storage.tables import case_counters
from tests.support.territory import Territory, build_territory

# Extra grids under the territory of tests/support/territory.py: (name, 中文, level, parent).
EXTRA_GRIDS = [
    ("chayuan-03", "茶苑社区第三网格", "grid_large", "chayuan"),
    ("wengong", "文公社区", "community", "ziyang"),
    ("wengong-01", "文公社区第一网格", "grid_large", "wengong"),
    ("wengong-02", "文公社区第二网格", "grid_large", "wengong"),
    ("wengong-03", "文公社区第三网格", "grid_large", "wengong"),
    ("xingjiang", "星江社区", "community", "ziyang"),
    ("xingjiang-01", "星江社区第一网格", "grid_large", "xingjiang"),
    ("xingjiang-02", "星江社区第二网格", "grid_large", "xingjiang"),
    ("qinghua", "清华社区", "community", "qingshan"),
    ("qinghua-01", "清华社区第一网格", "grid_large", "qinghua"),
    ("qinghua-02", "清华社区第二网格", "grid_large", "qinghua"),
    ("hongguan", "洪关村", "community", "qingshan"),
    ("hongguan-01", "洪关村第一网格", "grid_large", "hongguan"),
]
# Grids where cases are reported (grid_large level), with the town whose dispatcher handles them.
REPORTING_GRIDS = {
    "chayuan-01": "ziyang",
    "chayuan-02": "ziyang",
    "chayuan-03": "ziyang",
    "wengong-01": "ziyang",
    "wengong-02": "ziyang",
    "wengong-03": "ziyang",
    "xingjiang-01": "ziyang",
    "xingjiang-02": "ziyang",
    "qinghua-01": "qingshan",
    "qinghua-02": "qingshan",
    "hongguan-01": "qingshan",
}
DEPARTMENTS = ("chengguan", "paichusuo", "zhujian", "shichang")
DEPARTMENT_WEIGHTS = (45, 20, 25, 10)

TITLES = {
    "safety_hazard": ("老旧小区楼道堆放杂物存在消防隐患", "楼道内电动车充电，飞线明显"),
    "dispute": ("邻里因漏水产生纠纷", "楼上卫生间漏水，双方协商未果"),
    "sanitation": ("垃圾清运不及时", "小区门口垃圾桶满溢，异味明显"),
    "parking": ("人行道乱停车", "早晚高峰车辆占用人行道，行人只能走机动车道"),
    "public_order": ("夜间广场噪音扰民", "广场舞音响声音过大，持续到晚上十点后"),
    "municipal": ("路灯不亮", "门前两盏路灯连续三晚不亮"),
    "livelihood": ("独居老人需要上门服务", "老人行动不便，申请助餐和上门体检"),
    "instability": ("务工人员讨薪", "工地十余名务工人员聚集讨要工资"),
    "collective_petition": ("小区业主集体反映物业问题", "物业撤场后电梯停运，业主联名反映"),
    "crime_lead": ("疑似非法集资线索", "有人在社区活动中心推销高息理财"),
    "other": ("其他诉求", "居民咨询政策办理流程"),
}
CHANNEL_WEIGHTS = {
    Channel.GRID_APP: 40,
    Channel.MINI_PROGRAM: 20,
    Channel.HOTLINE: 20,
    Channel.SNAPSHOT: 8,
    Channel.VISIT: 6,
    Channel.PATROL: 4,
    Channel.PETITION: 2,
}
NOTES = (
    "已到现场核实情况，正在协调相关方处理。",
    "已联系责任单位，预计两日内整改完毕。",
    "施工队已进场，正在维修。",
    "已约谈当事双方，达成初步调解意向。",
)

# (scenario, weight): ~7 events per case on average.
SCENARIOS = (
    ("closed", 50),
    ("returned", 5),
    ("unsatisfied", 5),
    ("reopened", 2),
    ("extended", 4),
    ("on_the_spot", 10),
    ("rejected", 6),
    ("merged", 4),
    ("open_reported", 2),
    ("open_accepted", 2),
    ("open_dispatched", 2),
    ("open_in_progress", 3),
    ("open_resolved", 2),
    ("open_followed_up", 1),
    ("escalated", 3),
    ("open_escalated", 1),
    ("open_assigned", 1),
)
ESCALATIONS = ("escalated", "open_escalated", "open_assigned")
MEETING_MONTHS = 12  # one handover meeting per town per month
TERMINAL = (Status.CLOSED, Status.REJECTED, Status.MERGED)


@dataclass
class SyntheticTerritory:
    """The test territory plus extra grids, a grid worker per reporting grid and a dispatcher per town."""

    territory: Territory
    grid_workers: dict[str, StaffMember]
    dispatchers: dict[str, StaffMember]
    departments: dict[str, StaffMember]
    secretary: StaffMember


@dataclass
class SyntheticStats:
    cases: int = 0
    meetings: int = 0
    events: int = 0
    seconds: float = 0.0
    saves: int = 0
    final_status: Counter[str] = field(default_factory=Counter)
    event_types: Counter[str] = field(default_factory=Counter)
    scenarios: Counter[str] = field(default_factory=Counter)

    @property
    def open_cases(self) -> int:
        """Cases the work queues keep (everything not closed, rejected or merged)."""
        return sum(n for status, n in self.final_status.items() if status not in TERMINAL)

    def summary(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "meetings": self.meetings,
            "events": self.events,
            "seconds": round(self.seconds, 2),
            "events_per_second": round(self.events / self.seconds) if self.seconds else None,
            "events_per_case": round(self.events / self.cases, 2) if self.cases else None,
            "saves": self.saves,
            "open_cases": self.open_cases,
            "scenarios": dict(self.scenarios.most_common()),
            "final_status": dict(self.final_status.most_common()),
            "event_types": dict(self.event_types.most_common()),
        }


def build_synthetic_territory(ledger: GridLedger) -> SyntheticTerritory:
    territory = build_territory(ledger)
    directory = ledger.directory
    for name, label, level, parent in EXTRA_GRIDS:
        directory.add_grid(code=territory.grid(name), name=label, level=level, parent=territory.grid(parent))
    workers = {"chayuan-01": territory.staff["worker"], "chayuan-02": territory.staff["other_worker"]}
    for n, grid in enumerate(REPORTING_GRIDS):
        if grid not in workers:
            workers[grid], _ = ledger.staff_accounts.add(
                name=f"网格员{n:02d}", role=Role.GRID_WORKER, grid=territory.grid(grid)
            )
    departments = {
        "chengguan": territory.staff["chengguan"],
        "zhujian": territory.staff["zhujian"],
        "paichusuo": territory.staff["paichusuo"],
    }
    departments["shichang"], _ = ledger.staff_accounts.add(
        name="市场监管办事员", role=Role.DEPARTMENT, department=territory.department("shichang")
    )
    dispatchers = {"ziyang": territory.staff["dispatcher"], "qingshan": territory.staff["other_dispatcher"]}
    return SyntheticTerritory(territory, workers, dispatchers, departments, territory.staff["secretary"])


class _Lifecycles:
    """Builds one case at a time in memory; ``merged`` needs an earlier case of the same chunk."""

    def __init__(self, ledger: GridLedger, world: SyntheticTerritory, rng: random.Random, end: datetime) -> None:
        self.ledger, self.world, self.rng, self.end = ledger, world, rng, end
        self.policy = ledger.clock_rules.policy()  # the calendar and rules in force, for every deadline
        self.grids = list(REPORTING_GRIDS)
        self.categories = list(Category)
        self.spot_categories = [c for c in Category if c not in MUST_REPORT]
        self.channels, self.channel_weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
        self.scenarios = [s for s, _ in SCENARIOS]
        self.scenario_weights = [w for _, w in SCENARIOS]
        self.day_counters: Counter[str] = Counter()
        self.zone = ledger.local_zone

    def case_no(self, at: datetime) -> str:
        day = at.astimezone(self.zone).strftime("%Y%m%d")
        self.day_counters[day] += 1
        return f"AJ-{day}-{self.day_counters[day]:05d}"

    def report(self, grid: str, at: datetime, *, category: str, track: str) -> dict[str, Any]:
        title, description = TITLES[category]
        n = self.rng.randrange(1, 300)
        body: dict[str, Any] = {
            "title": f"{title}（{n}号）",
            "description": f"{description}。地址：紫阳镇文公北路{n}号。",
            "category": category,
            "channel": str(self.rng.choices(self.channels, self.channel_weights)[0]),
            "track": track,
            "grid": self.world.territory.grid(grid),
            "location": {"address": f"文公北路{n}号", "lat": 29.25 + n / 10_000, "lng": 117.86 + n / 10_000},
        }
        if self.rng.random() < 0.5:
            body["reporter"] = {"name": "居民", "phone": f"139{self.rng.randrange(10**8):08d}"}
        return body

    def build(self, chunk: list[Case | Meeting]) -> tuple[Case | None, str, Case | str | None]:
        """A new case driven through a random scenario; returns it, the scenario and any merge target.

        An escalation is only drawn here, as (None, scenario, grid): ``escalated_cases`` builds it.
        """
        rng = self.rng
        scenario = rng.choices(self.scenarios, self.scenario_weights)[0]
        target = None
        if scenario == "merged":
            target = next(
                (
                    c
                    for c in reversed(chunk)
                    if isinstance(c, Case) and c.status not in (Status.MERGED, Status.REJECTED)
                ),
                None,
            )
            if target is None:
                scenario = "closed"
        grid = rng.choice(self.grids)
        if scenario in ESCALATIONS:
            return None, scenario, grid  # built later, meeting by meeting
        town = REPORTING_GRIDS[grid]
        worker, dispatcher = self.world.grid_workers[grid], self.world.dispatchers[town]
        if scenario == "on_the_spot":
            category, track = str(rng.choice(self.spot_categories)), "instant"
        else:
            category = str(rng.choice(self.categories))
            track = "instant" if rng.random() < 0.25 else "general"
        # Open cases are recent; finished ones anywhere in the year before ``end``.
        span = 14 if scenario.startswith("open_") else 350
        at = self.end - timedelta(days=14 if span == 350 else 0) - timedelta(seconds=rng.uniform(0, span * 86400))
        if target is not None:  # a resident reports again what was reported already
            at = _Clock(target.modified_on, rng, self.end).step(0.1, 6)
        reporter = worker if rng.random() < 0.7 or scenario == "on_the_spot" else dispatcher
        case = report_case(
            case_no=self.case_no(at),
            report=self.report(grid, at, category=category, track=track),
            actor=reporter.actor.as_record(),
            timestamp=at,
            policy=self.policy,
        )
        clock = _Clock(at, rng, self.end)
        d = dispatcher.actor

        if scenario == "open_reported":
            return case, scenario, None
        if scenario == "rejected":
            case.reject(actor=d, timestamp=clock.step(0.2, 4), reason="不属于受理范围，已告知来电人转12345。")
            return case, scenario, None
        if scenario == "merged":
            assert target is not None
            case.merge_into(target, actor=d, timestamp=clock.step(0.1, 2))
            return case, scenario, target
        if scenario == "on_the_spot":
            case.resolve(
                policy=self.policy, actor=worker.actor, timestamp=clock.step(0.1, 1), result="网格员现场处置完毕。"
            )
            self._follow_up_and_close(case, d, clock, close=True)
            return case, scenario, None

        case.accept(actor=d, timestamp=clock.step(0.1, 3))
        if scenario == "open_accepted":
            return case, scenario, None
        department = self._dispatch(case, d, clock)
        if scenario == "returned":
            case.return_to_centre(
                actor=self.world.departments[department].actor,
                timestamp=clock.step(0.5, 6),
                reason="不属于本部门职责，建议改派。",
            )
            department = self._dispatch(case, d, clock, exclude=department)
        if scenario == "open_dispatched":
            return case, scenario, None
        lead = self.world.departments[department].actor
        case.claim(actor=lead, timestamp=clock.step(0.2, 12))
        if scenario == "extended":
            base = case.due_at or clock.now
            case.extend(
                actor=lead,
                timestamp=clock.step(1, 24),
                due_at=max(base, clock.now) + timedelta(days=3),
                reason="需协调多部门联合处置，申请延期。",
            )
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            case.add_note(actor=lead, timestamp=clock.step(1, 48), text=rng.choice(NOTES))
        if scenario == "open_in_progress":
            return case, scenario, None
        case.resolve(policy=self.policy, actor=lead, timestamp=clock.step(2, 96), result="已处置完毕，现场已恢复。")
        if scenario == "open_resolved":
            return case, scenario, None
        if scenario == "unsatisfied":
            case.follow_up(
                policy=self.policy,
                zone=self.zone,
                actor=d,
                timestamp=clock.step(2, 48),
                satisfaction=Satisfaction.UNSATISFIED,
                method="phone",
                comment="问题反复出现，要求彻底整改。",
            )
            case.add_note(actor=lead, timestamp=clock.step(2, 48), text="返工：已重新安排人员处理。")
            case.resolve(policy=self.policy, actor=lead, timestamp=clock.step(2, 72), result="返工完成，已彻底整改。")
        elif scenario == "reopened":
            case.reopen(policy=self.policy, actor=d, timestamp=clock.step(1, 24), reason="核查发现整改不到位。")
            case.add_note(actor=lead, timestamp=clock.step(2, 48), text="返工：已重新安排人员处理。")
            case.resolve(policy=self.policy, actor=lead, timestamp=clock.step(2, 72), result="返工完成，已彻底整改。")
        self._follow_up_and_close(case, d, clock, close=scenario != "open_followed_up")
        return case, scenario, None

    # -- escalation to the town's handover meeting ---------------------------------------------------
    def meeting_for(self, town: str, month: int) -> datetime:
        """When the town's meeting ``month`` months back sits: 0 is the next one (a week after ``end``,
        scheduled, not held yet), 1 the last one held (23 days before ``end``)."""
        return self.end + timedelta(days=7) - timedelta(days=30 * month)

    def escalated_cases(self, drawn: list[tuple[str, str]]) -> list[Case | Meeting]:
        """Every deferred escalation, meeting by meeting (oldest first); each meeting before its cases."""
        by_meeting: dict[tuple[str, int], list[tuple[str, str]]] = {}
        for scenario, grid in drawn:
            town = REPORTING_GRIDS[grid]
            month = {"open_escalated": 0, "open_assigned": 1}.get(scenario)
            if month is None:
                month = self.rng.randrange(1, MEETING_MONTHS + 1)
            by_meeting.setdefault((town, month), []).append((scenario, grid))
        out: list[Case | Meeting] = []
        for (town, month), items in sorted(by_meeting.items(), key=lambda kv: (-kv[0][1], kv[0][0])):
            out.extend(self._meeting_with_items(town, month, items))
        return out

    def _meeting_with_items(self, town: str, month: int, items: list[tuple[str, str]]) -> list[Case | Meeting]:
        rng, t, secretary = self.rng, self.world.territory, self.world.secretary.actor
        dispatcher = self.world.dispatchers[town].actor
        held_on = self.meeting_for(town, month)
        scheduled_at = held_on - timedelta(days=20)
        local_day = held_on.astimezone(self.zone).date().isoformat()
        meeting = Meeting(
            title=f"{'紫阳镇' if town == 'ziyang' else '清华镇'}问题交办会（{local_day[:7]}）",
            level="town",
            org=t.grid(town),
            scheduled_for=local_day,
            chair="吴书记",
            actor=secretary.as_record(),
            timestamp=scheduled_at,
        )
        # Reported after the meeting was scheduled, escalated before it sits (and before ``end``).
        limit = min(held_on, self.end)
        drawn = []
        for scenario, grid in items:
            at = scheduled_at + (limit - scheduled_at) * rng.uniform(0.02, 0.6)
            drawn.append((at + (limit - at) * rng.uniform(0.5, 0.9), at, scenario, grid))
        cases: list[tuple[Case, str, _Clock, str]] = []
        for escalated_at, at, scenario, grid in sorted(drawn):
            category = str(rng.choice(self.categories))
            case = report_case(
                case_no=self.case_no(at),
                report=self.report(grid, at, category=category, track="general"),
                actor=self.world.grid_workers[grid].actor.as_record(),
                timestamp=at,
                policy=self.policy,
            )
            case.accept(actor=dispatcher, timestamp=at + (escalated_at - at) * 0.1)
            case.escalate(
                meeting, actor=dispatcher, timestamp=escalated_at, reason="涉及多个部门，社区协调不了，提请交办会研究。"
            )
            department = rng.choices(DEPARTMENTS, DEPARTMENT_WEIGHTS)[0]
            cases.append((case, scenario, _Clock(held_on + timedelta(hours=3), rng, self.end), department))
        if month == 0:  # the next meeting: its items wait for it
            return [meeting, *(case for case, _, _, _ in cases)]
        meeting.hold(
            actor=secretary,
            timestamp=held_on,
            local_date=held_on.astimezone(self.zone).date(),
            attendees=["吴书记", "王敏", "城管", "住建"],
            minutes="逐项研究议题，明确牵头部门和办结时限。",
        )
        for n, (case, _, _, department) in enumerate(cases):
            case.assign(
                meeting,
                actor=secretary,
                timestamp=held_on + timedelta(minutes=5 + n),
                lead_department=t.department(department),
                co_departments=[],
                deadline=held_on + timedelta(days=15),
                instruction="限期办结，按时销号。",
            )
        meeting.close(actor=secretary, timestamp=held_on + timedelta(hours=3))
        closes: list[tuple[datetime, int, Case]] = []
        for n, (case, scenario, clock, department) in enumerate(cases):
            lead = self.world.departments[department].actor
            case.add_note(actor=lead, timestamp=clock.step(2, 72), text=rng.choice(NOTES))
            if scenario == "open_assigned":
                continue
            case.resolve(policy=self.policy, actor=lead, timestamp=clock.step(24, 240), result="交办事项已办结。")
            self._follow_up_and_close(case, dispatcher, clock, close=False)
            closes.append((clock.step(0.5, 24), n, case))
        for closed_at, _, case in sorted(closes):  # 销号 in the order the cases close
            case.close(actor=dispatcher, timestamp=closed_at)
            meeting.tick_off(case_id=str(case.id), actor=dispatcher, timestamp=closed_at)
        return [meeting, *(case for case, _, _, _ in cases)]

    def _dispatch(self, case: Case, dispatcher: Actor, clock: _Clock, exclude: str | None = None) -> str:
        choices = [(dep, w) for dep, w in zip(DEPARTMENTS, DEPARTMENT_WEIGHTS, strict=True) if dep != exclude]
        department = self.rng.choices([c for c, _ in choices], [w for _, w in choices])[0]
        co = []
        if self.rng.random() < 0.15:
            co = [self.world.territory.department(self.rng.choice([c for c, _ in choices if c != department]))]
        case.dispatch(
            policy=self.policy,
            actor=dispatcher,
            timestamp=clock.step(0.1, 2),
            lead_department=self.world.territory.department(department),
            co_departments=co,
        )
        return department

    def _follow_up_and_close(self, case: Case, dispatcher: Actor, clock: _Clock, *, close: bool) -> None:
        satisfaction = self.rng.choices(
            [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.UNREACHABLE], [75, 20, 5]
        )[0]
        if satisfaction == Satisfaction.UNREACHABLE and clock.now + timedelta(days=3) > self.end:
            satisfaction = Satisfaction.SATISFIED  # no room before ``end`` for calls on two days
        if satisfaction == Satisfaction.UNREACHABLE:  # only after 3 unanswered calls on at least 2 days
            for low, high in ((0.5, 2), (0.5, 2), (24, 30)):
                case.follow_up(
                    policy=self.policy,
                    zone=self.zone,
                    actor=dispatcher,
                    timestamp=clock.step(low, high),
                    satisfaction=None,
                    method="phone",
                    attempt=True,
                )
        case.follow_up(
            policy=self.policy,
            zone=self.zone,
            actor=dispatcher,
            timestamp=clock.step(2, 48),
            satisfaction=satisfaction,
            method=self.rng.choice(("phone", "phone", "visit", "sms")),
        )
        if close:
            case.close(actor=dispatcher, timestamp=clock.step(0.5, 24))


class _Clock:
    """An aggregate's own time, moving forward by random steps (hours), never reaching ``limit``."""

    def __init__(self, start: datetime, rng: random.Random, limit: datetime) -> None:
        self.now, self.rng, self.limit = start, rng, limit

    def step(self, low_hours: float, high_hours: float) -> datetime:
        hours = self.rng.uniform(low_hours, high_hours)
        room = (self.limit - self.now).total_seconds() / 3600 / 4  # each step takes at most a quarter of it
        self.now += timedelta(hours=max(min(hours, room), 0.001))
        return self.now


def generate(
    ledger: GridLedger,
    world: SyntheticTerritory,
    *,
    events: int,
    chunk: int = 200,
    seed: int = 20260601,
    end: datetime | None = None,
    progress: Callable[[SyntheticStats], None] | None = None,
) -> SyntheticStats:
    """Append at least ``events`` events to the ledger, ``chunk`` aggregates per transaction."""
    rng = random.Random(seed)
    end = end or datetime.now(UTC) - timedelta(days=1)
    lifecycles = _Lifecycles(ledger, world, rng, end)
    stats = SyntheticStats()
    started = time.perf_counter()
    pending: list[Case | Meeting] = []
    statuses: dict[uuid.UUID, str] = {}
    deferred: list[tuple[str, str]] = []

    def flush() -> None:
        recordings = ledger.save(*pending)
        stats.events += len(recordings)
        stats.saves += 1
        for recording in recordings:
            stats.event_types[type(recording.domain_event).__qualname__] += 1
        for aggregate in pending:
            if isinstance(aggregate, Case):
                statuses[aggregate.id] = str(aggregate.status)
        pending.clear()
        if progress:
            progress(stats)

    # Escalations are built last (~9 events each, meetings' own events aside): count them in advance.
    while stats.events + len(pending) * 7 + len(deferred) * 9 < events:
        case, scenario, target = lifecycles.build(pending)
        stats.cases += 1
        stats.scenarios[scenario] += 1
        if case is None:
            deferred.append((scenario, str(target)))
            continue
        pending.append(case)
        if isinstance(target, Case):
            statuses[target.id] = str(target.status)
        if len(pending) >= chunk:
            flush()
    for aggregate in lifecycles.escalated_cases(deferred):
        if isinstance(aggregate, Meeting):
            stats.meetings += 1
            if len(pending) >= chunk:
                flush()  # a meeting is saved with its own cases
        pending.append(aggregate)
    if pending:
        flush()
    while stats.events < events:  # the estimate fell short: top up with cases that need no meeting
        case, scenario, target = lifecycles.build(pending)
        if case is None:
            continue
        stats.cases += 1
        stats.scenarios[scenario] += 1
        pending.append(case)
        if isinstance(target, Case):
            statuses[target.id] = str(target.status)
        if stats.events + len(pending) * 7 >= events or len(pending) >= chunk:
            flush()
    stats.final_status = Counter(statuses.values())
    _advance_day_counters(ledger, lifecycles.day_counters)
    stats.seconds = time.perf_counter() - started
    return stats


def _advance_day_counters(ledger: GridLedger, counters: Counter[str]) -> None:
    """Move each day's case-number counter past the numbers used, as the API would have."""
    statement = text(
        f"INSERT INTO {case_counters.name} (day, last_number) VALUES (:day, :n) "
        f"ON CONFLICT (day) DO UPDATE SET last_number = GREATEST({case_counters.name}.last_number, :n)"
    )
    with ledger.datastore.engine.begin() as connection:
        connection.execute(statement, [{"day": day, "n": n} for day, n in counters.items()])


def main(argv: list[str] | None = None) -> None:
    from application.settings import Settings
    from tests.support.postgres import create_database, drop_database, postgres_server_url

    parser = argparse.ArgumentParser(description="Generate synthetic case histories into a throwaway database.")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=200)
    args = parser.parse_args(argv)
    server = postgres_server_url()
    name = f"gl_bench_synthetic_{uuid.uuid4().hex[:8]}"
    url = create_database(server, name)
    try:
        ledger = GridLedger(Settings(database_url=url))
        world = build_synthetic_territory(ledger)
        stats = generate(ledger, world, events=args.events, chunk=args.chunk)
        print(stats.summary())
        ledger.datastore.engine.dispose()
    finally:
        drop_database(server, name)


if __name__ == "__main__":
    main()
