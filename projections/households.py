"""Household registry (GET /households): one row per household, its members, care-tag periods and visits.

Personal data (PIPL): the registry keeps the head's name and a masked phone; ID numbers, members' names and
phones are never stored. When the head is erased (``PersonErasure.Erased``), their name and phone read "[已删除]":
rows found by the head's key, or -- for a head recorded in clear before per-person keys -- named by the event.
Members are kept only as (relation, floating, in, out) to count residents.
Tag periods (added → removed) let "visits due" answer for any past month with the tags carried then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    case,
    update,
)
from sqlalchemy.engine import Connection

from domain.personal_data import ERASED, mask_phone
from projections.engine.bulk import utc
from projections.engine.events import ProjectedEvent
from projections.engine.folding import ErasingReadModel, Fold, Stored
from projections.storage.tables import GridPath

Row = dict[str, Any]

metadata = MetaData()
households = Table(
    "rm_households",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("address", Text, nullable=False),
    Column("grid", String(64), nullable=False),
    Column("grid_path", GridPath, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("head_name", Text, nullable=False),
    Column("head_phone", String(32)),  # masked: 138****5678
    Column("head_person", String(32)),  # the head's person key id: an erasure blanks the two above
    Column("tags", Text, nullable=False),  # ",needy,elderly_alone," (current tags, in the order added)
    Column("residents", Integer, nullable=False),
    Column("floating", Integer, nullable=False),
    Column("liaison_id", String(36)),
    Column("liaison_name", Text),
    Column("pairing_id", String(36)),
    Column("pairing_name", Text),
    Column("visits", Integer, nullable=False),
    Column("last_visit_at", DateTime(timezone=True)),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)
Index("rm_households_grid_address", households.c.grid_path, households.c.address)
Index("rm_households_kind_grid", households.c.kind, households.c.grid_path)

members_table = Table(
    "rm_household_members",
    metadata,
    Column("household_id", String(36), primary_key=True),
    Column("member_id", String(36), primary_key=True),
    Column("relation", String(32), nullable=False),
    Column("floating", Boolean, nullable=False),
    Column("moved_in_at", DateTime(timezone=True), nullable=False),
    Column("moved_out_at", DateTime(timezone=True)),
)

tag_periods = Table(
    "rm_household_tags",
    metadata,
    Column("household_id", String(36), primary_key=True),
    Column("added_version", Integer, primary_key=True),  # the household's version that added it: event order
    Column("tag", String(32), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True)),
)
Index("rm_household_tags_tag", tag_periods.c.tag, tag_periods.c.added_at)

visits = Table(
    "rm_household_visits",
    metadata,
    Column("visit_id", String(36), primary_key=True),
    Column("household_id", String(36), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("grid_path", GridPath, nullable=False),
    Column("visitor_id", String(36)),
    Column("visitor_name", Text),
    Column("cases_raised", Integer, nullable=False),
)
Index("rm_household_visits_household_at", visits.c.household_id, visits.c.at)
Index("rm_household_visits_grid_at", visits.c.grid_path, visits.c.at)


def fold(state: Household | None, event: ProjectedEvent) -> Household | None:
    """The household after ``event`` (a new state; ``state`` is left alone): its row (with the head's phone masked),
    its members, its tag periods and the visits made since the state was loaded."""
    if event.type == "Registered":
        state = _registered(event)
    elif state is None:
        return None  # events of a household registered before this read model existed: none
    else:
        state = Household(dict(state.row), dict(state.members), list(state.tags), list(state.visits))
        _fold(state, event)
    residents = [m for m in state.members.values() if m["moved_out_at"] is None]
    state.row.update(
        updated_at=utc(event.at),
        version=event.version,
        position=event.position,
        residents=len(residents),
        floating=sum(1 for m in residents if m["floating"]),
        tags="," + "".join(f"{t['tag']}," for t in state.tags if t["removed_at"] is None),
    )
    return state


@dataclass(frozen=True)
class Household:
    """One household's rows: ``members`` by member id, ``tags`` in the order added, ``visits`` new since loaded."""

    row: Row
    members: dict[str, Row]
    tags: list[Row]
    visits: list[Row]


def _registered(event: ProjectedEvent) -> Household:
    data, head, at = event.data, event.data["head"], utc(event.at)
    row = {
        "id": event.aggregate_id,
        "address": data["address"],
        "grid": data["grid"],
        "kind": str(data["kind"]),
        "head_name": head["name"],
        "head_phone": mask_phone(head["phone"]) if head.get("phone") else None,
        "head_person": head.get("person"),
        "liaison_id": None,
        "liaison_name": None,
        "pairing_id": None,
        "pairing_name": None,
        "visits": 0,
        "last_visit_at": None,
        "registered_at": at,
    }
    head_member = _member(event.aggregate_id, data["head_member_id"], "head", False, at)
    return Household(row, {data["head_member_id"]: head_member}, [], [])


def _member(household_id: str, member_id: str, relation: str, floating: bool, at: datetime) -> Row:
    return {
        "household_id": household_id,
        "member_id": member_id,
        "relation": relation,
        "floating": floating,
        "moved_in_at": at,
        "moved_out_at": None,
    }


def _fold(state: Household, event: ProjectedEvent) -> None:
    """``event`` into ``state``'s own copies (the rows changed are copied first)."""
    data, at = event.data, utc(event.at)
    if event.type == "MemberAdded":
        member = data["member"]
        state.members[data["member_id"]] = _member(
            event.aggregate_id, data["member_id"], member["relation"], bool(member["floating"]), at
        )
    elif event.type == "MemberMovedOut" and data["member_id"] in state.members:
        state.members[data["member_id"]] = {**state.members[data["member_id"]], "moved_out_at": at}
    elif event.type == "TagAdded":
        period = {"household_id": event.aggregate_id, "added_version": event.version, "tag": data["tag"]}
        state.tags.append({**period, "added_at": at, "removed_at": None})
    elif event.type == "TagRemoved":
        state.tags[:] = [
            {**period, "removed_at": at} if period["tag"] == data["tag"] and period["removed_at"] is None else period
            for period in state.tags
        ]
    elif event.type in ("LiaisonAssigned", "PairingAssigned"):
        role = "liaison" if event.type == "LiaisonAssigned" else "pairing"
        state.row.update({f"{role}_id": data["staff"]["id"], f"{role}_name": data["staff"]["name"]})
    elif event.type == "Visited":
        state.row["visits"] += 1
        state.row["last_visit_at"] = at
        visit = {"visit_id": data["visit_id"], "household_id": event.aggregate_id, "at": at, "grid": state.row["grid"]}
        actor = event.actor
        state.visits.append(
            {
                **visit,
                "visitor_id": actor.get("id"),
                "visitor_name": actor.get("name"),
                "cases_raised": len(data["case_ids"]),
            }
        )


def _loaded(row: Row, loaded: dict[str, list[Row]]) -> Household:
    members = {m["member_id"]: m for m in loaded.get(members_table.name, [])}
    return Household(row, members, loaded.get(tag_periods.name, []), [])


def erase(connection: Connection, event: ProjectedEvent) -> None:
    """A person erased: the rows of households they head forget their name and phone -- by the head's key
    (``key_ids``) or, for a head recorded in clear before per-person keys existed, by household (``household_ids``,
    found by the erasure command)."""
    if event.type != "Erased":
        return
    key_ids = event.data.get("key_ids") or []
    household_ids = event.data.get("household_ids") or []
    phone = case((households.c.head_phone.is_(None), None), else_=ERASED)
    if key_ids:
        connection.execute(
            update(households).where(households.c.head_person.in_(key_ids)).values(head_name=ERASED, head_phone=phone)
        )
    if household_ids:
        connection.execute(
            update(households).where(households.c.id.in_(household_ids)).values(head_name=ERASED, head_phone=phone)
        )


HOUSEHOLD = Fold("household", "Household", fold, births=frozenset({"Registered"}))
read_model = ErasingReadModel(
    "households",
    HOUSEHOLD,
    (
        Stored(households, rows=lambda h: [h.row]),
        Stored(members_table, key="household_id", rows=lambda h: list(h.members.values())),
        Stored(tag_periods, key="household_id", rows=lambda h: h.tags, order_by="added_version"),
        Stored(visits, key="household_id", rows=lambda h: h.visits, loaded=False, appended=True),
    ),
    state=_loaded,
    erase=erase,
)
