"""Value types of a household: kinds, the "8必访" care tags, and the labels of its events."""

from __future__ import annotations

from enum import StrEnum


class HouseholdKind(StrEnum):
    OWNER = "owner"  # 自住
    RENTAL = "rental"  # 出租屋
    COLLECTIVE = "collective"  # 集体户


KIND_LABELS = {HouseholdKind.OWNER: "自住户", HouseholdKind.RENTAL: "出租屋", HouseholdKind.COLLECTIVE: "集体户"}


class CareTag(StrEnum):
    """The "8必访": households a grid worker must visit every month."""

    NEEDY = "needy"
    ELDERLY_ALONE = "elderly_alone"
    LEFT_BEHIND_CHILD = "left_behind_child"
    DISABLED = "disabled"
    BEREAVED = "bereaved"
    VETERAN = "veteran"
    RELIGIOUS = "religious"
    PETITIONER = "petitioner"


TAG_LABELS = {
    CareTag.NEEDY: "困难群众",
    CareTag.ELDERLY_ALONE: "独居老人",
    CareTag.LEFT_BEHIND_CHILD: "留守儿童",
    CareTag.DISABLED: "残疾人家庭",
    CareTag.BEREAVED: "失独家庭",
    CareTag.VETERAN: "复退军人",
    CareTag.RELIGIOUS: "信教群众",
    CareTag.PETITIONER: "信访户",
}

EVENT_LABELS = {
    "Registered": "登记户",
    "MemberAdded": "登记成员",
    "MemberMovedOut": "成员迁出",
    "TagAdded": "添加关爱标签",
    "TagRemoved": "移除关爱标签",
    "LiaisonAssigned": "指定联户长",
    "PairingAssigned": "指定结对帮扶干部",
    "Visited": "走访",
}
