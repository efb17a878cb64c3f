"""The statistics' answers: figures with their definitions, the cases behind a figure, rankings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from domain.case_types import CATEGORY_LABELS, CHANNEL_LABELS
from interface.presenters.times import local_iso
from projections.statistics_queries import figures_of

# What every figure counts (API.md "Accountability: statistics"); each answer repeats them.
DEFINITIONS = {
    "attribution": "每个数字计入决定它的事件所在的本地月份：回访计入回访之月；"
    "时限按期达成计入达成之月，未达成计入时限届满之月。"
    " Each figure counts in the local month of the event that decides it.",
    "received": "受理：上报的案件（含后被驳回、合并的）。cases reported.",
    "instant": "E呼即办件：上报时为即办轨道。reported on the instant track.",
    "general": "一般件：上报时为一般轨道。reported on the general track.",
    "rejected": "驳回：计数，不计入其余各率。rejected; counted and excluded from the rest.",
    "merged": "合并：计数，不计入其余各率。merged; counted and excluded from the rest.",
    "dispatched": "派单（含改派）。dispatches and redispatches.",
    "returned": "退单。returns to the centre.",
    "redispatched_away": "被改派：案件从该部门改派他处。redispatched away from the department.",
    "bounced": "多次推转：案件第二次被退单或改派离开（计一次，计入其离开的部门）。"
    "cases bounced more than once (counted once, at the second bounce, for the department it leaves).",
    "extended": "延期（批准）。extensions granted.",
    "extension_requested": "延期申请。extension requests.",
    "resolved": "办结（含就地办结）。resolutions, on the spot included.",
    "reopened": "返工：重新办理（回访不满意或重开）。reopened.",
    "urged": "督办/催办。urges.",
    "followed_up": "回访的案件（每案每月取最后一次回答）。"
    "cases followed up, the last answer of each case in the month.",
    "unreachable": "联系不上的回访。followed up as unreachable.",
    "overdue_open": "月末超期未结：期末（或截至时间）签收或办结时限已过而未办的案件（缓办除外）。"
    "open cases past their running claim or resolve deadline at the period's end (suspended ones excepted).",
    "response_rate": "响应率 = 签收时限按期达成（按时签收、按时说明理由退单、按时就地办结）/ 已判定的签收时限。"
    " claim deadlines met / claim deadlines decided.",
    "on_time_rate": "按期办结率 = 按期办结 / 已判定的办结时限（缓办期间时限顺延，故不计入超期）。"
    " resolve deadlines met / resolve deadlines decided (a suspension moves the deadline).",
    "resolution_rate": "解决率 = 最后回答为问题已解决的回访案件 / 回访案件（不含联系不上）。"
    "solved / (followed up − unreachable).",
    "satisfaction_rate": "满意率 = （满意 + 基本满意）/（回访案件 − 联系不上），每案每月取最后一次回答。"
    " (satisfied + basically satisfied) / (followed up − unreachable).",
    "rework_rate": "返工率 = 返工 / 办结。reopened / resolved.",
    "return_rate": "退单率 = 退单 / 派单。returned / dispatched.",
    "extension_rate": "延期率 = 延期 / 派单。extended / dispatched.",
    "held_hours": "部门占用工时（仅按部门统计）：自派单（或改派）给该部门起，至其签收（claim）、至其办结（resolve）"
    "的工作时间，按工作日历计（周一至周五，节假日与调休按日历；每个工作日计满24小时，休息日不计），单位小时，"
    "取期内各案的中位数（median）与第90百分位数（p90，最近秩），cases为计入的件数；计入签收或办结之月。"
    " by department only: working hours (time on working days by the working-day calendar, each working day counted "
    "whole, weekends and holidays not at all) from the dispatch to the department to its claim and to its resolution; "
    "median and nearest-rank 90th percentile of the period's claims and resolutions, counted in their month.",
    "rates": "各率为百分数，保留一位小数；分母为0时为null。"
    "rates are percentages with one decimal; null when nothing was decided.",
}
DIMENSION_NAMES = {"category": CATEGORY_LABELS, "channel": CHANNEL_LABELS}


def period(first: str, last: str, as_of: datetime, zone: tzinfo) -> dict[str, Any]:
    return {"month": first if first == last else None, "from": first, "to": last, "as_of": local_iso(as_of, zone)}


def unit_name(by: str, unit: dict[str, Any]) -> str:
    names = DIMENSION_NAMES.get(by)
    if names is None:
        return str(unit["unit_name"])
    return str(next((label for code, label in names.items() if str(code) == unit["unit"]), unit["unit"]))


def unit_row(by: str, unit: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    return {"unit": unit["unit"], "unit_name": unit_name(by, unit), **figures_of(counts)}


def counted_case(row: dict[str, Any], zone: tzinfo, department_name: Callable[[str], str]) -> dict[str, Any]:
    return {
        "case_id": row["case_id"],
        "case_no": row["case_no"],
        "title": row["title"],
        "month": row["month"],
        "grid": row["grid"],
        "department": row["department"],
        "department_name": department_name(row["department"]) if row["department"] else None,
        "deciding_event": {
            "position": row["position"],
            "type": row["event_type"],
            "at": local_iso(row["decided_at"], zone),
            "recorded_at": local_iso(row["recorded_at"], zone),
        },
    }


def hotspot(row: dict[str, Any]) -> dict[str, Any]:
    category = row["category"]
    label = next((text for code, text in CATEGORY_LABELS.items() if str(code) == category), category)
    return {
        "month": row["month"],
        "rank": row["rank"],
        "category": category,
        "category_label": label,
        "grid": row["grid"],
        "grid_name": row["name"],
        "received": int(row["received"]),
        "previous": int(row["previous"]),
        "change": int(row["change"]),
    }
