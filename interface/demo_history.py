"""The demo's past: 紫阳镇's cases from January 2025, so that its figures from 2025-01 to the last full month
reproduce the seed ("去年以来……受理各类群众诉求567件，其中E呼即办件304件，一般件263件，回访满意度达83.4%"),
and 秋口镇's (a second town, so that rankings have rows; its 李坑村 has fewer cases than ``min_cases``).

The history is written before the rest of the demo (time runs forward with the store): each case lives its whole
life (report → on-the-spot resolution, or accept → dispatch → claim → resolve; then the follow-up call and closing)
within its slot of a day or so, and the cases are built as aggregates and saved a hundred to a transaction. The rest
of the demo adds its own cases to 紫阳镇, some of them in the period; ``Seeded`` subtracts what it adds there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from application.ledger import GridLedger
from application.staff import StaffMember
from domain.case import Case, report_case
from domain.case_types import MUST_REPORT, Satisfaction, Track

START = (2025, 1, 1)
RECEIVED, INSTANT, GENERAL = 567, 304, 263
ANSWERED, SATISFIED = 500, 417  # 417 / 500 = 83.4%
GRIDS = [
    ("qiukou", "秋口镇", "town", "wuyuan"),
    ("qiukou-shequ", "秋口社区", "community", "qiukou"),
    ("qiukou-shequ-01", "秋口社区第一网格", "grid_large", "qiukou-shequ"),
    ("likeng", "李坑村", "community", "qiukou"),
    ("likeng-01", "李坑村网格", "grid_large", "likeng"),
]
ZIYANG_GRIDS = ["chayuan-01-01-01", "chayuan-01-01", "chayuan-01", "chayuan-02", "chayuan"]
QIUKOU_CASES = {"qiukou-shequ-01": 84, "likeng-01": 6}
# (category, title, department, share): what residents of a small town call about
PROBLEMS = [
    ("sanitation", "垃圾清运不及时", "chengguan", 6),
    ("municipal", "路灯不亮", "zhujian", 5),
    ("parking", "车辆乱停放", "chengguan", 4),
    ("dispute", "邻里噪音纠纷", "paichusuo", 3),
    ("public_order", "电动车被盗", "paichusuo", 2),
    ("safety_hazard", "飞线充电隐患", "zhujian", 2),
    ("livelihood", "独居老人求助", "shichang", 2),
    ("municipal", "下水道堵塞", "zhujian", 3),
    ("other", "食品摊点卫生", "shichang", 1),
]
CHANNELS = {"instant": ["mini_program"] * 5 + ["grid_app"] * 3 + ["snapshot"] * 2, "general": ["hotline", "grid_app"]}
DEPARTMENT_STAFF = {"chengguan": "chengguan", "paichusuo": "police", "zhujian": "zhujian", "shichang": "shichang"}
ANSWERS = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)


@dataclass(frozen=True)
class Seeded:
    """What the history must add to 紫阳镇 so that the period shows the seed's figures, given what the rest of the
    demo adds there before the period ends."""

    instant: int
    general: int
    answered: int
    satisfied: int

    @classmethod
    def after(cls, rest: dict[str, int]) -> Seeded:
        return cls(
            instant=INSTANT - rest["instant"],
            general=GENERAL - rest["general"],
            answered=ANSWERED - rest["answered"],
            satisfied=SATISFIED - rest["satisfied"],
        )


def start_of_history(zone: ZoneInfo) -> datetime:
    return datetime(*START, 8, 0, tzinfo=zone)


def add_grids(ledger: GridLedger) -> None:
    for code, name, level, parent in GRIDS:
        ledger.directory.add_grid(code=code, name=name, level=level, parent=parent)


def load_history(ledger: GridLedger, seeded: Seeded, until: datetime, s: dict[str, StaffMember]) -> int:
    """Writes the history between the start and ``until``; answers how many cases it wrote."""
    rng = Random(14)
    plans = _plans(seeded, rng)
    first = start_of_history(ledger.local_zone)
    slot = (until - first) / (len(plans) + 1)
    written = 0
    for chunk in _chunks(plans, 100):
        with ledger.datastore.transaction(commit=True) as session:
            cases = []
            for plan in chunk:
                at = first + slot * written + timedelta(minutes=rng.randrange(0, 120))
                cases.append(_lived(ledger, session, plan, at, s, rng))
                written += 1
            ledger.save(*cases)
    return written


def _plans(seeded: Seeded, rng: Random) -> list[dict[str, Any]]:
    """One plan per case: where, which track, and how the follow-up call went."""
    ziyang = [Track.INSTANT] * seeded.instant + [Track.GENERAL] * seeded.general
    answers = [rng.choice(ANSWERS) for _ in range(seeded.satisfied)]
    answers += [Satisfaction.UNSATISFIED] * (seeded.answered - seeded.satisfied)
    answers += [Satisfaction.UNREACHABLE] * (len(ziyang) - len(answers))
    rng.shuffle(ziyang)
    rng.shuffle(answers)
    plans = [
        {"grid": rng.choice(ZIYANG_GRIDS), "track": track, "answer": answer}
        for track, answer in zip(ziyang, answers, strict=True)
    ]
    for grid, count in QIUKOU_CASES.items():
        for _ in range(count):
            track = Track.INSTANT if rng.random() < 0.5 else Track.GENERAL
            answer = rng.choice([*ANSWERS, Satisfaction.SATISFIED, Satisfaction.UNSATISFIED])
            plans.insert(rng.randrange(len(plans) + 1), {"grid": grid, "track": track, "answer": answer})
    return plans


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lived(
    ledger: GridLedger, session: Any, plan: dict[str, Any], at: datetime, s: dict[str, StaffMember], rng: Random
) -> Case:
    """A case from its report to its follow-up call (and closing, unless the resident was unsatisfied)."""
    problems = [p for p in PROBLEMS if plan["track"] == Track.GENERAL or p[0] not in MUST_REPORT]  # 4必报: centre
    category, title, department, _ = rng.choices(problems, weights=[p[3] for p in problems])[0]
    worker = s["worker1"] if plan["grid"].startswith("chayuan-01") else s["worker2"]
    if plan["grid"].startswith(("qiukou", "likeng")):
        worker = s["qiukou_worker"]
    track = str(plan["track"])
    report = {
        "title": title,
        "description": f"{title}，请尽快处理。",
        "category": category,
        "track": track,
        "channel": rng.choice(CHANNELS[track]),
        "grid": plan["grid"],
    }
    policy = ledger.clock_rules.policy()
    case = report_case(
        case_no=ledger.next_case_no(session, at),
        report=report,
        actor=worker.actor.as_record(),
        timestamp=at,
        policy=policy,
    )
    resolver = worker
    if plan["track"] == Track.INSTANT:
        at += timedelta(minutes=rng.randrange(20, 90))
    else:
        resolver = s[DEPARTMENT_STAFF[department]]
        at = _handed_over(case, at, department, s, rng, policy)
    case.resolve(actor=resolver.actor, timestamp=at, result="已处理完毕。", attachments=None, policy=policy)
    at += timedelta(minutes=rng.randrange(60, 180))
    unanswered = plan["answer"] == Satisfaction.UNREACHABLE  # one call nobody answered: still awaiting an answer
    case.follow_up(
        actor=s["dispatcher"].actor,
        timestamp=at,
        satisfaction=None if unanswered else plan["answer"],
        method="phone",
        comment="电话无人接听" if unanswered else None,
        solved=None,
        attempt=unanswered,
        policy=policy,
        zone=ledger.local_zone,
    )
    if plan["answer"] == Satisfaction.UNSATISFIED:  # reopened: done again, awaiting another call
        at += timedelta(minutes=rng.randrange(30, 60))
        if plan["track"] == Track.INSTANT:  # back through the centre, to the department
            resolver = s[DEPARTMENT_STAFF[department]]
            at = _handed_over(case, at, department, s, rng, policy)
        case.resolve(actor=resolver.actor, timestamp=at, result="返工整改完毕。", attachments=None, policy=policy)
    elif not unanswered:
        case.close(actor=s["dispatcher"].actor, timestamp=at + timedelta(minutes=5))
    return case


def _handed_over(
    case: Case, at: datetime, department: str, s: dict[str, StaffMember], rng: Random, policy: Any
) -> datetime:
    """Accepted, dispatched to ``department`` and claimed by its staff; answers when the work is done."""
    at += timedelta(minutes=15)
    case.accept(actor=s["dispatcher"].actor, timestamp=at, note=None, category=None, track=None)
    at += timedelta(minutes=10)
    case.dispatch(
        actor=s["dispatcher"].actor,
        timestamp=at,
        lead_department=department,
        co_departments=[],
        note=None,
        policy=policy,
    )
    at += timedelta(minutes=rng.randrange(30, 240))
    case.claim(actor=s[DEPARTMENT_STAFF[department]].actor, timestamp=at)
    return at + timedelta(minutes=rng.randrange(60, 480))


def counted_before(events: list[Any], month: str, zone: ZoneInfo) -> dict[str, int]:
    """紫阳镇's cases among ``events`` (all of the demo's current cases are 紫阳镇's): reports by track, and
    the last answer of each case in each month, before ``month`` (YYYY-MM)."""
    counts = {"instant": 0, "general": 0, "answered": 0, "satisfied": 0}
    answers: dict[tuple[Any, str], Any] = {}
    for event in events:
        if (
            not type(event).__qualname__.startswith("Case.")
            or event.timestamp.astimezone(zone).strftime("%Y-%m") >= month
        ):
            continue
        kind = type(event).__qualname__.split(".", 1)[1]
        if kind == "Reported":
            counts["instant" if event.report.get("track") == "instant" else "general"] += 1
        elif kind == "FollowedUp" and not getattr(event, "attempt", False):
            answers[event.originator_id, event.timestamp.astimezone(zone).strftime("%Y-%m")] = event.satisfaction
    for satisfaction in answers.values():
        if satisfaction != Satisfaction.UNREACHABLE:
            counts["answered"] += 1
            counts["satisfied"] += satisfaction in ANSWERS
    return counts
