"""Records about residents' personal data that hold none of it: an erasure (a person's keys destroyed) and a
disclosure (a person's data shown whole to someone, and why). Each is an aggregate of one event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidCommand

Record = dict[str, Any]
IDENTIFIERS = ("id_number", "phone", "member")
SUBJECTS = ("case", "household", "export")


class PersonErasure(Aggregate):
    """删除权 (PIPL art. 47): the keys of one person destroyed; ``key_ids`` say which, never whose data.
    ``household_ids``: the households whose head was recorded in clear (before per-person keys existed) and is this
    person -- their rows in read models forget the head as rows under a destroyed key do."""

    class_version = 2  # household_ids (see upcast_v1_v2)

    @staticmethod
    def upcast_v1_v2(state: Record) -> None:
        state["household_ids"] = []

    class Erased(Aggregate.Created):
        key_ids: list[str]
        identified_by: str
        reason: str
        actor: Record
        timestamp: datetime
        household_ids: list[str]
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: Record) -> None:
            state["household_ids"] = []  # erased before clear records of older events were erased too

    @event(Erased)
    def __init__(  # noqa: PLR0913
        self,
        *,
        key_ids: list[str],
        identified_by: str,
        reason: str,
        actor: Record,
        timestamp: datetime,
        household_ids: list[str],
    ) -> None:
        if identified_by not in IDENTIFIERS:
            raise InvalidCommand("identified_by", f"one of {', '.join(IDENTIFIERS)}")
        if not reason.strip():
            raise InvalidCommand("reason", "an erasure needs its reason")
        self.key_ids = list(key_ids)
        self.household_ids = list(household_ids)
        self.identified_by, self.reason = identified_by, reason
        self.erased_by, self.erased_at = actor, timestamp


class Disclosure(Aggregate):
    """A person's data shown whole: who saw it (``actor``), when, whose (``people``: key ids), where
    (``subject``: a case, a household or an export, and its id) and why (``purpose``)."""

    @event("Recorded")
    def __init__(
        self,
        *,
        people: list[str],
        subject: str,
        subject_id: str,
        fields: list[str],
        purpose: str,
        actor: Record,
        timestamp: datetime,
    ) -> None:
        if subject not in SUBJECTS:
            raise InvalidCommand("subject", f"one of {', '.join(SUBJECTS)}")
        self.people, self.fields = list(people), list(fields)
        self.subject, self.subject_id, self.purpose = subject, subject_id, purpose
        self.disclosed_to, self.disclosed_at = actor, timestamp
