"""The Household aggregate (户): who lives where, who must be visited, and every visit made."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.household_types import CareTag, HouseholdKind
from domain.personal_data import id_number_problem, phone_problem

Record = dict[str, Any]
HEAD = "head"  # the relation of the head of household (户主)


class Household(Aggregate):
    """A household and its members, care tags, liaison, pairing cadre and visits; each method one command."""

    @event("Registered")
    def __init__(
        self,
        *,
        address: str,
        grid: str,
        kind: str,
        head: Record,
        head_member_id: str,
        actor: Record,
        timestamp: datetime,
    ) -> None:
        self.address, self.grid, self.kind = address, grid, HouseholdKind(kind)
        self.members: dict[str, Record] = {}
        self._add_member(head_member_id, {**head, "relation": HEAD, "floating": False, "origin": None}, timestamp)
        self.registered_by = actor
        self.tags: list[str] = []
        self.liaison: Record | None = None
        self.pairing: Record | None = None
        self.visits: list[Record] = []

    @classmethod
    def register(
        cls, *, address: str, grid: str, kind: HouseholdKind, head: Record, actor: Actor, timestamp: datetime
    ) -> Household:
        return cls(
            address=address,
            grid=grid,
            kind=str(kind),
            head=_person(head, "head."),
            head_member_id=str(uuid4()),
            actor=actor.as_record(),
            timestamp=timestamp,
        )

    # -- reading ---------------------------------------------------------------------------------
    @property
    def head(self) -> Record:
        return next(m for m in self.members.values() if m["relation"] == HEAD)

    @property
    def residents(self) -> list[Record]:
        """Members who have not moved out."""
        return [m for m in self.members.values() if m["moved_out_at"] is None]

    @property
    def floating_count(self) -> int:
        return sum(1 for m in self.residents if m["floating"])

    # -- members (rental tenants check in and out) -------------------------------------------------
    def add_member(
        self,
        *,
        actor: Actor,
        timestamp: datetime,
        name: str,
        relation: str,
        floating: bool,
        id_number: str | None = None,
        phone: str | None = None,
        origin: str | None = None,
    ) -> str:
        if relation == HEAD:
            raise InvalidCommand("relation", "a household has one head, named when it is registered")
        if id_number and any(m["id_number"] == id_number for m in self.residents):
            raise InvalidCommand("id_number", "a member with this ID number already lives here")
        member_id = str(uuid4())
        self._member_added(
            actor=actor.as_record(),
            timestamp=timestamp,
            member_id=member_id,
            member={
                **_person({"name": name, "id_number": id_number, "phone": phone}),
                "relation": relation,
                "floating": floating,
                "origin": origin,
            },
        )
        return member_id

    @event("MemberAdded")
    def _member_added(self, *, actor: Record, timestamp: datetime, member_id: str, member: Record) -> None:
        self._add_member(member_id, member, timestamp)

    def move_out(self, *, actor: Actor, timestamp: datetime, member_id: str, reason: str | None = None) -> None:
        member = self.member(member_id)
        if member["moved_out_at"] is not None:
            raise TransitionNotAllowed(state="moved_out", command="move out", subject="member")
        self._moved_out(actor=actor.as_record(), timestamp=timestamp, member_id=member_id, reason=reason)

    @event("MemberMovedOut")
    def _moved_out(self, *, actor: Record, timestamp: datetime, member_id: str, reason: str | None) -> None:
        self.members[member_id]["moved_out_at"] = timestamp

    def member(self, member_id: str) -> Record:
        try:
            return self.members[member_id]
        except KeyError:
            raise InvalidCommand("member_id", f"the household has no member '{member_id}'") from None

    # -- care ("8必访") ----------------------------------------------------------------------------
    def add_tag(self, *, actor: Actor, timestamp: datetime, tag: CareTag) -> None:
        if str(tag) in self.tags:
            raise TransitionNotAllowed(state=f"tagged {tag}", command="add tag", subject="household")
        self._tag_added(actor=actor.as_record(), timestamp=timestamp, tag=str(tag))

    @event("TagAdded")
    def _tag_added(self, *, actor: Record, timestamp: datetime, tag: str) -> None:
        self.tags.append(tag)

    def remove_tag(self, *, actor: Actor, timestamp: datetime, tag: CareTag) -> None:
        if str(tag) not in self.tags:
            raise InvalidCommand("tag", f"the household is not tagged '{tag}'")
        self._tag_removed(actor=actor.as_record(), timestamp=timestamp, tag=str(tag))

    @event("TagRemoved")
    def _tag_removed(self, *, actor: Record, timestamp: datetime, tag: str) -> None:
        self.tags.remove(tag)

    def assign_liaison(self, *, actor: Actor, timestamp: datetime, staff: Record) -> None:
        """联户长: the liaison for this household (one per 10-15 households)."""
        self._liaison_assigned(actor=actor.as_record(), timestamp=timestamp, staff=staff)

    @event("LiaisonAssigned")
    def _liaison_assigned(self, *, actor: Record, timestamp: datetime, staff: Record) -> None:
        self.liaison = {**staff, "since": timestamp}

    def assign_pairing(self, *, actor: Actor, timestamp: datetime, staff: Record) -> None:
        """结对帮扶: the cadre paired with this household."""
        self._pairing_assigned(actor=actor.as_record(), timestamp=timestamp, staff=staff)

    @event("PairingAssigned")
    def _pairing_assigned(self, *, actor: Record, timestamp: datetime, staff: Record) -> None:
        self.pairing = {**staff, "since": timestamp}

    # -- visits (走访) ------------------------------------------------------------------------------
    def record_visit(self, *, actor: Actor, timestamp: datetime, notes: str, case_ids: list[str]) -> str:
        """A visit; ``case_ids`` are the cases raised for the needs found (saved with it)."""
        visit_id = str(uuid4())
        self._visited(
            actor=actor.as_record(), timestamp=timestamp, visit_id=visit_id, notes=notes, case_ids=list(case_ids)
        )
        return visit_id

    @event("Visited")
    def _visited(self, *, actor: Record, timestamp: datetime, visit_id: str, notes: str, case_ids: list[str]) -> None:
        self.visits.append(
            {"visit_id": visit_id, "at": timestamp, "by": actor, "notes": notes, "case_ids": list(case_ids)}
        )

    # -- helpers ------------------------------------------------------------------------------------
    def _add_member(self, member_id: str, member: Record, timestamp: datetime) -> None:
        self.members[member_id] = {"member_id": member_id, **member, "added_at": timestamp, "moved_out_at": None}


def _person(person: Record, field_prefix: str = "") -> Record:
    """Name, ID number and phone of a person; a malformed ID number or phone is refused (never stored)."""
    id_number, phone = person.get("id_number"), person.get("phone")
    if id_number and (problem := id_number_problem(id_number)):
        raise InvalidCommand(f"{field_prefix}id_number", problem)
    if phone and (problem := phone_problem(phone)):
        raise InvalidCommand(f"{field_prefix}phone", problem)
    return {"name": person["name"], "id_number": id_number, "phone": phone}
