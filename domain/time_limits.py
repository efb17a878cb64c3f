"""The time-limit rules as an aggregate: one per installation, each new rule set a new version with its author."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.ranking import WEIGHTS
from domain.time_limit_rules import Rules, validated_rules

Record = dict[str, Any]
TIME_LIMITS_ID = uuid5(NAMESPACE_URL, "gridledger:time-limit-rules")  # one per installation

EVENT_LABELS = {"Started": "办理时限初始版本", "Changed": "修改办理时限"}


class TimeLimits(Aggregate):
    """The rules in force, the ranking weights (响应率, 按期办结率, 满意率) in force with them, and their history
    ``[{version, valid_from, actor}]``. Rules set before the weights were kept here rank by ``WEIGHTS``."""

    ranking_weights = MappingProxyType(WEIGHTS)  # until a change names them (older versions and snapshots too)

    @staticmethod
    def create_id(**_: Any) -> UUID:
        return TIME_LIMITS_ID

    @event("Started")
    def __init__(self, *, rules: Rules, source: str, actor: Record, timestamp: datetime) -> None:
        self.rules = validated_rules(rules)
        self.history: list[Record] = [{"version": 1, "valid_from": timestamp, "actor": actor, "source": source}]

    def change(
        self, *, rules: Rules, actor: Record, timestamp: datetime, ranking_weights: Mapping[str, float] | None = None
    ) -> None:
        """A new version: ``rules``, and ``ranking_weights`` (validated by the caller; None keeps those in force)."""
        weights = dict(self.ranking_weights if ranking_weights is None else ranking_weights)
        self._changed(rules=validated_rules(rules), actor=actor, timestamp=timestamp, ranking_weights=weights)

    class Changed(Aggregate.Event):
        rules: Rules
        actor: Record
        timestamp: datetime
        ranking_weights: dict[str, float] | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: Record) -> None:
            state["ranking_weights"] = None  # set before the weights were kept with the rules

    @event(Changed)
    def _changed(
        self, *, rules: Rules, actor: Record, timestamp: datetime, ranking_weights: dict[str, float] | None
    ) -> None:
        self.rules = rules
        if ranking_weights is not None:
            self.ranking_weights = ranking_weights
        self.history.append({"version": self.version + 1, "valid_from": timestamp, "actor": actor})
