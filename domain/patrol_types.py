"""Value types of a patrol: its kinds and the labels of its events."""

from __future__ import annotations

from enum import StrEnum


class PatrolKind(StrEnum):
    ROUTINE = "routine"  # 日常巡查
    NIGHT = "night"  # 夜巡 (红袖套)
    SPECIAL = "special"  # 专项巡查


KIND_LABELS = {PatrolKind.ROUTINE: "日常巡查", PatrolKind.NIGHT: "夜间巡逻", PatrolKind.SPECIAL: "专项巡查"}

EVENT_LABELS = {
    "Started": "开始巡查",
    "CheckpointRecorded": "打卡",
    "FindingRecorded": "巡查发现",
    "Ended": "结束巡查",
}
