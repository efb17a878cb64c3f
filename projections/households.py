"""Household registry (GET /households): one row per household, its members, care-tag periods and visits.

Personal data (PIPL): the registry keeps the head's name and a masked phone; ID numbers, members' names and
phones are never stored. Members are kept only as (relation, floating, in, out) to count residents.
Tag periods (added → removed) let "visits due" answer for any past month with the tags carried then.
"""

from __future__ import annotations

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
    delete,
    insert,
)
from sqlalchemy.engine import Connection

from application.tables import GridPath
from domain.personal_data import mask_phone
from projections.bulk import utc
from projections.case_rows import CHUNK, GridPaths, rows_where_in
from projections.events import ProjectedEvent, Reads

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

members = Table(
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


class HouseholdState:
    """One household's rows while a batch is folded into them."""

    def __init__(self, row: Row, member_rows: list[Row], tag_rows: list[Row]) -> None:
        self.row = row
        self.members = {m["member_id"]: m for m in member_rows}
        self.tags = tag_rows

    def recount(self) -> None:
        residents = [m for m in self.members.values() if m["moved_out_at"] is None]
        self.row["residents"] = len(residents)
        self.row["floating"] = sum(1 for m in residents if m["floating"])
        self.row["tags"] = "," + "".join(f"{t['tag']}," for t in self.tags if t["removed_at"] is None)


class HouseholdRegistryProjection:
    name = "households"
    metadata = metadata
    reads = Reads(frozenset({"Household"}))

    def __init__(self) -> None:
        self._grid_paths = GridPaths()

    def apply(self, connection: Connection, events: list[ProjectedEvent]) -> None:
        household_events = [e for e in events if e.aggregate_type == "Household"]
        if not household_events:
            return
        states = _load(connection, list(dict.fromkeys(e.aggregate_id for e in household_events)))
        new_visits: list[Row] = []
        for event in household_events:
            if event.type == "Registered":
                states[event.aggregate_id] = self._registered(connection, event)
            state = states.get(event.aggregate_id)
            if state is None:  # events of a household registered before this read model existed: none
                continue
            _fold(state, event, new_visits)
            state.row.update(updated_at=utc(event.at), version=event.version, position=event.position)
            state.recount()
        _store(connection, states, new_visits)

    def _registered(self, connection: Connection, event: ProjectedEvent) -> HouseholdState:
        data, head = event.data, event.data["head"]
        row = {
            "id": event.aggregate_id,
            "address": data["address"],
            "grid": data["grid"],
            "grid_path": self._grid_paths.path(connection, data["grid"]),
            "kind": str(data["kind"]),
            "head_name": head["name"],
            "head_phone": mask_phone(head["phone"]) if head.get("phone") else None,
            "liaison_id": None,
            "liaison_name": None,
            "pairing_id": None,
            "pairing_name": None,
            "visits": 0,
            "last_visit_at": None,
            "registered_at": utc(event.at),
        }
        head_member = {
            "household_id": event.aggregate_id,
            "member_id": data["head_member_id"],
            "relation": "head",
            "floating": False,
            "moved_in_at": utc(event.at),
            "moved_out_at": None,
        }
        return HouseholdState(row, [head_member], [])


def _fold(state: HouseholdState, event: ProjectedEvent, new_visits: list[Row]) -> None:
    data, at = event.data, utc(event.at)
    if event.type == "MemberAdded":
        member = data["member"]
        state.members[data["member_id"]] = {
            "household_id": event.aggregate_id,
            "member_id": data["member_id"],
            "relation": member["relation"],
            "floating": bool(member["floating"]),
            "moved_in_at": at,
            "moved_out_at": None,
        }
    elif event.type == "MemberMovedOut" and data["member_id"] in state.members:
        state.members[data["member_id"]]["moved_out_at"] = at
    elif event.type == "TagAdded":
        state.tags.append(
            {
                "household_id": event.aggregate_id,
                "added_version": event.version,
                "tag": data["tag"],
                "added_at": at,
                "removed_at": None,
            }
        )
    elif event.type == "TagRemoved":
        for period in state.tags:
            if period["tag"] == data["tag"] and period["removed_at"] is None:
                period["removed_at"] = at
    elif event.type in ("LiaisonAssigned", "PairingAssigned"):
        role = "liaison" if event.type == "LiaisonAssigned" else "pairing"
        state.row.update({f"{role}_id": data["staff"]["id"], f"{role}_name": data["staff"]["name"]})
    elif event.type == "Visited":
        state.row["visits"] += 1
        state.row["last_visit_at"] = at
        new_visits.append(
            {
                "visit_id": data["visit_id"],
                "household_id": event.aggregate_id,
                "at": at,
                "grid_path": state.row["grid_path"],
                "visitor_id": event.actor.get("id"),
                "visitor_name": event.actor.get("name"),
                "cases_raised": len(data["case_ids"]),
            }
        )


def _load(connection: Connection, ids: list[str]) -> dict[str, HouseholdState]:
    """The stored rows of the households in ``ids`` (those that exist)."""
    rows = {row["id"]: row for row in rows_where_in(connection, households, "id", ids)}
    member_rows: dict[str, list[Row]] = {}
    tag_rows: dict[str, list[Row]] = {}
    for row in rows_where_in(connection, members, "household_id", ids):
        member_rows.setdefault(row["household_id"], []).append(row)
    for row in rows_where_in(connection, tag_periods, "household_id", ids, order_by=tag_periods.c.added_version):
        tag_rows.setdefault(row["household_id"], []).append(row)
    return {
        household_id: HouseholdState(row, member_rows.get(household_id, []), tag_rows.get(household_id, []))
        for household_id, row in rows.items()
    }


def _store(connection: Connection, states: dict[str, HouseholdState], new_visits: list[Row]) -> None:
    """Replace the touched households' rows (households, members, tag periods); append the new visits."""
    ids = list(states)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for table in (households, members, tag_periods):
            connection.execute(delete(table).where(table.c[_key(table)].in_(chunk)))
    for table, rows in (
        (households, [s.row for s in states.values()]),
        (members, [m for s in states.values() for m in s.members.values()]),
        (tag_periods, [t for s in states.values() for t in s.tags]),
        (visits, new_visits),
    ):
        if rows:
            connection.execute(insert(table), rows)


def _key(table: Table) -> str:
    return "id" if table is households else "household_id"
