"""The Meeting aggregate (问题交办会): scheduled, held, closed; the items submitted to it and their fate."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import InvalidCommand, TransitionNotAllowed

Record = dict[str, Any]
LEVELS = ("county", "town")
LEVEL_LABELS = {"county": "县级", "town": "镇级"}
STATUS_LABELS = {"scheduled": "待召开", "held": "已召开", "closed": "已闭会"}

EVENT_LABELS = {
    "Scheduled": "安排交办会",
    "Held": "召开交办会",
    "Closed": "交办会闭会",
    "ItemSubmitted": "提交议题",
    "ItemAssigned": "交办",
    "ItemTickedOff": "销号",
}


class Meeting(Aggregate):
    """A monthly problem-handover meeting and its list of items (交办清单)."""

    @event("Scheduled")
    def __init__(
        self, *, title: str, level: str, org: str, scheduled_for: str, chair: str, actor: Record, timestamp: datetime
    ) -> None:
        self.title, self.level, self.org, self.chair = title, level, org, chair
        self.scheduled_for = scheduled_for  # ISO date, local
        self.status = "scheduled"
        self.attendees: list[str] = []
        self.minutes: str | None = None
        self.items: dict[str, Record] = {}  # case id → item, in submission order

    # -- the meeting itself --------------------------------------------------------------------
    def hold(self, *, actor: Actor, timestamp: datetime, local_date: date, attendees: list[str], minutes: str) -> None:
        """The meeting takes place: on its date or later (``local_date`` is ``timestamp``'s day where it meets)."""
        self._require("hold", "scheduled")
        if local_date < date.fromisoformat(self.scheduled_for):
            raise TransitionNotAllowed(
                state=self.status,
                command="hold",
                subject="meeting",
                reason=f"it is scheduled for {self.scheduled_for} and can be held on or "
                f"after that day, not on {local_date.isoformat()}",
            )
        self._held(actor=actor.as_record(), timestamp=timestamp, attendees=attendees, minutes=minutes)

    @event("Held")
    def _held(self, *, actor: Record, timestamp: datetime, attendees: list[str], minutes: str) -> None:
        self.status, self.attendees, self.minutes = "held", list(attendees), minutes

    def close(self, *, actor: Actor, timestamp: datetime) -> None:
        self._require("close", "held")
        self._closed(actor=actor.as_record(), timestamp=timestamp)

    @event("Closed")
    def _closed(self, *, actor: Record, timestamp: datetime) -> None:
        self.status = "closed"

    # -- its items (each recorded together with the case's own event) ---------------------------
    def submit(self, *, case_id: str, case_no: str, reason: str, actor: Actor, timestamp: datetime) -> None:
        """A case escalated to this meeting (提交交办会)."""
        self._require("escalate to", "scheduled")
        if case_id in self.items:
            raise InvalidCommand("meeting_id", "the case is already on this meeting's list")
        self._submitted(actor=actor.as_record(), timestamp=timestamp, case_id=case_id, case_no=case_no, reason=reason)

    @event("ItemSubmitted")
    def _submitted(self, *, actor: Record, timestamp: datetime, case_id: str, case_no: str, reason: str) -> None:
        self.items[case_id] = {
            "case_id": case_id,
            "case_no": case_no,
            "reason": reason,
            "submitted_by": actor,
            "submitted_at": timestamp,
            "assignment": None,
            "ticked_off_at": None,
        }

    def record_assignment(
        self,
        *,
        case_id: str,
        lead_department: str,
        co_departments: list[str],
        deadline: datetime,
        instruction: str | None,
        actor: Actor,
        timestamp: datetime,
    ) -> None:
        """交办: the meeting, once held, gives the item a lead department, co-departments and a deadline."""
        if self.status == "scheduled":
            raise TransitionNotAllowed(
                state=self.status,
                command="assign at",
                subject="meeting",
                reason=f"items are assigned at the meeting, which has not been held yet "
                f"(it is scheduled for {self.scheduled_for})",
            )
        self._require("assign at", "held")
        self._item(case_id)
        self._assigned(
            actor=actor.as_record(),
            timestamp=timestamp,
            case_id=case_id,
            lead_department=lead_department,
            co_departments=list(co_departments),
            deadline=deadline,
            instruction=instruction,
        )

    @event("ItemAssigned")
    def _assigned(
        self,
        *,
        actor: Record,
        timestamp: datetime,
        case_id: str,
        lead_department: str,
        co_departments: list[str],
        deadline: datetime,
        instruction: str | None,
    ) -> None:
        self.items[case_id]["assignment"] = {
            "lead_department": lead_department,
            "co_departments": list(co_departments),
            "deadline": deadline,
            "instruction": instruction,
            "by": actor,
            "at": timestamp,
        }

    def tick_off(self, *, case_id: str, actor: Actor, timestamp: datetime) -> None:
        """销号: the item's case is closed. Allowed after the meeting closed too: that is when it happens."""
        item = self._item(case_id)
        if item["ticked_off_at"] is not None:
            raise TransitionNotAllowed(state="ticked_off", command="tick off", subject="item")
        self._ticked_off(actor=actor.as_record(), timestamp=timestamp, case_id=case_id)

    @event("ItemTickedOff")
    def _ticked_off(self, *, actor: Record, timestamp: datetime, case_id: str) -> None:
        self.items[case_id]["ticked_off_at"] = timestamp

    def departments(self) -> set[str]:
        """The departments its items were assigned to, as lead or co-department."""
        return {
            department
            for item in self.items.values()
            if item["assignment"] is not None
            for department in (item["assignment"]["lead_department"], *item["assignment"]["co_departments"])
        }

    # -- guards ----------------------------------------------------------------------------------
    def _item(self, case_id: str) -> Record:
        try:
            return self.items[case_id]
        except KeyError:
            raise InvalidCommand("case_id", "the case is not on this meeting's list") from None

    def _require(self, command: str, *allowed: str) -> None:
        if self.status not in allowed:
            raise TransitionNotAllowed(state=self.status, command=command, subject="meeting")
