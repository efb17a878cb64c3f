"""Value types of a case: categories, channels, tracks, statuses and follow-up answers, with their Chinese labels."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    SAFETY_HAZARD = "safety_hazard"
    DISPUTE = "dispute"
    SANITATION = "sanitation"
    PARKING = "parking"
    PUBLIC_ORDER = "public_order"
    MUNICIPAL = "municipal"
    LIVELIHOOD = "livelihood"
    INSTABILITY = "instability"
    COLLECTIVE_PETITION = "collective_petition"
    CRIME_LEAD = "crime_lead"
    OTHER = "other"


CATEGORY_LABELS = {
    Category.SAFETY_HAZARD: "安全隐患",
    Category.DISPUTE: "矛盾纠纷",
    Category.SANITATION: "环境卫生",
    Category.PARKING: "乱停乱放",
    Category.PUBLIC_ORDER: "治安",
    Category.MUNICIPAL: "市政设施",
    Category.LIVELIHOOD: "民生服务",
    Category.INSTABILITY: "不稳定因素",
    Category.COLLECTIVE_PETITION: "集体民意诉求",
    Category.CRIME_LEAD: "涉黑涉恶线索",
    Category.OTHER: "其他",
}

# "4必报": these must always reach the governance centre; nobody closes them on the spot.
MUST_REPORT = frozenset(
    {
        Category.SAFETY_HAZARD,
        Category.INSTABILITY,
        Category.COLLECTIVE_PETITION,
        Category.CRIME_LEAD,
    }
)


class Channel(StrEnum):
    MINI_PROGRAM = "mini_program"
    HOTLINE = "hotline"
    GRID_APP = "grid_app"
    SNAPSHOT = "snapshot"
    VISIT = "visit"
    PATROL = "patrol"
    DELIBERATION = "deliberation"
    PETITION = "petition"


CHANNEL_LABELS = {
    Channel.MINI_PROGRAM: "小程序",
    Channel.HOTLINE: "热线电话",
    Channel.GRID_APP: "网格员App",
    Channel.SNAPSHOT: "顺手拍",
    Channel.VISIT: "入户走访",
    Channel.PATROL: "巡查发现",
    Channel.DELIBERATION: "议事会",
    Channel.PETITION: "信访",
}


class Track(StrEnum):
    INSTANT = "instant"  # E呼即办
    GENERAL = "general"  # 一般件


TRACK_LABELS = {Track.INSTANT: "E呼即办", Track.GENERAL: "一般件"}


class Status(StrEnum):
    REPORTED = "reported"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    ESCALATED = "escalated"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    MERGED = "merged"


# States in which no deadline runs any more (a resolved case still has its follow-up call, 回访, to wait for).
FINISHED = frozenset({Status.CLOSED, Status.REJECTED, Status.MERGED})


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"
    UNREACHABLE = "unreachable"


SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: "满意",
    Satisfaction.BASICALLY_SATISFIED: "基本满意",
    Satisfaction.UNSATISFIED: "不满意",
    Satisfaction.UNREACHABLE: "联系不上",
}


class FollowUpMethod(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    SMS = "sms"


FOLLOW_UP_METHOD_LABELS = {
    FollowUpMethod.PHONE: "电话回访",
    FollowUpMethod.VISIT: "上门回访",
    FollowUpMethod.SMS: "短信回访",
}


STATUS_LABELS = {
    Status.REPORTED: "待受理",
    Status.ACCEPTED: "已受理",
    Status.DISPATCHED: "已派单",
    Status.IN_PROGRESS: "办理中",
    Status.ESCALATED: "已提交交办会",
    Status.ASSIGNED: "已交办",
    Status.RESOLVED: "已办结",
    Status.CLOSED: "已结案",
    Status.REJECTED: "不予受理",
    Status.MERGED: "已合并",
}

# What each event is called in a case's history (案件履历).
EVENT_LABELS = {
    "Reported": "上报",
    "Accepted": "受理",
    "Rejected": "不予受理",
    "Merged": "合并至他案",
    "DuplicateAbsorbed": "合并重复件",
    "Dispatched": "派单",
    "Claimed": "接单",
    "Returned": "退单",
    "NoteAdded": "处置进展",
    "Extended": "延期",
    "Resolved": "办结",
    "FollowedUp": "回访",
    "Reopened": "返工",
    "Closed": "结案",
    "Escalated": "提交交办会",
    "Assigned": "交办",
    "Redispatched": "改派",
    "ExtensionRequested": "延期申请",
    "ExtensionRefused": "驳回延期",
    "Suspended": "缓办",
    "Resumed": "恢复办理",
    "Urged": "督办",
    "Acknowledged": "协办确认",
    "ContactRevealed": "查看联系电话",
}

# Each command's name in Chinese, for messages and the console (API.md "Accountability").
COMMAND_LABELS = {
    "return": "退单",
    "redispatch": "改派",
    "request-extension": "延期申请",
    "extend": "延期",
    "refuse-extension": "驳回延期",
    "suspend": "缓办",
    "resume": "恢复办理",
    "urge": "督办",
    "acknowledge": "协办确认",
    "follow-up": "回访",
    "reveal-contact": "查看联系电话",
}

# The stages of the accountability clock (办理时限).
STAGE_LABELS = {"accept": "受理", "claim": "签收", "resolve": "办结", "follow_up": "回访"}
