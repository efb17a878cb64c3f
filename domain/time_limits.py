"""The time-limit rules as an aggregate: one per installation, each new rule set a new version with its author."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.time_limit_rules import Rules, validated_rules

Record = dict[str, Any]
TIME_LIMITS_ID = uuid5(NAMESPACE_URL, "gridledger:time-limit-rules")  # one per installation

EVENT_LABELS = {"Started": "办理时限初始版本", "Changed": "修改办理时限"}


class TimeLimits(Aggregate):
    """The rules in force and their history ``[{version, valid_from, actor}]``."""

    @staticmethod
    def create_id(**_: Any) -> UUID:
        return TIME_LIMITS_ID

    @event("Started")
    def __init__(self, *, rules: Rules, source: str, actor: Record, timestamp: datetime) -> None:
        self.rules = validated_rules(rules)
        self.history: list[Record] = [{"version": 1, "valid_from": timestamp, "actor": actor, "source": source}]

    def change(self, *, rules: Rules, actor: Record, timestamp: datetime) -> None:
        self._changed(rules=validated_rules(rules), actor=actor, timestamp=timestamp)

    @event("Changed")
    def _changed(self, *, rules: Rules, actor: Record, timestamp: datetime) -> None:
        self.rules = rules
        self.history.append({"version": self.version + 1, "valid_from": timestamp, "actor": actor})
